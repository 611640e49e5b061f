//! authtoken against a small fake Keystone served in-process on 127.0.0.1.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use openstack_service::RequestContext;
use serde_json::json;

use super::*;
use crate::filters::keystonecontext::{keystone_context, ContextFlavor};
use crate::{Body, Response};

/// What the fake Keystone knows and counts.
#[derive(Default)]
struct FakeState {
    auths: AtomicUsize,
    validations: AtomicUsize,
    /// Service tokens it issued and still accepts.
    service_tokens: Mutex<Vec<String>>,
    /// User token → the `token` object it validates to.
    users: Mutex<HashMap<String, Value>>,
    /// Queries of the validation requests.
    queries: Mutex<Vec<String>>,
    /// Answer the next validation with 401 and forget all service tokens.
    revoke_service_tokens: AtomicBool,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn rfc3339(offset_secs: i64) -> String {
    (time::OffsetDateTime::now_utc() + time::Duration::seconds(offset_secs))
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

fn reply(status: u16, headers: &[(&str, String)], body: Value) -> hyper::Response<Full<Bytes>> {
    let mut resp = hyper::Response::new(Full::new(Bytes::from(body.to_string())));
    *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    for (k, v) in headers {
        if let (Ok(k), Ok(v)) = (
            HeaderName::from_bytes(k.as_bytes()),
            HeaderValue::from_str(v),
        ) {
            resp.headers_mut().insert(k, v);
        }
    }
    resp
}

async fn keystone(
    state: Arc<FakeState>,
    req: hyper::Request<hyper::body::Incoming>,
) -> Result<hyper::Response<Full<Bytes>>, Infallible> {
    let (parts, body) = req.into_parts();
    let body = body
        .collect()
        .await
        .map(|c| c.to_bytes())
        .unwrap_or_default();
    let header = |n: &str| {
        parts
            .headers
            .get(n)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    if parts.uri.path() != "/v3/auth/tokens" {
        return Ok(reply(404, &[], json!({"error": {"code": 404}})));
    }
    if parts.method == http::Method::POST {
        let creds: Value = serde_json::from_slice(&body).unwrap_or_default();
        let user = &creds["auth"]["identity"]["password"]["user"];
        if user["name"] != "cinder"
            || user["password"] != "secret"
            || creds["auth"]["scope"]["project"]["name"] != "service"
        {
            return Ok(reply(401, &[], json!({"error": {"code": 401}})));
        }
        let n = state.auths.fetch_add(1, Ordering::SeqCst) + 1;
        let token = format!("svc-{n}");
        lock(&state.service_tokens).push(token.clone());
        let body = json!({"token": {"expires_at": rfc3339(3600), "roles": [{"name": "service"}],
                          "user": {"id": "cinder-id"}, "project": {"id": "service-id"}}});
        return Ok(reply(201, &[("x-subject-token", token)], body));
    }
    let auth = header("x-auth-token");
    if state.revoke_service_tokens.swap(false, Ordering::SeqCst) {
        lock(&state.service_tokens).clear();
    }
    if !lock(&state.service_tokens).contains(&auth)
        || header("openstack-identity-access-rules") != "1"
    {
        return Ok(reply(401, &[], json!({"error": {"code": 401}})));
    }
    state.validations.fetch_add(1, Ordering::SeqCst);
    let query = parts.uri.query().unwrap_or_default().to_owned();
    lock(&state.queries).push(query.clone());
    let subject = header("x-subject-token");
    let Some(mut token) = lock(&state.users).get(&subject).cloned() else {
        return Ok(reply(
            404,
            &[],
            json!({"error": {"code": 404, "message": "Could not find token"}}),
        ));
    };
    let expired = token["expires_at"]
        .as_str()
        .and_then(|s| {
            time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok()
        })
        .is_some_and(|at| at < time::OffsetDateTime::now_utc());
    // Keystone answers expired tokens only with allow_expired (the "stale" user breaks
    // that rule on purpose, to test the middleware's own expiry check).
    if expired && !query.contains("allow_expired=1") && token["user"]["id"] != "stale-user" {
        return Ok(reply(404, &[], json!({"error": {"code": 404}})));
    }
    if query.contains("nocatalog") {
        if let Some(obj) = token.as_object_mut() {
            obj.remove("catalog");
        }
    }
    Ok(reply(
        200,
        &[("x-subject-token", subject)],
        json!({"token": token}),
    ))
}

struct FakeKeystone {
    url: String,
    state: Arc<FakeState>,
}

async fn fake_keystone() -> FakeKeystone {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let state = Arc::new(FakeState::default());
    let served = state.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let state = served.clone();
            tokio::spawn(async move {
                let svc = hyper::service::service_fn(move |req| keystone(state.clone(), req));
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), svc)
                    .await;
            });
        }
    });
    let mut users = lock(&state.users);
    users.insert("good".into(), member_token(3600, "u1"));
    users.insert("expired".into(), member_token(-60, "u1"));
    users.insert("stale".into(), member_token(-60, "stale-user"));
    let mut service = member_token(3600, "nova-id");
    service["roles"] = json!([{"name": "service"}]);
    users.insert("nova-service".into(), service);
    drop(users);
    FakeKeystone {
        url: format!("http://{addr}"),
        state,
    }
}

