//! Admins add, replace, upload, delete and reorder test cases; data left unused is collected.

use coderank::problems::objects::sha256_hex;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use super::{add_test, answer, app_with_callers, create, refusal, stored, tests_of, unique, Package, ZIP};
use crate::helpers::{object_store, AppOptions};

#[tokio::test]
async fn admins_add_replace_upload_delete_and_reorder_test_cases() {
    let (app, admin, _) = app_with_callers(AppOptions::default()).await;
    let store = object_store().await;
    create(&app, &admin, json!({ "slug": "edit-me", "title": "Edit Me" })).await;
    let hash = |text: &str| sha256_hex(text.as_bytes());

    let (old_in, old_ans) = (unique("old input"), unique("old answer"));
    let counted = add_test(
        &app,
        &admin,
        "edit-me",
        json!({ "kind": "secret", "name": "big", "input": old_in, "answer": old_ans }),
    )
    .await;
    assert_eq!(counted, json!({ "test_count": 1 }));
    assert!(stored(&store, &hash(&old_in)).await);
    let (new_in, new_ans) = (unique("new input"), unique("new answer"));
    let counted = add_test(
        &app,
        &admin,
        "edit-me",
        json!({ "kind": "secret", "name": "big", "input": new_in, "answer": new_ans }),
    )
    .await;
    assert_eq!(counted, json!({ "test_count": 1 }), "the same name replaces");
    let tests = tests_of(&app, &admin, "edit-me").await;
    assert_eq!(tests.len(), 1);
    assert_eq!(tests[0]["input_sha256"], hash(&new_in));
    assert_eq!(tests[0]["answer_sha256"], hash(&new_ans));
    assert_eq!(tests[0]["input_size"], new_in.len());
    assert!(stored(&store, &hash(&new_in)).await && stored(&store, &hash(&new_ans)).await);
    assert!(
        !stored(&store, &hash(&old_in)).await,
        "the replaced input was collected"
    );
    assert!(
        !stored(&store, &hash(&old_ans)).await,
        "the replaced answer was collected"
    );

    for (test, names) in [
        (
            json!({ "kind": "hidden", "name": "x", "input": "1", "answer": "1" }),
            "hidden",
        ),
        (
            json!({ "kind": "secret", "name": "../x", "input": "1", "answer": "1" }),
            "../x",
        ),
        (
            json!({ "kind": "secret", "group": "a//b", "name": "x", "input": "1", "answer": "1" }),
            "a//b",
        ),
    ] {
        let (status, message) = refusal(
            app.call(
                Method::POST,
                "/api/v1/problems/edit-me/tests",
                Some(&admin),
                Some(test),
            )
            .await,
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{message}");
        assert!(message.contains(names), "{message}");
    }

    let upload = Package::default()
        .with("data/sample/1.in", unique("sample"))
        .with("data/sample/1.ans", unique("sample answer"))
        .with("data/secret/g1/a.in", unique("a"))
        .with("data/secret/g1/a.ans", unique("a answer"))
        .with("data/secret/g2/b.in", unique("b"))
        .with("data/secret/g2/b.ans", unique("b answer"));
    let (status, counted) = answer(
        app.send_bytes(
            Method::POST,
            "/api/v1/problems/edit-me/tests/zip",
            Some(&admin),
            ZIP,
            upload.zip(""),
        )
        .await,
    )
    .await;
    assert_eq!((status, counted), (StatusCode::OK, json!({ "test_count": 4 })));
    let names = |tests: &[Value]| -> Vec<String> {
        tests
            .iter()
            .map(|test| {
                let (group, name) = (test["group_path"].as_str().expect("group"), &test["name"]);
                format!(
                    "{}:{group}:{}",
                    test["kind"].as_str().expect("kind"),
                    name.as_str().expect("name")
                )
            })
            .collect()
    };
    let tests = tests_of(&app, &admin, "edit-me").await;
    assert_eq!(
        names(&tests),
        ["sample::1", "secret::big", "secret:g1:a", "secret:g2:b"]
    );
    let ordinals: Vec<i64> = tests
        .iter()
        .map(|test| test["ordinal"].as_i64().expect("ordinal"))
        .collect();
    assert_eq!(ordinals, [0, 1, 2, 3]);

    // Without the data/ folder, and with an answer that has no input.
    let orphaned = Package::default()
        .with("secret/c.in", unique("c"))
        .with("secret/c.ans", unique("c answer"))
        .with("secret/orphan.ans", unique("orphan"));
    let (status, message) = refusal(
        app.send_bytes(
            Method::POST,
            "/api/v1/problems/edit-me/tests/zip",
            Some(&admin),
            ZIP,
            orphaned.zip(""),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{message}");
    assert!(message.contains("secret/orphan.ans"), "{message}");
    assert_eq!(tests_of(&app, &admin, "edit-me").await, tests, "nothing changed");
    for bytes in orphaned.files.values() {
        assert!(
            !stored(&store, &sha256_hex(bytes)).await,
            "an object of the refused zip was stored"
        );
    }

    let doomed = tests[2]["id"].as_str().expect("id").to_owned();
    let response = app
        .call(
            Method::DELETE,
            &format!("/api/v1/problems/edit-me/tests/{doomed}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let (status, message) = refusal(
        app.call(
            Method::DELETE,
            &format!("/api/v1/problems/edit-me/tests/{doomed}"),
            Some(&admin),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(message.contains(&doomed), "{message}");
    assert!(!stored(&store, tests[2]["input_sha256"].as_str().expect("hash")).await);
    let tests = tests_of(&app, &admin, "edit-me").await;
    assert_eq!(names(&tests), ["sample::1", "secret::big", "secret:g2:b"]);

    let ids = |tests: &[Value]| -> Vec<String> {
        tests
            .iter()
            .map(|test| test["id"].as_str().expect("id").to_owned())
            .collect()
    };
    let mut reversed = ids(&tests);
    reversed.reverse();
    let (status, reordered) = answer(
        app.call(
            Method::PUT,
            "/api/v1/problems/edit-me/tests/order",
            Some(&admin),
            Some(json!({ "ids": reversed })),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{reordered}");
    let reordered = reordered.as_array().expect("an array").clone();
    assert_eq!(
        names(&reordered),
        ["sample::1", "secret:g2:b", "secret::big"],
        "secret cases reversed, the sample still first"
    );
    assert_eq!(tests_of(&app, &admin, "edit-me").await, reordered);

    let all = ids(&reordered);
    for (wrong, what) in [
        (all[..2].to_vec(), "one missing"),
        ([all.clone(), vec![all[0].clone()]].concat(), "one twice"),
        (
            [&all[..2], &[uuid::Uuid::new_v4().to_string()]].concat(),
            "a stranger",
        ),
    ] {
        let (status, message) = refusal(
            app.call(
                Method::PUT,
                "/api/v1/problems/edit-me/tests/order",
                Some(&admin),
                Some(json!({ "ids": wrong })),
            )
            .await,
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{what}: {message}");
        assert!(message.contains("exactly once"), "{what}: {message}");
    }
    assert_eq!(
        tests_of(&app, &admin, "edit-me").await,
        reordered,
        "nothing changed"
    );
}

#[tokio::test]
async fn the_same_test_case_added_many_times_at_once_is_stored_once_without_a_server_error() {
    let (app, admin, _) = app_with_callers(AppOptions::default()).await;
    create(&app, &admin, json!({ "slug": "racing", "title": "Racing" })).await;
    let additions = (0..8).map(|round| {
        app.call(
            Method::POST,
            "/api/v1/problems/racing/tests",
            Some(&admin),
            Some(json!({ "kind": "sample", "name": "same", "input": format!("{round}\n"), "answer": "1\n" })),
        )
    });
    for response in futures::future::join_all(additions).await {
        let (status, body) = answer(response).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body, json!({ "test_count": 1 }));
    }
    assert_eq!(tests_of(&app, &admin, "racing").await.len(), 1);
}
