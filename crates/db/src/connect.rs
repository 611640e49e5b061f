//! Opening a [`crate::Database`]'s pool: connect options per backend from the parsed URL and
//! `[database]`, the start-up connection test (oslo.db's `_test_connection`), pool sizes.

use std::sync::Arc;
use std::time::Duration;

use sqlx::mysql::{MySqlConnectOptions, MySqlSslMode};
use sqlx::pool::PoolOptions;
use sqlx::postgres::{PgConnectOptions, PgSslMode};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection, Executor};

use crate::database::{Pool, DEFAULT_POOL_TIMEOUT, SQLITE_BUSY_TIMEOUT};
use crate::error::DbError;
use crate::options::DatabaseOpts;
use crate::url::{ConnectionUrl, SqliteTarget};
use crate::BoxFuture;

/// Tries to open one connection, `max_retries` times (`-1`: forever), `retry_interval` apart,
/// like oslo.db's `_test_connection`.
async fn test_connection<F>(
    url: &ConnectionUrl,
    opts: &DatabaseOpts,
    connect: F,
) -> Result<(), DbError>
where
    F: Fn() -> BoxFuture<'static, Result<(), sqlx::Error>>,
{
    let attempts: Option<i64> = if opts.max_retries < 0 {
        None
    } else {
        Some(opts.max_retries.max(1))
    };
    let mut attempt = 0_i64;
    loop {
        attempt += 1;
        match connect().await {
            Ok(()) => return Ok(()),
            Err(e) => {
                let err = crate::error::classify(e);
                let left = attempts.map(|a| a - attempt);
                match (&err, left) {
                    (DbError::Disconnected(_), None) | (DbError::Disconnected(_), Some(1..)) => {
                        match left {
                            Some(n) => tracing::warn!("SQL connection failed. {n} attempts left."),
                            None => tracing::warn!("SQL connection failed. Retrying."),
                        }
                        tokio::time::sleep(Duration::from_secs(opts.retry_interval.max(0) as u64))
                            .await;
                    }
                    _ => return Err(describe_connect_error(url, err)),
                }
            }
        }
    }
}

fn describe_connect_error(url: &ConnectionUrl, err: DbError) -> DbError {
    match err {
        DbError::Disconnected(m) => DbError::Disconnected(format!("cannot connect to {url}: {m}")),
        DbError::Other(m) => DbError::Other(format!("cannot connect to {url}: {m}")),
        other => other,
    }
}

fn pool_size(opts: &DatabaseOpts) -> u32 {
    if opts.max_pool_size <= 0 || opts.max_overflow < 0 {
        return 1000;
    }
    u32::try_from(opts.max_pool_size + opts.max_overflow)
        .unwrap_or(1000)
        .max(1)
}

fn recycle(opts: &DatabaseOpts) -> Option<Duration> {
    (opts.connection_recycle_time > 0)
        .then(|| Duration::from_secs(opts.connection_recycle_time as u64))
}

pub(crate) async fn connect_sqlite(
    url: &ConnectionUrl,
    opts: &DatabaseOpts,
) -> Result<Pool, DbError> {
    if url.param("uri").is_some_and(|v| v == "true" || v == "1") {
        return Err(DbError::Config(
            "sqlite URLs with uri=true are not supported; use sqlite:////absolute/path".into(),
        ));
    }
    let base = SqliteConnectOptions::new()
        .busy_timeout(SQLITE_BUSY_TIMEOUT)
        .foreign_keys(true)
        .synchronous(if opts.sqlite_synchronous {
            SqliteSynchronous::Full
        } else {
            SqliteSynchronous::Off
        })
        .disable_statement_logging();
    match url.sqlite_target() {
        Some(SqliteTarget::File(path)) => {
            let options = base
                .filename(&path)
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal);
            let probe = options.clone();
            // A file that cannot be opened will not open ten seconds later either (oslo.db
            // retries only network connection errors).
            let once = DatabaseOpts {
                max_retries: 0,
                ..opts.clone()
            };
            test_connection(url, &once, move || {
                let o = probe.clone();
                Box::pin(async move { o.connect().await?.close().await })
            })
            .await?;
            // Writers queue on one lock, so a handful of connections serves every reader.
            let max = u32::try_from(opts.max_pool_size)
                .ok()
                .filter(|n| *n > 0)
                .unwrap_or(5);
            Ok(Pool::Sqlite(
                PoolOptions::new()
                    .max_connections(max)
                    .min_connections(0)
                    .test_before_acquire(false)
                    .acquire_timeout(DEFAULT_POOL_TIMEOUT)
                    .connect_lazy_with(options),
            ))
        }
        _ => {
            // An in-memory database lives and dies with its connection: keep exactly one.
            let options = base.in_memory(true).journal_mode(SqliteJournalMode::Memory);
            let pool = PoolOptions::new()
                .max_connections(1)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None)
                .test_before_acquire(false)
                .acquire_timeout(DEFAULT_POOL_TIMEOUT)
                .connect_with(options)
                .await
                .map_err(|e| describe_connect_error(url, e.into()))?;
            Ok(Pool::Sqlite(pool))
        }
    }
}

/// Host, port, user, password and database of `url` onto a driver's connect options (the
/// PostgreSQL and MySQL builders have the same methods but no common trait).
macro_rules! with_url_parts {
    ($options:expr, $url:expr) => {{
        let mut o = $options;
        if let Some(h) = &$url.host {
            o = o.host(h);
        }
        if let Some(p) = $url.port {
            o = o.port(p);
        }
        if let Some(u) = &$url.username {
            o = o.username(u);
        }
        if let Some(p) = &$url.password {
            o = o.password(p);
        }
        if let Some(d) = &$url.database {
            o = o.database(d);
        }
        o
    }};
}

