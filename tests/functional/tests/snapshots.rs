//! Snapshots over HTTP: create, list, detail, show, update, delete, metadata and the actions
//! on `/snapshots/{id}/action`, with their state rules, microversions, pagination, filters,
//! isolation between projects, quota, and bad input — asserting the wire responses.
//!
//! With the API alone no volume service schedules volumes, so a volume gets its host and
//! status written into the database where a test needs one a backend holds.

use functional::{Caller, Cloud, OTHER_PROJECT, PROJECT};
use http::Method;
use openstack_db::sql;
use serde_json::{json, Value};

/// A volume of `size` GB, through the API.
async fn new_volume(cloud: &Cloud, size: i64) -> String {
    let r = cloud
        .post("/volumes", json!({"volume": {"size": size}}))
        .await;
    assert_eq!(r.status, 202, "{}", r.text());
    r.json()["volume"]["id"]
        .as_str()
        .expect("volume id")
        .to_string()
}

/// Writes a volume's host and status as a volume service would have.
async fn place(cloud: &Cloud, volume_id: &str, host: Option<&str>, status: &str) {
    cloud
        .db
        .db
        .execute(
            sql("UPDATE volumes SET host = ?, status = ? WHERE id = ?")
                .bind(host.map(str::to_string))
                .bind(status)
                .bind(volume_id),
        )
        .await
        .expect("place volume");
}

/// A volume a backend holds, `available`.
async fn scheduled_volume(cloud: &Cloud, size: i64) -> String {
    let id = new_volume(cloud, size).await;
    place(cloud, &id, Some("node1@lvm#pool"), "available").await;
    id
}

async fn snapshot(cloud: &Cloud, body: Value) -> Value {
    let r = cloud.post("/snapshots", body).await;
    assert_eq!(r.status, 202, "{}", r.text());
    r.json()["snapshot"].clone()
}

async fn usage(cloud: &Cloud, resource: &str) -> i64 {
    let r = cloud
        .get(&format!("/os-quota-sets/{PROJECT}?usage=true"))
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()["quota_set"][resource]["in_use"]
        .as_i64()
        .expect("in_use")
}

