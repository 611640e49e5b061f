//! The rule aliases every cinder policy builds on — `cinder/policies/base.py`: the legacy
//! `admin_or_owner` and `system_or_domain_or_project_admin`, `context_is_admin`,
//! `admin_api`, and the Xena persona rules that the current defaults point at.

use openstack_service::policy::{DeprecatedRule, RuleDefault};

/// Admin-only APIs.
pub const RULE_ADMIN_API: &str = "rule:admin_api";
/// The pre-Xena default of most non-admin APIs; now only the check string of deprecated rules.
pub const RULE_ADMIN_OR_OWNER: &str = "rule:admin_or_owner";
/// The pre-Xena default of the default-type APIs.
pub const SYSTEM_OR_DOMAIN_OR_PROJECT_ADMIN: &str = "rule:system_or_domain_or_project_admin";
/// A system-scoped admin.
pub const SYSTEM_ADMIN: &str = "role:admin and system_scope:all";

pub const XENA_SYSTEM_READER_OR_PROJECT_READER: &str = "rule:xena_system_admin_or_project_reader";
pub const XENA_SYSTEM_ADMIN_OR_PROJECT_MEMBER: &str = "rule:xena_system_admin_or_project_member";

/// The persona check strings the current defaults use (the Xena ones, as upstream).
pub const SYSTEM_READER_OR_PROJECT_READER: &str = XENA_SYSTEM_READER_OR_PROJECT_READER;
pub const SYSTEM_ADMIN_OR_PROJECT_MEMBER: &str = XENA_SYSTEM_ADMIN_OR_PROJECT_MEMBER;

/// `versionutils.deprecated.XENA`.
pub const DEPRECATED_SINCE: &str = "X";
/// Why the pre-Xena defaults were replaced.
pub const DEPRECATED_REASON: &str = "The defaults now use the Keystone default roles admin, \
    member and reader to give the Cinder personas system-admin, project-member and \
    project-reader; see \"Policy Personas and Permissions\" in the Cinder service \
    configuration guide.";

/// `CinderDeprecatedRule`: a deprecated rule with cinder's reason and release filled in.
pub fn deprecated(name: &str, check_str: &str) -> DeprecatedRule {
    DeprecatedRule::new(name, check_str)
        .reason(DEPRECATED_REASON)
        .since(DEPRECATED_SINCE)
}

const LEGACY: &str = "DEPRECATED: to be removed.";

pub fn list_rules() -> Vec<RuleDefault> {
    vec![
        // legacy rules
        RuleDefault::new(
            "admin_or_owner",
            "is_admin:True or (role:admin and is_admin_project:True) or project_id:%(project_id)s",
        )
        .description(&format!(
            "{LEGACY} The old default of the non-admin APIs: an admin, or anyone in the \
             owning project."
        )),
        RuleDefault::new(
            "system_or_domain_or_project_admin",
            "(role:admin and system_scope:all) or (role:admin and domain_id:%(domain_id)s) or \
             (role:admin and project_id:%(project_id)s)",
        )
        .description(&format!(
            "{LEGACY} The old default of the default-type APIs: an admin of the cloud, of \
             the domain or of the project."
        )),
        // xena rules
        RuleDefault::new("context_is_admin", "role:admin").description(
            "What a request needs for its context to be an admin context (the \
                'is_admin:True' check).",
        ),
        RuleDefault::new(
            "admin_api",
            "is_admin:True or (role:admin and is_admin_project:True)",
        )
        .description("The default of most admin-only APIs."),
        RuleDefault::new(
            "xena_system_admin_or_project_reader",
            "(role:admin) or (role:reader and project_id:%(project_id)s)",
        )
        .description("Any admin, or a reader of the owning project (project scope only)."),
        RuleDefault::new(
            "xena_system_admin_or_project_member",
            "(role:admin) or (role:member and project_id:%(project_id)s)",
        )
        .description("Any admin, or a member of the owning project (project scope only)."),
    ]
}
