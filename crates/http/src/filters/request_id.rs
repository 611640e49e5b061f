//! The request id filters: `oslo_middleware.request_id:RequestId`, cinder's
//! `cinder.api.middleware.request_id:RequestId` and nova's
//! `nova.api.compute_req_id:ComputeReqIdMiddleware`. Each request gets a fresh
//! `req-<uuid4>` (and keeps a well-formed incoming `X-OpenStack-Request-ID` as its global
//! id); both go into the request extensions as [`RequestIds`], the rest of the stack runs
//! inside the request's logging span (so every log line carries the id), and the response
//! leaves with `x-openstack-request-id` — for nova always also `x-compute-request-id`; for
//! cinder, which sets that header from its `Resource` and `Fault`, on every response that
//! carries `OpenStack-API-Version` (exactly the responses a cinder `Resource` or `Fault`
//! produced).

use std::sync::{Arc, LazyLock};

use http::header::{HeaderName, HeaderValue};
use openstack_service::logging::request_span;
use openstack_service::RequestContext;
use regex::Regex;
use tower::util::BoxCloneSyncService;
use tower::ServiceExt;
use tracing::Instrument;

use crate::{HttpService, Request, RequestIds};

/// The response (and incoming global id) header.
pub const X_OPENSTACK_REQUEST_ID: HeaderName = HeaderName::from_static("x-openstack-request-id");
/// nova's compat header, also written by cinder's `Resource` and `Fault`.
pub const X_COMPUTE_REQUEST_ID: HeaderName = HeaderName::from_static("x-compute-request-id");
/// The microversion header every cinder `Resource` response and `Fault` carries.
pub const OPENSTACK_API_VERSION: HeaderName = HeaderName::from_static("openstack-api-version");

/// oslo.middleware's `ID_FORMAT`.
static GLOBAL_ID_FORMAT: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"^req-[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$").ok()
});

/// Which upstream class the filter stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestIdFlavor {
    /// `oslo_middleware:RequestId`.
    Oslo,
    /// cinder's subclass: also a placeholder `Arc<RequestContext>`, and
    /// `x-compute-request-id` on cinder `Resource`/`Fault` responses.
    Cinder,
    /// nova's `ComputeReqIdMiddleware`: `x-compute-request-id` on every response.
    Compute,
}

/// Whether `value` is a global request id the filter accepts.
pub fn is_valid_global_request_id(value: &str) -> bool {
    GLOBAL_ID_FORMAT
        .as_ref()
        .is_some_and(|re| re.is_match(value))
}

