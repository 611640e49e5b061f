//! Service (os-services) policies — `cinder/policies/services.py`.

use openstack_service::policy::RuleDefault;

use super::base::RULE_ADMIN_API;

pub const GET_ALL_POLICY: &str = "volume_extension:services:index";
pub const UPDATE_POLICY: &str = "volume_extension:services:update";
pub const FAILOVER_POLICY: &str = "volume:failover_host";
pub const FREEZE_POLICY: &str = "volume:freeze_host";
pub const THAW_POLICY: &str = "volume:thaw_host";

pub fn list_rules() -> Vec<RuleDefault> {
    vec![
        RuleDefault::documented(
            GET_ALL_POLICY,
            RULE_ADMIN_API,
            "List services.",
            &[("GET", "/os-services")],
        ),
        RuleDefault::documented(
            UPDATE_POLICY,
            RULE_ADMIN_API,
            "Change a service: enable, disable, freeze, thaw, fail over, set or get its log \
             levels.",
            &[("PUT", "/os-services/{action}")],
        ),
        RuleDefault::documented(
            FREEZE_POLICY,
            RULE_ADMIN_API,
            "Freeze a backend host.",
            &[("PUT", "/os-services/freeze")],
        ),
        RuleDefault::documented(
            THAW_POLICY,
            RULE_ADMIN_API,
            "Thaw a backend host.",
            &[("PUT", "/os-services/thaw")],
        ),
        RuleDefault::documented(
            FAILOVER_POLICY,
            RULE_ADMIN_API,
            "Fail a backend host over.",
            &[("PUT", "/os-services/failover_host")],
        ),
    ]
}
