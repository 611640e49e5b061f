//! Binding the listen socket, in the parent before any worker is forked and before any
//! Tokio runtime exists (oslo.service's `Server.__init__`, neutron's retrying `_get_socket`):
//! getaddrinfo-style resolution (IPv6 capable), `SO_REUSEADDR`, `listen(backlog)`, and the
//! optional retry while the address is in use.

use std::io;
use std::net::{SocketAddr, TcpListener, ToSocketAddrs};
use std::time::{Duration, Instant};

use socket2::{Domain, Protocol, Socket, Type};

use super::ServerError;

/// How often a busy port is retried within `retry_until_window`.
const RETRY_INTERVAL: Duration = Duration::from_millis(100);

/// Binds `host:port` (port 0 picks a free one) and listens with `backlog`. With
/// `retry_until_window`, an `EADDRINUSE` is retried every 0.1 s until the window has passed.
/// Logs `<name> listening on <ip>:<port>` with the address actually bound.
pub fn bind(
    name: &str,
    host: &str,
    port: u16,
    backlog: i32,
    retry_until_window: Option<Duration>,
) -> Result<TcpListener, ServerError> {
    if backlog < 1 {
        return Err(ServerError::InvalidBacklog);
    }
    let addr = resolve(host, port)?;
    let started = Instant::now();
    let listener = loop {
        match bind_once(addr, backlog) {
            Ok(listener) => break listener,
            Err(e) if e.kind() == io::ErrorKind::AddrInUse => match retry_until_window {
                Some(window) if started.elapsed() < window => std::thread::sleep(RETRY_INTERVAL),
                Some(window) => {
                    tracing::error!("Could not bind to {host}:{port}");
                    return Err(ServerError::BindTimeout {
                        host: host.to_string(),
                        port,
                        seconds: window.as_secs(),
                    });
                }
                None => return Err(bind_error(host, port, e)),
            },
            Err(e) => return Err(bind_error(host, port, e)),
        }
    };
    let bound = listener.local_addr()?;
    tracing::info!("{name} listening on {}:{}", bound.ip(), bound.port());
    Ok(listener)
}

fn bind_error(host: &str, port: u16, source: io::Error) -> ServerError {
    tracing::error!("Could not bind to {host}:{port}");
    ServerError::Bind {
        host: host.to_string(),
        port,
        source,
    }
}

/// `getaddrinfo(host, port, AF_UNSPEC, SOCK_STREAM)[0]`.
fn resolve(host: &str, port: u16) -> Result<SocketAddr, ServerError> {
    let resolve_error = |source| {
        tracing::error!("Unable to listen on {host}:{port}");
        ServerError::Resolve {
            host: host.to_string(),
            port,
            source,
        }
    };
    // A bracketed IPv6 literal is accepted too ("[::1]").
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    let mut addrs = (bare, port).to_socket_addrs().map_err(resolve_error)?;
    addrs.next().ok_or_else(|| {
        resolve_error(io::Error::new(
            io::ErrorKind::NotFound,
            "no address found for host",
        ))
    })
}

fn bind_once(addr: SocketAddr, backlog: i32) -> io::Result<TcpListener> {
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    socket.set_reuse_address(true)?;
    socket.set_keepalive(true)?;
    socket.bind(&addr.into())?;
    socket.listen(backlog)?;
    Ok(socket.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binds_a_free_port_on_ipv4_and_reads_it_back() {
        let listener = bind("test", "127.0.0.1", 0, 16, None).expect("bind");
        let addr = listener.local_addr().expect("addr");
        assert_eq!(addr.ip().to_string(), "127.0.0.1");
        assert_ne!(addr.port(), 0);
        assert!(std::net::TcpStream::connect(addr).is_ok());
    }

    #[test]
    fn binds_ipv6_loopback_when_available() {
        // Hosts without IPv6 cannot bind ::1 at all; only check the error shape there.
        match bind("test", "::1", 0, 16, None) {
            Ok(listener) => assert!(listener.local_addr().expect("addr").is_ipv6()),
            Err(e) => assert!(
                e.to_string().starts_with("Could not bind to ::1:0: "),
                "{e}"
            ),
        }
    }

    #[test]
    fn busy_port_error_text() {
        let first = bind("test", "127.0.0.1", 0, 16, None).expect("bind");
        let port = first.local_addr().expect("addr").port();
        let err = bind("test", "127.0.0.1", port, 16, None).expect_err("busy");
        let text = err.to_string();
        assert!(
            text.starts_with(&format!("Could not bind to 127.0.0.1:{port}: ")),
            "{text}"
        );
        assert!(text.contains("in use"), "{text}");
    }

    #[test]
    fn retry_window_gives_up_after_the_window() {
        let first = bind("test", "127.0.0.1", 0, 16, None).expect("bind");
        let port = first.local_addr().expect("addr").port();
        let started = Instant::now();
        let err = bind(
            "test",
            "127.0.0.1",
            port,
            16,
            Some(Duration::from_millis(1200)),
        )
        .expect_err("still busy");
        assert!(started.elapsed() >= Duration::from_millis(1200));
        assert_eq!(
            err.to_string(),
            format!("Could not bind to 127.0.0.1:{port} after trying for 1 seconds")
        );
    }

    #[test]
    fn retry_window_succeeds_once_the_port_is_freed() {
        let first = bind("test", "127.0.0.1", 0, 16, None).expect("bind");
        let port = first.local_addr().expect("addr").port();
        let releaser = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(300));
            drop(first);
        });
        let second = bind("test", "127.0.0.1", port, 16, Some(Duration::from_secs(10)))
            .expect("bound after release");
        assert_eq!(second.local_addr().expect("addr").port(), port);
        releaser.join().expect("join");
    }

    #[test]
    fn backlog_must_be_positive() {
        let err = bind("test", "127.0.0.1", 0, 0, None).expect_err("backlog");
        assert_eq!(err.to_string(), "The backlog must be more than 0");
    }

    #[test]
    fn unresolvable_host() {
        let err = bind("test", "no-such-host.invalid", 8776, 16, None).expect_err("resolve");
        assert!(
            err.to_string()
                .starts_with("Unable to listen on no-such-host.invalid:8776: "),
            "{err}"
        );
    }
}
