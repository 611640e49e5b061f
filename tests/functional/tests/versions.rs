//! The versions documents through the in-process stack.

use functional::Cloud;
use http::Method;

#[tokio::test]
async fn root_and_v3_documents() {
    let cloud = Cloud::builder().start().await;
    let r = cloud.get("/").await;
    assert_eq!(r.status, 300);
    assert_eq!(r.json()["versions"][0]["id"], "v3.0");
    let r = cloud.get("/v3/").await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.json()["versions"][0]["links"][1]["href"],
        "http://127.0.0.1:8776/v3/"
    );
}

#[tokio::test]
async fn identity_headers_make_the_context() {
    let cloud = Cloud::builder().identity_auth().start().await;
    let r = cloud.raw(Method::GET, "/v3/", &[], Vec::new()).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let reader = cloud.as_caller(functional::Caller::reader(functional::PROJECT));
    assert_eq!(reader.get("/v3/").await.status, 200);
}
