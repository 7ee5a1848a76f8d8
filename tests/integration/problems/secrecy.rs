//! Users and anonymous callers administer nothing, see no unpublished problem, no secret test data.

use reqwest::{Method, StatusCode};
use serde_json::json;

use super::{
    add_test, answer, app_with_callers, create, import_ok, patch, refusal, row_counts, snapshot, tests_of,
    unique, zip_sample, Package, ZIP,
};
use crate::helpers::AppOptions;

#[tokio::test]
async fn users_and_anonymous_callers_cannot_administer_problems_nor_see_unpublished_ones() {
    let (app, admin, user) = app_with_callers(AppOptions::default()).await;
    let db = app.db().await;
    create(&app, &admin, json!({ "slug": "shown", "title": "Shown" })).await;
    add_test(
        &app,
        &admin,
        "shown",
        json!({ "kind": "sample", "name": "1", "input": unique("in"), "answer": unique("ans") }),
    )
    .await;
    assert_eq!(
        patch(&app, &admin, "shown", json!({ "published": true })).await.0,
        StatusCode::OK
    );
    create(&app, &admin, json!({ "slug": "hidden", "title": "Hidden" })).await;
    add_test(
        &app,
        &admin,
        "hidden",
        json!({ "kind": "sample", "name": "1", "input": unique("in"), "answer": unique("ans") }),
    )
    .await;
    let test_id = tests_of(&app, &admin, "hidden").await[0]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let before = (row_counts(&db).await, snapshot(&db, "hidden").await);

    for (caller, token, refused) in [
        ("anonymous", None, StatusCode::UNAUTHORIZED),
        ("a user", Some(user.as_str()), StatusCode::FORBIDDEN),
    ] {
        let (status, message) = refusal(
            app.call(Method::GET, "/api/v1/problems/hidden", token, None)
                .await,
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{caller}");
        assert!(message.contains("hidden"), "{caller}: {message}");
        let (status, listing) = answer(app.call(Method::GET, "/api/v1/problems", token, None).await).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(listing["total"], 1, "{caller}: {listing}");
        assert_eq!(listing["items"][0]["slug"], "shown", "{caller}");
        let (status, _) = answer(app.call(Method::GET, "/api/v1/problems/shown", token, None).await).await;
        assert_eq!(status, StatusCode::OK, "{caller}");

        let json_calls = [
            (
                Method::POST,
                "/api/v1/problems".to_owned(),
                json!({ "slug": "mine", "title": "Mine" }),
            ),
            (
                Method::PATCH,
                "/api/v1/problems/hidden".to_owned(),
                json!({ "published": true }),
            ),
            (Method::DELETE, "/api/v1/problems/hidden".to_owned(), json!({})),
            (
                Method::GET,
                "/api/v1/problems/hidden/export".to_owned(),
                json!({}),
            ),
            (Method::GET, "/api/v1/problems/hidden/tests".to_owned(), json!({})),
            (
                Method::POST,
                "/api/v1/problems/hidden/tests".to_owned(),
                json!({ "kind": "secret", "name": "x", "input": "1", "answer": "1" }),
            ),
            (
                Method::DELETE,
                format!("/api/v1/problems/hidden/tests/{test_id}"),
                json!({}),
            ),
            (
                Method::PUT,
                "/api/v1/problems/hidden/tests/order".to_owned(),
                json!({ "ids": [test_id] }),
            ),
            (
                Method::PUT,
                "/api/v1/problems/hidden/validator".to_owned(),
                json!({ "files": { "v.py": "print()" } }),
            ),
            (
                Method::DELETE,
                "/api/v1/problems/hidden/validator".to_owned(),
                json!({}),
            ),
        ];
        for (method, path, body) in json_calls {
            let response = app.call(method.clone(), &path, token, Some(body)).await;
            let (status, message) = refusal(response).await;
            assert_eq!(status, refused, "{method} {path} as {caller}: {message}");
        }
        for path in ["/api/v1/problems/import", "/api/v1/problems/hidden/tests/zip"] {
            let response = app
                .send_bytes(Method::POST, path, token, ZIP, zip_sample("aplusb"))
                .await;
            let (status, message) = refusal(response).await;
            assert_eq!(status, refused, "POST {path} as {caller}: {message}");
        }
    }
    assert_eq!(
        (row_counts(&db).await, snapshot(&db, "hidden").await),
        before,
        "nothing changed"
    );
}

#[tokio::test]
async fn secret_test_data_never_appears_in_what_users_are_shown() {
    let (app, admin, user) = app_with_callers(AppOptions::default()).await;
    import_ok(&app, &admin, "?publish=true", zip_sample("aplusb")).await;
    let package = Package::sample("aplusb");
    let text = |path: &str| String::from_utf8(package.files[path].clone()).expect("text");
    let (status, detail) = answer(
        app.call(Method::GET, "/api/v1/problems/aplusb", Some(&user), None)
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{detail}");
    assert_eq!(
        detail["samples"],
        json!([
            { "name": "sample/1", "input": text("data/sample/1.in"), "answer": text("data/sample/1.ans"), "truncated": false },
            { "name": "sample/2", "input": text("data/sample/2.in"), "answer": text("data/sample/2.ans"), "truncated": false },
        ])
    );
    assert_eq!(detail["test_count"], 13);

    let shown_anyway = format!("{}{}", text("statement/problem.en.md"), detail["samples"]);
    let secrets: Vec<(&String, String)> = package
        .files
        .iter()
        .filter(|(path, _)| path.starts_with("data/secret/"))
        .map(|(path, bytes)| (path, String::from_utf8_lossy(bytes).trim().to_owned()))
        // Short or public text ("0", "-1") proves nothing when found.
        .filter(|(_, content)| content.len() >= 6 && !shown_anyway.contains(content.as_str()))
        .collect();
    assert!(
        secrets.len() >= 10,
        "too few distinctive secret files to check: {secrets:?}"
    );
    let hashes: Vec<String> = tests_of(&app, &admin, "aplusb")
        .await
        .iter()
        .filter(|test| test["kind"] == "secret")
        .flat_map(|test| [test["input_sha256"].clone(), test["answer_sha256"].clone()])
        .map(|hash| hash.as_str().expect("a hash").to_owned())
        .collect();
    assert_eq!(hashes.len(), 22);
    for token in [None, Some(user.as_str())] {
        for path in [
            "/api/v1/problems/aplusb",
            "/api/v1/problems",
            "/api/v1/problems?q=plus",
        ] {
            let response = app.call(Method::GET, path, token, None).await;
            assert_eq!(response.status(), StatusCode::OK, "{path}");
            let body = response.text().await.expect("a body");
            assert!(body.contains("aplusb"), "{path}: {body}");
            for (file, content) in &secrets {
                assert!(!body.contains(content.as_str()), "{path} shows {file}: {body}");
            }
            for hash in &hashes {
                assert!(
                    !body.contains(hash.as_str()),
                    "{path} shows a secret hash: {body}"
                );
            }
        }
    }
}
