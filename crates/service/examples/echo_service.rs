//! A line-based TCP echo service on the launchers, used by the process-level tests in
//! `tests/process.rs` (it is not shipped). Requests, one per line:
//!
//! - `PING` → `PONG <pid>`
//! - `ECHO <text>` → `<echo_prefix> <text> <pid>`
//! - `SLOW <ms>` → `BEGIN <pid>`, then after `<ms>` milliseconds `DONE <pid>`
//! - `CONF` → `CONF <pid> prefix=<echo_prefix> debug=<debug>`

use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use openstack_config::{options, ConfigError, ConfigOpts, Opt};
use openstack_service::{
    logging, workers_from_option, BoxFuture, CancellationToken, ProcessLauncher, RestartMethod,
    ServiceBase, ServiceError, ServiceLauncher,
};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::tcp::OwnedWriteHalf;
use tokio::net::TcpStream;
use tokio::task::JoinSet;
use tracing::Instrument;

options! {
    #[derive(Debug, Clone)]
    struct EchoOpts in "DEFAULT" {
        echo_workers: Option<i64> = Opt::int().help("Worker processes (unset or 0: one per CPU)."),
        echo_listen: String = Opt::str().default("127.0.0.1").help("Address to listen on."),
        echo_port: u16 = Opt::port().default("0").help("Port to listen on (0: any)."),
        echo_prefix: String = Opt::str().default("echo").mutable().help("Prefix of ECHO replies."),
        echo_immutable: String = Opt::str().default("fixed").help("Not mutable."),
        echo_launcher: String = Opt::str().default("process").choices(&["process", "service"])
            .help("Which launcher runs the service."),
        echo_restart_method: String = Opt::str().default("mutate").choices(&["mutate", "reload"])
            .help("restart_method of the launcher."),
        echo_fail_start: bool = Opt::bool().default("false").help("Fail at once in start()."),
    }
}

struct Echo {
    listener: TcpListener,
    prefix: Mutex<String>,
    debug: Mutex<bool>,
    connections: Arc<std::sync::atomic::AtomicUsize>,
    fail_start: bool,
}

impl Echo {
    fn prefix(&self) -> String {
        self.prefix.lock().map(|p| p.clone()).unwrap_or_default()
    }

    fn debug(&self) -> bool {
        self.debug.lock().map(|d| *d).unwrap_or(false)
    }

    async fn serve(self: Arc<Self>, stop: CancellationToken) -> Result<(), ServiceError> {
        let std_listener = self.listener.try_clone()?;
        std_listener.set_nonblocking(true)?;
        let listener = tokio::net::TcpListener::from_std(std_listener)?;
        let count = Arc::clone(&self.connections);
        openstack_service::report::register_section("Echo", move || {
            format!(
                "connections = {}",
                count.load(std::sync::atomic::Ordering::SeqCst)
            )
        });
        tracing::info!("echo worker {} serving", std::process::id());
        let mut connections = JoinSet::new();
        loop {
            tokio::select! {
                () = stop.cancelled() => break,
                accepted = listener.accept() => {
                    let (stream, _) = accepted?;
                    connections.spawn(Arc::clone(&self).connection(stream, stop.clone()));
                }
            }
        }
        drop(listener);
        tracing::info!(
            "echo worker {} draining {} connections",
            std::process::id(),
            connections.len()
        );
        while connections.join_next().await.is_some() {}
        tracing::info!("echo worker {} stopped", std::process::id());
        Ok(())
    }

    async fn connection(self: Arc<Self>, stream: TcpStream, stop: CancellationToken) {
        use std::sync::atomic::Ordering;
        self.connections.fetch_add(1, Ordering::SeqCst);
        let (read, mut write) = stream.into_split();
        let mut lines = BufReader::new(read).lines();
        loop {
            // Idle connections close on stop; a request in progress is finished first.
            let line = tokio::select! {
                () = stop.cancelled() => break,
                line = lines.next_line() => line,
            };
            let Ok(Some(line)) = line else { break };
            let span = logging::request_span(&openstack_service::generate_request_id(), None);
            let Some(reply) = self.request(&line, &mut write).instrument(span).await else {
                break;
            };
            if write
                .write_all(format!("{reply}\n").as_bytes())
                .await
                .is_err()
            {
                break;
            }
        }
        self.connections.fetch_sub(1, Ordering::SeqCst);
    }

