//! Volume types over HTTP: create, list, show, update, delete, extra specs, private types and
//! their access lists, the default type and the per-project default types (3.62) — every
//! route, with upstream's bodies, status codes and refusals.

use functional::{Caller, Cloud, OTHER_PROJECT, PROJECT};
use http::Method;
use openstack_db::sql;
use serde_json::{json, Value};

async fn create_type(cloud: &Cloud, body: Value) -> Value {
    let r = cloud.post("/types", body).await;
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()["volume_type"].clone()
}

fn id_of(t: &Value) -> String {
    t["id"].as_str().expect("id").to_string()
}

fn keys(v: &Value) -> Vec<String> {
    v.as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

fn names(list: &Value) -> Vec<String> {
    list.as_array()
        .map(|a| {
            a.iter()
                .map(|t| t["name"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// A live volume of type `type_id`, written straight into the database.
async fn volume_of_type(cloud: &Cloud, type_id: &str) {
    cloud
        .db
        .db
        .execute(
            sql("INSERT INTO volumes (id, deleted, project_id, volume_type_id, size, status, \
                 attach_status, use_quota) VALUES (?, false, ?, ?, 1, 'available', 'detached', true)")
            .bind("0d7d8a8e-7c4a-4f6e-9d0c-1b2a3c4d5e6f")
            .bind(PROJECT)
            .bind(type_id),
        )
        .await
        .expect("insert volume");
}

#[tokio::test]
async fn create_show_list_update_delete() {
    let cloud = Cloud::builder().start().await;
    let t = create_type(
        &cloud,
        json!({"volume_type": {"name": "gold", "description": "fast",
               "extra_specs": {"volume_backend_name": "lvm", "multiattach": "<is> True"}}}),
    )
    .await;
    assert_eq!(
        keys(&t),
        [
            "id",
            "name",
            "is_public",
            "extra_specs",
            "description",
            "os-volume-type-access:is_public"
        ]
    );
    assert_eq!(t["name"], "gold");
    assert_eq!(t["is_public"], true);
    assert_eq!(t["os-volume-type-access:is_public"], true);
    assert_eq!(
        t["extra_specs"],
        json!({"volume_backend_name": "lvm", "multiattach": "<is> True"})
    );
    let id = id_of(&t);

    let r = cloud.get(&format!("/types/{id}")).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("OpenStack-API-Version"), Some("volume 3.0"));
    let shown = &r.json()["volume_type"];
    assert_eq!(
        keys(shown),
        [
            "id",
            "name",
            "is_public",
            "description",
            "extra_specs",
            "qos_specs_id",
            "os-volume-type-access:is_public"
        ]
    );
    assert_eq!(shown["qos_specs_id"], Value::Null);
    assert_eq!(shown["description"], "fast");

    let r = cloud.get("/types").await;
    assert_eq!(r.status, 200);
    let body = r.json();
    let mut listed = names(&body["volume_types"]);
    listed.sort();
    assert_eq!(listed, ["__DEFAULT__", "gold"]);
    assert!(body.get("volume_type_links").is_none());

    let r = cloud
        .put(
            &format!("/types/{id}"),
            json!({"volume_type": {"description": "faster", "is_public": "false"}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let updated = &r.json()["volume_type"];
    assert_eq!(
        keys(updated),
        ["id", "name", "is_public", "extra_specs", "description"]
    );
    assert_eq!(updated["description"], "faster");
    assert_eq!(updated["is_public"], false);

    let r = cloud
        .put(&format!("/types/{id}"), json!({"volume_type": {}}))
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.fault_message(),
        "Specify volume type name, description, is_public or a combination thereof."
    );
    let r = cloud
        .put(
            &format!("/types/{id}"),
            json!({"volume_type": {"name": "  "}}),
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.fault_message(), "Volume type name can not be empty.");

    let r = cloud.delete(&format!("/types/{id}")).await;
    assert_eq!(r.status, 202, "{}", r.text());
    assert!(r.body.is_empty());
    let r = cloud.get(&format!("/types/{id}")).await;
    assert_eq!(r.status, 404);
    assert_eq!(
        r.fault_message(),
        format!("Volume type {id} could not be found.")
    );
    let r = cloud.delete(&format!("/types/{id}")).await;
    assert_eq!(r.status, 404);
    // The name is free again once the type is deleted.
    create_type(&cloud, json!({"volume_type": {"name": "gold"}})).await;
}

#[tokio::test]
async fn duplicate_names_unknown_types_and_bad_bodies() {
    let cloud = Cloud::builder().start().await;
    create_type(&cloud, json!({"volume_type": {"name": "gold"}})).await;
    let r = cloud
        .post("/types", json!({"volume_type": {"name": "gold"}}))
        .await;
    assert_eq!(r.status, 409);
    assert_eq!(
        r.json()["conflictingRequest"]["message"],
        "Volume Type gold already exists."
    );

    let silver = id_of(&create_type(&cloud, json!({"volume_type": {"name": "silver"}})).await);
    let r = cloud
        .put(
            &format!("/types/{silver}"),
            json!({"volume_type": {"name": "gold"}}),
        )
        .await;
    assert_eq!(r.status, 409);
    assert_eq!(r.fault_message(), "Volume Type gold already exists.");

    let bad: &[(Value, &str)] = &[
        (
            json!({"volume_type": {}}),
            "Invalid input for field/attribute volume_type. Value: {}. 'name' is a required property",
        ),
        (
            json!({"volume_type": {"name": ""}}),
            "Invalid input for field/attribute name. Value: . '' should be non-empty",
        ),
        (
            json!({"volume_type": {"name": "t", "extra_specs": {"k": 1}}}),
            "Invalid input for field/attribute k. Value: 1. 1 is not of type 'string', 'null'",
        ),
        (
            json!({"volume_type": {"name": "t", "x": 1}}),
            "Invalid input for field/attribute volume_type. Value: {'name': 't', 'x': 1}. \
             Additional properties are not allowed ('x' was unexpected)",
        ),
    ];
    for (body, message) in bad {
        let r = cloud.post("/types", body.clone()).await;
        assert_eq!(r.status, 400, "{body}: {}", r.text());
        assert_eq!(r.json()["badRequest"]["message"], *message, "{body}");
    }

    let r = cloud.get("/types/nope").await;
    assert_eq!(r.status, 404);
    assert_eq!(
        r.json()["itemNotFound"]["message"],
        "Volume type nope could not be found."
    );
    let r = cloud
        .put("/types/nope", json!({"volume_type": {"description": "x"}}))
        .await;
    assert_eq!(r.status, 404);
    let r = cloud.get("/types/nope/extra_specs").await;
    assert_eq!(r.status, 404);
    // Nothing was written by the refused requests.
    let r = cloud.get("/types?is_public=none").await;
    assert_eq!(r.json()["volume_types"].as_array().map(Vec::len), Some(3));
}

#[tokio::test]
async fn the_default_type_and_what_may_not_be_deleted() {
    let cloud = Cloud::builder().start().await;
    let r = cloud.get("/types/default").await;
    assert_eq!(r.status, 200, "{}", r.text());
    let default = r.json()["volume_type"].clone();
    assert_eq!(default["name"], "__DEFAULT__");
    assert_eq!(default["description"], "Default Volume Type");
    assert!(default.get("os-volume-type-access:is_public").is_none());
    let default_id = id_of(&default);

    let r = cloud.delete(&format!("/types/{default_id}")).await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.fault_message(),
        format!("The volume type {default_id} is a default volume type and cannot be deleted.")
    );

    let gold = id_of(&create_type(&cloud, json!({"volume_type": {"name": "gold"}})).await);
    volume_of_type(&cloud, &gold).await;
    let r = cloud.delete(&format!("/types/{gold}")).await;
    assert_eq!(r.status, 400);
    assert_eq!(r.fault_message(), "Target volume type is still in use.");
    let r = cloud
        .post(
            &format!("/types/{gold}/extra_specs"),
            json!({"extra_specs": {"a": "1"}}),
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.fault_message(), "Volume Type is currently in use.");
    let r = cloud.delete(&format!("/types/{gold}/extra_specs/a")).await;
    assert_eq!(r.status, 400);
}

#[tokio::test]
async fn a_missing_configured_default_is_a_server_error() {
    let cloud = Cloud::builder()
        .opt("default_volume_type", "missing")
        .start()
        .await;
    let r = cloud.get("/types/default").await;
    assert_eq!(r.status, 500);
    let gold = id_of(&create_type(&cloud, json!({"volume_type": {"name": "gold"}})).await);
    let r = cloud.delete(&format!("/types/{gold}")).await;
    assert_eq!(r.status, 500);
    assert_eq!(
        r.fault_message(),
        "The request cannot be fulfilled as the default volume type missing cannot be found."
    );
}

#[tokio::test]
async fn extra_specs_crud() {
    let cloud = Cloud::builder().start().await;
    let id = id_of(
        &create_type(
            &cloud,
            json!({"volume_type": {"name": "gold", "extra_specs": {"k": "v"}}}),
        )
        .await,
    );
    let base = format!("/types/{id}/extra_specs");

    let r = cloud.get(&base).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json(), json!({"extra_specs": {"k": "v"}}));

    let r = cloud
        .post(&base, json!({"extra_specs": {"a": "1", "k": "w"}}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json(), json!({"extra_specs": {"a": "1", "k": "w"}}));
    let r = cloud.get(&base).await;
    assert_eq!(r.json(), json!({"extra_specs": {"a": "1", "k": "w"}}));

    let r = cloud.get(&format!("{base}/a")).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json(), json!({"a": "1"}));

    let r = cloud.put(&format!("{base}/a"), json!({"a": "2"})).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json(), json!({"a": "2"}));
    let r = cloud.put(&format!("{base}/a"), json!({"b": "2"})).await;
    assert_eq!(r.status, 400);
    assert_eq!(r.fault_message(), "Request body and URI mismatch");
    let r = cloud
        .put(&format!("{base}/a"), json!({"a": "1", "b": "2"}))
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.fault_message(),
        "{'a': '1', 'b': '2'} has too many properties"
    );

    let r = cloud
        .post(&base, json!({"extra_specs": {"a b": "x"}}))
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.fault_message(),
        "Invalid input for field/attribute extra_specs. Value: {'a b': 'x'}. 'a b' does not \
         match any of the regexes: '^[a-zA-Z0-9-_:.]{1,255}$'"
    );
    let r = cloud
        .post(
            &base,
            json!({"extra_specs": {"multiattach": "<is> True", "cacheable": "<is> True"}}),
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.fault_message(),
        "cacheable cannot be set with multiattach."
    );

    let r = cloud.delete(&format!("{base}/a")).await;
    assert_eq!(r.status, 202);
    let r = cloud.get(&format!("{base}/a")).await;
    assert_eq!(r.status, 404);
    assert_eq!(
        r.fault_message(),
        format!("Volume Type {id} has no extra specs with key a.")
    );
    let r = cloud.delete(&format!("{base}/a")).await;
    assert_eq!(r.status, 404);
    assert_eq!(
        r.fault_message(),
        format!("Volume Type {id} has no extra specs with key a.")
    );
}

#[tokio::test]
async fn private_types_and_their_access_lists() {
    let cloud = Cloud::builder().identity_auth().start().await;
    let admin = cloud.as_caller(Caller::admin());
    let member = cloud.as_caller(Caller::member(PROJECT));
    let other = cloud.as_caller(Caller::member(OTHER_PROJECT));

    let r = admin
        .post(
            "/types",
            json!({"volume_type": {"name": "secret", "os-volume-type-access:is_public": false,
                   "extra_specs": {"volume_backend_name": "lvm",
                                   "RESKEY:availability_zones": "az1"}}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let secret = id_of(&r.json()["volume_type"]);
    assert_eq!(
        r.json()["volume_type"]["os-volume-type-access:is_public"],
        false
    );
    let access = format!("/types/{secret}/os-volume-type-access");
    let action = format!("/types/{secret}/action");

    // Members never see a private type that is not shared with them.
    assert_eq!(
        names(&member.get("/types").await.json()["volume_types"]),
        ["__DEFAULT__"]
    );
    let r = member.get(&format!("/types/{secret}")).await;
    assert_eq!(r.status, 404);
    assert_eq!(
        r.fault_message(),
        format!("Volume type {secret} could not be found.")
    );
    let r = member.get(&format!("/types/{secret}/extra_specs")).await;
    assert_eq!(r.status, 404);

    // Admins: public types (and private ones of their project) by default; the filter picks.
    assert_eq!(
        names(&admin.get("/types").await.json()["volume_types"]),
        ["__DEFAULT__"]
    );
    assert_eq!(
        names(&admin.get("/types?is_public=false").await.json()["volume_types"]),
        ["secret"]
    );
    assert_eq!(
        admin.get("/types?is_public=None").await.json()["volume_types"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    let r = admin.get("/types?is_public=maybe").await;
    assert_eq!(r.status, 400);
    assert_eq!(r.fault_message(), "Invalid is_public filter [maybe]");

    let r = admin.get(&access).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json(), json!({"volume_type_access": []}));
    let r = admin
        .post(
            &action,
            json!({"addProjectAccess": {"project": OTHER_PROJECT}}),
        )
        .await;
    assert_eq!(r.status, 202, "{}", r.text());
    let r = admin
        .post(
            &action,
            json!({"addProjectAccess": {"project": OTHER_PROJECT}}),
        )
        .await;
    assert_eq!(r.status, 409);
    assert_eq!(
        r.fault_message(),
        format!("Volume type access for {secret} / {OTHER_PROJECT} combination already exists.")
    );
    let r = admin.get(&access).await;
    assert_eq!(
        r.json(),
        json!({"volume_type_access": [{"volume_type_id": secret, "project_id": OTHER_PROJECT}]})
    );

    // The project it is shared with sees it, with the specs users may see and no QoS id.
    let listed = other.get("/types").await.json();
    let mut seen = names(&listed["volume_types"]);
    seen.sort();
    assert_eq!(seen, ["__DEFAULT__", "secret"]);
    let r = other.get(&format!("/types/{secret}")).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let shown = &r.json()["volume_type"];
    assert_eq!(
        shown["extra_specs"],
        json!({"RESKEY:availability_zones": "az1"})
    );
    assert!(shown.get("qos_specs_id").is_none());
    assert_eq!(shown["os-volume-type-access:is_public"], false);
    let r = other
        .get(&format!("/types/{secret}/extra_specs/volume_backend_name"))
        .await;
    assert_eq!(r.status, 404, "sensitive specs are hidden");

    // Members may not manage types or read access lists.
    let r = member
        .post("/types", json!({"volume_type": {"name": "mine"}}))
        .await;
    assert_eq!(r.status, 403);
    assert_eq!(
        r.fault_message(),
        "Policy doesn't allow volume_extension:type_create to be performed."
    );
    let r = other.get(&access).await;
    assert_eq!(r.status, 403);
    let r = other
        .post(
            &action,
            json!({"removeProjectAccess": {"project": OTHER_PROJECT}}),
        )
        .await;
    assert_eq!(r.status, 403);
    let r = other.delete(&format!("/types/{secret}")).await;
    assert_eq!(r.status, 403);

    let r = admin
        .post(
            &action,
            json!({"removeProjectAccess": {"project": OTHER_PROJECT}}),
        )
        .await;
    assert_eq!(r.status, 202, "{}", r.text());
    let r = admin
        .post(
            &action,
            json!({"removeProjectAccess": {"project": OTHER_PROJECT}}),
        )
        .await;
    assert_eq!(r.status, 404);
    assert_eq!(
        r.fault_message(),
        format!("Volume type access not found for {secret} / {OTHER_PROJECT} combination.")
    );
    assert_eq!(other.get(&format!("/types/{secret}")).await.status, 404);

    // Public types have no access list.
    let default = id_of(&admin.get("/types/default").await.json()["volume_type"]);
    let r = admin
        .get(&format!("/types/{default}/os-volume-type-access"))
        .await;
    assert_eq!(r.status, 404);
    assert_eq!(
        r.fault_message(),
        "Access list not available for public volume types."
    );
    let r = admin
        .post(
            &format!("/types/{default}/action"),
            json!({"addProjectAccess": {"project": "p"}}),
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.fault_message(),
        "Invalid volume type: Type access modification is not applicable to public volume type."
    );

    // Bad action bodies.
    let r = admin.post(&action, json!({"addProjectAccess": {}})).await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.fault_message(),
        "Invalid input for field/attribute addProjectAccess. Value: {}. 'project' is a required property"
    );
    let r = admin.post(&action, json!({"frobnicate": {}})).await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.fault_message(),
        "There is no such action: frobnicate. Verify the request body and Content-Type header \
         and try again."
    );
    let r = admin.post(&action, json!({"a": 1, "b": 2})).await;
    assert_eq!(r.status, 400);
    assert_eq!(r.fault_message(), "Malformed request body");
    let r = admin
        .post(
            "/types/nope/action",
            json!({"addProjectAccess": {"project": "p"}}),
        )
        .await;
    assert_eq!(r.status, 404);
}

#[tokio::test]
async fn list_pagination_sorting_and_filters() {
    let cloud = Cloud::builder().identity_auth().start().await;
    let admin = cloud.as_caller(Caller::admin());
    let member = cloud.as_caller(Caller::member(PROJECT));
    // Upper-case names sort before `__DEFAULT__` in every backend's collation.
    for (name, specs) in [
        ("A", json!({"RESKEY:availability_zones": "az1,az2"})),
        ("B", json!({"volume_backend_name": "x"})),
        ("C", json!({})),
    ] {
        let r = admin
            .post(
                "/types",
                json!({"volume_type": {"name": name, "extra_specs": specs}}),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text());
    }

    let r = admin.get("/types?limit=2&sort=name:asc").await;
    assert_eq!(r.status, 200, "{}", r.text());
    let page = r.json();
    assert_eq!(names(&page["volume_types"]), ["A", "B"]);
    let last = page["volume_types"][1]["id"]
        .as_str()
        .expect("id")
        .to_string();
    assert_eq!(
        page["volume_type_links"],
        json!([{"rel": "next", "href": format!(
            "http://127.0.0.1:8776/v3/{PROJECT}/types?limit=2&sort=name%3Aasc&marker={last}")}])
    );
    let r = admin
        .get(&format!("/types?limit=2&sort=name:asc&marker={last}"))
        .await;
    assert_eq!(names(&r.json()["volume_types"]), ["C", "__DEFAULT__"]);
    let r = admin
        .get("/types?sort_key=name&sort_dir=desc&offset=1")
        .await;
    assert_eq!(names(&r.json()["volume_types"]), ["C", "B", "A"]);
    let r = admin.get("/types?limit=0").await;
    assert_eq!(r.json(), json!({"volume_types": []}));

    for (query, message) in [
        ("limit=x", "limit param must be an integer"),
        ("limit=-1", "limit param must be positive"),
        ("offset=-1", "offset must be >= 0"),
        ("offset=a", "offset must be an integer"),
        (
            "sort=name&sort_key=name",
            "The 'sort_key' and 'sort_dir' parameters are deprecated and cannot be used with the \
             'sort' parameter.",
        ),
        (
            "sort=name:up",
            "Invalid input received: Unknown sort direction, must be 'desc' or 'asc'.",
        ),
        ("sort=foo", "Invalid input received: Invalid sort key"),
    ] {
        let r = admin.get(&format!("/types?{query}")).await;
        assert_eq!(r.status, 400, "{query}: {}", r.text());
        assert_eq!(r.fault_message(), message, "{query}");
    }

    // Admins filter on any column and on any extra spec (3.52); an unknown key matches nothing.
    assert_eq!(
        names(&admin.get("/types?name=B").await.json()["volume_types"]),
        ["B"]
    );
    assert_eq!(
        admin.get("/types?foo=bar").await.json(),
        json!({"volume_types": []})
    );
    let r = admin
        .at(
            "3.52",
            Method::GET,
            "/types?extra_specs=%7B%27volume_backend_name%27%3A%27x%27%7D",
            None,
        )
        .await;
    assert_eq!(names(&r.json()["volume_types"]), ["B"]);
    let r = admin
        .at(
            "3.52",
            Method::GET,
            "/types?extra_specs=%7B%27RESKEY%3Aavailability_zones%27%3A%27az2%27%7D",
            None,
        )
        .await;
    assert_eq!(names(&r.json()["volume_types"]), ["A"]);

    // Members: only is_public and extra_specs at 3.52, and only the user-visible specs.
    let r = member
        .at(
            "3.52",
            Method::GET,
            "/types?extra_specs=%7B%27volume_backend_name%27%3A%27x%27%7D",
            None,
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json(), json!({"volume_types": []}));
    let r = member
        .at(
            "3.52",
            Method::GET,
            "/types?extra_specs=%7B%22RESKEY%3Aavailability_zones%22%3A%22az1%22%7D",
            None,
        )
        .await;
    assert_eq!(names(&r.json()["volume_types"]), ["A"]);
    let r = member
        .at("3.52", Method::GET, "/types?name=A&all_tenants=1", None)
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.fault_message(),
        "Invalid filters name are found in query options."
    );
    let r = member.get("/types?name=A").await;
    assert_eq!(
        r.json()["volume_types"].as_array().map(Vec::len),
        Some(4),
        "ignored before 3.52"
    );
    let r = member.get("/types?is_public=false").await;
    assert_eq!(
        r.json()["volume_types"].as_array().map(Vec::len),
        Some(4),
        "members see public types"
    );
    let listed = member.get("/types").await.json();
    assert!(listed["volume_types"][0].get("qos_specs_id").is_none());
}

#[tokio::test]
async fn default_types_per_project() {
    let cloud = Cloud::builder().identity_auth().start().await;
    let admin = cloud.as_caller(Caller::admin());
    let other = cloud.as_caller(Caller::member(OTHER_PROJECT));
    let gold = id_of(&{
        let r = admin
            .post("/types", json!({"volume_type": {"name": "gold"}}))
            .await;
        assert_eq!(r.status, 200, "{}", r.text());
        r.json()["volume_type"].clone()
    });
    let item = format!("/default-types/{OTHER_PROJECT}");
    let set = json!({"default_type": {"volume_type": "gold"}});

    let r = admin
        .at("3.61", Method::PUT, &item, Some(set.clone()))
        .await;
    assert_eq!(r.status, 404, "not before 3.62");

    let r = admin
        .at("3.62", Method::PUT, &item, Some(set.clone()))
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let expected = json!({"default_type": {"project_id": OTHER_PROJECT, "volume_type_id": gold}});
    assert_eq!(r.json(), expected);
    let r = admin.at("3.62", Method::GET, &item, None).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json(), expected);
    let r = admin.at("3.62", Method::GET, "/default-types", None).await;
    assert_eq!(
        r.json(),
        json!({"default_types": [expected["default_type"].clone()]})
    );
    // Project-less URLs (3.67).
    let r = admin
        .at("3.67", Method::GET, "/v3/default-types", None)
        .await;
    assert_eq!(r.status, 200, "{}", r.text());

    // The project's volumes now default to gold, and gold may not be deleted.
    let r = other.get("/types/default").await;
    assert_eq!(r.json()["volume_type"]["name"], "gold");
    let r = admin.delete(&format!("/types/{gold}")).await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.fault_message(),
        format!("The volume type {gold} is a default volume type and cannot be deleted.")
    );

    let r = admin
        .at(
            "3.62",
            Method::PUT,
            &item,
            Some(json!({"default_type": {"volume_type": "nope"}})),
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.fault_message(),
        "Volume type with name nope could not be found."
    );
    let r = admin
        .at(
            "3.62",
            Method::PUT,
            &item,
            Some(json!({"default_type": {}})),
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.fault_message(),
        "Invalid input for field/attribute default_type. Value: {}. 'volume_type' is a required property"
    );

    // Members may not read or change defaults.
    let r = other.at("3.62", Method::GET, "/default-types", None).await;
    assert_eq!(r.status, 403);
    assert_eq!(
        r.fault_message(),
        "You are not authorized to perform this operation."
    );
    let r = other
        .at("3.62", Method::PUT, &item, Some(set.clone()))
        .await;
    assert_eq!(r.status, 403);
    assert_eq!(
        r.fault_message(),
        "You are not authorized to perform this operation."
    );

    let r = admin.at("3.62", Method::DELETE, &item, None).await;
    assert_eq!(r.status, 204, "{}", r.text());
    let r = admin.at("3.62", Method::GET, &item, None).await;
    assert_eq!(r.status, 404);
    assert_eq!(
        r.fault_message(),
        format!("Default type for project {OTHER_PROJECT} not found.")
    );
    let r = other.get("/types/default").await;
    assert_eq!(r.json()["volume_type"]["name"], "__DEFAULT__");
    let r = admin.delete(&format!("/types/{gold}")).await;
    assert_eq!(r.status, 202, "{}", r.text());
}

#[tokio::test]
async fn a_type_without_encryption() {
    let cloud = Cloud::builder().start().await;
    let id = id_of(&create_type(&cloud, json!({"volume_type": {"name": "plain"}})).await);
    let r = cloud.get(&format!("/types/{id}/encryption")).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json(), json!({}));
    let missing = format!("Volume type encryption for type {id} does not exist.");
    let r = cloud.get(&format!("/types/{id}/encryption/cipher")).await;
    assert_eq!(r.status, 404);
    assert_eq!(r.fault_message(), missing);
    let r = cloud
        .delete(&format!("/types/{id}/encryption/whatever"))
        .await;
    assert_eq!(r.status, 404);
    assert_eq!(r.fault_message(), missing);
    let r = cloud.get("/types/nope/encryption").await;
    assert_eq!(r.status, 404);
    assert_eq!(r.fault_message(), "Volume type nope could not be found.");
}

