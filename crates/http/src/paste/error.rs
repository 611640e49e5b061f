//! `PasteError`: everything that can go wrong between `api_paste_config` and a built stack.
//! The texts follow paste.deploy's `LookupError`s and configparser's exceptions where they
//! exist (an operator searching for the Python message finds it), and every variant names the
//! file and, once known, the section.

use std::path::PathBuf;

/// Errors of the paste loader and of the factories it calls.
#[derive(Debug, thiserror::Error)]
pub enum PasteError {
    /// oslo.service `ConfigNotFound`: `api_paste_config` names no existing file.
    #[error("Could not find config at {path}")]
    ConfigNotFound { path: String },

    /// The file exists but cannot be read.
    #[error("Unable to read {}: {source}", file.display())]
    Read {
        file: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// configparser grammar errors; `message` is the stdlib text (it names file and line).
    #[error("{message}")]
    Parse {
        file: PathBuf,
        line: usize,
        message: String,
    },

    /// `%(name)s` interpolation errors, with paste's `Error in file <file>: ` prefix.
    #[error("Error in file {}: {message}", file.display())]
    Interpolation { file: PathBuf, message: String },

    /// paste.deploy's `LookupError`s (no/ambiguous section, missing `pipeline`/`next`, no
    /// loader, bad URI, ...); `message` is the paste text, which names the file.
    #[error("{message}")]
    Lookup {
        file: PathBuf,
        section: Option<String>,
        message: String,
    },

    /// A section that, through `use`, a pipeline, `next`, `filter-with` or a composite,
    /// needs itself.
    #[error(
        "Loop in paste config {}: section [{section}] uses itself ({})",
        file.display(),
        chain.join(" -> ")
    )]
    Loop {
        file: PathBuf,
        section: String,
        /// `[section]` frames from the first occurrence to the repeated one.
        chain: Vec<String>,
    },

    /// A factory spec (`call:`, `egg:` or a protocol key) that neither the standard registry
    /// nor the service's `AppFactories` knows.
    #[error(
        "Unknown factory '{spec}' in section [{section}] of {}; known factories: {}",
        file.display(),
        known.join(", ")
    )]
    UnknownFactory {
        file: PathBuf,
        section: String,
        spec: String,
        known: Vec<String>,
    },

    /// An upstream factory this build recognises but does not implement (yet).
    #[error(
        "Factory '{spec}' in section [{section}] of {} is not supported yet",
        file.display()
    )]
    Unsupported {
        file: PathBuf,
        section: String,
        spec: String,
    },

    /// A factory refused its configuration (bad local key, missing pipeline key, ...).
    #[error("Error in section [{section}] of {}: {message}", file.display())]
    Factory {
        file: PathBuf,
        section: String,
        message: String,
    },

    /// oslo.service `PasteAppNotFound`: loading `name` failed; `source` says why.
    #[error("Could not load paste app '{name}' from {}: {source}", file.display())]
    AppNotFound {
        name: String,
        file: PathBuf,
        #[source]
        source: Box<PasteError>,
    },
}
