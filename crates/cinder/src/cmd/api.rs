//! `cinder-api` (`cinder/cmd/api.py`): config → logging → load the paste app `osapi_volume`
//! from `api_paste_config` → bind `osapi_volume_listen:osapi_volume_listen_port` →
//! ProcessLauncher with `osapi_volume_workers` forked workers (restart method `mutate`).

use std::net::IpAddr;
use std::sync::Arc;

use openstack_config::{ConfigError, ConfigOpts};
use openstack_http::paste::{find_paste_config, load_paste_app};
use openstack_http::server::{bind, server_config, SslOpts, WsgiServerOpts, WsgiService};
use openstack_service::launcher::{workers_from_option, ProcessLauncher, RestartMethod};
use openstack_service::logging;

use crate::api::CinderApps;
use crate::common::config::{CinderOpts, OsapiVolumeOpts};

/// cinder's default `[database] connection`: SQLite under `state_path`.
pub const DEFAULT_CONNECTION: &str = "sqlite:///$state_path/cinder.sqlite";

/// The paste application cinder-api serves.
pub const APP_NAME: &str = "osapi_volume";
const BACKLOG: i32 = 128;

/// Every option cinder-api reads, registered on a fresh `ConfigOpts`.
pub fn config(prog: &str) -> Result<ConfigOpts, ConfigError> {
    let mut conf = ConfigOpts::new("cinder", prog, crate::VERSION);
    openstack_service::register_opts(&mut conf)?;
    openstack_http::server::register_opts(&mut conf)?;
    openstack_http::filters::register_opts(&mut conf)?;
    openstack_service::policy::register_opts(&mut conf)?;
    openstack_db::set_defaults(&mut conf, Some(DEFAULT_CONNECTION))?;
    conf.register::<CinderOpts>()?;
    conf.register::<OsapiVolumeOpts>()?;
    crate::quota::register_opts(&mut conf)?;
    crate::service::register_opts(&mut conf)?;
    crate::message::api::register_opts(&mut conf)?;
    conf.register::<crate::volume::volume_types::VolumeTypeOpts>()?;
    if let Ok(name) = nix_hostname() {
        conf.set_default("DEFAULT", "host", &name)?;
    }
    Ok(conf)
}

fn nix_hostname() -> std::io::Result<String> {
    std::fs::read_to_string("/proc/sys/kernel/hostname").map(|s| s.trim().to_string())
}

/// Runs cinder-api with `args` (argv without the program name); returns the exit code.
pub fn main(args: &[String]) -> i32 {
    let mut conf = match config("cinder-api") {
        Ok(c) => c,
        Err(e) => return fail(1, &e.to_string()),
    };
    if let Err(e) = conf.parse_args(args).and_then(|()| conf.validate()) {
        let (code, message) = super::exit_for(&e);
        return fail(code, &message);
    }
    let log = match logging::setup(&conf, "cinder-api") {
        Ok(h) => h,
        Err(e) => return fail(1, &e.to_string()),
    };
    match serve(conf, log) {
        Ok(code) => code,
        Err(message) => {
            tracing::error!("{message}");
            fail(1, &message)
        }
    }
}

fn fail(code: i32, message: &str) -> i32 {
    if code == 0 {
        println!("{message}");
    } else {
        eprintln!("{message}");
    }
    code
}

fn serve(conf: ConfigOpts, _log: logging::LogHandle) -> Result<i32, String> {
    for warning in conf.deprecation_warnings() {
        tracing::warn!("{warning}");
    }
    let cinder: CinderOpts = conf.load().map_err(|e| e.to_string())?;
    let api: OsapiVolumeOpts = conf.load().map_err(|e| e.to_string())?;
    let server_opts: WsgiServerOpts = conf.load().map_err(|e| e.to_string())?;

    let paste =
        find_paste_config(&conf, &server_opts.api_paste_config).map_err(|e| e.to_string())?;
    let app = load_paste_app(&conf, &paste, APP_NAME, &CinderApps).map_err(|e| e.to_string())?;
    let workers = workers_from_option("osapi_volume_workers", api.osapi_volume_workers)
        .map_err(|e| e.to_string())?;

    if cinder.auth_strategy.starts_with("noauth") && !is_loopback(&api.osapi_volume_listen) {
        tracing::warn!(
            "auth_strategy = {} makes every caller an admin, and cinder-api listens on {}: \
             anyone who can reach this address controls the cloud",
            cinder.auth_strategy,
            api.osapi_volume_listen
        );
    }

    let listener = bind(
        APP_NAME,
        &api.osapi_volume_listen,
        api.osapi_volume_listen_port,
        BACKLOG,
        None,
    )
    .map_err(|e| e.to_string())?;
    let tls = if api.osapi_volume_use_ssl {
        let ssl: SslOpts = conf.load().map_err(|e| e.to_string())?;
        Some(server_config(&ssl).map_err(|e| e.to_string())?)
    } else {
        None
    };
    let service =
        WsgiService::new(APP_NAME, listener, app, server_opts, tls).map_err(|e| e.to_string())?;

    let mut launcher =
        ProcessLauncher::new(conf, RestartMethod::Mutate).map_err(|e| e.to_string())?;
    launcher
        .launch_service(Arc::new(service), workers)
        .map_err(|e| e.to_string())?;
    Ok(launcher.wait())
}

fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host
            .parse::<IpAddr>()
            .map(|ip| ip.is_loopback())
            .unwrap_or(false)
}
