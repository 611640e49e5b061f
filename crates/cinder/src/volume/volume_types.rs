//! Volume types (`cinder/volume/volume_types.py`): looking a type up by id or name as the
//! caller may see it (private types only for admins and the projects given access), the
//! default type (the project's own, 3.62, else `[DEFAULT] default_volume_type`), and creating,
//! renaming, deleting and sharing types with upstream's refusals.
//!
//! Every function takes the caller's transaction, so a volume create can pick its type inside
//! the transaction that writes the volume.

use std::collections::BTreeMap;

use openstack_config::{options, ConfigOpts, Opt};
use openstack_db::{DbError, PrimitiveDateTime, Transaction};
use openstack_service::RequestContext;

use crate::db::api::volume_types::{self as db, NewVolumeType, Visibility, VolumeTypeRow};
use crate::exception::CinderError;

/// The name db sync gives the type it creates (`volume_types.DEFAULT_VOLUME_TYPE`).
pub const DEFAULT_VOLUME_TYPE: &str = "__DEFAULT__";

options! {
    /// The volume type options (`cinder/common/config.py`).
    pub struct VolumeTypeOpts in "DEFAULT" {
        /// The type of volumes created without one (unless the project has its own default).
        default_volume_type: String = Opt::str().default(DEFAULT_VOLUME_TYPE).required()
            .help("Default volume type to use"),
    }
}

/// `CONF.default_volume_type`.
pub fn default_volume_type(conf: &ConfigOpts) -> Result<String, CinderError> {
    conf.load::<VolumeTypeOpts>()
        .map(|o| o.default_volume_type)
        .map_err(|e| CinderError::Internal(e.to_string()))
}

/// A volume type with its extra specs.
#[derive(Clone, Debug, PartialEq)]
pub struct VolumeType {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub is_public: bool,
    pub qos_specs_id: Option<String>,
    /// Extra specs; a value may be null, as upstream stores it.
    pub extra_specs: BTreeMap<String, Option<String>>,
    pub created_at: Option<PrimitiveDateTime>,
    pub updated_at: Option<PrimitiveDateTime>,
    pub deleted_at: Option<PrimitiveDateTime>,
    pub deleted: bool,
}

impl VolumeType {
    fn from_row(row: VolumeTypeRow, extra_specs: BTreeMap<String, Option<String>>) -> VolumeType {
        VolumeType {
            id: row.id,
            name: row.name.unwrap_or_default(),
            description: row.description,
            is_public: row.is_public,
            qos_specs_id: row.qos_specs_id,
            extra_specs,
            created_at: row.created_at,
            updated_at: row.updated_at,
            deleted_at: row.deleted_at,
            deleted: row.deleted,
        }
    }

    /// The value of an extra spec, when set and not null.
    pub fn extra_spec(&self, key: &str) -> Option<&str> {
        self.extra_specs.get(key).and_then(Option::as_deref)
    }
}

/// Which types `ctx` sees.
pub fn visibility(ctx: &RequestContext) -> Visibility<'_> {
    if ctx.is_admin {
        Visibility::All
    } else {
        Visibility::Project(ctx.project_id.as_deref())
    }
}

/// Rows with their extra specs.
pub async fn with_extra_specs(
    tx: &mut Transaction<'_>,
    rows: Vec<VolumeTypeRow>,
) -> Result<Vec<VolumeType>, DbError> {
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let mut specs = db::extra_specs_for(tx, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let s = specs.remove(&r.id).unwrap_or_default();
            VolumeType::from_row(r, s)
        })
        .collect())
}

async fn one(
    tx: &mut Transaction<'_>,
    row: Option<VolumeTypeRow>,
) -> Result<Option<VolumeType>, DbError> {
    match row {
        Some(r) => Ok(with_extra_specs(tx, vec![r]).await?.pop()),
        None => Ok(None),
    }
}

/// A type by id, whoever may see it; with `include_deleted` a deleted type too (a volume's
/// view keeps showing its type after the type is gone).
pub async fn get_by_id(
    tx: &mut Transaction<'_>,
    id: &str,
    include_deleted: bool,
) -> Result<Option<VolumeType>, CinderError> {
    let row = db::volume_type_get(tx, id, Visibility::All, include_deleted).await?;
    Ok(one(tx, row).await?)
}

