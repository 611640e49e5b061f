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
    pub(crate) fn raw_source(&self, group: &str, opt: &Opt, ns: Option<&Namespace>) -> Option<RawSource> {
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
    pub(crate) fn namespace_raw(&self, group: &str, opt: &Opt, ns: &Namespace) -> Option<Vec<String>> {
        let key = (group.to_string(), opt.name.clone());
        if let Some(setting) = ns.cli.get(&key) {
            return Some(setting.values.clone());
        }
        ns.file_value(&opt.lookup_names(group), opt.kind.is_multi())
            .map(|fv| fv.values)
    }

    pub(crate) fn namespace_for<'a>(&'a self, opt: &Opt, ns: Option<&'a Namespace>) -> &'a Namespace {
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
        substitute(text, |key| self.lookup_reference(group, opt, key, ns, stack))
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
        } else if group == "DEFAULT" && self.groups.iter().any(|g| g.name == key && g.name != "DEFAULT") {
            return Err(group_error());
        } else if registered(group, key) {
            Some((group.to_string(), key.to_string()))
        } else if self.groups.iter().any(|g| g.name == key && g.name != "DEFAULT") {
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
