//! `ConfigOpts`, the counterpart of oslo.config's `cfg.ConfigOpts` (`CONF`): the registry
//! of options by group, `set_default` / `set_override`, the parsed state of the command
//! line and files, and the accessors services use. Value resolution lives in `resolve.rs`,
//! argv/file processing in `sources.rs`, SIGHUP in `reload.rs`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::discovery::{config_dirs, fix_path, search_dirs};
use crate::error::ConfigError;
use crate::group::OptGroup;
use crate::namespace::Namespace;
use crate::opt::{Opt, OptType};
use crate::reload::OptChange;
use crate::types::convert_value;
use crate::value::{FromValue, Value};

/// Where `OS_<GROUP>__<NAME>` values come from.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum EnvSource {
    /// The process environment, read at each lookup (oslo's behaviour).
    Process,
    /// A fixed map (tests, embedding).
    Fixed(BTreeMap<String, String>),
    /// `use_env=False`.
    Disabled,
}

/// Options registered in one group, in registration order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct GroupOpts {
    pub name: String,
    pub opts: Vec<Opt>,
}

/// The configuration of one service process (oslo.config's `CONF`). Cheap to clone;
/// launchers keep a copy per process. `Debug` shows no values (they may be secrets).
#[derive(Clone)]
pub struct ConfigOpts {
    pub(crate) project: String,
    pub(crate) prog: String,
    pub(crate) version: String,
    /// DEFAULT first, then groups in registration order.
    pub(crate) groups: Vec<GroupOpts>,
    pub(crate) defaults: BTreeMap<(String, String), Vec<String>>,
    pub(crate) overrides: BTreeMap<(String, String), Vec<String>>,
    pub(crate) args: Vec<String>,
    pub(crate) parsed: bool,
    pub(crate) namespace: Namespace,
    /// Set by `mutate_config_files`: what mutable options read from.
    pub(crate) mutable_ns: Option<Namespace>,
    pub(crate) env: EnvSource,
    pub(crate) default_config_files: Option<Vec<PathBuf>>,
    pub(crate) default_config_dirs: Option<Vec<PathBuf>>,
    pub(crate) ignored_changes: Vec<OptChange>,
}

impl std::fmt::Debug for ConfigOpts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConfigOpts")
            .field("project", &self.project)
            .field("prog", &self.prog)
            .field("version", &self.version)
            .field("groups", &self.groups().len())
            .field("config_files", &self.namespace.config_files)
            .field("parsed", &self.parsed)
            .finish_non_exhaustive()
    }
}

impl ConfigOpts {
    /// A fresh configuration for `project` (e.g. `cinder`), program `prog` (e.g.
    /// `cinder-api`, used for `<prog>.conf` and usage text) and `version` (`--version`;
    /// empty disables the flag).
    pub fn new(project: &str, prog: &str, version: &str) -> ConfigOpts {
        ConfigOpts {
            project: project.to_string(),
            prog: prog.strip_suffix(".py").unwrap_or(prog).to_string(),
            version: version.to_string(),
            groups: vec![GroupOpts {
                name: "DEFAULT".to_string(),
                opts: Vec::new(),
            }],
            defaults: BTreeMap::new(),
            overrides: BTreeMap::new(),
            args: Vec::new(),
            parsed: false,
            namespace: Namespace::default(),
            mutable_ns: None,
            env: EnvSource::Process,
            default_config_files: None,
            default_config_dirs: None,
            ignored_changes: Vec::new(),
        }
    }

