//! `oslo_middleware.http_proxy_to_wsgi:HTTPProxyToWSGI`: behind a TLS-terminating proxy,
//! take the client-facing scheme, host and address from `Forwarded` (RFC 7239, first
//! element) or else `X-Forwarded-Proto` / `-Host` / `-For`, and prepend `X-Forwarded-Prefix`
//! to `SCRIPT_NAME` — only when `[oslo_middleware] enable_proxy_headers_parsing` is true.
//!
//! The WSGI environ keys it edits are, here: the `Host` header (`HTTP_HOST`), the
//! [`UrlScheme`] extension (`wsgi.url_scheme`), the [`RemoteAddr`] extension (`REMOTE_ADDR`)
//! and [`crate::ScriptName`]. [`url_scheme`], [`remote_addr`] and [`application_url`] read
//! them back with the server's values as fallback.

use std::net::SocketAddr;

use axum::extract::ConnectInfo;
use http::header::{HeaderValue, HOST};
use tower::util::BoxCloneSyncService;
use tower::ServiceExt;

use openstack_config::Opt;

use crate::{script_name, HttpService, Request, ScriptName};

openstack_config::options! {
    /// `[oslo_middleware]` option of http_proxy_to_wsgi (`oslo_middleware/http_proxy_to_wsgi.py`).
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct ProxyOpts in "oslo_middleware" {
        enable_proxy_headers_parsing: bool = Opt::bool()
            .default("false")
            .help("Whether the application is behind a proxy or not. This determines if the middleware should parse the headers or not."),
    }
}

/// WSGI `wsgi.url_scheme` when it differs from what the server saw (`https` behind a
/// proxy). Absent: the URI's scheme, else `http`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UrlScheme(pub String);

/// WSGI `REMOTE_ADDR`, as text (a proxy may hand over a whole `X-Forwarded-For` list).
/// Absent: the peer address the server put as `axum::extract::ConnectInfo<SocketAddr>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RemoteAddr(pub String);

/// `wsgi.url_scheme` of a request.
pub fn url_scheme<B>(req: &http::Request<B>) -> &str {
    req.extensions()
        .get::<UrlScheme>()
        .map(|s| s.0.as_str())
        .or_else(|| req.uri().scheme_str())
        .unwrap_or("http")
}

/// `REMOTE_ADDR` of a request.
pub fn remote_addr<B>(req: &http::Request<B>) -> Option<String> {
    if let Some(addr) = req.extensions().get::<RemoteAddr>() {
        return Some(addr.0.clone());
    }
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip().to_string())
}

/// WebOb's `host_url`: `scheme://host`, with the default port of the scheme dropped.
pub fn host_url<B>(req: &http::Request<B>) -> String {
    let scheme = url_scheme(req);
    let host = req
        .headers()
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_owned)
        .or_else(|| req.uri().authority().map(|a| a.to_string()))
        .unwrap_or_else(|| "localhost".to_owned());
    let default_port = match scheme {
        "https" => ":443",
        _ => ":80",
    };
    let host = host.strip_suffix(default_port).unwrap_or(&host);
    format!("{scheme}://{host}")
}

/// WebOb's `application_url`: `host_url` + `SCRIPT_NAME`.
pub fn application_url<B>(req: &http::Request<B>) -> String {
    format!("{}{}", host_url(req), script_name(req))
}

/// WebOb's `url`: `application_url` + `PATH_INFO` + `?query`.
pub fn request_url<B>(req: &http::Request<B>) -> String {
    let mut url = format!("{}{}", application_url(req), crate::path_info(req));
    if let Some(q) = req.uri().query() {
        url.push('?');
        url.push_str(q);
    }
    url
}

/// Wraps `inner` in the proxy-header filter; with parsing disabled it is `inner` itself.
pub fn http_proxy_to_wsgi(inner: HttpService, enable_proxy_headers_parsing: bool) -> HttpService {
    if !enable_proxy_headers_parsing {
        return inner;
    }
    BoxCloneSyncService::new(tower::service_fn(move |mut req: Request| {
        let inner = inner.clone();
        async move {
            apply_proxy_headers(&mut req);
            inner.oneshot(req).await
        }
    }))
}

fn header<'a>(req: &'a Request, name: &str) -> Option<&'a str> {
    req.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty())
}

/// upstream's `_parse_rfc7239_header`: proxies split on `,`, pairs on `;`, keys lower-cased
/// and stripped, values stripped (quotes are kept, as upstream does).
fn parse_forwarded(value: &str) -> Vec<Vec<(String, String)>> {
    value
        .split(',')
        .map(|proxy| {
            proxy
                .split(';')
                .map(|pair| {
                    let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                    (k.trim().to_ascii_lowercase(), v.trim().to_owned())
                })
                .collect()
        })
        .collect()
}

