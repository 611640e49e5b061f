//! `os-services` action bodies (`cinder/api/schemas/services.py`): `PUT
//! /os-services/{enable,disable,disable-log-reason,freeze,thaw,failover_host}` and the
//! log level calls (3.32).

use serde_json::{json, Value};

use super::parameter_types;

pub fn enable_and_disable() -> Value {
    json!({
        "type": "object",
        "properties": {
            "binary": {"type": "string", "minLength": 1, "maxLength": 255},
            "host": parameter_types::cinder_host(),
            "cluster": parameter_types::nullable_string(),
            "service": {"type": "string", "minLength": 1, "maxLength": 255},
        },
        "anyOf": [
            {"required": ["binary"]},
            {"required": ["service"]}
        ],
        "additionalProperties": false,
    })
}

pub fn disable_log_reason() -> Value {
    let mut schema = enable_and_disable();
    schema["properties"]["disabled_reason"] = json!({
        "type": "string", "minLength": 1, "maxLength": 255, "format": "disabled_reason"});
    schema
}

pub fn set_log() -> Value {
    json!({
        "type": "object",
        "properties": {
            "binary": parameter_types::binary(),
            "server": parameter_types::nullable_string(),
            "prefix": parameter_types::nullable_string(),
            "level": {"type": ["string", "null"], "format": "level"}
        },
        "additionalProperties": false,
    })
}

pub fn get_log() -> Value {
    json!({
        "type": "object",
        "properties": {
            "binary": parameter_types::binary(),
            "server": parameter_types::nullable_string(),
            "prefix": parameter_types::nullable_string(),
        },
        "additionalProperties": false,
    })
}

pub fn freeze_and_thaw() -> Value {
    json!({
        "type": "object",
        "properties": {
            "cluster": parameter_types::nullable_string(),
            "host": parameter_types::cinder_host(),
        },
        "additionalProperties": false,
    })
}

pub fn failover_host() -> Value {
    json!({
        "type": "object",
        "properties": {
            "host": parameter_types::cinder_host(),
            "backend_id": parameter_types::nullable_string(),
            "cluster": parameter_types::nullable_string(),
        },
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
                enable_and_disable,
                r#"{"binary": "cinder-volume", "host": "h@lvm"}"#,
                Expect::Ok,
            ),
            (
                enable_and_disable,
                r#"{"host": "h"}"#,
                Expect::Err(
                    400,
                    r#"{'host': 'h'} is not valid under any of the given schemas"#,
                ),
            ),
            (
                enable_and_disable,
                r#"{"binary": "", "host": "h"}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute binary. Value: . '' should be non-empty"#,
                ),
            ),
            (
                enable_and_disable,
                r#"{"binary": "b", "host": "bad host!"}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute host. Value: bad host!. 'bad host!' does not match '^[a-zA-Z0-9-._#@:/+\\[\\]]*$'"#,
                ),
            ),
            (
                enable_and_disable,
                r#"{"binary": "b", "host": "h#[::1]"}"#,
                Expect::Ok,
            ),
            (
                enable_and_disable,
                r#"{"x": 1}"#,
                Expect::Err(
                    400,
                    r#"{'x': 1} is not valid under any of the given schemas"#,
                ),
            ),
            (
                enable_and_disable,
                r#"{"binary": "b", "x": 1}"#,
                Expect::Err(
                    400,
                    r#"Additional properties are not allowed ('x' was unexpected)"#,
                ),
            ),
            (
                enable_and_disable,
                r#"{"service": "cinder-volume"}"#,
                Expect::Ok,
            ),
            (
                enable_and_disable,
                r#"{"service": "cinder-volume", "cluster": null, "host": null}"#,
                Expect::Ok,
            ),
            (
                disable_log_reason,
                r#"{"binary": "b", "disabled_reason": "   "}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute disabled_reason. Value:    . '   ' is not a 'disabled_reason'"#,
                ),
            ),
            (
                disable_log_reason,
                r#"{"binary": "b", "disabled_reason": ""}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute disabled_reason. Value: . '' should be non-empty"#,
                ),
            ),
            (
                disable_log_reason,
                r#"{"binary": "b", "disabled_reason": "@256r@"}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute disabled_reason. Value: @256r@. '@256r@' is too long"#,
                ),
            ),
            (
                disable_log_reason,
                r#"{"binary": "b", "disabled_reason": "maintenance"}"#,
                Expect::Ok,
            ),
            (
                set_log,
                r#"{"binary": "nova-api"}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute binary. Value: nova-api. 'nova-api' is not one of ['cinder-scheduler', 'cinder-volume', 'cinder-backup', 'cinder-api', '', '*']"#,
                ),
            ),
            (
                set_log,
                r#"{"level": "verbose"}"#,
                Expect::Err(
                    400,
                    r#"Invalid input received: verbose is not a valid log level."#,
                ),
            ),
            (set_log, r#"{"level": "debug"}"#, Expect::Ok),
            (
                set_log,
                r#"{"level": null}"#,
                Expect::Err(400, r#"Invalid input received:  is not a valid log level."#),
            ),
            (
                set_log,
                r#"{"binary": "*", "server": null, "prefix": "cinder", "level": "INFO"}"#,
                Expect::Ok,
            ),
            (get_log, r#"{"binary": ""}"#, Expect::Ok),
            (
                get_log,
                r#"{"server": 5}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute server. Value: 5. 5 is not of type 'string', 'null'"#,
                ),
            ),
            (freeze_and_thaw, r#"{}"#, Expect::Ok),
            (
                freeze_and_thaw,
                r#"{"host": ""}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute host. Value: . '' should be non-empty"#,
                ),
            ),
            (
                freeze_and_thaw,
                r#"{"x": 1}"#,
                Expect::Err(
                    400,
                    r#"Additional properties are not allowed ('x' was unexpected)"#,
                ),
            ),
            (
                failover_host,
                r#"{"backend_id": 5}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute backend_id. Value: 5. 5 is not of type 'string', 'null'"#,
                ),
            ),
        ]);
    }
}
