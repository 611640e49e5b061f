//! The `Database` contract, on every backend the environment offers: one statement text for
//! all three, values that read back as written, errors sorted into `DbError`, transactions
//! that commit or roll back whole.

use openstack_db::schema::{
    self, boolean, datetime, integer, string, text, Column, ColumnType, Table,
};
use openstack_db::testing::{fresh, legs, Leg};
use openstack_db::{placeholders, sql, Backend, Database, DbError, Value};
use time::macros::datetime;
use time::PrimitiveDateTime;

fn items() -> Table {
    Table::new("items")
        .column(integer("id"))
        .column(string("name", 255).not_null())
        .column(boolean("flag"))
        .column(datetime("created_at"))
        .column(Column::new("precise_at", ColumnType::DateTimeMicros))
        .column(integer("size"))
        .column(text("notes"))
        .primary_key(&["id"])
        .unique(&["name"])
}

fn children() -> Table {
    Table::new("children")
        .column(integer("id"))
        .column(integer("item_id").not_null())
        .column(string("key", 255))
        .primary_key(&["id"])
        .foreign_key("item_id", "items.id")
        .ix("item_id")
}

async fn with_tables(leg: &Leg) -> openstack_db::testing::TestDb {
    let t = fresh(leg).await;
    t.db.write(|tx| {
        Box::pin(async move {
            schema::create_table(tx, &items()).await?;
            schema::create_table(tx, &children()).await
        })
    })
    .await
    .unwrap_or_else(|e| panic!("{}: create tables: {e}", leg.name()));
    t
}

#[tokio::test]
async fn values_round_trip_identically_on_every_backend() {
    for leg in legs() {
        let t = with_tables(&leg).await;
        let db = &t.db;
        let at = datetime!(2026-11-22 01:33:16);
        let precise = datetime!(2026-11-22 01:33:16.000123);
        let id = db
            .insert(
                sql("INSERT INTO items (name, flag, created_at, precise_at, size, notes) VALUES (?, ?, ?, ?, ?, ?)")
                    .bind("välue ✓")
                    .bind(true)
                    .bind(at)
                    .bind(precise)
                    .bind(2_147_483_647_i64)
                    .bind(None::<String>),
                "id",
            )
            .await
            .unwrap_or_else(|e| panic!("{}: insert: {e}", leg.name()));
        let id2 = db
            .insert(
                sql("INSERT INTO items (name, flag, created_at, size) VALUES (?, ?, ?, ?)")
                    .bind("second")
                    .bind(false)
                    .bind(None::<PrimitiveDateTime>)
                    .bind(None::<i64>),
                "id",
            )
            .await
            .expect("insert 2");
        assert_eq!(id2, id + 1, "{}", leg.name());

        let row = db
            .fetch_one(sql("SELECT * FROM items WHERE id = ?").bind(id))
            .await
            .expect("select");
        assert_eq!(
            row.get::<String>("name").expect("name"),
            "välue ✓",
            "{}",
            leg.name()
        );
        assert!(row.get::<bool>("flag").expect("flag"), "{}", leg.name());
        assert_eq!(
            row.get::<PrimitiveDateTime>("created_at")
                .expect("created_at"),
            at
        );
        assert_eq!(row.get::<i64>("size").expect("size"), 2_147_483_647);
        assert_eq!(row.get::<Option<String>>("notes").expect("notes"), None);
        // Microseconds survive where the column keeps them (DATETIME(6) on MySQL).
        assert_eq!(
            row.get::<PrimitiveDateTime>("precise_at")
                .expect("precise_at"),
            precise,
            "{}",
            leg.name()
        );
        let row2 = db
            .fetch_one(sql("SELECT flag, created_at, size FROM items WHERE id = ?").bind(id2))
            .await
            .expect("select 2");
        assert!(!row2.get::<bool>("flag").expect("flag"));
        assert_eq!(
            row2.get::<Option<PrimitiveDateTime>>("created_at")
                .expect("null ts"),
            None
        );

        // Boolean literals are portable; so are aggregates.
        let n = db
            .fetch_one(sql(
                "SELECT COUNT(*) AS n, SUM(size) AS total FROM items WHERE flag = true",
            ))
            .await
            .expect("count");
        assert_eq!(n.get::<i64>("n").expect("n"), 1, "{}", leg.name());
        assert_eq!(
            n.get::<i64>("total").expect("sum"),
            2_147_483_647,
            "{}",
            leg.name()
        );

        // Timestamps compare as timestamps (on SQLite: as SQLAlchemy's fixed-width text).
        let later = db
            .fetch_all(
                sql("SELECT name FROM items WHERE created_at >= ?")
                    .bind(datetime!(2026-11-22 01:33:15.999999)),
            )
            .await
            .expect("compare");
        assert_eq!(later.len(), 1, "{}", leg.name());
    }
}

