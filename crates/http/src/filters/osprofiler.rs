//! `osprofiler.web:WsgiMiddleware` (and nova's `nova.profiler:WsgiMiddleware`): upstream
//! starts an OSProfiler trace for requests carrying a valid `X-Trace-Info` / `X-Trace-HMAC`
//! pair when `[profiler] enabled = true`. There is no OSProfiler collector here, so the filter
//! is a pass-through in every case; with `enabled = true` it says so once at start-up, and
//! a request that asks for a trace is logged at DEBUG so an operator can see it was not
//! traced.

use tower::util::BoxCloneSyncService;
use tower::ServiceExt;

use openstack_config::Opt;

use crate::{HttpService, Request};

openstack_config::options! {
    /// `[profiler]` options read by the WSGI middleware (`osprofiler/opts.py`).
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct ProfilerOpts in "profiler" {
        enabled: bool = Opt::bool()
            .default("false")
            .deprecated_name("profiler_enabled")
            .help("Enable the profiling for all services on this node."),
        hmac_keys: String = Opt::str()
            .default("SECRET_KEY")
            .secret()
            .help("Secret key(s) to use for encrypting context data for performance profiling."),
    }
}

/// Wraps `inner` in the profiler filter.
pub fn osprofiler(inner: HttpService, enabled: bool) -> HttpService {
    if !enabled {
        return inner;
    }
    tracing::warn!("[profiler] enabled = true: OSProfiler tracing is not supported; requests are served untraced");
    BoxCloneSyncService::new(tower::service_fn(move |req: Request| {
        let inner = inner.clone();
        async move {
            if req.headers().contains_key("x-trace-info")
                && req.headers().contains_key("x-trace-hmac")
            {
                tracing::debug!(
                    "X-Trace-Info received; OSProfiler tracing is not supported, serving untraced"
                );
            }
            inner.oneshot(req).await
        }
    }))
}

#[cfg(test)]
mod tests {
    use http::StatusCode;

    use super::*;
    use crate::{Body, Response};

    #[tokio::test]
    async fn passes_requests_through_enabled_or_not() {
        for enabled in [false, true] {
            let inner = BoxCloneSyncService::new(tower::service_fn(|req: Request| async move {
                let mut resp = Response::new(Body::empty());
                *resp.status_mut() = if req.headers().contains_key("x-trace-info") {
                    StatusCode::ACCEPTED
                } else {
                    StatusCode::OK
                };
                Ok(resp)
            }));
            let req = http::Request::get("/")
                .header("X-Trace-Info", "abc")
                .header("X-Trace-HMAC", "def")
                .body(Body::empty())
                .expect("request");
            let resp = osprofiler(inner, enabled)
                .oneshot(req)
                .await
                .expect("infallible");
            assert_eq!(
                resp.status(),
                StatusCode::ACCEPTED,
                "headers reach the app untouched"
            );
        }
    }
}
