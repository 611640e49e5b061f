//! Quota class sets (`cinder/api/contrib/quota_classes.py`): the limits of a quota class —
//! in practice class `default`, whose limits every project without its own gets.
//!
//! - `GET /os-quota-class-sets/{class}` → `{"quota_class_set": {..., "id": class}}`
//! - `PUT /os-quota-class-sets/{class}` → `{"quota_class_set": {...}}` (no `id`)

use std::sync::Arc;

use http::{Method, StatusCode};
use openstack_http::fault::webob_explanation;
use openstack_service::policy::Target;
use serde_json::{json, Map, Value};

use super::quotas::{quota_int, quota_resources, validate_string_length};
use crate::api::openstack::router::Mapper;
use crate::api::openstack::wsgi::{ApiRequest, ApiResponse, ApiResult, Handler};
use crate::api::schemas;
use crate::api::v3::state::{self, ApiState};
use crate::db::api::quotas as db;
use crate::exception::CinderError;
use crate::policies::quota_class as policy;

/// Connects the `os-quota-class-sets` routes.
pub fn connect(m: &mut Mapper<Handler<ApiState>>) {
    m.connect(
        Method::GET,
        "/os-quota-class-sets/{id}",
        "show",
        crate::handler!(show),
    );
    m.connect(
        Method::PUT,
        "/os-quota-class-sets/{id}",
        "update",
        crate::handler!(update),
    );
}

/// `show`: the class's limits, else the `default` class's, else the options.
pub async fn show(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let ctx = state.context(&req.ctx);
    let class_name = req.param("id").to_string();
    state.authorize(&ctx, policy::GET_POLICY, &Target::from_context(&ctx))?;
    // `authorize_quota_class_context`: a plain user may only see its own quota class, and
    // the contexts cinder builds carry none.
    if !ctx.is_admin && ctx.user_id.is_some() && ctx.project_id.is_some() {
        return Err(CinderError::http(
            StatusCode::FORBIDDEN,
            webob_explanation(StatusCode::FORBIDDEN),
        ));
    }
    let db = state.db().await?;
    let mut tx = db.begin_read().await?;
    let limits = state.quotas.get_class_quotas(&mut tx, &class_name).await;
    let _ = tx.rollback().await;
    let mut set: Map<String, Value> = limits?
        .into_iter()
        .map(|(name, limit)| (name, json!(limit)))
        .collect();
    set.insert("id".to_string(), json!(class_name));
    Ok(ApiResponse::json(
        StatusCode::OK,
        json!({"quota_class_set": Value::Object(set)}),
    ))
}

/// `update`: sets the class's limits (rows created as needed).
pub async fn update(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let ctx = state.context(&req.ctx);
    let class_name = req.param("id").to_string();
    let body = req.body.clone().unwrap_or(Value::Null);
    let db = state.db().await?;
    let resources = quota_resources(&state.quotas, db).await?;
    schemas::validate_with_quotas(
        &schemas::quota_classes::update_quota_class(),
        &body,
        resources,
    )?;
    state.authorize(&ctx, policy::UPDATE_POLICY, &Target::from_context(&ctx))?;
    validate_string_length(&class_name, "quota_class_name", 1, 255)?;

    let mut wanted: Vec<(String, i64)> = Vec::new();
    if let Some(set) = body.get("quota_class_set").and_then(Value::as_object) {
        for (key, value) in set {
            wanted.push((key.clone(), quota_int(key, value)?));
        }
    }
    let quotas = &state.quotas;
    let class = class_name.as_str();
    let wanted = &wanted;
    let limits = state::write(db, |tx| {
        Box::pin(async move {
            for (key, limit) in wanted {
                db::quota_class_set(tx, class, key, *limit).await?;
            }
            quotas.get_class_quotas(tx, class).await
        })
    })
    .await?;
    let set: Map<String, Value> = limits
        .into_iter()
        .map(|(name, limit)| (name, json!(limit)))
        .collect();
    Ok(ApiResponse::json(
        StatusCode::OK,
        json!({"quota_class_set": Value::Object(set)}),
    ))
}
