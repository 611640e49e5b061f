//! OpenStack faults: cinder/nova `Fault` JSON bodies (`cinder.api.openstack.wsgi.Fault`,
//! `nova.api.openstack.wsgi.Fault`), the default error bodies of WebOb's `webob.exc`
//! classes (negotiated from `Accept` between HTML, JSON and plain text, byte for byte as
//! WebOb 1.8.11 writes them), JSON written the way Python's `json.dumps` writes it, and the
//! one table that turns every error this crate answers with ([`HttpError`]) into a response.

use std::io;

use bytes::Bytes;
use http::header::{CONTENT_TYPE, RETRY_AFTER};
use http::{HeaderMap, HeaderValue, StatusCode};
use serde::ser::{Serialize, SerializeMap, Serializer};

use crate::{Body, Response};

/// `Content-Type` of JSON bodies written by WebOb's `Response(content_type=...)`.
pub const APPLICATION_JSON: &str = "application/json";
/// `Content-Type` of nova's faults.
pub const APPLICATION_JSON_UTF8: &str = "application/json; charset=UTF-8";
/// `Content-Type` of WebOb's plain-text bodies.
pub const TEXT_PLAIN_UTF8: &str = "text/plain; charset=UTF-8";
/// `Content-Type` of WebOb's HTML bodies.
pub const TEXT_HTML_UTF8: &str = "text/html; charset=UTF-8";

/// The errors the standard filters answer with. [`HttpError::to_response`] is the only
/// place where any of them becomes a status code and a body.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HttpError {
    /// sizelimit: `Content-Length` above the limit. Upstream never substitutes the `%s`.
    #[error("Request is too large. Larger than max_request_body_size (%s).")]
    ContentLengthOverLimit,
    /// sizelimit: a body without `Content-Length` read past the limit.
    #[error("Request is too large. Larger than {limit}.")]
    BodyOverLimit { limit: u64 },
    /// authtoken: no valid user token (or an invalid service token) and
    /// `delay_auth_decision = false`.
    #[error("The request you have made requires authentication.")]
    AuthenticationRequired,
    /// authtoken: Keystone could not be reached or answered with an error.
    #[error("The Keystone service is temporarily unavailable.")]
    KeystoneUnavailable,
    /// keystonecontext / noauth: `X-Service-Catalog` is not JSON.
    #[error("Invalid service catalog json.")]
    InvalidServiceCatalog,
    /// keystonecontext: no user id after authentication (plain WebOb 401).
    #[error("no user id in the request")]
    NoUserId,
    /// faultwrap / catch_errors: a panic or an [`InternalError`] from inside; the detail is
    /// logged, never sent.
    #[error("unhandled error: {message}")]
    Unhandled { message: String, style: ErrorStyle },
}

/// How a project renders its unhandled-error 500.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorStyle {
    /// cinder's `Fault`: `{"computeFault": ...}`, `Content-Type: application/json`.
    CinderFault,
    /// nova's `Fault`: same names, `Content-Type: application/json; charset=UTF-8`.
    NovaFault,
    /// oslo.middleware `CatchErrors`: the bare WebOb 500.
    Webob,
}

