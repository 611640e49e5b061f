//! The queries of `cinder/db/sqlalchemy/api.py`, written once in portable SQL over
//! `openstack-db` and run inside the caller's transaction, so an API call that touches
//! several tables (a volume, its metadata, its quota usage) commits or rolls back as one.
//! Soft-delete rules of cinder-db.md §2.2 apply: reads see `deleted = false` rows only.

pub mod messages;
pub mod pagination;
pub mod quotas;
pub mod services;
pub mod snapshots;
pub mod volume_actions;
pub mod volume_types;
pub mod volumes;

use openstack_db::{DbError, Row};

/// Reads a column, naming the table in the error.
pub(crate) fn col<T: openstack_db::FromSql>(row: &Row, name: &str) -> Result<T, DbError> {
    row.get(name)
}