/// `get_volume_type`: a live type by id as `ctx` may see it, else `VolumeTypeNotFound`.
pub async fn get(
    tx: &mut Transaction<'_>,
    ctx: &RequestContext,
    id: &str,
) -> Result<VolumeType, CinderError> {
    let row = db::volume_type_get(tx, id, visibility(ctx), false).await?;
    one(tx, row)
        .await?
        .ok_or_else(|| CinderError::VolumeTypeNotFound(id.to_string()))
}

/// `get_volume_type_by_name`: a live type by name as `ctx` may see it, else
/// `VolumeTypeNotFoundByName`.
pub async fn get_by_name(
    tx: &mut Transaction<'_>,
    ctx: &RequestContext,
    name: &str,
) -> Result<VolumeType, CinderError> {
    let row = db::volume_type_get_by_name(tx, name, visibility(ctx)).await?;
    one(tx, row)
        .await?
        .ok_or_else(|| CinderError::VolumeTypeNotFoundByName(name.to_string()))
}

/// `get_by_name_or_id`: a UUID-like identity is an id first, then a name (a type may be named
/// like a UUID); anything else is a name.
pub async fn get_by_name_or_id(
    tx: &mut Transaction<'_>,
    ctx: &RequestContext,
    name_or_id: &str,
) -> Result<VolumeType, CinderError> {
    if is_uuid_like(name_or_id) {
        return match get(tx, ctx, name_or_id).await {
            Err(CinderError::VolumeTypeNotFound(_)) => {
                get_by_name(tx, ctx, name_or_id).await.map_err(|e| match e {
                    CinderError::VolumeTypeNotFoundByName(_) => {
                        CinderError::VolumeTypeNotFound(name_or_id.to_string())
                    }
                    other => other,
                })
            }
            other => other,
        };
    }
    get_by_name(tx, ctx, name_or_id).await
}

/// `get_default_volume_type`: the project's default type (3.62) if it has one, else the type
/// named by `[DEFAULT] default_volume_type`; a configured name that does not exist is
/// `VolumeTypeDefaultMisconfiguredError`.
pub async fn get_default_volume_type(
    tx: &mut Transaction<'_>,
    default_volume_type: &str,
    project_id: Option<&str>,
) -> Result<VolumeType, CinderError> {
    if let Some(project) = project_id {
        if let Some(default) = db::project_default_get(tx, project).await? {
            return get_by_id(tx, &default.volume_type_id, false)
                .await?
                .ok_or(CinderError::VolumeTypeNotFound(default.volume_type_id));
        }
    }
    let row = db::volume_type_get_by_name(tx, default_volume_type, Visibility::All).await?;
    match one(tx, row).await? {
        Some(t) => Ok(t),
        None => {
            tracing::error!(
                "Default volume type is not found. Please check default_volume_type config: \
                 no volume type named {default_volume_type:?}"
            );
            Err(CinderError::VolumeTypeDefaultMisconfigured(
                default_volume_type.to_string(),
            ))
        }
    }
}

/// Type names by id, deleted types included, for list views.
pub async fn names_by_id(
    tx: &mut Transaction<'_>,
    ids: &[String],
) -> Result<BTreeMap<String, String>, CinderError> {
    let mut unique: Vec<String> = ids.to_vec();
    unique.sort();
    unique.dedup();
    Ok(db::names_by_id(tx, &unique).await?)
}

/// `volume_types.create`: a new type; `VolumeTypeExists` when a live type has the name.
pub async fn create(
    tx: &mut Transaction<'_>,
    new: NewVolumeType,
) -> Result<VolumeType, CinderError> {
    if db::volume_type_name_taken(tx, &new.name, None).await? {
        return Err(CinderError::VolumeTypeExists(new.name));
    }
    if db::volume_type_get(tx, &new.id, Visibility::All, false)
        .await?
        .is_some()
    {
        return Err(CinderError::VolumeTypeExists(new.id));
    }
    db::volume_type_create(tx, &new).await?;
    get_by_id(tx, &new.id, false)
        .await?
        .ok_or(CinderError::VolumeTypeNotFound(new.id))
}

