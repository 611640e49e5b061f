//! Running the echo example service (examples/echo_service.rs) as a real process group:
//! start it with a configuration file, read its log, talk to it over TCP, send signals, and
//! kill everything it started when the test ends, pass or fail.

#![allow(dead_code)]

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use nix::sys::signal::{kill, killpg, Signal};
use nix::sys::wait::{waitpid, WaitPidFlag, WaitStatus};
use nix::unistd::Pid;

/// How long any single expectation may take before the test fails.
pub const PATIENCE: Duration = Duration::from_secs(20);

/// The echo example binary. `cargo test --test process` does not build examples, so the
/// first call builds it (once per test binary, with the same cargo and profile) and takes its
/// path from cargo's JSON messages, so the binary is never stale.
pub fn echo_binary() -> PathBuf {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(build_echo).clone()
}

fn build_echo() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
    let mut cmd = Command::new(env!("CARGO"));
    cmd.args([
        "build",
        "--example",
        "echo_service",
        "--message-format=json",
    ])
    .arg("--manifest-path")
    .arg(&manifest)
    .stdin(Stdio::null());
    // Same profile as this test binary: target/<profile>/deps/process-<hash>.
    let exe = std::env::current_exe().expect("current_exe");
    let profile = exe
        .parent()
        .and_then(Path::parent)
        .and_then(Path::file_name)
        .and_then(|n| n.to_str())
        .unwrap_or("debug")
        .to_string();
    if profile != "debug" {
        cmd.args(["--profile", &profile]);
    }
    let out = cmd
        .output()
        .expect("run cargo build --example echo_service");
    assert!(
        out.status.success(),
        "cargo build --example echo_service failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == "echo_service")
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
        .expect("cargo reported no echo_service executable")
}

/// One running echo service (a parent and its workers in their own process group).
pub struct Echo {
    pub child: Child,
    pub dir: tempfile::TempDir,
    pub conf: PathBuf,
    pub log: PathBuf,
    exited: Option<ExitStatus>,
}

impl Echo {
    /// Starts the echo service with `conf` as its configuration file. Its stdout and stderr go
    /// to a file, so it is a daemon for the SIGHUP rules.
    pub fn start(conf: &str) -> Echo {
        Echo::start_with_env(conf, &[])
    }

    pub fn start_with_env(conf: &str, env: &[(&str, &str)]) -> Echo {
        // Workers orphaned by a test (parent killed) are re-parented to this process, which
        // can then reap them instead of leaving zombies behind.
        let _ = nix::sys::prctl::set_child_subreaper(true);
        let dir = tempfile::tempdir().expect("tempdir");
        let conf_path = dir.path().join("echo.conf");
        std::fs::write(&conf_path, conf).expect("write conf");
        let log = dir.path().join("out.log");
        let out = File::create(&log).expect("log file");
        let err = out.try_clone().expect("dup log");
        let mut cmd = Command::new(echo_binary());
        cmd.arg("--config-file")
            .arg(&conf_path)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .env_remove("NOTIFY_SOCKET")
            .process_group(0);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = cmd.spawn().expect("spawn echo_service");
        Echo {
            child,
            dir,
            conf: conf_path,
            log,
            exited: None,
        }
    }

