//! The parsed state of one `parse_args` run (oslo's `_Namespace`): the configuration files
//! in parse order with their raw values, the values of CLI options in argv order (a file
//! met on the command line sets CLI options too, so later flags beat it and it beats earlier
//! flags), and what was not found. Reload and mutate build a fresh one and swap it in.

use std::collections::BTreeMap;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use crate::error::{ConfigError, Location};
use crate::ini::parse_ini;

/// oslo's `_normalize_group_name`: group names in files are case-insensitive, except
/// `DEFAULT`, which must be written in upper case.
pub(crate) fn normalize_group(group: &str) -> String {
    if group == "DEFAULT" {
        group.to_string()
    } else {
        group.to_lowercase()
    }
}

/// One parsed file: normalized section → key → every value in line order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ParsedFile {
    pub path: PathBuf,
    pub sections: BTreeMap<String, BTreeMap<String, Vec<String>>>,
}

/// What reading one file gave.
pub(crate) enum FileRead {
    Parsed(ParsedFile),
    NotFound,
    PermissionDenied,
}

/// Reads and parses `path` (already absolute).
pub(crate) fn read_config_file(path: &Path) -> Result<FileRead, ConfigError> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(FileRead::NotFound),
        Err(e) if e.kind() == ErrorKind::PermissionDenied => return Ok(FileRead::PermissionDenied),
        Err(e) => {
            return Err(ConfigError::Io {
                path: path.to_path_buf(),
                message: e.to_string(),
            })
        }
    };
    let text = String::from_utf8(bytes).map_err(|e| ConfigError::Io {
        path: path.to_path_buf(),
        message: format!("not valid UTF-8: {e}"),
    })?;
    let entries = parse_ini(&text).map_err(|e| ConfigError::Parse {
        file: path.display().to_string(),
        line: e.line,
        message: e.message.to_string(),
        text: e.text,
    })?;
    let mut sections: BTreeMap<String, BTreeMap<String, Vec<String>>> = BTreeMap::new();
    for entry in entries {
        sections
            .entry(normalize_group(&entry.section))
            .or_default()
            .entry(entry.key)
            .or_default()
            .push(entry.value);
    }
    Ok(FileRead::Parsed(ParsedFile {
        path: path.to_path_buf(),
        sections,
    }))
}

/// The value of a CLI option after argv processing: from a flag or from a file met on
/// the command line.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CliSetting {
    pub values: Vec<String>,
    pub origin: Location,
}

/// A file value found for an option.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FileValue {
    /// Every value for multi-valued lookups; otherwise the single winning value.
    pub values: Vec<String>,
    pub path: PathBuf,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Namespace {
    /// Files in parse order (later ones win).
    pub files: Vec<ParsedFile>,
    /// CLI options (group, dest) → value, in argv/file order.
    pub cli: BTreeMap<(String, String), CliSetting>,
    pub not_found: Vec<PathBuf>,
    pub permission_denied: Vec<PathBuf>,
    /// `--config-dir` values given on the command line (absolute), for `find_file`.
    pub cli_config_dirs: Vec<PathBuf>,
    /// oslo's `CONF.config_file`: `--config-file` values, or the default files.
    pub config_files: Vec<PathBuf>,
    /// oslo's `CONF.config_dir`.
    pub config_dirs: Vec<PathBuf>,
}

impl Namespace {
    /// oslo's `_get_file_value`: newest file first; within a file the first name of
    /// `names` that is present wins and its last occurrence counts. Multi-valued lookups
    /// accumulate every occurrence across all files in parse order.
    pub fn file_value(&self, names: &[(String, String)], multi: bool) -> Option<FileValue> {
        let names: Vec<(String, &str)> = names
            .iter()
            .map(|(g, n)| (normalize_group(g), n.as_str()))
            .collect();
        let mut acc: Vec<String> = Vec::new();
        let mut path: Option<PathBuf> = None;
        for file in self.files.iter().rev() {
            for (group, name) in &names {
                let Some(values) = file.sections.get(group).and_then(|s| s.get(*name)) else {
                    continue;
                };
                if path.is_none() {
                    path = Some(file.path.clone());
                }
                if multi {
                    let mut merged = values.clone();
                    merged.append(&mut acc);
                    acc = merged;
                } else if let Some(last) = values.last() {
                    return Some(FileValue {
                        values: vec![last.clone()],
                        path: file.path.clone(),
                    });
                }
            }
        }
        match path {
            Some(path) if multi && !acc.is_empty() => Some(FileValue { values: acc, path }),
            _ => None,
        }
    }

