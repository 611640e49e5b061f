//! The check tree a rule parses into, and how it is evaluated — oslo.policy's `_checks.py`:
//! `@`, `!`, `rule:`, `role:`, generic `field:value` checks, `not`, `and`, `or`.
//!
//! Displays exactly as oslo.policy's `str()` of a check (`(a or (b and c))`), which is also
//! how rules are compared (redundant overrides, deprecated-rule aliases).

use std::fmt;

use serde_json::Value;

use super::values::{py_str, Credentials, Target};

/// A parsed check string.
#[derive(Debug, Clone, PartialEq)]
pub enum Check {
    /// `@` or the empty rule: always allowed.
    True,
    /// `!`: never allowed.
    False,
    /// `rule:<name>`: the named rule (or the default rule when no such rule exists).
    Rule(String),
    /// `role:<name>`: the credentials hold this role (case-insensitive).
    Role(Template),
    /// `<kind>:<match>`: a credential attribute (or a literal) equals the match.
    Field(FieldCheck),
    Not(Box<Check>),
    And(Vec<Check>),
    Or(Vec<Check>),
}

/// A generic check: the left side is a dotted path into the credentials, or a Python literal
/// (`'Member'`, `True`, `20`) compared as a string; the right side may substitute target
/// values with `%(key)s`.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldCheck {
    /// The left side as written.
    pub kind: String,
    /// `Some(str(literal))` when `kind` is a Python literal.
    pub literal: Option<String>,
    pub matcher: Template,
}

/// The right side of a check, with its `%(key)s` substitutions parsed.
#[derive(Debug, Clone)]
pub struct Template {
    raw: String,
    parts: Vec<Part>,
}

#[derive(Debug, Clone)]
enum Part {
    Text(String),
    Key(String),
}

impl PartialEq for Template {
    fn eq(&self, other: &Template) -> bool {
        self.raw == other.raw
    }
}

impl Template {
    /// Parses Python %-formatting with a mapping: `%(key)s` and `%%`; anything else that
    /// Python would reject (or render strangely) is refused.
    pub(crate) fn parse(raw: &str) -> Result<Template, String> {
        let mut parts = Vec::new();
        let mut text = String::new();
        let mut rest = raw;
        while let Some(pos) = rest.find('%') {
            text.push_str(&rest[..pos]);
            let after = &rest[pos + 1..];
            if let Some(tail) = after.strip_prefix('%') {
                text.push('%');
                rest = tail;
            } else if let Some(inner) = after.strip_prefix('(') {
                let close = inner
                    .find(')')
                    .ok_or_else(|| format!("unterminated substitution in {raw:?}"))?;
                let key = &inner[..close];
                let tail = inner[close + 1..].strip_prefix('s').ok_or_else(|| {
                    format!("only %(name)s substitutions are supported, in {raw:?}")
                })?;
                if !text.is_empty() {
                    parts.push(Part::Text(std::mem::take(&mut text)));
                }
                parts.push(Part::Key(key.to_string()));
                rest = tail;
            } else {
                return Err(format!(
                    "a lone '%' must be written '%%' (or %(name)s), in {raw:?}"
                ));
            }
        }
        text.push_str(rest);
        if !text.is_empty() {
            parts.push(Part::Text(text));
        }
        Ok(Template {
            raw: raw.to_string(),
            parts,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// `self.match % target`; `None` where Python raises KeyError (the check fails).
    pub(crate) fn render(&self, target: &Target) -> Option<String> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Key(k) => out.push_str(&py_str(target.lookup(k)?)),
            }
        }
        Some(out)
    }
}

/// Rule references deeper than this fail closed (upstream would hit Python's recursion limit).
const MAX_RULE_DEPTH: usize = 32;

/// Where named rules come from while evaluating.
pub(crate) trait RuleLookup {
    fn rule(&self, name: &str) -> Option<&Check>;
}

pub(crate) struct Eval<'a> {
    pub rules: &'a dyn RuleLookup,
    pub target: &'a Target,
    pub creds: &'a Credentials,
}

impl Check {
    pub(crate) fn evaluate(&self, env: &Eval<'_>) -> bool {
        self.eval_at(env, 0)
    }

