//! Volume metadata, the volumes summary and the volume actions over HTTP: each action's
//! success and refusal with upstream's texts, the admin-only ones refused to members, the
//! metadata CRUD with its ETags, and what stays unchanged when a request is refused.

use functional::{Caller, Cloud, OTHER_PROJECT, PROJECT};
use http::Method;
use openstack_db::sql;
use serde_json::{json, Value};

async fn create(cloud: &Cloud, body: Value) -> String {
    let r = cloud.post("/volumes", body).await;
    assert_eq!(r.status, 202, "{}", r.text());
    r.json()["volume"]["id"].as_str().expect("id").to_string()
}

async fn volume(cloud: &Cloud, id: &str) -> Value {
    let r = cloud.get(&format!("/volumes/{id}")).await;
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()["volume"].clone()
}

async fn act(cloud: &Cloud, id: &str, body: Value) -> functional::Reply {
    cloud.post(&format!("/volumes/{id}/action"), body).await
}

/// An admin's `os-reset_status`, asserted to succeed.
async fn reset(cloud: &Cloud, id: &str, fields: Value) {
    let r = act(cloud, id, json!({ "os-reset_status": fields })).await;
    assert_eq!(r.status, 202, "{}", r.text());
}

async fn available(cloud: &Cloud, size: i64) -> String {
    let id = create(cloud, json!({"volume": {"size": size}})).await;
    reset(cloud, &id, json!({"status": "available"})).await;
    id
}

async fn in_use(cloud: &Cloud, id: &str) -> i64 {
    let r = cloud
        .get(&format!("/os-quota-sets/{PROJECT}?usage=true"))
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()["quota_set"][id]["in_use"].as_i64().unwrap_or(-1)
}

/// Writes a volume_attachment row, as a volume service would on attach.
async fn attachment(cloud: &Cloud, volume_id: &str, instance: Option<&str>, info: Option<&str>) {
    let (vid, instance, info) = (
        volume_id.to_string(),
        instance.map(str::to_string),
        info.map(str::to_string),
    );
    let aid = format!("a{}", &vid[1..]);
    cloud
        .db
        .db
        .write(|tx| {
            let (vid, aid, instance, info) =
                (vid.clone(), aid.clone(), instance.clone(), info.clone());
            Box::pin(async move {
                tx.execute(
                    sql(
                        "INSERT INTO volume_attachment (created_at, deleted, id, volume_id, \
                         instance_uuid, attach_status, connection_info, mountpoint) \
                         VALUES (?, false, ?, ?, ?, 'attached', ?, '/dev/vdb')",
                    )
                    .bind(openstack_db::utcnow())
                    .bind(aid.as_str())
                    .bind(vid.as_str())
                    .bind(instance)
                    .bind(info),
                )
                .await
            })
        })
        .await
        .expect("insert attachment");
}

