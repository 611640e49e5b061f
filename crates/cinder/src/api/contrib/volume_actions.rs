//! `POST /volumes/{id}/action`: the one route of every volume action. The single key of the
//! body names the action (`action_peek_json` of `cinder/api/openstack/wsgi.py`, with its
//! refusals), and the action runs its own schema and logic: the actions of
//! `cinder/api/contrib/volume_actions.py` here, the admin ones of
//! [`super::admin_actions::volume_actions`]. Actions upstream has but this service does not
//! serve yet answer 501.

use std::sync::Arc;

use http::header::CONTENT_TYPE;
use http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::api::openstack::api_version_request::ApiVersion;
use crate::api::openstack::router::Mapper;
use crate::api::openstack::wsgi::{ApiRequest, ApiResponse, ApiResult, Handler};
use crate::api::schemas::{self, volume_actions as schema};
use crate::api::v3::state::ApiState;
use crate::exception::CinderError;
use crate::volume::actions::{self, AttachRequest};
use crate::volume::api as volume_api;

/// `mv.VOLUME_EXTEND_INUSE`.
const EXTEND_INUSE: ApiVersion = ApiVersion {
    major: 3,
    minor: 42,
};

/// Actions upstream serves on volumes that need services this deployment lacks so far
/// (Glance, migrations, replication, the image-metadata extension).
const NOT_YET: [&str; 11] = [
    "os-volume_upload_image",
    "os-migrate_volume",
    "os-migrate_volume_completion",
    "os-extend_volume_completion",
    "os-force_detach",
    "os-unmanage",
    "revert",
    "os-reimage",
    "os-set_image_metadata",
    "os-unset_image_metadata",
    "os-show_image_metadata",
];

/// Connects `POST /volumes/{id}/action`.
pub fn connect(m: &mut Mapper<Handler<ApiState>>) {
    m.connect(
        Method::POST,
        "/volumes/{id}/action",
        "action",
        crate::handler!(action),
    );
}

/// Every volume action served, by body key.
fn actions() -> Vec<(&'static str, Handler<ApiState>)> {
    let mut table: Vec<(&'static str, Handler<ApiState>)> = vec![
        ("os-attach", crate::handler!(attach)),
        ("os-detach", crate::handler!(detach)),
        ("os-reserve", crate::handler!(reserve)),
        ("os-unreserve", crate::handler!(unreserve)),
        ("os-begin_detaching", crate::handler!(begin_detaching)),
        ("os-roll_detaching", crate::handler!(roll_detaching)),
        (
            "os-initialize_connection",
            crate::handler!(initialize_connection),
        ),
        (
            "os-terminate_connection",
            crate::handler!(terminate_connection),
        ),
        ("os-extend", crate::handler!(extend)),
        ("os-update_readonly_flag", crate::handler!(readonly_update)),
        ("os-retype", crate::handler!(retype)),
        ("os-set_bootable", crate::handler!(set_bootable)),
    ];
    table.extend(super::admin_actions::volume_actions());
    table
}

/// `action_peek_json` and the method lookup: the action a body names, or upstream's refusal.
fn action_name(req: &ApiRequest) -> Result<String, CinderError> {
    let malformed = || CinderError::bad_request("Malformed request body");
    let no_such = |name: &str| {
        CinderError::bad_request(format!(
            "There is no such action: {name}. Verify the request body and Content-Type header \
             and try again."
        ))
    };
    // `len()` of something that has none, or `.keys()` of something that is no dict.
    let not_found = || CinderError::http(StatusCode::NOT_FOUND, "The resource could not be found.");
    match &req.body {
        // No Content-Type: no deserializer, so no action (`None`); an empty JSON body is
        // no JSON at all.
        None if req.headers.contains_key(CONTENT_TYPE) => Err(malformed()),
        None => Err(no_such("None")),
        Some(Value::Object(o)) if o.len() == 1 => Ok(o.keys().next().cloned().unwrap_or_default()),
        Some(Value::Object(_)) => Err(malformed()),
        Some(Value::Array(a)) if a.len() != 1 => Err(malformed()),
        Some(Value::String(s)) if s.chars().count() != 1 => Err(malformed()),
        Some(_) => Err(not_found()),
    }
}

async fn action(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let name = action_name(&req)?;
    if let Some((_, handler)) = actions().into_iter().find(|(n, _)| *n == name) {
        return handler(state, req).await;
    }
    if NOT_YET.contains(&name.as_str()) {
        return Err(CinderError::http(
            StatusCode::NOT_IMPLEMENTED,
            format!("The volume action {name} is not available in this deployment yet."),
        ));
    }
    Err(CinderError::bad_request(format!(
        "There is no such action: {name}. Verify the request body and Content-Type header and \
         try again."
    )))
}

/// Validates the body against `schema` and returns the action's value.
fn args<'a>(req: &'a ApiRequest, schema: &Value, name: &str) -> Result<&'a Value, CinderError> {
    let body = req.require_body()?;
    schemas::validate(schema, body)?;
    Ok(body.get(name).unwrap_or(&Value::Null))
}

