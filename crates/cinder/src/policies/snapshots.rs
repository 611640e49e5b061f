//! Snapshot policies — `cinder/policies/snapshots.py`.

use openstack_service::policy::RuleDefault;

use super::base::{
    deprecated, RULE_ADMIN_OR_OWNER, SYSTEM_ADMIN_OR_PROJECT_MEMBER,
    SYSTEM_READER_OR_PROJECT_READER,
};

pub const GET_POLICY: &str = "volume:get_snapshot";
pub const GET_ALL_POLICY: &str = "volume:get_all_snapshots";
pub const CREATE_POLICY: &str = "volume:create_snapshot";
pub const DELETE_POLICY: &str = "volume:delete_snapshot";
pub const UPDATE_POLICY: &str = "volume:update_snapshot";
pub const EXTEND_ATTRIBUTE: &str = "volume_extension:extended_snapshot_attributes";

pub fn list_rules() -> Vec<RuleDefault> {
    let rule = |name: &str, check: &str, description: &str, ops: &[(&str, &str)]| {
        RuleDefault::documented(name, check, description, ops)
            .deprecated_rule(deprecated(name, RULE_ADMIN_OR_OWNER))
    };
    vec![
        rule(
            GET_ALL_POLICY,
            SYSTEM_READER_OR_PROJECT_READER,
            "List snapshots.",
            &[("GET", "/snapshots"), ("GET", "/snapshots/detail")],
        ),
        rule(
            EXTEND_ATTRIBUTE,
            SYSTEM_READER_OR_PROJECT_READER,
            "Include the extended attributes when listing or showing snapshots.",
            &[
                ("GET", "/snapshots/{snapshot_id}"),
                ("GET", "/snapshots/detail"),
            ],
        ),
        rule(
            CREATE_POLICY,
            SYSTEM_ADMIN_OR_PROJECT_MEMBER,
            "Create a snapshot.",
            &[("POST", "/snapshots")],
        ),
        rule(
            GET_POLICY,
            SYSTEM_READER_OR_PROJECT_READER,
            "Show a snapshot.",
            &[("GET", "/snapshots/{snapshot_id}")],
        ),
        rule(
            UPDATE_POLICY,
            SYSTEM_ADMIN_OR_PROJECT_MEMBER,
            "Update a snapshot.",
            &[("PUT", "/snapshots/{snapshot_id}")],
        ),
        rule(
            DELETE_POLICY,
            SYSTEM_ADMIN_OR_PROJECT_MEMBER,
            "Delete a snapshot.",
            &[("DELETE", "/snapshots/{snapshot_id}")],
        ),
    ]
}
