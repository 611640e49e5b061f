//! Where log lines go (oslo.log's handlers, service.md §6.3): a file for `log_file` /
//! `log_dir`, stderr with `use_stderr`, stdout when neither applies.
//!
//! Lines are written synchronously under one mutex, one `write` per line, by the thread that
//! logs: no background thread, so a process can fork after logging started (the launcher's
//! parent logs before it forks its workers). Files are opened in append mode, so the lines of
//! the parent and all workers interleave whole.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::LogError;

/// One destination.
#[derive(Debug)]
pub(crate) enum Sink {
    Stdout,
    Stderr,
    File(File),
    /// Tests: lines collected in memory.
    #[cfg_attr(not(test), allow(dead_code))]
    Memory(Arc<Mutex<Vec<u8>>>),
}

impl Sink {
    fn write_line(&mut self, line: &[u8]) -> io::Result<()> {
        match self {
            Sink::Stdout => {
                let mut out = io::stdout().lock();
                out.write_all(line)?;
                out.flush()
            }
            Sink::Stderr => io::stderr().lock().write_all(line),
            Sink::File(f) => f.write_all(line),
            Sink::Memory(buf) => {
                buf.lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .extend_from_slice(line);
                Ok(())
            }
        }
    }
}

/// Every destination of the process, behind one lock.
#[derive(Debug, Clone)]
pub(crate) struct Writer {
    sinks: Arc<Mutex<Vec<Sink>>>,
}

impl Writer {
    pub(crate) fn new(sinks: Vec<Sink>) -> Writer {
        Writer {
            sinks: Arc::new(Mutex::new(sinks)),
        }
    }

    /// Writes `line` and a newline to every destination; write errors are dropped (there is
    /// nowhere left to report them).
    pub(crate) fn write_line(&self, line: &str) {
        let mut bytes = Vec::with_capacity(line.len() + 1);
        bytes.extend_from_slice(line.as_bytes());
        bytes.push(b'\n');
        let mut sinks = self.sinks.lock().unwrap_or_else(|p| p.into_inner());
        for sink in sinks.iter_mut() {
            let _ = sink.write_line(&bytes);
        }
    }
}

/// oslo.log's `_get_log_file_path`: `log_file` alone, `log_dir/log_file`, or
/// `<log_dir>/<binary>.log`; `None` without either.
pub(crate) fn log_file_path(
    log_file: Option<&str>,
    log_dir: Option<&str>,
    binary: &str,
) -> Option<PathBuf> {
    let log_file = log_file.filter(|s| !s.is_empty());
    let log_dir = log_dir.filter(|s| !s.is_empty());
    match (log_file, log_dir) {
        (Some(file), None) => Some(PathBuf::from(file)),
        // Path::join keeps an absolute log_file as it is, like os.path.join.
        (Some(file), Some(dir)) => Some(Path::new(dir).join(file)),
        (None, Some(dir)) => Some(Path::new(dir).join(format!("{binary}.log"))),
        (None, None) => None,
    }
}

/// The destinations for the options: the file if any, stderr with `use_stderr`, and stdout
/// when there is neither.
pub(crate) fn sinks_for(path: Option<&Path>, use_stderr: bool) -> Result<Vec<Sink>, LogError> {
    let mut sinks = Vec::new();
    if let Some(path) = path {
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|source| LogError::OpenFile {
                path: path.to_path_buf(),
                source,
            })?;
        sinks.push(Sink::File(file));
    }
    if use_stderr {
        sinks.push(Sink::Stderr);
    }
    if sinks.is_empty() {
        sinks.push(Sink::Stdout);
    }
    Ok(sinks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_file_path_follows_oslo_log() {
        assert_eq!(log_file_path(None, None, "cinder-api"), None);
        assert_eq!(
            log_file_path(Some("/var/log/c.log"), None, "cinder-api"),
            Some(PathBuf::from("/var/log/c.log"))
        );
        assert_eq!(
            log_file_path(Some("c.log"), Some("/var/log/cinder"), "cinder-api"),
            Some(PathBuf::from("/var/log/cinder/c.log"))
        );
        assert_eq!(
            log_file_path(Some("/abs/c.log"), Some("/var/log/cinder"), "cinder-api"),
            Some(PathBuf::from("/abs/c.log"))
        );
        assert_eq!(
            log_file_path(None, Some("/var/log/cinder"), "cinder-api"),
            Some(PathBuf::from("/var/log/cinder/cinder-api.log"))
        );
    }

    #[test]
    fn stdout_only_when_nothing_else_is_configured() {
        let sinks = sinks_for(None, false).expect("sinks");
        assert!(matches!(sinks.as_slice(), [Sink::Stdout]));
        let sinks = sinks_for(None, true).expect("sinks");
        assert!(matches!(sinks.as_slice(), [Sink::Stderr]));
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("x.log");
        let sinks = sinks_for(Some(&path), true).expect("sinks");
        assert!(matches!(sinks.as_slice(), [Sink::File(_), Sink::Stderr]));
    }

    #[test]
    fn unopenable_file_is_a_clear_error() {
        let err =
            sinks_for(Some(Path::new("/nonexistent/dir/x.log")), false).expect_err("must fail");
        assert!(err.to_string().contains("/nonexistent/dir/x.log"), "{err}");
    }

    #[test]
    fn lines_are_appended_whole() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("x.log");
        std::fs::write(&path, "old\n").expect("write");
        let w = Writer::new(sinks_for(Some(&path), false).expect("sinks"));
        w.write_line("one");
        w.write_line("two");
        assert_eq!(
            std::fs::read_to_string(&path).expect("read"),
            "old\none\ntwo\n"
        );
    }
}
