//! `cinder/volume/api.py` for volumes: policy, quota, the database rows, and the hand-over to
//! the scheduler (the RPC layer is the next issue: until a scheduler consumes the request a
//! new volume stays `creating`, exactly as upstream's API alone leaves it).
//!
//! Every write runs in one database transaction with its quota change, so a failed create
//! never leaks quota and a delete gives back exactly what the volume held.

use std::collections::BTreeMap;

use openstack_db::{Transaction, Value};
use openstack_service::policy::Target;
use openstack_service::RequestContext;

use crate::api::v3::state::{write, ApiState};
use crate::db::api::pagination::SortKey;
use crate::db::api::volumes::{self as db, NewVolume, Set, VolumeFilters, VolumeRow};
use crate::exception::CinderError;
use crate::policies::volumes as policy;
use crate::volume::volume_types::{self, VolumeType};

/// What a caller asks for in a volume create (after schema validation).
#[derive(Clone, Debug, Default)]
pub struct CreateRequest {
    pub size: Option<i64>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub volume_type: Option<String>,
    pub availability_zone: Option<String>,
    pub metadata: BTreeMap<String, String>,
    pub snapshot_id: Option<String>,
    pub source_volid: Option<String>,
    pub multiattach: bool,
    pub group_id: Option<String>,
}

/// What a volume created from a snapshot takes from it.
struct SourceSnapshot {
    status: String,
    volume_size: i64,
    volume_type_id: String,
    volume_id: String,
}

/// The policy target of a volume (`target_obj=volume`).
pub fn target(v: &VolumeRow) -> Target {
    let mut t = Target::new();
    if let Some(p) = &v.project_id {
        t = t.with("project_id", p.as_str());
    }
    if let Some(u) = &v.user_id {
        t = t.with("user_id", u.as_str());
    }
    t.with("id", v.id.as_str())
}

/// The target of a request acting in the caller's project.
pub fn project_target(ctx: &RequestContext) -> Target {
    Target::from_context(ctx)
}

/// Which project's rows a caller may read: its own, or any for an admin.
fn project_scope(ctx: &RequestContext) -> Option<&str> {
    if ctx.is_admin {
        None
    } else {
        ctx.project_id.as_deref()
    }
}

/// `volume_api.get`: 404 when missing or in another project (non-admins), then policy.
pub async fn get(
    state: &ApiState,
    ctx: &RequestContext,
    id: &str,
) -> Result<VolumeRow, CinderError> {
    let db = state.db().await?;
    let scope = project_scope(ctx).map(str::to_string);
    let id_owned = id.to_string();
    let row = db
        .read(|tx| {
            let (id, scope) = (id_owned.clone(), scope.clone());
            Box::pin(async move { db::volume_get(tx, &id, scope.as_deref()).await })
        })
        .await?
        .ok_or_else(|| CinderError::VolumeNotFound(id.to_string()))?;
    state.authorize(ctx, policy::GET_POLICY, &target(&row))?;
    Ok(row)
}

/// One page of a volume list and what its view needs.
pub struct Page {
    pub volumes: Vec<VolumeRow>,
    pub metadata: BTreeMap<String, BTreeMap<String, String>>,
    pub admin_metadata: BTreeMap<String, BTreeMap<String, String>>,
    pub type_names: BTreeMap<String, String>,
    pub count: Option<i64>,
}

/// What a list asks for.
#[derive(Clone, Debug, Default)]
pub struct ListQuery {
    pub filters: VolumeFilters,
    pub sort: Vec<SortKey>,
    pub marker: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
    pub with_count: bool,
}

