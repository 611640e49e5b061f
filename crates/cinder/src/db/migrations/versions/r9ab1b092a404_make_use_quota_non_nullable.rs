//! `9ab1b092a404_make_use_quota_non_nullable.py`: `volumes.use_quota` and
//! `snapshots.use_quota` become NOT NULL with server default true (the online data
//! migrations of the previous release filled them in).

use openstack_db::schema::{alter_column, ServerDefault, Table};
use openstack_db::{DbError, Transaction};

use super::rdaa98075b90d_add_resource_indexes as daa98075b90d;

pub const REVISION: &str = "9ab1b092a404";

fn not_null_true(t: Table) -> Table {
    t.with_column("use_quota", |c| {
        c.nullable = false;
        c.default = Some(ServerDefault::True);
    })
}

pub fn volumes() -> Table {
    not_null_true(daa98075b90d::volumes())
}

pub fn snapshots() -> Table {
    not_null_true(daa98075b90d::snapshots())
}

pub async fn upgrade(tx: &mut Transaction<'_>) -> Result<(), DbError> {
    alter_column(tx, &volumes(), "use_quota").await?;
    alter_column(tx, &snapshots(), "use_quota").await
}
