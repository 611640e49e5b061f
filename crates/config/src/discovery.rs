//! Where configuration files are looked for: oslo.config's `find_config_files` /
//! `_get_config_dirs` default search path (`~/.<project>/`, `~/`, `/etc/<project>/`,
//! `/etc/`, snap directories), `.conf.d` default directories, `~` expansion, and the
//! search order of `ConfigOpts::find_file`.

use std::path::{Path, PathBuf};

/// oslo's `_fixpath`: `~` expansion, then absolute (without resolving symlinks).
pub(crate) fn fix_path(p: &str) -> PathBuf {
    let expanded = if p == "~" {
        home_dir().unwrap_or_else(|| PathBuf::from(p))
    } else if let Some(rest) = p.strip_prefix("~/") {
        home_dir().map_or_else(|| PathBuf::from(p), |h| h.join(rest))
    } else {
        PathBuf::from(p)
    };
    absolute(&expanded)
}

fn absolute(p: &Path) -> PathBuf {
    let joined = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().map_or_else(|_| p.to_path_buf(), |cwd| cwd.join(p))
    };
    normalize_lexically(&joined)
}

/// Python's `os.path.normpath`: drops `.` and folds `..` without touching the disk.
fn normalize_lexically(p: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

fn home_dir() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
}

/// oslo's `_get_config_dirs(project)`.
pub(crate) fn config_dirs(project: &str) -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if !project.is_empty() {
        dirs.push(fix_path(&format!("~/.{project}")));
    }
    dirs.push(fix_path("~"));
    if !project.is_empty() {
        dirs.push(PathBuf::from("/etc").join(project));
    }
    dirs.push(PathBuf::from("/etc"));
    if !project.is_empty() {
        if let Some(snap_c) = std::env::var_os("SNAP_COMMON").filter(|s| !s.is_empty()) {
            dirs.push(PathBuf::from(snap_c).join("etc").join(project));
        }
        if let Some(snap) = std::env::var_os("SNAP").filter(|s| !s.is_empty()) {
            dirs.push(PathBuf::from(snap).join("etc").join(project));
        }
    }
    dirs
}

/// oslo's `_search_dirs`: the first `dir/name` that exists.
pub fn search_dirs(dirs: &[PathBuf], name: &str) -> Option<PathBuf> {
    dirs.iter().map(|d| d.join(name)).find(|p| p.exists())
}

fn find_with_extension(project: &str, prog: &str, extension: &str) -> Vec<PathBuf> {
    find_in(&config_dirs(project), project, prog, extension)
}

/// `<project><ext>` then `<prog><ext>`, each from the first of `dirs` that has it.
fn find_in(dirs: &[PathBuf], project: &str, prog: &str, extension: &str) -> Vec<PathBuf> {
    [project, prog]
        .iter()
        .filter(|p| !p.is_empty())
        .filter_map(|p| search_dirs(dirs, &format!("{p}{extension}")))
        .collect()
}

/// oslo's `find_config_files(project, prog)`: at most `<project>.conf` and `<prog>.conf`,
/// each from the first directory of the search path that has it.
pub fn find_config_files(project: &str, prog: &str) -> Vec<PathBuf> {
    let mut files = find_with_extension(project, prog, ".conf");
    files.dedup();
    files
}

/// oslo's `find_config_dirs(project, prog)`: the same search for `.conf.d` directories.
pub fn find_config_dirs(project: &str, prog: &str) -> Vec<PathBuf> {
    let mut dirs = find_with_extension(project, prog, ".conf.d");
    dirs.dedup();
    dirs
}

/// `DIR/*.conf` sorted by name, as `--config-dir` parses them.
pub(crate) fn conf_files_in(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.ends_with(".conf") && !n.starts_with('.'))
        })
        .collect();
    files.sort();
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fix_path_makes_absolute_and_normal() {
        let p = fix_path("/etc/cinder/../cinder/./cinder.conf");
        assert_eq!(p, PathBuf::from("/etc/cinder/cinder.conf"));
        let rel = fix_path("x.conf");
        assert!(rel.is_absolute());
        assert!(rel.ends_with("x.conf"));
    }

    #[test]
    fn search_path_order_matches_oslo() {
        let dirs = config_dirs("cinder");
        let tail: Vec<PathBuf> = dirs[2..4].to_vec();
        assert_eq!(
            tail,
            vec![PathBuf::from("/etc/cinder"), PathBuf::from("/etc")]
        );
        assert!(dirs[0].ends_with(".cinder"));
        assert_eq!(config_dirs("").len(), 2);
    }

    #[test]
    fn search_dirs_returns_first_existing() {
        let a = tempfile::tempdir().expect("tmp");
        let b = tempfile::tempdir().expect("tmp");
        std::fs::write(b.path().join("x.ini"), "").expect("write");
        let dirs = vec![a.path().to_path_buf(), b.path().to_path_buf()];
        assert_eq!(search_dirs(&dirs, "x.ini"), Some(b.path().join("x.ini")));
        std::fs::write(a.path().join("x.ini"), "").expect("write");
        assert_eq!(search_dirs(&dirs, "x.ini"), Some(a.path().join("x.ini")));
        assert_eq!(search_dirs(&dirs, "y.ini"), None);
    }

    #[test]
    fn default_files_take_project_then_prog_each_from_its_first_directory() {
        let home = tempfile::tempdir().expect("tmp");
        let etc = tempfile::tempdir().expect("tmp");
        let dirs = vec![home.path().to_path_buf(), etc.path().to_path_buf()];
        assert!(find_in(&dirs, "cinder", "cinder-api", ".conf").is_empty());
        std::fs::write(etc.path().join("cinder.conf"), "").expect("write");
        std::fs::write(etc.path().join("cinder-api.conf"), "").expect("write");
        std::fs::write(home.path().join("cinder-api.conf"), "").expect("write");
        assert_eq!(
            find_in(&dirs, "cinder", "cinder-api", ".conf"),
            vec![
                etc.path().join("cinder.conf"),
                home.path().join("cinder-api.conf")
            ]
        );
        std::fs::create_dir(etc.path().join("cinder.conf.d")).expect("mkdir");
        assert_eq!(
            find_in(&dirs, "cinder", "cinder-api", ".conf.d"),
            vec![etc.path().join("cinder.conf.d")]
        );
    }

    #[test]
    fn conf_dir_lists_sorted_conf_files_only() {
        let d = tempfile::tempdir().expect("tmp");
        for n in ["b.conf", "a.conf", "c.txt", "10.conf"] {
            std::fs::write(d.path().join(n), "").expect("write");
        }
        let names: Vec<String> = conf_files_in(d.path())
            .expect("list")
            .iter()
            .filter_map(|p| p.file_name().and_then(|n| n.to_str()).map(str::to_string))
            .collect();
        assert_eq!(names, vec!["10.conf", "a.conf", "b.conf"]);
    }
}
