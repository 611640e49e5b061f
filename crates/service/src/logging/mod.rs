//! Logging as oslo.log does it (`oslo_log.log.setup`): the same options, the same line format
//! with the request ids and user identity between brackets, the same destinations, and a
//! level that SIGHUP can switch between INFO and DEBUG while the service runs.
//!
//! Built on `tracing`: code logs with `tracing::info!` & co.; the logger name is the module
//! path in dotted form (`openstack_cinder::api::v3` → `cinder.api.v3`). Requests are marked
//! with [`request_span`] / [`record_context`]. Writing is synchronous (no background thread),
//! so the launcher can fork after logging was set up.

mod filter;
mod format;
mod layer;
mod opts;
mod span;
mod writer;

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use openstack_config::{ConfigError, ConfigOpts, OptGroup};
use tracing::Subscriber;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::{reload, Registry};

pub use filter::DEFAULT_LOG_LEVELS;
pub(crate) use format::strftime;
pub use format::{logger_name, RequestFields};
pub use opts::LoggingOpts;
pub use span::{record_context, request_span};

use filter::LevelRule;
use writer::{Sink, Writer};

/// Why logging could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// `log_config_append` names a Python logging configuration file.
    #[error(
        "log_config_append = {0}: Python logging configuration files are not supported; \
         remove the option and configure logging with debug, log_file, log_dir, use_stderr, \
         use_json and default_log_levels"
    )]
    LogConfigAppend(String),
    #[error("Unable to open log file {}: {source}", .path.display())]
    OpenFile {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A `default_log_levels` entry with an unknown level.
    #[error("Invalid default_log_levels entry {0:?}: expected logger=LEVEL with LEVEL one of DEBUG, INFO, WARNING, ERROR, CRITICAL")]
    InvalidLevel(String),
    #[error("a global logger is already installed in this process")]
    AlreadyInstalled,
}

/// Registers [`LoggingOpts`] in `[DEFAULT]`; call it before `parse_args` (they include command
/// line options such as `-d` / `--debug` and `--log-file`).
pub fn register_opts(conf: &mut ConfigOpts) -> Result<(), ConfigError> {
    conf.register::<LoggingOpts>()
}

/// Changes the running logger; cheap to clone, survives `fork`.
#[derive(Clone)]
pub struct LogHandle {
    filter: reload::Handle<Targets, Registry>,
    rules: Arc<Vec<LevelRule>>,
    debug: Arc<AtomicBool>,
}

impl std::fmt::Debug for LogHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LogHandle")
            .field("debug", &self.debug())
            .finish_non_exhaustive()
    }
}

impl LogHandle {
    /// Switches between DEBUG (`true`) and INFO (`false`) for every logger not lowered by
    /// `default_log_levels`.
    pub fn set_debug(&self, debug: bool) {
        if self.debug.swap(debug, Ordering::SeqCst) == debug {
            return;
        }
        let targets = filter::targets(debug, &self.rules);
        if let Err(e) = self.filter.reload(targets) {
            tracing::warn!("Cannot change the log level: {e}");
        }
    }

    /// Whether DEBUG lines are written.
    pub fn debug(&self) -> bool {
        self.debug.load(Ordering::SeqCst)
    }

    /// Applies the mutable logging options of `conf` (after a SIGHUP re-read it).
    pub fn apply(&self, conf: &ConfigOpts) -> Result<(), ConfigError> {
        let debug = conf.get_as::<bool>(LoggingOpts::GROUP, "debug")?;
        self.set_debug(debug);
        Ok(())
    }
}

static INSTALLED: OnceLock<LogHandle> = OnceLock::new();

/// The handle of the logger [`setup`] installed, if it did. The launchers use it to apply
/// `debug` after a SIGHUP re-read the configuration, so services need not do it themselves.
pub fn installed() -> Option<&'static LogHandle> {
    INSTALLED.get()
}

/// oslo.log's `setup(CONF, binary)`: reads [`LoggingOpts`] (register them first with
/// [`register_opts`]) and installs the process-wide logger writing to `log_file` /
/// `log_dir` / `<log_dir>/<binary>.log`, stderr with `use_stderr`, or stdout.
pub fn setup(conf: &ConfigOpts, binary: &str) -> Result<LogHandle, LogError> {
    let opts: LoggingOpts = conf.load()?;
    if let Some(path) = opts.log_config_append.as_deref().filter(|p| !p.is_empty()) {
        return Err(LogError::LogConfigAppend(path.to_string()));
    }
    let path = writer::log_file_path(opts.log_file.as_deref(), opts.log_dir.as_deref(), binary);
    let sinks = writer::sinks_for(path.as_deref(), opts.use_stderr)?;
    let (subscriber, handle) = build(&opts, sinks)?;
    tracing::subscriber::set_global_default(subscriber).map_err(|_| LogError::AlreadyInstalled)?;
    // Cannot be set already: set_global_default succeeds once per process.
    let _ = INSTALLED.set(handle.clone());
    if opts.use_syslog {
        tracing::warn!("use_syslog is set but syslog logging is not supported yet; ignoring it");
    }
    if opts.use_journal {
        tracing::warn!("use_journal is set but journald logging is not supported yet; ignoring it");
    }
    Ok(handle)
}

/// The subscriber and its handle, writing to `sinks`.
fn build(
    opts: &LoggingOpts,
    sinks: Vec<Sink>,
) -> Result<(impl Subscriber + Send + Sync, LogHandle), LogError> {
    let rules = filter::parse_rules(&opts.default_log_levels)?;
    let (filter_layer, filter_handle) = reload::Layer::new(filter::targets(opts.debug, &rules));
    let hostname = nix::unistd::gethostname()
        .map(|h| h.to_string_lossy().into_owned())
        .unwrap_or_default();
    let oslo = layer::OsloLayer {
        writer: Writer::new(sinks),
        date_format: opts.log_date_format.clone(),
        json: opts.use_json,
        hostname,
    };
    let subscriber = Registry::default().with(filter_layer).with(oslo);
    let handle = LogHandle {
        filter: filter_handle,
        rules: Arc::new(rules),
        debug: Arc::new(AtomicBool::new(opts.debug)),
    };
    Ok((subscriber, handle))
}

#[cfg(test)]
mod tests;
