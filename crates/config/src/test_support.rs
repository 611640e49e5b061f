//! Fixtures shared by the unit tests: configuration files in a temporary directory and
//! argv vectors.

use std::path::PathBuf;

use crate::conf::ConfigOpts;

/// A temporary directory holding configuration files for one test.
pub(crate) struct Files {
    pub dir: tempfile::TempDir,
}

impl Files {
    pub fn new() -> Files {
        Files {
            dir: tempfile::tempdir().expect("temporary directory"),
        }
    }

    /// Writes `name` (relative, sub-directories created) and returns its absolute path.
    pub fn write(&self, name: &str, content: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create directory");
        }
        std::fs::write(&path, content).expect("write file");
        path
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

/// argv from string slices; `PathBuf`s are given with `p(&path)`.
pub(crate) fn argv(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

pub(crate) fn p(path: &std::path::Path) -> String {
    path.display().to_string()
}

/// A `ConfigOpts` that ignores the process environment and the default search path.
pub(crate) fn conf() -> ConfigOpts {
    let mut c = ConfigOpts::new("cinder", "cinder-test", "1.2.3");
    c.set_environment(Default::default());
    c.set_default_config_files(Vec::new());
    c.set_default_config_dirs(Vec::new());
    c
}
