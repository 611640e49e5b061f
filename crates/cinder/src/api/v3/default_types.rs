//! Default volume types per project (`cinder/api/v3/default_types.py`, microversion 3.62):
//! set (`PUT /default-types/{project}`), show, list and unset (204). A project's default is
//! what its volumes get when they name no type (see
//! [`crate::volume::volume_types::get_default_volume_type`]).

use std::sync::Arc;

use http::{Method, StatusCode};
use openstack_service::policy::Target;
use openstack_service::RequestContext;
use serde_json::{json, Value};

use super::state::{write, ApiState};
use super::types::read;
use crate::api::openstack::router::Mapper;
use crate::api::openstack::wsgi::{ApiRequest, ApiResponse, ApiResult, Handler};
use crate::api::schemas::{self, default_types as schema};
use crate::db::api::volume_types::{self as db, DefaultTypeRow};
use crate::exception::CinderError;
use crate::policies::default_types as policy;
use crate::volume::volume_types;

/// Connects the default-type routes (3.62 and later).
pub fn connect(m: &mut Mapper<Handler<ApiState>>) {
    let item = "/default-types/{id}";
    m.connect(
        Method::PUT,
        item,
        "create_update",
        crate::handler!(create_update),
    )
    .since(3, 62);
    m.connect(
        Method::GET,
        "/default-types",
        "index",
        crate::handler!(index),
    )
    .since(3, 62);
    m.connect(Method::GET, item, "detail", crate::handler!(detail))
        .since(3, 62);
    m.connect(Method::DELETE, item, "delete", crate::handler!(delete))
        .since(3, 62);
}

fn view(d: &DefaultTypeRow) -> Value {
    json!({"project_id": d.project_id, "volume_type_id": d.volume_type_id})
}

/// What upstream answers when a default-type policy refuses.
fn forbidden() -> CinderError {
    CinderError::http(
        StatusCode::FORBIDDEN,
        "You are not authorized to perform this operation.",
    )
}

/// `validate_project_and_authorize`: `rule` on the target project. (Upstream first asks
/// Keystone whether the project exists; see doc/compat/cinder.md.)
fn authorize_project(
    state: &ApiState,
    ctx: &RequestContext,
    project_id: &str,
    rule: &str,
) -> Result<(), CinderError> {
    let target = Target::new().with("project_id", project_id);
    state.authorize(ctx, rule, &target).map_err(|e| match e {
        CinderError::PolicyNotAuthorized { .. } => forbidden(),
        other => other,
    })
}

async fn create_update(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let ctx = state.context(&req.ctx);
    let body = req.require_body()?;
    schemas::validate(&schema::create_or_update(), body)?;
    let project_id = req.param("id").to_string();
    let Some(type_ref) = body
        .get("default_type")
        .and_then(|d| d.get("volume_type"))
        .and_then(Value::as_str)
        .map(str::to_string)
    else {
        // The schema lets a body without `default_type` through; upstream then fails on it.
        return Err(CinderError::Internal(
            "default-types body without default_type.volume_type".into(),
        ));
    };
    authorize_project(&state, &ctx, &project_id, policy::CREATE_UPDATE_POLICY)?;
    let db = state.db().await?;
    let row = write(db, |tx| {
        let (ctx, project_id, type_ref) = (Arc::clone(&ctx), project_id.clone(), type_ref.clone());
        Box::pin(async move {
            let vt = match volume_types::get_by_name_or_id(tx, &ctx, &type_ref).await {
                Ok(vt) => vt,
                Err(
                    e @ (CinderError::VolumeTypeNotFound(_)
                    | CinderError::VolumeTypeNotFoundByName(_)),
                ) => return Err(CinderError::bad_request(e.to_string())),
                Err(e) => return Err(e),
            };
            db::project_default_set(tx, &project_id, &vt.id).await?;
            Ok(DefaultTypeRow {
                project_id,
                volume_type_id: vt.id,
            })
        })
    })
    .await?;
    Ok(ApiResponse::json(
        StatusCode::OK,
        json!({"default_type": view(&row)}),
    ))
}

async fn detail(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let ctx = state.context(&req.ctx);
    let project_id = req.param("id").to_string();
    authorize_project(&state, &ctx, &project_id, policy::GET_POLICY)?;
    let db = state.db().await?;
    let row = read(db, |tx| {
        let project_id = project_id.clone();
        Box::pin(async move { Ok(db::project_default_get(tx, &project_id).await?) })
    })
    .await?
    .ok_or_else(|| CinderError::VolumeTypeProjectDefaultNotFound(project_id.clone()))?;
    Ok(ApiResponse::json(
        StatusCode::OK,
        json!({"default_type": view(&row)}),
    ))
}

async fn index(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let ctx = state.context(&req.ctx);
    state
        .authorize(&ctx, policy::GET_ALL_POLICY, &Target::from_context(&ctx))
        .map_err(|e| match e {
            CinderError::PolicyNotAuthorized { .. } => forbidden(),
            other => other,
        })?;
    let db = state.db().await?;
    let rows = read(db, |tx| {
        Box::pin(async move { Ok(db::project_default_get_all(tx).await?) })
    })
    .await?;
    let list: Vec<Value> = rows.iter().map(view).collect();
    Ok(ApiResponse::json(
        StatusCode::OK,
        json!({"default_types": list}),
    ))
}

async fn delete(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let ctx = state.context(&req.ctx);
    let project_id = req.param("id").to_string();
    authorize_project(&state, &ctx, &project_id, policy::DELETE_POLICY)?;
    let db = state.db().await?;
    write(db, |tx| {
        let project_id = project_id.clone();
        Box::pin(async move {
            db::project_default_unset(tx, &project_id).await?;
            Ok(())
        })
    })
    .await?;
    Ok(ApiResponse::empty(StatusCode::NO_CONTENT))
}
