//! `89aa6f9639f9_drop_legacy_migrate_version_table.py`: drops sqlalchemy-migrate's
//! `migrate_version` table where an old deployment left it.

use openstack_db::schema::drop_table_if_exists;
use openstack_db::{DbError, Transaction};

pub const REVISION: &str = "89aa6f9639f9";

pub async fn upgrade(tx: &mut Transaction<'_>) -> Result<(), DbError> {
    drop_table_if_exists(tx, "migrate_version").await
}
