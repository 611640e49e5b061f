//! The quota engine against a synced SQLite database: limit resolution, consume/release and
//! the errors over quota.

use openstack_db::testing::{fresh, legs, Leg, TestDb};
use openstack_db::{sql, Database};

use super::*;

fn opts() -> QuotaOpts {
    let mut conf = ConfigOpts::new("cinder", "test", "0");
    register_opts(&mut conf).expect("register");
    conf.load().expect("defaults")
}

fn engine() -> Quotas {
    Quotas::with_opts(opts(), false).expect("engine")
}

/// A fresh database at head on `leg` (SQLite, plus PostgreSQL / MySQL when
/// `DATABASE_URL_POSTGRESQL` / `DATABASE_URL_MYSQL` name a server).
async fn synced(leg: &Leg) -> TestDb {
    let t = fresh(leg).await;
    crate::db::db_sync(&t.db).await.expect("db sync");
    t
}

async fn add_type(db: &Database, id: &str, name: &str) {
    db.execute(
        sql("INSERT INTO volume_types (created_at, deleted, id, name, is_public) VALUES (?, ?, ?, ?, ?)")
            .bind(utcnow())
            .bind(false)
            .bind(id)
            .bind(name)
            .bind(true),
    )
    .await
    .expect("type");
}

async fn add_volume(db: &Database, project: &str, size: i64, type_id: &str) {
    db.execute(
        sql(
            "INSERT INTO volumes (created_at, deleted, id, project_id, size, volume_type_id, \
             status, use_quota) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(utcnow())
        .bind(false)
        .bind(uuid::Uuid::new_v4().to_string())
        .bind(project)
        .bind(size)
        .bind(type_id)
        .bind("available")
        .bind(true),
    )
    .await
    .expect("volume");
}

async fn usage(db: &Database, project: &str, resource: &str) -> Option<(i64, i64)> {
    db.fetch_optional(
        sql(
            "SELECT in_use, reserved FROM quota_usages WHERE project_id = ? AND resource = ? \
             AND deleted = false",
        )
        .bind(project)
        .bind(resource),
    )
    .await
    .expect("usage")
    .map(|r| {
        (
            r.get::<i64>("in_use").expect("in_use"),
            r.get::<i64>("reserved").expect("reserved"),
        )
    })
}

fn deltas(d: &[(&str, i64)]) -> Vec<(String, i64)> {
    d.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

async fn consume(
    q: &Quotas,
    db: &Database,
    project: &str,
    d: &[(String, i64)],
) -> Result<(), CinderError> {
    let mut tx = db.begin().await.expect("begin");
    let r = q.consume(&mut tx, project, d).await;
    if r.is_ok() {
        tx.commit().await.expect("commit");
    } else {
        tx.rollback().await.expect("rollback");
    }
    r
}

fn limit_of(list: &[(String, QuotaValue)], name: &str) -> i64 {
    list.iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("{name} listed"))
        .1
        .limit
}

#[test]
fn options_have_upstreams_defaults() {
    let o = opts();
    assert_eq!(
        (
            o.quota_volumes,
            o.quota_snapshots,
            o.quota_gigabytes,
            o.quota_groups,
            o.quota_backups,
            o.quota_backup_gigabytes,
        ),
        (10, 10, 1000, 10, 10, 1000)
    );
    assert_eq!(o.reservation_expire, 86400);
    assert_eq!(o.reservation_clean_interval, 86400, "$reservation_expire");
    assert_eq!(
        (o.until_refresh, o.max_age, o.per_volume_size_limit),
        (0, 0, -1)
    );
    assert!(o.use_default_quota_class);
    let mut bad = opts();
    bad.quota_driver = "cinder.quota.NestedDbQuotaDriver".into();
    let e = Quotas::with_opts(bad, false).expect_err("unknown driver");
    assert!(e.contains("cinder.quota.DbQuotaDriver"), "{e}");
}

#[test]
fn deltas_copy_to_the_type_resources() {
    let q = engine();
    assert_eq!(
        q.volume_deltas(5, Some("gold")),
        deltas(&[
            ("volumes", 1),
            ("gigabytes", 5),
            ("volumes_gold", 1),
            ("gigabytes_gold", 5)
        ])
    );
    assert_eq!(
        q.volume_deltas(2, None),
        deltas(&[("volumes", 1), ("gigabytes", 2)])
    );
    assert_eq!(
        q.snapshot_deltas(3, Some("__DEFAULT__")),
        deltas(&[
            ("snapshots", 1),
            ("gigabytes", 3),
            ("gigabytes___DEFAULT__", 3),
            ("snapshots___DEFAULT__", 1)
        ])
    );
    let no_gb = Quotas::with_opts(opts(), true).expect("engine");
    assert_eq!(
        no_gb.snapshot_deltas(3, Some("t")),
        deltas(&[("snapshots", 1), ("snapshots_t", 1)])
    );
}

#[tokio::test]
async fn limits_resolve_project_then_default_class_then_option() {
    for leg in legs() {
        let t = synced(&leg).await;
        let q = engine();
        add_type(&t.db, "t-gold", "gold").await;
        let mut tx = t.db.begin().await.expect("begin");
        // The seeded default class gives the global limits; per-type resources default to -1.
        let list = q
            .get_project_quotas(&mut tx, "p1", true)
            .await
            .expect("quotas");
        let names: Vec<&str> = list.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "volumes",
                "per_volume_gigabytes",
                "snapshots",
                "gigabytes",
                "backups",
                "backup_gigabytes",
                "volumes_gold",
                "gigabytes_gold",
                "snapshots_gold",
                "volumes___DEFAULT__",
                "gigabytes___DEFAULT__",
                "snapshots___DEFAULT__",
                "groups"
            ]
        );
        assert_eq!(limit_of(&list, "volumes"), 10);
        assert_eq!(limit_of(&list, "volumes_gold"), -1);
        // The default class beats the option, the project row beats both.
        db::quota_class_set(&mut tx, "default", "volumes", 20)
            .await
            .expect("class");
        db::quota_set(&mut tx, "p1", "gigabytes", 5)
            .await
            .expect("project");
        let list = q
            .get_project_quotas(&mut tx, "p1", true)
            .await
            .expect("quotas");
        assert_eq!(limit_of(&list, "volumes"), 20);
        assert_eq!(limit_of(&list, "gigabytes"), 5);
        let other = q
            .get_project_quotas(&mut tx, "p2", true)
            .await
            .expect("quotas");
        assert_eq!(limit_of(&other, "gigabytes"), 1000);
        // Only the project's own limits with defaults = false.
        let own = q
            .get_project_quotas(&mut tx, "p1", false)
            .await
            .expect("own");
        assert_eq!(own.len(), 1);
        // Without the default class, the options decide.
        let mut o = opts();
        o.use_default_quota_class = false;
        o.quota_volumes = 7;
        let q2 = Quotas::with_opts(o, false).expect("engine");
        let list = q2
            .get_project_quotas(&mut tx, "p2", true)
            .await
            .expect("quotas");
        assert_eq!(limit_of(&list, "volumes"), 7);
        let defaults = q2.get_defaults(&mut tx).await.expect("defaults");
        assert_eq!(defaults[0], ("volumes".to_string(), 7));
        // A class shows its own rows, then the default class (whatever the option says).
        db::quota_class_set(&mut tx, "gold", "snapshots", 3)
            .await
            .expect("class");
        let class = q2.get_class_quotas(&mut tx, "gold").await.expect("class");
        assert!(class.contains(&("snapshots".to_string(), 3)));
        assert!(class.contains(&("volumes".to_string(), 20)));
        // A NULL limit falls through to the defaults.
        tx.execute(sql(
            "UPDATE quotas SET hard_limit = NULL WHERE project_id = 'p1'",
        ))
        .await
        .expect("null");
        let list = q
            .get_project_quotas(&mut tx, "p1", true)
            .await
            .expect("quotas");
        assert_eq!(limit_of(&list, "gigabytes"), 1000);
        tx.rollback().await.expect("rollback");
    }
}

