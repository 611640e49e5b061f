//! `oslo_middleware:Healthcheck.app_factory`: the `/healthcheck` application load balancers
//! poll. Each configured backend reports; all available → `GET` 200 / `HEAD` 204, any
//! unavailable → 503. The body lists the backends' reasons (`OK`, `DISABLED BY FILE`) as
//! plain text, JSON (`{"detailed": false, "reasons": [...]}`, pretty-printed with sorted keys)
//! or HTML, negotiated from `Accept` with plain text first — byte for byte as oslo.middleware
//! 8.2 writes them. Backends: `disable_by_file` (`disable_by_file_path`),
//! `disable_by_files_ports` (`disable_by_file_paths = port:path,...`, the port taken from
//! `Host`) and `enable_by_files` (`enable_by_file_paths`).

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use http::header::{HeaderValue, ACCEPT, CONTENT_TYPE, HOST};
use http::{Method, StatusCode};
use tower::util::BoxCloneSyncService;

use crate::fault::{
    best_offer, html_escape, webob_default, APPLICATION_JSON, TEXT_HTML_UTF8, TEXT_PLAIN_UTF8,
};
use crate::filters::proxy::remote_addr;
use openstack_config::Opt;

use crate::{Body, HttpService, Request, Response};

openstack_config::options! {
    /// `[healthcheck]` options (`oslo_middleware/healthcheck/opts.py`); the paste section's
    /// `backends` / `disable_by_file_path` keys override them.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct HealthcheckOpts in "healthcheck" {
        detailed: bool = Opt::bool()
            .default("false")
            .help("Show more detailed information as part of the response. Security note: Enabling this option may expose sensitive details about the service being monitored. Be sure to verify that it will not violate your security policies."),
        backends: Vec<String> = Opt::list()
            .help("Additional backends that can perform health checks and report that information back as part of a request."),
        allowed_source_ranges: Vec<String> = Opt::list()
            .help("A list of network addresses to limit source ip allowed to access healthcheck information. Any request from ip outside of these network addresses are ignored."),
        ignore_proxied_requests: bool = Opt::bool()
            .default("false")
            .help("Ignore requests with proxy headers."),
        disable_by_file_path: Option<String> = Opt::str()
            .help("Check the presence of a file to determine if an application is running on a port. Used by DisableByFileHealthcheck plugin."),
        disable_by_file_paths: Vec<String> = Opt::list()
            .help("Check the presence of a file based on a port to determine if an application is running on a port. Expects a \"port:path\" list of strings. Used by DisableByFilesPortsHealthcheck plugin."),
        enable_by_file_paths: Vec<String> = Opt::list()
            .help("Check the presence of files. Used by EnableByFilesHealthcheck plugin."),
    }
}

impl From<HealthcheckOpts> for HealthcheckSettings {
    fn from(o: HealthcheckOpts) -> HealthcheckSettings {
        HealthcheckSettings {
            backends: o.backends,
            detailed: o.detailed,
            allowed_source_ranges: o.allowed_source_ranges,
            ignore_proxied_requests: o.ignore_proxied_requests,
            disable_by_file_path: o.disable_by_file_path,
            disable_by_file_paths: o.disable_by_file_paths,
            enable_by_file_paths: o.enable_by_file_paths,
        }
    }
}

/// The `[healthcheck]` settings of the app (after paste-section overrides).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HealthcheckSettings {
    pub backends: Vec<String>,
    pub detailed: bool,
    pub allowed_source_ranges: Vec<String>,
    pub ignore_proxied_requests: bool,
    pub disable_by_file_path: Option<String>,
    pub disable_by_file_paths: Vec<String>,
    pub enable_by_file_paths: Vec<String>,
}

/// A configuration the app refuses (upstream's `ConfigInvalid` / `ValueError`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HealthcheckError {
    #[error("`enable_by_files` plugin and `disable_by_file` plugin should not be enabled at the same time.")]
    ExclusiveBackends,
    #[error("invalid network in allowed_source_ranges: {0}")]
    SourceRange(String),
    #[error("invalid port:path entry in disable_by_file_paths: {0}")]
    PortPath(String),
}

