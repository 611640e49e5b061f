//! Microversion negotiation of the Block Storage v3 API
//! (`cinder/api/openstack/api_version_request.py`, the header handling of
//! `cinder/api/openstack/wsgi.py`): the `OpenStack-API-Version: volume X.Y` header (or
//! `latest`), the supported range, and the errors a client gets for a bad or unsupported
//! version.

use std::fmt;

use http::HeaderMap;

/// The oldest microversion this API serves.
pub const MIN_API_VERSION: ApiVersion = ApiVersion { major: 3, minor: 0 };
/// The newest microversion this API serves (upstream master: 3.71).
pub const MAX_API_VERSION: ApiVersion = ApiVersion {
    major: 3,
    minor: 71,
};
/// When the newest microversion appeared (the `updated` field of the versions document).
pub const UPDATED: &str = "2023-08-31T00:00:00Z";
/// The request header carrying the microversion.
pub const API_VERSION_HEADER: &str = "OpenStack-API-Version";
/// The service type named in the header.
pub const SERVICE_TYPE: &str = "volume";

/// A `major.minor` API version, ordered as (major, minor) integers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ApiVersion {
    pub major: u32,
    pub minor: u32,
}

impl ApiVersion {
    /// Parses `X.Y` as upstream does (`^([1-9]\d*)\.([1-9]\d*|0)$`).
    pub fn parse(s: &str) -> Option<ApiVersion> {
        let (major, minor) = s.split_once('.')?;
        let valid = |part: &str, zero_ok: bool| {
            !part.is_empty()
                && part.bytes().all(|b| b.is_ascii_digit())
                && (part == "0" && zero_ok || !part.starts_with('0'))
        };
        if !valid(major, false) || !valid(minor, true) {
            return None;
        }
        Some(ApiVersion {
            major: major.parse().ok()?,
            minor: minor.parse().ok()?,
        })
    }

    /// True when this version lies in `[min, max]`.
    pub fn matches(self, min: ApiVersion, max: ApiVersion) -> bool {
        min <= self && self <= max
    }
}

impl fmt::Display for ApiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// Why a requested microversion was refused; each maps to upstream's fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VersionError {
    /// The header is present but names no `volume` version, or is malformed (400).
    #[error("The server could not comply with the request since it is either malformed or otherwise incorrect.")]
    Malformed,
    /// The version string is not `MajorNum.MinorNum` (400).
    #[error("API Version String {0} is of invalid format. Must be of format MajorNum.MinorNum.")]
    InvalidFormat(String),
    /// The version is outside the supported range (406).
    #[error("Version {0} is not supported by the API. Minimum is {MIN_API_VERSION} and maximum is {MAX_API_VERSION}.")]
    NotSupported(String),
}

impl VersionError {
    /// The HTTP status upstream answers with.
    pub fn status(&self) -> http::StatusCode {
        match self {
            VersionError::Malformed | VersionError::InvalidFormat(_) => {
                http::StatusCode::BAD_REQUEST
            }
            VersionError::NotSupported(_) => http::StatusCode::NOT_ACCEPTABLE,
        }
    }
}

/// The microversion a request asks for: absent header → 3.0, `latest` → the maximum.
pub fn negotiate(headers: &HeaderMap) -> Result<ApiVersion, VersionError> {
    let values: Vec<&str> = headers
        .get_all(API_VERSION_HEADER)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    if values.is_empty() {
        return Ok(MIN_API_VERSION);
    }
    let joined = values.join(",");
    let item = joined
        .split(',')
        .find(|item| item.contains(SERVICE_TYPE))
        .ok_or(VersionError::Malformed)?;
    let tokens: Vec<&str> = item.split_whitespace().collect();
    let [service, version] = tokens.as_slice() else {
        return Err(VersionError::Malformed);
    };
    if *service != SERVICE_TYPE {
        return Err(VersionError::Malformed);
    }
    if version.eq_ignore_ascii_case("latest") {
        return Ok(MAX_API_VERSION);
    }
    let parsed = ApiVersion::parse(version)
        .ok_or_else(|| VersionError::InvalidFormat(version.to_string()))?;
    if !parsed.matches(MIN_API_VERSION, MAX_API_VERSION) {
        return Err(VersionError::NotSupported(version.to_string()));
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn with(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            API_VERSION_HEADER,
            HeaderValue::from_str(v).expect("header"),
        );
        h
    }

    #[test]
    fn absent_header_is_the_minimum() {
        assert_eq!(negotiate(&HeaderMap::new()), Ok(MIN_API_VERSION));
    }

    #[test]
    fn latest_is_the_maximum() {
        assert_eq!(negotiate(&with("volume latest")), Ok(MAX_API_VERSION));
    }

    #[test]
    fn picks_the_volume_item_of_a_list() {
        assert_eq!(
            negotiate(&with("compute 2.1, volume 3.27")),
            Ok(ApiVersion {
                major: 3,
                minor: 27
            })
        );
    }

    #[test]
    fn bad_formats_are_400() {
        for v in ["volume 3.01", "volume 3", "volume abc", "volume 03.1"] {
            let err = negotiate(&with(v)).expect_err(v);
            assert_eq!(err.status(), http::StatusCode::BAD_REQUEST, "{v}");
        }
        assert_eq!(
            negotiate(&with("volume 3.x")).expect_err("3.x").to_string(),
            "API Version String 3.x is of invalid format. Must be of format MajorNum.MinorNum."
        );
        assert_eq!(
            negotiate(&with("compute 2.1")),
            Err(VersionError::Malformed)
        );
    }

    #[test]
    fn out_of_range_is_406() {
        let err = negotiate(&with("volume 3.72")).expect_err("too new");
        assert_eq!(err.status(), http::StatusCode::NOT_ACCEPTABLE);
        assert_eq!(
            err.to_string(),
            "Version 3.72 is not supported by the API. Minimum is 3.0 and maximum is 3.71."
        );
        assert!(negotiate(&with("volume 2.0")).is_err());
    }

    #[test]
    fn versions_order_numerically() {
        let a = ApiVersion::parse("3.9").expect("3.9");
        let b = ApiVersion::parse("3.10").expect("3.10");
        assert!(a < b);
    }
}
