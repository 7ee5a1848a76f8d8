//! Rejudging after the test data changed: a whole problem, then one submission, every judging kept.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use super::{finished, get_json, import_sample, submit_ok, token, APLUSB_PY, PASSWORD};
use crate::helpers::{spawn_app, AppOptions};

#[tokio::test]
async fn a_rejudge_after_the_test_data_changed_turns_ac_into_wa_and_keeps_both_judgings() {
    let app = spawn_app(AppOptions {
        workers: 1,
        ..AppOptions::default()
    })
    .await;
    import_sample(&app, "aplusb").await;
    let admin = app.admin_token("root@example.org", PASSWORD).await;
    let user = token(&app.register("solver@example.org", PASSWORD).await);
    let id = submit_ok(&app, &user, "aplusb", "python3", APLUSB_PY).await;
    assert_eq!(finished(&app, &user, &id).await["verdict"], "AC");
    let board = get_json(&app, "/api/v1/leaderboard", None).await;
    assert_eq!(board["standings"][0]["solved"], 1, "{board}");

    // 0 + 0 is now "1": every correct program fails this secret test.
    let replaced = app
        .call(
            Method::POST,
            "/api/v1/problems/aplusb/tests",
            Some(&admin),
            Some(json!({ "kind": "secret", "group": "small", "name": "01-zeros", "input": "0 0\n", "answer": "1\n" })),
        )
        .await;
    assert_eq!(replaced.status(), StatusCode::OK);
    assert_eq!(replaced.json::<Value>().await.expect("JSON")["test_count"], 13);

    let refused = app
        .call(Method::POST, "/api/v1/problems/aplusb/rejudge", Some(&user), None)
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let rejudge = app
        .call(
            Method::POST,
            "/api/v1/problems/aplusb/rejudge",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(rejudge.status(), StatusCode::ACCEPTED);
    assert_eq!(
        rejudge.json::<Value>().await.expect("JSON"),
        json!({ "queued": 1 })
    );

    let judged = finished(&app, &user, &id).await;
    assert_eq!(judged["verdict"], "WA", "{judged}");
    let judgings = judged["judgings"].as_array().expect("judgings");
    let summary: Vec<(&Value, &Value, &Value)> = judgings
        .iter()
        .map(|j| (&j["reason"], &j["status"], &j["verdict"]))
        .collect();
    assert_eq!(
        summary,
        vec![
            (&json!("submit"), &json!("finished"), &json!("AC")),
            (&json!("rejudge"), &json!("finished"), &json!("WA")),
        ]
    );
    // The failing test is secret: the author learns which one by position only.
    let failed: Vec<&Value> = judged["tests"]
        .as_array()
        .expect("tests")
        .iter()
        .filter(|test| test["verdict"] == "WA")
        .collect();
    assert_eq!(failed.len(), 1, "{judged}");
    assert!(failed[0].get("name").is_none() && failed[0].get("sample").is_none());
    let board = get_json(&app, "/api/v1/leaderboard", None).await;
    assert_eq!(board["standings"][0]["solved"], 0, "{board}");

    // One submission again, on its own.
    let again = app
        .call(
            Method::POST,
            &format!("/api/v1/submissions/{id}/rejudge"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(again.status(), StatusCode::ACCEPTED);
    let judged = finished(&app, &user, &id).await;
    assert_eq!(judged["verdict"], "WA");
    assert_eq!(judged["judgings"].as_array().map(Vec::len), Some(3), "{judged}");
}
