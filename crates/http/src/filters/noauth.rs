//! The no-authentication filters of `auth_strategy = noauth`: cinder's `NoAuthMiddleware`
//! and `NoAuthMiddlewareIncludeProjectID`, and neutron's `NoauthFakeProjectId`.
//!
//! cinder: a request without `X-Auth-Token` is answered at once with 204 and a fake token
//! `<user>:<project>` (from `X-Auth-User` / `X-Auth-Project-Id`, default `admin`) plus
//! `X-Server-Management-Url`; a request with `X-Auth-Token: user[:project]` (any value is
//! accepted) gets an admin [`RequestContext`] for that user and project. neutron: the context
//! from the headers, elevated, with `fake_project_id` when there is no project.

use std::sync::Arc;

use http::header::{HeaderValue, ACCEPT, CONTENT_TYPE};
use http::StatusCode;
use openstack_service::logging::record_context;
use openstack_service::RequestContext;
use tower::util::BoxCloneSyncService;
use tower::ServiceExt;

use crate::fault::TEXT_PLAIN_UTF8;
use crate::filters::keystonecontext::{
    base_context, context_from_headers, first_header, remote_address, service_catalog,
    ContextFlavor,
};
use crate::filters::proxy::request_url;
use crate::{Body, HttpService, Request, Response};

/// Which noauth filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoAuthFlavor {
    /// `cinder.api.middleware.auth:NoAuthMiddleware`.
    Cinder,
    /// `cinder.api.middleware.auth:NoAuthMiddlewareIncludeProjectID`: the management URL
    /// ends with `/<project>`.
    CinderIncludeProjectId,
    /// `neutron.auth:NoauthFakeProjectId`.
    NeutronFakeProjectId,
}

/// Wraps `inner` in the noauth filter of `flavor`.
pub fn no_auth(inner: HttpService, flavor: NoAuthFlavor, use_forwarded_for: bool) -> HttpService {
    BoxCloneSyncService::new(tower::service_fn(move |mut req: Request| {
        let inner = inner.clone();
        async move {
            let ctx = match flavor {
                NoAuthFlavor::NeutronFakeProjectId => {
                    match context_from_headers(&req, ContextFlavor::Neutron, use_forwarded_for) {
                        Ok(mut ctx) => {
                            if ctx.project_id.as_deref().is_none_or(str::is_empty) {
                                ctx.project_id = Some("fake_project_id".to_owned());
                            }
                            elevate(&mut ctx);
                            ctx
                        }
                        Err(err) => {
                            let accept = req.headers().get(ACCEPT).cloned();
                            return Ok(err.to_response(accept.as_ref()));
                        }
                    }
                }
                NoAuthFlavor::Cinder | NoAuthFlavor::CinderIncludeProjectId => {
                    let Some(token) = first_header(req.headers(), &["x-auth-token"]) else {
                        return Ok(fake_token_response(&req, flavor));
                    };
                    match cinder_context(&req, &token, use_forwarded_for) {
                        Ok(ctx) => ctx,
                        Err(resp) => return Ok(*resp),
                    }
                }
            };
            record_context(&tracing::Span::current(), &ctx);
            req.extensions_mut().insert(Arc::new(ctx));
            inner.oneshot(req).await
        }
    }))
}

/// `RequestContext(user_id, project_id, is_admin=True, remote_address=...)`.
fn cinder_context(
    req: &Request,
    token: &str,
    use_forwarded_for: bool,
) -> Result<RequestContext, Box<Response>> {
    let (user, project) = match token.split_once(':') {
        Some((u, p)) if !p.is_empty() => (u, p),
        Some((u, _)) => (u, u),
        None => (token, token),
    };
    let mut ctx = base_context(req);
    ctx.user_id = Some(user.to_owned());
    ctx.project_id = Some(project.to_owned());
    ctx.auth_token = Some(token.to_owned());
    ctx.remote_address = remote_address(req, use_forwarded_for);
    ctx.service_catalog = service_catalog(req).map_err(|err| {
        let accept = req.headers().get(ACCEPT);
        Box::new(err.to_response(accept))
    })?;
    elevate(&mut ctx);
    Ok(ctx)
}

/// `is_admin=True` (cinder appends the `admin` role; neutron's `elevated()` does too).
fn elevate(ctx: &mut RequestContext) {
    ctx.is_admin = true;
    if !ctx.roles.iter().any(|r| r == "admin") {
        ctx.roles.push("admin".to_owned());
    }
}

