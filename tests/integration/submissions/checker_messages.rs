//! A custom validator's messages through the API: its message for the judges reaches admins
//! only, its message for the team reaches the submission's author on sample tests (a secret
//! test shows its author the verdict only), and the problem's validator flags reach the
//! validator on the worker.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use super::{finished, get_json, submit_ok, token, ECHO_PY, PASSWORD};
use crate::helpers::{spawn_app, AppOptions, TestApp};

/// Accepts only with exactly `--tolerance 0.5` after its three arguments and the right answer;
/// says what it got to the judges and how it went to the team.
const VALIDATOR: &str = r#"import sys
args = sys.argv[4:]
team = sys.stdin.read().split()
judge = open(sys.argv[2]).read().split()
with open(sys.argv[3] + "/judgemessage.txt", "w") as f:
    f.write("for the judges: arguments " + " ".join(args))
with open(sys.argv[3] + "/teammessage.txt", "w") as f:
    f.write("for the team: " + ("right" if team == judge else "wrong"))
sys.exit(42 if args == ["--tolerance", "0.5"] and team == judge else 43)
"#;

async fn call_ok(app: &TestApp, method: Method, path: &str, bearer: &str, body: Value) {
    let response = app.call(method, path, Some(bearer), Some(body)).await;
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    assert_eq!(status, StatusCode::OK, "{path}: {text}");
}

/// A published problem with one sample and one secret test, judged by [`VALIDATOR`] with the
/// flags it wants.
pub(crate) async fn problem_with_validator(app: &TestApp, admin: &str, slug: &str) {
    let created = app
        .call(
            Method::POST,
            "/api/v1/problems",
            Some(admin),
            Some(json!({ "slug": slug, "title": "Messages", "time_limit_ms": 2000, "memory_mb": 256 })),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let tests = format!("/api/v1/problems/{slug}/tests");
    for (kind, input) in [("sample", "7\n"), ("secret", "8\n")] {
        let test = json!({ "kind": kind, "name": "1", "input": input, "answer": input });
        call_ok(app, Method::POST, &tests, admin, test).await;
    }
    let validator = json!({ "files": { "validate.py": VALIDATOR } });
    call_ok(
        app,
        Method::PUT,
        &format!("/api/v1/problems/{slug}/validator"),
        admin,
        validator,
    )
    .await;
    let changes = json!({ "validator_flags": "--tolerance 0.5", "published": true });
    call_ok(
        app,
        Method::PATCH,
        &format!("/api/v1/problems/{slug}"),
        admin,
        changes,
    )
    .await;
}

#[tokio::test]
async fn the_judge_message_reaches_admins_only_and_the_team_message_the_author_on_samples() {
    let app = spawn_app(AppOptions {
        workers: 1,
        ..AppOptions::default()
    })
    .await;
    let admin = app.admin_token("root@example.org", PASSWORD).await;
    let ann = token(&app.register("ann@example.org", PASSWORD).await);
    problem_with_validator(&app, &admin, "messages").await;

    let id = submit_ok(&app, &ann, "messages", "python3", ECHO_PY).await;
    let seen_by_ann = finished(&app, &ann, &id).await;
    assert_eq!(
        seen_by_ann["verdict"], "AC",
        "the flags reached the validator: {seen_by_ann}"
    );
    let tests = seen_by_ann["tests"].as_array().expect("tests");
    assert_eq!(tests.len(), 2, "{seen_by_ann}");
    assert_eq!(tests[0]["team_message"], "for the team: right", "{seen_by_ann}");
    assert!(
        tests[1].get("team_message").is_none(),
        "a secret test shows its author the verdict only: {seen_by_ann}"
    );
    assert!(
        !seen_by_ann.to_string().contains("for the judges"),
        "the judge message is for admins: {seen_by_ann}"
    );

    let seen_by_admin = get_json(&app, &format!("/api/v1/submissions/{id}"), Some(&admin)).await;
    for test in seen_by_admin["tests"].as_array().expect("tests") {
        assert_eq!(
            test["judge_message"], "for the judges: arguments --tolerance 0.5",
            "{seen_by_admin}"
        );
        assert_eq!(test["team_message"], "for the team: right", "{seen_by_admin}");
    }

    // Someone else sees neither, nor any test.
    let bob = token(&app.register("bob@example.org", PASSWORD).await);
    let seen_by_bob = get_json(&app, &format!("/api/v1/submissions/{id}"), Some(&bob)).await;
    assert!(!seen_by_bob.to_string().contains("for the"), "{seen_by_bob}");

    // A wrong answer on the sample tells the team so, and the judges what the validator got.
    let wrong = submit_ok(&app, &ann, "messages", "python3", "print(int(input()) + 1)\n").await;
    let judged = finished(&app, &ann, &wrong).await;
    assert_eq!(judged["verdict"], "WA", "{judged}");
    assert_eq!(
        judged["tests"][0]["team_message"], "for the team: wrong",
        "{judged}"
    );
    assert!(judged["tests"][0].get("judge_message").is_none(), "{judged}");
}
