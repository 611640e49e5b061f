//! Snapshot metadata bodies (`cinder/api/schemas/snapshot_metadata.py`). Unlike volume
//! metadata, keys may not hold `/`, and other top-level keys are allowed.

use serde_json::{json, Value};

fn metadata_properties() -> Value {
    json!({
        "type": "object",
        "patternProperties": {
            "^[a-zA-Z0-9-_:. ]{1,255}$": {
                "type": "string",
                "maxLength": 255,
                "description": "The snapshot metadata value.",
            },
        },
        "additionalProperties": false,
    })
}

fn metadata_property() -> Value {
    let mut schema = metadata_properties();
    schema["minProperties"] = json!(1);
    schema["maxProperties"] = json!(1);
    schema
}

/// `POST /snapshots/{id}/metadata`.
pub fn create() -> Value {
    json!({
        "type": "object",
        "properties": {
            "type": "object",
            "metadata": metadata_properties(),
        },
        "required": ["metadata"],
        "additionalProperties": true,
    })
}

/// `PUT /snapshots/{id}/metadata/{key}`.
pub fn update() -> Value {
    json!({
        "type": "object",
        "properties": {
            "meta": metadata_property(),
        },
        "required": ["meta"],
        "additionalProperties": true,
    })
}

/// `PUT /snapshots/{id}/metadata`.
pub fn update_all() -> Value {
    create()
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
                r#"{"metadata": {"a/b": "x"}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute metadata. Value: {'a/b': 'x'}. 'a/b' does not match any of the regexes: '^[a-zA-Z0-9-_:. ]{1,255}$'"#,
                ),
            ),
            (create, r#"{"metadata": {}, "other": 1}"#, Expect::Ok),
            (
                create,
                r#"{"metadata": {"k": 1}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute k. Value: 1. 1 is not of type 'string'"#,
                ),
            ),
            (
                update,
                r#"{"meta": {}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute meta. Value: {}. {} should be non-empty"#,
                ),
            ),
            (update, r#"{"meta": {"k": "v"}, "x": 1}"#, Expect::Ok),
            (
                update_all,
                r#"{"metadata": {"k": "@256m@"}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute k. Value: @256m@. '@256m@' is too long"#,
                ),
            ),
        ]);
    }
}
