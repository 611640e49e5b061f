//! The volume views (`cinder/api/v2/views/volumes.py`, `cinder/api/v3/views/volumes.py`, and
//! the extension keys `os-vol-host-attr`, `os-vol-tenant-attr`, `os-vol-mig-status-attr`):
//! summary and detail bodies, per microversion and per caller (admin-only keys), with
//! upstream's key order.

use std::collections::BTreeMap;

use openstack_db::PrimitiveDateTime;
use serde_json::{Map, Value};

use crate::api::openstack::api_version_request::ApiVersion;
use crate::db::api::volumes::VolumeRow;

/// What a detail view needs beyond the row.
pub struct VolumeExtras<'a> {
    pub metadata: Option<&'a BTreeMap<String, String>>,
    pub admin_metadata: Option<&'a BTreeMap<String, String>>,
    /// The type's name (None when the type row is gone: the id is shown instead).
    pub type_name: Option<&'a str>,
}

/// How a view is built for one request.
#[derive(Clone, Copy)]
pub struct ViewContext<'a> {
    pub version: ApiVersion,
    pub is_admin: bool,
    /// `<application url>` of the v3 API (`http://host:8776/v3`), for links.
    pub base_url: &'a str,
    /// The project in the request URL (links mirror the form used).
    pub project_id: Option<&'a str>,
    /// The create response is built before the extension hooks run: no `os-vol-*` keys.
    pub extensions: bool,
}

fn at_least(v: ApiVersion, minor: u32) -> bool {
    v >= ApiVersion { major: 3, minor }
}

/// Upstream's datetime format in bodies: `YYYY-MM-DDTHH:MM:SS.ffffff`.
pub fn isotime(t: Option<PrimitiveDateTime>) -> Value {
    match t {
        Some(t) => Value::String(format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second(),
            t.microsecond()
        )),
        None => Value::Null,
    }
}

/// The `self` and `bookmark` links of a volume.
pub fn links(ctx: &ViewContext<'_>, collection: &str, id: &str) -> Value {
    let base = ctx.base_url.trim_end_matches('/');
    let bookmark_base = base.strip_suffix("/v3").unwrap_or(base);
    let project = ctx.project_id.map(|p| format!("/{p}")).unwrap_or_default();
    serde_json::json!([
        {"rel": "self", "href": format!("{base}{project}/{collection}/{id}")},
        {"rel": "bookmark", "href": format!("{bookmark_base}{project}/{collection}/{id}")},
    ])
}

/// The summary view (`GET /volumes`): id, name, links.
pub fn summary(ctx: &ViewContext<'_>, v: &VolumeRow) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), Value::String(v.id.clone()));
    m.insert("name".into(), opt(&v.display_name));
    m.insert("links".into(), links(ctx, "volumes", &v.id));
    Value::Object(m)
}

fn opt(s: &Option<String>) -> Value {
    s.clone().map_or(Value::Null, Value::String)
}

/// The status the API shows (`_get_volume_status`).
fn shown_status(status: Option<&str>) -> Value {
    Value::String(
        match status.unwrap_or("") {
            "managing" => "creating",
            "error_managing" => "error",
            "error_managing_deleting" => "deleting",
            other => other,
        }
        .to_string(),
    )
}

