//! Process-level behaviour of the launchers (service.md §13): real processes, real signals,
//! on the echo example service. Every test waits with bounded polling and kills the whole
//! process group it started when it ends.

mod support;

use std::os::unix::net::UnixDatagram;
use std::os::unix::process::ExitStatusExt;
use std::time::{Duration, Instant};

use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;
use support::{alive, eventually, reply_pid, started_children, Echo, PATIENCE};

const WORKERS_3: &str = "[DEFAULT]\necho_workers = 3\necho_prefix = a\n";

#[test]
fn three_workers_serve_and_a_killed_worker_is_replaced() {
    let mut echo = Echo::start(WORKERS_3);
    let children = echo.wait_children(3);
    assert_eq!(children.len(), 3);
    assert!(children.iter().all(|p| alive(*p)));
    let reply = echo.request("PING");
    assert!(reply.starts_with("PONG "), "{reply}");
    assert!(
        children.contains(&reply_pid(&reply)),
        "{reply} not from {children:?}"
    );

    let victim = children[0];
    kill(Pid::from_raw(victim), Signal::SIGKILL).expect("kill worker");
    echo.wait_for(&format!("Child {victim} killed by signal 9"));
    let now = echo.wait_children(4);
    let replacement = now[3];
    assert!(!children.contains(&replacement));
    eventually("the killed worker to be gone", || !alive(victim));
    let live: Vec<i32> = now.into_iter().filter(|p| alive(*p)).collect();
    assert_eq!(live.len(), 3, "{live:?}");

    echo.signal(Signal::SIGTERM);
    assert_eq!(echo.wait_exit(PATIENCE).code(), Some(0));
}

#[test]
fn sigterm_lets_in_flight_requests_finish_and_everyone_exits_0() {
    let mut echo = Echo::start("[DEFAULT]\necho_workers = 2\n");
    let children = echo.wait_children(2);
    let mut conn = echo.connect();
    conn.send("SLOW 1500");
    let begin = conn.read_line();
    assert!(begin.starts_with("BEGIN "), "{begin}");
    let worker = reply_pid(&begin);

    echo.signal(Signal::SIGTERM);
    echo.wait_for("Caught SIGTERM, stopping children");
    assert_eq!(conn.read_line(), format!("DONE {worker}"));
    assert_eq!(echo.wait_exit(PATIENCE).code(), Some(0));
    let log = echo.log_text();
    for child in &children {
        assert!(
            log.contains(&format!("Child {child} exited with status 0")),
            "{child}: {log}"
        );
        assert!(!alive(*child));
    }
    assert!(
        log.contains(&format!(
            "{worker} INFO service.launcher.runner [-] Child caught SIGTERM, exiting"
        )),
        "{log}"
    );
}

#[test]
fn a_hung_request_is_cut_at_graceful_shutdown_timeout() {
    let mut echo = Echo::start("[DEFAULT]\necho_workers = 1\ngraceful_shutdown_timeout = 2\n");
    echo.wait_children(1);
    let mut conn = echo.connect();
    conn.send("SLOW 600000");
    assert!(conn.read_line().starts_with("BEGIN "));

    let sent = Instant::now();
    echo.signal(Signal::SIGTERM);
    let status = echo.wait_exit(PATIENCE);
    let took = sent.elapsed();
    assert_ne!(status.code(), Some(0), "{status:?}");
    assert!(took >= Duration::from_millis(1900), "exited after {took:?}");
    assert!(took < Duration::from_secs(10), "exited after {took:?}");
    echo.wait_for("Graceful shutdown timeout exceeded");
}

