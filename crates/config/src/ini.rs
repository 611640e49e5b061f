//! oslo.config's own INI grammar (`oslo_config/iniparser.py` + `cfg.ConfigParser`), not
//! Python's `configparser`: indented continuation lines joined with `\n`, `#`/`;` comments
//! only at the start of a line (no inline comments), `key = value` or `key: value` split at
//! the first separator, one pair of matching quotes removed, repeated keys kept in order.
//! Errors carry oslo's exact messages and line numbers.

/// One assignment of a file, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IniEntry {
    /// The section as written (`DEFAULT`, `Database`, ...).
    pub section: String,
    pub key: String,
    pub value: String,
    /// 1-based line of the key.
    pub line: usize,
}

/// A grammar error: oslo's message, the line number and the offending line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IniError {
    pub line: usize,
    pub message: &'static str,
    pub text: String,
}

struct Pending {
    key: String,
    parts: Vec<String>,
    line: usize,
}

/// Parses a whole file. Line numbers of "Section must be started before assignment"
/// follow oslo: the assignment is flushed, and reported, at the line that ends it.
pub fn parse_ini(text: &str) -> Result<Vec<IniEntry>, IniError> {
    let mut entries = Vec::new();
    let mut section: Option<String> = None;
    let mut pending: Option<Pending> = None;
    let mut lineno = 0;

    let flush = |pending: &mut Option<Pending>,
                 section: &Option<String>,
                 entries: &mut Vec<IniEntry>,
                 lineno: usize|
     -> Result<(), IniError> {
        if let Some(p) = pending.take() {
            let Some(sec) = section else {
                return Err(IniError {
                    line: lineno,
                    message: "Section must be started before assignment",
                    text: String::new(),
                });
            };
            entries.push(IniEntry {
                section: sec.clone(),
                key: p.key,
                value: p.parts.join("\n"),
                line: p.line,
            });
        }
        Ok(())
    };

    for raw_line in text.lines() {
        lineno += 1;
        let line = raw_line.trim_end();
        if line.is_empty() {
            flush(&mut pending, &section, &mut entries, lineno)?;
            continue;
        }
        if line.starts_with([' ', '\t']) {
            match pending.as_mut() {
                Some(p) => p.parts.push(line.trim_start().to_string()),
                None => {
                    return Err(IniError {
                        line: lineno,
                        message: "Unexpected continuation line",
                        text: line.to_string(),
                    })
                }
            }
            continue;
        }
        flush(&mut pending, &section, &mut entries, lineno)?;
        if line.starts_with('[') {
            if !line.ends_with(']') {
                return Err(IniError {
                    line: lineno,
                    message: "Invalid section (must end with ])",
                    text: line.to_string(),
                });
            }
            if line.len() <= 2 {
                return Err(IniError {
                    line: lineno,
                    message: "Empty section name",
                    text: line.to_string(),
                });
            }
            section = Some(line[1..line.len() - 1].to_string());
        } else if line.starts_with(['#', ';']) {
            // comment
        } else {
            let (key, value) = split_key_value(line).ok_or_else(|| IniError {
                line: lineno,
                message: "No ':' or '=' found in assignment",
                text: line.to_string(),
            })?;
            if key.is_empty() {
                return Err(IniError {
                    line: lineno,
                    message: "Key cannot be empty",
                    text: line.to_string(),
                });
            }
            pending = Some(Pending {
                key,
                parts: vec![value],
                line: lineno,
            });
        }
    }
    flush(&mut pending, &section, &mut entries, lineno)?;
    Ok(entries)
}

