//! Volume type extra specs (`cinder/api/contrib/types_extra_specs.py`): list, add, show,
//! update and delete under `/types/{type_id}/extra_specs`. Callers without
//! `read_sensitive` see only the user-visible specs; the specs of a type that volumes use
//! are frozen (400), as are `multiattach` together with `cacheable`.

use std::collections::BTreeMap;
use std::sync::Arc;

use http::{Method, StatusCode};
use openstack_service::policy::Target;
use serde_json::{json, Map, Value};

use crate::api::openstack::router::Mapper;
use crate::api::openstack::wsgi::{ApiRequest, ApiResponse, ApiResult, Handler};
use crate::api::schemas::{self, types_extra_specs as schema};
use crate::api::v3::state::{write, ApiState};
use crate::api::v3::types::{allowed, read};
use crate::api::v3::views::types::visible_specs;
use crate::db::api::volume_types as db;
use crate::exception::CinderError;
use crate::policies::type_extra_specs as policy;
use crate::volume::volume_types::{self, VolumeType};

/// Connects the extra-spec routes.
pub fn connect(m: &mut Mapper<Handler<ApiState>>) {
    let base = "/types/{type_id}/extra_specs";
    let item = "/types/{type_id}/extra_specs/{id}";
    m.connect(Method::GET, base, "index", crate::handler!(index));
    m.connect(Method::POST, base, "create", crate::handler!(create));
    m.connect(Method::GET, item, "show", crate::handler!(show));
    m.connect(Method::PUT, item, "update", crate::handler!(update));
    m.connect(Method::DELETE, item, "delete", crate::handler!(delete));
}

/// The type as the caller may see it (`_check_type`), else 404.
async fn check_type(state: &ApiState, req: &ApiRequest) -> Result<VolumeType, CinderError> {
    let ctx = state.context(&req.ctx);
    let type_id = req.param("type_id").to_string();
    let db = state.db().await?;
    read(db, |tx| {
        let (ctx, type_id) = (Arc::clone(&ctx), type_id.clone());
        Box::pin(async move { volume_types::get(tx, &ctx, &type_id).await })
    })
    .await
}

fn authorize(state: &ApiState, req: &ApiRequest, rule: &str) -> Result<(), CinderError> {
    let ctx = state.context(&req.ctx);
    state.authorize(&ctx, rule, &Target::from_context(&ctx))
}

/// The specs of `vt` the caller may read.
fn readable(state: &ApiState, req: &ApiRequest, vt: &VolumeType) -> Value {
    let ctx = state.context(&req.ctx);
    visible_specs(vt, allowed(state, &ctx, policy::READ_SENSITIVE_POLICY))
}

async fn index(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    authorize(&state, &req, policy::GET_ALL_POLICY)?;
    let vt = check_type(&state, &req).await?;
    Ok(ApiResponse::json(
        StatusCode::OK,
        json!({"extra_specs": readable(&state, &req, &vt)}),
    ))
}

async fn show(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    authorize(&state, &req, policy::GET_POLICY)?;
    let vt = check_type(&state, &req).await?;
    let key = req.param("id");
    match readable(&state, &req, &vt).get(key) {
        Some(value) => {
            let mut body = Map::new();
            body.insert(key.to_string(), value.clone());
            Ok(ApiResponse::json(StatusCode::OK, Value::Object(body)))
        }
        None => Err(CinderError::VolumeTypeExtraSpecsNotFound {
            volume_type_id: req.param("type_id").to_string(),
            key: key.to_string(),
        }),
    }
}

/// `_allow_update`: no spec changes while volumes have the type.
async fn allow_update(state: &ApiState, req: &ApiRequest) -> Result<(), CinderError> {
    let type_id = req.param("type_id").to_string();
    let db = state.db().await?;
    let in_use = read(db, |tx| {
        let type_id = type_id.clone();
        Box::pin(async move { Ok(db::volumes_with_type_exist(tx, &type_id).await?) })
    })
    .await?;
    if in_use {
        return Err(CinderError::bad_request("Volume Type is currently in use."));
    }
    Ok(())
}

const IS_TRUE: &str = "<is> True";

