//! `ProcessLauncher` (service.md §4): a parent that forks N workers per launched service,
//! respawns any that die while it runs (at most about one fork per second when they keep
//! dying), and relays signals to them.
//!
//! The parent stays single-threaded and never builds a Tokio runtime: it sleeps in `poll` on
//! the signal self-pipe (SIGCHLD wakes it when a worker dies) and reaps with `waitpid`.
//!
//! | signal to the parent | reaction |
//! | --- | --- |
//! | SIGTERM | SIGTERM to every worker, wait for them (at most `graceful_shutdown_timeout`, then SIGKILL and status 1), status 0 |
//! | SIGINT | `Caught SIGINT signal, instantaneous exiting`, `_exit(1)`; the workers notice the parent's death |
//! | SIGHUP, daemon, mutate | mutate the parent's config, SIGHUP to every worker (they mutate and `reset()`, same pids) |
//! | SIGHUP, daemon, reload | reload the parent's config, SIGTERM to every worker; fresh ones are forked |
//! | SIGHUP, terminal | as SIGTERM |
//! | SIGUSR2 | Guru Meditation Report (with the worker pids) |
//! | SIGCHLD | reap, log, respawn |

use std::collections::BTreeMap;
use std::fmt;
use std::os::fd::OwnedFd;
use std::sync::Arc;
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::fcntl::OFlag;
use nix::sys::signal::{kill, SigmaskHow, Signal as NixSignal};
use nix::sys::wait::{waitpid, WaitPidFlag, WaitStatus};
use nix::unistd::{ForkResult, Pid};
use openstack_config::ConfigOpts;

use super::fork::{fork, thread_count};
use super::rate::{ForkDecision, ForkRate};
use super::restart::reread;
use super::{child, is_daemon, LaunchError, LauncherOpts, RestartMethod, ServiceBase};
use crate::report::{self, ProcessInfo, Role};
use crate::signals::{sigset, Signal, SignalSource};
use crate::systemd;

/// The signals the parent handles.
const SIGNALS: [Signal; 5] = Signal::ALL;

/// The longest the parent sleeps without a signal (a safety net for a lost SIGCHLD).
const MAX_SLEEP: Duration = Duration::from_secs(1);

/// One launched service and its workers.
struct ServiceRecord {
    service: Arc<dyn ServiceBase>,
    workers: usize,
    rate: ForkRate,
    children: usize,
}

/// The parent of forked workers.
pub struct ProcessLauncher {
    conf: ConfigOpts,
    restart: RestartMethod,
    opts: LauncherOpts,
    records: Vec<ServiceRecord>,
    /// Live workers: pid → index in `records`.
    children: BTreeMap<Pid, usize>,
    signals: Option<SignalSource>,
    /// Read end of the parent-death pipe (workers read it, see `child`).
    death_read: OwnedFd,
    /// Write end: only the parent holds it; EOF in a worker means the parent is gone.
    death_write: Option<OwnedFd>,
    running: bool,
    started: Instant,
    /// Whether a SIGHUP re-read the configuration (workers forked later `reset()` first).
    reread: bool,
}

