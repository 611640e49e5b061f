//! Loader tests: section lookup, `use`, pipelines, `filter-app`, `filter-with`, `set`/`get`,
//! the `[DEFAULT]` rule, loops, unknown factories and the pipeline_factory composites, with
//! test-only apps and filters supplied through `AppFactories`.

use std::convert::Infallible;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use http::HeaderValue;
use openstack_config::{ConfigOpts, Opt};
use tower::ServiceExt;

use super::*;
use crate::{path_info, script_name, Body, Request, Response};

/// `test.apps:echo` answers with what its factory was given and what the request looked
/// like; `test.filters:tag` appends its `tag` key (or section) to the `x-trail` header.
struct TestApps;

impl AppFactories for TestApps {
    fn app(&self, spec: &str) -> Option<AppFactory> {
        match spec {
            "test.apps:echo" => Some(echo),
            _ => None,
        }
    }
    fn names(&self) -> Vec<&'static str> {
        vec!["test.apps:echo", "test.filters:tag"]
    }
    fn filter(&self, spec: &str) -> Option<FilterFactory> {
        match spec {
            "test.filters:tag" => Some(tag),
            _ => None,
        }
    }
}

fn echo(args: &FactoryArgs) -> Result<HttpService, PasteError> {
    let show = |m: &std::collections::BTreeMap<String, String>| {
        m.iter()
            .filter(|(k, _)| k.as_str() != "here" && k.as_str() != "__file__")
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(",")
    };
    let description = format!(
        "[{}] local:{} global:{}",
        args.section,
        show(args.local_conf),
        show(args.global_conf)
    );
    Ok(HttpService::new(tower::service_fn(move |req: Request| {
        let text = format!(
            "{description} trail:{} script:{} path:{}",
            req.headers()
                .get("x-trail")
                .and_then(|v| v.to_str().ok())
                .unwrap_or(""),
            script_name(&req),
            path_info(&req)
        );
        async move { Ok::<_, Infallible>(Response::new(Body::from(text))) }
    })))
}

fn tag(args: &FactoryArgs) -> Result<Filter, PasteError> {
    let tag = args.get("tag").unwrap_or(args.section).to_string();
    Ok(Arc::new(move |inner: HttpService| {
        let tag = tag.clone();
        HttpService::new(tower::service_fn(move |mut req: Request| {
            let trail = match req.headers().get("x-trail").and_then(|v| v.to_str().ok()) {
                Some(t) => format!("{t},{tag}"),
                None => tag.clone(),
            };
            if let Ok(v) = HeaderValue::from_str(&trail) {
                req.headers_mut().insert("x-trail", v);
            }
            inner.clone().oneshot(req)
        }))
    }))
}

struct Fixture {
    _dir: tempfile::TempDir,
    path: PathBuf,
    conf: ConfigOpts,
}

fn fixture(text: &str) -> Fixture {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("api-paste.ini");
    std::fs::write(&path, text).expect("write");
    let mut conf = ConfigOpts::new("cinder", "cinder-api", "1.0");
    conf.register_opts(
        "DEFAULT",
        vec![
            Opt::str().named("auth_strategy").default("keystone"),
            Opt::bool().named("api_rate_limit").default("true"),
        ],
    )
    .expect("register");
    Fixture {
        _dir: dir,
        path,
        conf,
    }
}

impl Fixture {
    fn file(&self) -> String {
        self.path.display().to_string()
    }

    fn write(&self, name: &str, text: &str) {
        let path = self.path.parent().unwrap_or(Path::new("/")).join(name);
        std::fs::write(path, text).expect("write");
    }

    fn app(&self, name: &str) -> Result<HttpService, PasteError> {
        load_app(&self.conf, &self.path, name, &TestApps)
    }

    fn err(&self, name: &str) -> String {
        match self.app(name) {
            Ok(_) => panic!("{name} loaded"),
            Err(e) => e.to_string(),
        }
    }

