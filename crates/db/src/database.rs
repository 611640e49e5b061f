//! [`Database`]: the handle services use, over a sqlx pool of one of three backends
//! (oslo.db's engine facade). It hides what service code must not see:
//!
//! - **SQLite** runs in WAL mode with a busy timeout and foreign keys on; write transactions
//!   start with `BEGIN IMMEDIATE` and are serialized inside the process by an async mutex, so
//!   concurrent writers queue instead of failing with "database is locked"; what still collides
//!   across processes is retried (doc/adr/0002-database.md).
//! - **PostgreSQL / MySQL** get a pool sized like SQLAlchemy's (`max_pool_size` +
//!   `max_overflow`), connections recycled after `connection_recycle_time`, MySQL sessions in
//!   `mysql_sql_mode`.
//! - A database that is down at start-up is retried `max_retries` times, `retry_interval`
//!   seconds apart, then reported as one clear [`DbError::Disconnected`]; one that goes away
//!   later fails the current call with [`DbError::Disconnected`] within seconds, and the pool
//!   reconnects by itself when it is back.

use std::sync::Arc;
use std::time::Duration;

use sqlx::mysql::{MySqlConnectOptions, MySqlPool, MySqlSslMode};
use sqlx::pool::PoolOptions;
use sqlx::postgres::{PgConnectOptions, PgPool, PgSslMode};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection, Executor};
use tokio::sync::{Mutex, OwnedMutexGuard};

use crate::backend::{ConnMut, Done};
use crate::error::DbError;
use crate::options::DatabaseOpts;
use crate::query::{is_write, Query};
use crate::retry::RetryPolicy;
use crate::row::Row;
use crate::transaction::Transaction;
use crate::url::{Backend, ConnectionUrl, SqliteTarget};
use crate::BoxFuture;

/// How long SQLite waits for another process's write lock before a statement fails with
/// SQLITE_BUSY (which is then retried, see [`RetryPolicy`]).
pub const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// How long one attempt to get a connection may take before the database counts as down
/// (unless the pool is merely busy, in which case we keep waiting up to `pool_timeout`).
const CONNECT_PROBE: Duration = Duration::from_secs(5);

/// SQLAlchemy's `pool_timeout` default.
const DEFAULT_POOL_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Clone)]
pub(crate) enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
    MySql(MySqlPool),
}

pub(crate) enum PooledConn {
    Sqlite(sqlx::pool::PoolConnection<sqlx::Sqlite>),
    Postgres(sqlx::pool::PoolConnection<sqlx::Postgres>),
    MySql(sqlx::pool::PoolConnection<sqlx::MySql>),
}

impl PooledConn {
    pub(crate) fn as_mut(&mut self) -> ConnMut<'_> {
        match self {
            PooledConn::Sqlite(c) => ConnMut::Sqlite(c),
            PooledConn::Postgres(c) => ConnMut::Postgres(c),
            PooledConn::MySql(c) => ConnMut::MySql(c),
        }
    }
}

/// A pool of connections to one database. Cheap to clone; clones share the pool.
#[derive(Clone)]
pub struct Database {
    inner: Arc<Inner>,
}

struct Inner {
    pool: Pool,
    url: ConnectionUrl,
    retry: RetryPolicy,
    acquire_timeout: Duration,
    max_connections: u32,
    /// Serializes SQLite writers of this process (see the module doc).
    sqlite_writer: Arc<Mutex<()>>,
    /// `connection_debug >= 50`: log every statement.
    log_statements: bool,
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Database({})", self.inner.url)
    }
}

impl Database {
    /// Connects as `[database]` says: parses `connection` (+ `connection_parameters`), checks
    /// that the database answers (retrying `max_retries` times, `retry_interval` apart) and
    /// builds the pool.
    pub async fn connect(opts: &DatabaseOpts) -> Result<Database, DbError> {
        let raw = opts
            .connection
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .ok_or_else(|| DbError::Config("[database] connection is not set".into()))?;
        let url = ConnectionUrl::parse(raw)?.with_parameters(&opts.connection_parameters);
        let pool = match url.backend {
            Backend::Sqlite => connect_sqlite(&url, opts).await?,
            Backend::Postgres => connect_postgres(&url, opts).await?,
            Backend::MySql => connect_mysql(&url, opts).await?,
        };
        let max_connections = match &pool {
            Pool::Sqlite(p) => p.options().get_max_connections(),
            Pool::Postgres(p) => p.options().get_max_connections(),
            Pool::MySql(p) => p.options().get_max_connections(),
        };
        Ok(Database {
            inner: Arc::new(Inner {
                pool,
                url,
                retry: RetryPolicy::from_opts(opts),
                acquire_timeout: opts
                    .pool_timeout
                    .filter(|t| *t > 0)
                    .map(|t| Duration::from_secs(t as u64))
                    .unwrap_or(DEFAULT_POOL_TIMEOUT),
                max_connections,
                sqlite_writer: Arc::new(Mutex::new(())),
                log_statements: opts.connection_debug >= 50,
            }),
        })
    }

