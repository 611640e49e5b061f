//! Volume rows and their metadata (`volume_get`, `volume_get_all`, `volume_create`,
//! `volume_update`, `volume_destroy`, `volume_metadata_*` of `cinder/db/sqlalchemy/api.py`).

use std::collections::BTreeMap;

use openstack_db::PrimitiveDateTime;
use openstack_db::{placeholders, sql, utcnow, DbError, Query, Row, Transaction, Value};

use super::col;
use super::pagination::{paginate, SortKey};

/// The columns of `volumes` this service reads, in table order.
const COLUMNS: &str = "created_at, updated_at, deleted_at, deleted, id, user_id, project_id, \
    host, size, availability_zone, status, attach_status, scheduled_at, launched_at, \
    terminated_at, display_name, display_description, provider_location, provider_auth, \
    snapshot_id, volume_type_id, source_volid, bootable, provider_geometry, _name_id, \
    encryption_key_id, migration_status, replication_status, consistencygroup_id, provider_id, \
    multiattach, previous_status, cluster_name, group_id, service_uuid, shared_targets, use_quota";

/// One row of `volumes`.
#[derive(Clone, Debug, PartialEq)]
pub struct VolumeRow {
    pub created_at: Option<PrimitiveDateTime>,
    pub updated_at: Option<PrimitiveDateTime>,
    pub deleted_at: Option<PrimitiveDateTime>,
    pub deleted: bool,
    pub id: String,
    pub user_id: Option<String>,
    pub project_id: Option<String>,
    pub host: Option<String>,
    pub size: Option<i64>,
    pub availability_zone: Option<String>,
    pub status: Option<String>,
    pub attach_status: Option<String>,
    pub scheduled_at: Option<PrimitiveDateTime>,
    pub launched_at: Option<PrimitiveDateTime>,
    pub terminated_at: Option<PrimitiveDateTime>,
    pub display_name: Option<String>,
    pub display_description: Option<String>,
    pub provider_location: Option<String>,
    pub provider_auth: Option<String>,
    pub snapshot_id: Option<String>,
    pub volume_type_id: String,
    pub source_volid: Option<String>,
    pub bootable: Option<bool>,
    pub provider_geometry: Option<String>,
    pub name_id: Option<String>,
    pub encryption_key_id: Option<String>,
    pub migration_status: Option<String>,
    pub replication_status: Option<String>,
    pub consistencygroup_id: Option<String>,
    pub provider_id: Option<String>,
    pub multiattach: Option<bool>,
    pub previous_status: Option<String>,
    pub cluster_name: Option<String>,
    pub group_id: Option<String>,
    pub service_uuid: Option<String>,
    pub shared_targets: Option<bool>,
    pub use_quota: bool,
}

impl VolumeRow {
    fn from_row(r: &Row) -> Result<VolumeRow, DbError> {
        Ok(VolumeRow {
            created_at: col(r, "created_at")?,
            updated_at: col(r, "updated_at")?,
            deleted_at: col(r, "deleted_at")?,
            deleted: col::<Option<bool>>(r, "deleted")?.unwrap_or(false),
            id: col(r, "id")?,
            user_id: col(r, "user_id")?,
            project_id: col(r, "project_id")?,
            host: col(r, "host")?,
            size: col(r, "size")?,
            availability_zone: col(r, "availability_zone")?,
            status: col(r, "status")?,
            attach_status: col(r, "attach_status")?,
            scheduled_at: col(r, "scheduled_at")?,
            launched_at: col(r, "launched_at")?,
            terminated_at: col(r, "terminated_at")?,
            display_name: col(r, "display_name")?,
            display_description: col(r, "display_description")?,
            provider_location: col(r, "provider_location")?,
            provider_auth: col(r, "provider_auth")?,
            snapshot_id: col(r, "snapshot_id")?,
            volume_type_id: col(r, "volume_type_id")?,
            source_volid: col(r, "source_volid")?,
            bootable: col(r, "bootable")?,
            provider_geometry: col(r, "provider_geometry")?,
            name_id: col(r, "_name_id")?,
            encryption_key_id: col(r, "encryption_key_id")?,
            migration_status: col(r, "migration_status")?,
            replication_status: col(r, "replication_status")?,
            consistencygroup_id: col(r, "consistencygroup_id")?,
            provider_id: col(r, "provider_id")?,
            multiattach: col(r, "multiattach")?,
            previous_status: col(r, "previous_status")?,
            cluster_name: col(r, "cluster_name")?,
            group_id: col(r, "group_id")?,
            service_uuid: col(r, "service_uuid")?,
            shared_targets: col(r, "shared_targets")?,
            use_quota: col::<Option<bool>>(r, "use_quota")?.unwrap_or(true),
        })
    }
}