#[tokio::test]
async fn metadata_crud() {
    let cloud = Cloud::builder().start().await;
    let id = create(
        &cloud,
        json!({"volume": {"size": 1, "metadata": {"k": "v"}}}),
    )
    .await;
    let md = format!("/volumes/{id}/metadata");

    let r = cloud.get(&md).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json(), json!({"metadata": {"k": "v"}}));
    assert!(r.header("Etag").is_none(), "no Etag before 3.15");

    let r = cloud.post(&md, json!({"metadata": {"a": "b"}})).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json(), json!({"metadata": {"a": "b", "k": "v"}}));

    let r = cloud.put(&md, json!({"metadata": {"x": "y"}})).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json(), json!({"metadata": {"x": "y"}}));
    assert_eq!(volume(&cloud, &id).await["metadata"], json!({"x": "y"}));

    let r = cloud.get(&format!("{md}/x")).await;
    assert_eq!(r.json(), json!({"meta": {"x": "y"}}));
    let r = cloud.get(&format!("{md}/nope")).await;
    assert_eq!(r.status, 404);
    assert_eq!(
        r.fault_message(),
        format!("Volume {id} has no metadata with key nope.")
    );

    let r = cloud
        .put(&format!("{md}/x"), json!({"meta": {"x": "z"}}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json(), json!({"meta": {"x": "z"}}));
    let r = cloud
        .put(&format!("{md}/x"), json!({"meta": {"y": "z"}}))
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.fault_message(), "Request body and URI mismatch");
    let r = cloud
        .put(&format!("{md}/x"), json!({"meta": {"x": "1", "y": "2"}}))
        .await;
    assert_eq!(r.status, 400);
    let r = cloud.post(&md, json!({"metadata": {"a": 1}})).await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.fault_message(),
        "Invalid input for field/attribute a. Value: 1. 1 is not of type 'string'"
    );

    let r = cloud.delete(&format!("{md}/x")).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.body.is_empty());
    let r = cloud.delete(&format!("{md}/x")).await;
    assert_eq!(r.status, 404);
    assert_eq!(
        r.fault_message(),
        format!("Volume {id} has no metadata with key x.")
    );
    assert_eq!(cloud.get(&md).await.json(), json!({"metadata": {}}));

    let missing = "0a1b2c3d-4e5f-6789-abcd-ef0123456789";
    let r = cloud.get(&format!("/volumes/{missing}/metadata")).await;
    assert_eq!(r.status, 404);
    assert_eq!(
        r.fault_message(),
        format!("Volume {missing} could not be found.")
    );

    // Metadata of a volume in maintenance does not change.
    reset(&cloud, &id, json!({"status": "maintenance"})).await;
    let r = cloud.post(&md, json!({"metadata": {"a": "b"}})).await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.fault_message(),
        "Invalid volume: Updating volume metadata is not allowed for volumes in maintenance status."
    );
}

#[tokio::test]
async fn metadata_etags_from_3_15() {
    let cloud = Cloud::builder().start().await;
    let id = create(
        &cloud,
        json!({"volume": {"size": 1, "metadata": {"k": "v"}}}),
    )
    .await;
    let md = format!("/volumes/{id}/metadata");
    let admin = cloud.as_caller(Caller::admin());

    let r = admin.at("3.15", Method::GET, &md, None).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json(), json!({"metadata": {"k": "v"}}));
    // hashlib.md5(b'{"metadata": {"k": "v"}}').hexdigest()
    let etag = r.header("Etag").expect("Etag").to_string();
    assert_eq!(etag, "8cfa0e3346bdcec9c73891be4a6c18a7");

    let put = |tag: &str, body: Value| {
        let (md, tag) = (md.clone(), format!("\"{tag}\""));
        let admin = cloud.as_caller(Caller::admin());
        async move {
            admin
                .request(
                    Method::PUT,
                    &md,
                    Some(body),
                    &[("OpenStack-API-Version", "volume 3.15"), ("If-Match", &tag)],
                )
                .await
        }
    };
    let r = put("stale", json!({"metadata": {"a": "b"}})).await;
    assert_eq!(r.status, 412);
    assert!(r.body.is_empty());
    let r = put(&etag, json!({"metadata": {"a": "b"}})).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json(), json!({"metadata": {"a": "b"}}));
    // The old tag is stale now, for one key too.
    let r = cloud
        .as_caller(Caller::admin())
        .request(
            Method::PUT,
            &format!("{md}/a"),
            Some(json!({"meta": {"a": "c"}})),
            &[
                ("OpenStack-API-Version", "volume 3.15"),
                ("If-Match", &format!("\"{etag}\"")),
            ],
        )
        .await;
    assert_eq!(r.status, 412);
    assert_eq!(cloud.get(&md).await.json(), json!({"metadata": {"a": "b"}}));
}

