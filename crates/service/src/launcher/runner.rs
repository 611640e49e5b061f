//! Running services inside one process's Tokio runtime (oslo.service's `Launcher` +
//! `Services`), shared by the single-process launcher and every forked worker: start each
//! service with a stop token, then react to signals until the process should exit, and return
//! its exit status.
//!
//! | signal | reaction |
//! | --- | --- |
//! | SIGTERM | cancel the token, wait for in-flight work (at most `graceful_shutdown_timeout`), status 0 |
//! | SIGINT | `Caught SIGINT signal, instantaneous exiting`, `_exit(1)` |
//! | SIGHUP, daemon | mutate: re-read mutable options and `reset()`; reload: re-read all, stop, `reset()`, start again |
//! | SIGHUP, terminal | stop as for SIGTERM, status 1 |
//! | SIGUSR2 | Guru Meditation Report |
//! | parent died (workers) | `Parent process has died unexpectedly, exiting`, stop, status 1 |

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use openstack_config::ConfigOpts;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::task::{Id, JoinSet};
use tokio_util::sync::CancellationToken;

use super::restart::reread;
use super::{is_daemon, RestartMethod, ServiceBase, ServiceError};
use crate::report::{self, ProcessInfo, Role};
use crate::signals::Signal;

/// The services of one process and how to run them.
pub(crate) struct Runner {
    pub(crate) services: Vec<Arc<dyn ServiceBase>>,
    pub(crate) conf: ConfigOpts,
    pub(crate) restart: RestartMethod,
    pub(crate) graceful: Option<Duration>,
    pub(crate) role: Role,
    pub(crate) started: Instant,
    /// `reset()` the services before starting them: a worker forked after a SIGHUP re-read
    /// the parent's configuration (the service objects were built with the old one).
    pub(crate) reset_first: bool,
}

/// The started services.
struct Running {
    stop: CancellationToken,
    tasks: JoinSet<Result<(), ServiceError>>,
    names: HashMap<Id, String>,
}

/// How one service task ended.
enum Ended {
    AllDone,
    Failed,
    Panicked,
}

impl Running {
    fn start(services: &[Arc<dyn ServiceBase>]) -> Running {
        let stop = CancellationToken::new();
        let mut tasks = JoinSet::new();
        let mut names = HashMap::new();
        for service in services {
            let name = service.name().to_string();
            let handle = tasks.spawn(Arc::clone(service).start(stop.child_token()));
            names.insert(handle.id(), name);
        }
        Running { stop, tasks, names }
    }

    /// Waits for the next service to end; `None` when one ended normally and others run on.
    async fn next_end(&mut self) -> Option<Ended> {
        let Some(joined) = self.tasks.join_next_with_id().await else {
            // Nothing runs (no service was launched): wait for a signal.
            return std::future::pending().await;
        };
        match joined {
            Ok((id, Ok(()))) => {
                tracing::info!("Service {} stopped", self.name(id));
                self.tasks.is_empty().then_some(Ended::AllDone)
            }
            Ok((id, Err(e))) => {
                tracing::error!(
                    "Error starting thread. Service {} failed: {e}",
                    self.name(id)
                );
                Some(Ended::Failed)
            }
            Err(e) => {
                tracing::error!("Unhandled exception in service {}: {e}", self.name(e.id()));
                Some(Ended::Panicked)
            }
        }
    }

    fn name(&self, id: Id) -> &str {
        self.names.get(&id).map_or("?", String::as_str)
    }

    /// Cancels the stop token and waits for every service to return, at most `graceful`.
    /// Returns false when the deadline passed.
    async fn stop(&mut self, graceful: Option<Duration>) -> bool {
        self.stop.cancel();
        let drain = async {
            while let Some(joined) = self.tasks.join_next().await {
                match joined {
                    Ok(Err(e)) => tracing::error!("Service failed while stopping: {e}"),
                    Err(e) if e.is_panic() => tracing::error!("Service panicked while stopping"),
                    _ => {}
                }
            }
        };
        match graceful {
            None => {
                drain.await;
                true
            }
            Some(limit) => tokio::time::timeout(limit, drain).await.is_ok(),
        }
    }
}

impl Runner {
    /// Runs the services until the process should exit; returns the exit status.
    pub(crate) async fn run(
        mut self,
        mut signals: UnboundedReceiver<Signal>,
        parent_died: CancellationToken,
    ) -> i32 {
        if self.reset_first {
            for service in &self.services {
                service.reset(&self.conf);
            }
        }
        let mut running = Running::start(&self.services);
        let mut signals_open = true;
        loop {
            tokio::select! {
                signal = signals.recv(), if signals_open => {
                    let Some(signal) = signal else {
                        // The forwarding thread is gone; keep serving without signals.
                        signals_open = false;
                        continue;
                    };
                    if let Some(status) = self.on_signal(signal, &mut running).await {
                        return status;
                    }
                }
                () = parent_died.cancelled() => {
                    tracing::error!("Parent process has died unexpectedly, exiting");
                    self.shutdown(&mut running).await;
                    return 1;
                }
                ended = running.next_end() => match ended {
                    None => {}
                    Some(Ended::AllDone) => return 0,
                    Some(Ended::Failed) => {
                        self.shutdown(&mut running).await;
                        return 1;
                    }
                    Some(Ended::Panicked) => {
                        self.shutdown(&mut running).await;
                        return 2;
                    }
                },
            }
        }
    }

    /// Handles one signal; `Some(status)` when the process should exit.
    async fn on_signal(&mut self, signal: Signal, running: &mut Running) -> Option<i32> {
        let who = match self.role {
            Role::Worker => "Child caught",
            _ => "Caught",
        };
        match signal {
            Signal::Int => {
                tracing::info!("Caught SIGINT signal, instantaneous exiting");
                signal_hook::low_level::exit(1);
            }
            Signal::Term => {
                tracing::info!("{who} SIGTERM, exiting");
                Some(if self.shutdown(running).await { 0 } else { 1 })
            }
            Signal::Hup if is_daemon() => {
                tracing::info!("{who} SIGHUP, handling");
                self.restart(running).await;
                None
            }
            Signal::Hup => {
                tracing::info!("{who} SIGHUP, exiting");
                self.shutdown(running).await;
                Some(1)
            }
            Signal::Usr2 => {
                report::log_report(
                    &self.conf,
                    &ProcessInfo {
                        role: self.role,
                        started: self.started,
                        children: Vec::new(),
                    },
                );
                None
            }
            Signal::Child => None,
        }
    }

    /// SIGHUP in a daemon: re-read the configuration, then reset (mutate) or restart (reload)
    /// the services. With a configuration error nothing changes.
    async fn restart(&mut self, running: &mut Running) {
        if !reread(&mut self.conf, self.restart) {
            return;
        }
        match self.restart {
            RestartMethod::Mutate => {
                for service in &self.services {
                    service.reset(&self.conf);
                }
            }
            RestartMethod::Reload => {
                self.shutdown(running).await;
                for service in &self.services {
                    service.reset(&self.conf);
                }
                *running = Running::start(&self.services);
            }
        }
    }

    /// Graceful stop of every service; false (and a log line) when the timeout expired.
    async fn shutdown(&self, running: &mut Running) -> bool {
        let drained = running.stop(self.graceful).await;
        if !drained {
            tracing::error!("Graceful shutdown timeout exceeded, instantaneous exiting");
        }
        drained
    }
}
