//! The volumes controller (`cinder/api/v3/volumes.py` over `cinder/api/v2/volumes.py`):
//! list, detail, show, create, update and delete, with upstream's pagination, filters,
//! microversion-dependent bodies and schemas.

use std::collections::BTreeMap;
use std::sync::Arc;

use http::{Method, StatusCode};
use openstack_db::Value as DbValue;
use serde_json::{json, Map, Value};

use super::state::ApiState;
use super::views::volumes::{detail as detail_view, summary, ViewContext, VolumeExtras};
use crate::api::common::next_query;
use crate::api::openstack::api_version_request::ApiVersion;
use crate::api::openstack::router::Mapper;
use crate::api::openstack::wsgi::{ApiRequest, ApiResponse, ApiResult, Handler};
use crate::api::schemas;
use crate::db::api::pagination::SortKey;
use crate::db::api::volumes::{VolumeFilters, VolumeRow};
use crate::exception::CinderError;
use crate::volume::api::{self as volume_api, CreateRequest, ListQuery};

/// Connects the volume routes.
pub fn connect(m: &mut Mapper<Handler<ApiState>>) {
    m.connect(Method::GET, "/volumes", "index", crate::handler!(index));
    m.connect(
        Method::GET,
        "/volumes/detail",
        "detail",
        crate::handler!(detail),
    );
    m.connect(Method::POST, "/volumes", "create", crate::handler!(create));
    m.connect(Method::GET, "/volumes/{id}", "show", crate::handler!(show));
    m.connect(
        Method::PUT,
        "/volumes/{id}",
        "update",
        crate::handler!(update),
    );
    m.connect(
        Method::DELETE,
        "/volumes/{id}",
        "delete",
        crate::handler!(delete),
    );
}

fn v(minor: u32) -> ApiVersion {
    ApiVersion { major: 3, minor }
}

fn view_ctx<'a>(req: &'a ApiRequest, is_admin: bool, extensions: bool) -> ViewContext<'a> {
    ViewContext {
        version: req.version,
        is_admin,
        base_url: &req.application_url,
        project_id: req.url_project_id.as_deref(),
        extensions,
    }
}

/// The filters a non-admin may use (`resource_filters.json`, volume).
const USER_FILTERS: [&str; 11] = [
    "name",
    "status",
    "metadata",
    "bootable",
    "migration_status",
    "availability_zone",
    "group_id",
    "size",
    "created_at",
    "updated_at",
    "consumes_quota",
];

/// Pagination and filter parameters of a list request.
struct ListParams {
    filters: VolumeFilters,
    sort: Vec<SortKey>,
    marker: Option<String>,
    limit: i64,
    offset: Option<i64>,
    with_count: bool,
    /// An admin filtered on a key that is no column: upstream returns nothing.
    impossible: bool,
}

fn parse_int(name: &str, raw: &str) -> Result<i64, CinderError> {
    let n: i64 = raw
        .trim()
        .parse()
        .map_err(|_| CinderError::bad_request(format!("{name} param must be an integer")))?;
    if n < 0 {
        return Err(CinderError::bad_request(format!(
            "{name} param must be positive"
        )));
    }
    Ok(n)
}

fn parse_bool(raw: &str) -> Option<bool> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "1" | "t" | "true" | "on" | "y" | "yes" => Some(true),
        "0" | "f" | "false" | "off" | "n" | "no" => Some(false),
        _ => None,
    }
}

fn sort_column(key: &str) -> Option<&'static str> {
    Some(match key {
        "name" | "display_name" => "display_name",
        "description" | "display_description" => "display_description",
        "created_at" => "created_at",
        "updated_at" => "updated_at",
        "id" => "id",
        "size" => "size",
        "status" => "status",
        "availability_zone" => "availability_zone",
        "host" => "host",
        "project_id" => "project_id",
        "user_id" => "user_id",
        "volume_type_id" => "volume_type_id",
        "bootable" => "bootable",
        "attach_status" => "attach_status",
        "migration_status" => "migration_status",
        _ => return None,
    })
}

