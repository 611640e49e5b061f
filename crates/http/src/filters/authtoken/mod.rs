//! `keystonemiddleware.auth_token`: validates the caller's Keystone token before the
//! request reaches the API. Per request (middleware.md §5): strip every identity header a
//! client could forge; validate `X-Service-Token` (if any) and the user token
//! (`X-Auth-Token`, else `X-Storage-Token`) against Keystone v3 through the token cache;
//! enforce application-credential access rules and token bind; then either reject with
//! keystonemiddleware's 401 JSON and `WWW-Authenticate: Keystone uri="..."` (or pass on marked
//! `X-Identity-Status: Invalid` with `delay_auth_decision`), or set the identity headers —
//! user, project/domain/system scope, roles, `X-Is-Admin-Project`, the catalog converted to
//! the v2 shape, the deprecated copies and the `X-Service-*` equivalents — and put the token
//! body into the extensions as [`KeystoneTokenInfo`]. Keystone unreachable → 503. Every 401
//! leaving through the filter gets `WWW-Authenticate`.

pub mod cache;
pub mod keystone;

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use http::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, WWW_AUTHENTICATE};
use http::StatusCode;
use serde_json::Value;
use tower::util::BoxCloneSyncService;
use tower::ServiceExt;

use self::cache::{TokenCache, DEFAULT_CAPACITY};
use self::keystone::{
    ClientConfigError, ClientSettings, KeystoneClient, KeystoneError, ServiceCredentials,
    TokenData, Validation,
};
use openstack_config::Opt;

use crate::fault::{to_python_json, HttpError, OrderedJson};
use crate::{path_info, script_name, HttpService, Request};

openstack_config::options! {
    /// `[keystone_authtoken]` options of the middleware (`keystonemiddleware/auth_token/_opts.py`,
    /// plus keystoneauth's `auth_type` / `auth_section`). memcache options other than
    /// `memcached_servers` are not read.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct AuthTokenOpts in "keystone_authtoken" {
        www_authenticate_uri: Option<String> = Opt::str()
            .deprecated_name("auth_uri")
            .help("Complete \"public\" Identity API endpoint. This endpoint should not be an \"admin\" endpoint, as it should be accessible by all end users. Unauthenticated clients are redirected to this endpoint to authenticate."),
        auth_version: Option<String> = Opt::str().help("API version of the Identity API endpoint."),
        interface: String = Opt::str()
            .default("internal")
            .help("Interface to use for the Identity API endpoint. Valid values are \"public\", \"internal\" (default) or \"admin\"."),
        delay_auth_decision: bool = Opt::bool()
            .default("false")
            .help("Do not handle authorization requests within the middleware, but delegate the authorization decision to downstream WSGI components."),
        http_connect_timeout: Option<i64> = Opt::int()
            .help("Request timeout value for communicating with Identity API server."),
        http_request_max_retries: i64 = Opt::int()
            .default("3")
            .help("How many times are we trying to reconnect when communicating with Identity API Server."),
        certfile: Option<String> = Opt::str().help("Required if identity server requires client certificate"),
        keyfile: Option<String> = Opt::str().help("Required if identity server requires client certificate"),
        cafile: Option<String> = Opt::str()
            .help("A PEM encoded Certificate Authority to use when verifying HTTPs connections. Defaults to system CAs."),
        insecure: bool = Opt::bool().default("false").help("Verify HTTPS connections."),
        region_name: Option<String> = Opt::str().help("The region in which the identity server can be found."),
        memcached_servers: Vec<String> = Opt::list()
            .deprecated_name("memcache_servers")
            .help("Optionally specify a list of memcached server(s) to use for caching. If left undefined, tokens will instead be cached in-process."),
        token_cache_time: i64 = Opt::int()
            .default("300")
            .help("In order to prevent excessive effort spent validating tokens, the middleware caches previously-seen tokens for a configurable duration (in seconds). Set to -1 to disable caching completely."),
        include_service_catalog: bool = Opt::bool()
            .default("true")
            .help("(Optional) Indicate whether to set the X-Service-Catalog header. If False, middleware will not ask for service catalog on token validation and will not set the X-Service-Catalog header."),
        enforce_token_bind: String = Opt::str()
            .default("permissive")
            .help("Used to control the use and type of token binding. Can be set to: \"disabled\" to not check token binding. \"permissive\" (default) to validate binding information if the bind type is of a form known to the server and ignore it if not. \"strict\" like \"permissive\" but if the bind type is unknown the token will be rejected. \"required\" any form of token binding is needed to be allowed. Finally the name of a binding method that must be present in tokens."),
        service_token_roles: Vec<String> = Opt::list()
            .default("service")
            .help("A choice of roles that must be present in a service token. Service tokens are allowed to request that an expired token can be used and so this check should tightly control that only actual services should be sending this token. Roles here are applied as an ANY check so any role in this list must be present. For backwards compatibility reasons this currently only affects the allow_expired check."),
        service_token_roles_required: bool = Opt::bool()
            .default("true")
            .help("When set to True, service tokens must contain a role from the service_token_roles list to be considered valid. This prevents end-user tokens from being used as service tokens."),
        service_type: Option<String> = Opt::str()
            .help("The name or type of the service as it appears in the service catalog. This is used to validate tokens that have restricted access rules."),
        auth_type: Option<String> = Opt::str()
            .deprecated_name("auth_plugin")
            .help("Authentication type to load"),
        auth_section: Option<String> = Opt::str()
            .help("Config Section from which to load plugin specific options"),
    }
}

