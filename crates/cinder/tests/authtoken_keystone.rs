//! cinder-api with `auth_strategy = keystone` against a real Keystone (PyPI keystone under
//! gunicorn, started by tools/keystone.sh, which tools/test.sh runs first): a valid token passes
//! with the right context, a bad one gets 401 with `WWW-Authenticate`.
//!
//! Needs `KEYSTONE_URL` (and the passwords tools/keystone.sh prints). Without it the test says
//! so and returns, except under CI, where a missing Keystone is a failure.

mod support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use support::*;

struct Keystone {
    url: String,
    service_password: String,
}

fn keystone() -> Option<Keystone> {
    match std::env::var("KEYSTONE_URL") {
        Ok(url) => Some(Keystone {
            url,
            service_password: std::env::var("KEYSTONE_SERVICE_PASSWORD")
                .unwrap_or_else(|_| "cinder-secret".into()),
        }),
        Err(_) if std::env::var_os("CI").is_some() => {
            panic!("KEYSTONE_URL is not set: run the tests through tools/test.sh")
        }
        Err(_) => {
            eprintln!("KEYSTONE_URL is not set; run tools/test.sh to include the Keystone tests");
            None
        }
    }
}

/// Issues a project-scoped token for the `demo` user (tools/keystone.sh creates it); returns
/// the token and the token body.
fn demo_token(ks: &Keystone) -> (String, serde_json::Value) {
    let body = serde_json::json!({"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": "demo", "domain": {"name": "Default"}, "password": "demo-secret"}}},
        "scope": {"project": {"name": "demo", "domain": {"name": "Default"}}}}})
    .to_string();
    let hostport = ks.url.trim_start_matches("http://").trim_end_matches('/');
    let mut s = TcpStream::connect(hostport).expect("connect to keystone");
    s.set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    write!(
        s,
        "POST /v3/auth/tokens HTTP/1.1\r\nHost: {hostport}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("send");
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).expect("read");
    let text = String::from_utf8_lossy(&raw);
    let token = text
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("x-subject-token")
                .then(|| v.trim().to_string())
        })
        .unwrap_or_else(|| panic!("no token from keystone: {text}"));
    let json_start = text.find("\r\n\r\n").expect("body") + 4;
    let body: serde_json::Value =
        serde_json::from_str(text[json_start..].trim()).unwrap_or(serde_json::Value::Null);
    (token, body)
}

fn start_with_keystone(ks: &Keystone) -> CinderApi {
    CinderApi::builder()
        .opt("auth_strategy", "keystone")
        .opt("debug", "true")
        .sections(&format!(
            "[keystone_authtoken]\nwww_authenticate_uri = {url}\nauth_url = {url}\n\
             auth_type = password\nusername = cinder\npassword = {pw}\nproject_name = service\n\
             user_domain_name = Default\nproject_domain_name = Default\n",
            url = ks.url,
            pw = ks.service_password
        ))
        .start()
}

#[test]
fn a_valid_keystone_token_passes_with_the_right_context() {
    let Some(ks) = keystone() else { return };
    let api = start_with_keystone(&ks);
    let (token, body) = demo_token(&ks);
    let user_id = body["token"]["user"]["id"]
        .as_str()
        .expect("user id")
        .to_string();
    let project_id = body["token"]["project"]["id"]
        .as_str()
        .expect("project id")
        .to_string();

    let r = request(api.port, "GET", "/v3/", &[("X-Auth-Token", &token)], None).expect("GET /v3/");
    assert_eq!(r.status, 200, "{}\n{}", r.text(), api.log());
    assert_eq!(r.json()["versions"][0]["id"], "v3.0");
    let rid = r
        .header("x-openstack-request-id")
        .expect("request id")
        .to_string();

    // The request's log lines carry the context built from the token: user and project.
    let line = wait_for(Duration::from_secs(5), || {
        api.log()
            .lines()
            .find(|l| l.contains(&rid) && l.contains(&user_id))
            .map(str::to_string)
    })
    .unwrap_or_else(|| panic!("no log line with {rid} and {user_id}:\n{}", api.log()));
    assert!(line.contains(&project_id), "{line}");

    // A second request is answered from the token cache just the same.
    let r = request(api.port, "GET", "/v3/", &[("X-Auth-Token", &token)], None).expect("GET");
    assert_eq!(r.status, 200);
}

#[test]
fn a_bad_or_missing_token_gets_401_with_www_authenticate() {
    let Some(ks) = keystone() else { return };
    let api = start_with_keystone(&ks);
    for headers in [vec![("X-Auth-Token", "gAAAAABnot-a-real-token")], vec![]] {
        let r = request(api.port, "GET", "/v3/", &headers, None).expect("GET /v3/");
        assert_eq!(r.status, 401, "{}", r.text());
        assert_eq!(
            r.header("WWW-Authenticate"),
            Some(format!("Keystone uri=\"{}\"", ks.url).as_str())
        );
        assert_eq!(r.json()["error"]["code"], 401);
        assert!(r.header("x-openstack-request-id").is_some());
    }
    // The versions document at the root needs no token.
    assert_eq!(get(api.port, "/").expect("GET /").status, 300);
}
