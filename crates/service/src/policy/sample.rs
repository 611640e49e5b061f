//! A sample policy file in the layout of `oslopolicy-sample-generator --format yaml`: every
//! default commented out, preceded by its description, the operations it guards, its
//! intended scopes, and followed by what it deprecates. Uncommenting a line overrides it.

use super::defaults::RuleDefault;

/// Width of wrapped comment lines, `# ` included (as upstream's generator).
const WIDTH: usize = 70;

/// The sample file for `defaults`, in the given order.
pub fn generate(defaults: &[RuleDefault]) -> String {
    defaults.iter().map(format_rule).collect()
}

fn format_rule(d: &RuleDefault) -> String {
    let mut text = String::new();
    if let Some(desc) = d.description.as_deref().filter(|s| !s.trim().is_empty()) {
        text.push_str(&comment(desc));
        text.push('\n');
    }
    for op in &d.operations {
        if !op.method.is_empty() && !op.path.is_empty() {
            text.push_str(&format!("# {}  {}\n", op.method, op.path));
        }
    }
    if let Some(scopes) = &d.scope_types {
        text.push_str(&format!("# Intended scope(s): {}\n", scopes.join(", ")));
    }
    text.push_str(&format!("#\"{}\": \"{}\"\n\n", d.name, d.check_str));

    if d.deprecated_for_removal {
        return format!(
            "# DEPRECATED\n# \"{}\" has been deprecated since {}.\n{}\n{text}",
            d.name,
            d.deprecated_since.as_deref().unwrap_or("None"),
            comment(d.deprecated_reason.as_deref().unwrap_or("")),
        );
    }
    if let Some(dep) = &d.deprecated_rule {
        let since = dep
            .deprecated_since
            .as_deref()
            .or(d.deprecated_since.as_deref())
            .unwrap_or("None");
        let reason = dep
            .deprecated_reason
            .as_deref()
            .or(d.deprecated_reason.as_deref())
            .unwrap_or("");
        text.push_str("# DEPRECATED\n");
        text.push_str(&comment(&format!(
            "\"{}\":\"{}\" has been deprecated since {since} in favor of \"{}\":\"{}\".",
            dep.name, dep.check_str, d.name, d.check_str
        )));
        text.push('\n');
        text.push_str(&comment(reason));
        text.push('\n');
        if dep.name != d.name {
            text.push_str(
                "# WARNING: the rule was renamed. An override of the old name still\n\
                 #          applies to the new rule; to keep the old name as an alias of\n\
                 #          the new one, write:\n",
            );
            text.push_str(&format!("# \"{}\": \"rule:{}\"\n", dep.name, d.name));
        }
        text.push('\n');
    }
    text
}

/// A comment block: paragraphs wrapped at [`WIDTH`], blank lines kept as `#`, indented
/// lines kept as they are. Empty text is a lone `#`.
fn comment(text: &str) -> String {
    if text.trim().is_empty() {
        return "#".into();
    }
    let mut lines = Vec::new();
    let mut paragraph: Vec<&str> = Vec::new();
    for line in text.trim().lines() {
        if line.trim().is_empty() {
            wrap_into(&mut lines, &paragraph);
            lines.push("#".to_string());
            paragraph.clear();
        } else if line.starts_with(char::is_whitespace) {
            if !paragraph.is_empty() {
                wrap_into(&mut lines, &paragraph);
                lines.push("#".to_string());
                paragraph.clear();
            }
            lines.push(format!("# {}", line.trim_end()));
        } else {
            paragraph.push(line.trim_end());
        }
    }
    wrap_into(&mut lines, &paragraph);
    lines.join("\n")
}

fn wrap_into(lines: &mut Vec<String>, paragraph: &[&str]) {
    let mut current = String::from("#");
    for word in paragraph.iter().flat_map(|l| l.split_whitespace()) {
        if current.len() > 1 && current.len() + 1 + word.len() > WIDTH {
            lines.push(std::mem::replace(&mut current, String::from("#")));
        }
        current.push(' ');
        current.push_str(word);
    }
    if current.len() > 1 {
        lines.push(current);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::DeprecatedRule;

    #[test]
    fn a_documented_rule_is_commented_with_its_operations() {
        let d = RuleDefault::documented(
            "volume:get",
            "rule:reader",
            "Show a volume.",
            &[("GET", "/volumes/{volume_id}")],
        );
        assert_eq!(
            generate(&[d]),
            "# Show a volume.\n# GET  /volumes/{volume_id}\n#\"volume:get\": \"rule:reader\"\n\n"
        );
    }

    #[test]
    fn a_plain_rule_without_description_and_with_scopes() {
        let d = RuleDefault::new("admin_api", "role:admin").scope_types(&["system", "project"]);
        assert_eq!(
            generate(&[d]),
            "# Intended scope(s): system, project\n#\"admin_api\": \"role:admin\"\n\n"
        );
    }

    #[test]
    fn deprecated_rules_follow_the_rule() {
        let d = RuleDefault::documented("new:name", "role:b", "Do it.", &[("POST", "/x")])
            .deprecated_rule(
                DeprecatedRule::new("old:name", "role:a")
                    .reason("Split up.")
                    .since("X"),
            );
        let text = generate(&[d]);
        assert!(text.starts_with("# Do it.\n# POST  /x\n#\"new:name\": \"role:b\"\n\n# DEPRECATED\n# \"old:name\":\"role:a\" has been deprecated since X in favor of\n# \"new:name\":\"role:b\".\n# Split up.\n"), "{text}");
        assert!(
            text.ends_with("# \"old:name\": \"rule:new:name\"\n\n"),
            "{text}"
        );
    }

    #[test]
    fn descriptions_wrap_at_seventy_columns() {
        let long = "word ".repeat(40);
        let text = comment(&long);
        assert!(text
            .lines()
            .all(|l| l.len() <= WIDTH && l.starts_with("# ")));
        assert_eq!(text.split_whitespace().filter(|w| *w == "word").count(), 40);
        assert_eq!(comment("a\n\nb"), "# a\n#\n# b");
    }
}
