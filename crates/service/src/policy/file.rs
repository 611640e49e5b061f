//! Reading operator overrides: `policy.yaml` (or the older `policy.json`, which is YAML too)
//! and the files of the `policy_dirs`, as oslo.policy's `parse_file_contents` and
//! `Rules.load` do — a mapping of rule name to check string (or to the legacy list-of-lists
//! form). Every problem is reported as one [`PolicyError::File`] naming the file and rule.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use yaml_rust2::{Yaml, YamlLoader};

use super::check::Check;
use super::error::PolicyError;
use super::parser::{parse_list_rule, parse_rule};

/// One rule as an operator wrote it.
#[derive(Debug, Clone)]
pub(crate) struct FileRule {
    pub check: Check,
    pub path: PathBuf,
}

/// Reads and parses one policy file, keeping the file's order.
pub(crate) fn read_policy_file(path: &Path) -> Result<Vec<(String, FileRule)>, PolicyError> {
    let text = std::fs::read_to_string(path).map_err(|e| file_error(path, None, e.to_string()))?;
    parse_policy_text(path, &text)
}

pub(crate) fn parse_policy_text(
    path: &Path,
    text: &str,
) -> Result<Vec<(String, FileRule)>, PolicyError> {
    let mut docs = YamlLoader::load_from_str(text).map_err(|e| {
        let m = e.marker();
        file_error(
            path,
            None,
            format!("line {} column {}: {}", m.line(), m.col() + 1, e.info()),
        )
    })?;
    if docs.len() > 1 {
        return Err(file_error(
            path,
            None,
            "expected a single YAML document".into(),
        ));
    }
    let hash = match docs.pop() {
        None | Some(Yaml::Null) => return Ok(Vec::new()),
        Some(Yaml::Hash(hash)) => hash,
        Some(_) => {
            return Err(file_error(
                path,
                None,
                "expected a mapping of rule names to check strings".into(),
            ))
        }
    };
    let mut rules = Vec::with_capacity(hash.len());
    for (key, value) in hash {
        let Yaml::String(name) = key else {
            return Err(file_error(
                path,
                None,
                format!("rule names must be strings, found {}", describe(&key)),
            ));
        };
        let check = rule_value(&value).map_err(|reason| file_error(path, Some(&name), reason))?;
        rules.push((
            name,
            FileRule {
                check,
                path: path.to_path_buf(),
            },
        ));
    }
    Ok(rules)
}

/// A rule's value: a check string, nothing (upstream treats a missing value like the empty
/// rule: always allowed), or the legacy list-of-lists.
fn rule_value(value: &Yaml) -> Result<Check, String> {
    match value {
        Yaml::String(s) => parse_rule(s).map_err(|e| e.to_string()),
        Yaml::Null => Ok(Check::True),
        Yaml::Array(outer) => {
            let mut lists = Vec::with_capacity(outer.len());
            for inner in outer {
                lists.push(match inner {
                    Yaml::String(s) => vec![s.clone()],
                    Yaml::Array(items) => items
                        .iter()
                        .map(|i| match i {
                            Yaml::String(s) => Ok(s.clone()),
                            other => Err(format!(
                                "a list rule holds strings, found {}",
                                describe(other)
                            )),
                        })
                        .collect::<Result<_, _>>()?,
                    other => {
                        return Err(format!(
                            "a list rule holds lists of strings, found {}",
                            describe(other)
                        ))
                    }
                });
            }
            parse_list_rule(&lists).map_err(|e| e.to_string())
        }
        other => Err(format!(
            "the check string must be a string, found {}",
            describe(other)
        )),
    }
}

fn describe(v: &Yaml) -> String {
    match v {
        Yaml::Real(r) => format!("the number {r}"),
        Yaml::Integer(i) => format!("the number {i}"),
        Yaml::String(s) => format!("{s:?}"),
        Yaml::Boolean(b) => format!("the boolean {b}"),
        Yaml::Array(_) => "a list".into(),
        Yaml::Hash(_) => "a mapping".into(),
        Yaml::Alias(_) => "an alias".into(),
        Yaml::Null => "nothing".into(),
        Yaml::BadValue => "an unreadable value".into(),
    }
}