    /// Registers options in `group` (`"DEFAULT"` or a group name). Registering an equal
    /// option again is a no-op; a different option under a taken name is
    /// `DuplicateOpt`. Defaults are checked against the type unless they hold a `$`.
    pub fn register_opts(&mut self, group: &str, opts: Vec<Opt>) -> Result<(), ConfigError> {
        let group = if group.is_empty() { "DEFAULT" } else { group };
        for opt in &opts {
            check_opt(group, opt)?;
            // Re-registering an equal option is a no-op, even for CLI options after parsing.
            let existing = self
                .opts(group)
                .and_then(|o| o.iter().find(|e| e.name == opt.name));
            if existing.is_some_and(|e| e != opt)
                || opts.iter().any(|o| o.name == opt.name && o != opt)
            {
                return Err(ConfigError::DuplicateOpt {
                    name: opt.name.clone(),
                });
            }
            let already = existing.is_some();
            if opt.cli && self.parsed && !already {
                return Err(ConfigError::ArgsAlreadyParsed {
                    detail: format!("cannot register CLI option {}", opt.name),
                });
            }
        }
        let idx = match self.groups.iter().position(|g| g.name == group) {
            Some(i) => i,
            None => {
                self.groups.push(GroupOpts {
                    name: group.to_string(),
                    opts: Vec::new(),
                });
                self.groups.len() - 1
            }
        };
        let entry = &mut self.groups[idx];
        for opt in opts {
            if !entry.opts.iter().any(|o| o.name == opt.name) {
                entry.opts.push(opt);
            }
        }
        Ok(())
    }

    /// Registers the options of `G` in `G::GROUP`.
    pub fn register<G: OptGroup>(&mut self) -> Result<(), ConfigError> {
        self.register_opts(G::GROUP, G::opts())
    }

    /// Registers the options of `G` in a dynamic group (cinder's `[lvm1]` backends).
    pub fn register_in<G: OptGroup>(&mut self, group: &str) -> Result<(), ConfigError> {
        self.register_opts(group, G::opts())
    }

    /// Reads and converts an option (precedence: override, CLI, environment, files,
    /// `set_default`, registered default, `None`).
    pub fn get(&self, group: &str, name: &str) -> Result<Value, ConfigError> {
        self.resolve(group, name, None, &mut Vec::new())
    }

    /// `get` converted to a Rust type; `WrongType` if the value does not fit.
    pub fn get_as<T: FromValue>(&self, group: &str, name: &str) -> Result<T, ConfigError> {
        let v = self.get(group, name)?;
        let found = v.describe();
        T::from_value(v).ok_or_else(|| ConfigError::WrongType {
            group: group.to_string(),
            name: name.to_string(),
            expected: T::expected(),
            found,
        })
    }

    /// Loads the typed struct `G` from `G::GROUP`.
    pub fn load<G: OptGroup>(&self) -> Result<G, ConfigError> {
        G::from_conf(self, G::GROUP)
    }

    /// Loads the typed struct `G` from `group`.
    pub fn load_in<G: OptGroup>(&self, group: &str) -> Result<G, ConfigError> {
        G::from_conf(self, group)
    }

    /// Reads every registered option and checks `required` ones, so a bad value fails at
    /// start-up rather than on first use. Returns the first error.
    pub fn validate(&self) -> Result<(), ConfigError> {
        for g in &self.groups {
            for opt in &g.opts {
                self.get(&g.name, &opt.name)?;
            }
        }
        self.check_required(None)
    }

    /// The last file value of any key, registered or not (files only, unconverted).
    pub fn raw_value(&self, group: &str, key: &str) -> Option<String> {
        self.namespace.raw_value(group, key)
    }

    /// Every section name found in the parsed files (group names lower-cased).
    pub fn list_all_sections(&self) -> Vec<String> {
        let mut all = self.namespace.sections();
        if let Some(ns) = &self.mutable_ns {
            all.extend(ns.sections());
            all.sort();
            all.dedup();
        }
        all
    }

    /// oslo's `set_default`: a new default, checked against the type (unless it holds `$`).
    pub fn set_default(&mut self, group: &str, name: &str, raw: &str) -> Result<(), ConfigError> {
        let (g, opt) = self.find_opt(group, name)?;
        let (g, dest) = (g.to_string(), opt.name.clone());
        check_default(&g, opt, raw)?;
        self.defaults.insert((g, dest), vec![raw.to_string()]);
        Ok(())
    }

