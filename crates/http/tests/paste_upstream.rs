//! The three upstream `api-paste.ini` files (shared/reference/paste.md §6) load unchanged:
//! every section resolves to a known factory, cinder's `osapi_volume` builds into a working
//! stack with trivial stand-ins for cinder's two apps, and nova's and neutron's stop at the
//! filters this build does not implement yet, naming them.

use std::convert::Infallible;
use std::path::{Path, PathBuf};

use openstack_config::{ConfigOpts, Opt};
use openstack_http::paste::{
    load_app, AppFactories, AppFactory, FactoryArgs, Loader, PasteError, PasteFile,
};
use openstack_http::{path_info, script_name, Body, HttpService, Request, Response};
use tower::ServiceExt;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Stand-ins for the service apps: they answer `<spec> script:<SCRIPT_NAME> path:<PATH_INFO>
/// context:<user/project of the RequestContext, if any>`.
struct StandIns(&'static [&'static str]);

fn stand_in(args: &FactoryArgs) -> Result<HttpService, PasteError> {
    let section = args.section.to_string();
    Ok(HttpService::new(tower::service_fn(move |req: Request| {
        let ctx = req
            .extensions()
            .get::<std::sync::Arc<openstack_service::RequestContext>>()
            .map(|c| {
                format!(
                    "{}/{}",
                    c.user_id.as_deref().unwrap_or("-"),
                    c.project_id.as_deref().unwrap_or("-")
                )
            })
            .unwrap_or_else(|| "none".into());
        let text = format!(
            "{section} script:{} path:{} context:{ctx}",
            script_name(&req),
            path_info(&req)
        );
        async move { Ok::<_, Infallible>(Response::new(Body::from(text))) }
    })))
}

impl AppFactories for StandIns {
    fn app(&self, spec: &str) -> Option<AppFactory> {
        self.0.contains(&spec).then_some(stand_in as AppFactory)
    }
    fn names(&self) -> Vec<&'static str> {
        self.0.to_vec()
    }
}

const CINDER_APPS: StandIns = StandIns(&[
    "cinder.api.v3.router:APIRouter.factory",
    "cinder.api.versions:Versions.factory",
]);
const NOVA_APPS: StandIns = StandIns(&[
    "nova.api.metadata.handler:MetadataRequestHandler.factory",
    "nova.api.openstack.compute:APIRouterV21.factory",
    "nova.api.openstack.compute.versions:Versions.factory",
    "nova.api.openstack.compute.versions:VersionsV2.factory",
]);
const NEUTRON_APPS: StandIns = StandIns(&[
    "neutron.pecan_wsgi.app:versions_factory",
    "neutron.api.v2.router:APIRouter.factory",
]);

/// A service configuration with `auth_strategy` and a `[keystone_authtoken]` section (the
/// identity endpoint is never contacted: no request carries a token to validate).
fn conf(project: &str, auth_strategy: &str) -> ConfigOpts {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join(format!("{project}.conf"));
    std::fs::write(
        &file,
        format!(
            "[DEFAULT]\nauth_strategy = {auth_strategy}\n[keystone_authtoken]\n\
             auth_type = password\nauth_url = http://127.0.0.1:9/identity\n\
             www_authenticate_uri = http://127.0.0.1:9/identity\n\
             username = {project}\npassword = secret\n"
        ),
    )
    .expect("write");
    let mut conf = ConfigOpts::new(project, &format!("{project}-api"), "1.0");
    conf.register_opts(
        "DEFAULT",
        vec![
            Opt::str().named("auth_strategy").default("keystone"),
            Opt::bool().named("api_rate_limit").default("true"),
        ],
    )
    .expect("register");
    conf.parse_args(&["--config-file".into(), file.display().to_string()])
        .expect("parse");
    conf
}

/// Every section of the file resolves: apps, composites, pipelines and filters.
fn resolve_every_section(file: &Path, apps: &dyn AppFactories) -> Vec<String> {
    let conf = conf("x", "keystone");
    let parsed = PasteFile::read(file).expect("parses");
    let loader = Loader::new(&conf, file, apps).expect("loader");
    let mut out = Vec::new();
    for section in parsed.sections() {
        let (kind, name) = section.split_once(':').expect("kind:name");
        let described = if kind == "filter" {
            loader.describe_filter(name.trim())
        } else {
            loader.describe_app(name.trim())
        };
        match described {
            Ok(text) => out.push(text),
            Err(e) => panic!("[{section}] of {}: {e}", file.display()),
        }
    }
    out
}

async fn get(
    app: &HttpService,
    uri: &str,
    headers: &[(&str, &str)],
) -> (u16, String, http::HeaderMap) {
    let mut builder = http::Request::builder()
        .uri(uri)
        .header("host", "localhost:8776");
    for (k, v) in headers {
        builder = builder.header(*k, *v);
    }
    let req = builder.body(Body::empty()).expect("request");
    let resp = app.clone().oneshot(req).await.expect("infallible");
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .expect("body");
    (
        status,
        String::from_utf8_lossy(&bytes).into_owned(),
        headers,
    )
}

