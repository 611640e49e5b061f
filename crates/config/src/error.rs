//! `ConfigError`: every way configuration can fail, with the one-line message an operator
//! sees. The texts follow oslo.config's exceptions (`NoSuchOptError`,
//! `ConfigFileParseError`, `ConfigFilesNotFoundError`, `RequiredOptError`, ...) and add the
//! group and source to value errors so a bad `cinder.conf` line is found at a glance.

use std::fmt;
use std::path::PathBuf;

use crate::pyfmt::repr_str;

/// Where a value was read from; printed after "from" in value errors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A configuration file (absolute path).
    File(PathBuf),
    /// An environment variable (`OS_<GROUP>__<NAME>`).
    Env(String),
    /// A command line argument (`--name`).
    Cli(String),
    /// `ConfigOpts::set_override`.
    Override,
    /// `ConfigOpts::set_default`.
    SetDefault,
    /// The option's registered default.
    Default,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::File(p) => write!(f, "{}", p.display()),
            Location::Env(var) => write!(f, "environment variable {var}"),
            Location::Cli(arg) => write!(f, "command line argument {arg}"),
            Location::Override => f.write_str("set_override"),
            Location::SetDefault => f.write_str("set_default"),
            Location::Default => f.write_str("the registered default"),
        }
    }
}

/// Errors of `openstack-config`. `Display` is the single line to show an operator.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConfigError {
    /// Reading or setting an option that is not registered.
    #[error("no such option {name} in group [{group}]")]
    NoSuchOpt { group: String, name: String },
    /// Reading from a group that has no registered options.
    #[error("no such group [{group}]")]
    NoSuchGroup { group: String },
    /// Registering a different option under a name already taken.
    #[error("duplicate option: {name}")]
    DuplicateOpt { name: String },
    /// An option definition that cannot work (empty name, min > max, ...).
    #[error("invalid option {name}: {reason}")]
    InvalidOpt { name: String, reason: String },
    /// A configuration file that does not follow the INI grammar.
    #[error("Failed to parse {file}: at {file}:{line}, {message}: {}", repr_str(.text))]
    Parse {
        file: String,
        line: usize,
        message: String,
        text: String,
    },
    /// `--config-file` (or default) paths that do not exist.
    #[error("Failed to find some config files: {}", join_paths(.files))]
    FilesNotFound { files: Vec<PathBuf> },
    /// Configuration files that exist but cannot be opened.
    #[error("Failed to open some config files: {}", join_paths(.files))]
    FilesPermissionDenied { files: Vec<PathBuf> },
    /// A `--config-dir` that does not exist.
    #[error("Failed to read config file directory: {dir}")]
    DirNotFound { dir: String },
    /// Any other I/O failure while reading a configuration file or directory.
    #[error("Failed to read {}: {message}", .path.display())]
    Io { path: PathBuf, message: String },
    /// A value (file, environment, override, ...) that its option's type rejects.
    #[error(
        "Value for option {name} in group [{group}] from {location} is not valid: {}",
        reason_with_value(.reason, .value)
    )]
    InvalidValue {
        group: String,
        name: String,
        /// Boxed to keep `ConfigError` small (clippy `result_large_err`).
        location: Box<Location>,
        value: String,
        reason: String,
    },
    /// A registered default (or `set_default` value) that its option's type rejects.
    #[error(
        "Default value for option {name} in group [{group}] is not valid: {}",
        reason_with_value(.reason, .value)
    )]
    InvalidDefault {
        group: String,
        name: String,
        value: String,
        reason: String,
    },
    /// A command line value (or a file value of a CLI option) the option's type rejects.
    #[error("argument {arg}: Invalid {type_repr} value: {value} ({reason})")]
    InvalidCliValue {
        arg: String,
        type_repr: String,
        value: String,
        reason: String,
    },
    /// A `required` option without a value.
    #[error("value required for option {name} in group [{group}]")]
    Required { group: String, name: String },
    /// A `$reference` that cannot be substituted.
    #[error("template substitution error: {message}")]
    Template { message: String },
    /// A typed read (`get_as`, `load`) of a value whose type does not fit.
    #[error("option {name} in group [{group}] holds {found}, which is not {expected}")]
    WrongType {
        group: String,
        name: String,
        expected: &'static str,
        found: String,
    },
    /// A CLI option registered after the command line was parsed.
    #[error("arguments already parsed: {detail}")]
    ArgsAlreadyParsed { detail: String },
    /// argparse-style exits: `--help` and `--version` (code 0) and usage errors (code 2).
    /// `message` is what argparse would print (usage and error text).
    #[error("{message}")]
    Exit { code: i32, message: String },
}

impl ConfigError {
    /// The process exit status a service binary should use for this error
    /// (argparse's for `Exit`, 1 for everything else, as an uncaught Python exception).
    pub fn exit_code(&self) -> i32 {
        match self {
            ConfigError::Exit { code, .. } => *code,
            _ => 1,
        }
    }
}

fn join_paths(files: &[PathBuf]) -> String {
    files
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// oslo's range errors ("Should be greater than or equal to 1") do not quote the value;
/// append it so the line says what was wrong.
fn reason_with_value(reason: &str, value: &str) -> String {
    if reason.contains(value) {
        reason.to_string()
    } else {
        format!("{reason} (value {})", repr_str(value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_error_matches_oslo_text() {
        let e = ConfigError::Parse {
            file: "/tmp/bad.conf".into(),
            line: 2,
            message: "No ':' or '=' found in assignment".into(),
            text: "novalue".into(),
        };
        assert_eq!(
            e.to_string(),
            "Failed to parse /tmp/bad.conf: at /tmp/bad.conf:2, No ':' or '=' found in assignment: 'novalue'"
        );
    }

    #[test]
    fn value_error_names_file_group_option_value_and_reason() {
        let e = ConfigError::InvalidValue {
            group: "DEFAULT".into(),
            name: "osapi_volume_workers".into(),
            location: Box::new(Location::File("/abs/cinder.conf".into())),
            value: "abc".into(),
            reason: "invalid literal for int() with base 10: 'abc'".into(),
        };
        assert_eq!(
            e.to_string(),
            "Value for option osapi_volume_workers in group [DEFAULT] from /abs/cinder.conf is not valid: invalid literal for int() with base 10: 'abc'"
        );
        let e = ConfigError::InvalidValue {
            group: "DEFAULT".into(),
            name: "workers".into(),
            location: Box::new(Location::Env("OS_DEFAULT__WORKERS".into())),
            value: "0".into(),
            reason: "Should be greater than or equal to 1".into(),
        };
        assert_eq!(
            e.to_string(),
            "Value for option workers in group [DEFAULT] from environment variable OS_DEFAULT__WORKERS is not valid: Should be greater than or equal to 1 (value '0')"
        );
    }

    #[test]
    fn stays_small_enough_for_result_large_err() {
        // Every crate returning Result<_, ConfigError> would trip clippy otherwise.
        assert!(std::mem::size_of::<ConfigError>() <= 128);
    }

    #[test]
    fn file_lists_are_comma_joined() {
        let e = ConfigError::FilesNotFound {
            files: vec!["/a.conf".into(), "/b.conf".into()],
        };
        assert_eq!(
            e.to_string(),
            "Failed to find some config files: /a.conf,/b.conf"
        );
        assert_eq!(e.exit_code(), 1);
        let e = ConfigError::Exit {
            code: 2,
            message: "usage".into(),
        };
        assert_eq!(e.exit_code(), 2);
    }
}
