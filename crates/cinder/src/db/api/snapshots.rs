//! Snapshot rows and their metadata (`snapshot_get`, `snapshot_get_all`,
//! `snapshot_get_all_by_project`, `calculate_resource_count('snapshot')`, `snapshot_create`,
//! `snapshot_update`, `snapshot_destroy`, `snapshot_metadata_*` and `is_backend_frozen` of
//! `cinder/db/api.py`), run in the caller's transaction.

use std::collections::BTreeMap;

use openstack_db::PrimitiveDateTime;
use openstack_db::{placeholders, sql, utcnow, DbError, Query, Row, Transaction, Value};

use super::col;
use super::pagination::{paginate, SortKey};

/// The columns of `snapshots`, in table order.
const COLUMNS: &str = "created_at, updated_at, deleted_at, deleted, id, volume_id, user_id, \
    project_id, status, progress, volume_size, scheduled_at, display_name, display_description, \
    provider_location, encryption_key_id, volume_type_id, cgsnapshot_id, provider_id, \
    provider_auth, group_snapshot_id, use_quota";

/// The columns a list may filter or sort on (attributes of upstream's `Snapshot` model).
pub const FILTER_COLUMNS: [&str; 22] = [
    "created_at",
    "updated_at",
    "deleted_at",
    "deleted",
    "id",
    "volume_id",
    "user_id",
    "project_id",
    "status",
    "progress",
    "volume_size",
    "scheduled_at",
    "display_name",
    "display_description",
    "provider_location",
    "encryption_key_id",
    "volume_type_id",
    "cgsnapshot_id",
    "provider_id",
    "provider_auth",
    "group_snapshot_id",
    "use_quota",
];

/// One row of `snapshots`.
#[derive(Clone, Debug, PartialEq)]
pub struct SnapshotRow {
    pub created_at: Option<PrimitiveDateTime>,
    pub updated_at: Option<PrimitiveDateTime>,
    pub deleted_at: Option<PrimitiveDateTime>,
    pub deleted: bool,
    pub id: String,
    pub volume_id: String,
    pub user_id: Option<String>,
    pub project_id: Option<String>,
    pub status: Option<String>,
    pub progress: Option<String>,
    pub volume_size: Option<i64>,
    pub scheduled_at: Option<PrimitiveDateTime>,
    pub display_name: Option<String>,
    pub display_description: Option<String>,
    pub provider_location: Option<String>,
    pub encryption_key_id: Option<String>,
    pub volume_type_id: String,
    pub cgsnapshot_id: Option<String>,
    pub provider_id: Option<String>,
    pub provider_auth: Option<String>,
    pub group_snapshot_id: Option<String>,
    pub use_quota: bool,
}

impl SnapshotRow {
    fn from_row(r: &Row) -> Result<SnapshotRow, DbError> {
        Ok(SnapshotRow {
            created_at: col(r, "created_at")?,
            updated_at: col(r, "updated_at")?,
            deleted_at: col(r, "deleted_at")?,
            deleted: col::<Option<bool>>(r, "deleted")?.unwrap_or(false),
            id: col(r, "id")?,
            volume_id: col(r, "volume_id")?,
            user_id: col(r, "user_id")?,
            project_id: col(r, "project_id")?,
            status: col(r, "status")?,
            progress: col(r, "progress")?,
            volume_size: col(r, "volume_size")?,
            scheduled_at: col(r, "scheduled_at")?,
            display_name: col(r, "display_name")?,
            display_description: col(r, "display_description")?,
            provider_location: col(r, "provider_location")?,
            encryption_key_id: col(r, "encryption_key_id")?,
            volume_type_id: col(r, "volume_type_id")?,
            cgsnapshot_id: col(r, "cgsnapshot_id")?,
            provider_id: col(r, "provider_id")?,
            provider_auth: col(r, "provider_auth")?,
            group_snapshot_id: col(r, "group_snapshot_id")?,
            use_quota: col::<Option<bool>>(r, "use_quota")?.unwrap_or(true),
        })
    }