impl HttpError {
    /// The status this error answers with.
    pub fn status(&self) -> StatusCode {
        match self {
            HttpError::ContentLengthOverLimit | HttpError::BodyOverLimit { .. } => {
                StatusCode::PAYLOAD_TOO_LARGE
            }
            HttpError::AuthenticationRequired | HttpError::NoUserId => StatusCode::UNAUTHORIZED,
            HttpError::KeystoneUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            HttpError::InvalidServiceCatalog | HttpError::Unhandled { .. } => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }

    /// The error → response table. `accept` is the request's `Accept` header, used where
    /// upstream answers with a bare WebOb exception.
    pub fn to_response(&self, accept: Option<&HeaderValue>) -> Response {
        let status = self.status();
        match self {
            HttpError::ContentLengthOverLimit | HttpError::BodyOverLimit { .. } => {
                webob_error(status, &self.to_string(), accept)
            }
            HttpError::AuthenticationRequired => {
                // keystonemiddleware `_deny_request`: its own JSON, keys in this order.
                let inner = AuthError {
                    code: 401,
                    title: "Unauthorized",
                    message: "The request you have made requires authentication.",
                };
                let text = to_python_json(&SingleKey("error", &inner));
                body_response(status, APPLICATION_JSON, text)
            }
            HttpError::KeystoneUnavailable => webob_error_with_detail(
                status,
                webob_explanation(status),
                &self.to_string(),
                accept,
            ),
            HttpError::InvalidServiceCatalog => webob_error(status, &self.to_string(), accept),
            HttpError::NoUserId => webob_error(status, webob_explanation(status), accept),
            HttpError::Unhandled { style, .. } => match style {
                ErrorStyle::CinderFault => fault_response(status, webob_explanation(status)),
                ErrorStyle::NovaFault => fault_response_with(
                    FaultStyle::Nova,
                    status,
                    webob_explanation(status),
                    HeaderMap::new(),
                ),
                ErrorStyle::Webob => webob_error(status, webob_explanation(status), accept),
            },
        }
    }
}

#[derive(serde::Serialize)]
struct AuthError {
    code: u16,
    title: &'static str,
    message: &'static str,
}

/// A response extension an application returns to say "this is an unhandled internal
/// error" — the equivalent of an exception escaping a Python controller. faultwrap /
/// catch_errors log the text (`Caught error: ...`) and replace the response with their 500;
/// the text never reaches the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InternalError(pub String);

impl InternalError {
    /// A 500 response carrying this marker (the body is replaced by faultwrap).
    pub fn response(message: impl Into<String>) -> Response {
        let mut resp = Response::new(Body::empty());
        *resp.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
        resp.extensions_mut().insert(InternalError(message.into()));
        resp
    }
}

// ---------------------------------------------------------------------------------------
// Faults

/// Which project's `Fault` class renders the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultStyle {
    /// `cinder.api.openstack.wsgi.Fault`: `Content-Type: application/json`, `retryAfter`
    /// for 413.
    Cinder,
    /// `nova.api.openstack.wsgi.Fault`: `Content-Type: application/json; charset=UTF-8`,
    /// `retryAfter` for 413 and 429, and 429 is also `overLimit`.
    Nova,
}

/// The fault name of a status (cinder's `Fault._fault_names`).
pub fn fault_name(style: FaultStyle, status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "badRequest",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "itemNotFound",
        405 => "badMethod",
        409 => "conflictingRequest",
        413 => "overLimit",
        415 => "badMediaType",
        429 if style == FaultStyle::Nova => "overLimit",
        501 => "notImplemented",
        503 => "serviceUnavailable",
        _ => "computeFault",
    }
}

/// The JSON body of a fault, as `json.dumps` writes it:
/// `{"<faultName>": {"code": <status>, "message": "<message>"[, "retryAfter": "<s>"]}}`.
pub fn fault_body(
    style: FaultStyle,
    status: StatusCode,
    message: &str,
    retry_after: Option<&str>,
) -> String {
    #[derive(serde::Serialize)]
    struct Inner<'a> {
        code: u16,
        message: &'a str,
        #[serde(rename = "retryAfter", skip_serializing_if = "Option::is_none")]
        retry_after: Option<&'a str>,
    }
    let retry_applies = match status.as_u16() {
        413 => true,
        429 => style == FaultStyle::Nova,
        _ => false,
    };
    let inner = Inner {
        code: status.as_u16(),
        message,
        retry_after: retry_after.filter(|_| retry_applies),
    };
    to_python_json(&SingleKey(fault_name(style, status), &inner))
}

/// A cinder fault response: `{"<faultName>": {"code": ..., "message": ...}}` with
/// `Content-Type: application/json`.
pub fn fault_response(status: StatusCode, message: &str) -> Response {
    fault_response_with(FaultStyle::Cinder, status, message, HeaderMap::new())
}

/// A fault with extra headers (upstream copies `exc.headers` onto the fault); a
/// `Retry-After` among them becomes `retryAfter` in an `overLimit` body.
pub fn fault_response_with(
    style: FaultStyle,
    status: StatusCode,
    message: &str,
    headers: HeaderMap,
) -> Response {
    let retry_after = headers
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = fault_body(style, status, message, retry_after.as_deref());
    let content_type = match style {
        FaultStyle::Cinder => APPLICATION_JSON,
        FaultStyle::Nova => APPLICATION_JSON_UTF8,
    };
    let mut resp = body_response(status, content_type, body);
    for (name, value) in &headers {
        resp.headers_mut().append(name, value.clone());
    }
    resp
}

