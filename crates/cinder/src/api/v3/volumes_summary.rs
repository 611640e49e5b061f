//! `GET /volumes/summary` (3.12+, `VolumeController.summary` of `cinder/api/v3/volumes.py`):
//! how many volumes the caller's project has and their total size; from 3.36 every distinct
//! metadata value by key. An admin's `all_tenants` counts every project; other filters are
//! ignored, as upstream ignores them.

use std::sync::Arc;

use http::{Method, StatusCode};
use serde_json::json;

use super::state::ApiState;
use crate::api::openstack::api_version_request::ApiVersion;
use crate::api::openstack::router::Mapper;
use crate::api::openstack::wsgi::{ApiRequest, ApiResponse, ApiResult, Handler};
use crate::volume::metadata;

/// `mv.VOLUME_SUMMARY_METADATA`.
const SUMMARY_METADATA: ApiVersion = ApiVersion {
    major: 3,
    minor: 36,
};

/// Connects `GET /volumes/summary`.
pub fn connect(m: &mut Mapper<Handler<ApiState>>) {
    m.connect(
        Method::GET,
        "/volumes/summary",
        "summary",
        crate::handler!(summary),
    )
    .since(3, 12);
}

/// `utils.get_bool_param('all_tenants', ...)` (`strutils.bool_from_string`, lenient).
fn all_tenants(req: &ApiRequest) -> bool {
    req.query_value("all_tenants").is_some_and(|v| {
        matches!(
            v.trim().to_ascii_lowercase().as_str(),
            "1" | "t" | "true" | "on" | "y" | "yes"
        )
    })
}

async fn summary(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let ctx = state.context(&req.ctx);
    let s = metadata::summary(&state, &ctx, all_tenants(&req)).await?;
    let mut body = json!({
        "volume-summary": {
            "total_count": s.count,
            "total_size": s.size,
        }
    });
    if req.version >= SUMMARY_METADATA {
        body["volume-summary"]["metadata"] = json!(s.metadata);
    }
    Ok(ApiResponse::json(StatusCode::OK, body))
}
