//! `cinder/volume/api.py` for snapshots (`get_snapshot`, `get_all_snapshots`,
//! `create_snapshot(_force)` with `create_snapshot_in_db`, `update_snapshot`,
//! `delete_snapshot`, the snapshot metadata calls) and the state changes of the snapshot
//! actions (`os-reset_status`, `os-update_snapshot_status`): policy, quota and rows, each
//! write in one transaction with its quota change.
//!
//! Until a volume service consumes the request (the RPC layer is the next issue), a new
//! snapshot stays `creating` and a deleted one `deleting`, as upstream's API alone leaves them.
//! One addition: deleting a snapshot whose volume no backend holds (no `host`) removes it at
//! once and gives its quota back, as a volume delete does — there is no service to ask.

use std::collections::BTreeMap;

use openstack_db::{Transaction, Value};
use openstack_service::policy::Target;
use openstack_service::RequestContext;

use crate::api::v3::state::{write, ApiState};
use crate::db::api::pagination::SortKey;
use crate::db::api::snapshots::{self as db, NewSnapshot, Set, SnapshotFilters, SnapshotRow};
use crate::db::api::volumes::{self as volumes_db, VolumeRow};
use crate::exception::CinderError;
use crate::policies::snapshot_actions as action_policy;
use crate::policies::snapshot_metadata as metadata_policy;
use crate::policies::snapshots as policy;
use crate::volume::volume_types;

/// Migration statuses that mean "not migrating" (`AVAILABLE_MIGRATION_STATUS`).
const NOT_MIGRATING: [&str; 3] = ["deleting", "error", "success"];

/// The policy target of a snapshot (`target_obj=snapshot`).
pub fn target(s: &SnapshotRow) -> Target {
    let mut t = Target::new();
    if let Some(p) = &s.project_id {
        t = t.with("project_id", p.as_str());
    }
    if let Some(u) = &s.user_id {
        t = t.with("user_id", u.as_str());
    }
    t.with("id", s.id.as_str())
}

/// Which project's rows a caller may read: its own, or any for an admin (`project_only`).
fn project_scope(ctx: &RequestContext) -> Option<String> {
    if ctx.is_admin {
        None
    } else {
        ctx.project_id.clone()
    }
}

/// `Snapshot.get_by_id`: 404 when missing or in another project (non-admins); no policy.
pub async fn get_by_id(
    state: &ApiState,
    ctx: &RequestContext,
    id: &str,
) -> Result<SnapshotRow, CinderError> {
    let db = state.db().await?;
    let scope = project_scope(ctx);
    let id_owned = id.to_string();
    db.read(|tx| {
        let (id, scope) = (id_owned.clone(), scope.clone());
        Box::pin(async move { db::snapshot_get(tx, &id, scope.as_deref()).await })
    })
    .await?
    .ok_or_else(|| CinderError::SnapshotNotFound(id.to_string()))
}

/// `volume_api.get_snapshot`: [`get_by_id`], then the `get_snapshot` policy.
pub async fn get(
    state: &ApiState,
    ctx: &RequestContext,
    id: &str,
) -> Result<SnapshotRow, CinderError> {
    let row = get_by_id(state, ctx, id).await?;
    state.authorize(ctx, policy::GET_POLICY, &target(&row))?;
    Ok(row)
}

/// Whether the caller sees `os-extended-snapshot-attributes:*` (`fatal=False` check).
pub fn shows_extended_attributes(state: &ApiState, ctx: &RequestContext) -> bool {
    state
        .authorize(ctx, policy::EXTEND_ATTRIBUTE, &Target::from_context(ctx))
        .is_ok()
}

/// What a list asks for.
#[derive(Clone, Debug, Default)]
pub struct ListQuery {
    pub filters: SnapshotFilters,
    pub sort: Vec<SortKey>,
    pub marker: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
    pub with_count: bool,
}

/// One page of a snapshot list and the metadata its view shows.
pub struct Page {
    pub snapshots: Vec<SnapshotRow>,
    pub metadata: BTreeMap<String, BTreeMap<String, String>>,
    pub count: Option<i64>,
}

