//! The snapshots controller (`cinder/api/v3/snapshots.py`, with the
//! `os-extended-snapshot-attributes` extension): list, detail, show, create, update and
//! delete, with upstream's pagination, filters per microversion (3.22 metadata, 3.30 sort by
//! name, 3.31 configured filters, 3.34 `~` filters, 3.45 count, 3.65 `consumes_quota`) and
//! the 3.66 rule on `force`.

use std::collections::BTreeMap;
use std::sync::Arc;

use http::{Method, StatusCode};
use openstack_db::Value as DbValue;
use serde_json::{json, Map, Value};

use super::state::ApiState;
use super::views::snapshots::{detail as detail_view, summary};
use crate::api::common::{multidict, next_query, python_int, sort_keys_with_defaults};
use crate::api::openstack::api_version_request::ApiVersion;
use crate::api::openstack::router::Mapper;
use crate::api::openstack::wsgi::{ApiRequest, ApiResponse, ApiResult, Handler};
use crate::api::schemas;
use crate::db::api::pagination::SortKey;
use crate::db::api::snapshots::{SnapshotFilters, SnapshotRow, FILTER_COLUMNS};
use crate::exception::CinderError;
use crate::volume::snapshots::{self as snapshot_api, CreateRequest, ListQuery};

/// Connects the snapshot routes.
pub fn connect(m: &mut Mapper<Handler<ApiState>>) {
    m.connect(Method::GET, "/snapshots", "index", crate::handler!(index));
    m.connect(
        Method::GET,
        "/snapshots/detail",
        "detail",
        crate::handler!(detail),
    );
    m.connect(
        Method::POST,
        "/snapshots",
        "create",
        crate::handler!(create),
    );
    m.connect(
        Method::GET,
        "/snapshots/{id}",
        "show",
        crate::handler!(show),
    );
    m.connect(
        Method::PUT,
        "/snapshots/{id}",
        "update",
        crate::handler!(update),
    );
    m.connect(
        Method::DELETE,
        "/snapshots/{id}",
        "delete",
        crate::handler!(delete),
    );
}

fn v(minor: u32) -> ApiVersion {
    ApiVersion { major: 3, minor }
}

/// The text a 3.66+ create with `force=false` gets (sic: "compatability").
const SNAPSHOT_IN_USE_FLAG_MSG: &str = "Since microversion 3.66 the 'force' flag is invalid for \
     this request.  For backward compatability, however, when the 'force' flag is passed with \
     a value evaluating to True, it is silently ignored.";

/// `resource_filters.json`, snapshot: what a non-admin may filter on from 3.31.
const CONFIGURED_FILTERS: [&str; 6] = [
    "name",
    "status",
    "volume_id",
    "metadata",
    "availability_zone",
    "consumes_quota",
];

/// Before 3.31, what a non-admin may filter on (`_get_snapshot_filter_options`).
const LEGACY_USER_FILTERS: [&str; 4] = ["status", "volume_id", "name", "metadata"];

/// `2**31 - 1`, the largest offset upstream accepts.
const DB_MAX_INT: i64 = 0x7FFF_FFFF;

/// A list request after `get_sort_params`, `get_pagination_params` and filter processing.
struct ListParams {
    query: ListQuery,
    limit: i64,
    /// A filter no row can match (upstream returns an empty list without querying).
    impossible: bool,
}

/// `strutils.bool_from_string(strict=True)`; `None` for anything else.
fn strict_bool(raw: &str) -> Option<bool> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "1" | "t" | "true" | "on" | "y" | "yes" => Some(true),
        "0" | "f" | "false" | "off" | "n" | "no" => Some(false),
        _ => None,
    }
}

/// `utils.get_bool_param`.
fn bool_param(name: &str, raw: &str) -> Result<bool, CinderError> {
    strict_bool(raw).ok_or_else(|| {
        CinderError::InvalidParameterValue(format!("Value '{raw}' for '{name}' is not a boolean."))
    })
}

/// `metadata={'k': 'v'}`: a Python dict literal (`ast.literal_eval`); `None` when it is not one.
fn metadata_filter(raw: &str) -> Option<BTreeMap<String, String>> {
    let value: Value = serde_json::from_str(&raw.replace('\'', "\"")).ok()?;
    Some(
        value
            .as_object()?
            .iter()
            .map(|(k, val)| {
                let s = val.as_str().map_or_else(|| val.to_string(), str::to_string);
                (k.clone(), s)
            })
            .collect(),
    )
}