#[tokio::test]
async fn consume_counts_and_writes_committed_reservations() {
    for leg in legs() {
        let t = synced(&leg).await;
        let q = engine();
        add_type(&t.db, "t-lvm", "lvm").await;
        // Two volumes already exist: the usage rows start from the live data.
        add_volume(&t.db, "p1", 2, "t-lvm").await;
        add_volume(&t.db, "p1", 3, "t-lvm").await;
        consume(
            &q,
            &t.db,
            "p1",
            &deltas(&[
                ("volumes", 1),
                ("gigabytes", 4),
                ("volumes_lvm", 1),
                ("gigabytes_lvm", 4),
            ]),
        )
        .await
        .expect("within quota");
        assert_eq!(usage(&t.db, "p1", "volumes").await, Some((3, 0)));
        assert_eq!(usage(&t.db, "p1", "gigabytes").await, Some((9, 0)));
        assert_eq!(usage(&t.db, "p1", "gigabytes_lvm").await, Some((9, 0)));
        let rows = t
        .db
        .fetch_all(sql("SELECT deleted, deleted_at, updated_at, delta, resource, usage_id, uuid FROM reservations ORDER BY id"))
        .await
        .expect("reservations");
        assert_eq!(rows.len(), 4);
        for r in &rows {
            assert!(r.get::<bool>("deleted").expect("deleted"));
            assert!(r
                .get::<Option<PrimitiveDateTimeAlias>>("deleted_at")
                .expect("at")
                .is_some());
            assert!(r
                .get::<Option<PrimitiveDateTimeAlias>>("updated_at")
                .expect("upd")
                .is_none());
            assert_eq!(r.get::<String>("uuid").expect("uuid").len(), 36);
        }
        // Nothing is reserved on the side: a second consume sees the committed in_use.
        consume(
            &q,
            &t.db,
            "p1",
            &deltas(&[("volumes", 1), ("gigabytes", 1)]),
        )
        .await
        .expect("within quota");
        assert_eq!(usage(&t.db, "p1", "volumes").await, Some((4, 0)));
    }
}