#[test]
fn sighup_mutates_the_workers_in_place() {
    let echo = Echo::start("[DEFAULT]\necho_workers = 2\necho_prefix = a\necho_immutable = one\n");
    let children = echo.wait_children(2);
    assert!(echo.request("ECHO hi").starts_with("a hi "));
    assert!(!echo.log_text().contains(" DEBUG "));

    echo.write_conf(
        "[DEFAULT]\necho_workers = 2\necho_prefix = b\necho_immutable = two\ndebug = true\n",
    );
    echo.signal(Signal::SIGHUP);
    let log = echo.wait_log("both workers reset", |t| {
        children
            .iter()
            .all(|p| t.contains(&format!("echo reset in {p}: prefix b")))
    });
    assert!(
        log.contains("Option DEFAULT.echo_prefix changed from [a] to [b]"),
        "{log}"
    );
    assert!(
        log.contains("Ignoring change to immutable option DEFAULT.echo_immutable"),
        "{log}"
    );
    // Same workers, new values, debug switched on live.
    assert_eq!(echo.started_children(), children);
    assert!(children.iter().all(|p| alive(*p)));
    let reply = echo.request("ECHO hi");
    assert!(reply.starts_with("b hi "), "{reply}");
    assert!(children.contains(&reply_pid(&reply)));
    echo.wait_log("a DEBUG line from a worker", |t| {
        t.lines()
            .any(|l| l.contains(" DEBUG echo_service [None req-") && l.contains("ECHO hi"))
    });
}

#[test]
fn sighup_with_reload_replaces_the_workers() {
    let echo =
        Echo::start("[DEFAULT]\necho_workers = 2\necho_prefix = a\necho_restart_method = reload\n");
    let children = echo.wait_children(2);
    echo.write_conf("[DEFAULT]\necho_workers = 2\necho_prefix = b\necho_restart_method = reload\n");
    echo.signal(Signal::SIGHUP);
    let fresh = echo.wait_children(4);
    for old in &children {
        eventually("the old workers to exit", || !alive(*old));
    }
    let reply = echo.request("ECHO hi");
    assert!(reply.starts_with("b hi "), "{reply}");
    assert!(fresh[2..].contains(&reply_pid(&reply)), "{reply} {fresh:?}");
}

#[test]
fn sighup_with_a_broken_configuration_keeps_the_old_one() {
    let echo = Echo::start("[DEFAULT]\necho_workers = 1\necho_prefix = a\n");
    let children = echo.wait_children(1);
    echo.write_conf("[DEFAULT]\nthis line is not an option\n");
    echo.signal(Signal::SIGHUP);
    echo.wait_for("Caught Error while reloading configure files");
    let reply = echo.request("ECHO hi");
    assert!(reply.starts_with("a hi "), "{reply}");
    assert_eq!(echo.started_children(), children);
}

#[test]
fn workers_exit_when_the_parent_is_killed() {
    let mut echo = Echo::start("[DEFAULT]\necho_workers = 2\n");
    let children = echo.wait_children(2);
    echo.signal(Signal::SIGKILL);
    assert_eq!(echo.wait_exit(PATIENCE).signal(), Some(9));
    for child in &children {
        eventually("the orphaned worker to exit", || !alive(*child));
    }
    echo.wait_log("both workers noticed", |t| {
        t.matches("Parent process has died unexpectedly, exiting")
            .count()
            == 2
    });
}

#[test]
fn sigint_exits_at_once_with_status_1() {
    let mut echo = Echo::start("[DEFAULT]\necho_workers = 2\n");
    let children = echo.wait_children(2);
    echo.signal(Signal::SIGINT);
    assert_eq!(echo.wait_exit(PATIENCE).code(), Some(1));
    echo.wait_for("Caught SIGINT signal, instantaneous exiting");
    // Nobody signalled the workers: they follow through the parent-death pipe.
    for child in &children {
        eventually("the workers to exit", || !alive(*child));
    }
}

#[test]
fn systemd_gets_exactly_one_ready_from_the_parent() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("notify");
    let sock = UnixDatagram::bind(&path).expect("bind notify socket");
    sock.set_read_timeout(Some(PATIENCE)).expect("timeout");
    let notify = path.to_str().expect("utf-8 path");
    let echo = Echo::start_with_env(
        "[DEFAULT]\necho_workers = 3\n",
        &[("NOTIFY_SOCKET", notify)],
    );
    let mut buf = [0u8; 64];
    let n = sock.recv(&mut buf).expect("READY=1");
    assert_eq!(&buf[..n], b"READY=1");
    // Every worker is serving and answered: nothing else may arrive.
    echo.wait_children(3);
    for _ in 0..3 {
        assert!(echo.request("PING").starts_with("PONG"));
    }
    sock.set_read_timeout(Some(Duration::from_millis(300)))
        .expect("timeout");
    assert!(sock.recv(&mut buf).is_err(), "a second datagram arrived");
}