fn list_params(
    req: &ApiRequest,
    is_admin: bool,
    max_limit: i64,
) -> Result<ListParams, CinderError> {
    let mut params = multidict(&req.query);
    let mut take = |name: &str| {
        params
            .iter()
            .position(|(k, _)| k == name)
            .map(|i| params.remove(i).1)
    };
    // get_sort_params
    let (sort, sort_key, sort_dir) = (take("sort"), take("sort_key"), take("sort_dir"));
    let (mut keys, mut dirs) = (Vec::new(), Vec::new());
    match sort {
        Some(_) if sort_key.is_some() || sort_dir.is_some() => {
            return Err(CinderError::bad_request(
                "The 'sort_key' and 'sort_dir' parameters are deprecated and cannot be used \
                 with the 'sort' parameter.",
            ))
        }
        Some(sort) => {
            for item in sort.trim().split(',') {
                let (key, dir) = item.split_once(':').unwrap_or((item, ""));
                keys.push(key.trim().to_string());
                dirs.push(if dir.is_empty() { "desc" } else { dir }.trim().to_string());
            }
        }
        None => {
            keys.push(
                sort_key
                    .unwrap_or_else(|| "created_at".into())
                    .trim()
                    .into(),
            );
            dirs.push(sort_dir.unwrap_or_else(|| "desc".into()).trim().into());
        }
    }
    // get_pagination_params
    let limit = match take("limit") {
        None => max_limit,
        Some(raw) => {
            let n = python_int(&raw)
                .ok_or_else(|| CinderError::bad_request("limit param must be an integer"))?;
            if n < 0 {
                return Err(CinderError::bad_request("limit param must be positive"));
            }
            n.min(max_limit)
        }
    };
    let marker = take("marker");
    let offset = match take("offset") {
        None => 0,
        Some(raw) => {
            let n = python_int(&raw)
                .ok_or_else(|| CinderError::bad_request("offset must be an integer"))?;
            if n < 0 {
                return Err(CinderError::bad_request("offset must be >= 0"));
            }
            if n > DB_MAX_INT {
                return Err(CinderError::bad_request(format!(
                    "offset must be <= {DB_MAX_INT}"
                )));
            }
            n
        }
    };
    let mut with_count = false;
    if req.version >= v(45) {
        if let Some(raw) = take("with_count") {
            with_count = bool_param("with_count", &raw)?;
        }
    }
    let all_tenants = take("all_tenants");

    // _process_snapshot_filtering
    let mut filters = params;
    if req.version >= v(31) {
        if filters.iter().any(|(k, _)| !k.is_ascii()) {
            return Err(CinderError::bad_request(
                "Filter keys can only contain ASCII characters.",
            ));
        }
        if !is_admin {
            let like = req.version >= v(34);
            let invalid: Vec<&str> = filters
                .iter()
                .map(|(k, _)| k.as_str())
                .filter(|k| {
                    let tilde = format!("{k}~");
                    let configured = |name: &str| CONFIGURED_FILTERS.contains(&name);
                    !(configured(k) || (like && configured(&tilde)))
                })
                .collect();
            if !invalid.is_empty() {
                return Err(CinderError::bad_request(format!(
                    "Invalid filters {} are found in query options.",
                    invalid.join(",")
                )));
            }
        }
        for (k, _) in filters.iter_mut() {
            let converted = match k.as_str() {
                "name~" => "display_name~",
                "description~" => "display_description~",
                "consumes_quota" => "use_quota",
                _ => continue,
            };
            *k = converted.to_string();
        }
    } else {
        if req.version < v(22) {
            filters.retain(|(k, _)| k != "metadata");
        }
        if req.version < v(65) {
            filters.retain(|(k, _)| k != "use_quota");
        }
        if !is_admin {
            filters.retain(|(k, _)| LEGACY_USER_FILTERS.contains(&k.as_str()));
        }
    }
    let all_tenants = all_tenants.filter(|_| is_admin || req.version < v(31));

    let mut out = SnapshotFilters::default();
    let mut impossible = false;
    for (key, val) in filters {
        let key = if key == "name" {
            "display_name".to_string()
        } else {
            key
        };
        match key.as_str() {
            "metadata" => match metadata_filter(&val) {
                Some(md) => out.metadata = md,
                None => impossible = true,
            },
            "use_quota" => out
                .exact
                .push((key.clone(), DbValue::from(bool_param("use_quota", &val)?))),
            "host" => out.volume_host = Some(val),
            "cluster_name" => out.volume_cluster = Some(val),
            "availability_zone" => out.availability_zone = Some(val),
            "volume_size" => match python_int(&val) {
                Some(n) => out.exact.push((key.clone(), DbValue::from(n))),
                None => impossible = true,
            },
            k if k.ends_with('~') && FILTER_COLUMNS.contains(&k.trim_end_matches('~')) => {
                out.like.push((k.trim_end_matches('~').to_string(), val))
            }
            k if FILTER_COLUMNS.contains(&k) && !matches!(k, "deleted" | "use_quota") => {
                out.exact.push((key.clone(), DbValue::from(val)))
            }
            // A key that is no column of the model: upstream answers an empty list.
            _ => impossible = true,
        }
    }
    let everyone = is_admin
        && all_tenants
            .as_deref()
            .is_some_and(|a| strict_bool(a) == Some(true));
    if !everyone {
        out.project_id = req.ctx.project_id.clone();
    }
    let sort = sort_keys(req.version, &keys, &dirs)?;
    Ok(ListParams {
        query: ListQuery {
            filters: out,
            sort,
            marker,
            limit: Some(limit),
            offset: (offset > 0).then_some(offset),
            with_count,
        },
        limit,
        impossible,
    })
}