    /// oslo's `set_override`: beats every other source; checked against the type
    /// (unless it holds `$`).
    pub fn set_override(&mut self, group: &str, name: &str, raw: &str) -> Result<(), ConfigError> {
        let (g, opt) = self.find_opt(group, name)?;
        let (g, dest) = (g.to_string(), opt.name.clone());
        if !raw.contains('$') && !opt.kind.is_multi() {
            convert_value(&opt.kind, raw).map_err(|reason| ConfigError::InvalidValue {
                group: g.clone(),
                name: dest.clone(),
                location: Box::new(crate::error::Location::Override),
                value: raw.to_string(),
                reason,
            })?;
        }
        self.overrides.insert((g, dest), vec![raw.to_string()]);
        Ok(())
    }

    /// oslo's `clear_override`.
    pub fn clear_override(&mut self, group: &str, name: &str) -> Result<(), ConfigError> {
        let (g, opt) = self.find_opt(group, name)?;
        let key = (g.to_string(), opt.name.clone());
        self.overrides.remove(&key);
        Ok(())
    }

    /// oslo's `clear_default`.
    pub fn clear_default(&mut self, group: &str, name: &str) -> Result<(), ConfigError> {
        let (g, opt) = self.find_opt(group, name)?;
        let key = (g.to_string(), opt.name.clone());
        self.defaults.remove(&key);
        Ok(())
    }

    /// oslo's `CONF.config_file`: the `--config-file` paths (or the default files when
    /// none was given), in parse order, absolute.
    pub fn config_files(&self) -> &[PathBuf] {
        &self.namespace.config_files
    }

    /// `--config-dir` paths given on the command line (absolute), or the default
    /// `.conf.d` directories that were parsed.
    pub fn config_dirs(&self) -> &[PathBuf] {
        &self.namespace.config_dirs
    }

    /// Every file actually parsed (files, directory members, defaults), in parse order.
    pub fn parsed_files(&self) -> Vec<PathBuf> {
        self.namespace
            .files
            .iter()
            .map(|f| f.path.clone())
            .collect()
    }

    /// The argv given to `parse_args`.
    pub fn cli_args(&self) -> &[String] {
        &self.args
    }

    /// Explicit default config files (neutron-server passes its own list); replaces the
    /// `find_config_files` search.
    pub fn set_default_config_files(&mut self, files: Vec<PathBuf>) {
        self.default_config_files = Some(files);
    }

    /// Explicit default config dirs; replaces the `.conf.d` search.
    pub fn set_default_config_dirs(&mut self, dirs: Vec<PathBuf>) {
        self.default_config_dirs = Some(dirs);
    }

    /// Reads `OS_<GROUP>__<NAME>` from this map instead of the process environment.
    pub fn set_environment(&mut self, vars: BTreeMap<String, String>) {
        self.env = EnvSource::Fixed(vars);
    }

    /// oslo's `use_env`: whether environment variables are consulted at all.
    pub fn use_env(&mut self, enabled: bool) {
        self.env = if enabled {
            EnvSource::Process
        } else {
            EnvSource::Disabled
        };
    }

    /// oslo's `find_file`: `name` in the command line `--config-dir`s, then the
    /// directories of the config files (last first), then the standard search path.
    /// `None` before `parse_args` and for absolute names.
    pub fn find_file(&self, name: &str) -> Option<PathBuf> {
        if !self.parsed || std::path::Path::new(name).is_absolute() {
            return None;
        }
        let mut dirs: Vec<PathBuf> = self.namespace.cli_config_dirs.clone();
        for f in self.namespace.config_files.iter().rev() {
            if let Some(parent) = fix_path(&f.to_string_lossy()).parent() {
                dirs.push(parent.to_path_buf());
            }
        }
        dirs.extend(config_dirs(&self.project));
        search_dirs(&dirs, name)
    }