    pub fn pid(&self) -> i32 {
        self.child.id() as i32
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Polls the log until `pred` holds; fails the test with the log after [`PATIENCE`].
    pub fn wait_log(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let text = self.log_text();
            if pred(&text) {
                return text;
            }
            if Instant::now() > deadline {
                panic!("timed out waiting for {what}; log:\n{text}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits until the log contains `needle`.
    pub fn wait_for(&self, needle: &str) -> String {
        self.wait_log(needle, |t| t.contains(needle))
    }

    /// The pids of `Started child <pid>` lines, in order.
    pub fn started_children(&self) -> Vec<i32> {
        started_children(&self.log_text())
    }

    /// Waits for `n` `Started child` lines and for each of those workers to be serving.
    pub fn wait_children(&self, n: usize) -> Vec<i32> {
        let text = self.wait_log(&format!("{n} started children serving"), |t| {
            let pids = started_children(t);
            pids.len() >= n
                && pids
                    .iter()
                    .all(|p| t.contains(&format!("echo worker {p} serving")))
        });
        started_children(&text)
    }

    /// The port from `echo listening on 127.0.0.1:<port>`.
    pub fn port(&self) -> u16 {
        let text = self.wait_for("echo listening on ");
        text.lines()
            .find_map(|l| l.split("echo listening on 127.0.0.1:").nth(1))
            .and_then(|p| p.trim().parse().ok())
            .unwrap_or_else(|| panic!("no port in log:\n{text}"))
    }

    pub fn connect(&self) -> Conn {
        Conn::open(self.port())
    }

    /// One request on a fresh connection.
    pub fn request(&self, line: &str) -> String {
        self.connect().request(line)
    }

    pub fn signal(&self, signal: Signal) {
        kill(Pid::from_raw(self.pid()), signal).expect("signal the parent");
    }

    /// Waits for the parent to exit; fails after `limit`.
    pub fn wait_exit(&mut self, limit: Duration) -> ExitStatus {
        if let Some(status) = self.exited {
            return status;
        }
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                self.exited = Some(status);
                return status;
            }
            if Instant::now() > deadline {
                panic!(
                    "echo_service did not exit within {limit:?}; log:\n{}",
                    self.log_text()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Rewrites the configuration file.
    pub fn write_conf(&self, conf: &str) {
        let mut f = File::create(&self.conf).expect("rewrite conf");
        f.write_all(conf.as_bytes()).expect("write conf");
    }
}

impl Drop for Echo {
    fn drop(&mut self) {
        // The whole group: the parent and every worker it forked (even orphaned ones).
        let _ = killpg(Pid::from_raw(self.pid()), Signal::SIGKILL);
        let children = self.started_children();
        for pid in &children {
            let _ = kill(Pid::from_raw(*pid), Signal::SIGKILL);
        }
        let _ = self.child.wait();
        // The parent is reaped, so its workers now belong to this (subreaper) process.
        for pid in children {
            reap(pid);
        }
    }
}

/// Reaps `pid` if it is (or becomes within a few seconds) a zombie child of this process.
fn reap(pid: i32) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        match waitpid(Pid::from_raw(pid), Some(WaitPidFlag::WNOHANG)) {
            Ok(WaitStatus::StillAlive) => std::thread::sleep(Duration::from_millis(10)),
            _ => return,
        }
    }
}

pub fn started_children(log: &str) -> Vec<i32> {
    log.lines()
        .filter_map(|l| l.split("Started child ").nth(1))
        .filter_map(|p| p.trim().parse().ok())
        .collect()
}

/// Whether `pid` is a live process (not gone, not a zombie).
pub fn alive(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => {
            // "pid (comm) S ...": the state follows the last ')'.
            let state = stat
                .rsplit(')')
                .next()
                .and_then(|rest| rest.split_whitespace().next());
            !matches!(state, Some("Z") | Some("X") | None)
        }
        Err(_) => false,
    }
}

/// Polls until `cond` holds; fails with `what` after [`PATIENCE`].
pub fn eventually(what: &str, cond: impl Fn() -> bool) {
    let deadline = Instant::now() + PATIENCE;
    while !cond() {
        if Instant::now() > deadline {
            panic!("timed out waiting for {what}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A line-oriented client connection.
pub struct Conn {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Conn {
    pub fn open(port: u16) -> Conn {
        let stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        stream
            .set_read_timeout(Some(PATIENCE))
            .expect("read timeout");
        let writer = stream.try_clone().expect("clone stream");
        Conn {
            reader: BufReader::new(stream),
            writer,
        }
    }

    pub fn send(&mut self, line: &str) {
        self.writer
            .write_all(format!("{line}\n").as_bytes())
            .expect("send");
    }

    /// The next line, without the newline; empty at end of stream.
    pub fn read_line(&mut self) -> String {
        let mut line = String::new();
        self.reader.read_line(&mut line).expect("read reply");
        line.trim_end().to_string()
    }

    pub fn request(&mut self, line: &str) -> String {
        self.send(line);
        self.read_line()
    }
}

/// The pid at the end of a reply (`PONG 123`, `a hi 123`).
pub fn reply_pid(reply: &str) -> i32 {
    reply
        .rsplit(' ')
        .next()
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no pid in reply {reply:?}"))
}
