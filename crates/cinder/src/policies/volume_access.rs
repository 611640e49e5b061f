//! Private volume type access policies — `cinder/policies/volume_access.py`.

use openstack_service::policy::RuleDefault;

use super::base::{
    deprecated, RULE_ADMIN_API, RULE_ADMIN_OR_OWNER, SYSTEM_ADMIN_OR_PROJECT_MEMBER,
};

pub const ADD_PROJECT_POLICY: &str = "volume_extension:volume_type_access:addProjectAccess";
pub const REMOVE_PROJECT_POLICY: &str = "volume_extension:volume_type_access:removeProjectAccess";
pub const TYPE_ACCESS_POLICY: &str = "volume_extension:volume_type_access";
pub const TYPE_ACCESS_WHO_POLICY: &str = "volume_extension:volume_type_access:get_all_for_type";

pub fn list_rules() -> Vec<RuleDefault> {
    vec![
        RuleDefault::documented(
            TYPE_ACCESS_POLICY,
            SYSTEM_ADMIN_OR_PROJECT_MEMBER,
            "Include 'os-volume-type-access:is_public' in volume type responses (the calls \
             themselves are governed by other rules).",
            &[
                ("GET", "/types"),
                ("GET", "/types/{type_id}"),
                ("POST", "/types"),
            ],
        )
        .deprecated_rule(deprecated(TYPE_ACCESS_POLICY, RULE_ADMIN_OR_OWNER)),
        RuleDefault::documented(
            ADD_PROJECT_POLICY,
            RULE_ADMIN_API,
            "Give a project access to a private volume type.",
            &[("POST", "/types/{type_id}/action (addProjectAccess)")],
        ),
        RuleDefault::documented(
            REMOVE_PROJECT_POLICY,
            RULE_ADMIN_API,
            "Take a project's access to a private volume type away.",
            &[("POST", "/types/{type_id}/action (removeProjectAccess)")],
        ),
        RuleDefault::documented(
            TYPE_ACCESS_WHO_POLICY,
            RULE_ADMIN_API,
            "List the projects that can use a private volume type.",
            &[("GET", "/types/{type_id}/os-volume-type-access")],
        )
        // Upstream's check string, verbatim: a generic check, not a rule reference.
        .deprecated_rule(
            deprecated(TYPE_ACCESS_WHO_POLICY, TYPE_ACCESS_POLICY).reason(
                "volume_extension:volume_type_access:get_all_for_type guards a call that \
             volume_extension:volume_type_access used to, so that it can be set on its own.",
            ),
        ),
    ]
}
