//! `[database] connection` URLs, parsed the way SQLAlchemy parses them
//! (`sqlalchemy.engine.url.make_url`), so an operator's unchanged `cinder.conf` works:
//!
//! | URL | means |
//! | --- | --- |
//! | `sqlite://`, `sqlite:///:memory:` | an in-memory database |
//! | `sqlite:///cinder.sqlite` | `cinder.sqlite` relative to the working directory (three slashes) |
//! | `sqlite:////var/lib/cinder/cinder.sqlite` | an absolute path (four slashes) |
//! | `mysql://u:p@host/db`, `mysql+pymysql://u:p@host:3306/db?charset=utf8` | MySQL / MariaDB |
//! | `postgresql://u:p@host/db`, `postgresql+psycopg2://…` | PostgreSQL |
//!
//! The `+driver` part names a Python DB-API driver; every driver of a backend means the same
//! to us. Anything else is refused with a message that lists what is accepted.

use std::fmt;
use std::path::PathBuf;
use std::sync::OnceLock;

use regex::Regex;

use crate::error::DbError;

/// The database engine behind a connection URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    Sqlite,
    Postgres,
    MySql,
}

impl Backend {
    /// SQLAlchemy's dialect name (`engine.name`): `sqlite`, `postgresql`, `mysql`.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgresql",
            Backend::MySql => "mysql",
        }
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Every scheme we accept, as `(scheme, backend)`.
const SCHEMES: &[(&str, Backend)] = &[
    ("sqlite", Backend::Sqlite),
    ("sqlite+pysqlite", Backend::Sqlite),
    ("postgresql", Backend::Postgres),
    ("postgresql+psycopg2", Backend::Postgres),
    ("postgresql+psycopg", Backend::Postgres),
    ("postgresql+pg8000", Backend::Postgres),
    ("postgresql+asyncpg", Backend::Postgres),
    ("mysql", Backend::MySql),
    ("mysql+pymysql", Backend::MySql),
    ("mysql+mysqldb", Backend::MySql),
    ("mysql+mysqlconnector", Backend::MySql),
    ("mariadb", Backend::MySql),
    ("mariadb+pymysql", Backend::MySql),
    ("mariadb+mysqldb", Backend::MySql),
];

/// Where a SQLite database lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SqliteTarget {
    /// `sqlite://` or `sqlite:///:memory:`: private to this process, gone when it exits.
    Memory,
    /// A file; relative paths are relative to the working directory, as in Python.
    File(PathBuf),
}

/// A parsed connection URL.
#[derive(Clone, PartialEq, Eq)]
pub struct ConnectionUrl {
    /// The scheme as written, e.g. `mysql+pymysql`.
    pub scheme: String,
    pub backend: Backend,
    pub username: Option<String>,
    pub password: Option<String>,
    pub host: Option<String>,
    pub port: Option<u16>,
    /// The part after the host: a database name, or for SQLite the file path.
    pub database: Option<String>,
    /// Query parameters in order (`?charset=utf8&…`), percent-decoded.
    pub query: Vec<(String, String)>,
}

/// SQLAlchemy's URL pattern (`sqlalchemy/engine/url.py`, `_parse_url`), verbatim in meaning.
fn pattern() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?sx)^
            (?P<name>[\w+]+)://
            (?:
                (?P<username>[^:/]*)
                (?::(?P<password>[^@]*))?
            @)?
            (?:
                (?:
                    \[(?P<ipv6host>[^/?]+)\] |
                    (?P<ipv4host>[^/:?]+)
                )?
                (?::(?P<port>[^/?]*))?
            )?
            (?:/(?P<database>[^?]*))?
            (?:\?(?P<query>.*))?
            $",
        )
        .expect("static regex")
    })
}

impl ConnectionUrl {
    /// Parses `url` with SQLAlchemy's rules. Errors name the problem without echoing a
    /// password.
    pub fn parse(url: &str) -> Result<ConnectionUrl, DbError> {
        let url = url.trim();
        let caps = pattern().captures(url).ok_or_else(|| {
            DbError::Config(format!(
                "Could not parse SQLAlchemy URL from string '{}'",
                redact_unparsed(url)
            ))
        })?;
        let scheme = caps["name"].to_string();
        let backend = SCHEMES
            .iter()
            .find(|(s, _)| s.eq_ignore_ascii_case(&scheme))
            .map(|(_, b)| *b)
            .ok_or_else(|| unknown_scheme(&scheme))?;
        let username = caps
            .name("username")
            .map(|m| percent_decode(m.as_str()))
            .filter(|s| !s.is_empty());
        let password = caps.name("password").map(|m| percent_decode(m.as_str()));
        let host = caps
            .name("ipv6host")
            .or_else(|| caps.name("ipv4host"))
            .map(|m| m.as_str().to_string())
            .filter(|s| !s.is_empty());
        let port = match caps.name("port").map(|m| m.as_str()) {
            None | Some("") => None,
            Some(p) => Some(p.parse::<u16>().map_err(|_| {
                DbError::Config(format!("invalid port '{p}' in the database connection URL"))
            })?),
        };
        let database = caps
            .name("database")
            .map(|m| m.as_str().to_string())
            .filter(|s| !s.is_empty());
        let query = caps
            .name("query")
            .map(|m| parse_query(m.as_str()))
            .unwrap_or_default();
        Ok(ConnectionUrl {
            scheme,
            backend,
            username,
            password,
            host,
            port,
            database,
            query,
        })
    }

