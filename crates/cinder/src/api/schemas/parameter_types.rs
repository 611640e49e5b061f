//! cinder's common parameter types (`cinder/api/validation/parameter_types.py`): the
//! pieces the request schemas are assembled from, with upstream's keys, bounds, patterns
//! and key order.

use std::sync::OnceLock;

use openstack_http::validation::python::is_printable;
use serde_json::{json, Value};

/// `cinder.common.constants.DB_MAX_INT`.
pub const DB_MAX_INT: i64 = 0x7FFF_FFFF;

/// `cinder.common.constants.LOG_BINARIES`.
pub const LOG_BINARIES: [&str; 4] = [
    "cinder-scheduler",
    "cinder-volume",
    "cinder-backup",
    "cinder-api",
];

/// The space separators (`Zs`) of Unicode 14: printable for a description, though
/// `str.isprintable()` only accepts the ASCII one.
fn is_space_separator(c: char) -> bool {
    matches!(
        c,
        ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}' | '\u{202f}' | '\u{205f}' | '\u{3000}'
    )
}

/// Python's `re.escape` (3.7+): a backslash before the characters special in a pattern.
fn push_re_escaped(out: &mut String, c: char) {
    if "()[]{}?*+-|^$\\.&~# \t\n\r\u{b}\u{c}".contains(c) {
        out.push('\\');
    }
    out.push(c);
}

/// `valid_description_regex`: `^[...]*$` over every character of the Basic Multilingual
/// Plane (below U+FFFF) that is not a control, format, surrogate, private-use,
/// unassigned, line or paragraph separator character — rendered the way upstream's
/// `_build_regex_range` renders it, since the pattern text appears in error messages.
pub fn valid_description_regex() -> &'static str {
    static REGEX: OnceLock<String> = OnceLock::new();
    REGEX.get_or_init(|| {
        let valid =
            |cp: u32| char::from_u32(cp).is_some_and(|c| is_printable(c) || is_space_separator(c));
        let mut ranges = String::new();
        let mut start: Option<u32> = None;
        for cp in 0..=0xFFFF {
            match (valid(cp) && cp < 0xFFFF, start) {
                (true, None) => start = Some(cp),
                (false, Some(first)) => {
                    let last = cp - 1;
                    if let Some(c) = char::from_u32(first) {
                        push_re_escaped(&mut ranges, c);
                    }
                    if last != first {
                        ranges.push('-');
                        if let Some(c) = char::from_u32(last) {
                            push_re_escaped(&mut ranges, c);
                        }
                    }
                    start = None;
                }
                _ => {}
            }
        }
        format!("^[{ranges}]*$")
    })
}

pub fn name() -> Value {
    json!({"type": "string", "minLength": 1, "maxLength": 255, "format": "name"})
}

pub fn update_name() -> Value {
    json!({"type": ["string", "null"], "minLength": 1, "maxLength": 255})
}

pub fn description() -> Value {
    json!({
        "type": ["string", "null"], "minLength": 0, "maxLength": 255,
        "pattern": valid_description_regex(),
    })
}

pub fn boolean() -> Value {
    json!({
        "type": ["boolean", "string"],
        "enum": [true, "True", "TRUE", "true", "1", "ON", "On", "on",
                 "YES", "Yes", "yes", "y", "t",
                 false, "False", "FALSE", "false", "0", "OFF", "Off", "off",
                 "NO", "No", "no", "n", "f"],
    })
}

pub fn uuid() -> Value {
    json!({"type": "string", "format": "uuid"})
}

pub fn extra_specs() -> Value {
    json!({
        "type": "object",
        "patternProperties": {
            "^[a-zA-Z0-9-_:. /]{1,255}$": {"type": "string", "maxLength": 255}
        },
        "additionalProperties": false,
    })
}

pub fn image_metadata() -> Value {
    json!({
        "type": "object",
        "patternProperties": {
            "^[a-zA-Z0-9-_:. /]{1,255}$": {"type": "string", "format": "mysql_text"}
        },
        "additionalProperties": false,
    })
}

pub fn extra_specs_with_no_spaces_key() -> Value {
    json!({
        "type": "object",
        "patternProperties": {
            "^[a-zA-Z0-9-_:.]{1,255}$": {"type": ["string", "null"], "minLength": 0, "maxLength": 255}
        },
        "additionalProperties": false,
    })
}

pub fn group_snapshot_status() -> Value {
    json!({"type": "string", "format": "group_snapshot_status"})
}

