//! The standard filters named in upstream `api-paste.ini` files (oslo.middleware,
//! keystonemiddleware, cinder's and nova's own), as tower services: one file per filter.

pub mod authtoken;
pub mod cors;
pub mod faultwrap;
pub mod healthcheck;
pub mod keystonecontext;
pub mod noauth;
pub mod osprofiler;
pub mod proxy;
pub mod request_id;
pub mod sizelimit;
