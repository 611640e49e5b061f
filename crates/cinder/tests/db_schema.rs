//! `cinder-manage db sync` builds upstream's schema: table by table the same columns (order,
//! type, nullability, server default), indexes, unique constraints, foreign keys and CHECKs
//! as Python cinder 29.0.0's `db sync` produced (tests/data/*.sql, dumped from the real
//! thing), with the same seed rows; it is a no-op the second time, recognises a database
//! synced by Python cinder as current and refuses one upgraded past what it knows.

use std::collections::{BTreeMap, BTreeSet};

use openstack_cinder::db::{check_schema, db_sync, db_sync_with, db_version, SeedQuotas, HEAD};
use openstack_db::testing::{fresh, legs, Leg};
use openstack_db::{sql, Backend, Database, DbError, PrimitiveDateTime};

const UPSTREAM_SQLITE: &str = include_str!("data/cinder-schema-sqlite.sql");
const UPSTREAM_MYSQL: &str = include_str!("data/cinder-schema-mysql.sql");

/// One table as SQLite describes it (`PRAGMA table_info`, `index_list`, `foreign_key_list`).
#[derive(Debug, PartialEq, Eq)]
struct SqliteTable {
    /// (name, declared type, NOT NULL, default, part of the primary key)
    columns: Vec<(String, String, bool, Option<String>, bool)>,
    /// Named indexes as "name(cols)", unique constraints as "UNIQUE(cols)".
    indexes: BTreeSet<String>,
    /// "cols -> table(cols)"
    foreign_keys: BTreeSet<String>,
    has_check: bool,
}

async fn sqlite_tables(db: &Database) -> BTreeMap<String, SqliteTable> {
    let mut out = BTreeMap::new();
    for table in db.table_names().await.expect("tables") {
        let columns = db
            .fetch_all(sql(format!("PRAGMA table_info(\"{table}\")")))
            .await
            .expect("table_info")
            .iter()
            .map(|r| {
                (
                    r.get::<String>("name").expect("name"),
                    r.get::<String>("type").expect("type").to_uppercase(),
                    r.get::<bool>("notnull").expect("notnull"),
                    r.get::<Option<String>>("dflt_value").expect("dflt"),
                    r.get::<i64>("pk").expect("pk") > 0,
                )
            })
            .collect();
        let mut indexes = BTreeSet::new();
        for idx in db
            .fetch_all(sql(format!("PRAGMA index_list(\"{table}\")")))
            .await
            .expect("index_list")
        {
            let name: String = idx.get("name").expect("name");
            let origin: String = idx.get("origin").expect("origin");
            if origin == "pk" {
                continue;
            }
            let cols: Vec<String> = db
                .fetch_all(sql(format!("PRAGMA index_info(\"{name}\")")))
                .await
                .expect("index_info")
                .iter()
                .map(|r| r.get::<String>("name").expect("col"))
                .collect();
            let unique = idx.get::<bool>("unique").expect("unique");
            indexes.insert(match origin.as_str() {
                "u" => format!("UNIQUE({})", cols.join(",")),
                _ => format!(
                    "{}{name}({})",
                    if unique { "unique " } else { "" },
                    cols.join(",")
                ),
            });
        }
        let mut fks: BTreeMap<i64, (Vec<String>, String, Vec<String>)> = BTreeMap::new();
        for fk in db
            .fetch_all(sql(format!("PRAGMA foreign_key_list(\"{table}\")")))
            .await
            .expect("foreign_key_list")
        {
            let e = fks
                .entry(fk.get::<i64>("id").expect("id"))
                .or_insert_with(|| (Vec::new(), fk.get("table").expect("table"), Vec::new()));
            e.0.push(fk.get("from").expect("from"));
            e.2.push(fk.get("to").expect("to"));
        }
        let foreign_keys = fks
            .into_values()
            .map(|(from, t, to)| format!("{} -> {t}({})", from.join(","), to.join(",")))
            .collect();
        let create: String = db
            .fetch_one(
                sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?").bind(&table),
            )
            .await
            .expect("sql")
            .get("sql")
            .expect("sql");
        out.insert(
            table,
            SqliteTable {
                columns,
                indexes,
                foreign_keys,
                has_check: create.contains("CHECK ("),
            },
        );
    }
    out
}

