//! Option definitions: `Opt` and its builder, the counterpart of oslo.config's `StrOpt`,
//! `IntOpt`, `BoolOpt`, `PortOpt`, `ListOpt`, `DictOpt`, `MultiStrOpt`, `IPOpt`,
//! `HostAddressOpt` and `URIOpt`. An option is registered once under its `dest` name
//! (dashes become underscores) and carries its type, raw default, help and flags.

/// The value type of an option (oslo.config's option classes / `types.py`).
#[derive(Debug, Clone, PartialEq)]
pub enum OptType {
    /// `StrOpt`: text, optionally restricted to `choices`.
    Str {
        choices: Vec<String>,
        ignore_case: bool,
    },
    /// `IntOpt`: Python `int()` plus range checks.
    Int { min: Option<i64>, max: Option<i64> },
    /// `FloatOpt`: Python `float()` plus range checks.
    Float { min: Option<f64>, max: Option<f64> },
    /// `BoolOpt`: `true/1/on/yes`, `false/0/off/no`.
    Bool,
    /// `PortOpt`: an integer in 0..=65535 unless narrowed.
    Port { min: Option<i64>, max: Option<i64> },
    /// `ListOpt` of strings.
    List,
    /// `DictOpt` of strings.
    Dict,
    /// `MultiStrOpt`: every occurrence of the key counts.
    MultiStr,
    /// `IPOpt`: an IPv4 or IPv6 literal.
    IpAddress,
    /// `HostAddressOpt`: an IP literal or an RFC 1123 host name.
    HostAddress,
    /// `URIOpt`: a URI with scheme and host.
    Uri,
}

impl OptType {
    /// Whether every occurrence of the key counts (`MultiStrOpt`).
    pub fn is_multi(&self) -> bool {
        matches!(self, OptType::MultiStr)
    }
}

/// A deprecated (group, name) under which an option may still be found
/// (`cfg.DeprecatedOpt`). `None` means "same as the option's".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeprecatedOpt {
    pub group: Option<String>,
    pub name: Option<String>,
}

/// One configuration option, built with `Opt::int().named("workers").min(1)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Opt {
    pub(crate) name: String,
    pub(crate) kind: OptType,
    pub(crate) default: Option<Vec<String>>,
    pub(crate) sample_default: Option<String>,
    pub(crate) help: String,
    pub(crate) deprecated_name: Option<String>,
    pub(crate) deprecated_group: Option<String>,
    pub(crate) deprecated_opts: Vec<DeprecatedOpt>,
    pub(crate) deprecated_for_removal: bool,
    pub(crate) deprecated_reason: Option<String>,
    pub(crate) required: bool,
    pub(crate) secret: bool,
    pub(crate) mutable: bool,
    pub(crate) cli: bool,
    pub(crate) short: Option<char>,
}

impl Opt {
    /// An unnamed option of the given type; name it with `named`.
    pub fn new(kind: OptType) -> Opt {
        Opt {
            name: String::new(),
            kind,
            default: None,
            sample_default: None,
            help: String::new(),
            deprecated_name: None,
            deprecated_group: None,
            deprecated_opts: Vec::new(),
            deprecated_for_removal: false,
            deprecated_reason: None,
            required: false,
            secret: false,
            mutable: false,
            cli: false,
            short: None,
        }
    }

    pub fn str() -> Opt {
        Opt::new(OptType::Str {
            choices: Vec::new(),
            ignore_case: false,
        })
    }
    pub fn int() -> Opt {
        Opt::new(OptType::Int {
            min: None,
            max: None,
        })
    }
    pub fn float() -> Opt {
        Opt::new(OptType::Float {
            min: None,
            max: None,
        })
    }
    pub fn bool() -> Opt {
        Opt::new(OptType::Bool)
    }
    pub fn port() -> Opt {
        Opt::new(OptType::Port {
            min: None,
            max: None,
        })
    }
    pub fn list() -> Opt {
        Opt::new(OptType::List)
    }
    pub fn dict() -> Opt {
        Opt::new(OptType::Dict)
    }
    pub fn multi_str() -> Opt {
        Opt::new(OptType::MultiStr)
    }
    pub fn ip() -> Opt {
        Opt::new(OptType::IpAddress)
    }
    pub fn host_address() -> Opt {
        Opt::new(OptType::HostAddress)
    }
    pub fn uri() -> Opt {
        Opt::new(OptType::Uri)
    }

