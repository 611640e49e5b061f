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
