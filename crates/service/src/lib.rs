//! The process side of the service runtime (oslo.service, oslo.log, oslo.context,
//! oslo.reports): launchers that run a service in one process or in N forked workers and
//! handle SIGTERM / SIGINT / SIGHUP / SIGUSR2, logging in oslo.log's format with the request
//! id in every line, the request context, systemd readiness and the Guru Meditation Report.
//!
//! A binary does, in order: `register_opts` (before `parse_args`: logging has CLI flags),
//! `parse_args`, `logging::setup`, bind its sockets, build a launcher and `launch_service`
//! (which forks), then `wait()` and exit with its status.
//!
//! Seams with the other crates: doc/adr/0001-runtime-interfaces.md.

pub mod context;
pub mod launcher;
pub mod logging;
pub mod policy;
pub mod report;
pub mod signals;
pub mod systemd;

pub use context::{generate_request_id, RequestContext};
pub use futures_util::future::BoxFuture;
pub use launcher::{
    launch, workers_from_option, LaunchError, Launcher, LauncherOpts, ProcessLauncher,
    RestartMethod, ServiceBase, ServiceError, ServiceLauncher,
};
pub use tokio_util::sync::CancellationToken;

use openstack_config::{ConfigError, ConfigOpts};

/// Registers every option of this crate: oslo.log's (in `[DEFAULT]`, some on the command
/// line), the launchers' (`graceful_shutdown_timeout`, `log_options`) and `[oslo_reports]`.
/// Call it before `ConfigOpts::parse_args`.
pub fn register_opts(conf: &mut ConfigOpts) -> Result<(), ConfigError> {
    logging::register_opts(conf)?;
    conf.register::<LauncherOpts>()?;
    report::register_opts(conf)
}