#[derive(Debug, Clone)]
enum Backend {
    DisableByFile(Option<PathBuf>),
    DisableByFilesPorts(Vec<(u16, PathBuf)>),
    EnableByFiles(Vec<PathBuf>),
}

#[derive(Debug, Clone)]
struct Network {
    addr: IpAddr,
    prefix: u8,
}

impl Network {
    fn parse(text: &str) -> Option<Network> {
        let (addr, prefix) = match text.split_once('/') {
            Some((a, p)) => (a.parse::<IpAddr>().ok()?, Some(p.parse::<u8>().ok()?)),
            None => (text.parse::<IpAddr>().ok()?, None),
        };
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(max);
        (prefix <= max).then_some(Network { addr, prefix })
    }

    fn contains(&self, ip: IpAddr) -> bool {
        let (net, ip, bits) = match (self.addr, ip) {
            (IpAddr::V4(n), IpAddr::V4(i)) => {
                (u128::from(u32::from(n)), u128::from(u32::from(i)), 32)
            }
            (IpAddr::V6(n), IpAddr::V6(i)) => (u128::from(n), u128::from(i), 128),
            _ => return false,
        };
        let host_bits = bits - u32::from(self.prefix);
        let mask = if host_bits >= 128 {
            0
        } else {
            u128::MAX << host_bits
        };
        net & mask == ip & mask
    }
}

struct Check {
    available: bool,
    reason: &'static str,
}

/// Builds the healthcheck application.
pub fn healthcheck(settings: &HealthcheckSettings) -> Result<HttpService, HealthcheckError> {
    let names: Vec<&str> = settings
        .backends
        .iter()
        .map(|b| b.trim())
        .filter(|b| !b.is_empty())
        .collect();
    if names.contains(&"disable_by_file") && names.contains(&"enable_by_files") {
        return Err(HealthcheckError::ExclusiveBackends);
    }
    let mut backends = Vec::new();
    for name in names {
        match name {
            "disable_by_file" => {
                let path = settings
                    .disable_by_file_path
                    .as_deref()
                    .filter(|p| !p.is_empty());
                if path.is_none() {
                    tracing::warn!(
                        "DisableByFile healthcheck middleware enabled without disable_by_file_path set"
                    );
                }
                backends.push(Backend::DisableByFile(path.map(PathBuf::from)));
            }
            "disable_by_files_ports" => {
                let mut pairs = Vec::new();
                for entry in settings
                    .disable_by_file_paths
                    .iter()
                    .map(|e| e.trim())
                    .filter(|e| !e.is_empty())
                {
                    let (port, path) = entry
                        .split_once(':')
                        .and_then(|(port, path)| Some((port.trim().parse::<u16>().ok()?, path)))
                        .ok_or_else(|| HealthcheckError::PortPath(entry.to_owned()))?;
                    pairs.push((port, PathBuf::from(path)));
                }
                backends.push(Backend::DisableByFilesPorts(pairs));
            }
            "enable_by_files" => backends.push(Backend::EnableByFiles(
                settings
                    .enable_by_file_paths
                    .iter()
                    .map(PathBuf::from)
                    .collect(),
            )),
            other => tracing::warn!("Unknown healthcheck backend '{other}' ignored"),
        }
    }
    let ranges = settings
        .allowed_source_ranges
        .iter()
        .map(|r| Network::parse(r.trim()).ok_or_else(|| HealthcheckError::SourceRange(r.clone())))
        .collect::<Result<Vec<_>, _>>()?;
    if settings.detailed {
        tracing::warn!(
            "[healthcheck] detailed = true is not supported; answering the basic report"
        );
    }
    let ignore_proxied = settings.ignore_proxied_requests;
    let backends = std::sync::Arc::new(backends);
    Ok(BoxCloneSyncService::new(tower::service_fn(
        move |req: Request| {
            let backends = backends.clone();
            let ranges = ranges.clone();
            async move { Ok(answer(&req, &backends, &ranges, ignore_proxied)) }
        },
    )))
}

