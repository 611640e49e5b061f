//! Quota policies — `cinder/policies/quotas.py`.

use openstack_service::policy::{DeprecatedRule, RuleDefault};

use super::base::{RULE_ADMIN_API, RULE_ADMIN_OR_OWNER, SYSTEM_READER_OR_PROJECT_READER};

pub const SHOW_POLICY: &str = "volume_extension:quotas:show";
pub const UPDATE_POLICY: &str = "volume_extension:quotas:update";
pub const DELETE_POLICY: &str = "volume_extension:quotas:delete";

pub fn list_rules() -> Vec<RuleDefault> {
    vec![
        RuleDefault::documented(
            SHOW_POLICY,
            SYSTEM_READER_OR_PROJECT_READER,
            "Show the quotas of a project, with usage or defaults.",
            &[
                ("GET", "/os-quota-sets/{project_id}"),
                ("GET", "/os-quota-sets/{project_id}/default"),
                ("GET", "/os-quota-sets/{project_id}?usage=True"),
            ],
        )
        // A plain DeprecatedRule upstream: no reason, no release.
        .deprecated_rule(DeprecatedRule::new(SHOW_POLICY, RULE_ADMIN_OR_OWNER)),
        RuleDefault::documented(
            UPDATE_POLICY,
            RULE_ADMIN_API,
            "Change the quotas of a project.",
            &[("PUT", "/os-quota-sets/{project_id}")],
        ),
        RuleDefault::documented(
            DELETE_POLICY,
            RULE_ADMIN_API,
            "Reset the quotas of a project to the defaults.",
            &[("DELETE", "/os-quota-sets/{project_id}")],
        ),
    ]
}
