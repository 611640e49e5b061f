//! The signals the runtime reacts to, as one typed enum, and the one place that turns OS
//! signals into it (oslo.service's `SignalHandler` and its signal maps).
//!
//! [`SignalSource`] installs signal-hook handlers that set a flag and write a byte to a
//! self-pipe; nothing runs in the handler itself and no thread is started, so the forking
//! parent can wait on it with `poll` before any thread exists. Processes that run a Tokio
//! runtime (a worker, the single-process launcher) call [`SignalSource::forward`], which moves
//! the source onto one thread that feeds a channel.

use std::io::{self, Read};
use std::os::fd::AsFd;
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use nix::sys::signal::{SigSet, Signal as NixSignal};
use signal_hook::SigId;

/// A signal the launchers handle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Signal {
    /// SIGINT: instantaneous exit with status 1.
    Int,
    /// SIGTERM: graceful stop.
    Term,
    /// SIGHUP: reload/mutate the configuration when daemonised, else stop.
    Hup,
    /// SIGUSR2: write a Guru Meditation Report.
    Usr2,
    /// SIGCHLD: a worker changed state (parent only).
    Child,
}

impl Signal {
    /// Every variant, in the order pending signals are handled (the most urgent first).
    pub const ALL: [Signal; 5] = [
        Signal::Int,
        Signal::Term,
        Signal::Hup,
        Signal::Usr2,
        Signal::Child,
    ];

    /// The OS signal number.
    pub fn raw(self) -> i32 {
        self.nix() as i32
    }

    /// The typed signal for an OS signal number, if the runtime handles it.
    pub fn from_raw(raw: i32) -> Option<Signal> {
        Signal::ALL.into_iter().find(|s| s.raw() == raw)
    }

    /// `SIGTERM`, `SIGHUP`, … as upstream logs them.
    pub fn name(self) -> &'static str {
        self.nix().as_str()
    }

    pub(crate) fn nix(self) -> NixSignal {
        match self {
            Signal::Int => NixSignal::SIGINT,
            Signal::Term => NixSignal::SIGTERM,
            Signal::Hup => NixSignal::SIGHUP,
            Signal::Usr2 => NixSignal::SIGUSR2,
            Signal::Child => NixSignal::SIGCHLD,
        }
    }
}

/// The set of `signals`, for blocking them around a fork.
pub(crate) fn sigset(signals: &[Signal]) -> SigSet {
    let mut set = SigSet::empty();
    for s in signals {
        set.add(s.nix());
    }
    set
}

/// Installed handlers for a set of signals; dropping it removes them.
#[derive(Debug)]
pub struct SignalSource {
    flags: Vec<(Signal, Arc<AtomicBool>)>,
    wake: UnixStream,
    ids: Vec<SigId>,
}

impl SignalSource {
    /// Installs handlers for `signals` (their default actions no longer apply).
    pub fn install(signals: &[Signal]) -> io::Result<SignalSource> {
        let (read, write) = UnixStream::pair()?;
        read.set_nonblocking(true)?;
        write.set_nonblocking(true)?;
        let mut source = SignalSource {
            flags: Vec::new(),
            wake: read,
            ids: Vec::new(),
        };
        for &signal in signals {
            let flag = Arc::new(AtomicBool::new(false));
            // Flag first, then the wake byte: actions run in registration order, so a reader
            // woken by the byte always finds the flag set.
            source.ids.push(signal_hook::flag::register(
                signal.raw(),
                Arc::clone(&flag),
            )?);
            source.ids.push(signal_hook::low_level::pipe::register(
                signal.raw(),
                write.try_clone()?,
            )?);
            source.flags.push((signal, flag));
        }
        Ok(source)
    }

    /// The signals received since the last call, most urgent first; never blocks.
    pub fn take(&self) -> Vec<Signal> {
        // Drain the pipe before reading the flags (see signal_hook::low_level::pipe).
        let mut buf = [0u8; 64];
        while let Ok(n) = (&self.wake).read(&mut buf) {
            if n == 0 {
                break;
            }
        }
        let mut got: Vec<Signal> = self
            .flags
            .iter()
            .filter(|(_, flag)| flag.swap(false, Ordering::SeqCst))
            .map(|(s, _)| *s)
            .collect();
        got.sort();
        got
    }

    /// Waits until a signal arrives or `timeout` passes (`None`: no limit) and returns what
    /// arrived, possibly nothing.
    pub fn wait(&self, timeout: Option<Duration>) -> Vec<Signal> {
        let got = self.take();
        if !got.is_empty() {
            return got;
        }
        let timeout = match timeout {
            None => PollTimeout::NONE,
            Some(d) => PollTimeout::try_from(d).unwrap_or(PollTimeout::MAX),
        };
        let mut fds = [PollFd::new(self.wake.as_fd(), PollFlags::POLLIN)];
        // EINTR is the normal way to wake up here: the handler interrupted the poll.
        let _ = poll(&mut fds, timeout);
        self.take()
    }

    /// Moves the source onto a thread of its own that sends every signal into the returned
    /// channel, for processes that run a Tokio runtime.
    pub fn forward(self) -> io::Result<tokio::sync::mpsc::UnboundedReceiver<Signal>> {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        std::thread::Builder::new()
            .name("signals".into())
            .spawn(move || loop {
                for signal in self.wait(None) {
                    if tx.send(signal).is_err() {
                        return;
                    }
                }
            })?;
        Ok(rx)
    }
}

impl Drop for SignalSource {
    fn drop(&mut self) {
        for id in self.ids.drain(..) {
            signal_hook::low_level::unregister(id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_os_signals_both_ways() {
        for s in Signal::ALL {
            assert_eq!(Signal::from_raw(s.raw()), Some(s));
        }
        assert_eq!(Signal::Term.raw(), libc::SIGTERM);
        assert_eq!(Signal::from_raw(libc::SIGUSR1), None);
        assert_eq!(Signal::Hup.name(), "SIGHUP");
    }

    #[test]
    fn a_raised_signal_wakes_the_source() {
        // SIGUSR2 is only used by this test inside the unit-test binary.
        let source = SignalSource::install(&[Signal::Usr2]).expect("install");
        assert!(source.take().is_empty());
        signal_hook::low_level::raise(libc::SIGUSR2).expect("raise");
        let mut got = Vec::new();
        for _ in 0..50 {
            got = source.wait(Some(Duration::from_millis(100)));
            if !got.is_empty() {
                break;
            }
        }
        assert_eq!(got, vec![Signal::Usr2]);
        assert!(source.take().is_empty());
    }
}
