//! The urlmap composites: `paste.urlmap:urlmap_factory` (`egg:Paste#urlmap`), cinder's
//! `root_app_factory` (the same minus the removed `/v1`, `/v2` keys) and nova's
//! `urlmap_factory` (adds `/+` wildcard keys). A request is dispatched on host and path
//! exactly as paste does (shared/reference/paste.md §4); the mount prefix moves from
//! PATH_INFO to SCRIPT_NAME (the `ScriptName` / `PathInfo` request extensions, with the URI
//! path rewritten to the remainder). No match → the not-found app, by default paste's 404.

use std::convert::Infallible;
use std::sync::Arc;

use bytes::Bytes;
use http::header::{ACCEPT, CONTENT_TYPE, HOST};
use http::{HeaderValue, StatusCode, Uri};
use tower::ServiceExt;

use super::registry::Composite;
use super::{FactoryArgs, Loader, PasteError};
use crate::{path_info, script_name, Body, HttpService, PathInfo, Request, Response, ScriptName};

/// One mounted application.
#[derive(Clone)]
struct Mount {
    /// `Some(host[:port])` for `domain <host>` keys.
    domain: Option<String>,
    /// Normalised path (no trailing `/`; `""` matches everything). Nova wildcards keep `/+`.
    url: String,
    app: HttpService,
}

/// How keys ending in `/+` are treated.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Flavour {
    Paste,
    Nova,
}

/// The dispatcher (paste's `URLMap`, nova's subclass when `flavour` is `Nova`).
#[derive(Clone)]
struct UrlMap {
    mounts: Arc<Vec<Mount>>,
    not_found: Option<HttpService>,
    flavour: Flavour,
}

/// Builds one of the urlmap composites from its section.
pub(super) fn build(
    kind: Composite,
    loader: &Loader,
    args: &FactoryArgs,
) -> Result<HttpService, PasteError> {
    let mut local = args.local_conf.clone();
    let flavour = match kind {
        Composite::NovaUrlmap => Flavour::Nova,
        _ => Flavour::Paste,
    };
    if kind == Composite::CinderRoot {
        if local.remove("/v1").is_some() {
            tracing::warn!(
                "The v1 API has been removed and is no longer available. Client applications \
                 should be using v3, which is currently the only supported version of the \
                 Block Storage API."
            );
        }
        if local.remove("/v2").is_some() {
            tracing::warn!(
                "The v2 API has been removed and is no longer available. Client applications \
                 must now use the v3 API only. The 'enable_v2_api' option has been removed \
                 and is ignored in the cinder.conf file."
            );
        }
    }
    let not_found_name = local
        .remove("not_found_app")
        .or_else(|| args.global_conf.get("not_found_app").cloned())
        .filter(|n| !n.is_empty());
    let not_found = match not_found_name {
        Some(name) => Some(loader.get_app_with(&name, Some(args.global_conf))?),
        None => None,
    };
    let mut mounts: Vec<Mount> = Vec::new();
    for (key, app_name) in &local {
        let expression = parse_path_expression(key).map_err(|m| args.error(m))?;
        let (domain, url) = normalize_key(&expression).map_err(|m| args.error(m))?;
        let app = loader.get_app_with(app_name, Some(args.global_conf))?;
        // `urlmap[path] = app` replaces an entry with the same normalised key.
        mounts.retain(|m| !(m.domain == domain && m.url == url));
        mounts.push(Mount { domain, url, app });
    }
    // Entries with a domain first (by domain, then longest path), then the rest, longest
    // path first; the sort is stable like Python's.
    mounts.sort_by(|a, b| {
        (
            a.domain.is_none(),
            &a.domain,
            std::cmp::Reverse(a.url.len()),
        )
            .cmp(&(
                b.domain.is_none(),
                &b.domain,
                std::cmp::Reverse(b.url.len()),
            ))
    });
    let map = UrlMap {
        mounts: Arc::new(mounts),
        not_found,
        flavour,
    };
    Ok(HttpService::new(tower::service_fn(move |req: Request| {
        let map = map.clone();
        async move { Ok::<_, Infallible>(map.dispatch(req).await) }
    })))
}

