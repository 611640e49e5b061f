//! `generate_sample`: an oslo-config-generator style sample file for every registered
//! option — `[DEFAULT]` first, then the other groups sorted; per option the help wrapped
//! at 70 columns with its type, bounds, choices, mutability and deprecation notes, and
//! the commented-out default (`#name = value`, `<None>` when there is none).

use crate::conf::ConfigOpts;
use crate::opt::{Opt, OptType};
use crate::pyfmt::format_g;
use crate::types::{convert_value, type_name};
use crate::value::Value;

const WRAP_WIDTH: usize = 70;

impl ConfigOpts {
    /// The sample configuration file text.
    pub fn generate_sample(&self) -> String {
        let mut groups: Vec<&crate::conf::GroupOpts> = self.groups.iter().collect();
        groups.sort_by(|a, b| (a.name != "DEFAULT", &a.name).cmp(&(b.name != "DEFAULT", &b.name)));
        let mut out = String::new();
        for (i, group) in groups.iter().enumerate() {
            if i > 0 {
                out.push_str("\n\n");
            }
            out.push_str(&format!("[{}]\n", group.name));
            for opt in &group.opts {
                out.push('\n');
                out.push_str(&format_opt(&group.name, opt));
            }
        }
        out
    }
}

/// `textwrap.wrap(line, 70, initial_indent='# ', subsequent_indent='# ',
/// break_long_words=False)` per line of `text`; an empty line becomes `#`.
fn wrap_help(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let mut current = String::new();
        let mut wrapped: Vec<String> = Vec::new();
        for word in line.split_whitespace() {
            if current.is_empty() {
                current = format!("# {word}");
            } else if current.len() + 1 + word.len() <= WRAP_WIDTH {
                current.push(' ');
                current.push_str(word);
            } else {
                wrapped.push(std::mem::take(&mut current));
                current = format!("# {word}");
            }
        }
        if !current.is_empty() {
            wrapped.push(current);
        }
        if wrapped.is_empty() {
            out.push('#');
        } else {
            out.push_str(&wrapped.join("\n"));
        }
        out.push('\n');
    }
    out
}

fn format_opt(group: &str, opt: &Opt) -> String {
    let prefix = if opt.deprecated_for_removal && !opt.help.starts_with("DEPRECATED") {
        "DEPRECATED: "
    } else {
        ""
    };
    let kind = type_name(&opt.kind);
    let help = if opt.help.is_empty() {
        format!("({kind})")
    } else {
        format!("{prefix}{} ({kind})", opt.help)
    };
    let mut out = wrap_help(&help);
    let (min, max) = match &opt.kind {
        OptType::Int { min, max } => (min.map(|v| v.to_string()), max.map(|v| v.to_string())),
        OptType::Port { min, max } => (
            Some(min.unwrap_or(0).to_string()),
            Some(max.unwrap_or(65535).to_string()),
        ),
        OptType::Float { min, max } => (min.map(format_g), max.map(format_g)),
        _ => (None, None),
    };
    if let Some(m) = min {
        out.push_str(&format!("# Minimum value: {m}\n"));
    }
    if let Some(m) = max {
        out.push_str(&format!("# Maximum value: {m}\n"));
    }
    if let OptType::Str { choices, .. } = &opt.kind {
        if !choices.is_empty() {
            out.push_str("# Possible values:\n");
            for c in choices {
                let shown = if c.is_empty() { "''" } else { c.as_str() };
                out.push_str(&wrap_help(&format!("{shown} - <No description provided>")));
            }
        }
    }
    if opt.mutable {
        out.push_str("# Note: This option can be changed without restarting.\n");
    }
    for d in opt.deprecated() {
        if let Some(name) = d.name.as_deref().filter(|n| !n.contains('-')) {
            out.push_str(&format!(
                "# Deprecated group/name - [{}]/{}\n",
                d.group.as_deref().unwrap_or(group),
                name
            ));
        }
    }
    if opt.deprecated_for_removal {
        out.push_str("# This option is deprecated for removal.\n");
        out.push_str("# Its value may be silently ignored in the future.\n");
        if let Some(r) = &opt.deprecated_reason {
            out.push_str(&wrap_help(&format!("Reason: {r}")));
        }
    }
    if opt.sample_default.is_some() {
        out.push_str(
            "#\n# This option has a sample default set, which means that\n\
             # its actual default value may vary from the one documented\n# below.\n",
        );
    }
    for default in sample_defaults(opt) {
        let shown = if default.is_empty() {
            String::new()
        } else {
            format!(" {}", default.replace('\n', "\n#    "))
        };
        out.push_str(&format!("#{} ={shown}\n", opt.name));
    }
    out
}