fn str_arg(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

/// `strutils.bool_from_string(value, strict=True)` after the schema allowed the value.
fn strict_bool(v: Option<&Value>) -> Result<bool, CinderError> {
    match v {
        Some(Value::Bool(b)) => Ok(*b),
        Some(Value::String(s)) => match s.trim().to_ascii_lowercase().as_str() {
            "1" | "t" | "true" | "on" | "y" | "yes" => Ok(true),
            "0" | "f" | "false" | "off" | "n" | "no" => Ok(false),
            _ => Err(CinderError::Internal(format!(
                "Unrecognized value '{s}', acceptable values are: '0', '1', 'f', 'false', \
                 'n', 'no', 'off', 'on', 't', 'true', 'y', 'yes'"
            ))),
        },
        _ => Err(CinderError::Internal(
            "a boolean the schema let through".into(),
        )),
    }
}

fn accepted() -> ApiResult {
    Ok(ApiResponse::empty(StatusCode::ACCEPTED))
}

async fn attach(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let a = args(&req, &schema::attach(), "os-attach")?;
    let request = AttachRequest {
        instance_uuid: str_arg(a, "instance_uuid"),
        host_name: str_arg(a, "host_name"),
        mountpoint: str_arg(a, "mountpoint").unwrap_or_default(),
        mode: str_arg(a, "mode").unwrap_or_else(|| "rw".to_string()),
    };
    let ctx = state.context(&req.ctx);
    let vol = volume_api::get(&state, &ctx, req.param("id")).await?;
    actions::attach(&state, &ctx, &vol, &request).await?;
    accepted()
}

async fn detach(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let a = args(&req, &schema::detach(), "os-detach")?.clone();
    let ctx = state.context(&req.ctx);
    let vol = volume_api::get(&state, &ctx, req.param("id")).await?;
    // The schema allows `null`, on which upstream's `body['os-detach'].get(...)` fails (500).
    if a.is_null() {
        return Err(CinderError::Internal(
            "'NoneType' object has no attribute 'get'".into(),
        ));
    }
    let attachment_id = str_arg(&a, "attachment_id");
    actions::detach(&state, &ctx, &vol, attachment_id.as_deref()).await?;
    accepted()
}

async fn reserve(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    args(&req, &schema::reserve(), "os-reserve")?;
    let ctx = state.context(&req.ctx);
    let vol = volume_api::get(&state, &ctx, req.param("id")).await?;
    actions::reserve(&state, &ctx, &vol).await?;
    accepted()
}

async fn unreserve(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    args(&req, &schema::unreserve(), "os-unreserve")?;
    let ctx = state.context(&req.ctx);
    let vol = volume_api::get(&state, &ctx, req.param("id")).await?;
    actions::unreserve(&state, &ctx, &vol).await?;
    accepted()
}

async fn begin_detaching(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    args(&req, &schema::begin_detaching(), "os-begin_detaching")?;
    let ctx = state.context(&req.ctx);
    let vol = volume_api::get(&state, &ctx, req.param("id")).await?;
    actions::begin_detaching(&state, &ctx, &vol).await?;
    accepted()
}

async fn roll_detaching(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    args(&req, &schema::roll_detaching(), "os-roll_detaching")?;
    let ctx = state.context(&req.ctx);
    let vol = volume_api::get(&state, &ctx, req.param("id")).await?;
    actions::roll_detaching(&state, &ctx, &vol).await?;
    accepted()
}

async fn initialize_connection(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let a = args(
        &req,
        &schema::initialize_connection(),
        "os-initialize_connection",
    )?;
    let connector = a.get("connector").cloned().unwrap_or(Value::Null);
    let ctx = state.context(&req.ctx);
    let vol = volume_api::get(&state, &ctx, req.param("id")).await?;
    let mut info = actions::initialize_connection(&state, &ctx, &vol).await?;
    // `connector.get(...)` upstream: a string connector fails there (500).
    let enforce = match &connector {
        Value::Object(c) => c.get("enforce_multipath").cloned().unwrap_or(json!(false)),
        _ => {
            return Err(CinderError::Internal(
                "'str' object has no attribute 'get'".into(),
            ))
        }
    };
    info["enforce_multipath"] = enforce;
    Ok(ApiResponse::json(
        StatusCode::OK,
        json!({ "connection_info": info }),
    ))
}

async fn terminate_connection(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    args(
        &req,
        &schema::terminate_connection(),
        "os-terminate_connection",
    )?;
    let ctx = state.context(&req.ctx);
    let vol = volume_api::get(&state, &ctx, req.param("id")).await?;
    actions::terminate_connection(&state, &ctx, &vol).await?;
    accepted()
}

async fn extend(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let a = args(&req, &schema::extend(), "os-extend")?;
    let new_size = match a.get("new_size") {
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) => s.parse::<i64>().ok(),
        _ => None,
    }
    .ok_or_else(|| CinderError::Internal("a new_size the schema let through".into()))?;
    let ctx = state.context(&req.ctx);
    let vol = volume_api::get(&state, &ctx, req.param("id")).await?;
    let attached = req.version >= EXTEND_INUSE && vol.status.as_deref() == Some("in-use");
    actions::extend(&state, &ctx, &vol, new_size, attached).await?;
    accepted()
}

async fn readonly_update(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let a = args(
        &req,
        &schema::volume_readonly_update(),
        "os-update_readonly_flag",
    )?;
    let flag = strict_bool(a.get("readonly"))?;
    let ctx = state.context(&req.ctx);
    let vol = volume_api::get(&state, &ctx, req.param("id")).await?;
    actions::update_readonly_flag(&state, &ctx, &vol, flag).await?;
    accepted()
}

async fn retype(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let a = args(&req, &schema::retype(), "os-retype")?;
    let new_type = str_arg(a, "new_type").unwrap_or_default();
    let ctx = state.context(&req.ctx);
    let vol = volume_api::get(&state, &ctx, req.param("id")).await?;
    actions::retype(&state, &ctx, &vol, &new_type).await?;
    accepted()
}

async fn set_bootable(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let a = args(&req, &schema::set_bootable(), "os-set_bootable")?;
    let bootable = strict_bool(a.get("bootable"))?;
    let ctx = state.context(&req.ctx);
    let vol = volume_api::get(&state, &ctx, req.param("id")).await?;
    actions::set_bootable(&state, &ctx, &vol, bootable).await?;
    Ok(ApiResponse::empty(StatusCode::OK))
}
