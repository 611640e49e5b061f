//! Volume action bodies (`cinder/api/schemas/volume_actions.py`): `os-attach`,
//! `os-detach`, `os-reserve`, `os-unreserve`, `os-begin_detaching`, `os-roll_detaching`,
//! `os-extend`, `os-retype`, `os-set_bootable`, `os-volume_upload_image` (before and from
//! 3.1), `os-initialize_connection`, `os-terminate_connection`,
//! `os-update_readonly_flag` and `os-reimage` (3.68).

use serde_json::{json, Value};

use super::parameter_types;

/// An action whose value upstream does not look at: `{"<action>": <anything>}`.
fn bare_action(action: &str) -> Value {
    json!({
        "type": "object",
        "properties": {
            action: {},
        },
        "required": [action],
        "additionalProperties": false,
    })
}

/// `{"<action>": {<properties>}}` with these required keys and no others.
fn action(action: &str, properties: Value, required: &[&str]) -> Value {
    json!({
        "type": "object",
        "properties": {
            action: {
                "type": "object",
                "properties": properties,
                "required": required,
                "additionalProperties": false,
            },
        },
        "required": [action],
        "additionalProperties": false,
    })
}

pub fn container_format() -> Value {
    parameter_types::description()
}

pub fn attach() -> Value {
    json!({
        "type": "object",
        "properties": {
            "os-attach": {
                "type": "object",
                "properties": {
                    "instance_uuid": parameter_types::uuid(),
                    "mountpoint": {
                        "type": "string", "minLength": 1,
                        "maxLength": 255
                    },
                    "host_name": {"type": "string", "maxLength": 255},
                    "mode": {"type": "string", "enum": ["rw", "ro"]}
                },
                "required": ["mountpoint"],
                "anyOf": [{"required": ["instance_uuid"]},
                          {"required": ["host_name"]}],
                "additionalProperties": false,
            },
        },
        "required": ["os-attach"],
        "additionalProperties": false,
    })
}

pub fn detach() -> Value {
    json!({
        "type": "object",
        "properties": {
            "os-detach": {
                "type": ["object", "null"],
                "properties": {
                    // null is allowed for backward compatibility.
                    "attachment_id": parameter_types::uuid_allow_null(),
                },
                "additionalProperties": false,
            },
        },
        "required": ["os-detach"],
        "additionalProperties": false,
    })
}

pub fn reserve() -> Value {
    bare_action("os-reserve")
}

pub fn unreserve() -> Value {
    bare_action("os-unreserve")
}

pub fn begin_detaching() -> Value {
    bare_action("os-begin_detaching")
}

pub fn roll_detaching() -> Value {
    bare_action("os-roll_detaching")
}

pub fn extend() -> Value {
    action(
        "os-extend",
        json!({"new_size": parameter_types::volume_size()}),
        &["new_size"],
    )
}

pub fn retype() -> Value {
    action(
        "os-retype",
        json!({
            "new_type": {"type": "string"},
            "migration_policy": {
                "type": ["string", "null"],
                "enum": ["on-demand", "never"]},
        }),
        &["new_type"],
    )
}

pub fn set_bootable() -> Value {
    action(
        "os-set_bootable",
        json!({"bootable": parameter_types::boolean()}),
        &["bootable"],
    )
}

pub fn volume_upload_image() -> Value {
    action(
        "os-volume_upload_image",
        json!({
            "image_name": {
                "type": "string", "minLength": 1, "maxLength": 255
            },
            "force": parameter_types::boolean(),
            "disk_format": {
                "type": "string",
                "enum": ["raw", "vmdk", "vdi", "qcow2",
                         "vhd", "vhdx", "ploop"]
            },
            "container_format": container_format()
        }),
        &["image_name"],
    )
}

/// `os-volume_upload_image` from 3.1: adds `visibility` and `protected`.
pub fn volume_upload_image_v31() -> Value {
    let mut schema = volume_upload_image();
    let properties = &mut schema["properties"]["os-volume_upload_image"]["properties"];
    properties["visibility"] = json!({"type": "string",
                                      "enum": ["community", "public", "private", "shared"]});
    properties["protected"] = parameter_types::boolean();
    schema
}