fn list_params(
    req: &ApiRequest,
    is_admin: bool,
    max_limit: i64,
) -> Result<ListParams, CinderError> {
    let mut limit = max_limit;
    let mut offset = None;
    let mut marker = None;
    let mut sort: Option<String> = None;
    let mut sort_key: Option<String> = None;
    let mut sort_dir: Option<String> = None;
    let mut with_count = false;
    let mut all_tenants = false;
    let mut filters: Vec<(String, String)> = Vec::new();
    for (k, val) in &req.query {
        match k.as_str() {
            "limit" => limit = parse_int("limit", val)?.min(max_limit),
            "offset" => offset = Some(parse_int("offset", val)?),
            "marker" => marker = Some(val.clone()),
            "sort" => sort = Some(val.clone()),
            "sort_key" => sort_key = Some(val.clone()),
            "sort_dir" => sort_dir = Some(val.clone()),
            "with_count" if req.version >= v(45) => {
                with_count = parse_bool(val).ok_or_else(|| {
                    CinderError::InvalidInput(format!("Invalid value for with_count: {val}"))
                })?
            }
            "all_tenants" => all_tenants = parse_bool(val).unwrap_or(true),
            _ => filters.push((k.clone(), val.clone())),
        }
    }
    if sort.is_some() && (sort_key.is_some() || sort_dir.is_some()) {
        return Err(CinderError::bad_request(
            "The 'sort_key' and 'sort_dir' parameters are deprecated and cannot be used with the 'sort' parameter.",
        ));
    }
    let mut keys: Vec<(String, Option<String>)> = match (&sort, &sort_key) {
        (Some(s), _) => s
            .split(',')
            .filter(|p| !p.trim().is_empty())
            .map(|p| match p.split_once(':') {
                Some((k, d)) => (k.trim().to_string(), Some(d.trim().to_string())),
                None => (p.trim().to_string(), None),
            })
            .collect(),
        (None, Some(k)) => vec![(k.clone(), sort_dir.clone())],
        (None, None) => Vec::new(),
    };
    let first_dir = keys
        .iter()
        .find_map(|(_, d)| d.clone())
        .unwrap_or_else(|| "desc".into());
    for default in ["created_at", "id"] {
        if !keys.iter().any(|(k, _)| sort_column(k) == Some(default)) {
            keys.push((default.to_string(), Some(first_dir.clone())));
        }
    }
    let mut sort_keys = Vec::new();
    for (k, d) in keys {
        let column = sort_column(&k)
            .ok_or_else(|| CinderError::InvalidInput(format!("Invalid sort key {k}")))?;
        let descending = match d.as_deref().unwrap_or(&first_dir) {
            "desc" => true,
            "asc" => false,
            other => {
                return Err(CinderError::InvalidInput(format!(
                    "Invalid sort direction {other}"
                )))
            }
        };
        sort_keys.push(SortKey {
            column: column.to_string(),
            descending,
        });
    }

    let mut out = VolumeFilters {
        project_id: if is_admin && all_tenants {
            None
        } else {
            req.project_id().map(str::to_string)
        },
        ..Default::default()
    };
    let mut impossible = false;
    for (k, val) in filters {
        let (key, inexact) = match k.strip_suffix('~') {
            Some(base) if req.version >= v(34) => (base.to_string(), true),
            _ => (k.clone(), false),
        };
        if !is_admin && !USER_FILTERS.contains(&key.as_str()) {
            tracing::debug!("Removing options '{key}' from query.");
            continue;
        }
        match key.as_str() {
            "name" | "display_name" if inexact => out.name_like = Some(val),
            "name" | "display_name" => out.exact.push(("display_name".into(), DbValue::from(val))),
            "project_id" if is_admin => out.project_id = Some(val),
            "metadata" => out.metadata = parse_metadata_filter(&val)?,
            "bootable" => {
                let b = parse_bool(&val).unwrap_or(false);
                out.exact.push(("bootable".into(), DbValue::from(b)));
            }
            "consumes_quota" => {
                let b = parse_bool(&val).unwrap_or(true);
                out.exact.push(("use_quota".into(), DbValue::from(b)));
            }
            "size" => match val.trim().parse::<i64>() {
                Ok(n) => out.exact.push(("size".into(), DbValue::from(n))),
                Err(_) => impossible = true,
            },
            "status" | "availability_zone" | "migration_status" | "group_id" | "host"
            | "user_id" | "volume_type_id" | "attach_status" | "id" => {
                out.exact.push((key.clone(), DbValue::from(val)))
            }
            // Date comparisons (3.60) and anything else: no rows, as upstream's filter
            // processing returns nothing for a key it cannot map.
            _ => impossible = true,
        }
    }
    Ok(ListParams {
        filters: out,
        sort: sort_keys,
        marker,
        limit,
        offset,
        with_count,
        impossible,
    })
}

