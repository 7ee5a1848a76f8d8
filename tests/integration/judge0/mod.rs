//! The Judge0-compatible API (`/judge0`): Judge0's error shapes, X-Auth-Token, several tests
//! compiled once, signed callbacks retried on 5xx, and the official Judge0 Python SDK against a
//! running CodeRank with workers.

use std::{
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{body::Bytes, http::HeaderMap, http::StatusCode as AxumStatus, routing::put, Router};
use base64::Engine as _;
use hmac::{Hmac, Mac};
use reqwest::{Method, StatusCode};
use secrecy::SecretString;
use serde_json::{json, Value};
use sha2::Sha256;

use crate::{
    helpers::{eventually, fresh_database, serve_process, services, spawn_app, AppOptions, TestApp},
    submissions::WorkerProcess,
};

const PASSWORD: &str = "correct horse battery";

/// Registers a user and mints a personal API token (`crk_…`) for them.
async fn api_token(app: &TestApp, email: &str) -> String {
    let tokens = app.register(email, PASSWORD).await;
    let access = tokens["access_token"].as_str().expect("access_token");
    let response = app
        .call(
            Method::POST,
            "/api/v1/tokens",
            Some(access),
            Some(json!({ "name": "judge0" })),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let body: Value = response.json().await.expect("JSON");
    body["token"].as_str().expect("token").to_owned()
}

/// Sends a Judge0 request with `X-Auth-Token`.
async fn judge0(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, String) {
    let mut request = app.client.request(method, app.url(&format!("/judge0{path}")));
    if let Some(token) = token {
        request = request.header("X-Auth-Token", token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("request");
    let status = response.status();
    (status, response.text().await.expect("body"))
}

fn parsed(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|err| panic!("not JSON ({err}): {body}"))
}

/// `POST /submissions?wait=true` with `query` after it (`&fields=…`): the judged submission,
/// parsed, and its text for assertion messages.
async fn create_and_wait(app: &TestApp, token: &str, query: &str, request: Value) -> (Value, String) {
    let path = format!("/submissions?wait=true{query}");
    let (status, body) = judge0(app, Method::POST, &path, Some(token), Some(request)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    (parsed(&body), body)
}

#[tokio::test]
async fn judge0_requests_are_refused_in_judge0s_own_shapes() {
    let app = spawn_app(AppOptions::default()).await;
    let token = api_token(&app, "judge0-errors@example.org").await;
    let hello = json!({ "source_code": "print(1)", "language_id": 71 });

    // X-Auth-Token: missing or not a live API token → 401 with no body, as Judge0.
    let (status, body) = judge0(&app, Method::POST, "/submissions", None, Some(hello.clone())).await;
    assert_eq!((status, body.as_str()), (StatusCode::UNAUTHORIZED, ""));
    let forged = "crk_notarealtokenatall";
    let (status, _) = judge0(
        &app,
        Method::POST,
        "/submissions",
        Some(forged),
        Some(hello.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, body) = judge0(&app, Method::POST, "/submissions", Some(&token), Some(hello)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert!(parsed(&body)["token"].is_string(), "{body}");

    // An unknown language, and limits above the maxima → 422 {"field": ["…"]}.
    let unknown = json!({ "source_code": "x", "language_id": 9999 });
    let (status, body) = judge0(&app, Method::POST, "/submissions", Some(&token), Some(unknown)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        parsed(&body),
        json!({ "language_id": ["language with id 9999 doesn't exist"] })
    );
    let greedy = json!({
        "source_code": "print(1)", "language_id": 71,
        "cpu_time_limit": 100, "memory_limit": 99_999_999, "wall_time_limit": "abc"
    });
    let (status, body) = judge0(&app, Method::POST, "/submissions", Some(&token), Some(greedy)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        parsed(&body),
        json!({
            "cpu_time_limit": ["must be less than or equal to 15.0"],
            "memory_limit": ["must be less than or equal to 512000"],
            "wall_time_limit": ["is not a number"],
        })
    );
    let blank = json!({ "language_id": 71 });
    let (status, body) = judge0(&app, Method::POST, "/submissions", Some(&token), Some(blank)).await;
    assert_eq!(
        (status, parsed(&body)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({ "source_code": ["can't be blank"] })
        )
    );

    // Bad base64 → 400 {"error": "…"}.
    let garbled = json!({ "source_code": "%%%not base64%%%", "language_id": 71 });
    let (status, body) = judge0(
        &app,
        Method::POST,
        "/submissions?base64_encoded=true",
        Some(&token),
        Some(garbled),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(parsed(&body)["error"], "source_code is not valid base64");
    let latin1 = base64::engine::general_purpose::STANDARD.encode([0xe9u8, 0x0a]);
    let source = base64::engine::general_purpose::STANDARD.encode("print(1)");
    let (status, body) = judge0(
        &app,
        Method::POST,
        "/submissions?base64_encoded=true",
        Some(&token),
        Some(json!({ "source_code": source, "stdin": latin1, "language_id": 71 })),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        parsed(&body)["error"]
            .as_str()
            .is_some_and(|error| error.contains("UTF-8")),
        "{body}"
    );

    // Unknown tokens and fields; batches out of bounds.
    let missing = format!("/submissions/{}", uuid::Uuid::new_v4());
    let (status, body) = judge0(&app, Method::GET, &missing, Some(&token), None).await;
    assert_eq!(
        (status, parsed(&body)),
        (StatusCode::NOT_FOUND, json!({ "error": "not found" }))
    );
    let (status, body) = judge0(
        &app,
        Method::GET,
        &format!("{missing}?fields=stdout,nope"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(
        (status, parsed(&body)),
        (
            StatusCode::BAD_REQUEST,
            json!({ "error": "invalid fields: [nope]" })
        )
    );
    let (status, body) = judge0(
        &app,
        Method::POST,
        "/submissions/batch",
        Some(&token),
        Some(json!({ "submissions": [] })),
    )
    .await;
    assert_eq!(
        (status, parsed(&body)),
        (
            StatusCode::BAD_REQUEST,
            json!({ "error": "there should be at least one submission in a batch" })
        )
    );

    // Submissions share the playground's per-user limit (burst 10 in tests; one spent above).
    let mut limited = None;
    for _ in 0..12 {
        let hello = json!({ "source_code": "print(1)", "language_id": 71 });
        let (status, body) = judge0(&app, Method::POST, "/submissions", Some(&token), Some(hello)).await;
        if status == StatusCode::TOO_MANY_REQUESTS {
            limited = Some(body);
            break;
        }
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let limited = limited.expect("the rate limit stops a burst");
    assert!(parsed(&limited)["error"]
        .as_str()
        .is_some_and(|error| error.contains("playground runs")));

    // What anyone may read.
    let (status, body) = judge0(&app, Method::GET, "/languages", None, None).await;
    assert_eq!(status, StatusCode::OK);
    let languages = parsed(&body);
    for id in [50, 54, 62, 63, 71, 73, 60, 72, 51, 61] {
        assert!(
            languages
                .as_array()
                .expect("array")
                .iter()
                .any(|language| language["id"] == id),
            "{id}: {body}"
        );
    }
    let (_, body) = judge0(&app, Method::GET, "/statuses", None, None).await;
    assert_eq!(
        parsed(&body)[6],
        json!({ "id": 7, "description": "Runtime Error (SIGSEGV)" })
    );
}

/// Each request a receiver got: its body and its signature header.
type Calls = Arc<Mutex<Vec<(Bytes, Option<String>)>>>;

#[tokio::test]
async fn runtime_errors_are_told_apart_by_signal_as_judge0_does() {
    let app = spawn_app(AppOptions {
        workers: 1,
        ..AppOptions::default()
    })
    .await;
    let token = api_token(&app, "judge0-signals@example.org").await;
    let cases = [
        (
            "int main() { volatile int *p = 0; *p = 1; return 0; }\n",
            7,
            Some(11),
        ),
        (
            "int main() { volatile int zero = 0, seven = 7; return seven / zero; }\n",
            9,
            Some(8),
        ),
        ("#include <stdlib.h>\nint main() { abort(); }\n", 10, Some(6)),
        ("int main() { return 3; }\n", 11, None),
    ];
    for (source, status_id, signal) in cases {
        let request = json!({ "source_code": source, "language_id": 50 });
        let (submission, body) = create_and_wait(
            &app,
            &token,
            "&fields=status,exit_code,exit_signal,message",
            request,
        )
        .await;
        assert_eq!(submission["status"]["id"], status_id, "{source}: {body}");
        assert_eq!(submission["exit_signal"], json!(signal), "{source}: {body}");
        if signal.is_none() {
            assert_eq!(submission["exit_code"], 3, "{body}");
            assert_eq!(submission["message"], "Exited with error status 3");
        }
    }
}

#[tokio::test]
async fn the_stack_limit_is_applied_and_shown() {
    let app = spawn_app(AppOptions {
        workers: 1,
        ..AppOptions::default()
    })
    .await;
    let token = api_token(&app, "judge0-stack@example.org").await;
    // 24 frames of 1 MiB each, every page touched from the top down as the stack grows.
    let source = r#"#include <stdio.h>
static int deep(int n) {
    volatile char frame[1 << 20];
    for (long i = sizeof frame - 1; i >= 0; i -= 4096) frame[i] = (char) n;
    frame[0] = (char) n;
    return n == 0 ? 0 : deep(n - 1) + frame[0] - n + 1;
}
int main() { printf("%d\n", deep(24)); return 0; }
"#;
    // (stack_limit asked for, shown, status: 24 MiB of stack fits in Judge0's default of
    // 64 000 KiB and in 32 000, not in 8 000).
    let cases = [
        (None, 64_000, 3),
        (Some(32_000), 32_000, 3),
        (Some(8_000), 8_000, 7),
    ];
    for (asked, shown, status_id) in cases {
        let mut request = json!({ "source_code": source, "language_id": 50 });
        if let Some(kb) = asked {
            request["stack_limit"] = json!(kb);
        }
        let (submission, body) = create_and_wait(
            &app,
            &token,
            "&fields=status,stdout,stack_limit,exit_signal",
            request,
        )
        .await;
        assert_eq!(
            submission["status"]["id"], status_id,
            "stack_limit {asked:?}: {body}"
        );
        assert_eq!(submission["stack_limit"], shown, "{body}");
        if status_id == 3 {
            assert_eq!(submission["stdout"], "24\n", "{body}");
        } else {
            assert_eq!(submission["exit_signal"], 11, "{body}");
        }
    }
}

#[tokio::test]
async fn the_official_judge0_python_sdk_runs_against_coderank() {
    let app = spawn_app(AppOptions {
        workers: 2,
        ..AppOptions::default()
    })
    .await;
    let token = api_token(&app, "judge0-sdk@example.org").await;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let pytools = tokio::process::Command::new(root.join("scripts/pytools"))
        .output()
        .await
        .expect("scripts/pytools runs");
    assert!(
        pytools.status.success(),
        "{}",
        String::from_utf8_lossy(&pytools.stderr)
    );
    let bin = String::from_utf8_lossy(&pytools.stdout).trim().to_owned();
    let run = tokio::process::Command::new(format!("{bin}/python"))
        .arg(root.join("tests/judge0/sdk_check.py"))
        .args(["--url", &app.url("/judge0"), "--token", &token])
        .output();
    let output = tokio::time::timeout(Duration::from_secs(300), run)
        .await
        .expect("the SDK checks finish in time")
        .expect("python runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("all Judge0 SDK checks passed"), "{stdout}");
}

mod callbacks;
