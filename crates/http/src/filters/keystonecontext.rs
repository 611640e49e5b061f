//! The context filters after authtoken: cinder's `CinderKeystoneContext`, nova's
//! `NovaKeystoneContext` and neutron's `NeutronKeystoneContext`. They build the request's
//! [`RequestContext`] from the identity headers authtoken set (oslo.context's
//! `from_environ` table, middleware.md §6), put it into the request extensions as
//! `Arc<RequestContext>` (the WSGI `cinder.context`), record it on the request's logging
//! span, and answer a plain WebOb 401 when there is no user id (with
//! `delay_auth_decision`, authtoken lets such requests through).

use std::sync::Arc;

use http::header::{HeaderMap, ACCEPT};
use openstack_service::logging::record_context;
use openstack_service::RequestContext;
use tower::util::BoxCloneSyncService;
use tower::ServiceExt;

use openstack_config::Opt;

use crate::fault::HttpError;
use crate::filters::proxy::remote_addr;
use crate::{HttpService, Request, RequestIds};

openstack_config::options! {
    /// `[DEFAULT] use_forwarded_for` (`cinder/api/middleware/auth.py`).
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct ForwardedForOpts in "DEFAULT" {
        use_forwarded_for: bool = Opt::bool()
            .default("false")
            .help("Treat X-Forwarded-For as the canonical remote address. Only enable this if you have a sanitizing proxy."),
    }
}

/// Which project's context filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContextFlavor {
    Cinder,
    Nova,
    Neutron,
}

/// The first present, non-empty header of `names`.
pub(crate) fn first_header(headers: &HeaderMap, names: &[&str]) -> Option<String> {
    names.iter().find_map(|name| {
        headers
            .get(*name)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
    })
}

