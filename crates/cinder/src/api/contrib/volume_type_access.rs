//! Private volume type access (`cinder/api/contrib/volume_type_access.py`): the projects
//! that may use a private type (`GET /types/{id}/os-volume-type-access`) and the
//! `addProjectAccess` / `removeProjectAccess` actions of `POST /types/{id}/action` (202; a
//! project that has access already is 409). The `os-volume-type-access:is_public` key this
//! extension adds to type bodies is in [`crate::api::v3::views::types`].

use std::sync::Arc;

use http::{Method, StatusCode};
use openstack_http::fault::webob_explanation;
use openstack_service::policy::Target;
use serde_json::{json, Value};

use crate::api::contrib::types_manage;
use crate::api::openstack::router::Mapper;
use crate::api::openstack::wsgi::{ApiRequest, ApiResponse, ApiResult, Handler};
use crate::api::schemas::{self, volume_type_access as schema};
use crate::api::v3::state::{write, ApiState};
use crate::api::v3::types::read;
use crate::db::api::volume_types as db;
use crate::exception::CinderError;
use crate::policies::volume_access as policy;
use crate::volume::volume_types;

/// Connects the access list and the type actions.
pub fn connect(m: &mut Mapper<Handler<ApiState>>) {
    m.connect(
        Method::GET,
        "/types/{type_id}/os-volume-type-access",
        "index",
        crate::handler!(index),
    );
    m.connect(
        Method::POST,
        "/types/{id}/action",
        "action",
        crate::handler!(action),
    );
}

async fn index(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let ctx = state.context(&req.ctx);
    state.authorize(
        &ctx,
        policy::TYPE_ACCESS_WHO_POLICY,
        &Target::from_context(&ctx),
    )?;
    let type_id = req.param("type_id").to_string();
    let db = state.db().await?;
    let (vt, projects) = read(db, |tx| {
        let (ctx, type_id) = (Arc::clone(&ctx), type_id.clone());
        Box::pin(async move {
            let vt = volume_types::get(tx, &ctx, &type_id).await?;
            let projects = db::volume_type_access_get_all(tx, &vt.id).await?;
            Ok((vt, projects))
        })
    })
    .await?;
    if vt.is_public {
        return Err(CinderError::http(
            StatusCode::NOT_FOUND,
            "Access list not available for public volume types.",
        ));
    }
    let access: Vec<Value> = projects
        .iter()
        .map(|p| json!({"volume_type_id": vt.id, "project_id": p}))
        .collect();
    Ok(ApiResponse::json(
        StatusCode::OK,
        json!({"volume_type_access": access}),
    ))
}

/// `POST /types/{id}/action`: the one key of the body names the action (upstream's
/// `action_peek`), each action checks its own schema.
async fn action(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let name = match &req.body {
        // No body or no JSON Content-Type: upstream looks the action up under `None`.
        None => None,
        Some(Value::Object(m)) if m.len() == 1 => m.keys().next().cloned(),
        Some(Value::Object(_)) => return Err(CinderError::bad_request("Malformed request body")),
        // Python's `len()` then `.keys()` of a non-dict: "too many body keys", or a 404.
        Some(Value::Array(a)) if a.len() != 1 => {
            return Err(CinderError::bad_request("Malformed request body"))
        }
        Some(Value::String(s)) if s.chars().count() != 1 => {
            return Err(CinderError::bad_request("Malformed request body"))
        }
        Some(_) => {
            return Err(CinderError::http(
                StatusCode::NOT_FOUND,
                webob_explanation(StatusCode::NOT_FOUND),
            ))
        }
    };
    match name.as_deref() {
        Some("addProjectAccess") => add_project_access(state, req).await,
        Some("removeProjectAccess") => remove_project_access(state, req).await,
        Some("update") => types_manage::update_action(state, req).await,
        // Registered as actions upstream, but their methods take no id: a TypeError, 400.
        Some("create" | "delete") => Err(CinderError::bad_request(webob_explanation(
            StatusCode::BAD_REQUEST,
        ))),
        other => Err(CinderError::bad_request(format!(
            "There is no such action: {}. Verify the request body and Content-Type header and \
             try again.",
            other.unwrap_or("None")
        ))),
    }
}

fn project_of(body: &Value, action: &str) -> String {
    body[action]["project"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

async fn add_project_access(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let ctx = state.context(&req.ctx);
    let body = req.require_body()?;
    schemas::validate(&schema::add_project_access(), body)?;
    state.authorize(
        &ctx,
        policy::ADD_PROJECT_POLICY,
        &Target::from_context(&ctx),
    )?;
    let project = project_of(body, "addProjectAccess");
    let id = req.param("id").to_string();
    let db = state.db().await?;
    write(db, |tx| {
        let (id, project) = (id.clone(), project.clone());
        Box::pin(async move { volume_types::add_volume_type_access(tx, &id, &project).await })
    })
    .await?;
    Ok(ApiResponse::empty(StatusCode::ACCEPTED))
}

async fn remove_project_access(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let ctx = state.context(&req.ctx);
    let body = req.require_body()?;
    schemas::validate(&schema::remove_project_access(), body)?;
    state.authorize(
        &ctx,
        policy::REMOVE_PROJECT_POLICY,
        &Target::from_context(&ctx),
    )?;
    let project = project_of(body, "removeProjectAccess");
    let id = req.param("id").to_string();
    let db = state.db().await?;
    write(db, |tx| {
        let (id, project) = (id.clone(), project.clone());
        Box::pin(async move { volume_types::remove_volume_type_access(tx, &id, &project).await })
    })
    .await?;
    Ok(ApiResponse::empty(StatusCode::ACCEPTED))
}
