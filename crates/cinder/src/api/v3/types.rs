//! The volume types controller (`cinder/api/v3/types.py`): `GET /types` with upstream's
//! pagination, `is_public` and `extra_specs` (3.52) filters, and `GET /types/{id}` (where
//! `default` is the caller's default type).

use std::sync::Arc;

use futures_util::future::BoxFuture;
use http::{Method, StatusCode};
use openstack_db::{Database, Transaction};
use openstack_service::policy::Target;
use openstack_service::RequestContext;
use serde_json::json;

use super::state::ApiState;
use super::views::types::{self as view, CollectionLinks, TypeViewPolicy};
use crate::api::common::{multidict, python_int, sort_keys_with_defaults};
use crate::api::openstack::api_version_request::ApiVersion;
use crate::api::openstack::router::Mapper;
use crate::api::openstack::wsgi::{ApiRequest, ApiResponse, ApiResult, Handler};
use crate::db::api::pagination::SortKey;
use crate::db::api::volume_types::{self as db, VolumeTypeFilters, SORT_COLUMNS};
use crate::exception::CinderError;
use crate::policies::type_extra_specs::USER_VISIBLE_EXTRA_SPECS as USER_VISIBLE;
use crate::policies::{type_extra_specs, volume_access, volume_type as policy};
use crate::volume::volume_types::{self, VolumeType};

/// Connects `GET /types` and `GET /types/{id}`.
pub fn connect(m: &mut Mapper<Handler<ApiState>>) {
    m.connect(Method::GET, "/types", "index", crate::handler!(index));
    m.connect(Method::GET, "/types/{id}", "show", crate::handler!(show));
}

/// Runs `f` in a read-only transaction; a retryable database error inside is retried, any
/// other error is the answer.
pub(crate) async fn read<'a, T, F>(db: &'a Database, mut f: F) -> Result<T, CinderError>
where
    T: Send + 'static,
    F: for<'t> FnMut(&'t mut Transaction<'a>) -> BoxFuture<'t, Result<T, CinderError>>,
{
    db.read(|tx| {
        let fut = f(tx);
        Box::pin(async move {
            match fut.await {
                Err(CinderError::Db(e)) => Err(e),
                other => Ok(other),
            }
        })
    })
    .await?
}

/// Whether `rule` allows the caller on its own project (`context.authorize(rule,
/// fatal=False)`).
pub(crate) fn allowed(state: &ApiState, ctx: &RequestContext, rule: &str) -> bool {
    state
        .authorize(ctx, rule, &Target::from_context(ctx))
        .is_ok()
}

/// What the policies let the caller see of types.
pub(crate) fn view_policy(state: &ApiState, ctx: &RequestContext) -> TypeViewPolicy {
    TypeViewPolicy {
        extra_specs: allowed(state, ctx, policy::EXTRA_SPEC_POLICY),
        read_sensitive: allowed(state, ctx, type_extra_specs::READ_SENSITIVE_POLICY),
        qos_specs_id: allowed(state, ctx, policy::QOS_POLICY),
        type_access: allowed(state, ctx, volume_access::TYPE_ACCESS_POLICY),
    }
}

/// The policy target of a type (`target_obj=vol_type` over the caller's project and user).
pub(crate) fn type_target(ctx: &RequestContext, t: &VolumeType) -> Target {
    let mut target = Target::from_context(ctx);
    target.update(&json!({
        "id": t.id,
        "name": t.name,
        "description": t.description,
        "is_public": t.is_public,
        "qos_specs_id": t.qos_specs_id,
        "extra_specs": t.extra_specs,
    }));
    target
}

