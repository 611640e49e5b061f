//! cinder's `Resource` (`cinder/api/openstack/wsgi.py`): runs one controller method per
//! request with upstream's framing — the request and result log lines, microversion
//! negotiation, the route table, the JSON body (415 for another content type, 400 for a
//! malformed one), `OpenStack-API-Version`/`Vary` on every answer, and errors rendered as
//! faults through the one table of [`crate::exception`].

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::sync::Arc;

use futures_util::future::BoxFuture;
use http::header::{ACCEPT, CONTENT_TYPE, LOCATION, VARY};
use http::{HeaderMap, HeaderValue, Method, StatusCode};
use openstack_http::fault::{
    fault_response, fault_response_with, to_python_json, webob_default, webob_explanation,
    FaultStyle,
};
use openstack_http::filters::proxy::{application_url, request_url};
use openstack_http::{path_info, Body, HttpService, Request, Response};
use openstack_service::RequestContext;
use serde_json::Value;

use super::api_version_request::{negotiate, ApiVersion, VersionError, API_VERSION_HEADER};
use super::router::{Mapper, Resolution};
use crate::exception::{CinderError, Family};

/// What a controller method receives.
pub struct ApiRequest {
    pub ctx: Arc<RequestContext>,
    pub version: ApiVersion,
    pub method: Method,
    /// Path parameters of the route (`{id}` → `params["id"]`).
    pub params: BTreeMap<String, String>,
    /// The project id of the URL; `None` for project-less URLs (3.67).
    pub url_project_id: Option<String>,
    /// Query parameters in order (repeated keys kept).
    pub query: Vec<(String, String)>,
    pub headers: HeaderMap,
    /// The JSON body; `None` when the request had none.
    pub body: Option<Value>,
    /// The request URL (webob `request.url`).
    pub url: String,
    /// The URL of the application (`scheme://host` + SCRIPT_NAME), for links.
    pub application_url: String,
}

impl ApiRequest {
    /// The project the request acts on: the URL's, else the context's.
    pub fn project_id(&self) -> Option<&str> {
        self.url_project_id
            .as_deref()
            .or(self.ctx.project_id.as_deref())
    }

    /// A path parameter.
    pub fn param(&self, name: &str) -> &str {
        self.params.get(name).map_or("", String::as_str)
    }

    /// The first value of a query parameter.
    pub fn query_value(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body, or upstream's 400 when a method needs one.
    pub fn require_body(&self) -> Result<&Value, CinderError> {
        self.body
            .as_ref()
            .ok_or_else(|| CinderError::bad_request("Missing required element in request body."))
    }
}

/// What a controller method answers.
pub struct ApiResponse {
    pub status: StatusCode,
    pub body: Option<Value>,
    pub headers: HeaderMap,
}

impl ApiResponse {
    /// A JSON body with `status`.
    pub fn json(status: StatusCode, body: Value) -> ApiResponse {
        ApiResponse {
            status,
            body: Some(body),
            headers: HeaderMap::new(),
        }
    }

    /// No body (202, 204, ...).
    pub fn empty(status: StatusCode) -> ApiResponse {
        ApiResponse {
            status,
            body: None,
            headers: HeaderMap::new(),
        }
    }
}

/// The result of a controller method.
pub type ApiResult = Result<ApiResponse, CinderError>;

/// A controller method: `fn(state, request) -> future of the result`.
pub type Handler<S> = fn(Arc<S>, ApiRequest) -> BoxFuture<'static, ApiResult>;

/// Makes a [`Handler`] of an `async fn(Arc<S>, ApiRequest) -> ApiResult`.
#[macro_export]
macro_rules! handler {
    ($f:path) => {
        |state, req| ::std::boxed::Box::pin($f(state, req))
    };
}

/// A routed API application: the state shared by its controllers and the route table.
pub struct Resource<S> {
    state: Arc<S>,
    mapper: Arc<Mapper<Handler<S>>>,
    /// Where an empty PATH_INFO redirects (`mapper.redirect("", "/")`).
    redirect_empty: bool,
}

impl<S: Send + Sync + 'static> Resource<S> {
    pub fn new(state: Arc<S>, mapper: Mapper<Handler<S>>) -> Resource<S> {
        Resource {
            state,
            mapper: Arc::new(mapper),
            redirect_empty: true,
        }
    }

    /// The tower service of this application. Each request runs to completion in a task of
    /// its own: a client that disconnects must not cancel a controller half-way through a
    /// database transaction (a cancelled `BEGIN` would hand a connection back to the pool
    /// inside a transaction). eventlet likewise finishes a request whose client went away.
    pub fn into_service(self) -> HttpService {
        let this = Arc::new(self);
        HttpService::new(tower::service_fn(move |req: Request| {
            let this = Arc::clone(&this);
            async move {
                let task = tokio::spawn(async move { this.call(req).await });
                Ok::<_, Infallible>(match task.await {
                    Ok(resp) => resp,
                    Err(e) => {
                        let err = CinderError::Internal(format!("request task failed: {e}"));
                        error_response(&err, super::api_version_request::MIN_API_VERSION)
                    }
                })
            }
        }))
    }

    async fn call(&self, req: Request) -> Response {
        let path = path_info(&req).to_string();
        if path.is_empty() && self.redirect_empty {
            return redirect(&format!("{}/", application_url(&req)));
        }
        let url = request_url(&req);
        tracing::info!(target: "cinder.api.openstack.wsgi", "{} {url}", req.method());
        let resp = self.dispatch(req, &path, &url).await;
        tracing::info!(
            target: "cinder.api.openstack.wsgi",
            "{url} returned with HTTP {}",
            resp.status().as_u16()
        );
        resp
    }

