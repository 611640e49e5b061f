//! Volume user metadata and the volumes summary (`get_volume_metadata`,
//! `create_volume_metadata`, `update_volume_metadata`, `delete_volume_metadata` and
//! `get_volume_summary` of `cinder/volume/api.py`): policy on the volume, refusals while the
//! volume is in maintenance or uploading, and the rows changed in one transaction.

use std::collections::BTreeMap;

use openstack_service::RequestContext;

use crate::api::v3::state::{write, ApiState};
use crate::db::api::volume_actions::{self as adb, Summary};
use crate::db::api::volumes::{self as db, VolumeRow};
use crate::exception::CinderError;
use crate::policies::volume_metadata as policy;
use crate::policies::volumes as vol_policy;
use crate::volume::api::{project_target, target};

/// Statuses in which a volume's metadata may not change.
const FROZEN: [&str; 2] = ["maintenance", "uploading"];

fn frozen_status(vol: &VolumeRow) -> Option<&str> {
    vol.status.as_deref().filter(|s| FROZEN.contains(s))
}

/// `volume_api.get_volume_metadata`.
pub async fn get(
    state: &ApiState,
    ctx: &RequestContext,
    vol: &VolumeRow,
) -> Result<BTreeMap<String, String>, CinderError> {
    state.authorize(ctx, policy::GET_POLICY, &target(vol))?;
    let db_ = state.db().await?;
    let id = vol.id.clone();
    let md = db_
        .read(|tx| {
            let id = id.clone();
            Box::pin(async move {
                db::metadata_for(tx, "volume_metadata", std::slice::from_ref(&id)).await
            })
        })
        .await?;
    tracing::info!("Get volume metadata completed successfully.");
    Ok(md.get(&vol.id).cloned().unwrap_or_default())
}

/// How a metadata write treats the keys it does not name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Write {
    /// `create_volume_metadata` (`POST`): merge, under `volume:create_volume_metadata`.
    Create,
    /// `update_volume_metadata(delete=False)` (`PUT .../{key}`): merge.
    Merge,
    /// `update_volume_metadata(delete=True)` (`PUT`): replace.
    Replace,
}

/// `create_volume_metadata` / `update_volume_metadata`: the metadata after the write.
pub async fn update(
    state: &ApiState,
    ctx: &RequestContext,
    vol: &VolumeRow,
    metadata: &BTreeMap<String, String>,
    how: Write,
) -> Result<BTreeMap<String, String>, CinderError> {
    let rule = match how {
        Write::Create => policy::CREATE_POLICY,
        Write::Merge | Write::Replace => policy::UPDATE_POLICY,
    };
    state.authorize(ctx, rule, &target(vol))?;
    if let Some(s) = frozen_status(vol) {
        let msg = format!("Updating volume metadata is not allowed for volumes in {s} status.");
        tracing::info!("{msg}");
        return Err(CinderError::InvalidVolume(msg));
    }
    let db_ = state.db().await?;
    let id = vol.id.clone();
    let out = write(db_, |tx| {
        let (id, metadata) = (id.clone(), metadata.clone());
        Box::pin(async move {
            Ok(db::metadata_update(tx, &id, &metadata, how == Write::Replace).await?)
        })
    })
    .await?;
    tracing::info!("Update volume metadata completed successfully.");
    Ok(out)
}

/// `delete_volume_metadata`: one key (the caller checked it exists).
pub async fn delete(
    state: &ApiState,
    ctx: &RequestContext,
    vol: &VolumeRow,
    key: &str,
) -> Result<(), CinderError> {
    state.authorize(ctx, policy::DELETE_POLICY, &target(vol))?;
    if let Some(s) = frozen_status(vol) {
        let msg = format!("Deleting volume metadata is not allowed for volumes in {s} status.");
        tracing::info!("{msg}");
        return Err(CinderError::InvalidVolume(msg));
    }
    let db_ = state.db().await?;
    let (id, key) = (vol.id.clone(), key.to_string());
    write(db_, |tx| {
        let (id, key) = (id.clone(), key.clone());
        Box::pin(async move { Ok(db::metadata_delete(tx, &id, &key).await?) })
    })
    .await?;
    tracing::info!("Delete volume metadata completed successfully.");
    Ok(())
}

/// `volume_api.get_volume_summary`: the caller's project, or every project for an admin
/// asking `all_tenants`.
pub async fn summary(
    state: &ApiState,
    ctx: &RequestContext,
    all_tenants: bool,
) -> Result<Summary, CinderError> {
    state.authorize(ctx, vol_policy::GET_ALL_POLICY, &project_target(ctx))?;
    let project = if all_tenants && ctx.is_admin {
        None
    } else {
        Some(ctx.project_id.clone().unwrap_or_default())
    };
    let db_ = state.db().await?;
    let out = db_
        .read(|tx| {
            let project = project.clone();
            Box::pin(async move { adb::volume_summary(tx, project.as_deref()).await })
        })
        .await?;
    tracing::info!("Get summary completed successfully.");
    Ok(out)
}
