//! `re.search(pattern, text)` with Python's pattern syntax, on the `regex` crate. The
//! syntax is translated where the two differ in ways schemas meet: `$` also matches before
//! a final newline, `\Z` is the end of the text, character classes follow `sre_parse`
//! (a `-` after a range or at either end is a literal; `&&`, `--` and `~~` are not set
//! operations), `{` that does not start a valid repeat is a literal and `{,n}` means
//! `{0,n}`. Look-around and back-references do not exist in the `regex` crate and are
//! refused. Compiled patterns are cached: schemas use a handful of them.

use std::collections::HashMap;
use std::fmt::Write;
use std::sync::{Arc, Mutex, OnceLock};

use regex::Regex;

/// A pattern this module cannot run (Python would reject it, or it needs a feature the
/// `regex` crate does not have).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot use pattern {pattern:?}: {reason}")]
pub struct PatternError {
    pub pattern: String,
    pub reason: String,
}

/// Python `re.search(pattern, text) is not None`.
pub fn search(pattern: &str, text: &str) -> Result<bool, PatternError> {
    Ok(compiled(pattern)?.is_match(text))
}

fn compiled(pattern: &str) -> Result<Arc<Regex>, PatternError> {
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<Regex>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(re) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(pattern) {
        return Ok(re.clone());
    }
    let error = |reason: String| PatternError {
        pattern: pattern.to_owned(),
        reason,
    };
    let translated = translate(pattern).map_err(error)?;
    let re = Arc::new(Regex::new(&translated).map_err(|e| error(e.to_string()))?);
    cache
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(pattern.to_owned(), re.clone());
    Ok(re)
}

/// A literal character, written so that no `regex` syntax can touch it.
fn push_literal(out: &mut String, c: char) {
    if c.is_alphanumeric() || c == '_' || c == ' ' || !c.is_ascii() {
        out.push(c);
    } else {
        let _ = write!(out, "\\x{{{:X}}}", u32::from(c));
    }
}

/// Python pattern → `regex` crate pattern.
pub(crate) fn translate(pattern: &str) -> Result<String, String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        match c {
            '\\' => {
                let item = escape(&chars, &mut i, false)?;
                match item {
                    Item::Char(c) => push_literal(&mut out, c),
                    Item::Class(class) => out.push_str(class),
                }
            }
            '[' => class(&chars, &mut i, &mut out)?,
            '$' => out.push_str(r"(?:\n?\z)"),
            '{' => match repeat(&chars, i) {
                Some((min, max, end)) => {
                    let _ = match max {
                        Some(max) => write!(out, "{{{min},{max}}}"),
                        None => write!(out, "{{{min},}}"),
                    };
                    i = end;
                }
                None => push_literal(&mut out, '{'),
            },
            '}' => push_literal(&mut out, '}'),
            '(' if chars.get(i) == Some(&'?') => match chars.get(i + 1) {
                Some('=' | '!' | '#') => {
                    return Err("look-ahead and comments are not supported".into())
                }
                Some('<') if matches!(chars.get(i + 2), Some('=' | '!')) => {
                    return Err("look-behind is not supported".into())
                }
                Some('P') if chars.get(i + 2) == Some(&'=') => {
                    return Err("back-references are not supported".into())
                }
                _ => out.push('('),
            },
            c => out.push(c),
        }
    }
    Ok(out)
}

/// `{m}`, `{m,}`, `{,n}`, `{m,n}` starting after the `{` at `start`: (min, max, index
/// after `}`). Anything else is a literal `{` in Python.
fn repeat(chars: &[char], start: usize) -> Option<(String, Option<String>, usize)> {
    let mut i = start;
    let digits = |i: &mut usize| {
        let from = *i;
        while chars.get(*i).is_some_and(char::is_ascii_digit) {
            *i += 1;
        }
        chars[from..*i].iter().collect::<String>()
    };
    let lo = digits(&mut i);
    let hi = if chars.get(i) == Some(&',') {
        i += 1;
        let hi = digits(&mut i);
        (!hi.is_empty()).then_some(hi)
    } else {
        if lo.is_empty() {
            return None;
        }
        Some(lo.clone())
    };
    if chars.get(i) != Some(&'}') {
        return None;
    }
    let min = if lo.is_empty() { "0".to_owned() } else { lo };
    Some((min, hi, i + 1))
}