type PrimitiveDateTimeAlias = openstack_db::PrimitiveDateTime;

#[tokio::test]
async fn over_quota_is_upstreams_413_and_leaves_the_usage_alone() {
    for leg in legs() {
        let t = synced(&leg).await;
        let q = engine();
        let mut tx = t.db.begin().await.expect("begin");
        db::quota_set(&mut tx, "p1", "volumes", 1)
            .await
            .expect("limit");
        db::quota_set(&mut tx, "p1", "snapshots", 0)
            .await
            .expect("limit");
        tx.commit().await.expect("commit");

        let e = consume(
            &q,
            &t.db,
            "p1",
            &deltas(&[("volumes", 1), ("gigabytes", 5000)]),
        )
        .await
        .expect_err("over");
        assert_eq!(
            e.to_string(),
            "Requested volume or snapshot exceeds allowed gigabytes quota. Requested 5000G, quota \
         is 1000G and 0G has been consumed."
        );
        assert_eq!(e.status().as_u16(), 413);
        assert_eq!(e.retry_after(), Some("0"));

        consume(
            &q,
            &t.db,
            "p1",
            &deltas(&[("volumes", 1), ("gigabytes", 1)]),
        )
        .await
        .expect("first");
        let e = consume(
            &q,
            &t.db,
            "p1",
            &deltas(&[("volumes", 1), ("gigabytes", 1)]),
        )
        .await
        .expect_err("over");
        assert_eq!(
            e.to_string(),
            "Maximum number of volumes allowed (1) exceeded for quota 'volumes'."
        );
        assert_eq!(usage(&t.db, "p1", "volumes").await, Some((1, 0)));
        assert_eq!(usage(&t.db, "p1", "gigabytes").await, Some((1, 0)));

        let e = consume(&q, &t.db, "p1", &q.snapshot_deltas(1, None))
            .await
            .expect_err("over");
        assert_eq!(
            e.to_string(),
            "Maximum number of snapshots allowed (0) exceeded"
        );

        // An extend (gigabytes only) reports the global gigabytes numbers.
        let mut tx = t.db.begin().await.expect("begin");
        db::quota_set(&mut tx, "p1", "gigabytes", 2)
            .await
            .expect("limit");
        tx.commit().await.expect("commit");
        let e = consume(&q, &t.db, "p1", &deltas(&[("gigabytes", 5)]))
            .await
            .expect_err("over");
        assert_eq!(
            e.to_string(),
            "Requested volume or snapshot exceeds allowed gigabytes quota. Requested 5G, quota is \
         2G and 1G has been consumed."
        );

        // -1 is unlimited.
        let mut tx = t.db.begin().await.expect("begin");
        db::quota_set(&mut tx, "p1", "volumes", -1)
            .await
            .expect("limit");
        db::quota_set(&mut tx, "p1", "gigabytes", -1)
            .await
            .expect("limit");
        tx.commit().await.expect("commit");
        consume(
            &q,
            &t.db,
            "p1",
            &deltas(&[("volumes", 1), ("gigabytes", 100_000)]),
        )
        .await
        .expect("unlimited");
    }
}

