//! Rate limits: registration past its burst gets 429, and the sign-in limit spans server processes.

use reqwest::{header, Method, StatusCode};
use serde_json::{json, Value};

use super::{count, PASSWORD};
use crate::helpers::{
    accounts_config, fresh_database, serve_process, services, spawn_app_with, ServerProcess,
};

#[tokio::test]
async fn registrations_past_the_burst_get_429_with_retry_after() {
    let app = spawn_app_with(coderank::config::AccountsConfig {
        rate_register: "2/h:2".parse().expect("rate"),
        ..accounts_config()
    })
    .await;
    app.register("r1@example.org", PASSWORD).await;
    app.register("r2@example.org", PASSWORD).await;
    let third = app
        .call(
            Method::POST,
            "/api/v1/auth/register",
            None,
            Some(json!({ "email": "r3@example.org", "password": PASSWORD, "display_name": "R" })),
        )
        .await;
    assert_eq!(third.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = third.headers()[header::RETRY_AFTER]
        .to_str()
        .expect("text")
        .parse()
        .expect("seconds");
    assert!((1..=1800).contains(&retry_after), "{retry_after}");
    let body: Value = third.json().await.expect("JSON");
    assert_eq!(body["error"]["code"], "too_many_requests");
    assert_eq!(body["error"]["details"]["retry_after_secs"], retry_after);
    assert_eq!(count(&app, "users").await, 2);
}

#[tokio::test]
async fn the_sign_in_limit_holds_across_two_server_processes() {
    let database = fresh_database(&services()).await;
    let limit = [("CODERANK_RATE_LOGIN", "4/h:4")];
    let first = serve_process(&database, &limit).await;
    let second = serve_process(&database, &limit).await;
    let client = reqwest::Client::new();
    let attempt = |server: &ServerProcess| {
        client
            .post(format!("{}/api/v1/auth/login", server.base))
            .json(&json!({ "email": "nobody@example.org", "password": PASSWORD }))
            .send()
    };
    // Four attempts, two at each process: each process alone is under the limit of four.
    for server in [&first, &second, &first, &second] {
        let response = attempt(server).await.expect("request");
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    for server in [&first, &second] {
        let response = attempt(server).await.expect("request");
        assert_eq!(
            response.status(),
            StatusCode::TOO_MANY_REQUESTS,
            "{}",
            server.base
        );
        assert!(response.headers().contains_key(header::RETRY_AFTER));
    }
}
