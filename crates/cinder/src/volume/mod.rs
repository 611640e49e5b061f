//! The volume side of cinder (`cinder/volume/`): the API-level logic (`api.rs`: policy, quota,
//! database rows, hand-over to the scheduler) and the volume types (`volume_types.rs`).

pub mod actions;
pub mod api;
pub mod metadata;
pub mod snapshots;
pub mod volume_types;