async fn show(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let ctx = state.context(&req.ctx);
    let id = req.param("id").to_string();
    let default_name = volume_types::default_volume_type(&state.conf)?;
    let db = state.db().await?;
    let vtype = read(db, |tx| {
        let (ctx, id, default_name) = (Arc::clone(&ctx), id.clone(), default_name.clone());
        Box::pin(async move {
            if id == "default" {
                volume_types::get_default_volume_type(tx, &default_name, ctx.project_id.as_deref())
                    .await
            } else {
                volume_types::get(tx, &ctx, &id).await
            }
        })
    })
    .await?;
    state.authorize(&ctx, policy::GET_POLICY, &type_target(&ctx, &vtype))?;
    let body = view::show(&vtype, &view_policy(&state, &ctx), id != "default");
    Ok(ApiResponse::json(StatusCode::OK, body))
}

async fn index(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let ctx = state.context(&req.ctx);
    state.authorize(&ctx, policy::GET_ALL_POLICY, &Target::from_context(&ctx))?;
    let q = ListQuery::parse(&req, state.opts.osapi_max_limit)?;
    let types = match list_filters(&state, &ctx, &req, &q)? {
        None => Vec::new(),
        Some(filters) => {
            let sort = sort_keys(&q.sort_keys, &q.sort_dirs)?;
            let db = state.db().await?;
            read(db, |tx| {
                let (ctx, filters, sort, marker) = (
                    Arc::clone(&ctx),
                    filters.clone(),
                    sort.clone(),
                    q.marker.clone(),
                );
                let (limit, offset) = (q.limit, q.offset);
                Box::pin(async move {
                    let marker_row = match &marker {
                        // An unknown marker is no marker, as upstream.
                        Some(m) => {
                            db::volume_type_get(tx, m, volume_types::visibility(&ctx), false)
                                .await?
                        }
                        None => None,
                    };
                    let filters = filters.borrowed(&ctx);
                    let rows = db::volume_type_get_all(
                        tx,
                        &filters,
                        &sort,
                        marker_row.as_ref(),
                        Some(limit),
                        Some(offset),
                    )
                    .await?;
                    Ok(volume_types::with_extra_specs(tx, rows).await?)
                })
            })
            .await?
        }
    };
    let links = CollectionLinks {
        limit: q.limit,
        public_endpoint: state.opts.public_endpoint.as_deref(),
        project_id: ctx.project_id.as_deref(),
    };
    let body = view::index(&req, &types, &view_policy(&state, &ctx), &links);
    Ok(ApiResponse::json(StatusCode::OK, body))
}

/// The query of `GET /types` once pagination and sorting are taken out
/// (`get_pagination_params`, `get_sort_params`).
struct ListQuery {
    marker: Option<String>,
    limit: i64,
    offset: i64,
    sort_keys: Vec<String>,
    sort_dirs: Vec<String>,
    /// The rest, in order of first appearance, the last value of a repeated key winning.
    filters: Vec<(String, String)>,
}

/// `2**31 - 1`, the largest offset upstream accepts.
const DB_MAX_INT: i64 = 0x7FFF_FFFF;