fn member_token(expires_in: i64, user_id: &str) -> Value {
    json!({
        "expires_at": rfc3339(expires_in),
        "user": {"id": user_id, "name": "alice", "domain": {"id": "default", "name": "Default"}},
        "project": {"id": "p1", "name": "demo", "domain": {"id": "default", "name": "Default"}},
        "roles": [{"id": "r1", "name": "member"}, {"id": "r2", "name": "reader"}],
        "is_admin_project": false,
        "catalog": [{"type": "volumev3", "name": "cinderv3", "id": "s1", "endpoints": [
            {"id": "e1", "interface": "public", "region": "RegionOne", "url": "http://c:8776/v3"},
            {"id": "e2", "interface": "internal", "region": "RegionOne", "url": "http://c-int:8776/v3"},
            {"id": "e3", "interface": "public", "region": "RegionTwo", "url": "http://c2:8776/v3"}]}]
    })
}

fn settings(auth_url: &str) -> AuthTokenSettings {
    AuthTokenSettings {
        www_authenticate_uri: Some("http://keystone.example:5000".into()),
        auth_type: Some("password".into()),
        auth_url: Some(auth_url.to_owned()),
        credentials: ServiceCredentials {
            username: Some("cinder".into()),
            password: "secret".into(),
            user_domain_name: Some("Default".into()),
            project_name: Some("service".into()),
            project_domain_name: Some("Default".into()),
            ..ServiceCredentials::default()
        },
        http_connect_timeout: Some(5),
        http_request_max_retries: 0,
        ..AuthTokenSettings::default()
    }
}

type Seen = Arc<Mutex<Vec<(HeaderMap, Option<KeystoneTokenInfo>)>>>;

/// An app that records the headers it got, answering 200 (or 401 for `/deny`).
fn recorder(seen: Seen) -> HttpService {
    BoxCloneSyncService::new(tower::service_fn(move |req: Request| {
        let seen = seen.clone();
        async move {
            lock(&seen).push((
                req.headers().clone(),
                req.extensions().get::<KeystoneTokenInfo>().cloned(),
            ));
            let mut resp = Response::new(Body::from("app"));
            if req.uri().path() == "/deny" {
                *resp.status_mut() = StatusCode::UNAUTHORIZED;
            }
            Ok(resp)
        }
    }))
}

fn request(path: &str, headers: &[(&str, &str)]) -> Request {
    let mut b = http::Request::get(path);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    b.body(Body::empty()).expect("request")
}

async fn text(resp: Response) -> String {
    let bytes = resp
        .into_body()
        .collect()
        .await
        .map(|c| c.to_bytes())
        .unwrap_or_default();
    String::from_utf8_lossy(&bytes).into_owned()
}

fn h<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

