//! Schema migrations, recorded exactly as alembic records them, so a database synced by the
//! Python services counts as current for us and the other way round.
//!
//! A service lists its [`Migration`]s oldest first, each with upstream's alembic revision id.
//! The applied one is the single row of `alembic_version(version_num)`. [`Migrations::sync`]
//! applies what is missing, one transaction per migration (DDL is transactional on SQLite and
//! PostgreSQL; MySQL commits each DDL statement, as it does for alembic), and refuses a
//! database whose revision it does not know: that database was written by a newer release.
//! On SQLite, migrations run with foreign keys off so tables can be rebuilt.

use std::fmt;

use crate::database::{Database, PooledConn};
use crate::error::DbError;
use crate::query::sql;
use crate::schema::quote;
use crate::transaction::Transaction;
use crate::url::Backend;
use crate::BoxFuture;

type UpgradeFn = Box<
    dyn for<'t, 'c> Fn(&'t mut Transaction<'c>) -> BoxFuture<'t, Result<(), DbError>> + Send + Sync,
>;

/// One schema change, named by its alembic revision.
pub struct Migration {
    pub revision: &'static str,
    pub down_revision: Option<&'static str>,
    pub description: &'static str,
    upgrade: UpgradeFn,
}

impl Migration {
    pub fn new<F>(
        revision: &'static str,
        down_revision: Option<&'static str>,
        description: &'static str,
        upgrade: F,
    ) -> Migration
    where
        F: for<'t, 'c> Fn(&'t mut Transaction<'c>) -> BoxFuture<'t, Result<(), DbError>>
            + Send
            + Sync
            + 'static,
    {
        Migration {
            revision,
            down_revision,
            description,
            upgrade: Box::new(upgrade),
        }
    }
}

impl fmt::Debug for Migration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Migration({} → {}: {})",
            self.down_revision.unwrap_or("<base>"),
            self.revision,
            self.description
        )
    }
}

/// A service's migrations, oldest first.
#[derive(Debug)]
pub struct Migrations {
    /// The `*-manage` command that syncs (named in messages): `cinder-manage`.
    manage: &'static str,
    list: Vec<Migration>,
}

/// What [`Migrations::sync`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncOutcome {
    pub from: Option<String>,
    pub to: String,
    pub applied: Vec<&'static str>,
}

impl fmt::Display for SyncOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.applied.len();
        match (&self.from, n) {
            (_, 0) => write!(
                f,
                "Database is already at revision {}; nothing to do.",
                self.to
            ),
            (None, _) => write!(
                f,
                "Database created at revision {} ({n} migration{} applied).",
                self.to,
                if n == 1 { "" } else { "s" }
            ),
            (Some(from), _) => write!(
                f,
                "Database upgraded from revision {from} to {} ({n} migration{} applied).",
                self.to,
                if n == 1 { "" } else { "s" }
            ),
        }
    }
}

impl Migrations {
    /// # Panics
    /// When the list is empty or does not chain (each `down_revision` the one before):
    /// a programming error in the service's list.
    pub fn new(manage: &'static str, list: Vec<Migration>) -> Migrations {
        assert!(!list.is_empty(), "no migrations");
        let mut prev = None;
        for m in &list {
            assert_eq!(
                m.down_revision, prev,
                "migration {} does not follow {prev:?}",
                m.revision
            );
            prev = Some(m.revision);
        }
        Migrations { manage, list }
    }

    /// The newest revision we know.
    pub fn head(&self) -> &'static str {
        self.list.last().map(|m| m.revision).unwrap_or_default()
    }

    pub fn revisions(&self) -> Vec<&'static str> {
        self.list.iter().map(|m| m.revision).collect()
    }

    fn position(&self, revision: &str) -> Option<usize> {
        self.list.iter().position(|m| m.revision == revision)
    }

    fn unknown(&self, revision: &str) -> DbError {
        DbError::Schema(format!(
            "The database schema is at revision {revision}, which this release does not know \
             (the newest it knows is {}): the database was upgraded by a newer release. \
             Refusing to use it.",
            self.head()
        ))
    }

    /// The revision in `alembic_version`, `None` for a database never synced.
    pub async fn current(&self, db: &Database) -> Result<Option<String>, DbError> {
        if !db.table_exists("alembic_version").await? {
            return Ok(None);
        }
        let rows = db
            .fetch_all(sql("SELECT version_num FROM alembic_version"))
            .await?;
        read_version(&rows)
    }

    /// For services at start-up: `Ok` when the database is at our head revision, else a
    /// [`DbError::Schema`] saying what to do.
    pub async fn check(&self, db: &Database) -> Result<(), DbError> {
        match self.current(db).await? {
            Some(rev) if rev == self.head() => Ok(()),
            Some(rev) if self.position(&rev).is_some() => Err(DbError::Schema(format!(
                "The database schema is at revision {rev}, older than {}; run `{} db sync`.",
                self.head(),
                self.manage
            ))),
            Some(rev) => Err(self.unknown(&rev)),
            None => Err(DbError::Schema(format!(
                "The database has no schema yet; run `{} db sync`.",
                self.manage
            ))),
        }
    }

    /// Applies every migration the database lacks; a no-op at head.
    pub async fn sync(&self, db: &Database) -> Result<SyncOutcome, DbError> {
        let from = self.current(db).await?;
        let start = match &from {
            None => 0,
            Some(rev) => self.position(rev).ok_or_else(|| self.unknown(rev))? + 1,
        };
        let mut applied = Vec::new();
        let mut prev = from.clone();
        for m in &self.list[start..] {
            tracing::info!(
                "Running upgrade {} -> {}, {}",
                prev.as_deref().unwrap_or(""),
                m.revision,
                m.description
            );
            apply(db, m, prev.as_deref()).await.map_err(|e| match e {
                DbError::Schema(_) | DbError::Disconnected(_) | DbError::Config(_) => e,
                other => DbError::Other(format!("migration {} failed: {other}", m.revision)),
            })?;
            applied.push(m.revision);
            prev = Some(m.revision.to_string());
        }
        Ok(SyncOutcome {
            from,
            to: self.head().to_string(),
            applied,
        })
    }
}