/// `volume_types.update`: the fields given (`None` = unchanged). A new name must be free; the
/// per-type quota resources follow the name.
pub async fn update(
    tx: &mut Transaction<'_>,
    id: &str,
    name: Option<&str>,
    description: Option<&str>,
    is_public: Option<bool>,
) -> Result<(), CinderError> {
    let old = get_by_id(tx, id, false)
        .await?
        .ok_or_else(|| CinderError::VolumeTypeNotFound(id.to_string()))?;
    if let Some(n) = name {
        if db::volume_type_name_taken(tx, n, Some(id)).await? {
            return Err(CinderError::VolumeTypeExists(n.to_string()));
        }
    }
    if !db::volume_type_update(tx, id, name, description, is_public).await? {
        return Err(CinderError::VolumeTypeNotFound(id.to_string()));
    }
    if let Some(n) = name.filter(|n| !n.is_empty() && *n != old.name) {
        db::rename_quota_resources(tx, &old.name, n).await?;
    }
    Ok(())
}

/// `volume_types.destroy`: refused for a project's default type, the configured default, the
/// last type, and a type still used by volumes or groups.
pub async fn destroy(
    tx: &mut Transaction<'_>,
    id: &str,
    default_volume_type: &str,
) -> Result<(), CinderError> {
    let projects = db::projects_with_default_type(tx, id).await?;
    if !projects.is_empty() {
        tracing::error!(
            "Default type with {id} is associated with projects {}",
            projects.join(", ")
        );
        return Err(CinderError::VolumeTypeDefaultDeletionError(id.to_string()));
    }
    let default = get_default_volume_type(tx, default_volume_type, None).await?;
    if default.id == id {
        return Err(CinderError::VolumeTypeDefaultDeletionError(id.to_string()));
    }
    if db::volume_type_count(tx).await? <= 1 {
        return Err(CinderError::VolumeTypeDeletionError(id.to_string()));
    }
    if db::volume_type_get(tx, id, Visibility::All, false)
        .await?
        .is_none()
    {
        return Err(CinderError::VolumeTypeNotFound(id.to_string()));
    }
    if db::volume_type_in_use(tx, id).await? {
        tracing::error!("VolumeType {id} deletion failed, VolumeType in use.");
        return Err(CinderError::VolumeTypeInUse(id.to_string()));
    }
    db::volume_type_destroy(tx, id).await?;
    Ok(())
}

/// The private type `id` (live), else `VolumeTypeNotFound`; a public one is
/// `InvalidVolumeType` (access lists are for private types).
async fn private_type(tx: &mut Transaction<'_>, id: &str) -> Result<VolumeTypeRow, CinderError> {
    let row = db::volume_type_get(tx, id, Visibility::All, false)
        .await?
        .ok_or_else(|| CinderError::VolumeTypeNotFound(id.to_string()))?;
    if row.is_public {
        return Err(CinderError::InvalidVolumeType(
            "Type access modification is not applicable to public volume type.".into(),
        ));
    }
    Ok(row)
}

/// `add_volume_type_access`: `VolumeTypeAccessExists` when the project has access already.
pub async fn add_volume_type_access(
    tx: &mut Transaction<'_>,
    id: &str,
    project_id: &str,
) -> Result<(), CinderError> {
    let row = private_type(tx, id).await?;
    match db::volume_type_access_add(tx, &row.id, project_id).await {
        Err(DbError::Duplicate { .. }) => Err(CinderError::VolumeTypeAccessExists {
            volume_type_id: id.to_string(),
            project_id: project_id.to_string(),
        }),
        other => Ok(other?),
    }
}

/// `remove_volume_type_access`: `VolumeTypeAccessNotFound` when the project had no access.
pub async fn remove_volume_type_access(
    tx: &mut Transaction<'_>,
    id: &str,
    project_id: &str,
) -> Result<(), CinderError> {
    let row = private_type(tx, id).await?;
    if !db::volume_type_access_remove(tx, &row.id, project_id).await? {
        return Err(CinderError::VolumeTypeAccessNotFound {
            volume_type_id: id.to_string(),
            project_id: project_id.to_string(),
        });
    }
    Ok(())
}

/// `uuidutils.is_uuid_like`: 32 hex digits once hyphens, braces and a `urn:uuid:` prefix
/// are taken away.
pub fn is_uuid_like(s: &str) -> bool {
    let hex = s
        .replace("urn:", "")
        .replace("uuid:", "")
        .trim_matches(|c| c == '{' || c == '}')
        .replace('-', "");
    hex.len() == 32 && hex.chars().all(|c| c.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests;
