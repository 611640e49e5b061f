//! The two dictionaries a rule is evaluated against: the *target* (what is being acted on,
//! e.g. `{"project_id": …, "user_id": …}` or a volume's fields) and the *credentials* (who
//! is acting: oslo.context's `to_policy_values()` plus cinder's `is_admin`). Values compare
//! as Python's `str()` renders them, because that is what oslo.policy compares.

use serde_json::{Map, Value};

use crate::RequestContext;

/// What a policy is checked against; `%(key)s` in a check string is looked up here.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Target(Map<String, Value>);

impl Target {
    /// An empty target.
    pub fn new() -> Target {
        Target(Map::new())
    }

    /// cinder's default target (`RequestContext.authorize` with no target): the caller's own
    /// `project_id` and `user_id`.
    pub fn from_context(ctx: &RequestContext) -> Target {
        Target::new()
            .with("project_id", ctx.project_id.clone())
            .with("user_id", ctx.user_id.clone())
    }

    /// Adds or replaces `key`.
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Target {
        self.insert(key, value);
        self
    }

    /// Adds or replaces `key`.
    pub fn insert(&mut self, key: &str, value: impl Into<Value>) {
        self.0.insert(key.to_string(), value.into());
    }

    /// Adds every field of a JSON object (cinder's `target.update(target_obj)`); anything
    /// else is ignored.
    pub fn update(&mut self, fields: &Value) {
        if let Value::Object(map) = fields {
            for (k, v) in map {
                self.0.insert(k.clone(), v.clone());
            }
        }
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.get(key)
    }

    pub fn as_map(&self) -> &Map<String, Value> {
        &self.0
    }

    /// The value `%(key)s` substitutes: the key itself, or, when the target has no such key
    /// and the key has dots, the nested value (`target.project.id` in
    /// `{"target": {"project": {"id": …}}}`) — the same result keystone gets by flattening its
    /// targets before enforcing.
    pub(crate) fn lookup(&self, key: &str) -> Option<&Value> {
        if let Some(v) = self.0.get(key) {
            return Some(v);
        }
        let mut parts = key.split('.');
        let mut cur = self.0.get(parts.next()?)?;
        for part in parts {
            cur = cur.as_object()?.get(part)?;
        }
        Some(cur)
    }
}

impl From<Map<String, Value>> for Target {
    fn from(map: Map<String, Value>) -> Target {
        Target(map)
    }
}

/// Who is acting, as oslo.policy sees it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Credentials(Map<String, Value>);

impl Credentials {
    /// oslo.context's `to_policy_values()` with cinder's `is_admin` added, and `system` set
    /// from `system_scope` as `Enforcer.enforce` does. Roles are passed as given; `role:`
    /// checks compare them case-insensitively.
    pub fn from_context(ctx: &RequestContext) -> Credentials {
        let opt = |v: &Option<String>| v.clone().map_or(Value::Null, Value::String);
        let mut m = Map::new();
        m.insert("user_id".into(), opt(&ctx.user_id));
        m.insert("user_domain_id".into(), opt(&ctx.user_domain_id));
        m.insert("system_scope".into(), opt(&ctx.system_scope));
        m.insert("domain_id".into(), opt(&ctx.domain_id));
        m.insert("project_id".into(), opt(&ctx.project_id));
        m.insert("project_domain_id".into(), opt(&ctx.project_domain_id));
        m.insert(
            "roles".into(),
            Value::Array(ctx.roles.iter().cloned().map(Value::String).collect()),
        );
        m.insert("is_admin_project".into(), Value::Bool(ctx.is_admin_project));
        for key in [
            "service_user_id",
            "service_user_domain_id",
            "service_project_id",
            "service_project_domain_id",
        ] {
            m.insert(key.into(), Value::Null);
        }
        m.insert("service_roles".into(), Value::Array(Vec::new()));
        m.insert("is_admin".into(), Value::Bool(ctx.is_admin));
        let mut creds = Credentials(m);
        creds.add_system_alias();
        creds
    }

    /// Credentials from any JSON object (tests, services with their own context values).
    pub fn from_map(map: Map<String, Value>) -> Credentials {
        let mut creds = Credentials(map);
        creds.add_system_alias();
        creds
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.get(key)
    }

    pub fn as_map(&self) -> &Map<String, Value> {
        &self.0
    }

    /// `Enforcer.enforce` copies a truthy `system_scope` to `system`.
    fn add_system_alias(&mut self) {
        if let Some(scope) = self.0.get("system_scope").filter(|v| truthy(v)).cloned() {
            self.0.insert("system".into(), scope);
        }
    }

