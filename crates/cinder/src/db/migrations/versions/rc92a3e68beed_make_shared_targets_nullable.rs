//! `c92a3e68beed_make_shared_targets_nullable.py`: `volumes.shared_targets` may be NULL
//! (meaning "unknown: lock to be safe"). Tables created by the initial migration already
//! have it nullable; the change is for databases that came from sqlalchemy-migrate.

use openstack_db::schema::{alter_column, Table};
use openstack_db::{DbError, Transaction};

use super::r921e1a36b076_initial as initial;

pub const REVISION: &str = "c92a3e68beed";

pub fn volumes() -> Table {
    initial::volumes().with_column("shared_targets", |c| c.nullable = true)
}

pub async fn upgrade(tx: &mut Transaction<'_>) -> Result<(), DbError> {
    alter_column(tx, &volumes(), "shared_targets").await
}