openstack_config::options! {
    /// keystoneauth's `password` plugin options, read from `[keystone_authtoken]` or from
    /// the group named by `auth_section`.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct PasswordAuthOpts in "keystone_authtoken" {
        auth_url: Option<String> = Opt::str().help("Authentication URL"),
        username: Option<String> = Opt::str().deprecated_name("user_name").help("Username"),
        user_id: Option<String> = Opt::str().help("User id"),
        password: Option<String> = Opt::str().secret().help("User's password"),
        user_domain_id: Option<String> = Opt::str().help("User's domain id"),
        user_domain_name: Option<String> = Opt::str().help("User's domain name"),
        project_id: Option<String> = Opt::str().deprecated_name("tenant_id").help("Project ID to scope to"),
        project_name: Option<String> = Opt::str().deprecated_name("tenant_name").help("Project name to scope to"),
        project_domain_id: Option<String> = Opt::str().help("Domain ID containing project"),
        project_domain_name: Option<String> = Opt::str().help("Domain name containing project"),
        default_domain_id: Option<String> = Opt::str()
            .help("Optional domain ID to use with v3 and v2 parameters. It will be used for both the user and project domain in v3 and ignored in v2 authentication."),
        default_domain_name: Option<String> = Opt::str()
            .help("Optional domain name to use with v3 API and v2 parameters. It will be used for both the user and project domain in v3 and ignored in v2 authentication."),
    }
}

impl AuthTokenSettings {
    /// The settings from the loaded option groups.
    pub fn from_opts(o: AuthTokenOpts, p: PasswordAuthOpts) -> AuthTokenSettings {
        let or_default =
            |own: Option<String>, default: &Option<String>| own.or_else(|| default.clone());
        AuthTokenSettings {
            www_authenticate_uri: o.www_authenticate_uri,
            auth_type: o.auth_type,
            auth_url: p.auth_url,
            credentials: ServiceCredentials {
                username: p.username,
                user_id: p.user_id,
                password: p.password.unwrap_or_default(),
                user_domain_id: or_default(p.user_domain_id, &p.default_domain_id),
                user_domain_name: or_default(p.user_domain_name, &p.default_domain_name),
                project_name: p.project_name,
                project_id: p.project_id,
                project_domain_id: or_default(p.project_domain_id, &p.default_domain_id),
                project_domain_name: or_default(p.project_domain_name, &p.default_domain_name),
            },
            interface: o.interface,
            region_name: o.region_name,
            delay_auth_decision: o.delay_auth_decision,
            include_service_catalog: o.include_service_catalog,
            token_cache_time: o.token_cache_time,
            service_token_roles: o.service_token_roles,
            service_token_roles_required: o.service_token_roles_required,
            service_type: o.service_type,
            enforce_token_bind: o.enforce_token_bind,
            http_connect_timeout: o.http_connect_timeout,
            http_request_max_retries: o.http_request_max_retries,
            memcached_servers: o.memcached_servers,
            cafile: o.cafile,
            insecure: o.insecure,
            cache_capacity: DEFAULT_CAPACITY,
        }
    }
}

