//! The `api-paste.ini` reader: Python's `configparser.ConfigParser` grammar exactly as
//! paste.deploy's `NicerConfigParser` uses it (keys case-preserved, `=` and `:` delimiters,
//! whole-line `#`/`;` comments, indented continuation lines, strict duplicate checks) and
//! `BasicInterpolation` (`%(name)s` from the section, then `[DEFAULT]`, with the built-in
//! defaults `here` and `__file__`). Error texts are the stdlib's, so an operator sees the same
//! message the Python service would print.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::error::PasteError;

/// The name of the defaults section.
pub const DEFAULT_SECTION: &str = "DEFAULT";
/// configparser's `MAX_INTERPOLATION_DEPTH`.
const MAX_INTERPOLATION_DEPTH: usize = 10;

/// One `key = value` of a section, value raw (not interpolated), continuation lines joined.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub key: String,
    pub raw: String,
    pub line: usize,
}

/// One `[name]` section, entries in file order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    pub name: String,
    pub line: usize,
    pub entries: Vec<Entry>,
}

impl Section {
    fn raw(&self, key: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|e| e.key == key)
            .map(|e| e.raw.as_str())
    }
}

/// A parsed paste file: its absolute path, `[DEFAULT]` (with `here` / `__file__`) and the
/// other sections in file order.
#[derive(Clone, Debug)]
pub struct PasteFile {
    path: PathBuf,
    defaults: Vec<Entry>,
    sections: Vec<Section>,
}

impl PasteFile {
    /// Reads and parses `path` (made absolute against the current directory).
    pub fn read(path: &Path) -> Result<PasteFile, PasteError> {
        let path = absolute(path);
        let text = std::fs::read_to_string(&path).map_err(|source| PasteError::Read {
            file: path.clone(),
            source,
        })?;
        PasteFile::parse(&path, &text)
    }

    /// Parses `text` as if it were the content of `path`.
    pub fn parse(path: &Path, text: &str) -> Result<PasteFile, PasteError> {
        let path = absolute(path);
        let here = path
            .parent()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default();
        let builtin = vec![
            Entry {
                key: "here".into(),
                raw: here,
                line: 0,
            },
            Entry {
                key: "__file__".into(),
                raw: path.to_string_lossy().into_owned(),
                line: 0,
            },
        ];
        let mut file = PasteFile {
            path,
            defaults: builtin,
            sections: Vec::new(),
        };
        Reader::new(&mut file).read(text)?;
        Ok(file)
    }

    /// The absolute path of the file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Section names (without `DEFAULT`), in file order.
    pub fn sections(&self) -> impl Iterator<Item = &str> {
        self.sections.iter().map(|s| s.name.as_str())
    }

    /// Whether `key` is a `[DEFAULT]` key (including `here` and `__file__`).
    pub fn is_default_key(&self, key: &str) -> bool {
        self.defaults.iter().any(|e| e.key == key)
    }

    /// The keys of `section` itself (not the inherited `[DEFAULT]` ones), in file order.
    pub fn options(&self, section: &str) -> Vec<&str> {
        self.section(section)
            .map(|s| s.entries.iter().map(|e| e.key.as_str()).collect())
            .unwrap_or_default()
    }

    /// `[DEFAULT]` plus `here` and `__file__`, interpolated: what paste passes as `global_conf`.
    pub fn defaults(&self) -> Result<BTreeMap<String, String>, PasteError> {
        self.defaults
            .iter()
            .map(|e| Ok((e.key.clone(), self.get(DEFAULT_SECTION, &e.key)?)))
            .collect()
    }