#[tokio::test]
async fn sqlite_stores_what_sqlalchemy_stores() {
    let t = with_tables(&Leg::Sqlite).await;
    t.db.execute(
        sql("INSERT INTO items (name, flag, created_at) VALUES (?, ?, ?)")
            .bind("a")
            .bind(true)
            .bind(datetime!(2026-01-02 03:04:05)),
    )
    .await
    .expect("insert");
    let row =
        t.db.fetch_one(sql(
            "SELECT typeof(flag) AS tf, flag, typeof(created_at) AS tc, created_at FROM items",
        ))
        .await
        .expect("select");
    assert_eq!(row.get::<String>("tf").expect("tf"), "integer");
    assert_eq!(row.values()[1], Value::Int(1));
    assert_eq!(row.get::<String>("tc").expect("tc"), "text");
    assert_eq!(
        row.values()[3],
        Value::Text("2026-01-02 03:04:05.000000".into())
    );
}

#[tokio::test]
async fn errors_are_classified() {
    for leg in legs() {
        let t = with_tables(&leg).await;
        let db = &t.db;
        db.execute(sql("INSERT INTO items (name) VALUES (?)").bind("dup"))
            .await
            .expect("first");
        let e = db
            .execute(sql("INSERT INTO items (name) VALUES (?)").bind("dup"))
            .await
            .expect_err("duplicate");
        assert!(
            matches!(e, DbError::Duplicate { .. }),
            "{}: {e:?}",
            leg.name()
        );

        let e = db
            .execute(
                sql(r#"INSERT INTO children (item_id, "key") VALUES (?, ?)"#)
                    .bind(999_999_i64)
                    .bind("k"),
            )
            .await
            .expect_err("orphan");
        assert!(matches!(e, DbError::Reference(_)), "{}: {e:?}", leg.name());

        let e = db
            .fetch_one(sql("SELECT id FROM items WHERE name = ?").bind("nobody"))
            .await
            .expect_err("none");
        assert!(matches!(e, DbError::NotFound(_)), "{}: {e:?}", leg.name());

        let e = db
            .fetch_all(sql("SELECT id FROM items WHERE name = ? AND id = ?").bind("x"))
            .await
            .expect_err("arity");
        assert!(e.to_string().contains("2 placeholders but 1 values"), "{e}");

        let e = db
            .fetch_all(sql("SELECT nope FROM no_such_table"))
            .await
            .expect_err("no table");
        assert!(matches!(e, DbError::Other(_)), "{}: {e:?}", leg.name());
    }
}

#[tokio::test]
async fn reserved_words_and_in_lists_are_portable() {
    for leg in legs() {
        let t = with_tables(&leg).await;
        let db = &t.db;
        let id = db
            .insert(
                sql("INSERT INTO items (name) VALUES (?)").bind("parent"),
                "id",
            )
            .await
            .expect("parent");
        for k in ["a", "b", "c"] {
            db.execute(
                sql(r#"INSERT INTO children (item_id, "key") VALUES (?, ?)"#)
                    .bind(id)
                    .bind(k),
            )
            .await
            .expect("child");
        }
        let wanted = ["a", "c"];
        let rows = db
            .fetch_all(
                sql(r#"SELECT "key" FROM children WHERE item_id = ? AND "key" IN ("#)
                    .push(&placeholders(wanted.len()))
                    .push(r#") ORDER BY "key""#)
                    .bind(id)
                    .bind_all(wanted),
            )
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", leg.name()));
        let keys: Vec<String> = rows.iter().map(|r| r.get("key").expect("key")).collect();
        assert_eq!(keys, ["a", "c"], "{}", leg.name());
    }
}

#[tokio::test]
async fn rows_affected_counts_matched_rows() {
    // SQLAlchemy's MySQL dialects count matched rows (CLIENT_FOUND_ROWS); cinder's
    // conditional_update relies on it. An UPDATE that changes nothing still matches.
    for leg in legs() {
        let t = with_tables(&leg).await;
        let db = &t.db;
        db.execute(
            sql("INSERT INTO items (name, size) VALUES (?, ?)")
                .bind("x")
                .bind(1_i64),
        )
        .await
        .expect("insert");
        let n = db
            .execute(
                sql("UPDATE items SET size = ? WHERE name = ?")
                    .bind(1_i64)
                    .bind("x"),
            )
            .await
            .expect("update");
        assert_eq!(n, 1, "{}", leg.name());
        let n = db
            .execute(
                sql("UPDATE items SET size = ? WHERE name = ?")
                    .bind(2_i64)
                    .bind("nobody"),
            )
            .await
            .expect("update none");
        assert_eq!(n, 0, "{}", leg.name());
    }
}

#[tokio::test]
async fn transactions_commit_or_roll_back_whole() {
    for leg in legs() {
        let t = with_tables(&leg).await;
        let db = &t.db;
        let name = String::from("borrowed from the caller");
        // The closure borrows `name`; it commits both rows.
        let id = db
            .write(|tx| {
                Box::pin(async {
                    let id = tx
                        .insert(sql("INSERT INTO items (name) VALUES (?)").bind(&name), "id")
                        .await?;
                    tx.execute(
                        sql(r#"INSERT INTO children (item_id, "key") VALUES (?, ?)"#)
                            .bind(id)
                            .bind("k"),
                    )
                    .await?;
                    Ok(id)
                })
            })
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", leg.name()));
        assert!(id > 0);

        // An error inside rolls everything back.
        let e = db
            .write(|tx| {
                Box::pin(async move {
                    tx.execute(sql("INSERT INTO items (name) VALUES (?)").bind("rolled back"))
                        .await?;
                    Err::<(), _>(DbError::Other("changed my mind".into()))
                })
            })
            .await
            .expect_err("rolled back");
        assert_eq!(e, DbError::Other("changed my mind".into()));

        // A transaction dropped without commit rolls back too.
        {
            let mut tx = db.begin().await.expect("begin");
            tx.execute(sql("INSERT INTO items (name) VALUES (?)").bind("dropped"))
                .await
                .expect("insert");
        }
        let names: Vec<String> = db
            .fetch_all(sql("SELECT name FROM items ORDER BY id"))
            .await
            .expect("names")
            .iter()
            .map(|r| r.get("name").expect("name"))
            .collect();
        assert_eq!(names, [name.as_str()], "{}", leg.name());

        // SELECT … FOR UPDATE is accepted everywhere (dropped on SQLite, where the write
        // transaction already holds the lock).
        let locked = db
            .write(|tx| {
                Box::pin(async move {
                    tx.fetch_all(
                        sql("SELECT id FROM items WHERE name = ? FOR UPDATE")
                            .bind("borrowed from the caller"),
                    )
                    .await
                })
            })
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", leg.name()));
        assert_eq!(locked.len(), 1);

        // A read transaction sees one snapshot.
        let n = db
            .read(|tx| {
                Box::pin(async move {
                    tx.fetch_one(sql("SELECT COUNT(*) AS n FROM children"))
                        .await?
                        .get::<i64>("n")
                })
            })
            .await
            .expect("read");
        assert_eq!(n, 1);
    }
}

#[tokio::test]
async fn in_memory_sqlite_keeps_its_data_for_the_life_of_the_pool() {
    for url in ["sqlite://", "sqlite:///:memory:"] {
        let db = Database::connect_url(url).await.expect("memory");
        assert_eq!(db.backend(), Backend::Sqlite);
        db.write(|tx| Box::pin(async move { schema::create_table(tx, &items()).await }))
            .await
            .expect("create");
        db.execute(sql("INSERT INTO items (name) VALUES (?)").bind("m"))
            .await
            .expect("insert");
        let n = db
            .fetch_one(sql("SELECT COUNT(*) AS n FROM items"))
            .await
            .expect("count")
            .get::<i64>("n")
            .expect("n");
        assert_eq!(n, 1);
        assert_eq!(db.table_names().await.expect("tables"), ["items"]);
    }
}

#[tokio::test]
async fn sqlite_file_is_in_wal_mode_with_foreign_keys_and_a_busy_timeout() {
    let t = fresh(&Leg::Sqlite).await;
    let mode =
        t.db.fetch_one(sql("PRAGMA journal_mode"))
            .await
            .expect("journal_mode")
            .get_at::<String>(0)
            .expect("mode");
    assert_eq!(mode, "wal");
    let fk =
        t.db.fetch_one(sql("PRAGMA foreign_keys"))
            .await
            .expect("fk")
            .get_at::<i64>(0)
            .expect("fk");
    assert_eq!(fk, 1);
    let busy =
        t.db.fetch_one(sql("PRAGMA busy_timeout"))
            .await
            .expect("busy")
            .get_at::<i64>(0)
            .expect("busy");
    assert_eq!(busy, openstack_db::SQLITE_BUSY_TIMEOUT.as_millis() as i64);
    let sync =
        t.db.fetch_one(sql("PRAGMA synchronous"))
            .await
            .expect("sync")
            .get_at::<i64>(0)
            .expect("sync");
    assert_eq!(sync, 2, "sqlite_synchronous = True is FULL");
}

#[tokio::test]
async fn a_database_that_is_down_at_start_up_is_one_clear_error() {
    // Nothing listens on port 1 of the loopback.
    for url in [
        "postgresql://cinder:hunter2@127.0.0.1:1/cinder",
        "mysql+pymysql://cinder:hunter2@127.0.0.1:1/cinder?charset=utf8",
    ] {
        let mut opts = openstack_db::DatabaseOpts::for_url(url);
        opts.max_retries = 2;
        opts.retry_interval = 0;
        let started = std::time::Instant::now();
        let e = Database::connect(&opts).await.expect_err("down");
        assert!(e.is_disconnect(), "{e:?}");
        let msg = e.to_string();
        assert!(
            msg.starts_with("Database unavailable: cannot connect to "),
            "{msg}"
        );
        assert!(msg.contains("cinder:***@127.0.0.1:1/cinder"), "{msg}");
        assert!(!msg.contains("hunter2"), "{msg}");
        assert!(!msg.contains('\n'), "{msg}");
        assert!(started.elapsed() < std::time::Duration::from_secs(10));
    }
    let e = Database::connect_url("sqlite:////nonexistent-dir/x/cinder.sqlite")
        .await
        .expect_err("no dir");
    assert!(
        e.to_string()
            .contains("cannot connect to sqlite:////nonexistent-dir/x/cinder.sqlite"),
        "{e}"
    );
    let e = Database::connect_url("oracle://u:p@h/db")
        .await
        .expect_err("scheme");
    assert!(matches!(e, DbError::Config(_)), "{e:?}");
    let e = Database::connect(&openstack_db::DatabaseOpts::defaults())
        .await
        .expect_err("unset");
    assert_eq!(e.to_string(), "[database] connection is not set");
}