    async fn dispatch(&self, req: Request, path: &str, url: &str) -> Response {
        let version = match negotiate(req.headers()) {
            Ok(v) => v,
            Err(e) => return version_fault(&e),
        };
        let (route, params, url_project_id) = match self.mapper.resolve(req.method(), path, version)
        {
            Resolution::Found {
                route,
                params,
                project_id,
            } => (route, params, project_id),
            // The router has no such path: a plain 404 (not a fault), as upstream.
            Resolution::NotFound => {
                return webob_default(StatusCode::NOT_FOUND, req.headers().get(ACCEPT))
            }
            Resolution::VersionNotFound => {
                let fault = fault_response(
                    StatusCode::NOT_FOUND,
                    webob_explanation(StatusCode::NOT_FOUND),
                );
                return with_version_headers(fault, version);
            }
        };
        let Some(ctx) = req.extensions().get::<Arc<RequestContext>>().cloned() else {
            let err =
                CinderError::Internal("no request context: is an auth filter missing?".into());
            return error_response(&err, version);
        };
        let application_url = application_url(&req);
        let query = parse_query(req.uri().query().unwrap_or(""));
        let method = req.method().clone();
        let (parts, body) = req.into_parts();
        let body = match read_json_body(&parts.headers, body).await {
            Ok(b) => b,
            Err(e) => return error_response(&e, version),
        };
        tracing::debug!(
            target: "cinder.api.openstack.wsgi",
            "Calling method '{}'",
            route.action
        );
        let request = ApiRequest {
            ctx,
            version,
            method,
            params,
            url_project_id,
            query,
            headers: parts.headers,
            body,
            url: url.to_string(),
            application_url,
        };
        match (route.handler)(Arc::clone(&self.state), request).await {
            Ok(resp) => api_response(resp, version),
            Err(e) => error_response(&e, version),
        }
    }
}

/// The JSON media types cinder accepts.
const JSON_TYPES: [&str; 2] = ["application/json", "application/vnd.openstack.volume+json"];

/// upstream's `get_body` + JSON deserialisation: no body or no Content-Type → `None`; another
/// content type → 415; bad JSON → 400.
async fn read_json_body(headers: &HeaderMap, body: Body) -> Result<Option<Value>, CinderError> {
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .map_err(|_| CinderError::bad_request("Malformed request body"))?;
    if bytes.is_empty() {
        return Ok(None);
    }
    let Some(content_type) = headers.get(CONTENT_TYPE) else {
        tracing::debug!(target: "cinder.api.openstack.wsgi", "No Content-Type provided in request");
        return Ok(None);
    };
    let media = content_type
        .to_str()
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if !JSON_TYPES.contains(&media.as_str()) {
        return Err(CinderError::http(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Unsupported Content-Type",
        ));
    }
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|_| CinderError::bad_request("Malformed request body"))
}

/// `application/x-www-form-urlencoded` decoding of a query string.
fn parse_query(q: &str) -> Vec<(String, String)> {
    form_urlencoded(q)
}

fn form_urlencoded(q: &str) -> Vec<(String, String)> {
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode_component(k), decode_component(v))
        })
        .collect()
}

fn decode_component(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match std::str::from_utf8(&bytes[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn api_response(resp: ApiResponse, version: ApiVersion) -> Response {
    let mut out = match resp.body {
        Some(body) => json_response(resp.status, &body, version),
        None => {
            let mut r = Response::new(Body::empty());
            *r.status_mut() = resp.status;
            with_version_headers(r, version)
        }
    };
    for (name, value) in &resp.headers {
        out.headers_mut().insert(name, value.clone());
    }
    out
}

/// An error rendered as upstream renders it (see [`crate::exception`]).
pub fn error_response(err: &CinderError, version: ApiVersion) -> Response {
    let (name, status, family) = err.class();
    let message = match family {
        Family::NotAuthorized | Family::Client => err.to_string(),
        Family::Safe => format!("{name}: {err}"),
        Family::Internal => {
            tracing::error!(target: "cinder.api.middleware.fault", "Caught error: {name} {err}");
            webob_explanation(status).to_string()
        }
    };
    let mut headers = HeaderMap::new();
    if let Some(retry) = err.retry_after() {
        headers.insert(http::header::RETRY_AFTER, HeaderValue::from_static(retry));
    }
    let fault = fault_response_with(FaultStyle::Cinder, status, &message, headers);
    with_version_headers(fault, version)
}

/// A JSON response as a cinder `Resource` sends it.
pub fn json_response(status: StatusCode, body: &Value, version: ApiVersion) -> Response {
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
        .insert(VARY, HeaderValue::from_static(API_VERSION_HEADER));
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

/// `302 Found` to `location`.
pub fn redirect(location: &str) -> Response {
    let mut resp = Response::new(Body::empty());
    *resp.status_mut() = StatusCode::FOUND;
    if let Ok(v) = HeaderValue::from_str(location) {
        resp.headers_mut().insert(LOCATION, v);
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_strings_decode_like_webob() {
        assert_eq!(
            parse_query("limit=1&sort=name%3Aasc&name=a+b&flag"),
            vec![
                ("limit".to_string(), "1".to_string()),
                ("sort".to_string(), "name:asc".to_string()),
                ("name".to_string(), "a b".to_string()),
                ("flag".to_string(), String::new()),
            ]
        );
        assert_eq!(parse_query("x=%zz"), vec![("x".into(), "%zz".into())]);
    }

    #[test]
    fn internal_errors_hide_their_detail() {
        let resp = error_response(
            &CinderError::Internal("password=hunter2".into()),
            ApiVersion { major: 3, minor: 0 },
        );
        assert_eq!(resp.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }
}
