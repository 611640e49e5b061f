//! Volume type extra-spec policies — `cinder/policies/type_extra_specs.py`.

use openstack_service::policy::RuleDefault;

use super::base::{deprecated, RULE_ADMIN_API, SYSTEM_READER_OR_PROJECT_READER};

/// Extra specs that users without `read_sensitive` still see.
pub const USER_VISIBLE_EXTRA_SPECS: &[&str] = &[
    "RESKEY:availability_zones",
    "multiattach",
    "replication_enabled",
];

pub const CREATE_POLICY: &str = "volume_extension:types_extra_specs:create";
pub const DELETE_POLICY: &str = "volume_extension:types_extra_specs:delete";
pub const GET_ALL_POLICY: &str = "volume_extension:types_extra_specs:index";
pub const GET_POLICY: &str = "volume_extension:types_extra_specs:show";
pub const READ_SENSITIVE_POLICY: &str = "volume_extension:types_extra_specs:read_sensitive";
pub const UPDATE_POLICY: &str = "volume_extension:types_extra_specs:update";

pub fn list_rules() -> Vec<RuleDefault> {
    vec![
        RuleDefault::documented(
            GET_ALL_POLICY,
            SYSTEM_READER_OR_PROJECT_READER,
            "List the extra specs of a volume type.",
            &[("GET", "/types/{type_id}/extra_specs")],
        )
        .deprecated_rule(deprecated(GET_ALL_POLICY, "")),
        RuleDefault::documented(
            CREATE_POLICY,
            RULE_ADMIN_API,
            "Add extra specs to a volume type.",
            &[("POST", "/types/{type_id}/extra_specs")],
        ),
        RuleDefault::documented(
            GET_POLICY,
            SYSTEM_READER_OR_PROJECT_READER,
            "Show one extra spec of a volume type.",
            &[("GET", "/types/{type_id}/extra_specs/{extra_spec_key}")],
        )
        .deprecated_rule(deprecated(GET_POLICY, "")),
        RuleDefault::documented(
            READ_SENSITIVE_POLICY,
            RULE_ADMIN_API,
            "Include the extra specs that tell about the deployment (all but the user-visible \
             ones) in responses that show extra specs (the calls themselves are governed by \
             other rules).",
            &[
                ("GET", "/types"),
                ("GET", "/types/{type_id}"),
                ("GET", "/types/{type_id}/extra_specs"),
                ("GET", "/types/{type_id}/extra_specs/{extra_spec_key}"),
            ],
        ),
        RuleDefault::documented(
            UPDATE_POLICY,
            RULE_ADMIN_API,
            "Update one extra spec of a volume type.",
            &[("PUT", "/types/{type_id}/extra_specs/{extra_spec_key}")],
        ),
        RuleDefault::documented(
            DELETE_POLICY,
            RULE_ADMIN_API,
            "Delete one extra spec of a volume type.",
            &[("DELETE", "/types/{type_id}/extra_specs/{extra_spec_key}")],
        ),
    ]
}
