//! The playground: programs run by the workers, each run shown to its owner only.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use super::{get_json, token, PASSWORD, SYNTAX_ERROR_CPP};
use crate::helpers::{spawn_app, AppOptions, TestApp};

/// Runs a program in the playground; answers the run's id and its finished result.
async fn run(app: &TestApp, bearer: &str, language: &str, source: &str, stdin: &str) -> (String, Value) {
    let response = app
        .call(
            Method::POST,
            "/api/v1/runs",
            Some(bearer),
            Some(json!({ "language": language, "source": source, "stdin": stdin })),
        )
        .await;
    let status = response.status();
    let mut body: Value = response.json().await.expect("JSON");
    assert!(
        status == StatusCode::OK || status == StatusCode::ACCEPTED,
        "{status}: {body}"
    );
    let id = body["id"].as_str().expect("id").to_owned();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    while body["status"] != "finished" {
        assert!(tokio::time::Instant::now() < deadline, "run not done: {body}");
        tokio::time::sleep(Duration::from_millis(300)).await;
        body = get_json(app, &format!("/api/v1/runs/{id}"), Some(bearer)).await;
    }
    (id, body["result"].clone())
}

#[tokio::test]
async fn the_playground_runs_programs_and_shows_each_run_to_its_owner_only() {
    // Runs are judged by the workers, as submissions are.
    let app = spawn_app(AppOptions {
        workers: 1,
        ..AppOptions::default()
    })
    .await;
    let alice = token(&app.register("alice@example.org", PASSWORD).await);
    let bob = token(&app.register("bob@example.org", PASSWORD).await);

    let stdin = "hello, playground\nsecond line\n";
    let echo = "import sys\nsys.stdout.write(sys.stdin.read())\n";
    let (echo_id, result) = run(&app, &alice, "python3", echo, stdin).await;
    assert_eq!(result["status"], "OK", "{result}");
    assert_eq!(result["stdout"], stdin, "{result}");
    assert_eq!(result["exit_code"], 0, "{result}");

    let (_, result) = run(&app, &alice, "cpp", SYNTAX_ERROR_CPP, "").await;
    assert_eq!(result["status"], "CE", "{result}");
    let output = result["compile_output"].as_str().expect("compile output");
    assert!(output.contains("error"), "{output}");

    let (_, result) = run(&app, &alice, "python3", "while True:\n    pass\n", "").await;
    assert_eq!(result["status"], "TLE", "{result}");

    let path = format!("/api/v1/runs/{echo_id}");
    assert_eq!(
        get_json(&app, &path, Some(&alice)).await["result"]["stdout"],
        stdin
    );
    let other = app.call(Method::GET, &path, Some(&bob), None).await;
    assert_eq!(other.status(), StatusCode::NOT_FOUND);
    let anonymous = app.call(Method::GET, &path, None, None).await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}
