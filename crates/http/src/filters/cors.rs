//! `oslo_middleware.cors:CORS`: Cross-Origin Resource Sharing for browser clients
//! (Horizon, Skyline). Every request, preflights included, goes to the application first;
//! on the way back a request from an allowed `Origin` gets `Access-Control-Allow-Origin`,
//! `Vary: Origin`, `Access-Control-Allow-Credentials` and `Access-Control-Expose-Headers`,
//! and an `OPTIONS` preflight is answered (a non-2xx answer of the application is replaced
//! by an empty 200) with the allowed method, headers and max age — W3C CORS §6.1 / §6.2 as
//! upstream implements them, including its quirks (`*` only as a configured origin,
//! comma-joined headers without spaces, nothing added when the application already set
//! `Access-Control-Allow-Origin`).

use http::header::{
    HeaderName, HeaderValue, ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_HEADERS,
    ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_EXPOSE_HEADERS,
    ACCESS_CONTROL_MAX_AGE, ACCESS_CONTROL_REQUEST_HEADERS, ACCESS_CONTROL_REQUEST_METHOD,
    CONTENT_LENGTH, ORIGIN, VARY,
};
use http::{Method, StatusCode};
use tower::util::BoxCloneSyncService;
use tower::ServiceExt;

use openstack_config::Opt;

use crate::{Body, HttpService, Request, Response};

openstack_config::options! {
    /// `[cors]` options (`oslo_middleware/cors.py`) with cinder's defaults
    /// (`cinder/common/config.py` `set_middleware_defaults`); other projects change them with
    /// [`set_cors_defaults`].
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct CorsOpts in "cors" {
        allowed_origin: Vec<String> = Opt::list()
            .help("Indicate whether this resource may be shared with the domain received in the requests \"origin\" header. Format: \"<protocol>://<host>[:<port>]\", no trailing slash. Example: https://horizon.example.com"),
        allow_credentials: bool = Opt::bool()
            .default("true")
            .help("Indicate that the actual request can include user credentials"),
        expose_headers: Vec<String> = Opt::list()
            .default("X-Auth-Token,X-Subject-Token,X-Service-Token,X-OpenStack-Request-ID,OpenStack-API-Version")
            .help("Indicate which headers are safe to expose to the API. Defaults to HTTP Simple Headers."),
        max_age: Option<i64> = Opt::int()
            .default("3600")
            .help("Maximum cache age of CORS preflight requests."),
        allow_methods: Vec<String> = Opt::list()
            .default("GET,PUT,POST,DELETE,PATCH,HEAD")
            .help("Indicate which methods can be used during the actual request."),
        allow_headers: Vec<String> = Opt::list()
            .default("X-Auth-Token,X-Identity-Status,X-Roles,X-Service-Catalog,X-User-Id,X-Tenant-Id,X-OpenStack-Request-ID,X-Trace-Info,X-Trace-HMAC,OpenStack-API-Version")
            .help("Indicate which header field names may be used during the actual request."),
    }
}

impl From<CorsOpts> for CorsSettings {
    fn from(o: CorsOpts) -> CorsSettings {
        CorsSettings {
            allowed_origin: o.allowed_origin,
            allow_credentials: o.allow_credentials,
            expose_headers: o.expose_headers,
            max_age: o.max_age,
            allow_methods: o.allow_methods,
            allow_headers: o.allow_headers,
        }
    }
}

/// `oslo_middleware.cors.set_defaults`: a project's own defaults for `[cors]` (nova and
/// neutron set theirs; the registered defaults are cinder's). Call after
/// `filters::register_opts`.
pub fn set_cors_defaults(
    conf: &mut openstack_config::ConfigOpts,
    allow_headers: &[&str],
    expose_headers: &[&str],
    allow_methods: &[&str],
) -> Result<(), openstack_config::ConfigError> {
    conf.set_default("cors", "allow_headers", &allow_headers.join(","))?;
    conf.set_default("cors", "expose_headers", &expose_headers.join(","))?;
    conf.set_default("cors", "allow_methods", &allow_methods.join(","))
}

/// The headers a browser may always send (`CORS.simple_headers`).
const SIMPLE_HEADERS: &[&str] = &[
    "Accept",
    "Accept-Language",
    "Content-Type",
    "Cache-Control",
    "Content-Language",
    "Expires",
    "Last-Modified",
    "Pragma",
];

/// The `[cors]` settings of one filter (after paste-section overrides).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorsSettings {
    /// `allowed_origin`: `<scheme>://<host>[:<port>]` entries, or `*`.
    pub allowed_origin: Vec<String>,
    pub allow_credentials: bool,
    pub expose_headers: Vec<String>,
    /// `max_age`; `None` or 0 sends no `Access-Control-Max-Age`.
    pub max_age: Option<i64>,
    pub allow_methods: Vec<String>,
    pub allow_headers: Vec<String>,
}

/// What the filter needs to remember of the request.
struct CorsRequest {
    method: Method,
    origin: Option<String>,
    request_method: Option<String>,
    request_headers: Vec<String>,
}

