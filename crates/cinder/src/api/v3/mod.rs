//! The Block Storage v3 API (`cinder/api/v3/`).

pub mod default_types;
pub mod limits;
pub mod router;
pub mod types;
pub mod views;
pub mod volumes;

pub mod state;