fn answer(
    req: &Request,
    backends: &[Backend],
    ranges: &[Network],
    ignore_proxied: bool,
) -> Response {
    let accept = req.headers().get(ACCEPT);
    if !ranges.is_empty() {
        let ip = remote_addr(req).and_then(|a| a.trim().parse::<IpAddr>().ok());
        if !ip.is_some_and(|ip| ranges.iter().any(|r| r.contains(ip))) {
            // Upstream hands such requests to the next application, and an app_factory
            // healthcheck has none: answer as if nothing were mounted here.
            return webob_default(StatusCode::NOT_FOUND, accept);
        }
    }
    if ignore_proxied {
        let proxied = [
            "forwarded",
            "forwarded-proto",
            "forwarded-host",
            "forwarded-for",
            "forwarded-prefix",
        ]
        .iter()
        .any(|h| {
            req.headers()
                .get(format!("x-{h}"))
                .is_some_and(|v| !v.is_empty())
        });
        if proxied {
            return webob_default(StatusCode::NOT_FOUND, accept);
        }
    }
    let port = server_port(req);
    let checks: Vec<Check> = backends.iter().map(|b| run_backend(b, port)).collect();
    let healthy = checks.iter().all(|c| c.available);

    if req.method() == Method::HEAD {
        let status = if healthy {
            StatusCode::NO_CONTENT
        } else {
            StatusCode::SERVICE_UNAVAILABLE
        };
        let mut resp = Response::new(Body::empty());
        *resp.status_mut() = status;
        if !healthy {
            resp.headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static(TEXT_PLAIN_UTF8));
        }
        return resp;
    }
    let status = if healthy {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let offers = ["text/plain", "text/html", "application/json"];
    let chosen = match accept {
        Some(accept) => best_offer(accept, &offers).unwrap_or(0),
        None => 0,
    };
    let reasons: Vec<&str> = checks.iter().map(|c| c.reason).collect();
    let (content_type, body) = match chosen {
        1 => (TEXT_HTML_UTF8, html_body(&reasons)),
        2 => (APPLICATION_JSON, json_body(&reasons)),
        _ => (
            TEXT_PLAIN_UTF8,
            reasons
                .iter()
                .filter(|r| !r.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join("\n"),
        ),
    };
    let mut resp = Response::new(Body::from(body));
    *resp.status_mut() = status;
    resp.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    resp
}

/// `req.server_port`: the port of `Host`, else the scheme default.
fn server_port(req: &Request) -> u16 {
    req.headers()
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.rsplit_once(':'))
        .and_then(|(_, p)| p.parse().ok())
        .unwrap_or(80)
}

fn run_backend(backend: &Backend, port: u16) -> Check {
    let ok = Check {
        available: true,
        reason: "OK",
    };
    let disabled = Check {
        available: false,
        reason: "DISABLED BY FILE",
    };
    match backend {
        Backend::DisableByFile(None) => ok,
        Backend::DisableByFile(Some(path)) => {
            if exists(path) {
                disabled
            } else {
                ok
            }
        }
        Backend::DisableByFilesPorts(pairs) => match pairs.iter().find(|(p, _)| *p == port) {
            Some((_, path)) if exists(path) => disabled,
            Some(_) => ok,
            None => {
                tracing::warn!(
                    "DisableByFilesPorts healthcheck middleware enabled without disable_by_file_paths set for port {port}"
                );
                ok
            }
        },
        Backend::EnableByFiles(paths) => match paths.iter().find(|p| !exists(p)) {
            Some(missing) => {
                tracing::warn!(
                    "EnableByFiles healthcheck middleware: Path {} is not present",
                    missing.display()
                );
                Check {
                    available: false,
                    reason: "FILE PATH MISSING",
                }
            }
            None => ok,
        },
    }
}

fn exists(path: &Path) -> bool {
    path.try_exists().unwrap_or(false)
}