const CATALOG_V2: &str = r#"[{"type": "volumev3", "name": "cinderv3", "endpoints": [{"region": "RegionOne", "publicURL": "http://c:8776/v3", "internalURL": "http://c-int:8776/v3"}, {"region": "RegionTwo", "publicURL": "http://c2:8776/v3"}]}]"#;

#[tokio::test]
async fn valid_token_sets_identity_headers_and_strips_forged_ones() {
    let ks = fake_keystone().await;
    let seen: Seen = Arc::default();
    let svc = auth_token(recorder(seen.clone()), &settings(&ks.url)).expect("filter");
    let resp = svc
        .oneshot(request(
            "/v3/volumes",
            &[
                ("X-Auth-Token", "good"),
                ("X-Roles", "admin"),
                ("X-Service-Roles", "admin"),
                ("OpenStack-System-Scope", "all"),
            ],
        ))
        .await
        .expect("infallible");
    assert_eq!(resp.status(), StatusCode::OK);
    let seen = lock(&seen);
    let (headers, info) = &seen[0];
    assert_eq!(h(headers, "x-identity-status"), Some("Confirmed"));
    assert_eq!(h(headers, "x-user-id"), Some("u1"));
    assert_eq!(h(headers, "x-user-name"), Some("alice"));
    assert_eq!(h(headers, "x-user-domain-id"), Some("default"));
    assert_eq!(h(headers, "x-user-domain-name"), Some("Default"));
    assert_eq!(h(headers, "x-project-id"), Some("p1"));
    assert_eq!(h(headers, "x-project-name"), Some("demo"));
    assert_eq!(h(headers, "x-project-domain-id"), Some("default"));
    assert_eq!(h(headers, "x-roles"), Some("member,reader"));
    assert_eq!(h(headers, "x-is-admin-project"), Some("False"));
    assert_eq!(h(headers, "x-role"), Some("member,reader"));
    assert_eq!(h(headers, "x-user"), Some("alice"));
    assert_eq!(h(headers, "x-tenant-id"), Some("p1"));
    assert_eq!(h(headers, "x-tenant-name"), Some("demo"));
    assert_eq!(h(headers, "x-tenant"), Some("demo"));
    assert_eq!(h(headers, "x-service-catalog"), Some(CATALOG_V2));
    assert_eq!(
        h(headers, "x-service-roles"),
        None,
        "forged header stripped"
    );
    assert_eq!(h(headers, "x-service-identity-status"), None);
    assert_eq!(h(headers, "openstack-system-scope"), None);
    assert_eq!(h(headers, "x-domain-id"), None);
    let info = info.as_ref().expect("token info");
    assert_eq!(info.0["token"]["user"]["id"], "u1");
    assert_eq!(lock(&ks.state.queries).as_slice(), &[String::new()]);
}

#[tokio::test]
async fn valid_token_gives_a_context_through_keystonecontext() {
    let ks = fake_keystone().await;
    let seen: Arc<Mutex<Option<Arc<RequestContext>>>> = Arc::default();
    let probe = seen.clone();
    let app = BoxCloneSyncService::new(tower::service_fn(move |req: Request| {
        let probe = probe.clone();
        async move {
            *lock(&probe) = req.extensions().get::<Arc<RequestContext>>().cloned();
            Ok(Response::new(Body::empty()))
        }
    }));
    let svc = auth_token(
        keystone_context(app, ContextFlavor::Cinder, false),
        &settings(&ks.url),
    )
    .expect("filter");
    svc.oneshot(request("/v3/volumes", &[("X-Auth-Token", "good")]))
        .await
        .expect("infallible");
    let ctx = lock(&seen).clone().expect("context");
    assert_eq!(ctx.user_id.as_deref(), Some("u1"));
    assert_eq!(ctx.project_id.as_deref(), Some("p1"));
    assert_eq!(ctx.project_name.as_deref(), Some("demo"));
    assert_eq!(ctx.roles, ["member", "reader"]);
    assert!(!ctx.is_admin);
    assert!(!ctx.is_admin_project);
    assert_eq!(ctx.auth_token.as_deref(), Some("good"));
    assert_eq!(
        ctx.service_catalog[0]["endpoints"][0]["publicURL"],
        "http://c:8776/v3"
    );
}

