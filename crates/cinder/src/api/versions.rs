//! The Block Storage versions document (`cinder/api/versions.py`,
//! `cinder/api/views/versions.py`): `GET /` answers 300 Multiple Choices with the one
//! version this API serves (v3.0, CURRENT, with its microversion range); `GET /v3/` answers
//! the same document with 200.

use std::sync::Arc;

use http::{Method, StatusCode};
use openstack_http::paste::{FactoryArgs, PasteError};
use openstack_http::HttpService;
use serde_json::{json, Value};

use super::openstack::api_version_request::{MAX_API_VERSION, MIN_API_VERSION, UPDATED};
use super::openstack::router::Mapper;
use super::openstack::wsgi::{ApiRequest, ApiResponse, ApiResult, Handler, Resource};
use crate::common::config::CinderOpts;

/// The versions document, with `self` links built from `base_url`
/// (`[DEFAULT] public_endpoint`, else the request's application URL).
pub fn versions_document(base_url: &str) -> Value {
    json!({
        "versions": [{
            "id": "v3.0",
            "status": "CURRENT",
            "version": MAX_API_VERSION.to_string(),
            "min_version": MIN_API_VERSION.to_string(),
            "updated": UPDATED,
            "links": [
                {"rel": "describedby", "type": "text/html", "href": "https://docs.openstack.org/"},
                {"rel": "self", "href": version_href(base_url, "v3")},
            ],
            "media-types": [{
                "base": "application/json",
                "type": "application/vnd.openstack.volume+json;version=3",
            }],
        }]
    })
}

/// upstream's `_generate_href`: drop a trailing `v<digits>[/]` from the base, resolve the
/// version against it the way `urllib.parse.urljoin` resolves one relative segment, and end
/// with `/`.
pub fn version_href(base_url: &str, version: &str) -> String {
    let base = strip_version_suffix(base_url);
    let joined = join_segment(base, version.trim_start_matches('/'));
    format!("{}/", joined.trim_end_matches('/'))
}

fn strip_version_suffix(base: &str) -> &str {
    let trimmed = base.strip_suffix('/').unwrap_or(base);
    let digits = trimmed.len() - trimmed.bytes().rev().take_while(u8::is_ascii_digit).count();
    let (head, tail) = trimmed.split_at(digits);
    // `v[1-9]+` : at least one digit, none of them 0.
    if !tail.is_empty() && !tail.contains('0') && head.ends_with('v') {
        &head[..head.len() - 1]
    } else {
        base
    }
}

fn join_segment(base: &str, segment: &str) -> String {
    let path_start = base
        .find("://")
        .map(|i| i + 3)
        .and_then(|after| base[after..].find('/').map(|p| after + p));
    match path_start {
        // scheme://host with no path: the segment becomes the whole path.
        None => format!("{base}/{segment}"),
        // A relative segment replaces everything after the last '/'.
        Some(_) => {
            let cut = base.rfind('/').map_or(base.len(), |i| i + 1);
            format!("{}{segment}", &base[..cut])
        }
    }
}

/// The `Versions` app of the `apiversions` pipeline (`cinder.api.versions:Versions.factory`):
/// `/` answers 300 with the versions document; any other path is a plain 404, as upstream's
/// router answers.
pub fn app_factory(args: &FactoryArgs) -> Result<HttpService, PasteError> {
    let state = Arc::new(VersionsState {
        public_endpoint: public_endpoint(args)?,
    });
    let mut mapper: Mapper<Handler<VersionsState>> =
        Mapper::new(".^").map_err(|e| args.error(e.to_string()))?;
    // upstream connects "/" with no method condition.
    for method in [
        Method::GET,
        Method::POST,
        Method::PUT,
        Method::DELETE,
        Method::PATCH,
    ] {
        mapper.connect(method, "/", "all", crate::handler!(all));
    }
    Ok(Resource::new(state, mapper).into_service())
}

/// What the versions controller needs.
pub struct VersionsState {
    /// `[DEFAULT] public_endpoint`, read once when the app is built.
    pub public_endpoint: Option<String>,
}

/// `[DEFAULT] public_endpoint` of the service.
pub(crate) fn public_endpoint(args: &FactoryArgs) -> Result<Option<String>, PasteError> {
    args.conf
        .load::<CinderOpts>()
        .map(|o| o.public_endpoint)
        .map_err(|e| args.error(e.to_string()))
}

/// The base URL of the `self` links: `public_endpoint` when set, else the request's
/// application URL (after http_proxy_to_wsgi).
pub(crate) fn base_url(req: &ApiRequest, public_endpoint: Option<&str>) -> String {
    public_endpoint.map_or_else(|| req.application_url.clone(), str::to_owned)
}

/// `VersionsController.all`: 300 with every version.
async fn all(state: Arc<VersionsState>, req: ApiRequest) -> ApiResult {
    let doc = versions_document(&base_url(&req, state.public_endpoint.as_deref()));
    Ok(ApiResponse::json(StatusCode::MULTIPLE_CHOICES, doc))
}

/// `VersionsController.index` (under `/v3/`): 200 with the same document.
pub(crate) async fn index(public_endpoint: Option<&str>, req: ApiRequest) -> ApiResult {
    let doc = versions_document(&base_url(&req, public_endpoint));
    Ok(ApiResponse::json(StatusCode::OK, doc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn self_link_from_the_root() {
        assert_eq!(version_href("http://h:8776", "v3"), "http://h:8776/v3/");
        assert_eq!(version_href("http://h:8776/", "v3"), "http://h:8776/v3/");
    }

    #[test]
    fn self_link_from_inside_v3() {
        assert_eq!(version_href("http://h:8776/v3", "v3"), "http://h:8776/v3/");
        assert_eq!(version_href("http://h:8776/v3/", "v3"), "http://h:8776/v3/");
    }

    #[test]
    fn self_link_behind_a_proxy_prefix() {
        assert_eq!(
            version_href("https://cloud.example/volume/", "v3"),
            "https://cloud.example/volume/v3/"
        );
        // urljoin semantics: without a trailing slash the last segment is replaced.
        assert_eq!(
            version_href("https://cloud.example/volume", "v3"),
            "https://cloud.example/v3/"
        );
    }

    #[test]
    fn document_carries_the_microversion_range() {
        let doc = versions_document("http://h:8776");
        let v = &doc["versions"][0];
        assert_eq!(v["id"], "v3.0");
        assert_eq!(v["status"], "CURRENT");
        assert_eq!(v["version"], "3.71");
        assert_eq!(v["min_version"], "3.0");
        assert_eq!(v["links"][1]["href"], "http://h:8776/v3/");
    }
}
