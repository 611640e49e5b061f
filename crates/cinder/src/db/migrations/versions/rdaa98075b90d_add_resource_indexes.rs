//! `daa98075b90d_add_resource_indexes.py`: `(deleted, project_id)` indexes for the listings
//! of groups, group snapshots, volumes, backups and snapshots, and `(deleted, host)` on
//! volumes. Skipped on MySQL where an index of that name already exists, as upstream does.

use openstack_db::schema::{create_index, index_exists, Index, Table};
use openstack_db::{Backend, DbError, Transaction};

use super::r921e1a36b076_initial as initial;
use super::rc92a3e68beed_make_shared_targets_nullable as c92a3e68beed;

pub const REVISION: &str = "daa98075b90d";

const INDEXES: &[(&str, &str, &[&str])] = &[
    (
        "groups",
        "groups_deleted_project_id_idx",
        &["deleted", "project_id"],
    ),
    (
        "group_snapshots",
        "group_snapshots_deleted_project_id_idx",
        &["deleted", "project_id"],
    ),
    (
        "volumes",
        "volumes_deleted_project_id_idx",
        &["deleted", "project_id"],
    ),
    ("volumes", "volumes_deleted_host_idx", &["deleted", "host"]),
    (
        "backups",
        "backups_deleted_project_id_idx",
        &["deleted", "project_id"],
    ),
    (
        "snapshots",
        "snapshots_deleted_project_id_idx",
        &["deleted", "project_id"],
    ),
];

fn with_indexes(mut table: Table) -> Table {
    for (t, name, cols) in INDEXES {
        if *t == table.name {
            table = table.index(name, cols);
        }
    }
    table
}

/// `volumes` after this migration.
pub fn volumes() -> Table {
    with_indexes(c92a3e68beed::volumes())
}

/// `snapshots` after this migration.
pub fn snapshots() -> Table {
    with_indexes(initial::snapshots())
}

pub async fn upgrade(tx: &mut Transaction<'_>) -> Result<(), DbError> {
    for (table, name, cols) in INDEXES {
        if tx.backend() == Backend::MySql && index_exists(tx, table, name).await? {
            tracing::info!("Skipping index {name}, already exists");
            continue;
        }
        let index = Index {
            name: name.to_string(),
            columns: cols.to_vec(),
            unique: false,
        };
        create_index(tx, table, &index).await?;
    }
    Ok(())
}
