//! The functional suite: one test binary, a module per area of the API.

mod quotas;
mod types;
mod versions;
mod volumes;