    /// The value of a sort column, for the marker condition.
    fn sort_value(&self, column: &str) -> Value {
        let text = |s: &Option<String>| Value::from(s.clone());
        match column {
            "id" => Value::from(self.id.clone()),
            "volume_id" => Value::from(self.volume_id.clone()),
            "volume_type_id" => Value::from(self.volume_type_id.clone()),
            "created_at" => Value::from(self.created_at),
            "updated_at" => Value::from(self.updated_at),
            "deleted_at" => Value::from(self.deleted_at),
            "scheduled_at" => Value::from(self.scheduled_at),
            "deleted" => Value::from(self.deleted),
            "use_quota" => Value::from(self.use_quota),
            "volume_size" => Value::from(self.volume_size),
            "user_id" => text(&self.user_id),
            "project_id" => text(&self.project_id),
            "status" => text(&self.status),
            "progress" => text(&self.progress),
            "display_name" => text(&self.display_name),
            "display_description" => text(&self.display_description),
            "provider_location" => text(&self.provider_location),
            "encryption_key_id" => text(&self.encryption_key_id),
            "cgsnapshot_id" => text(&self.cgsnapshot_id),
            "provider_id" => text(&self.provider_id),
            "provider_auth" => text(&self.provider_auth),
            "group_snapshot_id" => text(&self.group_snapshot_id),
            _ => Value::from(None::<String>),
        }
    }
}

/// What the API writes for a new snapshot (`create_snapshot_in_db`).
#[derive(Clone, Debug, Default)]
pub struct NewSnapshot {
    pub id: String,
    pub volume_id: String,
    pub user_id: Option<String>,
    pub project_id: Option<String>,
    pub volume_size: i64,
    pub display_name: Option<String>,
    pub display_description: Option<String>,
    pub volume_type_id: String,
    pub encryption_key_id: Option<String>,
    pub metadata: BTreeMap<String, String>,
}

/// Which rows a list sees (`_process_snaps_filters`).
#[derive(Clone, Debug, Default)]
pub struct SnapshotFilters {
    /// `None` = every project (admin `all_tenants`).
    pub project_id: Option<String>,
    /// Exact matches on snapshot columns (names from [`FILTER_COLUMNS`]).
    pub exact: Vec<(String, Value)>,
    /// Inexact (`key~`, LIKE) matches on snapshot columns.
    pub like: Vec<(String, String)>,
    /// Metadata key/value pairs that must all be present.
    pub metadata: BTreeMap<String, String>,
    /// Matches on the volume's `host`, `cluster_name` (backend level) and
    /// `availability_zone`.
    pub volume_host: Option<String>,
    pub volume_cluster: Option<String>,
    pub availability_zone: Option<String>,
}

fn base_select() -> Query {
    sql(format!(
        "SELECT {COLUMNS} FROM snapshots WHERE deleted = false"
    ))
}

/// `_snapshot_get`: a live snapshot by id, in `project_id` unless `None` (admin).
pub async fn snapshot_get(
    tx: &mut Transaction<'_>,
    id: &str,
    project_id: Option<&str>,
) -> Result<Option<SnapshotRow>, DbError> {
    let mut q = base_select().push(" AND id = ?").bind(id);
    if let Some(p) = project_id {
        q = q.push(" AND project_id = ?").bind(p);
    }
    tx.fetch_optional(q)
        .await?
        .map(|r| SnapshotRow::from_row(&r))
        .transpose()
}

/// `host` at the backend level (`extract_host`): the part before `#`.
fn backend_of(host: &str) -> &str {
    host.split('#').next().unwrap_or(host)
}

