//! `DbError`: what went wrong in the database, classified the way oslo.db classifies driver
//! exceptions (`oslo_db/sqlalchemy/exc_filters.py`), so the API edge can map each kind to one
//! fault: `NotFound` → 404, `Duplicate` → 409, `Disconnected` → 503, the rest → 500.
//! `Deadlock` and `Locked` are retried inside [`crate::Database`] and only surface when the
//! retries are exhausted.

use std::borrow::Cow;

/// A database error, one line of text per variant.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DbError {
    /// A row that had to exist does not (`fetch_one` found nothing).
    #[error("{0}")]
    NotFound(String),
    /// A unique constraint refused the write (oslo's `DBDuplicateEntry`).
    #[error("Duplicate entry: unique constraint {constraint} failed{}", columns_suffix(.columns))]
    Duplicate {
        /// The constraint or index name when the server reports it, else the columns.
        constraint: String,
        /// The columns involved, when the server reports them (SQLite does).
        columns: Vec<String>,
    },
    /// A foreign key refused the write (oslo's `DBReferenceError`).
    #[error("Foreign key constraint failed: {0}")]
    Reference(String),
    /// A deadlock, serialization failure or lock-wait timeout (oslo's `DBDeadlock`).
    #[error("Database deadlock: {0}")]
    Deadlock(String),
    /// SQLite said "database is locked" (SQLITE_BUSY / SQLITE_LOCKED).
    #[error("Database is locked: {0}")]
    Locked(String),
    /// The database cannot be reached or dropped the connection (oslo's `DBConnectionError`).
    #[error("Database unavailable: {0}")]
    Disconnected(String),
    /// The schema is not what this program expects (unknown or newer revision, not synced).
    #[error("{0}")]
    Schema(String),
    /// Bad `[database]` configuration, e.g. an unparsable connection URL.
    #[error("{0}")]
    Config(String),
    /// Anything else the database or the driver reported.
    #[error("Database error: {0}")]
    Other(String),
}

fn columns_suffix(columns: &[String]) -> String {
    if columns.is_empty() {
        String::new()
    } else {
        format!(" (columns: {})", columns.join(", "))
    }
}

impl DbError {
    /// Whether retrying the whole transaction may succeed: deadlocks and lock timeouts.
    pub fn is_retryable(&self) -> bool {
        matches!(self, DbError::Deadlock(_) | DbError::Locked(_))
    }

    /// Whether the database could not be reached (the API answers 503).
    pub fn is_disconnect(&self) -> bool {
        matches!(self, DbError::Disconnected(_))
    }
}

impl From<sqlx::Error> for DbError {
    fn from(e: sqlx::Error) -> DbError {
        classify(e)
    }
}

/// Sorts a driver error into a [`DbError`].
pub(crate) fn classify(e: sqlx::Error) -> DbError {
    use sqlx::Error as E;
    match e {
        E::Database(db) => classify_database(db.as_ref()),
        E::RowNotFound => DbError::NotFound("no row found".into()),
        E::Io(io) => DbError::Disconnected(io.to_string()),
        E::Tls(t) => DbError::Disconnected(format!("TLS: {t}")),
        E::Protocol(p) => DbError::Disconnected(format!("protocol error: {p}")),
        E::PoolTimedOut => {
            DbError::Disconnected("timed out waiting for a database connection".into())
        }
        E::PoolClosed => DbError::Disconnected("the connection pool is closed".into()),
        E::WorkerCrashed => DbError::Disconnected("the SQLite worker thread crashed".into()),
        E::Configuration(c) => DbError::Config(c.to_string()),
        other => DbError::Other(other.to_string()),
    }
}

