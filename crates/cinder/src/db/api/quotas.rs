//! Quota rows (`quota_*`, `quota_class_*`, `quota_usage_*`, `_reservation_create` and the
//! `_sync_*` usage counters of `cinder/db/sqlalchemy/api.py`): per-project limits in `quotas`,
//! class limits in `quota_classes` (only class `default` is used), what each project holds in
//! `quota_usages`, and the `reservations` history. The quota engine ([`crate::quota`]) decides;
//! this module only reads and writes rows, inside the caller's transaction.

use std::collections::BTreeMap;

use openstack_db::{placeholders, sql, utcnow, Backend, DbError, PrimitiveDateTime, Transaction};

use super::col;

/// The quota class whose limits are every project's defaults.
pub const DEFAULT_QUOTA_CLASS: &str = "default";

/// `quota_get_all_by_project` / `quota_class_get_all_by_name`: resource → `hard_limit` of the
/// live rows (a NULL limit is kept as `None`: upstream then falls back to the defaults).
/// When a resource has several live rows the first one (lowest id) wins, as `.first()` does.
pub async fn quota_get_all_by_project(
    tx: &mut Transaction<'_>,
    project_id: &str,
) -> Result<BTreeMap<String, Option<i64>>, DbError> {
    limits(
        tx,
        "SELECT resource, hard_limit FROM quotas WHERE project_id = ? AND deleted = false ORDER BY id",
        project_id,
    )
    .await
}

/// The live limits of quota class `class_name`.
pub async fn quota_class_get_all_by_name(
    tx: &mut Transaction<'_>,
    class_name: &str,
) -> Result<BTreeMap<String, Option<i64>>, DbError> {
    limits(
        tx,
        "SELECT resource, hard_limit FROM quota_classes WHERE class_name = ? AND deleted = false ORDER BY id",
        class_name,
    )
    .await
}

async fn limits(
    tx: &mut Transaction<'_>,
    query: &str,
    key: &str,
) -> Result<BTreeMap<String, Option<i64>>, DbError> {
    let mut out = BTreeMap::new();
    for row in tx.fetch_all(sql(query).bind(key)).await? {
        let resource: Option<String> = col(&row, "resource")?;
        let Some(resource) = resource else { continue };
        let limit: Option<i64> = col(&row, "hard_limit")?;
        out.entry(resource).or_insert(limit);
    }
    Ok(out)
}

/// `quota_update`, else `quota_create`: sets the project's limit of `resource`.
pub async fn quota_set(
    tx: &mut Transaction<'_>,
    project_id: &str,
    resource: &str,
    limit: i64,
) -> Result<(), DbError> {
    set_limit(tx, "quotas", "project_id", project_id, resource, limit).await
}

/// `quota_class_update`, else `quota_class_create`: sets the class's limit of `resource`.
pub async fn quota_class_set(
    tx: &mut Transaction<'_>,
    class_name: &str,
    resource: &str,
    limit: i64,
) -> Result<(), DbError> {
    set_limit(
        tx,
        "quota_classes",
        "class_name",
        class_name,
        resource,
        limit,
    )
    .await
}

async fn set_limit(
    tx: &mut Transaction<'_>,
    table: &str,
    owner_column: &str,
    owner: &str,
    resource: &str,
    limit: i64,
) -> Result<(), DbError> {
    let now = utcnow();
    let first = tx
        .fetch_optional(
            sql(format!(
                "SELECT id FROM {table} WHERE {owner_column} = ? AND resource = ? \
                 AND deleted = false ORDER BY id"
            ))
            .bind(owner)
            .bind(resource),
        )
        .await?;
    match first {
        Some(row) => {
            let id: i64 = col(&row, "id")?;
            tx.execute(
                sql(format!(
                    "UPDATE {table} SET hard_limit = ?, updated_at = ? WHERE id = ?"
                ))
                .bind(limit)
                .bind(now)
                .bind(id),
            )
            .await?;
        }
        None => {
            tx.insert(
                sql(format!(
                    "INSERT INTO {table} (created_at, deleted, {owner_column}, resource, hard_limit) \
                     VALUES (?, ?, ?, ?, ?)"
                ))
                .bind(now)
                .bind(false)
                .bind(owner)
                .bind(resource)
                .bind(limit),
                "id",
            )
            .await?;
        }
    }
    Ok(())
}

/// `quota_destroy_by_project`: soft-deletes the project's limits (a bulk update, so
/// `updated_at` moves too); usages and reservations stay.
pub async fn quota_destroy_by_project(
    tx: &mut Transaction<'_>,
    project_id: &str,
) -> Result<u64, DbError> {
    let now = utcnow();
    tx.execute(
        sql(
            "UPDATE quotas SET deleted = ?, deleted_at = ?, updated_at = ? \
             WHERE project_id = ? AND deleted = false",
        )
        .bind(true)
        .bind(now)
        .bind(now)
        .bind(project_id),
    )
    .await
}

