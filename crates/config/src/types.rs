//! Value conversion by option type, with oslo.config's exact error texts (`types.py`):
//! Python `int()` / `float()` parsing, boolean words, range checks, `ListOpt` splitting
//! (trailing commas dropped), `DictOpt` pairs, IP literals, RFC 1123 host names and URIs.
//! Errors are the text a Python `ValueError` would carry; `ConfigOpts` wraps them with the
//! option, group and source.

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, Ipv6Addr};

use crate::opt::OptType;
use crate::pyfmt::{format_g, repr_str};
use crate::value::Value;

/// Converts one raw string to the option type's value. A multi-valued option yields a
/// one-item list. The error is oslo's `ValueError` text.
pub fn convert_value(kind: &OptType, raw: &str) -> Result<Value, String> {
    match kind {
        OptType::Str {
            choices,
            ignore_case,
        } => check_choices(raw, choices, *ignore_case).map(|()| Value::Str(raw.to_string())),
        OptType::Int { min, max } => convert_int(raw, *min, *max),
        OptType::Port { min, max } => {
            convert_int(raw, Some(min.unwrap_or(0)), Some(max.unwrap_or(65535)))
        }
        OptType::Float { min, max } => convert_float(raw, *min, *max),
        OptType::Bool => convert_bool(raw).map(Value::Bool),
        OptType::List => Ok(Value::List(split_list(raw))),
        OptType::Dict => split_dict(raw).map(Value::Dict),
        OptType::MultiStr => Ok(Value::List(vec![raw.to_string()])),
        OptType::IpAddress => check_ip(raw).map(|()| Value::Str(raw.to_string())),
        OptType::HostAddress => check_host_address(raw).map(|()| Value::Str(raw.to_string())),
        OptType::Uri => check_uri(raw).map(|()| Value::Str(raw.to_string())),
    }
}

/// oslo's `repr()` of the option type, used in command line errors (`Integer(min=1)`).
pub fn type_repr(kind: &OptType) -> String {
    fn number(name: &str, min: Option<f64>, max: Option<f64>) -> String {
        let mut props = Vec::new();
        if let Some(m) = min {
            props.push(format!("min={}", format_g(m)));
        }
        if let Some(m) = max {
            props.push(format!("max={}", format_g(m)));
        }
        if props.is_empty() {
            name.to_string()
        } else {
            format!("{name}({})", props.join(", "))
        }
    }
    // i64 → f64 only feeds `%g` formatting, as Python does.
    let f = |v: Option<i64>| v.map(|x| x as f64);
    match kind {
        OptType::Str { choices, .. } if !choices.is_empty() => {
            let quoted: Vec<String> = choices.iter().map(|c| repr_str(c)).collect();
            format!("String(choices=[{}])", quoted.join(", "))
        }
        OptType::Str { .. } => "String".to_string(),
        OptType::Int { min, max } => number("Integer", f(*min), f(*max)),
        OptType::Port { min, max } => number(
            "Port",
            Some(min.unwrap_or(0) as f64),
            Some(max.unwrap_or(65535) as f64),
        ),
        OptType::Float { min, max } => number("Float", *min, *max),
        OptType::Bool => "Boolean".to_string(),
        OptType::List => "List of String".to_string(),
        OptType::Dict => "Dict of String".to_string(),
        OptType::MultiStr => "MultiString".to_string(),
        OptType::IpAddress => "IPAddress".to_string(),
        OptType::HostAddress => "HostAddress".to_string(),
        OptType::Uri => "URI".to_string(),
    }
}

/// The type's name in sample files (`integer value`, `boolean value`, ...).
pub fn type_name(kind: &OptType) -> &'static str {
    match kind {
        OptType::Str { .. } => "string value",
        OptType::Int { .. } => "integer value",
        OptType::Port { .. } => "port value",
        OptType::Float { .. } => "floating point value",
        OptType::Bool => "boolean value",
        OptType::List => "list value",
        OptType::Dict => "dict value",
        OptType::MultiStr => "multi valued",
        OptType::IpAddress => "IP address value",
        OptType::HostAddress => "host address value",
        OptType::Uri => "uri value",
    }
}

fn check_choices(raw: &str, choices: &[String], ignore_case: bool) -> Result<(), String> {
    if choices.is_empty() {
        return Ok(());
    }
    let found = if ignore_case {
        let lower = raw.to_lowercase();
        choices.iter().any(|c| c.to_lowercase() == lower)
    } else {
        choices.iter().any(|c| c == raw)
    };
    if found {
        Ok(())
    } else {
        Err(format!(
            "Valid values are [{}], but found {}",
            choices.join(", "),
            repr_str(raw)
        ))
    }
}