    /// The interpolated value of `key` in `section` (`DEFAULT` for the defaults), falling back
    /// to `[DEFAULT]` as configparser does. `None` when the key exists in neither.
    pub fn get(&self, section: &str, key: &str) -> Result<String, PasteError> {
        let raw = self.lookup(section, key).ok_or_else(|| {
            self.interpolation_error(format!(
                "No option {} in section: {}",
                py_repr(key),
                py_repr(section)
            ))
        })?;
        let mut out = String::new();
        self.interpolate_some(section, key, raw, raw, &mut out, 1)
            .map_err(|m| self.interpolation_error(m))?;
        Ok(out)
    }

    fn section(&self, name: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.name == name)
    }

    /// configparser's lookup chain: the section's own keys, then `[DEFAULT]`.
    fn lookup(&self, section: &str, key: &str) -> Option<&str> {
        let own = if section == DEFAULT_SECTION {
            None
        } else {
            self.section(section).and_then(|s| s.raw(key))
        };
        own.or_else(|| {
            self.defaults
                .iter()
                .rev()
                .find(|e| e.key == key)
                .map(|e| e.raw.as_str())
        })
    }

    fn interpolation_error(&self, message: String) -> PasteError {
        PasteError::Interpolation {
            file: self.path.clone(),
            message,
        }
    }

    /// `BasicInterpolation._interpolate_some`, with its error texts.
    fn interpolate_some(
        &self,
        section: &str,
        option: &str,
        rawval: &str,
        mut rest: &str,
        out: &mut String,
        depth: usize,
    ) -> Result<(), String> {
        if depth > MAX_INTERPOLATION_DEPTH {
            return Err(format!(
                "Recursion limit exceeded in value substitution: option {} in section {} \
                 contains an interpolation key which cannot be substituted in {} steps. \
                 Raw value: {}",
                py_repr(option),
                py_repr(section),
                MAX_INTERPOLATION_DEPTH,
                py_repr(rawval)
            ));
        }
        while !rest.is_empty() {
            let Some(p) = rest.find('%') else {
                out.push_str(rest);
                return Ok(());
            };
            out.push_str(&rest[..p]);
            rest = &rest[p..];
            match rest.as_bytes().get(1) {
                Some(b'%') => {
                    out.push('%');
                    rest = &rest[2..];
                }
                Some(b'(') => {
                    let var = rest[2..]
                        .find(')')
                        .filter(|&end| end > 0 && rest[2 + end + 1..].starts_with('s'))
                        .map(|end| &rest[2..2 + end]);
                    let Some(var) = var else {
                        return Err(format!(
                            "bad interpolation variable reference {}",
                            py_repr(rest)
                        ));
                    };
                    rest = &rest[2 + var.len() + 2..];
                    let Some(value) = self.lookup(section, var) else {
                        return Err(format!(
                            "Bad value substitution: option {} in section {} contains an \
                             interpolation key {} which is not a valid option name. \
                             Raw value: {}",
                            py_repr(option),
                            py_repr(section),
                            py_repr(var),
                            py_repr(rawval)
                        ));
                    };
                    if value.contains('%') {
                        self.interpolate_some(section, option, rawval, value, out, depth + 1)?;
                    } else {
                        out.push_str(value);
                    }
                }
                _ => {
                    return Err(format!(
                        "'%' must be followed by '%' or '(', found: {}",
                        py_repr(rest)
                    ))
                }
            }
        }
        Ok(())
    }
}

/// Where the current option's continuation lines go.
enum Target {
    None,
    Defaults,
    Section(usize),
}

/// configparser's `_read`, line by line.
struct Reader<'f> {
    file: &'f mut PasteFile,
    /// Keys `(section, key)` and sections seen in this read (strict mode).
    seen_sections: Vec<String>,
    seen_keys: std::collections::HashSet<(String, String)>,
    target: Target,
    /// Index of the option receiving continuation lines, in the target's entries.
    option: Option<usize>,
    /// Continuation lines of the current option (`""` for a blank line inside a value).
    pending: Vec<String>,
    indent_level: usize,
    bad_lines: Vec<(usize, String)>,
}

