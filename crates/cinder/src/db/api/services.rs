//! Service rows (`service_get`, `service_get_all`, `service_update` and the `_filter_host`
//! matching of `cinder/db/sqlalchemy/api.py`): the `services` table every cinder service
//! heartbeats into, read by `os-services`, the availability zones and replication actions.
//!
//! Host and cluster filters match as upstream's `_filter_host`: `node1` matches `node1`,
//! `node1@lvm` and `node1#pool`; `node1@lvm` matches itself and `node1@lvm#pool`; a value with
//! `#` matches only itself. MySQL compares case-insensitively by default, so there the
//! comparisons are made `BINARY`, as upstream does.

use openstack_db::{sql, utcnow, Backend, DbError, PrimitiveDateTime, Query, Row, Transaction};

use super::col;

const COLUMNS: &str = r#"id, created_at, updated_at, deleted, host, "binary", topic, report_count, disabled, availability_zone, disabled_reason, modified_at, rpc_current_version, object_current_version, replication_status, frozen, active_backend_id, cluster_name, uuid"#;

/// The binary (and topic) names of cinder's services (`cinder/common/constants.py`).
pub const API_BINARY: &str = "cinder-api";
pub const SCHEDULER_BINARY: &str = "cinder-scheduler";
pub const VOLUME_BINARY: &str = "cinder-volume";
pub const BACKUP_BINARY: &str = "cinder-backup";

/// One row of `services`.
#[derive(Clone, Debug, PartialEq)]
pub struct ServiceRow {
    pub id: i64,
    pub created_at: Option<PrimitiveDateTime>,
    pub updated_at: Option<PrimitiveDateTime>,
    pub host: Option<String>,
    pub binary: Option<String>,
    pub topic: Option<String>,
    pub report_count: i64,
    pub disabled: bool,
    pub availability_zone: Option<String>,
    pub disabled_reason: Option<String>,
    pub modified_at: Option<PrimitiveDateTime>,
    pub rpc_current_version: Option<String>,
    pub object_current_version: Option<String>,
    pub replication_status: Option<String>,
    pub frozen: bool,
    pub active_backend_id: Option<String>,
    pub cluster_name: Option<String>,
    pub uuid: Option<String>,
}

impl ServiceRow {
    fn from_row(r: &Row) -> Result<ServiceRow, DbError> {
        Ok(ServiceRow {
            id: col(r, "id")?,
            created_at: col(r, "created_at")?,
            updated_at: col(r, "updated_at")?,
            host: col(r, "host")?,
            binary: col(r, "binary")?,
            topic: col(r, "topic")?,
            report_count: col::<Option<i64>>(r, "report_count")?.unwrap_or(0),
            disabled: col::<Option<bool>>(r, "disabled")?.unwrap_or(false),
            availability_zone: col(r, "availability_zone")?,
            disabled_reason: col(r, "disabled_reason")?,
            modified_at: col(r, "modified_at")?,
            rpc_current_version: col(r, "rpc_current_version")?,
            object_current_version: col(r, "object_current_version")?,
            replication_status: col(r, "replication_status")?,
            frozen: col::<Option<bool>>(r, "frozen")?.unwrap_or(false),
            active_backend_id: col(r, "active_backend_id")?,
            cluster_name: col(r, "cluster_name")?,
            uuid: col(r, "uuid")?,
        })
    }
}

/// Which live services a query sees (the keyword filters of `service_get_all`).
#[derive(Clone, Debug, Default)]
pub struct ServiceFilters {
    /// `_filter_host` on `host`.
    pub host: Option<String>,
    /// `_filter_host` on `cluster_name`.
    pub cluster_name: Option<String>,
    /// `_filter_host` on `host` or on `cluster_name`.
    pub host_or_cluster: Option<String>,
    /// Exact `binary`.
    pub binary: Option<String>,
    /// Exact `topic`.
    pub topic: Option<String>,
    /// Only services whose last heartbeat or creation is at or after this time
    /// (`is_up=True`; the caller computes `utcnow - service_down_time`).
    pub up_since: Option<PrimitiveDateTime>,
}

/// `_filter_host`: `(column = v OR column LIKE 'v#%' [OR column LIKE 'v@%'])`.
fn filter_host(q: Query, backend: Backend, column: &str, value: &str) -> Query {
    let (eq, like) = if backend == Backend::MySql {
        ("= BINARY ?", "LIKE BINARY ?")
    } else {
        ("= ?", "LIKE ?")
    };
    let mut q = q.push(&format!(" AND ({column} {eq}")).bind(value);
    if !value.contains('#') {
        q = q
            .push(&format!(" OR {column} {like}"))
            .bind(format!("{value}#%"));
        if !value.contains('@') {
            q = q
                .push(&format!(" OR {column} {like}"))
                .bind(format!("{value}@%"));
        }
    }
    q.push(")")
}

