//! Volume types, their extra specs, their access lists and the per-project default types
//! (`volume_type_*`, `volume_type_extra_specs_*`, `volume_type_access_*` and
//! `project_default_volume_type_*` of `cinder/db/sqlalchemy/api.py`).
//!
//! Soft deletes as upstream writes them: a destroyed type and its extra specs and encryption
//! keep their `updated_at`; a removed access row gets `deleted = id` (so the
//! `UNIQUE(volume_type_id, project_id, deleted)` key allows a later re-add); a project's
//! default type row is hard-deleted.

use std::collections::BTreeMap;

use openstack_db::{placeholders, sql, utcnow, DbError, Query, Row, Transaction, Value};
use time::PrimitiveDateTime;

use super::col;
use super::pagination::{paginate, SortKey};

/// The columns of `volume_types`, in table order.
const COLUMNS: &str =
    "created_at, updated_at, deleted_at, deleted, id, name, qos_specs_id, is_public, description";

/// The columns a list may sort by (`paginate_query` accepts any column of the model).
pub const SORT_COLUMNS: &[&str] = &[
    "created_at",
    "updated_at",
    "deleted_at",
    "deleted",
    "id",
    "name",
    "qos_specs_id",
    "is_public",
    "description",
];

/// One row of `volume_types`.
#[derive(Clone, Debug, PartialEq)]
pub struct VolumeTypeRow {
    pub created_at: Option<PrimitiveDateTime>,
    pub updated_at: Option<PrimitiveDateTime>,
    pub deleted_at: Option<PrimitiveDateTime>,
    pub deleted: bool,
    pub id: String,
    pub name: Option<String>,
    pub qos_specs_id: Option<String>,
    /// NULL reads as private, as the SQL filters (`is_public = true`) treat it.
    pub is_public: bool,
    pub description: Option<String>,
}

impl VolumeTypeRow {
    fn from_row(r: &Row) -> Result<VolumeTypeRow, DbError> {
        Ok(VolumeTypeRow {
            created_at: col(r, "created_at")?,
            updated_at: col(r, "updated_at")?,
            deleted_at: col(r, "deleted_at")?,
            deleted: col::<Option<bool>>(r, "deleted")?.unwrap_or(false),
            id: col(r, "id")?,
            name: col(r, "name")?,
            qos_specs_id: col(r, "qos_specs_id")?,
            is_public: col::<Option<bool>>(r, "is_public")?.unwrap_or(false),
            description: col(r, "description")?,
        })
    }

    fn sort_value(&self, column: &str) -> Value {
        match column {
            "created_at" => Value::from(self.created_at),
            "updated_at" => Value::from(self.updated_at),
            "deleted_at" => Value::from(self.deleted_at),
            "deleted" => Value::from(self.deleted),
            "id" => Value::from(self.id.as_str()),
            "name" => Value::from(self.name.clone()),
            "qos_specs_id" => Value::from(self.qos_specs_id.clone()),
            "is_public" => Value::from(self.is_public),
            "description" => Value::from(self.description.clone()),
            _ => Value::from(None::<String>),
        }
    }
}

/// Which private types a caller sees (`_volume_type_get_query`): an admin every type, anyone
/// else the public ones and the private ones their project was given access to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Visibility<'a> {
    All,
    Project(Option<&'a str>),
}

/// `is_public = true OR <project has access>` (an access row of the project, not removed).
fn public_or_shared(q: Query, project_id: Option<&str>) -> Query {
    match project_id {
        Some(p) => q
            .push(
                " AND (is_public = true OR id IN (SELECT volume_type_id FROM \
                 volume_type_projects WHERE project_id = ? AND deleted = 0))",
            )
            .bind(p),
        None => q.push(" AND is_public = true"),
    }
}

fn visible(q: Query, visibility: Visibility<'_>) -> Query {
    match visibility {
        Visibility::All => q,
        Visibility::Project(p) => public_or_shared(q, p),
    }
}

fn select(include_deleted: bool) -> Query {
    if include_deleted {
        sql(format!("SELECT {COLUMNS} FROM volume_types WHERE 1 = 1"))
    } else {
        sql(format!(
            "SELECT {COLUMNS} FROM volume_types WHERE deleted = false"
        ))
    }
}

