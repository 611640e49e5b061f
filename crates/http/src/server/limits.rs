//! eventlet's request limits, checked before the stack sees a request: a request line of
//! 8192 bytes or more (`MAX_REQUEST_LINE`) → `414 Request URI Too Long`; a header line of
//! `max_header_line` bytes or more → `400 Header Line Too Long`; more than 65536 bytes of
//! headers (`MAX_TOTAL_HEADER_SIZE`) → `400 Headers Too Large`. Like eventlet, the answers
//! have an empty body and close the connection. Lengths count the bytes of the line as
//! written on the wire (`Name: value\r\n`, `GET /path HTTP/1.1\r\n`).

use http::header::{HeaderValue, CONNECTION};
use http::{Request, StatusCode, Version};
use hyper::ext::ReasonPhrase;

use crate::{Body, Response};

/// eventlet's `MAX_REQUEST_LINE` (the URL length limit oslo.service leaves at its default).
pub const MAX_REQUEST_LINE: usize = 8192;
/// eventlet's `MAX_TOTAL_HEADER_SIZE`.
pub const MAX_TOTAL_HEADER_SIZE: usize = 65536;
/// hyper's read buffer: room for everything eventlet accepts (a request line under the
/// limit and all header lines); anything larger gets hyper's own 431.
pub const MAX_BUF_SIZE: usize = MAX_REQUEST_LINE + MAX_TOTAL_HEADER_SIZE + 4096;

/// The request line as eventlet logs it: `GET /v3/volumes?limit=1 HTTP/1.1`.
pub fn request_line<B>(req: &Request<B>) -> String {
    format!(
        "{} {} {}",
        req.method(),
        req.uri(),
        version_text(req.version())
    )
}

fn version_text(version: Version) -> &'static str {
    match version {
        Version::HTTP_09 => "HTTP/0.9",
        Version::HTTP_10 => "HTTP/1.0",
        Version::HTTP_2 => "HTTP/2.0",
        Version::HTTP_3 => "HTTP/3.0",
        _ => "HTTP/1.1",
    }
}

/// The eventlet answer for a request over the limits, if it is.
pub fn check<B>(req: &Request<B>, max_header_line: usize) -> Option<Response> {
    if request_line(req).len() + 2 >= MAX_REQUEST_LINE {
        return Some(refusal(StatusCode::URI_TOO_LONG, "Request URI Too Long"));
    }
    let mut total = 2; // the blank line ending the headers
    for (name, value) in req.headers() {
        let line = name.as_str().len() + 2 + value.len() + 2;
        if line >= max_header_line {
            return Some(refusal(StatusCode::BAD_REQUEST, "Header Line Too Long"));
        }
        total += line;
    }
    if total > MAX_TOTAL_HEADER_SIZE {
        return Some(refusal(StatusCode::BAD_REQUEST, "Headers Too Large"));
    }
    None
}

fn refusal(status: StatusCode, reason: &'static str) -> Response {
    let mut resp = Response::new(Body::empty());
    *resp.status_mut() = status;
    resp.headers_mut()
        .insert(CONNECTION, HeaderValue::from_static("close"));
    resp.extensions_mut()
        .insert(ReasonPhrase::from_static(reason.as_bytes()));
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(uri: &str, headers: &[(&str, String)]) -> Request<()> {
        let mut b = Request::builder().uri(uri);
        for (k, v) in headers {
            b = b.header(*k, v.as_str());
        }
        b.body(()).expect("request")
    }

    #[test]
    fn request_line_limit_is_8192_including_crlf() {
        // "GET " + uri + " HTTP/1.1" + "\r\n" = uri + 15 bytes.
        let ok = format!("/{}", "a".repeat(MAX_REQUEST_LINE - 15 - 2));
        assert!(check(&req(&ok, &[]), 16384).is_none());
        let long = format!("/{}", "a".repeat(MAX_REQUEST_LINE - 15 - 1));
        let resp = check(&req(&long, &[]), 16384).expect("414");
        assert_eq!(resp.status(), StatusCode::URI_TOO_LONG);
        assert_eq!(resp.headers()[CONNECTION], "close");
    }

    #[test]
    fn header_line_limit() {
        // "x-long: " + value + "\r\n" = value + 10 bytes.
        let ok = "v".repeat(100 - 10 - 1);
        assert!(check(&req("/", &[("x-long", ok)]), 100).is_none());
        let long = "v".repeat(100 - 10);
        let resp = check(&req("/", &[("x-long", long)]), 100).expect("400");
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
        assert_eq!(
            resp.extensions()
                .get::<ReasonPhrase>()
                .map(|r| r.as_bytes()),
            Some(&b"Header Line Too Long"[..])
        );
    }

    #[test]
    fn total_header_size_limit() {
        let value = "v".repeat(9000);
        let headers: Vec<(&str, String)> = ["a", "b", "c", "d", "e", "f", "g", "h"]
            .iter()
            .map(|n| (*n, value.clone()))
            .collect();
        let resp = check(&req("/", &headers), 16384).expect("400");
        assert_eq!(
            resp.extensions()
                .get::<ReasonPhrase>()
                .map(|r| r.as_bytes()),
            Some(&b"Headers Too Large"[..])
        );
        assert!(check(&req("/", &headers[..7]), 16384).is_none());
    }
}