pub(crate) fn file_error(path: &Path, rule: Option<&str>, reason: String) -> PolicyError {
    PolicyError::File {
        path: path.to_path_buf(),
        rule: rule.map(str::to_string),
        reason,
    }
}

/// The files of a policy directory, sorted by name, skipping dot-files and subdirectories.
pub(crate) fn policy_dir_files(dir: &Path) -> Result<Vec<PathBuf>, PolicyError> {
    if !dir.is_dir() {
        return Err(file_error(dir, None, "is not a directory".into()));
    }
    let entries = std::fs::read_dir(dir).map_err(|e| file_error(dir, None, e.to_string()))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    Ok(files)
}

/// What a file looked like when it was read; a different stamp means "read it again".
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Stamp {
    pub path: PathBuf,
    pub modified: Option<SystemTime>,
    pub len: u64,
}

impl Stamp {
    pub fn of(path: &Path) -> Stamp {
        let meta = std::fs::metadata(path).ok();
        Stamp {
            path: path.to_path_buf(),
            modified: meta.as_ref().and_then(|m| m.modified().ok()),
            len: meta.map_or(0, |m| m.len()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Vec<(String, String)>, String> {
        parse_policy_text(Path::new("/etc/cinder/policy.yaml"), text)
            .map(|rules| {
                rules
                    .into_iter()
                    .map(|(k, v)| (k, v.check.to_string()))
                    .collect()
            })
            .map_err(|e| e.to_string())
    }

    #[test]
    fn reads_yaml_rules_in_order() {
        let rules = parse(
            "# comment\n\"volume:create\": \"role:admin\"\nvolume:get: rule:admin_api or role:reader\n\"x\": \"\"\n",
        )
        .expect("parse");
        assert_eq!(
            rules,
            vec![
                ("volume:create".into(), "role:admin".into()),
                (
                    "volume:get".into(),
                    "(rule:admin_api or role:reader)".into()
                ),
                ("x".into(), "@".into()),
            ]
        );
    }

    #[test]
    fn reads_json_and_the_legacy_list_form() {
        let rules = parse(
            r#"{"a": "role:x", "b": [["role:admin"], ["project_id:%(project_id)s", "role:m"]], "c": [], "d": [[]]}"#,
        )
        .expect("parse");
        assert_eq!(rules[0], ("a".into(), "role:x".into()));
        assert_eq!(
            rules[1],
            (
                "b".into(),
                "(role:admin or (project_id:%(project_id)s and role:m))".into()
            )
        );
        assert_eq!(rules[2], ("c".into(), "@".into()));
        assert_eq!(rules[3], ("d".into(), "!".into()));
    }

    #[test]
    fn empty_files_and_missing_values() {
        assert_eq!(parse("").expect("empty"), vec![]);
        assert_eq!(parse("# only comments\n").expect("comments"), vec![]);
        assert_eq!(
            parse("\"a\":\n").expect("null value"),
            vec![("a".into(), "@".into())]
        );
    }

    #[test]
    fn errors_name_the_file_and_the_rule() {
        let e = parse("\"volume:create\": \"role:admin and\"\n").expect_err("bad rule");
        assert_eq!(
            e,
            "Invalid policy file /etc/cinder/policy.yaml: rule \"volume:create\": could not \
             parse check string \"role:admin and\": an operator is missing its right-hand check"
        );
        let e = parse("\"a\": \"http://example.com/%(x)s\"\n").expect_err("http");
        assert!(e.contains("rule \"a\""), "{e}");
        assert!(e.contains("not supported"), "{e}");
        let e = parse("\"a\": 5\n").expect_err("number");
        assert!(
            e.ends_with("the check string must be a string, found the number 5"),
            "{e}"
        );
        let e = parse("- a\n- b\n").expect_err("list");
        assert!(
            e.ends_with("expected a mapping of rule names to check strings"),
            "{e}"
        );
        let e = parse("\"a\": \"role:x\"\n  bad: [\n").expect_err("yaml");
        assert_eq!(
            e,
            "Invalid policy file /etc/cinder/policy.yaml: line 2 column 6: while parsing a \
             block mapping, did not find expected key"
        );
        let e = parse("\"a\": \"role:x\"\n\"a\": \"role:y\"\n").expect_err("duplicate");
        assert!(e.contains("duplicated key"), "{e}");
    }
}
