//! The JSON error envelope and request ids, which every later endpoint relies on.

use serde_json::Value;

use crate::helpers::{spawn_app, AppOptions};

#[tokio::test]
async fn an_unknown_route_answers_404_in_the_json_envelope() {
    let app = spawn_app(AppOptions::default()).await;
    let response = app.get("/api/v1/no-such-thing").await;
    assert_eq!(response.status(), 404);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap_or_default()
        .starts_with("application/json"));
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(body["error"]["code"], "not_found");
    assert_eq!(body["error"]["message"], "no route for GET /api/v1/no-such-thing");
}

#[tokio::test]
async fn a_wrong_method_answers_405_in_the_json_envelope() {
    let app = spawn_app(AppOptions::default()).await;
    let response = app
        .client
        .post(app.url("/healthz"))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 405);
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(body["error"]["code"], "method_not_allowed");
    assert_eq!(body["error"]["message"], "POST is not allowed on /healthz");
}

#[tokio::test]
async fn every_response_carries_a_request_id_and_a_given_one_is_echoed() {
    let app = spawn_app(AppOptions::default()).await;
    let first = app.get("/healthz").await;
    let second = app.get("/no-such-page").await;
    let id = |response: &reqwest::Response| {
        response.headers()["x-request-id"]
            .to_str()
            .expect("ascii")
            .to_owned()
    };
    assert_eq!(id(&first).len(), 36, "a UUID");
    assert_ne!(id(&first), id(&second));

    let echoed = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "trace-me-42")
        .send()
        .await
        .expect("request");
    assert_eq!(id(&echoed), "trace-me-42");
}
