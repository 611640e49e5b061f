//! The functional test harness: a whole cinder-api stack in-process — the sample
//! `api-paste.ini` loaded by the real paste loader, the real filters and controllers, a real
//! database synced with `cinder-manage db sync`'s code — driven with HTTP requests through the
//! tower stack (no socket), reading the wire responses.
//!
//! ```ignore
//! let cloud = Cloud::builder().start().await;
//! let r = cloud.post("/volumes", json!({"volume": {"size": 1}})).await;
//! assert_eq!(r.status, 202);
//! ```
//!
//! The database is SQLite in a temporary directory, or a fresh PostgreSQL / MySQL database when
//! `CINDER_TEST_BACKEND=postgresql|mysql` and `DATABASE_URL_POSTGRESQL` / `DATABASE_URL_MYSQL`
//! name a server (tools/postgres.sh, tools/mariadb.sh).

use std::path::Path;

use http::{HeaderMap, HeaderName, HeaderValue, Method, Request, StatusCode};
use openstack_db::testing::{fresh, legs, server_addr, via_proxy, Leg, TcpProxy, TestDb};
use openstack_http::{Body, HttpService};
use serde_json::Value;
use tower::ServiceExt;

/// The project every default request acts in (matches `project_id_regex`).
pub const PROJECT: &str = "6c0b2a0e5e1d4d7f9d3b2f1e0a9c8b7d";
/// A second project, for isolation tests.
pub const OTHER_PROJECT: &str = "1f2e3d4c5b6a47988796a5b4c3d2e1f0";

/// How callers authenticate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Auth {
    /// cinder's noauth: every caller is an admin (`X-Auth-Token: user:project`).
    Noauth,
    /// The keystone pipeline minus the token check: identity headers (`X-User-Id`,
    /// `X-Project-Id`, `X-Roles`) as authtoken would set them, turned into the context by the
    /// real keystonecontext filter. Lets tests act as members, readers and admins.
    Identity,
}

/// Who makes a request.
#[derive(Clone, Debug)]
pub struct Caller {
    pub user_id: String,
    pub project_id: String,
    pub roles: Vec<String>,
}

impl Caller {
    pub fn admin() -> Caller {
        Caller::with_roles(PROJECT, &["admin", "member", "reader"])
    }
    pub fn member(project: &str) -> Caller {
        Caller::with_roles(project, &["member", "reader"])
    }
    pub fn reader(project: &str) -> Caller {
        Caller::with_roles(project, &["reader"])
    }
    pub fn with_roles(project: &str, roles: &[&str]) -> Caller {
        Caller {
            user_id: "9d1f0a0e4c2b4b7e8a3f5c6d7e8f9a0b".to_string(),
            project_id: project.to_string(),
            roles: roles.iter().map(|r| r.to_string()).collect(),
        }
    }
}

/// A response as the client sees it.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    /// The body as JSON (`Value::Null` when empty); panics with the text when not JSON.
    pub fn json(&self) -> Value {
        if self.body.is_empty() {
            return Value::Null;
        }
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "{} body is not JSON ({e}): {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    /// The `message` of a fault body (`{"<faultName>": {"code": .., "message": ..}}`).
    pub fn fault_message(&self) -> String {
        let json = self.json();
        json.as_object()
            .and_then(|o| o.values().next())
            .and_then(|f| f.get("message"))
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("not a fault: {}", self.text()))
            .to_string()
    }
}

/// Builds a [`Cloud`].
pub struct Builder {
    auth: Auth,
    extra: Vec<(String, String)>,
    backend: Option<Leg>,
    proxied: bool,
    policy: Vec<(String, String)>,
}

/// A running cinder-api stack and its database.
pub struct Cloud {
    app: HttpService,
    pub auth: Auth,
    pub db: TestDb,
    /// The TCP proxy between the service and a database server (`Builder::via_proxy`): cut
    /// it to take the database away.
    pub proxy: Option<TcpProxy>,
    caller: Caller,
    pub dir: tempfile::TempDir,
}

impl Cloud {
    pub fn builder() -> Builder {
        Builder {
            auth: Auth::Noauth,
            extra: Vec::new(),
            backend: None,
            proxied: false,
            policy: Vec::new(),
        }
    }

