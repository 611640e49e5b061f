//! `WsgiService`: the API server as a `ServiceBase` (oslo.service's `Server.start/stop/wait`
//! inside a launcher worker). `start` turns the inherited listen socket into a Tokio listener,
//! accepts connections (TLS handshake in the connection's own task), serves each with hyper's
//! HTTP/1 connection under the configured keep-alive and header timeout, limits concurrent
//! requests to `wsgi_default_pool_size`, and on stop closes the listener and lets in-flight
//! requests finish (hyper-util's `GracefulShutdown`).

use std::convert::Infallible;
use std::io;
use std::net::{SocketAddr, TcpListener};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::future::BoxFuture;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::{GracefulShutdown, Watcher};
use openstack_config::ConfigOpts;
use openstack_service::{ServiceBase, ServiceError};
use socket2::{SockRef, TcpKeepalive};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use tower::ServiceExt;

use super::access_log::{AccessRecord, LoggedBody};
use super::{limits, ServerError, WsgiServerOpts};
use crate::{Body, HttpService};

/// How long a TLS handshake may take when `client_socket_timeout` is 0.
const DEFAULT_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(60);

/// Counters shared by the accept loop, the connections and the report section.
#[derive(Debug, Default)]
struct Stats {
    open_connections: AtomicUsize,
    in_flight: Arc<AtomicUsize>,
}

/// One API server (`oslo_service.wsgi.Server` + cinder's `WSGIService`).
pub struct WsgiService {
    name: String,
    listener: TcpListener,
    app: HttpService,
    opts: WsgiServerOpts,
    tls: Option<Arc<rustls::ServerConfig>>,
    stats: Arc<Stats>,
}

/// What each connection task needs.
struct ConnConfig {
    app: HttpService,
    http: http1::Builder,
    max_header_line: usize,
    log_format: Arc<str>,
    pool: Arc<Semaphore>,
    stats: Arc<Stats>,
    keepidle: Option<Duration>,
    handshake_timeout: Duration,
}

impl WsgiService {
    /// Wraps a listener from [`super::bind`] (still blocking, no runtime needed) and the stack.
    /// `tls` comes from [`super::server_config`] when the service uses SSL.
    pub fn new(
        name: &str,
        listener: TcpListener,
        app: HttpService,
        opts: WsgiServerOpts,
        tls: Option<Arc<rustls::ServerConfig>>,
    ) -> Result<WsgiService, ServerError> {
        if opts.wsgi_default_pool_size < 1 {
            return Err(ServerError::InvalidOption(format!(
                "wsgi_default_pool_size value of {} is invalid, must be greater than 0",
                opts.wsgi_default_pool_size
            )));
        }
        if opts.max_header_line < 1 {
            return Err(ServerError::InvalidOption(format!(
                "max_header_line value of {} is invalid, must be greater than 0",
                opts.max_header_line
            )));
        }
        if let Some(idle) = keepidle(&opts) {
            SockRef::from(&listener).set_tcp_keepalive(&TcpKeepalive::new().with_time(idle))?;
        }
        Ok(WsgiService {
            name: name.to_string(),
            listener,
            app,
            opts,
            tls,
            stats: Arc::default(),
        })
    }

    /// The address the listener is bound to.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Client connections currently open in this process.
    pub fn open_connections(&self) -> usize {
        self.stats.open_connections.load(Ordering::SeqCst)
    }

    /// Requests being served (or whose response is being sent) in this process.
    pub fn requests_in_flight(&self) -> usize {
        self.stats.in_flight.load(Ordering::SeqCst)
    }

    /// Serves until `stop` is cancelled, then drains. Needs a Tokio runtime with I/O and time.
    pub async fn serve(&self, stop: CancellationToken) -> Result<(), ServerError> {
        let std_listener = self.listener.try_clone()?;
        std_listener.set_nonblocking(true)?;
        let listener = tokio::net::TcpListener::from_std(std_listener)?;
        self.register_report_section();
        let config = Arc::new(self.conn_config());
        let graceful = GracefulShutdown::new();
        loop {
            tokio::select! {
                _ = stop.cancelled() => break,
                accepted = listener.accept() => match accepted {
                    Ok((stream, peer)) => {
                        self.stats.open_connections.fetch_add(1, Ordering::SeqCst);
                        let watcher = graceful.watcher();
                        // A second watcher keeps the drain waiting until the count is updated.
                        let counted = graceful.watcher();
                        let config = Arc::clone(&config);
                        let tls = self.tls.clone();
                        let stop = stop.clone();
                        tokio::spawn(async move {
                            connection(stream, peer, config.clone(), tls, watcher, stop).await;
                            config.stats.open_connections.fetch_sub(1, Ordering::SeqCst);
                            drop(counted);
                        });
                    }
                    Err(e) => {
                        // Out of file descriptors and the like: do not spin.
                        tracing::error!("Error accepting a connection: {e}");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                },
            }
        }
        drop(listener);
        tracing::info!("Stopping WSGI server.");
        let in_flight = self.requests_in_flight();
        if in_flight > 0 {
            tracing::info!("Waiting WSGI server to finish {in_flight} requests.");
        }
        graceful.shutdown().await;
        Ok(())
    }

    fn conn_config(&self) -> ConnConfig {
        let timeout = match self.opts.client_socket_timeout {
            n if n > 0 => Some(Duration::from_secs(n.unsigned_abs())),
            _ => None,
        };
        let mut http = http1::Builder::new();
        http.keep_alive(self.opts.wsgi_keep_alive)
            .timer(TokioTimer::new())
            .header_read_timeout(timeout)
            .max_buf_size(limits::MAX_BUF_SIZE);
        let pool = usize::try_from(self.opts.wsgi_default_pool_size)
            .unwrap_or(1)
            .clamp(1, Semaphore::MAX_PERMITS);
        ConnConfig {
            app: self.app.clone(),
            http,
            max_header_line: usize::try_from(self.opts.max_header_line).unwrap_or(usize::MAX),
            log_format: Arc::from(self.opts.wsgi_log_format.as_str()),
            pool: Arc::new(Semaphore::new(pool)),
            stats: Arc::clone(&self.stats),
            keepidle: keepidle(&self.opts),
            handshake_timeout: timeout.unwrap_or(DEFAULT_HANDSHAKE_TIMEOUT),
        }
    }

    /// The Guru Meditation Report shows this worker's connections.
    fn register_report_section(&self) {
        let stats = Arc::clone(&self.stats);
        openstack_service::report::register_section(
            &format!("WSGI server {}", self.name),
            move || {
                format!(
                    "open connections: {}\nrequests in flight: {}",
                    stats.open_connections.load(Ordering::SeqCst),
                    stats.in_flight.load(Ordering::SeqCst)
                )
            },
        );
    }
}

impl ServiceBase for WsgiService {
    fn name(&self) -> &str {
        &self.name
    }

