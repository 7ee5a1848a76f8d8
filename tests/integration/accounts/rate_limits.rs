//! Rate limits: registration past its burst gets 429, and the sign-in limit spans server processes.

use std::{
    process::{Command, Stdio},
    time::Duration,
};

use reqwest::{header, Method, StatusCode};
use serde_json::{json, Value};

use super::{count, PASSWORD};
use crate::helpers::{accounts_config, eventually, fresh_database, services, spawn_app_with};

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

/// A `coderank serve` process on a free port, killed when dropped.
struct ServerProcess {
    child: std::process::Child,
    base: String,
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn serve_process(database_url: &str, env: &[(&str, &str)]) -> ServerProcess {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let services = services();
    let child = Command::new(env!("CARGO_BIN_EXE_coderank"))
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .env("DATABASE_URL", database_url)
        .env("S3_ENDPOINT", &services.s3_endpoint)
        .env("CODERANK_LOG", "warn")
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .spawn()
        .expect("start coderank serve");
    let server = ServerProcess {
        child,
        base: format!("http://127.0.0.1:{port}"),
    };
    let client = reqwest::Client::new();
    let up = eventually(Duration::from_secs(30), || {
        let request = client.get(format!("{}/healthz", server.base)).send();
        async move { request.await.is_ok_and(|response| response.status() == 200) }
    })
    .await;
    assert!(up, "coderank serve did not come up on port {port}");
    server
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
