//! systemd readiness notification (oslo_service/systemd.py): tell a `Type=notify` unit that
//! the service is up by sending `READY=1` to `$NOTIFY_SOCKET`, once. The launchers call
//! [`notify_once`] at the start of `wait()`, in the parent only, after the workers were forked.

use std::io;
use std::os::unix::net::{SocketAddr, UnixDatagram};

const NOTIFY_SOCKET: &str = "NOTIFY_SOCKET";

/// Sends `READY=1` to `$NOTIFY_SOCKET` if it is set, then removes the variable so that no
/// other process (forked workers included) sends it again. Failures are logged at DEBUG and
/// otherwise ignored, as upstream does.
///
/// Call it while the process is single-threaded (the launchers do): it edits the environment.
pub fn notify_once() {
    let Some(addr) = std::env::var_os(NOTIFY_SOCKET) else {
        return;
    };
    std::env::remove_var(NOTIFY_SOCKET);
    let addr = addr.to_string_lossy().into_owned();
    match notify_to(&addr, "READY=1") {
        Ok(()) => tracing::debug!("Sent READY=1 to systemd at {addr}"),
        Err(e) => tracing::debug!("Systemd notification failed: {e}"),
    }
}

/// Sends one datagram `msg` to the AF_UNIX address `addr`: a path, or `@name` for the abstract
/// namespace.
pub fn notify_to(addr: &str, msg: &str) -> io::Result<()> {
    let sock = UnixDatagram::unbound()?;
    let target = socket_addr(addr)?;
    sock.send_to_addr(msg.as_bytes(), &target)?;
    Ok(())
}

fn socket_addr(addr: &str) -> io::Result<SocketAddr> {
    match addr.strip_prefix('@') {
        Some(name) => abstract_addr(name.as_bytes()),
        None => SocketAddr::from_pathname(addr),
    }
}

#[cfg(any(target_os = "linux", target_os = "android"))]
fn abstract_addr(name: &[u8]) -> io::Result<SocketAddr> {
    use std::os::linux::net::SocketAddrExt;
    SocketAddr::from_abstract_name(name)
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn abstract_addr(_name: &[u8]) -> io::Result<SocketAddr> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "abstract unix sockets exist only on Linux",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn sends_ready_to_a_path_socket() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("notify");
        let rx = UnixDatagram::bind(&path).expect("bind");
        notify_to(path.to_str().expect("utf-8 path"), "READY=1").expect("send");
        let mut buf = [0u8; 64];
        let n = rx.recv(&mut buf).expect("recv");
        assert_eq!(&buf[..n], b"READY=1");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn sends_ready_to_an_abstract_socket() {
        use std::os::linux::net::SocketAddrExt;
        let name = format!("openstack-service-test-{}", uuid::Uuid::new_v4());
        let addr = SocketAddr::from_abstract_name(name.as_bytes()).expect("addr");
        let rx = UnixDatagram::bind_addr(&addr).expect("bind");
        rx.set_read_timeout(Some(Duration::from_secs(5)))
            .expect("timeout");
        notify_to(&format!("@{name}"), "READY=1").expect("send");
        let mut buf = [0u8; 64];
        let n = rx.recv(&mut buf).expect("recv");
        assert_eq!(&buf[..n], b"READY=1");
    }

    #[test]
    fn a_missing_socket_is_an_error_not_a_panic() {
        assert!(notify_to("/nonexistent/notify", "READY=1").is_err());
    }
}