    /// For SQLite URLs: memory or the file's path.
    pub fn sqlite_target(&self) -> Option<SqliteTarget> {
        if self.backend != Backend::Sqlite {
            return None;
        }
        Some(match self.database.as_deref() {
            None | Some(":memory:") => SqliteTarget::Memory,
            Some(path) => SqliteTarget::File(PathBuf::from(path)),
        })
    }

    /// The last value of query parameter `key`.
    pub fn param(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The same URL naming another database (tests create one database per test).
    pub fn with_database(mut self, database: &str) -> ConnectionUrl {
        self.database = Some(database.to_string());
        self
    }

    /// The full URL, password included (percent-encoded): for handing to another process,
    /// never for logs (use `Display` there).
    pub fn to_url_string(&self) -> String {
        let shown = self.to_string();
        match (&self.username, &self.password) {
            (Some(u), Some(p)) => {
                let needle = format!("{}:***@", self.scheme_and_user(u));
                shown.replacen(
                    &needle,
                    &format!("{}:{}@", self.scheme_and_user(u), percent_encode(p)),
                    1,
                )
            }
            _ => shown,
        }
    }

    fn scheme_and_user(&self, user: &str) -> String {
        format!("{}://{user}", self.scheme)
    }

    /// Appends `connection_parameters` (`a=1&b=2`) to the query, as oslo.db does.
    pub fn with_parameters(mut self, params: &str) -> ConnectionUrl {
        self.query.extend(parse_query(params));
        self
    }
}

impl fmt::Display for ConnectionUrl {
    /// The URL with the password replaced by `***` (SQLAlchemy's `hide_password`), safe for logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://", self.scheme)?;
        if let Some(u) = &self.username {
            f.write_str(u)?;
            if self.password.is_some() {
                f.write_str(":***")?;
            }
            f.write_str("@")?;
        }
        if let Some(h) = &self.host {
            if h.contains(':') {
                write!(f, "[{h}]")?;
            } else {
                f.write_str(h)?;
            }
        }
        if let Some(p) = self.port {
            write!(f, ":{p}")?;
        }
        if let Some(d) = &self.database {
            write!(f, "/{d}")?;
        }
        for (i, (k, v)) in self.query.iter().enumerate() {
            write!(f, "{}{k}={v}", if i == 0 { '?' } else { '&' })?;
        }
        Ok(())
    }
}

impl fmt::Debug for ConnectionUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ConnectionUrl({self})")
    }
}

fn unknown_scheme(scheme: &str) -> DbError {
    let valid: Vec<&str> = SCHEMES.iter().map(|(s, _)| *s).collect();
    let hint = if scheme == "postgres" {
        " (SQLAlchemy spells it postgresql://)"
    } else {
        ""
    };
    DbError::Config(format!(
        "unsupported database connection URL scheme '{scheme}://'{hint}; valid schemes: {}",
        valid.join(", ")
    ))
}

/// The text of an unparsable URL with anything between `:` and `@` hidden.
fn redact_unparsed(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}:***{}", &url[..s + 3 + c], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// `urllib.parse.parse_qsl(keep_blank_values=True)`.
fn parse_query(q: &str) -> Vec<(String, String)> {
    q.split(['&', ';'])
        .filter(|p| !p.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((k, v)) => (form_decode(k), form_decode(v)),
            None => (form_decode(pair), String::new()),
        })
        .collect()
}

fn form_decode(s: &str) -> String {
    percent_decode(&s.replace('+', " "))
}

