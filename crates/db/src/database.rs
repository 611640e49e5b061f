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

use sqlx::mysql::MySqlPool;
use sqlx::postgres::PgPool;
use sqlx::sqlite::SqlitePool;
use tokio::sync::{Mutex, OwnedMutexGuard};

use crate::backend::{ConnMut, Done};
use crate::connect::{connect_mysql, connect_postgres, connect_sqlite};
use crate::error::DbError;
use crate::options::DatabaseOpts;
use crate::query::{is_write, Query};
use crate::retry::RetryPolicy;
use crate::row::Row;
use crate::transaction::Transaction;
use crate::url::{Backend, ConnectionUrl};
use crate::BoxFuture;

/// How long SQLite waits for another process's write lock before a statement fails with
/// SQLITE_BUSY (which is then retried, see [`RetryPolicy`]).
pub const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// How long one attempt to get a connection may take before the database counts as down
/// (unless the pool is merely busy, in which case we keep waiting up to `pool_timeout`).
const CONNECT_PROBE: Duration = Duration::from_secs(2);

/// SQLAlchemy's `pool_timeout` default.
pub(crate) const DEFAULT_POOL_TIMEOUT: Duration = Duration::from_secs(30);

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
    /// ```no_run
    /// # async fn demo(db: &openstack_db::Database, id: &str) -> Result<u64, openstack_db::DbError> {
    /// use openstack_db::sql;
    /// db.write(|tx| {
    ///     Box::pin(async move {
    ///         tx.execute(sql("UPDATE volumes SET status = ? WHERE id = ?").bind("deleting").bind(id))
    ///             .await
    ///     })
    /// })
    /// .await
    /// # }
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
                // A connection lost during COMMIT leaves the outcome unknown: never rerun.
                Err(e) if committing && e.is_disconnect() => return Err(e),
                Err(e) => self.pause_before_retry(&mut attempt, e).await?,
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
                Err(e) => self.pause_before_retry(&mut attempt, e).await?,
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
                Err(e) => self.pause_before_retry(&mut attempt, e).await?,
            }
        }
    }

    /// Sleeps before retry number `attempt` when the policy retries `e`; else gives `e` back.
    async fn pause_before_retry(&self, attempt: &mut u32, e: DbError) -> Result<(), DbError> {
        match self.inner.retry.delay(*attempt, &e) {
            Some(d) => {
                tracing::debug!("retrying after {d:?}: {e}");
                tokio::time::sleep(d).await;
                *attempt += 1;
                Ok(())
            }
            None => Err(e),
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
