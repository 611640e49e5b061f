//! The catch-all filters: cinder's `cinder.api.middleware.fault:FaultWrapper`, nova's
//! `nova.api.openstack:FaultWrapper` and oslo.middleware's `CatchErrors`. What Python sees as
//! "an exception escaped the application" is, here, either a panic while serving the request
//! or a response marked with [`InternalError`]; both are logged (`Caught error: ...` at
//! ERROR) and replaced by the project's 500 — a `computeFault` JSON for cinder and nova, the
//! bare WebOb 500 for `CatchErrors` — so nothing internal reaches the client. Responses the
//! application built itself (faults, WebOb errors) pass untouched.

use std::any::Any;
use std::panic::AssertUnwindSafe;

use futures_util::FutureExt;
use http::header::{HeaderName, HeaderValue, ACCEPT, VARY};
use tower::util::BoxCloneSyncService;
use tower::ServiceExt;

use crate::fault::{ErrorStyle, HttpError, InternalError};
use crate::filters::request_id::{OPENSTACK_API_VERSION, X_COMPUTE_REQUEST_ID};
use crate::{HttpService, Request, RequestIds, Response};

/// nova's legacy microversion header, copied onto faults like `OpenStack-API-Version`.
const X_OPENSTACK_NOVA_API_VERSION: HeaderName =
    HeaderName::from_static("x-openstack-nova-api-version");

/// Wraps `inner` in the catch-all filter rendering its 500 in `style`.
pub fn fault_wrap(inner: HttpService, style: ErrorStyle) -> HttpService {
    BoxCloneSyncService::new(tower::service_fn(move |req: Request| {
        let inner = inner.clone();
        async move {
            let accept = req.headers().get(ACCEPT).cloned();
            let url = req.uri().to_string();
            let request_id = req
                .extensions()
                .get::<RequestIds>()
                .map(|ids| ids.request_id.clone());
            let request_text = (style == ErrorStyle::Webob).then(|| masked_request_text(&req));

            let outcome = AssertUnwindSafe(inner.oneshot(req)).catch_unwind().await;
            let (message, version_headers) = match outcome {
                Ok(Ok(resp)) => match resp.extensions().get::<InternalError>() {
                    None => return Ok(resp),
                    Some(InternalError(message)) => (message.clone(), microversion_headers(&resp)),
                },
                Ok(Err(never)) => match never {},
                Err(payload) => (panic_message(payload.as_ref()), Vec::new()),
            };

            match &request_text {
                Some(text) => tracing::error!(
                    "An error occurred during processing the request: {text}\nCaught error: {message}"
                ),
                None => tracing::error!("Caught error: {message}"),
            }
            let err = HttpError::Unhandled { message, style };
            tracing::info!("{url} returned with HTTP {}", err.status().as_u16());
            let mut resp = err.to_response(accept.as_ref());
            if style != ErrorStyle::Webob {
                let headers = resp.headers_mut();
                for (name, value) in version_headers {
                    headers.append(name, value);
                }
                if style == ErrorStyle::CinderFault {
                    if let Some(value) = request_id.and_then(|id| HeaderValue::from_str(&id).ok()) {
                        headers.insert(X_COMPUTE_REQUEST_ID, value);
                    }
                }
            }
            Ok(resp)
        }
    }))
}

/// The microversion headers of the failed response: upstream's `Fault` sets them from the
/// request's negotiated version, which only the application knew.
fn microversion_headers(resp: &Response) -> Vec<(HeaderName, HeaderValue)> {
    let mut out = Vec::new();
    for name in [OPENSTACK_API_VERSION, X_OPENSTACK_NOVA_API_VERSION, VARY] {
        for value in resp.headers().get_all(&name) {
            out.push((name.clone(), value.clone()));
        }
    }
    out
}

/// The text of a panic payload (`panic!("...")` gives `&str` or `String`).
pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic with a non-string payload".to_owned()
    }
}

/// The request line and headers as `CatchErrors` logs them, tokens masked
/// (`X-Auth-Token: *****`).
fn masked_request_text(req: &Request) -> String {
    let mut text = format!("{} {} {:?}", req.method(), req.uri(), req.version());
    for (name, value) in req.headers() {
        let name = name.as_str();
        let masked = name.starts_with("x-") && name.ends_with("-token") && name.len() > 8;
        let value = if masked {
            "*****".to_owned()
        } else {
            String::from_utf8_lossy(value.as_bytes()).into_owned()
        };
        text.push_str(&format!("\n{name}: {value}"));
    }
    text
}

#[cfg(test)]
mod tests {
    use http::header::CONTENT_TYPE;
    use http::StatusCode;
    use http_body_util::BodyExt;

    use super::*;
    use crate::Body;

    async fn text(resp: Response) -> String {
        let bytes = resp
            .into_body()
            .collect()
            .await
            .map(|c| c.to_bytes())
            .unwrap_or_default();
        String::from_utf8_lossy(&bytes).into_owned()
    }