/// `volume_api.get_all`.
pub async fn get_all(
    state: &ApiState,
    ctx: &RequestContext,
    q: ListQuery,
) -> Result<Page, CinderError> {
    state.authorize(ctx, policy::GET_ALL_POLICY, &project_target(ctx))?;
    let ListQuery {
        filters,
        sort,
        marker,
        limit,
        offset,
        with_count,
    } = q;
    let db = state.db().await?;
    let page = db
        .read(|tx| {
            let (filters, sort, marker) = (filters.clone(), sort.clone(), marker.clone());
            Box::pin(async move {
                let marker_row = match &marker {
                    Some(m) => match db::volume_get(tx, m, filters.project_id.as_deref()).await? {
                        Some(r) => Some(r),
                        None => {
                            return Ok(Err(CinderError::InvalidInput(format!(
                                "marker [{m}] not found"
                            ))))
                        }
                    },
                    None => None,
                };
                let volumes =
                    db::volume_get_all(tx, &filters, &sort, marker_row.as_ref(), limit, offset)
                        .await?;
                let ids: Vec<String> = volumes.iter().map(|v| v.id.clone()).collect();
                let metadata = db::metadata_for(tx, "volume_metadata", &ids).await?;
                let admin_metadata = db::metadata_for(tx, "volume_admin_metadata", &ids).await?;
                let type_ids: Vec<String> =
                    volumes.iter().map(|v| v.volume_type_id.clone()).collect();
                let type_names = volume_types::names_by_id(tx, &type_ids).await;
                let count = if with_count {
                    Some(db::volume_count(tx, &filters).await?)
                } else {
                    None
                };
                Ok(Ok((volumes, metadata, admin_metadata, type_names, count)))
            })
        })
        .await??;
    let (volumes, metadata, admin_metadata, type_names, count) = page;
    Ok(Page {
        volumes,
        metadata,
        admin_metadata,
        type_names: type_names?,
        count,
    })
}

/// The rows a detail view of one volume needs.
pub struct Detail {
    pub volume: VolumeRow,
    pub metadata: BTreeMap<String, String>,
    pub admin_metadata: BTreeMap<String, String>,
    pub type_name: Option<String>,
}

/// Loads what the detail view of `volume` shows.
pub async fn detail(state: &ApiState, volume: VolumeRow) -> Result<Detail, CinderError> {
    let db = state.db().await?;
    let id = volume.id.clone();
    let type_id = volume.volume_type_id.clone();
    let (metadata, admin_metadata, names) = db
        .read(|tx| {
            let (id, type_id) = (id.clone(), type_id.clone());
            Box::pin(async move {
                let md = db::metadata_for(tx, "volume_metadata", std::slice::from_ref(&id)).await?;
                let admin =
                    db::metadata_for(tx, "volume_admin_metadata", std::slice::from_ref(&id))
                        .await?;
                Ok((md, admin, volume_types::names_by_id(tx, &[type_id]).await))
            })
        })
        .await?;
    let type_name = names?.remove(&volume.volume_type_id);
    Ok(Detail {
        metadata: metadata.get(&volume.id).cloned().unwrap_or_default(),
        admin_metadata: admin_metadata.get(&volume.id).cloned().unwrap_or_default(),
        type_name,
        volume,
    })
}

/// `volume_api.create`: validates the request against the database, charges the quota and
/// writes the volume, all in one transaction.
pub async fn create(
    state: &ApiState,
    ctx: &RequestContext,
    req: CreateRequest,
) -> Result<VolumeRow, CinderError> {
    state.authorize(ctx, policy::CREATE_POLICY, &project_target(ctx))?;
    if req.multiattach {
        state.authorize(ctx, policy::MULTIATTACH_POLICY, &project_target(ctx))?;
    }
    let project_id = ctx
        .project_id
        .clone()
        .ok_or_else(|| CinderError::Internal("request context has no project".into()))?;
    let db = state.db().await?;
    let id = uuid::Uuid::new_v4().to_string();
    let opts = &state.opts;
    let default_type = state
        .conf
        .get_as::<String>("DEFAULT", "default_volume_type")
        .unwrap_or_else(|_| "__DEFAULT__".to_string());
    // A refusal (bad source, over quota) rolls the transaction back: nothing was written.
    let row = write(db, |tx| {
        let (req, id, project_id, default_type) = (
            req.clone(),
            id.clone(),
            project_id.clone(),
            default_type.clone(),
        );
        Box::pin(create_in(
            tx,
            state,
            ctx,
            opts,
            req,
            id,
            project_id,
            default_type,
        ))
    })
    .await?;
    tracing::info!("Create volume request issued successfully.");
    Ok(row)
}