/// The detail view (`GET /volumes/detail`, show, create, update).
pub fn detail(ctx: &ViewContext<'_>, v: &VolumeRow, extras: &VolumeExtras<'_>) -> Value {
    let mv = ctx.version;
    let mut m = Map::new();
    let mut put = |k: &str, val: Value| {
        m.insert(k.to_string(), val);
    };
    put("id", Value::String(v.id.clone()));
    put("status", shown_status(v.status.as_deref()));
    put("size", v.size.map_or(Value::Null, Value::from));
    put("availability_zone", opt(&v.availability_zone));
    put("created_at", isotime(v.created_at));
    put("updated_at", isotime(v.updated_at));
    put("name", opt(&v.display_name));
    put("description", opt(&v.display_description));
    let type_shown = match extras.type_name {
        Some(n) => Value::String(n.to_string()),
        None => Value::String(v.volume_type_id.clone()),
    };
    put("volume_type", type_shown);
    put("snapshot_id", opt(&v.snapshot_id));
    put("source_volid", opt(&v.source_volid));
    let mut metadata: Map<String, Value> = extras
        .metadata
        .map(|md| {
            md.iter()
                .map(|(k, val)| (k.clone(), Value::String(val.clone())))
                .collect()
        })
        .unwrap_or_default();
    if let Some(admin) = extras.admin_metadata {
        for key in ["readonly", "attached_mode"] {
            if let Some(val) = admin.get(key) {
                metadata.insert(key.to_string(), Value::String(val.clone()));
            }
        }
    }
    put("metadata", Value::Object(metadata));
    put("links", links(ctx, "volumes", &v.id));
    put("user_id", opt(&v.user_id));
    put(
        "bootable",
        Value::String(
            if v.bootable.unwrap_or(false) {
                "true"
            } else {
                "false"
            }
            .into(),
        ),
    );
    put("encrypted", Value::Bool(v.encryption_key_id.is_some()));
    put("replication_status", opt(&v.replication_status));
    put("consistencygroup_id", opt(&v.consistencygroup_id));
    put("multiattach", Value::Bool(v.multiattach.unwrap_or(false)));
    // Attachments come with the attachments API (a later issue): none are attached yet.
    put("attachments", Value::Array(Vec::new()));
    if ctx.is_admin {
        put("migration_status", opt(&v.migration_status));
    }
    if at_least(mv, 13) {
        put("group_id", opt(&v.group_id));
    }
    if at_least(mv, 21) && ctx.is_admin {
        put("provider_id", opt(&v.provider_id));
    }
    if at_least(mv, 48) {
        let shared = match v.shared_targets {
            None if !at_least(mv, 69) => Value::Bool(true),
            None => Value::Null,
            Some(b) => Value::Bool(b),
        };
        put("shared_targets", shared);
        put("service_uuid", opt(&v.service_uuid));
    }
    if at_least(mv, 61) && ctx.is_admin {
        put("cluster_name", opt(&v.cluster_name));
    }
    if at_least(mv, 63) {
        put("volume_type_id", Value::String(v.volume_type_id.clone()));
        if let Some(n) = extras.type_name {
            put("volume_type", Value::String(n.to_string()));
        }
    }
    if at_least(mv, 64) {
        if let Some(key) = v
            .encryption_key_id
            .as_deref()
            .filter(|k| *k != "00000000-0000-0000-0000-000000000000")
        {
            put("encryption_key_id", Value::String(key.to_string()));
        }
    }
    if at_least(mv, 65) {
        put("consumes_quota", Value::Bool(v.use_quota));
    }
    if ctx.extensions {
        if ctx.is_admin {
            put("os-vol-host-attr:host", opt(&v.host));
            put("os-vol-mig-status-attr:migstat", opt(&v.migration_status));
            put("os-vol-mig-status-attr:name_id", opt(&v.name_id));
        }
        put("os-vol-tenant-attr:tenant_id", opt(&v.project_id));
    }
    Value::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn row() -> VolumeRow {
        VolumeRow {
            created_at: Some(datetime!(2026-11-22 01:43:49.020460)),
            updated_at: None,
            deleted_at: None,
            deleted: false,
            id: "bdc9".into(),
            user_id: Some("u".into()),
            project_id: Some("p".into()),
            host: None,
            size: Some(1),
            availability_zone: Some("nova".into()),
            status: Some("managing".into()),
            attach_status: Some("detached".into()),
            scheduled_at: None,
            launched_at: None,
            terminated_at: None,
            display_name: Some("vol1".into()),
            display_description: None,
            provider_location: None,
            provider_auth: None,
            snapshot_id: None,
            volume_type_id: "t1".into(),
            source_volid: None,
            bootable: Some(false),
            provider_geometry: None,
            name_id: None,
            encryption_key_id: None,
            migration_status: None,
            replication_status: None,
            consistencygroup_id: None,
            provider_id: None,
            multiattach: Some(false),
            previous_status: None,
            cluster_name: None,
            group_id: None,
            service_uuid: None,
            shared_targets: None,
            use_quota: true,
        }
    }

    fn ctx(minor: u32, admin: bool) -> ViewContext<'static> {
        ViewContext {
            version: ApiVersion { major: 3, minor },
            is_admin: admin,
            base_url: "http://h:8776/v3",
            project_id: Some("p"),
            extensions: true,
        }
    }

    #[test]
    fn detail_at_3_0_for_a_member() {
        let extras = VolumeExtras {
            metadata: None,
            admin_metadata: None,
            type_name: Some("__DEFAULT__"),
        };
        let v = detail(&ctx(0, false), &row(), &extras);
        assert_eq!(v["status"], "creating");
        assert_eq!(v["created_at"], "2026-11-22T01:43:49.020460");
        assert_eq!(v["bootable"], "false");
        assert_eq!(v["links"][0]["href"], "http://h:8776/v3/p/volumes/bdc9");
        assert_eq!(v["links"][1]["href"], "http://h:8776/p/volumes/bdc9");
        assert!(v.get("migration_status").is_none());
        assert!(v.get("os-vol-host-attr:host").is_none());
        assert_eq!(v["os-vol-tenant-attr:tenant_id"], "p");
        assert!(v.get("group_id").is_none());
    }

    #[test]
    fn detail_at_3_71_for_an_admin() {
        let extras = VolumeExtras {
            metadata: None,
            admin_metadata: None,
            type_name: Some("__DEFAULT__"),
        };
        let v = detail(&ctx(71, true), &row(), &extras);
        assert_eq!(v["volume_type_id"], "t1");
        assert_eq!(v["shared_targets"], Value::Null);
        assert_eq!(v["consumes_quota"], true);
        assert!(v.get("cluster_name").is_some());
        assert!(v.get("os-vol-host-attr:host").is_some());
        let v = detail(&ctx(48, true), &row(), &extras);
        assert_eq!(v["shared_targets"], true);
    }
}
