//! Snapshot metadata policies — `cinder/policies/snapshot_metadata.py`.

use openstack_service::policy::RuleDefault;

use super::base::{
    deprecated, RULE_ADMIN_OR_OWNER, SYSTEM_ADMIN_OR_PROJECT_MEMBER,
    SYSTEM_READER_OR_PROJECT_READER,
};

pub const GET_POLICY: &str = "volume:get_snapshot_metadata";
pub const DELETE_POLICY: &str = "volume:delete_snapshot_metadata";
pub const UPDATE_POLICY: &str = "volume:update_snapshot_metadata";

pub fn list_rules() -> Vec<RuleDefault> {
    vec![
        RuleDefault::documented(
            GET_POLICY,
            SYSTEM_READER_OR_PROJECT_READER,
            "Show the metadata of a snapshot, or one item of it.",
            &[
                ("GET", "/snapshots/{snapshot_id}/metadata"),
                ("GET", "/snapshots/{snapshot_id}/metadata/{key}"),
            ],
        )
        .deprecated_rule(deprecated(GET_POLICY, RULE_ADMIN_OR_OWNER)),
        RuleDefault::documented(
            UPDATE_POLICY,
            SYSTEM_ADMIN_OR_PROJECT_MEMBER,
            "Change the metadata of a snapshot, or one item of it.",
            &[
                ("POST", "/snapshots/{snapshot_id}/metadata"),
                ("PUT", "/snapshots/{snapshot_id}/metadata/{key}"),
            ],
        )
        .deprecated_rule(deprecated(UPDATE_POLICY, RULE_ADMIN_OR_OWNER)),
        RuleDefault::documented(
            DELETE_POLICY,
            SYSTEM_ADMIN_OR_PROJECT_MEMBER,
            "Delete one metadata item of a snapshot.",
            &[("DELETE", "/snapshots/{snapshot_id}/metadata/{key}")],
        )
        .deprecated_rule(deprecated(DELETE_POLICY, RULE_ADMIN_OR_OWNER)),
    ]
}
