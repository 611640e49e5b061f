//! Admin action bodies (`cinder/api/schemas/admin_actions.py`): `os-force_delete` and
//! `os-reset_status` for volumes, snapshots and backups, `os-force_detach`,
//! `os-migrate_volume` (before and from 3.16), `os-migrate_volume_completion` and
//! `os-extend_volume_completion`.

use serde_json::{json, Value};

use super::parameter_types;

fn force_delete() -> Value {
    json!({
        "type": "object",
        "properties": {
            "os-force_delete": {},
        },
        "required": ["os-force_delete"],
        "additionalProperties": false,
    })
}

pub fn force_delete_volume() -> Value {
    force_delete()
}

pub fn force_delete_snapshot() -> Value {
    force_delete()
}

pub fn force_delete_backup() -> Value {
    force_delete()
}

pub fn reset_status_volume() -> Value {
    json!({
        "type": "object",
        "properties": {
            "os-reset_status": {
                "type": "object",
                "format": "validate_volume_reset_body",
                "properties": {
                    "status": {"type": ["string", "null"],
                               "format": "volume_status"},
                    "attach_status": {"type": ["string", "null"],
                                      "format": "volume_attach_status"},
                    "migration_status": {"type": ["string", "null"],
                                         "format": "volume_migration_status"},
                },
                "additionalProperties": false,
            },
        },
        "required": ["os-reset_status"],
        "additionalProperties": false,
    })
}

pub fn force_detach() -> Value {
    json!({
        "type": "object",
        "properties": {
            "os-force_detach": {
                "type": "object",
                "properties": {
                    "connector": {"type": ["string", "object", "null"]},
                    "attachment_id": {"type": ["string", "null"]}
                },
                "additionalProperties": false,
            },
        },
        "required": ["os-force_detach"],
        "additionalProperties": false,
    })
}

/// `os-migrate_volume` before 3.16.
pub fn migrate_volume() -> Value {
    json!({
        "type": "object",
        "properties": {
            "os-migrate_volume": {
                "type": "object",
                "properties": {
                    "host": {"type": "string", "maxLength": 255},
                    "force_host_copy": parameter_types::boolean(),
                    "lock_volume": parameter_types::boolean(),
                },
                "required": ["host"],
                "additionalProperties": false,
            },
        },
        "required": ["os-migrate_volume"],
        "additionalProperties": false,
    })
}

/// `os-migrate_volume` from 3.16: `host` or `cluster`.
pub fn migrate_volume_v316() -> Value {
    json!({
        "type": "object",
        "properties": {
            "os-migrate_volume": {
                "type": "object",
                "properties": {
                    "host": {"type": ["string", "null"],
                             "maxLength": 255},
                    "force_host_copy": parameter_types::boolean(),
                    "lock_volume": parameter_types::boolean(),
                    "cluster": parameter_types::name_allow_zero_min_length(),
                },
                "additionalProperties": false,
            },
        },
        "required": ["os-migrate_volume"],
        "additionalProperties": false,
    })
}

pub fn migrate_volume_completion() -> Value {
    json!({
        "type": "object",
        "properties": {
            "os-migrate_volume_completion": {
                "type": "object",
                "properties": {
                    "new_volume": parameter_types::uuid(),
                    "error": {"type": ["string", "null", "boolean"]},
                },
                "required": ["new_volume"],
                "additionalProperties": false,
            },
        },
        "required": ["os-migrate_volume_completion"],
        "additionalProperties": false,
    })
}

pub fn extend_volume_completion() -> Value {
    json!({
        "type": "object",
        "properties": {
            "os-extend_volume_completion": {
                "type": "object",
                "properties": {
                    "error": {"type": ["string", "null", "boolean"]},
                },
                "additionalProperties": false,
            },
        },
        "required": ["os-extend_volume_completion"],
        "additionalProperties": false,
    })
}

pub fn reset_status_backup() -> Value {
    json!({
        "type": "object",
        "properties": {
            "os-reset_status": {
                "type": "object",
                "properties": {
                    "status": {"type": "string",
                               "format": "backup_status"},
                },
                "required": ["status"],
                "additionalProperties": false,
            },
        },
        "required": ["os-reset_status"],
        "additionalProperties": false,
    })
}

