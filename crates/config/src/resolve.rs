//! Reading one option: oslo.config's `_do_get` precedence (override, command line,
//! environment `OS_<GROUP>__<NAME>`, files newest first, `set_default`, registered
//! default, `None`), `$` substitution with a loop guard, and type conversion whose errors
//! name the option, group, source and value.

use crate::conf::{ConfigOpts, EnvSource};
use crate::error::{ConfigError, Location};
use crate::interpolate::substitute;
use crate::namespace::Namespace;
use crate::opt::Opt;
use crate::types::convert_value;
use crate::value::Value;

/// The raw strings an option's value comes from, and where they are.
pub(crate) struct RawSource {
    pub values: Vec<String>,
    pub location: Location,
}

/// oslo's environment variable name for an option.
pub(crate) fn env_var_name(group: &str, name: &str) -> String {
    format!("OS_{}__{}", group.to_uppercase(), name.to_uppercase())
}

impl ConfigOpts {
    /// Reads (group, name) with `ns` as the parsed state (default: the current one, or
    /// the mutated one for mutable options). `stack` holds the options being
    /// substituted, to stop reference loops.
    pub(crate) fn resolve(
        &self,
        group: &str,
        name: &str,
        ns: Option<&Namespace>,
        stack: &mut Vec<(String, String)>,
    ) -> Result<Value, ConfigError> {
        let (real_group, opt) = self.find_opt(group, name)?;
        let key = (real_group.to_string(), opt.name.clone());
        if stack.contains(&key) {
            let chain: Vec<String> = stack
                .iter()
                .chain(std::iter::once(&key))
                .map(|(g, n)| format!("{g}.{n}"))
                .collect();
            return Err(ConfigError::Template {
                message: format!("recursive reference: {}", chain.join(" -> ")),
            });
        }
        let Some(raw) = self.raw_source(real_group, opt, ns) else {
            return Ok(if opt.kind.is_multi() {
                Value::List(Vec::new())
            } else {
                Value::None
            });
        };
        stack.push(key);
        let result = self.convert_raw(real_group, opt, raw, ns, stack);
        stack.pop();
        result
    }

    /// Where the value of `opt` in `group` comes from, by precedence.
    pub(crate) fn raw_source(
        &self,
        group: &str,
        opt: &Opt,
        ns: Option<&Namespace>,
    ) -> Option<RawSource> {
        let key = (group.to_string(), opt.name.clone());
        if let Some(v) = self.overrides.get(&key) {
            return Some(RawSource {
                values: v.clone(),
                location: Location::Override,
            });
        }
        let ns = self.namespace_for(opt, ns);
        let cli = ns.cli.get(&key);
        if let Some(setting) = cli.filter(|s| matches!(s.origin, Location::Cli(_))) {
            return Some(RawSource {
                values: setting.values.clone(),
                location: setting.origin.clone(),
            });
        }
        if let Some((var, value)) = self.env_value(group, &opt.name) {
            return Some(RawSource {
                values: vec![value],
                location: Location::Env(var),
            });
        }
        if let Some(setting) = cli {
            return Some(RawSource {
                values: setting.values.clone(),
                location: setting.origin.clone(),
            });
        }
        if let Some(fv) = ns.file_value(&opt.lookup_names(group), opt.kind.is_multi()) {
            return Some(RawSource {
                values: fv.values,
                location: Location::File(fv.path),
            });
        }
        if let Some(v) = self.defaults.get(&key) {
            return Some(RawSource {
                values: v.clone(),
                location: Location::SetDefault,
            });
        }
        opt.default.as_ref().map(|v| RawSource {
            values: v.clone(),
            location: Location::Default,
        })
    }

    /// The file/CLI value of `opt` in `ns` only (oslo's `_get_from_namespace`), as used
    /// by the mutate diff.
    pub(crate) fn namespace_raw(
        &self,
        group: &str,
        opt: &Opt,
        ns: &Namespace,
    ) -> Option<Vec<String>> {
        let key = (group.to_string(), opt.name.clone());
        if let Some(setting) = ns.cli.get(&key) {
            return Some(setting.values.clone());
        }
        ns.file_value(&opt.lookup_names(group), opt.kind.is_multi())
            .map(|fv| fv.values)
    }