/// `process_sort_params` + `paginate_query`'s key check (3.30+: `name` sorts by name).
fn sort_keys(
    version: ApiVersion,
    keys: &[String],
    dirs: &[String],
) -> Result<Vec<SortKey>, CinderError> {
    if dirs.iter().any(|d| d != "asc" && d != "desc") {
        return Err(CinderError::InvalidInput(
            "Unknown sort direction, must be 'desc' or 'asc'.".into(),
        ));
    }
    let keys: Vec<String> = keys
        .iter()
        .map(|k| {
            if version >= v(30) && k == "name" {
                "display_name".to_string()
            } else {
                k.clone()
            }
        })
        .collect();
    sort_keys_with_defaults(&keys, dirs, &FILTER_COLUMNS)
}

async fn list(state: Arc<ApiState>, req: ApiRequest, detailed: bool) -> ApiResult {
    let ctx = state.context(&req.ctx);
    let params = list_params(&req, ctx.is_admin, state.opts.osapi_max_limit)?;
    let page = if params.impossible {
        // Still authorized, as upstream's get_all_snapshots is called.
        state.authorize(
            &ctx,
            crate::policies::snapshots::GET_ALL_POLICY,
            &openstack_service::policy::Target::from_context(&ctx),
        )?;
        snapshot_api::Page {
            snapshots: Vec::new(),
            metadata: BTreeMap::new(),
            count: params.query.with_count.then_some(0),
        }
    } else {
        snapshot_api::get_all(&state, &ctx, params.query.clone()).await?
    };
    let extended = detailed && snapshot_api::shows_extended_attributes(&state, &ctx);
    let items: Vec<Value> = page
        .snapshots
        .iter()
        .map(|s| {
            let md = page.metadata.get(&s.id);
            if detailed {
                detail_view(req.version, s, md, extended)
            } else {
                summary(s, md)
            }
        })
        .collect();
    let mut body = Map::new();
    // `_get_collection_links`: a next link when as many items came as the limit allows.
    let item_count = match page.count {
        Some(n) if n != 0 => n,
        _ => items.len() as i64,
    };
    let next = match page.snapshots.last() {
        Some(last) if params.limit <= item_count => Some(next_link(&req, &last.id)),
        _ => None,
    };
    body.insert("snapshots".into(), Value::Array(items));
    if let Some(href) = next {
        body.insert(
            "snapshots_links".into(),
            json!([{"rel": "next", "href": href}]),
        );
    }
    if let Some(count) = page.count {
        body.insert("count".into(), Value::from(count));
    }
    Ok(ApiResponse::json(StatusCode::OK, Value::Object(body)))
}

/// The `next` link: the request URL with `marker` set to the last item.
fn next_link(req: &ApiRequest, last_id: &str) -> String {
    let base = req.url.split('?').next().unwrap_or(&req.url);
    format!("{base}?{}", next_query(&multidict(&req.query), last_id))
}

async fn index(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    list(state, req, false).await
}

async fn detail(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    list(state, req, true).await
}