    fn start(
        self: Arc<Self>,
        stop: CancellationToken,
    ) -> BoxFuture<'static, Result<(), ServiceError>> {
        Box::pin(async move {
            self.serve(stop).await.map_err(|e| match e {
                ServerError::Io(io) => ServiceError::Io(io),
                other => ServiceError::Failed(other.to_string()),
            })
        })
    }

    fn reset(&self, _conf: &ConfigOpts) {
        tracing::info!("WSGI server {}: nothing to reset", self.name);
    }
}

fn keepidle(opts: &WsgiServerOpts) -> Option<Duration> {
    (opts.tcp_keepidle > 0).then(|| Duration::from_secs(opts.tcp_keepidle.unsigned_abs()))
}

/// One client connection: optional TLS handshake, then HTTP/1 until closed or drained.
async fn connection(
    stream: tokio::net::TcpStream,
    peer: SocketAddr,
    config: Arc<ConnConfig>,
    tls: Option<Arc<rustls::ServerConfig>>,
    watcher: Watcher,
    stop: CancellationToken,
) {
    let sock = SockRef::from(&stream);
    let _ = sock.set_nodelay(true);
    if let Some(idle) = config.keepidle {
        let _ = sock.set_tcp_keepalive(&TcpKeepalive::new().with_time(idle));
    }
    match tls {
        None => serve_http(stream, peer, config, watcher).await,
        Some(tls) => {
            let acceptor = tokio_rustls::TlsAcceptor::from(tls);
            let handshake = tokio::time::timeout(config.handshake_timeout, acceptor.accept(stream));
            let stream = tokio::select! {
                _ = stop.cancelled() => return,
                done = handshake => match done {
                    Ok(Ok(stream)) => stream,
                    Ok(Err(e)) => {
                        tracing::debug!("TLS handshake with {peer} failed: {e}");
                        return;
                    }
                    Err(_) => {
                        tracing::debug!("TLS handshake with {peer} timed out");
                        return;
                    }
                },
            };
            serve_http(stream, peer, config, watcher).await;
        }
    }
}

async fn serve_http<S>(stream: S, peer: SocketAddr, config: Arc<ConnConfig>, watcher: Watcher)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let handler = Arc::clone(&config);
    let service = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
        let handler = Arc::clone(&handler);
        async move { Ok::<_, Infallible>(handle(&handler, req, peer).await) }
    });
    let conn = config.http.serve_connection(TokioIo::new(stream), service);
    if let Err(e) = watcher.watch(conn).await {
        tracing::debug!("connection from {peer} ended: {e}");
    }
}

/// One request: eventlet's limits, the pool permit, the stack, the access log.
async fn handle(
    config: &ConnConfig,
    req: hyper::Request<Incoming>,
    peer: SocketAddr,
) -> http::Response<LoggedBody> {
    let started = Instant::now();
    let mut record = AccessRecord {
        client_ip: client_ip(&req, peer),
        request_line: limits::request_line(&req),
        status_code: 0,
        started,
        span: None,
    };
    if let Some(refusal) = limits::check(&req, config.max_header_line) {
        record.status_code = refusal.status().as_u16();
        let format = Arc::clone(&config.log_format);
        return refusal.map(|body| LoggedBody::new(body, record, format, None, None));
    }
    let permit = Arc::clone(&config.pool).acquire_owned().await.ok();
    config.stats.in_flight.fetch_add(1, Ordering::SeqCst);
    let in_flight = Arc::clone(&config.stats.in_flight);
    let resp = match config.app.clone().oneshot(req.map(Body::new)).await {
        Ok(resp) => resp,
        Err(never) => match never {},
    };
    record.status_code = resp.status().as_u16();
    record.span = resp
        .extensions()
        .get::<crate::RequestSpan>()
        .map(|s| s.0.clone());
    let format = Arc::clone(&config.log_format);
    resp.map(|body| LoggedBody::new(body, record, format, permit, Some(in_flight)))
}

/// eventlet's `get_client_address` with `log_x_forwarded_for`: `<X-Forwarded-For>,<peer>`.
fn client_ip<B>(req: &http::Request<B>, peer: SocketAddr) -> String {
    let forwarded = req
        .headers()
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .map(|v| v.replace(' ', ""))
        .filter(|v| !v.is_empty());
    match forwarded {
        Some(f) => format!("{f},{}", peer.ip()),
        None => peer.ip().to_string(),
    }
}
