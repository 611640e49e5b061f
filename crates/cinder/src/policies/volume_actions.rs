//! Volume action policies (`POST /volumes/{id}/action`) — `cinder/policies/volume_actions.py`.

use openstack_service::policy::RuleDefault;

use super::base::{
    deprecated, RULE_ADMIN_API, RULE_ADMIN_OR_OWNER, SYSTEM_ADMIN_OR_PROJECT_MEMBER,
};

pub const EXTEND_POLICY: &str = "volume:extend";
pub const EXTEND_ATTACHED_POLICY: &str = "volume:extend_attached_volume";
pub const EXTEND_COMPLETE_POLICY: &str =
    "volume_extension:volume_admin_actions:extend_volume_completion";
pub const REVERT_POLICY: &str = "volume:revert_to_snapshot";
pub const RESET_STATUS: &str = "volume_extension:volume_admin_actions:reset_status";
pub const RETYPE_POLICY: &str = "volume:retype";
pub const UPDATE_READONLY_POLICY: &str = "volume:update_readonly_flag";
pub const FORCE_DELETE_POLICY: &str = "volume_extension:volume_admin_actions:force_delete";
pub const FORCE_DETACH_POLICY: &str = "volume_extension:volume_admin_actions:force_detach";
pub const UPLOAD_PUBLIC_POLICY: &str = "volume_extension:volume_actions:upload_public";
pub const UPLOAD_IMAGE_POLICY: &str = "volume_extension:volume_actions:upload_image";
pub const MIGRATE_POLICY: &str = "volume_extension:volume_admin_actions:migrate_volume";
pub const MIGRATE_COMPLETE_POLICY: &str =
    "volume_extension:volume_admin_actions:migrate_volume_completion";
pub const DETACH_POLICY: &str = "volume_extension:volume_actions:detach";
pub const ATTACH_POLICY: &str = "volume_extension:volume_actions:attach";
pub const BEGIN_DETACHING_POLICY: &str = "volume_extension:volume_actions:begin_detaching";
pub const UNRESERVE_POLICY: &str = "volume_extension:volume_actions:unreserve";
pub const RESERVE_POLICY: &str = "volume_extension:volume_actions:reserve";
pub const ROLL_DETACHING_POLICY: &str = "volume_extension:volume_actions:roll_detaching";
pub const TERMINATE_POLICY: &str = "volume_extension:volume_actions:terminate_connection";
pub const INITIALIZE_POLICY: &str = "volume_extension:volume_actions:initialize_connection";
pub const REIMAGE_POLICY: &str = "volume:reimage";
pub const REIMAGE_RESERVED_POLICY: &str = "volume:reimage_reserved";

/// A rule for one action, allowed to the owning project's members.
fn member_action(name: &str, description: &str, action: &str) -> RuleDefault {
    RuleDefault::documented(
        name,
        SYSTEM_ADMIN_OR_PROJECT_MEMBER,
        description,
        &[("POST", &format!("/volumes/{{volume_id}}/action ({action})"))],
    )
    .deprecated_rule(deprecated(name, RULE_ADMIN_OR_OWNER))
}

/// A rule for one action, allowed to admins only.
fn admin_action(name: &str, description: &str, action: &str) -> RuleDefault {
    RuleDefault::documented(
        name,
        RULE_ADMIN_API,
        description,
        &[("POST", &format!("/volumes/{{volume_id}}/action ({action})"))],
    )
}

pub fn list_rules() -> Vec<RuleDefault> {
    let reimage = |name: &str, description: &str| {
        RuleDefault::documented(
            name,
            SYSTEM_ADMIN_OR_PROJECT_MEMBER,
            description,
            &[("POST", "/volumes/{volume_id}/action (os-reimage)")],
        )
    };
    vec![
        member_action(EXTEND_POLICY, "Extend a volume.", "os-extend"),
        member_action(
            EXTEND_ATTACHED_POLICY,
            "Extend an attached volume.",
            "os-extend",
        ),
        admin_action(
            EXTEND_COMPLETE_POLICY,
            "Finish extending a volume.",
            "os-extend_volume_completion",
        ),
        member_action(REVERT_POLICY, "Revert a volume to a snapshot.", "revert"),
        admin_action(
            RESET_STATUS,
            "Reset the status of a volume.",
            "os-reset_status",
        ),
        member_action(RETYPE_POLICY, "Change the type of a volume.", "os-retype"),
        member_action(
            UPDATE_READONLY_POLICY,
            "Set or clear the read-only flag of a volume.",
            "os-update_readonly_flag",
        ),
        admin_action(
            FORCE_DELETE_POLICY,
            "Delete a volume by force.",
            "os-force_delete",
        ),
        admin_action(
            UPLOAD_PUBLIC_POLICY,
            "Upload a volume to a public image.",
            "os-volume_upload_image",
        ),
        member_action(
            UPLOAD_IMAGE_POLICY,
            "Upload a volume to an image.",
            "os-volume_upload_image",
        ),
        admin_action(
            FORCE_DETACH_POLICY,
            "Detach a volume by force.",
            "os-force_detach",
        ),
        admin_action(
            MIGRATE_POLICY,
            "Migrate a volume to another host.",
            "os-migrate_volume",
        ),
        admin_action(
            MIGRATE_COMPLETE_POLICY,
            "Finish migrating a volume.",
            "os-migrate_volume_completion",
        ),
        member_action(
            INITIALIZE_POLICY,
            "Initialize the connection for attaching a volume.",
            "os-initialize_connection",
        ),
        member_action(
            TERMINATE_POLICY,
            "Terminate the connection of an attached volume.",
            "os-terminate_connection",
        ),
        member_action(
            ROLL_DETACHING_POLICY,
            "Put a detaching volume back to 'in-use'.",
            "os-roll_detaching",
        ),
        member_action(RESERVE_POLICY, "Reserve a volume.", "os-reserve"),
        member_action(
            UNRESERVE_POLICY,
            "Release a volume's reservation.",
            "os-unreserve",
        ),
        member_action(
            BEGIN_DETACHING_POLICY,
            "Start detaching a volume.",
            "os-begin_detaching",
        ),
        member_action(
            ATTACH_POLICY,
            "Record an attachment of a volume.",
            "os-attach",
        ),
        member_action(
            DETACH_POLICY,
            "Remove an attachment record of a volume.",
            "os-detach",
        ),
        reimage(
            REIMAGE_POLICY,
            "Write an image onto a volume that is 'available' or in 'error'.",
        ),
        reimage(
            REIMAGE_RESERVED_POLICY,
            "Write an image onto a volume that is 'reserved'.",
        ),
    ]
}