/// The validated user token body (WSGI `keystone.token_info`), in the request extensions.
#[derive(Debug, Clone, PartialEq)]
pub struct KeystoneTokenInfo(pub Arc<Value>);

/// The `[keystone_authtoken]` settings of one filter (after paste-section overrides).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthTokenSettings {
    pub www_authenticate_uri: Option<String>,
    pub auth_type: Option<String>,
    pub auth_url: Option<String>,
    pub credentials: ServiceCredentials,
    pub interface: String,
    pub region_name: Option<String>,
    pub delay_auth_decision: bool,
    pub include_service_catalog: bool,
    /// Seconds; negative disables the cache.
    pub token_cache_time: i64,
    pub service_token_roles: Vec<String>,
    pub service_token_roles_required: bool,
    pub service_type: Option<String>,
    /// `disabled`, `permissive`, `strict`, `required` or a bind type name.
    pub enforce_token_bind: String,
    pub http_connect_timeout: Option<i64>,
    pub http_request_max_retries: i64,
    pub memcached_servers: Vec<String>,
    pub cafile: Option<String>,
    pub insecure: bool,
    /// Bound on cached tokens.
    pub cache_capacity: usize,
}

impl Default for AuthTokenSettings {
    fn default() -> Self {
        AuthTokenSettings {
            www_authenticate_uri: None,
            auth_type: None,
            auth_url: None,
            credentials: ServiceCredentials::default(),
            interface: "internal".into(),
            region_name: None,
            delay_auth_decision: false,
            include_service_catalog: true,
            token_cache_time: 300,
            service_token_roles: vec!["service".into()],
            service_token_roles_required: true,
            service_type: None,
            enforce_token_bind: "permissive".into(),
            http_connect_timeout: None,
            http_request_max_retries: 3,
            memcached_servers: Vec::new(),
            cafile: None,
            insecure: false,
            cache_capacity: DEFAULT_CAPACITY,
        }
    }
}

/// Why the filter cannot be built (a start-up error).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthTokenError {
    #[error("[keystone_authtoken] auth_type is not set; set auth_type = password and the service user's credentials")]
    NoAuthType,
    #[error(
        "[keystone_authtoken] auth_type = {0} is not supported; supported: password, v3password"
    )]
    UnsupportedAuthType(String),
    #[error("[keystone_authtoken] auth_url is not set")]
    NoAuthUrl,
    #[error("[keystone_authtoken] {0}")]
    Client(#[from] ClientConfigError),
}

/// Default whole-request timeout towards Keystone when `http_connect_timeout` is unset.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

const USER_STATUS: HeaderName = HeaderName::from_static("x-identity-status");
const SERVICE_STATUS: HeaderName = HeaderName::from_static("x-service-identity-status");
const SYSTEM_SCOPE: HeaderName = HeaderName::from_static("openstack-system-scope");

/// `_HEADER_TEMPLATE` suffixes.
const TEMPLATE: &[&str] = &[
    "domain-id",
    "domain-name",
    "project-id",
    "project-name",
    "project-domain-id",
    "project-domain-name",
    "user-id",
    "user-name",
    "user-domain-id",
    "user-domain-name",
];

