//! Quota set updates (`cinder/api/schemas/quotas.py`): `PUT /os-quota-sets/{project}`.
//! The keys and values are checked by cinder's `quota_set` format.

use serde_json::{json, Value};

pub fn update() -> Value {
    json!({
        "type": "object",
        "properties": {
            "quota_set": {
                "type": "object",
                "minProperties": 1,
                "format": "quota_set",
            },
        },
        "required": ["quota_set"],
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
            (update, r#"{"quota_set": {"volumes": 10}}"#, Expect::Ok),
            (
                update,
                r#"{"quota_set": {"volumes": "abc", "foo": 1}}"#,
                Expect::Err(400, r#"volumes must be an integer"#),
            ),
            (
                update,
                r#"{"quota_set": {"foo": 1, "bar": 2, "volumes": 2}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input received: Bad key(s) in quota set: foo, bar"#,
                ),
            ),
            (
                update,
                r#"{"quota_set": {"volumes": -2}}"#,
                Expect::Err(400, r#"volumes must be >= -1"#),
            ),
            (update, r#"{"quota_set": {"volumes": -1}}"#, Expect::Ok),
            (
                update,
                r#"{"quota_set": {"volumes": 2147483648}}"#,
                Expect::Err(400, r#"volumes must be <= 2147483647"#),
            ),
            (
                update,
                r#"{"quota_set": {"volumes": true}}"#,
                Expect::Err(400, r#"volumes must be an integer"#),
            ),
            (
                update,
                r#"{"quota_set": {"volumes": 1.0}}"#,
                Expect::Err(400, r#"volumes must be an integer"#),
            ),
            (update, r#"{"quota_set": {"volumes": " 5 "}}"#, Expect::Ok),
            (
                update,
                r#"{"quota_set": {"volumes": null}}"#,
                Expect::Err(400, r#"volumes must be an integer"#),
            ),
            (
                update,
                r#"{"quota_set": {}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute quota_set. Value: {}. {} should be non-empty"#,
                ),
            ),
            (
                update,
                r#"{"quota_set": {"volumes_lvm": 5, "gigabytes_lvm": 5, "snapshots_lvm": 1}}"#,
                Expect::Ok,
            ),
            (
                update,
                r#"{"quota_set": {"volumes_ssd": 5}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input received: Bad key(s) in quota set: volumes_ssd"#,
                ),
            ),
            (
                update,
                r#"{"quota_set": {"id": "x", "tenant_id": [1]}}"#,
                Expect::Ok,
            ),
            (
                update,
                r#"{"quota_set": {"groups": -1, "per_volume_gigabytes": 10, "backups": "3", "backup_gigabytes": 0}}"#,
                Expect::Ok,
            ),
            (
                update,
                r#"{"quota_set": []}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute quota_set. Value: []. [] is not of type 'object'"#,
                ),
            ),
            (
                update,
                r#"{}"#,
                Expect::Err(400, r#"'quota_set' is a required property"#),
            ),
            (
                update,
                r#"{"quota_set": {"volumes": 1}, "x": 1}"#,
                Expect::Err(
                    400,
                    r#"Additional properties are not allowed ('x' was unexpected)"#,
                ),
            ),
        ]);
    }
}
