//! [`Transaction`]: statements that commit or roll back together (oslo.db's
//! `writer`/`reader` session). Dropped without `commit`, it rolls back.

use tokio::sync::OwnedMutexGuard;

use crate::backend::ConnMut;
use crate::database::{insert_on, Database, PooledConn};
use crate::error::DbError;
use crate::query::Query;
use crate::row::Row;
use crate::url::Backend;

enum Tx<'c> {
    Sqlite(sqlx::Transaction<'c, sqlx::Sqlite>),
    Postgres(sqlx::Transaction<'c, sqlx::Postgres>),
    MySql(sqlx::Transaction<'c, sqlx::MySql>),
}

/// An open transaction. `'c` is how long it may live: `'static` for one on a pooled
/// connection; shorter inside [`Database::write`], which lets the closure borrow its
/// surroundings.
pub struct Transaction<'c> {
    tx: Tx<'c>,
    db: Database,
    /// SQLite: this process's writer lock, held until commit or rollback.
    _write_lock: Option<OwnedMutexGuard<()>>,
}

impl Transaction<'static> {
    pub(crate) async fn begin(
        db: Database,
        conn: PooledConn,
        write: bool,
        write_lock: Option<OwnedMutexGuard<()>>,
    ) -> Result<Transaction<'static>, DbError> {
        let tx = match conn {
            PooledConn::Sqlite(c) => {
                let begin = if write { "BEGIN IMMEDIATE" } else { "BEGIN" };
                Tx::Sqlite(sqlx::Transaction::begin(c, Some(begin.into())).await?)
            }
            PooledConn::Postgres(c) => Tx::Postgres(sqlx::Transaction::begin(c, None).await?),
            PooledConn::MySql(c) => Tx::MySql(sqlx::Transaction::begin(c, None).await?),
        };
        Ok(Transaction {
            tx,
            db,
            _write_lock: write_lock,
        })
    }
}

impl<'c> Transaction<'c> {
    /// A transaction on a connection the caller owns (migrations).
    pub(crate) async fn begin_on(
        db: Database,
        conn: ConnMut<'c>,
        write: bool,
    ) -> Result<Transaction<'c>, DbError> {
        let tx = match conn {
            ConnMut::Sqlite(c) => {
                let begin = if write { "BEGIN IMMEDIATE" } else { "BEGIN" };
                Tx::Sqlite(sqlx::Transaction::begin(c, Some(begin.into())).await?)
            }
            ConnMut::Postgres(c) => Tx::Postgres(sqlx::Transaction::begin(c, None).await?),
            ConnMut::MySql(c) => Tx::MySql(sqlx::Transaction::begin(c, None).await?),
        };
        Ok(Transaction {
            tx,
            db,
            _write_lock: None,
        })
    }

    pub fn backend(&self) -> Backend {
        self.db.backend()
    }

    fn conn(&mut self) -> ConnMut<'_> {
        match &mut self.tx {
            Tx::Sqlite(t) => ConnMut::Sqlite(t),
            Tx::Postgres(t) => ConnMut::Postgres(t),
            Tx::MySql(t) => ConnMut::MySql(t),
        }
    }

    fn prepare(&self, q: &Query) -> Result<String, DbError> {
        let text = q.prepare(self.backend())?.into_owned();
        self.db.log(&text);
        Ok(text)
    }

    /// Runs a statement; returns the number of rows it changed.
    pub async fn execute(&mut self, q: Query) -> Result<u64, DbError> {
        let text = self.prepare(&q)?;
        Ok(self.conn().execute(&text, q.params()).await?.rows_affected)
    }

    /// Runs an `INSERT` into a table with an integer auto-increment key; returns the key.
    pub async fn insert(&mut self, q: Query, id_column: &str) -> Result<i64, DbError> {
        let q = crate::database::returning(self.backend(), q, id_column);
        let text = self.prepare(&q)?;
        insert_on(self.conn(), text, q.params()).await
    }

    pub async fn fetch_all(&mut self, q: Query) -> Result<Vec<Row>, DbError> {
        let text = self.prepare(&q)?;
        self.conn().fetch_all(&text, q.params()).await
    }

    pub async fn fetch_optional(&mut self, q: Query) -> Result<Option<Row>, DbError> {
        let text = self.prepare(&q)?;
        self.conn().fetch_optional(&text, q.params()).await
    }

    /// Exactly one row; [`DbError::NotFound`] when there is none.
    pub async fn fetch_one(&mut self, q: Query) -> Result<Row, DbError> {
        let text = q.text().to_string();
        self.fetch_optional(q)
            .await?
            .ok_or_else(|| DbError::NotFound(format!("no row for: {text}")))
    }

    /// Runs a script of `;`-separated statements without parameters (schema changes).
    pub async fn execute_script(&mut self, script: &str) -> Result<(), DbError> {
        self.db.log(script);
        self.conn().execute_raw(script).await
    }

    /// Whether `table` exists, as this transaction sees it.
    pub async fn table_exists(&mut self, table: &str) -> Result<bool, DbError> {
        let q = crate::schema::table_exists_query(self.backend(), table);
        Ok(self.fetch_optional(q).await?.is_some())
    }

    pub async fn commit(self) -> Result<(), DbError> {
        match self.tx {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Postgres(t) => t.commit().await?,
            Tx::MySql(t) => t.commit().await?,
        }
        Ok(())
    }

    pub async fn rollback(self) -> Result<(), DbError> {
        match self.tx {
            Tx::Sqlite(t) => t.rollback().await?,
            Tx::Postgres(t) => t.rollback().await?,
            Tx::MySql(t) => t.rollback().await?,
        }
        Ok(())
    }
}