impl fmt::Debug for ProcessLauncher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProcessLauncher")
            .field("restart", &self.restart)
            .field(
                "services",
                &self
                    .records
                    .iter()
                    .map(|r| (r.service.name(), r.workers))
                    .collect::<Vec<_>>(),
            )
            .field("children", &self.children.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl ProcessLauncher {
    /// Registers the launcher options, creates the parent-death pipe and installs the
    /// parent's signal handlers (signals received before `wait()` are handled there).
    pub fn new(
        mut conf: ConfigOpts,
        restart: RestartMethod,
    ) -> Result<ProcessLauncher, LaunchError> {
        conf.register::<LauncherOpts>()?;
        let opts = conf.load::<LauncherOpts>()?;
        let (death_read, death_write) =
            nix::unistd::pipe2(OFlag::O_CLOEXEC).map_err(LaunchError::Pipe)?;
        let signals = SignalSource::install(&SIGNALS).map_err(LaunchError::Signals)?;
        Ok(ProcessLauncher {
            conf,
            restart,
            opts,
            records: Vec::new(),
            children: BTreeMap::new(),
            signals: Some(signals),
            death_read,
            death_write: Some(death_write),
            running: true,
            started: Instant::now(),
            reread: false,
        })
    }

    /// Forks `workers` processes running `service` now. Call it before anything starts a
    /// thread or a Tokio runtime in this process: forking a multi-threaded process is refused.
    /// Several services may be launched, each with its own workers.
    pub fn launch_service(
        &mut self,
        service: Arc<dyn ServiceBase>,
        workers: usize,
    ) -> Result<(), LaunchError> {
        if workers == 0 {
            return Err(LaunchError::NoWorkers);
        }
        if let Some(threads) = thread_count().filter(|n| *n > 1) {
            return Err(LaunchError::Threaded(threads));
        }
        let idx = self.records.len();
        self.records.push(ServiceRecord {
            service,
            workers,
            rate: ForkRate::new(workers),
            children: 0,
        });
        tracing::info!("Starting {workers} workers");
        while self.running && self.records[idx].children < workers {
            // The first `workers + 1` forks are never rate limited.
            let _ = self.records[idx].rate.check(Instant::now());
            self.start_child(idx)?;
        }
        Ok(())
    }

    /// The pids of the live workers.
    pub fn children(&self) -> Vec<i32> {
        self.children.keys().map(|p| p.as_raw()).collect()
    }

    /// Supervises the workers until a signal stops the service; returns the parent's exit
    /// status (0 after a graceful stop, 1 when the graceful timeout expired).
    pub fn wait(&mut self) -> i32 {
        systemd::notify_once();
        if self.opts.log_options {
            for line in self.conf.log_opt_values() {
                tracing::debug!("{line}");
            }
        }
        loop {
            let next_due = self.respawn();
            let sleep = next_due.map_or(MAX_SLEEP, |due| {
                due.saturating_duration_since(Instant::now()).min(MAX_SLEEP)
            });
            let signals = self.wait_signals(sleep);
            self.reap();
            for signal in signals {
                match signal {
                    Signal::Int => {
                        tracing::info!("Caught SIGINT signal, instantaneous exiting");
                        signal_hook::low_level::exit(1);
                    }
                    Signal::Term => {
                        tracing::info!("Caught SIGTERM, stopping children");
                        return self.stop();
                    }
                    Signal::Hup => {
                        tracing::info!("Caught SIGHUP, stopping children");
                        if !is_daemon() {
                            return self.stop();
                        }
                        self.restart_children();
                    }
                    Signal::Usr2 => self.report(),
                    Signal::Child => {}
                }
            }
        }
    }

    fn wait_signals(&self, timeout: Duration) -> Vec<Signal> {
        match &self.signals {
            Some(source) => source.wait(Some(timeout)),
            None => {
                std::thread::sleep(timeout);
                Vec::new()
            }
        }
    }

    /// Forks the missing workers the rate limit allows; returns when to try again if it
    /// held some back.
    fn respawn(&mut self) -> Option<Instant> {
        let mut next_due: Option<Instant> = None;
        for idx in 0..self.records.len() {
            while self.running && self.records[idx].children < self.records[idx].workers {
                match self.records[idx].rate.check(Instant::now()) {
                    ForkDecision::Fork => {
                        if let Err(e) = self.start_child(idx) {
                            tracing::error!("{e}");
                            let retry = Instant::now() + Duration::from_secs(1);
                            next_due = Some(next_due.map_or(retry, |d| d.min(retry)));
                            break;
                        }
                    }
                    ForkDecision::Wait { until, first } => {
                        if first {
                            tracing::info!("Forking too fast, sleeping");
                        }
                        next_due = Some(next_due.map_or(until, |d| d.min(until)));
                        break;
                    }
                }
            }
        }
        next_due
    }

    /// Forks one worker of `records[idx]`. Signals are blocked across the fork so the worker
    /// can swap the parent's handlers for its own without losing one.
    fn start_child(&mut self, idx: usize) -> Result<Pid, LaunchError> {
        let block = sigset(&SIGNALS);
        let old_mask = block
            .thread_swap_mask(SigmaskHow::SIG_BLOCK)
            .map_err(|e| LaunchError::Signals(e.into()))?;
        match fork() {
            Err(e) => {
                let _ = old_mask.thread_set_mask();
                Err(LaunchError::Fork(e))
            }
            Ok(ForkResult::Child) => {
                // The worker: drop the parent's handlers and its end of the death pipe.
                drop(self.signals.take());
                drop(self.death_write.take());
                let worker = child::Worker {
                    service: Arc::clone(&self.records[idx].service),
                    conf: self.conf.clone(),
                    restart: self.restart,
                    graceful: self.opts.graceful_timeout(),
                    reset_first: self.reread,
                    death_read: &self.death_read,
                };
                let status = worker.run(old_mask);
                std::process::exit(status);
            }
            Ok(ForkResult::Parent { child }) => {
                let _ = old_mask.thread_set_mask();
                tracing::info!("Started child {child}");
                self.children.insert(child, idx);
                self.records[idx].children += 1;
                Ok(child)
            }
        }
    }

    /// Reaps every exited worker and logs how it ended.
    fn reap(&mut self) {
        loop {
            match waitpid(None, Some(WaitPidFlag::WNOHANG)) {
                Ok(WaitStatus::Exited(pid, code)) => {
                    tracing::info!("Child {pid} exited with status {code}");
                    self.forget(pid);
                }
                Ok(WaitStatus::Signaled(pid, signal, _)) => {
                    tracing::info!("Child {pid} killed by signal {}", signal as i32);
                    self.forget(pid);
                }
                Ok(WaitStatus::StillAlive) | Err(Errno::ECHILD) => return,
                Ok(_) => {}
                Err(Errno::EINTR) => {}
                Err(e) => {
                    tracing::error!("waitpid failed: {e}");
                    return;
                }
            }
        }
    }

    fn forget(&mut self, pid: Pid) {
        match self.children.remove(&pid) {
            Some(idx) => self.records[idx].children -= 1,
            None => tracing::warn!("pid {pid} not in child list"),
        }
    }

    fn signal_children(&self, signal: NixSignal) {
        for pid in self.children.keys() {
            match kill(*pid, signal) {
                Ok(()) | Err(Errno::ESRCH) => {}
                Err(e) => tracing::warn!("Cannot send {} to child {pid}: {e}", signal.as_str()),
            }
        }
    }

    /// SIGHUP in a daemon: re-read the configuration, then SIGHUP (mutate) or SIGTERM
    /// (reload, the respawn loop forks fresh workers) every worker.
    fn restart_children(&mut self) {
        if !reread(&mut self.conf, self.restart) {
            return;
        }
        self.reread = true;
        match self.restart {
            RestartMethod::Mutate => self.signal_children(NixSignal::SIGHUP),
            RestartMethod::Reload => {
                match self.conf.load::<LauncherOpts>() {
                    Ok(opts) => self.opts = opts,
                    Err(e) => tracing::error!("{e}"),
                }
                self.signal_children(NixSignal::SIGTERM);
            }
        }
    }

    /// Graceful stop: SIGTERM to every worker, then reap them all. After
    /// `graceful_shutdown_timeout` the rest are killed and the status is 1.
    fn stop(&mut self) -> i32 {
        self.running = false;
        self.signal_children(NixSignal::SIGTERM);
        tracing::info!("Waiting on {} children to exit", self.children.len());
        let deadline = self.opts.graceful_timeout().map(|t| Instant::now() + t);
        loop {
            self.reap();
            if self.children.is_empty() {
                return 0;
            }
            let now = Instant::now();
            if deadline.is_some_and(|d| now >= d) {
                tracing::error!(
                    "Graceful shutdown timeout exceeded, instantaneous exiting of master process"
                );
                self.signal_children(NixSignal::SIGKILL);
                for pid in std::mem::take(&mut self.children).into_keys() {
                    let _ = waitpid(pid, None);
                }
                return 1;
            }
            let sleep = deadline.map_or(MAX_SLEEP, |d| (d - now).min(MAX_SLEEP));
            for signal in self.wait_signals(sleep) {
                match signal {
                    Signal::Int => {
                        tracing::info!("Caught SIGINT signal, instantaneous exiting");
                        signal_hook::low_level::exit(1);
                    }
                    Signal::Usr2 => self.report(),
                    Signal::Term | Signal::Hup | Signal::Child => {}
                }
            }
        }
    }

    fn report(&self) {
        report::log_report(
            &self.conf,
            &ProcessInfo {
                role: Role::Parent,
                started: self.started,
                children: self.children(),
            },
        );
    }
}