/// One live row of `quota_usages`.
#[derive(Clone, Debug, PartialEq)]
pub struct QuotaUsageRow {
    pub id: i64,
    pub resource: String,
    pub in_use: i64,
    pub reserved: i64,
    pub until_refresh: Option<i64>,
    pub updated_at: Option<PrimitiveDateTime>,
}

const USAGE_COLUMNS: &str = "id, resource, in_use, reserved, until_refresh, updated_at";

fn usage_from_row(row: &openstack_db::Row) -> Result<Option<QuotaUsageRow>, DbError> {
    let resource: Option<String> = col(row, "resource")?;
    let Some(resource) = resource else {
        return Ok(None);
    };
    Ok(Some(QuotaUsageRow {
        id: col(row, "id")?,
        resource,
        in_use: col(row, "in_use")?,
        reserved: col(row, "reserved")?,
        until_refresh: col(row, "until_refresh")?,
        updated_at: col(row, "updated_at")?,
    }))
}

/// `quota_usage_get_all_by_project`: resource → its usage row.
pub async fn quota_usage_get_all_by_project(
    tx: &mut Transaction<'_>,
    project_id: &str,
) -> Result<BTreeMap<String, QuotaUsageRow>, DbError> {
    let rows = tx
        .fetch_all(
            sql(format!(
                "SELECT {USAGE_COLUMNS} FROM quota_usages WHERE project_id = ? AND deleted = false \
                 ORDER BY id"
            ))
            .bind(project_id),
        )
        .await?;
    let mut out = BTreeMap::new();
    for row in &rows {
        if let Some(u) = usage_from_row(row)? {
            out.entry(u.resource.clone()).or_insert(u);
        }
    }
    Ok(out)
}

/// `_get_quota_usages`: the project's usage rows of `resources`, locked (`FOR UPDATE`) in id
/// order so concurrent reservations queue instead of deadlocking.
pub async fn quota_usages_for_update(
    tx: &mut Transaction<'_>,
    project_id: &str,
    resources: &[&str],
) -> Result<BTreeMap<String, QuotaUsageRow>, DbError> {
    if resources.is_empty() {
        return Ok(BTreeMap::new());
    }
    let rows = tx
        .fetch_all(
            sql(format!(
                "SELECT {USAGE_COLUMNS} FROM quota_usages WHERE project_id = ? AND deleted = false \
                 AND resource IN ({}) ORDER BY id FOR UPDATE",
                placeholders(resources.len())
            ))
            .bind(project_id)
            .bind_all(resources.iter().copied()),
        )
        .await?;
    let mut out = BTreeMap::new();
    for row in &rows {
        if let Some(u) = usage_from_row(row)? {
            out.entry(u.resource.clone()).or_insert(u);
        }
    }
    Ok(out)
}

/// `_quota_usage_create`: a usage row for `resource`. A row that a concurrent transaction
/// created meanwhile is left as it is (upstream retries the whole reservation on the
/// duplicate instead); the caller locks and reads the rows afterwards.
pub async fn quota_usage_create(
    tx: &mut Transaction<'_>,
    project_id: &str,
    resource: &str,
    in_use: i64,
    until_refresh: Option<i64>,
) -> Result<(), DbError> {
    let columns = "created_at, deleted, project_id, resource, in_use, reserved, until_refresh, \
                   race_preventer";
    let values = "?, ?, ?, ?, ?, ?, ?, ?";
    let text = match tx.backend() {
        Backend::MySql => format!(
            "INSERT INTO quota_usages ({columns}) VALUES ({values}) ON DUPLICATE KEY UPDATE id = id"
        ),
        Backend::Postgres | Backend::Sqlite => {
            format!("INSERT INTO quota_usages ({columns}) VALUES ({values}) ON CONFLICT DO NOTHING")
        }
    };
    tx.execute(
        sql(text)
            .bind(utcnow())
            .bind(false)
            .bind(project_id)
            .bind(resource)
            .bind(in_use)
            .bind(0_i64)
            .bind(until_refresh)
            .bind(true),
    )
    .await?;
    Ok(())
}

/// Saves a usage row's counters (`updated_at` moves, as the ORM's on-update hook does).
pub async fn quota_usage_update(
    tx: &mut Transaction<'_>,
    usage: &QuotaUsageRow,
) -> Result<(), DbError> {
    tx.execute(
        sql(
            "UPDATE quota_usages SET in_use = ?, reserved = ?, until_refresh = ?, updated_at = ? \
             WHERE id = ?",
        )
        .bind(usage.in_use)
        .bind(usage.reserved)
        .bind(usage.until_refresh)
        .bind(utcnow())
        .bind(usage.id),
    )
    .await?;
    Ok(())
}

