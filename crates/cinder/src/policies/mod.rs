//! cinder's default policies — `cinder/policies/`: one module per upstream file, with
//! upstream's rule names and check strings, for the Block Storage v3 API served here
//! (volumes and their actions and metadata, types, extra specs, type access, default types,
//! snapshots and their metadata and actions, limits, quotas, quota classes, services,
//! messages) plus the base aliases (`context_is_admin`, `admin_api`, …).
//!
//! [`register_defaults`] puts them on an [`Enforcer`]; [`enforcer`] is `cinder.policy.init`;
//! [`sample_policy`] is what `oslopolicy-sample-generator --namespace cinder` prints.

pub mod base;
pub mod default_types;
pub mod limits;
pub mod messages;
pub mod quota_class;
pub mod quotas;
pub mod services;
pub mod snapshot_actions;
pub mod snapshot_metadata;
pub mod snapshots;
pub mod type_extra_specs;
pub mod volume_access;
pub mod volume_actions;
pub mod volume_metadata;
pub mod volume_type;
pub mod volumes;

use openstack_config::ConfigOpts;
use openstack_service::policy::{sample, Enforcer, PolicyError, RuleDefault};

/// Every default, in upstream's `cinder.policies.list_rules()` order.
pub fn list_rules() -> Vec<RuleDefault> {
    [
        base::list_rules(),
        messages::list_rules(),
        snapshot_metadata::list_rules(),
        snapshots::list_rules(),
        snapshot_actions::list_rules(),
        quota_class::list_rules(),
        quotas::list_rules(),
        services::list_rules(),
        limits::list_rules(),
        volume_type::list_rules(),
        volume_access::list_rules(),
        volume_actions::list_rules(),
        volume_metadata::list_rules(),
        type_extra_specs::list_rules(),
        volumes::list_rules(),
        default_types::list_rules(),
    ]
    .concat()
}

/// `cinder.policy.register_rules`.
pub fn register_defaults(enforcer: &mut Enforcer) {
    enforcer.register_defaults(list_rules());
}

/// `cinder.policy.init`: an enforcer configured by `[oslo_policy]` (registered on `conf`
/// before parsing), cinder's defaults registered, the policy files read. The error is the
/// one line to print at start-up.
pub fn enforcer(conf: &ConfigOpts) -> Result<Enforcer, PolicyError> {
    let mut enforcer = Enforcer::from_conf(conf)?;
    register_defaults(&mut enforcer);
    enforcer.load_rules()?;
    Ok(enforcer)
}

/// A sample `policy.yaml` with every default commented out.
pub fn sample_policy() -> String {
    sample::generate(&list_rules())
}

#[cfg(test)]
mod tests;