/// `_check_cacheable`: `multiattach` and `cacheable` never both `<is> True`, counting the
/// type's current specs.
fn check_cacheable(new: &Map<String, Value>, current: &VolumeType) -> Result<(), CinderError> {
    let new_is = |k: &str| new.get(k).and_then(Value::as_str) == Some(IS_TRUE);
    let old_is = |k: &str| current.extra_spec(k) == Some(IS_TRUE);
    if (new_is("multiattach") && old_is("cacheable"))
        || (new_is("cacheable") && old_is("multiattach"))
        || (new_is("cacheable") && new_is("multiattach"))
    {
        return Err(CinderError::bad_request(
            "cacheable cannot be set with multiattach.",
        ));
    }
    Ok(())
}

fn specs_of(obj: &Map<String, Value>) -> BTreeMap<String, Option<String>> {
    obj.iter()
        .map(|(k, v)| (k.clone(), v.as_str().map(str::to_string)))
        .collect()
}

async fn save(
    state: &ApiState,
    type_id: &str,
    specs: BTreeMap<String, Option<String>>,
) -> Result<(), CinderError> {
    let db = state.db().await?;
    write(db, |tx| {
        let (type_id, specs) = (type_id.to_string(), specs.clone());
        Box::pin(async move {
            db::extra_specs_update_or_create(tx, &type_id, &specs).await?;
            Ok(())
        })
    })
    .await
}

async fn create(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let body = req.require_body()?;
    schemas::validate(&schema::create(), body)?;
    authorize(&state, &req, policy::CREATE_POLICY)?;
    allow_update(&state, &req).await?;
    let vt = check_type(&state, &req).await?;
    let empty = Map::new();
    let specs = body["extra_specs"].as_object().unwrap_or(&empty);
    check_cacheable(specs, &vt)?;
    save(&state, &vt.id, specs_of(specs)).await?;
    Ok(ApiResponse::json(StatusCode::OK, body.clone()))
}

async fn update(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let body = req.require_body()?;
    schemas::validate(&schema::update(), body)?;
    authorize(&state, &req, policy::UPDATE_POLICY)?;
    allow_update(&state, &req).await?;
    let vt = check_type(&state, &req).await?;
    let empty = Map::new();
    let specs = body.as_object().unwrap_or(&empty);
    if !specs.contains_key(req.param("id")) {
        return Err(CinderError::bad_request("Request body and URI mismatch"));
    }
    save(&state, &vt.id, specs_of(specs)).await?;
    Ok(ApiResponse::json(StatusCode::OK, body.clone()))
}

async fn delete(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let vt = check_type(&state, &req).await?;
    authorize(&state, &req, policy::DELETE_POLICY)?;
    allow_update(&state, &req).await?;
    let key = req.param("id").to_string();
    let db = state.db().await?;
    write(db, |tx| {
        let (type_id, key) = (vt.id.clone(), key.clone());
        Box::pin(async move {
            if db::extra_spec_delete(tx, &type_id, &key).await? {
                Ok(())
            } else {
                Err(CinderError::VolumeTypeExtraSpecsNotFound {
                    volume_type_id: type_id,
                    key,
                })
            }
        })
    })
    .await?;
    Ok(ApiResponse::empty(StatusCode::ACCEPTED))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vt(specs: &[(&str, &str)]) -> VolumeType {
        VolumeType {
            id: "t".into(),
            name: "t".into(),
            description: None,
            is_public: true,
            qos_specs_id: None,
            extra_specs: specs
                .iter()
                .map(|(k, v)| (k.to_string(), Some(v.to_string())))
                .collect(),
            created_at: None,
            updated_at: None,
            deleted_at: None,
            deleted: false,
        }
    }

    fn specs(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn multiattach_and_cacheable_exclude_each_other() {
        let refused =
            |new: Value, old: &[(&str, &str)]| check_cacheable(&specs(new), &vt(old)).is_err();
        assert!(refused(
            json!({"multiattach": "<is> True"}),
            &[("cacheable", "<is> True")]
        ));
        assert!(refused(
            json!({"cacheable": "<is> True"}),
            &[("multiattach", "<is> True")]
        ));
        assert!(refused(
            json!({"cacheable": "<is> True", "multiattach": "<is> True"}),
            &[]
        ));
        assert!(!refused(
            json!({"cacheable": "<is> True"}),
            &[("multiattach", "False")]
        ));
        assert!(!refused(json!({"multiattach": "<is> True"}), &[]));
    }
}
