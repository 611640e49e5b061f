//! The HTTP server of an API service, replacing `oslo_service.wsgi.Server` (eventlet's WSGI
//! server) and `oslo_service.sslutils`: the listen socket is bound in the parent before any
//! worker is forked (`bind`), and each worker serves the paste-built stack on it with hyper
//! (`WsgiService`, a `ServiceBase`): keep-alive, client socket timeout, the per-worker pool
//! size, eventlet's request-line and header-line limits, TLS from `[ssl]`, an access log line
//! per request in `wsgi_log_format`, and a graceful drain on stop (shared/reference/service.md
//! §7).

mod access_log;
mod bind;
mod limits;
mod service;
mod tls;

use openstack_config::{options, ConfigError, ConfigOpts, Opt};

pub use access_log::format_access_line;
pub use bind::bind;
pub use service::WsgiService;
pub use tls::server_config;

/// eventlet's default `wsgi_log_format` as oslo.service sets it (two spaces before `len`).
pub const DEFAULT_WSGI_LOG_FORMAT: &str =
    "%(client_ip)s \"%(request_line)s\" status: %(status_code)s  len: %(body_length)s time: \
     %(wall_seconds).7f";

options! {
    /// `[DEFAULT]` options of the WSGI server (oslo_service/_options.py `wsgi_opts`).
    #[derive(Debug, Clone, PartialEq)]
    pub struct WsgiServerOpts in "DEFAULT" {
        api_paste_config: String = Opt::str()
            .default("api-paste.ini")
            .deprecated_for_removal()
            .help("File name for the paste.deploy config for api service"),
        wsgi_log_format: String = Opt::str()
            .default(DEFAULT_WSGI_LOG_FORMAT)
            .deprecated_for_removal()
            .help("A python format string that is used as the template to generate log \
                   lines. The following values can be formatted into it: client_ip, \
                   date_time, request_line, status_code, body_length, wall_seconds."),
        tcp_keepidle: i64 = Opt::int()
            .default("600")
            .deprecated_for_removal()
            .help("Sets the value of TCP_KEEPIDLE in seconds for each server socket. Not \
                   supported on OS X."),
        wsgi_default_pool_size: i64 = Opt::int()
            .default("100")
            .deprecated_for_removal()
            .help("Size of the pool of greenthreads used by wsgi"),
        max_header_line: i64 = Opt::int()
            .default("16384")
            .deprecated_for_removal()
            .help("Maximum line size of message headers to be accepted. max_header_line may \
                   need to be increased when using large tokens (typically those generated \
                   when keystone is configured to use PKI tokens with big service catalogs)."),
        wsgi_keep_alive: bool = Opt::bool()
            .default("true")
            .deprecated_for_removal()
            .help("If False, closes the client socket connection explicitly."),
        client_socket_timeout: i64 = Opt::int()
            .default("900")
            .deprecated_for_removal()
            .help("Timeout for client connections' socket operations. If an incoming \
                   connection is idle for this number of seconds it will be closed. A value \
                   of '0' means wait forever."),
        wsgi_server_debug: bool = Opt::bool()
            .default("false")
            .deprecated_for_removal()
            .help("True if the server should send exception tracebacks to the clients on 500 \
                   errors. If False, the server will respond with empty bodies."),
    }
}

options! {
    /// `[ssl]` options (oslo_service/_options.py `ssl_opts`).
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct SslOpts in "ssl" {
        ca_file: Option<String> = Opt::str()
            .deprecated_opt(Some("DEFAULT"), "ssl_ca_file")
            .help("CA certificate file to use to verify connecting clients."),
        cert_file: Option<String> = Opt::str()
            .deprecated_opt(Some("DEFAULT"), "ssl_cert_file")
            .help("Certificate file to use when starting the server securely."),
        key_file: Option<String> = Opt::str()
            .deprecated_opt(Some("DEFAULT"), "ssl_key_file")
            .help("Private key file to use when starting the server securely."),
        version: Option<String> = Opt::str()
            .help("SSL version to use (valid only if SSL enabled). Valid values are TLSv1 \
                   and SSLv23. SSLv2, SSLv3, TLSv1_1, and TLSv1_2 may be available on some \
                   distributions."),
        ciphers: Option<String> = Opt::str()
            .help("Sets the list of available ciphers. value should be a string in the \
                   OpenSSL cipher list format."),
    }
}

/// Registers [`WsgiServerOpts`] in `[DEFAULT]` and [`SslOpts`] in `[ssl]`.
pub fn register_opts(conf: &mut ConfigOpts) -> Result<(), ConfigError> {
    conf.register::<WsgiServerOpts>()?;
    conf.register::<SslOpts>()
}

/// Errors of binding, TLS set-up and serving.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// `backlog < 1` (oslo.service's `InvalidInput`).
    #[error("The backlog must be more than 0")]
    InvalidBacklog,
    /// getaddrinfo failed (neutron's `Unable to listen on <host>:<port>`).
    #[error("Unable to listen on {host}:{port}: {source}")]
    Resolve {
        host: String,
        port: u16,
        #[source]
        source: std::io::Error,
    },
    /// socket/bind/listen failed.
    #[error("Could not bind to {host}:{port}: {source}")]
    Bind {
        host: String,
        port: u16,
        #[source]
        source: std::io::Error,
    },
    /// The port stayed busy for the whole `retry_until_window`.
    #[error("Could not bind to {host}:{port} after trying for {seconds} seconds")]
    BindTimeout {
        host: String,
        port: u16,
        seconds: u64,
    },
    /// `[ssl]` problems, with sslutils' texts (`Unable to find cert_file : <p>`, ...).
    #[error("{0}")]
    Tls(String),
    /// A server option out of range.
    #[error("{0}")]
    InvalidOption(String),
    /// I/O on the listening socket.
    #[error(transparent)]
    Io(#[from] std::io::Error),
}
