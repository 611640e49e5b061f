//! The volume type views: `cinder/api/v3/views/types.py` (list and show, with the extra specs
//! and the QoS specs id only for callers the policies allow), `cinder/api/views/types.py` (the
//! older view the create and update responses still use: every extra spec, no QoS specs id),
//! and the `os-volume-type-access:is_public` key the type-access extension adds.

use serde_json::{json, Map, Value};

use crate::api::common::next_query;
use crate::api::openstack::wsgi::ApiRequest;
use crate::policies::type_extra_specs::USER_VISIBLE_EXTRA_SPECS;
use crate::volume::volume_types::VolumeType;

/// The key the `os-volume-type-access` extension adds to type bodies.
pub const IS_PUBLIC_KEY: &str = "os-volume-type-access:is_public";

/// What the caller may see of a type, decided once per request by the policies.
#[derive(Clone, Copy, Debug, Default)]
pub struct TypeViewPolicy {
    /// `volume_extension:access_types_extra_specs`.
    pub extra_specs: bool,
    /// `volume_extension:types_extra_specs:read_sensitive`: every spec, not only the
    /// user-visible ones.
    pub read_sensitive: bool,
    /// `volume_extension:access_types_qos_specs_id`.
    pub qos_specs_id: bool,
    /// `volume_extension:volume_type_access`: the `os-volume-type-access:is_public` key.
    pub type_access: bool,
}

fn specs_value<'a>(specs: impl Iterator<Item = (&'a String, &'a Option<String>)>) -> Value {
    Value::Object(
        specs
            .map(|(k, v)| (k.clone(), v.clone().map_or(Value::Null, Value::String)))
            .collect(),
    )
}

/// The extra specs a caller without `read_sensitive` sees.
pub fn user_visible(t: &VolumeType) -> Value {
    specs_value(
        t.extra_specs
            .iter()
            .filter(|(k, _)| USER_VISIBLE_EXTRA_SPECS.contains(&k.as_str())),
    )
}

/// The extra specs `policy` lets the caller see.
pub fn visible_specs(t: &VolumeType, read_sensitive: bool) -> Value {
    if read_sensitive {
        specs_value(t.extra_specs.iter())
    } else {
        user_visible(t)
    }
}

/// One type as `GET /types` and `GET /types/{id}` show it (without the envelope).
pub fn brief(t: &VolumeType, policy: &TypeViewPolicy, type_access: bool) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), Value::String(t.id.clone()));
    m.insert("name".into(), Value::String(t.name.clone()));
    m.insert("is_public".into(), Value::Bool(t.is_public));
    m.insert("description".into(), opt(&t.description));
    if policy.extra_specs {
        m.insert(
            "extra_specs".into(),
            visible_specs(t, policy.read_sensitive),
        );
    }
    if policy.qos_specs_id {
        m.insert("qos_specs_id".into(), opt(&t.qos_specs_id));
    }
    if type_access && policy.type_access {
        m.insert(IS_PUBLIC_KEY.into(), Value::Bool(t.is_public));
    }
    Value::Object(m)
}

/// `{"volume_type": …}` of `GET /types/{id}`; `type_access` is false for `GET /types/default`
/// (upstream's extension looks the type up under the id `default` and finds nothing).
pub fn show(t: &VolumeType, policy: &TypeViewPolicy, type_access: bool) -> Value {
    json!({"volume_type": brief(t, policy, type_access)})
}

/// `{"volume_type": …}` of `POST /types` and `PUT /types/{id}` (the older view: every extra
/// spec, no QoS specs id); the create response also gets the type-access key.
pub fn manage_show(t: &VolumeType, policy: &TypeViewPolicy, type_access: bool) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), Value::String(t.id.clone()));
    m.insert("name".into(), Value::String(t.name.clone()));
    m.insert("is_public".into(), Value::Bool(t.is_public));
    m.insert("extra_specs".into(), specs_value(t.extra_specs.iter()));
    m.insert("description".into(), opt(&t.description));
    if type_access && policy.type_access {
        m.insert(IS_PUBLIC_KEY.into(), Value::Bool(t.is_public));
    }
    json!({"volume_type": Value::Object(m)})
}

/// `{"volume_types": […]}` with `volume_type_links` when the page is full.
pub fn index(
    req: &ApiRequest,
    types: &[VolumeType],
    policy: &TypeViewPolicy,
    links: &CollectionLinks<'_>,
) -> Value {
    let mut body = Map::new();
    body.insert(
        "volume_types".into(),
        Value::Array(types.iter().map(|t| brief(t, policy, true)).collect()),
    );
    if let Some(last) = types.last() {
        if links.limit <= types.len() as i64 {
            body.insert(
                "volume_type_links".into(),
                json!([{"rel": "next", "href": next_link(req, links, "types", &last.id)}]),
            );
        }
    }
    Value::Object(body)
}

