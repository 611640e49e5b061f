//! The HTTP side of the service runtime: a paste.deploy-compatible loader that turns an
//! unmodified `api-paste.ini` into a tower stack, the standard WSGI filters of
//! oslo.middleware / keystonemiddleware / cinder as tower services, OpenStack faults, and the
//! HTTP server (oslo_service.wsgi.Server) that serves the stack in each worker.
//!
//! Seams with the other crates: doc/adr/0001-runtime-interfaces.md.

use std::convert::Infallible;
use std::sync::Arc;

pub mod fault;
pub mod filters;
pub mod paste;
pub mod server;

/// The body type of every request and response in a stack.
pub type Body = axum::body::Body;
/// A request travelling through a stack.
pub type Request = http::Request<Body>;
/// A response travelling back out of a stack.
pub type Response = http::Response<Body>;
/// One built WSGI "application": a cloneable, shareable tower service that never fails
/// (errors are responses, faultwrap turns everything else into a 500 fault).
pub type HttpService = tower::util::BoxCloneSyncService<Request, Response, Infallible>;
/// A built paste filter: wraps the next application.
pub type Filter = Arc<dyn Fn(HttpService) -> HttpService + Send + Sync>;

/// The ids the request_id filter puts into the request extensions
/// (`openstack.request_id` / `openstack.global_request_id` in the WSGI environ).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestIds {
    pub request_id: String,
    pub global_request_id: Option<String>,
}
