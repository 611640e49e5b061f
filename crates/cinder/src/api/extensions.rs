//! The extensions API (`ExtensionsResource` of `cinder/api/extensions.py`): the API
//! extensions cinder loads from `cinder/api/contrib/`, each described by the `name`,
//! `alias`, `updated` and docstring of its `ExtensionDescriptor`. Every standard extension
//! is always loaded here (upstream's `osapi_volume_extension` default), so the list is
//! fixed; it is given in the order of upstream's module files.
//!
//! - `GET /extensions` → `{"extensions": [{"name", "alias", "description", "updated",
//!   "links": []}, ...]}`
//! - `GET /extensions/{alias}` → `{"extension": {...}}`, or 404 for an unknown alias.
//!   No policy applies.

use std::sync::Arc;

use http::{Method, StatusCode};
use openstack_http::fault::webob_explanation;
use serde_json::{json, Value};

use crate::api::openstack::router::Mapper;
use crate::api::openstack::wsgi::{ApiRequest, ApiResponse, ApiResult, Handler};
use crate::api::v3::state::ApiState;
use crate::exception::CinderError;

/// Connects the `extensions` routes.
pub fn connect(m: &mut Mapper<Handler<ApiState>>) {
    m.connect(Method::GET, "/extensions", "index", crate::handler!(index));
    m.connect(
        Method::GET,
        "/extensions/{id}",
        "show",
        crate::handler!(show),
    );
}

/// One extension descriptor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Extension {
    pub name: &'static str,
    pub alias: &'static str,
    /// The descriptor class's docstring.
    pub description: &'static str,
    pub updated: &'static str,
}

impl Extension {
    fn view(&self) -> Value {
        json!({
            "name": self.name,
            "alias": self.alias,
            "description": self.description,
            "updated": self.updated,
            "links": [],
        })
    }
}

/// Whether the extension `alias` is loaded (`ExtensionManager.is_loaded`).
pub fn is_loaded(alias: &str) -> bool {
    EXTENSIONS.iter().any(|e| e.alias == alias)
}

