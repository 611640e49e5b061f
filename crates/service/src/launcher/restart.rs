//! Re-reading the configuration on SIGHUP (service.md §4.4, config.md §10), shared by the
//! parent and the serving processes: `mutate` logs every changed mutable option and every
//! ignored immutable one, `reload` replaces all file values. A broken file is logged and the
//! old configuration stays in force. Afterwards the installed logger picks up `debug`.

use openstack_config::ConfigOpts;

use super::RestartMethod;
use crate::logging;

/// Re-reads `conf` for `method`; returns whether the new configuration is in force.
pub(crate) fn reread(conf: &mut ConfigOpts, method: RestartMethod) -> bool {
    let mut next = conf.clone();
    let result = match method {
        RestartMethod::Mutate => next.mutate_config_files().map(|changes| {
            for change in &changes {
                tracing::info!("{change}");
            }
            for ignored in next.ignored_immutable_changes() {
                tracing::warn!("{}", ignored.ignored_message());
            }
        }),
        RestartMethod::Reload => next.reload_config_files(),
    };
    match result {
        Ok(()) => {
            *conf = next;
            if let Some(handle) = logging::installed() {
                if let Err(e) = handle.apply(conf) {
                    tracing::warn!("Cannot apply the logging options: {e}");
                }
            }
            true
        }
        Err(e) => {
            tracing::error!(
                "Caught Error while reloading configure files: {e}; keeping the previous configuration"
            );
            false
        }
    }
}
