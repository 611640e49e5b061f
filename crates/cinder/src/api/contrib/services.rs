//! The `os-services` API (`cinder/api/v3/services.py`, formerly
//! `cinder/api/contrib/services.py`, with the `os-extended-services` keys, which are always
//! loaded): the services that heartbeat into `services`, whether each is up, and an admin's
//! enable / disable of one.
//!
//! - `GET /os-services[?host=&binary=]` → `{"services": [...]}` (`cluster` from 3.7,
//!   `backend_state` for volume services from 3.49)
//! - `PUT /os-services/enable|disable|disable-log-reason` → the service's new state
//! - `PUT /os-services/freeze|thaw` → checked against the database, then refused with a 500
//!   because the volume service cannot be called (see [`freeze`])
//! - `PUT /os-services/get-log|set-log` (3.32) → likewise, for every target but an empty
//!   set of services
//!
//! Enable and disable set `disabled` (and the reason), stamp `modified_at` and keep the
//! heartbeat in `updated_at`, as `service_update` does. Upstream's current controller lost
//! the `svc.disabled = ...` line when it split the `update` method (2024), so there these
//! calls answer as if they had worked without changing the row; we make the change the
//! answer describes.

use std::sync::Arc;

use http::{Method, StatusCode};
use openstack_db::{utcnow, PrimitiveDateTime};
use openstack_service::policy::Target;
use openstack_service::RequestContext;
use serde_json::{json, Map, Value};

use crate::api::openstack::api_version_request::ApiVersion;
use crate::api::openstack::router::Mapper;
use crate::api::openstack::wsgi::{ApiRequest, ApiResponse, ApiResult, Handler};
use crate::api::schemas;
use crate::api::v3::state::{self, ApiState};
use crate::api::v3::views::volumes::isotime;
use crate::db::api::services::{
    self as db, ServiceFilters, ServiceRow, API_BINARY, BACKUP_BINARY, SCHEDULER_BINARY,
    VOLUME_BINARY,
};
use crate::exception::CinderError;
use crate::policies::services as policy;
use crate::service::ServiceOpts;

/// Connects the `os-services` routes.
pub fn connect(m: &mut Mapper<Handler<ApiState>>) {
    m.connect(Method::GET, "/os-services", "index", crate::handler!(index));
    m.connect(
        Method::PUT,
        "/os-services/enable",
        "enable",
        crate::handler!(enable),
    );
    m.connect(
        Method::PUT,
        "/os-services/disable",
        "disable",
        crate::handler!(disable),
    );
    m.connect(
        Method::PUT,
        "/os-services/disable-log-reason",
        "disable_log_reason",
        crate::handler!(disable_log_reason),
    );
    m.connect(
        Method::PUT,
        "/os-services/get-log",
        "get_log",
        crate::handler!(get_log),
    )
    .since(3, 32);
    m.connect(
        Method::PUT,
        "/os-services/set-log",
        "set_log",
        crate::handler!(set_log),
    )
    .since(3, 32);
    m.connect(
        Method::PUT,
        "/os-services/freeze",
        "freeze",
        crate::handler!(freeze),
    );
    m.connect(
        Method::PUT,
        "/os-services/thaw",
        "thaw",
        crate::handler!(thaw),
    );
}

const CLUSTER_SUPPORT: ApiVersion = ApiVersion { major: 3, minor: 7 };
const REPLICATION_CLUSTER: ApiVersion = ApiVersion {
    major: 3,
    minor: 26,
};
const BACKEND_STATE_REPORT: ApiVersion = ApiVersion {
    major: 3,
    minor: 49,
};

/// The binaries whose log levels can be read and set (`LOG_BINARIES`).
const LOG_BINARIES: [&str; 4] = [SCHEDULER_BINARY, VOLUME_BINARY, BACKUP_BINARY, API_BINARY];

fn service_opts(state: &ApiState) -> Result<ServiceOpts, CinderError> {
    ServiceOpts::from_conf(&state.conf).map_err(|e| CinderError::Internal(e.to_string()))
}

