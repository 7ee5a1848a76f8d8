//! The playground: programs run by the workers, each run shown to its owner only.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use super::{get_json, token, WorkerProcess, PASSWORD, SYNTAX_ERROR_CPP};
use crate::helpers::{eventually, fresh_database, serve_process, services, spawn_app, AppOptions, TestApp};

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

#[tokio::test]
async fn playground_runs_in_flight_when_the_api_is_killed_are_judged_once_by_the_workers() {
    let database = fresh_database(&services()).await;
    // An API process without judging slots: the runs wait in the queue while it answers.
    let mut first = serve_process(&database, &[]).await;
    let client = reqwest::Client::new();
    let registered = first.register("runner@example.org", PASSWORD).await;
    let bearer = token(&registered);
    let sources: Vec<String> = (0..3).map(|n| format!("print({n} * 7)\n")).collect();
    let requests: Vec<_> = sources
        .iter()
        .map(|source| {
            client
                .post(format!("{}/api/v1/runs", first.base))
                .bearer_auth(&bearer)
                .json(&json!({ "language": "python3", "source": source }))
                .send()
        })
        .collect();
    let waiting = tokio::spawn(futures::future::join_all(requests));
    let db = sqlx::PgPool::connect(&database).await.expect("the database");
    let recorded = eventually(Duration::from_secs(20), || async {
        let queued: i64 = sqlx::query_scalar("SELECT count(*) FROM runs")
            .fetch_one(&db)
            .await
            .expect("count");
        queued == 3
    })
    .await;
    assert!(recorded, "the runs were not recorded");
    // Killed while the three requests wait for their results.
    first.kill();
    let cut_off = waiting.await.expect("the requests");
    assert!(
        cut_off.iter().all(Result::is_err),
        "a request was answered without a worker: {cut_off:?}"
    );

    // A new API process and a worker: every run is judged, once, and its owner reads it.
    let second = serve_process(&database, &[]).await;
    let _worker = WorkerProcess::start(&database, 1, 10);
    let ids: Vec<(String, String)> = sqlx::query_as("SELECT id::text, source FROM runs ORDER BY created_at")
        .fetch_all(&db)
        .await
        .expect("the runs");
    for (id, source) in ids {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
        let body = loop {
            let body: Value = client
                .get(format!("{}/api/v1/runs/{id}", second.base))
                .bearer_auth(&bearer)
                .send()
                .await
                .expect("GET the run")
                .json()
                .await
                .expect("JSON");
            if body["status"] == "finished" {
                break body;
            }
            assert!(tokio::time::Instant::now() < deadline, "run not judged: {body}");
            tokio::time::sleep(Duration::from_millis(300)).await;
        };
        let n: u32 = source[6..7].parse().expect("the digit");
        assert_eq!(body["result"]["status"], "OK", "{body}");
        assert_eq!(body["result"]["stdout"], format!("{}\n", n * 7), "{body}");
    }
    let unfinished: i64 = sqlx::query_scalar("SELECT count(*) FROM runs WHERE status <> 'finished'")
        .fetch_one(&db)
        .await
        .expect("count");
    assert_eq!(unfinished, 0);
}