    /// Sets the name; dashes become underscores (oslo's `dest`), which is the spelling
    /// used in files. The command line accepts both spellings.
    pub fn named(mut self, name: &str) -> Opt {
        self.name = name.replace('-', "_");
        self
    }

    /// The default as it would appear in a file (`"8776"`, `"true"`, `"a,b"`).
    /// For a multi-valued option this is one value; see `defaults`.
    pub fn default(mut self, raw: &str) -> Opt {
        self.default = Some(vec![raw.to_string()]);
        self
    }

    /// The default of a multi-valued option, one raw string per value.
    pub fn defaults(mut self, raws: &[&str]) -> Opt {
        self.default = Some(raws.iter().map(|s| s.to_string()).collect());
        self
    }

    /// What the sample file shows instead of the real default (e.g. `localhost` for `host`).
    pub fn sample_default(mut self, raw: &str) -> Opt {
        self.sample_default = Some(raw.to_string());
        self
    }

    /// Lower bound for `int`, `port` and `float` options (ignored by other types).
    pub fn min(mut self, v: i64) -> Opt {
        match &mut self.kind {
            OptType::Int { min, .. } | OptType::Port { min, .. } => *min = Some(v),
            // i64 → f64 is the intended widening for float bounds.
            OptType::Float { min, .. } => *min = Some(v as f64),
            _ => {}
        }
        self
    }

    /// Upper bound for `int`, `port` and `float` options (ignored by other types).
    pub fn max(mut self, v: i64) -> Opt {
        match &mut self.kind {
            OptType::Int { max, .. } | OptType::Port { max, .. } => *max = Some(v),
            OptType::Float { max, .. } => *max = Some(v as f64),
            _ => {}
        }
        self
    }

    /// Fractional lower bound for `float` options.
    pub fn min_float(mut self, v: f64) -> Opt {
        if let OptType::Float { min, .. } = &mut self.kind {
            *min = Some(v);
        }
        self
    }

    /// Fractional upper bound for `float` options.
    pub fn max_float(mut self, v: f64) -> Opt {
        if let OptType::Float { max, .. } = &mut self.kind {
            *max = Some(v);
        }
        self
    }

    /// Allowed values of a `str` option.
    pub fn choices(mut self, c: &[&str]) -> Opt {
        if let OptType::Str { choices, .. } = &mut self.kind {
            *choices = c.iter().map(|s| s.to_string()).collect();
        }
        self
    }

    /// Compare `choices` case-insensitively.
    pub fn ignore_case(mut self) -> Opt {
        if let OptType::Str { ignore_case, .. } = &mut self.kind {
            *ignore_case = true;
        }
        self
    }

    pub fn help(mut self, h: &str) -> Opt {
        self.help = h.to_string();
        self
    }

    /// Old name in the same group (`deprecated_name=`).
    pub fn deprecated_name(mut self, n: &str) -> Opt {
        self.deprecated_name = Some(n.to_string());
        self
    }

    /// Old group for the same name (`deprecated_group=`); combines with `deprecated_name`.
    pub fn deprecated_group(mut self, g: &str) -> Opt {
        self.deprecated_group = Some(g.to_string());
        self
    }

    /// One more old location (`deprecated_opts=[DeprecatedOpt(name, group)]`);
    /// `group` `None` means the option's own group.
    pub fn deprecated_opt(mut self, group: Option<&str>, name: &str) -> Opt {
        self.deprecated_opts.push(DeprecatedOpt {
            group: group.map(str::to_string),
            name: Some(name.to_string()),
        });
        self
    }

    pub fn deprecated_for_removal(mut self) -> Opt {
        self.deprecated_for_removal = true;
        self
    }

    /// Why the option is deprecated (shown in warnings and the sample file).
    pub fn deprecated_reason(mut self, reason: &str) -> Opt {
        self.deprecated_reason = Some(reason.to_string());
        self
    }