/// Every header the filter may set (`_all_auth_headers`), plus `OpenStack-System-Scope`
/// (which upstream overwrites only when a token validates; here it never survives from the
/// client).
fn auth_headers() -> Vec<String> {
    let mut names: Vec<String> = [
        "x-service-catalog",
        "x-identity-status",
        "x-service-identity-status",
        "x-is-admin-project",
        "x-role",
        "x-user",
        "x-tenant-id",
        "x-tenant-name",
        "x-tenant",
        "openstack-system-scope",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    for prefix in ["x-", "x-service-"] {
        for t in TEMPLATE.iter().chain(&["roles"]) {
            names.push(format!("{prefix}{t}"));
        }
    }
    names
}

struct AuthToken {
    settings: AuthTokenSettings,
    client: KeystoneClient,
    cache: TokenCache,
    www_authenticate: HeaderValue,
    strip: Vec<HeaderName>,
    service_roles: HashSet<String>,
    warned_service_role: std::sync::atomic::AtomicBool,
}

/// Why a token is not accepted.
enum Rejection {
    Invalid,
    Unavailable(KeystoneError),
}

/// Builds the authtoken filter around `inner`.
pub fn auth_token(
    inner: HttpService,
    settings: &AuthTokenSettings,
) -> Result<HttpService, AuthTokenError> {
    Ok(AuthTokenFilter::new(settings)?.wrap(inner))
}

/// A built authtoken filter: one Keystone client and one token cache, shared by every
/// application it wraps.
#[derive(Clone)]
pub struct AuthTokenFilter(Arc<AuthToken>);

impl AuthTokenFilter {
    /// Checks the settings and builds the client (no network traffic yet).
    pub fn new(settings: &AuthTokenSettings) -> Result<AuthTokenFilter, AuthTokenError> {
        Ok(AuthTokenFilter(Arc::new(AuthToken::new(settings.clone())?)))
    }

    /// Wraps `inner`.
    pub fn wrap(&self, inner: HttpService) -> HttpService {
        let state = self.0.clone();
        BoxCloneSyncService::new(tower::service_fn(move |req: Request| {
            let inner = inner.clone();
            let state = state.clone();
            async move { state.call(inner, req).await }
        }))
    }
}

impl AuthToken {
    fn new(settings: AuthTokenSettings) -> Result<AuthToken, AuthTokenError> {
        match settings.auth_type.as_deref().map(str::trim) {
            None | Some("") => return Err(AuthTokenError::NoAuthType),
            Some("password" | "v3password") => {}
            Some(other) => return Err(AuthTokenError::UnsupportedAuthType(other.to_owned())),
        }
        let auth_url = settings
            .auth_url
            .clone()
            .filter(|u| !u.trim().is_empty())
            .ok_or(AuthTokenError::NoAuthUrl)?;
        if !settings.memcached_servers.is_empty() {
            tracing::warn!(
                "[keystone_authtoken] memcached_servers is not supported; using the in-process token cache"
            );
        }
        if settings.insecure {
            tracing::warn!("[keystone_authtoken] insecure = true is not supported; TLS certificates are verified");
        }
        let timeout = settings
            .http_connect_timeout
            .filter(|t| *t > 0)
            .and_then(|t| u64::try_from(t).ok())
            .map_or(DEFAULT_TIMEOUT, Duration::from_secs);
        let client = KeystoneClient::new(ClientSettings {
            auth_url: auth_url.clone(),
            credentials: settings.credentials.clone(),
            include_service_catalog: settings.include_service_catalog,
            timeout,
            max_retries: u32::try_from(settings.http_request_max_retries.max(0)).unwrap_or(0),
            cafile: settings.cafile.clone(),
        })?;
        let uri = match settings
            .www_authenticate_uri
            .as_deref()
            .filter(|u| !u.is_empty())
        {
            Some(uri) => uri.to_owned(),
            None => {
                tracing::warn!(
                    "Configuring www_authenticate_uri to point to the public identity endpoint is required; clients may not be able to authenticate against an admin endpoint"
                );
                auth_url.trim().to_owned()
            }
        };
        let www_authenticate = HeaderValue::from_str(&format!("Keystone uri=\"{uri}\""))
            .map_err(|_| ClientConfigError::AuthUrl(uri.clone()))?;
        let ttl = u64::try_from(settings.token_cache_time)
            .ok()
            .map(Duration::from_secs);
        let cache = TokenCache::new(ttl, settings.cache_capacity);
        let strip = auth_headers()
            .iter()
            .filter_map(|h| HeaderName::from_bytes(h.as_bytes()).ok())
            .collect();
        let service_roles = settings.service_token_roles.iter().cloned().collect();
        Ok(AuthToken {
            settings,
            client,
            cache,
            www_authenticate,
            strip,
            service_roles,
            warned_service_role: std::sync::atomic::AtomicBool::new(false),
        })
    }

    async fn call(
        &self,
        inner: HttpService,
        mut req: Request,
    ) -> Result<crate::Response, std::convert::Infallible> {
        for name in &self.strip {
            req.headers_mut().remove(name);
        }
        let accept = req.headers().get(ACCEPT).cloned();
        let header_text = |req: &Request, name: &str| {
            req.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };

        // Service token (step 2).
        let service_token = header_text(&req, "x-service-token");
        let mut allow_expired = false;
        let mut service: Option<Arc<TokenData>> = None;
        let mut service_valid = true;
        if let Some(token) = &service_token {
            tracing::debug!("Authenticating service token");
            match self.fetch(token, false).await {
                Ok(data) if !data.is_expired() && self.bind_ok(&data, &req) => {
                    let role_ok = data.roles.iter().any(|r| self.service_roles.contains(r));
                    service_valid = if self.settings.service_token_roles_required {
                        role_ok
                    } else {
                        if !role_ok
                            && !self
                                .warned_service_role
                                .swap(true, std::sync::atomic::Ordering::Relaxed)
                        {
                            tracing::warn!(
                                "A valid token was submitted as a service token, but it was not a valid service token. This is incorrect but backwards compatible behaviour. This will be removed in future releases."
                            );
                        }
                        true
                    };
                    allow_expired = role_ok;
                    service = Some(data);
                }
                Ok(_) | Err(Rejection::Invalid) => {
                    tracing::info!("Invalid service token");
                    service_valid = false;
                }
                Err(Rejection::Unavailable(err)) => {
                    if let Some(resp) = self.unavailable(&err, accept.as_ref()) {
                        return Ok(resp);
                    }
                    tracing::info!("Invalid service token");
                    service_valid = false;
                }
            }
            set(
                req.headers_mut(),
                SERVICE_STATUS,
                Some(confirmed(service_valid)),
            );
        }

        // User token (step 3).
        let user_token =
            header_text(&req, "x-auth-token").or_else(|| header_text(&req, "x-storage-token"));
        let mut user: Option<Arc<TokenData>> = None;
        if let Some(token) = &user_token {
            tracing::debug!("Authenticating user token");
            match self.fetch(token, allow_expired).await {
                Ok(data) => {
                    let ok = (allow_expired || !data.is_expired())
                        && self.access_rules_ok(&data, &req)
                        && (service_token.is_some() || self.bind_ok(&data, &req));
                    if ok {
                        user = Some(data);
                    } else {
                        tracing::info!("Invalid user token");
                    }
                }
                Err(Rejection::Invalid) => tracing::info!("Invalid user token"),
                Err(Rejection::Unavailable(err)) => {
                    if let Some(resp) = self.unavailable(&err, accept.as_ref()) {
                        return Ok(resp);
                    }
                    tracing::info!("Invalid user token");
                }
            }
        }
        set(
            req.headers_mut(),
            USER_STATUS,
            Some(confirmed(user.is_some())),
        );

        // Decision (step 4).
        if user.is_none() || !service_valid {
            if self.settings.delay_auth_decision {
                tracing::debug!("Deferring reject downstream");
            } else {
                tracing::info!("Rejecting request");
                let mut resp = HttpError::AuthenticationRequired.to_response(accept.as_ref());
                resp.headers_mut()
                    .append(WWW_AUTHENTICATE, self.www_authenticate.clone());
                return Ok(resp);
            }
        }

        // Identity headers (step 5).
        if let Some(data) = &user {
            set_identity_headers(req.headers_mut(), "x-", data);
            set(
                req.headers_mut(),
                HeaderName::from_static("x-is-admin-project"),
                Some(if data.is_admin_project {
                    "True"
                } else {
                    "False"
                }),
            );
            for (deprecated, current) in [
                ("x-role", "x-roles"),
                ("x-user", "x-user-name"),
                ("x-tenant-id", "x-project-id"),
                ("x-tenant-name", "x-project-name"),
                ("x-tenant", "x-project-name"),
            ] {
                if let Some(v) = req.headers().get(current).cloned() {
                    req.headers_mut()
                        .insert(HeaderName::from_static(deprecated), v);
                }
            }
            if data.system_all {
                req.headers_mut()
                    .insert(SYSTEM_SCOPE, HeaderValue::from_static("all"));
            }
            if self.settings.include_service_catalog {
                if let Some(catalog) = &data.catalog {
                    let json = to_python_json(&v2_catalog(catalog));
                    if let Ok(v) = HeaderValue::from_bytes(json.as_bytes()) {
                        req.headers_mut()
                            .insert(HeaderName::from_static("x-service-catalog"), v);
                    }
                }
            }
            req.extensions_mut()
                .insert(KeystoneTokenInfo(data.raw.clone()));
        }
        if let Some(data) = service.as_ref().filter(|_| service_valid) {
            set_identity_headers(req.headers_mut(), "x-service-", data);
        }

        let mut resp = inner.oneshot(req).await?;
        if resp.status() == StatusCode::UNAUTHORIZED {
            resp.headers_mut()
                .append(WWW_AUTHENTICATE, self.www_authenticate.clone());
        }
        Ok(resp)
    }

    /// Keystone could not be asked: 503, or (with `delay_auth_decision`) `None` = treat the
    /// token as invalid.
    fn unavailable(
        &self,
        err: &KeystoneError,
        accept: Option<&HeaderValue>,
    ) -> Option<crate::Response> {
        tracing::error!("Unable to validate token: {err}");
        if self.settings.delay_auth_decision {
            tracing::debug!(
                "Keystone unavailable; marking token as invalid and deferring auth decision."
            );
            None
        } else {
            Some(HttpError::KeystoneUnavailable.to_response(accept))
        }
    }

    /// The cache, else Keystone; only valid answers are cached.
    async fn fetch(&self, token: &str, allow_expired: bool) -> Result<Arc<TokenData>, Rejection> {
        if let Some(data) = self.cache.get(token) {
            return Ok(data);
        }
        match self.client.validate(token, allow_expired).await {
            Ok(Validation::Valid(data)) => {
                self.cache.insert(token, data.clone());
                Ok(data)
            }
            Ok(Validation::Invalid) => {
                tracing::warn!("Authorization failed for token");
                Err(Rejection::Invalid)
            }
            Err(err) => Err(Rejection::Unavailable(err)),
        }
    }

    /// Application credential access rules (`validate_allowed_request`).
    fn access_rules_ok(&self, data: &TokenData, req: &Request) -> bool {
        let Some(rules) = data.access_rules.as_ref().filter(|r| !r.is_empty()) else {
            return true;
        };
        let Some(service_type) = self.settings.service_type.as_deref() else {
            tracing::warn!(
                "Cannot validate request with restricted access rules. Set service_type in [keystone_authtoken] to allow access rule validation."
            );
            return false;
        };
        let path = format!("{}{}", script_name(req), path_info(req));
        let allowed = rules.iter().any(|rule| {
            rule.method == req.method().as_str()
                && rule.service == service_type
                && path_matches(&path, &rule.path)
        });
        if !allowed {
            tracing::warn!("Request not allowed by the application credential's access rules");
        }
        allowed
    }

    /// Token bind (`_confirm_token_bind`); no Kerberos here, so a Kerberos bind never
    /// verifies.
    fn bind_ok(&self, data: &TokenData, _req: &Request) -> bool {
        let mode = self.settings.enforce_token_bind.as_str();
        if mode == "disabled" {
            return true;
        }
        let permissive = matches!(mode, "permissive" | "strict");
        if data.bind.is_empty() {
            if permissive {
                return true;
            }
            tracing::info!("No bind information present in token.");
            return false;
        }
        let named = (!permissive && mode != "required").then_some(mode);
        if let Some(name) = named {
            if !data.bind.contains_key(name) {
                tracing::info!("Named bind mode {name} not in bind information");
                return false;
            }
        }
        for bind_type in data.bind.keys() {
            if bind_type == "kerberos" {
                tracing::info!("Kerberos credentials required and not present");
                return false;
            }
            if mode != "permissive" {
                tracing::info!("Couldn't verify unknown bind: {bind_type}");
                return false;
            }
            tracing::debug!("Ignoring Unknown bind for permissive mode");
        }
        true
    }
}

fn confirmed(valid: bool) -> &'static str {
    if valid {
        "Confirmed"
    } else {
        "Invalid"
    }
}

