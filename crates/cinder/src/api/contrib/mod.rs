//! The API extensions cinder loads by default (`cinder/api/contrib/`).

pub mod admin_actions;
pub mod availability_zones;
pub mod quota_classes;
pub mod quotas;
pub mod services;
pub mod snapshot_actions;
pub mod types_extra_specs;
pub mod types_manage;
pub mod used_limits;
pub mod volume_actions;
pub mod volume_type_access;
pub mod volume_type_encryption;