// ---------------------------------------------------------------------------------------
// WebOb default error bodies

/// `(status, title, explanation)` of the `webob.exc` classes (WebOb 1.8.11).
const WEBOB_STATUSES: &[(u16, &str, &str)] = &[
    (300, "Multiple Choices", "The resource has been moved to"),
    (301, "Moved Permanently", "The resource has been moved to"),
    (302, "Found", "The resource was found at"),
    (303, "See Other", "The resource has been moved to"),
    (304, "Not Modified", ""),
    (305, "Use Proxy", "The resource must be accessed through a proxy located at"),
    (307, "Temporary Redirect", "The resource has been moved to"),
    (308, "Permanent Redirect", "The resource has been moved to"),
    (
        400,
        "Bad Request",
        "The server could not comply with the request since it is either malformed or otherwise incorrect.",
    ),
    (
        401,
        "Unauthorized",
        "This server could not verify that you are authorized to access the document you requested. Either you supplied the wrong credentials (e.g., bad password), or your browser does not understand how to supply the credentials required.",
    ),
    (402, "Payment Required", "Access was denied for financial reasons."),
    (403, "Forbidden", "Access was denied to this resource."),
    (404, "Not Found", "The resource could not be found."),
    (
        405,
        "Method Not Allowed",
        "The server could not comply with the request since it is either malformed or otherwise incorrect.",
    ),
    (
        406,
        "Not Acceptable",
        "The server could not comply with the request since it is either malformed or otherwise incorrect.",
    ),
    (
        407,
        "Proxy Authentication Required",
        "Authentication with a local proxy is needed.",
    ),
    (
        408,
        "Request Timeout",
        "The server has waited too long for the request to be sent by the client.",
    ),
    (409, "Conflict", "There was a conflict when trying to complete your request."),
    (
        410,
        "Gone",
        "This resource is no longer available.  No forwarding address is given.",
    ),
    (411, "Length Required", "Content-Length header required."),
    (412, "Precondition Failed", "Request precondition failed."),
    (
        413,
        "Request Entity Too Large",
        "The body of your request was too large for this server.",
    ),
    (
        414,
        "Request-URI Too Long",
        "The request URI was too long for this server.",
    ),
    (
        415,
        "Unsupported Media Type",
        "The server could not comply with the request since it is either malformed or otherwise incorrect.",
    ),
    (
        416,
        "Requested Range Not Satisfiable",
        "The Range requested is not available.",
    ),
    (417, "Expectation Failed", "Expectation failed."),
    (
        422,
        "Unprocessable Entity",
        "Unable to process the contained instructions",
    ),
    (423, "Locked", "The resource is locked"),
    (424, "Failed Dependency", "The method could not be performed because the requested action dependended on another action and that action failed"),
    (
        428,
        "Precondition Required",
        "The origin server requires the request to be conditional.",
    ),
    (
        429,
        "Too Many Requests",
        "The client has sent too many requests in a given amount of time",
    ),
    (
        431,
        "Request Header Fields Too Large",
        "The server is unwilling to process the request because its header fields are too large.",
    ),
    (
        451,
        "Unavailable For Legal Reasons",
        "The resource is not available due to legal reasons.",
    ),
    (
        500,
        "Internal Server Error",
        "The server has either erred or is incapable of performing the requested operation.",
    ),
    (
        501,
        "Not Implemented",
        "The server has either erred or is incapable of performing the requested operation.",
    ),
    (502, "Bad Gateway", "Bad gateway."),
    (
        503,
        "Service Unavailable",
        "The server is currently unavailable. Please try again at a later time.",
    ),
    (
        504,
        "Gateway Timeout",
        "The gateway has timed out.",
    ),
    (
        505,
        "HTTP Version Not Supported",
        "The HTTP version is not supported.",
    ),
    (
        511,
        "Network Authentication Required",
        "This server requires authentication before access is allowed.",
    ),
];

fn webob_entry(status: StatusCode) -> Option<&'static (u16, &'static str, &'static str)> {
    WEBOB_STATUSES
        .iter()
        .find(|(c, _, _)| *c == status.as_u16())
}