/// A reservation as `reservation_commit` leaves it: created and soft-deleted at once (its
/// `updated_at` stays NULL, as the ORM's `delete()` keeps it).
pub struct CommittedReservation<'a> {
    pub usage_id: i64,
    pub project_id: &'a str,
    pub resource: &'a str,
    pub delta: i64,
    pub expire: PrimitiveDateTime,
}

/// Writes a committed reservation row (`uuid` a fresh UUID4).
pub async fn reservation_create_committed(
    tx: &mut Transaction<'_>,
    r: &CommittedReservation<'_>,
) -> Result<(), DbError> {
    let now = utcnow();
    tx.insert(
        sql("INSERT INTO reservations (created_at, deleted_at, deleted, uuid, usage_id, project_id, \
             resource, delta, expire) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .bind(now)
        .bind(now)
        .bind(true)
        .bind(uuid::Uuid::new_v4().to_string())
        .bind(r.usage_id)
        .bind(r.project_id)
        .bind(r.resource)
        .bind(r.delta)
        .bind(r.expire),
        "id",
    )
    .await?;
    Ok(())
}

/// What a project holds, counted from the live rows (`_sync_*`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counted {
    pub count: i64,
    pub gigabytes: i64,
}

async fn counted(tx: &mut Transaction<'_>, q: openstack_db::Query) -> Result<Counted, DbError> {
    let row = tx.fetch_one(q).await?;
    Ok(Counted {
        count: col::<Option<i64>>(&row, "n")?.unwrap_or(0),
        gigabytes: col::<Option<i64>>(&row, "total")?.unwrap_or(0),
    })
}

/// `_volume_data_get_for_project`: the project's volumes that count against quota (of one
/// type when `volume_type_id` is given).
pub async fn volume_data_get_for_project(
    tx: &mut Transaction<'_>,
    project_id: &str,
    volume_type_id: Option<&str>,
) -> Result<Counted, DbError> {
    let mut q = sql("SELECT COUNT(id) AS n, SUM(size) AS total FROM volumes \
                     WHERE project_id = ? AND deleted = false AND use_quota = true")
    .bind(project_id);
    if let Some(t) = volume_type_id {
        q = q.push(" AND volume_type_id = ?").bind(t);
    }
    counted(tx, q).await
}

/// `_snapshot_data_get_for_project`: the project's snapshots that count against quota (of
/// volumes of one type when `volume_type_id` is given).
pub async fn snapshot_data_get_for_project(
    tx: &mut Transaction<'_>,
    project_id: &str,
    volume_type_id: Option<&str>,
) -> Result<Counted, DbError> {
    let q = match volume_type_id {
        None => sql(
            "SELECT COUNT(s.id) AS n, SUM(s.volume_size) AS total FROM snapshots s \
                     WHERE s.project_id = ? AND s.deleted = false AND s.use_quota = true",
        )
        .bind(project_id),
        Some(t) => sql(
            "SELECT COUNT(s.id) AS n, SUM(s.volume_size) AS total FROM snapshots s \
                        JOIN volumes v ON v.id = s.volume_id \
                        WHERE s.project_id = ? AND s.deleted = false AND s.use_quota = true \
                        AND v.volume_type_id = ?",
        )
        .bind(project_id)
        .bind(t),
    };
    counted(tx, q).await
}

/// `_backup_data_get_for_project`.
pub async fn backup_data_get_for_project(
    tx: &mut Transaction<'_>,
    project_id: &str,
) -> Result<Counted, DbError> {
    counted(
        tx,
        sql("SELECT COUNT(id) AS n, SUM(size) AS total FROM backups \
             WHERE project_id = ? AND deleted = false")
        .bind(project_id),
    )
    .await
}

/// `_group_data_get_for_project`: the number of live groups.
pub async fn group_count_for_project(
    tx: &mut Transaction<'_>,
    project_id: &str,
) -> Result<i64, DbError> {
    let row = tx
        .fetch_one(
            sql(r#"SELECT COUNT(id) AS n FROM "groups" WHERE project_id = ? AND deleted = false"#)
                .bind(project_id),
        )
        .await?;
    Ok(col::<Option<i64>>(&row, "n")?.unwrap_or(0))
}

/// The live volume types (id, name), newest first, as `volume_type_get_all` sorts them: the
/// per-type quota resources follow this order.
pub async fn live_volume_types(tx: &mut Transaction<'_>) -> Result<Vec<(String, String)>, DbError> {
    let rows = tx
        .fetch_all(sql(
            "SELECT id, name FROM volume_types WHERE deleted = false \
             ORDER BY created_at DESC, id DESC",
        ))
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        let name: Option<String> = col(row, "name")?;
        if let Some(name) = name {
            out.push((col(row, "id")?, name));
        }
    }
    Ok(out)
}
