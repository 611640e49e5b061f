//! Converted option values (`Value`) and the typed view of them (`FromValue`) that
//! `ConfigOpts::get_as` and the `options!` structs use. oslo.config returns Python objects;
//! here each option type maps to one `Value` variant (ports are `Int`, IP/host/URI options
//! are `Str`, `MultiStrOpt` is `List`).

use std::collections::BTreeMap;
use std::net::IpAddr;

use crate::pyfmt::{repr_dict, repr_float, repr_list};

/// A converted option value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    None,
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    List(Vec<String>),
    Dict(BTreeMap<String, String>),
}

impl Value {
    /// Python `str()` of the value, as `$substitution` inserts it (`None` → empty).
    pub fn substitution_text(&self) -> String {
        match self {
            Value::None => String::new(),
            other => other.python_str(),
        }
    }

    /// Python `str()` of the value (`None`, `True`, `['a', 'b']`), as logged by
    /// `log_opt_values`.
    pub fn python_str(&self) -> String {
        match self {
            Value::None => "None".to_string(),
            Value::Str(s) => s.clone(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) => repr_float(*f),
            Value::Bool(true) => "True".to_string(),
            Value::Bool(false) => "False".to_string(),
            Value::List(l) => repr_list(l),
            Value::Dict(d) => repr_dict(d),
        }
    }

    /// A short description of the variant, for type-mismatch errors.
    pub fn describe(&self) -> String {
        match self {
            Value::None => "None".to_string(),
            Value::Str(s) => format!("the string {}", crate::pyfmt::repr_str(s)),
            Value::Int(i) => format!("the integer {i}"),
            Value::Float(f) => format!("the float {}", repr_float(*f)),
            Value::Bool(b) => format!("the boolean {b}"),
            Value::List(_) => format!("the list {}", self.python_str()),
            Value::Dict(_) => format!("the dict {}", self.python_str()),
        }
    }

    pub fn is_none(&self) -> bool {
        matches!(self, Value::None)
    }
}

/// Converts a `Value` to a Rust type; `None` when the value does not fit.
pub trait FromValue: Sized {
    fn from_value(v: Value) -> Option<Self>;
    /// The type's name in error messages.
    fn expected() -> &'static str {
        std::any::type_name::<Self>()
    }
}

impl FromValue for Value {
    fn from_value(v: Value) -> Option<Self> {
        Some(v)
    }
    fn expected() -> &'static str {
        "a value"
    }
}

impl FromValue for String {
    fn from_value(v: Value) -> Option<Self> {
        match v {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }
    fn expected() -> &'static str {
        "a string"
    }
}

impl FromValue for i64 {
    fn from_value(v: Value) -> Option<Self> {
        match v {
            Value::Int(i) => Some(i),
            _ => None,
        }
    }
    fn expected() -> &'static str {
        "an integer"
    }
}

impl FromValue for u16 {
    fn from_value(v: Value) -> Option<Self> {
        match v {
            Value::Int(i) => u16::try_from(i).ok(),
            _ => None,
        }
    }
    fn expected() -> &'static str {
        "a port number (0..=65535)"
    }
}

impl FromValue for u32 {
    fn from_value(v: Value) -> Option<Self> {
        match v {
            Value::Int(i) => u32::try_from(i).ok(),
            _ => None,
        }
    }
    fn expected() -> &'static str {
        "a non-negative integer"
    }
}

impl FromValue for u64 {
    fn from_value(v: Value) -> Option<Self> {
        match v {
            Value::Int(i) => u64::try_from(i).ok(),
            _ => None,
        }
    }
    fn expected() -> &'static str {
        "a non-negative integer"
    }
}

impl FromValue for usize {
    fn from_value(v: Value) -> Option<Self> {
        match v {
            Value::Int(i) => usize::try_from(i).ok(),
            _ => None,
        }
    }
    fn expected() -> &'static str {
        "a non-negative integer"
    }
}

impl FromValue for f64 {
    fn from_value(v: Value) -> Option<Self> {
        match v {
            Value::Float(f) => Some(f),
            // An IntOpt read as f64 loses nothing that matters for timeouts and ratios.
            Value::Int(i) => Some(i as f64),
            _ => None,
        }
    }
    fn expected() -> &'static str {
        "a number"
    }
}

impl FromValue for bool {
    fn from_value(v: Value) -> Option<Self> {
        match v {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }
    fn expected() -> &'static str {
        "a boolean"
    }
}

impl FromValue for Vec<String> {
    fn from_value(v: Value) -> Option<Self> {
        match v {
            Value::List(l) => Some(l),
            // An unset ListOpt reads as an empty list for code that does not care.
            Value::None => Some(Vec::new()),
            _ => None,
        }
    }
    fn expected() -> &'static str {
        "a list"
    }
}

impl FromValue for BTreeMap<String, String> {
    fn from_value(v: Value) -> Option<Self> {
        match v {
            Value::Dict(d) => Some(d),
            Value::None => Some(BTreeMap::new()),
            _ => None,
        }
    }
    fn expected() -> &'static str {
        "a dict"
    }
}

impl FromValue for IpAddr {
    fn from_value(v: Value) -> Option<Self> {
        match v {
            Value::Str(s) => s.parse().ok(),
            _ => None,
        }
    }
    fn expected() -> &'static str {
        "an IP address"
    }
}

impl<T: FromValue> FromValue for Option<T> {
    fn from_value(v: Value) -> Option<Self> {
        match v {
            Value::None => Some(None),
            other => T::from_value(other).map(Some),
        }
    }
    fn expected() -> &'static str {
        T::expected()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_convert_only_from_their_variant() {
        assert_eq!(String::from_value(Value::Str("x".into())), Some("x".into()));
        assert_eq!(String::from_value(Value::Int(1)), None);
        assert_eq!(i64::from_value(Value::Int(4)), Some(4));
        assert_eq!(bool::from_value(Value::Bool(true)), Some(true));
        assert_eq!(u16::from_value(Value::Int(8776)), Some(8776));
        assert_eq!(u16::from_value(Value::Int(70000)), None);
        assert_eq!(f64::from_value(Value::Float(0.5)), Some(0.5));
    }

    #[test]
    fn options_accept_none() {
        assert_eq!(Option::<i64>::from_value(Value::None), Some(None));
        assert_eq!(Option::<i64>::from_value(Value::Int(3)), Some(Some(3)));
        assert_eq!(i64::from_value(Value::None), None);
        assert_eq!(
            Option::<IpAddr>::from_value(Value::Str("10.0.0.1".into())),
            Some(Some("10.0.0.1".parse().expect("ip")))
        );
    }

    #[test]
    fn python_str_renders_like_python() {
        assert_eq!(Value::Bool(true).python_str(), "True");
        assert_eq!(Value::None.python_str(), "None");
        assert_eq!(Value::None.substitution_text(), "");
        assert_eq!(
            Value::List(vec!["a".into(), "b".into()]).python_str(),
            "['a', 'b']"
        );
        assert_eq!(Value::Float(2.0).python_str(), "2.0");
    }
}