/// WebOb's title of a status (`Not Found`); the canonical reason for others.
pub fn webob_title(status: StatusCode) -> &'static str {
    webob_entry(status)
        .map(|e| e.1)
        .or_else(|| status.canonical_reason())
        .unwrap_or("Unknown")
}

/// WebOb's default explanation of a status (`The resource could not be found.`).
pub fn webob_explanation(status: StatusCode) -> &'static str {
    webob_entry(status).map(|e| e.2).unwrap_or("")
}

/// The body type WebOb negotiates for its error pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebobFormat {
    Html,
    Json,
    Plain,
}

/// WebOb's choice: the best of `text/html`, `application/json` by the `Accept` header
/// (ties go to HTML), plain text when neither is acceptable or there is no header.
pub fn webob_format(accept: Option<&HeaderValue>) -> WebobFormat {
    let Some(accept) = accept else {
        return WebobFormat::Plain;
    };
    match best_offer(accept, &["text/html", "application/json"]) {
        Some(0) => WebobFormat::Html,
        Some(_) => WebobFormat::Json,
        None => WebobFormat::Plain,
    }
}

/// A bare `webob.exc.HTTP<status>(explanation=...)` as a response.
pub fn webob_error(
    status: StatusCode,
    explanation: &str,
    accept: Option<&HeaderValue>,
) -> Response {
    webob_error_with_detail(status, explanation, "", accept)
}

/// The default WebOb body of `status` (`webob.exc.HTTPNotFound()`).
pub fn webob_default(status: StatusCode, accept: Option<&HeaderValue>) -> Response {
    webob_error(status, webob_explanation(status), accept)
}

/// `webob.exc.HTTP<status>(detail, explanation=...)`: the detail is the first positional
/// argument upstream (keystonemiddleware's 503 uses it).
pub fn webob_error_with_detail(
    status: StatusCode,
    explanation: &str,
    detail: &str,
    accept: Option<&HeaderValue>,
) -> Response {
    let (content_type, body) = webob_body(status, explanation, detail, webob_format(accept));
    body_response(status, content_type, body)
}

/// The `(Content-Type, body)` WebOb writes for an error page in `format`.
pub fn webob_body(
    status: StatusCode,
    explanation: &str,
    detail: &str,
    format: WebobFormat,
) -> (&'static str, String) {
    let title = webob_title(status);
    let status_line = format!("{} {}", status.as_u16(), title);
    match format {
        WebobFormat::Json => {
            #[derive(serde::Serialize)]
            struct WebobJson<'a> {
                message: &'a str,
                code: &'a str,
                title: &'a str,
            }
            let message = format!("{explanation}<br /><br />\n{detail}\n\n");
            let body = to_python_json(&WebobJson {
                message: &message,
                code: &status_line,
                title,
            });
            (APPLICATION_JSON, body)
        }
        WebobFormat::Plain => {
            let raw = format!("{explanation}<br /><br />\n{detail}\n\n");
            (
                TEXT_PLAIN_UTF8,
                format!("{status_line}\n\n{}", strip_tags(&raw)),
            )
        }
        WebobFormat::Html => {
            let inner = format!(
                "{}<br /><br />\n{}\n\n",
                html_escape(explanation),
                html_escape(detail)
            );
            let body = format!(
                "<html>\n <head>\n  <title>{status_line}</title>\n </head>\n <body>\n  <h1>{status_line}</h1>\n  {inner}\n </body>\n</html>"
            );
            (TEXT_HTML_UTF8, body)
        }
    }
}

/// `webob.exc.strip_tags`: newlines become spaces, `\r` goes, `<br ...>` becomes a newline,
/// comment markers and all other tags go.
fn strip_tags(value: &str) -> String {
    let value = value.replace('\n', " ").replace('\r', "");
    let mut out = String::with_capacity(value.len());
    let mut rest = value.as_str();
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        if let Some(after) = tail.strip_prefix("<!--") {
            rest = after;
            continue;
        }
        match tail.find('>') {
            Some(end) => {
                let tag = &tail[..=end];
                if tag.len() >= 3 && tag[1..3].eq_ignore_ascii_case("br") {
                    out.push('\n');
                }
                rest = &tail[end + 1..];
            }
            None => {
                out.push_str(tail);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out.replace("-->", "")
}

/// `html.escape(s, quote=True)` with non-ASCII as decimal character references, like
/// `webob.util.html_escape`.
pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c if c.is_ascii() => out.push(c),
            c => out.push_str(&format!("&#{};", c as u32)),
        }
    }
    out
}