fn split_roles(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A new context carrying the request's ids and the placeholder's timestamp.
pub(crate) fn base_context(req: &Request) -> RequestContext {
    let ids = req.extensions().get::<RequestIds>();
    let request_id = ids
        .map(|i| i.request_id.clone())
        .unwrap_or_else(openstack_service::generate_request_id);
    let mut ctx = RequestContext::new(request_id);
    ctx.global_request_id = ids.and_then(|i| i.global_request_id.clone());
    if let Some(placeholder) = req.extensions().get::<Arc<RequestContext>>() {
        ctx.timestamp = placeholder.timestamp;
    }
    ctx
}

/// `remote_address`: the client address, or `X-Forwarded-For` with
/// `[DEFAULT] use_forwarded_for`.
pub(crate) fn remote_address(req: &Request, use_forwarded_for: bool) -> Option<String> {
    let own = remote_addr(req);
    if use_forwarded_for {
        if let Some(fwd) = first_header(req.headers(), &["x-forwarded-for"]) {
            return Some(fwd);
        }
    }
    own
}

/// `service_catalog`: the JSON-decoded `X-Service-Catalog`, `[]` when absent.
pub(crate) fn service_catalog(req: &Request) -> Result<serde_json::Value, HttpError> {
    match req.headers().get("x-service-catalog") {
        None => Ok(serde_json::Value::Array(Vec::new())),
        Some(v) => {
            serde_json::from_slice(v.as_bytes()).map_err(|_| HttpError::InvalidServiceCatalog)
        }
    }
}

/// oslo.context `from_environ` over the identity headers (middleware.md §6).
pub fn context_from_headers(
    req: &Request,
    flavor: ContextFlavor,
    use_forwarded_for: bool,
) -> Result<RequestContext, HttpError> {
    let h = req.headers();
    let mut ctx = base_context(req);
    ctx.auth_token = first_header(h, &["x-auth-token", "x-storage-token"]);
    ctx.user_id = first_header(h, &["x-user-id", "x-user"]);
    ctx.project_id = first_header(h, &["x-project-id", "x-tenant-id", "x-tenant"]);
    ctx.domain_id = first_header(h, &["x-domain-id"]);
    ctx.system_scope = first_header(h, &["openstack-system-scope"]);
    ctx.user_domain_id = first_header(h, &["x-user-domain-id"]);
    ctx.project_domain_id = first_header(h, &["x-project-domain-id"]);
    ctx.user_domain_name = first_header(h, &["x-user-domain-name"]);
    ctx.project_domain_name = first_header(h, &["x-project-domain-name"]);
    ctx.user_name = first_header(h, &["x-user-name"]);
    ctx.project_name = match flavor {
        // cinder passes project_name=X_TENANT_NAME explicitly, which wins even when absent.
        ContextFlavor::Cinder => first_header(h, &["x-tenant-name"]),
        _ => first_header(h, &["x-project-name", "x-tenant-name"]),
    };
    ctx.roles = first_header(h, &["x-roles", "x-role"])
        .map(|r| split_roles(&r))
        .unwrap_or_default();
    ctx.is_admin_project =
        first_header(h, &["x-is-admin-project"]).is_none_or(|v| v.eq_ignore_ascii_case("true"));
    // cinder/nova: `policy.check_is_admin` with the default `context_is_admin` rule
    // (`role:admin`, compared case-insensitively like oslo.policy).
    ctx.is_admin = ctx.roles.iter().any(|r| r.eq_ignore_ascii_case("admin"));
    if flavor != ContextFlavor::Neutron {
        ctx.remote_address = remote_address(req, use_forwarded_for);
        ctx.service_catalog = service_catalog(req)?;
    } else {
        ctx.remote_address = remote_addr(req);
    }
    Ok(ctx)
}

/// Wraps `inner` in the keystone context filter of `flavor`.
pub fn keystone_context(
    inner: HttpService,
    flavor: ContextFlavor,
    use_forwarded_for: bool,
) -> HttpService {
    BoxCloneSyncService::new(tower::service_fn(move |mut req: Request| {
        let inner = inner.clone();
        async move {
            let accept = req.headers().get(ACCEPT).cloned();
            let ctx = match context_from_headers(&req, flavor, use_forwarded_for) {
                Ok(ctx) => ctx,
                Err(err) => return Ok(err.to_response(accept.as_ref())),
            };
            if ctx.user_id.is_none() {
                tracing::debug!("Neither X_USER_ID nor X_USER found in request");
                return Ok(HttpError::NoUserId.to_response(accept.as_ref()));
            }
            record_context(&tracing::Span::current(), &ctx);
            req.extensions_mut().insert(Arc::new(ctx));
            inner.oneshot(req).await
        }
    }))
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use http::StatusCode;
    use http_body_util::BodyExt;

    use super::*;
    use crate::{Body, Response};

    type Seen = Arc<Mutex<Option<Arc<RequestContext>>>>;

    fn recorder(seen: Seen) -> HttpService {
        BoxCloneSyncService::new(tower::service_fn(move |req: Request| {
            let seen = seen.clone();
            async move {
                *seen.lock().unwrap_or_else(|e| e.into_inner()) =
                    req.extensions().get::<Arc<RequestContext>>().cloned();
                Ok(Response::new(Body::from("app")))
            }
        }))
    }

    fn request(headers: &[(&'static str, &'static str)]) -> Request {
        let mut b = http::Request::get("/v3/volumes");
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        let mut req = b.body(Body::empty()).expect("request");
        req.extensions_mut().insert(RequestIds {
            request_id: "req-11111111-2222-3333-4444-555555555555".into(),
            global_request_id: Some("req-aaaaaaaa-2222-3333-4444-555555555555".into()),
        });
        let mut placeholder = RequestContext::new("req-11111111-2222-3333-4444-555555555555");
        placeholder.timestamp = time::macros::datetime!(2026-01-02 03:04:05 UTC);
        req.extensions_mut().insert(Arc::new(placeholder));
        req.extensions_mut()
            .insert(crate::filters::proxy::RemoteAddr("10.0.0.7".into()));
        req
    }

    const IDENTITY: &[(&str, &str)] = &[
        ("X-Identity-Status", "Confirmed"),
        ("X-User-Id", "u1"),
        ("X-User-Name", "alice"),
        ("X-User-Domain-Id", "default"),
        ("X-User-Domain-Name", "Default"),
        ("X-Project-Id", "p1"),
        ("X-Project-Name", "demo"),
        ("X-Tenant-Name", "demo"),
        ("X-Project-Domain-Id", "default"),
        ("X-Roles", "reader, member,admin"),
        ("X-Is-Admin-Project", "False"),
        ("X-Auth-Token", "tok"),
        (
            "X-Service-Catalog",
            r#"[{"type": "volumev3", "endpoints": []}]"#,
        ),
        ("X-Forwarded-For", "192.0.2.9"),
    ];

    #[tokio::test]
    async fn cinder_context_from_identity_headers() {
        let seen: Seen = Arc::default();
        let svc = keystone_context(recorder(seen.clone()), ContextFlavor::Cinder, false);
        let resp = svc.oneshot(request(IDENTITY)).await.expect("infallible");
        assert_eq!(resp.status(), StatusCode::OK);
        let ctx = seen.lock().expect("lock").clone().expect("context");
        assert_eq!(ctx.request_id, "req-11111111-2222-3333-4444-555555555555");
        assert_eq!(
            ctx.global_request_id.as_deref(),
            Some("req-aaaaaaaa-2222-3333-4444-555555555555")
        );
        assert_eq!(ctx.user_id.as_deref(), Some("u1"));
        assert_eq!(ctx.user_name.as_deref(), Some("alice"));
        assert_eq!(ctx.project_id.as_deref(), Some("p1"));
        assert_eq!(ctx.project_name.as_deref(), Some("demo"));
        assert_eq!(ctx.user_domain_id.as_deref(), Some("default"));
        assert_eq!(ctx.project_domain_id.as_deref(), Some("default"));
        assert_eq!(ctx.roles, ["reader", "member", "admin"]);
        assert!(ctx.is_admin);
        assert!(!ctx.is_admin_project);
        assert_eq!(ctx.auth_token.as_deref(), Some("tok"));
        assert_eq!(ctx.remote_address.as_deref(), Some("10.0.0.7"));
        assert_eq!(ctx.service_catalog[0]["type"], "volumev3");
        assert_eq!(
            ctx.timestamp,
            time::macros::datetime!(2026-01-02 03:04:05 UTC)
        );
    }

    #[tokio::test]
    async fn forwarded_for_with_use_forwarded_for() {
        let seen: Seen = Arc::default();
        let svc = keystone_context(recorder(seen.clone()), ContextFlavor::Cinder, true);
        svc.oneshot(request(IDENTITY)).await.expect("infallible");
        let ctx = seen.lock().expect("lock").clone().expect("context");
        assert_eq!(ctx.remote_address.as_deref(), Some("192.0.2.9"));
    }

    #[tokio::test]
    async fn deprecated_headers_and_defaults() {
        let seen: Seen = Arc::default();
        let svc = keystone_context(recorder(seen.clone()), ContextFlavor::Nova, false);
        svc.oneshot(request(&[
            ("X-User", "legacy"),
            ("X-Tenant-Id", "t1"),
            ("X-Role", "member"),
        ]))
        .await
        .expect("infallible");
        let ctx = seen.lock().expect("lock").clone().expect("context");
        assert_eq!(ctx.user_id.as_deref(), Some("legacy"));
        assert_eq!(ctx.project_id.as_deref(), Some("t1"));
        assert_eq!(ctx.roles, ["member"]);
        assert!(!ctx.is_admin);
        assert!(ctx.is_admin_project, "absent X-Is-Admin-Project means true");
    }

    #[tokio::test]
    async fn no_user_is_a_plain_401() {
        let seen: Seen = Arc::default();
        let svc = keystone_context(recorder(seen.clone()), ContextFlavor::Cinder, false);
        let resp = svc
            .oneshot(request(&[
                ("X-Identity-Status", "Invalid"),
                ("X-Project-Id", "p1"),
            ]))
            .await
            .expect("infallible");
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
        assert!(seen.lock().expect("lock").is_none(), "app not called");
        let body = resp
            .into_body()
            .collect()
            .await
            .map(|c| c.to_bytes())
            .unwrap_or_default();
        assert!(body.starts_with(b"401 Unauthorized\n\nThis server could not verify"));
    }

    #[tokio::test]
    async fn bad_catalog_is_a_500() {
        let svc = keystone_context(recorder(Arc::default()), ContextFlavor::Cinder, false);
        let resp = svc
            .oneshot(request(&[
                ("X-User-Id", "u1"),
                ("X-Service-Catalog", "{not json"),
            ]))
            .await
            .expect("infallible");
        assert_eq!(resp.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = resp
            .into_body()
            .collect()
            .await
            .map(|c| c.to_bytes())
            .unwrap_or_default();
        assert_eq!(
            String::from_utf8_lossy(&body),
            "500 Internal Server Error\n\nInvalid service catalog json.\n\n   "
        );
    }
}