fn classify_database(db: &(dyn sqlx::error::DatabaseError + 'static)) -> DbError {
    let message = db.message().to_string();
    if db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
        let code: i32 = db.code().and_then(|c| c.parse().ok()).unwrap_or(0);
        return classify_sqlite(code, message);
    }
    if let Some(e) = db.try_downcast_ref::<sqlx::postgres::PgDatabaseError>() {
        return classify_postgres(e.code(), e.constraint(), message);
    }
    if let Some(e) = db.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>() {
        return classify_mysql(e.number(), message);
    }
    DbError::Other(message)
}

/// SQLite extended result codes (sqlite3.h).
pub(crate) fn classify_sqlite(code: i32, message: String) -> DbError {
    const BUSY: i32 = 5;
    const LOCKED: i32 = 6;
    const IOERR: i32 = 10;
    const CANTOPEN: i32 = 14;
    const CONSTRAINT_FOREIGNKEY: i32 = 787;
    const CONSTRAINT_PRIMARYKEY: i32 = 1555;
    const CONSTRAINT_UNIQUE: i32 = 2067;
    match code {
        CONSTRAINT_UNIQUE | CONSTRAINT_PRIMARYKEY => {
            // "UNIQUE constraint failed: t.a, t.b"
            let columns: Vec<String> = message
                .split_once(':')
                .map(|(_, cols)| {
                    cols.split(',')
                        .map(|c| c.trim().rsplit('.').next().unwrap_or("").to_string())
                        .filter(|c| !c.is_empty())
                        .collect()
                })
                .unwrap_or_default();
            DbError::Duplicate {
                constraint: columns.join(", "),
                columns,
            }
        }
        CONSTRAINT_FOREIGNKEY => DbError::Reference(message),
        c if c & 0xff == BUSY || c & 0xff == LOCKED => DbError::Locked(message),
        c if c & 0xff == IOERR || c & 0xff == CANTOPEN => DbError::Disconnected(message),
        _ => DbError::Other(message),
    }
}

/// PostgreSQL SQLSTATE codes (Appendix A of the PostgreSQL manual).
pub(crate) fn classify_postgres(code: &str, constraint: Option<&str>, message: String) -> DbError {
    match code {
        "23505" => DbError::Duplicate {
            constraint: constraint.unwrap_or("unknown").to_string(),
            columns: Vec::new(),
        },
        "23503" => DbError::Reference(message),
        "40P01" | "40001" | "55P03" => DbError::Deadlock(message),
        "57P01" | "57P02" | "57P03" | "53300" => DbError::Disconnected(message),
        c if c.starts_with("08") => DbError::Disconnected(message),
        _ => DbError::Other(message),
    }
}

/// MySQL / MariaDB server error numbers.
pub(crate) fn classify_mysql(number: u16, message: String) -> DbError {
    match number {
        // ER_DUP_ENTRY, ER_DUP_ENTRY_WITH_KEY_NAME: "Duplicate entry 'x-y' for key 'name'"
        1062 | 1586 => DbError::Duplicate {
            constraint: mysql_duplicate_key(&message)
                .map(|k| k.into_owned())
                .unwrap_or_else(|| "unknown".to_string()),
            columns: Vec::new(),
        },
        // ER_ROW_IS_REFERENCED(_2), ER_NO_REFERENCED_ROW(_2)
        1216 | 1217 | 1451 | 1452 => DbError::Reference(message),
        // ER_LOCK_DEADLOCK, ER_LOCK_WAIT_TIMEOUT
        1205 | 1213 => DbError::Deadlock(message),
        // too many connections, server shutdown, connection killed, gone away, lost,
        // Galera node not ready, idle disconnect
        1040 | 1047 | 1053 | 1927 | 2006 | 2013 | 4031 => DbError::Disconnected(message),
        _ => DbError::Other(message),
    }
}