pub fn extra_specs_with_null() -> Value {
    json!({
        "type": "object",
        "patternProperties": {
            "^[a-zA-Z0-9-_:. /]{1,255}$": {"type": ["string", "null"], "maxLength": 255}
        },
        "additionalProperties": false,
    })
}

pub fn name_allow_zero_min_length() -> Value {
    json!({"type": ["string", "null"], "minLength": 0, "maxLength": 255})
}

pub fn uuid_allow_null() -> Value {
    json!({"oneOf": [uuid(), {"type": "null"}]})
}

pub fn metadata_allows_null() -> Value {
    json!({
        "type": ["object", "null"],
        "patternProperties": {
            "^[a-zA-Z0-9-_:. /]{1,255}$": {"type": "string", "maxLength": 255}
        },
        "additionalProperties": false,
    })
}

pub fn container() -> Value {
    json!({"type": ["string", "null"], "minLength": 0, "maxLength": 255})
}

pub fn backup_url() -> Value {
    json!({"type": "string", "minLength": 1, "format": "base64"})
}

pub fn backup_service() -> Value {
    json!({"type": "string", "minLength": 0, "maxLength": 255})
}

pub fn nullable_string() -> Value {
    json!({"type": ["string", "null"], "minLength": 0, "maxLength": 255})
}

pub fn volume_size() -> Value {
    json!({
        "type": ["integer", "string"],
        "pattern": "^[0-9]+$",
        "minimum": 1,
        "maximum": DB_MAX_INT,
    })
}

pub fn volume_size_allows_null() -> Value {
    json!({
        "type": ["integer", "string", "null"],
        "pattern": "^[0-9]+$",
        "minimum": 1,
        "maximum": DB_MAX_INT,
    })
}

pub fn hostname() -> Value {
    json!({
        "type": ["string", "null"], "minLength": 1, "maxLength": 255,
        "pattern": "^[a-zA-Z0-9-._#@:/+]*$",
    })
}

pub fn cinder_host() -> Value {
    json!({
        "type": ["string", "null"], "minLength": 1, "maxLength": 255,
        "pattern": r"^[a-zA-Z0-9-._#@:/+\[\]]*$",
    })
}

pub fn resource_type() -> Value {
    json!({"type": ["string", "null"], "minLength": 0, "maxLength": 40})
}

pub fn service_id() -> Value {
    json!({"type": ["integer", "string", "null"], "pattern": "^[0-9]*$", "maxLength": 11})
}

pub fn optional_uuid() -> Value {
    json!({"oneOf": [{"type": "null"}, {"type": "string", "format": "uuid"}]})
}

pub fn quota_class_set() -> Value {
    json!({
        "type": "object",
        "format": "quota_class_set",
        "patternProperties": {
            "^[a-zA-Z0-9-_:. ]{1,300}$": {
                "type": ["integer", "string"],
                "pattern": "^[0-9]*$", "minimum": -1, "minLength": 1,
                "maximum": DB_MAX_INT,
            }
        },
        "additionalProperties": false,
    })
}

pub fn binary() -> Value {
    let mut binaries: Vec<&str> = LOG_BINARIES.to_vec();
    binaries.extend(["", "*"]);
    json!({"type": "string", "enum": binaries})
}

pub fn key_size() -> Value {
    json!({
        "type": ["string", "integer", "null"],
        "minimum": 0,
        "maximum": DB_MAX_INT,
        "format": "key_size",
    })
}

pub fn availability_zone() -> Value {
    json!({"type": ["string", "null"], "minLength": 1, "maxLength": 255})
}

pub fn optional_boolean() -> Value {
    json!({"oneOf": [{"type": "null"}, boolean()]})
}

#[cfg(test)]
mod tests {
    use openstack_http::validation::python::repr_str;
    use serde_json::json;

    use super::*;
    use crate::api::schemas::validate;

