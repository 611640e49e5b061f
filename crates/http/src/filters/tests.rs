//! `build` / `healthcheck_app` / `register_opts`: options from the service's configuration,
//! paste-section keys overriding them, start-up errors.

use std::collections::BTreeMap;
use std::path::Path;

use http::StatusCode;
use tower::ServiceExt;

use super::*;
use crate::{Body, Request, Response};

fn conf_with(file_text: Option<&str>, register: bool) -> (ConfigOpts, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut conf = ConfigOpts::new("cinder", "cinder-api", "test");
    if register {
        register_opts(&mut conf).expect("register");
    }
    let path = dir.path().join("cinder.conf");
    std::fs::write(&path, file_text.unwrap_or("")).expect("write conf");
    conf.parse_args(&["--config-file".to_owned(), path.display().to_string()])
        .expect("parse");
    (conf, dir)
}

fn args<'a>(
    conf: &'a ConfigOpts,
    global: &'a BTreeMap<String, String>,
    local: &'a BTreeMap<String, String>,
) -> FactoryArgs<'a> {
    FactoryArgs {
        conf,
        global_conf: global,
        local_conf: local,
        file: Path::new("/etc/cinder/api-paste.ini"),
        section: "filter:test",
    }
}

fn local(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn ok_app() -> HttpService {
    tower::util::BoxCloneSyncService::new(tower::service_fn(|req: Request| async move {
        let n = axum::body::to_bytes(req.into_body(), usize::MAX)
            .await
            .map(|b| b.len())
            .unwrap_or(0);
        Ok(Response::new(Body::from(n.to_string())))
    }))
}

async fn post(svc: HttpService, len: usize) -> StatusCode {
    let req = http::Request::post("/v3/volumes")
        .header("content-length", len.to_string())
        .body(Body::from(vec![b'x'; len]))
        .expect("request");
    svc.oneshot(req).await.expect("infallible").status()
}

#[tokio::test]
async fn sizelimit_reads_the_file_and_the_paste_key_wins() {
    let (conf, _dir) = conf_with(
        Some("[oslo_middleware]\nmax_request_body_size = 20\n"),
        true,
    );
    let g = BTreeMap::new();
    let none = BTreeMap::new();
    let f = build(StandardFilter::SizeLimit, &args(&conf, &g, &none)).expect("filter");
    assert_eq!(post(f(ok_app()), 20).await, StatusCode::OK);
    assert_eq!(post(f(ok_app()), 21).await, StatusCode::PAYLOAD_TOO_LARGE);

    let l = local(&[("max_request_body_size", "10")]);
    let f = build(StandardFilter::SizeLimit, &args(&conf, &g, &l)).expect("filter");
    assert_eq!(post(f(ok_app()), 11).await, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(post(f(ok_app()), 10).await, StatusCode::OK);
}

#[tokio::test]
async fn options_are_read_even_when_the_service_did_not_register_them() {
    let (conf, _dir) = conf_with(
        Some("[oslo_middleware]\nmax_request_body_size = 5\n"),
        false,
    );
    let g = BTreeMap::new();
    let none = BTreeMap::new();
    let f = build(StandardFilter::SizeLimit, &args(&conf, &g, &none)).expect("filter");
    assert_eq!(post(f(ok_app()), 6).await, StatusCode::PAYLOAD_TOO_LARGE);
    // Defaults apply when nothing is configured.
    let (conf, _dir) = conf_with(None, false);
    let f = build(StandardFilter::SizeLimit, &args(&conf, &g, &none)).expect("filter");
    assert_eq!(post(f(ok_app()), 114_688).await, StatusCode::OK);
    assert_eq!(
        post(f(ok_app()), 114_689).await,
        StatusCode::PAYLOAD_TOO_LARGE
    );
}

#[test]
fn bad_paste_values_are_load_errors_naming_the_section() {
    let (conf, _dir) = conf_with(None, true);
    let g = BTreeMap::new();
    let l = local(&[("max_request_body_size", "lots")]);
    let err = build(StandardFilter::SizeLimit, &args(&conf, &g, &l))
        .err()
        .expect("error");
    let text = err.to_string();
    assert!(
        text.contains("[filter:test]") && text.contains("max_request_body_size"),
        "{text}"
    );
}

#[test]
fn cors_needs_an_origin_or_a_project() {
    let (conf, _dir) = conf_with(None, true);
    let g = BTreeMap::new();
    let none = BTreeMap::new();
    let err = build(StandardFilter::Cors, &args(&conf, &g, &none))
        .err()
        .expect("error");
    assert!(err
        .to_string()
        .contains("allowed_origin or oslo_config_project is required"));
    let l = local(&[("oslo_config_project", "cinder")]);
    assert!(build(StandardFilter::Cors, &args(&conf, &g, &l)).is_ok());
}

#[tokio::test]
async fn cors_uses_the_cors_group_with_cinder_defaults() {
    let (conf, _dir) = conf_with(
        Some("[cors]\nallowed_origin = https://horizon.example\n"),
        true,
    );
    let g = BTreeMap::new();
    let l = local(&[("oslo_config_project", "cinder")]);
    let f = build(StandardFilter::Cors, &args(&conf, &g, &l)).expect("filter");
    let req = http::Request::options("/v3/volumes")
        .header("Origin", "https://horizon.example")
        .header("Access-Control-Request-Method", "PATCH")
        .header(
            "Access-Control-Request-Headers",
            "OpenStack-API-Version,X-Auth-Token",
        )
        .body(Body::empty())
        .expect("request");
    let resp = f(ok_app()).oneshot(req).await.expect("infallible");
    assert_eq!(
        resp.headers()["access-control-allow-origin"],
        "https://horizon.example"
    );
    assert_eq!(resp.headers()["access-control-allow-methods"], "PATCH");
    assert_eq!(resp.headers()["access-control-max-age"], "3600");
}

#[test]
fn authtoken_needs_its_configuration() {
    let (conf, _dir) = conf_with(None, true);
    let g = BTreeMap::new();
    let none = BTreeMap::new();
    let err = build(StandardFilter::AuthToken, &args(&conf, &g, &none))
        .err()
        .expect("error");
    assert!(err.to_string().contains("auth_type is not set"), "{err}");

    let (conf, _dir) = conf_with(
        Some("[keystone_authtoken]\nauth_type = password\nauth_url = http://127.0.0.1:5000\nusername = cinder\npassword = secret\nmemcached_servers = 127.0.0.1:11211\n"),
        true,
    );
    assert!(build(StandardFilter::AuthToken, &args(&conf, &g, &none)).is_ok());
    let l = local(&[("auth_type", "v3oidcpassword")]);
    let err = build(StandardFilter::AuthToken, &args(&conf, &g, &l))
        .err()
        .expect("error");
    assert!(
        err.to_string().contains("v3oidcpassword is not supported"),
        "{err}"
    );
}

#[test]
fn authtoken_plugin_options_from_auth_section() {
    let (conf, _dir) = conf_with(
        Some("[keystone_authtoken]\nauth_section = service_user\n[service_user]\nauth_type = password\nauth_url = http://127.0.0.1:5000\n"),
        true,
    );
    let g = BTreeMap::new();
    let none = BTreeMap::new();
    // auth_type itself lives in [keystone_authtoken] upstream too; without it the build fails,
    // with it the plugin options come from [service_user].
    assert!(build(StandardFilter::AuthToken, &args(&conf, &g, &none)).is_err());
    let l = local(&[("auth_type", "password")]);
    assert!(build(StandardFilter::AuthToken, &args(&conf, &g, &l)).is_ok());
}

#[tokio::test]
async fn healthcheck_app_from_paste_keys() {
    let dir = tempfile::tempdir().expect("tempdir");
    let flag = dir.path().join("healthcheck_disable");
    let (conf, _cdir) = conf_with(None, true);
    let g = BTreeMap::new();
    let flag_text = flag.display().to_string();
    let l = local(&[
        ("backends", "disable_by_file"),
        ("disable_by_file_path", &flag_text),
    ]);
    let app = healthcheck_app(&args(&conf, &g, &l)).expect("app");
    let get = || {
        http::Request::get("/healthcheck")
            .body(Body::empty())
            .expect("request")
    };
    assert_eq!(
        app.clone()
            .oneshot(get())
            .await
            .expect("infallible")
            .status(),
        StatusCode::OK
    );
    std::fs::write(&flag, b"").expect("flag");
    assert_eq!(
        app.oneshot(get()).await.expect("infallible").status(),
        StatusCode::SERVICE_UNAVAILABLE
    );
}

#[test]
fn every_filter_but_authtoken_builds_from_defaults() {
    use StandardFilter as S;
    let (conf, _dir) = conf_with(None, true);
    let g = BTreeMap::new();
    let l = local(&[("oslo_config_project", "cinder")]);
    for kind in [
        S::RequestId,
        S::CinderRequestId,
        S::ComputeRequestId,
        S::Cors,
        S::HttpProxyToWsgi,
        S::CinderFaultWrap,
        S::NovaFaultWrap,
        S::CatchErrors,
        S::SizeLimit,
        S::OsProfiler,
        S::CinderKeystoneContext,
        S::NovaKeystoneContext,
        S::NeutronKeystoneContext,
        S::CinderNoAuth,
        S::CinderNoAuthIncludeProjectId,
        S::NeutronNoAuthFakeProjectId,
    ] {
        assert!(build(kind, &args(&conf, &g, &l)).is_ok(), "{kind:?}");
    }
}

#[tokio::test]
async fn use_forwarded_for_from_default_group() {
    let (conf, _dir) = conf_with(Some("[DEFAULT]\nuse_forwarded_for = true\n"), true);
    let g = BTreeMap::new();
    let none = BTreeMap::new();
    let f = build(StandardFilter::CinderNoAuth, &args(&conf, &g, &none)).expect("filter");
    let seen = std::sync::Arc::new(std::sync::Mutex::new(None));
    let probe = seen.clone();
    let app: HttpService =
        tower::util::BoxCloneSyncService::new(tower::service_fn(move |req: Request| {
            let probe = probe.clone();
            async move {
                *probe.lock().unwrap_or_else(|e| e.into_inner()) = req
                    .extensions()
                    .get::<std::sync::Arc<openstack_service::RequestContext>>()
                    .and_then(|c| c.remote_address.clone());
                Ok(Response::new(Body::empty()))
            }
        }));
    let req = http::Request::get("/v3/volumes")
        .header("X-Auth-Token", "u:p")
        .header("X-Forwarded-For", "192.0.2.44")
        .body(Body::empty())
        .expect("request");
    f(app).oneshot(req).await.expect("infallible");
    assert_eq!(seen.lock().expect("lock").as_deref(), Some("192.0.2.44"));
}
