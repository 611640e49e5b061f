//! Scheduler hints of a volume create (`cinder/api/schemas/scheduler_hints.py`). Upstream
//! validates them separately, on `{"OS-SCH-HNT:scheduler_hints": <hints>}`, and only when
//! the hints are present and not null.

use serde_json::{json, Value};

use super::parameter_types;

/// A volume id, or a list of distinct ones.
fn volume_ids() -> Value {
    json!({
        "oneOf": [
            {
                "type": "string",
                "format": "uuid"
            },
            {
                "type": "array",
                "items": parameter_types::uuid(),
                "uniqueItems": true,
            }
        ]
    })
}

pub fn create() -> Value {
    json!({
        "type": "object",
        "properties": {
            "OS-SCH-HNT:scheduler_hints": {
                "type": ["object", "null"],
                "properties": {
                    "local_to_instance": parameter_types::optional_uuid(),
                    "different_host": volume_ids(),
                    "same_host": volume_ids(),
                    // A JSON text or an object, used to filter hosts.
                    "query": {
                        "type": ["string", "object"],
                    },
                },
                // Unknown hints are let through on purpose.
                "additionalProperties": true
            },
        },
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
                r#"{"OS-SCH-HNT:scheduler_hints": {"same_host": "abc"}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute same_host. Value: abc. 'abc' is not valid under any of the given schemas"#,
                ),
            ),
            (
                create,
                r#"{"OS-SCH-HNT:scheduler_hints": {"different_host": ["0a1b2c3d-4e5f-6789-abcd-ef0123456789", "0a1b2c3d-4e5f-6789-abcd-ef0123456789"]}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute different_host. Value: ['0a1b2c3d-4e5f-6789-abcd-ef0123456789', '0a1b2c3d-4e5f-6789-abcd-ef0123456789']. ['0a1b2c3d-4e5f-6789-abcd-ef0123456789', '0a1b2c3d-4e5f-6789-abcd-ef0123456789'] is not valid under any of the given schemas"#,
                ),
            ),
            (
                create,
                r#"{"OS-SCH-HNT:scheduler_hints": {"same_host": ["0a1b2c3d-4e5f-6789-abcd-ef0123456789", "1a1b2c3d-4e5f-6789-abcd-ef0123456789"]}}"#,
                Expect::Ok,
            ),
            (
                create,
                r#"{"OS-SCH-HNT:scheduler_hints": {"local_to_instance": "x"}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute local_to_instance. Value: x. 'x' is not valid under any of the given schemas"#,
                ),
            ),
            (
                create,
                r#"{"OS-SCH-HNT:scheduler_hints": {"query": 5}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute query. Value: 5. 5 is not of type 'string', 'object'"#,
                ),
            ),
            (
                create,
                r#"{"OS-SCH-HNT:scheduler_hints": {"foo": 1}}"#,
                Expect::Ok,
            ),
            (
                create,
                r#"{"OS-SCH-HNT:scheduler_hints": null}"#,
                Expect::Ok,
            ),
        ]);
    }
}