fn set(headers: &mut HeaderMap, name: HeaderName, value: Option<&str>) {
    match value.and_then(|v| HeaderValue::from_bytes(v.as_bytes()).ok()) {
        Some(v) => {
            headers.insert(name, v);
        }
        None => {
            headers.remove(name);
        }
    }
}

/// `_set_auth_headers`: roles and the `_HEADER_TEMPLATE` attributes under `prefix`.
fn set_identity_headers(headers: &mut HeaderMap, prefix: &str, data: &TokenData) {
    let values: [(&str, Option<&str>); 10] = [
        ("domain-id", data.domain_id.as_deref()),
        ("domain-name", data.domain_name.as_deref()),
        ("project-id", data.project_id.as_deref()),
        ("project-name", data.project_name.as_deref()),
        ("project-domain-id", data.project_domain_id.as_deref()),
        ("project-domain-name", data.project_domain_name.as_deref()),
        ("user-id", data.user_id.as_deref()),
        ("user-name", data.user_name.as_deref()),
        ("user-domain-id", data.user_domain_id.as_deref()),
        ("user-domain-name", data.user_domain_name.as_deref()),
    ];
    let roles = data.roles.join(",");
    for (suffix, value) in values.into_iter().chain([("roles", Some(roles.as_str()))]) {
        if let Ok(name) = HeaderName::from_bytes(format!("{prefix}{suffix}").as_bytes()) {
            set(headers, name, value);
        }
    }
}