/// Wraps `inner` in the request id filter of `flavor`.
pub fn request_id(inner: HttpService, flavor: RequestIdFlavor) -> HttpService {
    BoxCloneSyncService::new(tower::service_fn(move |mut req: Request| {
        let inner = inner.clone();
        async move {
            let global_request_id = req
                .headers()
                .get(&X_OPENSTACK_REQUEST_ID)
                .and_then(|v| v.to_str().ok())
                .filter(|v| is_valid_global_request_id(v))
                .map(str::to_owned);
            let local = openstack_service::generate_request_id();
            req.extensions_mut().insert(RequestIds {
                request_id: local.clone(),
                global_request_id: global_request_id.clone(),
            });
            if flavor == RequestIdFlavor::Cinder {
                let mut placeholder = RequestContext::new(local.clone());
                placeholder.global_request_id = global_request_id.clone();
                req.extensions_mut().insert(Arc::new(placeholder));
            }
            let span = request_span(&local, global_request_id.as_deref());
            let mut resp = inner.oneshot(req).instrument(span.clone()).await?;
            resp.extensions_mut().insert(crate::RequestSpan(span));

            let Ok(value) = HeaderValue::from_str(&local) else {
                return Ok(resp);
            };
            let compute = match flavor {
                RequestIdFlavor::Oslo => false,
                RequestIdFlavor::Compute => true,
                RequestIdFlavor::Cinder => resp.headers().contains_key(&OPENSTACK_API_VERSION),
            };
            let headers = resp.headers_mut();
            if !headers.contains_key(&X_OPENSTACK_REQUEST_ID) {
                headers.insert(X_OPENSTACK_REQUEST_ID, value.clone());
            }
            if compute && !headers.contains_key(&X_COMPUTE_REQUEST_ID) {
                headers.insert(X_COMPUTE_REQUEST_ID, value);
            }
            Ok(resp)
        }
    }))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::Mutex;

    use http::StatusCode;
    use tower::ServiceExt;

    use super::*;
    use crate::{Body, Response};

    type Seen = Arc<Mutex<Vec<(RequestIds, Option<Arc<RequestContext>>)>>>;

    /// An inner app that answers 200 and reports what it saw in the extensions.
    fn recorder(seen: Seen, api_version: bool) -> HttpService {
        BoxCloneSyncService::new(tower::service_fn(move |req: Request| {
            let seen = seen.clone();
            async move {
                let ids = req.extensions().get::<RequestIds>().cloned();
                let ctx = req.extensions().get::<Arc<RequestContext>>().cloned();
                if let Some(ids) = ids {
                    seen.lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push((ids, ctx));
                }
                tracing::info!("inside the app");
                let mut resp = Response::new(Body::from("ok"));
                if api_version {
                    resp.headers_mut().insert(
                        OPENSTACK_API_VERSION,
                        HeaderValue::from_static("volume 3.0"),
                    );
                }
                Ok(resp)
            }
        }))
    }

    fn get(headers: &[(&'static str, &'static str)]) -> Request {
        let mut b = http::Request::builder().uri("/v3/volumes");
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        b.body(Body::empty()).expect("request")
    }

    #[tokio::test]
    async fn fresh_id_in_extensions_and_response() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let svc = request_id(recorder(seen.clone(), false), RequestIdFlavor::Oslo);
        let resp = svc.oneshot(get(&[])).await.expect("infallible");
        assert_eq!(resp.status(), StatusCode::OK);
        let header = resp.headers()[&X_OPENSTACK_REQUEST_ID]
            .to_str()
            .expect("ascii")
            .to_owned();
        assert!(header.starts_with("req-") && header.len() == 40, "{header}");
        assert!(!resp.headers().contains_key(&X_COMPUTE_REQUEST_ID));
        let seen = seen.lock().expect("lock");
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].0.request_id, header);
        assert_eq!(seen[0].0.global_request_id, None);
        assert!(seen[0].1.is_none(), "oslo flavour puts no context");
    }

    #[tokio::test]
    async fn valid_global_id_is_kept_invalid_is_ignored() {
        let good = "req-0123abcd-0123-4567-89ab-0123456789ab";
        let seen = Arc::new(Mutex::new(Vec::new()));
        let svc = request_id(recorder(seen.clone(), false), RequestIdFlavor::Oslo);
        let resp = svc
            .clone()
            .oneshot(get(&[("X-OpenStack-Request-ID", good)]))
            .await
            .expect("infallible");
        assert_ne!(
            resp.headers()[&X_OPENSTACK_REQUEST_ID],
            good,
            "local id is always fresh"
        );
        svc.clone()
            .oneshot(get(&[("x-openstack-request-id", "req-NOT-A-UUID")]))
            .await
            .expect("infallible");
        svc.oneshot(get(&[(
            "x-openstack-request-id",
            "req-0123ABCD-0123-4567-89ab-0123456789ab",
        )]))
        .await
        .expect("infallible");
        let seen = seen.lock().expect("lock");
        assert_eq!(seen[0].0.global_request_id.as_deref(), Some(good));
        assert_eq!(seen[1].0.global_request_id, None);
        assert_eq!(
            seen[2].0.global_request_id, None,
            "upper case is not accepted"
        );
    }

    #[tokio::test]
    async fn existing_response_header_is_kept() {
        let inner = BoxCloneSyncService::new(tower::service_fn(|_req: Request| async {
            let mut resp = Response::new(Body::empty());
            resp.headers_mut()
                .insert(X_OPENSTACK_REQUEST_ID, HeaderValue::from_static("req-mine"));
            Ok(resp)
        }));
        let resp = request_id(inner, RequestIdFlavor::Compute)
            .oneshot(get(&[]))
            .await
            .expect("infallible");
        assert_eq!(resp.headers()[&X_OPENSTACK_REQUEST_ID], "req-mine");
        let compute = resp.headers()[&X_COMPUTE_REQUEST_ID]
            .to_str()
            .expect("ascii");
        assert!(compute.starts_with("req-") && compute != "req-mine");
    }

    #[tokio::test]
    async fn compute_flavour_always_adds_compute_header() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let resp = request_id(recorder(seen, false), RequestIdFlavor::Compute)
            .oneshot(get(&[]))
            .await
            .expect("infallible");
        assert_eq!(
            resp.headers()[&X_COMPUTE_REQUEST_ID],
            resp.headers()[&X_OPENSTACK_REQUEST_ID]
        );
    }

    #[tokio::test]
    async fn cinder_flavour_puts_placeholder_context_and_compute_header_on_resource_responses() {
        let good = "req-0123abcd-0123-4567-89ab-0123456789ab";
        let seen = Arc::new(Mutex::new(Vec::new()));
        let resp = request_id(recorder(seen.clone(), true), RequestIdFlavor::Cinder)
            .oneshot(get(&[("X-OpenStack-Request-ID", good)]))
            .await
            .expect("infallible");
        assert_eq!(
            resp.headers()[&X_COMPUTE_REQUEST_ID],
            resp.headers()[&X_OPENSTACK_REQUEST_ID]
        );
        let (ids, ctx) = seen.lock().expect("lock")[0].clone();
        let ctx = ctx.expect("placeholder context");
        assert_eq!(ctx.request_id, ids.request_id);
        assert_eq!(ctx.global_request_id.as_deref(), Some(good));
        assert_eq!(ctx.user_id, None);
        assert!(!ctx.is_admin);

        // A response that no cinder Resource produced (authtoken's 401, a bare WebOb 404,
        // healthcheck) gets only x-openstack-request-id, as upstream.
        let resp = request_id(recorder(Arc::default(), false), RequestIdFlavor::Cinder)
            .oneshot(get(&[]))
            .await
            .expect("infallible");
        assert!(resp.headers().contains_key(&X_OPENSTACK_REQUEST_ID));
        assert!(!resp.headers().contains_key(&X_COMPUTE_REQUEST_ID));
    }

    /// A minimal subscriber that records, for every event, the `request_id` field of the span
    /// it was emitted in.
    #[derive(Default)]
    struct SpanRecorder {
        next: Mutex<u64>,
        ids: Mutex<HashMap<u64, String>>,
        stack: Mutex<Vec<u64>>,
        events: Mutex<Vec<Option<String>>>,
    }

    struct RequestIdVisitor(Option<String>);

    impl tracing::field::Visit for RequestIdVisitor {
        fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
            if field.name() == "request_id" {
                self.0 = Some(value.to_owned());
            }
        }
        fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
            if field.name() == "request_id" {
                self.0 = Some(format!("{value:?}").trim_matches('"').to_owned());
            }
        }
    }

    impl tracing::Subscriber for SpanRecorder {
        fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
            true
        }
        fn new_span(&self, attrs: &tracing::span::Attributes<'_>) -> tracing::span::Id {
            let mut next = self.next.lock().unwrap_or_else(|e| e.into_inner());
            *next += 1;
            let mut visitor = RequestIdVisitor(None);
            attrs.record(&mut visitor);
            if let Some(id) = visitor.0 {
                self.ids
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(*next, id);
            }
            tracing::span::Id::from_u64(*next)
        }
        fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
        fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
        fn event(&self, _: &tracing::Event<'_>) {
            let stack = self.stack.lock().unwrap_or_else(|e| e.into_inner());
            let ids = self.ids.lock().unwrap_or_else(|e| e.into_inner());
            let id = stack.iter().rev().find_map(|s| ids.get(s).cloned());
            self.events
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(id);
        }
        fn enter(&self, span: &tracing::span::Id) {
            self.stack
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(span.into_u64());
        }
        fn exit(&self, _: &tracing::span::Id) {
            self.stack.lock().unwrap_or_else(|e| e.into_inner()).pop();
        }
    }

    #[test]
    fn inner_log_lines_run_inside_the_request_span() {
        let recorder_sub = Arc::new(SpanRecorder::default());
        let dispatch = tracing::Dispatch::from(recorder_sub.clone());
        let resp = tracing::dispatcher::with_default(&dispatch, || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .build()
                .expect("runtime");
            rt.block_on(
                request_id(recorder(Arc::default(), false), RequestIdFlavor::Oslo)
                    .oneshot(get(&[])),
            )
            .expect("infallible")
        });
        let header = resp.headers()[&X_OPENSTACK_REQUEST_ID]
            .to_str()
            .expect("ascii")
            .to_owned();
        let events = recorder_sub.events.lock().expect("lock");
        assert_eq!(events.as_slice(), &[Some(header)]);
    }
}
