//! `parse_args`: turns argv into the parsed state the way oslo.config's `__call__` does.
//! Default files (when no `--config-file` is given) and existing default `.conf.d`
//! directories (when no `--config-dir` is given) are parsed first, then argv in order:
//! each `--config-file` / `--config-dir` is parsed where it appears, and every parsed
//! file also sets CLI options, so `--debug --config-file f` lets `f` win and
//! `--config-file f --debug` lets the flag win. Then missing files, CLI value types and
//! required options are checked.

use crate::cli::{ArgParser, CliEvent, CliSpec};
use crate::conf::ConfigOpts;
use crate::discovery::{conf_files_in, find_config_dirs, find_config_files, fix_path};
use crate::error::{ConfigError, Location};
use crate::namespace::{read_config_file, CliSetting, FileRead, Namespace, ParsedFile};
use crate::types::{convert_value, type_repr};

impl ConfigOpts {
    /// Parses the command line (argv WITHOUT the program name) and the configuration
    /// files/directories it names, or the default search path. Calling it again parses
    /// from scratch. `--help`, `--version` and usage errors come back as
    /// `ConfigError::Exit`.
    pub fn parse_args(&mut self, args: &[String]) -> Result<(), ConfigError> {
        self.args = args.to_vec();
        let ns = self.build_namespace()?;
        self.namespace = ns;
        self.mutable_ns = None;
        self.ignored_changes.clear();
        self.parsed = true;
        Ok(())
    }

    /// The usage line argparse would print for the registered CLI options.
    pub fn usage(&self) -> String {
        self.arg_parser().usage()
    }

    /// The `--help` text for the registered CLI options.
    pub fn help_text(&self) -> String {
        self.arg_parser().help()
    }

    fn arg_parser(&self) -> ArgParser {
        let specs: Vec<CliSpec<'_>> = self
            .all_opts()
            .filter(|(_, o)| o.cli)
            .map(|(group, opt)| CliSpec { group, opt })
            .collect();
        ArgParser::new(&self.prog, &self.version, &specs)
    }

    /// Builds a fresh parsed state from `self.args` and checks it (missing files, CLI
    /// value types, required options). Used by parse, reload and mutate.
    pub(crate) fn build_namespace(&self) -> Result<Namespace, ConfigError> {
        let events = self.arg_parser().parse(&self.args)?;
        let mut ns = Namespace::default();

        let has_file = events.iter().any(|e| matches!(e, CliEvent::ConfigFile(_)));
        let has_dir = events.iter().any(|e| matches!(e, CliEvent::ConfigDir(_)));
        if !has_file {
            let defaults = self
                .default_config_files
                .clone()
                .unwrap_or_else(|| find_config_files(&self.project, &self.prog));
            for f in defaults {
                let path = fix_path(&f.to_string_lossy());
                ns.config_files.push(path.clone());
                self.parse_file(&path, &mut ns)?;
            }
        }
        if !has_dir {
            let defaults = self
                .default_config_dirs
                .clone()
                .unwrap_or_else(|| find_config_dirs(&self.project, &self.prog));
            for d in defaults {
                let dir = fix_path(&d.to_string_lossy());
                if !dir.exists() {
                    continue;
                }
                ns.config_dirs.push(dir.clone());
                self.parse_dir(&dir, &mut ns)?;
            }
        }
        for event in events {
            match event {
                CliEvent::ConfigFile(f) => {
                    let path = fix_path(&f);
                    ns.config_files.push(path.clone());
                    self.parse_file(&path, &mut ns)?;
                }
                CliEvent::ConfigDir(d) => {
                    let expanded = expand_user(&d);
                    if !std::path::Path::new(&expanded).exists() {
                        return Err(ConfigError::DirNotFound { dir: expanded });
                    }
                    let dir = fix_path(&d);
                    ns.cli_config_dirs.push(dir.clone());
                    ns.config_dirs.push(dir.clone());
                    self.parse_dir(&dir, &mut ns)?;
                }
                CliEvent::Set {
                    group,
                    dest,
                    value,
                    arg,
                } => {
                    let multi = self
                        .find_opt(&group, &dest)
                        .is_ok_and(|(_, o)| o.kind.is_multi());
                    let origin = Location::Cli(arg);
                    let setting = ns.cli.entry((group, dest)).or_insert_with(|| CliSetting {
                        values: Vec::new(),
                        origin: origin.clone(),
                    });
                    if !multi {
                        setting.values.clear();
                    }
                    setting.values.push(value);
                    setting.origin = origin;
                }
            }
        }
        if !ns.not_found.is_empty() {
            return Err(ConfigError::FilesNotFound {
                files: ns.not_found.clone(),
            });
        }
        if !ns.permission_denied.is_empty() {
            return Err(ConfigError::FilesPermissionDenied {
                files: ns.permission_denied.clone(),
            });
        }
        self.validate_cli_values(&ns)?;
        self.check_required(Some(&ns))?;
        Ok(ns)
    }