/// What the API writes for a new volume (`EntryCreateTask`).
#[derive(Clone, Debug, Default)]
pub struct NewVolume {
    pub id: String,
    pub user_id: Option<String>,
    pub project_id: Option<String>,
    pub size: i64,
    pub availability_zone: Option<String>,
    pub display_name: Option<String>,
    pub display_description: Option<String>,
    pub snapshot_id: Option<String>,
    pub source_volid: Option<String>,
    pub volume_type_id: String,
    pub bootable: bool,
    pub multiattach: bool,
    pub group_id: Option<String>,
    pub consistencygroup_id: Option<String>,
    pub metadata: BTreeMap<String, String>,
}

/// Which rows a list sees.
#[derive(Clone, Debug, Default)]
pub struct VolumeFilters {
    /// `None` = every project (admin `all_tenants`).
    pub project_id: Option<String>,
    /// Exact column matches (`status`, `availability_zone`, `display_name`, `bootable`, ...).
    pub exact: Vec<(String, Value)>,
    /// `name~` inexact (LIKE) filters on display_name.
    pub name_like: Option<String>,
    /// Metadata key/value pairs that must all be present.
    pub metadata: BTreeMap<String, String>,
}

fn base_select() -> Query {
    sql(format!(
        "SELECT {COLUMNS} FROM volumes WHERE deleted = false"
    ))
}

/// `volume_get`: a live volume by id, in `project_id` unless `None` (admin).
pub async fn volume_get(
    tx: &mut Transaction<'_>,
    id: &str,
    project_id: Option<&str>,
) -> Result<Option<VolumeRow>, DbError> {
    let mut q = base_select().push(" AND id = ?").bind(id);
    if let Some(p) = project_id {
        q = q.push(" AND project_id = ?").bind(p);
    }
    tx.fetch_optional(q)
        .await?
        .map(|r| VolumeRow::from_row(&r))
        .transpose()
}

fn filtered(filters: &VolumeFilters) -> Query {
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
    if let Some(like) = &filters.name_like {
        q = q
            .push(" AND display_name LIKE ?")
            .bind(format!("%{}%", like.replace(['%', '_'], "")));
    }
    for (k, v) in &filters.metadata {
        q = q
            .push(
                r#" AND id IN (SELECT volume_id FROM volume_metadata WHERE deleted = false AND "key" = ? AND value = ?)"#,
            )
            .bind(k.as_str())
            .bind(v.as_str());
    }
    q
}

/// `volume_get_all`: one page of the live volumes matching `filters`.
pub async fn volume_get_all(
    tx: &mut Transaction<'_>,
    filters: &VolumeFilters,
    sort: &[SortKey],
    marker: Option<&VolumeRow>,
    limit: Option<i64>,
    offset: Option<i64>,
) -> Result<Vec<VolumeRow>, DbError> {
    let marker_values: Option<Vec<Value>> =
        marker.map(|m| sort.iter().map(|k| sort_value(m, &k.column)).collect());
    let mut q = paginate(filtered(filters), sort, marker_values.as_deref());
    if let Some(l) = limit {
        q = q.push(" LIMIT ?").bind(l);
        if let Some(o) = offset {
            q = q.push(" OFFSET ?").bind(o);
        }
    } else if let Some(o) = offset {
        q = q.push(" LIMIT ? OFFSET ?").bind(i64::MAX).bind(o);
    }
    tx.fetch_all(q)
        .await?
        .iter()
        .map(VolumeRow::from_row)
        .collect()
}

/// How many live volumes match `filters` (`with_count`).
pub async fn volume_count(
    tx: &mut Transaction<'_>,
    filters: &VolumeFilters,
) -> Result<i64, DbError> {
    let inner = filtered(filters);
    let q = sql(format!(
        "SELECT COUNT(*) AS n FROM ({}) AS matching",
        inner.text()
    ))
    .bind_all(inner.params().to_vec());
    tx.fetch_one(q).await?.get("n")
}