/// Python `int(s)` for base 10: surrounding whitespace, a sign, digits with single
/// underscores between them. `Ok(None)` for an empty or blank string (oslo's `Integer`).
pub(crate) fn parse_python_int(raw: &str) -> Result<Option<i64>, String> {
    let invalid = || format!("invalid literal for int() with base 10: {}", repr_str(raw));
    let t = raw.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let (negative, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    if !valid_digit_run(digits) {
        return Err(invalid());
    }
    let clean: String = digits.chars().filter(|c| *c != '_').collect();
    let magnitude: i128 = clean
        .parse()
        .map_err(|_| format!("integer {} is out of range", repr_str(raw)))?;
    let value = if negative { -magnitude } else { magnitude };
    i64::try_from(value)
        .map(Some)
        .map_err(|_| format!("integer {} is out of range", repr_str(raw)))
}

/// ASCII digits with single underscores only between digits.
fn valid_digit_run(s: &str) -> bool {
    let b = s.as_bytes();
    if b.is_empty() || !b[0].is_ascii_digit() || !b[b.len() - 1].is_ascii_digit() {
        return false;
    }
    b.windows(2).all(|w| !(w[0] == b'_' && w[1] == b'_'))
        && b.iter().all(|c| c.is_ascii_digit() || *c == b'_')
}

fn convert_int(raw: &str, min: Option<i64>, max: Option<i64>) -> Result<Value, String> {
    let Some(v) = parse_python_int(raw)? else {
        return Ok(Value::None);
    };
    check_range(v as f64, min.map(|m| m as f64), max.map(|m| m as f64))?;
    Ok(Value::Int(v))
}

fn check_range(v: f64, min: Option<f64>, max: Option<f64>) -> Result<(), String> {
    if let Some(m) = min {
        if v < m {
            return Err(format!(
                "Should be greater than or equal to {}",
                format_g(m)
            ));
        }
    }
    if let Some(m) = max {
        if v > m {
            return Err(format!("Should be less than or equal to {}", format_g(m)));
        }
    }
    Ok(())
}

/// Python `float(s)`: whitespace, sign, decimal/exponent forms, `inf`/`nan`, underscores
/// between digits.
fn parse_python_float(raw: &str) -> Result<Option<f64>, String> {
    let invalid = || format!("could not convert string to float: {}", repr_str(raw));
    let t = raw.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let mut clean = String::with_capacity(t.len());
    let chars: Vec<char> = t.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        if *c == '_' {
            let between_digits = i > 0
                && chars[i - 1].is_ascii_digit()
                && chars.get(i + 1).is_some_and(|n| n.is_ascii_digit());
            if !between_digits {
                return Err(invalid());
            }
        } else {
            clean.push(*c);
        }
    }
    let body = clean.trim_start_matches(['+', '-']);
    let lower = body.to_ascii_lowercase();
    let special = matches!(lower.as_str(), "inf" | "infinity" | "nan");
    let numeric = body
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'));
    if !(special || numeric) || clean.len() - body.len() > 1 {
        return Err(invalid());
    }
    clean.parse::<f64>().map(Some).map_err(|_| invalid())
}

fn convert_float(raw: &str, min: Option<f64>, max: Option<f64>) -> Result<Value, String> {
    let Some(v) = parse_python_float(raw)? else {
        return Ok(Value::None);
    };
    check_range(v, min, max)?;
    Ok(Value::Float(v))
}

fn convert_bool(raw: &str) -> Result<bool, String> {
    match raw.to_lowercase().as_str() {
        "true" | "1" | "on" | "yes" => Ok(true),
        "false" | "0" | "off" | "no" => Ok(false),
        _ => Err(format!("Unexpected boolean value {}", repr_str(raw))),
    }
}

/// `ListOpt` of strings: strip, drop every trailing comma, split on `,`, strip items.
fn split_list(raw: &str) -> Vec<String> {
    let s = raw.trim().trim_end_matches(',');
    if s.is_empty() {
        return Vec::new();
    }
    s.split(',').map(|item| item.trim().to_string()).collect()
}