#[tokio::test]
async fn summary() {
    let cloud = Cloud::builder().start().await;
    create(
        &cloud,
        json!({"volume": {"size": 1, "metadata": {"k": "v1"}}}),
    )
    .await;
    create(
        &cloud,
        json!({"volume": {"size": 2, "metadata": {"k": "v2", "o": "x"}}}),
    )
    .await;
    let admin = cloud.as_caller(Caller::admin());

    let r = admin
        .at("3.11", Method::GET, "/volumes/summary", None)
        .await;
    assert_eq!(r.status, 404);
    let r = admin
        .at("3.12", Method::GET, "/volumes/summary", None)
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        r.json(),
        json!({"volume-summary": {"total_count": 2, "total_size": 3}})
    );
    let r = admin
        .at("3.36", Method::GET, "/volumes/summary", None)
        .await;
    assert_eq!(
        r.json(),
        json!({"volume-summary": {"total_count": 2, "total_size": 3,
                                  "metadata": {"k": ["v1", "v2"], "o": ["x"]}}})
    );
    let other = cloud.as_caller(Caller::with_roles(OTHER_PROJECT, &["admin"]));
    let r = other
        .at("3.12", Method::GET, "/volumes/summary", None)
        .await;
    assert_eq!(
        r.json(),
        json!({"volume-summary": {"total_count": 0, "total_size": 0}})
    );
    let r = other
        .at("3.12", Method::GET, "/volumes/summary?all_tenants=1", None)
        .await;
    assert_eq!(r.json()["volume-summary"]["total_count"], 2);
}

#[tokio::test]
async fn action_dispatch_refusals() {
    let cloud = Cloud::builder().start().await;
    let id = create(&cloud, json!({"volume": {"size": 1}})).await;
    let r = act(&cloud, &id, json!({"os-frobnicate": {}})).await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.fault_message(),
        "There is no such action: os-frobnicate. Verify the request body and Content-Type \
         header and try again."
    );
    let r = act(&cloud, &id, json!({"os-reserve": {}, "os-unreserve": {}})).await;
    assert_eq!(r.status, 400);
    assert_eq!(r.fault_message(), "Malformed request body");
    let r = act(&cloud, &id, json!({})).await;
    assert_eq!(r.fault_message(), "Malformed request body");
    let r = act(&cloud, &id, json!({"os-migrate_volume": {"host": "h"}})).await;
    assert_eq!(r.status, 501);
    let missing = "0a1b2c3d-4e5f-6789-abcd-ef0123456789";
    let r = act(&cloud, missing, json!({"os-reserve": null})).await;
    assert_eq!(r.status, 404);
    assert_eq!(
        r.fault_message(),
        format!("Volume {missing} could not be found.")
    );
    let r = act(&cloud, &id, json!({"os-extend": {"new_size": 0}})).await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.fault_message(),
        "Invalid input for field/attribute new_size. Value: 0. 0 is less than the minimum of 1"
    );
}

#[tokio::test]
async fn reset_status_and_the_attach_state_machine() {
    let cloud = Cloud::builder().start().await;
    let id = create(&cloud, json!({"volume": {"size": 1}})).await;

    let r = act(&cloud, &id, json!({"os-reserve": {}})).await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.fault_message(),
        "Invalid volume: Volume status must be available to reserve, but the status is creating."
    );
    let r = act(
        &cloud,
        &id,
        json!({"os-reset_status": {"status": "deleting"}}),
    )
    .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.fault_message(), "Cannot reset-state to deleting");
    let r = act(
        &cloud,
        &id,
        json!({"os-reset_status": {"status": "in-use"}}),
    )
    .await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.fault_message(),
        "Cannot reset-state to in-use because volume does not have any attachments."
    );
    let r = act(&cloud, &id, json!({"os-reset_status": {"status": "bogus"}})).await;
    assert_eq!(r.status, 400);
    assert!(
        r.fault_message()
            .starts_with("Volume status: bogus is invalid"),
        "{}",
        r.fault_message()
    );
    let r = act(&cloud, &id, json!({"os-reset_status": {}})).await;
    assert_eq!(r.status, 400);

    reset(
        &cloud,
        &id,
        json!({"status": "AVAILABLE", "migration_status": "none"}),
    )
    .await;
    assert_eq!(volume(&cloud, &id).await["status"], "available");

    let r = act(&cloud, &id, json!({"os-reserve": {}})).await;
    assert_eq!(r.status, 202, "{}", r.text());
    assert_eq!(volume(&cloud, &id).await["status"], "attaching");
    let r = act(&cloud, &id, json!({"os-unreserve": {}})).await;
    assert_eq!(r.status, 202);
    assert_eq!(volume(&cloud, &id).await["status"], "available");
    // Nothing to unreserve: nothing happens.
    let r = act(&cloud, &id, json!({"os-unreserve": {}})).await;
    assert_eq!(r.status, 202);
    assert_eq!(volume(&cloud, &id).await["status"], "available");

    let r = act(&cloud, &id, json!({"os-begin_detaching": {}})).await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.fault_message(),
        "Invalid volume: Unable to detach volume. Volume status must be 'in-use' and \
         attach_status must be 'attached' to detach."
    );

    attachment(&cloud, &id, None, None).await;
    reset(
        &cloud,
        &id,
        json!({"status": "in-use", "attach_status": "attached"}),
    )
    .await;
    let r = act(&cloud, &id, json!({"os-begin_detaching": {}})).await;
    assert_eq!(r.status, 202, "{}", r.text());
    assert_eq!(volume(&cloud, &id).await["status"], "detaching");
    let r = act(&cloud, &id, json!({"os-roll_detaching": {}})).await;
    assert_eq!(r.status, 202);
    assert_eq!(volume(&cloud, &id).await["status"], "in-use");

    // Reserved with attachments: unreserve goes back to in-use.
    reset(&cloud, &id, json!({"status": "attaching"})).await;
    act(&cloud, &id, json!({"os-unreserve": {}})).await;
    assert_eq!(volume(&cloud, &id).await["status"], "in-use");

    // Reset to detached detaches every attachment.
    reset(&cloud, &id, json!({"attach_status": "detached"})).await;
    let v = volume(&cloud, &id).await;
    assert_eq!(v["status"], "available");
    assert_eq!(v["attachments"], json!([]));
    let r = act(
        &cloud,
        &id,
        json!({"os-reset_status": {"status": "in-use"}}),
    )
    .await;
    assert_eq!(r.status, 400, "the attachment is gone");
}

