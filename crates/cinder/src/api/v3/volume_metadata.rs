//! The volume metadata controller (`cinder/api/v3/volume_metadata.py`): list, merge (`POST`),
//! replace (`PUT`), and one key's show, set and delete under `/volumes/{id}/metadata`. From
//! 3.15 a list carries an `Etag` (the MD5 of its JSON body) and the two `PUT`s honour
//! `If-Match` with an empty 412 when the metadata changed meanwhile.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use http::header::CONTENT_TYPE;
use http::{HeaderValue, Method, StatusCode};
use md5::{Digest, Md5};
use openstack_http::fault::to_python_json;
use regex::Regex;
use serde_json::{json, Value};

use super::state::ApiState;
use crate::api::openstack::api_version_request::ApiVersion;
use crate::api::openstack::router::Mapper;
use crate::api::openstack::wsgi::{ApiRequest, ApiResponse, ApiResult, Handler};
use crate::api::schemas;
use crate::exception::CinderError;
use crate::volume::api as volume_api;
use crate::volume::metadata::{self, Write};

/// `mv.ETAGS`.
const ETAGS: ApiVersion = ApiVersion {
    major: 3,
    minor: 15,
};

/// Connects the volume metadata routes.
pub fn connect(m: &mut Mapper<Handler<ApiState>>) {
    let all = "/volumes/{volume_id}/metadata";
    let one = "/volumes/{volume_id}/metadata/{key}";
    m.connect(Method::GET, all, "index", crate::handler!(index));
    m.connect(Method::POST, all, "create", crate::handler!(create));
    m.connect(Method::PUT, all, "update_all", crate::handler!(update_all));
    m.connect(Method::GET, one, "show", crate::handler!(show));
    m.connect(Method::PUT, one, "update", crate::handler!(update));
    m.connect(Method::DELETE, one, "delete", crate::handler!(delete));
}

/// The Etag of a metadata listing: MD5 of `json.dumps({"metadata": ...})`.
fn etag(md: &BTreeMap<String, String>) -> String {
    let body = to_python_json(&json!({ "metadata": md }));
    let digest = Md5::digest(body.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// webob's `If-Match` (strong entity tags): absent, empty or `*` matches anything (`None`);
/// else the quoted, non-weak tags of the header.
fn if_match_tags(req: &ApiRequest) -> Option<Vec<String>> {
    let raw = req.headers.get(http::header::IF_MATCH)?.to_str().ok()?;
    parse_if_match(raw)
}

fn parse_if_match(raw: &str) -> Option<Vec<String>> {
    static TAG: OnceLock<Option<Regex>> = OnceLock::new();
    if raw.is_empty() || raw == "*" {
        return None;
    }
    let re = TAG
        .get_or_init(|| Regex::new(r#"(?:^|\s)(W/)?"((?:\\"|[^"])+)""#).ok())
        .as_ref()?;
    Some(
        re.captures_iter(raw)
            .filter(|c| c.get(1).is_none())
            .filter_map(|c| c.get(2).map(|m| m.as_str().to_string()))
            .collect(),
    )
}

/// `_validate_etag`: whether a conditional `PUT` may go on.
async fn etag_matches(state: &ApiState, req: &ApiRequest) -> Result<bool, CinderError> {
    if req.version < ETAGS {
        return Ok(true);
    }
    let Some(tags) = if_match_tags(req) else {
        return Ok(true);
    };
    let ctx = state.context(&req.ctx);
    let vol = volume_api::get(state, &ctx, req.param("volume_id")).await?;
    let md = metadata::get(state, &ctx, &vol).await?;
    Ok(tags.contains(&etag(&md)))
}

/// A refused conditional request: webob's bare `Response(status_int=412)`.
fn precondition_failed() -> ApiResponse {
    ApiResponse::empty(StatusCode::PRECONDITION_FAILED)
}

fn string_map(v: Option<&Value>) -> BTreeMap<String, String> {
    v.and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| {
                    let s = v.as_str().map_or_else(|| v.to_string(), str::to_string);
                    (k.clone(), s)
                })
                .collect()
        })
        .unwrap_or_default()
}

async fn index(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let ctx = state.context(&req.ctx);
    let vol = volume_api::get(&state, &ctx, req.param("volume_id")).await?;
    let md = metadata::get(&state, &ctx, &vol).await?;
    let mut resp = ApiResponse::json(StatusCode::OK, json!({ "metadata": md }));
    if req.version >= ETAGS {
        if let Ok(v) = HeaderValue::from_str(&etag(&md)) {
            resp.headers.insert(http::header::ETAG, v);
        }
        // Upstream answers with a bare webob Response here, whose default type this is.
        resp.headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=UTF-8"),
        );
    }
    Ok(resp)
}