fn compare<T: std::fmt::Debug + PartialEq>(
    what: &str,
    ours: &BTreeMap<String, T>,
    upstream: &BTreeMap<String, T>,
) {
    let ours_names: Vec<&String> = ours.keys().collect();
    let upstream_names: Vec<&String> = upstream.keys().collect();
    assert_eq!(
        ours_names, upstream_names,
        "{what}: the set of tables differs"
    );
    let mut diffs = Vec::new();
    for (name, u) in upstream {
        let o = &ours[name];
        if o != u {
            diffs.push(format!(
                "table {name}:\n  ours:     {o:?}\n  upstream: {u:?}"
            ));
        }
    }
    assert!(
        diffs.is_empty(),
        "{what}: {} tables differ\n{}",
        diffs.len(),
        diffs.join("\n")
    );
}

async fn upstream_sqlite() -> Database {
    let db = Database::connect_url("sqlite://").await.expect("memory");
    let mut tx = db.begin().await.expect("begin");
    tx.execute_script(UPSTREAM_SQLITE)
        .await
        .expect("upstream DDL");
    tx.commit().await.expect("commit");
    db
}

#[tokio::test]
async fn synced_sqlite_schema_matches_upstream_table_by_table() {
    let t = fresh(&Leg::Sqlite).await;
    let out = db_sync(&t.db).await.expect("db sync");
    assert_eq!(out.from, None);
    assert_eq!(out.to, HEAD);
    assert_eq!(out.applied.len(), 8);

    let upstream = sqlite_tables(&upstream_sqlite().await).await;
    assert_eq!(upstream.len(), 36, "every upstream table was loaded");
    compare("SQLite", &sqlite_tables(&t.db).await, &upstream);
}

#[tokio::test]
async fn the_comparison_notices_a_difference() {
    // A test that cannot fail is a defect: change one column and the comparison must see it.
    let upstream = upstream_sqlite().await;
    let mut tables = sqlite_tables(&upstream).await;
    let reference = sqlite_tables(&upstream).await;
    let volumes = tables.get_mut("volumes").expect("volumes");
    volumes.columns[6].2 = !volumes.columns[6].2;
    let r = std::panic::catch_unwind(|| compare("SQLite", &tables, &reference));
    assert!(r.is_err());
}

