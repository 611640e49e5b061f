//! Upstream-captured cases for the schema tests: each expected answer is what cinder
//! 29.0.0's `_SchemaValidator` (with `QUOTAS` holding the global resources and the
//! volume type `lvm`) answered for the same body, status and message.

use serde_json::Value;

use openstack_http::validation::python::repr_str;

use super::parameter_types::valid_description_regex;
use super::{validate_with_quotas, QuotaResources};

pub(super) enum Expect {
    Ok,
    /// Status and message (for 500s the message is not compared).
    Err(u16, &'static str),
}

/// A schema, a body as JSON text (shorthand allowed) and upstream's answer to it.
pub(super) type Case = (fn() -> Value, &'static str, Expect);

/// Runs cases.
pub(super) fn check(cases: &[Case]) {
    for (index, (schema, body, expect)) in cases.iter().enumerate() {
        check_one(&schema(), body, expect, &format!("case {index}"));
    }
}

/// Validates `body` (JSON text, shorthand allowed) against `schema` and compares with
/// what upstream answered.
pub(super) fn check_one(schema: &Value, body: &str, expect: &Expect, label: &str) {
    let body = &expand(body);
    let parsed: Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{label}: {e}"));
    let got = validate_with_quotas(schema, &parsed, QuotaResources::with_volume_types(["lvm"]));
    match (expect, got) {
        (Expect::Ok, got) => assert_eq!(got, Ok(()), "{label}: {body}"),
        (Expect::Err(status, message), Err(error)) => {
            assert_eq!(
                error.status().as_u16(),
                *status,
                "{label}: {body}: {error:?}"
            );
            if *status != 500 {
                assert_eq!(error.message(), expand(message), "{label}: {body}");
            }
        }
        (Expect::Err(_, message), Ok(())) => {
            panic!("{label}: {body}: accepted, upstream says {message}")
        }
    }
}

/// Undoes the shorthand of the captured texts: `@<n><c>@` is `n` times `c`, and
/// `@DESCRIPTION_REGEX@` the `repr()` of cinder's description pattern.
fn expand(text: &str) -> String {
    let text = text.replace("@DESCRIPTION_REGEX@", &repr_str(valid_description_regex()));
    let mut out = String::new();
    let mut rest = text.as_str();
    while let Some(at) = rest.find('@') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let digits = after.chars().take_while(char::is_ascii_digit).count();
        let mut tail = after[digits..].chars();
        match (digits, tail.next(), tail.next()) {
            (1.., Some(c), Some('@')) => {
                let count: usize = after[..digits].parse().unwrap_or(0);
                out.extend(std::iter::repeat_n(c, count));
                rest = tail.as_str();
            }
            _ => {
                out.push('@');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}