    async fn get(&self, name: &str, uri: &str) -> String {
        let app = match self.app(name) {
            Ok(app) => app,
            Err(e) => panic!("{name}: {e}"),
        };
        let req = http::Request::builder()
            .uri(uri)
            .header("host", "localhost")
            .body(Body::empty())
            .expect("request");
        let resp = match app.oneshot(req).await {
            Ok(resp) => resp,
            Err(never) => match never {},
        };
        let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX)
            .await
            .expect("body");
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

// ---- lookup ------------------------------------------------------------------------

#[tokio::test]
async fn app_before_application_and_spaces_after_the_colon() {
    let f = fixture(
        "[app:a]\nuse = call:test.apps:echo\nwhich = app\n\
         [application:a]\nuse = call:test.apps:echo\nwhich = application\n\
         [app:  spaced ]\nuse = call:test.apps:echo\n",
    );
    assert!(f.get("a", "/").await.contains("local:which=app "));
    assert!(f.get("spaced", "/").await.starts_with("[app:  spaced ]"));
}

#[test]
fn missing_section_texts() {
    let f = fixture("[app:a]\nuse = call:test.apps:echo\n[pipeline:p]\npipeline = nothere a\n");
    assert_eq!(
        f.err("x"),
        format!(
            "No section 'x' (prefixed by 'app' or 'application' or 'composite' or 'composit' \
             or 'pipeline' or 'filter-app') found in config {}",
            f.file()
        )
    );
    assert_eq!(
        f.err("p"),
        format!(
            "No section 'nothere' (prefixed by 'filter') found in config {}",
            f.file()
        )
    );
}

#[test]
fn ambiguous_across_kinds() {
    let f = fixture("[app:x]\nuse = call:test.apps:echo\n[pipeline:x]\npipeline = x\n");
    assert_eq!(
        f.err("x"),
        format!(
            "Ambiguous section names ['app:x', 'pipeline:x'] for section 'x' (prefixed by \
             'app' or 'application' or 'composite' or 'composit' or 'pipeline' or \
             'filter-app') found in config {}",
            f.file()
        )
    );
}

#[tokio::test]
async fn no_name_means_main_or_a_bare_section() {
    let f = fixture("[app]\nuse = call:test.apps:echo\n");
    assert!(f.get("", "/").await.starts_with("[app]"));
    let f = fixture("[app:main]\nuse = call:test.apps:echo\n");
    assert!(f.get("", "/").await.starts_with("[app:main]"));
}

// ---- use, DEFAULT, set/get ---------------------------------------------------------

#[tokio::test]
async fn use_another_section_merges_local_keys() {
    let f = fixture(
        "[app:root]\nuse = call:test.apps:echo\nbase = 1\nshared = root\n\
         [app:admin]\nuse = root\nextra = 2\nshared = admin\n",
    );
    let body = f.get("admin", "/").await;
    assert!(
        body.starts_with("[app:admin] local:base=1,extra=2,shared=admin global: "),
        "{body}"
    );
}

#[tokio::test]
async fn default_keys_are_skipped_locally_and_set_get_work() {
    let f = fixture(
        "[DEFAULT]\nk = from-default\nbase = /srv\n\
         [app:a]\nuse = call:test.apps:echo\nk = from-section\nset added = %(base)s/x\n\
         get copied = added\nown = %(here)s\n",
    );
    let body = f.get("a", "/").await;
    let here = f.path.parent().expect("dir").display().to_string();
    assert!(
        body.starts_with(&format!(
            "[app:a] local:copied=/srv/x,own={here} global:added=/srv/x,base=/srv,k=from-default "
        )),
        "{body}"
    );
}

#[test]
fn get_of_a_missing_global() {
    let f = fixture("[app:a]\nuse = call:test.apps:echo\nget x = nothere\n");
    assert_eq!(
        f.err("a"),
        format!(
            "The [app:a] section in {} gets 'nothere' from the global configuration, which \
             does not define it",
            f.file()
        )
    );
}

#[tokio::test]
async fn use_config_relative_to_the_file() {
    let f = fixture("[app:a]\nuse = config:other.ini#inner\nlocal = yes\n");
    f.write(
        "other.ini",
        "[app:inner]\nuse = call:test.apps:echo\nfrom = other\n",
    );
    let body = f.get("a", "/").await;
    assert!(
        body.starts_with("[app:a] local:from=other,local=yes"),
        "{body}"
    );
}

#[test]
fn protocol_keys_and_their_errors() {
    let f = fixture(
        "[app:explicit]\npaste.app_factory = test.apps:echo\n\
         [app:none]\nkey = v\n\
         [app:both]\npaste.app_factory = test.apps:echo\npaste.composite_factory = x:y\n\
         [app:scheme]\nuse = http:x\n[app:nohost]\nuse = call:nosuch.module:factory\n",
    );
    assert!(f.app("explicit").is_ok());
    assert_eq!(f.err("none"), "No loader given in section 'app:none'");
    assert_eq!(
        f.err("both"),
        "Multiple protocols given in section 'app:both': [('paste.app_factory', \
         'test.apps:echo'), ('paste.composite_factory', 'x:y')]"
    );
    assert_eq!(
        f.err("scheme"),
        "URI scheme not known: 'http' (from config, egg, call)"
    );
}

#[test]
fn unknown_factory_lists_the_known_ones() {
    let f = fixture("[app:x]\nuse = call:nosuch.module:factory\n[app:y]\nuse = egg:Nope#main\n");
    let err = f.app("x").map(|_| ()).expect_err("unknown");
    let text = err.to_string();
    assert!(
        text.starts_with(&format!(
            "Unknown factory 'call:nosuch.module:factory' in section [app:x] of {}; known \
             factories: egg:Paste#urlmap, paste.urlmap:urlmap_factory, ",
            f.file()
        )),
        "{text}"
    );
    assert!(
        text.contains("oslo_middleware:Healthcheck.app_factory"),
        "{text}"
    );
    assert!(text.ends_with("test.apps:echo, test.filters:tag"), "{text}");
    assert!(f
        .err("y")
        .starts_with("Unknown factory 'egg:Nope#main' in section [app:y]"));
}

#[test]
fn a_filter_factory_is_not_an_app() {
    let f = fixture(
        "[app:x]\nuse = call:oslo_middleware:RequestId.factory\n\
         [pipeline:p]\npipeline = app2 a\n[filter:app2]\nuse = call:test.apps:echo\n\
         [app:a]\nuse = call:test.apps:echo\n",
    );
    assert_eq!(
        f.err("x"),
        format!(
            "Factory 'call:oslo_middleware:RequestId.factory' in section [app:x] of {} builds \
             a filter, but an application is needed here",
            f.file()
        )
    );
    assert!(f
        .err("p")
        .contains("builds an application, but a filter is needed here"));
}

#[test]
fn unsupported_spec_is_a_load_error() {
    let f = fixture(
        "[pipeline:p]\npipeline = request_log a\n\
         [filter:request_log]\npaste.filter_factory = nova.api.openstack.requestlog:RequestLog.factory\n\
         [app:a]\nuse = call:test.apps:echo\n",
    );
    assert_eq!(
        f.err("p"),
        format!(
            "Factory 'nova.api.openstack.requestlog:RequestLog.factory' in section \
             [filter:request_log] of {} is not supported yet",
            f.file()
        )
    );
}

// ---- pipeline, filter-app, filter-with ---------------------------------------------

#[tokio::test]
async fn pipeline_first_filter_is_outermost() {
    let f = fixture(
        "[pipeline:p]\npipeline = one two\n    three app\n\
         [filter:one]\nuse = call:test.filters:tag\n\
         [filter:two]\npaste.filter_factory = test.filters:tag\ntag = 2\n\
         [filter:three]\nuse = call:test.filters:tag\n\
         [app:app]\nuse = call:test.apps:echo\n",
    );
    let body = f.get("p", "/").await;
    assert!(body.contains("trail:filter:one,2,filter:three "), "{body}");
}

#[tokio::test]
async fn pipeline_may_end_in_another_pipeline() {
    let f = fixture(
        "[pipeline:outer]\npipeline = a inner\n[pipeline:inner]\npipeline = b app\n\
         [filter:a]\nuse = call:test.filters:tag\ntag = a\n\
         [filter:b]\nuse = call:test.filters:tag\ntag = b\n\
         [app:app]\nuse = call:test.apps:echo\n",
    );
    assert!(f.get("outer", "/").await.contains("trail:a,b "));
}

#[test]
fn pipeline_setting_errors() {
    let f = fixture(
        "[DEFAULT]\nignored = yes\n\
         [pipeline:nopipe]\nfoo = bar\n\
         [pipeline:extra]\npipeline = app\nfoo = bar\nbaz = 1\nignored = local\n\
         [pipeline:empty]\npipeline =\n\
         [app:app]\nuse = call:test.apps:echo\n",
    );
    assert_eq!(
        f.err("nopipe"),
        format!(
            "The [pipeline:nopipe] section in {} is missing a 'pipeline' setting",
            f.file()
        )
    );
    assert_eq!(
        f.err("extra"),
        format!(
            "The [pipeline:extra] pipeline section in {} has extra (disallowed) settings: \
             baz, foo",
            f.file()
        )
    );
    assert_eq!(
        f.err("empty"),
        format!(
            "The [pipeline:empty] section in {} has an empty 'pipeline' setting",
            f.file()
        )
    );
}

#[tokio::test]
async fn filter_app_wraps_next() {
    let f = fixture(
        "[filter-app:fa]\nuse = call:test.filters:tag\ntag = fa\nnext = inner\n\
         [filter-app:fa2]\npaste.filter_factory = test.filters:tag\nnext = fa\n\
         [filter-app:nonext]\nuse = call:test.filters:tag\n\
         [app:inner]\nuse = call:test.apps:echo\n",
    );
    assert!(f.get("fa", "/").await.contains("trail:fa "));
    assert!(f.get("fa2", "/").await.contains("trail:filter-app:fa2,fa "));
    assert_eq!(
        f.err("nonext"),
        format!(
            "The [filter-app:nonext] section in {} is missing a 'next' setting",
            f.file()
        )
    );
}

#[tokio::test]
async fn filter_with_on_apps_and_filters() {
    let f = fixture(
        "[app:a]\nuse = call:test.apps:echo\nfilter-with = outer\n\
         [filter:outer]\nuse = call:test.filters:tag\ntag = outer\nfilter-with = inner\n\
         [filter:inner]\nuse = call:test.filters:tag\ntag = inner\n",
    );
    // paste's FILTER_WITH: the named filter wraps the section's own result, so
    // `[filter:outer] filter-with = inner` is inner(outer(app)): inner sees the request first.
    let body = f.get("a", "/").await;
    assert!(body.contains("trail:inner,outer "), "{body}");
    assert!(!body.contains("filter-with"), "{body}");
}

// ---- loops -------------------------------------------------------------------------

#[test]
fn use_loop() {
    let f = fixture("[app:a]\nuse = b\n[app:b]\nuse = a\n");
    assert_eq!(
        f.err("a"),
        format!(
            "Loop in paste config {}: section [app:a] uses itself ([app:a] -> [app:b] -> [app:a])",
            f.file()
        )
    );
}

#[test]
fn pipeline_loop() {
    let f = fixture("[pipeline:p]\npipeline = f q\n[pipeline:q]\npipeline = p\n[filter:f]\nuse = call:test.filters:tag\n");
    assert!(
        f.err("p").ends_with(
            "section [pipeline:p] uses itself ([pipeline:p] -> [pipeline:q] -> [pipeline:p])"
        ),
        "{}",
        f.err("p")
    );
}

#[test]
fn filter_with_loop() {
    let f = fixture("[app:a]\nuse = call:test.apps:echo\nfilter-with = f\n[filter:f]\nuse = call:test.filters:tag\nfilter-with = f\n");
    assert!(
        f.err("a")
            .contains("uses itself ([filter:f] -> [filter:f])"),
        "{}",
        f.err("a")
    );
}

#[test]
fn composite_loop_is_found_at_build_time() {
    let f = fixture(
        "[composite:root]\nuse = egg:Paste#urlmap\n/ = versions\n/v3 = api\n\
         [pipeline:api]\npipeline = f root\n[filter:f]\nuse = call:test.filters:tag\n\
         [app:versions]\nuse = call:test.apps:echo\n",
    );
    assert_eq!(
        f.err("root"),
        format!(
            "Loop in paste config {}: section [composite:root] uses itself \
             ([composite:root] -> [pipeline:api] -> [composite:root])",
            f.file()
        )
    );
}

#[test]
fn loop_through_another_file_names_both() {
    let f = fixture("[app:a]\nuse = config:other.ini#b\n");
    f.write("other.ini", "[app:b]\nuse = config:api-paste.ini#a\n");
    let text = f.err("a");
    assert!(
        text.contains("uses itself ([app:a] -> [app:b] in "),
        "{text}"
    );
    assert!(text.ends_with("other.ini -> [app:a])"), "{text}");
}

#[tokio::test]
async fn the_same_section_twice_is_not_a_loop() {
    let f = fixture(
        "[pipeline:p]\npipeline = t t app\n[filter:t]\nuse = call:test.filters:tag\ntag = t\n\
         [app:app]\nuse = call:test.apps:echo\n\
         [composite:m]\nuse = egg:Paste#urlmap\n/a = app\n/b = app\n",
    );
    assert!(f.get("p", "/").await.contains("trail:t,t "));
    assert!(f.get("m", "/b/x").await.contains("script:/b path:/x"));
}

// ---- composites --------------------------------------------------------------------

#[tokio::test]
async fn urlmap_composite_mounts_and_passes_global_conf() {
    let f = fixture(
        "[DEFAULT]\ng = 1\n[composite:m]\nuse = egg:paste#urlmap\n/: root\n/v3: v3\n\
         [app:root]\nuse = call:test.apps:echo\n[app:v3]\nuse = call:test.apps:echo\n",
    );
    let body = f.get("m", "/v3/volumes?x=1").await;
    assert!(
        body.starts_with("[app:v3] local: global:g=1 trail: script:/v3 path:/volumes"),
        "{body}"
    );
    assert!(f.get("m", "/").await.starts_with("[app:root]"));
}

#[tokio::test]
async fn urlmap_not_found_app_and_bad_keys() {
    let f = fixture(
        "[composite:m]\nuse = egg:Paste#urlmap\nnot_found_app = nf\n/v3 = v3\n\
         [composite:bad]\nuse = egg:Paste#urlmap\nv3 = v3\n\
         [app:nf]\nuse = call:test.apps:echo\n[app:v3]\nuse = call:test.apps:echo\n",
    );
    assert!(f.get("m", "/other").await.starts_with("[app:nf]"));
    assert_eq!(
        f.err("bad"),
        format!(
            "Error in section [composite:bad] of {}: URL fragments must start with / or \
             http:// (you gave 'v3')",
            f.file()
        )
    );
}

#[tokio::test]
async fn cinder_root_drops_v1_and_v2() {
    let f = fixture(
        "[composite:osapi_volume]\nuse = call:cinder.api:root_app_factory\n\
         /: root\n/v1: gone\n/v2: gone\n/v3: v3\n\
         [app:root]\nuse = call:test.apps:echo\n[app:v3]\nuse = call:test.apps:echo\n",
    );
    // `gone` does not exist: building would fail if the keys were kept.
    assert!(f
        .get("osapi_volume", "/v2/x")
        .await
        .starts_with("[app:root]"));
    assert!(f
        .get("osapi_volume", "/v3")
        .await
        .ends_with("script:/v3 path:"));
}

const STRATEGIES: &str = "[composite:api]\nuse = call:cinder.api.middleware.auth:pipeline_factory\n\
     noauth = na app\nkeystone = ks app\nkeystone_nolimit = ksn app\n\
     [composite:neutron]\nuse = call:neutron.auth:pipeline_factory\nnoauth = na app\nkeystone = ks app\n\
     [composite:nova]\nuse = call:nova.api.auth:pipeline_factory_v21\nkeystone = ks app\nnoauth2 = na app\n\
     [filter:na]\nuse = call:test.filters:tag\ntag = noauth\n\
     [filter:ks]\nuse = call:test.filters:tag\ntag = keystone\n\
     [filter:ksn]\nuse = call:test.filters:tag\ntag = keystone_nolimit\n\
     [app:app]\nuse = call:test.apps:echo\n";

#[tokio::test]
async fn pipeline_factory_selects_by_auth_strategy() {
    let mut f = fixture(STRATEGIES);
    assert!(f.get("api", "/").await.contains("trail:keystone "));
    assert!(f.get("neutron", "/").await.contains("trail:keystone "));
    f.conf
        .set_override("DEFAULT", "api_rate_limit", "false")
        .expect("override");
    assert!(f.get("api", "/").await.contains("trail:keystone_nolimit "));
    f.conf
        .set_override("DEFAULT", "auth_strategy", "noauth")
        .expect("override");
    // No `noauth_nolimit` key: falls back to `noauth`.
    assert!(f.get("api", "/").await.contains("trail:noauth "));
    assert!(f.get("neutron", "/").await.contains("trail:noauth "));
    // nova always uses keystone.
    assert!(f.get("nova", "/").await.contains("trail:keystone "));
}

#[test]
fn pipeline_factory_missing_key_names_section_and_key() {
    let mut f = fixture(STRATEGIES);
    f.conf
        .set_override("DEFAULT", "auth_strategy", "noauth_include_project_id")
        .expect("override");
    assert_eq!(
        f.err("api"),
        format!(
            "Error in section [composite:api] of {}: no pipeline for auth_strategy \
             'noauth_include_project_id': the section has no key 'noauth_include_project_id' \
             (it has: keystone, keystone_nolimit, noauth)",
            f.file()
        )
    );
}

#[tokio::test]
async fn pipeline_factory_reads_an_unregistered_option_from_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let paste = dir.path().join("api-paste.ini");
    std::fs::write(&paste, STRATEGIES).expect("write");
    let conf_file = dir.path().join("neutron.conf");
    std::fs::write(&conf_file, "[DEFAULT]\nauth_strategy = noauth\n").expect("write");
    let mut conf = ConfigOpts::new("neutron", "neutron-server", "1.0");
    conf.parse_args(&["--config-file".into(), conf_file.display().to_string()])
        .expect("parse");
    let app = load_app(&conf, &paste, "neutron", &TestApps).expect("load");
    let req = http::Request::builder()
        .uri("/")
        .body(Body::empty())
        .expect("request");
    let resp = app.oneshot(req).await.expect("infallible");
    let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .expect("body");
    assert!(String::from_utf8_lossy(&bytes).contains("trail:noauth "));
}

