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