#[test]
fn every_section_of_the_three_files_resolves() {
    let cinder = resolve_every_section(&fixture("cinder-api-paste.ini"), &CINDER_APPS);
    assert_eq!(cinder.len(), 17);
    assert!(cinder.contains(
        &"[pipeline:healthcheck]\n  [filter:request_id] \
          cinder.api.middleware.request_id:RequestId.factory Filter(CinderRequestId)\n  \
          [app:healthcheckapp] oslo_middleware:Healthcheck.app_factory App(Healthcheck) \
          {backends=disable_by_file, disable_by_file_path=/etc/cinder/healthcheck_disable}\n"
            .to_string()
    ));
    let nova = resolve_every_section(&fixture("nova-api-paste.ini"), &NOVA_APPS);
    assert_eq!(nova.len(), 22);
    let neutron = resolve_every_section(&fixture("neutron-api-paste.ini"), &NEUTRON_APPS);
    assert_eq!(neutron.len(), 16);
    assert!(neutron.contains(
        &"[composite:neutron] egg:Paste#urlmap Composite(Urlmap) {/=neutronversions_composite, \
          /healthcheck=healthcheck, /v2.0=neutronapi_v2_0}\n"
            .to_string()
    ));
}

#[tokio::test]
async fn cinder_osapi_volume_noauth_stack_serves() {
    let conf = conf("cinder", "noauth");
    let app = load_app(
        &conf,
        &fixture("cinder-api-paste.ini"),
        "osapi_volume",
        &CINDER_APPS,
    )
    .expect("osapi_volume builds");

    let (status, body, headers) = get(&app, "/", &[]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, "app:osvolumeversionapp script: path:/ context:-/-");
    assert!(headers.contains_key("x-openstack-request-id"));

    // The `/` mount catches every other path too, as upstream.
    let (_, body, _) = get(&app, "/foo", &[]).await;
    assert!(
        body.starts_with("app:osvolumeversionapp script: path:/foo"),
        "{body}"
    );

    let (status, body, headers) = get(&app, "/healthcheck", &[]).await;
    assert_eq!((status, body.as_str()), (200, "OK"));
    assert!(headers.contains_key("x-openstack-request-id"));

    // noauth answers a request without a token itself...
    let (status, _, headers) = get(&app, "/v3/volumes", &[]).await;
    assert_eq!(status, 204);
    assert!(headers.contains_key("x-auth-token"));
    // ...and with one, the v3 app gets the request below /v3 with an admin context.
    let (status, body, _) = get(&app, "/v3/volumes/detail", &[("x-auth-token", "alice:p1")]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        "app:apiv3 script:/v3 path:/volumes/detail context:alice/p1"
    );
}

#[tokio::test]
async fn cinder_osapi_volume_keystone_stack_builds_and_demands_a_token() {
    let conf = conf("cinder", "keystone");
    let app = load_app(
        &conf,
        &fixture("cinder-api-paste.ini"),
        "osapi_volume",
        &CINDER_APPS,
    )
    .expect("osapi_volume builds");
    let (status, _, headers) = get(&app, "/v3/volumes", &[]).await;
    assert_eq!(status, 401);
    assert!(headers.contains_key("www-authenticate"));
    let (status, _, _) = get(&app, "/", &[]).await;
    assert_eq!(status, 200);
}

#[test]
fn cinder_unknown_auth_strategy_names_the_section_and_key() {
    let conf = conf("cinder", "noauth2");
    let file = fixture("cinder-api-paste.ini");
    let err = load_app(&conf, &file, "osapi_volume", &CINDER_APPS)
        .map(|_| ())
        .expect_err("no such pipeline");
    assert_eq!(
        err.to_string(),
        format!(
            "Error in section [composite:openstack_volume_api_v3] of {}: no pipeline for \
             auth_strategy 'noauth2': the section has no key 'noauth2' (it has: keystone, \
             keystone_nolimit, noauth, noauth_include_project_id)",
            file.display()
        )
    );
}

#[test]
fn nova_osapi_compute_stops_at_request_log() {
    let conf = conf("nova", "keystone");
    let file = fixture("nova-api-paste.ini");
    let err = load_app(&conf, &file, "osapi_compute", &NOVA_APPS)
        .map(|_| ())
        .expect_err("request_log is not implemented");
    assert_eq!(
        err.to_string(),
        format!(
            "Factory 'nova.api.openstack.requestlog:RequestLog.factory' in section \
             [filter:request_log] of {} is not supported yet",
            file.display()
        )
    );
}

#[tokio::test]
async fn nova_metadata_builds() {
    let conf = conf("nova", "keystone");
    let app = load_app(
        &conf,
        &fixture("nova-api-paste.ini"),
        "metadata",
        &NOVA_APPS,
    )
    .expect("metadata builds");
    let (status, body, _) = get(&app, "/openstack/latest", &[]).await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        "app:metaapp script: path:/openstack/latest context:none"
    );
}

#[test]
fn neutron_stops_at_extensions() {
    let file = fixture("neutron-api-paste.ini");
    for strategy in ["noauth", "keystone"] {
        let conf = conf("neutron", strategy);
        let err = load_app(&conf, &file, "neutron", &NEUTRON_APPS)
            .map(|_| ())
            .expect_err("extensions is not implemented");
        assert_eq!(
            err.to_string(),
            format!(
                "Factory 'neutron.api.extensions:plugin_aware_extension_middleware_factory' in \
                 section [filter:extensions] of {} is not supported yet",
                file.display()
            ),
            "{strategy}"
        );
    }
}

#[test]
fn service_apps_missing_from_the_binary_are_unknown_factories() {
    let conf = conf("cinder", "keystone");
    let file = fixture("cinder-api-paste.ini");
    let err = load_app(&conf, &file, "osapi_volume", &openstack_http::paste::NoApps)
        .map(|_| ())
        .expect_err("no cinder apps");
    assert!(
        err.to_string().starts_with(&format!(
            "Unknown factory 'cinder.api.versions:Versions.factory' in section \
             [app:osvolumeversionapp] of {}; known factories: ",
            file.display()
        )),
        "{err}"
    );
}