#[tokio::test]
async fn create_show_list_update_delete() {
    let cloud = Cloud::builder().start().await;
    let vol = scheduled_volume(&cloud, 2).await;
    let s = snapshot(
        &cloud,
        json!({"snapshot": {"volume_id": vol, "name": " s1 ", "description": "d",
                            "metadata": {"k": "v"}}}),
    )
    .await;
    assert_eq!(s["status"], "creating");
    assert_eq!(s["size"], 2);
    assert_eq!(s["name"], "s1", "names are stripped");
    assert_eq!(s["description"], "d");
    assert_eq!(s["volume_id"], vol.as_str());
    assert_eq!(s["metadata"], json!({"k": "v"}));
    assert!(
        s.get("os-extended-snapshot-attributes:progress").is_none(),
        "create has no extension keys"
    );
    let id = s["id"].as_str().expect("id").to_string();

    let r = cloud.get(&format!("/snapshots/{id}")).await;
    assert_eq!(r.status, 200);
    let shown = &r.json()["snapshot"];
    assert_eq!(shown["os-extended-snapshot-attributes:progress"], "0%");
    assert_eq!(shown["os-extended-snapshot-attributes:project_id"], PROJECT);
    assert!(shown.get("user_id").is_none(), "user_id is 3.41+");

    let r = cloud.get("/snapshots").await;
    assert_eq!(r.status, 200);
    let listed = &r.json()["snapshots"][0];
    assert_eq!(listed["id"], id.as_str());
    assert!(listed
        .get("os-extended-snapshot-attributes:progress")
        .is_none());
    let r = cloud.get("/snapshots/detail").await;
    assert_eq!(
        r.json()["snapshots"][0]["os-extended-snapshot-attributes:project_id"],
        PROJECT
    );

    let r = cloud
        .put(
            &format!("/snapshots/{id}"),
            json!({"snapshot": {"name": "renamed", "display_description": "dd"}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["snapshot"]["name"], "renamed");
    assert_eq!(r.json()["snapshot"]["description"], "dd");

    // Still `creating`: not deletable until a service (or an admin) says otherwise.
    let r = cloud.delete(&format!("/snapshots/{id}")).await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.fault_message(),
        "Invalid snapshot: Snapshot status must be available or error and must not be part of a group."
    );
    let r = cloud
        .post(
            &format!("/snapshots/{id}/action"),
            json!({"os-reset_status": {"status": "available"}}),
        )
        .await;
    assert_eq!(r.status, 202, "{}", r.text());
    let r = cloud.delete(&format!("/snapshots/{id}")).await;
    assert_eq!(r.status, 202, "{}", r.text());
    let r = cloud.get(&format!("/snapshots/{id}")).await;
    assert_eq!(r.json()["snapshot"]["status"], "deleting");

    let r = cloud
        .get("/snapshots/00000000-0000-0000-0000-000000000000")
        .await;
    assert_eq!(r.status, 404);
    assert_eq!(
        r.fault_message(),
        "Snapshot 00000000-0000-0000-0000-000000000000 could not be found."
    );
}

#[tokio::test]
async fn create_refuses_what_upstream_refuses() {
    let cloud = Cloud::builder().start().await;
    // A volume no volume service scheduled (as the API alone leaves it): 400, as upstream.
    let unscheduled = new_volume(&cloud, 1).await;
    let r = cloud
        .post(
            "/snapshots",
            json!({"snapshot": {"volume_id": unscheduled}}),
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.fault_message(),
        "Invalid volume: The snapshot cannot be created because volume has not been scheduled to any host."
    );
    let r = cloud
        .post(
            "/snapshots",
            json!({"snapshot": {"volume_id": "00000000-0000-0000-0000-000000000000"}}),
        )
        .await;
    assert_eq!(r.status, 404);
    assert_eq!(
        r.fault_message(),
        "Volume 00000000-0000-0000-0000-000000000000 could not be found."
    );
    let vol = scheduled_volume(&cloud, 1).await;
    for (body, message) in [
        (
            json!({"snapshot": {}}),
            "'volume_id' is a required property",
        ),
        (
            json!({"snapshot": {"volume_id": vol, "size": 1}}),
            "Additional properties are not allowed ('size' was unexpected)",
        ),
        (
            json!({"snapshot": {"volume_id": vol, "force": "maybe"}}),
            "'maybe' is not one of",
        ),
    ] {
        let r = cloud.post("/snapshots", body).await;
        assert_eq!(r.status, 400, "{}", r.text());
        assert!(r.fault_message().contains(message), "{}", r.text());
    }
    // Status rules: in-use needs force before 3.66, error never.
    place(&cloud, &vol, Some("node1@lvm#pool"), "in-use").await;
    let r = cloud
        .post("/snapshots", json!({"snapshot": {"volume_id": vol}}))
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.fault_message(),
        format!(
            "Invalid volume: Volume {vol} status must be available, but current status is: in-use."
        )
    );
    let r = cloud
        .post(
            "/snapshots",
            json!({"snapshot": {"volume_id": vol, "force": true}}),
        )
        .await;
    assert_eq!(r.status, 202, "{}", r.text());
    let admin = cloud.as_caller(Caller::admin());
    let r = admin
        .at(
            "3.66",
            Method::POST,
            "/snapshots",
            Some(json!({"snapshot": {"volume_id": vol}})),
        )
        .await;
    assert_eq!(r.status, 202, "{}", r.text());
    let r = admin
        .at(
            "3.66",
            Method::POST,
            "/snapshots",
            Some(json!({"snapshot": {"volume_id": vol, "force": "false"}})),
        )
        .await;
    assert_eq!(r.status, 400);
    assert!(r
        .fault_message()
        .starts_with("Since microversion 3.66 the 'force' flag is invalid for this request."));
    place(&cloud, &vol, Some("node1@lvm#pool"), "error").await;
    let r = cloud
        .post(
            "/snapshots",
            json!({"snapshot": {"volume_id": vol, "force": true}}),
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.fault_message(),
        "Invalid volume: The snapshot cannot be created when the volume is in error status."
    );
}

#[tokio::test]
async fn microversions_change_the_view() {
    let cloud = Cloud::builder().start().await;
    let vol = scheduled_volume(&cloud, 1).await;
    let id = snapshot(&cloud, json!({"snapshot": {"volume_id": vol}})).await["id"]
        .as_str()
        .expect("id")
        .to_string();
    let admin = cloud.as_caller(Caller::admin());
    let at = |mv: &'static str, path: String| {
        let admin = &admin;
        async move { admin.at(mv, Method::GET, &path, None).await.json() }
    };
    let s = at("3.13", format!("/snapshots/{id}")).await;
    assert!(s["snapshot"].get("group_snapshot_id").is_none());
    let s = at("3.14", format!("/snapshots/{id}")).await;
    assert!(s["snapshot"]["group_snapshot_id"].is_null());
    assert!(s["snapshot"].get("user_id").is_none());
    let s = at("3.41", format!("/snapshots/{id}")).await;
    assert!(s["snapshot"]["user_id"].is_string());
    assert!(s["snapshot"].get("consumes_quota").is_none());
    let s = at("3.65", "/snapshots/detail".to_string()).await;
    assert_eq!(s["snapshots"][0]["consumes_quota"], true);
    // The plain list keeps the v2 summary at every version.
    let s = at("3.71", "/snapshots".to_string()).await;
    assert!(s["snapshots"][0].get("user_id").is_none());
}