    /// Connects to `url` with every other option at its default and no start-up retries.
    pub async fn connect_url(url: &str) -> Result<Database, DbError> {
        let mut opts = DatabaseOpts::for_url(url);
        opts.max_retries = 0;
        Database::connect(&opts).await
    }

    pub fn backend(&self) -> Backend {
        self.inner.url.backend
    }

    /// The connection URL with the password hidden, for logs and messages.
    pub fn url(&self) -> &ConnectionUrl {
        &self.inner.url
    }

    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// Closes every connection; later calls fail with [`DbError::Disconnected`].
    pub async fn close(&self) {
        match &self.inner.pool {
            Pool::Sqlite(p) => p.close().await,
            Pool::Postgres(p) => p.close().await,
            Pool::MySql(p) => p.close().await,
        }
    }

    /// Runs a statement in its own transaction; returns the number of rows it changed.
    pub async fn execute(&self, q: Query) -> Result<u64, DbError> {
        self.autocommit(&q, |c, text, params| {
            Box::pin(async move { c.execute(&text, params).await.map(|d| d.rows_affected) })
        })
        .await
    }

    /// Runs an `INSERT` into a table with an integer auto-increment key and returns the new
    /// key (`RETURNING` on PostgreSQL, the last insert id elsewhere).
    pub async fn insert(&self, q: Query, id_column: &str) -> Result<i64, DbError> {
        let q = returning(self.backend(), q, id_column);
        self.autocommit(&q, |c, text, params| Box::pin(insert_on(c, text, params)))
            .await
    }

    pub async fn fetch_all(&self, q: Query) -> Result<Vec<Row>, DbError> {
        self.autocommit(&q, |c, text, params| {
            Box::pin(async move { c.fetch_all(&text, params).await })
        })
        .await
    }

    pub async fn fetch_optional(&self, q: Query) -> Result<Option<Row>, DbError> {
        self.autocommit(&q, |c, text, params| {
            Box::pin(async move { c.fetch_optional(&text, params).await })
        })
        .await
    }

    /// Exactly one row; [`DbError::NotFound`] when there is none.
    pub async fn fetch_one(&self, q: Query) -> Result<Row, DbError> {
        let text = q.text().to_string();
        self.fetch_optional(q)
            .await?
            .ok_or_else(|| DbError::NotFound(format!("no row for: {text}")))
    }