#[tokio::test]
async fn invalid_or_missing_token_is_401_with_www_authenticate() {
    let ks = fake_keystone().await;
    let seen: Seen = Arc::default();
    let svc = auth_token(recorder(seen.clone()), &settings(&ks.url)).expect("filter");

    let resp = svc
        .clone()
        .oneshot(request("/v3/volumes", &[]))
        .await
        .expect("infallible");
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        ks.state.auths.load(Ordering::SeqCst),
        0,
        "no token, no Keystone call"
    );

    let resp = svc
        .oneshot(request("/v3/volumes", &[("X-Auth-Token", "bogus")]))
        .await
        .expect("infallible");
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    let www: Vec<_> = resp.headers().get_all(WWW_AUTHENTICATE).iter().collect();
    assert_eq!(www, ["Keystone uri=\"http://keystone.example:5000\""]);
    assert_eq!(resp.headers()["content-type"], "application/json");
    assert_eq!(
        text(resp).await,
        r#"{"error": {"code": 401, "title": "Unauthorized", "message": "The request you have made requires authentication."}}"#
    );
    assert!(lock(&seen).is_empty(), "app never called");
    assert_eq!(ks.state.validations.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn keystone_down_is_503() {
    // A port that was free a moment ago: nothing listens there.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let mut s = settings(&format!("http://127.0.0.1:{port}/v3"));
    s.http_request_max_retries = 1;
    let svc = auth_token(recorder(Arc::default()), &s).expect("filter");
    let resp = svc
        .clone()
        .oneshot(request("/v3/volumes", &[("X-Auth-Token", "good")]))
        .await
        .expect("infallible");
    assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        text(resp).await,
        "503 Service Unavailable\n\nThe server is currently unavailable. Please try again at a later time.\n\n The Keystone service is temporarily unavailable.  "
    );

    // With delay_auth_decision the request goes on, marked invalid.
    s.delay_auth_decision = true;
    s.http_request_max_retries = 0;
    let seen: Seen = Arc::default();
    let svc = auth_token(recorder(seen.clone()), &s).expect("filter");
    let resp = svc
        .oneshot(request("/v3/volumes", &[("X-Auth-Token", "good")]))
        .await
        .expect("infallible");
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(h(&lock(&seen)[0].0, "x-identity-status"), Some("Invalid"));
}

#[tokio::test]
async fn successful_validations_are_cached_invalid_ones_are_not() {
    let ks = fake_keystone().await;
    let svc = auth_token(recorder(Arc::default()), &settings(&ks.url)).expect("filter");
    for _ in 0..3 {
        let resp = svc
            .clone()
            .oneshot(request("/v3/volumes", &[("X-Auth-Token", "good")]))
            .await
            .expect("infallible");
        assert_eq!(resp.status(), StatusCode::OK);
    }
    assert_eq!(ks.state.validations.load(Ordering::SeqCst), 1);
    assert_eq!(
        ks.state.auths.load(Ordering::SeqCst),
        1,
        "service token reused"
    );
    for _ in 0..2 {
        let resp = svc
            .clone()
            .oneshot(request("/v3/volumes", &[("X-Auth-Token", "bogus")]))
            .await
            .expect("infallible");
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    }
    assert_eq!(ks.state.validations.load(Ordering::SeqCst), 3);

    // token_cache_time < 0 disables the cache.
    let mut s = settings(&ks.url);
    s.token_cache_time = -1;
    let svc = auth_token(recorder(Arc::default()), &s).expect("filter");
    for _ in 0..2 {
        svc.clone()
            .oneshot(request("/v3/volumes", &[("X-Auth-Token", "good")]))
            .await
            .expect("infallible");
    }
    assert_eq!(ks.state.validations.load(Ordering::SeqCst), 5);
}