/// The value of a sort column in `v`, for the marker condition.
fn sort_value(v: &VolumeRow, column: &str) -> Value {
    let text = |s: &Option<String>| Value::from(s.clone());
    match column {
        "id" => Value::from(v.id.clone()),
        "created_at" => Value::from(v.created_at),
        "updated_at" => Value::from(v.updated_at),
        "size" => Value::from(v.size),
        "status" => text(&v.status),
        "display_name" => text(&v.display_name),
        "display_description" => text(&v.display_description),
        "availability_zone" => text(&v.availability_zone),
        "host" => text(&v.host),
        "project_id" => text(&v.project_id),
        "user_id" => text(&v.user_id),
        "volume_type_id" => Value::from(v.volume_type_id.clone()),
        "bootable" => Value::from(v.bootable),
        "attach_status" => text(&v.attach_status),
        "migration_status" => text(&v.migration_status),
        _ => Value::from(None::<String>),
    }
}

/// `volume_create`: the row and its metadata; status `creating`, attach status `detached`.
pub async fn volume_create(tx: &mut Transaction<'_>, v: &NewVolume) -> Result<(), DbError> {
    let now = utcnow();
    tx.execute(
        sql(
            "INSERT INTO volumes (created_at, deleted, id, user_id, project_id, size, \
             availability_zone, status, attach_status, display_name, display_description, \
             snapshot_id, volume_type_id, source_volid, bootable, multiattach, group_id, \
             consistencygroup_id, replication_status, shared_targets, use_quota) \
             VALUES (?, false, ?, ?, ?, ?, ?, 'creating', 'detached', ?, ?, ?, ?, ?, ?, ?, ?, ?, \
             NULL, true, true)",
        )
        .bind(now)
        .bind(v.id.as_str())
        .bind(v.user_id.clone())
        .bind(v.project_id.clone())
        .bind(v.size)
        .bind(v.availability_zone.clone())
        .bind(v.display_name.clone())
        .bind(v.display_description.clone())
        .bind(v.snapshot_id.clone())
        .bind(v.volume_type_id.as_str())
        .bind(v.source_volid.clone())
        .bind(v.bootable)
        .bind(v.multiattach)
        .bind(v.group_id.clone())
        .bind(v.consistencygroup_id.clone()),
    )
    .await?;
    for (k, val) in &v.metadata {
        insert_metadata(tx, "volume_metadata", &v.id, k, val, now).await?;
    }
    Ok(())
}

async fn insert_metadata(
    tx: &mut Transaction<'_>,
    table: &str,
    volume_id: &str,
    key: &str,
    value: &str,
    now: PrimitiveDateTime,
) -> Result<(), DbError> {
    tx.execute(
        sql(format!(
            r#"INSERT INTO {table} (created_at, deleted, volume_id, "key", value) VALUES (?, false, ?, ?, ?)"#
        ))
        .bind(now)
        .bind(volume_id)
        .bind(key)
        .bind(value),
    )
    .await?;
    Ok(())
}

