//! oslo.log's line formats (`ContextFormatter` and `JSONFormatter` with their default format
//! strings), as pure functions from one [`Record`] to one line:
//!
//! `2026-11-22 03:10:55.123 4242 INFO cinder.api [None req-1 u p - - - -] message`
//!
//! `[global_request_id request_id user_identity]` with a request span, `[-]` without; DEBUG
//! lines get oslo's `funcName pathname:lineno` suffix (module path instead of function name).

use time::OffsetDateTime;
use tracing::Level;

/// The request ids the innermost request span carries (see `logging::request_span`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestFields {
    pub request_id: String,
    pub global_request_id: Option<String>,
    /// Known once the auth filter recorded the context (`logging::record_context`).
    pub user_identity: Option<String>,
}

/// One event, ready to be formatted.
#[derive(Debug, Clone)]
pub struct Record<'a> {
    /// UTC (Python logs local time; the servers we replace run in UTC by convention).
    pub time: OffsetDateTime,
    pub pid: u32,
    pub level: Level,
    /// The logger name: the module path with dots (`cinder.api.v3.volumes`).
    pub name: &'a str,
    pub request: Option<&'a RequestFields>,
    pub message: &'a str,
    /// Fields of the event other than the message, `key=value`.
    pub fields: &'a [(String, String)],
    pub module: &'a str,
    pub file: &'a str,
    pub line: u32,
}

/// oslo.log's level names.
pub fn level_name(level: Level) -> &'static str {
    match level {
        Level::TRACE => "TRACE",
        Level::DEBUG => "DEBUG",
        Level::INFO => "INFO",
        Level::WARN => "WARNING",
        Level::ERROR => "ERROR",
    }
}

/// Python's numeric levels (`levelno`).
fn level_number(level: Level) -> u8 {
    match level {
        Level::TRACE => 5,
        Level::DEBUG => 10,
        Level::INFO => 20,
        Level::WARN => 30,
        Level::ERROR => 40,
    }
}

/// The logger name for a tracing target: `openstack_cinder::api::v3` → `cinder.api.v3`.
pub fn logger_name(target: &str) -> String {
    let target = target.strip_prefix("openstack_").unwrap_or(target);
    target.replace("::", ".")
}

/// `%(asctime)s.%(msecs)03d` with `date_format` as Python's `time.strftime` format.
pub fn asctime(time: OffsetDateTime, date_format: &str) -> String {
    format!("{}.{:03}", strftime(time, date_format), time.millisecond())
}

/// The text line (without the newline).
pub fn text_line(rec: &Record<'_>, date_format: &str) -> String {
    let mut out = String::with_capacity(128 + rec.message.len());
    out.push_str(&asctime(rec.time, date_format));
    out.push(' ');
    out.push_str(&rec.pid.to_string());
    out.push(' ');
    out.push_str(level_name(rec.level));
    out.push(' ');
    out.push_str(rec.name);
    out.push_str(" [");
    match rec.request {
        Some(req) => {
            out.push_str(req.global_request_id.as_deref().unwrap_or("None"));
            out.push(' ');
            out.push_str(&req.request_id);
            out.push(' ');
            out.push_str(req.user_identity.as_deref().unwrap_or("- - - - - -"));
        }
        None => out.push('-'),
    }
    out.push_str("] ");
    out.push_str(rec.message);
    for (k, v) in rec.fields {
        out.push(' ');
        out.push_str(k);
        out.push('=');
        out.push_str(v);
    }
    if rec.level >= Level::DEBUG {
        // tracing orders levels by verbosity: DEBUG and TRACE are ">=" DEBUG.
        out.push(' ');
        out.push_str(&logger_name(rec.module));
        out.push(' ');
        out.push_str(rec.file);
        out.push(':');
        out.push_str(&rec.line.to_string());
    }
    out
}

/// The JSON line of oslo.log's `JSONFormatter` (the keys a log shipper reads).
pub fn json_line(rec: &Record<'_>, date_format: &str, hostname: &str) -> String {
    let filename = rec.file.rsplit('/').next().unwrap_or(rec.file);
    let module = filename.strip_suffix(".rs").unwrap_or(filename);
    let created = rec.time.unix_timestamp_nanos() as f64 / 1e9;
    let context = match rec.request {
        Some(req) => serde_json::json!({
            "request_id": req.request_id,
            "global_request_id": req.global_request_id,
            "user_identity": req.user_identity.as_deref().unwrap_or("- - - - - -"),
        }),
        None => serde_json::json!({}),
    };
    let extra: serde_json::Map<String, serde_json::Value> = rec
        .fields
        .iter()
        .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
        .collect();
    serde_json::json!({
        "message": rec.message,
        "asctime": strftime(rec.time, date_format),
        "name": rec.name,
        "msg": rec.message,
        "args": [],
        "levelname": level_name(rec.level),
        "levelno": level_number(rec.level),
        "pathname": rec.file,
        "filename": filename,
        "module": module,
        "lineno": rec.line,
        "funcname": logger_name(rec.module),
        "created": created,
        "msecs": rec.time.millisecond(),
        "process": rec.pid,
        "traceback": null,
        "hostname": hostname,
        "error_summary": "",
        "context": context,
        "extra": extra,
    })
    .to_string()
}

const DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// The subset of C `strftime` that log date formats use; unknown directives are kept as
/// they are.
pub fn strftime(t: OffsetDateTime, format: &str) -> String {
    let mut out = String::with_capacity(format.len() + 16);
    let mut chars = format.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let Some(d) = chars.next() else {
            out.push('%');
            break;
        };
        let month = t.month().to_string();
        let day = DAYS[t.weekday().number_days_from_monday() as usize];
        let hour12 = match t.hour() % 12 {
            0 => 12,
            h => h,
        };
        let piece = match d {
            'Y' => format!("{:04}", t.year()),
            'y' => format!("{:02}", t.year().rem_euclid(100)),
            'm' => format!("{:02}", u8::from(t.month())),
            'd' => format!("{:02}", t.day()),
            'e' => format!("{:2}", t.day()),
            'H' => format!("{:02}", t.hour()),
            'I' => format!("{hour12:02}"),
            'M' => format!("{:02}", t.minute()),
            'S' => format!("{:02}", t.second()),
            'p' => (if t.hour() < 12 { "AM" } else { "PM" }).to_string(),
            'j' => format!("{:03}", t.ordinal()),
            'b' | 'h' => month[..3].to_string(),
            'B' => month,
            'a' => day[..3].to_string(),
            'A' => day.to_string(),
            'z' => "+0000".to_string(),
            'Z' => "UTC".to_string(),
            'F' => format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day()),
            'T' => format!("{:02}:{:02}:{:02}", t.hour(), t.minute(), t.second()),
            'f' => format!("{:06}", t.microsecond()),
            '%' => "%".to_string(),
            other => format!("%{other}"),
        };
        out.push_str(&piece);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const DATE: &str = "%Y-%m-%d %H:%M:%S";

    fn record<'a>(level: Level, request: Option<&'a RequestFields>) -> Record<'a> {
        Record {
            time: datetime!(2026-11-22 03:10:55.123456 UTC),
            pid: 4242,
            level,
            name: "cinder.api",
            request,
            message: "message",
            fields: &[],
            module: "openstack_cinder::api",
            file: "crates/cinder/src/api/mod.rs",
            line: 7,
        }
    }

    #[test]
    fn line_without_context_has_a_dash_in_brackets() {
        assert_eq!(
            text_line(&record(Level::INFO, None), DATE),
            "2026-11-22 03:10:55.123 4242 INFO cinder.api [-] message"
        );
    }

    #[test]
    fn line_with_context_has_global_id_request_id_and_user_identity() {
        let req = RequestFields {
            request_id: "req-2".into(),
            global_request_id: Some("req-1".into()),
            user_identity: Some("user project - - - -".into()),
        };
        assert_eq!(
            text_line(&record(Level::WARN, Some(&req)), DATE),
            "2026-11-22 03:10:55.123 4242 WARNING cinder.api [req-1 req-2 user project - - - -] message"
        );
        let anonymous = RequestFields {
            request_id: "req-2".into(),
            ..RequestFields::default()
        };
        assert_eq!(
            text_line(&record(Level::ERROR, Some(&anonymous)), DATE),
            "2026-11-22 03:10:55.123 4242 ERROR cinder.api [None req-2 - - - - - -] message"
        );
    }

    #[test]
    fn debug_lines_get_the_location_suffix() {
        assert_eq!(
            text_line(&record(Level::DEBUG, None), DATE),
            "2026-11-22 03:10:55.123 4242 DEBUG cinder.api [-] message cinder.api crates/cinder/src/api/mod.rs:7"
        );
    }

    #[test]
    fn extra_fields_follow_the_message() {
        let fields = [("status".to_string(), "200".to_string())];
        let mut rec = record(Level::INFO, None);
        rec.fields = &fields;
        assert!(text_line(&rec, DATE).ends_with("[-] message status=200"));
    }

    #[test]
    fn logger_names_are_dotted_without_the_openstack_prefix() {
        assert_eq!(logger_name("openstack_cinder::api::v3"), "cinder.api.v3");
        assert_eq!(logger_name("hyper::proto"), "hyper.proto");
    }

    #[test]
    fn strftime_knows_the_usual_directives() {
        let t = datetime!(2026-11-22 15:04:05.5 UTC);
        assert_eq!(strftime(t, DATE), "2026-11-22 15:04:05");
        assert_eq!(
            strftime(t, "%d/%b/%Y:%I %p %a %%"),
            "22/Nov/2026:03 PM Sun %"
        );
        assert_eq!(strftime(t, "%Q"), "%Q");
        assert_eq!(asctime(t, DATE), "2026-11-22 15:04:05.500");
    }

    #[test]
    fn json_lines_carry_oslo_keys() {
        let req = RequestFields {
            request_id: "req-2".into(),
            global_request_id: None,
            user_identity: None,
        };
        let line = json_line(&record(Level::INFO, Some(&req)), DATE, "host1");
        let v: serde_json::Value = serde_json::from_str(&line).expect("json");
        assert_eq!(v["message"], "message");
        assert_eq!(v["levelname"], "INFO");
        assert_eq!(v["levelno"], 20);
        assert_eq!(v["name"], "cinder.api");
        assert_eq!(v["asctime"], "2026-11-22 03:10:55");
        assert_eq!(v["process"], 4242);
        assert_eq!(v["hostname"], "host1");
        assert_eq!(v["context"]["request_id"], "req-2");
        assert_eq!(v["filename"], "mod.rs");
    }
}
