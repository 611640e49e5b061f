//! The entry points of cinder's binaries (`cinder/cmd/`). Each `bin/*.rs` is a thin `main`
//! that calls one function here and exits with the code it returns.

pub mod api;
pub mod manage;

use openstack_config::ConfigError;

/// How a failed start-up ends: `--help`/`--version` print and exit 0, a usage error exits 2,
/// everything else prints one line and exits 1 (upstream lets the exception escape: status 1).
pub(crate) fn exit_for(err: &ConfigError) -> (i32, String) {
    match err {
        ConfigError::Exit { code, message } => (*code, message.clone()),
        other => (1, other.to_string()),
    }
}
