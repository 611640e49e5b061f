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
pub mod validation;

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

/// The logging span of a request, put on its response by the request_id filter so the
/// server's access line is logged inside it (with the ids and the user identity).
#[derive(Clone, Debug)]
pub struct RequestSpan(pub tracing::Span);

/// WSGI `SCRIPT_NAME`: the mount prefix consumed so far by urlmap composites (and
/// `X-Forwarded-Prefix`), as written in the request (percent-encoded). Absent means `""`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScriptName(pub String);

/// WSGI `PATH_INFO` as left by the last urlmap composite (percent-encoded). A URI path
/// cannot be empty, so after mounting `/v3` a request for `/v3` has URI path `/` and
/// `PathInfo("")`; read it with [`path_info`]. Absent means the URI path.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PathInfo(pub String);

/// `SCRIPT_NAME` of a request.
pub fn script_name<B>(req: &http::Request<B>) -> &str {
    req.extensions()
        .get::<ScriptName>()
        .map_or("", |s| s.0.as_str())
}

/// `PATH_INFO` of a request: the urlmap remainder when mounted, else the URI path.
pub fn path_info<B>(req: &http::Request<B>) -> &str {
    req.extensions()
        .get::<PathInfo>()
        .map_or_else(|| req.uri().path(), |p| p.0.as_str())
}
