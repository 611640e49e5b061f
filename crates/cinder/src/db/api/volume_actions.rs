//! The queries behind the volume actions, the admin metadata and the volumes summary
//! (`volume.conditional_update`, `volume_attachment_get_all_by_volume_id`, `volume_detached`,
//! `volume_admin_metadata_*`, `worker_destroy` and `get_volume_summary` of
//! `cinder/db/sqlalchemy/api.py`): status changes are compare-and-swap updates, so two
//! racing requests cannot both move a volume out of the state they checked.

use std::collections::BTreeMap;

use openstack_db::{placeholders, sql, utcnow, DbError, Query, Transaction, Value};

/// What a column must hold for a [`conditional_update`] to apply.
#[derive(Clone, Debug)]
pub enum Expect {
    /// `column IN (values)`; a null value in the list also accepts NULL.
    In(&'static str, Vec<Value>),
    /// `column <> value` (NULL never matches, as in SQL).
    NotEq(&'static str, Value),
    /// An extra condition in SQL over the `volumes` row, with its parameters.
    Sql(String, Vec<Value>),
}

impl Expect {
    /// `column` holds one of these strings.
    pub fn one_of(column: &'static str, values: &[&str]) -> Expect {
        Expect::In(column, values.iter().map(|v| Value::from(*v)).collect())
    }

    /// `column` is NULL or holds one of these strings.
    pub fn null_or(column: &'static str, values: &[&str]) -> Expect {
        let mut all = vec![Value::from(None::<String>)];
        all.extend(values.iter().map(|v| Value::from(*v)));
        Expect::In(column, all)
    }

    fn push(&self, q: Query) -> Query {
        match self {
            Expect::In(column, values) => {
                let (nulls, set): (Vec<&Value>, Vec<&Value>) =
                    values.iter().partition(|v| v.is_null());
                let mut parts = Vec::new();
                if !nulls.is_empty() {
                    parts.push(format!("{column} IS NULL"));
                }
                if !set.is_empty() {
                    parts.push(format!("{column} IN ({})", placeholders(set.len())));
                }
                if parts.is_empty() {
                    return q.push(" AND 1 = 0");
                }
                q.push(&format!(" AND ({})", parts.join(" OR ")))
                    .bind_all(set.into_iter().cloned())
            }
            Expect::NotEq(column, value) => {
                q.push(&format!(" AND {column} <> ?")).bind(value.clone())
            }
            Expect::Sql(text, params) => q
                .push(&format!(" AND ({text})"))
                .bind_all(params.iter().cloned()),
        }
    }
}

/// A new value of a column in a [`conditional_update`].
#[derive(Clone, Debug)]
pub enum SetTo {
    Value(Value),
    /// An SQL expression over the row before the update (e.g. `status` for
    /// `previous_status`). Put such columns first: MySQL assigns left to right.
    Sql(&'static str),
}

/// `volume.conditional_update(values, expected)`: sets `values` (and `updated_at`) only when
/// every expectation holds; returns whether the row changed.
pub async fn conditional_update(
    tx: &mut Transaction<'_>,
    id: &str,
    values: &[(&'static str, SetTo)],
    expected: &[Expect],
) -> Result<bool, DbError> {
    let mut q = sql("UPDATE volumes SET ");
    for (column, value) in values {
        q = match value {
            SetTo::Value(v) => q.push(&format!("{column} = ?, ")).bind(v.clone()),
            SetTo::Sql(expr) => q.push(&format!("{column} = {expr}, ")),
        };
    }
    q = q
        .push("updated_at = ? WHERE id = ? AND deleted = false")
        .bind(utcnow())
        .bind(id);
    for e in expected {
        q = e.push(q);
    }
    Ok(tx.execute(q).await? > 0)
}

/// `volume_has_attachments_filter()`: the volume has a live attachment that is not detached.
pub const HAS_ATTACHMENTS: &str = "EXISTS (SELECT 1 FROM volume_attachment WHERE \
    volume_attachment.volume_id = volumes.id AND volume_attachment.attach_status <> 'detached' \
    AND volume_attachment.deleted = false)";

/// One row of `volume_attachment`, as the actions need it.
#[derive(Clone, Debug, PartialEq)]
pub struct Attachment {
    pub id: String,
    pub volume_id: String,
    pub instance_uuid: Option<String>,
    pub attach_status: Option<String>,
    pub connection_info: Option<String>,
}

const ATTACHMENT_COLUMNS: &str = "id, volume_id, instance_uuid, attach_status, connection_info";

fn attachment(r: &openstack_db::Row) -> Result<Attachment, DbError> {
    Ok(Attachment {
        id: r.get("id")?,
        volume_id: r.get("volume_id")?,
        instance_uuid: r.get("instance_uuid")?,
        attach_status: r.get("attach_status")?,
        connection_info: r.get("connection_info")?,
    })
}

/// `volume_attachment_get_all_by_volume_id`: the live attachments of a volume.
pub async fn attachments_of(
    tx: &mut Transaction<'_>,
    volume_id: &str,
) -> Result<Vec<Attachment>, DbError> {
    let q = sql(format!(
        "SELECT {ATTACHMENT_COLUMNS} FROM volume_attachment WHERE volume_id = ? AND deleted = false ORDER BY created_at, id"
    ))
    .bind(volume_id);
    tx.fetch_all(q).await?.iter().map(attachment).collect()
}

/// `volume_attachment_get`: a live attachment by id.
pub async fn attachment_get(
    tx: &mut Transaction<'_>,
    id: &str,
) -> Result<Option<Attachment>, DbError> {
    let q = sql(format!(
        "SELECT {ATTACHMENT_COLUMNS} FROM volume_attachment WHERE id = ? AND deleted = false"
    ))
    .bind(id);
    tx.fetch_optional(q)
        .await?
        .map(|r| attachment(&r))
        .transpose()
}

/// `volume_detached`: soft-deletes the attachment (`detached`) and derives the volume's
/// `attach_status` and `status` from the attachments left (`attached` > `attaching` >
/// `detaching` > `reserved`, errors ignored; none → `detached` / `available`). The status is
/// left alone while a migration or an upload will set it later.
pub async fn volume_detached(
    tx: &mut Transaction<'_>,
    volume_id: &str,
    attachment_id: &str,
) -> Result<(), DbError> {
    let now = utcnow();
    tx.execute(
        sql(
            "UPDATE volume_attachment SET deleted = true, deleted_at = ?, updated_at = ?, \
             attach_status = 'detached', detach_time = ? WHERE id = ? AND deleted = false",
        )
        .bind(now)
        .bind(now)
        .bind(now)
        .bind(attachment_id),
    )
    .await?;
    let row = tx
        .fetch_optional(
            sql("SELECT attach_status FROM volume_attachment WHERE volume_id = ? AND deleted = false \
                 AND attach_status NOT LIKE 'error_%' ORDER BY attach_status ASC LIMIT 1")
            .bind(volume_id),
        )
        .await?;
    let attach_status = row
        .and_then(|r| r.get::<Option<String>>("attach_status").ok().flatten())
        .unwrap_or_else(|| "detached".to_string());
    let status = match attach_status.as_str() {
        "attached" => "in-use".to_string(),
        "detached" => "available".to_string(),
        other => other.to_string(),
    };
    let current = tx
        .fetch_optional(
            sql("SELECT status, migration_status FROM volumes WHERE id = ?").bind(volume_id),
        )
        .await?;
    let (vol_status, migration) = match current {
        Some(r) => (
            r.get::<Option<String>>("status")?,
            r.get::<Option<String>>("migration_status")?,
        ),
        None => return Ok(()),
    };
    let set_status = attach_status != "detached"
        || (migration.is_none() && vol_status.as_deref() != Some("uploading"))
        || matches!(migration.as_deref(), Some("success" | "error"));
    // `updated_at` is kept, as upstream does.
    let q = if set_status {
        sql("UPDATE volumes SET attach_status = ?, status = ? WHERE id = ?")
            .bind(attach_status.as_str())
            .bind(status.as_str())
    } else {
        sql("UPDATE volumes SET attach_status = ? WHERE id = ?").bind(attach_status.as_str())
    };
    tx.execute(q.bind(volume_id)).await?;
    Ok(())
}

/// `volume_admin_metadata_get`: key → value.
pub async fn admin_metadata_get(
    tx: &mut Transaction<'_>,
    volume_id: &str,
) -> Result<BTreeMap<String, String>, DbError> {
    let rows = tx
        .fetch_all(
            sql(r#"SELECT "key", value FROM volume_admin_metadata WHERE volume_id = ? AND deleted = false ORDER BY id"#)
                .bind(volume_id),
        )
        .await?;
    let mut out = BTreeMap::new();
    for r in rows {
        let k: Option<String> = r.get("key")?;
        let v: Option<String> = r.get("value")?;
        out.insert(k.unwrap_or_default(), v.unwrap_or_default());
    }
    Ok(out)
}

/// `volume_admin_metadata_delete`: soft-deletes one key.
pub async fn admin_metadata_delete(
    tx: &mut Transaction<'_>,
    volume_id: &str,
    key: &str,
) -> Result<(), DbError> {
    let now = utcnow();
    tx.execute(
        sql(r#"UPDATE volume_admin_metadata SET deleted = true, deleted_at = ?, updated_at = ? WHERE volume_id = ? AND "key" = ? AND deleted = false"#)
            .bind(now)
            .bind(now)
            .bind(volume_id)
            .bind(key),
    )
    .await?;
    Ok(())
}

/// `worker_destroy(resource_type='VOLUME', resource_id=id)`: the cleanup entry goes (a hard
/// delete, as upstream).
pub async fn worker_destroy(tx: &mut Transaction<'_>, volume_id: &str) -> Result<u64, DbError> {
    tx.execute(
        sql("DELETE FROM workers WHERE resource_type = 'VOLUME' AND resource_id = ?")
            .bind(volume_id),
    )
    .await
}

/// The sizes of the live snapshots of a volume (`volume.snapshots`), for a retype's quota.
pub async fn snapshot_sizes(
    tx: &mut Transaction<'_>,
    volume_id: &str,
) -> Result<Vec<i64>, DbError> {
    let rows = tx
        .fetch_all(
            sql("SELECT volume_size FROM snapshots WHERE volume_id = ? AND deleted = false")
                .bind(volume_id),
        )
        .await?;
    rows.iter()
        .map(|r| Ok(r.get::<Option<i64>>("volume_size")?.unwrap_or(0)))
        .collect()
}

/// `volume_qos_allows_retype(new_type_id)`: a volume may change type when it is available,
/// when both types have the same QoS specs, or when neither type's QoS is consumed anywhere
/// but on the back end.
pub fn qos_allows_retype(new_type_id: &str) -> Expect {
    let consumer = |type_ref: &str| {
        format!(
            "EXISTS (SELECT 1 FROM volume_types, quality_of_service_specs WHERE \
             volume_types.deleted = false AND volume_types.id = {type_ref} AND \
             volume_types.qos_specs_id = quality_of_service_specs.specs_id AND \
             quality_of_service_specs.\"key\" = 'consumer' AND \
             quality_of_service_specs.value <> 'back-end')"
        )
    };
    let text = format!(
        "volumes.status = 'available' OR EXISTS (SELECT 1 FROM volume_types WHERE \
         volume_types.deleted = false AND volume_types.id = volumes.volume_type_id AND \
         volume_types.qos_specs_id = (SELECT qos_specs_id FROM volume_types WHERE deleted = false \
         AND id = ?)) OR (NOT {} AND NOT {})",
        consumer("volumes.volume_type_id"),
        consumer("?"),
    );
    Expect::Sql(
        text,
        vec![Value::from(new_type_id), Value::from(new_type_id)],
    )
}

/// `get_volume_summary`: how many live volumes and their total size, in `project_id` (or
/// everywhere), and every distinct user metadata pair (key → values).
pub struct Summary {
    pub count: i64,
    pub size: i64,
    pub metadata: BTreeMap<String, Vec<String>>,
}

/// See [`Summary`].
pub async fn volume_summary(
    tx: &mut Transaction<'_>,
    project_id: Option<&str>,
) -> Result<Summary, DbError> {
    let mut q = sql("SELECT COUNT(id) AS n, SUM(size) AS total FROM volumes WHERE deleted = false");
    if let Some(p) = project_id {
        q = q.push(" AND project_id = ?").bind(p);
    }
    let row = tx.fetch_one(q).await?;
    let count: i64 = row.get("n")?;
    let size: i64 = row.get::<Option<i64>>("total")?.unwrap_or(0);
    let mut mq = sql(
        r#"SELECT DISTINCT volume_metadata."key" AS k, volume_metadata.value AS v FROM volume_metadata"#,
    );
    mq = match project_id {
        Some(p) => mq
            .push(
                " JOIN volumes ON volumes.id = volume_metadata.volume_id \
                 WHERE volume_metadata.deleted = false AND volumes.project_id = ?",
            )
            .bind(p),
        None => mq.push(" WHERE volume_metadata.deleted = false"),
    };
    let mq = mq.push(r#" ORDER BY k, v"#);
    let mut metadata: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in tx.fetch_all(mq).await? {
        let k: Option<String> = r.get("k")?;
        let v: Option<String> = r.get("v")?;
        metadata
            .entry(k.unwrap_or_default())
            .or_default()
            .push(v.unwrap_or_default());
    }
    Ok(Summary {
        count,
        size,
        metadata,
    })
}
