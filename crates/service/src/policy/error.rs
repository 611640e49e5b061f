//! What can go wrong in the policy engine: a check string that does not parse, a policy file
//! that cannot be used, a rule nobody registered, and the one outcome callers turn into 403.

use std::path::PathBuf;

use openstack_config::ConfigError;

/// Why a check string was refused. Upstream logs these and fails closed; we refuse them
/// up front so an operator learns at start-up, not from a puzzling 403.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("could not parse check string {check_str:?}: {reason}")]
pub struct ParseError {
    /// The whole check string that was being parsed.
    pub check_str: String,
    /// What is wrong with it, in one phrase.
    pub reason: String,
}

impl ParseError {
    pub(crate) fn new(check_str: &str, reason: impl Into<String>) -> ParseError {
        ParseError {
            check_str: check_str.to_string(),
            reason: reason.into(),
        }
    }
}

/// Errors of the policy engine.
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    /// The rule said no (oslo.policy's `PolicyNotAuthorized`; cinder's message). Scope
    /// mismatches end here too, as `cinder.policy.enforce` turns `InvalidScope` into it.
    #[error("Policy doesn't allow {rule} to be performed.")]
    NotAuthorized { rule: String },

    /// `authorize` was asked about a rule no code registered (`PolicyNotRegistered`).
    #[error("Policy {0} has not been registered")]
    NotRegistered(String),

    /// A rule was registered twice (`DuplicatePolicyError`).
    #[error("Policy {0} is already registered")]
    Duplicate(String),

    /// A default registered by code does not parse: a bug in the service.
    #[error("Invalid policy rule default {rule:?}: {source}")]
    InvalidDefault {
        rule: String,
        #[source]
        source: ParseError,
    },

    /// A policy file (policy.yaml, policy.json or a file in a policy directory) cannot be
    /// used. Displays as the one line an operator needs: the file, the rule if one is to
    /// blame, and why.
    #[error("{}", file_error_line(.path, .rule.as_deref(), .reason))]
    File {
        path: PathBuf,
        rule: Option<String>,
        reason: String,
    },

    #[error(transparent)]
    Config(#[from] ConfigError),
}

fn file_error_line(path: &std::path::Path, rule: Option<&str>, reason: &str) -> String {
    match rule {
        Some(rule) => format!(
            "Invalid policy file {}: rule {rule:?}: {reason}",
            path.display()
        ),
        None => format!("Invalid policy file {}: {reason}", path.display()),
    }
}

impl PolicyError {
    /// Whether this is the caller's fault (403) rather than the service's (500).
    pub fn is_not_authorized(&self) -> bool {
        matches!(self, PolicyError::NotAuthorized { .. })
    }
}
