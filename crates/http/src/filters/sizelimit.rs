//! `oslo_middleware.sizelimit:RequestBodySizeLimiter`: a request whose `Content-Length` is
//! above `[oslo_middleware] max_request_body_size` is refused at once with WebOb's 413; a
//! body without `Content-Length` (chunked) is wrapped so that reading past the limit fails
//! inside the application — the read returns an `http_body_util::LengthLimitError` (which
//! axum's extractors turn into a 413 too) and, whatever the application then answers, the
//! filter replaces that answer with upstream's 413 `Request is too large. Larger than <limit>.`
//! (upstream's `LimitingReader` raises a WebOb 413 from the read).

use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::header::{ACCEPT, CONTENT_LENGTH};
use http_body::{Body as HttpBody, Frame, SizeHint};
use http_body_util::{LengthLimitError, Limited};
use tower::util::BoxCloneSyncService;
use tower::ServiceExt;

use openstack_config::Opt;

use crate::fault::HttpError;
use crate::{Body, HttpService, Request};

/// oslo.middleware's default `max_request_body_size` (112 KiB).
pub const DEFAULT_MAX_REQUEST_BODY_SIZE: u64 = 114_688;

openstack_config::options! {
    /// `[oslo_middleware]` option of sizelimit (`oslo_middleware/sizelimit.py`).
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct SizeLimitOpts in "oslo_middleware" {
        max_request_body_size: i64 = Opt::int()
            .default("114688")
            .help("The maximum body size for each request, in bytes."),
    }
}

/// Wraps `inner` in the body size limiter.
pub fn size_limit(inner: HttpService, max_request_body_size: u64) -> HttpService {
    BoxCloneSyncService::new(tower::service_fn(move |req: Request| {
        let inner = inner.clone();
        async move {
            let accept = req.headers().get(ACCEPT).cloned();
            let content_length = req
                .headers()
                .get(CONTENT_LENGTH)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok());
            match content_length {
                Some(len) if len > max_request_body_size => {
                    tracing::info!(
                        "Request is too large. Larger than max_request_body_size ({}).",
                        max_request_body_size
                    );
                    Ok(HttpError::ContentLengthOverLimit.to_response(accept.as_ref()))
                }
                Some(_) => inner.oneshot(req).await,
                None => {
                    let tripped = Arc::new(AtomicBool::new(false));
                    let (parts, body) = req.into_parts();
                    let limit = usize::try_from(max_request_body_size).unwrap_or(usize::MAX);
                    let body = Body::new(WatchedLimit {
                        inner: Limited::new(body, limit),
                        tripped: tripped.clone(),
                    });
                    let resp = inner.oneshot(Request::from_parts(parts, body)).await?;
                    if tripped.load(Ordering::Acquire) {
                        tracing::info!(
                            "Request is too large. Larger than {}.",
                            max_request_body_size
                        );
                        return Ok(HttpError::BodyOverLimit {
                            limit: max_request_body_size,
                        }
                        .to_response(accept.as_ref()));
                    }
                    Ok(resp)
                }
            }
        }
    }))
}

/// A `Limited` body that remembers whether the limit was hit.
struct WatchedLimit {
    inner: Limited<Body>,
    tripped: Arc<AtomicBool>,
}