/// The last value of a query parameter (webob's `req.GET[key]`).
fn last_query_value<'a>(req: &'a ApiRequest, name: &str) -> Option<&'a str> {
    req.query
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// `index`: every live service, with its state.
pub async fn index(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let ctx = state.context(&req.ctx);
    state.authorize(&ctx, policy::GET_ALL_POLICY, &Target::from_context(&ctx))?;
    // `service_get_all` requires an admin context whatever the policy says.
    if !ctx.is_admin {
        return Err(CinderError::AdminRequired);
    }
    let opts = service_opts(&state)?;
    let filters = ServiceFilters {
        host: last_query_value(&req, "host").map(str::to_string),
        binary: last_query_value(&req, "binary").map(str::to_string),
        ..Default::default()
    };
    let db = state.db().await?;
    let mut tx = db.begin_read().await?;
    let services = db::service_get_all(&mut tx, &filters).await;
    let _ = tx.rollback().await;
    let now = utcnow();
    let items = services?
        .iter()
        .map(|svc| service_view(svc, req.version, &opts, now))
        .collect();
    Ok(ApiResponse::json(
        StatusCode::OK,
        json!({ "services": Value::Array(items) }),
    ))
}

/// One service of the list, with upstream's key order.
fn service_view(
    svc: &ServiceRow,
    version: ApiVersion,
    opts: &ServiceOpts,
    now: PrimitiveDateTime,
) -> Value {
    let alive = opts.is_alive(svc.updated_at, svc.created_at, now);
    // The more recent of the heartbeat and an admin's change is shown as `updated_at`.
    let mut updated_at = svc.updated_at;
    if let (Some(modified), Some(last)) = (svc.modified_at, svc.updated_at.or(svc.created_at)) {
        if (now - last).abs() >= (now - modified).abs() {
            updated_at = Some(modified);
        }
    }
    let is_volume = svc.binary.as_deref() == Some(VOLUME_BINARY);
    let text = |s: &Option<String>| s.clone().map_or(Value::Null, Value::String);
    let mut m = Map::new();
    m.insert("binary".into(), text(&svc.binary));
    m.insert("host".into(), text(&svc.host));
    m.insert("zone".into(), text(&svc.availability_zone));
    m.insert(
        "status".into(),
        json!(if svc.disabled { "disabled" } else { "enabled" }),
    );
    m.insert("state".into(), json!(if alive { "up" } else { "down" }));
    m.insert("updated_at".into(), isotime(updated_at));
    if version >= BACKEND_STATE_REPORT && is_volume {
        // Upstream asks the scheduler (`get_pools`) and shows the pool's `backend_state`,
        // null for a backend the scheduler reports no pool of. Without RPC to the scheduler
        // no pool is known, so every backend shows null.
        m.insert("backend_state".into(), Value::Null);
    }
    if version >= CLUSTER_SUPPORT {
        m.insert("cluster".into(), text(&svc.cluster_name));
    }
    m.insert("disabled_reason".into(), text(&svc.disabled_reason));
    if is_volume {
        m.insert("replication_status".into(), text(&svc.replication_status));
        m.insert("active_backend_id".into(), text(&svc.active_backend_id));
        m.insert("frozen".into(), json!(svc.frozen));
    }
    Value::Object(m)
}

/// A string member of the body (`body.get(key)`), `None` when absent or null.
fn body_str<'a>(body: &'a Value, key: &str) -> Option<&'a str> {
    body.get(key).and_then(Value::as_str)
}

/// `common.get_cluster_host`: the cluster and host the body names. With `cluster_since`
/// reached exactly one of them must be given; otherwise the host is required.
fn get_cluster_host(
    body: &Value,
    version: ApiVersion,
    cluster_since: Option<ApiVersion>,
) -> Result<(Option<String>, Option<String>), CinderError> {
    let (cluster, msg) = match cluster_since {
        Some(v) if version >= v => (
            body_str(body, "cluster").filter(|c| !c.is_empty()),
            "One and only one of cluster and host must be set.",
        ),
        _ => (None, "Host field is missing."),
    };
    let host = body_str(body, "host").filter(|h| !h.is_empty());
    if cluster.is_some() == host.is_some() {
        return Err(CinderError::InvalidInput(msg.to_string()));
    }
    Ok((cluster.map(str::to_string), host.map(str::to_string)))
}

/// What enable, disable and disable-log-reason do to the service.
struct Change {
    disabled: bool,
    /// `Some` for disable-log-reason: the reason given (written only when non-null).
    reason: Option<Option<String>>,
}

