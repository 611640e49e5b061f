//! Volume type encryption (`cinder/api/contrib/volume_type_encryption.py`), the reading and
//! deleting half: `GET /types/{type_id}/encryption` (`{}` for a type without encryption),
//! `GET /types/{type_id}/encryption/{key}` and `DELETE /types/{type_id}/encryption/{id}`.
//! Creating and updating encryption types (`POST`, `PUT`) come with the encryption issue.

use std::sync::Arc;

use http::{Method, StatusCode};
use openstack_service::policy::Target;
use serde_json::{Map, Value};

use crate::api::openstack::router::Mapper;
use crate::api::openstack::wsgi::{ApiRequest, ApiResponse, ApiResult, Handler};
use crate::api::v3::state::{write, ApiState};
use crate::api::v3::types::read;
use crate::api::v3::views::volumes::isotime;
use crate::db::api::volume_types::{self as db, EncryptionRow};
use crate::exception::CinderError;
use crate::policies::volume_type as policy;
use crate::volume::volume_types;

/// Connects the encryption routes served so far.
pub fn connect(m: &mut Mapper<Handler<ApiState>>) {
    let base = "/types/{type_id}/encryption";
    let item = "/types/{type_id}/encryption/{id}";
    m.connect(Method::GET, base, "index", crate::handler!(index));
    m.connect(Method::GET, item, "show", crate::handler!(show));
    m.connect(Method::DELETE, item, "delete", crate::handler!(delete));
}

/// The encryption row as upstream renders the model (its columns, in model order).
fn specs(e: &EncryptionRow) -> Map<String, Value> {
    let text = |s: &Option<String>| s.clone().map_or(Value::Null, Value::String);
    let mut m = Map::new();
    m.insert("created_at".into(), isotime(e.created_at));
    m.insert("updated_at".into(), isotime(e.updated_at));
    m.insert("deleted_at".into(), isotime(e.deleted_at));
    m.insert("deleted".into(), Value::Bool(e.deleted));
    m.insert("encryption_id".into(), text(&e.encryption_id));
    m.insert("cipher".into(), text(&e.cipher));
    m.insert(
        "key_size".into(),
        e.key_size.map_or(Value::Null, Value::from),
    );
    m.insert("provider".into(), text(&e.provider));
    m.insert("control_location".into(), text(&e.control_location));
    m.insert(
        "volume_type_id".into(),
        Value::String(e.volume_type_id.clone()),
    );
    m
}

/// The type as the caller may see it (404 otherwise), then its encryption specs.
async fn encryption(state: &ApiState, req: &ApiRequest) -> Result<Map<String, Value>, CinderError> {
    let ctx = state.context(&req.ctx);
    state.authorize(
        &ctx,
        policy::GET_ENCRYPTION_POLICY,
        &Target::from_context(&ctx),
    )?;
    let type_id = req.param("type_id").to_string();
    let db = state.db().await?;
    let row = read(db, |tx| {
        let (ctx, type_id) = (Arc::clone(&ctx), type_id.clone());
        Box::pin(async move {
            volume_types::get(tx, &ctx, &type_id).await?;
            Ok(db::encryption_get(tx, &type_id).await?)
        })
    })
    .await?;
    Ok(row.as_ref().map(specs).unwrap_or_default())
}

async fn index(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let specs = encryption(&state, &req).await?;
    Ok(ApiResponse::json(StatusCode::OK, Value::Object(specs)))
}

async fn show(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let specs = encryption(&state, &req).await?;
    let key = req.param("id");
    match specs.get(key) {
        Some(v) => {
            let mut body = Map::new();
            body.insert(key.to_string(), v.clone());
            Ok(ApiResponse::json(StatusCode::OK, Value::Object(body)))
        }
        None => Err(CinderError::VolumeTypeEncryptionNotFound(
            req.param("type_id").to_string(),
        )),
    }
}

async fn delete(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let ctx = state.context(&req.ctx);
    state.authorize(
        &ctx,
        policy::DELETE_ENCRYPTION_POLICY,
        &Target::from_context(&ctx),
    )?;
    let type_id = req.param("type_id").to_string();
    let db = state.db().await?;
    write(db, |tx| {
        let type_id = type_id.clone();
        Box::pin(async move {
            if db::volumes_with_type_exist(tx, &type_id).await? {
                return Err(CinderError::bad_request(
                    "Cannot delete encryption specs. Volume type in use.",
                ));
            }
            if !db::encryption_delete(tx, &type_id).await? {
                return Err(CinderError::VolumeTypeEncryptionNotFound(type_id));
            }
            Ok(())
        })
    })
    .await?;
    Ok(ApiResponse::empty(StatusCode::ACCEPTED))
}
