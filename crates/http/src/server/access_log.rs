//! The access log line eventlet writes after each response (logger `eventlet.wsgi.server`,
//! INFO), formatted with the Python `%`-format string of `wsgi_log_format`
//! (`client_ip`, `date_time`, `request_line`, `status_code`, `body_length`, `wall_seconds`),
//! and the response body wrapper that counts the bytes sent and writes the line — inside the
//! request's logging span — once the body is done.

use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use bytes::Bytes;
use http_body::{Body as HttpBody, Frame, SizeHint};
use tokio::sync::OwnedSemaphorePermit;

use crate::Body;

/// What one access line is made of.
#[derive(Clone, Debug)]
pub struct AccessRecord {
    pub client_ip: String,
    pub request_line: String,
    pub status_code: u16,
    pub started: Instant,
    /// The logging span of the request (put on the response by the request_id filter), so
    /// the line carries the request ids and the user identity like every other line.
    pub span: Option<tracing::Span>,
}

/// Formats `format` (Python `%(name)<spec>` syntax) with the fields of one request.
pub fn format_access_line(
    format: &str,
    client_ip: &str,
    date_time: &str,
    request_line: &str,
    status_code: u16,
    body_length: u64,
    wall_seconds: f64,
) -> String {
    let mut out = String::with_capacity(format.len() + 64);
    let mut rest = format;
    while let Some(p) = rest.find('%') {
        out.push_str(&rest[..p]);
        rest = &rest[p..];
        if let Some(after) = rest.strip_prefix("%%") {
            out.push('%');
            rest = after;
            continue;
        }
        let Some((name, spec, conversion, consumed)) = parse_spec(rest) else {
            out.push('%');
            rest = &rest[1..];
            continue;
        };
        let precision = spec
            .split_once('.')
            .and_then(|(_, p)| p.parse::<usize>().ok());
        let text = match (name, conversion) {
            ("wall_seconds", 'f') | ("wall_seconds", 'F') => {
                format!("{wall_seconds:.*}", precision.unwrap_or(6))
            }
            ("wall_seconds", _) => format!("{wall_seconds}"),
            ("status_code", 'f') => {
                format!("{:.*}", precision.unwrap_or(6), f64::from(status_code))
            }
            ("status_code", _) => status_code.to_string(),
            ("body_length", 'f') => format!("{:.*}", precision.unwrap_or(6), body_length as f64),
            ("body_length", _) => body_length.to_string(),
            ("client_ip", _) => client_ip.to_string(),
            ("date_time", _) => date_time.to_string(),
            ("request_line", _) => request_line.to_string(),
            _ => rest[..consumed].to_string(),
        };
        out.push_str(&text);
        rest = &rest[consumed..];
    }
    out.push_str(rest);
    out
}

/// `%(name)<flags/width/precision><conversion>` at the start of `s`.
fn parse_spec(s: &str) -> Option<(&str, &str, char, usize)> {
    let inner = s.strip_prefix("%(")?;
    let close = inner.find(')')?;
    let name = &inner[..close];
    let after = &inner[close + 1..];
    let spec_len = after
        .find(|c: char| !(c.is_ascii_digit() || "-+ #.".contains(c)))
        .unwrap_or(after.len());
    let conversion = after[spec_len..].chars().next()?;
    if !"sdifFrgeEaxX".contains(conversion) {
        return None;
    }
    Some((
        name,
        &after[..spec_len],
        conversion,
        2 + close + 1 + spec_len + conversion.len_utf8(),
    ))
}

/// eventlet's `log_date_time_string`: `22/Nov/2026 10:00:00`, in UTC like our log lines
/// (Python uses local time; the servers we replace run in UTC by convention).
fn date_time_now() -> String {
    let now = time::OffsetDateTime::now_utc();
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{:02}/{}/{:04} {:02}:{:02}:{:02}",
        now.day(),
        MONTHS[usize::from(u8::from(now.month())) - 1],
        now.year(),
        now.hour(),
        now.minute(),
        now.second()
    )
}

/// A response body that counts what is sent and writes the access line when done; it also
/// holds the pool permit and the in-flight count of its request until then.
pub struct LoggedBody {
    inner: Body,
    sent: u64,
    record: Option<AccessRecord>,
    format: Arc<str>,
    _permit: Option<OwnedSemaphorePermit>,
    in_flight: Option<Arc<AtomicUsize>>,
}

impl LoggedBody {
    pub fn new(
        inner: Body,
        record: AccessRecord,
        format: Arc<str>,
        permit: Option<OwnedSemaphorePermit>,
        in_flight: Option<Arc<AtomicUsize>>,
    ) -> LoggedBody {
        LoggedBody {
            inner,
            sent: 0,
            record: Some(record),
            format,
            _permit: permit,
            in_flight,
        }
    }

    fn finish(&mut self) {
        let Some(record) = self.record.take() else {
            return;
        };
        if let Some(counter) = self.in_flight.take() {
            counter.fetch_sub(1, Ordering::SeqCst);
        }
        let line = format_access_line(
            &self.format,
            &record.client_ip,
            &date_time_now(),
            &record.request_line,
            record.status_code,
            self.sent,
            record.started.elapsed().as_secs_f64(),
        );
        match record.span {
            Some(span) => span.in_scope(|| {
                tracing::info!(target: "eventlet.wsgi.server", "{line}");
            }),
            None => tracing::info!(target: "eventlet.wsgi.server", "{line}"),
        }
    }
}

impl HttpBody for LoggedBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        match &polled {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    self.sent += data.len() as u64;
                }
            }
            Poll::Ready(None) | Poll::Ready(Some(Err(_))) => self.finish(),
            Poll::Pending => {}
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

impl Drop for LoggedBody {
    fn drop(&mut self) {
        self.finish();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_format_shape() {
        let line = format_access_line(
            super::super::DEFAULT_WSGI_LOG_FORMAT,
            "10.0.0.1",
            "22/Nov/2026 10:00:00",
            "GET /v3/volumes HTTP/1.1",
            200,
            1234,
            0.01234567891,
        );
        assert_eq!(
            line,
            "10.0.0.1 \"GET /v3/volumes HTTP/1.1\" status: 200  len: 1234 time: 0.0123457"
        );
    }

    #[test]
    fn other_specs_and_literals() {
        let line = format_access_line(
            "[%(date_time)s] %(status_code)d %(wall_seconds).2f 100%% %(unknown)s %(x",
            "ip",
            "D",
            "R",
            404,
            0,
            1.5,
        );
        assert_eq!(line, "[D] 404 1.50 100% %(unknown)s %(x");
    }

    #[test]
    fn date_time_shape() {
        let d = date_time_now();
        let re = regex::Regex::new(r"^\d\d/[A-Z][a-z]{2}/\d{4} \d\d:\d\d:\d\d$").expect("re");
        assert!(re.is_match(&d), "{d}");
    }
}
