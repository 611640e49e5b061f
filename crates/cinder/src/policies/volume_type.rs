//! Volume type policies, including type encryption — `cinder/policies/volume_type.py`.

use openstack_service::policy::RuleDefault;

use super::base::{deprecated, RULE_ADMIN_API, SYSTEM_READER_OR_PROJECT_READER};

/// Replaced by the create / update / delete rules.
pub const MANAGE_POLICY: &str = "volume_extension:types_manage";
pub const CREATE_POLICY: &str = "volume_extension:type_create";
pub const UPDATE_POLICY: &str = "volume_extension:type_update";
pub const DELETE_POLICY: &str = "volume_extension:type_delete";
pub const GET_POLICY: &str = "volume_extension:type_get";
pub const GET_ALL_POLICY: &str = "volume_extension:type_get_all";
pub const QOS_POLICY: &str = "volume_extension:access_types_qos_specs_id";
pub const EXTRA_SPEC_POLICY: &str = "volume_extension:access_types_extra_specs";
/// The old catch-all for the encryption-type rules; still registered, as upstream.
pub const ENCRYPTION_POLICY: &str = "volume_extension:volume_type_encryption";
pub const ENCRYPTION_BASE_POLICY_RULE: &str = "rule:volume_extension:volume_type_encryption";
pub const CREATE_ENCRYPTION_POLICY: &str = "volume_extension:volume_type_encryption:create";
pub const GET_ENCRYPTION_POLICY: &str = "volume_extension:volume_type_encryption:get";
pub const UPDATE_ENCRYPTION_POLICY: &str = "volume_extension:volume_type_encryption:update";
pub const DELETE_ENCRYPTION_POLICY: &str = "volume_extension:volume_type_encryption:delete";

const ENCRYPTION_REASON: &str = "volume_extension:volume_type_encryption only set every \
    encryption-type rule to one value; it goes away so that reading, changing and deleting \
    encryption types can get different defaults.";

pub fn list_rules() -> Vec<RuleDefault> {
    let manage = deprecated(MANAGE_POLICY, RULE_ADMIN_API).reason(
        "volume_extension:types_manage was split into separate rules for POST, PUT and \
         DELETE.",
    );
    let encryption =
        |name: &str| deprecated(name, ENCRYPTION_BASE_POLICY_RULE).reason(ENCRYPTION_REASON);
    let show_ops: &[(&str, &str)] = &[("GET", "/types/{type_id}"), ("GET", "/types")];
    vec![
        RuleDefault::documented(
            CREATE_POLICY,
            RULE_ADMIN_API,
            "Create a volume type.",
            &[("POST", "/types")],
        )
        .deprecated_rule(manage.clone()),
        RuleDefault::documented(
            UPDATE_POLICY,
            RULE_ADMIN_API,
            "Update a volume type.",
            &[("PUT", "/types")],
        )
        .deprecated_rule(manage.clone()),
        RuleDefault::documented(
            DELETE_POLICY,
            RULE_ADMIN_API,
            "Delete a volume type.",
            &[("DELETE", "/types")],
        )
        .deprecated_rule(manage),
        RuleDefault::documented(
            GET_POLICY,
            SYSTEM_READER_OR_PROJECT_READER,
            "Show a volume type.",
            &[("GET", "/types/{type_id}")],
        )
        .deprecated_rule(deprecated(GET_POLICY, "")),
        RuleDefault::documented(
            GET_ALL_POLICY,
            SYSTEM_READER_OR_PROJECT_READER,
            "List volume types.",
            &[("GET", "/types/")],
        )
        .deprecated_rule(deprecated(GET_ALL_POLICY, "")),
        RuleDefault::documented(
            EXTRA_SPEC_POLICY,
            SYSTEM_READER_OR_PROJECT_READER,
            "Include the extra_specs of volume types when listing or showing them (the \
             calls themselves are governed by other rules).",
            show_ops,
        )
        .deprecated_rule(deprecated(EXTRA_SPEC_POLICY, RULE_ADMIN_API)),
        RuleDefault::documented(
            QOS_POLICY,
            RULE_ADMIN_API,
            "Include the QoS specs ID of volume types when listing or showing them (the \
             calls themselves are governed by other rules).",
            show_ops,
        ),
        RuleDefault::new(ENCRYPTION_POLICY, RULE_ADMIN_API)
            .description("DEPRECATED: to be removed."),
        RuleDefault::documented(
            CREATE_ENCRYPTION_POLICY,
            RULE_ADMIN_API,
            "Create the encryption type of a volume type.",
            &[("POST", "/types/{type_id}/encryption")],
        )
        .deprecated_rule(encryption(CREATE_ENCRYPTION_POLICY)),
        RuleDefault::documented(
            GET_ENCRYPTION_POLICY,
            RULE_ADMIN_API,
            "Show the encryption type of a volume type, or one of its specs.",
            &[
                ("GET", "/types/{type_id}/encryption"),
                ("GET", "/types/{type_id}/encryption/{key}"),
            ],
        )
        .deprecated_rule(encryption(GET_ENCRYPTION_POLICY)),
        RuleDefault::documented(
            UPDATE_ENCRYPTION_POLICY,
            RULE_ADMIN_API,
            "Update the encryption type of a volume type.",
            &[("PUT", "/types/{type_id}/encryption/{encryption_id}")],
        )
        .deprecated_rule(encryption(UPDATE_ENCRYPTION_POLICY)),
        RuleDefault::documented(
            DELETE_ENCRYPTION_POLICY,
            RULE_ADMIN_API,
            "Delete the encryption type of a volume type.",
            &[("DELETE", "/types/{type_id}/encryption/{encryption_id}")],
        )
        .deprecated_rule(encryption(DELETE_ENCRYPTION_POLICY)),
    ]
}