    /// `parameter_types.valid_description_regex` of cinder 29.0.0 on Python 3.11.
    const UPSTREAM_DESCRIPTION_REGEX: &str = concat!(
        "^[\\ -\\~\u{a0}-\u{ac}\u{ae}-\u{377}\u{37a}-\u{37f}\u{384}-\u{38a}\u{38c}\u{38e}-\u{3a1}",
        "\u{3a3}-\u{52f}\u{531}-\u{556}\u{559}-\u{58a}\u{58d}-\u{58f}\u{591}-\u{5c7}\u{5d0}-",
        "\u{5ea}\u{5ef}-\u{5f4}\u{606}-\u{61b}\u{61d}-\u{6dc}\u{6de}-\u{70d}\u{710}-\u{74a}",
        "\u{74d}-\u{7b1}\u{7c0}-\u{7fa}\u{7fd}-\u{82d}\u{830}-\u{83e}\u{840}-\u{85b}\u{85e}",
        "\u{860}-\u{86a}\u{870}-\u{88e}\u{898}-\u{8e1}\u{8e3}-\u{983}\u{985}-\u{98c}\u{98f}-",
        "\u{990}\u{993}-\u{9a8}\u{9aa}-\u{9b0}\u{9b2}\u{9b6}-\u{9b9}\u{9bc}-\u{9c4}\u{9c7}-",
        "\u{9c8}\u{9cb}-\u{9ce}\u{9d7}\u{9dc}-\u{9dd}\u{9df}-\u{9e3}\u{9e6}-\u{9fe}\u{a01}-",
        "\u{a03}\u{a05}-\u{a0a}\u{a0f}-\u{a10}\u{a13}-\u{a28}\u{a2a}-\u{a30}\u{a32}-\u{a33}",
        "\u{a35}-\u{a36}\u{a38}-\u{a39}\u{a3c}\u{a3e}-\u{a42}\u{a47}-\u{a48}\u{a4b}-\u{a4d}",
        "\u{a51}\u{a59}-\u{a5c}\u{a5e}\u{a66}-\u{a76}\u{a81}-\u{a83}\u{a85}-\u{a8d}\u{a8f}-",
        "\u{a91}\u{a93}-\u{aa8}\u{aaa}-\u{ab0}\u{ab2}-\u{ab3}\u{ab5}-\u{ab9}\u{abc}-\u{ac5}",
        "\u{ac7}-\u{ac9}\u{acb}-\u{acd}\u{ad0}\u{ae0}-\u{ae3}\u{ae6}-\u{af1}\u{af9}-\u{aff}",
        "\u{b01}-\u{b03}\u{b05}-\u{b0c}\u{b0f}-\u{b10}\u{b13}-\u{b28}\u{b2a}-\u{b30}\u{b32}-",
        "\u{b33}\u{b35}-\u{b39}\u{b3c}-\u{b44}\u{b47}-\u{b48}\u{b4b}-\u{b4d}\u{b55}-\u{b57}",
        "\u{b5c}-\u{b5d}\u{b5f}-\u{b63}\u{b66}-\u{b77}\u{b82}-\u{b83}\u{b85}-\u{b8a}\u{b8e}-",
        "\u{b90}\u{b92}-\u{b95}\u{b99}-\u{b9a}\u{b9c}\u{b9e}-\u{b9f}\u{ba3}-\u{ba4}\u{ba8}-",
        "\u{baa}\u{bae}-\u{bb9}\u{bbe}-\u{bc2}\u{bc6}-\u{bc8}\u{bca}-\u{bcd}\u{bd0}\u{bd7}\u{be6}",
        "-\u{bfa}\u{c00}-\u{c0c}\u{c0e}-\u{c10}\u{c12}-\u{c28}\u{c2a}-\u{c39}\u{c3c}-\u{c44}",
        "\u{c46}-\u{c48}\u{c4a}-\u{c4d}\u{c55}-\u{c56}\u{c58}-\u{c5a}\u{c5d}\u{c60}-\u{c63}",
        "\u{c66}-\u{c6f}\u{c77}-\u{c8c}\u{c8e}-\u{c90}\u{c92}-\u{ca8}\u{caa}-\u{cb3}\u{cb5}-",
        "\u{cb9}\u{cbc}-\u{cc4}\u{cc6}-\u{cc8}\u{cca}-\u{ccd}\u{cd5}-\u{cd6}\u{cdd}-\u{cde}",
        "\u{ce0}-\u{ce3}\u{ce6}-\u{cef}\u{cf1}-\u{cf2}\u{d00}-\u{d0c}\u{d0e}-\u{d10}\u{d12}-",
        "\u{d44}\u{d46}-\u{d48}\u{d4a}-\u{d4f}\u{d54}-\u{d63}\u{d66}-\u{d7f}\u{d81}-\u{d83}",
        "\u{d85}-\u{d96}\u{d9a}-\u{db1}\u{db3}-\u{dbb}\u{dbd}\u{dc0}-\u{dc6}\u{dca}\u{dcf}-",
        "\u{dd4}\u{dd6}\u{dd8}-\u{ddf}\u{de6}-\u{def}\u{df2}-\u{df4}\u{e01}-\u{e3a}\u{e3f}-",
        "\u{e5b}\u{e81}-\u{e82}\u{e84}\u{e86}-\u{e8a}\u{e8c}-\u{ea3}\u{ea5}\u{ea7}-\u{ebd}\u{ec0}",
        "-\u{ec4}\u{ec6}\u{ec8}-\u{ecd}\u{ed0}-\u{ed9}\u{edc}-\u{edf}\u{f00}-\u{f47}\u{f49}-",
        "\u{f6c}\u{f71}-\u{f97}\u{f99}-\u{fbc}\u{fbe}-\u{fcc}\u{fce}-\u{fda}\u{1000}-\u{10c5}",
        "\u{10c7}\u{10cd}\u{10d0}-\u{1248}\u{124a}-\u{124d}\u{1250}-\u{1256}\u{1258}\u{125a}-",
        "\u{125d}\u{1260}-\u{1288}\u{128a}-\u{128d}\u{1290}-\u{12b0}\u{12b2}-\u{12b5}\u{12b8}-",
        "\u{12be}\u{12c0}\u{12c2}-\u{12c5}\u{12c8}-\u{12d6}\u{12d8}-\u{1310}\u{1312}-\u{1315}",
        "\u{1318}-\u{135a}\u{135d}-\u{137c}\u{1380}-\u{1399}\u{13a0}-\u{13f5}\u{13f8}-\u{13fd}",
        "\u{1400}-\u{169c}\u{16a0}-\u{16f8}\u{1700}-\u{1715}\u{171f}-\u{1736}\u{1740}-\u{1753}",
        "\u{1760}-\u{176c}\u{176e}-\u{1770}\u{1772}-\u{1773}\u{1780}-\u{17dd}\u{17e0}-\u{17e9}",
        "\u{17f0}-\u{17f9}\u{1800}-\u{180d}\u{180f}-\u{1819}\u{1820}-\u{1878}\u{1880}-\u{18aa}",
        "\u{18b0}-\u{18f5}\u{1900}-\u{191e}\u{1920}-\u{192b}\u{1930}-\u{193b}\u{1940}\u{1944}-",
        "\u{196d}\u{1970}-\u{1974}\u{1980}-\u{19ab}\u{19b0}-\u{19c9}\u{19d0}-\u{19da}\u{19de}-",
        "\u{1a1b}\u{1a1e}-\u{1a5e}\u{1a60}-\u{1a7c}\u{1a7f}-\u{1a89}\u{1a90}-\u{1a99}\u{1aa0}-",
        "\u{1aad}\u{1ab0}-\u{1ace}\u{1b00}-\u{1b4c}\u{1b50}-\u{1b7e}\u{1b80}-\u{1bf3}\u{1bfc}-",
        "\u{1c37}\u{1c3b}-\u{1c49}\u{1c4d}-\u{1c88}\u{1c90}-\u{1cba}\u{1cbd}-\u{1cc7}\u{1cd0}-",
        "\u{1cfa}\u{1d00}-\u{1f15}\u{1f18}-\u{1f1d}\u{1f20}-\u{1f45}\u{1f48}-\u{1f4d}\u{1f50}-",
        "\u{1f57}\u{1f59}\u{1f5b}\u{1f5d}\u{1f5f}-\u{1f7d}\u{1f80}-\u{1fb4}\u{1fb6}-\u{1fc4}",
        "\u{1fc6}-\u{1fd3}\u{1fd6}-\u{1fdb}\u{1fdd}-\u{1fef}\u{1ff2}-\u{1ff4}\u{1ff6}-\u{1ffe}",
        "\u{2000}-\u{200a}\u{2010}-\u{2027}\u{202f}-\u{205f}\u{2070}-\u{2071}\u{2074}-\u{208e}",
        "\u{2090}-\u{209c}\u{20a0}-\u{20c0}\u{20d0}-\u{20f0}\u{2100}-\u{218b}\u{2190}-\u{2426}",
        "\u{2440}-\u{244a}\u{2460}-\u{2b73}\u{2b76}-\u{2b95}\u{2b97}-\u{2cf3}\u{2cf9}-\u{2d25}",
        "\u{2d27}\u{2d2d}\u{2d30}-\u{2d67}\u{2d6f}-\u{2d70}\u{2d7f}-\u{2d96}\u{2da0}-\u{2da6}",
        "\u{2da8}-\u{2dae}\u{2db0}-\u{2db6}\u{2db8}-\u{2dbe}\u{2dc0}-\u{2dc6}\u{2dc8}-\u{2dce}",
        "\u{2dd0}-\u{2dd6}\u{2dd8}-\u{2dde}\u{2de0}-\u{2e5d}\u{2e80}-\u{2e99}\u{2e9b}-\u{2ef3}",
        "\u{2f00}-\u{2fd5}\u{2ff0}-\u{2ffb}\u{3000}-\u{303f}\u{3041}-\u{3096}\u{3099}-\u{30ff}",
        "\u{3105}-\u{312f}\u{3131}-\u{318e}\u{3190}-\u{31e3}\u{31f0}-\u{321e}\u{3220}-\u{a48c}",
        "\u{a490}-\u{a4c6}\u{a4d0}-\u{a62b}\u{a640}-\u{a6f7}\u{a700}-\u{a7ca}\u{a7d0}-\u{a7d1}",
        "\u{a7d3}\u{a7d5}-\u{a7d9}\u{a7f2}-\u{a82c}\u{a830}-\u{a839}\u{a840}-\u{a877}\u{a880}-",
        "\u{a8c5}\u{a8ce}-\u{a8d9}\u{a8e0}-\u{a953}\u{a95f}-\u{a97c}\u{a980}-\u{a9cd}\u{a9cf}-",
        "\u{a9d9}\u{a9de}-\u{a9fe}\u{aa00}-\u{aa36}\u{aa40}-\u{aa4d}\u{aa50}-\u{aa59}\u{aa5c}-",
        "\u{aac2}\u{aadb}-\u{aaf6}\u{ab01}-\u{ab06}\u{ab09}-\u{ab0e}\u{ab11}-\u{ab16}\u{ab20}-",
        "\u{ab26}\u{ab28}-\u{ab2e}\u{ab30}-\u{ab6b}\u{ab70}-\u{abed}\u{abf0}-\u{abf9}\u{ac00}-",
        "\u{d7a3}\u{d7b0}-\u{d7c6}\u{d7cb}-\u{d7fb}\u{f900}-\u{fa6d}\u{fa70}-\u{fad9}\u{fb00}-",
        "\u{fb06}\u{fb13}-\u{fb17}\u{fb1d}-\u{fb36}\u{fb38}-\u{fb3c}\u{fb3e}\u{fb40}-\u{fb41}",
        "\u{fb43}-\u{fb44}\u{fb46}-\u{fbc2}\u{fbd3}-\u{fd8f}\u{fd92}-\u{fdc7}\u{fdcf}\u{fdf0}-",
        "\u{fe19}\u{fe20}-\u{fe52}\u{fe54}-\u{fe66}\u{fe68}-\u{fe6b}\u{fe70}-\u{fe74}\u{fe76}-",
        "\u{fefc}\u{ff01}-\u{ffbe}\u{ffc2}-\u{ffc7}\u{ffca}-\u{ffcf}\u{ffd2}-\u{ffd7}\u{ffda}-",
        "\u{ffdc}\u{ffe0}-\u{ffe6}\u{ffe8}-\u{ffee}\u{fffc}-\u{fffd}]*$"
    );

    #[test]
    fn description_regex_is_upstreams_text() {
        assert_eq!(valid_description_regex(), UPSTREAM_DESCRIPTION_REGEX);
        assert_eq!(valid_description_regex().chars().count(), 980);
    }

    #[test]
    fn description_accepts_printable_text_and_spaces_only() {
        let schema = description();
        assert!(validate(&schema, &json!("café \u{a0}\u{3000} ok")).is_ok());
        assert!(validate(&schema, &json!(null)).is_ok());
        let refused = validate(&schema, &json!("line\nbreak"))
            .err()
            .map(|e| e.detail);
        let expected = format!(
            "'line\\nbreak' does not match {}",
            repr_str(valid_description_regex())
        );
        assert_eq!(refused, Some(expected));
        // Outside the Basic Multilingual Plane nothing is accepted, as upstream.
        assert!(validate(&schema, &json!("\u{1F600}")).is_err());
    }

    #[test]
    fn binary_lists_the_log_binaries() {
        assert_eq!(
            binary()["enum"],
            json!([
                "cinder-scheduler",
                "cinder-volume",
                "cinder-backup",
                "cinder-api",
                "",
                "*"
            ])
        );
    }
}
