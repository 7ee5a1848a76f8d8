//! Submitting: a program judged AC then WA, and bad submissions refused with a 4xx, nothing stored.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use super::{
    count, echo_problem, finished, import_sample, submit, submit_ok, token, APLUSB_PY, APLUSB_PY_WRONG,
    ECHO_PY, PASSWORD,
};
use crate::helpers::{fresh_database, services, spawn_app, AppOptions};

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
    // The problem list marks it solved for this user, and says nothing to anonymous callers.
    let listed: Value = app
        .call(Method::GET, "/api/v1/problems", Some(&user), None)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(listed["items"][0]["solved"], true, "{listed}");
    let anonymous: Value = app.get("/api/v1/problems").await.json().await.expect("JSON");
    assert!(anonymous["items"][0].get("solved").is_none(), "{anonymous}");
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

async fn error_code(response: reqwest::Response) -> (StatusCode, String) {
    let status = response.status();
    let body: Value = response.json().await.expect("a JSON error");
    let code = body["error"]["code"].as_str().expect("an error code").to_owned();
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|message| !message.is_empty()),
        "{body}"
    );
    (status, code)
}

#[tokio::test]
async fn bad_submissions_get_a_clear_4xx_and_store_nothing() {
    let app = spawn_app(AppOptions::default()).await;
    import_sample(&app, "aplusb").await;
    let admin = app.admin_token("root@example.org", PASSWORD).await;
    echo_problem(&app, &admin, "draft", false).await;
    let user = token(&app.register("clumsy@example.org", PASSWORD).await);
    let oversized = "#".repeat(64 * 1024 + 1);
    let cases = [
        ("nope", "python3", APLUSB_PY, StatusCode::NOT_FOUND, "not_found"),
        ("draft", "python3", ECHO_PY, StatusCode::NOT_FOUND, "not_found"),
        (
            "aplusb",
            "brainfuck",
            APLUSB_PY,
            StatusCode::UNPROCESSABLE_ENTITY,
            "unprocessable",
        ),
        (
            "aplusb",
            "python3",
            "",
            StatusCode::UNPROCESSABLE_ENTITY,
            "unprocessable",
        ),
        (
            "aplusb",
            "python3",
            " \n\t\n",
            StatusCode::UNPROCESSABLE_ENTITY,
            "unprocessable",
        ),
        (
            "aplusb",
            "python3",
            &oversized,
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
        ),
    ];
    for (problem, language, source, status, code) in cases {
        let response = submit(&app, &user, problem, language, source).await;
        assert_eq!(
            error_code(response).await,
            (status, code.to_owned()),
            "{problem} {language} {} bytes",
            source.len()
        );
    }
    let anonymous = app
        .call(
            Method::POST,
            "/api/v1/submissions",
            None,
            Some(json!({ "problem": "aplusb", "language": "python3", "source": APLUSB_PY })),
        )
        .await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let malformed = app
        .call(
            Method::POST,
            "/api/v1/submissions",
            Some(&user),
            Some(json!({ "problem": "aplusb", "source": APLUSB_PY })),
        )
        .await;
    assert!(malformed.status().is_client_error(), "{}", malformed.status());
    let db = app.db().await;
    assert_eq!(count(&db, "SELECT count(*) FROM submissions").await, 0);
    assert_eq!(count(&db, "SELECT count(*) FROM judgings").await, 0);

    // An admin may submit to a draft; nobody else learns it exists.
    submit_ok(&app, &admin, "draft", "python3", ECHO_PY).await;

    // The default limit: a burst of ten, then 429 with Retry-After.
    for _ in 0..10 {
        submit_ok(&app, &user, "aplusb", "python3", APLUSB_PY).await;
    }
    let limited = submit(&app, &user, "aplusb", "python3", APLUSB_PY).await;
    let retry_after = limited
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    assert!(retry_after.is_some_and(|secs| secs >= 1), "{retry_after:?}");
    assert_eq!(
        error_code(limited).await,
        (StatusCode::TOO_MANY_REQUESTS, "too_many_requests".to_owned())
    );
    assert_eq!(count(&db, "SELECT count(*) FROM submissions").await, 11);
    assert_eq!(count(&db, "SELECT count(*) FROM judge_jobs").await, 11);
}

#[tokio::test]
async fn a_database_failure_while_finding_the_problem_is_a_server_error_not_a_404() {
    // Every connection of the app gives up waiting for a lock after 300 ms, so a lock held on
    // `problems` makes the problem's lookup fail the way a busy or broken database does.
    let database = fresh_database(&services()).await;
    let app = spawn_app(AppOptions {
        database_url: Some(format!("{database}?options=-c%20lock_timeout%3D300")),
        ..AppOptions::default()
    })
    .await;
    let admin = app.admin_token("root@example.org", PASSWORD).await;
    echo_problem(&app, &admin, "echo", true).await;
    let user = token(&app.register("locked@example.org", PASSWORD).await);
    let db = app.db().await;
    let mut lock = db.begin().await.expect("begin");
    sqlx::query("LOCK TABLE problems IN ACCESS EXCLUSIVE MODE")
        .execute(&mut *lock)
        .await
        .expect("lock");
    let response = submit(&app, &user, "echo", "python3", ECHO_PY).await;
    let status = response.status();
    let body: Value = response.json().await.expect("JSON");
    assert!(status.is_server_error(), "{status} {body}");
    assert_ne!(body["error"]["code"], "not_found", "the problem exists: {body}");
    lock.rollback().await.expect("unlock");
    assert_eq!(count(&db, "SELECT count(*) FROM submissions").await, 0);
    let response = submit(&app, &user, "echo", "python3", ECHO_PY).await;
    assert_eq!(
        response.status(),
        StatusCode::ACCEPTED,
        "and once the lock is gone, it lands"
    );
}
