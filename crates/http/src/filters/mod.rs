//! The standard filters named in upstream `api-paste.ini` files (oslo.middleware,
//! keystonemiddleware, cinder's and nova's own), as tower services: one file per filter.

pub mod request_id;
pub mod cors;
pub mod faultwrap;
pub mod proxy;
pub mod sizelimit;