    fn parse_dir(&self, dir: &std::path::Path, ns: &mut Namespace) -> Result<(), ConfigError> {
        let files = conf_files_in(dir).map_err(|e| ConfigError::Io {
            path: dir.to_path_buf(),
            message: e.to_string(),
        })?;
        for f in files {
            self.parse_file(&f, ns)?;
        }
        Ok(())
    }

    /// oslo's `ConfigParser._parse_file`: parse, record, and apply the file's values of
    /// CLI options at this point of the argv order.
    fn parse_file(&self, path: &std::path::Path, ns: &mut Namespace) -> Result<(), ConfigError> {
        match read_config_file(path)? {
            FileRead::NotFound => ns.not_found.push(path.to_path_buf()),
            FileRead::PermissionDenied => ns.permission_denied.push(path.to_path_buf()),
            FileRead::Parsed(file) => {
                self.apply_cli_opts_from_file(&file, ns);
                ns.files.push(file);
            }
        }
        Ok(())
    }

    fn apply_cli_opts_from_file(&self, file: &ParsedFile, ns: &mut Namespace) {
        let single = Namespace {
            files: vec![file.clone()],
            ..Namespace::default()
        };
        for (group, opt) in self.all_opts().filter(|(_, o)| o.cli) {
            let multi = opt.kind.is_multi();
            let Some(fv) = single.file_value(&opt.lookup_names(group), multi) else {
                continue;
            };
            let key = (group.to_string(), opt.name.clone());
            let origin = Location::File(file.path.clone());
            let setting = ns.cli.entry(key).or_insert_with(|| CliSetting {
                values: Vec::new(),
                origin: origin.clone(),
            });
            if !multi {
                setting.values.clear();
            }
            setting.values.extend(fv.values);
            setting.origin = origin;
        }
    }

    /// oslo's `_validate_cli_options`: CLI option values (from argv or files) must convert.
    fn validate_cli_values(&self, ns: &Namespace) -> Result<(), ConfigError> {
        let mut cli_opts: Vec<(&str, &crate::opt::Opt)> =
            self.all_opts().filter(|(_, o)| o.cli).collect();
        cli_opts.sort_by(|a, b| a.1.name.cmp(&b.1.name));
        for (group, opt) in cli_opts {
            let Some(setting) = ns.cli.get(&(group.to_string(), opt.name.clone())) else {
                continue;
            };
            for raw in &setting.values {
                let value = self.substitute_in(group, opt, raw, Some(ns), &mut Vec::new())?;
                if let Err(reason) = convert_value(&opt.kind, &value) {
                    return Err(match &setting.origin {
                        Location::File(_) => ConfigError::InvalidValue {
                            group: group.to_string(),
                            name: opt.name.clone(),
                            location: Box::new(setting.origin.clone()),
                            value,
                            reason,
                        },
                        _ => ConfigError::InvalidCliValue {
                            arg: format!("--{}", opt.name),
                            type_repr: type_repr(&opt.kind),
                            value,
                            reason,
                        },
                    });
                }
            }
        }
        Ok(())
    }
}

