//! The admin and information resources over HTTP: os-services (list, filters, state,
//! enable/disable, freeze/thaw and log levels without RPC), availability zones, extensions
//! and user messages — with service and message rows written straight into the database,
//! as running cinder services would have.

use std::time::Duration;

use functional::{Caller, Cloud, OTHER_PROJECT, PROJECT};
use http::Method;
use openstack_db::{sql, utcnow, PrimitiveDateTime};
use serde_json::{json, Value};

/// Writes a `services` row as a service's start-up and heartbeat would.
async fn add_service(
    cloud: &Cloud,
    host: &str,
    binary: &str,
    zone: &str,
    last_beat: PrimitiveDateTime,
    disabled: bool,
) {
    cloud
        .db
        .db
        .execute(
            sql(
                r#"INSERT INTO services (created_at, updated_at, deleted, host, "binary", topic,
                   report_count, disabled, availability_zone, replication_status, frozen, uuid)
                   VALUES (?, ?, false, ?, ?, ?, 3, ?, ?, 'not-capable', false, ?)"#,
            )
            .bind(last_beat - Duration::from_secs(3600))
            .bind(last_beat)
            .bind(host)
            .bind(binary)
            .bind(binary)
            .bind(disabled)
            .bind(zone)
            .bind(format!("{host}-{binary}")),
        )
        .await
        .expect("insert service");
}

async fn three_services(cloud: &Cloud) {
    let now = utcnow();
    add_service(cloud, "node1@lvm", "cinder-volume", "nova", now, false).await;
    let long_ago = now - Duration::from_secs(300);
    add_service(cloud, "node2@lvm", "cinder-volume", "az2", long_ago, false).await;
    add_service(cloud, "node1", "cinder-scheduler", "nova", now, false).await;
}

fn hosts(list: &Value) -> Vec<String> {
    list["services"]
        .as_array()
        .expect("services")
        .iter()
        .map(|s| s["host"].as_str().unwrap_or("").to_string())
        .collect()
}

#[tokio::test]
async fn list_shows_state_and_filters_by_host_and_binary() {
    let cloud = Cloud::builder().start().await;
    three_services(&cloud).await;

    let r = cloud.get("/os-services").await;
    assert_eq!(r.status, 200, "{}", r.text());
    let body = r.json();
    assert_eq!(hosts(&body), ["node1@lvm", "node2@lvm", "node1"]);
    let vol = &body["services"][0];
    assert_eq!(vol["binary"], "cinder-volume");
    assert_eq!(vol["zone"], "nova");
    assert_eq!(vol["status"], "enabled");
    assert_eq!(vol["state"], "up");
    assert_eq!(vol["disabled_reason"], Value::Null);
    assert_eq!(vol["replication_status"], "not-capable");
    assert_eq!(vol["active_backend_id"], Value::Null);
    assert_eq!(vol["frozen"], false);
    assert!(vol.get("cluster").is_none(), "cluster only from 3.7");
    assert_eq!(body["services"][1]["state"], "down");
    let sched = &body["services"][2];
    assert_eq!(sched["state"], "up");
    assert!(sched.get("frozen").is_none() && sched.get("replication_status").is_none());

    // `node1` matches the host and its backends; `node1@lvm` only that backend.
    let r = cloud.get("/os-services?host=node1").await;
    assert_eq!(hosts(&r.json()), ["node1@lvm", "node1"]);
    let r = cloud.get("/os-services?host=node1@lvm").await;
    assert_eq!(hosts(&r.json()), ["node1@lvm"]);
    let r = cloud.get("/os-services?binary=cinder-scheduler").await;
    assert_eq!(hosts(&r.json()), ["node1"]);
    let r = cloud.get("/os-services?binary=cinder-backup").await;
    assert_eq!(r.json(), json!({"services": []}));

    let admin = cloud.as_caller(Caller::admin());
    let r = admin.at("3.7", Method::GET, "/os-services", None).await;
    assert_eq!(r.json()["services"][0]["cluster"], Value::Null);
    let r = admin.at("3.49", Method::GET, "/os-services", None).await;
    let services = r.json()["services"].clone();
    assert_eq!(services[0]["backend_state"], Value::Null);
    assert!(services[2].get("backend_state").is_none());
}