/// `volume_api.get_all_snapshots` (+ `calculate_resource_count` for `with_count`).
pub async fn get_all(
    state: &ApiState,
    ctx: &RequestContext,
    q: ListQuery,
) -> Result<Page, CinderError> {
    state.authorize(ctx, policy::GET_ALL_POLICY, &Target::from_context(ctx))?;
    let scope = project_scope(ctx);
    let db = state.db().await?;
    db.read(|tx| {
        let (q, scope) = (q.clone(), scope.clone());
        Box::pin(async move {
            let marker = match &q.marker {
                Some(m) => match db::snapshot_get(tx, m, scope.as_deref()).await? {
                    Some(row) => Some(row),
                    None => return Ok(Err(CinderError::SnapshotNotFound(m.clone()))),
                },
                None => None,
            };
            let snapshots =
                db::snapshot_get_all(tx, &q.filters, &q.sort, marker.as_ref(), q.limit, q.offset)
                    .await?;
            let ids: Vec<String> = snapshots.iter().map(|s| s.id.clone()).collect();
            let metadata = db::metadata_for(tx, &ids).await?;
            let count = if q.with_count {
                Some(db::snapshot_count(tx, &q.filters).await?)
            } else {
                None
            };
            Ok(Ok(Page {
                snapshots,
                metadata,
                count,
            }))
        })
    })
    .await?
}

/// The metadata of one snapshot (for its view).
pub async fn metadata_of(
    state: &ApiState,
    snapshot_id: &str,
) -> Result<BTreeMap<String, String>, CinderError> {
    let db = state.db().await?;
    let id = snapshot_id.to_string();
    Ok(db
        .read(|tx| {
            let id = id.clone();
            Box::pin(async move { db::metadata_get(tx, &id).await })
        })
        .await?)
}

/// What a caller asks for in a snapshot create (after schema validation).
#[derive(Clone, Debug, Default)]
pub struct CreateRequest {
    pub name: Option<String>,
    pub description: Option<String>,
    pub metadata: BTreeMap<String, String>,
    /// `force=True`: an `in-use` volume may be snapshotted (`create_snapshot_force`).
    pub force: bool,
    /// 3.66+: an `in-use` volume may be snapshotted without `force`.
    pub allow_in_use: bool,
}

/// `volume_api.create_snapshot(_force)`: the checks of `_create_snapshot_in_db_validate`, the
/// quota (`snapshots`, `gigabytes`, per type) and the row, in one transaction.
pub async fn create(
    state: &ApiState,
    ctx: &RequestContext,
    volume: &VolumeRow,
    req: CreateRequest,
) -> Result<SnapshotRow, CinderError> {
    let project_id = ctx
        .project_id
        .clone()
        .ok_or_else(|| CinderError::Internal("request context has no project".into()))?;
    let db = state.db().await?;
    let id = uuid::Uuid::new_v4().to_string();
    let row = write(db, |tx| {
        let (req, id, project_id, volume_id) = (
            req.clone(),
            id.clone(),
            project_id.clone(),
            volume.id.clone(),
        );
        Box::pin(create_in(tx, state, ctx, volume_id, req, id, project_id))
    })
    .await?;
    if req.force {
        tracing::info!("Snapshot force create request issued successfully.");
    } else {
        tracing::info!("Snapshot create request issued successfully.");
    }
    Ok(row)
}

async fn create_in(
    tx: &mut Transaction<'_>,
    state: &ApiState,
    ctx: &RequestContext,
    volume_id: String,
    req: CreateRequest,
    id: String,
    project_id: String,
) -> Result<SnapshotRow, CinderError> {
    // Read again inside the transaction: the checks below hold when the row is written.
    let volume = volumes_db::volume_get(tx, &volume_id, None)
        .await?
        .ok_or_else(|| CinderError::VolumeNotFound(volume_id.clone()))?;
    if db::is_backend_frozen(tx, volume.host.as_deref(), volume.cluster_name.as_deref()).await? {
        return Err(CinderError::InvalidInput(
            "Modification operations are not allowed on frozen storage backends.".into(),
        ));
    }
    state.authorize(
        ctx,
        policy::CREATE_POLICY,
        &crate::volume::api::target(&volume),
    )?;
    let status = volume.status.as_deref().unwrap_or("");
    let invalid = |msg: &str| Err(CinderError::InvalidVolume(msg.to_string()));
    if volume.host.as_deref().is_none_or(str::is_empty) {
        return invalid(
            "The snapshot cannot be created because volume has not been scheduled to any host.",
        );
    }
    if status == "maintenance" {
        return invalid("The snapshot cannot be created when the volume is in maintenance mode.");
    }
    if volume
        .migration_status
        .as_deref()
        .is_some_and(|m| !NOT_MIGRATING.contains(&m))
    {
        return invalid("Snapshot cannot be created while volume is migrating.");
    }
    if status == "error" {
        return invalid("The snapshot cannot be created when the volume is in error status.");
    }
    if status.starts_with("replica_") {
        return invalid("Snapshot of secondary replica is not allowed.");
    }
    let valid: &[&str] = if req.force || req.allow_in_use {
        &["available", "in-use"]
    } else {
        &["available"]
    };
    if !valid.contains(&status) {
        return Err(CinderError::InvalidVolume(format!(
            "Volume {} status must be {}, but current status is: {status}.",
            volume.id,
            valid.join(", ")
        )));
    }
    let size = volume.size.unwrap_or(0);
    let type_name = volume_types::get_by_id(tx, &volume.volume_type_id, true)
        .await?
        .map(|t| t.name);
    let deltas = state.quotas.snapshot_deltas(size, type_name.as_deref());
    state.quotas.consume(tx, &project_id, &deltas).await?;
    let new = NewSnapshot {
        id: id.clone(),
        volume_id: volume.id.clone(),
        user_id: ctx.user_id.clone(),
        project_id: Some(project_id),
        volume_size: size,
        display_name: req.name,
        display_description: req.description,
        volume_type_id: volume.volume_type_id.clone(),
        encryption_key_id: volume.encryption_key_id.clone(),
        metadata: req.metadata,
    };
    db::snapshot_create(tx, &new).await?;
    db::snapshot_get(tx, &id, None)
        .await?
        .ok_or_else(|| CinderError::Internal("snapshot row vanished after insert".into()))
}

