//! For tests (feature `testing`): the backends to run on — SQLite always; PostgreSQL and
//! MySQL/MariaDB when `DATABASE_URL_POSTGRESQL` / `DATABASE_URL_MYSQL` name a server
//! (tools/postgres.sh and tools/mariadb.sh print them) — and a database of its own for each
//! test, dropped afterwards, as openstack-experimental/keystone's integration tests do.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

use crate::{sql, ConnectionUrl, Database};

/// One backend to run a test on.
#[derive(Debug, Clone)]
pub enum Leg {
    Sqlite,
    Postgres(String),
    MySql(String),
}

impl Leg {
    pub fn name(&self) -> &'static str {
        match self {
            Leg::Sqlite => "sqlite",
            Leg::Postgres(_) => "postgresql",
            Leg::MySql(_) => "mysql",
        }
    }
}

/// SQLite, plus each server named in the environment.
pub fn legs() -> Vec<Leg> {
    let mut out = vec![Leg::Sqlite];
    if let Some(u) = env_url("DATABASE_URL_POSTGRESQL") {
        out.push(Leg::Postgres(u));
    }
    if let Some(u) = env_url("DATABASE_URL_MYSQL") {
        out.push(Leg::MySql(u));
    }
    out
}

/// Only the server legs (tests of behaviour SQLite does not have).
pub fn server_legs() -> Vec<Leg> {
    legs()
        .into_iter()
        .filter(|l| !matches!(l, Leg::Sqlite))
        .collect()
}

fn env_url(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// A database that exists for one test.
pub struct TestDb {
    pub db: Database,
    /// Full URL (password included) of this test's database.
    pub url: String,
    pub leg: Leg,
    dir: Option<tempfile::TempDir>,
    cleanup: Option<(String, String)>,
}

impl TestDb {
    /// The SQLite file, for SQLite legs.
    pub fn sqlite_path(&self) -> Option<std::path::PathBuf> {
        self.dir.as_ref().map(|d| d.path().join("test.sqlite"))
    }

    /// Another pool on the same database (a second "process").
    pub async fn connect_again(&self) -> Database {
        Database::connect_url(&self.url).await.expect("second pool")
    }
}

fn unique_name() -> String {
    format!("t_{}", uuid::Uuid::new_v4().simple())
}

/// A fresh, empty database on `leg`.
pub async fn fresh(leg: &Leg) -> TestDb {
    match leg {
        Leg::Sqlite => {
            let dir = tempfile::tempdir().expect("tempdir");
            let url = format!("sqlite:///{}", dir.path().join("test.sqlite").display());
            let db = Database::connect_url(&url).await.expect("sqlite");
            TestDb {
                db,
                url,
                leg: leg.clone(),
                dir: Some(dir),
                cleanup: None,
            }
        }
        Leg::Postgres(admin) | Leg::MySql(admin) => {
            let name = unique_name();
            let admin_db = Database::connect_url(admin)
                .await
                .unwrap_or_else(|e| panic!("{} admin connection: {e}", leg.name()));
            let create = match leg {
                Leg::MySql(_) => format!("CREATE DATABASE {name} CHARACTER SET utf8mb4"),
                _ => format!("CREATE DATABASE {name}"),
            };
            admin_db
                .execute(sql(create))
                .await
                .expect("create database");
            admin_db.close().await;
            let url = ConnectionUrl::parse(admin)
                .expect("admin url")
                .with_database(&name)
                .to_url_string();
            let db = Database::connect_url(&url).await.expect("test database");
            TestDb {
                db,
                url,
                leg: leg.clone(),
                dir: None,
                cleanup: Some((admin.clone(), name)),
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((admin, name)) = self.cleanup.take() else {
            return;
        };
        let is_pg = matches!(self.leg, Leg::Postgres(_));
        // Async work in Drop: on a thread of its own, so it also runs after a panic.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async move {
                if let Ok(admin) = Database::connect_url(&admin).await {
                    let drop = if is_pg {
                        format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")
                    } else {
                        format!("DROP DATABASE IF EXISTS {name}")
                    };
                    let _ = admin.execute(sql(drop)).await;
                    admin.close().await;
                }
            })
        })
        .join();
    }
}

/// 127.0.0.1:port → the real server, until `cut`.
pub struct TcpProxy {
    pub port: u16,
    target: String,
    tasks: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl TcpProxy {
    pub async fn start(target: String) -> TcpProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let p = TcpProxy {
            port,
            target,
            tasks: Arc::new(Mutex::new(Vec::new())),
        };
        p.serve(listener);
        p
    }

    fn serve(&self, listener: TcpListener) {
        let target = self.target.clone();
        let tasks = self.tasks.clone();
        let accept = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let target = target.clone();
                let conn = tokio::spawn(async move {
                    if let Ok(mut server) = TcpStream::connect(&target).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
                tasks.lock().expect("tasks").push(conn);
            }
        });
        self.tasks.lock().expect("tasks").push(accept);
    }

    /// Drops every connection and stops listening: the server "is down".
    pub fn cut(&self) {
        for t in self.tasks.lock().expect("tasks").drain(..) {
            t.abort();
        }
    }

    /// Listens again on the same port.
    pub async fn restore(&self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            match TcpListener::bind(("127.0.0.1", self.port)).await {
                Ok(l) => return self.serve(l),
                Err(e) if Instant::now() < deadline => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => panic!("rebind {}: {e}", self.port),
            }
        }
    }
}

pub fn via_proxy(url: &str, port: u16) -> String {
    let mut u = ConnectionUrl::parse(url).expect("url");
    u.host = Some("127.0.0.1".into());
    u.port = Some(port);
    u.to_url_string()
}

pub fn server_addr(url: &str, default_port: u16) -> String {
    let u = ConnectionUrl::parse(url).expect("url");
    format!(
        "{}:{}",
        u.host.as_deref().unwrap_or("127.0.0.1"),
        u.port.unwrap_or(default_port)
    )
}