async fn set_disabled(
    state: Arc<ApiState>,
    req: ApiRequest,
    schema: Value,
    change: Change,
) -> ApiResult {
    let ctx = state.context(&req.ctx);
    let body = req.require_body()?.clone();
    schemas::validate(&schema, &body)?;
    state.authorize(&ctx, policy::UPDATE_POLICY, &Target::from_context(&ctx))?;
    if !ctx.is_admin {
        return Err(CinderError::AdminRequired);
    }
    let host = get_cluster_host(&body, req.version, None)?
        .1
        .unwrap_or_default();
    // `service` is the deprecated spelling of `binary`; `binary` wins.
    let service = body_str(&body, "service").unwrap_or("").to_string();
    let binary = body_str(&body, "binary").unwrap_or("").to_string();
    let binary_key = if binary.is_empty() {
        service.clone()
    } else {
        binary.clone()
    };
    let reason = change.reason.clone().flatten();
    let db = state.db().await?;
    let (h, key, disabled) = (host.clone(), binary_key.clone(), change.disabled);
    state::write(db, move |tx| {
        let (h, key, reason) = (h.clone(), key.clone(), reason.clone());
        Box::pin(async move {
            let svc = db::service_get_by_args(tx, &h, &key)
                .await?
                .ok_or_else(|| CinderError::ServiceNotFoundOnHost {
                    service_id: key.clone(),
                    host: h.clone(),
                })?;
            db::service_set_disabled(tx, svc.id, disabled, reason.as_deref()).await?;
            Ok(())
        })
    })
    .await?;
    let mut out = Map::new();
    out.insert("host".into(), json!(host));
    out.insert("service".into(), json!(service));
    out.insert("binary".into(), json!(binary));
    out.insert(
        "status".into(),
        json!(if change.disabled {
            "disabled"
        } else {
            "enabled"
        }),
    );
    out.insert("disabled".into(), json!(change.disabled));
    if let Some(reason) = change.reason {
        out.insert(
            "disabled_reason".into(),
            reason.map_or(Value::Null, Value::String),
        );
    }
    Ok(ApiResponse::json(StatusCode::OK, Value::Object(out)))
}

/// `enable`: the service may be scheduled to again.
pub async fn enable(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let change = Change {
        disabled: false,
        reason: None,
    };
    set_disabled(state, req, schemas::services::enable_and_disable(), change).await
}

/// `disable`: the scheduler stops choosing the service.
pub async fn disable(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let change = Change {
        disabled: true,
        reason: None,
    };
    set_disabled(state, req, schemas::services::enable_and_disable(), change).await
}

/// `disable_log_reason`: disable, recording why.
pub async fn disable_log_reason(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let reason = req
        .body
        .as_ref()
        .and_then(|b| body_str(b, "disabled_reason"))
        .map(str::to_string);
    let change = Change {
        disabled: true,
        reason: Some(reason),
    };
    set_disabled(state, req, schemas::services::disable_log_reason(), change).await
}

/// The error upstream's API answers when a service it must call does not reply: the RPC
/// client's `MessagingTimeout` reaches faultwrap as a 500 with the generic text. This
/// cinder-api has no RPC client yet, so every call to another service ends here at once.
fn rpc_unavailable(what: &str) -> CinderError {
    CinderError::Internal(format!(
        "{what} needs an RPC call to another cinder service, and this cinder-api has no RPC \
         transport yet"
    ))
}

/// `freeze`: upstream marks the backend's services (and cluster) frozen, then calls
/// `freeze_host` on the volume service. Every check upstream makes is made here, with its
/// answers (400 for a missing host or cluster, an unknown one, or one already frozen); then,
/// since the volume service cannot be called, the request fails with upstream's answer to an
/// unreachable service (500) and, unlike upstream, nothing is left changed.
pub async fn freeze(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    replication_change(state, req, policy::FREEZE_POLICY, false).await
}

/// `thaw`: as [`freeze`], the other way round.
pub async fn thaw(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    replication_change(state, req, policy::THAW_POLICY, true).await
}

async fn replication_change(
    state: Arc<ApiState>,
    req: ApiRequest,
    rule: &'static str,
    expected: bool,
) -> ApiResult {
    let ctx = state.context(&req.ctx);
    let body = req.require_body()?.clone();
    schemas::validate(&schemas::services::freeze_and_thaw(), &body)?;
    state.authorize(&ctx, policy::UPDATE_POLICY, &Target::from_context(&ctx))?;
    let (cluster_name, host) = get_cluster_host(&body, req.version, Some(REPLICATION_CLUSTER))?;
    state.authorize(&ctx, rule, &Target::from_context(&ctx))?;
    let db = state.db().await?;
    let mut tx = db.begin_read().await?;
    let checked = check_replication_change(&mut tx, host, cluster_name, expected).await;
    let _ = tx.rollback().await;
    let target = checked?;
    Err(rpc_unavailable(&format!(
        "{} of {target}",
        if expected { "thaw_host" } else { "freeze_host" }
    )))
}