/// `os.path.expanduser`.
fn expand_user(p: &str) -> String {
    let home = std::env::var("HOME").ok().filter(|h| !h.is_empty());
    match (p, home) {
        ("~", Some(h)) => h,
        (p, Some(h)) if p.starts_with("~/") => format!("{h}{}", &p[1..]),
        (p, _) => p.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use crate::error::{ConfigError, Location};
    use crate::opt::Opt;
    use crate::test_support::{argv, conf, p, Files};
    use crate::value::Value;

    /// config.md §14: a.conf + b.conf.
    #[test]
    fn oslo_test_vector_two_files() {
        let files = Files::new();
        let a = files.write(
            "a.conf",
            "[DEFAULT]\nworkers = 3\nflag = yes\nbackends = lvm1, lvm2 ,\nd = a:1, b : 2\n\
             ext = x\next = y\noldname = dep\n[GRP]\nx = $grp.y!\n",
        );
        let b = files.write("b.conf", "[DEFAULT]\nworkers = 4\n");
        let mut c = conf();
        c.register_opts(
            "DEFAULT",
            vec![
                Opt::int().named("workers"),
                Opt::bool().named("flag"),
                Opt::list().named("backends"),
                Opt::dict().named("d"),
                Opt::multi_str().named("ext"),
                Opt::str().named("newname").deprecated_name("oldname"),
                Opt::str().named("state_path").default("/var/lib/x"),
            ],
        )
        .expect("register");
        c.register_opts(
            "grp",
            vec![
                Opt::str().named("x"),
                Opt::str().named("y").default("$state_path"),
            ],
        )
        .expect("register");
        c.parse_args(&argv(&["--config-file", &p(&a), "--config-file", &p(&b)]))
            .expect("parse");
        assert_eq!(c.get("DEFAULT", "workers"), Ok(Value::Int(4)));
        assert_eq!(c.get("DEFAULT", "flag"), Ok(Value::Bool(true)));
        assert_eq!(
            c.get("DEFAULT", "backends"),
            Ok(Value::List(vec!["lvm1".into(), "lvm2".into()]))
        );
        let mut d = BTreeMap::new();
        d.insert("a".to_string(), "1".to_string());
        d.insert("b".to_string(), "2".to_string());
        assert_eq!(c.get("DEFAULT", "d"), Ok(Value::Dict(d)));
        assert_eq!(
            c.get("DEFAULT", "ext"),
            Ok(Value::List(vec!["x".into(), "y".into()]))
        );
        assert_eq!(c.get("DEFAULT", "newname"), Ok(Value::Str("dep".into())));
        assert_eq!(c.get("grp", "x"), Ok(Value::Str("/var/lib/x!".into())));
        assert_eq!(c.config_files(), &[a, b]);
    }

    #[test]
    fn continuation_line_value() {
        let files = Files::new();
        let f = files.write("c.conf", "[DEFAULT]\ns = \"quoted\"\n  continued\n");
        let mut c = conf();
        c.register_opts("DEFAULT", vec![Opt::str().named("s")])
            .expect("register");
        c.parse_args(&argv(&["--config-file", &p(&f)]))
            .expect("parse");
        assert_eq!(
            c.get("DEFAULT", "s"),
            Ok(Value::Str("quoted\ncontinued".into()))
        );
    }

    #[test]
    fn out_of_range_file_value_names_file_group_option_and_value() {
        let files = Files::new();
        let f = files.write("c.conf", "[DEFAULT]\nworkers = 0\n");
        let mut c = conf();
        c.register_opts("DEFAULT", vec![Opt::int().named("workers").min(1)])
            .expect("register");
        c.parse_args(&argv(&["--config-file", &p(&f)]))
            .expect("parse");
        let e = c.get("DEFAULT", "workers").expect_err("out of range");
        assert_eq!(
            e.to_string(),
            format!(
                "Value for option workers in group [DEFAULT] from {} is not valid: Should be greater than or equal to 1 (value '0')",
                f.display()
            )
        );
        assert_eq!(c.validate(), Err(e));
    }

    #[test]
    fn bad_integer_in_file() {
        let files = Files::new();
        let f = files.write("cinder.conf", "[DEFAULT]\nosapi_volume_workers = abc\n");
        let mut c = conf();
        c.register_opts("DEFAULT", vec![Opt::int().named("osapi_volume_workers")])
            .expect("register");
        c.parse_args(&argv(&["--config-file", &p(&f)]))
            .expect("parse");
        assert_eq!(
            c.get("DEFAULT", "osapi_volume_workers")
                .expect_err("bad")
                .to_string(),
            format!(
                "Value for option osapi_volume_workers in group [DEFAULT] from {} is not valid: invalid literal for int() with base 10: 'abc'",
                f.display()
            )
        );
    }

    fn dir_and_file(files: &Files) -> (String, String) {
        files.write("d/10-a.conf", "[DEFAULT]\nv = dir-a\n");
        files.write("d/20-b.conf", "[DEFAULT]\nv = dir-b\n");
        files.write("d/ignored.txt", "[DEFAULT]\nv = txt\n");
        let f = files.write("f.conf", "[DEFAULT]\nv = file\n");
        (p(&files.path("d")), p(&f))
    }

    #[test]
    fn config_dir_then_file_lets_the_file_win() {
        let files = Files::new();
        let (d, f) = dir_and_file(&files);
        let mut c = conf();
        c.register_opts("DEFAULT", vec![Opt::str().named("v")])
            .expect("register");
        c.parse_args(&argv(&["--config-dir", &d, "--config-file", &f]))
            .expect("parse");
        assert_eq!(c.get("DEFAULT", "v"), Ok(Value::Str("file".into())));
        c.parse_args(&argv(&["--config-file", &f, "--config-dir", &d]))
            .expect("parse");
        assert_eq!(c.get("DEFAULT", "v"), Ok(Value::Str("dir-b".into())));
        assert_eq!(c.config_dirs(), &[files.path("d")]);
        assert_eq!(c.parsed_files().len(), 3);
    }

    #[test]
    fn cli_flags_and_files_apply_in_argv_order() {
        let files = Files::new();
        let f = files.write("f.conf", "[DEFAULT]\ndebug = false\n");
        let mut c = conf();
        c.register_opts("DEFAULT", vec![Opt::bool().named("debug").short('d')])
            .expect("register");
        c.parse_args(&argv(&["--debug", "--config-file", &p(&f)]))
            .expect("parse");
        assert_eq!(c.get("DEFAULT", "debug"), Ok(Value::Bool(false)));
        c.parse_args(&argv(&["--config-file", &p(&f), "-d"]))
            .expect("parse");
        assert_eq!(c.get("DEFAULT", "debug"), Ok(Value::Bool(true)));
    }

    #[test]
    fn default_files_are_parsed_only_without_config_file() {
        let files = Files::new();
        let def = files.write("cinder.conf", "[DEFAULT]\nv = default\n");
        let other = files.write("other.conf", "[DEFAULT]\nother = 1\n");
        let mut c = conf();
        c.set_default_config_files(vec![def.clone()]);
        c.register_opts(
            "DEFAULT",
            vec![Opt::str().named("v"), Opt::str().named("other")],
        )
        .expect("register");
        c.parse_args(&[]).expect("parse");
        assert_eq!(c.get("DEFAULT", "v"), Ok(Value::Str("default".into())));
        assert_eq!(c.config_files(), &[def]);
        c.parse_args(&argv(&["--config-file", &p(&other)]))
            .expect("parse");
        assert_eq!(c.get("DEFAULT", "v"), Ok(Value::None));
    }

    #[test]
    fn default_dirs_parsed_after_default_files_and_skipped_when_missing() {
        let files = Files::new();
        let def = files.write("cinder.conf", "[DEFAULT]\nv = file\n");
        files.write("cinder.conf.d/x.conf", "[DEFAULT]\nv = dir\n");
        let mut c = conf();
        c.set_default_config_files(vec![def]);
        c.set_default_config_dirs(vec![files.path("cinder.conf.d"), files.path("missing.d")]);
        c.register_opts("DEFAULT", vec![Opt::str().named("v")])
            .expect("register");
        c.parse_args(&[]).expect("parse");
        assert_eq!(c.get("DEFAULT", "v"), Ok(Value::Str("dir".into())));
    }

    #[test]
    fn missing_files_and_dirs() {
        let files = Files::new();
        let mut c = conf();
        let missing = files.path("nope.conf");
        let also = files.path("nope2.conf");
        let e = c
            .parse_args(&argv(&[
                "--config-file",
                &p(&missing),
                "--config-file",
                &p(&also),
            ]))
            .expect_err("missing");
        assert_eq!(
            e.to_string(),
            format!(
                "Failed to find some config files: {},{}",
                missing.display(),
                also.display()
            )
        );
        let e = c
            .parse_args(&argv(&["--config-dir", "/no/such/dir"]))
            .expect_err("missing dir");
        assert_eq!(
            e.to_string(),
            "Failed to read config file directory: /no/such/dir"
        );
    }

    #[test]
    fn parse_error_names_absolute_file_and_line() {
        let files = Files::new();
        let f = files.write("bad.conf", "[DEFAULT]\nnovalue\n");
        let mut c = conf();
        let e = c
            .parse_args(&argv(&["--config-file", &p(&f)]))
            .expect_err("bad file");
        let f = f.display();
        assert_eq!(
            e.to_string(),
            format!("Failed to parse {f}: at {f}:2, No ':' or '=' found in assignment: 'novalue'")
        );
    }

    #[test]
    fn relative_paths_become_absolute() {
        let mut c = conf();
        let e = c
            .parse_args(&argv(&["--config-file", "relative-missing.conf"]))
            .expect_err("missing");
        let ConfigError::FilesNotFound { files } = e else {
            panic!("expected FilesNotFound, got {e:?}");
        };
        assert!(files[0].is_absolute());
        assert!(files[0].ends_with("relative-missing.conf"));
    }

    #[test]
    fn bad_cli_value_names_the_argument() {
        let mut c = conf();
        c.register_opts("DEFAULT", vec![Opt::int().named("workers").cli()])
            .expect("register");
        let e = c
            .parse_args(&argv(&["--workers", "abc"]))
            .expect_err("bad value");
        assert_eq!(
            e.to_string(),
            "argument --workers: Invalid Integer value: abc (invalid literal for int() with base 10: 'abc')"
        );
        assert_eq!(e.exit_code(), 1);
    }

    #[test]
    fn usage_help_and_version_exits() {
        let mut c = conf();
        c.register_opts("DEFAULT", vec![Opt::str().named("log_file").cli()])
            .expect("register");
        let e = c.parse_args(&argv(&["--nope"])).expect_err("unknown");
        assert_eq!(e.exit_code(), 2);
        assert!(e
            .to_string()
            .ends_with("cinder-test: error: unrecognized arguments: --nope"));
        let e = c.parse_args(&argv(&["--help"])).expect_err("help");
        assert_eq!(e.exit_code(), 0);
        assert!(e.to_string().contains("--log-file LOG_FILE"));
        assert_eq!(
            c.parse_args(&argv(&["--version"])),
            Err(ConfigError::Exit {
                code: 0,
                message: "1.2.3".into()
            })
        );
    }

    #[test]
    fn required_options_are_checked_at_parse() {
        let mut c = conf();
        c.register_opts("database", vec![Opt::str().named("connection").required()])
            .expect("register");
        assert_eq!(
            c.parse_args(&[]),
            Err(ConfigError::Required {
                group: "database".into(),
                name: "connection".into()
            })
        );
        assert_eq!(
            ConfigError::Required {
                group: "database".into(),
                name: "connection".into()
            }
            .to_string(),
            "value required for option connection in group [database]"
        );
        c.set_default("database", "connection", "sqlite://")
            .expect("set_default");
        c.parse_args(&[]).expect("satisfied by set_default");
    }

    #[test]
    fn cli_multi_values_accumulate_with_file_values() {
        let files = Files::new();
        let f = files.write("f.conf", "[DEFAULT]\next = x\n");
        let mut c = conf();
        c.register_opts("DEFAULT", vec![Opt::multi_str().named("ext").cli()])
            .expect("register");
        c.parse_args(&argv(&["--config-file", &p(&f), "--ext", "a", "--ext=b"]))
            .expect("parse");
        assert_eq!(
            c.get("DEFAULT", "ext"),
            Ok(Value::List(vec!["x".into(), "a".into(), "b".into()]))
        );
    }

    #[test]
    fn cli_value_location_in_errors_after_substitution() {
        let mut c = conf();
        c.register_opts(
            "DEFAULT",
            vec![Opt::str()
                .named("log_file")
                .deprecated_name("logfile")
                .cli()],
        )
        .expect("register");
        c.parse_args(&argv(&["--logfile", "/var/log/x.log"]))
            .expect("parse");
        assert_eq!(
            c.get("DEFAULT", "log_file"),
            Ok(Value::Str("/var/log/x.log".into()))
        );
        let src = c
            .raw_source("DEFAULT", &c.opts("DEFAULT").expect("group")[0], None)
            .expect("set");
        assert_eq!(src.location, Location::Cli("--log-file".into()));
        assert_eq!(c.cli_args(), &argv(&["--logfile", "/var/log/x.log"])[..]);
    }
}
