//! `$` substitution in option values (oslo.config's `ConfigOpts._substitute` with its
//! `string.Template` subclass): `$name`, `${name}`, `$group.name`, `$$` and `\$` for a
//! literal dollar. Identifiers match `[_a-z][._a-z0-9]*` case-insensitively; anything else
//! after `$` is left alone (Python's `safe_substitute`). Resolving a name is the caller's
//! job, so the same rules apply to every source (files, env, CLI, defaults, overrides).

use crate::error::ConfigError;

/// Replaces every `$reference` in `text`. `resolve(key)` returns the replacement text,
/// `Ok(None)` to leave the reference untouched, or an error to abort.
pub(crate) fn substitute<F>(text: &str, mut resolve: F) -> Result<String, ConfigError>
where
    F: FnMut(&str) -> Result<Option<String>, ConfigError>,
{
    if !text.contains('$') {
        return Ok(text.to_string());
    }
    let text = text.replace("\\$", "$$");
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c != '$' {
            out.push(c);
            i += 1;
            continue;
        }
        match chars.get(i + 1) {
            Some('$') => {
                out.push('$');
                i += 2;
            }
            Some('{') => match identifier_len(&chars[i + 2..]) {
                Some(n) if chars.get(i + 2 + n) == Some(&'}') => {
                    let key: String = chars[i + 2..i + 2 + n].iter().collect();
                    let end = i + 3 + n;
                    match resolve(&key)? {
                        Some(v) => out.push_str(&v),
                        None => out.extend(&chars[i..end]),
                    }
                    i = end;
                }
                _ => {
                    out.push('$');
                    i += 1;
                }
            },
            Some(_) => match identifier_len(&chars[i + 1..]) {
                Some(n) => {
                    let key: String = chars[i + 1..i + 1 + n].iter().collect();
                    let end = i + 1 + n;
                    match resolve(&key)? {
                        Some(v) => out.push_str(&v),
                        None => out.extend(&chars[i..end]),
                    }
                    i = end;
                }
                None => {
                    out.push('$');
                    i += 1;
                }
            },
            None => {
                out.push('$');
                i += 1;
            }
        }
    }
    Ok(out)
}

/// Length of the identifier `[_a-z][._a-z0-9]*` (ASCII, any case) at the start of `s`.
fn identifier_len(s: &[char]) -> Option<usize> {
    let first = s.first()?;
    if !(first.is_ascii_alphabetic() || *first == '_') {
        return None;
    }
    Some(
        1 + s[1..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == '_' || **c == '.')
            .count(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sub(text: &str) -> String {
        substitute(text, |key| {
            Ok(match key {
                "state_path" => Some("/var/lib/x".to_string()),
                "grp.y" => Some("Y".to_string()),
                "Mixed" => Some("m".to_string()),
                _ => None,
            })
        })
        .expect("substitutes")
    }

    #[test]
    fn references_are_replaced() {
        assert_eq!(sub("$state_path/lock"), "/var/lib/x/lock");
        assert_eq!(sub("${state_path}lock"), "/var/lib/xlock");
        assert_eq!(sub("$grp.y!"), "Y!");
        assert_eq!(sub("${grp.y}"), "Y");
        assert_eq!(sub("$Mixed"), "m");
    }

    #[test]
    fn escapes_and_unknown_are_left() {
        assert_eq!(sub("$$state_path"), "$state_path");
        assert_eq!(sub("\\$state_path"), "$state_path");
        assert_eq!(sub("cost $5"), "cost $5");
        assert_eq!(sub("end $"), "end $");
        assert_eq!(sub("$unknown/x"), "$unknown/x");
        assert_eq!(sub("${unknown}"), "${unknown}");
        assert_eq!(sub("${state_path"), "${state_path");
        assert_eq!(sub("no refs"), "no refs");
    }

    #[test]
    fn errors_propagate() {
        let r = substitute("$x", |_| {
            Err(ConfigError::Template {
                message: "boom".into(),
            })
        });
        assert_eq!(
            r,
            Err(ConfigError::Template {
                message: "boom".into()
            })
        );
    }
}
