//! Volume type bodies (`cinder/api/schemas/volume_types.py`): `POST /types` and `PUT
//! /types/{id}`. Like several upstream schemas, `properties` holds a stray
//! `'type': 'object'`, kept as upstream has it.

use serde_json::{json, Value};

use super::parameter_types;

pub fn create() -> Value {
    json!({
        "type": "object",
        "properties": {
            "type": "object",
            "volume_type": {
                "type": "object",
                "properties": {
                    "name": parameter_types::name(),
                    "description": parameter_types::description(),
                    "extra_specs": parameter_types::extra_specs_with_null(),
                    "os-volume-type-access:is_public": parameter_types::boolean(),
                },
                "required": ["name"],
                "additionalProperties": false,
            },
        },
        "required": ["volume_type"],
        "additionalProperties": false,
    })
}

pub fn update() -> Value {
    json!({
        "type": "object",
        "properties": {
            "type": "object",
            "volume_type": {
                "type": "object",
                "properties": {
                    "name": parameter_types::update_name(),
                    "description": parameter_types::description(),
                    "is_public": parameter_types::boolean(),
                },
                "additionalProperties": false,
            },
        },
        "required": ["volume_type"],
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
            (create, r#"{"volume_type": {"name": "t"}}"#, Expect::Ok),
            (create, r#"{"volume_type": {"name": ""}}"#, Expect::Err(400, r#"Invalid input for field/attribute name. Value: . '' should be non-empty"#)),
            (create, r#"{"volume_type": {"name": "  "}}"#, Expect::Err(400, r#"An invalid 'name' value was provided. The 'name' can not be empty."#)),
            (create, r#"{"volume_type": {"name": null}}"#, Expect::Err(400, r#"Invalid input for field/attribute name. Value: None. None is not of type 'string'"#)),
            (create, r#"{"volume_type": {}}"#, Expect::Err(400, r#"Invalid input for field/attribute volume_type. Value: {}. 'name' is a required property"#)),
            (create, r#"{"volume_type": {"name": "t", "extra_specs": {"k": null}}}"#, Expect::Ok),
            (create, r#"{"volume_type": {"name": "t", "extra_specs": {"k": 1}}}"#, Expect::Err(400, r#"Invalid input for field/attribute k. Value: 1. 1 is not of type 'string', 'null'"#)),
            (create, r#"{"volume_type": {"name": "t", "extra_specs": null}}"#, Expect::Err(400, r#"Invalid input for field/attribute extra_specs. Value: None. None is not of type 'object'"#)),
            (create, r#"{"volume_type": {"name": "t", "os-volume-type-access:is_public": "maybe"}}"#, Expect::Err(400, r#"Invalid input for field/attribute os-volume-type-access:is_public. Value: maybe. 'maybe' is not one of [True, 'True', 'TRUE', 'true', '1', 'ON', 'On', 'on', 'YES', 'Yes', 'yes', 'y', 't', False, 'False', 'FALSE', 'false', '0', 'OFF', 'Off', 'off', 'NO', 'No', 'no', 'n', 'f']"#)),
            (create, r#"{"volume_type": {"name": "t", "description": "a\tb"}}"#, Expect::Err(400, "Invalid input for field/attribute description. Value: a\u{9}b. 'a\\tb' does not match @DESCRIPTION_REGEX@")),
            (create, r#"{"volume_type": {"name": "t", "description": "caf\u00e9 \u00a0 \u3000 ok"}}"#, Expect::Ok),
            (create, r#"{"volume_type": {"name": "@256n@"}}"#, Expect::Err(400, r#"Invalid input for field/attribute name. Value: @256n@. '@256n@' is too long"#)),
            (create, r#"{"volume_type": {"name": "t", "x": 1}}"#, Expect::Err(400, r#"Invalid input for field/attribute volume_type. Value: {'name': 't', 'x': 1}. Additional properties are not allowed ('x' was unexpected)"#)),
            (create, r#"{"type": {}, "volume_type": {"name": "t"}}"#, Expect::Err(500, r#"AttributeError: 'str' object has no attribute 'get'"#)),
            (update, r#"{"volume_type": {"name": ""}}"#, Expect::Err(400, r#"Invalid input for field/attribute name. Value: . '' should be non-empty"#)),
            (update, r#"{"volume_type": {"is_public": "x"}}"#, Expect::Err(400, r#"Invalid input for field/attribute is_public. Value: x. 'x' is not one of [True, 'True', 'TRUE', 'true', '1', 'ON', 'On', 'on', 'YES', 'Yes', 'yes', 'y', 't', False, 'False', 'FALSE', 'false', '0', 'OFF', 'Off', 'off', 'NO', 'No', 'no', 'n', 'f']"#)),
            (update, r#"{"volume_type": {}}"#, Expect::Ok),
            (update, r#"{"volume_type": {"name": null, "description": null}}"#, Expect::Ok),
        ]);
    }
}