#[allow(clippy::too_many_arguments)]
async fn create_in(
    tx: &mut Transaction<'_>,
    state: &ApiState,
    ctx: &RequestContext,
    opts: &crate::common::config::CinderOpts,
    req: CreateRequest,
    id: String,
    project_id: String,
    default_type: String,
) -> Result<VolumeRow, CinderError> {
    let scope = project_scope(ctx).map(str::to_string);
    // Sources: a snapshot or a volume the caller can see.
    let source_volume = match &req.source_volid {
        Some(src) => Some(
            db::volume_get(tx, src, scope.as_deref())
                .await?
                .ok_or_else(|| CinderError::VolumeNotFound(src.clone()))?,
        ),
        None => None,
    };
    // A source snapshot the caller can see: its status, size, type and volume.
    let snapshot = match &req.snapshot_id {
        Some(snap) => {
            let mut q = openstack_db::sql(
                "SELECT status, volume_size, volume_type_id, volume_id FROM snapshots \
                 WHERE id = ? AND deleted = false",
            )
            .bind(snap.as_str());
            if let Some(p) = scope.as_deref() {
                q = q.push(" AND project_id = ?").bind(p);
            }
            let row = tx
                .fetch_optional(q)
                .await?
                .ok_or_else(|| CinderError::SnapshotNotFound(snap.clone()))?;
            Some(SourceSnapshot {
                status: row.get::<Option<String>>("status")?.unwrap_or_default(),
                volume_size: row.get::<Option<i64>>("volume_size")?.unwrap_or(0),
                volume_type_id: row.get("volume_type_id")?,
                volume_id: row.get("volume_id")?,
            })
        }
        None => None,
    };
    if let Some(snap) = &snapshot {
        if snap.status != "available" {
            return Err(CinderError::InvalidSnapshot(
                "Originating snapshot status must be one of 'available' values".into(),
            ));
        }
    }
    if let Some(src) = &source_volume {
        let status = src.status.as_deref().unwrap_or("");
        if !matches!(status, "available" | "in-use") {
            return Err(CinderError::InvalidVolume(
                "Originating source volume status must be one of 'available, in-use' values".into(),
            ));
        }
    }
    let snapshot_volume = match &snapshot {
        Some(s) => db::volume_get(tx, &s.volume_id, None).await?,
        None => None,
    };
    let size = match (req.size, &snapshot, &source_volume) {
        (Some(s), _, _) => s,
        (None, Some(snap), _) => snap.volume_size,
        (None, None, Some(src)) => src.size.unwrap_or(0),
        (None, None, None) => {
            return Err(CinderError::InvalidInput(
                "Volume size 'None' must be an integer and greater than 0".into(),
            ))
        }
    };
    if size <= 0 {
        return Err(CinderError::InvalidInput(format!(
            "Volume size '{size}' must be an integer and greater than 0"
        )));
    }
    if let Some(snap) = &snapshot {
        if size < snap.volume_size {
            return Err(CinderError::InvalidInput(format!(
                "Volume size '{size}'GB cannot be smaller than the snapshot size {}GB. They must be >= original snapshot size.",
                snap.volume_size
            )));
        }
    }
    if let Some(src) = &source_volume {
        if size < src.size.unwrap_or(0) {
            return Err(CinderError::InvalidInput(format!(
                "Volume size '{size}'GB cannot be smaller than original volume size  {}GB. They must be >= original volume size.",
                src.size.unwrap_or(0)
            )));
        }
    }
    // The type: as asked, else the source's, else the project's or configured default.
    let source_type = snapshot
        .as_ref()
        .map(|s| s.volume_type_id.clone())
        .or_else(|| source_volume.as_ref().map(|s| s.volume_type_id.clone()));
    let vtype: VolumeType = match (&req.volume_type, &source_type) {
        (Some(t), _) => volume_types::get_by_name_or_id(tx, ctx, t).await?,
        (None, Some(type_id)) => volume_types::get_by_id(tx, type_id, false)
            .await?
            .ok_or_else(|| CinderError::VolumeTypeNotFound(type_id.clone()))?,
        (None, None) => {
            volume_types::get_default_volume_type(tx, &default_type, Some(&project_id)).await?
        }
    };
    // The availability zone (`_extract_availability_zones`).
    let azs = known_availability_zones(tx, opts).await?;
    let mut az = req
        .availability_zone
        .clone()
        .or_else(|| {
            source_volume
                .as_ref()
                .and_then(|s| s.availability_zone.clone())
        })
        .unwrap_or_else(|| {
            opts.default_availability_zone
                .clone()
                .unwrap_or_else(|| opts.storage_availability_zone.clone())
        });
    if !azs.contains(&az) {
        if opts.allow_availability_zone_fallback {
            let fallback = opts
                .default_availability_zone
                .clone()
                .unwrap_or_else(|| opts.storage_availability_zone.clone());
            tracing::warn!("Availability zone '{az}' not found, falling back to '{fallback}'.");
            az = fallback;
        } else {
            return Err(CinderError::InvalidAvailabilityZone(az));
        }
    }
    // Quota: volumes, gigabytes and their per-type counterparts.
    let deltas = state.quotas.volume_deltas(size, Some(&vtype.name));
    state
        .quotas
        .check_per_volume_size(tx, &project_id, size)
        .await?;
    state.quotas.consume(tx, &project_id, &deltas).await?;
    let new = NewVolume {
        id: id.clone(),
        user_id: ctx.user_id.clone(),
        project_id: Some(project_id.clone()),
        size,
        availability_zone: Some(az),
        display_name: req.name.clone(),
        display_description: req.description.clone(),
        snapshot_id: req.snapshot_id.clone(),
        source_volid: req.source_volid.clone(),
        volume_type_id: vtype.id.clone(),
        bootable: snapshot_volume
            .as_ref()
            .or(source_volume.as_ref())
            .and_then(|s| s.bootable)
            .unwrap_or(false),
        multiattach: req.multiattach,
        group_id: req.group_id.clone(),
        consistencygroup_id: None,
        metadata: req.metadata.clone(),
    };
    db::volume_create(tx, &new).await?;
    db::volume_get(tx, &id, None)
        .await?
        .ok_or_else(|| CinderError::Internal("volume row vanished after insert".into()))
}