    /// A handle on the same stack acting as `caller` (`Auth::Identity` sends its identity
    /// headers; noauth sends `user:project`).
    pub fn as_caller(&self, caller: Caller) -> CloudAs<'_> {
        CloudAs {
            cloud: self,
            caller,
        }
    }

    /// Sends a request; `path` is below `/v3/{project}` unless it starts with `/v3` or is `/`.
    pub async fn request(&self, method: Method, path: &str, body: Option<Value>) -> Reply {
        self.as_caller(self.caller.clone())
            .request(method, path, body, &[])
            .await
    }
    pub async fn get(&self, path: &str) -> Reply {
        self.request(Method::GET, path, None).await
    }
    pub async fn post(&self, path: &str, body: Value) -> Reply {
        self.request(Method::POST, path, Some(body)).await
    }
    pub async fn put(&self, path: &str, body: Value) -> Reply {
        self.request(Method::PUT, path, Some(body)).await
    }
    pub async fn delete(&self, path: &str) -> Reply {
        self.request(Method::DELETE, path, None).await
    }

    /// Sends raw parts (for bad-input tests): method, full path, headers, raw body bytes.
    pub async fn raw(
        &self,
        method: Method,
        full_path: &str,
        headers: &[(&str, &str)],
        body: Vec<u8>,
    ) -> Reply {
        let mut req = Request::builder().method(method).uri(full_path);
        for (k, v) in self.auth_headers(&self.caller) {
            req = req.header(k, v);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let req = req
            .header("Host", "127.0.0.1:8776")
            .body(Body::from(body))
            .expect("request");
        send(&self.app, req).await
    }

    fn auth_headers(&self, caller: &Caller) -> Vec<(HeaderName, HeaderValue)> {
        let h = |k: &'static str, v: &str| {
            (
                HeaderName::from_static(k),
                HeaderValue::from_str(v).expect("header value"),
            )
        };
        match self.auth {
            Auth::Noauth => vec![h(
                "x-auth-token",
                &format!("{}:{}", caller.user_id, caller.project_id),
            )],
            Auth::Identity => vec![
                h("x-identity-status", "Confirmed"),
                h("x-user-id", &caller.user_id),
                h("x-project-id", &caller.project_id),
                h("x-roles", &caller.roles.join(",")),
            ],
        }
    }
}

/// Requests made as one caller.
pub struct CloudAs<'a> {
    cloud: &'a Cloud,
    caller: Caller,
}

impl CloudAs<'_> {
    /// Sends a request with extra headers; `path` as in [`Cloud::request`].
    pub async fn request(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let full = if path == "/" || path.starts_with("/v3") || path.starts_with("/healthcheck") {
            path.to_string()
        } else {
            format!("/v3/{}{}", self.caller.project_id, path)
        };
        let mut req = Request::builder().method(method).uri(full);
        for (k, v) in self.cloud.auth_headers(&self.caller) {
            req = req.header(k, v);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let bytes = match &body {
            Some(b) => {
                req = req.header("Content-Type", "application/json");
                serde_json::to_vec(b).expect("json body")
            }
            None => Vec::new(),
        };
        let req = req
            .header("Host", "127.0.0.1:8776")
            .body(Body::from(bytes))
            .expect("request");
        send(&self.cloud.app, req).await
    }
    pub async fn get(&self, path: &str) -> Reply {
        self.request(Method::GET, path, None, &[]).await
    }
    pub async fn post(&self, path: &str, body: Value) -> Reply {
        self.request(Method::POST, path, Some(body), &[]).await
    }
    pub async fn put(&self, path: &str, body: Value) -> Reply {
        self.request(Method::PUT, path, Some(body), &[]).await
    }
    pub async fn delete(&self, path: &str) -> Reply {
        self.request(Method::DELETE, path, None, &[]).await
    }
    /// A request at microversion `mv` (`OpenStack-API-Version: volume <mv>`).
    pub async fn at(&self, mv: &str, method: Method, path: &str, body: Option<Value>) -> Reply {
        let header = format!("volume {mv}");
        self.request(method, path, body, &[("OpenStack-API-Version", &header)])
            .await
    }
}

async fn send(app: &HttpService, req: Request<Body>) -> Reply {
    let resp = match app.clone().oneshot(req).await {
        Ok(r) => r,
        Err(never) => match never {},
    };
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .map(|b| b.to_vec())
        .unwrap_or_default();
    Reply {
        status,
        headers,
        body,
    }
}

impl Builder {
    /// Callers authenticate with identity headers (see [`Auth::Identity`]).
    pub fn identity_auth(mut self) -> Self {
        self.auth = Auth::Identity;
        self
    }
    /// An extra `[DEFAULT]` option, or `group.option` for another group.
    pub fn opt(mut self, key: &str, value: &str) -> Self {
        self.extra.push((key.to_string(), value.to_string()));
        self
    }
    /// A rule of the operator's `policy.yaml` (written beside cinder.conf).
    pub fn policy(mut self, rule: &str, check: &str) -> Self {
        self.policy.push((rule.to_string(), check.to_string()));
        self
    }
    /// The service reaches a database server through a TCP proxy the test can cut
    /// (`cloud.proxy`); no effect on SQLite.
    pub fn via_proxy(mut self) -> Self {
        self.proxied = true;
        self
    }
    /// Runs on this backend instead of the one `CINDER_TEST_BACKEND` names.
    pub fn backend(mut self, leg: Leg) -> Self {
        self.backend = Some(leg);
        self
    }

