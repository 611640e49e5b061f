//! Write a statement once, run it on any backend.
//!
//! Callers write portable SQL with `?` placeholders and standard double-quoted identifiers
//! (`"key"`, `"binary"` are reserved words somewhere), and bind [`Value`]s:
//!
//! ```
//! use openstack_db::{sql, Backend};
//! let q = sql(r#"SELECT "key", value FROM volume_metadata WHERE volume_id = ? AND deleted = false"#)
//!     .bind("4a6c...");
//! assert_eq!(
//!     q.text_for(Backend::Postgres),
//!     r#"SELECT "key", value FROM volume_metadata WHERE volume_id = $1 AND deleted = false"#
//! );
//! assert_eq!(
//!     q.text_for(Backend::MySql),
//!     "SELECT `key`, value FROM volume_metadata WHERE volume_id = ? AND deleted = false"
//! );
//! ```
//!
//! The rewrite per backend: `?` → `$1, $2, …` on PostgreSQL; `"ident"` → `` `ident` `` on
//! MySQL (whose default `sql_mode` reads double quotes as strings); a trailing `FOR UPDATE`
//! is dropped on SQLite, where the write transaction (`BEGIN IMMEDIATE`) already holds the
//! lock. String literals and comments are left alone. Booleans may be written as the
//! literals `true`/`false`, which all three accept (SQLite ≥ 3.23 reads them as 1/0).

use std::borrow::Cow;

use crate::url::Backend;
use crate::value::Value;

/// A statement and its parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    text: String,
    params: Vec<Value>,
}

/// Starts a [`Query`] from portable SQL text.
pub fn sql(text: impl Into<String>) -> Query {
    Query {
        text: text.into(),
        params: Vec::new(),
    }
}

/// `n` placeholders for an `IN (…)` list: `placeholders(3)` is `"?, ?, ?"`.
pub fn placeholders(n: usize) -> String {
    vec!["?"; n].join(", ")
}

impl Query {
    /// Binds the next `?`.
    pub fn bind(mut self, v: impl Into<Value>) -> Query {
        self.params.push(v.into());
        self
    }

    /// Binds one `?` per item, e.g. after `IN ({placeholders(n)})`.
    pub fn bind_all<I, V>(mut self, items: I) -> Query
    where
        I: IntoIterator<Item = V>,
        V: Into<Value>,
    {
        self.params.extend(items.into_iter().map(Into::into));
        self
    }

    /// Appends SQL text (building a statement piece by piece, e.g. optional filters).
    pub fn push(mut self, text: &str) -> Query {
        self.text.push_str(text);
        self
    }

    /// The portable text as written.
    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn params(&self) -> &[Value] {
        &self.params
    }

    /// The text as `backend` must receive it.
    pub fn text_for(&self, backend: Backend) -> Cow<'_, str> {
        rewrite(&self.text, backend).0
    }

    /// The rewritten text, checked against the number of bound values.
    pub(crate) fn prepare(&self, backend: Backend) -> Result<Cow<'_, str>, crate::DbError> {
        let (text, placeholders) = rewrite(&self.text, backend);
        if placeholders != self.params.len() {
            return Err(crate::DbError::Other(format!(
                "statement has {placeholders} placeholders but {} values were bound: {}",
                self.params.len(),
                self.text
            )));
        }
        Ok(text)
    }
}

