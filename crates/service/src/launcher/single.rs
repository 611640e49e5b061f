//! `ServiceLauncher` (service.md §3): the service runs in this very process, in a Tokio
//! runtime built by `wait()`. Used for one worker (cinder-scheduler); signals as in
//! `runner`.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use openstack_config::ConfigOpts;
use tokio_util::sync::CancellationToken;

use super::runner::Runner;
use super::{LaunchError, LauncherOpts, RestartMethod, ServiceBase};
use crate::report::Role;
use crate::signals::{Signal, SignalSource};
use crate::systemd;

/// The signals the single process handles.
const SIGNALS: [Signal; 4] = [Signal::Int, Signal::Term, Signal::Hup, Signal::Usr2];

/// Runs services in the current process.
pub struct ServiceLauncher {
    conf: ConfigOpts,
    restart: RestartMethod,
    services: Vec<Arc<dyn ServiceBase>>,
    signals: Option<SignalSource>,
    started: Instant,
}

impl fmt::Debug for ServiceLauncher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServiceLauncher")
            .field("restart", &self.restart)
            .field(
                "services",
                &self.services.iter().map(|s| s.name()).collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

impl ServiceLauncher {
    /// Registers the launcher options (`graceful_shutdown_timeout`, `log_options`) and
    /// installs the signal handlers; signals received before `wait()` are handled there.
    pub fn new(
        mut conf: ConfigOpts,
        restart: RestartMethod,
    ) -> Result<ServiceLauncher, LaunchError> {
        conf.register::<LauncherOpts>()?;
        conf.load::<LauncherOpts>()?;
        let signals = SignalSource::install(&SIGNALS).map_err(LaunchError::Signals)?;
        Ok(ServiceLauncher {
            conf,
            restart,
            services: Vec::new(),
            signals: Some(signals),
            started: Instant::now(),
        })
    }

    /// Adds a service; it starts when `wait()` builds the runtime. `workers` must be 1.
    pub fn launch_service(
        &mut self,
        service: Arc<dyn ServiceBase>,
        workers: usize,
    ) -> Result<(), LaunchError> {
        if workers != 1 {
            return Err(LaunchError::MultipleWorkers);
        }
        self.services.push(service);
        Ok(())
    }

    /// Notifies systemd, builds the runtime, runs the services until a signal stops them and
    /// returns the exit status (0 after SIGTERM, 1 after a failure or a non-daemon SIGHUP).
    pub fn wait(&mut self) -> i32 {
        systemd::notify_once();
        let opts = match self.conf.load::<LauncherOpts>() {
            Ok(opts) => opts,
            Err(e) => {
                tracing::error!("{e}");
                return 1;
            }
        };
        if opts.log_options {
            for line in self.conf.log_opt_values() {
                tracing::debug!("{line}");
            }
        }
        let Some(source) = self.signals.take() else {
            tracing::error!("ServiceLauncher::wait called twice");
            return 1;
        };
        let signals = match source.forward() {
            Ok(rx) => rx,
            Err(e) => {
                tracing::error!("cannot start the signal thread: {e}");
                return 1;
            }
        };
        let runtime = match tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
        {
            Ok(rt) => rt,
            Err(e) => {
                tracing::error!("{}", LaunchError::Runtime(e));
                return 1;
            }
        };
        let runner = Runner {
            services: std::mem::take(&mut self.services),
            conf: self.conf.clone(),
            restart: self.restart,
            graceful: opts.graceful_timeout(),
            role: Role::Single,
            started: self.started,
            reset_first: false,
        };
        let status = runtime.block_on(runner.run(signals, CancellationToken::new()));
        runtime.shutdown_timeout(Duration::from_secs(1));
        status
    }
}