/// `{"snapshot": <detail>}` of one snapshot.
async fn one(
    state: &ApiState,
    req: &ApiRequest,
    snapshot: &SnapshotRow,
    status: StatusCode,
    extended: bool,
) -> ApiResult {
    let md = snapshot_api::metadata_of(state, &snapshot.id).await?;
    let body = detail_view(req.version, snapshot, Some(&md), extended);
    Ok(ApiResponse::json(status, json!({ "snapshot": body })))
}

async fn show(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let ctx = state.context(&req.ctx);
    let snapshot = snapshot_api::get(&state, &ctx, req.param("id")).await?;
    let extended = snapshot_api::shows_extended_attributes(&state, &ctx);
    one(&state, &req, &snapshot, StatusCode::OK, extended).await
}

/// A string field after `clean_name_and_description` (surrounding whitespace stripped).
fn cleaned(obj: &Map<String, Value>, key: &str) -> Option<Option<String>> {
    obj.get(key)
        .map(|v| v.as_str().map(|s| s.trim().to_string()))
}

async fn create(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let ctx = state.context(&req.ctx);
    let body = req.require_body()?.clone();
    schemas::validate(&schemas::snapshots::create(), &body)?;
    let snap = body
        .get("snapshot")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let volume_id = snap
        .get("volume_id")
        .and_then(Value::as_str)
        .unwrap_or("None")
        .to_string();
    let volume = crate::volume::api::get(&state, &ctx, &volume_id).await?;
    let force = match snap.get("force") {
        None | Some(Value::Null) => None,
        Some(Value::Bool(b)) => Some(*b),
        Some(Value::String(s)) => strict_bool(s),
        Some(_) => None,
    };
    let since_in_use = req.version >= v(66);
    if since_in_use && force == Some(false) {
        return Err(CinderError::bad_request(SNAPSHOT_IN_USE_FLAG_MSG));
    }
    tracing::info!("Create snapshot from volume {volume_id}");
    let name = cleaned(&snap, "name")
        .or_else(|| cleaned(&snap, "display_name"))
        .flatten();
    let metadata = snap
        .get("metadata")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, val)| {
                    let s = val.as_str().map_or_else(|| val.to_string(), str::to_string);
                    (k.clone(), s)
                })
                .collect()
        })
        .unwrap_or_default();
    let force = force.unwrap_or(false);
    let request = CreateRequest {
        name,
        description: cleaned(&snap, "description").flatten(),
        metadata,
        force,
        allow_in_use: !force && since_in_use,
    };
    let row = snapshot_api::create(&state, &ctx, &volume, request).await?;
    one(&state, &req, &row, StatusCode::ACCEPTED, false).await
}

async fn update(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let ctx = state.context(&req.ctx);
    let body = req.require_body()?.clone();
    schemas::validate(&schemas::snapshots::update(), &body)?;
    let fields = body
        .get("snapshot")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    // `name` wins over `display_name`, `description` over `display_description`.
    let name = cleaned(&fields, "name").or_else(|| cleaned(&fields, "display_name"));
    let description =
        cleaned(&fields, "description").or_else(|| cleaned(&fields, "display_description"));
    let snapshot = snapshot_api::get(&state, &ctx, req.param("id")).await?;
    let row = snapshot_api::update(&state, &ctx, &snapshot, name, description).await?;
    one(&state, &req, &row, StatusCode::OK, false).await
}

async fn delete(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let ctx = state.context(&req.ctx);
    let id = req.param("id");
    tracing::info!("Delete snapshot with id: {id}");
    let snapshot = snapshot_api::get(&state, &ctx, id).await?;
    snapshot_api::delete(&state, &ctx, &snapshot, false).await?;
    Ok(ApiResponse::empty(StatusCode::ACCEPTED))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sort_keys_map_name_from_3_30_and_add_the_defaults() {
        let keys = vec!["name".to_string()];
        let dirs = vec!["asc".to_string()];
        assert!(sort_keys(v(29), &keys, &dirs).is_err());
        let out = sort_keys(v(30), &keys, &dirs).expect("keys");
        let cols: Vec<&str> = out.iter().map(|k| k.column.as_str()).collect();
        assert_eq!(cols, ["display_name", "created_at", "id"]);
        assert!(out.iter().all(|k| !k.descending));
        assert!(sort_keys(v(30), &keys, &["up".to_string()]).is_err());
    }

    #[test]
    fn metadata_filters_are_python_dicts() {
        let md = metadata_filter("{'a': 'b'}").expect("dict");
        assert_eq!(md.get("a").map(String::as_str), Some("b"));
        assert!(metadata_filter("a=b").is_none());
    }
}