/// `metadata={'k': 'v'}` (a Python dict literal upstream reads with `ast.literal_eval`).
fn parse_metadata_filter(raw: &str) -> Result<BTreeMap<String, String>, CinderError> {
    let json = raw.replace('\'', "\"");
    let value: Value = serde_json::from_str(&json)
        .map_err(|_| CinderError::InvalidInput(format!("Invalid metadata filter: {raw}")))?;
    let obj = value
        .as_object()
        .ok_or_else(|| CinderError::InvalidInput(format!("Invalid metadata filter: {raw}")))?;
    Ok(obj
        .iter()
        .map(|(k, v)| {
            let s = v
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| v.to_string());
            (k.clone(), s)
        })
        .collect())
}

async fn list(state: Arc<ApiState>, req: ApiRequest, detailed: bool) -> ApiResult {
    let ctx = state.context(&req.ctx);
    let params = list_params(&req, ctx.is_admin, state.opts.osapi_max_limit)?;
    let page = if params.impossible {
        None
    } else {
        Some(
            volume_api::get_all(
                &state,
                &ctx,
                ListQuery {
                    filters: params.filters,
                    sort: params.sort,
                    marker: params.marker,
                    limit: Some(params.limit),
                    offset: params.offset,
                    with_count: params.with_count,
                },
            )
            .await?,
        )
    };
    let vctx = view_ctx(&req, ctx.is_admin, true);
    let mut body = Map::new();
    let mut items = Vec::new();
    let mut last_id = None;
    let mut count = Some(0);
    if let Some(page) = &page {
        for vol in &page.volumes {
            items.push(if detailed {
                let extras = VolumeExtras {
                    metadata: page.metadata.get(&vol.id),
                    admin_metadata: page.admin_metadata.get(&vol.id),
                    type_name: page.type_names.get(&vol.volume_type_id).map(String::as_str),
                };
                detail_view(&vctx, vol, &extras)
            } else {
                summary(&vctx, vol)
            });
            last_id = Some(vol.id.clone());
        }
        count = page.count;
    }
    let full_page = params.limit > 0 && items.len() as i64 == params.limit;
    body.insert("volumes".into(), Value::Array(items));
    if full_page {
        if let Some(last) = last_id {
            body.insert(
                "volumes_links".into(),
                json!([{"rel": "next", "href": next_link(&req, &last)}]),
            );
        }
    }
    if params.with_count {
        body.insert("count".into(), Value::from(count.unwrap_or(0)));
    }
    Ok(ApiResponse::json(StatusCode::OK, Value::Object(body)))
}

/// The `next` link: the request URL with `marker` set to the last item.
fn next_link(req: &ApiRequest, last_id: &str) -> String {
    let base = req.url.split('?').next().unwrap_or(&req.url);
    format!("{base}?{}", next_query(&req.query, last_id))
}

async fn index(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    list(state, req, false).await
}

async fn detail(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    list(state, req, true).await
}

async fn show(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let ctx = state.context(&req.ctx);
    let vol = volume_api::get(&state, &ctx, req.param("id")).await?;
    detail_response(&state, &req, ctx.is_admin, vol, StatusCode::OK, true).await
}

async fn detail_response(
    state: &ApiState,
    req: &ApiRequest,
    is_admin: bool,
    vol: VolumeRow,
    status: StatusCode,
    extensions: bool,
) -> ApiResult {
    let d = volume_api::detail(state, vol).await?;
    let extras = VolumeExtras {
        metadata: Some(&d.metadata),
        admin_metadata: Some(&d.admin_metadata),
        type_name: d.type_name.as_deref(),
    };
    let body = detail_view(&view_ctx(req, is_admin, extensions), &d.volume, &extras);
    Ok(ApiResponse::json(status, json!({ "volume": body })))
}

/// The create schema of the request's microversion.
fn create_schema(version: ApiVersion) -> Value {
    if version >= v(53) {
        schemas::volumes::create_volume_v353()
    } else if version >= v(47) {
        schemas::volumes::create_volume_v347()
    } else if version >= v(13) {
        schemas::volumes::create_volume_v313()
    } else {
        schemas::volumes::create()
    }
}

fn validate(schema: &Value, body: &Value) -> Result<(), CinderError> {
    Ok(schemas::validate(schema, body)?)
}

