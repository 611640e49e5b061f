//! Limits (`cinder/api/v3/limits.py` with the view of `cinder/api/views/limits.py`):
//! `GET /limits` → `{"limits": {"rate": [], "absolute": {"maxTotalVolumes": ..., ...}}}`, the
//! project's absolute limits plus, through [`crate::api::contrib::used_limits`], what it uses.
//! From 3.39 an admin may ask about another project with `?project_id=`. No rate limits are
//! configured (upstream's rate-limit middleware is not in the default pipeline), so `rate` is
//! always empty.

use std::sync::Arc;

use http::{Method, StatusCode};
use serde_json::{json, Map, Value};

use crate::api::contrib::quotas::last_query_value;
use crate::api::contrib::used_limits;
use crate::api::openstack::api_version_request::ApiVersion;
use crate::api::openstack::router::Mapper;
use crate::api::openstack::wsgi::{ApiRequest, ApiResponse, ApiResult, Handler};
use crate::api::v3::state::ApiState;
use crate::quota::QuotaValue;

/// `mv.LIMITS_ADMIN_FILTER`: from here an admin may name the project.
const LIMITS_ADMIN_FILTER: ApiVersion = ApiVersion {
    major: 3,
    minor: 39,
};

/// Quota resource → the absolute limit names it is shown as, in the view's order.
const LIMIT_NAMES: [(&str, &str); 5] = [
    ("gigabytes", "maxTotalVolumeGigabytes"),
    ("backup_gigabytes", "maxTotalBackupGigabytes"),
    ("volumes", "maxTotalVolumes"),
    ("snapshots", "maxTotalSnapshots"),
    ("backups", "maxTotalBackups"),
];

/// Connects `GET /limits`.
pub fn connect(m: &mut Mapper<Handler<ApiState>>) {
    m.connect(Method::GET, "/limits", "index", crate::handler!(index));
}

/// `index`: the absolute limits (and used values) of the caller's project, or of the one an
/// admin names from 3.39 (`project_id`, or the legacy `tenant_id`).
pub async fn index(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let ctx = state.context(&req.ctx);
    let named = if req.version >= LIMITS_ADMIN_FILTER && ctx.is_admin {
        last_query_value(&req, "project_id").or_else(|| last_query_value(&req, "tenant_id"))
    } else {
        None
    };
    let project_id = named
        .map(str::to_string)
        .or_else(|| ctx.project_id.clone())
        .unwrap_or_default();
    let db = state.db().await?;
    let mut tx = db.begin_read().await?;
    let result = async {
        let quotas = state
            .quotas
            .get_project_quotas(&mut tx, &project_id, true)
            .await?;
        let mut absolute = absolute_limits(&quotas);
        used_limits::extend(&state, &ctx, &mut tx, &project_id, &mut absolute).await?;
        Ok::<_, crate::exception::CinderError>(absolute)
    }
    .await;
    let _ = tx.rollback().await;
    let absolute = result?;
    Ok(ApiResponse::json(
        StatusCode::OK,
        json!({"limits": {"rate": [], "absolute": Value::Object(absolute)}}),
    ))
}

/// `ViewBuilder._build_absolute_limits`: the shown limits, in the order of the resources.
fn absolute_limits(quotas: &[(String, QuotaValue)]) -> Map<String, Value> {
    let mut out = Map::new();
    for (name, q) in quotas {
        if let Some((_, shown)) = LIMIT_NAMES.iter().find(|(r, _)| r == name) {
            out.insert(shown.to_string(), json!(q.limit));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_limits_follow_the_resources_order() {
        let q = |limit| QuotaValue {
            limit,
            in_use: 0,
            reserved: 0,
        };
        let quotas = vec![
            ("volumes".to_string(), q(10)),
            ("per_volume_gigabytes".to_string(), q(-1)),
            ("snapshots".to_string(), q(10)),
            ("gigabytes".to_string(), q(1000)),
            ("backups".to_string(), q(10)),
            ("backup_gigabytes".to_string(), q(1000)),
            ("volumes_gold".to_string(), q(-1)),
            ("groups".to_string(), q(10)),
        ];
        let got = absolute_limits(&quotas);
        assert_eq!(
            serde_json::to_string(&got).expect("json"),
            r#"{"maxTotalVolumes":10,"maxTotalSnapshots":10,"maxTotalVolumeGigabytes":1000,"maxTotalBackups":10,"maxTotalBackupGigabytes":1000}"#
        );
    }
}