pub fn reset_status_snapshot() -> Value {
    let mut schema = reset_status_backup();
    schema["properties"]["os-reset_status"]["properties"]["status"]["format"] =
        json!("snapshot_status");
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
                reset_status_volume,
                r#"{"os-reset_status": {}}"#,
                Expect::Err(
                    400,
                    r#"Must specify 'status', 'attach_status' or 'migration_status' for update."#,
                ),
            ),
            (
                reset_status_volume,
                r#"{"os-reset_status": {"status": "bogus"}}"#,
                Expect::Err(
                    400,
                    r#"Volume status: bogus is invalid, valid statuses are: ('creating', 'available', 'deleting', 'error', 'error_deleting', 'error_managing', 'managing', 'attaching', 'in-use', 'detaching', 'maintenance', 'restoring-backup', 'error_restoring', 'reserved', 'awaiting-transfer', 'backing-up', 'error_backing-up', 'error_extending', 'downloading', 'uploading', 'retyping', 'extending')."#,
                ),
            ),
            (
                reset_status_volume,
                r#"{"os-reset_status": {"status": "AVAILABLE"}}"#,
                Expect::Ok,
            ),
            (
                reset_status_volume,
                r#"{"os-reset_status": {"attach_status": "attaching"}}"#,
                Expect::Err(
                    400,
                    r#"Volume attach status: attaching is invalid, valid statuses are: ['attached', 'detached']."#,
                ),
            ),
            (
                reset_status_volume,
                r#"{"os-reset_status": {"attach_status": "detached"}}"#,
                Expect::Ok,
            ),
            (
                reset_status_volume,
                r#"{"os-reset_status": {"migration_status": "x"}}"#,
                Expect::Err(
                    400,
                    r#"Volume migration status: x is invalid, valid statuses are: ('migrating', 'error', 'success', 'completing', 'none', 'starting')."#,
                ),
            ),
            (
                reset_status_volume,
                r#"{"os-reset_status": {"status": 5}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute status. Value: 5. 5 is not of type 'string', 'null'"#,
                ),
            ),
            (
                reset_status_volume,
                r#"{"os-reset_status": {"status": null, "attach_status": ""}}"#,
                Expect::Err(
                    400,
                    r#"Must specify 'status', 'attach_status' or 'migration_status' for update."#,
                ),
            ),
            (
                reset_status_volume,
                r#"{"os-reset_status": {"x": 1, "status": "error"}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute os-reset_status. Value: {'x': 1, 'status': 'error'}. Additional properties are not allowed ('x' was unexpected)"#,
                ),
            ),
            (
                reset_status_volume,
                r#"{"os-reset_status": []}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute os-reset_status. Value: []. [] is not of type 'object'"#,
                ),
            ),
            (
                reset_status_volume,
                r#"{"os-reset_status": {"status": "error"}, "x": 1}"#,
                Expect::Err(
                    400,
                    r#"Additional properties are not allowed ('x' was unexpected)"#,
                ),
            ),
            (
                force_delete_volume,
                r#"{"os-force_delete": {}}"#,
                Expect::Ok,
            ),
            (
                force_delete_volume,
                r#"{}"#,
                Expect::Err(400, r#"'os-force_delete' is a required property"#),
            ),
            (
                force_delete_snapshot,
                r#"{"os-force_delete": null}"#,
                Expect::Ok,
            ),
            (
                force_delete_backup,
                r#"{"os-force_delete": null, "y": 2}"#,
                Expect::Err(
                    400,
                    r#"Additional properties are not allowed ('y' was unexpected)"#,
                ),
            ),
            (
                reset_status_snapshot,
                r#"{"os-reset_status": {"status": "bogus"}}"#,
                Expect::Err(
                    400,
                    r#"Snapshot status: bogus is invalid, valid statuses are: ('error', 'available', 'creating', 'deleting', 'deleted', 'updating', 'error_deleting', 'unmanaging', 'backing-up', 'restoring')."#,
                ),
            ),
            (
                reset_status_snapshot,
                r#"{"os-reset_status": {"status": ""}}"#,
                Expect::Err(
                    400,
                    r#"Snapshot status:  is invalid, valid statuses are: ('error', 'available', 'creating', 'deleting', 'deleted', 'updating', 'error_deleting', 'unmanaging', 'backing-up', 'restoring')."#,
                ),
            ),
            (
                reset_status_snapshot,
                r#"{"os-reset_status": {"status": "available"}}"#,
                Expect::Ok,
            ),
            (
                reset_status_snapshot,
                r#"{"os-reset_status": {}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute os-reset_status. Value: {}. 'status' is a required property"#,
                ),
            ),
            (
                reset_status_backup,
                r#"{"os-reset_status": {"status": "creating"}}"#,
                Expect::Err(
                    400,
                    r#"Backup status: creating is invalid, valid statuses are: ['available', 'error']."#,
                ),
            ),
            (
                reset_status_backup,
                r#"{"os-reset_status": {"status": "Error"}}"#,
                Expect::Ok,
            ),
            (
                force_detach,
                r#"{"os-force_detach": {"connector": 5}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute connector. Value: 5. 5 is not of type 'string', 'object', 'null'"#,
                ),
            ),
            (force_detach, r#"{"os-force_detach": {}}"#, Expect::Ok),
            (
                migrate_volume,
                r#"{"os-migrate_volume": {}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute os-migrate_volume. Value: {}. 'host' is a required property"#,
                ),
            ),
            (
                migrate_volume,
                r#"{"os-migrate_volume": {"host": "h", "cluster": "c"}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute os-migrate_volume. Value: {'host': 'h', 'cluster': 'c'}. Additional properties are not allowed ('cluster' was unexpected)"#,
                ),
            ),
            (
                migrate_volume_v316,
                r#"{"os-migrate_volume": {}}"#,
                Expect::Ok,
            ),
            (
                migrate_volume_v316,
                r#"{"os-migrate_volume": {"cluster": 5}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute cluster. Value: 5. 5 is not of type 'string', 'null'"#,
                ),
            ),
            (
                migrate_volume_completion,
                r#"{"os-migrate_volume_completion": {"new_volume": "x"}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute new_volume. Value: x. 'x' is not a 'uuid'"#,
                ),
            ),
            (
                extend_volume_completion,
                r#"{"os-extend_volume_completion": {"error": 5}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute error. Value: 5. 5 is not of type 'string', 'null', 'boolean'"#,
                ),
            ),
        ]);
    }
}