/// Rewrites portable SQL for `backend`; returns the text and the number of placeholders.
pub(crate) fn rewrite(text: &str, backend: Backend) -> (Cow<'_, str>, usize) {
    let needs_work = match backend {
        Backend::Postgres => text.contains('?'),
        Backend::MySql => text.contains('"'),
        Backend::Sqlite => false,
    } || (backend == Backend::Sqlite && ends_with_for_update(text));
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len() + 8);
    let mut count = 0;
    let mut i = 0;
    // Everything copied verbatim runs from `start` to `i`.
    while i < bytes.len() {
        match bytes[i] {
            b'\'' => {
                let end = skip_quoted(bytes, i, b'\'');
                out.push_str(&text[i..end]);
                i = end;
            }
            b'`' => {
                let end = skip_quoted(bytes, i, b'`');
                out.push_str(&text[i..end]);
                i = end;
            }
            b'"' => {
                let end = skip_quoted(bytes, i, b'"');
                if backend == Backend::MySql {
                    let inner = &text[i + 1..end.saturating_sub(1).max(i + 1)];
                    out.push('`');
                    out.push_str(&inner.replace("\"\"", "\"").replace('`', "``"));
                    out.push('`');
                } else {
                    out.push_str(&text[i..end]);
                }
                i = end;
            }
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                let end = text[i..].find('\n').map(|n| i + n).unwrap_or(bytes.len());
                out.push_str(&text[i..end]);
                i = end;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                let end = text[i + 2..]
                    .find("*/")
                    .map(|n| i + 2 + n + 2)
                    .unwrap_or(bytes.len());
                out.push_str(&text[i..end]);
                i = end;
            }
            b'?' => {
                count += 1;
                if backend == Backend::Postgres {
                    out.push('$');
                    out.push_str(&count.to_string());
                } else {
                    out.push('?');
                }
                i += 1;
            }
            _ => {
                // Copy up to the next special byte in one go (keeps UTF-8 intact).
                let next = bytes[i + 1..]
                    .iter()
                    .position(|b| matches!(b, b'\'' | b'`' | b'"' | b'-' | b'/' | b'?'))
                    .map(|n| i + 1 + n)
                    .unwrap_or(bytes.len());
                out.push_str(&text[i..next]);
                i = next;
            }
        }
    }
    if backend == Backend::Sqlite && ends_with_for_update(&out) {
        let trimmed = out.trim_end().trim_end_matches(';').trim_end();
        let cut = trimmed.len() - "FOR UPDATE".len();
        out.truncate(cut);
        let keep = out.trim_end().len();
        out.truncate(keep);
    }
    if needs_work {
        (Cow::Owned(out), count)
    } else {
        (Cow::Borrowed(text), count)
    }
}

