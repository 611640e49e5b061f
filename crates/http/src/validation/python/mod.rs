//! Python's view of a JSON body, as upstream's validators see it after `json.loads`: the
//! `repr()` and `str()` that jsonschema and cinder put into their messages, the type names
//! of Python's own exception texts, `int()`/`float()` of numeric strings (cinder checks
//! `minimum`/`maximum` on them) and `re.search` with Python's pattern syntax.

mod number;
mod printable;
mod regex;
mod repr;

pub use number::{float_from_str, int_from_str, number_from_value, PyInt, PyNumber};
pub use regex::{search, PatternError};
pub use repr::{repr, repr_float, repr_str, str};

use serde_json::Value;

/// Whether Python's `str.isprintable()` is true for `c` (Unicode 14.0, Python 3.11).
pub fn is_printable(c: char) -> bool {
    let cp = u32::from(c);
    // The table is sorted pairs of inclusive bounds: find the last range starting at or
    // before `cp`.
    let pairs = printable::PRINTABLE_RANGES.len() / 2;
    let (mut lo, mut hi) = (0usize, pairs);
    while lo < hi {
        let mid = (lo + hi) / 2;
        if printable::PRINTABLE_RANGES[2 * mid] <= cp {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo > 0 && cp <= printable::PRINTABLE_RANGES[2 * (lo - 1) + 1]
}

/// Whether Python's `str.isspace()` is true for `c`: Unicode white space plus the ASCII
/// information separators `\x1c`–`\x1f`.
pub fn is_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// The name of the Python type `json.loads` gives a value (`type(v).__name__`).
pub fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "NoneType",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float",
        Value::Number(_) => "int",
        Value::String(_) => "str",
        Value::Array(_) => "list",
        Value::Object(_) => "dict",
    }
}

/// Python truthiness (`bool(v)`).
pub fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

/// jsonschema's `equal`: Python `==` except that booleans never equal numbers.
pub fn equal(one: &Value, two: &Value) -> bool {
    match (one, two) {
        (Value::Number(a), Value::Number(b)) => {
            match (PyNumber::from_json(a), PyNumber::from_json(b)) {
                (Some(a), Some(b)) => a.py_eq(&b),
                _ => false,
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| equal(x, y))
        }
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(k, v)| b.get(k).is_some_and(|other| equal(v, other)))
        }
        _ => one == two,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn printable_matches_python() {
        assert!(is_printable(' '));
        assert!(is_printable('~'));
        assert!(is_printable('é'));
        assert!(!is_printable('\u{10FFFD}'));
        assert!(!is_printable('\u{7f}'));
        assert!(!is_printable('\u{a0}'));
        assert!(!is_printable('\u{200b}'));
        assert!(!is_printable('\n'));
        assert!(is_printable('\u{1F600}'));
    }

    #[test]
    fn equality_keeps_booleans_apart_from_numbers() {
        assert!(equal(&json!(1), &json!(1.0)));
        assert!(!equal(&json!(true), &json!(1)));
        assert!(!equal(&json!(false), &json!(0)));
        assert!(equal(&json!({"a": [1, "x"]}), &json!({"a": [1.0, "x"]})));
        assert!(!equal(&json!("1"), &json!(1)));
    }

    #[test]
    fn truthiness_and_type_names() {
        assert!(!truthy(&json!(0)));
        assert!(truthy(&json!("x")));
        assert_eq!(type_name(&json!(1.5)), "float");
        assert_eq!(type_name(&json!(null)), "NoneType");
        assert_eq!(type_name(&json!({})), "dict");
    }
}