fn filtered(backend: Backend, f: &ServiceFilters) -> Query {
    let mut q = sql(format!(
        "SELECT {COLUMNS} FROM services WHERE deleted = false"
    ));
    if let Some(host) = f.host.as_deref().filter(|h| !h.is_empty()) {
        q = filter_host(q, backend, "host", host);
    }
    if let Some(cluster) = f.cluster_name.as_deref().filter(|c| !c.is_empty()) {
        q = filter_host(q, backend, "cluster_name", cluster);
    }
    if let Some(v) = f.host_or_cluster.as_deref().filter(|v| !v.is_empty()) {
        q = q.push(" AND (1 = 0");
        q = filter_host(q.push(" OR (1 = 1"), backend, "host", v).push(")");
        q = filter_host(q.push(" OR (1 = 1"), backend, "cluster_name", v).push(")");
        q = q.push(")");
    }
    if let Some(binary) = &f.binary {
        q = q.push(r#" AND "binary" = ?"#).bind(binary.as_str());
    }
    if let Some(topic) = &f.topic {
        q = q.push(" AND topic = ?").bind(topic.as_str());
    }
    if let Some(since) = f.up_since {
        q = q
            .push(" AND ((created_at IS NOT NULL AND created_at >= ?) OR (updated_at IS NOT NULL AND updated_at >= ?))")
            .bind(since)
            .bind(since);
    }
    q.push(" ORDER BY id")
}

/// `service_get_all`: the live services matching `filters`, in creation (id) order.
pub async fn service_get_all(
    tx: &mut Transaction<'_>,
    filters: &ServiceFilters,
) -> Result<Vec<ServiceRow>, DbError> {
    let q = filtered(tx.backend(), filters);
    tx.fetch_all(q)
        .await?
        .iter()
        .map(ServiceRow::from_row)
        .collect()
}

/// `service_get(host=..., binary=...)` (`Service.get_by_args`): the first live service of
/// `binary` whose host matches `host`.
pub async fn service_get_by_args(
    tx: &mut Transaction<'_>,
    host: &str,
    binary: &str,
) -> Result<Option<ServiceRow>, DbError> {
    let filters = ServiceFilters {
        host: Some(host.to_string()),
        binary: Some(binary.to_string()),
        ..Default::default()
    };
    Ok(service_get_all(tx, &filters).await?.into_iter().next())
}

/// `service_update` of `disabled` (an admin's enable/disable): sets `modified_at` and keeps
/// the heartbeat in `updated_at`. `reason` is written only when given.
pub async fn service_set_disabled(
    tx: &mut Transaction<'_>,
    id: i64,
    disabled: bool,
    reason: Option<&str>,
) -> Result<bool, DbError> {
    let mut q = sql("UPDATE services SET disabled = ?, modified_at = ?")
        .bind(disabled)
        .bind(utcnow());
    if let Some(reason) = reason {
        q = q.push(", disabled_reason = ?").bind(reason);
    }
    q = q.push(" WHERE id = ? AND deleted = false").bind(id);
    Ok(tx.execute(q).await? > 0)
}

/// The `frozen` flag of a live cluster (`Cluster.get_by_id(name=..., binary=...)`); `None`
/// when no such cluster row exists.
pub async fn cluster_frozen(
    tx: &mut Transaction<'_>,
    name: &str,
    binary: &str,
) -> Result<Option<bool>, DbError> {
    let q =
        sql(r#"SELECT frozen FROM clusters WHERE deleted = false AND name = ? AND "binary" = ?"#)
            .bind(name)
            .bind(binary);
    match tx.fetch_optional(q).await? {
        Some(r) => Ok(Some(col::<Option<bool>>(&r, "frozen")?.unwrap_or(false))),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_filters_match_levels_like_upstream() {
        let q = filter_host(sql("X"), Backend::Sqlite, "host", "node1");
        assert_eq!(q.text(), "X AND (host = ? OR host LIKE ? OR host LIKE ?)");
        assert_eq!(q.params().len(), 3);
        let q = filter_host(sql("X"), Backend::Sqlite, "host", "node1@lvm");
        assert_eq!(q.text(), "X AND (host = ? OR host LIKE ?)");
        let q = filter_host(sql("X"), Backend::MySql, "host", "node1@lvm#p");
        assert_eq!(q.text(), "X AND (host = BINARY ?)");
    }

    #[test]
    fn host_or_cluster_is_one_condition() {
        let f = ServiceFilters {
            host_or_cluster: Some("c1@b".into()),
            binary: Some(VOLUME_BINARY.into()),
            ..Default::default()
        };
        let q = filtered(Backend::Sqlite, &f);
        assert!(q.text().contains(
            "AND (1 = 0 OR (1 = 1 AND (host = ? OR host LIKE ?)) OR (1 = 1 AND (cluster_name = ? OR cluster_name LIKE ?)))"
        ));
        assert_eq!(q.params().len(), 5);
    }
}
