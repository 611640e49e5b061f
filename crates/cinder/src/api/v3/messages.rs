//! The user messages controller (`cinder/api/v3/messages.py`, microversion 3.3): what
//! failed after an asynchronous request was accepted, in words users may read.
//!
//! - `GET /messages` → `{"messages": [...]}`; from 3.5 with `limit`, `marker`, `offset`,
//!   `sort` / `sort_key` / `sort_dir` and column filters (`key~=value` matches inexactly);
//!   from 3.31 a non-admin may filter only on the `message` keys of `resource_filters.json`
//! - `GET /messages/{id}` → `{"message": {...}}`
//! - `DELETE /messages/{id}` → 204
//!
//! A non-admin sees the messages of its own project only. Upstream's list lost that
//! restriction when it gained pagination (it builds its query without `project_only`), so
//! there any reader can list every project's messages; show and delete were never affected.
//! Expired messages are not shown (see [`crate::db::api::messages`]).

use std::sync::Arc;

use http::{Method, StatusCode};
use openstack_service::policy::Target;
use serde_json::json;

use super::state::{self, ApiState};
use super::views::messages as view;
use super::views::volumes::ViewContext;
use crate::api::openstack::api_version_request::ApiVersion;
use crate::api::openstack::router::Mapper;
use crate::api::openstack::wsgi::{ApiRequest, ApiResponse, ApiResult, Handler};
use crate::db::api::messages::{self as db, MessageFilters, MessageRow, MESSAGE_COLUMNS};
use crate::db::api::pagination::SortKey;
use crate::exception::CinderError;
use crate::policies::messages as policy;

/// Connects the `messages` routes.
pub fn connect(m: &mut Mapper<Handler<ApiState>>) {
    m.connect(Method::GET, "/messages", "index", crate::handler!(index))
        .since(3, 3);
    m.connect(Method::GET, "/messages/{id}", "show", crate::handler!(show))
        .since(3, 3);
    m.connect(
        Method::DELETE,
        "/messages/{id}",
        "delete",
        crate::handler!(delete),
    )
    .since(3, 3);
}

const MESSAGES_PAGINATION: ApiVersion = ApiVersion { major: 3, minor: 5 };
const RESOURCE_FILTER: ApiVersion = ApiVersion {
    major: 3,
    minor: 31,
};
const LIKE_FILTER: ApiVersion = ApiVersion {
    major: 3,
    minor: 34,
};
/// `constants.DB_MAX_INT`.
const DB_MAX_INT: i64 = 0x7FFF_FFFF;

/// The filters a non-admin may use (`resource_filters.json`, `message`).
const USER_FILTERS: [&str; 5] = [
    "resource_uuid",
    "resource_type",
    "event_id",
    "request_id",
    "message_level",
];

fn view_ctx(req: &ApiRequest, is_admin: bool) -> ViewContext<'_> {
    ViewContext {
        version: req.version,
        is_admin,
        base_url: &req.application_url,
        project_id: req.url_project_id.as_deref(),
        extensions: true,
    }
}

/// The project a context's queries are limited to: its own, unless it is an admin
/// (`project_only` applies to user contexts only).
fn project_scope(ctx: &openstack_service::RequestContext) -> Option<String> {
    if ctx.is_admin || ctx.user_id.is_none() {
        None
    } else {
        ctx.project_id.clone()
    }
}

fn message_target(m: &MessageRow) -> Target {
    Target::new()
        .with("project_id", m.project_id.clone())
        .with("id", m.id.clone())
}

/// A list request, parsed.
struct ListParams {
    filters: MessageFilters,
    sort: Vec<SortKey>,
    marker: Option<String>,
    limit: Option<i64>,
    offset: Option<i64>,
    /// A filter on something that is no column: upstream's query returns nothing.
    impossible: bool,
}

/// `MESSAGE_COLUMNS` entry for `name`.
fn column(name: &str) -> Option<&'static str> {
    MESSAGE_COLUMNS.iter().copied().find(|c| *c == name)
}

/// `strutils.validate_integer(offset, 'offset', 0, DB_MAX_INT)`.
fn parse_offset(raw: &str) -> Result<i64, CinderError> {
    let n: i64 = raw
        .trim()
        .parse()
        .map_err(|_| CinderError::bad_request("offset must be an integer"))?;
    if n < 0 {
        return Err(CinderError::bad_request("offset must be >= 0"));
    }
    if n > DB_MAX_INT {
        return Err(CinderError::bad_request(format!(
            "offset must be <= {DB_MAX_INT}"
        )));
    }
    Ok(n)
}