#[tokio::test]
async fn seed_rows_and_the_default_volume_type() {
    for leg in legs() {
        let t = fresh(&leg).await;
        db_sync(&t.db)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", leg.name()));
        let db = &t.db;
        let types = db
            .fetch_all(sql("SELECT id, name, description, is_public, deleted, qos_specs_id, created_at FROM volume_types"))
            .await
            .expect("types");
        assert_eq!(types.len(), 1, "{}", leg.name());
        let ty = &types[0];
        assert_eq!(ty.get::<String>("name").expect("name"), "__DEFAULT__");
        assert_eq!(
            ty.get::<String>("description").expect("d"),
            "Default Volume Type"
        );
        assert!(ty.get::<bool>("is_public").expect("public"));
        assert!(!ty.get::<bool>("deleted").expect("deleted"));
        assert_eq!(ty.get::<Option<String>>("qos_specs_id").expect("qos"), None);
        assert_eq!(ty.get::<String>("id").expect("id").len(), 36);
        assert!(ty
            .get::<Option<PrimitiveDateTime>>("created_at")
            .expect("created")
            .is_some());

        let classes: BTreeMap<String, i64> = db
            .fetch_all(sql("SELECT resource, hard_limit FROM quota_classes WHERE class_name = ? AND deleted = false").bind("default"))
            .await
            .expect("classes")
            .iter()
            .map(|r| (r.get("resource").expect("r"), r.get("hard_limit").expect("l")))
            .collect();
        let expected: BTreeMap<String, i64> = [
            ("volumes", 10),
            ("snapshots", 10),
            ("gigabytes", 1000),
            ("per_volume_gigabytes", -1),
            ("groups", 10),
            ("backups", 10),
            ("backup_gigabytes", 1000),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        assert_eq!(classes, expected, "{}", leg.name());

        let sentinel = db
            .fetch_one(sql("SELECT status, race_preventer, updated_at FROM workers WHERE resource_type = ? AND resource_id = ?").bind("SENTINEL").bind("SUB-SECOND"))
            .await
            .expect("sentinel");
        assert_eq!(sentinel.get::<String>("status").expect("status"), "OK");
        assert_eq!(
            sentinel.get::<i64>("race_preventer").expect("rp"),
            0,
            "server default"
        );
        let updated: PrimitiveDateTime = sentinel.get("updated_at").expect("updated");
        assert_eq!(
            updated.microsecond(),
            123,
            "{}: sub-second precision kept",
            leg.name()
        );

        let spec = db
            .fetch_one(sql(
                r#"SELECT s."key", s.value FROM group_type_specs s JOIN group_types g ON g.id = s.group_type_id WHERE g.name = ?"#,
            ).bind("default_cgsnapshot_type"))
            .await
            .expect("group type");
        assert_eq!(
            spec.get::<String>("key").expect("k"),
            "consistent_group_snapshot_enabled"
        );
        assert_eq!(spec.get::<String>("value").expect("v"), "<is> True");

        // Server defaults upstream relies on.
        db.execute(
            sql("INSERT INTO volumes (id, volume_type_id, deleted) VALUES (?, ?, false)")
                .bind("00000000-0000-0000-0000-000000000001")
                .bind(ty.get::<String>("id").expect("id")),
        )
        .await
        .expect("volume");
        let v = db
            .fetch_one(sql("SELECT use_quota, shared_targets FROM volumes"))
            .await
            .expect("volume");
        assert!(
            v.get::<bool>("use_quota").expect("use_quota"),
            "{}",
            leg.name()
        );
        assert_eq!(
            v.get::<Option<bool>>("shared_targets").expect("shared"),
            None
        );
    }
}

#[tokio::test]
async fn sync_twice_is_a_no_op_and_quotas_come_from_the_config() {
    for leg in legs() {
        let t = fresh(&leg).await;
        let seed = SeedQuotas {
            quota_volumes: -1,
            quota_gigabytes: -1,
            ..SeedQuotas::default()
        };
        db_sync_with(&t.db, seed).await.expect("first");
        let count = |db: Database| async move {
            db.fetch_one(sql("SELECT COUNT(*) AS n FROM quota_classes"))
                .await
                .expect("n")
                .get::<i64>("n")
                .expect("n")
        };
        let before = count(t.db.clone()).await;
        let again = db_sync(&t.db).await.expect("second");
        assert!(again.applied.is_empty(), "{}", leg.name());
        assert_eq!(
            again.to_string(),
            format!("Database is already at revision {HEAD}; nothing to do.")
        );
        assert_eq!(count(t.db.clone()).await, before);
        assert_eq!(
            db_version(&t.db).await.expect("version").as_deref(),
            Some(HEAD)
        );
        check_schema(&t.db).await.expect("current");
        let v: i64 =
            t.db.fetch_one(
                sql("SELECT hard_limit FROM quota_classes WHERE resource = ?").bind("volumes"),
            )
            .await
            .expect("volumes")
            .get("hard_limit")
            .expect("limit");
        assert_eq!(v, -1);
    }
}

#[tokio::test]
async fn a_newer_schema_is_refused() {
    for leg in legs() {
        let t = fresh(&leg).await;
        db_sync(&t.db).await.expect("sync");
        // What upstream master's next migration would leave behind.
        t.db.execute(sql("UPDATE alembic_version SET version_num = ?").bind("385d1313da9a"))
            .await
            .expect("newer");
        let e = db_sync(&t.db).await.expect_err("refused");
        assert!(matches!(e, DbError::Schema(_)), "{e:?}");
        assert!(
            e.to_string().starts_with(
                "The database schema is at revision 385d1313da9a, which this release does not know (the newest it knows is 9c74c1c6971f)"
            ),
            "{e}"
        );
        assert!(check_schema(&t.db).await.is_err());
        assert_eq!(
            db_version(&t.db).await.expect("version").as_deref(),
            Some("385d1313da9a")
        );
    }
}

#[tokio::test]
async fn a_database_synced_by_python_cinder_is_current() {
    let dir = tempfile::tempdir().expect("tmp");
    let url = format!("sqlite:///{}", dir.path().join("py.sqlite").display());
    let db = Database::connect_url(&url).await.expect("db");
    let mut tx = db.begin().await.expect("begin");
    tx.execute_script(UPSTREAM_SQLITE)
        .await
        .expect("upstream DDL");
    tx.execute(sql("INSERT INTO alembic_version VALUES ('9c74c1c6971f')"))
        .await
        .expect("version");
    tx.commit().await.expect("commit");
    assert_eq!(
        db_version(&db).await.expect("version").as_deref(),
        Some(HEAD)
    );
    check_schema(&db).await.expect("current");
    assert!(db_sync(&db).await.expect("sync").applied.is_empty());
}

#[tokio::test]
async fn tables_without_alembic_version_are_refused() {
    let db = Database::connect_url("sqlite://").await.expect("db");
    let mut tx = db.begin().await.expect("begin");
    tx.execute_script(UPSTREAM_SQLITE)
        .await
        .expect("upstream DDL");
    tx.execute(sql("DROP TABLE alembic_version"))
        .await
        .expect("drop");
    tx.commit().await.expect("commit");
    let e = db_sync(&db).await.expect_err("legacy");
    assert!(e.to_string().contains("no alembic_version table"), "{e}");
}

/// MySQL: the synced schema against upstream's `mariadb-dump`, loaded into a second database
/// on the same server, compared through information_schema.
#[tokio::test]
async fn synced_mysql_schema_matches_upstream() {
    let Some(leg) = legs().into_iter().find(|l| matches!(l, Leg::MySql(_))) else {
        return;
    };
    let ours = fresh(&leg).await;
    db_sync(&ours.db).await.expect("sync");
    let upstream = fresh(&leg).await;
    let mut tx = upstream.db.begin().await.expect("begin");
    tx.execute_script(&format!("SET FOREIGN_KEY_CHECKS = 0;\n{UPSTREAM_MYSQL}"))
        .await
        .expect("upstream DDL");
    tx.commit().await.expect("commit");
    let (ours, upstream) = (
        mysql_tables(&ours.db).await,
        mysql_tables(&upstream.db).await,
    );
    assert_eq!(upstream.len(), 36, "every upstream table was loaded");
    compare("MySQL", &ours, &upstream);
}

async fn mysql_tables(db: &Database) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let queries = [
        "SELECT table_name AS t, CONCAT_WS(' ', 'column', column_name, column_type, is_nullable, IFNULL(column_default, '-'), extra) AS d \
         FROM information_schema.columns WHERE table_schema = DATABASE() ORDER BY table_name, ordinal_position",
        "SELECT table_name AS t, CONCAT_WS(' ', 'index', index_name, non_unique, GROUP_CONCAT(column_name ORDER BY seq_in_index)) AS d \
         FROM information_schema.statistics WHERE table_schema = DATABASE() GROUP BY table_name, index_name, non_unique ORDER BY table_name, index_name",
        "SELECT table_name AS t, CONCAT_WS(' ', 'fk', constraint_name, column_name, referenced_table_name, referenced_column_name) AS d \
         FROM information_schema.key_column_usage WHERE table_schema = DATABASE() AND referenced_table_name IS NOT NULL ORDER BY table_name, constraint_name",
        "SELECT table_name AS t, CONCAT_WS(' ', 'check', REPLACE(check_clause, ' ', '')) AS d \
         FROM information_schema.check_constraints WHERE constraint_schema = DATABASE() ORDER BY table_name, check_clause",
        "SELECT table_name AS t, CONCAT_WS(' ', 'table', engine, IF(table_name = 'alembic_version', '-', table_collation)) AS d \
         FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY table_name",
    ];
    for q in queries {
        for r in db.fetch_all(sql(q)).await.expect("information_schema") {
            out.entry(r.get("t").expect("t"))
                .or_default()
                .push(r.get("d").expect("d"));
        }
    }
    out
}

