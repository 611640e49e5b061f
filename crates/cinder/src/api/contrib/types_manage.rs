//! Creating, updating and deleting volume types (`cinder/api/contrib/types_manage.py`):
//! `POST /types` (200), `PUT /types/{id}` (200) and `DELETE /types/{id}` (202), with
//! upstream's refusals — a taken name is 409, a type in use or a default type is 400.

use std::collections::BTreeMap;
use std::sync::Arc;

use http::{Method, StatusCode};
use openstack_service::policy::Target;
use serde_json::Value;

use crate::api::openstack::router::Mapper;
use crate::api::openstack::wsgi::{ApiRequest, ApiResponse, ApiResult, Handler};
use crate::api::schemas::{self, volume_types as schema};
use crate::api::v3::state::{write, ApiState};
use crate::api::v3::types::{read, view_policy};
use crate::api::v3::views::types as view;
use crate::db::api::volume_types::NewVolumeType;
use crate::exception::CinderError;
use crate::policies::volume_type as policy;
use crate::volume::volume_types;

/// Connects `POST /types`, `PUT /types/{id}` and `DELETE /types/{id}`.
pub fn connect(m: &mut Mapper<Handler<ApiState>>) {
    m.connect(Method::POST, "/types", "create", crate::handler!(create));
    m.connect(
        Method::PUT,
        "/types/{id}",
        "update",
        crate::handler!(update),
    );
    m.connect(
        Method::DELETE,
        "/types/{id}",
        "delete",
        crate::handler!(delete),
    );
}

/// `strutils.bool_from_string(value, strict=True)` of a schema-checked boolean.
pub(crate) fn schema_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "1" | "t" | "true" | "on" | "y" | "yes" => Some(true),
            "0" | "f" | "false" | "off" | "n" | "no" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

fn str_field(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

async fn create(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let ctx = state.context(&req.ctx);
    let body = req.require_body()?;
    schemas::validate(&schema::create(), body)?;
    state.authorize(&ctx, policy::CREATE_POLICY, &Target::from_context(&ctx))?;
    let vt = &body["volume_type"];
    let extra_specs: BTreeMap<String, Option<String>> = vt
        .get("extra_specs")
        .and_then(Value::as_object)
        .map(|specs| {
            specs
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().map(str::to_string)))
                .collect()
        })
        .unwrap_or_default();
    let new = NewVolumeType {
        id: uuid::Uuid::new_v4().to_string(),
        name: str_field(vt, "name").unwrap_or_default(),
        description: str_field(vt, "description"),
        is_public: vt
            .get("os-volume-type-access:is_public")
            .map_or(Some(true), schema_bool)
            .unwrap_or(true),
        extra_specs,
        projects: Vec::new(),
    };
    let db = state.db().await?;
    let created = write(db, |tx| {
        let new = new.clone();
        Box::pin(async move { volume_types::create(tx, new).await })
    })
    .await?;
    let body = view::manage_show(&created, &view_policy(&state, &ctx), true);
    Ok(ApiResponse::json(StatusCode::OK, body))
}

async fn update(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let ctx = state.context(&req.ctx);
    let body = req.require_body()?;
    schemas::validate(&schema::update(), body)?;
    state.authorize(&ctx, policy::UPDATE_POLICY, &Target::from_context(&ctx))?;
    let vt = &body["volume_type"];
    let name = str_field(vt, "name");
    let description = str_field(vt, "description");
    let is_public = vt
        .get("is_public")
        .filter(|v| !v.is_null())
        .and_then(schema_bool);
    if name.as_deref().is_some_and(|n| n.trim().is_empty()) {
        return Err(CinderError::bad_request(
            "Volume type name can not be empty.",
        ));
    }
    if name.is_none() && description.is_none() && is_public.is_none() {
        return Err(CinderError::bad_request(
            "Specify volume type name, description, is_public or a combination thereof.",
        ));
    }
    let id = req.param("id").to_string();
    let db = state.db().await?;
    write(db, |tx| {
        let (id, name, description) = (id.clone(), name.clone(), description.clone());
        Box::pin(async move {
            volume_types::update(tx, &id, name.as_deref(), description.as_deref(), is_public).await
        })
    })
    .await?;
    let updated = read(db, |tx| {
        let (ctx, id) = (Arc::clone(&ctx), id.clone());
        Box::pin(async move { volume_types::get(tx, &ctx, &id).await })
    })
    .await?;
    let body = view::manage_show(&updated, &view_policy(&state, &ctx), false);
    Ok(ApiResponse::json(StatusCode::OK, body))
}

async fn delete(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let ctx = state.context(&req.ctx);
    state.authorize(&ctx, policy::DELETE_POLICY, &Target::from_context(&ctx))?;
    let id = req.param("id").to_string();
    let default_name = volume_types::default_volume_type(&state.conf)?;
    let db = state.db().await?;
    let result = write(db, |tx| {
        let (ctx, id, default_name) = (Arc::clone(&ctx), id.clone(), default_name.clone());
        Box::pin(async move {
            let vt = volume_types::get(tx, &ctx, &id).await?;
            volume_types::destroy(tx, &vt.id, &default_name).await
        })
    })
    .await;
    match result {
        Ok(()) => Ok(ApiResponse::empty(StatusCode::ACCEPTED)),
        Err(CinderError::VolumeTypeInUse(_)) => Err(CinderError::bad_request(
            "Target volume type is still in use.",
        )),
        Err(
            e @ (CinderError::VolumeTypeDeletionError(_)
            | CinderError::VolumeTypeDefaultDeletionError(_)),
        ) => Err(CinderError::bad_request(e.to_string())),
        Err(e @ CinderError::VolumeTypeDefaultMisconfigured(_)) => Err(CinderError::http(
            StatusCode::INTERNAL_SERVER_ERROR,
            e.to_string(),
        )),
        Err(e) => Err(e),
    }
}

/// The `update` action of `POST /types/{id}/action` (upstream registers the update method as
/// an action too): the whole body is checked as an update body.
pub(crate) async fn update_action(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    update(state, req).await
}
