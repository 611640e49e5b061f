//! Snapshot action policies (`POST /snapshots/{id}/action`) —
//! `cinder/policies/snapshot_actions.py`.

use openstack_service::policy::RuleDefault;

use super::base::{deprecated, RULE_ADMIN_API, SYSTEM_ADMIN_OR_PROJECT_MEMBER};

pub const RESET_STATUS_POLICY: &str = "volume_extension:snapshot_admin_actions:reset_status";
pub const FORCE_DELETE_POLICY: &str = "volume_extension:snapshot_admin_actions:force_delete";
pub const UPDATE_STATUS_POLICY: &str = "snapshot_extension:snapshot_actions:update_snapshot_status";

pub fn list_rules() -> Vec<RuleDefault> {
    vec![
        RuleDefault::documented(
            RESET_STATUS_POLICY,
            RULE_ADMIN_API,
            "Reset the status of a snapshot.",
            &[("POST", "/snapshots/{snapshot_id}/action (os-reset_status)")],
        ),
        RuleDefault::documented(
            UPDATE_STATUS_POLICY,
            SYSTEM_ADMIN_OR_PROJECT_MEMBER,
            "Update the status and progress of a snapshot in the database.",
            &[(
                "POST",
                "/snapshots/{snapshot_id}/action (update_snapshot_status)",
            )],
        )
        .deprecated_rule(deprecated(UPDATE_STATUS_POLICY, "")),
        RuleDefault::documented(
            FORCE_DELETE_POLICY,
            RULE_ADMIN_API,
            "Delete a snapshot by force.",
            &[("POST", "/snapshots/{snapshot_id}/action (os-force_delete)")],
        ),
    ]
}