fn apply_proxy_headers(req: &mut Request) {
    let (mut proto, mut host, mut forwarded_for) = (None, None, None);
    if let Some(forwarded) = header(req, "forwarded") {
        if let Some(first) = parse_forwarded(forwarded).into_iter().next() {
            // A later duplicate key wins, as in upstream's dict.
            for (k, v) in first {
                match k.as_str() {
                    "proto" => proto = Some(v),
                    "host" => host = Some(v),
                    "for" => forwarded_for = Some(v),
                    _ => {}
                }
            }
        }
    } else {
        proto = header(req, "x-forwarded-proto").map(str::to_owned);
        host = header(req, "x-forwarded-host").map(str::to_owned);
        forwarded_for = header(req, "x-forwarded-for").map(str::to_owned);
    }
    let prefix = header(req, "x-forwarded-prefix").map(str::to_owned);

    if let Some(proto) = proto.filter(|v| !v.is_empty()) {
        req.extensions_mut().insert(UrlScheme(proto));
    }
    if let Some(host) = host.filter(|v| !v.is_empty()) {
        if let Ok(value) = HeaderValue::from_str(&host) {
            req.headers_mut().insert(HOST, value);
        }
    }
    if let Some(addr) = forwarded_for.filter(|v| !v.is_empty()) {
        req.extensions_mut().insert(RemoteAddr(addr));
    }
    if let Some(prefix) = prefix {
        let joined = format!("{prefix}{}", script_name(req));
        req.extensions_mut().insert(ScriptName(joined));
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;
    use crate::{Body, Response};

    type Seen = Arc<Mutex<Vec<(String, Option<String>, String)>>>;

    /// Records (application_url, remote_addr, url) as the app sees them.
    fn recorder(seen: Seen) -> HttpService {
        BoxCloneSyncService::new(tower::service_fn(move |req: Request| {
            let seen = seen.clone();
            async move {
                seen.lock().unwrap_or_else(|e| e.into_inner()).push((
                    application_url(&req),
                    remote_addr(&req),
                    request_url(&req),
                ));
                Ok(Response::new(Body::empty()))
            }
        }))
    }

    fn request(headers: &[(&'static str, &'static str)]) -> Request {
        let mut b = http::Request::get("/v3/?a=1").header("Host", "api:8776");
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        let mut req = b.body(Body::empty()).expect("request");
        req.extensions_mut()
            .insert(ConnectInfo(SocketAddr::from(([10, 0, 0, 9], 40000))));
        req
    }

    async fn run(
        enabled: bool,
        headers: &[(&'static str, &'static str)],
    ) -> (String, Option<String>, String) {
        let seen: Seen = Arc::default();
        let _ = http_proxy_to_wsgi(recorder(seen.clone()), enabled)
            .oneshot(request(headers))
            .await;
        let got = seen.lock().expect("lock").pop().expect("app was called");
        got
    }

    #[tokio::test]
    async fn disabled_ignores_the_headers() {
        let got = run(
            false,
            &[
                ("X-Forwarded-Proto", "https"),
                ("X-Forwarded-Host", "cloud"),
            ],
        )
        .await;
        assert_eq!(got.0, "http://api:8776");
        assert_eq!(got.1.as_deref(), Some("10.0.0.9"));
        assert_eq!(got.2, "http://api:8776/v3/?a=1");
    }

    #[tokio::test]
    async fn x_forwarded_headers() {
        let got = run(
            true,
            &[
                ("X-Forwarded-Proto", "https"),
                ("X-Forwarded-Host", "cloud.example:443"),
                ("X-Forwarded-For", "192.0.2.1, 10.1.1.1"),
                ("X-Forwarded-Prefix", "/volume"),
            ],
        )
        .await;
        assert_eq!(got.0, "https://cloud.example/volume");
        assert_eq!(got.1.as_deref(), Some("192.0.2.1, 10.1.1.1"));
        assert_eq!(got.2, "https://cloud.example/volume/v3/?a=1");
    }

    #[tokio::test]
    async fn rfc7239_first_element_wins_over_x_forwarded() {
        let got = run(
            true,
            &[
                (
                    "Forwarded",
                    "for=192.0.2.60;proto=https;host=cloud, for=192.0.2.61;proto=http",
                ),
                ("X-Forwarded-Proto", "http"),
                ("X-Forwarded-Host", "ignored"),
            ],
        )
        .await;
        assert_eq!(got.0, "https://cloud");
        assert_eq!(got.1.as_deref(), Some("192.0.2.60"));
    }

    #[tokio::test]
    async fn prefix_goes_before_an_existing_script_name() {
        let seen: Seen = Arc::default();
        let mut req = request(&[("X-Forwarded-Prefix", "/volume")]);
        req.extensions_mut().insert(ScriptName("/v3".into()));
        let _ = http_proxy_to_wsgi(recorder(seen.clone()), true)
            .oneshot(req)
            .await;
        assert_eq!(seen.lock().expect("lock")[0].0, "http://api:8776/volume/v3");
    }
}
