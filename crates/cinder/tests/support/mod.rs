//! Test support for process-level tests: start the real `cinder-api` binary on a fresh config
//! in a temporary directory, talk HTTP/1.1 to it over plain sockets, find its workers, and
//! make sure every process it started is gone when the test ends (also on failure).

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The sample paste file shipped in etc/cinder, used unchanged by the tests.
pub fn sample_paste() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../etc/cinder/api-paste.ini")
}

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral port");
    l.local_addr().expect("local addr").port()
}

/// Polls `f` every 20 ms until it returns Some or `limit` passes.
pub fn wait_for<T>(limit: Duration, mut f: impl FnMut() -> Option<T>) -> Option<T> {
    let start = Instant::now();
    loop {
        if let Some(v) = f() {
            return Some(v);
        }
        if start.elapsed() > limit {
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// One parsed HTTP response.
#[derive(Debug)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "body is not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends raw request bytes (the caller writes `Connection: close`) and reads the whole answer.
pub fn raw_request(port: u16, request: &[u8]) -> std::io::Result<HttpResponse> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(30)))?;
    s.write_all(request)?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf)?;
    parse_response(&buf)
}

/// A request with `Connection: close`, extra headers and an optional body.
pub fn request(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&[u8]>,
) -> std::io::Result<HttpResponse> {
    let mut req =
        format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    if let Some(b) = body {
        req.push_str(&format!("Content-Length: {}\r\n", b.len()));
    }
    req.push_str("\r\n");
    let mut bytes = req.into_bytes();
    if let Some(b) = body {
        bytes.extend_from_slice(b);
    }
    raw_request(port, &bytes)
}

pub fn get(port: u16, path: &str) -> std::io::Result<HttpResponse> {
    request(port, "GET", path, &[], None)
}

fn parse_response(buf: &[u8]) -> std::io::Result<HttpResponse> {
    let bad = |m: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, m.to_string());
    let head_end = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| bad("no end of headers"))?;
    let head = std::str::from_utf8(&buf[..head_end]).map_err(|_| bad("head not utf-8"))?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next().ok_or_else(|| bad("no status line"))?;
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| bad("bad status line"))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut body = buf[head_end + 4..].to_vec();
    let chunked = headers.iter().any(|(k, v)| {
        k.eq_ignore_ascii_case("transfer-encoding") && v.eq_ignore_ascii_case("chunked")
    });
    if chunked {
        body = dechunk(&body).ok_or_else(|| bad("bad chunked body"))?;
    } else if let Some(len) = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok())
    {
        if body.len() < len {
            return Err(bad("truncated body"));
        }
        body.truncate(len);
    }
    Ok(HttpResponse {
        status,
        headers,
        body,
    })
}

fn dechunk(mut b: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = b.windows(2).position(|w| w == b"\r\n")?;
        let size =
            usize::from_str_radix(std::str::from_utf8(&b[..line_end]).ok()?.trim(), 16).ok()?;
        b = &b[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(b.get(..size)?);
        b = b.get(size + 2..)?;
    }
}

/// The pids whose parent is `pid` (from /proc).
pub fn children(pid: u32) -> Vec<u32> {
    let mut out = Vec::new();
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return out;
    };
    for entry in dir.flatten() {
        let Some(child) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{child}/stat")) else {
            continue;
        };
        // pid (comm) state ppid ...: comm may hold spaces, so split after the last ')'.
        let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else {
            continue;
        };
        let fields: Vec<&str> = rest.split_whitespace().collect();
        if fields.first() == Some(&"Z") {
            continue;
        }
        if fields.get(1).and_then(|p| p.parse::<u32>().ok()) == Some(pid) {
            out.push(child);
        }
    }
    out.sort_unstable();
    out
}

/// True while `pid` exists and is not a zombie.
pub fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|s| {
            s.rsplit_once(')')
                .map(|(_, r)| !r.trim_start().starts_with('Z'))
                .unwrap_or(false)
        })
        .unwrap_or(false)
}

pub fn signal(pid: u32, sig: nix::sys::signal::Signal) {
    let _ = nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid as i32), sig);
}

/// A running cinder-api with its own config directory.
pub struct CinderApi {
    pub dir: tempfile::TempDir,
    pub port: u16,
    pub child: Option<Child>,
    pub pid: u32,
    known_pids: Vec<u32>,
}

/// Builds the config of a cinder-api under test.
pub struct Builder {
    workers: i64,
    extra_default: Vec<(String, String)>,
    extra_sections: String,
    paste: Option<String>,
}

impl CinderApi {
    pub fn builder() -> Builder {
        Builder {
            workers: 1,
            extra_default: Vec::new(),
            extra_sections: String::new(),
            paste: None,
        }
    }

