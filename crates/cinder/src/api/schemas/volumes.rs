//! Volume create/update/revert bodies (`cinder/api/schemas/volumes.py`). `POST
//! /volumes` uses [`create`] up to 3.12, [`create_volume_v313`] (adds `group_id`) up to
//! 3.46, [`create_volume_v347`] (adds `backup_id`) up to 3.52 and [`create_volume_v353`]
//! (unknown keys refused) from 3.53; `PUT /volumes/{id}` uses [`update`] before 3.53 and
//! [`update_v353`] (at least one field) from it.

use serde_json::{json, Value};

use super::parameter_types;

/// `POST /volumes`, 3.0–3.12.
pub fn create() -> Value {
    json!({
        "type": "object",
        "properties": {
            "volume": {
                "type": "object",
                "properties": {
                    "name": {"type": ["string", "null"],
                             "format": "name_non_mandatory_remove_white_spaces"},
                    "description": {
                        "type": ["string", "null"],
                        "format": "description_non_mandatory_remove_white_spaces"},
                    "display_name": {
                        "type": ["string", "null"],
                        "format": "name_non_mandatory_remove_white_spaces"},
                    "display_description": {
                        "type": ["string", "null"],
                        "format": "description_non_mandatory_remove_white_spaces"},
                    // volume_type is an id or a name, looked up later.
                    "volume_type": parameter_types::name_allow_zero_min_length(),
                    "metadata": parameter_types::metadata_allows_null(),
                    "snapshot_id": parameter_types::optional_uuid(),
                    "source_volid": parameter_types::optional_uuid(),
                    "consistencygroup_id": parameter_types::optional_uuid(),
                    "size": parameter_types::volume_size_allows_null(),
                    "availability_zone": parameter_types::availability_zone(),
                    // Accepted only to answer with the "use a multiattach volume type"
                    // error.
                    "multiattach": parameter_types::optional_boolean(),
                    "image_id": {"type": ["string", "null"], "minLength": 0, "maxLength": 255},
                    "imageRef": {"type": ["string", "null"], "minLength": 0, "maxLength": 255},
                },
                "additionalProperties": true,
            },
            "OS-SCH-HNT:scheduler_hints": {
                "type": ["object", "null"]
            },
        },
        "required": ["volume"],
        "additionalProperties": false,
    })
}

/// `POST /volumes`, 3.13–3.46: adds `group_id`.
pub fn create_volume_v313() -> Value {
    let mut schema = create();
    schema["properties"]["volume"]["properties"]["group_id"] =
        json!({"type": ["string", "null"], "minLength": 0, "maxLength": 255});
    schema
}

/// `POST /volumes`, 3.47–3.52: adds `backup_id`.
pub fn create_volume_v347() -> Value {
    let mut schema = create_volume_v313();
    schema["properties"]["volume"]["properties"]["backup_id"] = parameter_types::optional_uuid();
    schema
}

/// `POST /volumes`, 3.53 and later: unknown keys in `volume` are refused.
pub fn create_volume_v353() -> Value {
    let mut schema = create_volume_v347();
    schema["properties"]["volume"]["additionalProperties"] = json!(false);
    schema
}

/// `PUT /volumes/{id}`, 3.0–3.52.
pub fn update() -> Value {
    json!({
        "type": "object",
        "properties": {
            "volume": {
                "type": "object",
                "properties": {
                    "name": {
                        "type": ["string", "null"],
                        "format": "name_non_mandatory_remove_white_spaces"},
                    "description": {
                        "type": ["string", "null"],
                        "format": "description_non_mandatory_remove_white_spaces"},
                    "display_name": {
                        "type": ["string", "null"],
                        "format": "name_non_mandatory_remove_white_spaces"},
                    "display_description": {
                        "type": ["string", "null"],
                        "format": "description_non_mandatory_remove_white_spaces"},
                    "metadata": parameter_types::extra_specs(),
                },
                "additionalProperties": false,
            },
        },
        "required": ["volume"],
        "additionalProperties": false,
    })
}

/// `PUT /volumes/{id}`, 3.53 and later: at least one field.
pub fn update_v353() -> Value {
    let mut schema = update();
    schema["properties"]["volume"]["anyOf"] = json!([
        {"required": ["name"]},
        {"required": ["description"]},
        {"required": ["display_name"]},
        {"required": ["display_description"]},
        {"required": ["metadata"]}]);
    schema
}

