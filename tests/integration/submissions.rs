//! Submissions end to end: HTTP → queue → worker → Docker → verdict, watched over WebSocket.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{problems_config, services, spawn_app, storage_config, AppOptions, TestApp};

const PASSWORD: &str = "correct horse battery";

/// Imports `problems/<name>` into the app's database and store, published.
pub async fn import_sample(app: &TestApp, name: &str) {
    let db = app.db().await;
    let store = coderank::storage::open(&storage_config(&services()))
        .await
        .expect("the store");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("problems")
        .join(name);
    let options = coderank::problems::import::ImportOptions {
        publish: true,
        ..Default::default()
    };
    coderank::problems::import::import_dir(&db, &store, &problems_config(), &root, options)
        .await
        .expect("import the sample problem");
}

fn token(tokens: &Value) -> String {
    tokens["access_token"].as_str().expect("access_token").to_owned()
}

pub async fn submit(
    app: &TestApp,
    bearer: &str,
    problem: &str,
    language: &str,
    source: &str,
) -> reqwest::Response {
    app.call(
        Method::POST,
        "/api/v1/submissions",
        Some(bearer),
        Some(json!({ "problem": problem, "language": language, "source": source })),
    )
    .await
}

/// Polls a submission until its status is `finished`; answers it.
pub async fn finished(app: &TestApp, bearer: &str, id: &str) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    loop {
        let response = app
            .call(
                Method::GET,
                &format!("/api/v1/submissions/{id}"),
                Some(bearer),
                None,
            )
            .await;
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.expect("JSON");
        if body["status"] == "finished" {
            return body;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "not judged in time: {body}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

const APLUSB_PY: &str = "a, b = map(int, input().split())\nprint(a + b)\n";
const APLUSB_PY_WRONG: &str = "a, b = map(int, input().split())\nprint(a - b)\n";

#[tokio::test]
async fn an_accepted_python_submission_is_judged_by_the_worker_in_the_app() {
    let app = spawn_app(AppOptions {
        workers: 1,
        ..AppOptions::default()
    })
    .await;
    import_sample(&app, "aplusb").await;
    let user = token(&app.register("sub@example.org", PASSWORD).await);
    let response = submit(&app, &user, "aplusb", "python3", APLUSB_PY).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let id = response.json::<Value>().await.expect("JSON")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let judged = finished(&app, &user, &id).await;
    assert_eq!(judged["verdict"], "AC", "{judged}");
    assert_eq!(judged["source"], APLUSB_PY);
    assert!(judged["tests"].as_array().is_some_and(|tests| !tests.is_empty()));

    let wrong = submit(&app, &user, "aplusb", "python3", APLUSB_PY_WRONG).await;
    let id = wrong.json::<Value>().await.expect("JSON")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let judged = finished(&app, &user, &id).await;
    assert_eq!(judged["verdict"], "WA", "{judged}");
    let sample = &judged["tests"][0]["sample"];
    assert!(sample["diff"].is_string(), "{judged}");
    assert!(sample["input"].is_string() && sample["expected"].is_string() && sample["output"].is_string());
}