    pub fn project(&self) -> &str {
        &self.project
    }
    pub fn prog(&self) -> &str {
        &self.prog
    }
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Group names with registered options, DEFAULT first then in registration order.
    pub fn groups(&self) -> Vec<&str> {
        self.groups.iter().map(|g| g.name.as_str()).collect()
    }

    /// The options registered in `group`, in registration order.
    pub fn opts(&self, group: &str) -> Option<&[Opt]> {
        self.groups
            .iter()
            .find(|g| g.name == group)
            .map(|g| g.opts.as_slice())
    }

    /// Whether `name` is registered in `group`.
    pub fn is_registered(&self, group: &str, name: &str) -> bool {
        self.opts(group)
            .is_some_and(|opts| opts.iter().any(|o| o.name == name))
    }

    /// The option for (group, name), following a deprecated (group, name) to the current
    /// option as oslo's `_get_opt_info` does. Returns the option's real group.
    pub(crate) fn find_opt<'a>(
        &'a self,
        group: &str,
        name: &str,
    ) -> Result<(&'a str, &'a Opt), ConfigError> {
        let Some(g) = self.groups.iter().find(|g| g.name == group) else {
            return Err(ConfigError::NoSuchGroup {
                group: group.to_string(),
            });
        };
        if let Some(opt) = g.opts.iter().find(|o| o.name == name) {
            return Ok((&g.name, opt));
        }
        for real in &self.groups {
            for opt in &real.opts {
                let matches = opt.deprecated().iter().any(|d| {
                    let dg = d.group.as_deref().unwrap_or(&real.name);
                    let dn = d.name.as_deref().unwrap_or(&opt.name);
                    dg == group && (dn == name || dn.replace('-', "_") == name)
                });
                if matches {
                    return Ok((&real.name, opt));
                }
            }
        }
        Err(ConfigError::NoSuchOpt {
            group: group.to_string(),
            name: name.to_string(),
        })
    }

    /// Every registered (group, option), DEFAULT first.
    pub(crate) fn all_opts(&self) -> impl Iterator<Item = (&str, &Opt)> {
        self.groups
            .iter()
            .flat_map(|g| g.opts.iter().map(move |o| (g.name.as_str(), o)))
    }

    /// oslo's `_check_required_opts` against `ns` (or the current state).
    pub(crate) fn check_required(&self, ns: Option<&Namespace>) -> Result<(), ConfigError> {
        for (group, opt) in self.all_opts() {
            if !opt.required {
                continue;
            }
            let key = (group.to_string(), opt.name.clone());
            if self.defaults.contains_key(&key) || self.overrides.contains_key(&key) {
                continue;
            }
            let value = self.resolve(group, &opt.name, ns, &mut Vec::new())?;
            let empty = match &value {
                Value::None => true,
                Value::List(l) => l.is_empty() && opt.kind.is_multi(),
                _ => false,
            };
            if empty {
                return Err(ConfigError::Required {
                    group: group.to_string(),
                    name: opt.name.clone(),
                });
            }
        }
        Ok(())
    }
}

/// Checks an option definition and its default at registration.
fn check_opt(group: &str, opt: &Opt) -> Result<(), ConfigError> {
    let invalid = |reason: &str| ConfigError::InvalidOpt {
        name: opt.name.clone(),
        reason: reason.to_string(),
    };
    if opt.name.is_empty() {
        return Err(invalid("an option needs a name"));
    }
    match &opt.kind {
        OptType::Int {
            min: Some(lo),
            max: Some(hi),
        } if hi < lo => return Err(invalid("Max value is less than min value")),
        OptType::Float {
            min: Some(lo),
            max: Some(hi),
        } if hi < lo => return Err(invalid("Max value is less than min value")),
        OptType::Port { min, max } => {
            if min.is_some_and(|m| m < 0) {
                return Err(invalid("Min value cannot be less than 0"));
            }
            if max.is_some_and(|m| m > 65535) {
                return Err(invalid("Max value cannot be more than 65535"));
            }
            if let (Some(lo), Some(hi)) = (min, max) {
                if hi < lo {
                    return Err(invalid("Max value is less than min value"));
                }
            }
        }
        _ => {}
    }
    for raw in opt.default.iter().flatten() {
        check_default(group, opt, raw)?;
    }
    Ok(())
}