#[test]
fn negative_workers_is_a_startup_error() {
    let mut echo = Echo::start("[DEFAULT]\necho_workers = -2\n");
    assert_eq!(echo.wait_exit(PATIENCE).code(), Some(1));
    let log = echo.log_text();
    assert!(
        log.contains("echo_workers value of -2 is invalid, must be greater than 0."),
        "{log}"
    );
    assert!(started_children(&log).is_empty());
}

#[test]
fn sigusr2_writes_a_guru_meditation_report_in_parent_and_workers() {
    let echo = Echo::start("[DEFAULT]\necho_workers = 2\n");
    let children = echo.wait_children(2);
    let parent = echo.pid();
    echo.signal(Signal::SIGUSR2);
    echo.wait_for(&format!("Guru Meditation Report of process {parent}"));
    let log = echo.wait_log("the whole parent report", |t| {
        children
            .iter()
            .all(|c| t.contains(&format!("    Worker {c} (under {parent})")))
    });
    assert!(log.contains("version = 1.0.0"), "{log}");
    assert!(log.contains("echo_workers                   = 2"), "{log}");

    let worker = children[0];
    kill(Pid::from_raw(worker), Signal::SIGUSR2).expect("signal worker");
    let marker = format!("Guru Meditation Report of process {worker}");
    echo.wait_log("the worker's report with its registered section", |t| {
        t.find(&marker)
            .is_some_and(|i| t[i..].contains("connections = "))
    });
    assert!(alive(worker), "a report must not stop the worker");
}

#[test]
fn a_crash_looping_worker_is_respawned_at_a_limited_rate() {
    let mut echo = Echo::start("[DEFAULT]\necho_workers = 1\necho_fail_start = true\n");
    let log = echo.wait_log("six forks", |t| started_children(t).len() >= 6);
    assert!(log.contains("Forking too fast, sleeping"), "{log}");
    assert!(log.contains("exited with status 1"), "{log}");
    // Log timestamps: with one worker, at most two forks per second after the first two.
    let times: Vec<Duration> = log
        .lines()
        .filter(|l| l.contains("Started child "))
        .map(time_of_day)
        .collect();
    let spread = times[5].saturating_sub(times[0]);
    assert!(
        spread >= Duration::from_millis(1500),
        "6 forks within {spread:?}"
    );
    echo.signal(Signal::SIGTERM);
    assert_eq!(echo.wait_exit(PATIENCE).code(), Some(0));
}

#[test]
fn the_single_process_launcher_serves_in_process() {
    let mut echo = Echo::start("[DEFAULT]\necho_launcher = service\necho_prefix = a\n");
    echo.wait_for("echo worker ");
    let reply = echo.request("PING");
    assert_eq!(reply_pid(&reply), echo.pid());
    assert!(started_children(&echo.log_text()).is_empty());

    echo.write_conf("[DEFAULT]\necho_launcher = service\necho_prefix = b\n");
    echo.signal(Signal::SIGHUP);
    echo.wait_for(&format!("echo reset in {}: prefix b", echo.pid()));
    assert!(echo.request("ECHO x").starts_with("b x "));

    let mut conn = echo.connect();
    conn.send("SLOW 1000");
    assert!(conn.read_line().starts_with("BEGIN "));
    echo.signal(Signal::SIGTERM);
    assert_eq!(conn.read_line(), format!("DONE {}", echo.pid()));
    assert_eq!(echo.wait_exit(PATIENCE).code(), Some(0));
}

/// `HH:MM:SS.mmm` of a log line as a duration since midnight.
fn time_of_day(line: &str) -> Duration {
    let clock = line.split(' ').nth(1).unwrap_or_default();
    let mut parts = clock
        .split([':', '.'])
        .map(|p| p.parse::<u64>().unwrap_or(0));
    let (h, m, s, ms) = (
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
    );
    Duration::from_millis(((h * 60 + m) * 60 + s) * 1000 + ms)
}