/// WebOb's `acceptable_offers` reduced to "the index of the best offer": offers are ranked
/// by the q-value of the most specific matching range (exact, `type/*`, `*/*`), ties keep
/// the order of `offers`; q=0 excludes. A header that does not parse accepts everything.
pub fn best_offer(accept: &HeaderValue, offers: &[&str]) -> Option<usize> {
    let Ok(text) = accept.to_str() else {
        return if offers.is_empty() { None } else { Some(0) };
    };
    let Some(ranges) = parse_accept(text) else {
        return if offers.is_empty() { None } else { Some(0) };
    };
    let mut best: Option<(usize, f32)> = None;
    for (index, offer) in offers.iter().enumerate() {
        let Some((otype, osub)) = offer.split_once('/') else {
            continue;
        };
        let mut found: Option<(u8, f32)> = None;
        for range in &ranges {
            if range.has_params {
                continue;
            }
            let specificity = if range.mtype == "*" && range.subtype == "*" {
                1
            } else if range.mtype.eq_ignore_ascii_case(otype) && range.subtype == "*" {
                2
            } else if range.mtype.eq_ignore_ascii_case(otype)
                && range.subtype.eq_ignore_ascii_case(osub)
            {
                3
            } else {
                continue;
            };
            if found.is_none_or(|(s, _)| specificity > s) {
                found = Some((specificity, range.q));
            }
        }
        if let Some((_, q)) = found {
            if q > 0.0 && best.is_none_or(|(_, bq)| q > bq) {
                best = Some((index, q));
            }
        }
    }
    best.map(|(i, _)| i)
}

struct MediaRange<'a> {
    mtype: &'a str,
    subtype: &'a str,
    q: f32,
    has_params: bool,
}

fn parse_accept(text: &str) -> Option<Vec<MediaRange<'_>>> {
    let mut ranges = Vec::new();
    for item in text.split(',') {
        let item = item.trim();
        if item.is_empty() {
            continue;
        }
        let mut parts = item.split(';');
        let media = parts.next()?.trim();
        let (mtype, subtype) = media.split_once('/')?;
        if mtype.is_empty() || subtype.is_empty() || (mtype == "*" && subtype != "*") {
            return None;
        }
        let mut q = 1.0f32;
        let mut has_params = false;
        for param in parts {
            let (name, value) = param.split_once('=')?;
            if name.trim().eq_ignore_ascii_case("q") {
                q = value
                    .trim()
                    .parse()
                    .ok()
                    .filter(|q| (0.0..=1.0).contains(q))?;
            } else {
                has_params = true;
            }
        }
        ranges.push(MediaRange {
            mtype,
            subtype,
            q,
            has_params,
        });
    }
    Some(ranges)
}

// ---------------------------------------------------------------------------------------
// JSON as Python writes it

/// `json.dumps(value)` byte for byte: `", "` and `": "` separators, non-ASCII escaped as
/// `\uXXXX` (ensure_ascii). Key order is the serialisation order: use structs or
/// [`OrderedJson`] where upstream relies on dict insertion order.
pub fn to_python_json<T: Serialize + ?Sized>(value: &T) -> String {
    let mut out = Vec::with_capacity(128);
    let mut ser = serde_json::Serializer::with_formatter(&mut out, PythonFormatter);
    if value.serialize(&mut ser).is_err() {
        // Serialising plain data into a Vec cannot fail; keep the contract total anyway.
        return "null".to_string();
    }
    String::from_utf8(out).unwrap_or_default()
}

/// JSON whose objects keep the given key order (Python dicts built key by key), for
/// [`to_python_json`].
#[derive(Debug, Clone, PartialEq)]
pub enum OrderedJson {
    /// Any plain value (its own objects serialise in serde_json's order).
    Value(serde_json::Value),
    /// An object with keys in this order.
    Object(Vec<(String, OrderedJson)>),
    Array(Vec<OrderedJson>),
}

