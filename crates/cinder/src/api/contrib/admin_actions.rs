//! The admin actions (`cinder/api/contrib/admin_actions.py`) on snapshots
//! (`SnapshotAdminController`): `os-reset_status` (any snapshot status, no transition rule)
//! and `os-force_delete` (a delete whatever the status), both admin-only by default. They are
//! served on `POST /snapshots/{id}/action`, whose dispatcher lives in
//! [`super::snapshot_actions`].

use std::sync::Arc;

use http::StatusCode;
use serde_json::Value;

use crate::api::openstack::wsgi::{ApiRequest, ApiResponse, ApiResult, Handler};
use crate::api::schemas;
use crate::api::v3::state::ApiState;
use crate::policies::snapshot_actions as policy;
use crate::volume::snapshots as snapshot_api;

/// The snapshot actions of this controller, by body key.
pub fn snapshot_actions() -> Vec<(&'static str, Handler<ApiState>)> {
    vec![
        (
            "os-reset_status",
            crate::handler!(snapshot_reset_status) as Handler<ApiState>,
        ),
        ("os-force_delete", crate::handler!(snapshot_force_delete)),
    ]
}

/// `os-reset_status` on a snapshot.
pub async fn snapshot_reset_status(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let body = req.require_body()?;
    schemas::validate(&schemas::admin_actions::reset_status_snapshot(), body)?;
    let status = body
        .get("os-reset_status")
        .and_then(|b| b.get("status"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    let ctx = state.context(&req.ctx);
    snapshot_api::reset_status(&state, &ctx, req.param("id"), status).await?;
    Ok(ApiResponse::empty(StatusCode::ACCEPTED))
}

/// `os-force_delete` on a snapshot.
pub async fn snapshot_force_delete(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let body = req.require_body()?;
    schemas::validate(&schemas::admin_actions::force_delete_snapshot(), body)?;
    let ctx = state.context(&req.ctx);
    let snapshot = snapshot_api::get(&state, &ctx, req.param("id")).await?;
    state.authorize(
        &ctx,
        policy::FORCE_DELETE_POLICY,
        &snapshot_api::target(&snapshot),
    )?;
    snapshot_api::delete(&state, &ctx, &snapshot, true).await?;
    Ok(ApiResponse::empty(StatusCode::ACCEPTED))
}

// ---- Volumes (`VolumeAdminController`), served by `super::volume_actions` ----------------

/// The volume actions of this controller, by body key: `os-reset_status` (status,
/// attach_status and migration_status as the admin says, with upstream's two refusals) and
/// `os-force_delete`.
pub fn volume_actions() -> Vec<(&'static str, Handler<ApiState>)> {
    vec![
        (
            "os-reset_status",
            crate::handler!(volume_reset_status) as Handler<ApiState>,
        ),
        ("os-force_delete", crate::handler!(volume_force_delete)),
    ]
}

/// `os-reset_status` on a volume.
pub async fn volume_reset_status(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let body = req.require_body()?;
    schemas::validate(&schemas::admin_actions::reset_status_volume(), body)?;
    let fields = body.get("os-reset_status");
    // `if status:` upstream: an empty or null value changes nothing.
    let field = |name: &str| {
        fields
            .and_then(|f| f.get(name))
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_lowercase)
    };
    let update = crate::volume::actions::ResetStatus {
        status: field("status"),
        attach_status: field("attach_status"),
        migration_status: field("migration_status").map(|m| (m != "none").then_some(m)),
    };
    let ctx = state.context(&req.ctx);
    crate::volume::actions::reset_status(&state, &ctx, req.param("id"), update).await?;
    Ok(ApiResponse::empty(StatusCode::ACCEPTED))
}

/// `os-force_delete` on a volume.
pub async fn volume_force_delete(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let body = req.require_body()?;
    schemas::validate(&schemas::admin_actions::force_delete_volume(), body)?;
    let ctx = state.context(&req.ctx);
    let volume = crate::volume::api::get(&state, &ctx, req.param("id")).await?;
    crate::volume::actions::force_delete(&state, &ctx, &volume).await?;
    Ok(ApiResponse::empty(StatusCode::ACCEPTED))
}
