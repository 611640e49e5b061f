//! Response helpers of cinder's `Resource` (`cinder/api/openstack/wsgi.py`): JSON bodies with
//! the negotiated microversion echoed in `OpenStack-API-Version` and `Vary`, and the faults a
//! bad microversion gets.

use http::header::{CONTENT_TYPE, VARY};
use http::{HeaderValue, StatusCode};
use openstack_http::fault::{fault_response, to_python_json};
use openstack_http::filters::proxy::request_url;
use openstack_http::{Body, Request, Response};

use super::api_version_request::{ApiVersion, VersionError, API_VERSION_HEADER};

/// A JSON response as a cinder `Resource` sends it.
pub fn json_response(
    status: StatusCode,
    body: &serde_json::Value,
    version: ApiVersion,
) -> Response {
    let mut resp = Response::new(Body::from(to_python_json(body)));
    *resp.status_mut() = status;
    resp.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    with_version_headers(resp, version)
}

/// Adds `OpenStack-API-Version: volume X.Y` and `Vary: OpenStack-API-Version`.
pub fn with_version_headers(mut resp: Response, version: ApiVersion) -> Response {
    if let Ok(v) = HeaderValue::from_str(&format!("volume {version}")) {
        resp.headers_mut().insert(API_VERSION_HEADER, v);
    }
    resp.headers_mut()
        .append(VARY, HeaderValue::from_static(API_VERSION_HEADER));
    resp
}

/// The fault a refused microversion gets (400 `badRequest` or 406 `computeFault`). A
/// well-formed but unsupported version is echoed back in the headers, as upstream does.
pub fn version_fault(err: &VersionError) -> Response {
    let resp = fault_response(err.status(), &err.to_string());
    match err {
        VersionError::NotSupported(v) => match ApiVersion::parse(v) {
            Some(version) => with_version_headers(resp, version),
            None => resp,
        },
        _ => resp,
    }
}

/// Runs one controller method the way cinder's `Resource` does, with its log lines: the
/// request (INFO), the method called (DEBUG), and the status it returned (INFO).
pub fn process(req: &Request, method: &str, handler: impl FnOnce() -> Response) -> Response {
    let url = request_url(req);
    tracing::info!(target: "cinder.api.openstack.wsgi", "{} {url}", req.method());
    tracing::debug!(target: "cinder.api.openstack.wsgi", "Calling method '{method}'");
    let resp = handler();
    tracing::info!(
        target: "cinder.api.openstack.wsgi",
        "{url} returned with HTTP {}",
        resp.status().as_u16()
    );
    resp
}