#[tokio::test]
async fn service_down_time_decides_the_state() {
    let cloud = Cloud::builder()
        .opt("service_down_time", "600")
        .start()
        .await;
    three_services(&cloud).await;
    let r = cloud.get("/os-services?host=node2@lvm").await;
    assert_eq!(r.json()["services"][0]["state"], "up");
}

#[tokio::test]
async fn enable_disable_and_disable_with_a_reason() {
    let cloud = Cloud::builder().start().await;
    three_services(&cloud).await;
    let before = service_times(&cloud, "node1@lvm").await;

    let target = json!({"host": "node1@lvm", "binary": "cinder-volume"});
    let r = cloud.put("/os-services/disable", target.clone()).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        r.json(),
        json!({"host": "node1@lvm", "service": "", "binary": "cinder-volume",
               "status": "disabled", "disabled": true})
    );
    let r = cloud.get("/os-services?host=node1@lvm").await;
    assert_eq!(r.json()["services"][0]["status"], "disabled");
    let after = service_times(&cloud, "node1@lvm").await;
    assert_eq!(after.0, before.0, "the heartbeat is kept");
    assert!(after.1.is_some(), "modified_at is stamped");

    let r = cloud
        .put(
            "/os-services/disable-log-reason",
            json!({"host": "node1@lvm", "binary": "cinder-volume", "disabled_reason": "maintenance"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        r.json(),
        json!({"host": "node1@lvm", "service": "", "binary": "cinder-volume",
               "status": "disabled", "disabled": true, "disabled_reason": "maintenance"})
    );
    let r = cloud.get("/os-services?host=node1@lvm").await;
    assert_eq!(r.json()["services"][0]["disabled_reason"], "maintenance");

    // The deprecated `service` key still names the binary.
    let r = cloud
        .put(
            "/os-services/enable",
            json!({"host": "node1@lvm", "service": "cinder-volume"}),
        )
        .await;
    assert_eq!(
        r.json(),
        json!({"host": "node1@lvm", "service": "cinder-volume", "binary": "",
               "status": "enabled", "disabled": false})
    );
    let r = cloud.get("/os-services?host=node1@lvm").await;
    assert_eq!(r.json()["services"][0]["status"], "enabled");
}

async fn service_times(
    cloud: &Cloud,
    host: &str,
) -> (Option<PrimitiveDateTime>, Option<PrimitiveDateTime>) {
    let row = cloud
        .db
        .db
        .fetch_one(sql("SELECT updated_at, modified_at FROM services WHERE host = ?").bind(host))
        .await
        .expect("service row");
    (
        row.get("updated_at").expect("updated_at"),
        row.get("modified_at").expect("modified_at"),
    )
}

#[tokio::test]
async fn enable_and_disable_refuse_bad_requests() {
    let cloud = Cloud::builder().start().await;
    three_services(&cloud).await;

    let r = cloud
        .put(
            "/os-services/disable",
            json!({"host": "nohost", "binary": "cinder-volume"}),
        )
        .await;
    assert_eq!(r.status, 404);
    assert_eq!(
        r.fault_message(),
        "Service cinder-volume could not be found on host nohost."
    );
    let r = cloud
        .put("/os-services/enable", json!({"binary": "cinder-volume"}))
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.fault_message(),
        "Invalid input received: Host field is missing."
    );
    let r = cloud
        .put("/os-services/enable", json!({"host": "node1@lvm"}))
        .await;
    assert_eq!(r.status, 400, "binary or service is required");
    let r = cloud
        .put(
            "/os-services/enable",
            json!({"host": "node1@lvm", "binary": "cinder-volume", "extra": 1}),
        )
        .await;
    assert_eq!(r.status, 400);
    let r = cloud
        .put(
            "/os-services/disable-log-reason",
            json!({"host": "node1@lvm", "binary": "cinder-volume", "disabled_reason": " "}),
        )
        .await;
    assert_eq!(r.status, 400);
    // No such action.
    let r = cloud.put("/os-services/reboot", json!({})).await;
    assert_eq!(r.status, 404);
}