impl UrlMap {
    async fn dispatch(&self, mut req: Request) -> Response {
        let raw_path = path_info(&req).to_string();
        let (host, port) = request_host(&req);
        let normalized = collapse_slashes(&raw_path);
        let Some((index, mount_point)) = self.find(&host, &port, &normalized) else {
            return match &self.not_found {
                Some(app) => match app.clone().oneshot(req).await {
                    Ok(resp) => resp,
                    Err(never) => match never {},
                },
                None => not_found_response(&req, &raw_path),
            };
        };
        let remainder = normalized[mount_point.len()..].to_string();
        let script = format!("{}{}", script_name(&req), mount_point);
        rewrite_path(&mut req, &remainder);
        req.extensions_mut().insert(ScriptName(script));
        req.extensions_mut().insert(PathInfo(remainder));
        match self.mounts[index].app.clone().oneshot(req).await {
            Ok(resp) => resp,
            Err(never) => match never {},
        }
    }

    /// The first matching mount and the prefix it consumes.
    fn find(&self, host: &str, port: &str, path: &str) -> Option<(usize, String)> {
        let host_port = format!("{host}:{port}");
        self.mounts.iter().enumerate().find_map(|(i, m)| {
            if let Some(domain) = &m.domain {
                if domain != host && *domain != host_port {
                    return None;
                }
            }
            if self.flavour == Flavour::Nova {
                if let Some(mount) = m.url.strip_suffix("/+") {
                    // `/v2.1/+` needs something after `/v2.1/`; it mounts at `/v2.1`.
                    let prefix = &m.url[..m.url.len() - 1];
                    return (path.starts_with(prefix) && path.len() > prefix.len())
                        .then(|| (i, mount.to_string()));
                }
            }
            let matches = path == m.url
                || (path.starts_with(m.url.as_str())
                    && path.as_bytes().get(m.url.len()) == Some(&b'/'));
            matches.then(|| (i, m.url.clone()))
        })
    }
}

/// `HTTP_HOST` (else the URI authority), lower-cased, split into host and port; the port
/// defaults to 80 for http and 443 otherwise.
fn request_host(req: &Request) -> (String, String) {
    let host = req
        .headers()
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_string)
        .or_else(|| req.uri().authority().map(|a| a.as_str().to_string()))
        .unwrap_or_default()
        .to_ascii_lowercase();
    match host.split_once(':') {
        Some((h, p)) => (h.to_string(), p.to_string()),
        None => {
            let port = if req.uri().scheme_str() == Some("https") {
                "443"
            } else {
                "80"
            };
            (host, port.to_string())
        }
    }
}

/// Replaces the URI path by `path` (`/` when empty), keeping the query.
fn rewrite_path(req: &mut Request, path: &str) {
    let shown = if path.is_empty() { "/" } else { path };
    let path_and_query = match req.uri().query() {
        Some(q) => format!("{shown}?{q}"),
        None => shown.to_string(),
    };
    let mut parts = req.uri().clone().into_parts();
    let Ok(pq) = path_and_query.parse() else {
        return;
    };
    parts.path_and_query = Some(pq);
    if let Ok(uri) = Uri::from_parts(parts) {
        *req.uri_mut() = uri;
    }
}

/// `norm_url_re.sub('/', url)`: runs of `/` become one.
fn collapse_slashes(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut previous_slash = false;
    for c in path.chars() {
        if c == '/' && previous_slash {
            continue;
        }
        previous_slash = c == '/';
        out.push(c);
    }
    out
}

/// `paste.urlmap.parse_path_expression`: `domain <host>`, `port <port>` and one path.
fn parse_path_expression(expression: &str) -> Result<String, String> {
    let mut parts = expression.split_whitespace();
    let (mut domain, mut port, mut path) = (None, None, None);
    while let Some(part) = parts.next() {
        match part {
            "domain" => {
                let value = parts
                    .next()
                    .ok_or("'domain' must be followed with a domain name")?;
                if domain.replace(value).is_some() {
                    return Err("'domain' given twice".into());
                }
            }
            "port" => {
                let value = parts
                    .next()
                    .ok_or("'port' must be followed with a port number")?;
                if port.replace(value).is_some() {
                    return Err("'port' given twice".into());
                }
            }
            other => {
                if let Some(have) = path {
                    return Err(format!(
                        "more than one path given (have '{have}', got '{other}')"
                    ));
                }
                path = Some(other);
            }
        }
    }
    let mut s = domain.map(|d| format!("http://{d}")).unwrap_or_default();
    if let Some(port) = port {
        if domain.is_none() {
            return Err("If you give a port, you must also give a domain".into());
        }
        s.push(':');
        s.push_str(port);
    }
    if let Some(path) = path {
        if !s.is_empty() {
            s.push('/');
        }
        s.push_str(path);
    }
    Ok(s)
}

