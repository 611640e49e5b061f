//! Default volume type policies (3.62) — `cinder/policies/default_types.py`.

use openstack_service::policy::RuleDefault;

use super::base::{deprecated, RULE_ADMIN_API, SYSTEM_ADMIN, SYSTEM_OR_DOMAIN_OR_PROJECT_ADMIN};

pub const CREATE_UPDATE_POLICY: &str = "volume_extension:default_set_or_update";
pub const GET_POLICY: &str = "volume_extension:default_get";
pub const GET_ALL_POLICY: &str = "volume_extension:default_get_all";
pub const DELETE_POLICY: &str = "volume_extension:default_unset";

pub fn list_rules() -> Vec<RuleDefault> {
    vec![
        RuleDefault::documented(
            CREATE_UPDATE_POLICY,
            RULE_ADMIN_API,
            "Set or change the default volume type of a project.",
            &[("PUT", "/default-types")],
        )
        .deprecated_rule(deprecated(
            CREATE_UPDATE_POLICY,
            SYSTEM_OR_DOMAIN_OR_PROJECT_ADMIN,
        )),
        RuleDefault::documented(
            GET_POLICY,
            RULE_ADMIN_API,
            "Show the default volume type of a project.",
            &[("GET", "/default-types/{project-id}")],
        )
        .deprecated_rule(deprecated(GET_POLICY, SYSTEM_OR_DOMAIN_OR_PROJECT_ADMIN)),
        RuleDefault::documented(
            GET_ALL_POLICY,
            RULE_ADMIN_API,
            "List the default volume types of all projects. Loosening this rule tells \
             callers a lot about the deployment.",
            &[("GET", "/default-types/")],
        )
        .deprecated_rule(deprecated(GET_ALL_POLICY, SYSTEM_ADMIN)),
        RuleDefault::documented(
            DELETE_POLICY,
            RULE_ADMIN_API,
            "Remove the default volume type of a project.",
            &[("DELETE", "/default-types/{project-id}")],
        )
        .deprecated_rule(deprecated(DELETE_POLICY, SYSTEM_OR_DOMAIN_OR_PROJECT_ADMIN)),
    ]
}
