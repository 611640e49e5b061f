//! Limits policy — `cinder/policies/limits.py`.

use openstack_service::policy::RuleDefault;

use super::base::{deprecated, RULE_ADMIN_OR_OWNER, SYSTEM_READER_OR_PROJECT_READER};

pub const EXTEND_LIMIT_ATTRIBUTE_POLICY: &str = "limits_extension:used_limits";

pub fn list_rules() -> Vec<RuleDefault> {
    vec![RuleDefault::documented(
        EXTEND_LIMIT_ATTRIBUTE_POLICY,
        SYSTEM_READER_OR_PROJECT_READER,
        "Include what is used next to the limits.",
        &[("GET", "/limits")],
    )
    .deprecated_rule(deprecated(
        EXTEND_LIMIT_ATTRIBUTE_POLICY,
        RULE_ADMIN_OR_OWNER,
    ))]
}
