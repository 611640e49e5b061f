//! authtoken's Identity v3 client (keystoneauth's password plugin and session plus
//! keystoneclient's `tokens.validate`, as keystonemiddleware drives them): it obtains the
//! service user's own token with `POST /v3/auth/tokens` (password, project scope), keeps it
//! until two minutes before it expires, and validates user tokens with
//! `GET /v3/auth/tokens` (`X-Auth-Token` = the service token, `X-Subject-Token` = the user
//! token, `OpenStack-Identity-Access-Rules: 1`, `?nocatalog` / `allow_expired=1`). A 401
//! drops the service token and retries once with a fresh one; connection failures are
//! retried `http_request_max_retries` times with keystoneauth's back-off. Plain `http://`
//! and `https://` (native roots, webpki roots as fallback, or `cafile`) both work.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::header::{HeaderValue, CONTENT_TYPE};
use http::{Method, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// keystoneauth refreshes its token this long before it expires.
const SERVICE_TOKEN_STALE: time::Duration = time::Duration::seconds(120);

/// A failure to talk to Keystone (as opposed to a token Keystone says is invalid).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeystoneError {
    #[error("Unable to establish connection to {url}: {reason}")]
    Connect { url: String, reason: String },
    #[error("Request to {url} timed out")]
    Timeout { url: String },
    #[error("Identity server rejected authorization necessary to fetch token data")]
    Unauthorized,
    #[error("Failed to fetch token data from identity server (HTTP {status})")]
    Status { status: u16 },
    #[error("Unable to authenticate the service user at {url}: HTTP {status}")]
    ServiceAuth { url: String, status: u16 },
    #[error("Invalid response from the identity server: {0}")]
    InvalidResponse(String),
}

/// A configuration the client cannot be built from.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClientConfigError {
    #[error("auth_url '{0}' is not an http:// or https:// URL")]
    AuthUrl(String),
    #[error("cannot load cafile {path}: {reason}")]
    CaFile { path: String, reason: String },
    #[error("TLS setup failed: {0}")]
    Tls(String),
}

/// The service user's credentials (`[keystone_authtoken]` password plugin options).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServiceCredentials {
    pub username: Option<String>,
    pub user_id: Option<String>,
    pub password: String,
    pub user_domain_name: Option<String>,
    pub user_domain_id: Option<String>,
    pub project_name: Option<String>,
    pub project_id: Option<String>,
    pub project_domain_name: Option<String>,
    pub project_domain_id: Option<String>,
}

impl ServiceCredentials {
    fn domain(id: &Option<String>, name: &Option<String>) -> Option<Value> {
        match (id, name) {
            (Some(id), _) => Some(json!({"id": id})),
            (None, Some(name)) => Some(json!({"name": name})),
            (None, None) => None,
        }
    }

    /// The `POST /v3/auth/tokens` body of keystoneauth's v3 password plugin.
    fn auth_body(&self) -> Value {
        let mut user = serde_json::Map::new();
        if let Some(id) = &self.user_id {
            user.insert("id".into(), json!(id));
        }
        if let Some(name) = &self.username {
            user.insert("name".into(), json!(name));
        }
        if let Some(domain) = Self::domain(&self.user_domain_id, &self.user_domain_name) {
            user.insert("domain".into(), domain);
        }
        user.insert("password".into(), json!(self.password));
        let mut auth = json!({
            "identity": {"methods": ["password"], "password": {"user": Value::Object(user)}}
        });
        let project = match (&self.project_id, &self.project_name) {
            (Some(id), _) => Some(json!({"id": id})),
            (None, Some(name)) => {
                let mut p = json!({"name": name});
                if let Some(domain) =
                    Self::domain(&self.project_domain_id, &self.project_domain_name)
                {
                    p["domain"] = domain;
                }
                Some(p)
            }
            (None, None) => None,
        };
        if let Some(project) = project {
            auth["scope"] = json!({"project": project});
        }
        json!({"auth": auth})
    }
}

/// An application credential access rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessRule {
    pub method: String,
    pub path: String,
    pub service: String,
}