    /// Starts a write transaction (SQLite: `BEGIN IMMEDIATE` under the process's write lock).
    /// Nothing is retried: prefer [`Database::write`].
    pub async fn begin(&self) -> Result<Transaction<'static>, DbError> {
        let guard = self.sqlite_write_lock().await?;
        let conn = self.acquire().await?;
        Transaction::begin(self.clone(), conn, true, guard).await
    }

    /// Starts a read-only transaction: one consistent snapshot, no write lock. Writing in it
    /// is a bug (on SQLite it can fail with "database is locked").
    pub async fn begin_read(&self) -> Result<Transaction<'static>, DbError> {
        let conn = self.acquire().await?;
        Transaction::begin(self.clone(), conn, false, None).await
    }

    /// Runs `f` in a write transaction and commits it. A deadlock, a lock timeout or (with
    /// `use_db_reconnect`) a lost connection before the commit rolls back and runs `f` again
    /// from the start, per [`RetryPolicy`]; so `f` must only touch the database through `tx`.
    ///
    /// ```ignore
    /// db.write(|tx| Box::pin(async move {
    ///     tx.execute(sql("UPDATE volumes SET status = ? WHERE id = ?").bind("deleting").bind(id)).await?;
    ///     Ok(())
    /// })).await?;
    /// ```
    pub async fn write<'a, T, F>(&'a self, mut f: F) -> Result<T, DbError>
    where
        F: for<'t> FnMut(&'t mut Transaction<'a>) -> BoxFuture<'t, Result<T, DbError>>,
    {
        let mut attempt = 0;
        loop {
            let (result, committing) = async {
                let mut tx: Transaction<'a> = match self.begin().await {
                    Ok(tx) => tx,
                    Err(e) => return (Err(e), false),
                };
                match f(&mut tx).await {
                    Ok(v) => match tx.commit().await {
                        Ok(()) => (Ok(v), true),
                        Err(e) => (Err(e), true),
                    },
                    Err(e) => {
                        let _ = tx.rollback().await;
                        (Err(e), false)
                    }
                }
            }
            .await;
            match result {
                Ok(v) => return Ok(v),
                Err(e) => {
                    // A connection lost during COMMIT leaves the outcome unknown: never rerun.
                    let delay = if committing && e.is_disconnect() {
                        None
                    } else {
                        self.inner.retry.delay(attempt, &e)
                    };
                    match delay {
                        Some(d) => {
                            tracing::debug!("retrying transaction after {d:?}: {e}");
                            tokio::time::sleep(d).await;
                            attempt += 1;
                        }
                        None => return Err(e),
                    }
                }
            }
        }
    }

    /// Runs `f` in a read-only transaction (one snapshot), retried like [`Database::write`].
    pub async fn read<'a, T, F>(&'a self, mut f: F) -> Result<T, DbError>
    where
        F: for<'t> FnMut(&'t mut Transaction<'a>) -> BoxFuture<'t, Result<T, DbError>>,
    {
        let mut attempt = 0;
        loop {
            let result = async {
                let mut tx: Transaction<'a> = self.begin_read().await?;
                let v = f(&mut tx).await;
                let _ = tx.rollback().await;
                v
            }
            .await;
            match result {
                Ok(v) => return Ok(v),
                Err(e) => match self.inner.retry.delay(attempt, &e) {
                    Some(d) => {
                        tokio::time::sleep(d).await;
                        attempt += 1;
                    }
                    None => return Err(e),
                },
            }
        }
    }

    /// Whether `table` exists in the connected database (schema).
    pub async fn table_exists(&self, table: &str) -> Result<bool, DbError> {
        Ok(self
            .fetch_optional(crate::schema::table_exists_query(self.backend(), table))
            .await?
            .is_some())
    }

    /// Names of the tables in the connected database (schema), sorted.
    pub async fn table_names(&self) -> Result<Vec<String>, DbError> {
        let rows = self
            .fetch_all(crate::schema::table_names_query(self.backend()))
            .await?;
        let mut names = rows
            .iter()
            .map(|r| r.get_at::<String>(0))
            .collect::<Result<Vec<_>, _>>()?;
        names.sort();
        Ok(names)
    }

    /// One statement outside any explicit transaction. SQLite writes take the write lock.
    async fn autocommit<T, F>(&self, q: &Query, run: F) -> Result<T, DbError>
    where
        F: for<'c> Fn(ConnMut<'c>, String, &'c [crate::Value]) -> BoxFuture<'c, Result<T, DbError>>,
    {
        let backend = self.backend();
        let text = q.prepare(backend)?.into_owned();
        self.log(&text);
        let mut attempt = 0;
        loop {
            let guard = if backend == Backend::Sqlite && is_write(&text) {
                self.sqlite_write_lock().await?
            } else {
                None
            };
            let result = match self.acquire().await {
                Ok(mut conn) => run(conn.as_mut(), text.clone(), q.params()).await,
                Err(e) => Err(e),
            };
            drop(guard);
            match result {
                Ok(v) => return Ok(v),
                Err(e) => match self.inner.retry.delay(attempt, &e) {
                    Some(d) => {
                        tokio::time::sleep(d).await;
                        attempt += 1;
                    }
                    None => return Err(e),
                },
            }
        }
    }

    /// A connection from the pool. Fails fast ([`CONNECT_PROBE`]) when new connections
    /// cannot be made; waits up to `pool_timeout` when every connection is merely in use.
    pub(crate) async fn acquire(&self) -> Result<PooledConn, DbError> {
        let deadline = tokio::time::Instant::now() + self.inner.acquire_timeout;
        loop {
            let probe = deadline
                .saturating_duration_since(tokio::time::Instant::now())
                .min(CONNECT_PROBE);
            let attempt = async {
                Ok::<_, sqlx::Error>(match &self.inner.pool {
                    Pool::Sqlite(p) => PooledConn::Sqlite(p.acquire().await?),
                    Pool::Postgres(p) => PooledConn::Postgres(p.acquire().await?),
                    Pool::MySql(p) => PooledConn::MySql(p.acquire().await?),
                })
            };
            match tokio::time::timeout(probe, attempt).await {
                Ok(Ok(conn)) => return Ok(conn),
                Ok(Err(e)) => {
                    return Err(match crate::error::classify(e) {
                        DbError::Disconnected(m) => {
                            DbError::Disconnected(format!("{m} ({})", self.inner.url))
                        }
                        other => other,
                    })
                }
                Err(_) => {
                    let busy = self.pool_size() >= self.inner.max_connections;
                    if !(busy && tokio::time::Instant::now() < deadline) {
                        return Err(DbError::Disconnected(format!(
                            "timed out waiting for a connection to {}",
                            self.inner.url
                        )));
                    }
                }
            }
        }
    }

    fn pool_size(&self) -> u32 {
        match &self.inner.pool {
            Pool::Sqlite(p) => p.size(),
            Pool::Postgres(p) => p.size(),
            Pool::MySql(p) => p.size(),
        }
    }

    /// On SQLite, the process-wide writer lock; `None` elsewhere.
    pub(crate) async fn sqlite_write_lock(&self) -> Result<Option<OwnedMutexGuard<()>>, DbError> {
        if self.backend() != Backend::Sqlite {
            return Ok(None);
        }
        let lock = self.inner.sqlite_writer.clone();
        // Bounded: a writer waiting on itself (a `Database` call inside `write`) is a bug
        // that must fail, not hang.
        match tokio::time::timeout(SQLITE_BUSY_TIMEOUT, lock.lock_owned()).await {
            Ok(guard) => Ok(Some(guard)),
            Err(_) => Err(DbError::Locked(
                "timed out waiting for this process's SQLite write lock".into(),
            )),
        }
    }

    pub(crate) fn log(&self, text: &str) {
        if self.inner.log_statements {
            tracing::info!(target: "openstack_db::sql", "{text}");
        }
    }
}