#[tokio::test]
async fn pagination_filters_and_count() {
    let cloud = Cloud::builder().start().await;
    let vol = scheduled_volume(&cloud, 1).await;
    let mut ids = Vec::new();
    for name in ["a", "b", "c"] {
        let s = snapshot(
            &cloud,
            json!({"snapshot": {"volume_id": vol, "name": name, "metadata": {"n": name}}}),
        )
        .await;
        ids.push(s["id"].as_str().expect("id").to_string());
    }
    let r = cloud.get("/snapshots?limit=2").await;
    assert_eq!(r.status, 200);
    let body = r.json();
    assert_eq!(body["snapshots"].as_array().map(Vec::len), Some(2));
    let next = body["snapshots_links"][0]["href"].as_str().expect("next");
    assert!(next.contains("limit=2"), "{next}");
    let marker = next.split("marker=").nth(1).expect("marker").to_string();
    let r = cloud
        .get(&format!("/snapshots?limit=2&marker={marker}"))
        .await;
    assert_eq!(r.json()["snapshots"].as_array().map(Vec::len), Some(1));
    assert!(r.json().get("snapshots_links").is_none());

    let r = cloud.get("/snapshots?name=b").await;
    assert_eq!(r.json()["snapshots"][0]["id"], ids[1].as_str());
    assert_eq!(r.json()["snapshots"].as_array().map(Vec::len), Some(1));
    let r = cloud
        .get(&format!("/snapshots?volume_id={vol}&status=creating"))
        .await;
    assert_eq!(r.json()["snapshots"].as_array().map(Vec::len), Some(3));
    let admin = cloud.as_caller(Caller::admin());
    let r = admin
        .at("3.30", Method::GET, "/snapshots?sort=name:asc", None)
        .await;
    assert_eq!(r.json()["snapshots"][0]["name"], "a");
    let r = admin
        .at(
            "3.22",
            Method::GET,
            "/snapshots?metadata=%7B%27n%27%3A%27c%27%7D",
            None,
        )
        .await;
    assert_eq!(r.json()["snapshots"][0]["id"], ids[2].as_str());
    assert_eq!(r.json()["snapshots"].as_array().map(Vec::len), Some(1));
    let r = admin
        .at(
            "3.45",
            Method::GET,
            "/snapshots?with_count=true&limit=1",
            None,
        )
        .await;
    assert_eq!(r.json()["count"], 3);
    let r = cloud.get("/snapshots?sort=bogus").await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.fault_message(),
        "Invalid input received: Invalid sort key"
    );
    let r = cloud.get("/snapshots?limit=x").await;
    assert_eq!(r.status, 400);
    let r = cloud
        .get("/snapshots?marker=00000000-0000-0000-0000-000000000000")
        .await;
    assert_eq!(r.status, 404);
}

