//! Volume policies — `cinder/policies/volumes.py`.

use openstack_service::policy::RuleDefault;

use super::base::{
    deprecated, RULE_ADMIN_API, RULE_ADMIN_OR_OWNER, SYSTEM_ADMIN_OR_PROJECT_MEMBER,
    SYSTEM_READER_OR_PROJECT_READER,
};

pub const CREATE_POLICY: &str = "volume:create";
pub const CREATE_FROM_IMAGE_POLICY: &str = "volume:create_from_image";
pub const GET_POLICY: &str = "volume:get";
pub const GET_ALL_POLICY: &str = "volume:get_all";
pub const UPDATE_POLICY: &str = "volume:update";
pub const DELETE_POLICY: &str = "volume:delete";
pub const FORCE_DELETE_POLICY: &str = "volume:force_delete";
pub const HOST_ATTRIBUTE_POLICY: &str = "volume_extension:volume_host_attribute";
pub const TENANT_ATTRIBUTE_POLICY: &str = "volume_extension:volume_tenant_attribute";
pub const MIG_ATTRIBUTE_POLICY: &str = "volume_extension:volume_mig_status_attribute";
pub const ENCRYPTION_METADATA_POLICY: &str = "volume_extension:volume_encryption_metadata";
pub const MULTIATTACH_POLICY: &str = "volume:multiattach";

pub fn list_rules() -> Vec<RuleDefault> {
    let show_ops: &[(&str, &str)] = &[("GET", "/volumes/{volume_id}"), ("GET", "/volumes/detail")];
    vec![
        RuleDefault::documented(
            CREATE_POLICY,
            SYSTEM_ADMIN_OR_PROJECT_MEMBER,
            "Create a volume.",
            &[("POST", "/volumes")],
        )
        .deprecated_rule(deprecated(CREATE_POLICY, "")),
        RuleDefault::documented(
            CREATE_FROM_IMAGE_POLICY,
            SYSTEM_ADMIN_OR_PROJECT_MEMBER,
            "Create a volume from an image.",
            &[("POST", "/volumes")],
        )
        .deprecated_rule(deprecated(CREATE_FROM_IMAGE_POLICY, "")),
        RuleDefault::documented(
            GET_POLICY,
            SYSTEM_READER_OR_PROJECT_READER,
            "Show a volume.",
            &[("GET", "/volumes/{volume_id}")],
        )
        .deprecated_rule(deprecated(GET_POLICY, RULE_ADMIN_OR_OWNER)),
        RuleDefault::documented(
            GET_ALL_POLICY,
            SYSTEM_READER_OR_PROJECT_READER,
            "List volumes, or show their summary.",
            &[
                ("GET", "/volumes"),
                ("GET", "/volumes/detail"),
                ("GET", "/volumes/summary"),
            ],
        )
        .deprecated_rule(deprecated(GET_ALL_POLICY, RULE_ADMIN_OR_OWNER)),
        RuleDefault::documented(
            UPDATE_POLICY,
            SYSTEM_ADMIN_OR_PROJECT_MEMBER,
            "Update a volume, or its bootable flag.",
            &[
                ("PUT", "/volumes"),
                ("POST", "/volumes/{volume_id}/action (os-set_bootable)"),
            ],
        )
        .deprecated_rule(deprecated(UPDATE_POLICY, RULE_ADMIN_OR_OWNER)),
        RuleDefault::documented(
            DELETE_POLICY,
            SYSTEM_ADMIN_OR_PROJECT_MEMBER,
            "Delete a volume.",
            &[("DELETE", "/volumes/{volume_id}")],
        )
        .deprecated_rule(deprecated(DELETE_POLICY, RULE_ADMIN_OR_OWNER)),
        RuleDefault::documented(
            FORCE_DELETE_POLICY,
            RULE_ADMIN_API,
            "Delete a volume whatever its state (force=true).",
            &[("DELETE", "/volumes/{volume_id}")],
        ),
        RuleDefault::documented(
            HOST_ATTRIBUTE_POLICY,
            RULE_ADMIN_API,
            "Include the host attribute when listing or showing volumes.",
            show_ops,
        ),
        RuleDefault::documented(
            TENANT_ATTRIBUTE_POLICY,
            SYSTEM_READER_OR_PROJECT_READER,
            "Include the tenant (project) attribute when listing or showing volumes.",
            show_ops,
        )
        .deprecated_rule(deprecated(TENANT_ATTRIBUTE_POLICY, RULE_ADMIN_OR_OWNER)),
        RuleDefault::documented(
            MIG_ATTRIBUTE_POLICY,
            RULE_ADMIN_API,
            "Include the migration status attributes when listing or showing volumes.",
            show_ops,
        ),
        RuleDefault::documented(
            ENCRYPTION_METADATA_POLICY,
            SYSTEM_READER_OR_PROJECT_READER,
            "Show the encryption metadata of a volume.",
            &[
                ("GET", "/volumes/{volume_id}/encryption"),
                ("GET", "/volumes/{volume_id}/encryption/{encryption_key}"),
            ],
        )
        .deprecated_rule(deprecated(ENCRYPTION_METADATA_POLICY, RULE_ADMIN_OR_OWNER)),
        RuleDefault::documented(
            MULTIATTACH_POLICY,
            SYSTEM_ADMIN_OR_PROJECT_MEMBER,
            "Create a volume that can be attached to several servers.",
            &[("POST", "/volumes")],
        )
        .deprecated_rule(deprecated(MULTIATTACH_POLICY, RULE_ADMIN_OR_OWNER)),
    ]
}