/// `volume_api.update_snapshot`: name and description (`None` = not given).
pub async fn update(
    state: &ApiState,
    ctx: &RequestContext,
    snapshot: &SnapshotRow,
    name: Option<Option<String>>,
    description: Option<Option<String>>,
) -> Result<SnapshotRow, CinderError> {
    state.authorize(ctx, policy::UPDATE_POLICY, &target(snapshot))?;
    let db = state.db().await?;
    let id = snapshot.id.clone();
    db.write(|tx| {
        let (id, name, description) = (id.clone(), name.clone(), description.clone());
        Box::pin(async move {
            let mut sets = Vec::new();
            if let Some(n) = name {
                sets.push(Set("display_name", Value::from(n)));
            }
            if let Some(d) = description {
                sets.push(Set("display_description", Value::from(d)));
            }
            db::snapshot_update(tx, &id, &sets).await?;
            db::snapshot_get(tx, &id, None).await
        })
    })
    .await?
    .ok_or_else(|| CinderError::SnapshotNotFound(snapshot.id.clone()))
}

/// `volume_api.delete_snapshot`: `deleting` for the volume service, from `available` or
/// `error` unless `force`, never while part of a group snapshot.
pub async fn delete(
    state: &ApiState,
    ctx: &RequestContext,
    snapshot: &SnapshotRow,
    force: bool,
) -> Result<(), CinderError> {
    state.authorize(ctx, policy::DELETE_POLICY, &target(snapshot))?;
    let db = state.db().await?;
    write(db, |tx| {
        let snapshot = snapshot.clone();
        Box::pin(delete_in(tx, state, snapshot, force))
    })
    .await?;
    tracing::info!("Snapshot delete request issued successfully.");
    Ok(())
}

async fn delete_in(
    tx: &mut Transaction<'_>,
    state: &ApiState,
    snapshot: SnapshotRow,
    force: bool,
) -> Result<(), CinderError> {
    let volume = volumes_db::volume_get(tx, &snapshot.volume_id, None).await?;
    let (host, cluster) = volume
        .as_ref()
        .map_or((None, None), |v| (v.host.clone(), v.cluster_name.clone()));
    if db::is_backend_frozen(tx, host.as_deref(), cluster.as_deref()).await? {
        return Err(CinderError::InvalidInput(
            "Modification operations are not allowed on frozen storage backends.".into(),
        ));
    }
    let statuses: Option<&[&str]> = if force {
        None
    } else {
        Some(&["available", "error"])
    };
    let done = db::snapshot_conditional_update(
        tx,
        &snapshot.id,
        &[Set("status", Value::from("deleting"))],
        statuses,
        true,
    )
    .await?;
    if !done {
        let status = if force {
            String::new()
        } else {
            "status must be available or error and".to_string()
        };
        return Err(CinderError::InvalidSnapshot(format!(
            "Snapshot {status} must not be part of a group."
        )));
    }
    if host.as_deref().is_none_or(str::is_empty) {
        // No backend holds it: nothing to ask a volume service for.
        if snapshot.use_quota {
            let type_name = volume_types::get_by_id(tx, &snapshot.volume_type_id, true)
                .await?
                .map(|t| t.name);
            let deltas = state
                .quotas
                .snapshot_deltas(snapshot.volume_size.unwrap_or(0), type_name.as_deref());
            let project = snapshot.project_id.clone().unwrap_or_default();
            state.quotas.release(tx, &project, &deltas).await?;
        }
        db::snapshot_destroy(tx, &snapshot.id).await?;
    }
    Ok(())
}