fn mysql_duplicate_key(message: &str) -> Option<Cow<'_, str>> {
    let rest = &message[message.rfind("for key '")? + "for key '".len()..];
    let key = &rest[..rest.find('\'')?];
    // MySQL 8 writes `table.key`.
    Some(Cow::Borrowed(key.rsplit('.').next().unwrap_or(key)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_codes() {
        let e = classify_sqlite(
            2067,
            "UNIQUE constraint failed: volume_type_projects.volume_type_id, volume_type_projects.project_id, volume_type_projects.deleted".into(),
        );
        assert_eq!(
            e,
            DbError::Duplicate {
                constraint: "volume_type_id, project_id, deleted".into(),
                columns: vec![
                    "volume_type_id".into(),
                    "project_id".into(),
                    "deleted".into()
                ],
            }
        );
        assert!(e.to_string().contains("columns: volume_type_id"), "{e}");
        assert!(matches!(
            classify_sqlite(1555, "UNIQUE constraint failed: volumes.id".into()),
            DbError::Duplicate { .. }
        ));
        assert!(matches!(
            classify_sqlite(787, "FOREIGN KEY constraint failed".into()),
            DbError::Reference(_)
        ));
        for busy in [5, 261, 517, 773, 6, 262] {
            let e = classify_sqlite(busy, "database is locked".into());
            assert!(e.is_retryable(), "{busy}: {e:?}");
            assert!(matches!(e, DbError::Locked(_)));
        }
        assert!(classify_sqlite(14, "unable to open database file".into()).is_disconnect());
        assert!(matches!(
            classify_sqlite(
                1299,
                "NOT NULL constraint failed: volumes.volume_type_id".into()
            ),
            DbError::Other(_)
        ));
    }

    #[test]
    fn postgres_codes() {
        assert_eq!(
            classify_postgres("23505", Some("services_uuid_idx"), "dup".into()),
            DbError::Duplicate {
                constraint: "services_uuid_idx".into(),
                columns: vec![]
            }
        );
        assert!(matches!(
            classify_postgres("23503", None, "fk".into()),
            DbError::Reference(_)
        ));
        assert!(classify_postgres("40P01", None, "deadlock".into()).is_retryable());
        assert!(classify_postgres("40001", None, "serialization".into()).is_retryable());
        assert!(classify_postgres("57P01", None, "terminating".into()).is_disconnect());
        assert!(classify_postgres("08006", None, "conn failure".into()).is_disconnect());
        assert!(matches!(
            classify_postgres("42P01", None, "no such table".into()),
            DbError::Other(_)
        ));
    }

    #[test]
    fn mysql_numbers() {
        assert_eq!(
            classify_mysql(
                1062,
                "Duplicate entry 'abc-p1-0' for key 'volume_type_id'".into()
            ),
            DbError::Duplicate {
                constraint: "volume_type_id".into(),
                columns: vec![]
            }
        );
        assert_eq!(
            classify_mysql(
                1062,
                "Duplicate entry 'x' for key 'services.services_uuid_idx'".into()
            ),
            DbError::Duplicate {
                constraint: "services_uuid_idx".into(),
                columns: vec![]
            }
        );
        assert!(matches!(
            classify_mysql(1452, "fk".into()),
            DbError::Reference(_)
        ));
        assert!(classify_mysql(1213, "deadlock".into()).is_retryable());
        assert!(classify_mysql(1205, "lock wait timeout".into()).is_retryable());
        assert!(classify_mysql(2006, "gone away".into()).is_disconnect());
        assert!(classify_mysql(1927, "killed".into()).is_disconnect());
        assert!(matches!(
            classify_mysql(1146, "no table".into()),
            DbError::Other(_)
        ));
    }

    #[test]
    fn driver_errors() {
        let refused = sqlx::Error::Io(std::io::Error::from(std::io::ErrorKind::ConnectionRefused));
        assert!(DbError::from(refused).is_disconnect());
        assert!(DbError::from(sqlx::Error::PoolTimedOut).is_disconnect());
        assert!(matches!(
            DbError::from(sqlx::Error::RowNotFound),
            DbError::NotFound(_)
        ));
    }
}