/// oslo's `DefaultValueError` check (skipped for values holding a `$` reference).
fn check_default(group: &str, opt: &Opt, raw: &str) -> Result<(), ConfigError> {
    if raw.contains('$') || opt.kind.is_multi() {
        return Ok(());
    }
    convert_value(&opt.kind, raw)
        .map(|_| ())
        .map_err(|reason| ConfigError::InvalidDefault {
            group: group.to_string(),
            name: opt.name.clone(),
            value: raw.to_string(),
            reason,
        })
}

#[cfg(test)]
mod tests {
    use crate::error::ConfigError;
    use crate::opt::Opt;
    use crate::test_support::{argv, conf, p, Files};
    use crate::value::Value;

    #[test]
    fn registering_equal_options_twice_is_fine_different_is_duplicate() {
        let mut c = conf();
        c.register_opts("DEFAULT", vec![Opt::int().named("w").default("1")])
            .expect("register");
        c.register_opts("DEFAULT", vec![Opt::int().named("w").default("1")])
            .expect("same again");
        assert_eq!(
            c.register_opts("DEFAULT", vec![Opt::int().named("w").default("2")]),
            Err(ConfigError::DuplicateOpt { name: "w".into() })
        );
        assert_eq!(
            ConfigError::DuplicateOpt { name: "w".into() }.to_string(),
            "duplicate option: w"
        );
        // The same name in another group is another option.
        c.register_opts("grp", vec![Opt::str().named("w")])
            .expect("other group");
        assert_eq!(c.groups(), vec!["DEFAULT", "grp"]);
        assert!(c.is_registered("grp", "w"));
        assert!(!c.is_registered("grp", "x"));
    }

    #[test]
    fn invalid_definitions_are_rejected_at_registration() {
        let mut c = conf();
        assert_eq!(
            c.register_opts("DEFAULT", vec![Opt::int().named("w").default("many")])
                .expect_err("bad default")
                .to_string(),
            "Default value for option w in group [DEFAULT] is not valid: invalid literal for int() with base 10: 'many'"
        );
        // A default holding a reference is only checked when read.
        c.register_opts("DEFAULT", vec![Opt::int().named("r").default("$w")])
            .expect("reference default");
        assert!(matches!(
            c.register_opts("DEFAULT", vec![Opt::int().named("m").min(5).max(1)]),
            Err(ConfigError::InvalidOpt { .. })
        ));
        assert!(matches!(
            c.register_opts("DEFAULT", vec![Opt::str()]),
            Err(ConfigError::InvalidOpt { .. })
        ));
        assert!(matches!(
            c.register_opts("DEFAULT", vec![Opt::port().named("p").max(70000)]),
            Err(ConfigError::InvalidOpt { .. })
        ));
    }

    #[test]
    fn cli_options_cannot_be_added_after_parsing() {
        let mut c = conf();
        c.parse_args(&[]).expect("parse");
        assert!(matches!(
            c.register_opts("DEFAULT", vec![Opt::bool().named("x").cli()]),
            Err(ConfigError::ArgsAlreadyParsed { .. })
        ));
        c.register_opts("DEFAULT", vec![Opt::bool().named("y")])
            .expect("non-CLI options may come later");
        let mut d = conf();
        d.register_opts("DEFAULT", vec![Opt::bool().named("x").cli()])
            .expect("register");
        d.parse_args(&[]).expect("parse");
        d.register_opts("DEFAULT", vec![Opt::bool().named("x").cli()])
            .expect("an equal CLI option again is a no-op");
    }

