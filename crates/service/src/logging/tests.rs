//! The logger end to end: options → subscriber → lines in memory.

use std::sync::{Arc, Mutex};

use openstack_config::ConfigOpts;
use tracing::Instrument;

use super::*;
use crate::context::RequestContext;

/// A configuration with the logging options registered and `args` parsed.
fn conf(args: &[&str]) -> ConfigOpts {
    let mut conf = ConfigOpts::new("openstack-service-logtest", "logtest", "1.0");
    register_opts(&mut conf).expect("register");
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    conf.parse_args(&args).expect("parse");
    conf
}

/// Runs `f` with a logger for `conf` writing into memory; returns the lines.
fn capture(conf: &ConfigOpts, f: impl FnOnce(&LogHandle)) -> Vec<String> {
    let buf = Arc::new(Mutex::new(Vec::new()));
    let opts: LoggingOpts = conf.load().expect("load");
    let (subscriber, handle) = build(&opts, vec![Sink::Memory(Arc::clone(&buf))]).expect("build");
    tracing::subscriber::with_default(subscriber, || f(&handle));
    let bytes = buf.lock().expect("lock").clone();
    String::from_utf8(bytes)
        .expect("utf-8")
        .lines()
        .map(str::to_string)
        .collect()
}

/// The part of a line after the pid: `LEVEL name [..] message`.
fn tail(line: &str) -> &str {
    line.splitn(4, ' ').nth(3).unwrap_or("")
}

#[test]
fn lines_have_time_pid_level_name_and_a_dash_without_request() {
    let lines = capture(&conf(&[]), |_| tracing::info!("hello"));
    assert_eq!(lines.len(), 1, "{lines:?}");
    let line = &lines[0];
    let fields: Vec<&str> = line.splitn(5, ' ').collect();
    assert_eq!(fields[0].len(), 10, "{line}"); // 2026-11-22
    assert_eq!(fields[1].len(), 12, "{line}"); // 03:10:55.123
    assert_eq!(fields[2], std::process::id().to_string());
    assert_eq!(tail(line), "INFO service.logging.tests [-] hello");
}

#[test]
fn request_span_puts_ids_and_user_identity_in_brackets() {
    let lines = capture(&conf(&[]), |_| {
        let span = request_span("req-2", Some("req-1"));
        span.in_scope(|| tracing::info!("before auth"));
        let mut ctx = RequestContext::new("req-2");
        ctx.user_id = Some("user".into());
        ctx.project_id = Some("project".into());
        record_context(&span, &ctx);
        span.in_scope(|| {
            let inner = tracing::info_span!("handler");
            inner.in_scope(|| tracing::warn!("after auth"));
        });
        tracing::info!("outside");
    });
    assert_eq!(
        lines.iter().map(|l| tail(l)).collect::<Vec<_>>(),
        [
            "INFO service.logging.tests [req-1 req-2 - - - - - -] before auth",
            "WARNING service.logging.tests [req-1 req-2 user project - - - -] after auth",
            "INFO service.logging.tests [-] outside",
        ]
    );
}

#[test]
fn request_without_global_id_prints_none_like_oslo() {
    let lines = capture(&conf(&[]), |_| {
        request_span("req-9", None).in_scope(|| tracing::error!("boom"));
    });
    assert_eq!(
        tail(&lines[0]),
        "ERROR service.logging.tests [None req-9 - - - - - -] boom"
    );
}

#[test]
fn the_innermost_request_span_wins() {
    let lines = capture(&conf(&[]), |_| {
        request_span("req-outer", None).in_scope(|| {
            request_span("req-inner", None).in_scope(|| tracing::info!("x"));
        });
    });
    assert!(lines[0].contains("[None req-inner "), "{lines:?}");
}

#[tokio::test]
async fn the_span_follows_instrumented_futures() {
    let buf = Arc::new(Mutex::new(Vec::new()));
    let opts: LoggingOpts = conf(&[]).load().expect("load");
    let (subscriber, _handle) = build(&opts, vec![Sink::Memory(Arc::clone(&buf))]).expect("build");
    let _guard = tracing::subscriber::set_default(subscriber);
    async {
        tokio::task::yield_now().await;
        tracing::info!("in future");
    }
    .instrument(request_span("req-f", None))
    .await;
    let text = String::from_utf8(buf.lock().expect("lock").clone()).expect("utf-8");
    assert!(
        text.contains("[None req-f - - - - - -] in future"),
        "{text}"
    );
}

#[test]
fn debug_is_off_by_default_and_switches_live() {
    let lines = capture(&conf(&[]), |handle| {
        tracing::debug!("hidden");
        handle.set_debug(true);
        tracing::debug!("shown");
        handle.set_debug(false);
        tracing::debug!("hidden again");
    });
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        tail(&lines[0]).starts_with("DEBUG service.logging.tests [-] shown service.logging.tests ")
    );
    assert!(
        lines[0].contains("crates/service/src/logging/tests.rs:"),
        "{}",
        lines[0]
    );
}

#[test]
fn debug_flag_on_the_command_line() {
    let lines = capture(&conf(&["-d"]), |handle| {
        assert!(handle.debug());
        tracing::debug!("shown");
    });
    assert_eq!(lines.len(), 1, "{lines:?}");
}

#[test]
fn default_log_levels_lower_a_logger_even_in_debug() {
    let c = conf(&["--debug"]);
    let mut c2 = c.clone();
    c2.set_override("DEFAULT", "default_log_levels", "service.logging=WARN")
        .expect("override");
    let lines = capture(&c2, |_| {
        tracing::info!("quiet");
        tracing::warn!("loud");
    });
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].contains("loud"));
}

#[test]
fn json_lines() {
    let lines = capture(&conf(&["--use-json"]), |_| {
        request_span("req-j", None).in_scope(|| tracing::info!(volume = "v1", "created"));
    });
    let v: serde_json::Value = serde_json::from_str(&lines[0]).expect("json");
    assert_eq!(v["message"], "created");
    assert_eq!(v["context"]["request_id"], "req-j");
    assert_eq!(v["extra"]["volume"], "v1");
}

#[test]
fn log_config_append_is_refused_with_a_clear_message() {
    let c = conf(&["--log-config-append", "/etc/cinder/logging.conf"]);
    let err = setup(&c, "cinder-api").expect_err("must refuse");
    let text = err.to_string();
    assert!(text.contains("/etc/cinder/logging.conf"), "{text}");
    assert!(text.contains("not supported"), "{text}");
}

#[test]
fn handle_applies_debug_from_the_configuration() {
    let mut c = conf(&[]);
    let lines = capture(&c.clone(), |handle| {
        c.set_override("DEFAULT", "debug", "true")
            .expect("override");
        handle.apply(&c).expect("apply");
        tracing::debug!("now visible");
    });
    assert_eq!(lines.len(), 1, "{lines:?}");
}