    fn eval_at(&self, env: &Eval<'_>, depth: usize) -> bool {
        match self {
            Check::True => true,
            Check::False => false,
            Check::Rule(name) => {
                if depth >= MAX_RULE_DEPTH {
                    tracing::warn!(rule = %name, "policy rule references nest too deep (a cycle?); denying");
                    return false;
                }
                env.rules
                    .rule(name)
                    .is_some_and(|c| c.eval_at(env, depth + 1))
            }
            Check::Role(t) => {
                let Some(wanted) = t.render(env.target) else {
                    return false;
                };
                let wanted = wanted.to_lowercase();
                match env.creds.get("roles") {
                    Some(Value::Array(roles)) => roles
                        .iter()
                        .filter_map(Value::as_str)
                        .any(|r| r.to_lowercase() == wanted),
                    _ => false,
                }
            }
            Check::Field(f) => {
                let Some(wanted) = f.matcher.render(env.target) else {
                    return false;
                };
                match &f.literal {
                    Some(lit) => *lit == wanted,
                    None => {
                        let path: Vec<&str> = f.kind.split('.').collect();
                        find_in(env.creds.as_map(), &path, &wanted)
                    }
                }
            }
            Check::Not(inner) => !inner.eval_at(env, depth),
            Check::And(all) => all.iter().all(|c| c.eval_at(env, depth)),
            Check::Or(any) => any.iter().any(|c| c.eval_at(env, depth)),
        }
    }

    /// Names of every rule this check refers to (for undefined-rule and cycle warnings).
    pub(crate) fn referenced_rules<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            Check::Rule(name) => out.push(name),
            Check::Not(inner) => inner.referenced_rules(out),
            Check::And(list) | Check::Or(list) => {
                for c in list {
                    c.referenced_rules(out);
                }
            }
            _ => {}
        }
    }
}

/// oslo.policy's `GenericCheck._find_in_dict`: walk `path` into the credentials; a list on the
/// way matches when any element matches the rest of the path.
fn find_in(map: &serde_json::Map<String, Value>, path: &[&str], wanted: &str) -> bool {
    let Some((first, rest)) = path.split_first() else {
        return false;
    };
    match map.get(*first) {
        Some(v) => find_in_value(v, rest, wanted),
        None => false,
    }
}

fn find_in_value(v: &Value, path: &[&str], wanted: &str) -> bool {
    match v {
        Value::Array(items) => items.iter().any(|item| match_value(item, path, wanted)),
        other => match_value(other, path, wanted),
    }
}

/// `_find_in_dict` on one value: compare it when the path is used up, else descend.
fn match_value(v: &Value, path: &[&str], wanted: &str) -> bool {
    if path.is_empty() {
        return py_str(v) == wanted;
    }
    match v {
        Value::Object(m) => find_in(m, path, wanted),
        _ => false,
    }
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Check::True => f.write_str("@"),
            Check::False => f.write_str("!"),
            Check::Rule(name) => write!(f, "rule:{name}"),
            Check::Role(t) => write!(f, "role:{}", t.raw),
            Check::Field(c) => write!(f, "{}:{}", c.kind, c.matcher.raw),
            Check::Not(inner) => write!(f, "not {inner}"),
            Check::And(list) => join(f, list, " and "),
            Check::Or(list) => join(f, list, " or "),
        }
    }
}

fn join(f: &mut fmt::Formatter<'_>, list: &[Check], sep: &str) -> fmt::Result {
    f.write_str("(")?;
    for (i, c) in list.iter().enumerate() {
        if i > 0 {
            f.write_str(sep)?;
        }
        write!(f, "{c}")?;
    }
    f.write_str(")")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_substitute_keys_and_keep_percent_escapes() {
        let t = Template::parse("%(a)s-%%-%(b.c)s").expect("parse");
        let target = Target::new()
            .with("a", "x")
            .with("b", serde_json::json!({"c": 5}));
        assert_eq!(t.render(&target).as_deref(), Some("x-%-5"));
        assert_eq!(t.render(&Target::new()), None);
        assert_eq!(
            Template::parse("plain")
                .expect("parse")
                .render(&Target::new()),
            Some("plain".into())
        );
    }

    #[test]
    fn templates_refuse_what_python_would_not_render() {
        assert!(Template::parse("50%").is_err());
        assert!(Template::parse("%(x)d").is_err());
        assert!(Template::parse("%(x").is_err());
        assert!(Template::parse("%s").is_err());
    }

    #[test]
    fn find_in_walks_dicts_and_lists() {
        let creds = serde_json::json!({
            "a": {"b": [{"c": "APPLES"}, {"c": "PEARS"}]},
            "roles": ["x", "y"],
            "n": null
        });
        let m = creds.as_object().expect("object");
        assert!(find_in(m, &["a", "b", "c"], "PEARS"));
        assert!(!find_in(m, &["a", "b", "c"], "PLUMS"));
        assert!(find_in(m, &["roles"], "y"));
        assert!(!find_in(m, &["roles", "name"], "y"));
        assert!(find_in(m, &["n"], "None"));
        assert!(!find_in(m, &["missing"], "None"));
        assert!(!find_in(m, &["n", "deeper"], "None"));
        let empty = serde_json::json!({"roles": []});
        assert!(!find_in(
            empty.as_object().expect("object"),
            &["roles"],
            "[]"
        ));
    }
}
