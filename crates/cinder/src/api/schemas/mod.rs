//! cinder's request-body schemas (`cinder/api/schemas/`) with their parameter types and
//! format checkers, checked by `openstack_http::validation` exactly as
//! `@validation.schema` checks them upstream: same keys, types, bounds, patterns and key
//! order, so a refused body gets upstream's status and message. Each schema is a function
//! named after the upstream dict; the module docs say which microversions use which.

pub mod admin_actions;
pub mod default_types;
pub mod formats;
pub mod parameter_types;
pub mod quota_classes;
pub mod quotas;
pub mod scheduler_hints;
pub mod services;
pub mod snapshot_actions;
pub mod snapshot_metadata;
pub mod snapshots;
pub mod types_extra_specs;
pub mod volume_actions;
pub mod volume_metadata;
pub mod volume_type_access;
pub mod volume_types;
pub mod volumes;

use std::sync::OnceLock;

use openstack_http::validation::{self, Formats, ValidationError};
use serde_json::Value;

pub use formats::QuotaResources;

/// Validates a request body against one of these schemas with cinder's format checkers.
/// `quota_set` and `quota_class_set` know only the global quota resources here; a quota
/// update validates with [`validate_with_quotas`] and the volume types of the moment.
pub fn validate(schema: &Value, body: &Value) -> Result<(), ValidationError> {
    static FORMATS: OnceLock<Formats> = OnceLock::new();
    let formats = FORMATS.get_or_init(|| formats::cinder(QuotaResources::with_volume_types([])));
    validation::validate_with(schema, body, formats)
}

/// [`validate`] with these quota resources.
pub fn validate_with_quotas(
    schema: &Value,
    body: &Value,
    resources: QuotaResources,
) -> Result<(), ValidationError> {
    validation::validate_with(schema, body, &formats::cinder(resources))
}

#[cfg(test)]
mod test_support;