    pub fn required(mut self) -> Opt {
        self.required = true;
        self
    }
    /// Printed as `****` by `log_opt_values`.
    pub fn secret(mut self) -> Opt {
        self.secret = true;
        self
    }
    /// Takes new file values on `mutate_config_files` (SIGHUP).
    pub fn mutable(mut self) -> Opt {
        self.mutable = true;
        self
    }
    /// Also accepted on the command line (`register_cli_opt`).
    pub fn cli(mut self) -> Opt {
        self.cli = true;
        self
    }
    /// Short command line flag (`-d`); implies `cli`.
    pub fn short(mut self, c: char) -> Opt {
        self.short = Some(c);
        self.cli = true;
        self
    }

    /// The `dest` name (underscores), as written in files.
    pub fn name(&self) -> &str {
        &self.name
    }
    pub fn kind(&self) -> &OptType {
        &self.kind
    }
    /// The raw default (the last one for multi-valued options; see `default_values`).
    pub fn default_raw(&self) -> Option<&str> {
        self.default
            .as_ref()
            .and_then(|d| d.last())
            .map(String::as_str)
    }
    /// Every raw default value (one for single-valued options).
    pub fn default_values(&self) -> Option<&[String]> {
        self.default.as_deref()
    }
    pub fn help_text(&self) -> &str {
        &self.help
    }
    pub fn is_required(&self) -> bool {
        self.required
    }
    pub fn is_secret(&self) -> bool {
        self.secret
    }
    pub fn is_mutable(&self) -> bool {
        self.mutable
    }
    pub fn is_cli(&self) -> bool {
        self.cli
    }
    pub fn short_flag(&self) -> Option<char> {
        self.short
    }
    pub fn is_deprecated_for_removal(&self) -> bool {
        self.deprecated_for_removal
    }

    /// Every deprecated location, `deprecated_name`/`deprecated_group` first
    /// (oslo folds them into one `DeprecatedOpt`).
    pub fn deprecated(&self) -> Vec<DeprecatedOpt> {
        let mut out = Vec::new();
        if self.deprecated_name.is_some() || self.deprecated_group.is_some() {
            out.push(DeprecatedOpt {
                group: self.deprecated_group.clone(),
                name: self.deprecated_name.clone(),
            });
        }
        out.extend(self.deprecated_opts.iter().cloned());
        out
    }

    /// The (group, name) pairs a value may be found under in files, the current one first.
    /// Deprecated names with dashes also match their underscore spelling.
    pub(crate) fn lookup_names(&self, group: &str) -> Vec<(String, String)> {
        let mut names = vec![(group.to_string(), self.name.clone())];
        for d in self.deprecated() {
            let g = d.group.clone().unwrap_or_else(|| group.to_string());
            let n = d.name.clone().unwrap_or_else(|| self.name.clone());
            let underscored = n.replace('-', "_");
            for candidate in [n, underscored] {
                let pair = (g.clone(), candidate);
                if !names.contains(&pair) {
                    names.push(pair);
                }
            }
        }
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builder_sets_name_bounds_and_flags() {
        let o = Opt::int()
            .named("osapi-volume-workers")
            .min(1)
            .max(8)
            .default("2");
        assert_eq!(o.name(), "osapi_volume_workers");
        assert_eq!(
            o.kind(),
            &OptType::Int {
                min: Some(1),
                max: Some(8)
            }
        );
        assert_eq!(o.default_raw(), Some("2"));
        let d = Opt::bool().named("debug").short('d').mutable();
        assert!(d.is_cli() && d.is_mutable());
        assert_eq!(d.short_flag(), Some('d'));
    }

    #[test]
    fn choices_apply_to_strings_only() {
        let o = Opt::str().choices(&["a", "b"]).ignore_case();
        assert_eq!(
            o.kind(),
            &OptType::Str {
                choices: vec!["a".into(), "b".into()],
                ignore_case: true
            }
        );
        assert_eq!(Opt::int().choices(&["x"]).kind(), Opt::int().kind());
    }

    #[test]
    fn lookup_names_fold_name_and_group_like_oslo() {
        let o = Opt::str()
            .named("new")
            .deprecated_name("old-name")
            .deprecated_group("oldgrp")
            .deprecated_opt(None, "older");
        assert_eq!(
            o.lookup_names("grp"),
            vec![
                ("grp".to_string(), "new".to_string()),
                ("oldgrp".to_string(), "old-name".to_string()),
                ("oldgrp".to_string(), "old_name".to_string()),
                ("grp".to_string(), "older".to_string()),
            ]
        );
    }
}