fn parse_limit(raw: &str, max_limit: i64) -> Result<i64, CinderError> {
    let n: i64 = raw
        .trim()
        .parse()
        .map_err(|_| CinderError::bad_request("limit param must be an integer"))?;
    if n < 0 {
        return Err(CinderError::bad_request("limit param must be positive"));
    }
    Ok(n.min(max_limit))
}

/// `get_sort_params` + `process_sort_params` (defaults `created_at`, `id`, descending).
fn sort_keys(query: &[(String, String)]) -> Result<Vec<SortKey>, CinderError> {
    let get = |k: &str| {
        query
            .iter()
            .rev()
            .find(|(q, _)| q == k)
            .map(|(_, v)| v.clone())
    };
    let (sort, sort_key, sort_dir) = (get("sort"), get("sort_key"), get("sort_dir"));
    if sort.is_some() && (sort_key.is_some() || sort_dir.is_some()) {
        return Err(CinderError::bad_request(
            "The 'sort_key' and 'sort_dir' parameters are deprecated and cannot be used with the 'sort' parameter.",
        ));
    }
    let mut pairs: Vec<(String, String)> = match sort {
        Some(s) => s
            .trim()
            .split(',')
            .map(|part| {
                let (k, d) = part.split_once(':').unwrap_or((part, ""));
                let d = if d.is_empty() { "desc" } else { d };
                (k.trim().to_string(), d.trim().to_string())
            })
            .collect(),
        None => vec![(
            sort_key
                .unwrap_or_else(|| "created_at".into())
                .trim()
                .to_string(),
            sort_dir.unwrap_or_else(|| "desc".into()).trim().to_string(),
        )],
    };
    if pairs.iter().any(|(_, d)| d != "asc" && d != "desc") {
        return Err(CinderError::InvalidInput(
            "Unknown sort direction, must be 'desc' or 'asc'.".into(),
        ));
    }
    let first_dir = pairs
        .first()
        .map_or_else(|| "desc".to_string(), |(_, d)| d.clone());
    for default in ["created_at", "id"] {
        if !pairs.iter().any(|(k, _)| k == default) {
            pairs.push((default.to_string(), first_dir.clone()));
        }
    }
    pairs
        .into_iter()
        .map(|(k, d)| {
            let column =
                column(&k).ok_or_else(|| CinderError::InvalidInput("Invalid sort key".into()))?;
            Ok(SortKey {
                column: column.to_string(),
                descending: d == "desc",
            })
        })
        .collect()
}

fn list_params(
    req: &ApiRequest,
    is_admin: bool,
    max_limit: i64,
) -> Result<ListParams, CinderError> {
    let mut params = ListParams {
        filters: MessageFilters::default(),
        sort: sort_keys(&[])?,
        marker: None,
        limit: None,
        offset: None,
        impossible: false,
    };
    if req.version < MESSAGES_PAGINATION {
        return Ok(params);
    }
    params.sort = sort_keys(&req.query)?;
    params.limit = Some(max_limit);
    // webob's multidict: the last value of a repeated key wins.
    let mut filters: Vec<(String, String)> = Vec::new();
    for (k, v) in &req.query {
        match k.as_str() {
            "limit" => params.limit = Some(parse_limit(v, max_limit)?),
            "marker" => params.marker = Some(v.clone()),
            "offset" => params.offset = Some(parse_offset(v)?),
            "sort" | "sort_key" | "sort_dir" => {}
            _ => {
                filters.retain(|(f, _)| f != k);
                filters.push((k.clone(), v.clone()));
            }
        }
    }
    if req.version >= RESOURCE_FILTER {
        reject_invalid_filters(&mut filters, is_admin, req.version >= LIKE_FILTER)?;
    }
    for (k, v) in filters {
        let (name, like) = match k.strip_suffix('~') {
            Some(base) => (base, true),
            None => (k.as_str(), false),
        };
        match column(name) {
            Some(c) if like => params.filters.like.push((c, v)),
            Some(c) => params.filters.exact.push((c, v)),
            None => params.impossible = true,
        }
    }
    Ok(params)
}

/// `common.reject_invalid_filters(context, filters, 'message', support_like)`.
fn reject_invalid_filters(
    filters: &mut Vec<(String, String)>,
    is_admin: bool,
    support_like: bool,
) -> Result<(), CinderError> {
    if filters.iter().any(|(k, _)| !k.is_ascii()) {
        return Err(CinderError::bad_request(
            "Filter keys can only contain ASCII characters.",
        ));
    }
    if is_admin {
        return Ok(());
    }
    // With like filters on, `key` is also allowed when `key~` is configured (as upstream
    // checks it: a `key~` query key needs `key~~` configured, so none is allowed here).
    let allowed = |k: &str| {
        USER_FILTERS.contains(&k)
            || (support_like && USER_FILTERS.iter().any(|f| *f == format!("{k}~")))
    };
    // cinderclient always sends all_tenants: silently dropped for non-admins.
    filters.retain(|(k, _)| k != "all_tenants" || allowed(k));
    let invalid: Vec<&str> = filters
        .iter()
        .filter(|(k, _)| !allowed(k))
        .map(|(k, _)| k.as_str())
        .collect();
    if invalid.is_empty() {
        return Ok(());
    }
    Err(CinderError::bad_request(format!(
        "Invalid filters {} are found in query options.",
        invalid.join(",")
    )))
}

