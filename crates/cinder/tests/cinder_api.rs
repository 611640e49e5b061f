//! Process-level tests of the real `cinder-api` binary: the versions document through the full
//! default pipeline of the sample api-paste.ini, workers as processes, signals, limits and
//! start-up errors.

mod support;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use nix::sys::signal::Signal;
use support::*;

const TOKEN: (&str, &str) = ("X-Auth-Token", "admin:6c0b2a0e5e1d4d7f9d3b2f1e0a9c8b7d");

fn is_request_id(v: &str) -> bool {
    v.len() == 40 && v.starts_with("req-") && uuid_like(&v[4..])
}

fn uuid_like(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.iter().map(|p| p.len()).collect::<Vec<_>>() == [8, 4, 4, 4, 12]
        && s.chars().all(|c| c == '-' || c.is_ascii_hexdigit())
}

#[test]
fn root_answers_the_versions_document_through_the_pipeline() {
    let api = CinderApi::builder().start();
    let r = get(api.port, "/").expect("GET /");
    assert_eq!(r.status, 300, "{}", r.text());
    let rid = r
        .header("x-openstack-request-id")
        .expect("request id header");
    assert!(is_request_id(rid), "{rid}");
    assert_eq!(r.header("x-compute-request-id"), Some(rid));
    assert_eq!(r.header("OpenStack-API-Version"), Some("volume 3.0"));
    assert!(r
        .header("content-type")
        .unwrap_or("")
        .starts_with("application/json"));
    let doc = r.json();
    let v = &doc["versions"][0];
    assert_eq!(v["id"], "v3.0");
    assert_eq!(v["status"], "CURRENT");
    assert_eq!(v["version"], "3.71");
    assert_eq!(v["min_version"], "3.0");
    assert_eq!(
        v["links"][1]["href"],
        format!("http://127.0.0.1:{}/v3/", api.port)
    );

    // Two requests never share an id.
    let r2 = get(api.port, "/").expect("GET / again");
    assert_ne!(r2.header("x-openstack-request-id"), Some(rid));
}

#[test]
fn a_valid_incoming_global_request_id_is_kept_apart_from_the_local_one() {
    let api = CinderApi::builder().opt("debug", "true").start();
    let global = "req-0123abcd-4567-89ab-cdef-0123456789ab";
    let r = request(
        api.port,
        "GET",
        "/",
        &[("X-OpenStack-Request-ID", global)],
        None,
    )
    .expect("GET /");
    let local = r.header("x-openstack-request-id").expect("id").to_string();
    assert_ne!(local, global);
    // Every line logged while serving the request carries both ids.
    let found = wait_for(Duration::from_secs(5), || {
        api.log()
            .lines()
            .any(|l| l.contains(global) && l.contains(&local))
            .then_some(())
    });
    assert!(found.is_some(), "no log line with both ids:\n{}", api.log());
}

#[test]
fn v3_root_and_unknown_paths() {
    let api = CinderApi::builder().start();
    // noauth: no token → 204 with the noauth headers.
    let r = get(api.port, "/v3/").expect("GET /v3/");
    assert_eq!(r.status, 204);
    assert!(r.header("X-Auth-Token").is_some());
    // with a token: the v3 document, 200.
    let r = request(api.port, "GET", "/v3/", &[TOKEN], None).expect("GET /v3/");
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["versions"][0]["id"], "v3.0");
    // /v3 without the slash: 302 to /v3/.
    let r = request(api.port, "GET", "/v3", &[TOKEN], None).expect("GET /v3");
    assert_eq!(r.status, 302);
    assert_eq!(
        r.header("Location"),
        Some(format!("http://127.0.0.1:{}/v3/", api.port).as_str())
    );
    // unknown paths: 404, at the root and under /v3.
    let r = get(api.port, "/foo").expect("GET /foo");
    assert_eq!(r.status, 404);
    let r = request(api.port, "GET", "/v3/no/such/thing", &[TOKEN], None).expect("GET");
    assert_eq!(r.status, 404);
    assert!(r.header("x-openstack-request-id").is_some());
}