/// `_volume_type_get_db_object`: a type by id as `visibility` allows; with `include_deleted`
/// (`inactive=True`) deleted types too.
pub async fn volume_type_get(
    tx: &mut Transaction<'_>,
    id: &str,
    visibility: Visibility<'_>,
    include_deleted: bool,
) -> Result<Option<VolumeTypeRow>, DbError> {
    let q = visible(select(include_deleted), visibility)
        .push(" AND id = ?")
        .bind(id);
    tx.fetch_optional(q)
        .await?
        .map(|r| VolumeTypeRow::from_row(&r))
        .transpose()
}

/// `_volume_type_get_by_name`: a live type by name as `visibility` allows.
pub async fn volume_type_get_by_name(
    tx: &mut Transaction<'_>,
    name: &str,
    visibility: Visibility<'_>,
) -> Result<Option<VolumeTypeRow>, DbError> {
    let q = visible(select(false), visibility)
        .push(" AND name = ? ORDER BY created_at, id")
        .bind(name);
    tx.fetch_optional(q)
        .await?
        .map(|r| VolumeTypeRow::from_row(&r))
        .transpose()
}

/// Which types a list sees (`_process_volume_types_filters`).
#[derive(Clone, Debug, Default)]
pub struct VolumeTypeFilters<'a> {
    /// The caller's base visibility; `None` = every type (admin).
    pub project_only: Option<Option<&'a str>>,
    /// `Some(true)`: public types and private ones `is_public_project` has access to;
    /// `Some(false)`: private types only; `None`: both.
    pub is_public: Option<bool>,
    /// The project whose access rows count for `is_public = true` (the caller's).
    pub is_public_project: Option<&'a str>,
    /// Extra specs every type must have (`RESKEY:availability_zones` matches by substring).
    pub extra_specs: Vec<(String, String)>,
    /// Exact column matches (admin filters on model columns).
    pub exact: Vec<(&'static str, String)>,
}

fn filtered(filters: &VolumeTypeFilters<'_>) -> Query {
    let mut q = select(false);
    if let Some(project) = filters.project_only {
        q = public_or_shared(q, project);
    }
    match filters.is_public {
        Some(true) => match filters.is_public_project {
            Some(p) => {
                q = q
                    .push(
                        " AND (is_public = true OR id IN (SELECT volume_type_id FROM \
                         volume_type_projects WHERE project_id = ? AND deleted = 0))",
                    )
                    .bind(p);
            }
            None => q = q.push(" AND is_public = true"),
        },
        Some(false) => q = q.push(" AND is_public = false"),
        None => {}
    }
    for (key, value) in &filters.extra_specs {
        let (cmp, v) = if key == "RESKEY:availability_zones" {
            ("LIKE", format!("%{value}%"))
        } else {
            ("=", value.clone())
        };
        q = q
            .push(&format!(
                r#" AND id IN (SELECT volume_type_id FROM volume_type_extra_specs WHERE deleted = false AND "key" = ? AND value {cmp} ?)"#
            ))
            .bind(key.as_str())
            .bind(v);
    }
    for (column, value) in &filters.exact {
        q = q.push(&format!(" AND {column} = ?")).bind(value.as_str());
    }
    q
}

/// `volume_type_get_all`: one page of the live types matching `filters`, ordered by `sort`;
/// `marker` is the row the previous page ended with.
pub async fn volume_type_get_all(
    tx: &mut Transaction<'_>,
    filters: &VolumeTypeFilters<'_>,
    sort: &[SortKey],
    marker: Option<&VolumeTypeRow>,
    limit: Option<i64>,
    offset: Option<i64>,
) -> Result<Vec<VolumeTypeRow>, DbError> {
    let marker_values: Option<Vec<Value>> =
        marker.map(|m| sort.iter().map(|k| m.sort_value(&k.column)).collect());
    let mut q = paginate(filtered(filters), sort, marker_values.as_deref());
    match (limit, offset.filter(|o| *o > 0)) {
        (Some(l), Some(o)) => q = q.push(" LIMIT ? OFFSET ?").bind(l).bind(o),
        (Some(l), None) => q = q.push(" LIMIT ?").bind(l),
        (None, Some(o)) => q = q.push(" LIMIT ? OFFSET ?").bind(i64::MAX).bind(o),
        (None, None) => {}
    }
    tx.fetch_all(q)
        .await?
        .iter()
        .map(VolumeTypeRow::from_row)
        .collect()
}