/// The default as oslo's type formatters print it.
fn sample_defaults(opt: &Opt) -> Vec<String> {
    if let Some(s) = &opt.sample_default {
        return vec![s.clone()];
    }
    let quote = |s: &str| {
        if s.trim() != s {
            format!("\"{s}\"")
        } else {
            s.to_string()
        }
    };
    let Some(defaults) = &opt.default else {
        return vec![if opt.kind.is_multi() {
            String::new()
        } else {
            "<None>".to_string()
        }];
    };
    if opt.kind.is_multi() {
        return defaults.iter().map(|d| quote(d)).collect();
    }
    let raw = defaults.last().cloned().unwrap_or_default();
    if raw.contains('$') {
        return vec![raw];
    }
    let shown = match convert_value(&opt.kind, &raw) {
        Ok(Value::Bool(b)) => b.to_string(),
        Ok(Value::List(items)) => items.iter().map(|i| quote(i)).collect::<Vec<_>>().join(","),
        Ok(Value::Dict(map)) => map
            .iter()
            .map(|(k, v)| format!("{k}:{v}"))
            .collect::<Vec<_>>()
            .join(","),
        Ok(Value::Int(i)) => i.to_string(),
        Ok(Value::None) => "<None>".to_string(),
        _ => quote(&raw),
    };
    vec![shown]
}

#[cfg(test)]
mod tests {
    use super::wrap_help;
    use crate::opt::Opt;
    use crate::test_support::conf;

    #[test]
    fn help_wraps_at_70_columns() {
        let text = "word ".repeat(30);
        let wrapped = wrap_help(text.trim());
        assert!(wrapped
            .lines()
            .all(|l| l.len() <= 70 && l.starts_with("# ")));
        assert_eq!(wrapped.lines().count(), 3);
        assert_eq!(wrap_help("a\n\nb"), "# a\n#\n# b\n");
    }

    #[test]
    fn sample_lists_every_option_default_group_first() {
        let mut c = conf();
        c.register_opts("zeta", vec![Opt::str().named("z").help("Last group.")])
            .expect("register");
        c.register_opts(
            "DEFAULT",
            vec![
                Opt::port()
                    .named("osapi_volume_listen_port")
                    .default("8776")
                    .help("Port on which OpenStack Volume API listens."),
                Opt::bool()
                    .named("debug")
                    .default("False")
                    .mutable()
                    .help("If set to true, the logging level will be set to DEBUG instead of the default INFO level."),
                Opt::str()
                    .named("auth_strategy")
                    .default("keystone")
                    .choices(&["noauth", "keystone"])
                    .help("The strategy to use for auth."),
                Opt::list().named("enabled_backends").help("A list of backend names."),
                Opt::multi_str()
                    .named("osapi_volume_extension")
                    .defaults(&["cinder.api.contrib.standard_extensions"])
                    .help("osapi volume extension to load"),
                Opt::str()
                    .named("log_file")
                    .deprecated_name("logfile")
                    .help("Log file."),
            ],
        )
        .expect("register");
        c.register_opts("alpha", vec![Opt::int().named("a").min(1)])
            .expect("register");
        let s = c.generate_sample();
        let expected = "\
[DEFAULT]

# Port on which OpenStack Volume API listens. (port value)
# Minimum value: 0
# Maximum value: 65535
#osapi_volume_listen_port = 8776

# If set to true, the logging level will be set to DEBUG instead of
# the default INFO level. (boolean value)
# Note: This option can be changed without restarting.
#debug = false

# The strategy to use for auth. (string value)
# Possible values:
# noauth - <No description provided>
# keystone - <No description provided>
#auth_strategy = keystone

# A list of backend names. (list value)
#enabled_backends = <None>

# osapi volume extension to load (multi valued)
#osapi_volume_extension = cinder.api.contrib.standard_extensions

# Log file. (string value)
# Deprecated group/name - [DEFAULT]/logfile
#log_file = <None>


[alpha]

# (integer value)
# Minimum value: 1
#a = <None>


[zeta]

# Last group. (string value)
#z = <None>
";
        assert_eq!(s, expected);
    }
}