/// `volume_api.get_snapshot_metadata`.
pub async fn get_metadata(
    state: &ApiState,
    ctx: &RequestContext,
    snapshot: &SnapshotRow,
) -> Result<BTreeMap<String, String>, CinderError> {
    state.authorize(ctx, metadata_policy::GET_POLICY, &target(snapshot))?;
    metadata_of(state, &snapshot.id).await
}

/// `volume_api.update_snapshot_metadata`: merged into the current metadata, or replacing it
/// with `delete`. Returns the resulting metadata.
pub async fn update_metadata(
    state: &ApiState,
    ctx: &RequestContext,
    snapshot: &SnapshotRow,
    metadata: BTreeMap<String, String>,
    delete: bool,
) -> Result<BTreeMap<String, String>, CinderError> {
    state.authorize(ctx, metadata_policy::UPDATE_POLICY, &target(snapshot))?;
    let db = state.db().await?;
    let id = snapshot.id.clone();
    Ok(db
        .write(|tx| {
            let (id, metadata) = (id.clone(), metadata.clone());
            Box::pin(async move { db::metadata_update(tx, &id, &metadata, delete).await })
        })
        .await?)
}

/// `volume_api.delete_snapshot_metadata`: 404 when the key is not there.
pub async fn delete_metadata(
    state: &ApiState,
    ctx: &RequestContext,
    snapshot: &SnapshotRow,
    key: &str,
) -> Result<(), CinderError> {
    let current = get_metadata(state, ctx, snapshot).await?;
    if !current.contains_key(key) {
        return Err(CinderError::SnapshotMetadataNotFound {
            snapshot_id: snapshot.id.clone(),
            key: key.to_string(),
        });
    }
    state.authorize(ctx, metadata_policy::DELETE_POLICY, &target(snapshot))?;
    let db = state.db().await?;
    let (id, key) = (snapshot.id.clone(), key.to_string());
    db.write(|tx| {
        let (id, key) = (id.clone(), key.clone());
        Box::pin(async move { db::metadata_delete(tx, &id, &key).await })
    })
    .await?;
    Ok(())
}

/// `os-reset_status` (`SnapshotAdminController._reset_status`): any status the schema
/// accepted, lower-cased; the snapshot's cleanup worker entry is dropped.
pub async fn reset_status(
    state: &ApiState,
    ctx: &RequestContext,
    id: &str,
    status: &str,
) -> Result<(), CinderError> {
    let snapshot = get_by_id(state, ctx, id).await?;
    state.authorize(ctx, action_policy::RESET_STATUS_POLICY, &target(&snapshot))?;
    let status = status.to_lowercase();
    tracing::debug!("Updating snapshot '{id}' with '{{'status': '{status}'}}'");
    let db = state.db().await?;
    let id = snapshot.id.clone();
    db.write(|tx| {
        let (id, status) = (id.clone(), status.clone());
        Box::pin(async move {
            db::snapshot_update(tx, &id, &[Set("status", Value::from(status))]).await?;
            if db::worker_destroy(tx, &id).await? > 0 {
                tracing::debug!("Worker entry for snapshot with id {id} has been deleted.");
            }
            Ok(())
        })
    })
    .await?;
    Ok(())
}

/// `os-update_snapshot_status` (`SnapshotActionsController`): from `creating` to `creating`,
/// `available` or `error`; from `deleting` to `deleting` or `error_deleting`; the progress
/// is written when given and not empty.
pub async fn update_status(
    state: &ApiState,
    ctx: &RequestContext,
    id: &str,
    status: &str,
    progress: Option<String>,
) -> Result<(), CinderError> {
    let snapshot = get_by_id(state, ctx, id).await?;
    state.authorize(ctx, action_policy::UPDATE_STATUS_POLICY, &target(&snapshot))?;
    let current = snapshot
        .status
        .clone()
        .unwrap_or_else(|| "None".to_string());
    let allowed: &[&str] = match current.as_str() {
        "creating" => &["creating", "available", "error"],
        "deleting" => &["deleting", "error_deleting"],
        other => {
            return Err(CinderError::bad_request(format!(
                "Snapshot status {other} not allowed for update_snapshot_status"
            )))
        }
    };
    if !allowed.contains(&status) {
        return Err(CinderError::bad_request(format!(
            "Provided snapshot status {status} not allowed for snapshot with status {current}."
        )));
    }
    let mut sets = vec![Set("status", Value::from(status.to_string()))];
    if let Some(p) = progress.filter(|p| !p.is_empty()) {
        sets.push(Set("progress", Value::from(p)));
    }
    let db = state.db().await?;
    let id = snapshot.id.clone();
    db.write(|tx| {
        let (id, sets) = (id.clone(), sets.clone());
        Box::pin(async move { db::snapshot_update(tx, &id, &sets).await })
    })
    .await?;
    Ok(())
}