/// `json.dumps({"detailed": False, "reasons": [...]}, indent=4, sort_keys=True)`.
fn json_body(reasons: &[&str]) -> String {
    #[derive(serde::Serialize)]
    struct Report<'a> {
        detailed: bool,
        reasons: &'a [&'a str],
    }
    let mut out = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
    if serde::Serialize::serialize(
        &Report {
            detailed: false,
            reasons,
        },
        &mut ser,
    )
    .is_err()
    {
        return String::new();
    }
    String::from_utf8(out).unwrap_or_default()
}

/// The non-detailed rendering of upstream's Jinja `HTML_RESPONSE_TEMPLATE`.
fn html_body(reasons: &[&str]) -> String {
    let rows: String = reasons
        .iter()
        .filter(|r| !r.is_empty())
        .map(|r| format!("<TR>\n\n    <TD>{}</TD>\n\n</TR>", html_escape(r)))
        .collect();
    format!(
        "<HTML>\n<HEAD><TITLE>Healthcheck Status</TITLE></HEAD>\n<BODY>\n\n<H2>Result of {} checks:</H2>\n<TABLE bgcolor=\"#ffffff\" border=\"1\">\n<TBODY>\n<TR>\n\n<TH>\nReason\n</TH>\n</TR>\n{rows}\n</TBODY>\n</TABLE>\n<HR></HR>\n\n</BODY>\n</HTML>",
        reasons.len()
    )
}

#[cfg(test)]
mod tests {
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    use super::*;

    fn disable_by_file(path: &Path) -> HealthcheckSettings {
        HealthcheckSettings {
            backends: vec!["disable_by_file".into()],
            disable_by_file_path: Some(path.display().to_string()),
            ..HealthcheckSettings::default()
        }
    }

    async fn call(
        app: &HttpService,
        method: Method,
        accept: Option<&'static str>,
    ) -> (StatusCode, Option<String>, String) {
        let mut b = http::Request::builder()
            .method(method)
            .uri("/healthcheck")
            .header("Host", "h:8776");
        if let Some(a) = accept {
            b = b.header("Accept", a);
        }
        let resp = app
            .clone()
            .oneshot(b.body(Body::empty()).expect("request"))
            .await
            .expect("infallible");
        let status = resp.status();
        let ct = resp
            .headers()
            .get(CONTENT_TYPE)
            .map(|v| v.to_str().unwrap_or_default().to_owned());
        let body = resp
            .into_body()
            .collect()
            .await
            .map(|c| c.to_bytes())
            .unwrap_or_default();
        (status, ct, String::from_utf8_lossy(&body).into_owned())
    }

    // Expected bytes below were produced by oslo.middleware 8.2.0.
    #[tokio::test]
    async fn healthy_then_disabled_by_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let flag = dir.path().join("healthcheck_disable");
        let app = healthcheck(&disable_by_file(&flag)).expect("app");

        assert_eq!(
            call(&app, Method::GET, None).await,
            (
                StatusCode::OK,
                Some("text/plain; charset=UTF-8".into()),
                "OK".into()
            )
        );
        assert_eq!(
            call(&app, Method::HEAD, None).await,
            (StatusCode::NO_CONTENT, None, String::new())
        );
        assert_eq!(
            call(&app, Method::GET, Some("application/json")).await,
            (
                StatusCode::OK,
                Some("application/json".into()),
                "{\n    \"detailed\": false,\n    \"reasons\": [\n        \"OK\"\n    ]\n}".into()
            )
        );

