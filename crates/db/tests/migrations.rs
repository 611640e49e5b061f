//! `Migrations`: applied in order, recorded in alembic's `alembic_version`, idempotent,
//! resumable from any known revision, and refusing revisions they do not know.

use openstack_db::schema::{self, boolean, integer, string, ServerDefault, Table};
use openstack_db::testing::{fresh, legs};
use openstack_db::{sql, DbError, Migration, Migrations};

fn widgets_v1() -> Table {
    Table::new("widgets")
        .soft_delete_columns_checked()
        .column(integer("id"))
        .column(string("name", 255))
        .column(boolean("shiny"))
        .primary_key(&["id"])
        .ix("name")
}

/// Revision bbb: `name` grows to 300, `shiny` becomes NOT NULL DEFAULT true.
fn widgets_v2() -> Table {
    widgets_v1()
        .with_column("name", |c| c.ty = schema::ColumnType::String(300))
        .with_column("shiny", |c| {
            c.nullable = false;
            c.default = Some(ServerDefault::True);
        })
}

fn toy(upto: usize) -> Migrations {
    let all = vec![
        Migration::new("aaa111", None, "initial", |tx| {
            Box::pin(async move {
                schema::create_table(tx, &widgets_v1()).await?;
                tx.execute(
                    sql("INSERT INTO widgets (name, shiny, deleted) VALUES (?, ?, ?)")
                        .bind("seed")
                        .bind(false)
                        .bind(false),
                )
                .await?;
                Ok(())
            })
        }),
        Migration::new("bbb222", Some("aaa111"), "alter columns", |tx| {
            Box::pin(async move {
                schema::alter_column(tx, &widgets_v2(), "name").await?;
                schema::alter_column(tx, &widgets_v2(), "shiny").await
            })
        }),
        Migration::new("ccc333", Some("bbb222"), "add an index", |tx| {
            Box::pin(async move {
                schema::create_index(
                    tx,
                    "widgets",
                    &schema::Index {
                        name: "widgets_deleted_name_idx".into(),
                        columns: vec!["deleted", "name"],
                        unique: false,
                    },
                )
                .await
            })
        }),
    ];
    Migrations::new("widget-manage", all.into_iter().take(upto).collect())
}

#[tokio::test]
async fn sync_applies_everything_once() {
    for leg in legs() {
        let t = fresh(&leg).await;
        let m = toy(3);
        assert_eq!(m.current(&t.db).await.expect("current"), None);
        let e = m.check(&t.db).await.expect_err("not synced");
        assert_eq!(
            e.to_string(),
            "The database has no schema yet; run `widget-manage db sync`."
        );

        let out = m
            .sync(&t.db)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", leg.name()));
        assert_eq!(out.from, None);
        assert_eq!(out.applied, ["aaa111", "bbb222", "ccc333"]);
        assert_eq!(
            out.to_string(),
            "Database created at revision ccc333 (3 migrations applied)."
        );
        assert_eq!(
            m.current(&t.db).await.expect("current").as_deref(),
            Some("ccc333")
        );
        m.check(&t.db).await.expect("at head");

        let again = m.sync(&t.db).await.expect("second sync");
        assert!(again.applied.is_empty(), "{}", leg.name());
        assert_eq!(
            again.to_string(),
            "Database is already at revision ccc333; nothing to do."
        );
        let versions =
            t.db.fetch_all(sql("SELECT version_num FROM alembic_version"))
                .await
                .expect("versions");
        assert_eq!(versions.len(), 1);

        // The altered column took the new default and kept the seeded row.
        t.db.execute(
            sql("INSERT INTO widgets (name, deleted) VALUES (?, false)").bind("x".repeat(300)),
        )
        .await
        .unwrap_or_else(|e| panic!("{}: 300 chars: {e}", leg.name()));
        let rows =
            t.db.fetch_all(sql("SELECT name, shiny FROM widgets ORDER BY id"))
                .await
                .expect("rows");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].get::<String>("name").expect("name"), "seed");
        assert!(!rows[0].get::<bool>("shiny").expect("shiny"));
        assert!(
            rows[1].get::<bool>("shiny").expect("default"),
            "{}",
            leg.name()
        );
        let e =
            t.db.execute(
                sql("INSERT INTO widgets (name, shiny) VALUES (?, ?)")
                    .bind("n")
                    .bind(None::<bool>),
            )
            .await
            .expect_err("not null");
        assert!(matches!(e, DbError::Other(_)), "{}: {e:?}", leg.name());
    }
}