#[tokio::test]
async fn reauthenticates_once_when_the_service_token_is_rejected() {
    let ks = fake_keystone().await;
    let svc = auth_token(recorder(Arc::default()), &settings(&ks.url)).expect("filter");
    let resp = svc
        .clone()
        .oneshot(request("/v3/volumes", &[("X-Auth-Token", "good")]))
        .await
        .expect("infallible");
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(ks.state.auths.load(Ordering::SeqCst), 1);

    ks.state.revoke_service_tokens.store(true, Ordering::SeqCst);
    lock(&ks.state.users).insert("other".into(), member_token(3600, "u2"));
    let resp = svc
        .oneshot(request("/v3/volumes", &[("X-Auth-Token", "other")]))
        .await
        .expect("infallible");
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(
        ks.state.auths.load(Ordering::SeqCst),
        2,
        "one re-authentication"
    );
}

#[tokio::test]
async fn bad_service_credentials_are_503() {
    let ks = fake_keystone().await;
    let mut s = settings(&ks.url);
    s.credentials.password = "wrong".into();
    let svc = auth_token(recorder(Arc::default()), &s).expect("filter");
    let resp = svc
        .oneshot(request("/v3/volumes", &[("X-Auth-Token", "good")]))
        .await
        .expect("infallible");
    assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
}

#[tokio::test]
async fn expired_tokens_are_refused_unless_a_service_token_vouches() {
    let ks = fake_keystone().await;
    let seen: Seen = Arc::default();
    let svc = auth_token(recorder(seen.clone()), &settings(&ks.url)).expect("filter");
    for token in ["expired", "stale"] {
        let resp = svc
            .clone()
            .oneshot(request("/v3/volumes", &[("X-Auth-Token", token)]))
            .await
            .expect("infallible");
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED, "{token}");
    }
    let resp = svc
        .oneshot(request(
            "/v3/volumes",
            &[
                ("X-Auth-Token", "expired"),
                ("X-Service-Token", "nova-service"),
            ],
        ))
        .await
        .expect("infallible");
    assert_eq!(resp.status(), StatusCode::OK);
    let seen = lock(&seen);
    let headers = &seen[0].0;
    assert_eq!(h(headers, "x-identity-status"), Some("Confirmed"));
    assert_eq!(h(headers, "x-service-identity-status"), Some("Confirmed"));
    assert_eq!(h(headers, "x-service-user-id"), Some("nova-id"));
    assert_eq!(h(headers, "x-service-roles"), Some("service"));
    assert!(lock(&ks.state.queries)
        .iter()
        .any(|q| q == "allow_expired=1"));
}

#[tokio::test]
async fn service_token_without_the_service_role_is_refused() {
    let ks = fake_keystone().await;
    let svc = auth_token(recorder(Arc::default()), &settings(&ks.url)).expect("filter");
    let resp = svc
        .oneshot(request(
            "/v3/volumes",
            &[("X-Auth-Token", "good"), ("X-Service-Token", "good")],
        ))
        .await
        .expect("infallible");
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn delay_auth_decision_passes_invalid_requests_and_marks_downstream_401() {
    let ks = fake_keystone().await;
    let mut s = settings(&ks.url);
    s.delay_auth_decision = true;
    let seen: Seen = Arc::default();
    let svc = auth_token(recorder(seen.clone()), &s).expect("filter");
    let resp = svc
        .clone()
        .oneshot(request(
            "/v3/volumes",
            &[("X-Auth-Token", "bogus"), ("X-User-Id", "forged")],
        ))
        .await
        .expect("infallible");
    assert_eq!(resp.status(), StatusCode::OK);
    {
        let seen = lock(&seen);
        assert_eq!(h(&seen[0].0, "x-identity-status"), Some("Invalid"));
        assert_eq!(h(&seen[0].0, "x-user-id"), None);
    }
    let resp = svc
        .oneshot(request("/deny", &[]))
        .await
        .expect("infallible");
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        resp.headers()[WWW_AUTHENTICATE],
        "Keystone uri=\"http://keystone.example:5000\""
    );
}