/// What authtoken reads from a validated token (`GET /v3/auth/tokens` body).
#[derive(Debug, Clone, PartialEq)]
pub struct TokenData {
    /// The whole body, `{"token": {...}}` (WSGI `keystone.token_info`).
    pub raw: Arc<Value>,
    pub user_id: Option<String>,
    pub user_name: Option<String>,
    pub user_domain_id: Option<String>,
    pub user_domain_name: Option<String>,
    pub project_id: Option<String>,
    pub project_name: Option<String>,
    pub project_domain_id: Option<String>,
    pub project_domain_name: Option<String>,
    pub domain_id: Option<String>,
    pub domain_name: Option<String>,
    /// `system: {"all": true}`.
    pub system_all: bool,
    pub roles: Vec<String>,
    /// `None` when the body has no `catalog` (validated with `nocatalog`).
    pub catalog: Option<Vec<Value>>,
    pub expires_at: Option<OffsetDateTime>,
    pub is_admin_project: bool,
    pub bind: serde_json::Map<String, Value>,
    pub access_rules: Option<Vec<AccessRule>>,
}

fn text(v: &Value, path: &[&str]) -> Option<String> {
    let mut cur = v;
    for p in path {
        cur = cur.get(p)?;
    }
    cur.as_str().map(str::to_owned)
}