#[test]
fn microversions_are_negotiated_on_v3() {
    let api = CinderApi::builder().start();
    let ask = |v: &str| {
        request(
            api.port,
            "GET",
            "/v3/",
            &[TOKEN, ("OpenStack-API-Version", v)],
            None,
        )
        .expect("GET /v3/")
    };
    let r = ask("volume 3.27");
    assert_eq!(r.status, 200);
    assert_eq!(r.header("OpenStack-API-Version"), Some("volume 3.27"));
    let r = ask("volume latest");
    assert_eq!(r.header("OpenStack-API-Version"), Some("volume 3.71"));
    let r = ask("volume 3.99");
    assert_eq!(r.status, 406);
    assert_eq!(r.header("OpenStack-API-Version"), Some("volume 3.99"));
    assert_eq!(
        r.json()["computeFault"]["message"],
        "Version 3.99 is not supported by the API. Minimum is 3.0 and maximum is 3.71."
    );
    let r = ask("volume 3.x");
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["badRequest"]["code"], 400);
}

#[test]
fn healthcheck_answers_ok() {
    let api = CinderApi::builder().start();
    let r = get(api.port, "/healthcheck").expect("GET /healthcheck");
    assert_eq!(r.status, 200);
    assert_eq!(r.text(), "OK");
}

#[test]
fn n_workers_are_n_processes_and_a_killed_worker_is_replaced() {
    let mut api = CinderApi::builder().workers(3).start();
    let workers = api.wait_workers(3);
    signal(workers[0], Signal::SIGKILL);
    let pid = api.pid;
    let replaced = wait_for(Duration::from_secs(10), || {
        let now = children(pid);
        (now.len() == 3 && !now.contains(&workers[0])).then_some(now)
    });
    assert!(replaced.is_some(), "worker not replaced:\n{}", api.log());
    for _ in 0..20 {
        assert_eq!(get(api.port, "/").expect("GET /").status, 300);
    }
    assert!(
        api.log()
            .contains(&format!("Child {} killed by signal 9", workers[0])),
        "{}",
        api.log()
    );
}