enum Item {
    Char(char),
    Class(&'static str),
}

/// The escape after a backslash (the backslash consumed, `i` at the next character).
fn escape(chars: &[char], i: &mut usize, in_class: bool) -> Result<Item, String> {
    let Some(&c) = chars.get(*i) else {
        return Err("bad escape (end of pattern)".into());
    };
    *i += 1;
    let hex = |i: &mut usize, n: usize| -> Result<char, String> {
        let text: String = chars.get(*i..*i + n).unwrap_or_default().iter().collect();
        *i += n;
        u32::from_str_radix(&text, 16)
            .ok()
            .filter(|_| text.len() == n && text.chars().all(|c| c.is_ascii_hexdigit()))
            .and_then(char::from_u32)
            .ok_or_else(|| format!("bad escape \\{c}{text}"))
    };
    Ok(match c {
        'd' => Item::Class(r"\d"),
        'D' => Item::Class(r"\D"),
        'w' => Item::Class(r"\w"),
        'W' => Item::Class(r"\W"),
        's' => Item::Class(r"\s"),
        'S' => Item::Class(r"\S"),
        'b' if in_class => Item::Char('\u{8}'),
        'b' => Item::Class(r"\b"),
        'B' if !in_class => Item::Class(r"\B"),
        'A' if !in_class => Item::Class(r"\A"),
        'Z' if !in_class => Item::Class(r"\z"),
        'a' => Item::Char('\u{7}'),
        'f' => Item::Char('\u{c}'),
        'n' => Item::Char('\n'),
        'r' => Item::Char('\r'),
        't' => Item::Char('\t'),
        'v' => Item::Char('\u{b}'),
        'x' => Item::Char(hex(i, 2)?),
        'u' => Item::Char(hex(i, 4)?),
        'U' => Item::Char(hex(i, 8)?),
        '0'..='7' if in_class || c == '0' => {
            let mut value = c.to_digit(8).unwrap_or(0);
            let mut taken = 1;
            while taken < 3 {
                match chars.get(*i).and_then(|d| d.to_digit(8)) {
                    Some(d) => {
                        value = value * 8 + d;
                        *i += 1;
                        taken += 1;
                    }
                    None => break,
                }
            }
            Item::Char(char::from_u32(value).ok_or("bad octal escape")?)
        }
        c if c.is_ascii_alphanumeric() => {
            return Err(format!(
                "bad escape \\{c} (back-references are not supported)"
            ))
        }
        c => Item::Char(c),
    })
}

/// A character class, `i` just after its `[`; follows `sre_parse._parse`.
fn class(chars: &[char], i: &mut usize, out: &mut String) -> Result<(), String> {
    out.push('[');
    if chars.get(*i) == Some(&'^') {
        out.push('^');
        *i += 1;
    }
    let start = *i;
    loop {
        let Some(&this) = chars.get(*i) else {
            return Err("unterminated character set".into());
        };
        *i += 1;
        if this == ']' && *i - 1 != start {
            break;
        }
        let first = if this == '\\' {
            escape(chars, i, true)?
        } else {
            Item::Char(this)
        };
        let is_range = chars.get(*i) == Some(&'-');
        if is_range {
            *i += 1;
            let Some(&that) = chars.get(*i) else {
                return Err("unterminated character set".into());
            };
            *i += 1;
            if that == ']' {
                push_item(out, first);
                push_literal(out, '-');
                break;
            }
            let second = if that == '\\' {
                escape(chars, i, true)?
            } else {
                Item::Char(that)
            };
            let (Item::Char(lo), Item::Char(hi)) = (first, second) else {
                return Err("bad character range".into());
            };
            if hi < lo {
                return Err(format!("bad character range {lo}-{hi}"));
            }
            push_literal(out, lo);
            out.push('-');
            push_literal(out, hi);
        } else {
            push_item(out, first);
        }
    }
    out.push(']');
    Ok(())
}

fn push_item(out: &mut String, item: Item) {
    match item {
        Item::Char(c) => push_literal(out, c),
        Item::Class(class) => out.push_str(class),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(p: &str, t: &str) -> bool {
        search(p, t).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn dollar_allows_a_final_newline() {
        assert!(found("^[0-9]+$", "12"));
        assert!(found("^[0-9]+$", "12\n"));
        assert!(!found("^[0-9]+$", "12\n\n"));
        assert!(!found("^[0-9]+$", "1a"));
        assert!(!found("^[0-9]+\\Z", "12\n"));
    }

    #[test]
    fn classes_follow_sre_parse() {
        // cinder's key pattern: `-` after a range is a literal.
        let key = "^[a-zA-Z0-9-_:. /]{1,255}$";
        assert!(found(key, "a-b_c:d. e/f"));
        assert!(!found(key, "a!"));
        assert!(!found(key, ""));
        assert!(!found(key, &"a".repeat(256)));
        assert!(found(r"^[a-zA-Z0-9-._#@:/+\[\]]*$", "host@be#[::1]"));
        assert!(found(r"^[\ -\~]*$", "hello ~"));
        assert!(!found(r"^[\ -\~]*$", "tab\t"));
        assert!(found("^[]a]$", "]"));
        assert!(found("^[a-]$", "-"));
        assert!(found("^[^a]$", "b"));
        assert!(found("^[a&&b]$", "&"));
        assert!(found(r"^[\d]$", "7"));
    }

    #[test]
    fn braces_and_unsupported_syntax() {
        assert!(found("^a{,2}$", "aa"));
        assert!(found("^a{x}$", "a{x}"));
        assert!(found("^a{}$", "a{}"));
        assert!(found("^a{2,}$", "aaa"));
        assert!(found("^a{,}$", "aaaa"));
        assert!(search("(?=a)", "a").is_err());
        assert!(search(r"(a)\1", "aa").is_err());
        assert!(search("[a", "a").is_err());
    }

    #[test]
    fn translation_is_stable() {
        assert_eq!(translate("^[0-9]*$").as_deref(), Ok(r"^[0-9]*(?:\n?\z)"));
        assert_eq!(translate("a.b").as_deref(), Ok("a.b"));
    }
}
