//! Policy enforcement compatible with oslo.policy: the same rule language (`role:admin`,
//! `rule:admin_api`, `project_id:%(project_id)s`, `is_admin:True`, `@`, `!`, `and` / `or` /
//! `not`, parentheses), defaults registered by code, operator overrides from `policy.yaml`
//! (or `policy.json`) and `policy.d/` found the way oslo.policy finds them, the
//! `[oslo_policy]` options, deprecated rules, and reloading when a policy file changes.
//!
//! A service registers its defaults on an [`Enforcer`], calls [`Enforcer::load_rules`] at
//! start-up (a bad policy file stops it with one line naming the file and the rule), then
//! asks [`Enforcer::authorize`] with the request's [`RequestContext`](crate::RequestContext)
//! and a [`Target`].
//!
//! Differences from upstream, all on purpose: a check string that upstream would log and
//! treat as "deny" (no `:`, unbalanced, `http:` checks, bad `%` substitutions) is an error;
//! duplicate keys in a YAML file are an error (PyYAML keeps the last); files are looked at
//! for changes at most once per [`Enforcer::set_reload_interval`] (1 s by default) and a
//! file that turns bad while running is logged and the last good rules are kept.

mod check;
mod defaults;
mod enforcer;
mod error;
mod file;
mod parser;
pub mod sample;
mod values;

pub use check::{Check, FieldCheck, Template};
pub use defaults::{DeprecatedRule, Operation, RuleDefault};
pub use enforcer::Enforcer;
pub use error::{ParseError, PolicyError};
pub use parser::{parse_list_rule, parse_rule};
pub use values::{Credentials, Target};

use openstack_config::{options, ConfigError, ConfigOpts, Opt};

options! {
    /// `[oslo_policy]` (oslo_policy/opts.py) — the options this engine honours. The
    /// `remote_*` options of `http:` checks are not registered: such checks are refused.
    #[derive(Debug, Clone, PartialEq)]
    pub struct PolicyOpts in "oslo_policy" {
        enforce_scope: bool = Opt::bool().default("true").deprecated_for_removal()
            .deprecated_reason("Scope is meant to be always enforced; this switch only \
                eases the move to scoped policies.")
            .help("Whether a rule's scope_types are enforced. When true, a token whose scope \
                (system, domain or project) is not among the rule's scope types is refused; \
                when false such calls are only logged."),
        enforce_new_defaults: bool = Opt::bool().default("true")
            .help("Whether only the current default check strings are used. When false, the \
                check string of a deprecated rule is OR-ed with its replacement, so tokens \
                that the old defaults allowed keep working during an upgrade."),
        policy_file: String = Opt::str().default("policy.yaml")
            .help("The file of policy overrides (YAML, or JSON). A relative path is looked \
                for next to the configuration files and in the usual configuration \
                directories."),
        policy_default_rule: String = Opt::str().default("default")
            .help("The rule used when a referenced rule does not exist."),
        policy_dirs: Vec<String> = Opt::multi_str().defaults(&["policy.d"])
            .help("Directories of further policy files, applied in name order after \
                policy_file. Relative paths are looked for like policy_file; missing \
                directories are ignored."),
    }
}

impl Default for PolicyOpts {
    fn default() -> PolicyOpts {
        PolicyOpts {
            enforce_scope: true,
            enforce_new_defaults: true,
            policy_file: "policy.yaml".into(),
            policy_default_rule: "default".into(),
            policy_dirs: vec!["policy.d".into()],
        }
    }
}

/// Registers `[oslo_policy]`; call before `ConfigOpts::parse_args`.
pub fn register_opts(conf: &mut ConfigOpts) -> Result<(), ConfigError> {
    conf.register::<PolicyOpts>()
}

#[cfg(test)]
mod tests;