#[tokio::test]
async fn sync_resumes_from_a_known_revision() {
    for leg in legs() {
        let t = fresh(&leg).await;
        let out = toy(1).sync(&t.db).await.expect("first release");
        assert_eq!(out.applied, ["aaa111"]);
        let e = toy(3).check(&t.db).await.expect_err("behind");
        assert_eq!(
            e.to_string(),
            "The database schema is at revision aaa111, older than ccc333; run `widget-manage db sync`."
        );
        let out = toy(3)
            .sync(&t.db)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", leg.name()));
        assert_eq!(out.from.as_deref(), Some("aaa111"));
        assert_eq!(out.applied, ["bbb222", "ccc333"]);
        assert_eq!(
            out.to_string(),
            "Database upgraded from revision aaa111 to ccc333 (2 migrations applied)."
        );
    }
}

#[tokio::test]
async fn a_newer_or_unknown_revision_is_refused() {
    for leg in legs() {
        let t = fresh(&leg).await;
        toy(3).sync(&t.db).await.expect("sync");
        // An older release meets a database upgraded past it.
        let old = toy(2);
        let e = old.sync(&t.db).await.expect_err("newer");
        assert!(matches!(e, DbError::Schema(_)), "{e:?}");
        assert_eq!(
            e.to_string(),
            "The database schema is at revision ccc333, which this release does not know \
             (the newest it knows is bbb222): the database was upgraded by a newer release. \
             Refusing to use it."
        );
        assert_eq!(old.check(&t.db).await.expect_err("newer"), e);
        // Nothing was touched.
        assert_eq!(
            toy(3).current(&t.db).await.expect("current").as_deref(),
            Some("ccc333")
        );
    }
}

#[tokio::test]
async fn a_failing_migration_leaves_the_last_good_revision() {
    for leg in legs() {
        let t = fresh(&leg).await;
        let broken = Migrations::new(
            "widget-manage",
            vec![
                Migration::new("aaa111", None, "initial", |tx| {
                    Box::pin(async move { schema::create_table(tx, &widgets_v1()).await })
                }),
                Migration::new("bad000", Some("aaa111"), "broken", |tx| {
                    Box::pin(async move {
                        tx.execute(sql("INSERT INTO widgets (name) VALUES (?)").bind("half"))
                            .await?;
                        tx.execute(sql("SELECT * FROM no_such_table")).await?;
                        Ok(())
                    })
                }),
            ],
        );
        let e = broken.sync(&t.db).await.expect_err("broken");
        assert!(
            e.to_string()
                .starts_with("Database error: migration bad000 failed:"),
            "{e}"
        );
        assert_eq!(
            broken.current(&t.db).await.expect("current").as_deref(),
            Some("aaa111")
        );
        // The half-done data change was rolled back with it.
        let n =
            t.db.fetch_one(sql("SELECT COUNT(*) AS n FROM widgets"))
                .await
                .expect("n");
        assert_eq!(n.get::<i64>("n").expect("n"), 0, "{}", leg.name());
    }
}

#[tokio::test]
async fn sqlite_rebuild_keeps_foreign_keys_on_afterwards() {
    let t = fresh(&openstack_db::testing::Leg::Sqlite).await;
    toy(3).sync(&t.db).await.expect("sync");
    for _ in 0..5 {
        let fk =
            t.db.fetch_one(sql("PRAGMA foreign_keys"))
                .await
                .expect("fk")
                .get_at::<i64>(0)
                .expect("fk");
        assert_eq!(fk, 1);
    }
    let indexes = t
        .db
        .fetch_all(sql("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'widgets' ORDER BY name"))
        .await
        .expect("indexes");
    let names: Vec<String> = indexes
        .iter()
        .map(|r| r.get("name").expect("name"))
        .collect();
    assert_eq!(names, ["ix_widgets_name", "widgets_deleted_name_idx"]);
    let tables = t.db.table_names().await.expect("tables");
    assert_eq!(tables, ["alembic_version", "widgets"]);
}