#[tokio::test]
async fn projects_and_roles() {
    let cloud = Cloud::builder().identity_auth().start().await;
    let member = cloud.as_caller(Caller::member(PROJECT));
    let r = member
        .post("/volumes", json!({"volume": {"size": 1}}))
        .await;
    assert_eq!(r.status, 202, "{}", r.text());
    let vol = r.json()["volume"]["id"].as_str().expect("id").to_string();
    place(&cloud, &vol, Some("node1@lvm#pool"), "available").await;
    let r = member
        .post("/snapshots", json!({"snapshot": {"volume_id": vol}}))
        .await;
    assert_eq!(r.status, 202, "{}", r.text());
    let id = r.json()["snapshot"]["id"].as_str().expect("id").to_string();

    // Another project sees nothing.
    let stranger = cloud.as_caller(Caller::member(OTHER_PROJECT));
    let r = stranger.get(&format!("/snapshots/{id}")).await;
    assert_eq!(r.status, 404);
    let r = stranger.get("/snapshots").await;
    assert_eq!(r.json()["snapshots"], json!([]));
    let r = stranger
        .post(
            &format!("/snapshots/{id}/action"),
            json!({"os-update_snapshot_status": {"status": "available"}}),
        )
        .await;
    assert_eq!(r.status, 404);

    // A reader reads, but neither creates nor deletes.
    let reader = cloud.as_caller(Caller::reader(PROJECT));
    assert_eq!(reader.get(&format!("/snapshots/{id}")).await.status, 200);
    let r = reader
        .post("/snapshots", json!({"snapshot": {"volume_id": vol}}))
        .await;
    assert_eq!(r.status, 403);
    assert_eq!(
        r.fault_message(),
        "Policy doesn't allow volume:create_snapshot to be performed."
    );
    // Members cannot use the admin actions.
    let r = member
        .post(
            &format!("/snapshots/{id}/action"),
            json!({"os-reset_status": {"status": "available"}}),
        )
        .await;
    assert_eq!(r.status, 403);
    let r = member
        .post(
            &format!("/snapshots/{id}/action"),
            json!({"os-force_delete": {}}),
        )
        .await;
    assert_eq!(r.status, 403);
    // Non-admin filters are those configured (3.31+).
    let r = member
        .at("3.31", Method::GET, "/snapshots?project_id=x", None)
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.fault_message(),
        "Invalid filters project_id are found in query options."
    );
    // Before 3.31 unknown filters are dropped.
    let r = member.get("/snapshots?project_id=x").await;
    assert_eq!(r.json()["snapshots"].as_array().map(Vec::len), Some(1));
    // Nova's status updates come from members.
    let r = member
        .post(
            &format!("/snapshots/{id}/action"),
            json!({"os-update_snapshot_status": {"status": "available", "progress": "100%"}}),
        )
        .await;
    assert_eq!(r.status, 202, "{}", r.text());
    let r = member.get(&format!("/snapshots/{id}")).await;
    assert_eq!(r.json()["snapshot"]["status"], "available");
    assert_eq!(
        r.json()["snapshot"]["os-extended-snapshot-attributes:progress"],
        "100%"
    );
}