// ---- oslo.service Loader -----------------------------------------------------------

#[test]
fn find_paste_config_and_app_not_found() {
    let f = fixture("[app:a]\nuse = call:test.apps:echo\n");
    let err = find_paste_config(&f.conf, "/nonexistent/api-paste.ini").expect_err("missing");
    assert_eq!(
        err.to_string(),
        "Could not find config at /nonexistent/api-paste.ini"
    );
    let found = find_paste_config(&f.conf, &f.file()).expect("absolute path");
    assert_eq!(found, f.path);
    let err = load_paste_app(&f.conf, &f.path, "nothere", &TestApps)
        .map(|_| ())
        .expect_err("missing app");
    assert!(err.to_string().starts_with(&format!(
        "Could not load paste app 'nothere' from {}: No section 'nothere'",
        f.file()
    )));
}

#[test]
fn describe_renders_the_resolved_tree() {
    let f = fixture(
        "[pipeline:p]\npipeline = t app\n[filter:t]\nuse = call:test.filters:tag\ntag = x\n\
         [app:app]\npaste.app_factory = test.apps:echo\n",
    );
    let loader = Loader::new(&f.conf, &f.path, &TestApps).expect("loader");
    assert_eq!(
        loader.describe_app("p").expect("describe"),
        "[pipeline:p]\n  [filter:t] call:test.filters:tag ServiceFilter {tag=x}\n  \
         [app:app] test.apps:echo Service\n"
    );
}