#[tokio::test]
async fn extend_with_status_rules_and_quota() {
    let cloud = Cloud::builder().start().await;
    let id = create(&cloud, json!({"volume": {"size": 1}})).await;
    let r = act(&cloud, &id, json!({"os-extend": {"new_size": 2}})).await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.fault_message(),
        format!(
            "Invalid volume: Volume {id} status must be '{{'status': 'available'}}' to extend, \
             currently creating."
        )
    );
    reset(&cloud, &id, json!({"status": "available"})).await;
    let r = act(&cloud, &id, json!({"os-extend": {"new_size": 1}})).await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.fault_message(),
        "Invalid input received: New size for extend must be greater than current size. \
         (current: 1, extended: 1)."
    );

    let r = cloud
        .put(
            &format!("/os-quota-sets/{PROJECT}"),
            json!({"quota_set": {"gigabytes": 5}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let r = act(&cloud, &id, json!({"os-extend": {"new_size": "10"}})).await;
    assert_eq!(r.status, 413, "{}", r.text());
    assert_eq!(
        r.fault_message(),
        "VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed \
         gigabytes quota. Requested 9G, quota is 5G and 1G has been consumed."
    );
    assert_eq!(volume(&cloud, &id).await["status"], "available");
    assert_eq!(in_use(&cloud, "gigabytes").await, 1);

    let r = act(&cloud, &id, json!({"os-extend": {"new_size": 3}})).await;
    assert_eq!(r.status, 202, "{}", r.text());
    assert!(r.body.is_empty());
    assert_eq!(volume(&cloud, &id).await["status"], "extending");
    assert_eq!(in_use(&cloud, "gigabytes").await, 3);
    assert_eq!(in_use(&cloud, "gigabytes___DEFAULT__").await, 3);

    // In-use volumes extend from 3.42 only.
    let id2 = available(&cloud, 1).await;
    attachment(&cloud, &id2, None, None).await;
    reset(&cloud, &id2, json!({"status": "in-use"})).await;
    let r = act(&cloud, &id2, json!({"os-extend": {"new_size": 2}})).await;
    assert_eq!(r.status, 400);
    let r = cloud
        .as_caller(Caller::admin())
        .at(
            "3.42",
            Method::POST,
            &format!("/volumes/{id2}/action"),
            Some(json!({"os-extend": {"new_size": 2}})),
        )
        .await;
    assert_eq!(r.status, 202, "{}", r.text());
}

#[tokio::test]
async fn bootable_readonly_and_retype() {
    let cloud = Cloud::builder().start().await;
    let id = available(&cloud, 1).await;

    let r = act(&cloud, &id, json!({"os-set_bootable": {"bootable": "yes"}})).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.body.is_empty());
    assert_eq!(volume(&cloud, &id).await["bootable"], "true");
    act(&cloud, &id, json!({"os-set_bootable": {"bootable": false}})).await;
    assert_eq!(volume(&cloud, &id).await["bootable"], "false");

    let r = act(
        &cloud,
        &id,
        json!({"os-update_readonly_flag": {"readonly": true}}),
    )
    .await;
    assert_eq!(r.status, 202, "{}", r.text());
    assert_eq!(volume(&cloud, &id).await["metadata"]["readonly"], "True");
    // A read-only volume attaches read-only only.
    let attach = json!({"os-attach": {"mountpoint": "/dev/vdb", "host_name": "h"}});
    let r = act(&cloud, &id, attach.clone()).await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.fault_message(),
        format!("Invalid attaching mode 'rw' for volume {id}.")
    );

    let r = cloud
        .post("/types", json!({"volume_type": {"name": "gold"}}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let r = act(&cloud, &id, json!({"os-retype": {"new_type": "nope"}})).await;
    assert_eq!(r.status, 404);
    assert_eq!(
        r.fault_message(),
        "Volume type with name nope could not be found."
    );
    let r = act(
        &cloud,
        &id,
        json!({"os-retype": {"new_type": "__DEFAULT__"}}),
    )
    .await;
    assert_eq!(r.status, 400);
    assert!(r
        .fault_message()
        .starts_with("Invalid volume: Retype needs volume to be in available or in-use state"));
    assert_eq!(in_use(&cloud, "volumes___DEFAULT__").await, 1);
    let r = act(
        &cloud,
        &id,
        json!({"os-retype": {"new_type": "gold", "migration_policy": "never"}}),
    )
    .await;
    assert_eq!(r.status, 202, "{}", r.text());
    assert_eq!(volume(&cloud, &id).await["status"], "retyping");
    assert_eq!(in_use(&cloud, "volumes_gold").await, 1);
    assert_eq!(in_use(&cloud, "gigabytes_gold").await, 1);
    assert_eq!(in_use(&cloud, "volumes___DEFAULT__").await, 0);
    assert_eq!(in_use(&cloud, "volumes").await, 1);

    let r = act(
        &cloud,
        &id,
        json!({"os-update_readonly_flag": {"readonly": false}}),
    )
    .await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.fault_message(),
        format!(
            "Invalid volume: Volume {id} status must be available to update readonly flag, but \
             current status is: retyping."
        )
    );
}

#[tokio::test]
async fn actions_that_need_a_volume_service() {
    let cloud = Cloud::builder().start().await;
    let id = available(&cloud, 1).await;

    let attach = json!({"os-attach": {"mountpoint": "/dev/vdb",
                                      "instance_uuid": "0a1b2c3d-4e5f-6789-abcd-ef0123456789"}});
    let r = act(&cloud, &id, attach).await;
    assert_eq!(r.status, 500, "{}", r.text());
    // The API's own part happened: the readonly flag is recorded.
    assert_eq!(volume(&cloud, &id).await["metadata"]["readonly"], "False");

    let r = act(
        &cloud,
        &id,
        json!({"os-initialize_connection": {"connector": {"host": "h"}}}),
    )
    .await;
    assert_eq!(r.status, 500);
    let r = act(
        &cloud,
        &id,
        json!({"os-terminate_connection": {"connector": {}}}),
    )
    .await;
    assert_eq!(r.status, 500);
    let r = act(&cloud, &id, json!({"os-detach": {}})).await;
    assert_eq!(r.status, 500);

    // An attachment an instance uses is the Compute service's to remove.
    let instance = "11111111-2222-3333-4444-555555555555";
    attachment(
        &cloud,
        &id,
        Some(instance),
        Some("{\"driver_volume_type\": \"x\"}"),
    )
    .await;
    let r = act(&cloud, &id, json!({"os-detach": {}})).await;
    assert_eq!(r.status, 409, "{}", r.text());
    assert_eq!(
        r.fault_message(),
        format!(
            "ConflictNovaUsingAttachment: Detach volume from instance {instance} using the \
             Compute API"
        )
    );
    let r = act(
        &cloud,
        &id,
        json!({"os-terminate_connection": {"connector": {}}}),
    )
    .await;
    assert_eq!(r.status, 409);
    let r = act(
        &cloud,
        &id,
        json!({"os-detach": {"attachment_id": "0a1b2c3d-4e5f-6789-abcd-ef0123456789"}}),
    )
    .await;
    assert_eq!(r.status, 409, "an unknown attachment is no proof");

    reset(&cloud, &id, json!({"status": "maintenance"})).await;
    let r = act(
        &cloud,
        &id,
        json!({"os-initialize_connection": {"connector": {"host": "h"}}}),
    )
    .await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.fault_message(),
        "Invalid volume: The volume connection cannot be initialized in maintenance mode."
    );
}