/// PostgreSQL has no last-insert-id: ask for the key with `RETURNING`.
pub(crate) fn returning(backend: Backend, q: Query, id_column: &str) -> Query {
    match backend {
        Backend::Postgres => q.push(&format!(" RETURNING \"{id_column}\"")),
        _ => q,
    }
}

pub(crate) async fn insert_on(
    c: ConnMut<'_>,
    text: String,
    params: &[crate::Value],
) -> Result<i64, DbError> {
    match c {
        ConnMut::Postgres(_) => {
            let row = c
                .fetch_optional(&text, params)
                .await?
                .ok_or_else(|| DbError::Other("INSERT … RETURNING returned no row".into()))?;
            row.get_at::<i64>(0)
        }
        other => {
            let Done { last_insert_id, .. } = other.execute(&text, params).await?;
            last_insert_id.ok_or_else(|| DbError::Other("the driver reported no insert id".into()))
        }
    }
}

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

async fn connect_sqlite(url: &ConnectionUrl, opts: &DatabaseOpts) -> Result<Pool, DbError> {
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
            test_connection(url, opts, move || {
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

async fn connect_postgres(url: &ConnectionUrl, opts: &DatabaseOpts) -> Result<Pool, DbError> {
    let mut o = PgConnectOptions::new();
    if let Some(h) = &url.host {
        o = o.host(h);
    }
    if let Some(p) = url.port {
        o = o.port(p);
    }
    if let Some(u) = &url.username {
        o = o.username(u);
    }
    if let Some(p) = &url.password {
        o = o.password(p);
    }
    if let Some(d) = &url.database {
        o = o.database(d);
    }
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

async fn connect_mysql(url: &ConnectionUrl, opts: &DatabaseOpts) -> Result<Pool, DbError> {
    let mut o = MySqlConnectOptions::new().ssl_mode(MySqlSslMode::Disabled);
    if let Some(h) = &url.host {
        o = o.host(h);
    }
    if let Some(p) = url.port {
        o = o.port(p);
    }
    if let Some(u) = &url.username {
        o = o.username(u);
    }
    if let Some(p) = &url.password {
        o = o.password(p);
    }
    if let Some(d) = &url.database {
        o = o.database(d);
    }
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