#[tokio::test]
async fn unknown_resources_and_overflows_are_refused() {
    for leg in legs() {
        let t = synced(&leg).await;
        let q = engine();
        let e = consume(
            &q,
            &t.db,
            "p1",
            &deltas(&[("volumes_nope", 1), ("per_volume_gigabytes", 1)]),
        )
        .await
        .expect_err("unknown");
        assert_eq!(
            e.to_string(),
            "Unknown quota resources ['per_volume_gigabytes', 'volumes_nope']."
        );
        assert_eq!(e.status().as_u16(), 404);
        let mut tx = t.db.begin().await.expect("begin");
        db::quota_set(&mut tx, "p1", "gigabytes", -1)
            .await
            .expect("limit");
        tx.commit().await.expect("commit");
        let e = consume(&q, &t.db, "p1", &deltas(&[("gigabytes", MAX_INT)])).await;
        assert!(e.is_ok());
        let e = consume(&q, &t.db, "p1", &deltas(&[("gigabytes", 1)]))
            .await
            .expect_err("overflow");
        assert_eq!(
            e.to_string(),
            "Quota usage would overflow for resources: ['gigabytes']. The requested operation \
         would exceed the maximum allowed value (2147483647) for quota tracking."
        );
    }
}

#[tokio::test]
async fn release_never_goes_below_zero() {
    for leg in legs() {
        let t = synced(&leg).await;
        let q = engine();
        consume(
            &q,
            &t.db,
            "p1",
            &deltas(&[("volumes", 1), ("gigabytes", 3)]),
        )
        .await
        .expect("consume");
        let mut tx = t.db.begin().await.expect("begin");
        q.release(&mut tx, "p1", &deltas(&[("volumes", 1), ("gigabytes", 10)]))
            .await
            .expect("release");
        tx.commit().await.expect("commit");
        assert_eq!(usage(&t.db, "p1", "volumes").await, Some((0, 0)));
        assert_eq!(usage(&t.db, "p1", "gigabytes").await, Some((0, 0)));
        let mut tx = t.db.begin().await.expect("begin");
        q.release(&mut tx, "p1", &deltas(&[("volumes", 1)]))
            .await
            .expect("again");
        tx.commit().await.expect("commit");
        assert_eq!(usage(&t.db, "p1", "volumes").await, Some((0, 0)));
    }
}

#[tokio::test]
async fn release_skips_the_resources_of_a_deleted_type() {
    for leg in legs() {
        let t = synced(&leg).await;
        let q = engine();
        consume(&q, &t.db, "p1", &deltas(&[("volumes", 2)]))
            .await
            .expect("consume");
        let mut tx = t.db.begin().await.expect("begin");
        q.release(&mut tx, "p1", &q.volume_deltas(1, Some("gone")))
            .await
            .expect("released what is known");
        tx.commit().await.expect("commit");
        assert_eq!(usage(&t.db, "p1", "volumes").await, Some((1, 0)));
        assert_eq!(usage(&t.db, "p1", "volumes_gone").await, None);
    }
}

#[tokio::test]
async fn a_rolled_back_transaction_takes_its_quota_with_it() {
    for leg in legs() {
        let t = synced(&leg).await;
        let q = engine();
        let mut tx = t.db.begin().await.expect("begin");
        q.consume(&mut tx, "p1", &deltas(&[("volumes", 1), ("gigabytes", 1)]))
            .await
            .expect("consume");
        tx.rollback().await.expect("rollback");
        assert_eq!(usage(&t.db, "p1", "volumes").await, None);
    }
}

