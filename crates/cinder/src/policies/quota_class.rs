//! Quota class policies — `cinder/policies/quota_class.py`.

use openstack_service::policy::RuleDefault;

use super::base::{deprecated, RULE_ADMIN_API};

/// Replaced by the get / update rules.
pub const MANAGE_POLICY: &str = "volume_extension:quota_classes";
pub const GET_POLICY: &str = "volume_extension:quota_classes:get";
pub const UPDATE_POLICY: &str = "volume_extension:quota_classes:update";

pub fn list_rules() -> Vec<RuleDefault> {
    let manage = deprecated(MANAGE_POLICY, RULE_ADMIN_API)
        .reason("volume_extension:quota_classes was split into separate rules for GET and PUT.");
    vec![
        RuleDefault::documented(
            GET_POLICY,
            RULE_ADMIN_API,
            "Show a quota class.",
            &[("GET", "/os-quota-class-sets/{project_id}")],
        )
        .deprecated_rule(manage.clone()),
        RuleDefault::documented(
            UPDATE_POLICY,
            RULE_ADMIN_API,
            "Change a quota class.",
            &[("PUT", "/os-quota-class-sets/{project_id}")],
        )
        .deprecated_rule(manage),
    ]
}
