//! The Block Storage v3 API (`cinder/api/v3/`).

pub mod router;
pub mod state;