#[test]
fn sigterm_under_load_answers_every_accepted_request_and_exits_zero() {
    let mut api = CinderApi::builder().workers(2).start();
    api.wait_workers(2);
    let port = api.port;
    let stop = Arc::new(AtomicBool::new(false));
    let ok = Arc::new(AtomicUsize::new(0));
    let broken = Arc::new(AtomicUsize::new(0));
    let clients: Vec<_> = (0..8)
        .map(|_| {
            let (stop, ok, broken) = (stop.clone(), ok.clone(), broken.clone());
            std::thread::spawn(move || {
                // Bounded: at most 2000 requests per client.
                for _ in 0..2000 {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    match get(port, "/") {
                        Ok(r) if r.status == 300 => {
                            ok.fetch_add(1, Ordering::Relaxed);
                        }
                        Ok(_) => {
                            broken.fetch_add(1, Ordering::Relaxed);
                        }
                        // Refused or closed before an answer began: the server stopped
                        // accepting, which is what SIGTERM asks for.
                        Err(e)
                            if matches!(
                                e.kind(),
                                std::io::ErrorKind::ConnectionRefused
                                    | std::io::ErrorKind::ConnectionReset
                                    | std::io::ErrorKind::UnexpectedEof
                            ) || e.to_string() == "no end of headers" =>
                        {
                            std::thread::sleep(Duration::from_millis(5));
                        }
                        Err(_) => {
                            broken.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
            })
        })
        .collect();
    wait_for(Duration::from_secs(10), || {
        (ok.load(Ordering::Relaxed) > 200).then_some(())
    })
    .expect("load is running");
    signal(api.pid, Signal::SIGTERM);
    let code = api.wait_exit(Duration::from_secs(20));
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.join().expect("client thread");
    }
    assert_eq!(code, Some(0), "{}", api.log());
    assert_eq!(
        broken.load(Ordering::Relaxed),
        0,
        "truncated or wrong answers"
    );
}

#[test]
fn sighup_applies_an_edited_mutable_option_without_a_failed_request() {
    let mut api = CinderApi::builder().workers(2).start();
    let before = api.wait_workers(2);
    let port = api.port;
    let stop = Arc::new(AtomicBool::new(false));
    let failed = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(AtomicUsize::new(0));
    let clients: Vec<_> = (0..4)
        .map(|_| {
            let (stop, failed, done) = (stop.clone(), failed.clone(), done.clone());
            std::thread::spawn(move || {
                for _ in 0..5000 {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    match get(port, "/") {
                        Ok(r) if r.status == 300 => done.fetch_add(1, Ordering::Relaxed),
                        _ => failed.fetch_add(1, Ordering::Relaxed),
                    };
                }
            })
        })
        .collect();

    assert!(!api.log().contains(" DEBUG "), "debug is off at start");
    let conf = std::fs::read_to_string(api.conf_path()).expect("read conf");
    std::fs::write(
        api.conf_path(),
        conf.replace("[DEFAULT]\n", "[DEFAULT]\ndebug = true\n"),
    )
    .expect("edit conf");
    signal(api.pid, Signal::SIGHUP);
    // Requests logged after the reload are logged at DEBUG too.
    let debug_seen = wait_for(Duration::from_secs(10), || {
        let _ = get(port, "/");
        api.log().contains(" DEBUG ").then_some(())
    });
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.join().expect("client");
    }
    assert!(
        debug_seen.is_some(),
        "no DEBUG line after SIGHUP:\n{}",
        api.log()
    );
    assert_eq!(
        failed.load(Ordering::Relaxed),
        0,
        "requests failed during SIGHUP"
    );
    assert!(done.load(Ordering::Relaxed) > 0);
    assert_eq!(children(api.pid), before, "mutate keeps the workers");
}

#[test]
fn a_bad_option_value_stops_start_up_with_one_clear_line() {
    let (code, out) = CinderApi::builder()
        .opt("osapi_volume_listen_port", "eighty")
        .run_to_exit();
    assert_eq!(code, Some(1), "{out}");
    let line = out
        .lines()
        .find(|l| l.contains("osapi_volume_listen_port"))
        .unwrap_or_else(|| panic!("no line names the option:\n{out}"));
    assert!(line.contains("cinder.conf"), "{line}");
    assert!(line.contains("eighty"), "{line}");
    assert!(line.contains("[DEFAULT]"), "{line}");
}

#[test]
fn a_missing_paste_section_stops_start_up() {
    let paste = std::fs::read_to_string(sample_paste())
        .expect("paste")
        .replace("[app:apiv3]", "[app:apiv3_renamed]");
    let (code, out) = CinderApi::builder().paste(&paste).run_to_exit();
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("apiv3"), "{out}");
    assert!(out.contains("api-paste.ini"), "{out}");
}

#[test]
fn a_negative_worker_count_stops_start_up_with_upstreams_message() {
    let (code, out) = CinderApi::builder().workers(-2).run_to_exit();
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("osapi_volume_workers value of -2 is invalid, must be greater than 0."),
        "{out}"
    );
}

#[test]
fn a_busy_port_is_one_clear_error() {
    let holder = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = holder.local_addr().expect("addr").port();
    let (code, out) = CinderApi::builder()
        .opt("osapi_volume_listen_port", &port.to_string())
        .run_to_exit();
    // The builder writes its own port first; the later line wins, as in oslo.config.
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains(&format!("Could not bind to 127.0.0.1:{port}")),
        "{out}"
    );
}

#[test]
fn a_body_over_max_request_body_size_gets_413() {
    let api = CinderApi::builder().start();
    let body = vec![b'x'; 200 * 1024];
    let r = request(
        api.port,
        "POST",
        "/v3/",
        &[TOKEN, ("Content-Type", "application/json")],
        Some(&body),
    )
    .expect("POST");
    assert_eq!(r.status, 413, "{}", r.text());
    // A body under the limit passes the filter (the router answers for itself).
    let body = vec![b'x'; 1024];
    let r = request(api.port, "POST", "/v3/", &[TOKEN], Some(&body)).expect("POST");
    assert_ne!(r.status, 413);
}

#[test]
fn a_header_line_over_max_header_line_gets_400() {
    let api = CinderApi::builder().opt("max_header_line", "8192").start();
    let long = "a".repeat(9 * 1024);
    let r = request(api.port, "GET", "/", &[("X-Long", &long)], None).expect("GET");
    assert_eq!(r.status, 400);
    let short = "a".repeat(4 * 1024);
    let r = request(api.port, "GET", "/", &[("X-Long", &short)], None).expect("GET");
    assert_eq!(r.status, 300);
}
