//! The "daemon" test of oslo.service (`_is_daemon`, service.md §5.1): a process is a daemon
//! when its process group is not the foreground group of the terminal on stdout, or when
//! stdout is not a terminal at all. It decides what SIGHUP means: reload when daemonised,
//! stop when run from an interactive shell.

use nix::errno::Errno;
use nix::unistd::{getpgrp, tcgetpgrp, Pid};

/// Whether this process runs as a daemon (stdout redirected, under systemd, backgrounded).
pub fn is_daemon() -> bool {
    daemon_from(getpgrp(), tcgetpgrp(std::io::stdout()))
}

/// The decision itself: `foreground` is `tcgetpgrp(stdout)`.
fn daemon_from(own: Pid, foreground: Result<Pid, Errno>) -> bool {
    match foreground {
        Ok(pgrp) => pgrp != own,
        // ENOTTY: not a terminal. Anything else (closed stdout, …): not a real terminal either.
        Err(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn foreground_process_group_is_not_a_daemon() {
        let me = Pid::from_raw(100);
        assert!(!daemon_from(me, Ok(me)));
    }

    #[test]
    fn background_process_group_is_a_daemon() {
        assert!(daemon_from(Pid::from_raw(100), Ok(Pid::from_raw(200))));
    }

    #[test]
    fn stdout_not_a_terminal_is_a_daemon() {
        assert!(daemon_from(Pid::from_raw(100), Err(Errno::ENOTTY)));
        assert!(daemon_from(Pid::from_raw(100), Err(Errno::EBADF)));
    }
}
