//! Default volume types (`cinder/api/schemas/default_types.py`): `PUT
//! /default-types/{project}` (3.62).

use serde_json::{json, Value};

use super::parameter_types;

pub fn create_or_update() -> Value {
    json!({
        "type": "object",
        "properties": {
            "default_type": {
                "type": "object",
                "properties": {
                    "volume_type": parameter_types::name(),
                },
                "required": ["volume_type"],
                "additionalProperties": false,
            },
        }
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
            (
                create_or_update,
                r#"{"default_type": {"volume_type": "t"}}"#,
                Expect::Ok,
            ),
            (
                create_or_update,
                r#"{"default_type": {}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute default_type. Value: {}. 'volume_type' is a required property"#,
                ),
            ),
            (
                create_or_update,
                r#"{"default_type": {"volume_type": " "}}"#,
                Expect::Err(
                    400,
                    r#"An invalid 'name' value was provided. The 'name' can not be empty."#,
                ),
            ),
            (
                create_or_update,
                r#"{"default_type": {"volume_type": ""}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute volume_type. Value: . '' should be non-empty"#,
                ),
            ),
            (
                create_or_update,
                r#"{"default_type": {"volume_type": "t", "x": 1}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute default_type. Value: {'volume_type': 't', 'x': 1}. Additional properties are not allowed ('x' was unexpected)"#,
                ),
            ),
            (create_or_update, r#"{}"#, Expect::Ok),
            (create_or_update, r#"{"x": 1}"#, Expect::Ok),
        ]);
    }
}