    pub(crate) fn namespace_for<'a>(
        &'a self,
        opt: &Opt,
        ns: Option<&'a Namespace>,
    ) -> &'a Namespace {
        match (ns, &self.mutable_ns) {
            (Some(ns), _) => ns,
            (None, Some(m)) if opt.mutable => m,
            _ => &self.namespace,
        }
    }

    fn env_value(&self, group: &str, name: &str) -> Option<(String, String)> {
        let var = env_var_name(group, name);
        let value = match &self.env {
            EnvSource::Disabled => None,
            EnvSource::Fixed(map) => map.get(&var).cloned(),
            EnvSource::Process => std::env::var(&var).ok(),
        }?;
        Some((var, value))
    }

    fn convert_raw(
        &self,
        group: &str,
        opt: &Opt,
        raw: RawSource,
        ns: Option<&Namespace>,
        stack: &mut Vec<(String, String)>,
    ) -> Result<Value, ConfigError> {
        let mut substituted = Vec::with_capacity(raw.values.len());
        for v in &raw.values {
            substituted.push(self.substitute_in(group, opt, v, ns, stack)?);
        }
        if opt.kind.is_multi() {
            return Ok(Value::List(substituted));
        }
        let Some(value) = substituted.pop() else {
            return Ok(Value::None);
        };
        convert_value(&opt.kind, &value).map_err(|reason| match raw.location {
            Location::Default | Location::SetDefault => ConfigError::InvalidDefault {
                group: group.to_string(),
                name: opt.name.clone(),
                value: value.clone(),
                reason,
            },
            location => ConfigError::InvalidValue {
                group: group.to_string(),
                name: opt.name.clone(),
                location: Box::new(location),
                value: value.clone(),
                reason,
            },
        })
    }

    /// Substitutes `$references` in `text`, a value of `opt` in `group`.
    pub(crate) fn substitute_in(
        &self,
        group: &str,
        opt: &Opt,
        text: &str,
        ns: Option<&Namespace>,
        stack: &mut Vec<(String, String)>,
    ) -> Result<String, ConfigError> {
        substitute(text, |key| {
            self.lookup_reference(group, opt, key, ns, stack)
        })
    }

    /// `StrSubWrapper.__getitem__`: `name` in the same group, else in DEFAULT;
    /// `group.name` in that group. A group name is an error; an unknown name fails the
    /// read of the referencing option (as oslo's `NoSuchOptError` does).
    fn lookup_reference(
        &self,
        group: &str,
        opt: &Opt,
        key: &str,
        ns: Option<&Namespace>,
        stack: &mut Vec<(String, String)>,
    ) -> Result<Option<String>, ConfigError> {
        let registered = |g: &str, n: &str| self.find_opt(g, n).is_ok();
        let group_error = || ConfigError::Template {
            message: format!("substituting group {key} not supported"),
        };
        let target: Option<(String, String)> = if let Some((g, n)) = key.split_once('.') {
            if registered(g, n) {
                Some((g.to_string(), n.to_string()))
            } else if registered("DEFAULT", key) {
                Some(("DEFAULT".to_string(), key.to_string()))
            } else {
                None
            }
        } else if group == "DEFAULT"
            && self
                .groups
                .iter()
                .any(|g| g.name == key && g.name != "DEFAULT")
        {
            return Err(group_error());
        } else if registered(group, key) {
            Some((group.to_string(), key.to_string()))
        } else if self
            .groups
            .iter()
            .any(|g| g.name == key && g.name != "DEFAULT")
        {
            return Err(group_error());
        } else if registered("DEFAULT", key) {
            Some(("DEFAULT".to_string(), key.to_string()))
        } else {
            None
        };
        let Some((g, n)) = target else {
            return Err(ConfigError::NoSuchOpt {
                group: group.to_string(),
                name: opt.name.clone(),
            });
        };
        let value = self.resolve(&g, &n, ns, stack)?;
        Ok(Some(value.substitution_text()))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use crate::conf::ConfigOpts;
    use crate::error::{ConfigError, Location};
    use crate::opt::Opt;
    use crate::test_support::{argv, conf, p, Files};
    use crate::value::Value;

    fn env(vars: &[(&str, &str)]) -> BTreeMap<String, String> {
        vars.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn with_workers(files: &Files, file_value: Option<&str>) -> (ConfigOpts, String) {
        let f = files.write(
            "w.conf",
            &file_value.map_or_else(String::new, |v| format!("[DEFAULT]\nworkers = {v}\n")),
        );
        let mut c = conf();
        c.register_opts(
            "DEFAULT",
            vec![Opt::int().named("workers").default("1").cli()],
        )
        .expect("register");
        (c, p(&f))
    }

    #[test]
    fn precedence_override_cli_env_file_set_default_default() {
        let files = Files::new();
        let (mut c, f) = with_workers(&files, Some("4"));
        c.set_environment(env(&[("OS_DEFAULT__WORKERS", "3")]));
        c.parse_args(&argv(&["--config-file", &f, "--workers", "2"]))
            .expect("parse");
        assert_eq!(
            c.get("DEFAULT", "workers"),
            Ok(Value::Int(2)),
            "CLI beats env"
        );
        c.set_override("DEFAULT", "workers", "9").expect("override");
        assert_eq!(
            c.get("DEFAULT", "workers"),
            Ok(Value::Int(9)),
            "override wins"
        );
        c.clear_override("DEFAULT", "workers").expect("clear");
        c.parse_args(&argv(&["--config-file", &f])).expect("parse");
        assert_eq!(
            c.get("DEFAULT", "workers"),
            Ok(Value::Int(3)),
            "env beats file"
        );
        c.set_environment(BTreeMap::new());
        assert_eq!(c.get("DEFAULT", "workers"), Ok(Value::Int(4)), "file");
        c.set_default("DEFAULT", "workers", "7")
            .expect("set_default");
        assert_eq!(
            c.get("DEFAULT", "workers"),
            Ok(Value::Int(4)),
            "file beats set_default"
        );
        let (mut c2, empty) = with_workers(&files, None);
        c2.parse_args(&argv(&["--config-file", &empty]))
            .expect("parse");
        assert_eq!(
            c2.get("DEFAULT", "workers"),
            Ok(Value::Int(1)),
            "registered default"
        );
        c2.set_default("DEFAULT", "workers", "7")
            .expect("set_default");
        assert_eq!(
            c2.get("DEFAULT", "workers"),
            Ok(Value::Int(7)),
            "set_default"
        );
        c2.clear_default("DEFAULT", "workers").expect("clear");
        assert_eq!(c2.get("DEFAULT", "workers"), Ok(Value::Int(1)));
    }

    #[test]
    fn no_value_anywhere_is_none() {
        let mut c = conf();
        c.register_opts("DEFAULT", vec![Opt::str().named("cluster")])
            .expect("register");
        c.parse_args(&[]).expect("parse");
        assert_eq!(c.get("DEFAULT", "cluster"), Ok(Value::None));
        assert_eq!(c.get_as::<Option<String>>("DEFAULT", "cluster"), Ok(None));
    }

    #[test]
    fn env_var_names_and_errors() {
        let mut c = conf();
        c.register_opts("placement_database", vec![Opt::int().named("max_retries")])
            .expect("register");
        c.set_environment(env(&[("OS_PLACEMENT_DATABASE__MAX_RETRIES", "x")]));
        c.parse_args(&[]).expect("parse");
        assert_eq!(
            c.get("placement_database", "max_retries")
                .expect_err("bad env")
                .to_string(),
            "Value for option max_retries in group [placement_database] from environment variable OS_PLACEMENT_DATABASE__MAX_RETRIES is not valid: invalid literal for int() with base 10: 'x'"
        );
        c.use_env(false);
        assert_eq!(c.get("placement_database", "max_retries"), Ok(Value::None));
    }

    #[test]
    fn group_names_in_files_are_case_insensitive_except_default() {
        let files = Files::new();
        let f = files.write("c.conf", "[GRP]\nx = upper\n[default]\nd = lower-default\n");
        let mut c = conf();
        c.register_opts("grp", vec![Opt::str().named("x")])
            .expect("register");
        c.register_opts("DEFAULT", vec![Opt::str().named("d")])
            .expect("register");
        c.parse_args(&argv(&["--config-file", &p(&f)]))
            .expect("parse");
        assert_eq!(c.get("grp", "x"), Ok(Value::Str("upper".into())));
        assert_eq!(c.get("DEFAULT", "d"), Ok(Value::None));
        assert_eq!(c.list_all_sections(), vec!["default", "grp"]);
    }

    #[test]
    fn unknown_keys_are_kept_raw_and_unknown_options_fail() {
        let files = Files::new();
        let f = files.write("c.conf", "[lvm1]\nvolume_driver = x.LVM\n");
        let mut c = conf();
        c.register_opts("grp", vec![Opt::str().named("a")])
            .expect("register");
        c.parse_args(&argv(&["--config-file", &p(&f)]))
            .expect("parse");
        assert_eq!(c.raw_value("lvm1", "volume_driver"), Some("x.LVM".into()));
        assert_eq!(c.raw_value("LVM1", "volume_driver"), Some("x.LVM".into()));
        assert_eq!(
            c.get("grp", "b").expect_err("unknown").to_string(),
            "no such option b in group [grp]"
        );
        assert_eq!(
            c.get("lvm1", "volume_driver")
                .expect_err("unknown group")
                .to_string(),
            "no such group [lvm1]"
        );
        c.register_opts("lvm1", vec![Opt::str().named("volume_driver")])
            .expect("register later");
        assert_eq!(
            c.get("lvm1", "volume_driver"),
            Ok(Value::Str("x.LVM".into()))
        );
    }

    fn interp_conf(file: &str) -> (Files, ConfigOpts) {
        let files = Files::new();
        let f = files.write("c.conf", file);
        let mut c = conf();
        c.register_opts(
            "DEFAULT",
            vec![
                Opt::str().named("state_path").default("/var/lib/cinder"),
                Opt::str().named("lock_path").default("$state_path/lock"),
                Opt::str().named("my_ip").default("10.0.0.1"),
                Opt::list().named("hosts"),
                Opt::bool().named("flag").default("true"),
                Opt::str().named("price"),
                Opt::str().named("selfish"),
                Opt::str().named("ping"),
                Opt::str().named("pong"),
                Opt::str().named("dangling"),
                Opt::str().named("grp_ref"),
            ],
        )
        .expect("register");
        c.register_opts(
            "grp",
            vec![
                Opt::str().named("my_ip").default("192.168.0.1"),
                Opt::str().named("local"),
                Opt::str().named("fallback"),
                Opt::str().named("braced"),
            ],
        )
        .expect("register");
        c.parse_args(&argv(&["--config-file", &p(&f)]))
            .expect("parse");
        (files, c)
    }

    #[test]
    fn substitution_rules() {
        let (_f, c) = interp_conf(
            "[DEFAULT]\nhosts = $my_ip, ${grp.my_ip}\nprice = $$5 and \\$6 flag=$flag\n\
             [grp]\nlocal = http://$my_ip:8776\nfallback = $state_path/x\nbraced = ${lock_path}s\n",
        );
        assert_eq!(
            c.get("DEFAULT", "lock_path"),
            Ok(Value::Str("/var/lib/cinder/lock".into()))
        );
        assert_eq!(
            c.get("DEFAULT", "hosts"),
            Ok(Value::List(vec!["10.0.0.1".into(), "192.168.0.1".into()]))
        );
        assert_eq!(
            c.get("DEFAULT", "price"),
            Ok(Value::Str("$5 and $6 flag=True".into()))
        );
        assert_eq!(
            c.get("grp", "local"),
            Ok(Value::Str("http://192.168.0.1:8776".into())),
            "same group first"
        );
        assert_eq!(
            c.get("grp", "fallback"),
            Ok(Value::Str("/var/lib/cinder/x".into())),
            "then DEFAULT"
        );
        assert_eq!(
            c.get("grp", "braced"),
            Ok(Value::Str("/var/lib/cinder/locks".into()))
        );
    }

    #[test]
    fn substitution_errors() {
        let (_f, c) = interp_conf(
            "[DEFAULT]\nselfish = a$selfish\nping = $pong\npong = $ping\ndangling = $nowhere/x\ngrp_ref = $grp\n",
        );
        let e = c.get("DEFAULT", "selfish").expect_err("self reference");
        assert!(
            matches!(&e, ConfigError::Template { message } if message.contains("recursive")),
            "{e}"
        );
        assert!(matches!(
            c.get("DEFAULT", "ping"),
            Err(ConfigError::Template { .. })
        ));
        assert_eq!(
            c.get("DEFAULT", "dangling")
                .expect_err("unknown")
                .to_string(),
            "no such option dangling in group [DEFAULT]"
        );
        assert_eq!(
            c.get("DEFAULT", "grp_ref").expect_err("group").to_string(),
            "template substitution error: substituting group grp not supported"
        );
    }

    #[test]
    fn deprecated_names_and_groups() {
        let files = Files::new();
        let older = files.write(
            "1.conf",
            "[DEFAULT]\nnew = from-older\n[grp]\nval = g-older\n",
        );
        let newer = files.write(
            "2.conf",
            "[DEFAULT]\nold = from-newer\n[oldgrp]\nval = g-newer\n",
        );
        let mut c = conf();
        c.register_opts(
            "DEFAULT",
            vec![Opt::str().named("new").deprecated_name("old")],
        )
        .expect("register");
        c.register_opts(
            "grp",
            vec![Opt::str().named("val").deprecated_group("oldgrp")],
        )
        .expect("register");
        c.parse_args(&argv(&[
            "--config-file",
            &p(&older),
            "--config-file",
            &p(&newer),
        ]))
        .expect("parse");
        assert_eq!(c.get("DEFAULT", "new"), Ok(Value::Str("from-newer".into())));
        assert_eq!(c.get("grp", "val"), Ok(Value::Str("g-newer".into())));
        // Reading by the old name in code reaches the new option.
        assert_eq!(c.get("DEFAULT", "old"), Ok(Value::Str("from-newer".into())));
        // Within one file the new name wins over the old one.
        let both = files.write("3.conf", "[DEFAULT]\nold = o\nnew = n\n");
        c.parse_args(&argv(&["--config-file", &p(&both)]))
            .expect("parse");
        assert_eq!(c.get("DEFAULT", "new"), Ok(Value::Str("n".into())));
    }

    #[test]
    fn get_as_reports_wrong_types() {
        let mut c = conf();
        c.register_opts("DEFAULT", vec![Opt::int().named("workers").default("2")])
            .expect("register");
        c.parse_args(&[]).expect("parse");
        assert_eq!(c.get_as::<i64>("DEFAULT", "workers"), Ok(2));
        assert_eq!(c.get_as::<u16>("DEFAULT", "workers"), Ok(2));
        let e = c.get_as::<String>("DEFAULT", "workers").expect_err("type");
        assert_eq!(
            e.to_string(),
            "option workers in group [DEFAULT] holds the integer 2, which is not a string"
        );
    }

    #[test]
    fn overrides_and_defaults_are_type_checked() {
        let mut c = conf();
        c.register_opts("DEFAULT", vec![Opt::port().named("port")])
            .expect("register");
        assert_eq!(
            c.set_override("DEFAULT", "port", "99999")
                .expect_err("bad override")
                .to_string(),
            "Value for option port in group [DEFAULT] from set_override is not valid: Should be less than or equal to 65535 (value '99999')"
        );
        assert_eq!(
            c.set_default("DEFAULT", "port", "x")
                .expect_err("bad default")
                .to_string(),
            "Default value for option port in group [DEFAULT] is not valid: invalid literal for int() with base 10: 'x'"
        );
        assert!(matches!(
            c.set_default("DEFAULT", "nope", "1"),
            Err(ConfigError::NoSuchOpt { .. })
        ));
    }

    #[test]
    fn override_values_are_substituted() {
        let mut c = conf();
        c.register_opts(
            "DEFAULT",
            vec![
                Opt::str().named("state_path").default("/s"),
                Opt::str().named("lock_path"),
            ],
        )
        .expect("register");
        c.set_override("DEFAULT", "lock_path", "$state_path/l")
            .expect("override");
        c.parse_args(&[]).expect("parse");
        assert_eq!(c.get("DEFAULT", "lock_path"), Ok(Value::Str("/s/l".into())));
        let opt = &c.opts("DEFAULT").expect("group")[1];
        assert_eq!(
            c.raw_source("DEFAULT", opt, None).map(|r| r.location),
            Some(Location::Override)
        );
    }

    #[test]
    fn empty_int_is_none() {
        let files = Files::new();
        let f = files.write("c.conf", "[DEFAULT]\nworkers =\n");
        let mut c = conf();
        c.register_opts("DEFAULT", vec![Opt::int().named("workers").default("4")])
            .expect("register");
        c.parse_args(&argv(&["--config-file", &p(&f)]))
            .expect("parse");
        assert_eq!(c.get("DEFAULT", "workers"), Ok(Value::None));
    }
}