#[tokio::test]
async fn freeze_thaw_and_log_levels_without_rpc() {
    let cloud = Cloud::builder().start().await;
    three_services(&cloud).await;

    let r = cloud
        .put("/os-services/freeze", json!({"host": "nohost"}))
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.fault_message(), "No service found with host=nohost");
    let r = cloud.put("/os-services/freeze", json!({})).await;
    assert_eq!(
        r.fault_message(),
        "Invalid input received: Host field is missing."
    );
    let r = cloud
        .put("/os-services/thaw", json!({"host": "node1@lvm"}))
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.fault_message(),
        "Invalid input received: No service could be changed: frozen in ['node1@lvm'] must be True to failover."
    );
    // The volume service would have to be called: upstream's answer to an unreachable
    // service, and nothing changed.
    let r = cloud
        .put("/os-services/freeze", json!({"host": "node1@lvm"}))
        .await;
    assert_eq!(r.status, 500);
    let r = cloud.get("/os-services?host=node1@lvm").await;
    assert_eq!(r.json()["services"][0]["frozen"], false);

    let admin = cloud.as_caller(Caller::admin());
    let r = admin
        .at("3.31", Method::PUT, "/os-services/get-log", Some(json!({})))
        .await;
    assert_eq!(r.status, 404, "get-log is 3.32+");
    let r = admin
        .at(
            "3.32",
            Method::PUT,
            "/os-services/get-log",
            Some(json!({"binary": "cinder-backup"})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json(), json!({"log_levels": []}));
    let r = admin
        .at(
            "3.32",
            Method::PUT,
            "/os-services/set-log",
            Some(json!({"binary": "cinder-backup", "level": "DEBUG"})),
        )
        .await;
    assert_eq!(r.status, 202);
    let r = admin
        .at(
            "3.32",
            Method::PUT,
            "/os-services/set-log",
            Some(json!({"binary": "cinder-volume", "level": "DEBUG"})),
        )
        .await;
    assert_eq!(r.status, 500, "an up volume service would need RPC");
    let r = admin
        .at(
            "3.32",
            Method::PUT,
            "/os-services/set-log",
            Some(json!({"level": "LOUD"})),
        )
        .await;
    assert_eq!(r.status, 400);
}

#[tokio::test]
async fn os_services_is_for_admins() {
    let cloud = Cloud::builder().identity_auth().start().await;
    three_services(&cloud).await;
    let member = cloud.as_caller(Caller::member(PROJECT));
    let r = member.get("/os-services").await;
    assert_eq!(r.status, 403);
    assert_eq!(
        r.fault_message(),
        "Policy doesn't allow volume_extension:services:index to be performed."
    );
    let r = member
        .put(
            "/os-services/disable",
            json!({"host": "node1@lvm", "binary": "cinder-volume"}),
        )
        .await;
    assert_eq!(r.status, 403);
    let r = cloud.as_caller(Caller::admin()).get("/os-services").await;
    assert_eq!(r.status, 200);
    // Availability zones and extensions need no role.
    assert_eq!(member.get("/os-availability-zone").await.status, 200);
    assert_eq!(member.get("/extensions").await.status, 200);
}

#[tokio::test]
async fn availability_zones_come_from_volume_services() {
    let cloud = Cloud::builder().start().await;
    let r = cloud.get("/os-availability-zone").await;
    assert_eq!(r.json(), json!({"availabilityZoneInfo": []}));

    let now = utcnow();
    add_service(&cloud, "a@lvm", "cinder-volume", "nova", now, true).await;
    add_service(&cloud, "b@lvm", "cinder-volume", "az2", now, true).await;
    add_service(&cloud, "c@lvm", "cinder-volume", "nova", now, false).await;
    add_service(&cloud, "a", "cinder-scheduler", "az3", now, false).await;
    let r = cloud.get("/os-availability-zone").await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.json(),
        json!({"availabilityZoneInfo": [
            {"zoneName": "nova", "zoneState": {"available": true}},
            {"zoneName": "az2", "zoneState": {"available": false}},
        ]})
    );
}