impl TokenData {
    /// Parses a validation body; `None` when it is not `{"token": {...}}`.
    pub fn from_body(raw: Value) -> Option<TokenData> {
        let t = raw.get("token")?.as_object()?;
        let t = Value::Object(t.clone());
        let roles = t
            .get("roles")
            .and_then(Value::as_array)
            .map(|roles| {
                roles
                    .iter()
                    .filter_map(|r| r.get("name").and_then(Value::as_str).map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        let expires_at = t
            .get("expires_at")
            .and_then(Value::as_str)
            .and_then(|s| OffsetDateTime::parse(s, &Rfc3339).ok());
        let access_rules = t
            .get("application_credential")
            .and_then(|a| a.get("access_rules"))
            .and_then(Value::as_array)
            .map(|rules| {
                rules
                    .iter()
                    .map(|r| AccessRule {
                        method: text(r, &["method"]).unwrap_or_default(),
                        path: text(r, &["path"]).unwrap_or_default(),
                        service: text(r, &["service"]).unwrap_or_default(),
                    })
                    .collect()
            });
        Some(TokenData {
            user_id: text(&t, &["user", "id"]),
            user_name: text(&t, &["user", "name"]),
            user_domain_id: text(&t, &["user", "domain", "id"]),
            user_domain_name: text(&t, &["user", "domain", "name"]),
            project_id: text(&t, &["project", "id"]),
            project_name: text(&t, &["project", "name"]),
            project_domain_id: text(&t, &["project", "domain", "id"]),
            project_domain_name: text(&t, &["project", "domain", "name"]),
            domain_id: text(&t, &["domain", "id"]),
            domain_name: text(&t, &["domain", "name"]),
            system_all: t
                .get("system")
                .and_then(|s| s.get("all"))
                .and_then(Value::as_bool)
                .unwrap_or(false),
            roles,
            catalog: t.get("catalog").and_then(Value::as_array).cloned(),
            expires_at,
            is_admin_project: t
                .get("is_admin_project")
                .and_then(Value::as_bool)
                .unwrap_or(true),
            bind: t
                .get("bind")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default(),
            access_rules,
            raw: Arc::new(raw),
        })
    }

    /// Seconds until `expires_at` (negative once past); `None` without an expiry.
    pub fn seconds_left(&self) -> Option<f64> {
        self.expires_at
            .map(|at| (at - OffsetDateTime::now_utc()).as_seconds_f64())
    }

    /// keystoneauth's `will_expire_soon(stale_duration=0)`.
    pub fn is_expired(&self) -> bool {
        self.seconds_left().is_some_and(|s| s <= 0.0)
    }
}

/// The outcome of a validation Keystone answered.
#[derive(Debug, Clone)]
pub enum Validation {
    Valid(Arc<TokenData>),
    /// Keystone said 404: the token is not valid.
    Invalid,
}

/// Settings of the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientSettings {
    pub auth_url: String,
    pub credentials: ServiceCredentials,
    pub include_service_catalog: bool,
    /// Whole-request timeout (`http_connect_timeout`, keystoneauth's session timeout).
    pub timeout: Duration,
    pub max_retries: u32,
    pub cafile: Option<String>,
}

#[derive(Clone)]
struct ServiceToken {
    token: String,
    expires_at: Option<OffsetDateTime>,
}

impl ServiceToken {
    fn fresh(&self) -> bool {
        self.expires_at
            .is_none_or(|at| at - OffsetDateTime::now_utc() > SERVICE_TOKEN_STALE)
    }
}

/// The Identity v3 client of one authtoken filter.
pub struct KeystoneClient {
    http: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
    identity: String,
    settings: ClientSettings,
    service_token: tokio::sync::Mutex<Option<ServiceToken>>,
}

/// `auth_url` as the identity endpoint: used as given, `/v3` appended when it names no
/// version (a `v2.0` suffix becomes `v3`).
pub fn identity_endpoint(auth_url: &str) -> Result<String, ClientConfigError> {
    let url = auth_url.trim().trim_end_matches('/');
    let lower = url.to_ascii_lowercase();
    if !(lower.starts_with("http://") || lower.starts_with("https://"))
        || url.contains(char::is_whitespace)
    {
        return Err(ClientConfigError::AuthUrl(auth_url.to_owned()));
    }
    let after_scheme = url.split_once("://").map_or("", |(_, rest)| rest);
    let last = after_scheme.rsplit_once('/').map(|(_, l)| l);
    Ok(match last {
        Some("v3") => url.to_owned(),
        Some(v) if v.starts_with("v2") => format!("{}/v3", &url[..url.len() - v.len() - 1]),
        _ => format!("{url}/v3"),
    })
}

fn connector(
    settings: &ClientSettings,
) -> Result<HttpsConnector<HttpConnector>, ClientConfigError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut http = HttpConnector::new();
    http.enforce_http(false);
    http.set_connect_timeout(Some(settings.timeout));
    let builder = hyper_rustls::HttpsConnectorBuilder::new();
    let builder = match &settings.cafile {
        Some(path) => {
            let pem = std::fs::read(path).map_err(|e| ClientConfigError::CaFile {
                path: path.clone(),
                reason: e.to_string(),
            })?;
            let mut roots = rustls::RootCertStore::empty();
            for cert in rustls_pemfile::certs(&mut pem.as_slice()) {
                let cert = cert.map_err(|e| ClientConfigError::CaFile {
                    path: path.clone(),
                    reason: e.to_string(),
                })?;
                roots.add(cert).map_err(|e| ClientConfigError::CaFile {
                    path: path.clone(),
                    reason: e.to_string(),
                })?;
            }
            let config = rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .map_err(|e| ClientConfigError::Tls(e.to_string()))?
                .with_root_certificates(roots)
                .with_no_client_auth();
            builder.with_tls_config(config)
        }
        None => match hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_native_roots(provider.clone())
        {
            Ok(native) => native,
            Err(_) => builder
                .with_provider_and_webpki_roots(provider)
                .map_err(|e| ClientConfigError::Tls(e.to_string()))?,
        },
    };
    Ok(builder.https_or_http().enable_http1().wrap_connector(http))
}

impl KeystoneClient {
    /// Builds the client (no network traffic until the first request).
    pub fn new(settings: ClientSettings) -> Result<KeystoneClient, ClientConfigError> {
        let identity = identity_endpoint(&settings.auth_url)?;
        let http = Client::builder(TokioExecutor::new()).build(connector(&settings)?);
        Ok(KeystoneClient {
            http,
            identity,
            settings,
            service_token: tokio::sync::Mutex::new(None),
        })
    }

    /// The identity endpoint in use (`.../v3`).
    pub fn identity(&self) -> &str {
        &self.identity
    }

    /// Validates `user_token`: valid data, `Invalid` (404), or why Keystone could not say.
    pub async fn validate(
        &self,
        user_token: &str,
        allow_expired: bool,
    ) -> Result<Validation, KeystoneError> {
        let service = self.service_token().await?;
        match self.get_token(&service, user_token, allow_expired).await? {
            Attempt::Done(v) => Ok(v),
            Attempt::Unauthorized => {
                tracing::info!("Identity server rejected authorization");
                tracing::info!("Retrying validation");
                self.drop_service_token(&service).await;
                let service = self.service_token().await?;
                match self.get_token(&service, user_token, allow_expired).await? {
                    Attempt::Done(v) => Ok(v),
                    Attempt::Unauthorized => Err(KeystoneError::Unauthorized),
                }
            }
        }
    }

