//! The Block Storage v3 API (`cinder/api/v3/`).

pub mod default_types;
pub mod limits;
pub mod messages;
pub mod router;
pub mod snapshot_metadata;
pub mod snapshots;
pub mod types;
pub mod views;
pub mod volume_metadata;
pub mod volumes;
pub mod volumes_summary;

pub mod state;