/// The standard extensions, as `cinder/api/contrib/*.py` declare them.
pub const EXTENSIONS: [Extension; 32] = [
    Extension {
        name: "AdminActions",
        alias: "os-admin-actions",
        description: "Enable admin actions.",
        updated: "2012-08-25T00:00:00+00:00",
    },
    Extension {
        name: "AvailabilityZones",
        alias: "os-availability-zone",
        description: "Describe Availability Zones.",
        updated: "2013-06-27T00:00:00+00:00",
    },
    Extension {
        name: "Backups",
        alias: "backups",
        description: "Backups support.",
        updated: "2012-12-12T00:00:00+00:00",
    },
    Extension {
        name: "Capabilities",
        alias: "capabilities",
        description: "Capabilities support.",
        updated: "2015-08-31T00:00:00+00:00",
    },
    Extension {
        name: "Cgsnapshots",
        alias: "cgsnapshots",
        description: "cgsnapshots support.",
        updated: "2014-08-18T00:00:00+00:00",
    },
    Extension {
        name: "Consistencygroups",
        alias: "consistencygroups",
        description: "consistency groups support.",
        updated: "2014-08-18T00:00:00+00:00",
    },
    Extension {
        name: "ExtendedServices",
        alias: "os-extended-services",
        description: "Extended services support.",
        updated: "2014-01-10T00:00:00-00:00",
    },
    Extension {
        name: "ExtendedSnapshotAttributes",
        alias: "os-extended-snapshot-attributes",
        description: "Extended SnapshotAttributes support.",
        updated: "2012-06-19T00:00:00+00:00",
    },
    Extension {
        name: "Hosts",
        alias: "os-hosts",
        description: "Admin-only host administration.",
        updated: "2011-06-29T00:00:00+00:00",
    },
    Extension {
        name: "Qos_specs_manage",
        alias: "qos-specs",
        description: "QoS specs support.",
        updated: "2013-08-02T00:00:00+00:00",
    },
    Extension {
        name: "QuotaClasses",
        alias: "os-quota-class-sets",
        description: "Quota classes management support.",
        updated: "2012-03-12T00:00:00+00:00",
    },
    Extension {
        name: "Quotas",
        alias: "os-quota-sets",
        description: "Quota management support.",
        updated: "2011-08-08T00:00:00+00:00",
    },
    Extension {
        name: "SchedulerHints",
        alias: "OS-SCH-HNT",
        description: "Pass arbitrary key/value pairs to the scheduler.",
        updated: "2013-04-18T00:00:00+00:00",
    },
    Extension {
        name: "Scheduler_stats",
        alias: "scheduler-stats",
        description: "Scheduler stats support.",
        updated: "2014-09-07T00:00:00+00:00",
    },
    Extension {
        name: "Services",
        alias: "os-services",
        description: "Services support.",
        updated: "2012-10-28T00:00:00-00:00",
    },
    Extension {
        name: "SnapshotActions",
        alias: "os-snapshot-actions",
        description: "Enable snapshot manager actions.",
        updated: "2013-07-16T00:00:00+00:00",
    },
    Extension {
        name: "SnapshotManage",
        alias: "os-snapshot-manage",
        description: "Allows existing backend storage to be 'managed' by Cinder.",
        updated: "2014-12-31T00:00:00+00:00",
    },
    Extension {
        name: "SnapshotUnmanage",
        alias: "os-snapshot-unmanage",
        description: "Enable volume unmanage operation.",
        updated: "2014-12-31T00:00:00+00:00",
    },
    Extension {
        name: "TypesExtraSpecs",
        alias: "os-types-extra-specs",
        description: "Type extra specs support.",
        updated: "2011-08-24T00:00:00+00:00",
    },
    Extension {
        name: "TypesManage",
        alias: "os-types-manage",
        description: "Types manage support.",
        updated: "2011-08-24T00:00:00+00:00",
    },
    Extension {
        name: "UsedLimits",
        alias: "os-used-limits",
        description: "Provide data on limited resources that are being used.",
        updated: "2013-10-03T00:00:00+00:00",
    },
    Extension {
        name: "VolumeActions",
        alias: "os-volume-actions",
        description: "Enable volume actions.",
        updated: "2012-05-31T00:00:00+00:00",
    },
    Extension {
        name: "VolumeEncryptionMetadata",
        alias: "os-volume-encryption-metadata",
        description: "Volume encryption metadata retrieval support.",
        updated: "2013-07-10T00:00:00+00:00",
    },
    Extension {
        name: "VolumeHostAttribute",
        alias: "os-vol-host-attr",
        description: "Expose host as an attribute of a volume.",
        updated: "2011-11-03T00:00:00+00:00",
    },
    Extension {
        name: "VolumeImageMetadata",
        alias: "os-vol-image-meta",
        description: "Show image metadata associated with the volume.",
        updated: "2012-12-07T00:00:00+00:00",
    },
    Extension {
        name: "VolumeManage",
        alias: "os-volume-manage",
        description: "Allows existing backend storage to be 'managed' by Cinder.",
        updated: "2014-02-10T00:00:00+00:00",
    },
    Extension {
        name: "VolumeMigStatusAttribute",
        alias: "os-vol-mig-status-attr",
        description: "Expose migration_status as an attribute of a volume.",
        updated: "2013-08-08T00:00:00+00:00",
    },
    Extension {
        name: "VolumeTenantAttribute",
        alias: "os-vol-tenant-attr",
        description: "Expose the internal project_id as an attribute of a volume.",
        updated: "2011-11-03T00:00:00+00:00",
    },
    Extension {
        name: "VolumeTransfer",
        alias: "os-volume-transfer",
        description: "Volume transfer management support.",
        updated: "2013-05-29T00:00:00+00:00",
    },
    Extension {
        name: "VolumeTypeAccess",
        alias: "os-volume-type-access",
        description: "Volume type access support.",
        updated: "2014-06-26T00:00:00Z",
    },
    Extension {
        name: "VolumeTypeEncryption",
        alias: "encryption",
        description: "Encryption support for volume types.",
        updated: "2013-07-01T00:00:00+00:00",
    },
    Extension {
        name: "VolumeUnmanage",
        alias: "os-volume-unmanage",
        description: "Enable volume unmanage operation.",
        updated: "2012-05-31T00:00:00+00:00",
    },
];

/// `index`: every loaded extension.
pub async fn index(_state: Arc<ApiState>, _req: ApiRequest) -> ApiResult {
    let list: Vec<Value> = EXTENSIONS.iter().map(Extension::view).collect();
    Ok(ApiResponse::json(
        StatusCode::OK,
        json!({ "extensions": list }),
    ))
}

/// `show`: one extension by alias; `HTTPNotFound` for another.
pub async fn show(_state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    let alias = req.param("id");
    let ext = EXTENSIONS
        .iter()
        .find(|e| e.alias == alias)
        .ok_or_else(|| {
            CinderError::http(
                StatusCode::NOT_FOUND,
                webob_explanation(StatusCode::NOT_FOUND),
            )
        })?;
    Ok(ApiResponse::json(
        StatusCode::OK,
        json!({ "extension": ext.view() }),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_are_unique_and_include_the_always_loaded_ones() {
        let mut aliases: Vec<&str> = EXTENSIONS.iter().map(|e| e.alias).collect();
        aliases.sort_unstable();
        aliases.dedup();
        assert_eq!(aliases.len(), 32);
        assert!(is_loaded("os-extended-services"));
        assert!(is_loaded("OS-SCH-HNT"));
        assert!(!is_loaded("os-hypervisors"));
    }
}
