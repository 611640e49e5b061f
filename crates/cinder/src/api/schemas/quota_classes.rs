//! Quota class updates (`cinder/api/schemas/quota_classes.py`): `PUT
//! /os-quota-class-sets/{class}`.

use serde_json::{json, Value};

use super::parameter_types;

pub fn update_quota_class() -> Value {
    json!({
        "type": "object",
        "properties": {
            "type": "object",
            "quota_class_set": parameter_types::quota_class_set()
        },
        "required": ["quota_class_set"],
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
                update_quota_class,
                r#"{"quota_class_set": {"volumes": 10}}"#,
                Expect::Ok,
            ),
            (
                update_quota_class,
                r#"{"quota_class_set": {"volumes": -2}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute volumes. Value: -2. -2 is less than the minimum of -1"#,
                ),
            ),
            (
                update_quota_class,
                r#"{"quota_class_set": {"volumes": "-2"}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute volumes. Value: -2. '-2' does not match '^[0-9]*$'"#,
                ),
            ),
            (
                update_quota_class,
                r#"{"quota_class_set": {"volumes": ""}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute volumes. Value: . '' should be non-empty"#,
                ),
            ),
            (
                update_quota_class,
                r#"{"quota_class_set": {"foo": 1}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input received: Bad key(s) in quota class set: foo"#,
                ),
            ),
            (
                update_quota_class,
                r#"{"quota_class_set": {"volumes": 2147483648}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute volumes. Value: 2147483648. 2147483648 is greater than the maximum of 2147483647"#,
                ),
            ),
            (
                update_quota_class,
                r#"{"quota_class_set": {"volumes": 1.5}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute volumes. Value: 1.5. 1.5 is not of type 'integer', 'string'"#,
                ),
            ),
            (
                update_quota_class,
                r#"{"quota_class_set": {"a!": 1}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input received: Bad key(s) in quota class set: a!"#,
                ),
            ),
            (
                update_quota_class,
                r#"{"quota_class_set": {"volumes": -1}}"#,
                Expect::Ok,
            ),
            (
                update_quota_class,
                r#"{"quota_class_set": {"volumes_lvm": "12", "groups": 2}}"#,
                Expect::Ok,
            ),
            (update_quota_class, r#"{"quota_class_set": {}}"#, Expect::Ok),
            (
                update_quota_class,
                r#"{}"#,
                Expect::Err(400, r#"'quota_class_set' is a required property"#),
            ),
        ]);
    }
}