/// One column change of `volume_update`.
#[derive(Clone, Debug)]
pub struct Set(pub &'static str, pub Value);

/// `volume_update`: sets `values` (and `updated_at`); returns whether the row was there.
pub async fn volume_update(
    tx: &mut Transaction<'_>,
    id: &str,
    values: &[Set],
) -> Result<bool, DbError> {
    conditional_update(tx, id, values, &[]).await
}

/// `volume.conditional_update`: sets `values` only if every `expected` column holds one of
/// its allowed values (compare-and-swap); returns whether it did.
pub async fn conditional_update(
    tx: &mut Transaction<'_>,
    id: &str,
    values: &[Set],
    expected: &[(&'static str, &[&str])],
) -> Result<bool, DbError> {
    let mut q = sql("UPDATE volumes SET updated_at = ?").bind(utcnow());
    for Set(column, value) in values {
        q = q.push(&format!(", {column} = ?")).bind(value.clone());
    }
    q = q.push(" WHERE id = ? AND deleted = false").bind(id);
    for (column, allowed) in expected {
        q = q
            .push(&format!(
                " AND {column} IN ({})",
                placeholders(allowed.len())
            ))
            .bind_all(allowed.iter().map(|s| s.to_string()));
    }
    Ok(tx.execute(q).await? > 0)
}

/// `volume_destroy`: soft-deletes the volume (status `deleted`) and the rows that hang off
/// it, keeping `updated_at` as upstream does.
pub async fn volume_destroy(tx: &mut Transaction<'_>, id: &str) -> Result<(), DbError> {
    let now = utcnow();
    tx.execute(
        sql(
            "UPDATE volumes SET status = 'deleted', migration_status = NULL, deleted = true, \
             deleted_at = ? WHERE id = ? AND deleted = false",
        )
        .bind(now)
        .bind(id),
    )
    .await?;
    for table in [
        "volume_metadata",
        "volume_admin_metadata",
        "snapshots",
        "transfers",
        "volume_glance_metadata",
    ] {
        tx.execute(
            sql(format!(
                "UPDATE {table} SET deleted = true, deleted_at = ? WHERE volume_id = ? AND deleted = false"
            ))
            .bind(now)
            .bind(id),
        )
        .await?;
    }
    tx.execute(
        sql("UPDATE volume_attachment SET deleted = true, deleted_at = ?, attach_status = 'detached', \
             detach_time = ? WHERE volume_id = ? AND deleted = false")
        .bind(now)
        .bind(now)
        .bind(id),
    )
    .await?;
    Ok(())
}

/// User metadata of the given volumes: volume id → key → value.
pub async fn metadata_for(
    tx: &mut Transaction<'_>,
    table: &'static str,
    ids: &[String],
) -> Result<BTreeMap<String, BTreeMap<String, String>>, DbError> {
    let mut out: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    for chunk in ids.chunks(500) {
        let q = sql(format!(
            r#"SELECT volume_id, "key", value FROM {table} WHERE deleted = false AND volume_id IN ({}) ORDER BY id"#,
            placeholders(chunk.len())
        ))
        .bind_all(chunk.iter().cloned());
        for r in tx.fetch_all(q).await? {
            let vid: String = r.get("volume_id")?;
            let key: Option<String> = r.get("key")?;
            let value: Option<String> = r.get("value")?;
            out.entry(vid)
                .or_default()
                .insert(key.unwrap_or_default(), value.unwrap_or_default());
        }
    }
    Ok(out)
}

/// `volume_metadata_update`: merges `metadata` into the volume's user metadata, or with
/// `delete` replaces it (keys not given are soft-deleted). Returns the resulting metadata.
pub async fn metadata_update(
    tx: &mut Transaction<'_>,
    volume_id: &str,
    metadata: &BTreeMap<String, String>,
    delete: bool,
) -> Result<BTreeMap<String, String>, DbError> {
    let now = utcnow();
    let current = metadata_for(tx, "volume_metadata", &[volume_id.to_string()])
        .await?
        .remove(volume_id)
        .unwrap_or_default();
    if delete {
        for key in current.keys().filter(|k| !metadata.contains_key(*k)) {
            metadata_delete(tx, volume_id, key).await?;
        }
    }
    for (k, v) in metadata {
        match current.get(k) {
            Some(old) if old == v => {}
            Some(_) => {
                tx.execute(
                    sql(r#"UPDATE volume_metadata SET value = ?, updated_at = ? WHERE volume_id = ? AND "key" = ? AND deleted = false"#)
                        .bind(v.as_str())
                        .bind(now)
                        .bind(volume_id)
                        .bind(k.as_str()),
                )
                .await?;
            }
            None => insert_metadata(tx, "volume_metadata", volume_id, k, v, now).await?,
        }
    }
    Ok(
        metadata_for(tx, "volume_metadata", &[volume_id.to_string()])
            .await?
            .remove(volume_id)
            .unwrap_or_default(),
    )
}

/// `volume_metadata_delete`: soft-deletes one key; returns whether it existed.
pub async fn metadata_delete(
    tx: &mut Transaction<'_>,
    volume_id: &str,
    key: &str,
) -> Result<bool, DbError> {
    let now = utcnow();
    Ok(tx
        .execute(
            sql(r#"UPDATE volume_metadata SET deleted = true, deleted_at = ?, updated_at = ? WHERE volume_id = ? AND "key" = ? AND deleted = false"#)
                .bind(now)
                .bind(now)
                .bind(volume_id)
                .bind(key),
        )
        .await?
        > 0)
}

/// `volume_admin_metadata_update` for one key (e.g. `readonly`).
pub async fn admin_metadata_set(
    tx: &mut Transaction<'_>,
    volume_id: &str,
    key: &str,
    value: &str,
) -> Result<(), DbError> {
    let now = utcnow();
    let updated = tx
        .execute(
            sql(r#"UPDATE volume_admin_metadata SET value = ?, updated_at = ? WHERE volume_id = ? AND "key" = ? AND deleted = false"#)
                .bind(value)
                .bind(now)
                .bind(volume_id)
                .bind(key),
        )
        .await?;
    if updated == 0 {
        insert_metadata(tx, "volume_admin_metadata", volume_id, key, value, now).await?;
    }
    Ok(())
}
