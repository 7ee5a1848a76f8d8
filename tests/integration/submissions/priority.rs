//! Premium priority: an admin raises a user's priority, and that user's fresh submission is
//! judged before earlier ones of ordinary users (but a rejudge still waits for them all).

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use super::{echo_problem, get_json, submit_ok, token, WorkerProcess, ECHO_PY, PASSWORD};
use crate::helpers::{eventually, spawn_app, AppOptions};

#[tokio::test]
async fn a_premium_users_submission_is_judged_before_earlier_ones_of_ordinary_users() {
    // No judging slots in the app: everything waits in the queue until the worker starts.
    let app = spawn_app(AppOptions::default()).await;
    let admin = app.admin_token("root@example.org", PASSWORD).await;
    echo_problem(&app, &admin, "echo", true).await;
    let ordinary = token(&app.register("ordinary@example.org", PASSWORD).await);
    let premium = token(&app.register("premium@example.org", PASSWORD).await);

    let users = get_json(&app, "/api/v1/users", Some(&admin)).await;
    let premium_id = users
        .as_array()
        .expect("users")
        .iter()
        .find(|user| user["email"] == "premium@example.org")
        .and_then(|user| user["id"].as_str())
        .expect("the premium user")
        .to_owned();
    let path = format!("/api/v1/users/{premium_id}");
    for refused in [json!(101), json!(-1)] {
        let response = app
            .call(
                Method::PATCH,
                &path,
                Some(&admin),
                Some(json!({ "priority": refused })),
            )
            .await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "priority {refused}"
        );
        let body: Value = response.json().await.expect("JSON");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap_or_default()
                .contains("priority"),
            "{body}"
        );
    }
    let by_user = app
        .call(
            Method::PATCH,
            &path,
            Some(&premium),
            Some(json!({ "priority": 100 })),
        )
        .await;
    assert_eq!(by_user.status(), StatusCode::FORBIDDEN);

    // A rejudge queued first, then ordinary submissions, then the premium one.
    let rejudged = submit_ok(&app, &ordinary, "echo", "python3", ECHO_PY).await;
    let mut worker = WorkerProcess::start(&app.database_url, 1, 10);
    super::finished(&app, &ordinary, &rejudged).await;
    worker.kill();
    let rejudge = app
        .call(
            Method::POST,
            &format!("/api/v1/submissions/{rejudged}/rejudge"),
            Some(&admin),
            None,
        )
        .await;
    assert!(rejudge.status().is_success(), "rejudge: {}", rejudge.status());
    let mut ordinary_ones = Vec::new();
    for _ in 0..4 {
        ordinary_ones.push(submit_ok(&app, &ordinary, "echo", "python3", ECHO_PY).await);
    }
    let raised = app
        .call(
            Method::PATCH,
            &path,
            Some(&admin),
            Some(json!({ "priority": 50 })),
        )
        .await;
    assert_eq!(raised.status(), StatusCode::OK);
    let raised: Value = raised.json().await.expect("JSON");
    assert_eq!(raised["priority"], 50, "{raised}");
    let premium_one = submit_ok(&app, &premium, "echo", "python3", ECHO_PY).await;

    let db = app.db().await;
    let _worker = WorkerProcess::start(&app.database_url, 1, 10);
    let all_judged = eventually(Duration::from_secs(180), || async {
        let finished: i64 = sqlx::query_scalar("SELECT count(*) FROM judgings WHERE status = 'finished'")
            .fetch_one(&db)
            .await
            .expect("count");
        finished == 7
    })
    .await;
    assert!(all_judged, "not every judging finished in time");

    // One slot judges one judging at a time, so the order they started in is the queue's order.
    let order: Vec<(String, String)> =
        sqlx::query_as("SELECT submission_id::text, reason FROM judgings ORDER BY started_at OFFSET 1")
            .fetch_all(&db)
            .await
            .expect("the order of judging");
    let mut expected = vec![(premium_one, "submit".to_owned())];
    expected.extend(ordinary_ones.into_iter().map(|id| (id, "submit".to_owned())));
    expected.push((rejudged, "rejudge".to_owned()));
    assert_eq!(
        order, expected,
        "the premium submission first, then the ordinary ones in order, the rejudge last"
    );
}