impl ListQuery {
    fn parse(req: &ApiRequest, max_limit: i64) -> Result<ListQuery, CinderError> {
        let mut params = multidict(&req.query);
        let mut take = |name: &str| {
            params
                .iter()
                .position(|(k, _)| k == name)
                .map(|i| params.remove(i).1)
        };
        let limit = match take("limit") {
            None => max_limit,
            Some(raw) => {
                let n: i64 = python_int(&raw)
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
        let (sort, sort_key, sort_dir) = (take("sort"), take("sort_key"), take("sort_dir"));
        let (mut sort_keys, mut sort_dirs) = (Vec::new(), Vec::new());
        match sort {
            Some(_) if sort_key.is_some() || sort_dir.is_some() => {
                return Err(CinderError::bad_request(
                    "The 'sort_key' and 'sort_dir' parameters are deprecated and cannot be \
                     used with the 'sort' parameter.",
                ))
            }
            Some(sort) => {
                for item in sort.trim().split(',') {
                    let (key, dir) = item.split_once(':').unwrap_or((item, ""));
                    sort_keys.push(key.trim().to_string());
                    sort_dirs.push(if dir.is_empty() { "desc" } else { dir }.trim().to_string());
                }
            }
            None => {
                sort_keys.push(
                    sort_key
                        .unwrap_or_else(|| "created_at".into())
                        .trim()
                        .into(),
                );
                sort_dirs.push(sort_dir.unwrap_or_else(|| "desc".into()).trim().into());
            }
        }
        Ok(ListQuery {
            marker,
            limit,
            offset,
            sort_keys,
            sort_dirs,
            filters: params,
        })
    }
}

/// `process_sort_params` + `paginate_query`'s key check: the keys asked for, then
/// `created_at` and `id` in the first direction.
fn sort_keys(keys: &[String], dirs: &[String]) -> Result<Vec<SortKey>, CinderError> {
    if let Some(_bad) = dirs.iter().find(|d| *d != "asc" && *d != "desc") {
        return Err(CinderError::InvalidInput(
            "Unknown sort direction, must be 'desc' or 'asc'.".into(),
        ));
    }
    sort_keys_with_defaults(keys, dirs, SORT_COLUMNS)
}

/// The filters of a list, owned (the transaction closure may run more than once).
#[derive(Clone, Debug)]
struct ListFilters {
    admin: bool,
    is_public: Option<bool>,
    extra_specs: Vec<(String, String)>,
    exact: Vec<(&'static str, String)>,
}

impl ListFilters {
    fn borrowed<'a>(&self, ctx: &'a RequestContext) -> VolumeTypeFilters<'a> {
        VolumeTypeFilters {
            project_only: (!self.admin).then_some(ctx.project_id.as_deref()),
            is_public: self.is_public,
            is_public_project: ctx.project_id.as_deref(),
            extra_specs: self.extra_specs.clone(),
            exact: self.exact.clone(),
        }
    }
}

/// The columns of `volume_types` an admin's filter compares exactly.
const TEXT_COLUMNS: &[&str] = &["id", "name", "qos_specs_id", "description"];

/// The filters a non-admin may use at 3.52 and later (`resource_filters.json`,
/// `volume_type`).
const USER_FILTERS: &[&str] = &["is_public", "extra_specs"];

/// The filter processing of `_get_volume_types`; `None` when nothing can match (a
/// non-admin filtering on extra specs it may not read, an admin filtering on a key that is
/// no column).
fn list_filters(
    state: &ApiState,
    ctx: &RequestContext,
    req: &ApiRequest,
    q: &ListQuery,
) -> Result<Option<ListFilters>, CinderError> {
    let mut filters = q.filters.clone();
    if req.version
        >= (ApiVersion {
            major: 3,
            minor: 52,
        })
    {
        if filters.iter().any(|(k, _)| !k.is_ascii()) {
            return Err(CinderError::bad_request(
                "Filter keys can only contain ASCII characters.",
            ));
        }
        if !ctx.is_admin {
            filters.retain(|(k, _)| k != "all_tenants");
            let invalid: Vec<&str> = filters
                .iter()
                .map(|(k, _)| k.as_str())
                .filter(|k| !USER_FILTERS.contains(k))
                .collect();
            if !invalid.is_empty() {
                return Err(CinderError::bad_request(format!(
                    "Invalid filters {} are found in query options.",
                    invalid.join(",")
                )));
            }
        }
    } else if !ctx.is_admin {
        filters.retain(|(k, _)| k == "is_public");
    }
    let is_public = if ctx.is_admin {
        parse_is_public(
            req.query
                .iter()
                .rev()
                .find(|(k, _)| k == "is_public")
                .map(|(_, v)| v.as_str()),
        )?
    } else {
        Some(true)
    };
    filters.retain(|(k, _)| k != "is_public");
    let mut out = ListFilters {
        admin: ctx.is_admin,
        is_public,
        extra_specs: Vec::new(),
        exact: Vec::new(),
    };
    for (key, value) in filters {
        if key == "extra_specs" {
            let specs = python_dict_literal(&value).ok_or_else(|| {
                // Upstream evaluates a non-dict and fails on it.
                CinderError::Internal(format!("extra_specs filter is not a dict: {value}"))
            })?;
            if !allowed(state, ctx, type_extra_specs::READ_SENSITIVE_POLICY)
                && specs
                    .iter()
                    .any(|(k, _)| !USER_VISIBLE.contains(&k.as_str()))
            {
                return Ok(None);
            }
            out.extra_specs = specs;
            continue;
        }
        // Text columns compare as given; a key that is no column (or a timestamp or flag
        // compared with raw text) matches nothing.
        match TEXT_COLUMNS.iter().find(|c| **c == key) {
            Some(column) => out.exact.push((column, value)),
            None => return Ok(None),
        }
    }
    Ok(Some(out))
}

/// `_parse_is_public`: absent → public only; `none` → both; else a strict boolean.
fn parse_is_public(raw: Option<&str>) -> Result<Option<bool>, CinderError> {
    let Some(raw) = raw else {
        return Ok(Some(true));
    };
    if raw.eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    match raw.trim().to_ascii_lowercase().as_str() {
        "1" | "t" | "true" | "on" | "y" | "yes" => Ok(Some(true)),
        "0" | "f" | "false" | "off" | "n" | "no" => Ok(Some(false)),
        _ => Err(CinderError::bad_request(format!(
            "Invalid is_public filter [{raw}]"
        ))),
    }
}

/// `ast.literal_eval` of a dict of scalars (`{'k': 'v', "n": 1}`): pairs in order, values as
/// Python's `str()` renders them; `None` when the text is no such dict.
fn python_dict_literal(text: &str) -> Option<Vec<(String, String)>> {
    let mut p = Literal {
        s: text.trim().as_bytes(),
        i: 0,
    };
    p.expect(b'{')?;
    let mut out: Vec<(String, String)> = Vec::new();
    loop {
        p.ws();
        if p.eat(b'}') {
            break;
        }
        let key = p.scalar()?;
        p.ws();
        p.expect(b':')?;
        p.ws();
        let value = p.scalar()?;
        match out.iter_mut().find(|(k, _)| *k == key) {
            Some(entry) => entry.1 = value,
            None => out.push((key, value)),
        }
        p.ws();
        if p.eat(b',') {
            continue;
        }
        p.expect(b'}')?;
        break;
    }
    p.ws();
    (p.i == p.s.len()).then_some(out)
}

struct Literal<'a> {
    s: &'a [u8],
    i: usize,
}