/// `_replication_db_change` without the writes: finds the backend's volume services (and
/// cluster), and refuses as upstream does when none is found, when they span clusters, or
/// when none has `frozen` at the `expected` value. Returns the host (or cluster) that would
/// be called.
async fn check_replication_change(
    tx: &mut openstack_db::Transaction<'_>,
    host: Option<String>,
    cluster_name: Option<String>,
    expected: bool,
) -> Result<String, CinderError> {
    let filters = ServiceFilters {
        host: host.clone(),
        cluster_name: cluster_name.clone(),
        binary: Some(VOLUME_BINARY.to_string()),
        ..Default::default()
    };
    let mut services = db::service_get_all(tx, &filters).await?;
    let Some(first) = services.first().cloned() else {
        let msg = match (&host, &cluster_name) {
            (Some(h), _) => format!("No service found with host={h}"),
            (None, c) => format!(
                "No service found with cluster={}",
                c.as_deref().unwrap_or("")
            ),
        };
        // `ServiceNotFound(msg)` turned into `InvalidInput(msg)`: the message as is.
        return Err(CinderError::bad_request(msg));
    };
    let same = |s: &ServiceRow| {
        if cluster_name.is_some() {
            s.cluster_name == first.cluster_name
        } else {
            s.host == first.host
        }
    };
    if !services.iter().all(same) {
        return Err(CinderError::InvalidParameterValue(
            "Services from different clusters found.".into(),
        ));
    }
    let py_bool = |b: bool| if b { "True" } else { "False" };
    let mut cluster = None;
    if let Some(name) = first.cluster_name.clone() {
        if let Some(frozen) = db::cluster_frozen(tx, &name, VOLUME_BINARY).await? {
            if frozen != expected {
                return Err(CinderError::InvalidInput(format!(
                    "frozen in {name} must be {} to failover.",
                    py_bool(expected)
                )));
            }
            cluster = Some(name.clone());
            if host.is_some() {
                // A host in a cluster: the whole cluster changes.
                let all = ServiceFilters {
                    cluster_name: Some(name),
                    ..Default::default()
                };
                services = db::service_get_all(tx, &all).await?;
            }
        }
    }
    if !services.iter().any(|s| s.frozen == expected) {
        let hosts: Vec<String> = services
            .iter()
            .filter(|s| s.frozen != expected)
            .map(|s| format!("'{}'", s.host.as_deref().unwrap_or("")))
            .collect();
        return Err(CinderError::InvalidInput(format!(
            "No service could be changed: frozen in [{}] must be {} to failover.",
            hosts.join(", "),
            py_bool(expected)
        )));
    }
    Ok(cluster.or(first.host).unwrap_or_default())
}

/// `_log_params_binaries_services`: the binaries a log request is about, and the up
/// services (other than cinder-api) that would have to be called.
async fn log_targets(
    state: &ApiState,
    body: &Value,
) -> Result<(Vec<&'static str>, Vec<ServiceRow>), CinderError> {
    let binary = body_str(body, "binary").unwrap_or("");
    let opts = service_opts(state)?;
    let mut filters = ServiceFilters {
        up_since: Some(opts.expired_time(utcnow())),
        ..Default::default()
    };
    let binaries: Vec<&'static str> = match binary {
        "" | "*" => LOG_BINARIES.to_vec(),
        API_BINARY => return Ok((vec![API_BINARY], Vec::new())),
        other => match LOG_BINARIES.iter().find(|b| **b == other) {
            Some(b) => {
                filters.binary = Some(b.to_string());
                vec![*b]
            }
            None => Vec::new(),
        },
    };
    if let Some(server) = body_str(body, "server").filter(|s| !s.is_empty()) {
        filters.host_or_cluster = Some(server.to_string());
    }
    let db = state.db().await?;
    let mut tx = db.begin_read().await?;
    let services = db::service_get_all(&mut tx, &filters).await;
    let _ = tx.rollback().await;
    Ok((binaries, services?))
}

fn authorize_update(state: &ApiState, ctx: &Arc<RequestContext>) -> Result<(), CinderError> {
    state.authorize(ctx, policy::UPDATE_POLICY, &Target::from_context(ctx))?;
    if !ctx.is_admin {
        return Err(CinderError::AdminRequired);
    }
    Ok(())
}