    /// The token's scope for `scope_types`: system, domain or project.
    pub(crate) fn token_scope(&self) -> &'static str {
        if self.0.get("system").is_some_and(truthy) {
            "system"
        } else if self.0.get("domain_id").is_some_and(truthy) {
            "domain"
        } else {
            "project"
        }
    }
}

/// Python truthiness of a JSON value.
pub(crate) fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

/// Python's `str()` of a value decoded from JSON: `None`, `True`, `1`, `1.5`, `['a']`.
pub(crate) fn py_str(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => py_repr(other),
    }
}

fn py_repr(v: &Value) -> String {
    match v {
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => i.to_string(),
            (_, Some(u), _) => u.to_string(),
            (_, _, Some(f)) => py_float(f),
            _ => n.to_string(),
        },
        Value::String(s) => {
            if s.contains('\'') && !s.contains('"') {
                format!("\"{s}\"")
            } else {
                format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
            }
        }
        Value::Array(items) => {
            let inner: Vec<String> = items.iter().map(py_repr).collect();
            format!("[{}]", inner.join(", "))
        }
        Value::Object(map) => {
            let inner: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{}: {}", py_repr(&Value::String(k.clone())), py_repr(v)))
                .collect();
            format!("{{{}}}", inner.join(", "))
        }
    }
}

/// Python's `repr(float)` for the usual cases: `1.0`, `0.5`, `1e+16`.
pub(crate) fn py_float(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf".into() } else { "-inf".into() };
    }
    let abs = f.abs();
    if abs != 0.0 && !(1e-4..1e16).contains(&abs) {
        let s = format!("{f:e}");
        let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
        let (sign, digits) = match exp.strip_prefix('-') {
            Some(d) => ('-', d),
            None => ('+', exp),
        };
        return format!("{mantissa}e{sign}{digits:0>2}");
    }
    if f.fract() == 0.0 {
        format!("{f:.1}")
    } else {
        format!("{f}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn python_str_of_json_values() {
        assert_eq!(py_str(&json!(null)), "None");
        assert_eq!(py_str(&json!(true)), "True");
        assert_eq!(py_str(&json!(false)), "False");
        assert_eq!(py_str(&json!(20)), "20");
        assert_eq!(py_str(&json!(1.0)), "1.0");
        assert_eq!(py_str(&json!(0.5)), "0.5");
        assert_eq!(py_str(&json!(1e20)), "1e+20");
        assert_eq!(py_str(&json!("x")), "x");
        assert_eq!(py_str(&json!(["a", 1])), "['a', 1]");
        assert_eq!(py_str(&json!({"k": null})), "{'k': None}");
    }

    #[test]
    fn target_lookup_prefers_the_literal_key_then_walks_dots() {
        let mut t = Target::new().with("target.project.id", "flat");
        assert_eq!(t.lookup("target.project.id"), Some(&json!("flat")));
        t = Target::new().with("target", json!({"project": {"id": "nested"}}));
        assert_eq!(t.lookup("target.project.id"), Some(&json!("nested")));
        assert_eq!(t.lookup("target.project.name"), None);
        assert_eq!(t.lookup("missing"), None);
    }

    #[test]
    fn credentials_from_a_context_look_like_to_policy_values() {
        let mut ctx = RequestContext::new("req-1");
        ctx.user_id = Some("u".into());
        ctx.project_id = Some("p".into());
        ctx.roles = vec!["Member".into()];
        let c = Credentials::from_context(&ctx);
        assert_eq!(c.get("user_id"), Some(&json!("u")));
        assert_eq!(c.get("project_id"), Some(&json!("p")));
        assert_eq!(c.get("roles"), Some(&json!(["Member"])));
        assert_eq!(c.get("is_admin"), Some(&json!(false)));
        assert_eq!(c.get("is_admin_project"), Some(&json!(true)));
        assert_eq!(c.get("domain_id"), Some(&json!(null)));
        assert_eq!(c.get("system"), None);
        assert_eq!(c.token_scope(), "project");

        ctx.system_scope = Some("all".into());
        let c = Credentials::from_context(&ctx);
        assert_eq!(c.get("system"), Some(&json!("all")));
        assert_eq!(c.token_scope(), "system");
    }

    #[test]
    fn target_from_context_holds_project_and_user() {
        let mut ctx = RequestContext::new("req-1");
        ctx.project_id = Some("p".into());
        let t = Target::from_context(&ctx);
        assert_eq!(t.get("project_id"), Some(&json!("p")));
        assert_eq!(t.get("user_id"), Some(&json!(null)));
    }
}
