//! cinder's checkers against upstream: each expected answer is what cinder 29.0.0 answered
//! for the same value.

use serde_json::json;

use super::*;
use crate::api::schemas::test_support::{check_one, Expect};

/// Each checker on `{"f": <value>}` under `{"properties": {"f": {"format": <name>}}}`,
/// against what upstream answered.
#[test]
fn checkers_answer_like_upstream() {
    let cases: &[(&str, &str, Expect)] = &[
        (
            r#"name"#,
            r#"null"#,
            Expect::Err(
                400,
                r#"An invalid 'name' value was provided. The 'name' can not be None."#,
            ),
        ),
        (
            r#"name"#,
            r#""""#,
            Expect::Err(
                400,
                r#"An invalid 'name' value was provided. The 'name' can not be None."#,
            ),
        ),
        (
            r#"name"#,
            r#"" \t""#,
            Expect::Err(
                400,
                r#"An invalid 'name' value was provided. The 'name' can not be empty."#,
            ),
        ),
        (r#"name"#, r#""ok""#, Expect::Ok),
        (
            r#"name"#,
            r#"5"#,
            Expect::Err(
                500,
                r#"AttributeError: 'int' object has no attribute 'strip'"#,
            ),
        ),
        (
            r#"name_skip_leading_trailing_spaces"#,
            r#"" x ""#,
            Expect::Ok,
        ),
        (
            r#"name_skip_leading_trailing_spaces"#,
            r#""  ""#,
            Expect::Err(
                400,
                r#"An invalid 'name' value was provided. The 'name' can not be empty."#,
            ),
        ),
        (
            r#"name_skip_leading_trailing_spaces"#,
            r#""""#,
            Expect::Err(
                400,
                r#"An invalid 'name' value was provided. The 'name' can not be None."#,
            ),
        ),
        (
            r#"name_skip_leading_trailing_spaces"#,
            r#"" @256a@ ""#,
            Expect::Err(
                400,
                r#"An invalid 'name' value was provided. The 'name' can not be greater than 255 characters."#,
            ),
        ),
        (
            r#"name_skip_leading_trailing_spaces"#,
            r#""@256a@""#,
            Expect::Err(
                400,
                r#"An invalid 'name' value was provided. The 'name' can not be greater than 255 characters."#,
            ),
        ),
        (r#"group_snapshot_status"#, r#""available""#, Expect::Ok),
        (
            r#"group_snapshot_status"#,
            r#"" ""#,
            Expect::Err(
                400,
                r#"Invalid GroupSnapshot Status: The 'status' can not be empty."#,
            ),
        ),
        (
            r#"group_snapshot_status"#,
            r#""in-use""#,
            Expect::Err(
                400,
                r#"Invalid GroupSnapshot Status: Group snapshot status: in-use is invalid, valid statuses are: ('error', 'available', 'creating', 'deleting', 'deleted', 'updating', 'error_deleting')."#,
            ),
        ),
        (
            r#"group_status"#,
            r#"null"#,
            Expect::Err(
                400,
                r#"Invalid input for field/attribute f. Value: None. None is not a 'group_status'"#,
            ),
        ),
        (
            r#"group_status"#,
            r#""""#,
            Expect::Err(
                400,
                r#"Invalid Group Status: The 'status' can not be empty."#,
            ),
        ),
        (
            r#"group_status"#,
            r#""in-use""#,
            Expect::Err(
                400,
                r#"Invalid Group Status: Group status: in-use is invalid, valid status are: ('error', 'available', 'creating', 'deleting', 'deleted', 'updating', 'in-use', 'error_deleting')."#,
            ),
        ),
        (r#"group_status"#, r#""DELETED""#, Expect::Ok),
        (r#"disabled_reason"#, r#""""#, Expect::Ok),
        (
            r#"disabled_reason"#,
            r#"" ""#,
            Expect::Err(
                400,
                r#"Invalid input for field/attribute f. Value:  . ' ' is not a 'disabled_reason'"#,
            ),
        ),
        (
            r#"disabled_reason"#,
            r#""@256r@""#,
            Expect::Err(
                400,
                r#"Invalid input for field/attribute f. Value: @256r@. '@256r@' is not a 'disabled_reason'"#,
            ),
        ),
        (
            r#"disabled_reason"#,
            r#"5"#,
            Expect::Err(
                500,
                r#"AttributeError: 'int' object has no attribute 'strip'"#,
            ),
        ),
        (r#"availability_zone"#, r#"null"#, Expect::Ok),
        (
            r#"availability_zone"#,
            r#""""#,
            Expect::Err(400, r#"The 'availability_zone' can not be None."#),
        ),
        (
            r#"availability_zone"#,
            r#""   ""#,
            Expect::Err(
                400,
                r#"Invalid input received: availability_zone has 0 characters, less than 1."#,
            ),
        ),
        (r#"availability_zone"#, r#""nova""#, Expect::Ok),
        (
            r#"availability_zone"#,
            r#""@300z@""#,
            Expect::Err(
                400,
                r#"Invalid input received: availability_zone has 300 characters, more than 255."#,
            ),
        ),
        (
            r#"group_type"#,
            r#""""#,
            Expect::Err(
                400,
                r#"Invalid input for field/attribute f. Value: . '' is not a 'group_type'"#,
            ),
        ),
        (
            r#"group_type"#,
            r#"" ""#,
            Expect::Err(
                400,
                r#"Invalid input for field/attribute f. Value:  . ' ' is not a 'group_type'"#,
            ),
        ),
        (r#"group_type"#, r#""g""#, Expect::Ok),
        (r#"level"#, r#""Warning""#, Expect::Ok),
        (
            r#"level"#,
            r#""trace""#,
            Expect::Err(
                400,
                r#"Invalid input received: trace is not a valid log level."#,
            ),
        ),
        (
            r#"level"#,
            r#""""#,
            Expect::Err(400, r#"Invalid input received:  is not a valid log level."#),
        ),
        (
            r#"level"#,
            r#"3"#,
            Expect::Err(
                500,
                r#"AttributeError: 'int' object has no attribute 'upper'"#,
            ),
        ),
        (
            r#"validate_volume_reset_body"#,
            r#"{"status": "x"}"#,
            Expect::Ok,
        ),
        (
            r#"validate_volume_reset_body"#,
            r#"{"migration_status": ""}"#,
            Expect::Err(
                400,
                r#"Must specify 'status', 'attach_status' or 'migration_status' for update."#,
            ),
        ),
        (r#"volume_status"#, r#""""#, Expect::Ok),
        (r#"volume_status"#, r#"null"#, Expect::Ok),
        (r#"volume_status"#, r#""In-Use""#, Expect::Ok),
        (
            r#"volume_attach_status"#,
            r#""reserved""#,
            Expect::Err(
                400,
                r#"Volume attach status: reserved is invalid, valid statuses are: ['attached', 'detached']."#,
            ),
        ),
        (r#"volume_migration_status"#, r#""NONE""#, Expect::Ok),
        (
            r#"snapshot_status"#,
            r#"null"#,
            Expect::Err(
                400,
                r#"Snapshot status: None is invalid, valid statuses are: ('error', 'available', 'creating', 'deleting', 'deleted', 'updating', 'error_deleting', 'unmanaging', 'backing-up', 'restoring')."#,
            ),
        ),
        (r#"snapshot_status"#, r#""restoring""#, Expect::Ok),
        (
            r#"backup_status"#,
            r#""""#,
            Expect::Err(
                400,
                r#"Backup status:  is invalid, valid statuses are: ['available', 'error']."#,
            ),
        ),
        (r#"key_size"#, r#"null"#, Expect::Ok),
        (r#"key_size"#, r#"256"#, Expect::Ok),
        (r#"key_size"#, r#""256""#, Expect::Ok),
        (
            r#"key_size"#,
            r#""0256""#,
            Expect::Err(
                400,
                r#"Invalid input received: key_size must be an integer."#,
            ),
        ),
        (r#"key_size"#, r#""-1""#, Expect::Ok),
        (
            r#"key_size"#,
            r#"" 1""#,
            Expect::Err(
                400,
                r#"Invalid input received: key_size must be an integer."#,
            ),
        ),
        (
            r#"key_size"#,
            r#"1.0"#,
            Expect::Err(
                400,
                r#"Invalid input received: key_size must be an integer."#,
            ),
        ),
        (
            r#"key_size"#,
            r#"true"#,
            Expect::Err(
                400,
                r#"Invalid input received: key_size must be an integer."#,
            ),
        ),
        (
            r#"key_size"#,
            r#""x""#,
            Expect::Err(
                400,
                r#"Invalid input received: key_size must be an integer."#,
            ),
        ),
        (r#"mysql_text"#, r#""@65535m@""#, Expect::Ok),
        (
            r#"mysql_text"#,
            r#""@65536m@""#,
            Expect::Err(
                400,
                r#"Invalid input for field/attribute f. Value: @65536m@. '@65536m@' is not a 'mysql_text'"#,
            ),
        ),
        (
            r#"mysql_text"#,
            r#""@32768é@""#,
            Expect::Err(
                400,
                r#"Invalid input for field/attribute f. Value: @32768é@. '@32768é@' is not a 'mysql_text'"#,
            ),
        ),
        (
            r#"mysql_text"#,
            r#"5"#,
            Expect::Err(
                500,
                r#"AttributeError: 'int' object has no attribute 'encode'"#,
            ),
        ),
        (
            r#"quota_set"#,
            r#"{"volumes": 1, "gigabytes": "2", "id": null}"#,
            Expect::Ok,
        ),
        (
            r#"quota_set"#,
            r#"{"foo": 1, "volumes": "x"}"#,
            Expect::Err(400, r#"volumes must be an integer"#),
        ),
        (r#"quota_set"#, r#"{"volumes": "1_000"}"#, Expect::Ok),
        (
            r#"quota_set"#,
            r#"{"volumes": 9999999999}"#,
            Expect::Err(400, r#"volumes must be <= 2147483647"#),
        ),
        (r#"quota_class_set"#, r#"{"volumes": "x"}"#, Expect::Ok),
        (
            r#"quota_class_set"#,
            r#"{"foo": 1, "bar": 2}"#,
            Expect::Err(
                400,
                r#"Invalid input received: Bad key(s) in quota class set: foo, bar"#,
            ),
        ),
        (
            r#"uuid"#,
            r#""0a1b2c3d-4e5f-6789-abcd-ef0123456789""#,
            Expect::Ok,
        ),
        (
            r#"uuid"#,
            r#""0a1b2c3d4e5f6789abcdef012345678""#,
            Expect::Err(
                400,
                r#"Invalid input for field/attribute f. Value: 0a1b2c3d4e5f6789abcdef012345678. '0a1b2c3d4e5f6789abcdef012345678' is not a 'uuid'"#,
            ),
        ),
        (r#"date-time"#, r#""2012-02-14T20:53:07Z""#, Expect::Ok),
        (
            r#"date-time"#,
            r#""2012-02-30""#,
            Expect::Err(
                400,
                r#"Invalid input for field/attribute f. Value: 2012-02-30. '2012-02-30' is not a 'date-time'"#,
            ),
        ),
        (r#"base64"#, r#""YWJj""#, Expect::Ok),
        (
            r#"base64"#,
            r#""YWJjZ""#,
            Expect::Err(
                400,
                r#"Invalid input for field/attribute f. Value: YWJjZ. 'YWJjZ' is not a 'base64'"#,
            ),
        ),
        (r#"progress"#, r#""100%""#, Expect::Ok),
        (
            r#"progress"#,
            r#""-1%""#,
            Expect::Err(
                400,
                r#"Invalid input received: progress must be an integer percentage between 0 and 100"#,
            ),
        ),
        (r#"progress"#, r#""1_0%""#, Expect::Ok),
    ];
    for (format, value, expect) in cases {
        let schema = json!({"properties": {"f": {"format": format}}});
        check_one(
            &schema,
            &format!("{{\"f\": {value}}}"),
            expect,
            &format!("{format} {value}"),
        );
    }
}

#[test]
fn quota_resources_follow_the_volume_types() {
    let resources = QuotaResources::with_volume_types(["lvm", "ssd"]);
    assert!(resources.contains("volumes_ssd"));
    assert!(resources.contains("gigabytes_lvm"));
    assert!(resources.contains("groups"));
    assert!(!resources.contains("volumes_nfs"));
    assert!(!resources.contains("id"));
}