impl Literal<'_> {
    fn ws(&mut self) {
        while self.s.get(self.i).is_some_and(u8::is_ascii_whitespace) {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.s.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, c: u8) -> Option<()> {
        self.ws();
        self.eat(c).then_some(())
    }

    /// A quoted string, an integer, `True` or `False`.
    fn scalar(&mut self) -> Option<String> {
        match *self.s.get(self.i)? {
            q @ (b'\'' | b'"') => {
                self.i += 1;
                let mut out = Vec::new();
                loop {
                    let c = *self.s.get(self.i)?;
                    self.i += 1;
                    match c {
                        c if c == q => break,
                        b'\\' => {
                            let e = *self.s.get(self.i)?;
                            self.i += 1;
                            out.extend_from_slice(match e {
                                b'n' => b"\n",
                                b't' => b"\t",
                                b'\\' => b"\\",
                                b'\'' => b"'",
                                b'"' => b"\"",
                                _ => return None,
                            });
                        }
                        c => out.push(c),
                    }
                }
                String::from_utf8(out).ok()
            }
            _ => {
                let start = self.i;
                while self
                    .s
                    .get(self.i)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'+'))
                {
                    self.i += 1;
                }
                let word = std::str::from_utf8(&self.s[start..self.i]).ok()?;
                match word {
                    "True" | "False" => Some(word.to_string()),
                    w => w.parse::<i64>().ok().map(|n| n.to_string()),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
