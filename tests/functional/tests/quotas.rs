//! Quota sets, quota class sets and limits over HTTP: every route, the `usage=true` shape,
//! updates and their validation, reset to defaults, the policies of members and readers.

use functional::{Caller, Cloud, OTHER_PROJECT, PROJECT};
use http::Method;
use openstack_db::sql;
use serde_json::{json, Value};

/// The keys of a JSON object, in the order the server wrote them.
fn keys(v: &Value) -> Vec<String> {
    v.as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

async fn set_usage(cloud: &Cloud, project: &str, resource: &str, in_use: i64, reserved: i64) {
    cloud
        .db
        .db
        .execute(
            sql(
                "INSERT INTO quota_usages (created_at, deleted, project_id, resource, in_use, \
                 reserved, race_preventer) VALUES (?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(openstack_db::utcnow())
            .bind(false)
            .bind(project)
            .bind(resource)
            .bind(in_use)
            .bind(reserved)
            .bind(true),
        )
        .await
        .expect("usage row");
}

async fn add_volume_type(cloud: &Cloud, name: &str) {
    cloud
        .db
        .db
        .execute(
            sql(
                "INSERT INTO volume_types (created_at, deleted, id, name, is_public) \
                 VALUES (?, ?, ?, ?, ?)",
            )
            // Newer than __DEFAULT__ even where timestamps keep only seconds (MySQL).
            .bind(openstack_db::utcnow() + std::time::Duration::from_secs(60))
            .bind(false)
            .bind(format!("00000000-0000-4000-8000-{:0>12}", name.len()))
            .bind(name)
            .bind(true),
        )
        .await
        .expect("volume type");
}

const RESOURCES: [&str; 11] = [
    "volumes",
    "per_volume_gigabytes",
    "snapshots",
    "gigabytes",
    "backups",
    "backup_gigabytes",
    "volumes___DEFAULT__",
    "gigabytes___DEFAULT__",
    "snapshots___DEFAULT__",
    "groups",
    "id",
];

#[tokio::test]
async fn show_gives_the_defaults_with_the_project_id() {
    let cloud = Cloud::builder().start().await;
    let r = cloud.get(&format!("/os-quota-sets/{PROJECT}")).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let set = &r.json()["quota_set"];
    assert_eq!(keys(set), RESOURCES);
    assert_eq!(
        *set,
        json!({"volumes": 10, "per_volume_gigabytes": -1, "snapshots": 10, "gigabytes": 1000,
               "backups": 10, "backup_gigabytes": 1000, "volumes___DEFAULT__": -1,
               "gigabytes___DEFAULT__": -1, "snapshots___DEFAULT__": -1, "groups": 10,
               "id": PROJECT})
    );
    // Any project id, also one with no rows at all, and the project-less URL.
    let r = cloud.get("/v3/os-quota-sets/someone-else").await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["quota_set"]["id"], "someone-else");
    assert_eq!(r.json()["quota_set"]["volumes"], 10);
}

#[tokio::test]
async fn usage_true_shows_limit_in_use_and_reserved() {
    let cloud = Cloud::builder().start().await;
    set_usage(&cloud, PROJECT, "volumes", 2, 1).await;
    set_usage(&cloud, PROJECT, "gigabytes", 7, 0).await;
    let r = cloud
        .get(&format!("/os-quota-sets/{PROJECT}?usage=true"))
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let set = &r.json()["quota_set"];
    assert_eq!(keys(set), RESOURCES);
    assert_eq!(
        set["volumes"],
        json!({"limit": 10, "in_use": 2, "reserved": 1})
    );
    assert_eq!(keys(&set["volumes"]), ["limit", "in_use", "reserved"]);
    assert_eq!(
        set["gigabytes"],
        json!({"limit": 1000, "in_use": 7, "reserved": 0})
    );
    assert_eq!(
        set["snapshots"],
        json!({"limit": 10, "in_use": 0, "reserved": 0})
    );
    assert_eq!(set["id"], PROJECT);
    // usage=false is the plain shape; anything else than a boolean is refused.
    let r = cloud
        .get(&format!("/os-quota-sets/{PROJECT}?usage=False"))
        .await;
    assert_eq!(r.json()["quota_set"]["volumes"], 10);
    let r = cloud
        .get(&format!("/os-quota-sets/{PROJECT}?usage=maybe"))
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.fault_message(),
        "Value 'maybe' for 'usage' is not a boolean."
    );
}

