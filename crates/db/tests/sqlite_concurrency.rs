//! Several processes and many tasks, each with its own pool, writing one SQLite file at once
//! (forked API workers + scheduler + volume service on the embedded default), while a
//! foreign writer holds the write lock now and then, as a Python service would. Every
//! transaction reads then writes — the pattern that makes upstream answer "database is
//! locked" — and none may fail or lose an update.

use std::process::{Command, Stdio};
use std::time::Duration;

use openstack_db::schema::{self, integer, string, Table};
use openstack_db::{sql, Database, DatabaseOpts};
use sqlx::{ConnectOptions, Connection, Executor};

const CHILD_ENV: &str = "OPENSTACK_DB_TEST_CHILD_URL";
const PROCESSES: usize = 3;
const POOLS_PER_PROCESS: usize = 2;
const TASKS_PER_POOL: usize = 4;
const TXS_PER_TASK: usize = 20;

/// One writer: `n` read-modify-write transactions on the shared counter.
async fn write_many(db: Database, who: String, n: usize) -> Vec<String> {
    let mut errors = Vec::new();
    for _ in 0..n {
        let who = who.clone();
        let r = db
            .write(|tx| {
                let who = who.clone();
                Box::pin(async move {
                    let v: i64 = tx
                        .fetch_one(sql("SELECT value FROM counters WHERE name = ?").bind("c"))
                        .await?
                        .get("value")?;
                    tx.execute(
                        sql("UPDATE counters SET value = ? WHERE name = ?")
                            .bind(v + 1)
                            .bind("c"),
                    )
                    .await?;
                    tx.execute(
                        sql("INSERT INTO events (who, n) VALUES (?, ?)")
                            .bind(who)
                            .bind(v + 1),
                    )
                    .await?;
                    Ok(())
                })
            })
            .await;
        if let Err(e) = r {
            errors.push(e.to_string());
        }
    }
    errors
}

/// `POOLS_PER_PROCESS` pools × `TASKS_PER_POOL` tasks, as one process of the service would.
/// Retries are off (`db_max_retries = 0`): the locking design alone must keep every writer
/// from seeing "database is locked"; the retries are only a second belt.
async fn one_process(url: &str, tag: &str) -> Vec<String> {
    let mut opts = DatabaseOpts::for_url(url);
    opts.max_retries = 0;
    opts.db_max_retries = 0;
    let mut handles = Vec::new();
    for p in 0..POOLS_PER_PROCESS {
        let db = Database::connect(&opts).await.expect("pool");
        for t in 0..TASKS_PER_POOL {
            handles.push(tokio::spawn(write_many(
                db.clone(),
                format!("{tag}-{p}-{t}"),
                TXS_PER_TASK,
            )));
        }
    }
    let mut errors = Vec::new();
    for h in handles {
        errors.extend(h.await.expect("task"));
    }
    errors
}

/// Runs only as a child process of the test below.
#[test]
fn child_writer() {
    let Ok(url) = std::env::var(CHILD_ENV) else {
        return;
    };
    let tag = std::env::var("OPENSTACK_DB_TEST_CHILD_TAG").unwrap_or_default();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let errors = rt.block_on(one_process(&url, &tag));
    assert!(
        errors.is_empty(),
        "child {tag}: {} errors, first: {:?}",
        errors.len(),
        errors.first()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_never_see_database_is_locked() {
    let t = openstack_db::testing::fresh(&openstack_db::testing::Leg::Sqlite).await;
    let path = t.sqlite_path().expect("sqlite path");
    t.db.write(|tx| {
        Box::pin(async move {
            schema::create_table(
                tx,
                &Table::new("counters")
                    .column(string("name", 32))
                    .column(integer("value").not_null())
                    .primary_key(&["name"]),
            )
            .await?;
            schema::create_table(
                tx,
                &Table::new("events")
                    .column(integer("id"))
                    .column(string("who", 64))
                    .column(integer("n"))
                    .primary_key(&["id"])
                    .unique(&["n"]),
            )
            .await?;
            tx.execute(sql("INSERT INTO counters (name, value) VALUES (?, 0)").bind("c"))
                .await?;
            Ok(())
        })
    })
    .await
    .expect("schema");

    let exe = std::env::current_exe().expect("test binary");
    let children: Vec<_> = (0..PROCESSES)
        .map(|i| {
            Command::new(&exe)
                .args(["--exact", "child_writer", "--nocapture", "--test-threads=1"])
                .env(CHILD_ENV, &t.url)
                .env("OPENSTACK_DB_TEST_CHILD_TAG", format!("proc{i}"))
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn child")
        })
        .collect();

    // A foreign writer (think: Python cinder-volume) grabbing the write lock for a while.
    let foreign = tokio::spawn(async move {
        let mut c = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(&path)
            .busy_timeout(Duration::from_secs(30))
            .connect()
            .await
            .expect("foreign connection");
        for _ in 0..3 {
            tokio::time::sleep(Duration::from_millis(150)).await;
            c.execute("BEGIN IMMEDIATE").await.expect("foreign begin");
            tokio::time::sleep(Duration::from_millis(400)).await;
            c.execute("COMMIT").await.expect("foreign commit");
        }
        c.close().await.expect("close");
    });

    let errors = one_process(&t.url, "parent").await;
    foreign.await.expect("foreign writer");
    let outputs: Vec<_> = tokio::task::spawn_blocking(move || {
        children
            .into_iter()
            .map(|c| c.wait_with_output().expect("wait child"))
            .collect()
    })
    .await
    .expect("children");

    assert!(
        errors.is_empty(),
        "parent: {} errors, first: {:?}",
        errors.len(),
        errors.first()
    );
    for (i, o) in outputs.iter().enumerate() {
        assert!(
            o.status.success(),
            "child process {i} failed: {}\n{}{}",
            o.status,
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let total = ((PROCESSES + 1) * POOLS_PER_PROCESS * TASKS_PER_POOL * TXS_PER_TASK) as i64;
    let counter: i64 =
        t.db.fetch_one(sql("SELECT value FROM counters WHERE name = ?").bind("c"))
            .await
            .expect("counter")
            .get("value")
            .expect("value");
    assert_eq!(counter, total, "lost updates");
    let events: i64 =
        t.db.fetch_one(sql(
            "SELECT COUNT(*) AS n, COUNT(DISTINCT who) AS w FROM events",
        ))
        .await
        .expect("events")
        .get("n")
        .expect("n");
    assert_eq!(events, total);
}
