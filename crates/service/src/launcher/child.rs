//! A forked worker (oslo.service's `_child_process` / `_start_child`, service.md §4.2): swap
//! the parent's signal handlers for the worker's, watch the parent-death pipe, build this
//! process's own Tokio runtime and run the service in it until a signal ends it.

use std::fs::File;
use std::io::Read;
use std::os::fd::OwnedFd;
use std::sync::Arc;
use std::time::{Duration, Instant};

use nix::sys::signal::SigSet;
use openstack_config::ConfigOpts;
use tokio_util::sync::CancellationToken;

use super::runner::Runner;
use super::{RestartMethod, ServiceBase};
use crate::report::Role;
use crate::signals::{Signal, SignalSource};

/// The signals a worker handles (SIGCHLD keeps its default).
const SIGNALS: [Signal; 4] = [Signal::Int, Signal::Term, Signal::Hup, Signal::Usr2];

/// What a freshly forked worker needs.
pub(crate) struct Worker<'a> {
    pub(crate) service: Arc<dyn ServiceBase>,
    pub(crate) conf: ConfigOpts,
    pub(crate) restart: RestartMethod,
    pub(crate) graceful: Option<Duration>,
    /// Whether the parent re-read its configuration since the service was built.
    pub(crate) reset_first: bool,
    /// The read end of the parent-death pipe (the write end is already closed here).
    pub(crate) death_read: &'a OwnedFd,
}

impl Worker<'_> {
    /// Runs the worker to its end and returns its exit status. `mask` is the signal mask to
    /// restore once the worker's handlers are installed (the parent blocked signals across
    /// the fork).
    pub(crate) fn run(self, mask: SigSet) -> i32 {
        let started = Instant::now();
        // Still single-threaded: the last moment the environment may be edited safely.
        std::env::remove_var("NOTIFY_SOCKET");
        let source = SignalSource::install(&SIGNALS);
        let _ = mask.thread_set_mask();
        let signals = match source.and_then(SignalSource::forward) {
            Ok(rx) => rx,
            Err(e) => {
                tracing::error!("Cannot install the worker's signal handlers: {e}");
                return 1;
            }
        };
        let parent_died = CancellationToken::new();
        if let Err(e) = watch_parent(self.death_read, parent_died.clone()) {
            tracing::error!("Cannot watch the parent process: {e}");
            return 1;
        }
        let runtime = match tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
        {
            Ok(rt) => rt,
            Err(e) => {
                tracing::error!("Cannot build the Tokio runtime: {e}");
                return 1;
            }
        };
        let runner = Runner {
            services: vec![self.service],
            conf: self.conf,
            restart: self.restart,
            graceful: self.graceful,
            role: Role::Worker,
            started,
            reset_first: self.reset_first,
        };
        let status = runtime.block_on(runner.run(signals, parent_died));
        runtime.shutdown_timeout(Duration::from_millis(500));
        status
    }
}

/// Starts a thread that blocks reading the parent-death pipe. Only the parent holds the write
/// end, so end-of-file means it died; the thread then cancels `parent_died`.
fn watch_parent(death_read: &OwnedFd, parent_died: CancellationToken) -> std::io::Result<()> {
    let mut pipe = File::from(death_read.try_clone()?);
    std::thread::Builder::new()
        .name("parent-watch".into())
        .spawn(move || {
            let mut byte = [0u8; 1];
            loop {
                match pipe.read(&mut byte) {
                    Ok(0) => {
                        parent_died.cancel();
                        return;
                    }
                    Ok(_) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(_) => return,
                }
            }
        })?;
    Ok(())
}