    fn panicking() -> HttpService {
        BoxCloneSyncService::new(tower::service_fn(|req: Request| async move {
            if req.uri().path() == "/boom" {
                panic!("database password is hunter2");
            }
            Ok(Response::new(Body::from("fine")))
        }))
    }

    fn internal_error() -> HttpService {
        BoxCloneSyncService::new(tower::service_fn(|_req: Request| async {
            let mut resp = InternalError::response("secret stack trace");
            resp.headers_mut().insert(
                OPENSTACK_API_VERSION,
                HeaderValue::from_static("volume 3.5"),
            );
            resp.headers_mut()
                .insert(VARY, HeaderValue::from_static("OpenStack-API-Version"));
            Ok(resp)
        }))
    }

    fn request(path: &str) -> Request {
        let mut req = http::Request::get(path)
            .body(Body::empty())
            .expect("request");
        req.extensions_mut().insert(RequestIds {
            request_id: "req-11111111-2222-3333-4444-555555555555".into(),
            global_request_id: None,
        });
        req
    }

    const GENERIC_500: &str = r#"{"computeFault": {"code": 500, "message": "The server has either erred or is incapable of performing the requested operation."}}"#;

    #[tokio::test]
    async fn panic_becomes_compute_fault_without_leaking() {
        let resp = fault_wrap(panicking(), ErrorStyle::CinderFault)
            .oneshot(request("/boom"))
            .await
            .expect("infallible");
        assert_eq!(resp.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(resp.headers()[CONTENT_TYPE], "application/json");
        assert_eq!(
            resp.headers()[X_COMPUTE_REQUEST_ID],
            "req-11111111-2222-3333-4444-555555555555"
        );
        let body = text(resp).await;
        assert_eq!(body, GENERIC_500);
        assert!(!body.contains("hunter2"));
    }

    #[tokio::test]
    async fn normal_responses_pass_untouched() {
        let svc = fault_wrap(panicking(), ErrorStyle::CinderFault);
        let resp = svc
            .clone()
            .oneshot(request("/fine"))
            .await
            .expect("infallible");
        assert_eq!(resp.status(), StatusCode::OK);
        assert!(!resp.headers().contains_key(X_COMPUTE_REQUEST_ID));
        assert_eq!(text(resp).await, "fine");
        // The service keeps working after a panic.
        let _ = svc.clone().oneshot(request("/boom")).await;
        let resp = svc.oneshot(request("/fine")).await.expect("infallible");
        assert_eq!(resp.status(), StatusCode::OK);
    }

    #[tokio::test]
    async fn internal_error_response_becomes_fault_with_microversion_headers() {
        let resp = fault_wrap(internal_error(), ErrorStyle::CinderFault)
            .oneshot(request("/v3/volumes"))
            .await
            .expect("infallible");
        assert_eq!(resp.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(resp.headers()[OPENSTACK_API_VERSION], "volume 3.5");
        assert_eq!(resp.headers()[VARY], "OpenStack-API-Version");
        assert!(resp.extensions().get::<InternalError>().is_none());
        let body = text(resp).await;
        assert_eq!(body, GENERIC_500);
        assert!(!body.contains("secret"));
    }

    #[tokio::test]
    async fn nova_style_has_charset_and_no_compute_header_of_its_own() {
        let resp = fault_wrap(panicking(), ErrorStyle::NovaFault)
            .oneshot(request("/boom"))
            .await
            .expect("infallible");
        assert_eq!(
            resp.headers()[CONTENT_TYPE],
            "application/json; charset=UTF-8"
        );
        assert!(!resp.headers().contains_key(X_COMPUTE_REQUEST_ID));
        assert_eq!(text(resp).await, GENERIC_500);
    }

    #[tokio::test]
    async fn catch_errors_answers_the_bare_webob_500() {
        let resp = fault_wrap(panicking(), ErrorStyle::Webob)
            .oneshot(request("/boom"))
            .await
            .expect("infallible");
        assert_eq!(resp.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(resp.headers()[CONTENT_TYPE], "text/plain; charset=UTF-8");
        assert_eq!(
            text(resp).await,
            "500 Internal Server Error\n\nThe server has either erred or is incapable of performing the requested operation.\n\n   "
        );
    }

    #[test]
    fn tokens_are_masked_in_the_logged_request() {
        let req = http::Request::get("/x")
            .header("X-Auth-Token", "gAAAAAsecret")
            .header("X-Service-Token", "svcsecret")
            .header("Accept", "*/*")
            .body(Body::empty())
            .expect("request");
        let text = masked_request_text(&req);
        assert!(text.contains("x-auth-token: *****"), "{text}");
        assert!(text.contains("x-service-token: *****"));
        assert!(!text.contains("secret"));
        assert!(text.contains("accept: */*"));
    }
}
