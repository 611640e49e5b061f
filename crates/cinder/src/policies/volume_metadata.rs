//! Volume metadata and image metadata policies — `cinder/policies/volume_metadata.py`.

use openstack_service::policy::RuleDefault;

use super::base::{
    deprecated, RULE_ADMIN_API, RULE_ADMIN_OR_OWNER, SYSTEM_ADMIN_OR_PROJECT_MEMBER,
    SYSTEM_READER_OR_PROJECT_READER,
};

pub const GET_POLICY: &str = "volume:get_volume_metadata";
pub const CREATE_POLICY: &str = "volume:create_volume_metadata";
pub const DELETE_POLICY: &str = "volume:delete_volume_metadata";
pub const UPDATE_POLICY: &str = "volume:update_volume_metadata";
/// Replaced by the three `:show` / `:set` / `:remove` rules below.
pub const IMAGE_METADATA_POLICY: &str = "volume_extension:volume_image_metadata";
pub const IMAGE_METADATA_SHOW_POLICY: &str = "volume_extension:volume_image_metadata:show";
pub const IMAGE_METADATA_SET_POLICY: &str = "volume_extension:volume_image_metadata:set";
pub const IMAGE_METADATA_REMOVE_POLICY: &str = "volume_extension:volume_image_metadata:remove";
pub const UPDATE_ADMIN_METADATA_POLICY: &str = "volume:update_volume_admin_metadata";

pub fn list_rules() -> Vec<RuleDefault> {
    let image_metadata = deprecated(IMAGE_METADATA_POLICY, RULE_ADMIN_OR_OWNER).reason(
        "volume_extension:volume_image_metadata was split into separate rules for showing, \
         setting and removing image metadata.",
    );
    vec![
        RuleDefault::documented(
            GET_POLICY,
            SYSTEM_READER_OR_PROJECT_READER,
            "Show the metadata of a volume, or one item of it.",
            &[
                ("GET", "/volumes/{volume_id}/metadata"),
                ("GET", "/volumes/{volume_id}/metadata/{key}"),
                (
                    "POST",
                    "/volumes/{volume_id}/action  (os-show_image_metadata)",
                ),
            ],
        )
        .deprecated_rule(deprecated(GET_POLICY, RULE_ADMIN_OR_OWNER)),
        RuleDefault::documented(
            CREATE_POLICY,
            SYSTEM_ADMIN_OR_PROJECT_MEMBER,
            "Add metadata to a volume.",
            &[("POST", "/volumes/{volume_id}/metadata")],
        )
        .deprecated_rule(deprecated(CREATE_POLICY, RULE_ADMIN_OR_OWNER)),
        RuleDefault::documented(
            UPDATE_POLICY,
            SYSTEM_ADMIN_OR_PROJECT_MEMBER,
            "Replace all metadata of a volume, or set one item of it.",
            &[
                ("PUT", "/volumes/{volume_id}/metadata"),
                ("PUT", "/volumes/{volume_id}/metadata/{key}"),
            ],
        )
        .deprecated_rule(deprecated(UPDATE_POLICY, RULE_ADMIN_OR_OWNER)),
        RuleDefault::documented(
            DELETE_POLICY,
            SYSTEM_ADMIN_OR_PROJECT_MEMBER,
            "Delete one metadata item of a volume.",
            &[("DELETE", "/volumes/{volume_id}/metadata/{key}")],
        )
        .deprecated_rule(deprecated(DELETE_POLICY, RULE_ADMIN_OR_OWNER)),
        RuleDefault::documented(
            IMAGE_METADATA_SHOW_POLICY,
            SYSTEM_READER_OR_PROJECT_READER,
            "Include the image metadata of volumes in volume responses (the calls \
             themselves are governed by other rules).",
            &[("GET", "/volumes/detail"), ("GET", "/volumes/{volume_id}")],
        )
        .deprecated_rule(image_metadata.clone()),
        RuleDefault::documented(
            IMAGE_METADATA_SET_POLICY,
            SYSTEM_ADMIN_OR_PROJECT_MEMBER,
            "Set image metadata of a volume.",
            &[(
                "POST",
                "/volumes/{volume_id}/action (os-set_image_metadata)",
            )],
        )
        .deprecated_rule(image_metadata.clone()),
        RuleDefault::documented(
            IMAGE_METADATA_REMOVE_POLICY,
            SYSTEM_ADMIN_OR_PROJECT_MEMBER,
            "Remove an item of image metadata from a volume.",
            &[(
                "POST",
                "/volumes/{volume_id}/action (os-unset_image_metadata)",
            )],
        )
        .deprecated_rule(image_metadata),
        RuleDefault::documented(
            UPDATE_ADMIN_METADATA_POLICY,
            RULE_ADMIN_API,
            "Update the admin metadata of a volume; needed by these calls in addition to \
             their own rules.",
            &[
                (
                    "POST",
                    "/volumes/{volume_id}/action (os-update_readonly_flag)",
                ),
                ("POST", "/volumes/{volume_id}/action (os-attach)"),
            ],
        ),
    ]
}
