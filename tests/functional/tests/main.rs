//! The functional suite: one test binary, a module per area of the API.

mod versions;
