//! Launchers (oslo.service's `ServiceLauncher` and `ProcessLauncher`, eventlet backend,
//! service.md §2-5): run a [`ServiceBase`] in this process, or in N forked worker processes
//! supervised by a parent that respawns them, and turn SIGTERM / SIGINT / SIGHUP / SIGUSR2 into
//! graceful stop, instant exit, configuration reload and a Guru Meditation Report.
//!
//! The process model: the parent binds its listening sockets and forks **before** any Tokio
//! runtime or thread exists; each worker builds its own runtime after the fork. The parent
//! never builds a runtime: it waits on a signal self-pipe and `waitpid`.

mod child;
mod daemon;
mod fork;
mod opts;
mod process;
mod rate;
mod restart;
mod runner;
mod single;
mod workers;

use std::sync::Arc;

use futures_util::future::BoxFuture;
use openstack_config::{ConfigError, ConfigOpts};
use tokio_util::sync::CancellationToken;

pub use daemon::is_daemon;
pub(crate) use fork::thread_count;
pub use opts::LauncherOpts;
pub use process::ProcessLauncher;
pub use single::ServiceLauncher;
pub use workers::{cpu_count, workers_from_option};

/// A service a launcher runs (`oslo_service.service.ServiceBase`).
pub trait ServiceBase: Send + Sync + 'static {
    /// The name used in log lines.
    fn name(&self) -> &str;

    /// Runs in the process that serves (a forked worker or the only process), inside a Tokio
    /// runtime built after the fork. Serve until `stop` is cancelled, then finish in-flight
    /// work and return. Returning early ends the worker (the parent forks a new one).
    fn start(
        self: Arc<Self>,
        stop: CancellationToken,
    ) -> BoxFuture<'static, Result<(), ServiceError>>;

    /// SIGHUP with restart_method = mutate (or before a restart with reload): the
    /// configuration was re-read; apply its mutable options. Called in the serving process,
    /// inside its runtime — also in a worker forked after such a re-read, before `start()`
    /// (the parent never calls it: it has no runtime).
    fn reset(&self, _conf: &ConfigOpts) {}
}

/// What SIGHUP does to a daemonised service (`restart_method`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RestartMethod {
    /// Re-read every option, then restart the service (the parent replaces its workers).
    Reload,
    /// Re-read the mutable options and `reset()` the running service; workers keep their pids.
    Mutate,
}

impl std::str::FromStr for RestartMethod {
    type Err = LaunchError;

    fn from_str(s: &str) -> Result<RestartMethod, LaunchError> {
        match s {
            "reload" => Ok(RestartMethod::Reload),
            "mutate" => Ok(RestartMethod::Mutate),
            other => Err(LaunchError::InvalidRestartMethod(other.to_string())),
        }
    }
}

/// Why a service stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("{0}")]
    Failed(String),
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Other(Box<dyn std::error::Error + Send + Sync>),
}

/// Why a launcher could not start.
#[derive(Debug, thiserror::Error)]
pub enum LaunchError {
    #[error("{name} value of {value} is invalid, must be greater than 0.")]
    InvalidWorkers { name: String, value: i64 },
    #[error("Number of workers should be positive!")]
    NoWorkers,
    #[error("Launcher asked to start multiple workers")]
    MultipleWorkers,
    #[error("Invalid restart_method: {0}")]
    InvalidRestartMethod(String),
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(
        "cannot fork workers: this process already runs {0} threads; launch_service must run \
         before any Tokio runtime or thread is started"
    )]
    Threaded(usize),
    #[error("fork failed: {0}")]
    Fork(nix::Error),
    #[error("cannot install signal handlers: {0}")]
    Signals(std::io::Error),
    #[error("cannot create the parent-death pipe: {0}")]
    Pipe(nix::Error),
    #[error("cannot build the Tokio runtime: {0}")]
    Runtime(std::io::Error),
}

/// Either launcher, as `oslo_service.service.launch` picks it.
#[derive(Debug)]
pub enum Launcher {
    Service(ServiceLauncher),
    Process(ProcessLauncher),
}

impl Launcher {
    /// Waits until the service (or every worker) has stopped; returns the exit status.
    pub fn wait(&mut self) -> i32 {
        match self {
            Launcher::Service(l) => l.wait(),
            Launcher::Process(l) => l.wait(),
        }
    }
}

/// `oslo_service.service.launch`: one worker → a [`ServiceLauncher`] in this process, more → a
/// [`ProcessLauncher`] that forks them now. 0 workers is an error.
pub fn launch(
    conf: ConfigOpts,
    service: Arc<dyn ServiceBase>,
    workers: usize,
    restart: RestartMethod,
) -> Result<Launcher, LaunchError> {
    match workers {
        0 => Err(LaunchError::NoWorkers),
        1 => {
            let mut launcher = ServiceLauncher::new(conf, restart)?;
            launcher.launch_service(service, 1)?;
            Ok(Launcher::Service(launcher))
        }
        n => {
            let mut launcher = ProcessLauncher::new(conf, restart)?;
            launcher.launch_service(service, n)?;
            Ok(Launcher::Process(launcher))
        }
    }
}
