//! Volume type extra specs (`cinder/api/schemas/types_extra_specs.py`): `POST
//! /types/{id}/extra_specs` takes [`create`]; `PUT /types/{id}/extra_specs/{key}` takes
//! [`update`], a bare `{key: value}` with exactly one item.

use serde_json::{json, Value};

use super::parameter_types;

pub fn create() -> Value {
    json!({
        "type": "object",
        "properties": {
            "extra_specs": parameter_types::extra_specs_with_no_spaces_key()
        },
        "required": ["extra_specs"],
        "additionalProperties": false,
    })
}

pub fn update() -> Value {
    let mut schema = parameter_types::extra_specs_with_no_spaces_key();
    schema["minProperties"] = json!(1);
    schema["maxProperties"] = json!(1);
    schema
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::schemas::test_support::{check, Expect};

    /// Bodies and what upstream answers to them.
    #[test]
    fn answers_like_upstream() {
        check(&[
            (
                create,
                r#"{"extra_specs": {"a b": "x"}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute extra_specs. Value: {'a b': 'x'}. 'a b' does not match any of the regexes: '^[a-zA-Z0-9-_:.]{1,255}$'"#,
                ),
            ),
            (create, r#"{"extra_specs": {"k": null}}"#, Expect::Ok),
            (
                create,
                r#"{"extra_specs": {"k": 1}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute k. Value: 1. 1 is not of type 'string', 'null'"#,
                ),
            ),
            (
                create,
                r#"{"extra_specs": {"capabilities:volume_backend_name": "lvm"}}"#,
                Expect::Ok,
            ),
            (
                create,
                r#"{}"#,
                Expect::Err(400, r#"'extra_specs' is a required property"#),
            ),
            (update, r#"{"k": "v"}"#, Expect::Ok),
            (
                update,
                r#"{}"#,
                Expect::Err(400, r#"{} should be non-empty"#),
            ),
            (
                update,
                r#"{"a": "1", "b": "2"}"#,
                Expect::Err(400, r#"{'a': '1', 'b': '2'} has too many properties"#),
            ),
            (
                update,
                r#"{"k": "@256w@"}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute k. Value: @256w@. '@256w@' is too long"#,
                ),
            ),
        ]);
    }
}