impl HttpBody for WatchedLimit {
    type Data = Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        if let Poll::Ready(Some(Err(err))) = &polled {
            if err.downcast_ref::<LengthLimitError>().is_some() {
                self.tripped.store(true, Ordering::Release);
            }
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use http::StatusCode;
    use http_body_util::BodyExt;

    use super::*;
    use crate::Response;

    /// An app that reads the whole body (like a JSON handler) and answers 400 with the
    /// error when the read fails, 200 with the byte count otherwise.
    fn reading_app() -> HttpService {
        BoxCloneSyncService::new(tower::service_fn(|req: Request| async move {
            match axum::body::to_bytes(req.into_body(), usize::MAX).await {
                Ok(bytes) => Ok(Response::new(Body::from(bytes.len().to_string()))),
                Err(err) => {
                    let mut resp = Response::new(Body::from(err.to_string()));
                    *resp.status_mut() = StatusCode::BAD_REQUEST;
                    Ok(resp)
                }
            }
        }))
    }

    /// A body without Content-Length, delivered in 8 KiB chunks.
    fn chunked(total: usize) -> Body {
        let chunks: Vec<Result<Bytes, std::io::Error>> = (0..total)
            .step_by(8192)
            .map(|start| Ok(Bytes::from(vec![b'x'; (total - start).min(8192)])))
            .collect();
        Body::from_stream(futures_util::stream::iter(chunks))
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

    #[tokio::test]
    async fn content_length_over_the_limit_is_refused_before_the_app() {
        let called = Arc::new(AtomicBool::new(false));
        let flag = called.clone();
        let app = BoxCloneSyncService::new(tower::service_fn(move |_req: Request| {
            flag.store(true, Ordering::SeqCst);
            async { Ok(Response::new(Body::empty())) }
        }));
        let req = http::Request::post("/v3/volumes")
            .header(CONTENT_LENGTH, "114689")
            .body(Body::from(vec![b'x'; 114_689]))
            .expect("request");
        let resp = size_limit(app, DEFAULT_MAX_REQUEST_BODY_SIZE)
            .oneshot(req)
            .await
            .expect("infallible");
        assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert!(!called.load(Ordering::SeqCst));
        assert_eq!(
            text(resp).await,
            "413 Request Entity Too Large\n\nRequest is too large. Larger than max_request_body_size (%s).\n\n   "
        );
    }

    #[tokio::test]
    async fn content_length_at_the_limit_passes() {
        let req = http::Request::post("/v3/volumes")
            .header(CONTENT_LENGTH, "114688")
            .body(Body::from(vec![b'x'; 114_688]))
            .expect("request");
        let resp = size_limit(reading_app(), DEFAULT_MAX_REQUEST_BODY_SIZE)
            .oneshot(req)
            .await
            .expect("infallible");
        assert_eq!(resp.status(), StatusCode::OK);
        assert_eq!(text(resp).await, "114688");
    }

    #[tokio::test]
    async fn chunked_200k_body_is_413_from_inside_the_app() {
        let req = http::Request::post("/v3/volumes")
            .header(ACCEPT, "application/json")
            .body(chunked(200 * 1024))
            .expect("request");
        let resp = size_limit(reading_app(), DEFAULT_MAX_REQUEST_BODY_SIZE)
            .oneshot(req)
            .await
            .expect("infallible");
        assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(
            text(resp).await,
            r#"{"message": "Request is too large. Larger than 114688.<br /><br />\n\n\n", "code": "413 Request Entity Too Large", "title": "Request Entity Too Large"}"#
        );
    }

    #[tokio::test]
    async fn chunked_100k_body_passes_whole() {
        let req = http::Request::post("/v3/volumes")
            .body(chunked(100 * 1024))
            .expect("request");
        let resp = size_limit(reading_app(), DEFAULT_MAX_REQUEST_BODY_SIZE)
            .oneshot(req)
            .await
            .expect("infallible");
        assert_eq!(resp.status(), StatusCode::OK);
        assert_eq!(text(resp).await, (100 * 1024).to_string());
    }

    #[tokio::test]
    async fn axum_extractors_see_a_length_limit_error() {
        // An axum handler that extracts `Bytes` answers 413 by itself when the limit trips.
        let router: axum::Router = axum::Router::new().route(
            "/",
            axum::routing::post(|body: Bytes| async move { body.len().to_string() }),
        );
        let app: HttpService = BoxCloneSyncService::new(router);
        let req = http::Request::post("/")
            .body(chunked(2048))
            .expect("request");
        let resp = size_limit(app.clone(), 1000)
            .oneshot(req)
            .await
            .expect("infallible");
        assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(
            text(resp).await,
            "413 Request Entity Too Large\n\nRequest is too large. Larger than 1000.\n\n   "
        );
        let req = http::Request::post("/")
            .body(chunked(999))
            .expect("request");
        let resp = size_limit(app, 1000)
            .oneshot(req)
            .await
            .expect("infallible");
        assert_eq!(text(resp).await, "999");
    }

    #[tokio::test]
    async fn app_that_does_not_read_the_body_is_untouched() {
        let app = BoxCloneSyncService::new(tower::service_fn(|_req: Request| async {
            Ok(Response::new(Body::from("ignored body")))
        }));
        let req = http::Request::post("/")
            .body(chunked(300 * 1024))
            .expect("request");
        let resp = size_limit(app, DEFAULT_MAX_REQUEST_BODY_SIZE)
            .oneshot(req)
            .await
            .expect("infallible");
        assert_eq!(resp.status(), StatusCode::OK);
    }
}