#[tokio::test]
async fn extensions_list_and_show() {
    let cloud = Cloud::builder().start().await;
    let r = cloud.get("/extensions").await;
    assert_eq!(r.status, 200);
    let list = r.json()["extensions"].clone();
    assert_eq!(list.as_array().map(Vec::len), Some(32));

    let r = cloud.get("/extensions/os-services").await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.json(),
        json!({"extension": {"name": "Services", "alias": "os-services",
            "description": "Services support.", "updated": "2012-10-28T00:00:00-00:00",
            "links": []}})
    );
    assert!(list
        .as_array()
        .into_iter()
        .flatten()
        .any(|e| e["alias"] == "OS-SCH-HNT"));

    let r = cloud.get("/extensions/os-nothing").await;
    assert_eq!(r.status, 404);
    assert_eq!(r.fault_message(), "The resource could not be found.");
}

/// Writes a user message as a failing service would (`message_api.create`).
async fn add_message(
    cloud: &Cloud,
    id: &str,
    project: &str,
    created_at: PrimitiveDateTime,
    expires_at: PrimitiveDateTime,
) {
    cloud
        .db
        .db
        .execute(
            sql(
                "INSERT INTO messages (id, project_id, request_id, resource_type, resource_uuid,
                 event_id, message_level, created_at, deleted, expires_at, detail_id, action_id)
                 VALUES (?, ?, 'req-1', 'VOLUME', ?, 'VOLUME_VOLUME_001_003', 'ERROR', ?, false, ?,
                 '003', '001')",
            )
            .bind(id)
            .bind(project)
            .bind(format!("vol-{id}"))
            .bind(created_at)
            .bind(expires_at),
        )
        .await
        .expect("insert message");
}

const M1: &str = "11111111-1111-4111-8111-111111111111";
const M2: &str = "22222222-2222-4222-8222-222222222222";
const M3: &str = "33333333-3333-4333-8333-333333333333";
const EXPIRED: &str = "44444444-4444-4444-8444-444444444444";

async fn messages(cloud: &Cloud) {
    let now = utcnow();
    let later = now + Duration::from_secs(3600);
    add_message(cloud, M1, PROJECT, now - Duration::from_secs(30), later).await;
    add_message(cloud, M2, PROJECT, now - Duration::from_secs(20), later).await;
    add_message(
        cloud,
        M3,
        OTHER_PROJECT,
        now - Duration::from_secs(10),
        later,
    )
    .await;
    let gone = now - Duration::from_secs(1);
    add_message(cloud, EXPIRED, PROJECT, now - Duration::from_secs(60), gone).await;
}