#[tokio::test]
async fn quota_is_charged_and_given_back() {
    let cloud = Cloud::builder().start().await;
    let vol = scheduled_volume(&cloud, 3).await;
    let r = cloud
        .put(
            &format!("/os-quota-sets/{PROJECT}"),
            json!({"quota_set": {"snapshots": 1}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let s = snapshot(&cloud, json!({"snapshot": {"volume_id": vol}})).await;
    let id = s["id"].as_str().expect("id").to_string();
    assert_eq!(usage(&cloud, "snapshots").await, 1);
    assert_eq!(usage(&cloud, "gigabytes").await, 6, "volume and snapshot");
    assert_eq!(usage(&cloud, "snapshots___DEFAULT__").await, 1);

    let r = cloud
        .post("/snapshots", json!({"snapshot": {"volume_id": vol}}))
        .await;
    assert_eq!(r.status, 413);
    assert_eq!(
        r.fault_message(),
        "SnapshotLimitExceeded: Maximum number of snapshots allowed (1) exceeded"
    );
    assert_eq!(
        usage(&cloud, "snapshots").await,
        1,
        "a refusal leaves nothing"
    );
    let r = cloud.get("/snapshots").await;
    assert_eq!(r.json()["snapshots"].as_array().map(Vec::len), Some(1));

    // A snapshot whose volume no backend holds is removed at once, its quota given back.
    place(&cloud, &vol, None, "available").await;
    let r = cloud
        .post(
            &format!("/snapshots/{id}/action"),
            json!({"os-force_delete": {}}),
        )
        .await;
    assert_eq!(r.status, 202, "{}", r.text());
    assert_eq!(cloud.get(&format!("/snapshots/{id}")).await.status, 404);
    assert_eq!(usage(&cloud, "snapshots").await, 0);
    assert_eq!(usage(&cloud, "gigabytes").await, 3);
}

#[tokio::test]
async fn metadata_routes() {
    let cloud = Cloud::builder().start().await;
    let vol = scheduled_volume(&cloud, 1).await;
    let id = snapshot(
        &cloud,
        json!({"snapshot": {"volume_id": vol, "metadata": {"a": "1"}}}),
    )
    .await["id"]
        .as_str()
        .expect("id")
        .to_string();
    let base = format!("/snapshots/{id}/metadata");
    let r = cloud.get(&base).await;
    assert_eq!(r.json(), json!({"metadata": {"a": "1"}}));
    let r = cloud.post(&base, json!({"metadata": {"b": "2"}})).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json(), json!({"metadata": {"a": "1", "b": "2"}}));
    let r = cloud.put(&base, json!({"metadata": {"c": "3"}})).await;
    assert_eq!(r.json(), json!({"metadata": {"c": "3"}}));
    let r = cloud
        .put(&format!("{base}/c"), json!({"meta": {"c": "4"}}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json(), json!({"meta": {"c": "4"}}));
    let r = cloud.get(&format!("{base}/c")).await;
    assert_eq!(r.json(), json!({"meta": {"c": "4"}}));
    let r = cloud
        .put(&format!("{base}/c"), json!({"meta": {"d": "4"}}))
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.fault_message(), "Request body and URI mismatch");
    let r = cloud.post(&base, json!({"metadata": {"a/b": "x"}})).await;
    assert_eq!(r.status, 400);
    let r = cloud.delete(&format!("{base}/c")).await;
    assert_eq!(r.status, 200);
    let r = cloud.delete(&format!("{base}/c")).await;
    assert_eq!(r.status, 404);
    assert_eq!(
        r.fault_message(),
        format!("Snapshot {id} has no metadata with key c.")
    );
    let r = cloud.get(&format!("{base}/c")).await;
    assert_eq!(r.status, 404);
    let r = cloud.get(&base).await;
    assert_eq!(r.json(), json!({"metadata": {}}));
    let r = cloud
        .get("/snapshots/00000000-0000-0000-0000-000000000000/metadata")
        .await;
    assert_eq!(r.status, 404);
}

#[tokio::test]
async fn actions_and_their_state_rules() {
    let cloud = Cloud::builder().start().await;
    let vol = scheduled_volume(&cloud, 1).await;
    let id = snapshot(&cloud, json!({"snapshot": {"volume_id": vol}})).await["id"]
        .as_str()
        .expect("id")
        .to_string();
    let action = format!("/snapshots/{id}/action");
    let r = cloud.post(&action, json!({"os-bogus": {}})).await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.fault_message(),
        "There is no such action: os-bogus. Verify the request body and Content-Type header and try again."
    );
    let r = cloud
        .post(
            &action,
            json!({"os-force_delete": {}, "os-reset_status": {}}),
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.fault_message(), "Malformed request body");
    let r = cloud
        .post(&action, json!({"os-reset_status": {"status": "bogus"}}))
        .await;
    assert_eq!(r.status, 400);
    assert!(r
        .fault_message()
        .starts_with("Snapshot status: bogus is invalid"));

    // creating → error_deleting is not a transition Nova may ask for.
    let r = cloud
        .post(
            &action,
            json!({"os-update_snapshot_status": {"status": "error_deleting"}}),
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.fault_message(),
        "Provided snapshot status error_deleting not allowed for snapshot with status creating."
    );
    let r = cloud
        .post(
            &action,
            json!({"os-update_snapshot_status": {"status": "x", "progress": "101%"}}),
        )
        .await;
    assert_eq!(r.status, 400);
    let r = cloud
        .post(
            &action,
            json!({"os-update_snapshot_status": {"status": "error"}}),
        )
        .await;
    assert_eq!(r.status, 202, "{}", r.text());
    let r = cloud
        .post(
            &action,
            json!({"os-update_snapshot_status": {"status": "available"}}),
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.fault_message(),
        "Snapshot status error not allowed for update_snapshot_status"
    );

    // Force delete works from any status; the volume's backend then finishes the job.
    let r = cloud
        .post(&action, json!({"os-reset_status": {"status": "CREATING"}}))
        .await;
    assert_eq!(r.status, 202);
    assert_eq!(
        cloud.get(&format!("/snapshots/{id}")).await.json()["snapshot"]["status"],
        "creating"
    );
    let r = cloud.post(&action, json!({"os-force_delete": {}})).await;
    assert_eq!(r.status, 202, "{}", r.text());
    let shown = cloud.get(&format!("/snapshots/{id}")).await.json();
    assert_eq!(shown["snapshot"]["status"], "deleting");
    let r = cloud
        .post(
            &action,
            json!({"os-update_snapshot_status": {"status": "error_deleting"}}),
        )
        .await;
    assert_eq!(r.status, 202, "{}", r.text());

    let r = cloud
        .post(
            "/snapshots/00000000-0000-0000-0000-000000000000/action",
            json!({"os-force_delete": {}}),
        )
        .await;
    assert_eq!(r.status, 404);
}