    async fn get_token(
        &self,
        service: &str,
        user_token: &str,
        allow_expired: bool,
    ) -> Result<Attempt, KeystoneError> {
        let mut flags = Vec::new();
        if !self.settings.include_service_catalog {
            flags.push("nocatalog");
        }
        if allow_expired {
            flags.push("allow_expired=1");
        }
        let mut url = format!("{}/auth/tokens", self.identity);
        if !flags.is_empty() {
            url = format!("{url}?{}", flags.join("&"));
        }
        let headers = [
            ("x-auth-token", service),
            ("x-subject-token", user_token),
            ("openstack-identity-access-rules", "1"),
        ];
        let (status, _, body) = self.send(Method::GET, &url, &headers, None).await?;
        match status.as_u16() {
            200..=299 => {
                let raw: Value = serde_json::from_slice(&body)
                    .map_err(|e| KeystoneError::InvalidResponse(e.to_string()))?;
                let data = TokenData::from_body(raw)
                    .ok_or_else(|| KeystoneError::InvalidResponse("no token in the body".into()))?;
                Ok(Attempt::Done(Validation::Valid(Arc::new(data))))
            }
            404 => {
                tracing::info!("Authorization failed for token");
                tracing::info!("Identity response: {}", String::from_utf8_lossy(&body));
                Ok(Attempt::Done(Validation::Invalid))
            }
            401 => {
                tracing::warn!("Identity response: {}", String::from_utf8_lossy(&body));
                Ok(Attempt::Unauthorized)
            }
            other => {
                tracing::error!("Bad response code while validating token: {other}");
                tracing::warn!("Identity response: {}", String::from_utf8_lossy(&body));
                Err(KeystoneError::Status { status: other })
            }
        }
    }

    async fn drop_service_token(&self, used: &str) {
        let mut guard = self.service_token.lock().await;
        if guard.as_ref().is_some_and(|t| t.token == used) {
            *guard = None;
        }
    }

    /// The service user's token, fetched when missing or about to expire.
    async fn service_token(&self) -> Result<String, KeystoneError> {
        let mut guard = self.service_token.lock().await;
        if let Some(token) = guard.as_ref().filter(|t| t.fresh()) {
            return Ok(token.token.clone());
        }
        let url = format!("{}/auth/tokens", self.identity);
        let body = serde_json::to_vec(&self.settings.credentials.auth_body())
            .map_err(|e| KeystoneError::InvalidResponse(e.to_string()))?;
        let (status, headers, resp_body) = self
            .send(
                Method::POST,
                &url,
                &[("content-type", "application/json")],
                Some(body),
            )
            .await?;
        if !status.is_success() {
            tracing::warn!(
                "Unable to authenticate the service user: HTTP {} {}",
                status.as_u16(),
                String::from_utf8_lossy(&resp_body)
            );
            return Err(KeystoneError::ServiceAuth {
                url,
                status: status.as_u16(),
            });
        }
        let token = headers
            .get("x-subject-token")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
            .ok_or_else(|| {
                KeystoneError::InvalidResponse("no X-Subject-Token in the auth response".into())
            })?;
        let expires_at = serde_json::from_slice::<Value>(&resp_body)
            .ok()
            .and_then(|v| text(&v, &["token", "expires_at"]))
            .and_then(|s| OffsetDateTime::parse(&s, &Rfc3339).ok());
        *guard = Some(ServiceToken {
            token: token.clone(),
            expires_at,
        });
        Ok(token)
    }