/// `set_log` (3.32): sets the log levels of cinder-api itself and, by RPC, of the chosen up
/// services. Neither is reachable from here yet (cinder-api's own loggers are not exposed
/// to the API, and there is no RPC client), so anything but an empty target set answers
/// 500; an empty one answers upstream's 202.
pub async fn set_log(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let ctx = state.context(&req.ctx);
    let body = req.require_body()?.clone();
    schemas::validate(&schemas::services::set_log(), &body)?;
    authorize_update(&state, &ctx)?;
    let (binaries, services) = log_targets(&state, &body).await?;
    if binaries.contains(&API_BINARY) || !services.is_empty() {
        return Err(rpc_unavailable("set-log"));
    }
    Ok(ApiResponse::empty(StatusCode::ACCEPTED))
}

/// `get_log` (3.32): as [`set_log`]; an empty target set answers `{"log_levels": []}`.
pub async fn get_log(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let ctx = state.context(&req.ctx);
    let body = req.require_body()?.clone();
    schemas::validate(&schemas::services::get_log(), &body)?;
    authorize_update(&state, &ctx)?;
    let (binaries, services) = log_targets(&state, &body).await?;
    let server = body_str(&body, "server").filter(|s| !s.is_empty());
    let api_included =
        binaries.contains(&API_BINARY) && server.is_none_or(|s| s == state.opts.host);
    if api_included || !services.is_empty() {
        return Err(rpc_unavailable("get-log"));
    }
    Ok(ApiResponse::json(StatusCode::OK, json!({"log_levels": []})))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn row() -> ServiceRow {
        ServiceRow {
            id: 1,
            created_at: Some(datetime!(2026-01-01 11:00:00)),
            updated_at: Some(datetime!(2026-01-01 11:59:50)),
            host: Some("node1@lvm".into()),
            binary: Some(VOLUME_BINARY.into()),
            topic: Some(VOLUME_BINARY.into()),
            report_count: 5,
            disabled: false,
            availability_zone: Some("nova".into()),
            disabled_reason: None,
            modified_at: None,
            rpc_current_version: None,
            object_current_version: None,
            replication_status: Some("not-capable".into()),
            frozen: false,
            active_backend_id: None,
            cluster_name: None,
            uuid: None,
        }
    }

    fn opts() -> ServiceOpts {
        ServiceOpts {
            report_interval: 10,
            service_down_time: 60,
        }
    }

    #[test]
    fn volume_rows_carry_the_extended_keys_in_upstream_order() {
        let now = datetime!(2026-01-01 12:00:00);
        let v = service_view(
            &row(),
            ApiVersion {
                major: 3,
                minor: 49,
            },
            &opts(),
            now,
        );
        let keys: Vec<&str> = v
            .as_object()
            .expect("ok")
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            [
                "binary",
                "host",
                "zone",
                "status",
                "state",
                "updated_at",
                "backend_state",
                "cluster",
                "disabled_reason",
                "replication_status",
                "active_backend_id",
                "frozen"
            ]
        );
        assert_eq!(v["state"], "up");
        assert_eq!(v["updated_at"], "2026-01-01T11:59:50.000000");
    }

    #[test]
    fn a_later_admin_change_shows_as_updated_at() {
        let now = datetime!(2026-01-01 12:00:00);
        let mut r = row();
        r.binary = Some(SCHEDULER_BINARY.into());
        r.updated_at = Some(datetime!(2026-01-01 10:00:00));
        r.modified_at = Some(datetime!(2026-01-01 11:30:00));
        let v = service_view(&r, ApiVersion { major: 3, minor: 0 }, &opts(), now);
        assert_eq!(v["state"], "down");
        assert_eq!(v["updated_at"], "2026-01-01T11:30:00.000000");
        assert!(v.get("frozen").is_none() && v.get("cluster").is_none());
    }

    #[test]
    fn cluster_or_host_rules() {
        let v0 = ApiVersion { major: 3, minor: 0 };
        let v26 = ApiVersion {
            major: 3,
            minor: 26,
        };
        let both = json!({"host": "h", "cluster": "c"});
        assert!(get_cluster_host(&both, v0, Some(REPLICATION_CLUSTER)).is_ok());
        assert_eq!(
            get_cluster_host(&both, v26, Some(REPLICATION_CLUSTER))
                .expect_err("refused")
                .to_string(),
            "Invalid input received: One and only one of cluster and host must be set."
        );
        assert_eq!(
            get_cluster_host(&json!({}), v26, None)
                .expect_err("refused")
                .to_string(),
            "Invalid input received: Host field is missing."
        );
    }
}
