//! Volumes over HTTP: create, list, detail, show, update, delete, pagination, filters,
//! isolation between projects, quota, and bad input — asserting the wire responses.

use functional::{Caller, Cloud, OTHER_PROJECT, PROJECT};
use http::Method;
use serde_json::{json, Value};

async fn create(cloud: &Cloud, body: Value) -> Value {
    let r = cloud.post("/volumes", body).await;
    assert_eq!(r.status, 202, "{}", r.text());
    r.json()["volume"].clone()
}

#[tokio::test]
async fn create_show_list_update_delete() {
    let cloud = Cloud::builder().start().await;
    let v = create(
        &cloud,
        json!({"volume": {"size": 1, "name": "vol1", "description": "d", "metadata": {"k": "v"}}}),
    )
    .await;
    assert_eq!(v["status"], "creating");
    assert_eq!(v["size"], 1);
    assert_eq!(v["name"], "vol1");
    assert_eq!(v["volume_type"], "__DEFAULT__");
    assert_eq!(v["availability_zone"], "nova");
    assert_eq!(v["metadata"], json!({"k": "v"}));
    assert_eq!(v["bootable"], "false");
    assert!(
        v.get("os-vol-tenant-attr:tenant_id").is_none(),
        "create has no extension keys"
    );
    let id = v["id"].as_str().expect("id").to_string();

    let r = cloud.get(&format!("/volumes/{id}")).await;
    assert_eq!(r.status, 200);
    let shown = &r.json()["volume"];
    assert_eq!(shown["os-vol-tenant-attr:tenant_id"], PROJECT);
    assert_eq!(
        shown["links"][0]["href"],
        format!("http://127.0.0.1:8776/v3/{PROJECT}/volumes/{id}")
    );
    assert_eq!(r.header("OpenStack-API-Version"), Some("volume 3.0"));

    let r = cloud.get("/volumes").await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.json()["volumes"][0],
        json!({
            "id": id, "name": "vol1",
            "links": shown["links"].clone(),
        })
    );

    let r = cloud.get("/volumes/detail").await;
    assert_eq!(r.json()["volumes"][0]["id"], id.as_str());

    let r = cloud
        .put(
            &format!("/volumes/{id}"),
            json!({"volume": {"name": "renamed", "metadata": {"a": "b"}}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["volume"]["name"], "renamed");
    assert_eq!(r.json()["volume"]["metadata"], json!({"a": "b"}));

    let r = cloud.delete(&format!("/volumes/{id}")).await;
    assert_eq!(r.status, 202, "{}", r.text());
    let r = cloud.get(&format!("/volumes/{id}")).await;
    assert_eq!(r.status, 404);
    assert_eq!(
        r.fault_message(),
        format!("Volume {id} could not be found.")
    );
}

#[tokio::test]
async fn microversions_change_the_view() {
    let cloud = Cloud::builder().start().await;
    let v = create(&cloud, json!({"volume": {"size": 1}})).await;
    let id = v["id"].as_str().expect("id");
    let me = cloud.as_caller(Caller::admin());
    let r = me
        .at("3.71", Method::GET, &format!("/volumes/{id}"), None)
        .await;
    assert_eq!(r.status, 200);
    let shown = &r.json()["volume"];
    assert!(shown["volume_type_id"].is_string());
    assert_eq!(shown["consumes_quota"], true);
    assert_eq!(shown["group_id"], Value::Null);
    assert_eq!(r.header("OpenStack-API-Version"), Some("volume 3.71"));
}

#[tokio::test]
async fn pagination_sort_and_count() {
    let cloud = Cloud::builder().start().await;
    let mut ids = Vec::new();
    for i in 0..5 {
        let v = create(
            &cloud,
            json!({"volume": {"size": i + 1, "name": format!("v{i}")}}),
        )
        .await;
        ids.push(v["id"].as_str().expect("id").to_string());
    }
    let r = cloud.get("/volumes?limit=2&sort=size:asc").await;
    assert_eq!(r.status, 200, "{}", r.text());
    let page = r.json();
    let names: Vec<&str> = page["volumes"]
        .as_array()
        .expect("list")
        .iter()
        .map(|v| v["name"].as_str().expect("name"))
        .collect();
    assert_eq!(names, ["v0", "v1"]);
    let next = page["volumes_links"][0]["href"]
        .as_str()
        .expect("next link");
    assert!(next.contains(&format!("marker={}", ids[1])), "{next}");
    let r = cloud
        .get(&format!("/volumes?limit=2&sort=size:asc&marker={}", ids[1]))
        .await;
    let names: Vec<String> = r.json()["volumes"]
        .as_array()
        .expect("list")
        .iter()
        .map(|v| v["name"].as_str().expect("name").to_string())
        .collect();
    assert_eq!(names, ["v2", "v3"]);

    let me = cloud.as_caller(Caller::admin());
    let r = me
        .at(
            "3.45",
            Method::GET,
            "/volumes?with_count=true&limit=1",
            None,
        )
        .await;
    assert_eq!(r.json()["count"], 5);
    let r = cloud.get("/volumes?name=v3").await;
    assert_eq!(r.json()["volumes"].as_array().expect("list").len(), 1);
    let r = cloud.get("/volumes?sort=size&sort_key=name").await;
    assert_eq!(r.status, 400);
    let r = cloud.get("/volumes?limit=abc").await;
    assert_eq!(r.status, 400);
}

#[tokio::test]
async fn projects_are_isolated() {
    let cloud = Cloud::builder().identity_auth().start().await;
    let member = cloud.as_caller(Caller::member(PROJECT));
    let r = member
        .post("/volumes", json!({"volume": {"size": 1}}))
        .await;
    assert_eq!(r.status, 202, "{}", r.text());
    let id = r.json()["volume"]["id"].as_str().expect("id").to_string();

    let other = cloud.as_caller(Caller::member(OTHER_PROJECT));
    let r = other.get(&format!("/volumes/{id}")).await;
    assert_eq!(r.status, 404);
    let r = other.delete(&format!("/volumes/{id}")).await;
    assert_eq!(r.status, 404);
    let r = other.get("/volumes").await;
    assert_eq!(r.json()["volumes"], json!([]));
    // A reader of the owning project sees it but cannot delete it.
    let reader = cloud.as_caller(Caller::reader(PROJECT));
    assert_eq!(reader.get(&format!("/volumes/{id}")).await.status, 200);
    let r = reader.delete(&format!("/volumes/{id}")).await;
    assert_eq!(r.status, 403, "{}", r.text());
    assert_eq!(
        r.fault_message(),
        "Policy doesn't allow volume:delete to be performed."
    );
    // Admin-only keys are hidden from members.
    let r = member.get(&format!("/volumes/{id}")).await;
    assert!(r.json()["volume"].get("os-vol-host-attr:host").is_none());
    assert!(r.json()["volume"].get("migration_status").is_none());
}

#[tokio::test]
async fn bad_input_gets_upstreams_faults_and_changes_nothing() {
    let cloud = Cloud::builder().start().await;
    // Unknown keys inside "volume" are refused from 3.53 on, as upstream.
    let me = cloud.as_caller(Caller::admin());
    let r = me
        .at(
            "3.53",
            Method::POST,
            "/volumes",
            Some(json!({"volume": {"size": 1, "bogus": 1}})),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.text());
    let cases: Vec<(Value, &str)> = vec![
        (
            json!({"volume": {"size": 0}}),
            "Invalid input for field/attribute size. Value: 0. 0 is less than the minimum of 1",
        ),
        (
            json!({"volume": {"size": "abc"}}),
            "Invalid input for field/attribute size.",
        ),
        (
            json!({"volume": {"size": 1}, "bogus": 1}),
            "Additional properties are not allowed ('bogus' was unexpected)",
        ),
        (
            json!({"volume": {"size": 1, "snapshot_id": "not-a-uuid"}}),
            "snapshot_id",
        ),
        (
            json!({"volume": {"size": 1, "volume_type": "no-such-type"}}),
            "no-such-type",
        ),
        (
            json!({"volume": {"size": 1, "availability_zone": "foo"}}),
            "Availability zone 'foo' is invalid.",
        ),
        (
            json!({"volume": {"size": 1, "name": "x".repeat(256)}}),
            "name",
        ),
    ];
    for (body, expected) in cases {
        let r = cloud.post("/volumes", body.clone()).await;
        assert!(
            matches!(r.status.as_u16(), 400 | 404),
            "{body}: {} {}",
            r.status,
            r.text()
        );
        assert!(
            r.fault_message().contains(expected),
            "{body}: {}",
            r.fault_message()
        );
    }
    let r = cloud
        .raw(
            Method::POST,
            &format!("/v3/{PROJECT}/volumes"),
            &[("Content-Type", "application/json")],
            b"{not json".to_vec(),
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.fault_message(), "Malformed request body");
    let r = cloud
        .raw(
            Method::POST,
            &format!("/v3/{PROJECT}/volumes"),
            &[("Content-Type", "text/plain")],
            b"x".to_vec(),
        )
        .await;
    assert_eq!(r.status, 415);
    // Nothing was created, and no quota is held.
    assert_eq!(cloud.get("/volumes").await.json()["volumes"], json!([]));
}

#[tokio::test]
async fn over_quota_is_413_and_a_failed_create_leaks_nothing() {
    let cloud = Cloud::builder()
        .opt("quota_volumes", "2")
        .opt("quota_gigabytes", "5")
        .start()
        .await;
    // db sync seeded the default class from the defaults: set the project's limits.
    let r = cloud
        .put(
            &format!("/os-quota-sets/{PROJECT}"),
            json!({"quota_set": {"volumes": 2, "gigabytes": 5}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    create(&cloud, json!({"volume": {"size": 2}})).await;
    let r = cloud.post("/volumes", json!({"volume": {"size": 4}})).await;
    assert_eq!(r.status, 413, "{}", r.text());
    assert!(
        r.fault_message()
            .starts_with("VolumeSizeExceedsAvailableQuota: "),
        "{}",
        r.fault_message()
    );
    let v = create(&cloud, json!({"volume": {"size": 1}})).await;
    let r = cloud.post("/volumes", json!({"volume": {"size": 1}})).await;
    assert_eq!(r.status, 413);
    assert!(
        r.fault_message().starts_with("VolumeLimitExceeded: "),
        "{}",
        r.fault_message()
    );
    // Deleting gives the quota back.
    let id = v["id"].as_str().expect("id");
    assert_eq!(cloud.delete(&format!("/volumes/{id}")).await.status, 202);
    let r = cloud
        .get(&format!("/os-quota-sets/{PROJECT}?usage=true"))
        .await;
    assert_eq!(
        r.json()["quota_set"]["volumes"]["in_use"],
        1,
        "{}",
        r.text()
    );
    assert_eq!(r.json()["quota_set"]["gigabytes"]["in_use"], 2);
    create(&cloud, json!({"volume": {"size": 3}})).await;
}

#[tokio::test]
async fn clients_that_go_away_mid_request_leave_the_database_usable() {
    let cloud = Cloud::builder().start().await;
    let r = cloud
        .put(
            &format!("/os-quota-sets/{PROJECT}"),
            json!({"quota_set": {"volumes": -1, "gigabytes": -1}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    for i in 0..5 {
        create(
            &cloud,
            json!({"volume": {"size": 1, "name": format!("v{i}")}}),
        )
        .await;
    }
    // Give up on many requests at every stage of their processing, as a client that
    // disconnects does.
    for i in 0..150u64 {
        let wait = std::time::Duration::from_micros((i % 60) * 25);
        let _ = tokio::time::timeout(wait, cloud.get("/volumes/detail")).await;
        let _ = tokio::time::timeout(wait, cloud.post("/volumes", json!({"volume": {"size": 1}})))
            .await;
    }
    // The abandoned requests still run to their end in the background (the pool may answer
    // 503 while they hold every connection); once they are done, every request succeeds.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while cloud.get("/volumes/detail").await.status != 200 {
        assert!(
            std::time::Instant::now() < deadline,
            "the API never recovered"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    for _ in 0..20 {
        let r = cloud.get("/volumes/detail").await;
        assert_eq!(r.status, 200, "{}", r.text());
    }
    let r = cloud.post("/volumes", json!({"volume": {"size": 1}})).await;
    assert_eq!(r.status, 202, "{}", r.text());
}

#[tokio::test]
async fn a_volume_from_a_snapshot_takes_its_size_and_type() {
    let cloud = Cloud::builder().start().await;
    let r = cloud
        .post("/types", json!({"volume_type": {"name": "gold"}}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let src = create(
        &cloud,
        json!({"volume": {"size": 3, "volume_type": "gold"}}),
    )
    .await;
    let src_id = src["id"].as_str().expect("id");
    // As if a volume service had created it.
    cloud
        .db
        .db
        .execute(
            openstack_db::sql(
                "UPDATE volumes SET host = 'node1@file#pool', status = 'available' WHERE id = ?",
            )
            .bind(src_id),
        )
        .await
        .expect("place the volume");
    let r = cloud
        .post(
            "/snapshots",
            json!({"snapshot": {"volume_id": src_id, "name": "s1"}}),
        )
        .await;
    assert_eq!(r.status, 202, "{}", r.text());
    let snap_id = r.json()["snapshot"]["id"].as_str().expect("id").to_string();

    // Still creating: refused.
    let r = cloud
        .post("/volumes", json!({"volume": {"snapshot_id": snap_id}}))
        .await;
    assert_eq!(r.status, 400, "{}", r.text());
    assert_eq!(
        r.fault_message(),
        "Invalid snapshot: Originating snapshot status must be one of 'available' values"
    );
    let r = cloud
        .post(
            &format!("/snapshots/{snap_id}/action"),
            json!({"os-reset_status": {"status": "available"}}),
        )
        .await;
    assert_eq!(r.status, 202, "{}", r.text());

    let v = create(&cloud, json!({"volume": {"snapshot_id": snap_id}})).await;
    assert_eq!(v["size"], 3);
    assert_eq!(v["volume_type"], "gold");
    assert_eq!(v["snapshot_id"], snap_id.as_str());
    let r = cloud
        .post(
            "/volumes",
            json!({"volume": {"snapshot_id": snap_id, "size": 2}}),
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.fault_message(),
        "Invalid input received: Volume size '2'GB cannot be smaller than the snapshot size 3GB. They must be >= original snapshot size."
    );
}

/// The database server going away: requests get 503 faults quickly (no hang, nothing
/// internal leaks), and once it is back the API recovers by itself. Runs on the server legs
/// (`CINDER_TEST_BACKEND=postgresql|mysql`, as tools/test.sh runs the suite); SQLite has no
/// server to lose.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_that_goes_away_gives_503_and_the_api_recovers() {
    let cloud = Cloud::builder().via_proxy().start().await;
    let Some(proxy) = &cloud.proxy else {
        eprintln!("SQLite leg: no database server to take away");
        return;
    };
    create(&cloud, json!({"volume": {"size": 1, "name": "before"}})).await;
    proxy.cut();
    let started = std::time::Instant::now();
    let r = cloud.get("/volumes").await;
    assert_eq!(r.status, 503, "{}", r.text());
    assert_eq!(r.json()["serviceUnavailable"]["code"], 503, "{}", r.text());
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    let r = cloud.post("/volumes", json!({"volume": {"size": 1}})).await;
    assert_eq!(r.status, 503, "{}", r.text());
    proxy.restore().await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let r = cloud.get("/volumes").await;
        if r.status == 200 {
            let body = r.json();
            let names: Vec<&str> = body["volumes"]
                .as_array()
                .expect("list")
                .iter()
                .filter_map(|v| v["name"].as_str())
                .collect();
            // The create refused while the database was away left nothing behind.
            assert_eq!(names, ["before"]);
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the API never recovered: {}",
            r.text()
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn an_operators_policy_yaml_overrides_the_defaults() {
    let cloud = Cloud::builder()
        .identity_auth()
        .policy("volume:create", "role:admin")
        .policy("volume:get_all", "")
        .start()
        .await;
    let member = cloud.as_caller(Caller::member(PROJECT));
    let r = member
        .post("/volumes", json!({"volume": {"size": 1}}))
        .await;
    assert_eq!(r.status, 403, "{}", r.text());
    assert_eq!(
        r.fault_message(),
        "Policy doesn't allow volume:create to be performed."
    );
    // An empty rule lets anyone list, even without the reader role.
    let nobody = cloud.as_caller(Caller::with_roles(PROJECT, &[]));
    assert_eq!(nobody.get("/volumes").await.status, 200);
    let admin = cloud.as_caller(Caller::admin());
    assert_eq!(
        admin
            .post("/volumes", json!({"volume": {"size": 1}}))
            .await
            .status,
        202
    );
}