fn ids(body: &Value) -> Vec<String> {
    body["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .map(|m| m["id"].as_str().unwrap_or("").to_string())
        .collect()
}

#[tokio::test]
async fn messages_show_list_and_delete() {
    let cloud = Cloud::builder().identity_auth().start().await;
    messages(&cloud).await;
    let member = cloud.as_caller(Caller::member(PROJECT));

    let r = member.get("/messages").await;
    assert_eq!(r.status, 404, "messages are 3.3+");

    let r = member.at("3.3", Method::GET, "/messages", None).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let body = r.json();
    assert_eq!(
        ids(&body),
        [M2, M1],
        "own project, newest first, no expired one"
    );
    let m = &body["messages"][0];
    assert_eq!(
        m["user_message"],
        "schedule allocate volume:Could not find any available weighted backend."
    );
    assert_eq!(m["event_id"], "VOLUME_VOLUME_001_003");
    assert_eq!(m["message_level"], "ERROR");
    assert_eq!(m["request_id"], "req-1");
    assert_eq!(m["resource_type"], "VOLUME");
    assert_eq!(m["resource_uuid"], format!("vol-{M2}"));
    assert!(m["guaranteed_until"].is_string());
    assert_eq!(
        m["links"][0]["href"],
        format!("http://127.0.0.1:8776/v3/{PROJECT}/messages/{M2}")
    );

    let r = member
        .at("3.3", Method::GET, &format!("/messages/{M1}"), None)
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["message"]["id"], M1);
    for hidden in [M3, EXPIRED, "nope"] {
        let r = member
            .at("3.3", Method::GET, &format!("/messages/{hidden}"), None)
            .await;
        assert_eq!(r.status, 404, "{hidden}");
        assert_eq!(
            r.fault_message(),
            format!("Message {hidden} could not be found.")
        );
    }

    let reader = cloud.as_caller(Caller::reader(PROJECT));
    let r = reader
        .at("3.3", Method::DELETE, &format!("/messages/{M1}"), None)
        .await;
    assert_eq!(r.status, 403, "deleting needs a member");
    let r = member
        .at("3.3", Method::DELETE, &format!("/messages/{M1}"), None)
        .await;
    assert_eq!(r.status, 204);
    assert!(r.body.is_empty());
    let r = member
        .at("3.3", Method::DELETE, &format!("/messages/{M1}"), None)
        .await;
    assert_eq!(r.status, 404);
    let r = member
        .at("3.3", Method::DELETE, &format!("/messages/{M3}"), None)
        .await;
    assert_eq!(r.status, 404, "another project's message");

    // An admin sees every project's messages.
    let admin = cloud.as_caller(Caller::admin());
    let r = admin.at("3.3", Method::GET, "/messages", None).await;
    assert_eq!(ids(&r.json()), [M3, M2]);
}

#[tokio::test]
async fn messages_paginate_and_filter_from_3_5() {
    let cloud = Cloud::builder().identity_auth().start().await;
    messages(&cloud).await;
    let member = cloud.as_caller(Caller::member(PROJECT));

    let r = member
        .at("3.5", Method::GET, "/messages?limit=1", None)
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let body = r.json();
    assert_eq!(ids(&body), [M2]);
    let next = body["messages_links"][0]["href"]
        .as_str()
        .expect("next link");
    assert!(
        next.ends_with(&format!("/messages?limit=1&marker={M2}")),
        "{next}"
    );

    let r = member
        .at(
            "3.5",
            Method::GET,
            &format!("/messages?limit=1&marker={M2}"),
            None,
        )
        .await;
    assert_eq!(ids(&r.json()), [M1]);
    let r = member
        .at("3.5", Method::GET, "/messages?sort=created_at:asc", None)
        .await;
    assert_eq!(ids(&r.json()), [M1, M2]);
    let r = member
        .at(
            "3.5",
            Method::GET,
            &format!("/messages?resource_uuid=vol-{M1}"),
            None,
        )
        .await;
    assert_eq!(ids(&r.json()), [M1]);
    let r = member
        .at("3.5", Method::GET, "/messages?limit=-1", None)
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.fault_message(), "limit param must be positive");
    let r = member
        .at("3.5", Method::GET, "/messages?sort=bogus", None)
        .await;
    assert_eq!(r.status, 400);
    let r = member
        .at("3.5", Method::GET, &format!("/messages?marker={M3}"), None)
        .await;
    assert_eq!(r.status, 404, "a marker from another project");

    // From 3.31 a non-admin may filter on the configured keys only.
    let r = member
        .at("3.31", Method::GET, "/messages?project_id=x", None)
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.fault_message(),
        "Invalid filters project_id are found in query options."
    );
    let r = member
        .at(
            "3.31",
            Method::GET,
            "/messages?message_level=ERROR&all_tenants=1",
            None,
        )
        .await;
    assert_eq!(ids(&r.json()), [M2, M1]);
}