/// Percent-encodes what would break the URL grammar in a password.
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// `urllib.parse.unquote`: `%XX` sequences become bytes, invalid ones stay as written.
pub(crate) fn percent_decode(s: &str) -> String {
    fn hex(b: u8) -> Option<u8> {
        (b as char).to_digit(16).map(|d| d as u8)
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 3 <= bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push(h * 16 + l);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> ConnectionUrl {
        ConnectionUrl::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn sqlite_slash_rules_follow_sqlalchemy() {
        assert_eq!(
            parse("sqlite://").sqlite_target(),
            Some(SqliteTarget::Memory)
        );
        assert_eq!(
            parse("sqlite:///:memory:").sqlite_target(),
            Some(SqliteTarget::Memory)
        );
        assert_eq!(
            parse("sqlite:///cinder.sqlite").sqlite_target(),
            Some(SqliteTarget::File("cinder.sqlite".into()))
        );
        assert_eq!(
            parse("sqlite:///relative/dir/cinder.sqlite").sqlite_target(),
            Some(SqliteTarget::File("relative/dir/cinder.sqlite".into()))
        );
        assert_eq!(
            parse("sqlite:////var/lib/cinder/cinder.sqlite").sqlite_target(),
            Some(SqliteTarget::File("/var/lib/cinder/cinder.sqlite".into()))
        );
        assert_eq!(
            parse("sqlite+pysqlite:////tmp/x.db").sqlite_target(),
            Some(SqliteTarget::File("/tmp/x.db".into()))
        );
        assert_eq!(parse("mysql://u@h/db").sqlite_target(), None);
    }

    #[test]
    fn mysql_pymysql_with_charset() {
        let u = parse("mysql+pymysql://cinder:s3cr%40t@127.0.0.1:3306/cinder?charset=utf8");
        assert_eq!(u.backend, Backend::MySql);
        assert_eq!(u.scheme, "mysql+pymysql");
        assert_eq!(u.username.as_deref(), Some("cinder"));
        assert_eq!(u.password.as_deref(), Some("s3cr@t"));
        assert_eq!(u.host.as_deref(), Some("127.0.0.1"));
        assert_eq!(u.port, Some(3306));
        assert_eq!(u.database.as_deref(), Some("cinder"));
        assert_eq!(u.param("charset"), Some("utf8"));
        assert_eq!(
            u.to_string(),
            "mysql+pymysql://cinder:***@127.0.0.1:3306/cinder?charset=utf8"
        );
    }

    #[test]
    fn postgresql_spellings() {
        for s in [
            "postgresql://cinder:pw@db.example.com/cinder",
            "postgresql+psycopg2://cinder:pw@db.example.com/cinder",
        ] {
            let u = parse(s);
            assert_eq!(u.backend, Backend::Postgres);
            assert_eq!(u.host.as_deref(), Some("db.example.com"));
            assert_eq!(u.port, None);
            assert_eq!(u.database.as_deref(), Some("cinder"));
        }
        let u = parse("postgresql://postgres@[::1]:5433/cinder?sslmode=require");
        assert_eq!(u.host.as_deref(), Some("::1"));
        assert_eq!(u.port, Some(5433));
        assert_eq!(u.password, None);
        assert_eq!(u.param("sslmode"), Some("require"));
        assert_eq!(
            u.to_string(),
            "postgresql://postgres@[::1]:5433/cinder?sslmode=require"
        );
    }

    #[test]
    fn password_with_colon_and_no_user() {
        let u = parse("mysql://:pw:x@h/db");
        assert_eq!(u.username, None);
        assert_eq!(u.password.as_deref(), Some("pw:x"));
    }

    #[test]
    fn unknown_scheme_is_a_clear_error() {
        let e = ConnectionUrl::parse("oracle://u:p@h/db").expect_err("oracle");
        let msg = e.to_string();
        assert!(
            msg.contains("unsupported database connection URL scheme 'oracle://'"),
            "{msg}"
        );
        assert!(msg.contains("mysql+pymysql"), "{msg}");
        let e = ConnectionUrl::parse("postgres://u@h/db").expect_err("postgres");
        assert!(e.to_string().contains("postgresql://"), "{e}");
    }

    #[test]
    fn garbage_is_refused_without_echoing_the_password() {
        let e = ConnectionUrl::parse("not a url user:hunter2@x").expect_err("garbage");
        assert!(
            e.to_string().starts_with("Could not parse SQLAlchemy URL"),
            "{e}"
        );
        let e = ConnectionUrl::parse("my sql://user:hunter2@x/db").expect_err("garbage");
        assert!(!e.to_string().contains("hunter2"), "{e}");
        let e = ConnectionUrl::parse("mysql://u:p@h:notaport/db").expect_err("port");
        assert!(e.to_string().contains("invalid port 'notaport'"), "{e}");
    }

    #[test]
    fn full_url_round_trips_with_the_password() {
        let u = parse("mysql+pymysql://cinder:p%40ss:w@127.0.0.1:3306/cinder?charset=utf8");
        assert_eq!(u.password.as_deref(), Some("p@ss:w"));
        let full = u.to_url_string();
        assert_eq!(
            full,
            "mysql+pymysql://cinder:p%40ss%3Aw@127.0.0.1:3306/cinder?charset=utf8"
        );
        assert_eq!(parse(&full), u);
        let other = u.clone().with_database("t_1");
        assert_eq!(other.database.as_deref(), Some("t_1"));
        assert_eq!(
            parse("sqlite:////x/y.db").to_url_string(),
            "sqlite:////x/y.db"
        );
    }

    #[test]
    fn connection_parameters_are_appended() {
        let u = parse("mysql+pymysql://u:p@h/db?charset=utf8").with_parameters("ssl_ca=/x.pem&a=");
        assert_eq!(u.param("ssl_ca"), Some("/x.pem"));
        assert_eq!(u.param("a"), Some(""));
        assert_eq!(u.param("charset"), Some("utf8"));
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("a%40b%3Ac"), "a@b:c");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz"), "%zz");
        assert_eq!(percent_decode("%4"), "%4");
    }
}