#[tokio::test]
async fn volumes_get_the_type_asked_for_or_the_default() {
    let cloud = Cloud::builder().identity_auth().start().await;
    let admin = cloud.as_caller(Caller::admin());
    let member = cloud.as_caller(Caller::member(PROJECT));
    let r = admin
        .post(
            "/types",
            json!({"volume_type": {"name": "secret", "os-volume-type-access:is_public": false}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let secret = id_of(&r.json()["volume_type"]);

    let r = member
        .post(
            "/volumes",
            json!({"volume": {"size": 1, "volume_type": "secret"}}),
        )
        .await;
    assert_eq!(r.status, 404, "{}", r.text());
    assert_eq!(
        r.fault_message(),
        "Volume type with name secret could not be found."
    );

    let r = admin
        .post(
            &format!("/types/{secret}/action"),
            json!({"addProjectAccess": {"project": PROJECT}}),
        )
        .await;
    assert_eq!(r.status, 202, "{}", r.text());
    let r = admin
        .at(
            "3.62",
            Method::PUT,
            &format!("/default-types/{PROJECT}"),
            Some(json!({"default_type": {"volume_type": secret}})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let r = member
        .post("/volumes", json!({"volume": {"size": 1}}))
        .await;
    assert_eq!(r.status, 202, "{}", r.text());
    assert_eq!(r.json()["volume"]["volume_type"], "secret");
    let r = member
        .post(
            "/volumes",
            json!({"volume": {"size": 1, "volume_type": "secret"}}),
        )
        .await;
    assert_eq!(r.status, 202, "shared now: {}", r.text());
}
