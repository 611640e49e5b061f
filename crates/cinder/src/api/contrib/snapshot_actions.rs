//! `POST /snapshots/{id}/action`: the dispatcher upstream's `Resource` runs for actions (the
//! single top-level key of the body names the action), and the `os-update_snapshot_status`
//! action of `cinder/api/contrib/snapshot_actions.py` (used by Nova for assisted snapshots:
//! `creating` → `creating|available|error`, `deleting` → `deleting|error_deleting`). The admin
//! actions come from [`super::admin_actions`].

use std::sync::Arc;

use http::{Method, StatusCode};
use serde_json::Value;

use crate::api::openstack::router::Mapper;
use crate::api::openstack::wsgi::{ApiRequest, ApiResponse, ApiResult, Handler};
use crate::api::schemas;
use crate::api::v3::state::ApiState;
use crate::exception::CinderError;
use crate::volume::snapshots as snapshot_api;

/// Connects the snapshot action route.
pub fn connect(m: &mut Mapper<Handler<ApiState>>) {
    m.connect(
        Method::POST,
        "/snapshots/{id}/action",
        "action",
        crate::handler!(action),
    );
}

/// Every snapshot action, by body key.
fn actions() -> Vec<(&'static str, Handler<ApiState>)> {
    let mut all: Vec<(&'static str, Handler<ApiState>)> = vec![(
        "os-update_snapshot_status",
        crate::handler!(update_snapshot_status),
    )];
    all.extend(super::admin_actions::snapshot_actions());
    all
}

/// `action_peek_json` and the action lookup: exactly one top-level key, naming a known action.
fn action_name(body: Option<&Value>) -> Result<String, CinderError> {
    let Some(body) = body else {
        return Err(no_such_action("None"));
    };
    match body.as_object() {
        Some(obj) if obj.len() == 1 => Ok(obj.keys().next().cloned().unwrap_or_default()),
        _ => Err(CinderError::bad_request("Malformed request body")),
    }
}

fn no_such_action(name: &str) -> CinderError {
    CinderError::bad_request(format!(
        "There is no such action: {name}. Verify the request body and Content-Type header and \
         try again."
    ))
}

async fn action(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let name = action_name(req.body.as_ref())?;
    let handler = actions()
        .into_iter()
        .find(|(n, _)| *n == name)
        .map(|(_, h)| h)
        .ok_or_else(|| no_such_action(&name))?;
    handler(state, req).await
}

/// `os-update_snapshot_status`.
async fn update_snapshot_status(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let body = req.require_body()?;
    schemas::validate(&schemas::snapshot_actions::update_snapshot_status(), body)?;
    let args = body.get("os-update_snapshot_status");
    let status = args
        .and_then(|a| a.get("status"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    // The schema lets through strings, null and 0; only a non-empty string is written.
    let progress = args
        .and_then(|a| a.get("progress"))
        .and_then(Value::as_str)
        .map(str::to_string);
    let ctx = state.context(&req.ctx);
    snapshot_api::update_status(&state, &ctx, req.param("id"), status, progress).await?;
    Ok(ApiResponse::empty(StatusCode::ACCEPTED))
}