    /// One HTTP exchange, with connection retries and the timeout.
    async fn send(
        &self,
        method: Method,
        url: &str,
        headers: &[(&str, &str)],
        body: Option<Vec<u8>>,
    ) -> Result<(StatusCode, http::HeaderMap, Bytes), KeystoneError> {
        let mut delay = Duration::from_millis(500);
        let mut attempt = 0u32;
        loop {
            let mut builder = http::Request::builder()
                .method(method.clone())
                .uri(url)
                .header("accept", "application/json")
                .header("user-agent", "openstack-rs keystonemiddleware");
            for (k, v) in headers {
                let value = HeaderValue::from_str(v).map_err(|_| {
                    KeystoneError::InvalidResponse(format!("invalid {k} header value"))
                })?;
                builder = builder.header(*k, value);
            }
            if body.is_some()
                && !headers
                    .iter()
                    .any(|(k, _)| k.eq_ignore_ascii_case(CONTENT_TYPE.as_str()))
            {
                builder = builder.header(CONTENT_TYPE, "application/json");
            }
            let req = builder
                .body(Full::new(Bytes::from(body.clone().unwrap_or_default())))
                .map_err(|e| KeystoneError::Connect {
                    url: url.to_owned(),
                    reason: e.to_string(),
                })?;
            let exchange = async {
                let resp = self.http.request(req).await?;
                let (parts, body) = resp.into_parts();
                let bytes = body.collect().await.map(|c| c.to_bytes());
                Ok::<_, hyper_util::client::legacy::Error>((parts, bytes))
            };
            match tokio::time::timeout(self.settings.timeout, exchange).await {
                Err(_) => {
                    return Err(KeystoneError::Timeout {
                        url: url.to_owned(),
                    })
                }
                Ok(Ok((parts, Ok(bytes)))) => return Ok((parts.status, parts.headers, bytes)),
                Ok(Ok((_, Err(e)))) => {
                    return Err(KeystoneError::Connect {
                        url: url.to_owned(),
                        reason: e.to_string(),
                    })
                }
                Ok(Err(e)) if e.is_connect() && attempt < self.settings.max_retries => {
                    attempt += 1;
                    tracing::info!(
                        "Failure: Unable to establish connection to {url}. Retrying in {:.1}s.",
                        delay.as_secs_f64()
                    );
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(Duration::from_secs(60));
                }
                Ok(Err(e)) => {
                    let reason = std::error::Error::source(&e)
                        .map_or_else(|| e.to_string(), |s| s.to_string());
                    return Err(KeystoneError::Connect {
                        url: url.to_owned(),
                        reason,
                    });
                }
            }
        }
    }
}

enum Attempt {
    Done(Validation),
    Unauthorized,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_endpoint_from_auth_url() {
        let e = |u: &str| identity_endpoint(u).expect("url");
        assert_eq!(e("http://ks:5000"), "http://ks:5000/v3");
        assert_eq!(e("http://ks:5000/"), "http://ks:5000/v3");
        assert_eq!(e("http://ks:5000/v3"), "http://ks:5000/v3");
        assert_eq!(e("https://ks/identity/v3/"), "https://ks/identity/v3");
        assert_eq!(e("https://ks/identity"), "https://ks/identity/v3");
        assert_eq!(e("http://ks:5000/v2.0"), "http://ks:5000/v3");
        assert!(identity_endpoint("ks:5000").is_err());
    }

    #[test]
    fn password_body_like_keystoneauth() {
        let creds = ServiceCredentials {
            username: Some("cinder".into()),
            password: "secret".into(),
            user_domain_name: Some("Default".into()),
            project_name: Some("service".into()),
            project_domain_id: Some("default".into()),
            ..ServiceCredentials::default()
        };
        assert_eq!(
            creds.auth_body(),
            json!({"auth": {
                "identity": {"methods": ["password"], "password": {"user": {
                    "name": "cinder", "domain": {"name": "Default"}, "password": "secret"}}},
                "scope": {"project": {"name": "service", "domain": {"id": "default"}}}}})
        );
    }

    #[test]
    fn token_fields() {
        let data = TokenData::from_body(json!({"token": {
            "user": {"id": "u", "name": "alice", "domain": {"id": "d", "name": "D"}},
            "project": {"id": "p", "name": "demo", "domain": {"id": "pd", "name": "PD"}},
            "roles": [{"id": "1", "name": "member"}, {"id": "2", "name": "reader"}],
            "expires_at": "2099-01-01T00:00:00.000000Z",
            "is_admin_project": false,
            "catalog": []
        }}))
        .expect("token");
        assert_eq!(data.user_name.as_deref(), Some("alice"));
        assert_eq!(data.project_domain_name.as_deref(), Some("PD"));
        assert_eq!(data.roles, ["member", "reader"]);
        assert!(!data.is_admin_project);
        assert!(!data.is_expired());
        assert_eq!(data.catalog, Some(vec![]));
        assert!(TokenData::from_body(json!({"error": {}})).is_none());
        let old = TokenData::from_body(json!({"token": {"expires_at": "2001-01-01T00:00:00Z"}}))
            .expect("token");
        assert!(old.is_expired());
    }
}