/// What the `next` link of a collection is built from (`_get_collection_links`).
pub struct CollectionLinks<'a> {
    /// The page size asked for (`limit`, else `osapi_max_limit`).
    pub limit: i64,
    /// `[DEFAULT] public_endpoint`, replacing scheme, host and path prefix of the links.
    pub public_endpoint: Option<&'a str>,
    /// The caller's project id (links name it when the request URL did).
    pub project_id: Option<&'a str>,
}

/// `<application url>/<project>/<collection>?<query with marker=last>`.
fn next_link(
    req: &ApiRequest,
    links: &CollectionLinks<'_>,
    collection: &str,
    last: &str,
) -> String {
    let prefix = with_public_endpoint(&req.application_url, links.public_endpoint);
    let project = links
        .project_id
        .filter(|p| req.url.contains(&format!("/v3/{p}")))
        .map(|p| format!("/{p}"))
        .unwrap_or_default();
    // webob's `params["marker"] = …` drops every earlier marker and appends the new one.
    let params = next_query(&req.query, last);
    format!(
        "{}{project}/{collection}?{}",
        prefix.trim_end_matches('/'),
        params
    )
}

/// `_update_link_prefix`: the public endpoint's scheme and host, its path before ours.
fn with_public_endpoint(url: &str, public_endpoint: Option<&str>) -> String {
    let Some(prefix) = public_endpoint.filter(|p| !p.is_empty()) else {
        return url.to_string();
    };
    let path_of = |u: &str| -> String {
        match u.split_once("://") {
            Some((_, rest)) => rest
                .find('/')
                .map_or(String::new(), |i| rest[i..].to_string()),
            None => u.to_string(),
        }
    };
    let origin = match prefix.split_once("://") {
        Some((scheme, rest)) => {
            let host = rest.split('/').next().unwrap_or("");
            format!("{scheme}://{host}")
        }
        None => String::new(),
    };
    format!("{origin}{}{}", path_of(prefix), path_of(url))
        .trim_end_matches('/')
        .to_string()
}

fn opt(s: &Option<String>) -> Value {
    s.clone().map_or(Value::Null, Value::String)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::api::common::quote_plus;

    fn vt() -> VolumeType {
        VolumeType {
            id: "a1".into(),
            name: "gold".into(),
            description: None,
            is_public: false,
            qos_specs_id: Some("q".into()),
            extra_specs: BTreeMap::from([
                ("multiattach".to_string(), Some("<is> True".to_string())),
                ("volume_backend_name".to_string(), Some("lvm".to_string())),
                ("k".to_string(), None),
            ]),
            created_at: None,
            updated_at: None,
            deleted_at: None,
            deleted: false,
        }
    }

    #[test]
    fn users_see_only_user_visible_specs_and_no_qos_id() {
        let user = TypeViewPolicy {
            extra_specs: true,
            type_access: true,
            ..Default::default()
        };
        assert_eq!(
            brief(&vt(), &user, true),
            json!({"id": "a1", "name": "gold", "is_public": false, "description": null,
                   "extra_specs": {"multiattach": "<is> True"},
                   "os-volume-type-access:is_public": false})
        );
        let admin = TypeViewPolicy {
            extra_specs: true,
            read_sensitive: true,
            qos_specs_id: true,
            type_access: true,
        };
        let body = brief(&vt(), &admin, false);
        assert_eq!(body["extra_specs"]["k"], Value::Null);
        assert_eq!(body["qos_specs_id"], "q");
        assert!(body.get(IS_PUBLIC_KEY).is_none());
        let keys: Vec<&String> = body
            .as_object()
            .map(|m| m.keys().collect())
            .unwrap_or_default();
        assert_eq!(
            keys,
            [
                "id",
                "name",
                "is_public",
                "description",
                "extra_specs",
                "qos_specs_id"
            ]
        );
    }

    #[test]
    fn manage_view_shows_every_spec_in_the_old_order() {
        let body = manage_show(&vt(), &TypeViewPolicy::default(), true);
        let t = &body["volume_type"];
        assert_eq!(t["extra_specs"]["volume_backend_name"], "lvm");
        assert!(t.get("qos_specs_id").is_none());
        let keys: Vec<&String> = t
            .as_object()
            .map(|m| m.keys().collect())
            .unwrap_or_default();
        assert_eq!(
            keys,
            ["id", "name", "is_public", "extra_specs", "description"]
        );
    }

    #[test]
    fn public_endpoint_replaces_origin_and_prefixes_the_path() {
        assert_eq!(
            with_public_endpoint(
                "http://10.0.0.1:8776/v3",
                Some("https://cloud.example/volume")
            ),
            "https://cloud.example/volume/v3"
        );
        // Upstream concatenates the paths as they are.
        assert_eq!(
            with_public_endpoint(
                "http://10.0.0.1:8776/v3",
                Some("https://cloud.example/volume/")
            ),
            "https://cloud.example/volume//v3"
        );
        assert_eq!(
            with_public_endpoint("http://10.0.0.1:8776/v3", None),
            "http://10.0.0.1:8776/v3"
        );
        assert_eq!(quote_plus("a b&c"), "a+b%26c");
    }
}
