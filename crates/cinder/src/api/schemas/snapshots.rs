//! Snapshot bodies (`cinder/api/schemas/snapshots.py`): `POST /snapshots` and `PUT
//! /snapshots/{id}` (at least one field).

use serde_json::{json, Value};

use super::parameter_types;

pub fn create() -> Value {
    json!({
        "type": "object",
        "properties": {
            "type": "object",
            "snapshot": {
                "type": "object",
                "properties": {
                    "name": parameter_types::name_allow_zero_min_length(),
                    "display_name": parameter_types::name_allow_zero_min_length(),
                    "description": parameter_types::description(),
                    "volume_id": parameter_types::uuid_allow_null(),
                    "force": parameter_types::boolean(),
                    "metadata": parameter_types::metadata_allows_null(),
                },
                "required": ["volume_id"],
                "additionalProperties": false,
            },
        },
        "required": ["snapshot"],
        "additionalProperties": false,
    })
}

pub fn update() -> Value {
    json!({
        "type": "object",
        "properties": {
            "type": "object",
            "snapshot": {
                "type": "object",
                "properties": {
                    "name": parameter_types::name_allow_zero_min_length(),
                    "description": parameter_types::description(),
                    "display_name": parameter_types::name_allow_zero_min_length(),
                    "display_description": parameter_types::description(),
                },
                "additionalProperties": false,
                "anyOf": [
                    {"required": ["name"]},
                    {"required": ["description"]},
                    {"required": ["display_name"]},
                    {"required": ["display_description"]}
                ]
            },
        },
        "required": ["snapshot"],
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
            (
                create,
                r#"{"snapshot": {"volume_id": "0a1b2c3d-4e5f-6789-abcd-ef0123456789"}}"#,
                Expect::Ok,
            ),
            (
                create,
                r#"{"snapshot": {}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute snapshot. Value: {}. 'volume_id' is a required property"#,
                ),
            ),
            (
                create,
                r#"{"snapshot": {"volume_id": "abc"}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute volume_id. Value: abc. 'abc' is not valid under any of the given schemas"#,
                ),
            ),
            (create, r#"{"snapshot": {"volume_id": null}}"#, Expect::Ok),
            (
                create,
                r#"{"snapshot": {"volume_id": "0a1b2c3d-4e5f-6789-abcd-ef0123456789", "force": "maybe"}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute force. Value: maybe. 'maybe' is not one of [True, 'True', 'TRUE', 'true', '1', 'ON', 'On', 'on', 'YES', 'Yes', 'yes', 'y', 't', False, 'False', 'FALSE', 'false', '0', 'OFF', 'Off', 'off', 'NO', 'No', 'no', 'n', 'f']"#,
                ),
            ),
            (
                create,
                r#"{"snapshot": {"volume_id": "0a1b2c3d-4e5f-6789-abcd-ef0123456789", "name": "@256s@"}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute name. Value: @256s@. '@256s@' is too long"#,
                ),
            ),
            (
                create,
                r#"{"snapshot": {"volume_id": "0a1b2c3d-4e5f-6789-abcd-ef0123456789", "metadata": {"a": 1}}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute a. Value: 1. 1 is not of type 'string'"#,
                ),
            ),
            (
                create,
                r#"{"snapshot": {"volume_id": "0a1b2c3d-4e5f-6789-abcd-ef0123456789", "description": null, "display_name": null}}"#,
                Expect::Ok,
            ),
            (
                create,
                r#"{"snapshot": {"volume_id": "0a1b2c3d-4e5f-6789-abcd-ef0123456789", "size": 1}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute snapshot. Value: {'volume_id': '0a1b2c3d-4e5f-6789-abcd-ef0123456789', 'size': 1}. Additional properties are not allowed ('size' was unexpected)"#,
                ),
            ),
            (
                update,
                r#"{"snapshot": {}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute snapshot. Value: {}. {} is not valid under any of the given schemas"#,
                ),
            ),
            (update, r#"{"snapshot": {"name": "x"}}"#, Expect::Ok),
            (
                update,
                r#"{"snapshot": {"display_description": 1}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute display_description. Value: 1. 1 is not of type 'string', 'null'"#,
                ),
            ),
        ]);
    }
}