/// Index just past the closing quote (a doubled quote is an escaped one).
fn skip_quoted(bytes: &[u8], start: usize, quote: u8) -> usize {
    let mut i = start + 1;
    while i < bytes.len() {
        if bytes[i] == quote {
            if bytes.get(i + 1) == Some(&quote) {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i += 1;
    }
    bytes.len()
}

fn ends_with_for_update(text: &str) -> bool {
    let t = text.trim_end().trim_end_matches(';').trim_end();
    let n = "FOR UPDATE".len();
    t.len() > n
        && t.is_char_boundary(t.len() - n)
        && t[t.len() - n..].eq_ignore_ascii_case("FOR UPDATE")
        && t[..t.len() - n].ends_with(char::is_whitespace)
}

/// The first keyword of a statement, upper-cased (comments and whitespace skipped).
pub(crate) fn first_keyword(text: &str) -> String {
    let mut rest = text;
    loop {
        rest = rest.trim_start();
        if let Some(r) = rest.strip_prefix("--") {
            rest = r.find('\n').map(|n| &r[n..]).unwrap_or("");
        } else if let Some(r) = rest.strip_prefix("/*") {
            rest = r.find("*/").map(|n| &r[n + 2..]).unwrap_or("");
        } else if let Some(r) = rest.strip_prefix('(') {
            rest = r;
        } else {
            break;
        }
    }
    rest.chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect::<String>()
        .to_ascii_uppercase()
}

/// Whether a statement writes (SQLite takes its write lock for it).
pub(crate) fn is_write(text: &str) -> bool {
    !matches!(
        first_keyword(text).as_str(),
        "SELECT" | "WITH" | "VALUES" | "EXPLAIN" | "SHOW" | "PRAGMA"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pg(s: &str) -> String {
        rewrite(s, Backend::Postgres).0.into_owned()
    }
    fn my(s: &str) -> String {
        rewrite(s, Backend::MySql).0.into_owned()
    }
    fn lite(s: &str) -> String {
        rewrite(s, Backend::Sqlite).0.into_owned()
    }

    #[test]
    fn placeholders_become_numbered_on_postgres_only() {
        let s = "UPDATE volumes SET status = ?, updated_at = ? WHERE id = ? AND deleted = false";
        assert_eq!(
            pg(s),
            "UPDATE volumes SET status = $1, updated_at = $2 WHERE id = $3 AND deleted = false"
        );
        assert_eq!(my(s), s);
        assert_eq!(lite(s), s);
        assert_eq!(rewrite(s, Backend::Postgres).1, 3);
        assert_eq!(rewrite(s, Backend::Sqlite).1, 3);
        assert_eq!(placeholders(3), "?, ?, ?");
        assert_eq!(placeholders(0), "");
    }

    #[test]
    fn literals_and_comments_are_left_alone() {
        let s = "SELECT '?', 'it''s ?', \"a?b\" FROM t -- what?\nWHERE x = ? /* y = ? */ AND z = ?";
        assert_eq!(
            pg(s),
            "SELECT '?', 'it''s ?', \"a?b\" FROM t -- what?\nWHERE x = $1 /* y = ? */ AND z = $2"
        );
        assert_eq!(rewrite(s, Backend::Postgres).1, 2);
        assert_eq!(rewrite(s, Backend::MySql).1, 2);
    }

    #[test]
    fn double_quoted_identifiers_become_backticks_on_mysql() {
        let s = r#"SELECT "key", "value", 'a "quoted" string' FROM "clusters" WHERE "binary" = ?"#;
        assert_eq!(
            my(s),
            "SELECT `key`, `value`, 'a \"quoted\" string' FROM `clusters` WHERE `binary` = ?"
        );
        assert_eq!(lite(s), s);
        assert_eq!(pg(s), s.replace('?', "$1"));
        assert_eq!(my(r#"SELECT "we""ird""#), "SELECT `we\"ird`");
    }

    #[test]
    fn for_update_is_dropped_on_sqlite() {
        let s = "SELECT * FROM quota_usages WHERE project_id = ? ORDER BY id FOR UPDATE";
        assert_eq!(
            lite(s),
            "SELECT * FROM quota_usages WHERE project_id = ? ORDER BY id"
        );
        assert_eq!(lite(&format!("{s};\n")), lite(s));
        assert_eq!(my(s), s);
        assert!(pg(s).ends_with("ORDER BY id FOR UPDATE"));
        // Not a trailing clause: untouched.
        let t = "SELECT 'FOR UPDATE'";
        assert_eq!(lite(t), t);
    }

    #[test]
    fn non_ascii_text_survives() {
        let s = "SELECT 'välue ?' WHERE name = ? AND d = 'ünïcode'";
        assert_eq!(pg(s), "SELECT 'välue ?' WHERE name = $1 AND d = 'ünïcode'");
    }

    #[test]
    fn arity_is_checked() {
        let q = sql("SELECT ? + ?").bind(1_i64);
        let e = q.prepare(Backend::Sqlite).expect_err("arity");
        assert!(e.to_string().contains("2 placeholders but 1 values"), "{e}");
        assert!(sql("SELECT ?")
            .bind(1_i64)
            .prepare(Backend::Postgres)
            .is_ok());
    }

    #[test]
    fn statement_kind() {
        assert!(!is_write("  select 1"));
        assert!(!is_write("-- c\n/* d */ (SELECT 1)"));
        assert!(!is_write("WITH x AS (SELECT 1) SELECT * FROM x"));
        assert!(is_write("INSERT INTO t VALUES (1)"));
        assert!(is_write("update t set a = 1"));
        assert!(is_write("DELETE FROM t"));
        assert!(is_write("CREATE TABLE t (a INTEGER)"));
    }

    #[test]
    fn builder() {
        let q = sql("SELECT id FROM volumes WHERE deleted = false")
            .push(" AND status IN (")
            .push(&placeholders(2))
            .push(")")
            .bind_all(["available", "in-use"]);
        assert_eq!(q.params().len(), 2);
        assert_eq!(
            q.text_for(Backend::Postgres),
            "SELECT id FROM volumes WHERE deleted = false AND status IN ($1, $2)"
        );
    }
}
