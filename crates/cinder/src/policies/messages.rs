//! User message policies (3.3) — `cinder/policies/messages.py`.

use openstack_service::policy::RuleDefault;

use super::base::{
    deprecated, RULE_ADMIN_OR_OWNER, SYSTEM_ADMIN_OR_PROJECT_MEMBER,
    SYSTEM_READER_OR_PROJECT_READER,
};

pub const DELETE_POLICY: &str = "message:delete";
pub const GET_POLICY: &str = "message:get";
pub const GET_ALL_POLICY: &str = "message:get_all";

pub fn list_rules() -> Vec<RuleDefault> {
    vec![
        RuleDefault::documented(
            GET_ALL_POLICY,
            SYSTEM_READER_OR_PROJECT_READER,
            "List messages.",
            &[("GET", "/messages")],
        )
        .deprecated_rule(deprecated(GET_ALL_POLICY, RULE_ADMIN_OR_OWNER)),
        RuleDefault::documented(
            GET_POLICY,
            SYSTEM_READER_OR_PROJECT_READER,
            "Show a message.",
            &[("GET", "/messages/{message_id}")],
        )
        .deprecated_rule(deprecated(GET_POLICY, RULE_ADMIN_OR_OWNER)),
        RuleDefault::documented(
            DELETE_POLICY,
            SYSTEM_ADMIN_OR_PROJECT_MEMBER,
            "Delete a message.",
            &[("DELETE", "/messages/{message_id}")],
        )
        .deprecated_rule(deprecated(DELETE_POLICY, RULE_ADMIN_OR_OWNER)),
    ]
}
