//! `openstack-db`: the database layer of openstack-rs, standing in for oslo.db + SQLAlchemy +
//! alembic.
//!
//! - [`DatabaseOpts`]: the `[database]` options with oslo.db's names and defaults.
//! - [`ConnectionUrl`]: `[database] connection` parsed with SQLAlchemy's rules
//!   (`sqlite:////abs/path`, `mysql+pymysql://…?charset=utf8`, `postgresql://…`).
//! - [`Database`]: a pool over SQLite (the embedded default), PostgreSQL or MySQL/MariaDB
//!   that hides their differences: write a statement once with `?` placeholders
//!   ([`sql`]), bind [`Value`]s, read [`Row`]s; run write transactions that never surface
//!   "database is locked" on SQLite ([`Database::write`]).
//! - [`DbError`]: errors sorted the way the API maps them (duplicate → 409, unreachable → 503).
//! - [`Migrations`]: a service's schema history, recorded in alembic's `alembic_version`
//!   table under upstream's revision ids, with [`schema`] to describe tables once and emit
//!   each backend's DDL.
//!
//! Design notes: doc/adr/0002-database.md.

mod backend;
mod connect;
mod database;
pub mod datetime;
mod error;
pub mod migration;
mod options;
mod query;
mod retry;
mod row;
pub mod schema;
#[cfg(feature = "testing")]
pub mod testing;
mod transaction;
mod url;
mod value;

pub use database::{Database, SQLITE_BUSY_TIMEOUT};
pub use datetime::utcnow;
pub use error::DbError;
pub use migration::{Migration, Migrations, SyncOutcome};
pub use options::{set_defaults, DatabaseOpts};
pub use query::{placeholders, sql, Query};
pub use retry::RetryPolicy;
pub use row::Row;
pub use transaction::Transaction;
pub use url::{Backend, ConnectionUrl, SqliteTarget};
pub use value::{FromSql, Kind, Typed, Value};

/// The naive-UTC timestamp type of [`Value::DateTime`] (from the `time` crate).
pub use time::PrimitiveDateTime;

/// The future a transaction closure returns: `Box::pin(async move { … })`.
pub type BoxFuture<'a, T> = futures_util::future::BoxFuture<'a, T>;