/// How many live types there are (`volume_type_destroy` keeps at least one).
pub async fn volume_type_count(tx: &mut Transaction<'_>) -> Result<i64, DbError> {
    tx.fetch_one(sql(
        "SELECT COUNT(*) AS n FROM volume_types WHERE deleted = false",
    ))
    .await?
    .get("n")
}

/// The live extra specs of the given types: type id → key → value.
pub async fn extra_specs_for(
    tx: &mut Transaction<'_>,
    ids: &[String],
) -> Result<BTreeMap<String, BTreeMap<String, Option<String>>>, DbError> {
    let mut out: BTreeMap<String, BTreeMap<String, Option<String>>> = BTreeMap::new();
    for chunk in ids.chunks(500) {
        let q = sql(format!(
            r#"SELECT volume_type_id, "key", value FROM volume_type_extra_specs WHERE deleted = false AND volume_type_id IN ({}) ORDER BY id"#,
            placeholders(chunk.len())
        ))
        .bind_all(chunk.iter().cloned());
        for r in tx.fetch_all(q).await? {
            let type_id: String = r.get("volume_type_id")?;
            let key: Option<String> = r.get("key")?;
            out.entry(type_id)
                .or_default()
                .insert(key.unwrap_or_default(), r.get("value")?);
        }
    }
    Ok(out)
}

/// Names of the given types, deleted ones included (a volume keeps its type's name).
pub async fn names_by_id(
    tx: &mut Transaction<'_>,
    ids: &[String],
) -> Result<BTreeMap<String, String>, DbError> {
    let mut out = BTreeMap::new();
    for chunk in ids.chunks(500) {
        let q = sql(format!(
            "SELECT id, name FROM volume_types WHERE id IN ({})",
            placeholders(chunk.len())
        ))
        .bind_all(chunk.iter().cloned());
        for r in tx.fetch_all(q).await? {
            let name: Option<String> = r.get("name")?;
            out.insert(r.get("id")?, name.unwrap_or_default());
        }
    }
    Ok(out)
}

/// What `volume_type_create` writes.
#[derive(Clone, Debug, Default)]
pub struct NewVolumeType {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub is_public: bool,
    pub extra_specs: BTreeMap<String, Option<String>>,
    pub projects: Vec<String>,
}

/// `volume_type_create`: the row, its extra specs and its access rows (the caller has checked
/// that name and id are free).
pub async fn volume_type_create(
    tx: &mut Transaction<'_>,
    t: &NewVolumeType,
) -> Result<(), DbError> {
    let now = utcnow();
    tx.execute(
        sql(
            "INSERT INTO volume_types (created_at, deleted, id, name, is_public, description) \
             VALUES (?, false, ?, ?, ?, ?)",
        )
        .bind(now)
        .bind(t.id.as_str())
        .bind(t.name.as_str())
        .bind(t.is_public)
        .bind(t.description.clone()),
    )
    .await?;
    for (key, value) in &t.extra_specs {
        insert_extra_spec(tx, &t.id, key, value.as_deref(), now).await?;
    }
    let mut projects = t.projects.clone();
    projects.sort();
    projects.dedup();
    for p in &projects {
        volume_type_access_add(tx, &t.id, p).await?;
    }
    Ok(())
}