    pub fn conf_path(&self) -> PathBuf {
        self.dir.path().join("cinder.conf")
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("cinder-api.log")).unwrap_or_default()
    }

    /// Waits until the parent has `n` live workers and returns their pids.
    pub fn wait_workers(&mut self, n: usize) -> Vec<u32> {
        let pid = self.pid;
        let kids = wait_for(Duration::from_secs(20), || {
            let c = children(pid);
            (c.len() == n).then_some(c)
        })
        .unwrap_or_else(|| {
            panic!(
                "expected {n} workers, have {:?}\nlog:\n{}",
                children(pid),
                self.log()
            )
        });
        self.known_pids.extend(&kids);
        kids
    }

    /// Waits for the parent to exit and returns its exit code (None = killed by a signal).
    pub fn wait_exit(&mut self, limit: Duration) -> Option<i32> {
        let child = self.child.as_mut().expect("process handle");
        let start = Instant::now();
        loop {
            if let Some(status) = child.try_wait().expect("try_wait") {
                return status.code();
            }
            if start.elapsed() > limit {
                panic!(
                    "cinder-api did not exit within {limit:?}\nlog:\n{}",
                    self.log()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for CinderApi {
    fn drop(&mut self) {
        let mut pids = children(self.pid);
        pids.extend(&self.known_pids);
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
        for p in pids {
            signal(p, nix::sys::signal::Signal::SIGKILL);
        }
    }
}

impl Builder {
    pub fn workers(mut self, n: i64) -> Self {
        self.workers = n;
        self
    }
    /// An extra `[DEFAULT]` option.
    pub fn opt(mut self, key: &str, value: &str) -> Self {
        self.extra_default
            .push((key.to_string(), value.to_string()));
        self
    }
    /// Extra sections appended to cinder.conf verbatim.
    pub fn sections(mut self, text: &str) -> Self {
        self.extra_sections.push_str(text);
        self
    }
    /// A paste file to use instead of the sample one.
    pub fn paste(mut self, text: &str) -> Self {
        self.paste = Some(text.to_string());
        self
    }

    /// Writes the config files; returns the directory and the port.
    pub fn write(&self) -> (tempfile::TempDir, u16) {
        let dir = tempfile::tempdir().expect("tempdir");
        let port = free_port();
        let paste = match &self.paste {
            Some(p) => p.clone(),
            None => std::fs::read_to_string(sample_paste()).expect("sample api-paste.ini"),
        };
        std::fs::write(dir.path().join("api-paste.ini"), paste).expect("write paste");
        let mut conf = format!(
            "[DEFAULT]\nauth_strategy = noauth\nosapi_volume_listen = 127.0.0.1\n\
             osapi_volume_listen_port = {port}\nosapi_volume_workers = {}\n\
             api_paste_config = api-paste.ini\nstate_path = {}\nlog_file = {}\n\
             graceful_shutdown_timeout = 10\n",
            self.workers,
            dir.path().display(),
            dir.path().join("cinder-api.log").display(),
        );
        for (k, v) in &self.extra_default {
            conf.push_str(&format!("{k} = {v}\n"));
        }
        conf.push_str(&self.extra_sections);
        std::fs::write(dir.path().join("cinder.conf"), conf).expect("write conf");
        (dir, port)
    }

    /// Runs cinder-api to completion (for start-up errors): exit code and stderr+stdout.
    pub fn run_to_exit(&self) -> (Option<i32>, String) {
        let (dir, _) = self.write();
        let out = Command::new(env!("CARGO_BIN_EXE_cinder-api"))
            .arg("--config-file")
            .arg(dir.path().join("cinder.conf"))
            .stdin(Stdio::null())
            .output()
            .expect("run cinder-api");
        let mut text = String::from_utf8_lossy(&out.stderr).into_owned();
        text.push_str(&String::from_utf8_lossy(&out.stdout));
        text.push_str(
            &std::fs::read_to_string(dir.path().join("cinder-api.log")).unwrap_or_default(),
        );
        (out.status.code(), text)
    }

    /// Starts cinder-api (after `cinder-manage db sync` on its SQLite database) and waits
    /// until it answers GET /.
    pub fn start(self) -> CinderApi {
        let (dir, port) = self.write();
        let sync = Command::new(env!("CARGO_BIN_EXE_cinder-manage"))
            .arg("--config-file")
            .arg(dir.path().join("cinder.conf"))
            .args(["db", "sync"])
            .output()
            .expect("run cinder-manage db sync");
        assert!(
            sync.status.success(),
            "db sync failed: {}",
            String::from_utf8_lossy(&sync.stderr)
        );
        let child = Command::new(env!("CARGO_BIN_EXE_cinder-api"))
            .arg("--config-file")
            .arg(dir.path().join("cinder.conf"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn cinder-api");
        let pid = child.id();
        let mut api = CinderApi {
            dir,
            port,
            child: Some(child),
            pid,
            known_pids: Vec::new(),
        };
        let up = wait_for(Duration::from_secs(20), || get(port, "/").ok());
        if up.is_none() {
            panic!(
                "cinder-api did not answer on port {port}\nlog:\n{}",
                api.log()
            );
        }
        api.known_pids.extend(children(pid));
        api
    }
}