pub(crate) async fn connect_postgres(
    url: &ConnectionUrl,
    opts: &DatabaseOpts,
) -> Result<Pool, DbError> {
    let mut o = with_url_parts!(PgConnectOptions::new(), url);
    for (k, v) in &url.query {
        o = match k.as_str() {
            "host" if v.starts_with('/') => o.socket(v),
            "host" => o.host(v),
            "port" => o.port(
                v.parse()
                    .map_err(|_| DbError::Config(format!("invalid port '{v}'")))?,
            ),
            "sslmode" => o.ssl_mode(v.parse::<PgSslMode>().map_err(|_| {
                DbError::Config(format!(
                    "invalid sslmode '{v}' in the database connection URL"
                ))
            })?),
            "sslrootcert" => o.ssl_root_cert(v),
            "sslcert" => o.ssl_client_cert(v),
            "sslkey" => o.ssl_client_key(v),
            "application_name" => o.application_name(v),
            "user" => o.username(v),
            "password" => o.password(v),
            "dbname" => o.database(v),
            other => {
                tracing::debug!("ignoring PostgreSQL connection parameter {other}");
                o
            }
        };
    }
    let o = o.disable_statement_logging();
    let probe = o.clone();
    test_connection(url, opts, move || {
        let o = probe.clone();
        Box::pin(async move { o.connect().await?.close().await })
    })
    .await?;
    Ok(Pool::Postgres(
        PoolOptions::new()
            .max_connections(pool_size(opts))
            .min_connections(0)
            .max_lifetime(recycle(opts))
            .test_before_acquire(true)
            .acquire_timeout(DEFAULT_POOL_TIMEOUT)
            .connect_lazy_with(o),
    ))
}

pub(crate) async fn connect_mysql(
    url: &ConnectionUrl,
    opts: &DatabaseOpts,
) -> Result<Pool, DbError> {
    let mut o = with_url_parts!(
        MySqlConnectOptions::new().ssl_mode(MySqlSslMode::Disabled),
        url
    );
    let mut ssl = false;
    for (k, v) in &url.query {
        o = match k.as_str() {
            "charset" => o.charset(v),
            "unix_socket" => o.socket(v),
            "ssl_ca" => {
                ssl = true;
                o.ssl_ca(v)
            }
            "ssl_cert" => {
                ssl = true;
                o.ssl_client_cert(v)
            }
            "ssl_key" => {
                ssl = true;
                o.ssl_client_key(v)
            }
            "ssl" | "ssl_verify_cert" if v == "true" || v == "1" => {
                ssl = true;
                o
            }
            other => {
                tracing::debug!("ignoring MySQL connection parameter {other}");
                o
            }
        };
    }
    if ssl {
        o = o.ssl_mode(MySqlSslMode::VerifyCa);
    }
    let o = o.disable_statement_logging();
    let session = mysql_session_statements(opts);
    let probe = o.clone();
    let probe_session = session.clone();
    test_connection(url, opts, move || {
        let o = probe.clone();
        let session = probe_session.clone();
        Box::pin(async move {
            let mut c = o.connect().await?;
            for s in session.iter() {
                c.execute(s.as_str()).await?;
            }
            c.close().await
        })
    })
    .await?;
    let session = Arc::new(session);
    Ok(Pool::MySql(
        PoolOptions::new()
            .max_connections(pool_size(opts))
            .min_connections(0)
            .max_lifetime(recycle(opts))
            .test_before_acquire(true)
            .acquire_timeout(DEFAULT_POOL_TIMEOUT)
            .after_connect(move |conn: &mut sqlx::MySqlConnection, _meta| {
                let session = session.clone();
                Box::pin(async move {
                    for s in session.iter() {
                        conn.execute(s.as_str()).await?;
                    }
                    Ok(())
                })
            })
            .connect_lazy_with(o),
    ))
}

/// oslo.db's MySQL connect hooks: `SET SESSION sql_mode`, `wsrep_sync_wait`.
fn mysql_session_statements(opts: &DatabaseOpts) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(mode) = opts.mysql_sql_mode.as_deref().filter(|m| !m.is_empty()) {
        out.push(format!(
            "SET SESSION sql_mode = '{}'",
            mode.replace('\'', "''")
        ));
    }
    if let Some(w) = opts.mysql_wsrep_sync_wait {
        out.push(format!("SET SESSION wsrep_sync_wait = {w}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pool_sizes_follow_sqlalchemy() {
        let mut o = DatabaseOpts::defaults();
        assert_eq!(pool_size(&o), 55);
        o.max_pool_size = 0;
        assert_eq!(pool_size(&o), 1000);
        o.max_pool_size = 5;
        o.max_overflow = -1;
        assert_eq!(pool_size(&o), 1000);
        o.max_overflow = 0;
        assert_eq!(pool_size(&o), 5);
    }

    #[test]
    fn mysql_session() {
        let mut o = DatabaseOpts::defaults();
        assert_eq!(
            mysql_session_statements(&o),
            vec!["SET SESSION sql_mode = 'TRADITIONAL'".to_string()]
        );
        o.mysql_sql_mode = Some(String::new());
        o.mysql_wsrep_sync_wait = Some(1);
        assert_eq!(
            mysql_session_statements(&o),
            vec!["SET SESSION wsrep_sync_wait = 1".to_string()]
        );
    }
}
