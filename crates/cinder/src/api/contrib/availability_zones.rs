//! The availability zones API (`cinder/api/contrib/availability_zones.py` over
//! `volume.API.list_availability_zones` and `cinder/api/views/availability_zones.py`).
//!
//! - `GET /os-availability-zone` → `{"availabilityZoneInfo": [{"zoneName": "nova",
//!   "zoneState": {"available": true}}]}`: one entry per zone of the volume services (up or
//!   down), in the order the zones first appear; a zone is available unless every one of its
//!   volume services is disabled. No policy applies.

use std::sync::Arc;

use http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::api::openstack::router::Mapper;
use crate::api::openstack::wsgi::{ApiRequest, ApiResponse, ApiResult, Handler};
use crate::api::v3::state::ApiState;
use crate::db::api::services::{self as db, ServiceFilters, ServiceRow, VOLUME_BINARY};

/// Connects the `os-availability-zone` route.
pub fn connect(m: &mut Mapper<Handler<ApiState>>) {
    m.connect(
        Method::GET,
        "/os-availability-zone",
        "index",
        crate::handler!(index),
    );
}

/// A zone and whether a volume can be placed in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AvailabilityZone {
    pub name: Option<String>,
    pub available: bool,
}

/// `list_availability_zones`: the zones of `services`, available unless all disabled.
pub fn availability_zones(services: &[ServiceRow]) -> Vec<AvailabilityZone> {
    let mut zones: Vec<AvailabilityZone> = Vec::new();
    for svc in services {
        match zones.iter_mut().find(|z| z.name == svc.availability_zone) {
            Some(z) => z.available |= !svc.disabled,
            None => zones.push(AvailabilityZone {
                name: svc.availability_zone.clone(),
                available: !svc.disabled,
            }),
        }
    }
    zones
}

/// `index`: the zones of the volume services.
pub async fn index(state: Arc<ApiState>, _req: ApiRequest) -> ApiResult {
    let db = state.db().await?;
    let mut tx = db.begin_read().await?;
    let filters = ServiceFilters {
        topic: Some(VOLUME_BINARY.to_string()),
        ..Default::default()
    };
    let services = db::service_get_all(&mut tx, &filters).await;
    let _ = tx.rollback().await;
    let zones: Vec<Value> = availability_zones(&services?)
        .into_iter()
        .map(|z| json!({"zoneName": z.name, "zoneState": {"available": z.available}}))
        .collect();
    tracing::info!(target: "cinder.volume.api", "Availability Zones retrieved successfully.");
    Ok(ApiResponse::json(
        StatusCode::OK,
        json!({ "availabilityZoneInfo": zones }),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn svc(az: &str, disabled: bool) -> ServiceRow {
        ServiceRow {
            id: 1,
            created_at: None,
            updated_at: None,
            host: None,
            binary: Some(VOLUME_BINARY.into()),
            topic: Some(VOLUME_BINARY.into()),
            report_count: 0,
            disabled,
            availability_zone: Some(az.into()),
            disabled_reason: None,
            modified_at: None,
            rpc_current_version: None,
            object_current_version: None,
            replication_status: None,
            frozen: false,
            active_backend_id: None,
            cluster_name: None,
            uuid: None,
        }
    }

    #[test]
    fn a_zone_is_available_unless_all_its_services_are_disabled() {
        let zones = availability_zones(&[svc("nova", true), svc("az2", true), svc("nova", false)]);
        assert_eq!(
            zones,
            vec![
                AvailabilityZone {
                    name: Some("nova".into()),
                    available: true
                },
                AvailabilityZone {
                    name: Some("az2".into()),
                    available: false
                },
            ]
        );
    }
}
