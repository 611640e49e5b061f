//! Quota sets (`cinder/api/contrib/quotas.py`): a project's limits — shown with or without
//! usage, changed, reset to the defaults — and the defaults themselves.
//!
//! - `GET /os-quota-sets/{project}[?usage=true]` → `{"quota_set": {..., "id": project}}`
//! - `GET /os-quota-sets/{project}/defaults` → the same shape with the default limits
//! - `PUT /os-quota-sets/{project}` → `{"quota_set": {...}}` (no `id`)
//! - `DELETE /os-quota-sets/{project}` → 200, empty (the project's own limits soft-deleted)

use std::sync::Arc;

use http::{Method, StatusCode};
use openstack_db::Transaction;
use openstack_http::validation::python::int_from_str;
use openstack_service::policy::Target;
use serde_json::{json, Map, Value};

use crate::api::openstack::router::Mapper;
use crate::api::openstack::wsgi::{ApiRequest, ApiResponse, ApiResult, Handler};
use crate::api::schemas::{self, QuotaResources};
use crate::api::v3::state::{self, ApiState};
use crate::db::api::quotas as db;
use crate::exception::CinderError;
use crate::policies::quotas as policy;
use crate::quota::Quotas;

/// `cinder.quota.NON_QUOTA_KEYS`: keys a quota-set body may carry that are not resources.
const NON_QUOTA_KEYS: [&str; 2] = ["tenant_id", "id"];

/// Connects the `os-quota-sets` routes.
pub fn connect(m: &mut Mapper<Handler<ApiState>>) {
    m.connect(
        Method::GET,
        "/os-quota-sets/{id}",
        "show",
        crate::handler!(show),
    );
    m.connect(
        Method::PUT,
        "/os-quota-sets/{id}",
        "update",
        crate::handler!(update),
    );
    m.connect(
        Method::DELETE,
        "/os-quota-sets/{id}",
        "delete",
        crate::handler!(delete),
    );
    m.connect(
        Method::GET,
        "/os-quota-sets/{id}/defaults",
        "defaults",
        crate::handler!(defaults),
    );
}

/// `show`: the project's limits, or with `usage=true` each as `{limit, in_use, reserved}`.
pub async fn show(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let ctx = state.context(&req.ctx);
    let project_id = req.param("id").to_string();
    state.authorize(&ctx, policy::SHOW_POLICY, &project_target(&project_id))?;
    let usage = match last_query_value(&req, "usage") {
        Some(v) => get_bool_param("usage", v)?,
        None => false,
    };
    let db = state.db().await?;
    let mut tx = db.begin_read().await?;
    let quotas = state
        .quotas
        .get_project_quotas(&mut tx, &project_id, true)
        .await;
    let _ = tx.rollback().await;
    let mut set = Map::new();
    for (name, q) in quotas? {
        let value = if usage {
            json!({"limit": q.limit, "in_use": q.in_use, "reserved": q.reserved})
        } else {
            json!(q.limit)
        };
        set.insert(name, value);
    }
    Ok(format_quota_set(&project_id, set))
}

/// `defaults`: the limits a project without its own gets.
pub async fn defaults(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let ctx = state.context(&req.ctx);
    let project_id = req.param("id").to_string();
    state.authorize(&ctx, policy::SHOW_POLICY, &project_target(&project_id))?;
    let db = state.db().await?;
    let mut tx = db.begin_read().await?;
    let defaults = state.quotas.get_defaults(&mut tx).await;
    let _ = tx.rollback().await;
    let set = defaults?
        .into_iter()
        .map(|(name, limit)| (name, json!(limit)))
        .collect();
    Ok(format_quota_set(&project_id, set))
}

/// `update`: sets the project's limits. A limit below what the project already holds is
/// refused (except -1 and `per_volume_gigabytes`) for the resources the project already has
/// its own limit for, as upstream checks it.
pub async fn update(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let ctx = state.context(&req.ctx);
    let project_id = req.param("id").to_string();
    let body = req.body.clone().unwrap_or(Value::Null);
    let db = state.db().await?;
    // `@validation.schema` runs before the method: the body first, then the policy.
    let resources = quota_resources(&state.quotas, db).await?;
    schemas::validate_with_quotas(&schemas::quotas::update(), &body, resources)?;
    state.authorize(&ctx, policy::UPDATE_POLICY, &project_target(&project_id))?;
    validate_string_length(&project_id, "quota_set_name", 1, 255)?;

    let mut wanted: Vec<(String, i64)> = Vec::new();
    if let Some(set) = body.get("quota_set").and_then(Value::as_object) {
        for (key, value) in set {
            if NON_QUOTA_KEYS.contains(&key.as_str()) {
                continue;
            }
            wanted.push((key.clone(), quota_int(key, value)?));
        }
    }
    let quotas = &state.quotas;
    let project = project_id.as_str();
    let wanted = &wanted;
    let limits = state::write(db, |tx| {
        Box::pin(async move {
            let current = quotas.get_project_quotas(tx, project, false).await?;
            for (key, limit) in wanted {
                if key == "per_volume_gigabytes" || *limit == -1 {
                    continue;
                }
                let used = current
                    .iter()
                    .find(|(name, _)| name == key)
                    .map_or(0, |(_, q)| q.in_use + q.reserved);
                if *limit < used {
                    return Err(CinderError::bad_request(format!(
                        "Quota {key} limit must be equal or greater than existing resources. \
                         Current usage is {used} and the requested limit is {limit}."
                    )));
                }
            }
            for (key, limit) in wanted {
                db::quota_set(tx, project, key, *limit).await?;
            }
            limits_only(quotas, tx, project).await
        })
    })
    .await?;
    Ok(ApiResponse::json(
        StatusCode::OK,
        json!({"quota_set": Value::Object(limits)}),
    ))
}

