//! The snapshot metadata controller (`cinder/api/v3/snapshot_metadata.py`):
//! `/snapshots/{snapshot_id}/metadata` (list, merge with POST, replace with PUT) and
//! `/snapshots/{snapshot_id}/metadata/{id}` (show, set one key, delete one key).

use std::collections::BTreeMap;
use std::sync::Arc;

use http::{Method, StatusCode};
use serde_json::{json, Value};

use super::state::ApiState;
use crate::api::openstack::router::Mapper;
use crate::api::openstack::wsgi::{ApiRequest, ApiResponse, ApiResult, Handler};
use crate::api::schemas;
use crate::exception::CinderError;
use crate::volume::snapshots as snapshot_api;

/// Connects the snapshot metadata routes.
pub fn connect(m: &mut Mapper<Handler<ApiState>>) {
    const COLLECTION: &str = "/snapshots/{snapshot_id}/metadata";
    const MEMBER: &str = "/snapshots/{snapshot_id}/metadata/{id}";
    m.connect(Method::GET, COLLECTION, "index", crate::handler!(index));
    m.connect(Method::POST, COLLECTION, "create", crate::handler!(create));
    m.connect(
        Method::PUT,
        COLLECTION,
        "update_all",
        crate::handler!(update_all),
    );
    m.connect(Method::GET, MEMBER, "show", crate::handler!(show));
    m.connect(Method::PUT, MEMBER, "update", crate::handler!(update));
    m.connect(Method::DELETE, MEMBER, "delete", crate::handler!(delete));
}

fn as_map(v: Option<&Value>) -> BTreeMap<String, String> {
    v.and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, val)| {
                    let s = val.as_str().map_or_else(|| val.to_string(), str::to_string);
                    (k.clone(), s)
                })
                .collect()
        })
        .unwrap_or_default()
}

fn metadata_body(key: &str, md: &BTreeMap<String, String>) -> Value {
    json!({ key: md })
}

async fn index(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let ctx = state.context(&req.ctx);
    let snapshot = snapshot_api::get(&state, &ctx, req.param("snapshot_id")).await?;
    let md = snapshot_api::get_metadata(&state, &ctx, &snapshot).await?;
    Ok(ApiResponse::json(
        StatusCode::OK,
        metadata_body("metadata", &md),
    ))
}

/// `_update_snapshot_metadata`: merged (`delete = false`) or replaced.
async fn write_metadata(
    state: &ApiState,
    req: &ApiRequest,
    metadata: BTreeMap<String, String>,
    delete: bool,
) -> Result<BTreeMap<String, String>, CinderError> {
    let ctx = state.context(&req.ctx);
    let snapshot = snapshot_api::get(state, &ctx, req.param("snapshot_id")).await?;
    snapshot_api::update_metadata(state, &ctx, &snapshot, metadata, delete).await
}

async fn create(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let body = req.require_body()?.clone();
    schemas::validate(&schemas::snapshot_metadata::create(), &body)?;
    let md = write_metadata(&state, &req, as_map(body.get("metadata")), false).await?;
    Ok(ApiResponse::json(
        StatusCode::OK,
        metadata_body("metadata", &md),
    ))
}

async fn update_all(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let body = req.require_body()?.clone();
    schemas::validate(&schemas::snapshot_metadata::update_all(), &body)?;
    let md = write_metadata(&state, &req, as_map(body.get("metadata")), true).await?;
    Ok(ApiResponse::json(
        StatusCode::OK,
        metadata_body("metadata", &md),
    ))
}

async fn update(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let body = req.require_body()?.clone();
    schemas::validate(&schemas::snapshot_metadata::update(), &body)?;
    let item = as_map(body.get("meta"));
    let id = req.param("id");
    if !item.contains_key(id) {
        return Err(CinderError::bad_request("Request body and URI mismatch"));
    }
    if item.len() > 1 {
        return Err(CinderError::bad_request(
            "Request body contains too many items",
        ));
    }
    write_metadata(&state, &req, item.clone(), false).await?;
    Ok(ApiResponse::json(
        StatusCode::OK,
        metadata_body("meta", &item),
    ))
}

async fn show(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let ctx = state.context(&req.ctx);
    let snapshot_id = req.param("snapshot_id");
    let snapshot = snapshot_api::get(&state, &ctx, snapshot_id).await?;
    let md = snapshot_api::get_metadata(&state, &ctx, &snapshot).await?;
    let key = req.param("id");
    match md.get(key) {
        Some(value) => Ok(ApiResponse::json(
            StatusCode::OK,
            json!({"meta": {key: value}}),
        )),
        None => Err(CinderError::SnapshotMetadataNotFound {
            snapshot_id: snapshot_id.to_string(),
            key: key.to_string(),
        }),
    }
}

async fn delete(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let ctx = state.context(&req.ctx);
    let snapshot = snapshot_api::get(&state, &ctx, req.param("snapshot_id")).await?;
    snapshot_api::delete_metadata(&state, &ctx, &snapshot, req.param("id")).await?;
    Ok(ApiResponse::empty(StatusCode::OK))
}