#[tokio::test]
async fn nocatalog_when_the_catalog_is_not_wanted() {
    let ks = fake_keystone().await;
    let mut s = settings(&ks.url);
    s.include_service_catalog = false;
    let seen: Seen = Arc::default();
    let svc = auth_token(recorder(seen.clone()), &s).expect("filter");
    svc.oneshot(request(
        "/v3/volumes",
        &[("X-Auth-Token", "good"), ("X-Service-Catalog", "[]")],
    ))
    .await
    .expect("infallible");
    assert_eq!(
        lock(&ks.state.queries).as_slice(),
        &["nocatalog".to_owned()]
    );
    assert_eq!(h(&lock(&seen)[0].0, "x-service-catalog"), None);
}

#[tokio::test]
async fn access_rules_need_a_matching_rule() {
    let ks = fake_keystone().await;
    let mut restricted = member_token(3600, "u3");
    restricted["application_credential"] = json!({"id": "ac", "access_rules": [
        {"method": "GET", "path": "/v3/{project_id}/volumes/**", "service": "block-storage"}]});
    lock(&ks.state.users).insert("restricted".into(), restricted);
    let mut s = settings(&ks.url);
    s.service_type = Some("block-storage".into());
    let svc = auth_token(recorder(Arc::default()), &s).expect("filter");
    let status = |path: &'static str| {
        let svc = svc.clone();
        async move {
            svc.oneshot(request(path, &[("X-Auth-Token", "restricted")]))
                .await
                .expect("infallible")
                .status()
        }
    };
    assert_eq!(status("/v3/p1/volumes/detail").await, StatusCode::OK);
    assert_eq!(status("/v3/p1/snapshots").await, StatusCode::UNAUTHORIZED);

    // Without service_type such tokens are refused.
    let svc = auth_token(recorder(Arc::default()), &settings(&ks.url)).expect("filter");
    let resp = svc
        .oneshot(request(
            "/v3/p1/volumes/x",
            &[("X-Auth-Token", "restricted")],
        ))
        .await
        .expect("infallible");
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
}

#[test]
fn refused_configurations() {
    let mut s = settings("http://127.0.0.1:5000");
    s.auth_type = None;
    assert_eq!(
        AuthToken::new(s.clone()).err(),
        Some(AuthTokenError::NoAuthType)
    );
    s.auth_type = Some("token".into());
    assert!(matches!(
        AuthToken::new(s.clone()),
        Err(AuthTokenError::UnsupportedAuthType(_))
    ));
    s.auth_type = Some("password".into());
    s.auth_url = None;
    assert_eq!(AuthToken::new(s).err(), Some(AuthTokenError::NoAuthUrl));
}

#[test]
fn https_connector_builds_with_system_roots() {
    // No Keystone behind it: building the TLS client must work without a CA file.
    let s = settings("https://keystone.example:5000/v3");
    assert!(AuthToken::new(s).is_ok());
}

#[test]
fn path_patterns() {
    assert!(path_matches("/v3/p1/volumes", "/v3/{project_id}/volumes"));
    assert!(!path_matches(
        "/v3/p1/x/volumes",
        "/v3/{project_id}/volumes"
    ));
    assert!(path_matches("/v3/p1/volumes", "/v3/*/volumes"));
    assert!(path_matches("/v3/p1/volumes/a/b", "/v3/**"));
    assert!(!path_matches("/v3", "/v3/**"));
    assert!(!path_matches("/v3xvolumes", "/v3.volumes"));
}

#[test]
fn catalog_conversion_keeps_upstream_order() {
    let token = member_token(60, "u");
    let catalog = token["catalog"].as_array().cloned().unwrap_or_default();
    assert_eq!(to_python_json(&v2_catalog(&catalog)), CATALOG_V2);
    let no_region =
        vec![json!({"type": "identity", "endpoints": [{"interface": "admin", "url": "http://k"}]})];
    assert_eq!(
        to_python_json(&v2_catalog(&no_region)),
        r#"[{"type": "identity", "endpoints": [{"adminURL": "http://k"}]}]"#
    );
}