/// `POST /volumes/{id}/action` `revert` (3.40).
pub fn revert() -> Value {
    json!({
        "type": "object",
        "properties": {
            "revert": {
                "type": "object",
                "properties": {
                    "snapshot_id": {
                        "type": ["string", "null"]
                    },
                },
                "additionalProperties": true,
            },
        },
        "required": ["revert"],
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
            (create, r#"{"volume": {"size": 1}}"#, Expect::Ok),
            (create, r#"{"volume": {}}"#, Expect::Ok),
            (
                create,
                r#"{"volume": {"size": "abc"}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute size. Value: abc. 'abc' does not match '^[0-9]+$'"#,
                ),
            ),
            (
                create,
                r#"{"volume": {"size": 0}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute size. Value: 0. 0 is less than the minimum of 1"#,
                ),
            ),
            (
                create,
                r#"{"volume": {"size": "0"}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute size. Value: 0. 0 is less than the minimum of 1"#,
                ),
            ),
            (
                create,
                r#"{"volume": {"size": -1}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute size. Value: -1. -1 is less than the minimum of 1"#,
                ),
            ),
            (
                create,
                r#"{"volume": {"size": 2147483648}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute size. Value: 2147483648. 2147483648 is greater than the maximum of 2147483647"#,
                ),
            ),
            (
                create,
                r#"{"volume": {"size": "2147483648"}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute size. Value: 2147483648. 2147483648 is greater than the maximum of 2147483647"#,
                ),
            ),
            (
                create,
                r#"{"volume": {"size": 1.5}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute size. Value: 1.5. 1.5 is not of type 'integer', 'string', 'null'"#,
                ),
            ),
            (
                create,
                r#"{"volume": {"size": true}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute size. Value: True. True is not of type 'integer', 'string', 'null'"#,
                ),
            ),
            (create, r#"{"volume": {"size": "1\n"}}"#, Expect::Ok),
            (
                create,
                r#"{"volume": {"size": " 1"}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute size. Value:  1. ' 1' does not match '^[0-9]+$'"#,
                ),
            ),
            (
                create,
                r#"{"volume": {"size": 1}, "x": 1}"#,
                Expect::Err(
                    400,
                    r#"Additional properties are not allowed ('x' was unexpected)"#,
                ),
            ),
            (
                create,
                r#"{"volume": {"size": 1, "name": "a", "description": "b"}, "y": 1, "x": 2}"#,
                Expect::Err(
                    400,
                    r#"Additional properties are not allowed ('x', 'y' were unexpected)"#,
                ),
            ),
            (
                create,
                r#"{"volume": {"size": 1, "name": "@256a@"}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input received: name has 256 characters, more than 255."#,
                ),
            ),
            (
                create,
                r#"{"volume": {"size": 1, "name": "@256é@"}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input received: name has 256 characters, more than 255."#,
                ),
            ),
            (
                create,
                r#"{"volume": {"size": 1, "name": "@255é@"}}"#,
                Expect::Ok,
            ),
            (
                create,
                r#"{"volume": {"size": 1, "name": "   "}}"#,
                Expect::Ok,
            ),
            (
                create,
                r#"{"volume": {"size": 1, "name": 5}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute name. Value: 5. 5 is not of type 'string', 'null'"#,
                ),
            ),
            (
                create,
                r#"{"volume": {"size": 1, "display_name": "@300x@"}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input received: name has 300 characters, more than 255."#,
                ),
            ),
            (
                create,
                r#"{"volume": {"size": 1, "description": "@256d@"}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input received: description has 256 characters, more than 255."#,
                ),
            ),
            (
                create,
                r#"{"volume": {"size": 1, "snapshot_id": "abc"}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute snapshot_id. Value: abc. 'abc' is not valid under any of the given schemas"#,
                ),
            ),
            (
                create,
                r#"{"volume": {"size": 1, "snapshot_id": null}}"#,
                Expect::Ok,
            ),
            (
                create,
                r#"{"volume": {"size": 1, "source_volid": "0a1b2c3d-4e5f-6789-abcd-ef0123456789"}}"#,
                Expect::Ok,
            ),
            (
                create,
                r#"{"volume": {"size": 1, "consistencygroup_id": 7}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute consistencygroup_id. Value: 7. 7 is not valid under any of the given schemas"#,
                ),
            ),
            (
                create,
                r#"{"volume": {"size": 1, "metadata": {"a": 1}}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute a. Value: 1. 1 is not of type 'string'"#,
                ),
            ),
            (
                create,
                r#"{"volume": {"size": 1, "metadata": {"a b!": "x"}}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute metadata. Value: {'a b!': 'x'}. 'a b!' does not match any of the regexes: '^[a-zA-Z0-9-_:. /]{1,255}$'"#,
                ),
            ),
            (
                create,
                r#"{"volume": {"size": 1, "metadata": {"k": "@256v@"}}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute k. Value: @256v@. '@256v@' is too long"#,
                ),
            ),
            (
                create,
                r#"{"volume": {"size": 1, "metadata": null}}"#,
                Expect::Ok,
            ),
            (
                create,
                r#"{"volume": {"size": 1, "metadata": "k=v"}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute metadata. Value: k=v. 'k=v' is not of type 'object', 'null'"#,
                ),
            ),
            (
                create,
                r#"{"volume": {"size": 1, "availability_zone": ""}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute availability_zone. Value: . '' should be non-empty"#,
                ),
            ),
            (
                create,
                r#"{"volume": {"size": 1, "availability_zone": null}}"#,
                Expect::Ok,
            ),
            (
                create,
                r#"{"volume": {"size": 1, "multiattach": "maybe"}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute multiattach. Value: maybe. 'maybe' is not valid under any of the given schemas"#,
                ),
            ),
            (
                create,
                r#"{"volume": {"size": 1, "multiattach": true}}"#,
                Expect::Ok,
            ),
            (
                create,
                r#"{"volume": {"size": 1, "volume_type": "@256t@"}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute volume_type. Value: @256t@. '@256t@' is too long"#,
                ),
            ),
            (
                create,
                r#"{"volume": {"size": 1, "unknown": 1}}"#,
                Expect::Ok,
            ),
            (
                create,
                r#"{"volume": {"size": 1, "backup_id": "abc"}}"#,
                Expect::Ok,
            ),
            (
                create,
                r#"{"volume": {"size": 1, "imageRef": 5}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute imageRef. Value: 5. 5 is not of type 'string', 'null'"#,
                ),
            ),
            (
                create,
                r#"{"volume": {"size": 1}, "OS-SCH-HNT:scheduler_hints": []}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute OS-SCH-HNT:scheduler_hints. Value: []. [] is not of type 'object', 'null'"#,
                ),
            ),
            (
                create,
                r#"{"volume": {"size": 1}, "OS-SCH-HNT:scheduler_hints": {"same_host": "x"}}"#,
                Expect::Ok,
            ),
            (
                create,
                r#"{}"#,
                Expect::Err(400, r#"'volume' is a required property"#),
            ),
            (
                create,
                r#"[]"#,
                Expect::Err(400, r#"[] is not of type 'object'"#),
            ),
            (
                create,
                r#"{"volume": []}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute volume. Value: []. [] is not of type 'object'"#,
                ),
            ),
            (
                create,
                r#"{"volume": null}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute volume. Value: None. None is not of type 'object'"#,
                ),
            ),
            (
                create_volume_v313,
                r#"{"volume": {"size": 1, "group_id": 5}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute group_id. Value: 5. 5 is not of type 'string', 'null'"#,
                ),
            ),
            (
                create_volume_v313,
                r#"{"volume": {"size": 1, "group_id": "g"}}"#,
                Expect::Ok,
            ),
            (
                create_volume_v347,
                r#"{"volume": {"size": 1, "backup_id": "abc"}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute backup_id. Value: abc. 'abc' is not valid under any of the given schemas"#,
                ),
            ),
            (
                create_volume_v347,
                r#"{"volume": {"size": 1, "backup_id": "0a1b2c3d-4e5f-6789-abcd-ef0123456789"}}"#,
                Expect::Ok,
            ),
            (
                create_volume_v353,
                r#"{"volume": {"size": 1, "unknown": 1}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute volume. Value: {'size': 1, 'unknown': 1}. Additional properties are not allowed ('unknown' was unexpected)"#,
                ),
            ),
            (
                create_volume_v353,
                r#"{"volume": {"size": 1, "b": 1, "a": 2}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute volume. Value: {'size': 1, 'b': 1, 'a': 2}. Additional properties are not allowed ('a', 'b' were unexpected)"#,
                ),
            ),
            (
                create_volume_v353,
                r#"{"volume": {"size": "abc", "a": 2}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute size. Value: abc. 'abc' does not match '^[0-9]+$'"#,
                ),
            ),
            (
                create_volume_v353,
                r#"{"volume": {"size": 1, "group_id": "g", "backup_id": "0a1b2c3d-4e5f-6789-abcd-ef0123456789", "name": "n"}}"#,
                Expect::Ok,
            ),
            (update, r#"{"volume": {}}"#, Expect::Ok),
            (
                update,
                r#"{"volume": {"name": "x", "size": 2}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute volume. Value: {'name': 'x', 'size': 2}. Additional properties are not allowed ('size' was unexpected)"#,
                ),
            ),
            (
                update,
                r#"{"volume": {"metadata": {"a": 1}}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute a. Value: 1. 1 is not of type 'string'"#,
                ),
            ),
            (
                update,
                r#"{"volume": {"metadata": null}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute metadata. Value: None. None is not of type 'object'"#,
                ),
            ),
            (
                update,
                r#"{"volume": null}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute volume. Value: None. None is not of type 'object'"#,
                ),
            ),
            (
                update,
                r#"{"volume": {"description": "@256d@"}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input received: description has 256 characters, more than 255."#,
                ),
            ),
            (
                update_v353,
                r#"{"volume": {}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute volume. Value: {}. {} is not valid under any of the given schemas"#,
                ),
            ),
            (update_v353, r#"{"volume": {"metadata": {}}}"#, Expect::Ok),
            (
                update_v353,
                r#"{"volume": {"display_description": null}}"#,
                Expect::Ok,
            ),
            (
                revert,
                r#"{"revert": {"snapshot_id": 1}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute snapshot_id. Value: 1. 1 is not of type 'string', 'null'"#,
                ),
            ),
            (revert, r#"{"revert": {}}"#, Expect::Ok),
            (revert, r#"{"revert": {"x": 1}}"#, Expect::Ok),
            (
                revert,
                r#"{}"#,
                Expect::Err(400, r#"'revert' is a required property"#),
            ),
        ]);
    }
}