#[tokio::test]
async fn defaults_follow_the_default_quota_class() {
    let cloud = Cloud::builder().start().await;
    let r = cloud
        .get(&format!("/os-quota-sets/{PROJECT}/defaults"))
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(keys(&r.json()["quota_set"]), RESOURCES);
    assert_eq!(r.json()["quota_set"]["gigabytes"], 1000);
    assert_eq!(r.json()["quota_set"]["id"], PROJECT);

    let r = cloud
        .put(
            "/os-quota-class-sets/default",
            json!({"quota_class_set": {"volumes": 15, "gigabytes_lvm": 3}}),
        )
        .await;
    // gigabytes_lvm names no volume type.
    assert_eq!(r.status, 400);
    assert_eq!(
        r.fault_message(),
        "Invalid input received: Bad key(s) in quota class set: gigabytes_lvm"
    );
    let r = cloud
        .put(
            "/os-quota-class-sets/default",
            json!({"quota_class_set": {"volumes": 15}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let r = cloud
        .get(&format!("/os-quota-sets/{PROJECT}/defaults"))
        .await;
    assert_eq!(r.json()["quota_set"]["volumes"], 15);
    let r = cloud.get(&format!("/os-quota-sets/{PROJECT}")).await;
    assert_eq!(r.json()["quota_set"]["volumes"], 15);
}

#[tokio::test]
async fn update_sets_the_limits_and_answers_without_id() {
    let cloud = Cloud::builder().start().await;
    let r = cloud
        .put(
            &format!("/os-quota-sets/{PROJECT}"),
            json!({"quota_set": {"volumes": 20, "gigabytes": " 30 ", "id": "ignored",
                                 "tenant_id": "ignored", "per_volume_gigabytes": 5}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let set = &r.json()["quota_set"];
    assert!(set.get("id").is_none(), "{set}");
    assert_eq!(keys(set), RESOURCES[..10]);
    assert_eq!(set["volumes"], 20);
    assert_eq!(set["gigabytes"], 30);
    assert_eq!(set["per_volume_gigabytes"], 5);
    let r = cloud.get(&format!("/os-quota-sets/{PROJECT}")).await;
    assert_eq!(r.json()["quota_set"]["volumes"], 20);
    // Another project keeps the defaults.
    let r = cloud.get(&format!("/os-quota-sets/{OTHER_PROJECT}")).await;
    assert_eq!(r.json()["quota_set"]["volumes"], 10);
    // Updating again changes the row, it does not add one.
    let r = cloud
        .put(
            &format!("/os-quota-sets/{PROJECT}"),
            json!({"quota_set": {"volumes": 21}}),
        )
        .await;
    assert_eq!(r.json()["quota_set"]["volumes"], 21);
    let rows = cloud
        .db
        .db
        .fetch_all(
            sql("SELECT hard_limit FROM quotas WHERE project_id = ? AND resource = 'volumes'")
                .bind(PROJECT),
        )
        .await
        .expect("rows");
    assert_eq!(rows.len(), 1);
}

#[tokio::test]
async fn update_refuses_bad_bodies() {
    let cloud = Cloud::builder().start().await;
    let path = format!("/os-quota-sets/{PROJECT}");
    let cases = [
        (
            json!({"quota_set": {"foo": 1, "volumes": 2}}),
            "Invalid input received: Bad key(s) in quota set: foo",
        ),
        (
            json!({"quota_set": {"volumes": -2}}),
            "volumes must be >= -1",
        ),
        (
            json!({"quota_set": {"volumes": "abc"}}),
            "volumes must be an integer",
        ),
        (
            json!({"quota_set": {"volumes": 2147483648_i64}}),
            "volumes must be <= 2147483647",
        ),
        (
            json!({"quota_set": {"volumes_gold": 1}}),
            "Invalid input received: Bad key(s) in quota set: volumes_gold",
        ),
        (json!({}), "'quota_set' is a required property"),
    ];
    for (body, message) in cases {
        let r = cloud.put(&path, body.clone()).await;
        assert_eq!(r.status, 400, "{body}: {}", r.text());
        assert_eq!(r.fault_message(), message, "{body}");
    }
    let long = "a".repeat(256);
    let r = cloud
        .put(
            &format!("/v3/os-quota-sets/{long}"),
            json!({"quota_set": {"volumes": 1}}),
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.fault_message(),
        "Invalid input received: quota_set_name has 256 characters, more than 255."
    );
    // Nothing was written.
    let r = cloud.get(&path).await;
    assert_eq!(r.json()["quota_set"]["volumes"], 10);
}

#[tokio::test]
async fn update_keeps_limits_at_or_above_the_usage() {
    let cloud = Cloud::builder().start().await;
    let path = format!("/os-quota-sets/{PROJECT}");
    set_usage(&cloud, PROJECT, "volumes", 3, 1).await;
    set_usage(&cloud, PROJECT, "per_volume_gigabytes", 50, 0).await;
    let r = cloud.put(&path, json!({"quota_set": {"volumes": 8}})).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let r = cloud.put(&path, json!({"quota_set": {"volumes": 3}})).await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.fault_message(),
        "Quota volumes limit must be equal or greater than existing resources. Current usage \
         is 4 and the requested limit is 3."
    );
    // -1 (unlimited) and per_volume_gigabytes are never checked.
    let r = cloud
        .put(
            &path,
            json!({"quota_set": {"volumes": -1, "per_volume_gigabytes": 1}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["quota_set"]["volumes"], -1);
    let r = cloud.put(&path, json!({"quota_set": {"volumes": 4}})).await;
    assert_eq!(r.status, 200, "{}", r.text());
}

#[tokio::test]
async fn delete_resets_the_project_to_the_defaults() {
    let cloud = Cloud::builder().start().await;
    let path = format!("/os-quota-sets/{PROJECT}");
    cloud
        .put(&path, json!({"quota_set": {"volumes": 3, "snapshots": 4}}))
        .await;
    let r = cloud.delete(&path).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.body.is_empty(), "{}", r.text());
    let r = cloud.get(&path).await;
    assert_eq!(r.json()["quota_set"]["volumes"], 10);
    assert_eq!(r.json()["quota_set"]["snapshots"], 10);
    let rows = cloud
        .db
        .db
        .fetch_all(
            sql("SELECT deleted, deleted_at, updated_at FROM quotas WHERE project_id = ?")
                .bind(PROJECT),
        )
        .await
        .expect("rows");
    assert_eq!(rows.len(), 2, "soft-deleted, not removed");
    for row in rows {
        assert!(row.get::<bool>("deleted").expect("deleted"));
        assert!(!row.values()[1].is_null(), "deleted_at set");
        assert!(!row.values()[2].is_null(), "updated_at set");
    }
    // Deleting again is fine.
    assert_eq!(cloud.delete(&path).await.status, 200);
}

#[tokio::test]
async fn volume_types_bring_their_resources() {
    let cloud = Cloud::builder().start().await;
    add_volume_type(&cloud, "gold").await;
    let path = format!("/os-quota-sets/{PROJECT}");
    let r = cloud.get(&path).await;
    let set = &r.json()["quota_set"];
    assert_eq!(
        keys(set)[6..9],
        ["volumes_gold", "gigabytes_gold", "snapshots_gold"]
    );
    assert_eq!(set["gigabytes_gold"], -1);
    let r = cloud
        .put(&path, json!({"quota_set": {"gigabytes_gold": 100}}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["quota_set"]["gigabytes_gold"], 100);
}

#[tokio::test]
async fn quota_class_sets_show_and_update() {
    let cloud = Cloud::builder().start().await;
    let r = cloud.get("/os-quota-class-sets/default").await;
    assert_eq!(r.status, 200, "{}", r.text());
    let set = &r.json()["quota_class_set"];
    assert_eq!(keys(set), RESOURCES);
    assert_eq!(set["id"], "default");
    assert_eq!(set["gigabytes"], 1000);

    let r = cloud
        .put(
            "/os-quota-class-sets/gold",
            json!({"quota_class_set": {"volumes": "12", "groups": 2}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let set = &r.json()["quota_class_set"];
    assert!(set.get("id").is_none());
    assert_eq!(set["volumes"], 12);
    assert_eq!(set["groups"], 2);
    // What the class does not set comes from the default class.
    assert_eq!(set["snapshots"], 10);
    let r = cloud.get("/os-quota-class-sets/gold").await;
    assert_eq!(r.json()["quota_class_set"]["volumes"], 12);
    assert_eq!(r.json()["quota_class_set"]["id"], "gold");

    for (body, message) in [
        (
            json!({"quota_class_set": {"id": 1}}),
            "Invalid input received: Bad key(s) in quota class set: id",
        ),
        (
            json!({"quota_class_set": {"volumes": -2}}),
            "Invalid input for field/attribute volumes. Value: -2. -2 is less than the minimum of -1",
        ),
    ] {
        let r = cloud.put("/os-quota-class-sets/gold", body).await;
        assert_eq!(r.status, 400, "{}", r.text());
        assert_eq!(r.fault_message(), message);
    }
}

#[tokio::test]
async fn limits_show_the_absolute_limits_and_what_is_used() {
    let cloud = Cloud::builder().start().await;
    let r = cloud.get("/limits").await;
    assert_eq!(r.status, 200, "{}", r.text());
    let body = r.json();
    assert_eq!(
        body,
        json!({"limits": {"rate": [], "absolute": {
            "maxTotalVolumes": 10, "maxTotalSnapshots": 10, "maxTotalVolumeGigabytes": 1000,
            "maxTotalBackups": 10, "maxTotalBackupGigabytes": 1000,
            "totalVolumesUsed": 0, "totalGigabytesUsed": 0, "totalSnapshotsUsed": 0,
            "totalBackupsUsed": 0, "totalBackupGigabytesUsed": 0}}})
    );
    assert_eq!(
        keys(&body["limits"]["absolute"]),
        [
            "maxTotalVolumes",
            "maxTotalSnapshots",
            "maxTotalVolumeGigabytes",
            "maxTotalBackups",
            "maxTotalBackupGigabytes",
            "totalVolumesUsed",
            "totalGigabytesUsed",
            "totalSnapshotsUsed",
            "totalBackupsUsed",
            "totalBackupGigabytesUsed"
        ]
    );

    set_usage(&cloud, PROJECT, "volumes", 1, 0).await;
    set_usage(&cloud, PROJECT, "gigabytes", 2, 5).await;
    cloud
        .put(
            &format!("/os-quota-sets/{PROJECT}"),
            json!({"quota_set": {"volumes": 5}}),
        )
        .await;
    let r = cloud.get("/limits").await;
    let absolute = &r.json()["limits"]["absolute"];
    assert_eq!(absolute["maxTotalVolumes"], 5);
    assert_eq!(absolute["totalVolumesUsed"], 1);
    assert_eq!(absolute["totalGigabytesUsed"], 2, "in_use only");
}

#[tokio::test]
async fn an_admin_names_the_project_of_limits_from_3_39() {
    let cloud = Cloud::builder().start().await;
    cloud
        .put(
            &format!("/os-quota-sets/{OTHER_PROJECT}"),
            json!({"quota_set": {"volumes": 3}}),
        )
        .await;
    let admin = cloud.as_caller(Caller::admin());
    let path = format!("/limits?project_id={OTHER_PROJECT}");
    let r = admin.at("3.39", Method::GET, &path, None).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["limits"]["absolute"]["maxTotalVolumes"], 3);
    let r = admin
        .at(
            "3.39",
            Method::GET,
            &format!("/limits?tenant_id={OTHER_PROJECT}"),
            None,
        )
        .await;
    assert_eq!(r.json()["limits"]["absolute"]["maxTotalVolumes"], 3);
    // Before 3.39 the parameter is ignored.
    let r = admin.at("3.38", Method::GET, &path, None).await;
    assert_eq!(r.json()["limits"]["absolute"]["maxTotalVolumes"], 10);
}

#[tokio::test]
async fn members_read_their_own_quotas_and_change_none() {
    let cloud = Cloud::builder().identity_auth().start().await;
    let member = cloud.as_caller(Caller::member(PROJECT));
    let own = format!("/os-quota-sets/{PROJECT}");
    assert_eq!(member.get(&own).await.status, 200);
    assert_eq!(member.get(&format!("{own}/defaults")).await.status, 200);
    assert_eq!(member.get(&format!("{own}?usage=true")).await.status, 200);

    let r = member.get(&format!("/os-quota-sets/{OTHER_PROJECT}")).await;
    assert_eq!(r.status, 403);
    assert_eq!(
        r.fault_message(),
        "Policy doesn't allow volume_extension:quotas:show to be performed."
    );
    let r = member
        .put(&own, json!({"quota_set": {"volumes": 100}}))
        .await;
    assert_eq!(r.status, 403);
    assert_eq!(
        r.fault_message(),
        "Policy doesn't allow volume_extension:quotas:update to be performed."
    );
    let r = member.delete(&own).await;
    assert_eq!(r.status, 403);
    assert_eq!(
        r.fault_message(),
        "Policy doesn't allow volume_extension:quotas:delete to be performed."
    );
    // A bad body is refused before the policy is asked, as upstream's schema decorator does.
    let r = member.put(&own, json!({"quota_set": {"foo": 1}})).await;
    assert_eq!(r.status, 400);

    let r = member.get("/os-quota-class-sets/default").await;
    assert_eq!(r.status, 403);
    assert_eq!(
        r.fault_message(),
        "Policy doesn't allow volume_extension:quota_classes:get to be performed."
    );
    let r = member
        .put(
            "/os-quota-class-sets/default",
            json!({"quota_class_set": {"volumes": 1}}),
        )
        .await;
    assert_eq!(r.status, 403);

    // Limits: the member sees its own, with the used values (reader rule); a member cannot
    // name another project.
    let r = member
        .at(
            "3.39",
            Method::GET,
            &format!("/limits?project_id={OTHER_PROJECT}"),
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["limits"]["absolute"]["totalVolumesUsed"], 0);

    // Nothing changed.
    let admin = cloud.as_caller(Caller::admin());
    let r = admin.get(&own).await;
    assert_eq!(r.json()["quota_set"]["volumes"], 10);
    let r = admin
        .put(&own, json!({"quota_set": {"volumes": 100}}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
}

#[tokio::test]
async fn a_user_without_reader_role_gets_limits_without_usage() {
    let cloud = Cloud::builder().identity_auth().start().await;
    let nobody = cloud.as_caller(Caller::with_roles(PROJECT, &["observer"]));
    let r = nobody.get("/limits").await;
    assert_eq!(r.status, 200, "{}", r.text());
    let absolute = &r.json()["limits"]["absolute"];
    assert_eq!(absolute["maxTotalVolumes"], 10);
    assert!(absolute.get("totalVolumesUsed").is_none(), "{absolute}");
    let r = nobody.get(&format!("/os-quota-sets/{PROJECT}")).await;
    assert_eq!(r.status, 403);
}

#[tokio::test]
async fn over_quota_answers_upstreams_overlimit_fault() {
    let cloud = Cloud::builder().start().await;
    let r = cloud.post("/volumes", json!({"volume": {"size": 2}})).await;
    assert_eq!(r.status, 202, "{}", r.text());
    let r = cloud
        .post("/volumes", json!({"volume": {"size": 5000}}))
        .await;
    assert_eq!(r.status, 413, "{}", r.text());
    assert_eq!(r.header("Retry-After"), Some("0"));
    assert_eq!(
        r.json(),
        json!({"overLimit": {"code": 413, "message": "VolumeSizeExceedsAvailableQuota: \
            Requested volume or snapshot exceeds allowed gigabytes quota. Requested 5000G, \
            quota is 1000G and 2G has been consumed.", "retryAfter": "0"}})
    );
    // per_volume_gigabytes caps one volume.
    cloud
        .put(
            &format!("/os-quota-sets/{PROJECT}"),
            json!({"quota_set": {"per_volume_gigabytes": 3}}),
        )
        .await;
    let r = cloud.post("/volumes", json!({"volume": {"size": 4}})).await;
    assert_eq!(r.status, 413, "{}", r.text());
    assert_eq!(
        r.fault_message(),
        "VolumeSizeExceedsLimit: Requested volume size 4G is larger than maximum allowed \
         limit 3G."
    );
    // The refused creates hold nothing.
    let r = cloud
        .get(&format!("/os-quota-sets/{PROJECT}?usage=true"))
        .await;
    let set = &r.json()["quota_set"];
    assert_eq!(set["volumes"]["in_use"], 1);
    assert_eq!(set["gigabytes"]["in_use"], 2);
    assert_eq!(set["volumes___DEFAULT__"]["in_use"], 1);
    let r = cloud.get("/limits").await;
    assert_eq!(r.json()["limits"]["absolute"]["totalGigabytesUsed"], 2);
}
