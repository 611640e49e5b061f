//! The launchers' options (`oslo_service/_options.py` service_opts), registered in `[DEFAULT]`
//! by both launchers as upstream does.

use std::time::Duration;

use openstack_config::{options, Opt};

options! {
    /// `[DEFAULT]` options of the launchers.
    #[derive(Debug, Clone)]
    pub struct LauncherOpts in "DEFAULT" {
        log_options: bool = Opt::bool().default("true").help(
            "Enables or disables logging values of all registered options when starting a \
             service (at DEBUG level)."),
        graceful_shutdown_timeout: i64 = Opt::int().default("60").help(
            "Specify a timeout after which a gracefully shutdown server will exit. Zero value \
             means endless wait."),
    }
}

impl LauncherOpts {
    /// The drain deadline after SIGTERM; `None` waits forever (`0`, or a negative value).
    pub fn graceful_timeout(&self) -> Option<Duration> {
        u64::try_from(self.graceful_shutdown_timeout)
            .ok()
            .filter(|s| *s > 0)
            .map(Duration::from_secs)
    }
}