    /// Creates the database, syncs the schema, writes the config and loads the stack.
    pub async fn start(self) -> Cloud {
        let leg = self.backend.clone().unwrap_or_else(default_leg);
        let db = fresh(&leg).await;
        openstack_cinder::db::db_sync(&db.db)
            .await
            .unwrap_or_else(|e| panic!("db sync on {}: {e}", leg.name()));
        let dir = tempfile::tempdir().expect("tempdir");
        let paste = dir.path().join("api-paste.ini");
        std::fs::write(&paste, test_paste()).expect("write api-paste.ini");
        let mut groups: Vec<(String, Vec<(String, String)>)> = vec![(
            "DEFAULT".into(),
            vec![
                (
                    "auth_strategy".into(),
                    match self.auth {
                        Auth::Noauth => "noauth".into(),
                        Auth::Identity => "keystone".into(),
                    },
                ),
                ("state_path".into(), dir.path().display().to_string()),
                ("api_paste_config".into(), paste.display().to_string()),
            ],
        )];
        let proxy = match (&leg, self.proxied) {
            (Leg::Postgres(_), true) => Some(TcpProxy::start(server_addr(&db.url, 5432)).await),
            (Leg::MySql(_), true) => Some(TcpProxy::start(server_addr(&db.url, 3306)).await),
            _ => None,
        };
        let connection = match &proxy {
            Some(p) => via_proxy(&db.url, p.port),
            None => db.url.clone(),
        };
        groups.push(("database".into(), vec![("connection".into(), connection)]));
        for (k, v) in &self.extra {
            let (group, key) = match k.split_once('.') {
                Some((g, k)) => (g.to_string(), k.to_string()),
                None => ("DEFAULT".to_string(), k.clone()),
            };
            match groups.iter_mut().find(|(g, _)| *g == group) {
                Some((_, opts)) => opts.push((key, v.clone())),
                None => groups.push((group, vec![(key, v.clone())])),
            }
        }
        if !self.policy.is_empty() {
            let yaml: String = self
                .policy
                .iter()
                .map(|(rule, check)| format!("\"{rule}\": \"{check}\"\n"))
                .collect();
            let path = dir.path().join("policy.yaml");
            std::fs::write(&path, yaml).expect("write policy.yaml");
            groups.push((
                "oslo_policy".into(),
                vec![("policy_file".into(), path.display().to_string())],
            ));
        }
        let mut conf_text = String::new();
        for (g, opts) in &groups {
            conf_text.push_str(&format!("[{g}]\n"));
            for (k, v) in opts {
                conf_text.push_str(&format!("{k} = {v}\n"));
            }
        }
        let conf_path = dir.path().join("cinder.conf");
        std::fs::write(&conf_path, conf_text).expect("write cinder.conf");
        let app = load(&conf_path, &paste);
        let caller = Caller::admin();
        Cloud {
            app,
            auth: self.auth,
            db,
            proxy,
            caller,
            dir,
        }
    }
}

fn default_leg() -> Leg {
    let wanted = std::env::var("CINDER_TEST_BACKEND").unwrap_or_default();
    legs()
        .into_iter()
        .find(|l| l.name() == wanted)
        .unwrap_or(Leg::Sqlite)
}

fn load(conf_path: &Path, paste: &Path) -> HttpService {
    let mut conf = openstack_cinder::cmd::api::config("cinder-api").expect("options");
    let args = vec!["--config-file".to_string(), conf_path.display().to_string()];
    conf.parse_args(&args).expect("parse config");
    conf.validate().expect("valid config");
    openstack_http::paste::load_paste_app(
        &conf,
        paste,
        openstack_cinder::cmd::api::APP_NAME,
        &openstack_cinder::api::CinderApps,
    )
    .unwrap_or_else(|e| panic!("load osapi_volume: {e}"))
}

/// The sample api-paste.ini, with the keystone pipeline minus authtoken (identity headers are
/// trusted as authtoken would have set them).
fn test_paste() -> String {
    let sample = include_str!("../../../etc/cinder/api-paste.ini");
    sample.replace(
        "keystone = request_id cors http_proxy_to_wsgi faultwrap sizelimit osprofiler authtoken keystonecontext apiv3",
        "keystone = request_id cors http_proxy_to_wsgi faultwrap sizelimit osprofiler keystonecontext apiv3",
    )
}