/// The availability zones a volume may be created in: those of the volume services, plus
/// `storage_availability_zone`.
async fn known_availability_zones(
    tx: &mut Transaction<'_>,
    opts: &crate::common::config::CinderOpts,
) -> Result<Vec<String>, CinderError> {
    let rows = tx
        .fetch_all(openstack_db::sql(
            "SELECT DISTINCT availability_zone FROM services WHERE deleted = false AND topic = 'cinder-volume'",
        ))
        .await?;
    let mut azs: Vec<String> = rows
        .iter()
        .filter_map(|r| r.get::<Option<String>>("availability_zone").ok().flatten())
        .collect();
    azs.push(opts.storage_availability_zone.clone());
    Ok(azs)
}

/// `volume_api.update`: name, description, metadata.
pub async fn update(
    state: &ApiState,
    ctx: &RequestContext,
    volume: &VolumeRow,
    name: Option<Option<String>>,
    description: Option<Option<String>>,
    metadata: Option<BTreeMap<String, String>>,
) -> Result<VolumeRow, CinderError> {
    state.authorize(ctx, policy::UPDATE_POLICY, &target(volume))?;
    let db = state.db().await?;
    let id = volume.id.clone();
    db.write(|tx| {
        let (id, name, description, metadata) = (
            id.clone(),
            name.clone(),
            description.clone(),
            metadata.clone(),
        );
        Box::pin(async move {
            let mut sets = Vec::new();
            if let Some(n) = name {
                sets.push(Set("display_name", Value::from(n)));
            }
            if let Some(d) = description {
                sets.push(Set("display_description", Value::from(d)));
            }
            db::volume_update(tx, &id, &sets).await?;
            if let Some(md) = metadata {
                db::metadata_update(tx, &id, &md, true).await?;
            }
            db::volume_get(tx, &id, None).await
        })
    })
    .await?
    .ok_or_else(|| CinderError::VolumeNotFound(volume.id.clone()))
}