async fn create(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let ctx = state.context(&req.ctx);
    let body = req.require_body()?;
    schemas::validate(&schemas::volume_metadata::create(), body)?;
    let md = string_map(body.get("metadata"));
    let vol = volume_api::get(&state, &ctx, req.param("volume_id")).await?;
    let out = metadata::update(&state, &ctx, &vol, &md, Write::Create).await?;
    Ok(ApiResponse::json(
        StatusCode::OK,
        json!({ "metadata": out }),
    ))
}

async fn update_all(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let ctx = state.context(&req.ctx);
    let body = req.require_body()?;
    schemas::validate(&schemas::volume_metadata::create(), body)?;
    if !etag_matches(&state, &req).await? {
        return Ok(precondition_failed());
    }
    let md = string_map(body.get("metadata"));
    let vol = volume_api::get(&state, &ctx, req.param("volume_id")).await?;
    let out = metadata::update(&state, &ctx, &vol, &md, Write::Replace).await?;
    Ok(ApiResponse::json(
        StatusCode::OK,
        json!({ "metadata": out }),
    ))
}

async fn show(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let ctx = state.context(&req.ctx);
    let (volume_id, key) = (req.param("volume_id"), req.param("key"));
    let vol = volume_api::get(&state, &ctx, volume_id).await?;
    let md = metadata::get(&state, &ctx, &vol).await?;
    match md.get(key) {
        Some(v) => Ok(ApiResponse::json(
            StatusCode::OK,
            json!({ "meta": { key: v } }),
        )),
        None => Err(CinderError::VolumeMetadataNotFound {
            volume_id: volume_id.to_string(),
            key: key.to_string(),
        }),
    }
}

async fn update(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let ctx = state.context(&req.ctx);
    let body = req.require_body()?;
    schemas::validate(&schemas::volume_metadata::update(), body)?;
    if !etag_matches(&state, &req).await? {
        return Ok(precondition_failed());
    }
    let item = string_map(body.get("meta"));
    let key = req.param("key");
    if !item.contains_key(key) {
        return Err(CinderError::bad_request("Request body and URI mismatch"));
    }
    if item.len() > 1 {
        return Err(CinderError::bad_request(
            "Request body contains too many items",
        ));
    }
    let vol = volume_api::get(&state, &ctx, req.param("volume_id")).await?;
    metadata::update(&state, &ctx, &vol, &item, Write::Merge).await?;
    Ok(ApiResponse::json(StatusCode::OK, json!({ "meta": item })))
}

async fn delete(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let ctx = state.context(&req.ctx);
    let (volume_id, key) = (req.param("volume_id"), req.param("key"));
    let vol = volume_api::get(&state, &ctx, volume_id).await?;
    let md = metadata::get(&state, &ctx, &vol).await?;
    if !md.contains_key(key) {
        return Err(CinderError::VolumeMetadataNotFound {
            volume_id: volume_id.to_string(),
            key: key.to_string(),
        });
    }
    metadata::delete(&state, &ctx, &vol, key).await?;
    Ok(ApiResponse::empty(StatusCode::OK))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etag_is_the_md5_of_pythons_json() {
        // hashlib.md5(json.dumps({"metadata": ...}).encode()).hexdigest()
        assert_eq!(etag(&BTreeMap::new()), "28ea041cc3f26b287319d2de3c107b50");
        let md: BTreeMap<String, String> = [("a", "b"), ("k", "v")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(etag(&md), "81987633246effb644b7088fcb946b25");
    }

    #[test]
    fn if_match_reads_strong_quoted_tags_like_webob() {
        assert_eq!(parse_if_match("*"), None);
        assert_eq!(parse_if_match(""), None);
        assert_eq!(
            parse_if_match(r#""a", W/"b", "c""#),
            Some(vec!["a".to_string(), "c".to_string()])
        );
        assert_eq!(parse_if_match("abc"), Some(vec![]));
    }
}