pub fn initialize_connection() -> Value {
    action(
        "os-initialize_connection",
        json!({"connector": {"type": ["object", "string"]}}),
        &["connector"],
    )
}

pub fn terminate_connection() -> Value {
    action(
        "os-terminate_connection",
        json!({"connector": {"type": ["string", "object", "null"]}}),
        &["connector"],
    )
}

pub fn volume_readonly_update() -> Value {
    action(
        "os-update_readonly_flag",
        json!({"readonly": parameter_types::boolean()}),
        &["readonly"],
    )
}

pub fn reimage() -> Value {
    action(
        "os-reimage",
        json!({
            "image_id": parameter_types::uuid(),
            "reimage_reserved": parameter_types::boolean(),
        }),
        &["image_id"],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::schemas::test_support::{check, Expect};

    /// Bodies and what upstream answers to them.
    #[test]
    fn answers_like_upstream() {
        check(&[
            (attach, r#"{"os-attach": {"mountpoint": "/dev/vdb", "instance_uuid": "0a1b2c3d-4e5f-6789-abcd-ef0123456789"}}"#, Expect::Ok),
            (attach, r#"{"os-attach": {"mountpoint": "/dev/vdb", "host_name": "h", "mode": "ro"}}"#, Expect::Ok),
            (attach, r#"{"os-attach": {"mountpoint": "/dev/vdb"}}"#, Expect::Err(400, r#"Invalid input for field/attribute os-attach. Value: {'mountpoint': '/dev/vdb'}. {'mountpoint': '/dev/vdb'} is not valid under any of the given schemas"#)),
            (attach, r#"{"os-attach": {"mountpoint": "/dev/vdb", "instance_uuid": "abc"}}"#, Expect::Err(400, r#"Invalid input for field/attribute instance_uuid. Value: abc. 'abc' is not a 'uuid'"#)),
            (attach, r#"{"os-attach": {"instance_uuid": "0a1b2c3d-4e5f-6789-abcd-ef0123456789"}}"#, Expect::Err(400, r#"Invalid input for field/attribute os-attach. Value: {'instance_uuid': '0a1b2c3d-4e5f-6789-abcd-ef0123456789'}. 'mountpoint' is a required property"#)),
            (attach, r#"{"os-attach": {"mountpoint": "", "instance_uuid": "0a1b2c3d-4e5f-6789-abcd-ef0123456789"}}"#, Expect::Err(400, r#"Invalid input for field/attribute mountpoint. Value: . '' should be non-empty"#)),
            (attach, r#"{"os-attach": {"mountpoint": "/dev/vdb", "instance_uuid": "0a1b2c3d-4e5f-6789-abcd-ef0123456789", "mode": "rx"}}"#, Expect::Err(400, r#"Invalid input for field/attribute mode. Value: rx. 'rx' is not one of ['rw', 'ro']"#)),
            (attach, r#"{"os-attach": {"mountpoint": "/dev/vdb", "instance_uuid": "0a1b2c3d-4e5f-6789-abcd-ef0123456789", "x": 1}}"#, Expect::Err(400, r#"Invalid input for field/attribute os-attach. Value: {'mountpoint': '/dev/vdb', 'instance_uuid': '0a1b2c3d-4e5f-6789-abcd-ef0123456789', 'x': 1}. Additional properties are not allowed ('x' was unexpected)"#)),
            (detach, r#"{"os-detach": null}"#, Expect::Ok),
            (detach, r#"{"os-detach": {}}"#, Expect::Ok),
            (detach, r#"{"os-detach": {"attachment_id": null}}"#, Expect::Ok),
            (detach, r#"{"os-detach": {"attachment_id": "abc"}}"#, Expect::Err(400, r#"Invalid input for field/attribute attachment_id. Value: abc. 'abc' is not valid under any of the given schemas"#)),
            (detach, r#"{"os-detach": {"x": 1}}"#, Expect::Err(400, r#"Invalid input for field/attribute os-detach. Value: {'x': 1}. Additional properties are not allowed ('x' was unexpected)"#)),
            (detach, r#"{"os-detach": "x"}"#, Expect::Err(400, r#"Invalid input for field/attribute os-detach. Value: x. 'x' is not of type 'object', 'null'"#)),
            (reserve, r#"{"os-reserve": null}"#, Expect::Ok),
            (reserve, r#"{"os-reserve": {"a": 1}}"#, Expect::Ok),
            (reserve, r#"{"os-reserve": null, "x": 1}"#, Expect::Err(400, r#"Additional properties are not allowed ('x' was unexpected)"#)),
            (unreserve, r#"{"os-unreserve": {}}"#, Expect::Ok),
            (unreserve, r#"{}"#, Expect::Err(400, r#"'os-unreserve' is a required property"#)),
            (begin_detaching, r#"{"os-begin_detaching": null}"#, Expect::Ok),
            (roll_detaching, r#"{"os-roll_detaching": null}"#, Expect::Ok),
            (extend, r#"{"os-extend": {"new_size": 2}}"#, Expect::Ok),
            (extend, r#"{"os-extend": {"new_size": "2"}}"#, Expect::Ok),
            (extend, r#"{"os-extend": {"new_size": "abc"}}"#, Expect::Err(400, r#"Invalid input for field/attribute new_size. Value: abc. 'abc' does not match '^[0-9]+$'"#)),
            (extend, r#"{"os-extend": {"new_size": 0}}"#, Expect::Err(400, r#"Invalid input for field/attribute new_size. Value: 0. 0 is less than the minimum of 1"#)),
            (extend, r#"{"os-extend": {"new_size": 2147483648}}"#, Expect::Err(400, r#"Invalid input for field/attribute new_size. Value: 2147483648. 2147483648 is greater than the maximum of 2147483647"#)),
            (extend, r#"{"os-extend": {"new_size": null}}"#, Expect::Err(400, r#"Invalid input for field/attribute new_size. Value: None. None is not of type 'integer', 'string'"#)),
            (extend, r#"{"os-extend": {}}"#, Expect::Err(400, r#"Invalid input for field/attribute os-extend. Value: {}. 'new_size' is a required property"#)),
            (extend, r#"{"os-extend": {"new_size": 2, "x": 1}}"#, Expect::Err(400, r#"Invalid input for field/attribute os-extend. Value: {'new_size': 2, 'x': 1}. Additional properties are not allowed ('x' was unexpected)"#)),
            (extend, r#"{"os-extend": null}"#, Expect::Err(400, r#"Invalid input for field/attribute os-extend. Value: None. None is not of type 'object'"#)),
            (retype, r#"{"os-retype": {"new_type": "t"}}"#, Expect::Ok),
            (retype, r#"{"os-retype": {"new_type": "t", "migration_policy": "sometimes"}}"#, Expect::Err(400, r#"Invalid input for field/attribute migration_policy. Value: sometimes. 'sometimes' is not one of ['on-demand', 'never']"#)),
            (retype, r#"{"os-retype": {"new_type": "t", "migration_policy": null}}"#, Expect::Err(400, r#"Invalid input for field/attribute migration_policy. Value: None. None is not one of ['on-demand', 'never']"#)),
            (retype, r#"{"os-retype": {"new_type": 5}}"#, Expect::Err(400, r#"Invalid input for field/attribute new_type. Value: 5. 5 is not of type 'string'"#)),
            (retype, r#"{"os-retype": {}}"#, Expect::Err(400, r#"Invalid input for field/attribute os-retype. Value: {}. 'new_type' is a required property"#)),
            (set_bootable, r#"{"os-set_bootable": {"bootable": "maybe"}}"#, Expect::Err(400, r#"Invalid input for field/attribute bootable. Value: maybe. 'maybe' is not one of [True, 'True', 'TRUE', 'true', '1', 'ON', 'On', 'on', 'YES', 'Yes', 'yes', 'y', 't', False, 'False', 'FALSE', 'false', '0', 'OFF', 'Off', 'off', 'NO', 'No', 'no', 'n', 'f']"#)),
            (set_bootable, r#"{"os-set_bootable": {"bootable": "true"}}"#, Expect::Ok),
            (set_bootable, r#"{"os-set_bootable": {"bootable": 1}}"#, Expect::Err(400, r#"Invalid input for field/attribute bootable. Value: 1. 1 is not of type 'boolean', 'string'"#)),
            (set_bootable, r#"{"os-set_bootable": {}}"#, Expect::Err(400, r#"Invalid input for field/attribute os-set_bootable. Value: {}. 'bootable' is a required property"#)),
            (volume_readonly_update, r#"{"os-update_readonly_flag": {"readonly": "x"}}"#, Expect::Err(400, r#"Invalid input for field/attribute readonly. Value: x. 'x' is not one of [True, 'True', 'TRUE', 'true', '1', 'ON', 'On', 'on', 'YES', 'Yes', 'yes', 'y', 't', False, 'False', 'FALSE', 'false', '0', 'OFF', 'Off', 'off', 'NO', 'No', 'no', 'n', 'f']"#)),
            (volume_readonly_update, r#"{"os-update_readonly_flag": {"readonly": false}}"#, Expect::Ok),
            (initialize_connection, r#"{"os-initialize_connection": {"connector": {"host": "h"}}}"#, Expect::Ok),
            (initialize_connection, r#"{"os-initialize_connection": {"connector": 5}}"#, Expect::Err(400, r#"Invalid input for field/attribute connector. Value: 5. 5 is not of type 'object', 'string'"#)),
            (initialize_connection, r#"{"os-initialize_connection": {}}"#, Expect::Err(400, r#"Invalid input for field/attribute os-initialize_connection. Value: {}. 'connector' is a required property"#)),
            (terminate_connection, r#"{"os-terminate_connection": {"connector": null}}"#, Expect::Ok),
            (terminate_connection, r#"{"os-terminate_connection": {"connector": []}}"#, Expect::Err(400, r#"Invalid input for field/attribute connector. Value: []. [] is not of type 'string', 'object', 'null'"#)),
            (volume_upload_image, r#"{"os-volume_upload_image": {"image_name": "i"}}"#, Expect::Ok),
            (volume_upload_image, r#"{"os-volume_upload_image": {"image_name": "i", "disk_format": "iso"}}"#, Expect::Err(400, r#"Invalid input for field/attribute disk_format. Value: iso. 'iso' is not one of ['raw', 'vmdk', 'vdi', 'qcow2', 'vhd', 'vhdx', 'ploop']"#)),
            (volume_upload_image, r#"{"os-volume_upload_image": {"image_name": "i", "container_format": "a\u0001b"}}"#, Expect::Err(400, "Invalid input for field/attribute container_format. Value: a\u{1}b. 'a\\x01b' does not match @DESCRIPTION_REGEX@")),
            (volume_upload_image, r#"{"os-volume_upload_image": {"image_name": "i", "visibility": "public"}}"#, Expect::Err(400, r#"Invalid input for field/attribute os-volume_upload_image. Value: {'image_name': 'i', 'visibility': 'public'}. Additional properties are not allowed ('visibility' was unexpected)"#)),
            (volume_upload_image_v31, r#"{"os-volume_upload_image": {"image_name": "i", "visibility": "everyone"}}"#, Expect::Err(400, r#"Invalid input for field/attribute visibility. Value: everyone. 'everyone' is not one of ['community', 'public', 'private', 'shared']"#)),
            (volume_upload_image_v31, r#"{"os-volume_upload_image": {"image_name": "i", "visibility": "public", "protected": "yes"}}"#, Expect::Ok),
            (reimage, r#"{"os-reimage": {"image_id": "abc"}}"#, Expect::Err(400, r#"Invalid input for field/attribute image_id. Value: abc. 'abc' is not a 'uuid'"#)),
            (reimage, r#"{"os-reimage": {"image_id": "0a1b2c3d-4e5f-6789-abcd-ef0123456789", "reimage_reserved": "no"}}"#, Expect::Ok),
        ]);
    }
}