        std::fs::write(&flag, b"").expect("create flag");
        assert_eq!(
            call(&app, Method::GET, Some("*/*")).await,
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Some("text/plain; charset=UTF-8".into()),
                "DISABLED BY FILE".into()
            )
        );
        assert_eq!(
            call(&app, Method::HEAD, None).await,
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Some("text/plain; charset=UTF-8".into()),
                String::new()
            )
        );
        assert_eq!(
            call(&app, Method::GET, Some("application/json")).await.2,
            "{\n    \"detailed\": false,\n    \"reasons\": [\n        \"DISABLED BY FILE\"\n    ]\n}"
        );
        let (status, ct, body) = call(&app, Method::GET, Some("text/html")).await;
        assert_eq!(
            (status, ct.as_deref()),
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Some("text/html; charset=UTF-8")
            )
        );
        assert_eq!(
            body,
            "<HTML>\n<HEAD><TITLE>Healthcheck Status</TITLE></HEAD>\n<BODY>\n\n<H2>Result of 1 checks:</H2>\n<TABLE bgcolor=\"#ffffff\" border=\"1\">\n<TBODY>\n<TR>\n\n<TH>\nReason\n</TH>\n</TR>\n<TR>\n\n    <TD>DISABLED BY FILE</TD>\n\n</TR>\n</TBODY>\n</TABLE>\n<HR></HR>\n\n</BODY>\n</HTML>"
        );
    }

    #[test]
    fn html_of_two_and_zero_results() {
        assert_eq!(
            html_body(&["A", "B<"]),
            "<HTML>\n<HEAD><TITLE>Healthcheck Status</TITLE></HEAD>\n<BODY>\n\n<H2>Result of 2 checks:</H2>\n<TABLE bgcolor=\"#ffffff\" border=\"1\">\n<TBODY>\n<TR>\n\n<TH>\nReason\n</TH>\n</TR>\n<TR>\n\n    <TD>A</TD>\n\n</TR><TR>\n\n    <TD>B&lt;</TD>\n\n</TR>\n</TBODY>\n</TABLE>\n<HR></HR>\n\n</BODY>\n</HTML>"
        );
        assert!(html_body(&[]).contains("Result of 0 checks:</H2>\n<TABLE bgcolor=\"#ffffff\" border=\"1\">\n<TBODY>\n<TR>\n\n<TH>\nReason\n</TH>\n</TR>\n\n</TBODY>"));
    }

    #[tokio::test]
    async fn no_backends_is_healthy_with_an_empty_body() {
        let app = healthcheck(&HealthcheckSettings::default()).expect("app");
        assert_eq!(
            call(&app, Method::GET, None).await,
            (
                StatusCode::OK,
                Some("text/plain; charset=UTF-8".into()),
                String::new()
            )
        );
    }

    #[tokio::test]
    async fn enable_by_files_and_ports() {
        let dir = tempfile::tempdir().expect("tempdir");
        let present = dir.path().join("present");
        std::fs::write(&present, b"").expect("file");
        let settings = HealthcheckSettings {
            backends: vec!["enable_by_files".into(), "disable_by_files_ports".into()],
            enable_by_file_paths: vec![
                present.display().to_string(),
                dir.path().join("absent").display().to_string(),
            ],
            disable_by_file_paths: vec![format!("8776:{}", present.display())],
            ..HealthcheckSettings::default()
        };
        let app = healthcheck(&settings).expect("app");
        assert_eq!(
            call(&app, Method::GET, None).await,
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Some("text/plain; charset=UTF-8".into()),
                "FILE PATH MISSING\nDISABLED BY FILE".into()
            )
        );
    }

    #[test]
    fn refused_configurations() {
        let both = HealthcheckSettings {
            backends: vec!["disable_by_file".into(), "enable_by_files".into()],
            ..HealthcheckSettings::default()
        };
        assert_eq!(
            healthcheck(&both).err(),
            Some(HealthcheckError::ExclusiveBackends)
        );
        let bad_range = HealthcheckSettings {
            allowed_source_ranges: vec!["10.0.0.0/99".into()],
            ..HealthcheckSettings::default()
        };
        assert!(matches!(
            healthcheck(&bad_range),
            Err(HealthcheckError::SourceRange(_))
        ));
    }

    #[test]
    fn networks() {
        let net = Network::parse("10.1.0.0/16").expect("net");
        assert!(net.contains("10.1.200.3".parse().expect("ip")));
        assert!(!net.contains("10.2.0.1".parse().expect("ip")));
        assert!(!net.contains("::1".parse().expect("ip")));
        assert!(Network::parse("::1")
            .expect("net")
            .contains("::1".parse().expect("ip")));
        assert!(Network::parse("0.0.0.0/0")
            .expect("net")
            .contains("8.8.8.8".parse().expect("ip")));
    }
}
