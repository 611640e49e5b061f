//! The `format` keyword: the registry of checkers a validation runs with, and the
//! checkers every OpenStack API registers on top of jsonschema the same way (`uuid` with
//! `oslo_utils.uuidutils.is_uuid_like`, `date-time` with `oslo_utils.timeutils.parse_isotime`,
//! `base64` with `oslo_serialization.base64`). A service adds its own (cinder's `name`,
//! `volume_status`, ... live in `openstack-cinder`). As in jsonschema, a format nobody
//! registered is not checked.
//!
//! A checker answers like a Python one does: true, false, an exception it declared (the
//! `cause` of the error; cinder shows an `InvalidName` cause's own message), or an
//! exception it did not declare, which escapes validation and becomes whatever fault the
//! API makes of it.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use http::StatusCode;
use serde_json::Value;

use super::iso8601::is_isotime;

/// What a format checker made of a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormatCheck {
    Valid,
    /// The checker returned false or raised an exception it declared.
    Invalid(Option<Cause>),
    /// The checker raised an exception it did not declare: it leaves the validator.
    Raise(Raised),
}

/// The declared exception behind an invalid format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cause {
    /// `exception.InvalidName`: its message replaces the whole detail.
    InvalidName(String),
    /// Any other declared exception: kept, but the detail is jsonschema's
    /// `'<value>' is not a '<format>'`.
    Other(String),
}

/// An exception that escapes validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Raised {
    /// A `TypeError`: cinder's `_SchemaValidator` makes its text the detail of a 400
    /// `ValidationError`.
    TypeError(String),
    /// An exception the API's fault wrapper turns into this status and message (cinder's
    /// `Invalid` family, WebOb's `HTTPBadRequest`).
    Fault { status: StatusCode, message: String },
    /// Anything else: upstream answers a 500.
    Internal(String),
}

impl Raised {
    /// A 400 with this message (`InvalidInput`, `InvalidParameterValue`, `HTTPBadRequest`).
    pub fn bad_request(message: impl Into<String>) -> Raised {
        Raised::Fault {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
        }
    }
}

/// A format checker.
pub type Checker = dyn Fn(&Value) -> FormatCheck + Send + Sync;

/// The checkers of one validator, by format name.
#[derive(Clone, Default)]
pub struct Formats {
    checkers: HashMap<String, Arc<Checker>>,
}

impl fmt::Debug for Formats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut names: Vec<&str> = self.checkers.keys().map(String::as_str).collect();
        names.sort_unstable();
        f.debug_struct("Formats").field("checkers", &names).finish()
    }
}

impl Formats {
    /// No checkers: every format passes.
    pub fn new() -> Formats {
        Formats::default()
    }

    /// `uuid`, `date-time` and `base64` as the OpenStack services register them.
    pub fn standard() -> Formats {
        Formats::new()
            .with("uuid", |v| valid_if(is_uuid_like(v)))
            .with("date-time", |v| {
                valid_if(matches!(v, Value::String(s) if is_isotime(s)))
            })
            .with("base64", check_base64)
    }

    /// These checkers plus (or instead of one of them) `check` for `format`.
    pub fn with(
        mut self,
        format: impl Into<String>,
        check: impl Fn(&Value) -> FormatCheck + Send + Sync + 'static,
    ) -> Formats {
        self.checkers.insert(format.into(), Arc::new(check));
        self
    }

    /// The checker of `format`, if one is registered.
    pub fn get(&self, format: &str) -> Option<&Checker> {
        self.checkers.get(format).map(|c| &**c)
    }
}

/// `Valid` or a plain `Invalid`.
pub fn valid_if(ok: bool) -> FormatCheck {
    if ok {
        FormatCheck::Valid
    } else {
        FormatCheck::Invalid(None)
    }
}

/// `oslo_utils.uuidutils.is_uuid_like`: a string that, without `urn:`, `uuid:`, the
/// braces around it and its dashes, is 32 hexadecimal digits (in either case).
pub fn is_uuid_like(value: &Value) -> bool {
    let Value::String(s) = value else {
        return false;
    };
    let s = s.replace("urn:", "").replace("uuid:", "");
    let hex = s.trim_matches(['{', '}']).replace('-', "");
    hex.len() == 32 && hex.bytes().all(|b| b.is_ascii_hexdigit())
}

/// cinder's `base64` checker: `base64.b64decode` without validation skips characters
/// outside the alphabet and only fails on the padding. A non-string is invalid; a
/// non-ASCII string makes oslo raise `UnicodeDecodeError`, which nobody catches.
fn check_base64(value: &Value) -> FormatCheck {
    let Value::String(s) = value else {
        return FormatCheck::Invalid(None);
    };
    if let Some(pos) = s.bytes().position(|b| !b.is_ascii()) {
        let byte = s.as_bytes()[pos];
        return FormatCheck::Raise(Raised::Internal(format!(
            "'ascii' codec can't decode byte 0x{byte:02x} in position {pos}: ordinal not in range(128)"
        )));
    }
    valid_if(b64decode_ok(s.as_bytes()))
}

/// Whether CPython's `binascii.a2b_base64(data, strict_mode=False)` succeeds.
fn b64decode_ok(data: &[u8]) -> bool {
    let mut quad_pos = 0;
    let mut pads = 0;
    for &b in data {
        if b == b'=' {
            pads += 1;
            if quad_pos >= 2 && quad_pos + pads >= 4 {
                return true;
            }
            continue;
        }
        if !(b.is_ascii_alphanumeric() || b == b'+' || b == b'/') {
            continue;
        }
        pads = 0;
        quad_pos = (quad_pos + 1) % 4;
    }
    quad_pos == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn uuid_like_as_oslo() {
        for ok in [
            "0a1b2c3d-4e5f-6789-abcd-ef0123456789",
            "0A1B2C3D4E5F6789ABCDEF0123456789",
            "{0a1b2c3d-4e5f-6789-abcd-ef0123456789}",
            "urn:uuid:0a1b2c3d-4e5f-6789-abcd-ef0123456789",
            "0a1b2c3d4e5f-6789-abcd-ef01-23456789--",
        ] {
            assert!(is_uuid_like(&json!(ok)), "{ok}");
        }
        for bad in [
            "abc",
            "0a1b2c3d-4e5f-6789-abcd-ef012345678g",
            " 0a1b2c3d4e5f6789abcdef012345678",
            "+a1b2c3d4e5f6789abcdef0123456789",
        ] {
            assert!(!is_uuid_like(&json!(bad)), "{bad}");
        }
        assert!(!is_uuid_like(&json!(5)));
        assert!(!is_uuid_like(&json!(null)));
    }

    #[test]
    fn base64_like_b64decode() {
        for ok in ["", "YQ==", "YWI=", "YWJj", "YW Jj", "YQ==trailing", "Y!Q=="] {
            assert_eq!(check_base64(&json!(ok)), FormatCheck::Valid, "{ok}");
        }
        for bad in ["Y", "YQ", "YQ=", "YWJjZ"] {
            assert_eq!(
                check_base64(&json!(bad)),
                FormatCheck::Invalid(None),
                "{bad}"
            );
        }
        assert_eq!(check_base64(&json!(1)), FormatCheck::Invalid(None));
        assert!(matches!(
            check_base64(&json!("é")),
            FormatCheck::Raise(Raised::Internal(_))
        ));
    }
}