impl CorsRequest {
    fn of(req: &Request) -> CorsRequest {
        let text = |name: HeaderName| {
            req.headers()
                .get(name)
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        };
        let request_headers = text(ACCESS_CONTROL_REQUEST_HEADERS)
            .map(|v| {
                v.split(',')
                    .map(str::trim)
                    .filter(|h| !h.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        CorsRequest {
            method: req.method().clone(),
            origin: text(ORIGIN),
            request_method: text(ACCESS_CONTROL_REQUEST_METHOD),
            request_headers,
        }
    }
}

/// Wraps `inner` in the CORS filter; without any allowed origin it is `inner` itself.
pub fn cors(inner: HttpService, settings: CorsSettings) -> HttpService {
    if settings.allowed_origin.is_empty() {
        return inner;
    }
    let settings = std::sync::Arc::new(settings);
    BoxCloneSyncService::new(tower::service_fn(move |req: Request| {
        let inner = inner.clone();
        let settings = settings.clone();
        async move {
            let info = CorsRequest::of(&req);
            let resp = inner.oneshot(req).await?;
            Ok(process_response(&settings, &info, resp))
        }
    }))
}

fn process_response(settings: &CorsSettings, req: &CorsRequest, mut resp: Response) -> Response {
    if resp.headers().contains_key(ACCESS_CONTROL_ALLOW_ORIGIN) {
        return resp;
    }
    if req.method == Method::OPTIONS {
        return preflight(settings, req, resp);
    }
    let Some(origin) = allowed_origin(settings, req.origin.as_deref()) else {
        return resp;
    };
    let vary = match resp.headers().get_all(VARY).iter().next_back() {
        Some(existing) => format!("{},Origin", String::from_utf8_lossy(existing.as_bytes())),
        None => "Origin".to_owned(),
    };
    set(&mut resp, VARY, &vary);
    set(&mut resp, ACCESS_CONTROL_ALLOW_ORIGIN, &origin);
    if settings.allow_credentials {
        set(&mut resp, ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
    }
    if !settings.expose_headers.is_empty() {
        set(
            &mut resp,
            ACCESS_CONTROL_EXPOSE_HEADERS,
            &settings.expose_headers.join(","),
        );
    }
    resp
}

fn preflight(settings: &CorsSettings, req: &CorsRequest, mut resp: Response) -> Response {
    if !resp.status().is_success() {
        // base.NoContentTypeResponse(status=200): empty, without Content-Type.
        resp = Response::new(Body::empty());
        *resp.status_mut() = StatusCode::OK;
        resp.headers_mut()
            .insert(CONTENT_LENGTH, HeaderValue::from_static("0"));
    }
    let Some(origin) = allowed_origin(settings, req.origin.as_deref()) else {
        return resp;
    };
    let Some(method) = req.request_method.as_deref() else {
        tracing::debug!("CORS request does not contain Access-Control-Request-Method header.");
        return resp;
    };
    if !settings.allow_methods.iter().any(|m| m == method) {
        tracing::debug!(
            "Request method '{method}' not in permitted list: {:?}",
            settings.allow_methods
        );
        return resp;
    }
    let permitted = |h: &str| {
        settings
            .allow_headers
            .iter()
            .map(String::as_str)
            .chain(SIMPLE_HEADERS.iter().copied())
            .any(|p| p.eq_ignore_ascii_case(h))
    };
    if let Some(refused) = req.request_headers.iter().find(|h| !permitted(h)) {
        tracing::debug!("Request header '{refused}' not in permitted list");
        return resp;
    }
    set(&mut resp, VARY, "Origin");
    set(&mut resp, ACCESS_CONTROL_ALLOW_ORIGIN, &origin);
    if settings.allow_credentials {
        set(&mut resp, ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
    }
    if let Some(max_age) = settings.max_age.filter(|m| *m != 0) {
        set(&mut resp, ACCESS_CONTROL_MAX_AGE, &max_age.to_string());
    }
    set(&mut resp, ACCESS_CONTROL_ALLOW_METHODS, method);
    if !req.request_headers.is_empty() {
        set(
            &mut resp,
            ACCESS_CONTROL_ALLOW_HEADERS,
            &req.request_headers.join(","),
        );
    }
    resp
}

/// `_get_cors_config_by_origin`: the origin itself when listed, `*` when that is listed.
fn allowed_origin(settings: &CorsSettings, origin: Option<&str>) -> Option<String> {
    let origin = origin?;
    if settings.allowed_origin.iter().any(|o| o == origin) {
        Some(origin.to_owned())
    } else if settings.allowed_origin.iter().any(|o| o == "*") {
        Some("*".to_owned())
    } else {
        tracing::debug!("CORS request from origin '{origin}' not permitted.");
        None
    }
}

fn set(resp: &mut Response, name: HeaderName, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        resp.headers_mut().insert(name, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> CorsSettings {
        CorsSettings {
            allowed_origin: vec!["https://horizon.example".into()],
            allow_credentials: true,
            expose_headers: vec!["X-Auth-Token".into(), "X-OpenStack-Request-ID".into()],
            max_age: Some(3600),
            allow_methods: vec!["GET".into(), "POST".into()],
            allow_headers: vec!["X-Auth-Token".into(), "OpenStack-API-Version".into()],
        }
    }

    /// The app answers 404 to OPTIONS (like most routers) and 200 otherwise.
    fn app() -> HttpService {
        BoxCloneSyncService::new(tower::service_fn(|req: Request| async move {
            let mut resp = Response::new(Body::from("app"));
            if req.method() == Method::OPTIONS {
                *resp.status_mut() = StatusCode::NOT_FOUND;
            }
            resp.headers_mut()
                .insert(VARY, HeaderValue::from_static("OpenStack-API-Version"));
            Ok(resp)
        }))
    }

    async fn call(
        s: CorsSettings,
        method: Method,
        headers: &[(&'static str, &'static str)],
    ) -> Response {
        let mut b = http::Request::builder().method(method).uri("/v3/volumes");
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        cors(app(), s)
            .oneshot(b.body(Body::empty()).expect("request"))
            .await
            .expect("infallible")
    }

    fn h<'a>(resp: &'a Response, name: &str) -> Option<&'a str> {
        resp.headers().get(name).and_then(|v| v.to_str().ok())
    }

    #[tokio::test]
    async fn simple_request_from_allowed_origin() {
        let resp = call(
            settings(),
            Method::GET,
            &[("Origin", "https://horizon.example")],
        )
        .await;
        assert_eq!(resp.status(), StatusCode::OK);
        assert_eq!(
            h(&resp, "access-control-allow-origin"),
            Some("https://horizon.example")
        );
        assert_eq!(h(&resp, "vary"), Some("OpenStack-API-Version,Origin"));
        assert_eq!(h(&resp, "access-control-allow-credentials"), Some("true"));
        assert_eq!(
            h(&resp, "access-control-expose-headers"),
            Some("X-Auth-Token,X-OpenStack-Request-ID")
        );
        assert_eq!(h(&resp, "access-control-max-age"), None);
    }

    #[tokio::test]
    async fn other_origin_or_no_origin_gets_nothing() {
        for headers in [&[("Origin", "https://evil.example")][..], &[][..]] {
            let resp = call(settings(), Method::GET, headers).await;
            assert_eq!(h(&resp, "access-control-allow-origin"), None);
            assert_eq!(h(&resp, "vary"), Some("OpenStack-API-Version"));
        }
    }

    #[tokio::test]
    async fn wildcard_origin() {
        let mut s = settings();
        s.allowed_origin = vec!["*".into()];
        let resp = call(s, Method::GET, &[("Origin", "https://any.example")]).await;
        assert_eq!(h(&resp, "access-control-allow-origin"), Some("*"));
    }

    #[tokio::test]
    async fn preflight_is_answered_with_200() {
        let resp = call(
            settings(),
            Method::OPTIONS,
            &[
                ("Origin", "https://horizon.example"),
                ("Access-Control-Request-Method", "POST"),
                (
                    "Access-Control-Request-Headers",
                    "x-auth-token, Content-Type",
                ),
            ],
        )
        .await;
        assert_eq!(resp.status(), StatusCode::OK);
        assert_eq!(h(&resp, "content-type"), None);
        assert_eq!(h(&resp, "vary"), Some("Origin"));
        assert_eq!(
            h(&resp, "access-control-allow-origin"),
            Some("https://horizon.example")
        );
        assert_eq!(h(&resp, "access-control-allow-credentials"), Some("true"));
        assert_eq!(h(&resp, "access-control-max-age"), Some("3600"));
        assert_eq!(h(&resp, "access-control-allow-methods"), Some("POST"));
        assert_eq!(
            h(&resp, "access-control-allow-headers"),
            Some("x-auth-token,Content-Type")
        );
    }

    #[tokio::test]
    async fn preflight_with_refused_method_or_header_gets_a_bare_200() {
        let refused = [
            [
                ("Access-Control-Request-Method", "DELETE"),
                ("Access-Control-Request-Headers", ""),
            ],
            [
                ("Access-Control-Request-Method", "GET"),
                ("Access-Control-Request-Headers", "X-Secret"),
            ],
        ];
        for extra in refused {
            let mut headers = vec![("Origin", "https://horizon.example")];
            headers.extend_from_slice(&extra);
            let resp = call(settings(), Method::OPTIONS, &headers).await;
            assert_eq!(resp.status(), StatusCode::OK);
            assert_eq!(h(&resp, "access-control-allow-origin"), None);
            assert_eq!(h(&resp, "access-control-allow-methods"), None);
        }
    }

    #[tokio::test]
    async fn no_allowed_origin_means_no_filter() {
        let mut s = settings();
        s.allowed_origin.clear();
        let resp = call(s, Method::OPTIONS, &[("Origin", "https://horizon.example")]).await;
        assert_eq!(resp.status(), StatusCode::NOT_FOUND, "app answer untouched");
    }
}
