//! The request span: what puts `[global_request_id request_id user_identity]` into every log
//! line written while a request is served. The `request_id` filter opens it with the ids it
//! knows; the auth filter adds the user once the context exists. Work instrumented with the
//! span (`.instrument(span)`, `span.in_scope`) logs with those ids, on any thread.

use tracing::field::Empty;
use tracing::Span;

use crate::context::RequestContext;

/// The span name the logger looks for.
pub(crate) const REQUEST_SPAN: &str = "request";
/// The span target the logger looks for.
pub(crate) const REQUEST_TARGET: &str = "openstack_service::request";

/// A span for one request. It is an ERROR-level span so that it is enabled whatever the log
/// level; it produces no output of its own.
pub fn request_span(request_id: &str, global_request_id: Option<&str>) -> Span {
    tracing::error_span!(
        target: REQUEST_TARGET,
        REQUEST_SPAN,
        request_id = request_id,
        global_request_id = global_request_id,
        user_identity = Empty,
    )
}

/// Records what the context knows (user identity, global request id) on a request span.
pub fn record_context(span: &Span, ctx: &RequestContext) {
    span.record("request_id", ctx.request_id.as_str());
    if let Some(global) = &ctx.global_request_id {
        span.record("global_request_id", global.as_str());
    }
    span.record("user_identity", ctx.user_identity().as_str());
}