fn filtered(filters: &SnapshotFilters) -> Query {
    let mut q = base_select();
    if let Some(p) = &filters.project_id {
        q = q.push(" AND project_id = ?").bind(p.as_str());
    }
    for (column, value) in &filters.exact {
        if value.is_null() {
            q = q.push(&format!(" AND {column} IS NULL"));
        } else {
            q = q.push(&format!(" AND {column} = ?")).bind(value.clone());
        }
    }
    for (column, value) in &filters.like {
        q = q
            .push(&format!(" AND {column} LIKE ?"))
            .bind(format!("%{value}%"));
    }
    for (k, v) in &filters.metadata {
        q = q
            .push(
                r#" AND id IN (SELECT snapshot_id FROM snapshot_metadata WHERE deleted = false AND "key" = ? AND value = ?)"#,
            )
            .bind(k.as_str())
            .bind(v.as_str());
    }
    // `_filter_host`: the backend itself or any of its pools.
    for (column, value) in [
        ("host", &filters.volume_host),
        ("cluster_name", &filters.volume_cluster),
    ] {
        if let Some(h) = value {
            let backend = backend_of(h).to_string();
            q = q
                .push(&format!(
                    " AND volume_id IN (SELECT id FROM volumes WHERE ({column} = ? OR {column} LIKE ?))"
                ))
                .bind(h.as_str())
                .bind(format!("{backend}#%"));
        }
    }
    if let Some(az) = &filters.availability_zone {
        q = q
            .push(" AND volume_id IN (SELECT id FROM volumes WHERE availability_zone = ?)")
            .bind(az.as_str());
    }
    q
}

/// `snapshot_get_all(_by_project)`: one page of the live snapshots matching `filters`.
pub async fn snapshot_get_all(
    tx: &mut Transaction<'_>,
    filters: &SnapshotFilters,
    sort: &[SortKey],
    marker: Option<&SnapshotRow>,
    limit: Option<i64>,
    offset: Option<i64>,
) -> Result<Vec<SnapshotRow>, DbError> {
    let marker_values: Option<Vec<Value>> =
        marker.map(|m| sort.iter().map(|k| m.sort_value(&k.column)).collect());
    let mut q = paginate(filtered(filters), sort, marker_values.as_deref());
    match (limit, offset) {
        (Some(l), Some(o)) => q = q.push(" LIMIT ? OFFSET ?").bind(l).bind(o),
        (Some(l), None) => q = q.push(" LIMIT ?").bind(l),
        (None, Some(o)) => q = q.push(" LIMIT ? OFFSET ?").bind(i64::MAX).bind(o),
        (None, None) => {}
    }
    tx.fetch_all(q)
        .await?
        .iter()
        .map(SnapshotRow::from_row)
        .collect()
}

/// `calculate_resource_count('snapshot')`: how many live snapshots match `filters`.
pub async fn snapshot_count(
    tx: &mut Transaction<'_>,
    filters: &SnapshotFilters,
) -> Result<i64, DbError> {
    let inner = filtered(filters);
    let q = sql(format!(
        "SELECT COUNT(*) AS n FROM ({}) AS matching",
        inner.text()
    ))
    .bind_all(inner.params().to_vec());
    tx.fetch_one(q).await?.get("n")
}

/// `snapshot_create`: the row (status `creating`, progress `0%`) and its metadata.
pub async fn snapshot_create(tx: &mut Transaction<'_>, s: &NewSnapshot) -> Result<(), DbError> {
    let now = utcnow();
    tx.execute(
        sql(
            "INSERT INTO snapshots (created_at, deleted, id, volume_id, user_id, project_id, \
             status, progress, volume_size, display_name, display_description, \
             encryption_key_id, volume_type_id, use_quota) \
             VALUES (?, false, ?, ?, ?, ?, 'creating', '0%', ?, ?, ?, ?, ?, true)",
        )
        .bind(now)
        .bind(s.id.as_str())
        .bind(s.volume_id.as_str())
        .bind(s.user_id.clone())
        .bind(s.project_id.clone())
        .bind(s.volume_size)
        .bind(s.display_name.clone())
        .bind(s.display_description.clone())
        .bind(s.encryption_key_id.clone())
        .bind(s.volume_type_id.as_str()),
    )
    .await?;
    for (k, v) in &s.metadata {
        insert_metadata(tx, &s.id, k, v, now).await?;
    }
    Ok(())
}