/// `volume_api.delete`. A volume no backend holds yet is removed at once and its quota
/// given back; otherwise it becomes `deleting` for its volume service.
pub async fn delete(
    state: &ApiState,
    ctx: &RequestContext,
    volume: &VolumeRow,
    cascade: bool,
    force: bool,
) -> Result<(), CinderError> {
    state.authorize(ctx, policy::DELETE_POLICY, &target(volume))?;
    if force {
        state.authorize(ctx, policy::FORCE_DELETE_POLICY, &target(volume))?;
    }
    let project_id = volume
        .project_id
        .clone()
        .or_else(|| ctx.project_id.clone())
        .unwrap_or_default();
    let db = state.db().await?;
    let vol = volume.clone();
    write(db, |tx| {
        let (vol, project_id) = (vol.clone(), project_id.clone());
        Box::pin(delete_in(tx, state, vol, project_id, cascade, force))
    })
    .await?;
    tracing::info!("Delete volume request issued successfully.");
    Ok(())
}

async fn delete_in(
    tx: &mut Transaction<'_>,
    state: &ApiState,
    vol: VolumeRow,
    project_id: String,
    cascade: bool,
    force: bool,
) -> Result<(), CinderError> {
    if vol.host.is_none() {
        if vol.status.as_deref() != Some("error_managing") && vol.use_quota {
            let type_name = volume_types::get_by_id(tx, &vol.volume_type_id, true)
                .await?
                .map(|t| t.name);
            let deltas = state
                .quotas
                .volume_deltas(vol.size.unwrap_or(0), type_name.as_deref());
            state.quotas.release(tx, &project_id, &deltas).await?;
        }
        db::volume_destroy(tx, &vol.id).await?;
        return Ok(());
    }
    let has_snapshots = tx
        .fetch_optional(
            openstack_db::sql("SELECT id FROM snapshots WHERE volume_id = ? AND deleted = false")
                .bind(vol.id.as_str()),
        )
        .await?
        .is_some();
    let attached = vol.attach_status.as_deref() == Some("attached");
    let migrating = !matches!(
        vol.migration_status.as_deref(),
        None | Some("success") | Some("error")
    );
    let status_ok = force
        || matches!(
            vol.status.as_deref(),
            Some("available" | "error" | "error_restoring" | "error_extending" | "error_managing")
        );
    if !status_ok
        || attached
        || migrating
        || vol.group_id.is_some()
        || vol.consistencygroup_id.is_some()
        || (has_snapshots && !cascade)
    {
        let status = if force {
            String::new()
        } else {
            "status must be available or error or error_restoring or error_extending or error_managing and "
                .to_string()
        };
        return Err(CinderError::InvalidVolume(format!(
            "Volume {status}must not be migrating, attached, belong to a group, have snapshots, \
             awaiting a transfer, or be disassociated from snapshots after volume transfer."
        )));
    }
    let new_status = if vol.status.as_deref() == Some("error_managing") {
        "error_managing_deleting"
    } else {
        "deleting"
    };
    db::volume_update(
        tx,
        &vol.id,
        &[
            Set("status", Value::from(new_status)),
            Set("terminated_at", Value::from(openstack_db::utcnow())),
        ],
    )
    .await?;
    if cascade {
        tx.execute(
            openstack_db::sql(
                "UPDATE snapshots SET status = 'deleting', updated_at = ? WHERE volume_id = ? AND deleted = false",
            )
            .bind(openstack_db::utcnow())
            .bind(vol.id.as_str()),
        )
        .await?;
    }
    Ok(())
}
