//! Snapshot actions (`cinder/api/schemas/snapshot_actions.py`):
//! `os-update_snapshot_status`. `progress` has no type, only cinder's `progress` format.

use serde_json::{json, Value};

pub fn update_snapshot_status() -> Value {
    json!({
        "type": "object",
        "properties": {
            "os-update_snapshot_status": {
                "type": "object",
                "properties": {
                    "status": {"type": "string"},
                    "progress": {"format": "progress"},
                },
                "required": ["status"],
                "additionalProperties": false,
            },
        },
        "required": ["os-update_snapshot_status"],
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
                update_snapshot_status,
                r#"{"os-update_snapshot_status": {"status": "available", "progress": "50%"}}"#,
                Expect::Ok,
            ),
            (
                update_snapshot_status,
                r#"{"os-update_snapshot_status": {"status": "x", "progress": 5}}"#,
                Expect::Err(400, r#"'int' object is not subscriptable"#),
            ),
            (
                update_snapshot_status,
                r#"{"os-update_snapshot_status": {"status": "x", "progress": 5.5}}"#,
                Expect::Err(400, r#"'float' object is not subscriptable"#),
            ),
            (
                update_snapshot_status,
                r#"{"os-update_snapshot_status": {"status": "x", "progress": true}}"#,
                Expect::Err(400, r#"'bool' object is not subscriptable"#),
            ),
            (
                update_snapshot_status,
                r#"{"os-update_snapshot_status": {"status": "x", "progress": {"a": 1}}}"#,
                Expect::Err(400, r#"unhashable type: 'slice'"#),
            ),
            (
                update_snapshot_status,
                r#"{"os-update_snapshot_status": {"status": "x", "progress": [1, 2]}}"#,
                Expect::Err(
                    400,
                    r#"int() argument must be a string, a bytes-like object or a real number, not 'list'"#,
                ),
            ),
            (
                update_snapshot_status,
                r#"{"os-update_snapshot_status": {"status": "x", "progress": "ab%"}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input received: progress must be an integer percentage"#,
                ),
            ),
            (
                update_snapshot_status,
                r#"{"os-update_snapshot_status": {"status": "x", "progress": "101%"}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input received: progress must be an integer percentage between 0 and 100"#,
                ),
            ),
            (
                update_snapshot_status,
                r#"{"os-update_snapshot_status": {"status": "x", "progress": "50"}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input received: progress must be an integer percentage between 0 and 100"#,
                ),
            ),
            (
                update_snapshot_status,
                r#"{"os-update_snapshot_status": {"status": "x", "progress": "5"}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input received: progress must be an integer percentage"#,
                ),
            ),
            (
                update_snapshot_status,
                r#"{"os-update_snapshot_status": {"status": "x", "progress": ""}}"#,
                Expect::Ok,
            ),
            (
                update_snapshot_status,
                r#"{"os-update_snapshot_status": {"status": "x", "progress": null}}"#,
                Expect::Ok,
            ),
            (
                update_snapshot_status,
                r#"{"os-update_snapshot_status": {"status": "x", "progress": 0}}"#,
                Expect::Ok,
            ),
            (
                update_snapshot_status,
                r#"{"os-update_snapshot_status": {"status": "x", "progress": " 7 %"}}"#,
                Expect::Ok,
            ),
            (
                update_snapshot_status,
                r#"{"os-update_snapshot_status": {}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute os-update_snapshot_status. Value: {}. 'status' is a required property"#,
                ),
            ),
            (
                update_snapshot_status,
                r#"{"os-update_snapshot_status": {"status": 1, "progress": 5}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute status. Value: 1. 1 is not of type 'string'"#,
                ),
            ),
        ]);
    }
}
