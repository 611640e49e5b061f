//! The `openstack-config` seam as ADR 0001 fixes it, used from outside the crate the way
//! the service and HTTP crates use it.

use std::collections::BTreeMap;
use std::path::PathBuf;

use openstack_config::{options, ConfigError, ConfigOpts, Opt, OptGroup, Value};

options! {
    /// Options of the WSGI server (oslo_service/_options.py).
    #[derive(Debug, Clone, PartialEq)]
    pub struct WsgiOpts in "DEFAULT" {
        api_paste_config: String = Opt::str().default("api-paste.ini").help("Paste file."),
        osapi_volume_workers: Option<i64> = Opt::int().min(1).help("Workers."),
        osapi_volume_listen_port: u16 = Opt::port().default("8776").help("Port."),
        debug: bool = Opt::bool().default("false").short('d').mutable().help("Debug."),
    }
}

fn write(dir: &tempfile::TempDir, name: &str, content: &str) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, content).expect("write");
    path
}

fn service_conf() -> ConfigOpts {
    let mut conf = ConfigOpts::new("cinder", "cinder-api", "22.0.0");
    conf.set_environment(BTreeMap::new());
    conf.set_default_config_files(Vec::new());
    conf.register::<WsgiOpts>().expect("register");
    conf
}

#[test]
fn a_service_reads_its_typed_options() {
    let dir = tempfile::tempdir().expect("tmp");
    let f = write(
        &dir,
        "cinder.conf",
        "[DEFAULT]\nosapi_volume_workers = 4\nunknown_key = kept\n",
    );
    let mut conf = service_conf();
    conf.parse_args(&[
        "--config-file".to_string(),
        f.display().to_string(),
        "-d".to_string(),
    ])
    .expect("parse");
    conf.validate().expect("valid");
    let wsgi: WsgiOpts = conf.load().expect("load");
    assert_eq!(
        wsgi,
        WsgiOpts {
            api_paste_config: "api-paste.ini".into(),
            osapi_volume_workers: Some(4),
            osapi_volume_listen_port: 8776,
            debug: true,
        }
    );
    assert_eq!(
        conf.raw_value("DEFAULT", "unknown_key"),
        Some("kept".into())
    );
    assert_eq!(conf.config_files(), &[f]);
    assert_eq!(WsgiOpts::opts().len(), 4);
    assert_eq!(
        conf.get("DEFAULT", "osapi_volume_workers"),
        Ok(Value::Int(4))
    );
}

#[test]
fn a_bad_value_is_one_clear_line_at_start_up() {
    let dir = tempfile::tempdir().expect("tmp");
    let f = write(
        &dir,
        "cinder.conf",
        "[DEFAULT]\nosapi_volume_workers = abc\n",
    );
    let mut conf = service_conf();
    conf.parse_args(&["--config-file".to_string(), f.display().to_string()])
        .expect("parse");
    let e = conf.validate().expect_err("invalid");
    assert_eq!(
        e.to_string(),
        format!(
            "Value for option osapi_volume_workers in group [DEFAULT] from {} is not valid: invalid literal for int() with base 10: 'abc'",
            f.display()
        )
    );
    assert_eq!(e.exit_code(), 1);
}

#[test]
fn help_version_and_usage_errors_are_exits() {
    let mut conf = service_conf();
    let help = conf.parse_args(&["--help".to_string()]).expect_err("help");
    assert!(matches!(help, ConfigError::Exit { code: 0, .. }));
    let version = conf
        .parse_args(&["--version".to_string()])
        .expect_err("version");
    assert_eq!(
        version,
        ConfigError::Exit {
            code: 0,
            message: "22.0.0".into()
        }
    );
    let usage = conf.parse_args(&["--nope".to_string()]).expect_err("usage");
    assert!(matches!(usage, ConfigError::Exit { code: 2, .. }));
    assert!(usage
        .to_string()
        .ends_with("cinder-api: error: unrecognized arguments: --nope"));
}

#[test]
fn sighup_mutate_applies_mutable_options_only() {
    let dir = tempfile::tempdir().expect("tmp");
    let f = write(
        &dir,
        "cinder.conf",
        "[DEFAULT]\ndebug = false\nosapi_volume_workers = 2\n",
    );
    let mut conf = service_conf();
    conf.parse_args(&["--config-file".to_string(), f.display().to_string()])
        .expect("parse");
    write(
        &dir,
        "cinder.conf",
        "[DEFAULT]\ndebug = true\nosapi_volume_workers = 8\n",
    );
    let changes = conf.mutate_config_files().expect("mutate");
    assert_eq!(changes.len(), 1);
    assert_eq!(
        changes[0].to_string(),
        "Option DEFAULT.debug changed from [false] to [true]"
    );
    assert_eq!(conf.get_as::<bool>("DEFAULT", "debug"), Ok(true));
    assert_eq!(
        conf.get_as::<Option<i64>>("DEFAULT", "osapi_volume_workers"),
        Ok(Some(2))
    );
    assert_eq!(
        conf.ignored_immutable_changes()[0].ignored_message(),
        "Ignoring change to immutable option DEFAULT.osapi_volume_workers"
    );
}