    /// The reply to one request line; `None` when the client went away.
    async fn request(&self, line: &str, write: &mut OwnedWriteHalf) -> Option<String> {
        let pid = std::process::id();
        tracing::debug!("echo request {line:?}");
        let reply = match line.split_once(' ').unwrap_or((line, "")) {
            ("PING", _) => format!("PONG {pid}"),
            ("ECHO", text) => format!("{} {text} {pid}", self.prefix()),
            ("CONF", _) => format!("CONF {pid} prefix={} debug={}", self.prefix(), self.debug()),
            ("SLOW", ms) => {
                let ms: u64 = ms.trim().parse().unwrap_or(1000);
                write
                    .write_all(format!("BEGIN {pid}\n").as_bytes())
                    .await
                    .ok()?;
                tracing::info!("slow request of {ms} ms");
                tokio::time::sleep(Duration::from_millis(ms)).await;
                format!("DONE {pid}")
            }
            _ => format!("ERROR {pid}"),
        };
        Some(reply)
    }
}

impl ServiceBase for Echo {
    fn name(&self) -> &str {
        "echo"
    }

    fn start(
        self: Arc<Self>,
        stop: CancellationToken,
    ) -> BoxFuture<'static, Result<(), ServiceError>> {
        if self.fail_start {
            return Box::pin(async { Err(ServiceError::Failed("echo_fail_start is set".into())) });
        }
        Box::pin(self.serve(stop))
    }

    fn reset(&self, conf: &ConfigOpts) {
        if let Ok(prefix) = conf.get_as::<String>("DEFAULT", "echo_prefix") {
            if let Ok(mut p) = self.prefix.lock() {
                *p = prefix.clone();
            }
            tracing::info!("echo reset in {}: prefix {prefix}", std::process::id());
        }
        if let Ok(debug) = conf.get_as::<bool>("DEFAULT", "debug") {
            if let Ok(mut d) = self.debug.lock() {
                *d = debug;
            }
        }
    }
}

fn run() -> Result<i32, String> {
    let mut conf = ConfigOpts::new("echo", "echo-service", "1.0.0");
    openstack_service::register_opts(&mut conf).map_err(|e| e.to_string())?;
    conf.register::<EchoOpts>().map_err(|e| e.to_string())?;
    let args: Vec<String> = std::env::args().skip(1).collect();
    match conf.parse_args(&args) {
        Ok(()) => {}
        Err(ConfigError::Exit { code, message }) => {
            println!("{message}");
            return Ok(code);
        }
        Err(e) => return Err(e.to_string()),
    }
    logging::setup(&conf, "echo-service").map_err(|e| e.to_string())?;
    let opts: EchoOpts = conf.load().map_err(|e| e.to_string())?;
    let workers =
        workers_from_option("echo_workers", opts.echo_workers).map_err(|e| e.to_string())?;
    let restart: RestartMethod = opts
        .echo_restart_method
        .parse()
        .map_err(|e: openstack_service::LaunchError| e.to_string())?;
    let listener = TcpListener::bind((opts.echo_listen.as_str(), opts.echo_port)).map_err(|e| {
        format!(
            "Could not bind to {}:{}: {e}",
            opts.echo_listen, opts.echo_port
        )
    })?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    tracing::info!("echo listening on {addr}");
    let echo = Arc::new(Echo {
        listener,
        prefix: Mutex::new(opts.echo_prefix.clone()),
        debug: Mutex::new(conf.get_as::<bool>("DEFAULT", "debug").unwrap_or(false)),
        connections: Arc::new(std::sync::atomic::AtomicUsize::new(0)),
        fail_start: opts.echo_fail_start,
    });
    if opts.echo_launcher == "service" {
        let mut launcher = ServiceLauncher::new(conf, restart).map_err(|e| e.to_string())?;
        launcher
            .launch_service(echo, 1)
            .map_err(|e| e.to_string())?;
        Ok(launcher.wait())
    } else {
        let mut launcher = ProcessLauncher::new(conf, restart).map_err(|e| e.to_string())?;
        launcher
            .launch_service(echo, workers)
            .map_err(|e| e.to_string())?;
        Ok(launcher.wait())
    }
}

fn main() {
    let status = match run() {
        Ok(status) => status,
        Err(message) => {
            tracing::error!("{message}");
            eprintln!("{message}");
            1
        }
    };
    std::process::exit(status);
}