async fn insert_extra_spec(
    tx: &mut Transaction<'_>,
    type_id: &str,
    key: &str,
    value: Option<&str>,
    now: PrimitiveDateTime,
) -> Result<(), DbError> {
    tx.execute(
        sql(r#"INSERT INTO volume_type_extra_specs (created_at, deleted, volume_type_id, "key", value) VALUES (?, false, ?, ?, ?)"#)
            .bind(now)
            .bind(type_id)
            .bind(key)
            .bind(value.map(str::to_string)),
    )
    .await?;
    Ok(())
}

/// Whether a live type other than `except_id` is named `name`.
pub async fn volume_type_name_taken(
    tx: &mut Transaction<'_>,
    name: &str,
    except_id: Option<&str>,
) -> Result<bool, DbError> {
    let mut q = sql("SELECT id FROM volume_types WHERE deleted = false AND name = ?").bind(name);
    if let Some(id) = except_id {
        q = q.push(" AND id <> ?").bind(id);
    }
    Ok(tx.fetch_optional(q).await?.is_some())
}

/// `volume_type_update`: the fields given (`None` = unchanged); whether the live row exists.
pub async fn volume_type_update(
    tx: &mut Transaction<'_>,
    id: &str,
    name: Option<&str>,
    description: Option<&str>,
    is_public: Option<bool>,
) -> Result<bool, DbError> {
    let mut q = sql("UPDATE volume_types SET updated_at = ?").bind(utcnow());
    if let Some(n) = name {
        q = q.push(", name = ?").bind(n);
    }
    if let Some(d) = description {
        q = q.push(", description = ?").bind(d);
    }
    if let Some(p) = is_public {
        q = q.push(", is_public = ?").bind(p);
    }
    q = q.push(" WHERE id = ? AND deleted = false").bind(id);
    Ok(tx.execute(q).await? > 0)
}

/// `QUOTAS.update_quota_resource`: the per-type quota resources (`volumes_<name>`,
/// `gigabytes_<name>`, `snapshots_<name>`) follow a renamed type in quotas, quota classes and
/// usages (usages are refreshed on their next reservation).
pub async fn rename_quota_resources(
    tx: &mut Transaction<'_>,
    old_name: &str,
    new_name: &str,
) -> Result<(), DbError> {
    let now = utcnow();
    for quota in ["volumes", "gigabytes", "snapshots"] {
        let old = format!("{quota}_{old_name}");
        let new = format!("{quota}_{new_name}");
        tx.execute(
            sql(
                "UPDATE quota_usages SET resource = ?, until_refresh = 1, updated_at = ? \
                 WHERE resource = ? AND deleted = false",
            )
            .bind(new.as_str())
            .bind(now)
            .bind(old.as_str()),
        )
        .await?;
        for table in ["quota_classes", "quotas"] {
            tx.execute(
                sql(format!(
                    "UPDATE {table} SET resource = ?, updated_at = ? WHERE resource = ? AND deleted = false"
                ))
                .bind(new.as_str())
                .bind(now)
                .bind(old.as_str()),
            )
            .await?;
        }
    }
    Ok(())
}

/// What still uses a type (`volume_type_destroy` refuses then): live volumes, generic groups
/// and consistency groups (whose `volume_type_id` is a comma-separated list).
pub async fn volume_type_in_use(tx: &mut Transaction<'_>, id: &str) -> Result<bool, DbError> {
    let used = tx
        .fetch_optional(
            sql("SELECT id FROM volumes WHERE deleted = false AND volume_type_id = ?").bind(id),
        )
        .await?
        .is_some()
        || tx
            .fetch_optional(
                sql("SELECT id FROM group_volume_type_mapping WHERE deleted = false AND volume_type_id = ?")
                    .bind(id),
            )
            .await?
            .is_some()
        || tx
            .fetch_optional(
                sql("SELECT id FROM consistencygroups WHERE deleted = false AND volume_type_id LIKE ?")
                    .bind(format!("%{id}%")),
            )
            .await?
            .is_some();
    Ok(used)
}

/// Whether live volumes have this type (extra specs of a type in use are frozen).
pub async fn volumes_with_type_exist(tx: &mut Transaction<'_>, id: &str) -> Result<bool, DbError> {
    Ok(tx
        .fetch_optional(
            sql("SELECT id FROM volumes WHERE deleted = false AND volume_type_id = ?").bind(id),
        )
        .await?
        .is_some())
}

/// `volume_type_destroy` (after its checks): soft-deletes the type, its extra specs, its
/// encryption and its access rows, keeping `updated_at`.
pub async fn volume_type_destroy(tx: &mut Transaction<'_>, id: &str) -> Result<(), DbError> {
    let now = utcnow();
    for table in ["volume_types", "volume_type_extra_specs", "encryption"] {
        let column = if table == "volume_types" {
            "id"
        } else {
            "volume_type_id"
        };
        tx.execute(
            sql(format!(
                "UPDATE {table} SET deleted = true, deleted_at = ? WHERE {column} = ? AND deleted = false"
            ))
            .bind(now)
            .bind(id),
        )
        .await?;
    }
    tx.execute(
        sql(
            "UPDATE volume_type_projects SET deleted = id, deleted_at = ? \
             WHERE volume_type_id = ? AND deleted = 0",
        )
        .bind(now)
        .bind(id),
    )
    .await?;
    Ok(())
}

/// `volume_type_access_get_all`: the projects with access to a type.
pub async fn volume_type_access_get_all(
    tx: &mut Transaction<'_>,
    type_id: &str,
) -> Result<Vec<String>, DbError> {
    tx.fetch_all(
        sql(
            "SELECT project_id FROM volume_type_projects WHERE volume_type_id = ? AND deleted = 0 \
             ORDER BY id",
        )
        .bind(type_id),
    )
    .await?
    .iter()
    .map(|r| col::<Option<String>>(r, "project_id").map(Option::unwrap_or_default))
    .collect()
}

/// `volume_type_access_add`: `DbError::Duplicate` when the project already has access.
pub async fn volume_type_access_add(
    tx: &mut Transaction<'_>,
    type_id: &str,
    project_id: &str,
) -> Result<(), DbError> {
    tx.execute(
        sql(
            "INSERT INTO volume_type_projects (created_at, volume_type_id, project_id, deleted) \
             VALUES (?, ?, ?, 0)",
        )
        .bind(utcnow())
        .bind(type_id)
        .bind(project_id),
    )
    .await?;
    Ok(())
}

/// `volume_type_access_remove`: whether there was access to remove.
pub async fn volume_type_access_remove(
    tx: &mut Transaction<'_>,
    type_id: &str,
    project_id: &str,
) -> Result<bool, DbError> {
    let n = tx
        .execute(
            sql(
                "UPDATE volume_type_projects SET deleted = id, deleted_at = ? \
                 WHERE volume_type_id = ? AND project_id = ? AND deleted = 0",
            )
            .bind(utcnow())
            .bind(type_id)
            .bind(project_id),
        )
        .await?;
    Ok(n > 0)
}

/// `volume_type_extra_specs_update_or_create`: each key updated in place or added.
pub async fn extra_specs_update_or_create(
    tx: &mut Transaction<'_>,
    type_id: &str,
    specs: &BTreeMap<String, Option<String>>,
) -> Result<(), DbError> {
    let now = utcnow();
    for (key, value) in specs {
        let updated = tx
            .execute(
                sql(r#"UPDATE volume_type_extra_specs SET value = ?, updated_at = ? WHERE volume_type_id = ? AND "key" = ? AND deleted = false"#)
                    .bind(value.clone())
                    .bind(now)
                    .bind(type_id)
                    .bind(key.as_str()),
            )
            .await?;
        if updated == 0 {
            insert_extra_spec(tx, type_id, key, value.as_deref(), now).await?;
        }
    }
    Ok(())
}

/// `volume_type_extra_specs_delete`: whether the key was there.
pub async fn extra_spec_delete(
    tx: &mut Transaction<'_>,
    type_id: &str,
    key: &str,
) -> Result<bool, DbError> {
    let n = tx
        .execute(
            sql(r#"UPDATE volume_type_extra_specs SET deleted = true, deleted_at = ? WHERE volume_type_id = ? AND "key" = ? AND deleted = false"#)
                .bind(utcnow())
                .bind(type_id)
                .bind(key),
        )
        .await?;
    Ok(n > 0)
}

/// One row of `default_volume_types`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DefaultTypeRow {
    pub project_id: String,
    pub volume_type_id: String,
}

fn default_row(r: &Row) -> Result<DefaultTypeRow, DbError> {
    Ok(DefaultTypeRow {
        project_id: col(r, "project_id")?,
        volume_type_id: col::<Option<String>>(r, "volume_type_id")?.unwrap_or_default(),
    })
}

/// `project_default_volume_type_get` for one project.
pub async fn project_default_get(
    tx: &mut Transaction<'_>,
    project_id: &str,
) -> Result<Option<DefaultTypeRow>, DbError> {
    tx.fetch_optional(
        sql(
            "SELECT project_id, volume_type_id FROM default_volume_types \
             WHERE project_id = ? AND deleted = false",
        )
        .bind(project_id),
    )
    .await?
    .map(|r| default_row(&r))
    .transpose()
}

/// `project_default_volume_type_get` for every project.
pub async fn project_default_get_all(
    tx: &mut Transaction<'_>,
) -> Result<Vec<DefaultTypeRow>, DbError> {
    tx.fetch_all(sql(
        "SELECT project_id, volume_type_id FROM default_volume_types WHERE deleted = false \
         ORDER BY created_at, project_id",
    ))
    .await?
    .iter()
    .map(default_row)
    .collect()
}

/// `project_default_volume_type_set`: updates the project's row or inserts one.
pub async fn project_default_set(
    tx: &mut Transaction<'_>,
    project_id: &str,
    volume_type_id: &str,
) -> Result<(), DbError> {
    let now = utcnow();
    let updated = tx
        .execute(
            sql(
                "UPDATE default_volume_types SET volume_type_id = ?, updated_at = ? \
                 WHERE project_id = ? AND deleted = false",
            )
            .bind(volume_type_id)
            .bind(now)
            .bind(project_id),
        )
        .await?;
    if updated == 0 {
        // A leftover soft-deleted row would hold the primary key.
        tx.execute(sql("DELETE FROM default_volume_types WHERE project_id = ?").bind(project_id))
            .await?;
        tx.execute(
            sql("INSERT INTO default_volume_types (created_at, volume_type_id, project_id, deleted) \
                 VALUES (?, ?, ?, false)")
            .bind(now)
            .bind(volume_type_id)
            .bind(project_id),
        )
        .await?;
    }
    Ok(())
}

/// `project_default_volume_type_unset`: a hard delete.
pub async fn project_default_unset(
    tx: &mut Transaction<'_>,
    project_id: &str,
) -> Result<(), DbError> {
    tx.execute(sql("DELETE FROM default_volume_types WHERE project_id = ?").bind(project_id))
        .await?;
    Ok(())
}

/// `get_all_projects_with_default_type`.
pub async fn projects_with_default_type(
    tx: &mut Transaction<'_>,
    volume_type_id: &str,
) -> Result<Vec<String>, DbError> {
    tx.fetch_all(
        sql(
            "SELECT project_id FROM default_volume_types WHERE volume_type_id = ? \
             AND deleted = false ORDER BY project_id",
        )
        .bind(volume_type_id),
    )
    .await?
    .iter()
    .map(|r| col(r, "project_id"))
    .collect()
}

/// The live row of `encryption` of a type (`volume_type_encryption_get`).
#[derive(Clone, Debug, PartialEq)]
pub struct EncryptionRow {
    pub created_at: Option<PrimitiveDateTime>,
    pub updated_at: Option<PrimitiveDateTime>,
    pub deleted_at: Option<PrimitiveDateTime>,
    pub deleted: bool,
    pub encryption_id: Option<String>,
    pub cipher: Option<String>,
    pub key_size: Option<i64>,
    pub provider: Option<String>,
    pub control_location: Option<String>,
    pub volume_type_id: String,
}

/// `volume_type_encryption_get`.
pub async fn encryption_get(
    tx: &mut Transaction<'_>,
    volume_type_id: &str,
) -> Result<Option<EncryptionRow>, DbError> {
    let row = tx
        .fetch_optional(
            sql(
                "SELECT created_at, updated_at, deleted_at, deleted, encryption_id, cipher, \
                 key_size, provider, control_location, volume_type_id FROM encryption \
                 WHERE volume_type_id = ? AND deleted = false",
            )
            .bind(volume_type_id),
        )
        .await?;
    row.map(|r| {
        Ok(EncryptionRow {
            created_at: col(&r, "created_at")?,
            updated_at: col(&r, "updated_at")?,
            deleted_at: col(&r, "deleted_at")?,
            deleted: col::<Option<bool>>(&r, "deleted")?.unwrap_or(false),
            encryption_id: col(&r, "encryption_id")?,
            cipher: col(&r, "cipher")?,
            key_size: col(&r, "key_size")?,
            provider: col(&r, "provider")?,
            control_location: col(&r, "control_location")?,
            volume_type_id: col(&r, "volume_type_id")?,
        })
    })
    .transpose()
}

/// `volume_type_encryption_delete`: whether there was a live row (kept `updated_at`).
pub async fn encryption_delete(
    tx: &mut Transaction<'_>,
    volume_type_id: &str,
) -> Result<bool, DbError> {
    let n = tx
        .execute(
            sql("UPDATE encryption SET deleted = true, deleted_at = ? \
                 WHERE volume_type_id = ? AND deleted = false")
            .bind(utcnow())
            .bind(volume_type_id),
        )
        .await?;
    Ok(n > 0)
}
