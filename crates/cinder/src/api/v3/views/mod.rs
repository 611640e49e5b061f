//! The view builders of the v3 API (`cinder/api/v3/views/`): database rows → JSON bodies.

pub mod messages;
pub mod snapshots;
pub mod types;
pub mod volumes;