/// One v2 endpoint dict being built: its region and its fields in order.
type RegionEndpoints = (Option<String>, Vec<(String, OrderedJson)>);

/// `_normalize_catalog`: the v3 catalog in the v2 shape, key order as upstream builds it.
pub fn v2_catalog(catalog: &[Value]) -> OrderedJson {
    let services = catalog
        .iter()
        .map(|service| {
            let mut fields = vec![(
                "type".to_owned(),
                OrderedJson::Value(service.get("type").cloned().unwrap_or(Value::Null)),
            )];
            if let Some(name) = service.get("name") {
                fields.push(("name".to_owned(), OrderedJson::Value(name.clone())));
            }
            // One dict per region, in order of first appearance.
            let mut regions: Vec<RegionEndpoints> = Vec::new();
            let endpoints = service.get("endpoints").and_then(Value::as_array);
            for endpoint in endpoints.into_iter().flatten() {
                let region = endpoint
                    .get("region")
                    .and_then(Value::as_str)
                    .map(str::to_owned);
                let index = match regions.iter().position(|(r, _)| *r == region) {
                    Some(i) => i,
                    None => {
                        let mut first = Vec::new();
                        if let Some(r) = region.as_ref().filter(|r| !r.is_empty()) {
                            first.push((
                                "region".to_owned(),
                                OrderedJson::Value(Value::String(r.clone())),
                            ));
                        }
                        regions.push((region, first));
                        regions.len() - 1
                    }
                };
                let interface = endpoint
                    .get("interface")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_lowercase();
                let key = format!("{interface}URL");
                let url = OrderedJson::Value(endpoint.get("url").cloned().unwrap_or(Value::Null));
                let region_fields = &mut regions[index].1;
                match region_fields.iter_mut().find(|(k, _)| *k == key) {
                    Some(slot) => slot.1 = url,
                    None => region_fields.push((key, url)),
                }
            }
            let endpoints = regions
                .into_iter()
                .map(|(_, f)| OrderedJson::Object(f))
                .collect();
            fields.push(("endpoints".to_owned(), OrderedJson::Array(endpoints)));
            OrderedJson::Object(fields)
        })
        .collect();
    OrderedJson::Array(services)
}

/// `_path_matches`: `{x}` and `*` match one segment, `**` anything.
fn path_matches(request_path: &str, pattern: &str) -> bool {
    let mut regex = String::from("^");
    let chars: Vec<char> = pattern.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '{' => match chars[i..].iter().position(|c| *c == '}') {
                Some(end) => {
                    regex.push_str("[^/]+");
                    i += end + 1;
                    continue;
                }
                None => regex.push_str(&regex::escape("{")),
            },
            '*' if chars.get(i + 1) == Some(&'*') => {
                regex.push_str(".*");
                i += 2;
                continue;
            }
            '*' => regex.push_str("[^/]+"),
            c => regex.push_str(&regex::escape(&c.to_string())),
        }
        i += 1;
    }
    regex.push('$');
    regex::Regex::new(&regex).is_ok_and(|re| re.is_match(request_path))
}

#[cfg(test)]
mod tests;