impl<'f> Reader<'f> {
    fn new(file: &'f mut PasteFile) -> Reader<'f> {
        Reader {
            file,
            seen_sections: Vec::new(),
            seen_keys: std::collections::HashSet::new(),
            target: Target::None,
            option: None,
            pending: Vec::new(),
            indent_level: 0,
            bad_lines: Vec::new(),
        }
    }

    fn read(mut self, text: &str) -> Result<(), PasteError> {
        for (index, line) in text.split_inclusive('\n').enumerate() {
            let lineno = index + 1;
            let stripped = line.trim();
            let is_comment = stripped.starts_with('#') || stripped.starts_with(';');
            if stripped.is_empty() || is_comment {
                // Empty lines stay inside a value (joined with '\n', trailing ones dropped);
                // comment lines vanish.
                if !is_comment && self.option.is_some() {
                    self.pending.push(String::new());
                }
                continue;
            }
            let indent = line.len() - line.trim_start().len();
            if self.option.is_some() && indent > self.indent_level {
                self.pending.push(stripped.to_string());
                continue;
            }
            self.flush();
            self.indent_level = indent;
            if let Some(name) = section_header(stripped) {
                self.start_section(name, lineno)?;
                continue;
            }
            if matches!(self.target, Target::None) {
                return Err(PasteError::Parse {
                    file: self.file.path.clone(),
                    line: lineno,
                    message: format!(
                        "File contains no section headers.\nfile: {}, line: {}\n{}",
                        py_repr(&self.file.path.to_string_lossy()),
                        lineno,
                        py_repr(line)
                    ),
                });
            }
            match split_option(stripped) {
                Some((key, value)) => self.add_option(key, value, lineno)?,
                // Like configparser, keep going and report every bad line at the end.
                None => self.bad_lines.push((lineno, line.to_string())),
            }
        }
        self.flush();
        if let Some(&(first, _)) = self.bad_lines.first() {
            let mut message = format!(
                "Source contains parsing errors: {}",
                py_repr(&self.file.path.to_string_lossy())
            );
            for (lineno, line) in &self.bad_lines {
                message.push_str(&format!("\n\t[line {lineno:2}]: {}", py_repr(line)));
            }
            return Err(PasteError::Parse {
                file: self.file.path.clone(),
                line: first,
                message,
            });
        }
        Ok(())
    }

    fn start_section(&mut self, name: &str, lineno: usize) -> Result<(), PasteError> {
        self.option = None;
        if name == DEFAULT_SECTION {
            self.target = Target::Defaults;
            return Ok(());
        }
        if self.seen_sections.iter().any(|s| s == name) {
            return Err(PasteError::Parse {
                file: self.file.path.clone(),
                line: lineno,
                message: format!(
                    "While reading from {} [line {lineno:2}]: section {} already exists",
                    py_repr(&self.file.path.to_string_lossy()),
                    py_repr(name)
                ),
            });
        }
        self.seen_sections.push(name.to_string());
        self.file.sections.push(Section {
            name: name.to_string(),
            line: lineno,
            entries: Vec::new(),
        });
        self.target = Target::Section(self.file.sections.len() - 1);
        Ok(())
    }

    fn add_option(&mut self, key: &str, value: &str, lineno: usize) -> Result<(), PasteError> {
        let section_name = match self.target {
            Target::Section(i) => self.file.sections[i].name.clone(),
            _ => DEFAULT_SECTION.to_string(),
        };
        if !self
            .seen_keys
            .insert((section_name.clone(), key.to_string()))
        {
            return Err(PasteError::Parse {
                file: self.file.path.clone(),
                line: lineno,
                message: format!(
                    "While reading from {} [line {lineno:2}]: option {} in section {} already exists",
                    py_repr(&self.file.path.to_string_lossy()),
                    py_repr(key),
                    py_repr(&section_name)
                ),
            });
        }
        let entry = Entry {
            key: key.to_string(),
            raw: value.to_string(),
            line: lineno,
        };
        let entries = self.entries_mut();
        // A file key replaces a built-in default of the same name (`here`, `__file__`).
        entries.retain(|e| e.key != key);
        entries.push(entry);
        self.option = Some(entries.len() - 1);
        Ok(())
    }

    fn entries_mut(&mut self) -> &mut Vec<Entry> {
        match self.target {
            Target::Section(i) => &mut self.file.sections[i].entries,
            _ => &mut self.file.defaults,
        }
    }

    /// Joins pending continuation lines into the current option (`'\n'.join(v).rstrip()`).
    fn flush(&mut self) {
        let pending = std::mem::take(&mut self.pending);
        if let Some(index) = self.option {
            if let Some(entry) = self.entries_mut().get_mut(index) {
                for part in pending {
                    entry.raw.push('\n');
                    entry.raw.push_str(&part);
                }
                let trimmed = entry.raw.trim_end().len();
                entry.raw.truncate(trimmed);
            }
        }
    }
}

/// `SECTCRE = \[(?P<header>.+)\]` matched at the start of the stripped line.
fn section_header(stripped: &str) -> Option<&str> {
    let rest = stripped.strip_prefix('[')?;
    let end = rest.rfind(']')?;
    (end > 0).then(|| &rest[..end])
}

/// `OPTCRE`: the key is everything before the first `=` or `:`, both sides stripped.
fn split_option(stripped: &str) -> Option<(&str, &str)> {
    let at = stripped.find(['=', ':'])?;
    let key = stripped[..at].trim_end();
    if key.is_empty() {
        return None;
    }
    Some((key, stripped[at + 1..].trim()))
}

/// Python's `repr()` of a str, for error texts that quote names and values.
pub(crate) fn py_repr(s: &str) -> String {
    openstack_config::repr_str(s)
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<PasteFile, PasteError> {
        PasteFile::parse(Path::new("/etc/cinder/api-paste.ini"), text)
    }

    fn get(file: &PasteFile, section: &str, key: &str) -> String {
        match file.get(section, key) {
            Ok(v) => v,
            Err(e) => panic!("{section}.{key}: {e}"),
        }
    }

    #[test]
    fn both_delimiters_first_one_wins() {
        let f = parse("[composite:x]\n/v3: api_v3\nuse = call:cinder.api:root_app_factory\n")
            .expect("parses");
        assert_eq!(get(&f, "composite:x", "/v3"), "api_v3");
        assert_eq!(
            get(&f, "composite:x", "use"),
            "call:cinder.api:root_app_factory"
        );
        assert_eq!(f.options("composite:x"), vec!["/v3", "use"]);
    }

    #[test]
    fn comments_blank_lines_and_continuations() {
        let text = "# top comment\n; another\n[pipeline:p]\n\
                    pipeline = a\n    b\n\n    c\n  # not part of it\nkey=v  \n\n\n";
        let f = parse(text).expect("parses");
        assert_eq!(get(&f, "pipeline:p", "pipeline"), "a\nb\n\nc");
        assert_eq!(get(&f, "pipeline:p", "key"), "v");
    }

    #[test]
    fn keys_keep_their_case_and_inner_spaces() {
        let f = parse("[app:a]\nPaste.App_Factory = m:o\nset foo = 1\n").expect("parses");
        assert_eq!(f.options("app:a"), vec!["Paste.App_Factory", "set foo"]);
    }

    #[test]
    fn section_header_greedy_like_sectcre() {
        let f = parse("[app:a] trailing\nk=v\n[filter:b]]\nk=v\n").expect("parses");
        assert_eq!(f.sections().collect::<Vec<_>>(), vec!["app:a", "filter:b]"]);
    }

    #[test]
    fn interpolation_section_then_default_then_builtins() {
        let text = "[DEFAULT]\nbase = /srv\nboth = from-default\n\
                    [app:a]\nboth = from-section\npath = %(base)s/x\nb = %(both)s\n\
                    here_too = %(here)s|%(__file__)s\npct = 100%%\nchain = %(path)s/y\n";
        let f = parse(text).expect("parses");
        assert_eq!(get(&f, "app:a", "path"), "/srv/x");
        assert_eq!(get(&f, "app:a", "b"), "from-section");
        assert_eq!(
            get(&f, "app:a", "here_too"),
            "/etc/cinder|/etc/cinder/api-paste.ini"
        );
        assert_eq!(get(&f, "app:a", "pct"), "100%");
        assert_eq!(get(&f, "app:a", "chain"), "/srv/x/y");
        let defaults = f.defaults().expect("defaults");
        assert_eq!(
            defaults.get("here").map(String::as_str),
            Some("/etc/cinder")
        );
        assert_eq!(defaults.get("base").map(String::as_str), Some("/srv"));
    }

    #[test]
    fn a_file_default_overrides_the_builtin_here() {
        let f = parse("[DEFAULT]\nhere = /elsewhere\n[app:a]\nk = %(here)s\n").expect("parses");
        assert_eq!(get(&f, "app:a", "k"), "/elsewhere");
    }

    #[test]
    fn interpolation_errors_carry_the_file_prefix() {
        let f = parse("[app:a]\nk = %(missing)s\nbad = 50%\nref = %(oops\nloop = %(loop)s\n")
            .expect("parses");
        let err = |key: &str| match f.get("app:a", key) {
            Ok(v) => panic!("{key} interpolated to {v}"),
            Err(e) => e.to_string(),
        };
        assert_eq!(
            err("k"),
            "Error in file /etc/cinder/api-paste.ini: Bad value substitution: option 'k' in \
             section 'app:a' contains an interpolation key 'missing' which is not a valid \
             option name. Raw value: '%(missing)s'"
        );
        assert_eq!(
            err("bad"),
            "Error in file /etc/cinder/api-paste.ini: '%' must be followed by '%' or '(', \
             found: '%'"
        );
        assert_eq!(
            err("ref"),
            "Error in file /etc/cinder/api-paste.ini: bad interpolation variable reference \
             '%(oops'"
        );
        assert!(err("loop").contains("Recursion limit exceeded in value substitution"));
    }

    #[test]
    fn duplicate_section_is_an_error_with_file_and_line() {
        let err = parse("[app:a]\nk=v\n\n[app:a]\n").expect_err("duplicate");
        assert_eq!(
            err.to_string(),
            "While reading from '/etc/cinder/api-paste.ini' [line  4]: section 'app:a' \
             already exists"
        );
        assert!(matches!(err, PasteError::Parse { line: 4, .. }));
    }

    #[test]
    fn duplicate_option_is_an_error_but_default_may_repeat() {
        let err = parse("[app:a]\nk=v\nk: w\n").expect_err("duplicate");
        assert_eq!(
            err.to_string(),
            "While reading from '/etc/cinder/api-paste.ini' [line  3]: option 'k' in \
             section 'app:a' already exists"
        );
        assert!(parse("[DEFAULT]\na=1\n[DEFAULT]\nb=2\n").is_ok());
    }

    #[test]
    fn lines_without_delimiter_are_collected_parsing_errors() {
        let err = parse("[app:a]\nnovalue\nk=v\n= nokey\n").expect_err("bad");
        assert_eq!(
            err.to_string(),
            "Source contains parsing errors: '/etc/cinder/api-paste.ini'\n\
             \t[line  2]: 'novalue\\n'\n\t[line  4]: '= nokey\\n'"
        );
    }

    #[test]
    fn option_before_any_section_header() {
        let err = parse("\n# c\nk = v\n").expect_err("no header");
        assert_eq!(
            err.to_string(),
            "File contains no section headers.\nfile: '/etc/cinder/api-paste.ini', line: 3\n\
             'k = v\\n'"
        );
    }
}