impl Serialize for OrderedJson {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            OrderedJson::Value(v) => v.serialize(serializer),
            OrderedJson::Object(fields) => {
                let mut map = serializer.serialize_map(Some(fields.len()))?;
                for (k, v) in fields {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
            OrderedJson::Array(items) => serializer.collect_seq(items),
        }
    }
}

/// `{key: value}`.
struct SingleKey<'a, T: Serialize>(&'a str, &'a T);

impl<T: Serialize> Serialize for SingleKey<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry(self.0, self.1)?;
        map.end()
    }
}

struct PythonFormatter;

impl serde_json::ser::Formatter for PythonFormatter {
    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        if first {
            Ok(())
        } else {
            w.write_all(b", ")
        }
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        if first {
            Ok(())
        } else {
            w.write_all(b", ")
        }
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }

    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        for c in fragment.chars() {
            if (' '..='~').contains(&c) {
                let mut buf = [0u8; 1];
                w.write_all(c.encode_utf8(&mut buf).as_bytes())?;
            } else {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    write!(w, "\\u{unit:04x}")?;
                }
            }
        }
        Ok(())
    }
}

/// A response with a full body and a `Content-Type`.
pub(crate) fn body_response(
    status: StatusCode,
    content_type: &'static str,
    body: String,
) -> Response {
    let mut resp = Response::new(Body::from(Bytes::from(body)));
    *resp.status_mut() = status;
    resp.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    resp
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;

    async fn body_text(resp: Response) -> String {
        let bytes = resp
            .into_body()
            .collect()
            .await
            .map(|c| c.to_bytes())
            .unwrap_or_default();
        String::from_utf8_lossy(&bytes).into_owned()
    }

    fn accept(v: &'static str) -> HeaderValue {
        HeaderValue::from_static(v)
    }

    #[tokio::test]
    async fn generic_cinder_500_fault() {
        let resp = fault_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            webob_explanation(StatusCode::INTERNAL_SERVER_ERROR),
        );
        assert_eq!(resp.status(), 500);
        assert_eq!(resp.headers()[CONTENT_TYPE], "application/json");
        assert_eq!(
            body_text(resp).await,
            r#"{"computeFault": {"code": 500, "message": "The server has either erred or is incapable of performing the requested operation."}}"#
        );
    }

    #[test]
    fn fault_names_follow_the_table() {
        let cases = [
            (400, "badRequest"),
            (401, "unauthorized"),
            (403, "forbidden"),
            (404, "itemNotFound"),
            (405, "badMethod"),
            (406, "computeFault"),
            (409, "conflictingRequest"),
            (413, "overLimit"),
            (415, "badMediaType"),
            (429, "computeFault"),
            (500, "computeFault"),
            (501, "notImplemented"),
            (503, "serviceUnavailable"),
        ];
        for (code, name) in cases {
            let status = StatusCode::from_u16(code).expect("status");
            assert_eq!(fault_name(FaultStyle::Cinder, status), name, "{code}");
        }
        assert_eq!(
            fault_name(FaultStyle::Nova, StatusCode::TOO_MANY_REQUESTS),
            "overLimit"
        );
    }

    #[tokio::test]
    async fn over_limit_fault_carries_retry_after() {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_static("30"));
        let resp = fault_response_with(
            FaultStyle::Cinder,
            StatusCode::PAYLOAD_TOO_LARGE,
            "quota",
            headers,
        );
        assert_eq!(resp.headers()[RETRY_AFTER], "30");
        assert_eq!(
            body_text(resp).await,
            r#"{"overLimit": {"code": 413, "message": "quota", "retryAfter": "30"}}"#
        );
    }

    #[tokio::test]
    async fn nova_fault_has_charset() {
        let resp = fault_response_with(
            FaultStyle::Nova,
            StatusCode::NOT_FOUND,
            "gone é",
            HeaderMap::new(),
        );
        assert_eq!(
            resp.headers()[CONTENT_TYPE],
            "application/json; charset=UTF-8"
        );
        assert_eq!(
            body_text(resp).await,
            r#"{"itemNotFound": {"code": 404, "message": "gone \u00e9"}}"#
        );
    }

    // Bodies below were produced by WebOb 1.8.11.
    #[tokio::test]
    async fn webob_plain_500() {
        let resp = webob_default(StatusCode::INTERNAL_SERVER_ERROR, None);
        assert_eq!(resp.headers()[CONTENT_TYPE], "text/plain; charset=UTF-8");
        assert_eq!(
            body_text(resp).await,
            "500 Internal Server Error\n\nThe server has either erred or is incapable of performing the requested operation.\n\n   "
        );
    }

    #[tokio::test]
    async fn webob_json_413_keeps_the_unsubstituted_placeholder() {
        let resp = HttpError::ContentLengthOverLimit.to_response(Some(&accept("application/json")));
        assert_eq!(resp.status(), 413);
        assert_eq!(resp.headers()[CONTENT_TYPE], "application/json");
        assert_eq!(
            body_text(resp).await,
            r#"{"message": "Request is too large. Larger than max_request_body_size (%s).<br /><br />\n\n\n", "code": "413 Request Entity Too Large", "title": "Request Entity Too Large"}"#
        );
    }

    #[tokio::test]
    async fn webob_html_escapes() {
        let resp = webob_error(StatusCode::NOT_FOUND, "a & <b>", Some(&accept("text/html")));
        assert_eq!(resp.headers()[CONTENT_TYPE], "text/html; charset=UTF-8");
        assert_eq!(
            body_text(resp).await,
            "<html>\n <head>\n  <title>404 Not Found</title>\n </head>\n <body>\n  <h1>404 Not Found</h1>\n  a &amp; &lt;b&gt;<br /><br />\n\n\n\n </body>\n</html>"
        );
    }

    #[tokio::test]
    async fn keystone_unavailable_uses_detail() {
        let resp = HttpError::KeystoneUnavailable.to_response(None);
        assert_eq!(resp.status(), 503);
        assert_eq!(
            body_text(resp).await,
            "503 Service Unavailable\n\nThe server is currently unavailable. Please try again at a later time.\n\n The Keystone service is temporarily unavailable.  "
        );
        let resp = HttpError::KeystoneUnavailable.to_response(Some(&accept("application/json")));
        assert_eq!(
            body_text(resp).await,
            r#"{"message": "The server is currently unavailable. Please try again at a later time.<br /><br />\nThe Keystone service is temporarily unavailable.\n\n", "code": "503 Service Unavailable", "title": "Service Unavailable"}"#
        );
    }

    #[tokio::test]
    async fn authtoken_401_body() {
        let resp = HttpError::AuthenticationRequired.to_response(None);
        assert_eq!(resp.status(), 401);
        assert_eq!(resp.headers()[CONTENT_TYPE], "application/json");
        assert_eq!(
            body_text(resp).await,
            r#"{"error": {"code": 401, "title": "Unauthorized", "message": "The request you have made requires authentication."}}"#
        );
    }

    #[test]
    fn accept_negotiation_matches_webob() {
        let f = |v: &'static str| webob_format(Some(&accept(v)));
        assert_eq!(webob_format(None), WebobFormat::Plain);
        assert_eq!(f(""), WebobFormat::Plain);
        assert_eq!(f("*/*"), WebobFormat::Html);
        assert_eq!(f("application/json, text/html"), WebobFormat::Html);
        assert_eq!(f("application/*"), WebobFormat::Json);
        assert_eq!(f("text/html;q=0.5, application/json"), WebobFormat::Json);
        assert_eq!(f("text/*;q=0.9, application/json;q=0.8"), WebobFormat::Html);
        assert_eq!(f("application/json;q=0"), WebobFormat::Plain);
        assert_eq!(f("image/png"), WebobFormat::Plain);
        assert_eq!(f("application/json;level=1"), WebobFormat::Plain);
        assert_eq!(f("Application/JSON"), WebobFormat::Json);
        assert_eq!(f("garbage;;"), WebobFormat::Html);
    }

    #[test]
    fn python_json_escapes_like_ensure_ascii() {
        let v = serde_json::json!({"a": ["x", 1, true, null], "b": "é\u{1F600}\u{7f}\"\n"});
        assert_eq!(
            to_python_json(&v),
            r#"{"a": ["x", 1, true, null], "b": "\u00e9\ud83d\ude00\u007f\"\n"}"#
        );
    }

    #[test]
    fn strip_tags_like_webob() {
        assert_eq!(
            strip_tags("a\r\nb<br />c<!-- x -->d<i>e</i>"),
            "a b\nc x de"
        );
    }
}
