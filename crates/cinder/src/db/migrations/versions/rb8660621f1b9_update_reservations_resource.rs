//! `b8660621f1b9_update_reservations_resource.py`: `resource` of `quotas`, `quota_classes`
//! and `reservations` becomes VARCHAR(300), room for `gigabytes_<255-char type name>`
//! (bug #1948962).

use openstack_db::schema::{alter_column, ColumnType, Table};
use openstack_db::{DbError, Transaction};

use super::r921e1a36b076_initial as initial;

pub const REVISION: &str = "b8660621f1b9";

fn wider(t: Table) -> Table {
    t.with_column("resource", |c| c.ty = ColumnType::String(300))
}

pub fn quotas() -> Table {
    wider(initial::quotas())
}

pub fn quota_classes() -> Table {
    wider(initial::quota_classes())
}

pub fn reservations() -> Table {
    wider(initial::reservations())
}

pub async fn upgrade(tx: &mut Transaction<'_>) -> Result<(), DbError> {
    for table in [quotas(), quota_classes(), reservations()] {
        alter_column(tx, &table, "resource").await?;
    }
    Ok(())
}
