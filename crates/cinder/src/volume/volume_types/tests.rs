//! Volume types against a real (SQLite) database synced with cinder's schema: lookups and
//! their visibility rules, the default type, and the refusals of create, delete and access.

use openstack_db::testing::{fresh, Leg, TestDb};
use openstack_db::{sql, Database};

use super::*;

const P1: &str = "p1";
const P2: &str = "p2";

async fn synced() -> TestDb {
    let t = fresh(&Leg::Sqlite).await;
    crate::db::db_sync(&t.db).await.expect("db sync");
    t
}

fn user(project: &str) -> RequestContext {
    let mut ctx = RequestContext::new("req-test");
    ctx.project_id = Some(project.to_string());
    ctx
}

fn admin() -> RequestContext {
    let mut ctx = user("admin-project");
    ctx.is_admin = true;
    ctx
}

fn new_type(name: &str, is_public: bool) -> NewVolumeType {
    NewVolumeType {
        id: uuid::Uuid::new_v4().to_string(),
        name: name.to_string(),
        description: Some(format!("{name} type")),
        is_public,
        extra_specs: BTreeMap::from([("volume_backend_name".to_string(), Some("lvm".into()))]),
        projects: Vec::new(),
    }
}

/// Runs `f` in one write transaction and commits only when it succeeds.
async fn tx<T, F>(db: &Database, f: F) -> Result<T, CinderError>
where
    F: for<'t> FnOnce(
        &'t mut Transaction<'static>,
    ) -> futures_util::future::BoxFuture<'t, Result<T, CinderError>>,
{
    let mut t = db.begin().await.expect("begin");
    let r = f(&mut t).await;
    if r.is_ok() {
        t.commit().await.expect("commit");
    } else {
        t.rollback().await.expect("rollback");
    }
    r
}

async fn create_type(db: &Database, new: NewVolumeType) -> VolumeType {
    tx(db, |t| Box::pin(create(t, new))).await.expect("create")
}

#[tokio::test]
async fn the_default_type_is_the_configured_one_unless_the_project_has_its_own() {
    let t = synced().await;
    let db = &t.db;
    let d = tx(db, |t| {
        Box::pin(get_default_volume_type(t, DEFAULT_VOLUME_TYPE, Some(P1)))
    })
    .await
    .expect("default");
    assert_eq!(d.name, "__DEFAULT__");
    assert_eq!(d.description.as_deref(), Some("Default Volume Type"));
    assert!(d.is_public);

    let gold = create_type(db, new_type("gold", false)).await;
    let gold_id = gold.id.clone();
    tx(db, |t| {
        Box::pin(async move { Ok(db::project_default_set(t, P1, &gold_id).await?) })
    })
    .await
    .expect("set");
    let d1 = tx(db, |t| {
        Box::pin(get_default_volume_type(t, DEFAULT_VOLUME_TYPE, Some(P1)))
    })
    .await
    .expect("p1 default");
    assert_eq!(d1.name, "gold");
    assert_eq!(d1.extra_spec("volume_backend_name"), Some("lvm"));
    let d2 = tx(db, |t| {
        Box::pin(get_default_volume_type(t, DEFAULT_VOLUME_TYPE, Some(P2)))
    })
    .await
    .expect("p2 default");
    assert_eq!(d2.name, "__DEFAULT__");

    let e = tx(db, |t| Box::pin(get_default_volume_type(t, "nope", None)))
        .await
        .expect_err("misconfigured");
    assert_eq!(
        e.to_string(),
        "The request cannot be fulfilled as the default volume type nope cannot be found."
    );
    assert_eq!(e.status(), http::StatusCode::INTERNAL_SERVER_ERROR);
}