/// The 204 "login" answer to a request without a token.
fn fake_token_response(req: &Request, flavor: NoAuthFlavor) -> Response {
    let user = first_header(req.headers(), &["x-auth-user"]).unwrap_or_else(|| "admin".to_owned());
    let project =
        first_header(req.headers(), &["x-auth-project-id"]).unwrap_or_else(|| "admin".to_owned());
    let url = request_url(req);
    let base = url.trim_end_matches('/');
    let management_url = match flavor {
        NoAuthFlavor::CinderIncludeProjectId => format!("{base}/{project}"),
        _ => base.to_owned(),
    };
    let mut resp = Response::new(Body::empty());
    *resp.status_mut() = StatusCode::NO_CONTENT;
    let headers = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&format!("{user}:{project}")) {
        headers.insert("x-auth-token", v);
    }
    if let Ok(v) = HeaderValue::from_str(&management_url) {
        headers.insert("x-server-management-url", v);
    }
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(TEXT_PLAIN_UTF8));
    resp
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;
    use crate::RequestIds;

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

    fn request(uri: &str, headers: &[(&'static str, &'static str)]) -> Request {
        let mut b = http::Request::get(uri).header("Host", "cinder:8776");
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        let mut req = b.body(Body::empty()).expect("request");
        req.extensions_mut().insert(RequestIds {
            request_id: "req-11111111-2222-3333-4444-555555555555".into(),
            global_request_id: None,
        });
        req
    }

    fn h(resp: &Response, name: &str) -> Option<String> {
        resp.headers()
            .get(name)
            .map(|v| v.to_str().unwrap_or_default().to_owned())
    }

    #[tokio::test]
    async fn without_token_answers_204_with_a_fake_token() {
        let seen: Seen = Arc::default();
        let resp = no_auth(recorder(seen.clone()), NoAuthFlavor::Cinder, false)
            .oneshot(request("/v3/", &[]))
            .await
            .expect("infallible");
        assert_eq!(resp.status(), StatusCode::NO_CONTENT);
        assert_eq!(h(&resp, "x-auth-token").as_deref(), Some("admin:admin"));
        assert_eq!(
            h(&resp, "x-server-management-url").as_deref(),
            Some("http://cinder:8776/v3")
        );
        assert_eq!(
            h(&resp, "content-type").as_deref(),
            Some("text/plain; charset=UTF-8")
        );
        assert!(seen.lock().expect("lock").is_none(), "app not called");
    }

    #[tokio::test]
    async fn include_project_id_appends_the_project() {
        let resp = no_auth(
            recorder(Arc::default()),
            NoAuthFlavor::CinderIncludeProjectId,
            false,
        )
        .oneshot(request(
            "/v3",
            &[("X-Auth-User", "bob"), ("X-Auth-Project-Id", "p9")],
        ))
        .await
        .expect("infallible");
        assert_eq!(h(&resp, "x-auth-token").as_deref(), Some("bob:p9"));
        assert_eq!(
            h(&resp, "x-server-management-url").as_deref(),
            Some("http://cinder:8776/v3/p9")
        );
    }

    #[tokio::test]
    async fn with_token_builds_an_admin_context() {
        let seen: Seen = Arc::default();
        let svc = no_auth(recorder(seen.clone()), NoAuthFlavor::Cinder, false);
        let resp = svc
            .clone()
            .oneshot(request("/v3/volumes", &[("X-Auth-Token", "u1:p1")]))
            .await
            .expect("infallible");
        assert_eq!(resp.status(), StatusCode::OK);
        let ctx = seen.lock().expect("lock").take().expect("context");
        assert_eq!(ctx.user_id.as_deref(), Some("u1"));
        assert_eq!(ctx.project_id.as_deref(), Some("p1"));
        assert!(ctx.is_admin);
        assert_eq!(ctx.roles, ["admin"]);
        assert_eq!(ctx.request_id, "req-11111111-2222-3333-4444-555555555555");

        svc.oneshot(request("/v3/volumes", &[("X-Auth-Token", "solo")]))
            .await
            .expect("infallible");
        let ctx = seen.lock().expect("lock").take().expect("context");
        assert_eq!(ctx.user_id.as_deref(), Some("solo"));
        assert_eq!(
            ctx.project_id.as_deref(),
            Some("solo"),
            "no ':' means project = user"
        );
    }

    #[tokio::test]
    async fn neutron_fake_project_id() {
        let seen: Seen = Arc::default();
        let svc = no_auth(
            recorder(seen.clone()),
            NoAuthFlavor::NeutronFakeProjectId,
            false,
        );
        svc.clone()
            .oneshot(request("/v2.0/networks", &[]))
            .await
            .expect("infallible");
        let ctx = seen.lock().expect("lock").take().expect("context");
        assert_eq!(ctx.project_id.as_deref(), Some("fake_project_id"));
        assert!(ctx.is_admin);
        svc.oneshot(request("/v2.0/networks", &[("X-Project-Id", "real")]))
            .await
            .expect("infallible");
        let ctx = seen.lock().expect("lock").take().expect("context");
        assert_eq!(ctx.project_id.as_deref(), Some("real"));
    }
}