/// `delete`: the project's own limits are soft-deleted; it falls back to the defaults.
pub async fn delete(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let ctx = state.context(&req.ctx);
    let project_id = req.param("id").to_string();
    state.authorize(&ctx, policy::DELETE_POLICY, &project_target(&project_id))?;
    let db = state.db().await?;
    let project = project_id.as_str();
    state::write(db, |tx| {
        Box::pin(async move {
            db::quota_destroy_by_project(tx, project).await?;
            Ok(())
        })
    })
    .await?;
    Ok(ApiResponse::empty(StatusCode::OK))
}

/// The policy target of a quota call: the project acted on.
fn project_target(project_id: &str) -> Target {
    Target::new().with("project_id", project_id)
}

/// `_format_quota_set`: the set with `id` last.
fn format_quota_set(project_id: &str, mut set: Map<String, Value>) -> ApiResponse {
    set.insert("id".to_string(), json!(project_id));
    ApiResponse::json(StatusCode::OK, json!({ "quota_set": Value::Object(set) }))
}

/// Every resource's limit for `project_id`.
async fn limits_only(
    quotas: &Quotas,
    tx: &mut Transaction<'_>,
    project_id: &str,
) -> Result<Map<String, Value>, CinderError> {
    Ok(quotas
        .get_project_quotas(tx, project_id, true)
        .await?
        .into_iter()
        .map(|(name, q)| (name, json!(q.limit)))
        .collect())
}

/// The quota resources of the moment, for the `quota_set` / `quota_class_set` formats.
pub(crate) async fn quota_resources(
    quotas: &Quotas,
    db: &openstack_db::Database,
) -> Result<QuotaResources, CinderError> {
    let mut tx = db.begin_read().await?;
    let names = quotas.volume_type_names(&mut tx).await;
    let _ = tx.rollback().await;
    Ok(QuotaResources::with_volume_types(
        names?.iter().map(String::as_str),
    ))
}

/// A limit of a validated body: an integer, or a string of one (`int(str(value))`).
pub(crate) fn quota_int(key: &str, value: &Value) -> Result<i64, CinderError> {
    let parsed = match value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => int_from_str(s).and_then(|i| i64::try_from(i.clamped()).ok()),
        _ => None,
    };
    parsed.ok_or_else(|| CinderError::bad_request(format!("{key} must be an integer")))
}

/// `Controller.validate_string_length`: 400 with `strutils.check_string_length`'s message.
pub(crate) fn validate_string_length(
    value: &str,
    name: &str,
    min: usize,
    max: usize,
) -> Result<(), CinderError> {
    let length = value.chars().count();
    let reason = if length < min {
        format!("{name} has {length} characters, less than {min}.")
    } else if length > max {
        format!("{name} has {length} characters, more than {max}.")
    } else {
        return Ok(());
    };
    Err(CinderError::bad_request(
        CinderError::InvalidInput(reason).to_string(),
    ))
}

/// webob's `params[name]`: the last value of a repeated query parameter.
pub(crate) fn last_query_value<'a>(req: &'a ApiRequest, name: &str) -> Option<&'a str> {
    req.query
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// `utils.get_bool_param`: oslo's boolean strings, else `InvalidParameterValue` (400).
fn get_bool_param(name: &str, value: &str) -> Result<bool, CinderError> {
    match value.to_lowercase().as_str() {
        "1" | "t" | "true" | "on" | "y" | "yes" => Ok(true),
        "0" | "f" | "false" | "off" | "n" | "no" => Ok(false),
        _ => Err(CinderError::InvalidParameterValue(format!(
            "Value '{value}' for '{name}' is not a boolean."
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bool_params_are_olsos() {
        assert_eq!(get_bool_param("usage", "True").ok(), Some(true));
        assert_eq!(get_bool_param("usage", "no").ok(), Some(false));
        let e = get_bool_param("usage", "maybe").expect_err("refused");
        assert_eq!(e.to_string(), "Value 'maybe' for 'usage' is not a boolean.");
        assert_eq!(e.status(), StatusCode::BAD_REQUEST);
    }

    #[test]
    fn string_lengths_are_checked_like_strutils() {
        assert!(validate_string_length("abc", "quota_set_name", 1, 255).is_ok());
        let e = validate_string_length(&"a".repeat(256), "quota_set_name", 1, 255)
            .expect_err("too long");
        assert_eq!(
            e.to_string(),
            "Invalid input received: quota_set_name has 256 characters, more than 255."
        );
    }

    #[test]
    fn limits_may_be_strings() {
        assert_eq!(quota_int("volumes", &json!(" 5 ")).ok(), Some(5));
        assert_eq!(quota_int("volumes", &json!(-1)).ok(), Some(-1));
        assert!(quota_int("volumes", &json!(1.5)).is_err());
    }
}