/// `index`: the messages the caller may see, newest first.
pub async fn index(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let ctx = state.context(&req.ctx);
    state.authorize(&ctx, policy::GET_ALL_POLICY, &Target::from_context(&ctx))?;
    let max_limit = state.opts.osapi_max_limit;
    let mut params = list_params(&req, ctx.is_admin, max_limit)?;
    params.filters.project_id = project_scope(&ctx);
    let messages = if params.impossible {
        Vec::new()
    } else {
        let db = state.db().await?;
        let mut tx = db.begin_read().await?;
        let result = async {
            let marker = match &params.marker {
                Some(id) => Some(
                    db::message_get(&mut tx, id, params.filters.project_id.as_deref())
                        .await?
                        .ok_or_else(|| CinderError::MessageNotFound(id.clone()))?,
                ),
                None => None,
            };
            Ok::<_, CinderError>(
                db::message_get_all(
                    &mut tx,
                    &params.filters,
                    &params.sort,
                    marker.as_ref(),
                    params.limit,
                    params.offset,
                )
                .await?,
            )
        }
        .await;
        let _ = tx.rollback().await;
        result?
    };
    let body = view::index(&view_ctx(&req, ctx.is_admin), &req, &messages, max_limit);
    Ok(ApiResponse::json(StatusCode::OK, body))
}

/// `message_api.get`: the message, or 404 when the caller's project has no such one.
async fn get(
    state: &ApiState,
    ctx: &openstack_service::RequestContext,
    id: &str,
) -> Result<MessageRow, CinderError> {
    let db = state.db().await?;
    let mut tx = db.begin_read().await?;
    let found = db::message_get(&mut tx, id, project_scope(ctx).as_deref()).await;
    let _ = tx.rollback().await;
    found?.ok_or_else(|| CinderError::MessageNotFound(id.to_string()))
}

/// `show`: one message.
pub async fn show(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let ctx = state.context(&req.ctx);
    let message = get(&state, &ctx, req.param("id")).await?;
    state.authorize(&ctx, policy::GET_POLICY, &message_target(&message))?;
    let body = view::detail(&view_ctx(&req, ctx.is_admin), &message);
    Ok(ApiResponse::json(
        StatusCode::OK,
        json!({ "message": body }),
    ))
}

/// `delete`: soft-deletes one message.
pub async fn delete(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let ctx = state.context(&req.ctx);
    let message = get(&state, &ctx, req.param("id")).await?;
    state.authorize(&ctx, policy::DELETE_POLICY, &message_target(&message))?;
    let db = state.db().await?;
    let id = message.id.clone();
    state::write(db, move |tx| {
        let id = id.clone();
        Box::pin(async move {
            db::message_destroy(tx, &id).await?;
            Ok(())
        })
    })
    .await?;
    Ok(ApiResponse::empty(StatusCode::NO_CONTENT))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn default_sort_is_newest_first() {
        let keys = sort_keys(&[]).expect("ok");
        assert_eq!(
            keys,
            vec![
                SortKey {
                    column: "created_at".into(),
                    descending: true
                },
                SortKey {
                    column: "id".into(),
                    descending: true
                },
            ]
        );
        let keys = sort_keys(&q(&[("sort", "event_id:asc")])).expect("ok");
        assert_eq!(keys.len(), 3);
        assert!(!keys[2].descending);
        assert_eq!(
            sort_keys(&q(&[("sort", "nope")]))
                .expect_err("refused")
                .to_string(),
            "Invalid input received: Invalid sort key"
        );
        assert!(sort_keys(&q(&[("sort", "id:up")])).is_err());
    }

    #[test]
    fn non_admins_filter_on_the_configured_keys_only() {
        let mut f = q(&[("event_id", "x"), ("all_tenants", "1")]);
        reject_invalid_filters(&mut f, false, true).expect("ok");
        assert_eq!(f, q(&[("event_id", "x")]));
        let mut f = q(&[("project_id", "x"), ("foo", "y")]);
        assert_eq!(
            reject_invalid_filters(&mut f, false, true)
                .expect_err("refused")
                .to_string(),
            "Invalid filters project_id,foo are found in query options."
        );
        let mut f = q(&[("project_id", "x")]);
        reject_invalid_filters(&mut f, true, true).expect("ok");
    }
}