    /// Which of `names` the winning (newest) file value was found under.
    pub fn found_under(&self, names: &[(String, String)]) -> Option<(String, String)> {
        for file in self.files.iter().rev() {
            for (group, name) in names {
                let present = file
                    .sections
                    .get(&normalize_group(group))
                    .is_some_and(|s| s.contains_key(name));
                if present {
                    return Some((group.clone(), name.clone()));
                }
            }
        }
        None
    }

    /// The last file value of any key, registered or not.
    pub fn raw_value(&self, group: &str, key: &str) -> Option<String> {
        let names = [(group.to_string(), key.to_string())];
        self.file_value(&names, false)
            .and_then(|v| v.values.into_iter().next())
    }

    /// Every section name seen in any file (normalized).
    pub fn sections(&self) -> Vec<String> {
        let mut all: Vec<String> = self
            .files
            .iter()
            .flat_map(|f| f.sections.keys().cloned())
            .collect();
        all.sort();
        all.dedup();
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, entries: &[(&str, &str, &str)]) -> ParsedFile {
        let mut sections: BTreeMap<String, BTreeMap<String, Vec<String>>> = BTreeMap::new();
        for (s, k, v) in entries {
            sections
                .entry(normalize_group(s))
                .or_default()
                .entry(k.to_string())
                .or_default()
                .push(v.to_string());
        }
        ParsedFile {
            path: PathBuf::from(path),
            sections,
        }
    }

    fn names(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(g, n)| (g.to_string(), n.to_string()))
            .collect()
    }

    #[test]
    fn group_names_fold_except_default() {
        assert_eq!(normalize_group("GRP"), "grp");
        assert_eq!(normalize_group("DEFAULT"), "DEFAULT");
        assert_eq!(normalize_group("default"), "default");
    }

    #[test]
    fn newest_file_wins_and_last_occurrence_in_a_file() {
        let ns = Namespace {
            files: vec![
                file("/a", &[("DEFAULT", "w", "3")]),
                file("/b", &[("DEFAULT", "w", "4"), ("DEFAULT", "w", "5")]),
            ],
            ..Namespace::default()
        };
        let v = ns
            .file_value(&names(&[("DEFAULT", "w")]), false)
            .expect("found");
        assert_eq!(v.values, vec!["5"]);
        assert_eq!(v.path, PathBuf::from("/b"));
    }

    #[test]
    fn newer_file_with_old_name_beats_older_file_with_new_name() {
        let ns = Namespace {
            files: vec![
                file("/a", &[("DEFAULT", "new", "from-a")]),
                file("/b", &[("DEFAULT", "old", "from-b")]),
            ],
            ..Namespace::default()
        };
        let n = names(&[("DEFAULT", "new"), ("DEFAULT", "old")]);
        assert_eq!(
            ns.file_value(&n, false).expect("found").values,
            vec!["from-b"]
        );
        assert_eq!(
            ns.found_under(&n),
            Some(("DEFAULT".to_string(), "old".to_string()))
        );
    }

    #[test]
    fn multi_values_accumulate_in_parse_order() {
        let ns = Namespace {
            files: vec![
                file("/a", &[("DEFAULT", "ext", "x"), ("DEFAULT", "ext", "y")]),
                file("/b", &[("DEFAULT", "ext", "z")]),
            ],
            ..Namespace::default()
        };
        let v = ns
            .file_value(&names(&[("DEFAULT", "ext")]), true)
            .expect("found");
        assert_eq!(v.values, vec!["x", "y", "z"]);
        assert_eq!(v.path, PathBuf::from("/b"));
    }

    #[test]
    fn raw_value_and_sections() {
        let ns = Namespace {
            files: vec![file("/a", &[("Grp", "k", "v"), ("DEFAULT", "u", "1")])],
            ..Namespace::default()
        };
        assert_eq!(ns.raw_value("GRP", "k"), Some("v".to_string()));
        assert_eq!(ns.raw_value("grp", "nope"), None);
        assert_eq!(ns.sections(), vec!["DEFAULT", "grp"]);
    }
}
