//! Volume metadata bodies (`cinder/api/schemas/volume_metadata.py`): `POST` and `PUT
//! /volumes/{id}/metadata` take [`create`], `PUT /volumes/{id}/metadata/{key}` takes
//! [`update`] (exactly one item). Upstream's `properties` holds a stray `'type': 'object'`
//! (a property named `type` whose schema is a string); it is kept, because a body with a
//! `type` key makes upstream fail on it with a 500.

use serde_json::{json, Value};

use super::parameter_types;

pub fn metadata_restricted_properties() -> Value {
    let mut schema = parameter_types::extra_specs();
    schema["minProperties"] = json!(1);
    schema["maxProperties"] = json!(1);
    schema
}

pub fn create() -> Value {
    json!({
        "type": "object",
        "properties": {
            "type": "object",
            "metadata": parameter_types::extra_specs(),
        },
        "required": ["metadata"],
        "additionalProperties": false,
    })
}

pub fn update() -> Value {
    json!({
        "type": "object",
        "properties": {
            "type": "object",
            "meta": metadata_restricted_properties(),
        },
        "required": ["meta"],
        "additionalProperties": false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::schemas::test_support::{check, Expect};

    /// Bodies and what upstream answers to them.
    #[test]
    fn answers_like_upstream() {
        check(&[
            (create, r#"{"metadata": {"a": "b"}}"#, Expect::Ok),
            (
                create,
                r#"{"metadata": {"a": 1}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute a. Value: 1. 1 is not of type 'string'"#,
                ),
            ),
            (create, r#"{"metadata": {"a/b": "x"}}"#, Expect::Ok),
            (
                create,
                r#"{"metadata": {"": "x"}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute metadata. Value: {'': 'x'}. '' does not match any of the regexes: '^[a-zA-Z0-9-_:. /]{1,255}$'"#,
                ),
            ),
            (
                create,
                r#"{"metadata": {}, "type": "x"}"#,
                Expect::Err(
                    500,
                    r#"AttributeError: 'str' object has no attribute 'get'"#,
                ),
            ),
            (
                create,
                r#"{"metadata": {}, "x": 1}"#,
                Expect::Err(
                    400,
                    r#"Additional properties are not allowed ('x' was unexpected)"#,
                ),
            ),
            (
                create,
                r#"{"metadata": null}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute metadata. Value: None. None is not of type 'object'"#,
                ),
            ),
            (
                create,
                r#"{}"#,
                Expect::Err(400, r#"'metadata' is a required property"#),
            ),
            (update, r#"{"meta": {"a": "1"}}"#, Expect::Ok),
            (
                update,
                r#"{"meta": {}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute meta. Value: {}. {} should be non-empty"#,
                ),
            ),
            (
                update,
                r#"{"meta": {"a": "1", "b": "2"}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute meta. Value: {'a': '1', 'b': '2'}. {'a': '1', 'b': '2'} has too many properties"#,
                ),
            ),
            (
                update,
                r#"{"meta": {"a!": "1"}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute meta. Value: {'a!': '1'}. 'a!' does not match any of the regexes: '^[a-zA-Z0-9-_:. /]{1,255}$'"#,
                ),
            ),
        ]);
    }
}