    #[test]
    fn validate_reads_every_option_and_checks_required() {
        let files = Files::new();
        let f = files.write("c.conf", "[grp]\nflag = maybe\n");
        let mut c = conf();
        c.register_opts("grp", vec![Opt::bool().named("flag")])
            .expect("register");
        c.parse_args(&argv(&["--config-file", &p(&f)]))
            .expect("parse");
        assert_eq!(
            c.validate().expect_err("bad bool").to_string(),
            format!(
                "Value for option flag in group [grp] from {} is not valid: Unexpected boolean value 'maybe'",
                f.display()
            )
        );
        let mut ok = conf();
        ok.register_opts("grp", vec![Opt::bool().named("flag").default("true")])
            .expect("register");
        ok.parse_args(&[]).expect("parse");
        assert_eq!(ok.validate(), Ok(()));
        ok.register_opts("grp", vec![Opt::str().named("needed").required()])
            .expect("register");
        assert!(matches!(ok.validate(), Err(ConfigError::Required { .. })));
    }

    #[test]
    fn find_file_searches_cli_dirs_then_config_file_dirs_last_first() {
        let files = Files::new();
        let a = files.write("a/a.conf", "");
        let b = files.write("b/b.conf", "");
        files.write("d/x.conf", "");
        files.write("a/policy.yaml", "");
        files.write("b/policy.yaml", "");
        files.write("a/only-a.ini", "");
        let mut c = conf();
        assert_eq!(c.find_file("policy.yaml"), None, "before parse");
        c.parse_args(&argv(&["--config-file", &p(&a), "--config-file", &p(&b)]))
            .expect("parse");
        assert_eq!(
            c.find_file("policy.yaml"),
            Some(files.path("b/policy.yaml"))
        );
        assert_eq!(c.find_file("only-a.ini"), Some(files.path("a/only-a.ini")));
        assert_eq!(c.find_file("absent-file-xyz.ini"), None);
        files.write("d/policy.yaml", "");
        c.parse_args(&argv(&[
            "--config-file",
            &p(&a),
            "--config-file",
            &p(&b),
            "--config-dir",
            &p(&files.path("d")),
        ]))
        .expect("parse");
        assert_eq!(
            c.find_file("policy.yaml"),
            Some(files.path("d/policy.yaml"))
        );
        assert_eq!(
            c.find_file("/etc/passwd"),
            None,
            "absolute names are not searched"
        );
    }

    #[test]
    fn config_opts_can_be_shared_between_threads() {
        fn assert_send_sync<T: Send + Sync + Clone>() {}
        assert_send_sync::<crate::ConfigOpts>();
    }

    #[test]
    fn debug_output_shows_no_values() {
        let files = Files::new();
        let f = files.write(
            "c.conf",
            "[database]\nconnection = mysql://u:hunter2@db/x\n",
        );
        let mut c = conf();
        c.parse_args(&argv(&["--config-file", &p(&f)]))
            .expect("parse");
        let shown = format!("{c:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("cinder"), "{shown}");
    }

    #[test]
    fn accessors() {
        let c = crate::ConfigOpts::new("cinder", "cinder-api.py", "22.0.0");
        assert_eq!(c.project(), "cinder");
        assert_eq!(c.prog(), "cinder-api");
        assert_eq!(c.version(), "22.0.0");
        assert!(c.config_files().is_empty());
        assert_eq!(
            c.get("nope", "x"),
            Err(ConfigError::NoSuchGroup {
                group: "nope".into()
            })
        );
        assert!(matches!(
            c.get("DEFAULT", "x"),
            Err(ConfigError::NoSuchOpt { .. })
        ));
        let _: Value = Value::None;
    }
}