#[tokio::test]
async fn usage_is_refreshed_when_negative_or_until_refresh_runs_out() {
    for leg in legs() {
        let t = synced(&leg).await;
        add_type(&t.db, "t-lvm", "lvm").await;
        add_volume(&t.db, "p1", 2, "t-lvm").await;
        let q = engine();
        consume(&q, &t.db, "p1", &deltas(&[("volumes", 0)]))
            .await
            .expect("create row");
        assert_eq!(usage(&t.db, "p1", "volumes").await, Some((1, 0)));
        // A desync: the negative count is recomputed from the live rows.
        t.db.execute(sql(
            "UPDATE quota_usages SET in_use = -5 WHERE resource = 'volumes'",
        ))
        .await
        .expect("desync");
        consume(&q, &t.db, "p1", &deltas(&[("volumes", 1)]))
            .await
            .expect("heal");
        assert_eq!(usage(&t.db, "p1", "volumes").await, Some((2, 0)));
        // until_refresh = 2: every second reservation recounts.
        let mut o = opts();
        o.until_refresh = 2;
        let q2 = Quotas::with_opts(o, false).expect("engine");
        t.db.execute(sql(
            "UPDATE quota_usages SET in_use = 7 WHERE resource = 'volumes'",
        ))
        .await
        .expect("drift");
        consume(&q2, &t.db, "p1", &deltas(&[("volumes", 0)]))
            .await
            .expect("arms the countdown");
        assert_eq!(usage(&t.db, "p1", "volumes").await, Some((7, 0)));
        consume(&q2, &t.db, "p1", &deltas(&[("volumes", 0)]))
            .await
            .expect("counts down");
        consume(&q2, &t.db, "p1", &deltas(&[("volumes", 0)]))
            .await
            .expect("refreshes");
        assert_eq!(usage(&t.db, "p1", "volumes").await, Some((1, 0)));
    }
}

#[tokio::test]
async fn per_volume_gigabytes_limits_one_volume() {
    for leg in legs() {
        let t = synced(&leg).await;
        let q = engine();
        let mut tx = t.db.begin().await.expect("begin");
        q.check_per_volume_size(&mut tx, "p1", 100_000)
            .await
            .expect("unlimited");
        db::quota_set(&mut tx, "p1", "per_volume_gigabytes", 10)
            .await
            .expect("limit");
        q.check_per_volume_size(&mut tx, "p1", 10)
            .await
            .expect("at the limit");
        let e = q
            .check_per_volume_size(&mut tx, "p1", 11)
            .await
            .expect_err("over");
        assert_eq!(
            e.to_string(),
            "Requested volume size 11G is larger than maximum allowed limit 10G."
        );
        assert_eq!(e.status().as_u16(), 413);
        tx.rollback().await.expect("rollback");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_creates_never_go_over_the_limit() {
    for leg in legs() {
        let t = synced(&leg).await;
        let mut tx = t.db.begin().await.expect("begin");
        db::quota_set(&mut tx, "p1", "volumes", 5)
            .await
            .expect("limit");
        tx.commit().await.expect("commit");
        let q = std::sync::Arc::new(engine());
        let mut tasks = Vec::new();
        for _ in 0..12 {
            let (q, db) = (q.clone(), t.db.clone());
            tasks.push(tokio::spawn(async move {
                let d = q.volume_deltas(1, None);
                let (q, d) = (&q, &d);
                db.write(|tx| {
                    Box::pin(async move {
                        q.consume(tx, "p1", d).await.map_err(|e| match e {
                            CinderError::Db(e) => e,
                            other => openstack_db::DbError::Other(other.to_string()),
                        })
                    })
                })
                .await
            }));
        }
        let mut created = 0;
        for task in tasks {
            match task.await.expect("task") {
                Ok(()) => created += 1,
                Err(e) => assert!(e.to_string().contains("Maximum number of volumes"), "{e}"),
            }
        }
        assert_eq!(created, 5, "{}", leg.name());
        assert_eq!(usage(&t.db, "p1", "volumes").await, Some((5, 0)));
        assert_eq!(usage(&t.db, "p1", "gigabytes").await, Some((5, 0)));
    }
}