fn string_field(obj: &Map<String, Value>, keys: &[&str]) -> Option<String> {
    keys.iter()
        .find_map(|k| obj.get(*k))
        .and_then(|v| v.as_str().map(str::to_string))
}

fn metadata_field(obj: &Map<String, Value>) -> BTreeMap<String, String> {
    obj.get("metadata")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        v.as_str().map_or_else(|| v.to_string(), str::to_string),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

async fn create(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let ctx = state.context(&req.ctx);
    let body = req.require_body()?.clone();
    validate(&create_schema(req.version), &body)?;
    let vol = body
        .get("volume")
        .and_then(Value::as_object)
        .ok_or_else(|| {
            CinderError::bad_request("Missing required element 'volume' in request body.")
        })?;
    for unsupported in ["imageRef", "image_id"] {
        if vol.get(unsupported).is_some_and(|v| !v.is_null()) {
            return Err(CinderError::InvalidInput(
                "Creating a volume from an image needs the Image service, which this deployment does not have.".into(),
            ));
        }
    }
    if vol.get("backup_id").is_some_and(|v| !v.is_null()) {
        return Err(CinderError::InvalidInput(
            "Creating a volume from a backup is not supported yet.".into(),
        ));
    }
    if vol.get("consistencygroup_id").is_some_and(|v| !v.is_null()) {
        return Err(CinderError::InvalidInput(
            "Consistency groups are not supported yet.".into(),
        ));
    }
    let group_id = string_field(vol, &["group_id"]);
    if group_id.is_some() {
        return Err(CinderError::InvalidInput(
            "Groups are not supported yet.".into(),
        ));
    }
    let size = match vol.get("size") {
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) => s.trim().parse::<i64>().ok(),
        _ => None,
    };
    let multiattach = match vol.get("multiattach") {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => parse_bool(s).unwrap_or(false),
        _ => false,
    };
    let create = CreateRequest {
        size,
        name: string_field(vol, &["name", "display_name"]),
        description: string_field(vol, &["description", "display_description"]),
        volume_type: string_field(vol, &["volume_type"]),
        availability_zone: string_field(vol, &["availability_zone"]),
        metadata: metadata_field(vol),
        snapshot_id: string_field(vol, &["snapshot_id"]),
        source_volid: string_field(vol, &["source_volid"]),
        multiattach,
        group_id,
    };
    let row = volume_api::create(&state, &ctx, create).await?;
    detail_response(&state, &req, ctx.is_admin, row, StatusCode::ACCEPTED, false).await
}

async fn update(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let ctx = state.context(&req.ctx);
    let body = req.require_body()?.clone();
    let schema = if req.version >= v(53) {
        schemas::volumes::update_v353()
    } else {
        schemas::volumes::update()
    };
    validate(&schema, &body)?;
    let vol = volume_api::get(&state, &ctx, req.param("id")).await?;
    let fields = body
        .get("volume")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let text = |keys: &[&str]| -> Option<Option<String>> {
        keys.iter()
            .find_map(|k| fields.get(*k))
            .map(|v| v.as_str().map(str::to_string))
    };
    let name = text(&["name", "display_name"]);
    let description = text(&["description", "display_description"]);
    let metadata = fields.get("metadata").map(|_| metadata_field(&fields));
    let mut row = volume_api::update(&state, &ctx, &vol, name, description, metadata).await?;
    // Upstream answers with the object it saved, whose `updated_at` is the value it was
    // loaded with, and without the extension keys (they extend show and detail only).
    row.updated_at = vol.updated_at;
    detail_response(&state, &req, ctx.is_admin, row, StatusCode::OK, false).await
}

async fn delete(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let ctx = state.context(&req.ctx);
    let flag = |name: &str| -> Result<bool, CinderError> {
        match req.query_value(name) {
            None => Ok(false),
            Some(v) => parse_bool(v).ok_or_else(|| {
                CinderError::InvalidParameterValue(format!("Invalid value '{v}' for {name}"))
            }),
        }
    };
    let cascade = flag("cascade")?;
    let force = if req.version >= v(23) {
        flag("force")?
    } else {
        false
    };
    let vol = volume_api::get(&state, &ctx, req.param("id")).await?;
    volume_api::delete(&state, &ctx, &vol, cascade, force).await?;
    Ok(ApiResponse::empty(StatusCode::ACCEPTED))
}