#[tokio::test]
async fn private_types_are_seen_by_admins_and_projects_with_access() {
    let t = synced().await;
    let db = &t.db;
    let private = create_type(db, new_type("secret", false)).await;
    let id = private.id.clone();

    let lookup = |ctx: RequestContext, what: String| {
        tx(db, move |t| {
            Box::pin(async move { get_by_name_or_id(t, &ctx, &what).await })
        })
    };
    let e = lookup(user(P1), "secret".into()).await.expect_err("hidden");
    assert_eq!(
        e.to_string(),
        "Volume type with name secret could not be found."
    );
    let e = lookup(user(P1), id.clone()).await.expect_err("hidden");
    assert_eq!(
        e.to_string(),
        format!("Volume type {id} could not be found.")
    );
    assert_eq!(
        lookup(admin(), "secret".into()).await.expect("admin").id,
        id
    );

    let access_id = id.clone();
    tx(db, |t| {
        Box::pin(async move { add_volume_type_access(t, &access_id, P1).await })
    })
    .await
    .expect("add access");
    assert_eq!(
        lookup(user(P1), id.clone()).await.expect("shared").name,
        "secret"
    );
    assert!(
        lookup(user(P2), id.clone()).await.is_err(),
        "not shared with p2"
    );

    let again = id.clone();
    let e = tx(db, |t| {
        Box::pin(async move { add_volume_type_access(t, &again, P1).await })
    })
    .await
    .expect_err("duplicate");
    assert_eq!(e.status(), http::StatusCode::CONFLICT);

    let rm = id.clone();
    tx(db, |t| {
        Box::pin(async move { remove_volume_type_access(t, &rm, P1).await })
    })
    .await
    .expect("remove");
    assert!(
        lookup(user(P1), id.clone()).await.is_err(),
        "access removed"
    );
    // A removed row keeps `deleted = id`, so the project can be given access again.
    let readd = id.clone();
    tx(db, |t| {
        Box::pin(async move { add_volume_type_access(t, &readd, P1).await })
    })
    .await
    .expect("re-add");
    let rows = db
        .fetch_all(sql(
            "SELECT id, deleted FROM volume_type_projects ORDER BY id",
        ))
        .await
        .expect("rows");
    let deleted: Vec<(i64, i64)> = rows
        .iter()
        .map(|r| (r.get("id").expect("id"), r.get("deleted").expect("deleted")))
        .collect();
    assert_eq!(deleted.len(), 2);
    assert_eq!(deleted[0].0, deleted[0].1, "removed row: deleted = id");
    assert_eq!(deleted[1].1, 0);

    let e = tx(db, |t| {
        Box::pin(async move { remove_volume_type_access(t, "x", P1).await })
    })
    .await
    .expect_err("unknown type");
    assert_eq!(e.to_string(), "Volume type x could not be found.");
}

#[tokio::test]
async fn a_name_like_a_uuid_is_found_by_name() {
    let t = synced().await;
    let db = &t.db;
    let name = uuid::Uuid::new_v4().to_string();
    let vt = create_type(db, new_type(&name, true)).await;
    let found = tx(db, |t| {
        Box::pin(async move { get_by_name_or_id(t, &user(P1), &name).await })
    })
    .await
    .expect("by uuid-like name");
    assert_eq!(found.id, vt.id);
    assert!(is_uuid_like("{6C0B2A0E-5E1D-4D7F-9D3B-2F1E0A9C8B7D}"));
    assert!(is_uuid_like("6c0b2a0e5e1d4d7f9d3b2f1e0a9c8b7d"));
    assert!(!is_uuid_like("gold"));
}

#[tokio::test]
async fn names_are_unique_among_live_types() {
    let t = synced().await;
    let db = &t.db;
    let gold = create_type(db, new_type("gold", true)).await;
    let e = tx(db, |t| Box::pin(create(t, new_type("gold", true))))
        .await
        .expect_err("taken");
    assert_eq!(e.to_string(), "Volume Type gold already exists.");
    let silver = create_type(db, new_type("silver", true)).await;
    let id = silver.id.clone();
    let e = tx(db, |t| {
        Box::pin(async move { update(t, &id, Some("gold"), None, None).await })
    })
    .await
    .expect_err("rename onto a taken name");
    assert_eq!(e.to_string(), "Volume Type gold already exists.");

    let gid = gold.id.clone();
    tx(db, |t| {
        Box::pin(async move { destroy(t, &gid, DEFAULT_VOLUME_TYPE).await })
    })
    .await
    .expect("destroy gold");
    create_type(db, new_type("gold", true)).await;
    let names = tx(db, |t| {
        let ids = vec![gold.id.clone(), silver.id.clone()];
        Box::pin(async move { names_by_id(t, &ids).await })
    })
    .await
    .expect("names");
    assert_eq!(
        names.get(&gold.id).map(String::as_str),
        Some("gold"),
        "deleted types too"
    );
    let gone = tx(db, |t| {
        Box::pin(async move { get_by_id(t, &gold.id, true).await })
    })
    .await
    .expect("include deleted")
    .expect("row");
    assert!(gone.deleted);
}