#[tokio::test]
async fn force_delete_and_admin_only_actions() {
    let cloud = Cloud::builder().identity_auth().start().await;
    let member = cloud.as_caller(Caller::member(PROJECT));
    let admin = cloud.as_caller(Caller::admin());
    let r = member
        .post("/volumes", json!({"volume": {"size": 1}}))
        .await;
    assert_eq!(r.status, 202, "{}", r.text());
    let id = r.json()["volume"]["id"].as_str().expect("id").to_string();
    let action = format!("/volumes/{id}/action");

    let r = member
        .post(&action, json!({"os-reset_status": {"status": "available"}}))
        .await;
    assert_eq!(r.status, 403);
    assert_eq!(
        r.fault_message(),
        "Policy doesn't allow volume_extension:volume_admin_actions:reset_status to be performed."
    );
    let r = member.post(&action, json!({"os-force_delete": {}})).await;
    assert_eq!(r.status, 403);
    assert_eq!(
        r.fault_message(),
        "Policy doesn't allow volume_extension:volume_admin_actions:force_delete to be performed."
    );
    // Another project's member does not even see the volume.
    let stranger = cloud.as_caller(Caller::member(OTHER_PROJECT));
    let r = stranger
        .post(&action, json!({"os-reset_status": {"status": "available"}}))
        .await;
    assert_eq!(r.status, 404);

    let r = admin
        .post(&action, json!({"os-reset_status": {"status": "available"}}))
        .await;
    assert_eq!(r.status, 202, "{}", r.text());
    // Members run the member actions and the metadata CRUD on their volumes.
    let r = member.post(&action, json!({"os-reserve": {}})).await;
    assert_eq!(r.status, 202, "{}", r.text());
    let r = member.post(&action, json!({"os-unreserve": {}})).await;
    assert_eq!(r.status, 202);
    let r = member
        .post(
            &format!("/volumes/{id}/metadata"),
            json!({"metadata": {"a": "b"}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let reader = cloud.as_caller(Caller::reader(PROJECT));
    let r = reader.get(&format!("/volumes/{id}/metadata/a")).await;
    assert_eq!(r.status, 200);
    let r = reader
        .post(
            &format!("/volumes/{id}/metadata"),
            json!({"metadata": {"c": "d"}}),
        )
        .await;
    assert_eq!(r.status, 403);
    assert_eq!(
        r.fault_message(),
        "Policy doesn't allow volume:create_volume_metadata to be performed."
    );
    let r = reader.post(&action, json!({"os-reserve": {}})).await;
    assert_eq!(r.status, 403);

    // A volume attaching cannot be deleted, but force-deleted by an admin.
    admin
        .post(&action, json!({"os-reset_status": {"status": "attaching"}}))
        .await;
    let r = member.delete(&format!("/volumes/{id}")).await;
    assert_eq!(r.status, 202, "a volume without a host goes at once");
    let id = {
        let r = member
            .post("/volumes", json!({"volume": {"size": 1}}))
            .await;
        r.json()["volume"]["id"].as_str().expect("id").to_string()
    };
    let r = admin
        .post(
            &format!("/volumes/{id}/action"),
            json!({"os-force_delete": {}}),
        )
        .await;
    assert_eq!(r.status, 202, "{}", r.text());
    let r = admin.get(&format!("/volumes/{id}")).await;
    assert_eq!(r.status, 404);
}