/// `URLMap.normalize_url(url, trim=True)` for a key: split off `http(s)://<domain>`,
/// collapse `//`, drop trailing `/`.
fn normalize_key(url: &str) -> Result<(Option<String>, String), String> {
    let without_scheme = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"));
    let (domain, path) = match without_scheme {
        Some(rest) => match rest.split_once('/') {
            Some((domain, path)) => (Some(domain.to_string()), format!("/{path}")),
            None => (Some(rest.to_string()), String::new()),
        },
        None if url.is_empty() || url.starts_with('/') => (None, url.to_string()),
        None => {
            return Err(format!(
                "URL fragments must start with / or http:// (you gave '{url}')"
            ))
        }
    };
    let path = collapse_slashes(&path);
    Ok((domain, path.trim_end_matches('/').to_string()))
}

/// paste.httpexceptions' `HTTPNotFound(PATH_INFO)`: HTML when the Accept header mentions
/// `html` or `*/*`, else the plain text form.
fn not_found_response(req: &Request, path_info: &str) -> Response {
    let accept = req
        .headers()
        .get(ACCEPT)
        .and_then(|a| a.to_str().ok())
        .unwrap_or("");
    let (content_type, body) = if accept.contains("html") || accept.contains("*/*") {
        let detail = html_escape(path_info);
        (
            "text/html; charset=utf8",
            format!(
                "<html>\r\n  <head><title>Not Found</title></head>\r\n  <body>\r\n    \
                 <h1>Not Found</h1>\r\n    <p>The resource could not be found.\r\n<br/>{detail}\
                 \r\n</p>\r\n    <hr noshade>\r\n    <div align=\"right\">WSGI Server</div>\r\n  \
                 </body>\r\n</html>\r\n"
            ),
        )
    } else {
        (
            "text/plain; charset=utf8",
            format!("404 Not Found\r\nThe resource could not be found.\r\n{path_info}\r\n\r\n"),
        )
    };
    let mut resp = Response::new(Body::from(Bytes::from(body)));
    *resp.status_mut() = StatusCode::NOT_FOUND;
    resp.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    resp
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An app answering `<name> <SCRIPT_NAME>|<PATH_INFO>|<uri>`.
    fn echo(name: &'static str) -> HttpService {
        HttpService::new(tower::service_fn(move |req: Request| async move {
            let text = format!(
                "{name} {}|{}|{}",
                script_name(&req),
                path_info(&req),
                req.uri()
            );
            Ok::<_, Infallible>(Response::new(Body::from(text)))
        }))
    }

    fn map(flavour: Flavour, keys: &[(&str, &'static str)]) -> UrlMap {
        let mut mounts: Vec<Mount> = Vec::new();
        for (key, name) in keys {
            let expr = parse_path_expression(key).expect("expression");
            let (domain, url) = normalize_key(&expr).expect("key");
            mounts.push(Mount {
                domain,
                url,
                app: echo(name),
            });
        }
        mounts.sort_by(|a, b| {
            (
                a.domain.is_none(),
                &a.domain,
                std::cmp::Reverse(a.url.len()),
            )
                .cmp(&(
                    b.domain.is_none(),
                    &b.domain,
                    std::cmp::Reverse(b.url.len()),
                ))
        });
        UrlMap {
            mounts: Arc::new(mounts),
            not_found: None,
            flavour,
        }
    }

    async fn call(map: &UrlMap, host: &str, path: &str, accept: Option<&str>) -> (u16, String) {
        let mut builder = http::Request::builder().uri(path).header(HOST, host);
        if let Some(accept) = accept {
            builder = builder.header(ACCEPT, accept);
        }
        let req = builder.body(Body::empty()).expect("request");
        let resp = map.dispatch(req).await;
        let status = resp.status().as_u16();
        let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX)
            .await
            .expect("body");
        (status, String::from_utf8_lossy(&bytes).into_owned())
    }

    /// paste.md §4, the verified table: entries `/`, `/v3`, `/v3/admin`, `domain example.com /`.
    #[tokio::test]
    async fn paste_matching_table() {
        let m = map(
            Flavour::Paste,
            &[
                ("/", "root"),
                ("/v3", "v3"),
                ("/v3/admin", "admin"),
                ("domain example.com /", "domain"),
            ],
        );
        let rows = [
            ("localhost", "/", "root |/|/"),
            ("localhost", "/v3", "v3 /v3||/"),
            ("localhost", "/v3/", "v3 /v3|/|/"),
            ("localhost", "/v3/volumes", "v3 /v3|/volumes|/volumes"),
            ("localhost", "/v3x", "root |/v3x|/v3x"),
            ("localhost", "/v3/admin/x", "admin /v3/admin|/x|/x"),
            ("localhost", "//v3//x", "v3 /v3|/x|/x"),
            ("example.com", "/v3", "domain |/v3|/v3"),
            ("EXAMPLE.COM:80", "/v3", "domain |/v3|/v3"),
            (
                "localhost",
                "/v3/volumes?limit=1",
                "v3 /v3|/volumes|/volumes?limit=1",
            ),
        ];
        for (host, path, expected) in rows {
            let (status, body) = call(&m, host, path, None).await;
            assert_eq!((status, body.as_str()), (200, expected), "{host} {path}");
        }
    }

    #[tokio::test]
    async fn nested_maps_extend_script_name() {
        let inner = map(Flavour::Paste, &[("/volumes", "vols")]);
        let inner_svc = HttpService::new(tower::service_fn(move |req: Request| {
            let inner = inner.clone();
            async move { Ok::<_, Infallible>(inner.dispatch(req).await) }
        }));
        let mut outer = map(Flavour::Paste, &[]);
        outer.mounts = Arc::new(vec![Mount {
            domain: None,
            url: "/v3".into(),
            app: inner_svc,
        }]);
        let (status, body) = call(&outer, "h", "/v3/volumes/1", None).await;
        assert_eq!((status, body.as_str()), (200, "vols /v3/volumes|/1|/1"));
    }

    #[tokio::test]
    async fn nova_wildcard_rule() {
        let m = map(
            Flavour::Nova,
            &[
                ("/", "versions"),
                ("/v2", "legacy_versions"),
                ("/v2.1", "v21_versions"),
                ("/v2/+", "legacy_api"),
                ("/v2.1/+", "api"),
            ],
        );
        let rows = [
            ("/", "versions |/|/"),
            ("/v2.1", "v21_versions /v2.1||/"),
            ("/v2.1/", "v21_versions /v2.1|/|/"),
            ("/v2.1/servers", "api /v2.1|/servers|/servers"),
            (
                "/v2.1/servers/detail",
                "api /v2.1|/servers/detail|/servers/detail",
            ),
            ("/v2", "legacy_versions /v2||/"),
            ("/v2/servers", "legacy_api /v2|/servers|/servers"),
            ("/v2.10", "versions |/v2.10|/v2.10"),
        ];
        for (path, expected) in rows {
            let (status, body) = call(&m, "localhost", path, None).await;
            assert_eq!((status, body.as_str()), (200, expected), "{path}");
        }
    }

    #[tokio::test]
    async fn plain_urlmap_has_no_wildcards() {
        let m = map(Flavour::Paste, &[("/v2.1/+", "api")]);
        let (status, _) = call(&m, "localhost", "/v2.1/servers", None).await;
        assert_eq!(status, 404);
    }

    #[tokio::test]
    async fn default_not_found_bodies() {
        let m = map(Flavour::Paste, &[("/v3", "v3")]);
        let (status, body) = call(&m, "localhost", "/other", None).await;
        assert_eq!(status, 404);
        assert_eq!(
            body,
            "404 Not Found\r\nThe resource could not be found.\r\n/other\r\n\r\n"
        );
        let (status, body) = call(&m, "localhost", "/x&y", Some("*/*")).await;
        assert_eq!(status, 404);
        assert!(body.starts_with("<html>"), "{body}");
        assert!(body.contains("/x&amp;y"), "{body}");
    }

    #[test]
    fn path_expressions() {
        assert_eq!(parse_path_expression("/v3").as_deref(), Ok("/v3"));
        assert_eq!(
            parse_path_expression("domain example.com port 8080 /x").as_deref(),
            Ok("http://example.com:8080//x")
        );
        assert_eq!(
            normalize_key("http://example.com:8080//x/"),
            Ok((Some("example.com:8080".into()), "/x".into()))
        );
        assert_eq!(normalize_key("/"), Ok((None, String::new())));
        assert!(parse_path_expression("port 80 /").is_err());
        assert!(parse_path_expression("/a /b").is_err());
        assert_eq!(
            normalize_key("v3"),
            Err("URL fragments must start with / or http:// (you gave 'v3')".into())
        );
    }
}