/// Splits at the first `=` or `:`, strips both sides and one pair of matching quotes.
fn split_key_value(line: &str) -> Option<(String, String)> {
    let sep = line.find(['=', ':'])?;
    let key = line[..sep].trim();
    let mut value = line[sep + 1..].trim();
    let quoted = (value.starts_with('"') && value.ends_with('"'))
        || (value.starts_with('\'') && value.ends_with('\''));
    if quoted {
        value = if value.len() >= 2 {
            &value[1..value.len() - 1]
        } else {
            ""
        };
    }
    Some((key.to_string(), value.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kv(text: &str) -> Vec<(String, String, String)> {
        parse_ini(text)
            .expect("parses")
            .into_iter()
            .map(|e| (e.section, e.key, e.value))
            .collect()
    }

    fn t(s: &str, k: &str, v: &str) -> (String, String, String) {
        (s.to_string(), k.to_string(), v.to_string())
    }

    #[test]
    fn assignments_sections_and_separators() {
        assert_eq!(
            kv("[DEFAULT]\na = 1\nb: 2\nc=x:y\nd:x=y\n[grp]\ne =\n"),
            vec![
                t("DEFAULT", "a", "1"),
                t("DEFAULT", "b", "2"),
                t("DEFAULT", "c", "x:y"),
                t("DEFAULT", "d", "x=y"),
                t("grp", "e", ""),
            ]
        );
    }

    #[test]
    fn no_inline_comments_and_line_comments() {
        assert_eq!(
            kv("# top\n[DEFAULT]\n; semi\na = 1 # x\n"),
            vec![t("DEFAULT", "a", "1 # x")]
        );
    }

    #[test]
    fn continuation_lines_join_with_newline_and_quotes_come_off_first_line() {
        assert_eq!(
            kv("[DEFAULT]\ns = \"quoted\"\n  continued\n\tmore\n"),
            vec![t("DEFAULT", "s", "quoted\ncontinued\nmore")]
        );
        // An indented comment is part of the value; a blank line ends it.
        assert_eq!(
            kv("[DEFAULT]\na = 1\n  # not a comment\n\n  \nb = 2\n"),
            vec![
                t("DEFAULT", "a", "1\n# not a comment"),
                t("DEFAULT", "b", "2")
            ]
        );
    }

    #[test]
    fn quotes_removed_once_when_matching() {
        assert_eq!(
            kv("[D]\na = 'x'\nb = \"y'\nc = ''z''\nd = \"\n"),
            vec![
                t("D", "a", "x"),
                t("D", "b", "\"y'"),
                t("D", "c", "'z'"),
                t("D", "d", ""),
            ]
        );
    }

    #[test]
    fn repeated_keys_are_all_kept() {
        assert_eq!(
            kv("[DEFAULT]\next = x\next = y\n"),
            vec![t("DEFAULT", "ext", "x"), t("DEFAULT", "ext", "y")]
        );
    }

    fn err(text: &str) -> IniError {
        parse_ini(text).expect_err("must fail")
    }

    #[test]
    fn errors_carry_oslo_messages_and_lines() {
        let e = err("[DEFAULT]\nnovalue\n");
        assert_eq!(
            (e.line, e.message, e.text.as_str()),
            (2, "No ':' or '=' found in assignment", "novalue")
        );
        let e = err("[DEFAULT]\n = 1\n");
        assert_eq!(e.message, "Unexpected continuation line");
        let e = err("[DEFAULT]\n= 1\n");
        assert_eq!(
            (e.line, e.message, e.text.as_str()),
            (2, "Key cannot be empty", "= 1")
        );
        let e = err("  x = 1\n");
        assert_eq!((e.line, e.message), (1, "Unexpected continuation line"));
        let e = err("[DEFAULT\n");
        assert_eq!(e.message, "Invalid section (must end with ])");
        let e = err("[]\n");
        assert_eq!(e.message, "Empty section name");
        let e = err("a = 1\n[DEFAULT]\n");
        assert_eq!(
            (e.line, e.message, e.text.as_str()),
            (2, "Section must be started before assignment", "")
        );
        let e = err("a = 1");
        assert_eq!(
            (e.line, e.message),
            (1, "Section must be started before assignment")
        );
    }

    #[test]
    fn odd_input_never_panics() {
        for text in [
            "[",
            "]",
            "[é]",
            "é",
            "=",
            ":",
            "[x]\n\"",
            "[x]\n'",
            "[x]\nk=\"\u{e9}",
            "\u{feff}[DEFAULT]\n",
            "[x]\n\t",
            "\t",
            "[x]\nk:\n \n  v",
            "\r\r\n",
        ] {
            let _ = parse_ini(text);
        }
    }

    #[test]
    fn crlf_and_trailing_whitespace() {
        assert_eq!(kv("[DEFAULT]\r\na = 1  \r\n"), vec![t("DEFAULT", "a", "1")]);
    }
}
