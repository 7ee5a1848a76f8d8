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

/// A callback receiver: answers 500 to the first request and 200 after, keeping each body and
/// signature header.
#[derive(Clone, Default)]
struct Receiver {
    calls: Calls,
}

impl Receiver {
    async fn start(&self) -> SocketAddr {
        let calls = Arc::clone(&self.calls);
        let app = Router::new().route(
            "/hook",
            put(move |headers: HeaderMap, body: Bytes| {
                let calls = Arc::clone(&calls);
                async move {
                    let signature = headers
                        .get("x-coderank-signature")
                        .and_then(|value| value.to_str().ok())
                        .map(str::to_owned);
                    let mut calls = calls.lock().expect("lock");
                    calls.push((body, signature));
                    if calls.len() == 1 {
                        AxumStatus::INTERNAL_SERVER_ERROR
                    } else {
                        AxumStatus::OK
                    }
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = listener.local_addr().expect("address");
        tokio::spawn(async move { axum::serve(listener, app).await });
        address
    }

    /// Whether `count` requests have come within `within`.
    async fn got(&self, count: usize, within: Duration) -> bool {
        eventually(within, || {
            let calls = Arc::clone(&self.calls);
            async move { calls.lock().expect("lock").len() >= count }
        })
        .await
    }
}

#[tokio::test]
async fn several_tests_are_judged_at_once_and_the_signed_callback_is_retried_after_a_500() {
    let secret = "callback-secret-for-tests";
    let app = spawn_app(AppOptions {
        workers: 1,
        judge0: Some(coderank::config::Judge0Config {
            judge0_callback_secret: Some(SecretString::from(secret)),
            // The receiver listens on loopback, which callbacks may reach only when allowed.
            judge0_callback_allow: vec!["127.0.0.1/32".parse().expect("network")],
            ..Default::default()
        }),
        ..AppOptions::default()
    })
    .await;
    let token = api_token(&app, "judge0-tests@example.org").await;
    let receiver = Receiver::default();
    let address = receiver.start().await;

    // C++ compiled once, three tests: the second expects the wrong answer.
    let source = "#include <iostream>\nint main() { long a, b; std::cin >> a >> b; std::cout << a + b << \"  \\n\\n\"; }\n";
    let request = json!({
        "source_code": source,
        "language_id": 54,
        "test_cases": [
            { "stdin": "1 2", "expected_output": "3" },
            { "stdin": "2 2", "expected_output": "5" },
            { "stdin": "40 2", "expected_output": "42\n" },
        ],
        "callback_url": format!("http://{address}/hook"),
    });
    let (submission, body) = create_and_wait(&app, &token, "", request).await;
    assert_eq!(
        submission["status"]["id"], 4,
        "the first failing test shows: {body}"
    );
    let statuses: Vec<&Value> = submission["test_cases"]
        .as_array()
        .expect("test_cases")
        .iter()
        .map(|test| &test["status"]["id"])
        .collect();
    assert_eq!(statuses, [&json!(3), &json!(4), &json!(3)], "{body}");
    assert_eq!(submission["test_cases"][2]["stdout"], "42  \n\n");
    let token_of_run = submission["token"].as_str().expect("token").to_owned();

    // The callback: a 500, then delivered again (after a 1 s backoff) and signed.
    let delivered = receiver.got(2, Duration::from_secs(20)).await;
    assert!(
        delivered,
        "two attempts expected, got {}",
        receiver.calls.lock().expect("lock").len()
    );
    let (body, signature) = receiver.calls.lock().expect("lock")[1].clone();
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("key");
    mac.update(&body);
    let expected: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    assert_eq!(signature, Some(format!("sha256={expected}")));
    let called: Value = serde_json::from_slice(&body).expect("JSON");
    assert_eq!(called["token"], token_of_run.as_str());
    assert_eq!(called["status"]["id"], 4);
    assert_eq!(
        receiver.calls.lock().expect("lock").len(),
        2,
        "no attempt after a 200"
    );

    // Another user cannot read the submission.
    let other = api_token(&app, "judge0-other@example.org").await;
    let (status, _) = judge0(
        &app,
        Method::GET,
        &format!("/submissions/{token_of_run}"),
        Some(&other),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// By default a callback may not reach this host's own services, its private network or a
/// cloud's metadata address: an address in the URL is refused with Judge0's 422, and a name
/// that resolves only to such addresses is never called (the run is still judged and readable).
#[tokio::test]
async fn a_callback_to_a_non_public_address_is_refused_unless_allowed() {
    let app = spawn_app(AppOptions {
        workers: 1,
        ..AppOptions::default()
    })
    .await;
    let token = api_token(&app, "judge0-reach@example.org").await;
    let receiver = Receiver::default();
    let address = receiver.start().await;

    for url in [
        format!("http://{address}/hook"),
        "http://169.254.169.254/latest/meta-data/".to_owned(),
        "http://[::1]:8080/hook".to_owned(),
        "http://10.0.0.1/hook".to_owned(),
    ] {
        let request = json!({ "source_code": "print(1)", "language_id": 71, "callback_url": url });
        let (status, body) = judge0(&app, Method::POST, "/submissions", Some(&token), Some(request)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{url}: {body}");
        let message = parsed(&body)["callback_url"][0]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(message.contains("not a public address"), "{url}: {body}");
    }

    // `localhost` passes the check on the URL, but resolves only to loopback: never called.
    let url = format!("http://localhost:{}/hook", address.port());
    let request = json!({ "source_code": "print(1)", "language_id": 71, "callback_url": url });
    let (submission, body) = create_and_wait(&app, &token, "", request).await;
    assert_eq!(submission["status"]["id"], 3, "the run is judged: {body}");
    let called = receiver.got(1, Duration::from_secs(3)).await;
    assert!(!called, "a callback reached a loopback receiver");
}

/// A callback outlives the API process that took its submission: that process is killed
/// before the run is judged, and another one sends the callback once a worker has judged it
/// (retried after a 500 as usual, and sent no more after the 200).
#[tokio::test]
async fn a_callback_is_sent_even_when_the_api_process_that_took_it_was_killed() {
    let database = fresh_database(&services()).await;
    let allow = [("CODERANK_JUDGE0_CALLBACK_ALLOW", "127.0.0.1")];
    // No judging slots: the run waits in the queue while this process is killed.
    let mut first = serve_process(&database, &allow).await;
    let client = reqwest::Client::new();
    let registered = first.register("callbacks@example.org", PASSWORD).await;
    let access = registered["access_token"].as_str().expect("access_token");
    let created: Value = client
        .post(format!("{}/api/v1/tokens", first.base))
        .bearer_auth(access)
        .json(&json!({ "name": "judge0" }))
        .send()
        .await
        .expect("a token")
        .json()
        .await
        .expect("JSON");
    let token = created["token"].as_str().expect("token");
    let receiver = Receiver::default();
    let address = receiver.start().await;
    let response = client
        .post(format!("{}/judge0/submissions", first.base))
        .header("X-Auth-Token", token)
        .json(&json!({
            "source_code": "print(input())",
            "language_id": 71,
            "stdin": "durable",
            "callback_url": format!("http://{address}/hook"),
        }))
        .send()
        .await
        .expect("submit");
    assert_eq!(response.status(), StatusCode::CREATED);
    let submitted: Value = response.json().await.expect("JSON");
    let run_token = submitted["token"].as_str().expect("token").to_owned();
    first.kill();

    let _second = serve_process(&database, &allow).await;
    let _worker = WorkerProcess::start(&database, 1, 10);
    let delivered = receiver.got(2, Duration::from_secs(120)).await;
    assert!(delivered, "the callback was not sent after the restart");
    // Time for a wrong third attempt to show.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let calls = receiver.calls.lock().expect("lock").clone();
    assert_eq!(calls.len(), 2, "a 500, then one delivery");
    let called: Value = serde_json::from_slice(&calls[1].0).expect("JSON");
    assert_eq!(called["token"], run_token.as_str());
    assert_eq!(called["status"]["id"], 3, "{called}");
    let stdout = base64::engine::general_purpose::STANDARD
        .decode(called["stdout"].as_str().expect("stdout"))
        .expect("base64");
    assert_eq!(stdout, b"durable\n");
}

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