/// PostgreSQL has no upstream dump here: its schema must say what the SQLite one says, in
/// PostgreSQL's types (same tables, columns in order, nullability, named indexes, keys).
#[tokio::test]
async fn synced_postgresql_schema_matches_the_sqlite_one() {
    let Some(leg) = legs().into_iter().find(|l| matches!(l, Leg::Postgres(_))) else {
        return;
    };
    let pg = fresh(&leg).await;
    assert_eq!(pg.db.backend(), Backend::Postgres);
    db_sync(&pg.db).await.expect("sync");
    let lite = fresh(&Leg::Sqlite).await;
    db_sync(&lite.db).await.expect("sync sqlite");

    let mut expected: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, t) in sqlite_tables(&lite.db).await {
        let table = name.clone();
        let cols = t.columns.iter().map(|(c, ty, notnull, _, pk)| {
            let pg_ty = match ty.as_str() {
                "INTEGER" => "integer".to_string(),
                "BOOLEAN" => "boolean".to_string(),
                "DATETIME" => "timestamp without time zone".to_string(),
                "TEXT" => "text".to_string(),
                v => v.replace("VARCHAR", "character varying").to_string(),
            };
            // SQLite leaves encryption.control_location/provider and a nullable-declared key
            // nullable; PostgreSQL, like MySQL, does not.
            let not_null = *notnull
                || *pk
                || (table == "encryption" && (c == "control_location" || c == "provider"));
            format!("column {c} {pg_ty} {}", if not_null { "NO" } else { "YES" })
        });
        let idx = t
            .indexes
            .iter()
            .filter(|i| !i.starts_with("UNIQUE("))
            .map(|i| format!("index {i}"));
        expected.insert(name, cols.chain(idx).collect());
    }

    let mut actual: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in pg
        .db
        .fetch_all(sql(
            "SELECT CAST(table_name AS TEXT) AS t, CAST(column_name AS TEXT) AS c, CAST(data_type AS TEXT) AS ty, \
             character_maximum_length AS len, CAST(is_nullable AS TEXT) AS n FROM information_schema.columns \
             WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position",
        ))
        .await
        .expect("columns")
    {
        let ty: String = r.get("ty").expect("ty");
        let ty = match r.get::<Option<i64>>("len").expect("len") {
            Some(n) => format!("{ty}({n})"),
            None => ty,
        };
        actual.entry(r.get("t").expect("t")).or_default().push(format!(
            "column {} {ty} {}",
            r.get::<String>("c").expect("c"),
            r.get::<String>("n").expect("n")
        ));
    }
    for r in pg
        .db
        .fetch_all(sql(
            "SELECT CAST(t.relname AS TEXT) AS t, CAST(i.relname AS TEXT) AS i, x.indisunique AS u, \
             CAST(array_to_string(ARRAY(SELECT a.attname FROM unnest(x.indkey) WITH ORDINALITY k(n, o) \
             JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.n ORDER BY k.o), ',') AS TEXT) AS cols \
             FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid \
             JOIN pg_namespace s ON s.oid = t.relnamespace \
             WHERE s.nspname = current_schema() AND NOT x.indisprimary \
             AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid AND c.contype IN ('p', 'u')) \
             ORDER BY 1, 2",
        ))
        .await
        .expect("indexes")
    {
        let unique = if r.get::<bool>("u").expect("u") { "unique " } else { "" };
        actual.entry(r.get("t").expect("t")).or_default().push(format!(
            "index {unique}{}({})",
            r.get::<String>("i").expect("i"),
            r.get::<String>("cols").expect("cols")
        ));
    }
    // Columns in table order, then indexes sorted.
    for v in expected.values_mut().chain(actual.values_mut()) {
        let (cols, mut idx): (Vec<String>, Vec<String>) =
            v.drain(..).partition(|s| s.starts_with("column "));
        idx.sort();
        *v = cols.into_iter().chain(idx).collect();
    }
    compare("PostgreSQL", &actual, &expected);
}