/// `DictOpt` of strings, with oslo's retry that re-joins a pair lacking `:` with the next.
fn split_dict(raw: &str) -> Result<BTreeMap<String, String>, String> {
    let mut result = BTreeMap::new();
    let s = raw.trim();
    if s.is_empty() {
        return Ok(result);
    }
    let mut pairs: std::collections::VecDeque<&str> = s.split(',').collect();
    while let Some(first) = pairs.pop_front() {
        let mut pair = first.to_string();
        let (key, value) = loop {
            if let Some((k, v)) = pair.split_once(':') {
                break (k.trim().to_string(), v.trim().to_string());
            }
            match pairs.pop_front() {
                Some(next) => {
                    pair.push(',');
                    pair.push_str(next);
                }
                None => {
                    return Err("Value should be NAME:VALUE pairs separated by \",\"".to_string())
                }
            }
        };
        if key.is_empty() {
            return Err("Key name should not be empty".to_string());
        }
        if result.contains_key(&key) {
            return Err(format!("Duplicate key {key}"));
        }
        result.insert(key, value);
    }
    Ok(result)
}

fn is_ip(raw: &str) -> bool {
    raw.parse::<Ipv4Addr>().is_ok() || raw.parse::<Ipv6Addr>().is_ok()
}

fn check_ip(raw: &str) -> Result<(), String> {
    if raw.is_empty() {
        return Err("IP address cannot be an empty string".to_string());
    }
    if is_ip(raw) {
        Ok(())
    } else {
        Err(format!("{raw} is not IPv4 or IPv6 address"))
    }
}

/// oslo's `Hostname` rules (RFC 1123 labels, non-numeric top-level label).
fn is_hostname(raw: &str) -> bool {
    if raw.is_empty() || raw.len() > 253 {
        return false;
    }
    let v = raw.strip_suffix('.').unwrap_or(raw);
    let last = v.rsplit('.').next().unwrap_or("");
    if !last.chars().any(|c| c.is_ascii_alphabetic() || c == '-') {
        return false;
    }
    v.split('.').all(|label| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    })
}

fn check_host_address(raw: &str) -> Result<(), String> {
    if (!raw.is_empty() && is_ip(raw)) || is_hostname(raw) {
        Ok(())
    } else {
        Err(format!("{raw} is not a valid host address"))
    }
}