/// One column change of `snapshot_update`.
#[derive(Clone, Debug)]
pub struct Set(pub &'static str, pub Value);

/// `snapshot.conditional_update`: sets `values` (and `updated_at`) when the snapshot is live,
/// in one of `statuses` (any when `None`), and — with `not_in_group` — part of no group
/// snapshot; returns whether it did.
pub async fn snapshot_conditional_update(
    tx: &mut Transaction<'_>,
    id: &str,
    values: &[Set],
    statuses: Option<&[&str]>,
    not_in_group: bool,
) -> Result<bool, DbError> {
    let mut q = sql("UPDATE snapshots SET updated_at = ?").bind(utcnow());
    for Set(column, value) in values {
        q = q.push(&format!(", {column} = ?")).bind(value.clone());
    }
    q = q.push(" WHERE id = ? AND deleted = false").bind(id);
    if let Some(allowed) = statuses {
        q = q
            .push(&format!(" AND status IN ({})", placeholders(allowed.len())))
            .bind_all(allowed.iter().map(|s| s.to_string()));
    }
    if not_in_group {
        q = q.push(" AND cgsnapshot_id IS NULL AND group_snapshot_id IS NULL");
    }
    Ok(tx.execute(q).await? > 0)
}

/// `snapshot_update`: sets `values`; returns whether the row was there.
pub async fn snapshot_update(
    tx: &mut Transaction<'_>,
    id: &str,
    values: &[Set],
) -> Result<bool, DbError> {
    snapshot_conditional_update(tx, id, values, None, false).await
}

/// `snapshot_destroy`: soft-deletes the snapshot (status `deleted`) and its metadata, keeping
/// `updated_at` as upstream does.
pub async fn snapshot_destroy(tx: &mut Transaction<'_>, id: &str) -> Result<(), DbError> {
    let now = utcnow();
    tx.execute(
        sql(
            "UPDATE snapshots SET status = 'deleted', deleted = true, deleted_at = ? \
             WHERE id = ? AND deleted = false",
        )
        .bind(now)
        .bind(id),
    )
    .await?;
    tx.execute(
        sql("UPDATE snapshot_metadata SET deleted = true, deleted_at = ? WHERE snapshot_id = ? AND deleted = false")
            .bind(now)
            .bind(id),
    )
    .await?;
    Ok(())
}

/// `worker_destroy(resource_type='SNAPSHOT', resource_id=id)`: the cleanup entry of a snapshot
/// whose status was reset (a hard delete, as upstream).
pub async fn worker_destroy(tx: &mut Transaction<'_>, id: &str) -> Result<u64, DbError> {
    tx.execute(
        sql("DELETE FROM workers WHERE resource_type = 'SNAPSHOT' AND resource_id = ?").bind(id),
    )
    .await
}

/// `is_backend_frozen`: whether the backend (`host`, or `cluster_name` when set) of a volume
/// is frozen (failed over), which forbids changes on its resources.
pub async fn is_backend_frozen(
    tx: &mut Transaction<'_>,
    host: Option<&str>,
    cluster_name: Option<&str>,
) -> Result<bool, DbError> {
    let q = match (cluster_name.filter(|c| !c.is_empty()), host) {
        (Some(c), _) => {
            sql("SELECT id FROM clusters WHERE name = ? AND deleted = false AND frozen = true")
                .bind(backend_of(c))
        }
        (None, Some(h)) => {
            sql("SELECT id FROM services WHERE host = ? AND deleted = false AND frozen = true")
                .bind(backend_of(h))
        }
        (None, None) => return Ok(false),
    };
    Ok(tx.fetch_optional(q).await?.is_some())
}

async fn insert_metadata(
    tx: &mut Transaction<'_>,
    snapshot_id: &str,
    key: &str,
    value: &str,
    now: PrimitiveDateTime,
) -> Result<(), DbError> {
    tx.execute(
        sql(r#"INSERT INTO snapshot_metadata (created_at, deleted, snapshot_id, "key", value) VALUES (?, false, ?, ?, ?)"#)
            .bind(now)
            .bind(snapshot_id)
            .bind(key)
            .bind(value),
    )
    .await?;
    Ok(())
}

/// User metadata of the given snapshots: snapshot id → key → value.
pub async fn metadata_for(
    tx: &mut Transaction<'_>,
    ids: &[String],
) -> Result<BTreeMap<String, BTreeMap<String, String>>, DbError> {
    let mut out: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for chunk in ids.chunks(500) {
        let q = sql(format!(
            r#"SELECT snapshot_id, "key", value FROM snapshot_metadata WHERE deleted = false AND snapshot_id IN ({}) ORDER BY id"#,
            placeholders(chunk.len())
        ))
        .bind_all(chunk.iter().cloned());
        for r in tx.fetch_all(q).await? {
            let sid: String = r.get("snapshot_id")?;
            let key: Option<String> = r.get("key")?;
            let value: Option<String> = r.get("value")?;
            out.entry(sid)
                .or_default()
                .insert(key.unwrap_or_default(), value.unwrap_or_default());
        }
    }
    Ok(out)
}

/// The metadata of one snapshot.
pub async fn metadata_get(
    tx: &mut Transaction<'_>,
    snapshot_id: &str,
) -> Result<BTreeMap<String, String>, DbError> {
    Ok(metadata_for(tx, &[snapshot_id.to_string()])
        .await?
        .remove(snapshot_id)
        .unwrap_or_default())
}

/// `snapshot_metadata_update`: merges `metadata` into the snapshot's metadata, or with
/// `delete` replaces it (keys not given are soft-deleted). Returns the resulting metadata.
pub async fn metadata_update(
    tx: &mut Transaction<'_>,
    snapshot_id: &str,
    metadata: &BTreeMap<String, String>,
    delete: bool,
) -> Result<BTreeMap<String, String>, DbError> {
    let now = utcnow();
    let current = metadata_get(tx, snapshot_id).await?;
    if delete {
        for key in current.keys().filter(|k| !metadata.contains_key(*k)) {
            metadata_delete(tx, snapshot_id, key).await?;
        }
    }
    for (k, v) in metadata {
        match current.get(k) {
            Some(old) if old == v => {}
            Some(_) => {
                tx.execute(
                    sql(r#"UPDATE snapshot_metadata SET value = ?, updated_at = ? WHERE snapshot_id = ? AND "key" = ? AND deleted = false"#)
                        .bind(v.as_str())
                        .bind(now)
                        .bind(snapshot_id)
                        .bind(k.as_str()),
                )
                .await?;
            }
            None => insert_metadata(tx, snapshot_id, k, v, now).await?,
        }
    }
    metadata_get(tx, snapshot_id).await
}

/// `snapshot_metadata_delete`: soft-deletes one key (keeping `updated_at`, as upstream);
/// returns whether it existed.
pub async fn metadata_delete(
    tx: &mut Transaction<'_>,
    snapshot_id: &str,
    key: &str,
) -> Result<bool, DbError> {
    Ok(tx
        .execute(
            sql(r#"UPDATE snapshot_metadata SET deleted = true, deleted_at = ? WHERE snapshot_id = ? AND "key" = ? AND deleted = false"#)
                .bind(utcnow())
                .bind(snapshot_id)
                .bind(key),
        )
        .await?
        > 0)
}
