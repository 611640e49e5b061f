//! The snapshot views (`cinder/api/views/snapshots.py`, `cinder/api/v3/views/snapshots.py`
//! and the `os-extended-snapshot-attributes` extension): the summary body of the plain list,
//! the detail body of show, detail, create and update with the keys later microversions add
//! (3.14 `group_snapshot_id`, 3.41 `user_id`, 3.65 `consumes_quota`), and the two extension
//! keys that show and detail carry when policy allows.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::volumes::isotime;
use crate::api::openstack::api_version_request::ApiVersion;
use crate::db::api::snapshots::SnapshotRow;

/// The extension's alias, the prefix of its keys.
const EXTENDED: &str = "os-extended-snapshot-attributes";

fn opt(s: &Option<String>) -> Value {
    s.clone().map_or(Value::Null, Value::String)
}

/// The v2 summary (`GET /snapshots` items; also the base of the detail).
pub fn summary(s: &SnapshotRow, metadata: Option<&BTreeMap<String, String>>) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), Value::String(s.id.clone()));
    m.insert("created_at".into(), isotime(s.created_at));
    m.insert("updated_at".into(), isotime(s.updated_at));
    m.insert("name".into(), opt(&s.display_name));
    m.insert("description".into(), opt(&s.display_description));
    m.insert("volume_id".into(), Value::String(s.volume_id.clone()));
    m.insert("status".into(), opt(&s.status));
    m.insert(
        "size".into(),
        s.volume_size.map_or(Value::Null, Value::from),
    );
    let md: Map<String, Value> = metadata
        .map(|md| {
            md.iter()
                .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                .collect()
        })
        .unwrap_or_default();
    m.insert("metadata".into(), Value::Object(md));
    Value::Object(m)
}

/// The v3 detail: the summary plus the keys of the request's microversion, and the
/// extension keys when `extended` (show and detail, policy permitting).
pub fn detail(
    version: ApiVersion,
    s: &SnapshotRow,
    metadata: Option<&BTreeMap<String, String>>,
    extended: bool,
) -> Value {
    let mut v = summary(s, metadata);
    let at_least = |minor: u32| version >= ApiVersion { major: 3, minor };
    if let Value::Object(m) = &mut v {
        if at_least(14) {
            m.insert("group_snapshot_id".into(), opt(&s.group_snapshot_id));
        }
        if at_least(41) {
            m.insert("user_id".into(), opt(&s.user_id));
        }
        if at_least(65) {
            m.insert("consumes_quota".into(), Value::Bool(s.use_quota));
        }
        if extended {
            m.insert(format!("{EXTENDED}:project_id"), opt(&s.project_id));
            m.insert(format!("{EXTENDED}:progress"), opt(&s.progress));
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> SnapshotRow {
        SnapshotRow {
            created_at: None,
            updated_at: None,
            deleted_at: None,
            deleted: false,
            id: "s1".into(),
            volume_id: "v1".into(),
            user_id: Some("u".into()),
            project_id: Some("p".into()),
            status: Some("creating".into()),
            progress: Some("0%".into()),
            volume_size: Some(1),
            scheduled_at: None,
            display_name: Some("n".into()),
            display_description: None,
            provider_location: None,
            encryption_key_id: None,
            volume_type_id: "t".into(),
            cgsnapshot_id: None,
            provider_id: None,
            provider_auth: None,
            group_snapshot_id: None,
            use_quota: true,
        }
    }

    fn v(minor: u32) -> ApiVersion {
        ApiVersion { major: 3, minor }
    }

    #[test]
    fn keys_follow_the_microversion() {
        let base = detail(v(0), &row(), None, false);
        let keys: Vec<&String> = base
            .as_object()
            .map(|m| m.keys().collect())
            .unwrap_or_default();
        assert_eq!(keys.len(), 9);
        assert!(base.get("group_snapshot_id").is_none());
        let newest = detail(v(71), &row(), None, true);
        assert_eq!(newest["user_id"], "u");
        assert_eq!(newest["consumes_quota"], true);
        assert!(newest["group_snapshot_id"].is_null());
        assert_eq!(newest["os-extended-snapshot-attributes:progress"], "0%");
        assert_eq!(newest["os-extended-snapshot-attributes:project_id"], "p");
        assert_eq!(
            detail(v(64), &row(), None, false).get("consumes_quota"),
            None
        );
    }
}