/// RFC 3986 check as oslo's `URI` does it with `rfc3986`: scheme and host required and
/// well-formed, path made of legal characters.
fn check_uri(raw: &str) -> Result<(), String> {
    let mut missing = Vec::new();
    let mut invalid = Vec::new();
    let (scheme, rest) = match raw.split_once(':') {
        Some((s, r)) if !s.is_empty() && !s.contains(['/', '?', '#']) => (Some(s), r),
        _ => (None, raw),
    };
    match scheme {
        None => missing.push("scheme"),
        Some(s) => {
            let mut chars = s.chars();
            let ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
                && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
            if !ok {
                invalid.push("scheme");
            }
        }
    }
    let (authority, path) = match rest.strip_prefix("//") {
        Some(after) => {
            let end = after.find(['/', '?', '#']).unwrap_or(after.len());
            (Some(&after[..end]), &after[end..])
        }
        None => (None, rest),
    };
    let host = authority.map(|a| {
        let hostport = a.rsplit_once('@').map_or(a, |(_, h)| h);
        if hostport.starts_with('[') {
            hostport.find(']').map_or(hostport, |i| &hostport[..=i])
        } else {
            hostport.split(':').next().unwrap_or("")
        }
    });
    match host {
        None | Some("") => missing.push("host"),
        Some(h) => {
            let ok = if let Some(inner) = h.strip_prefix('[') {
                inner
                    .strip_suffix(']')
                    .is_some_and(|ip| ip.parse::<Ipv6Addr>().is_ok())
            } else {
                h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-._~%!$&'()*+,;=".contains(c))
            };
            if !ok {
                invalid.push("host");
            }
        }
    }
    let path = path.split(['?', '#']).next().unwrap_or("");
    if !path
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-._~%!$&'()*+,;=:@/".contains(c))
    {
        invalid.push("path");
    }
    missing.sort_unstable();
    invalid.sort_unstable();
    let verb = |n: usize| if n > 1 { "were" } else { "was" };
    if !missing.is_empty() {
        return Err(format!(
            "{} {} required but missing",
            missing.join(", "),
            verb(missing.len())
        ));
    }
    if !invalid.is_empty() {
        return Err(format!(
            "{} {} found to be invalid",
            invalid.join(", "),
            verb(invalid.len())
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::opt::Opt;

    fn conv(o: Opt, raw: &str) -> Result<Value, String> {
        convert_value(o.kind(), raw)
    }

    #[test]
    fn int_follows_python_int() {
        assert_eq!(conv(Opt::int(), " 42 "), Ok(Value::Int(42)));
        assert_eq!(conv(Opt::int(), "-1_000"), Ok(Value::Int(-1000)));
        assert_eq!(conv(Opt::int(), "+007"), Ok(Value::Int(7)));
        assert_eq!(conv(Opt::int(), "  "), Ok(Value::None));
        assert_eq!(
            conv(Opt::int(), "3.5"),
            Err("invalid literal for int() with base 10: '3.5'".into())
        );
        assert_eq!(
            conv(Opt::int(), "abc"),
            Err("invalid literal for int() with base 10: 'abc'".into())
        );
        assert!(conv(Opt::int(), "1__0").is_err());
        assert!(conv(Opt::int(), "_1").is_err());
    }

    #[test]
    fn int_range_errors_use_g_format() {
        assert_eq!(
            conv(Opt::int().min(1), "0"),
            Err("Should be greater than or equal to 1".into())
        );
        assert_eq!(
            conv(Opt::int().max(1_000_000), "1000001"),
            Err("Should be less than or equal to 1e+06".into())
        );
        assert_eq!(conv(Opt::int().min(1).max(3), "3"), Ok(Value::Int(3)));
    }

    #[test]
    fn port_defaults_to_the_tcp_range() {
        assert_eq!(conv(Opt::port(), "8776"), Ok(Value::Int(8776)));
        assert_eq!(
            conv(Opt::port(), "65536"),
            Err("Should be less than or equal to 65535".into())
        );
        assert_eq!(
            conv(Opt::port(), "-1"),
            Err("Should be greater than or equal to 0".into())
        );
        assert_eq!(
            conv(Opt::port().min(1024), "80"),
            Err("Should be greater than or equal to 1024".into())
        );
    }

    #[test]
    fn float_follows_python_float() {
        assert_eq!(conv(Opt::float(), "1.5"), Ok(Value::Float(1.5)));
        assert_eq!(conv(Opt::float(), " 2 "), Ok(Value::Float(2.0)));
        assert_eq!(conv(Opt::float(), "1e3"), Ok(Value::Float(1000.0)));
        assert_eq!(conv(Opt::float(), ""), Ok(Value::None));
        assert_eq!(
            conv(Opt::float(), "abc"),
            Err("could not convert string to float: 'abc'".into())
        );
        assert_eq!(conv(Opt::float(), ".5"), Ok(Value::Float(0.5)));
        assert_eq!(conv(Opt::float(), "5."), Ok(Value::Float(5.0)));
        assert_eq!(conv(Opt::float(), "1_000.5"), Ok(Value::Float(1000.5)));
        assert_eq!(conv(Opt::float(), "-1E+2"), Ok(Value::Float(-100.0)));
        assert_eq!(
            conv(Opt::float(), "Infinity"),
            Ok(Value::Float(f64::INFINITY))
        );
        assert!(conv(Opt::float(), "1.0.0").is_err());
        assert!(conv(Opt::float(), "1__0").is_err());
        assert!(conv(Opt::float(), "--1").is_err());
        assert_eq!(
            conv(Opt::float().min_float(0.5), "0.25"),
            Err("Should be greater than or equal to 0.5".into())
        );
    }

    #[test]
    fn bool_words() {
        for t in ["true", "TRUE", "1", "on", "Yes"] {
            assert_eq!(conv(Opt::bool(), t), Ok(Value::Bool(true)), "{t}");
        }
        for f in ["false", "0", "OFF", "no"] {
            assert_eq!(conv(Opt::bool(), f), Ok(Value::Bool(false)), "{f}");
        }
        assert_eq!(
            conv(Opt::bool(), "maybe"),
            Err("Unexpected boolean value 'maybe'".into())
        );
    }

    #[test]
    fn str_choices() {
        let o = || Opt::str().choices(&["noauth", "keystone"]);
        assert_eq!(conv(o(), "keystone"), Ok(Value::Str("keystone".into())));
        assert_eq!(
            conv(o(), "Keystone"),
            Err("Valid values are [noauth, keystone], but found 'Keystone'".into())
        );
        assert_eq!(
            conv(o().ignore_case(), "Keystone"),
            Ok(Value::Str("Keystone".into()))
        );
    }

    #[test]
    fn list_drops_trailing_commas_and_strips_items() {
        assert_eq!(
            conv(Opt::list(), "lvm1, lvm2 ,"),
            Ok(Value::List(vec!["lvm1".into(), "lvm2".into()]))
        );
        assert_eq!(conv(Opt::list(), "a,,"), Ok(Value::List(vec!["a".into()])));
        assert_eq!(
            conv(Opt::list(), "a, ,b"),
            Ok(Value::List(vec!["a".into(), "".into(), "b".into()]))
        );
        assert_eq!(conv(Opt::list(), "  "), Ok(Value::List(vec![])));
    }

    #[test]
    fn dict_pairs_and_errors() {
        let mut want = BTreeMap::new();
        want.insert("a".to_string(), "1".to_string());
        want.insert("b".to_string(), "2".to_string());
        assert_eq!(conv(Opt::dict(), "a:1, b : 2"), Ok(Value::Dict(want)));
        assert_eq!(conv(Opt::dict(), ""), Ok(Value::Dict(BTreeMap::new())));
        assert_eq!(
            conv(Opt::dict(), "a:1,b"),
            Err("Value should be NAME:VALUE pairs separated by \",\"".into())
        );
        assert_eq!(conv(Opt::dict(), "a:1,a:2"), Err("Duplicate key a".into()));
        assert_eq!(
            conv(Opt::dict(), ":1"),
            Err("Key name should not be empty".into())
        );
        let mut joined = BTreeMap::new();
        joined.insert("a,b".to_string(), "1".to_string());
        assert_eq!(conv(Opt::dict(), "a,b:1"), Ok(Value::Dict(joined)));
    }

    #[test]
    fn ip_addresses() {
        assert!(conv(Opt::ip(), "10.0.0.1").is_ok());
        assert!(conv(Opt::ip(), "::1").is_ok());
        assert_eq!(
            conv(Opt::ip(), "1.2.3"),
            Err("1.2.3 is not IPv4 or IPv6 address".into())
        );
        assert_eq!(
            conv(Opt::ip(), ""),
            Err("IP address cannot be an empty string".into())
        );
    }

    #[test]
    fn host_addresses() {
        for ok in [
            "controller",
            "node-1.example.com",
            "10.0.0.1",
            "fe80::1",
            "host.",
        ] {
            assert!(conv(Opt::host_address(), ok).is_ok(), "{ok}");
        }
        for bad in ["-bad", "a..b", "1.2.3", "under_score", ""] {
            assert_eq!(
                conv(Opt::host_address(), bad),
                Err(format!("{bad} is not a valid host address")),
                "{bad}"
            );
        }
    }

    #[test]
    fn uris() {
        assert!(conv(Opt::uri(), "http://controller:5000/v3").is_ok());
        assert!(conv(Opt::uri(), "rabbit://user:pw@[::1]:5672/").is_ok());
        assert_eq!(
            conv(Opt::uri(), "controller"),
            Err("host, scheme were required but missing".into())
        );
        assert_eq!(
            conv(Opt::uri(), "http:/path"),
            Err("host was required but missing".into())
        );
        assert_eq!(
            conv(Opt::uri(), "http://ho st/"),
            Err("host was found to be invalid".into())
        );
    }

    #[test]
    fn odd_input_never_panics() {
        let kinds = [
            Opt::str().choices(&["é"]),
            Opt::int().min(0),
            Opt::float(),
            Opt::bool(),
            Opt::port(),
            Opt::list(),
            Opt::dict(),
            Opt::ip(),
            Opt::host_address(),
            Opt::uri(),
        ];
        let inputs = [
            "",
            " ",
            "-",
            "+",
            "_",
            "é",
            "ß:ü,",
            ":",
            ",",
            "[]",
            "{}",
            "1e",
            "e5",
            "--5",
            "+-1",
            "99999999999999999999999",
            "0x10",
            "nan",
            "::",
            "[::1",
            "http://",
            "a://[",
            "é://é",
            "\u{0}",
            "a:b:c,,d:",
            "..",
            ".",
            "a.-b",
            "\n",
        ];
        for o in &kinds {
            for i in inputs {
                let _ = convert_value(o.kind(), i);
            }
        }
    }

    #[test]
    fn reprs_name_the_type() {
        assert_eq!(type_repr(Opt::int().min(1).kind()), "Integer(min=1)");
        assert_eq!(type_repr(Opt::int().kind()), "Integer");
        assert_eq!(type_repr(Opt::port().kind()), "Port(min=0, max=65535)");
        assert_eq!(
            type_repr(Opt::str().choices(&["a"]).kind()),
            "String(choices=['a'])"
        );
        assert_eq!(type_name(Opt::bool().kind()), "boolean value");
    }
}
