//! oslo.log's options (`oslo_log/_options.py`) that this logger honours, with upstream names,
//! defaults and flags, so an unchanged `cinder.conf` and command line (`-d`, `--log-file`)
//! work. Options it does not know (`logging_context_format_string`, rotation, …) stay
//! unregistered; oslo.config ignores unknown keys in files.

use openstack_config::{options, Opt};

use super::filter::DEFAULT_LOG_LEVELS;

const IGNORED: &str = "This option is ignored if log_config_append is set.";

options! {
    /// The `[DEFAULT]` logging options.
    #[derive(Debug, Clone)]
    pub struct LoggingOpts in "DEFAULT" {
        debug: bool = Opt::bool().default("false").cli().short('d').mutable().help(
            "If set to true, the logging level will be set to DEBUG instead of the default \
             INFO level."),
        log_config_append: Option<String> = Opt::str().cli().mutable()
            .deprecated_name("log_config").help(
            "The name of a logging configuration file. Python logging configuration files are \
             not supported by this implementation: setting it stops the service at start-up."),
        log_date_format: String = Opt::str().default("%Y-%m-%d %H:%M:%S").cli().help(
            &format!("Defines the format string for %(asctime)s in log records. Default: \
             %Y-%m-%d %H:%M:%S . {IGNORED}")),
        log_file: Option<String> = Opt::str().cli().deprecated_name("logfile").help(
            &format!("(Optional) Name of log file to send logging output to. If no default is \
             set, logging will go to stderr as defined by use_stderr. {IGNORED}")),
        log_dir: Option<String> = Opt::str().cli().deprecated_name("logdir").help(
            &format!("(Optional) The base directory used for relative log_file  paths. \
             {IGNORED}")),
        use_syslog: bool = Opt::bool().default("false").cli().help(
            &format!("Use syslog for logging. Not supported yet: a warning is logged and the \
             other destinations are used. {IGNORED}")),
        use_journal: bool = Opt::bool().default("false").cli().help(
            &format!("Enable journald for logging. Not supported yet: a warning is logged and \
             the other destinations are used. {IGNORED}")),
        use_json: bool = Opt::bool().default("false").cli().help(
            &format!("Use JSON formatting for logging. {IGNORED}")),
        use_stderr: bool = Opt::bool().default("false").help(
            &format!("Log output to standard error. {IGNORED}")),
        default_log_levels: Vec<String> = Opt::list().default(&DEFAULT_LOG_LEVELS.join(",")).help(
            &format!("List of package logging levels in logger=LEVEL pairs. {IGNORED}")),
    }
}