#[tokio::test]
async fn deleting_defaults_and_types_in_use_is_refused() {
    let t = synced().await;
    let db = &t.db;
    let default = tx(db, |t| {
        Box::pin(get_default_volume_type(t, DEFAULT_VOLUME_TYPE, None))
    })
    .await
    .expect("default");
    let did = default.id.clone();
    let e = tx(db, |t| {
        Box::pin(async move { destroy(t, &did, DEFAULT_VOLUME_TYPE).await })
    })
    .await
    .expect_err("configured default");
    assert!(matches!(e, CinderError::VolumeTypeDefaultDeletionError(_)));

    let gold = create_type(db, new_type("gold", true)).await;
    let gid = gold.id.clone();
    tx(db, |t| {
        Box::pin(async move { Ok(db::project_default_set(t, P1, &gid).await?) })
    })
    .await
    .expect("set");
    let gid = gold.id.clone();
    let e = tx(db, |t| {
        Box::pin(async move { destroy(t, &gid, DEFAULT_VOLUME_TYPE).await })
    })
    .await
    .expect_err("project default");
    assert_eq!(
        e.to_string(),
        format!(
            "The volume type {} is a default volume type and cannot be deleted.",
            gold.id
        )
    );
    tx(db, |t| {
        Box::pin(async move { Ok(db::project_default_unset(t, P1).await?) })
    })
    .await
    .expect("unset");

    db.execute(
        sql(
            "INSERT INTO volumes (id, deleted, volume_type_id, size, status, use_quota) \
             VALUES ('v1', false, ?, 1, 'available', true)",
        )
        .bind(gold.id.as_str()),
    )
    .await
    .expect("volume");
    let gid = gold.id.clone();
    let e = tx(db, |t| {
        Box::pin(async move { destroy(t, &gid, DEFAULT_VOLUME_TYPE).await })
    })
    .await
    .expect_err("in use");
    assert!(matches!(e, CinderError::VolumeTypeInUse(_)));
    db.execute(sql("UPDATE volumes SET deleted = true WHERE id = 'v1'"))
        .await
        .expect("delete volume");
    let gid = gold.id.clone();
    tx(db, |t| {
        Box::pin(async move { destroy(t, &gid, DEFAULT_VOLUME_TYPE).await })
    })
    .await
    .expect("destroy once unused");
    let specs = db
        .fetch_all(
            sql("SELECT deleted FROM volume_type_extra_specs WHERE volume_type_id = ?")
                .bind(gold.id.as_str()),
        )
        .await
        .expect("specs");
    assert!(specs
        .iter()
        .all(|r| r.get::<bool>("deleted").expect("deleted")));
}

#[tokio::test]
async fn renaming_a_type_renames_its_quota_resources() {
    let t = synced().await;
    let db = &t.db;
    let gold = create_type(db, new_type("gold", true)).await;
    db.execute(sql(
        "INSERT INTO quota_classes (created_at, deleted, class_name, resource, hard_limit) \
         VALUES ('2026-01-01 00:00:00.000000', false, 'default', 'volumes_gold', 5)",
    ))
    .await
    .expect("quota class");
    let id = gold.id.clone();
    tx(db, |t| {
        Box::pin(async move { update(t, &id, Some("platinum"), None, None).await })
    })
    .await
    .expect("rename");
    let rows = db
        .fetch_all(sql(
            "SELECT resource FROM quota_classes WHERE resource LIKE '%platinum'",
        ))
        .await
        .expect("classes");
    assert_eq!(rows.len(), 1);
}
