//! The functional suite: one test binary, a module per area of the API.

mod quotas;
mod services;
mod snapshots;
mod types;
mod versions;
mod volume_actions;
mod volumes;