fn read_version(rows: &[crate::Row]) -> Result<Option<String>, DbError> {
    match rows {
        [] => Ok(None),
        [one] => Ok(Some(one.get::<String>("version_num")?)),
        many => Err(DbError::Schema(format!(
            "alembic_version has {} rows (several heads); refusing to guess",
            many.len()
        ))),
    }
}

/// One migration in its own transaction, together with the `alembic_version` update.
async fn apply(db: &Database, m: &Migration, prev: Option<&str>) -> Result<(), DbError> {
    let sqlite = db.backend() == Backend::Sqlite;
    let _writer = db.sqlite_write_lock().await?;
    let mut conn = db.acquire().await?;
    if sqlite {
        // Table rebuilds drop tables that others reference; like alembic on SQLite (where
        // oslo.db leaves foreign keys off), check nothing while the schema moves.
        conn.as_mut()
            .execute("PRAGMA foreign_keys = OFF", &[])
            .await?;
    }
    let result = async {
        let mut tx = Transaction::begin_on(db.clone(), conn.as_mut(), true).await?;
        let now = if tx.table_exists("alembic_version").await? {
            read_version(
                &tx.fetch_all(sql("SELECT version_num FROM alembic_version"))
                    .await?,
            )?
        } else {
            None
        };
        if now.as_deref() != prev {
            return Err(DbError::Schema(format!(
                "the database changed during the sync (expected revision {}, found {}); \
                 is another sync running?",
                prev.unwrap_or("<none>"),
                now.as_deref().unwrap_or("<none>")
            )));
        }
        if prev.is_none() {
            // alembic creates its table before the first migration runs (so it gets the
            // database's character set as it was then).
            create_version_table(&mut tx).await?;
        }
        (m.upgrade)(&mut tx).await?;
        record(&mut tx, prev, m.revision).await?;
        tx.commit().await
    }
    .await;
    if sqlite {
        if let Err(e) = conn.as_mut().execute("PRAGMA foreign_keys = ON", &[]).await {
            tracing::warn!("could not turn SQLite foreign keys back on: {e}");
            close_on_drop(&mut conn);
        }
    }
    result
}

fn close_on_drop(conn: &mut PooledConn) {
    match conn {
        PooledConn::Sqlite(c) => c.close_on_drop(),
        PooledConn::Postgres(c) => c.close_on_drop(),
        PooledConn::MySql(c) => c.close_on_drop(),
    }
}

async fn create_version_table(tx: &mut Transaction<'_>) -> Result<(), DbError> {
    if tx.table_exists("alembic_version").await? {
        return Ok(());
    }
    let b = tx.backend();
    tx.execute(sql(format!(
        "CREATE TABLE alembic_version (\n\tversion_num VARCHAR(32) NOT NULL, \n\t\
         CONSTRAINT {} PRIMARY KEY (version_num)\n)",
        quote(b, "alembic_version_pkc")
    )))
    .await?;
    Ok(())
}

/// alembic's bookkeeping: insert the first revision, then move the row along.
async fn record(
    tx: &mut Transaction<'_>,
    prev: Option<&str>,
    revision: &str,
) -> Result<(), DbError> {
    match prev {
        None => {
            tx.execute(sql("INSERT INTO alembic_version (version_num) VALUES (?)").bind(revision))
                .await?;
        }
        Some(prev) => {
            let n = tx
                .execute(
                    sql("UPDATE alembic_version SET version_num = ? WHERE alembic_version.version_num = ?")
                        .bind(revision)
                        .bind(prev),
                )
                .await?;
            if n != 1 {
                return Err(DbError::Schema(format!(
                    "alembic_version did not hold {prev} when recording {revision}"
                )));
            }
        }
    }
    Ok(())
}
