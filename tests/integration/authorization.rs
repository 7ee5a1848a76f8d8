//! The authorization matrix: every documented operation answers each kind of caller as it says.

use std::collections::BTreeSet;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::accounts::{access, make_admin, PASSWORD};
use crate::helpers::{spawn_app, AppOptions};

/// Who calls, in the order the matrix lists expected statuses.
const CALLERS: [&str; 4] = ["anonymous", "other user", "admin", "user"];

/// One row of the authorization matrix: an operation of the OpenAPI document, a concrete request
/// for it, and the status each caller must get.
struct Row {
    method: Method,
    template: &'static str,
    path: String,
    body: Option<Value>,
    /// anonymous, other user, admin, user.
    expect: [u16; 4],
}

#[tokio::test]
async fn every_endpoint_answers_each_kind_of_caller_as_the_matrix_says() {
    let app = spawn_app(AppOptions::default()).await;
    let user = app.register("user@example.org", PASSWORD).await;
    let other = app.register("other@example.org", PASSWORD).await;
    let admin = app.register("admin@example.org", PASSWORD).await;
    make_admin(&app, "admin@example.org").await;
    let tokens = [
        None,
        Some(access(&other)),
        Some(access(&admin)),
        Some(access(&user)),
    ];
    let user_token_id = {
        let created: Value = app
            .call(
                Method::POST,
                "/api/v1/tokens",
                tokens[3].as_deref(),
                Some(json!({ "name": "matrix" })),
            )
            .await
            .json()
            .await
            .expect("JSON");
        created["id"].as_str().expect("id").to_owned()
    };
    let other_id = other["user"]["id"].as_str().expect("id").to_owned();
    // Problems: one published, one not, one to delete. Their test data is unique to this run,
    // since deleting collects objects from the store every test shares.
    let admin_token = tokens[2].as_deref();
    let unique = |label: &str| format!("{label} {}\n", uuid::Uuid::new_v4());
    for slug in ["matrix-public", "matrix-hidden", "matrix-doomed"] {
        let created = app
            .call(
                Method::POST,
                "/api/v1/problems",
                admin_token,
                Some(json!({ "slug": slug, "title": slug })),
            )
            .await;
        assert_eq!(created.status(), StatusCode::CREATED, "create {slug}");
    }
    for (slug, name) in [
        ("matrix-public", "1"),
        ("matrix-hidden", "1"),
        ("matrix-hidden", "2"),
    ] {
        let added = app
            .call(
                Method::POST,
                &format!("/api/v1/problems/{slug}/tests"),
                admin_token,
                Some(
                    json!({ "kind": "sample", "name": name, "input": unique("in"), "answer": unique("ans") }),
                ),
            )
            .await;
        assert_eq!(added.status(), StatusCode::OK, "add a test to {slug}");
    }
    let published = app
        .call(
            Method::PATCH,
            "/api/v1/problems/matrix-public",
            admin_token,
            Some(json!({ "published": true })),
        )
        .await;
    assert_eq!(published.status(), StatusCode::OK, "publish");
    let hidden_test_ids: Vec<String> = {
        let tests: Value = app
            .call(
                Method::GET,
                "/api/v1/problems/matrix-hidden/tests",
                admin_token,
                None,
            )
            .await
            .json()
            .await
            .expect("JSON");
        tests
            .as_array()
            .expect("test cases")
            .iter()
            .map(|test| test["id"].as_str().expect("id").to_owned())
            .collect()
    };
    let row =
        |method: Method, template: &'static str, path: &str, body: Option<Value>, expect: [u16; 4]| Row {
            method,
            template,
            path: path.to_owned(),
            body,
            expect,
        };
    // A queued submission of the user's (the app has no workers, so it stays queued).
    let submission_id = {
        let submitted: Value = app
            .call(
                Method::POST,
                "/api/v1/submissions",
                tokens[3].as_deref(),
                Some(json!({ "problem": "matrix-public", "language": "python3", "source": "print(1)" })),
            )
            .await
            .json()
            .await
            .expect("JSON");
        submitted["id"].as_str().expect("id").to_owned()
    };
    let submit = json!({ "problem": "matrix-public", "language": "python3", "source": "print(2)" });
    // Logout last: it ends the callers' sessions.
    let rows = vec![
        row(Method::GET, "/healthz", "/healthz", None, [200, 200, 200, 200]),
        row(Method::GET, "/readyz", "/readyz", None, [200, 200, 200, 200]),
        row(
            Method::GET,
            "/api/v1/auth/providers",
            "/api/v1/auth/providers",
            None,
            [200, 200, 200, 200],
        ),
        row(
            Method::POST,
            "/api/v1/auth/register",
            "/api/v1/auth/register",
            None,
            [422, 422, 422, 422],
        ),
        row(
            Method::POST,
            "/api/v1/auth/login",
            "/api/v1/auth/login",
            Some(json!({ "email": "user@example.org", "password": PASSWORD })),
            [200, 200, 200, 200],
        ),
        row(
            Method::POST,
            "/api/v1/auth/refresh",
            "/api/v1/auth/refresh",
            Some(json!({ "refresh_token": "crr_forged" })),
            [401, 401, 401, 401],
        ),
        row(
            Method::GET,
            "/api/v1/auth/{provider}/login",
            "/api/v1/auth/none/login",
            None,
            [404, 404, 404, 404],
        ),
        row(
            Method::GET,
            "/api/v1/auth/{provider}/callback",
            "/api/v1/auth/none/callback?state=x",
            None,
            [404, 404, 404, 404],
        ),
        row(
            Method::GET,
            "/api/v1/me",
            "/api/v1/me",
            None,
            [401, 200, 200, 200],
        ),
        row(
            Method::GET,
            "/api/v1/tokens",
            "/api/v1/tokens",
            None,
            [401, 200, 200, 200],
        ),
        row(
            Method::POST,
            "/api/v1/tokens",
            "/api/v1/tokens",
            Some(json!({ "name": "m" })),
            [401, 201, 201, 201],
        ),
        row(
            Method::DELETE,
            "/api/v1/tokens/{id}",
            &format!("/api/v1/tokens/{user_token_id}"),
            None,
            [401, 404, 404, 204],
        ),
        row(
            Method::GET,
            "/api/v1/users",
            "/api/v1/users",
            None,
            [401, 403, 200, 403],
        ),
        row(
            Method::PATCH,
            "/api/v1/users/{id}",
            &format!("/api/v1/users/{other_id}"),
            Some(json!({ "role": "user" })),
            [401, 403, 200, 403],
        ),
        row(
            Method::GET,
            "/api/v1/problems",
            "/api/v1/problems",
            None,
            [200, 200, 200, 200],
        ),
        row(
            Method::GET,
            "/api/v1/problems/{slug}",
            "/api/v1/problems/matrix-public",
            None,
            [200, 200, 200, 200],
        ),
        row(
            Method::GET,
            "/api/v1/problems/{slug}",
            "/api/v1/problems/matrix-hidden",
            None,
            [404, 404, 200, 404],
        ),
        // No such file: nobody learns more than "not found", admins included.
        row(
            Method::GET,
            "/api/v1/problems/{slug}/statement/{file}",
            "/api/v1/problems/matrix-hidden/statement/nothing.png",
            None,
            [404, 404, 404, 404],
        ),
        row(
            Method::GET,
            "/api/v1/problems/{slug}/attachments/{file}",
            "/api/v1/problems/matrix-hidden/attachments/nothing.txt",
            None,
            [404, 404, 404, 404],
        ),
        row(
            Method::POST,
            "/api/v1/problems",
            "/api/v1/problems",
            Some(json!({ "slug": "matrix-created", "title": "Created" })),
            [401, 403, 201, 403],
        ),
        row(
            Method::PATCH,
            "/api/v1/problems/{slug}",
            "/api/v1/problems/matrix-public",
            Some(json!({ "title": "Matrix Public" })),
            [401, 403, 200, 403],
        ),
        // A JSON body gets an admin as far as the content-type check.
        row(
            Method::POST,
            "/api/v1/problems/import",
            "/api/v1/problems/import",
            None,
            [401, 403, 415, 403],
        ),
        row(
            Method::GET,
            "/api/v1/problems/{slug}/export",
            "/api/v1/problems/matrix-public/export",
            None,
            [401, 403, 200, 403],
        ),
        row(
            Method::GET,
            "/api/v1/problems/{slug}/tests",
            "/api/v1/problems/matrix-public/tests",
            None,
            [401, 403, 200, 403],
        ),
        row(
            Method::POST,
            "/api/v1/problems/{slug}/tests",
            "/api/v1/problems/matrix-public/tests",
            Some(json!({ "kind": "secret", "name": "m", "input": unique("in"), "answer": unique("ans") })),
            [401, 403, 200, 403],
        ),
        row(
            Method::POST,
            "/api/v1/problems/{slug}/tests/zip",
            "/api/v1/problems/matrix-public/tests/zip",
            None,
            [401, 403, 415, 403],
        ),
        // Before the test case is deleted: the order names every case.
        row(
            Method::PUT,
            "/api/v1/problems/{slug}/tests/order",
            "/api/v1/problems/matrix-hidden/tests/order",
            Some(json!({ "ids": hidden_test_ids })),
            [401, 403, 200, 403],
        ),
        row(
            Method::DELETE,
            "/api/v1/problems/{slug}/tests/{id}",
            &format!("/api/v1/problems/matrix-hidden/tests/{}", hidden_test_ids[1]),
            None,
            [401, 403, 204, 403],
        ),
        row(
            Method::PUT,
            "/api/v1/problems/{slug}/validator",
            "/api/v1/problems/matrix-public/validator",
            Some(json!({ "files": { "validate.py": unique("# validator") } })),
            [401, 403, 200, 403],
        ),
        row(
            Method::DELETE,
            "/api/v1/problems/{slug}/validator",
            "/api/v1/problems/matrix-public/validator",
            None,
            [401, 403, 200, 403],
        ),
        row(
            Method::DELETE,
            "/api/v1/problems/{slug}",
            "/api/v1/problems/matrix-doomed",
            None,
            [401, 403, 200, 403],
        ),
        row(
            Method::POST,
            "/api/v1/submissions",
            "/api/v1/submissions",
            Some(submit),
            [401, 202, 202, 202],
        ),
        row(
            Method::GET,
            "/api/v1/submissions",
            "/api/v1/submissions",
            None,
            [200, 200, 200, 200],
        ),
        row(
            Method::GET,
            "/api/v1/submissions/{id}",
            &format!("/api/v1/submissions/{submission_id}"),
            None,
            [200, 200, 200, 200],
        ),
        // Plain GETs without the upgrade handshake: 400 from the WebSocket extractor, which runs
        // after authorization (so anonymous callers of the signed-in stream still get 401).
        row(
            Method::GET,
            "/api/v1/submissions/{id}/ws",
            &format!("/api/v1/submissions/{submission_id}/ws"),
            None,
            [400, 400, 400, 400],
        ),
        row(
            Method::GET,
            "/api/v1/submissions/ws",
            "/api/v1/submissions/ws",
            None,
            [401, 400, 400, 400],
        ),
        row(
            Method::POST,
            "/api/v1/submissions/{id}/rejudge",
            &format!("/api/v1/submissions/{submission_id}/rejudge"),
            None,
            [401, 403, 202, 403],
        ),
        row(
            Method::POST,
            "/api/v1/problems/{slug}/rejudge",
            "/api/v1/problems/matrix-public/rejudge",
            None,
            [401, 403, 202, 403],
        ),
        // An unknown language: the playground refuses before running anything.
        row(
            Method::POST,
            "/api/v1/runs",
            "/api/v1/runs",
            Some(json!({ "language": "cobol", "source": "x", "stdin": "" })),
            [401, 422, 422, 422],
        ),
        row(
            Method::GET,
            "/api/v1/runs/{id}",
            &format!("/api/v1/runs/{}", uuid::Uuid::new_v4()),
            None,
            [401, 404, 404, 404],
        ),
        row(
            Method::GET,
            "/api/v1/leaderboard",
            "/api/v1/leaderboard",
            None,
            [200, 200, 200, 200],
        ),
        row(
            Method::GET,
            "/api/v1/status",
            "/api/v1/status",
            None,
            [401, 403, 200, 403],
        ),
        // A wrong current password: refused, and nothing changes for the rows after.
        row(
            Method::POST,
            "/api/v1/account/password",
            "/api/v1/account/password",
            Some(json!({ "current_password": "not it at all", "new_password": "a new passphrase" })),
            [401, 403, 403, 403],
        ),
        row(
            Method::POST,
            "/api/v1/auth/password-reset",
            "/api/v1/auth/password-reset",
            Some(json!({ "token": "crp_unknown", "new_password": "a new passphrase" })),
            [400, 400, 400, 400],
        ),
        row(
            Method::POST,
            "/api/v1/users/{id}/reset-link",
            &format!("/api/v1/users/{other_id}/reset-link"),
            None,
            [401, 403, 201, 403],
        ),
        row(
            Method::POST,
            "/api/v1/auth/logout",
            "/api/v1/auth/logout",
            None,
            [401, 204, 204, 204],
        ),
    ];

    let document: Value = app.get("/api/v1/openapi.json").await.json().await.expect("JSON");
    let documented: BTreeSet<(String, String)> = document["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .expect("path item")
                .keys()
                .filter(|key| ["get", "post", "put", "patch", "delete"].contains(&key.as_str()))
                .map(|method| (method.to_uppercase(), path.clone()))
                .collect::<Vec<_>>()
        })
        .collect();
    let covered: BTreeSet<(String, String)> = rows
        .iter()
        .map(|row| (row.method.to_string(), row.template.to_owned()))
        .collect();
    assert_eq!(
        documented, covered,
        "every documented operation needs a row in this matrix"
    );

    for row in &rows {
        for (index, caller) in CALLERS.iter().enumerate() {
            let body = row
                .body
                .clone()
                .or_else(|| (row.method != Method::GET).then(|| json!({})));
            let response = app
                .call(row.method.clone(), &row.path, tokens[index].as_deref(), body)
                .await;
            assert_eq!(
                response.status().as_u16(),
                row.expect[index],
                "{} {} as {caller}: {}",
                row.method,
                row.path,
                response.text().await.unwrap_or_default()
            );
        }
    }
}
