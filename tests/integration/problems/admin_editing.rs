//! Admins create, edit, publish and delete problems; users list, search and read published ones.

use reqwest::{Method, StatusCode};
use serde_json::json;

use super::{add_test, answer, app_with_callers, create, patch, refusal, row_counts, unique};
use crate::helpers::AppOptions;

#[tokio::test]
async fn an_admin_creates_edits_publishes_lists_and_deletes_problems() {
    let (app, admin, user) = app_with_callers(AppOptions::default()).await;
    let db = app.db().await;
    let created = create(
        &app,
        &admin,
        json!({ "slug": "two-sum", "title": "Two Sum", "statement": "Add them.", "tags": ["math"], "difficulty": 800 }),
    )
    .await;
    assert_eq!(created["slug"], "two-sum");
    assert_eq!(created["published"], false);
    assert_eq!(created["time_limit_ms"], 1000);
    assert_eq!(created["memory_mb"], 1024);
    assert_eq!(created["checker"], "default");

    let (status, message) = refusal(
        app.call(
            Method::POST,
            "/api/v1/problems",
            Some(&admin),
            Some(json!({ "slug": "two-sum", "title": "Again" })),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(message.contains("two-sum"), "{message}");
    let (status, message) = refusal(
        app.call(
            Method::POST,
            "/api/v1/problems",
            Some(&admin),
            Some(json!({ "slug": "Not A Slug", "title": "x" })),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(message.contains("slug"), "{message}");

    let (status, body) = patch(&app, &admin, "two-sum", json!({ "published": true })).await;
    assert_eq!(status, StatusCode::CONFLICT, "publishing without tests: {body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .expect("message")
            .contains("two-sum"),
        "{body}"
    );
    let (status, body) = patch(&app, &admin, "two-sum", json!({ "memory_mb": 1 })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .expect("message")
            .contains("memory_mb"),
        "{body}"
    );

    let (sample_in, sample_ans) = (unique("1 2"), unique("3"));
    add_test(
        &app,
        &admin,
        "two-sum",
        json!({ "kind": "sample", "name": "1", "input": sample_in, "answer": sample_ans }),
    )
    .await;
    let counted = add_test(
        &app,
        &admin,
        "two-sum",
        json!({ "kind": "secret", "name": "1", "input": unique("5 6"), "answer": unique("11") }),
    )
    .await;
    assert_eq!(counted["test_count"], 2);
    let (status, patched) = patch(
        &app,
        &admin,
        "two-sum",
        json!({ "title": "Sum of Two", "time_limit_ms": 1500, "memory_mb": 512, "tags": ["math", "graphs"], "published": true }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{patched}");
    assert_eq!(patched["title"], "Sum of Two");
    assert_eq!(patched["time_limit_ms"], 1500);
    assert_eq!(patched["memory_mb"], 512);
    assert_eq!(patched["tags"], json!(["math", "graphs"]));
    assert_eq!(
        patched["statement"], "Add them.",
        "fields left out stay as they were"
    );
    assert_eq!(patched["published"], true);

    for (slug, title, tag) in [
        ("alpha-sort", "Alpha Sort", "graphs"),
        ("beta-sum", "Beta Sum", "strings"),
    ] {
        create(
            &app,
            &admin,
            json!({ "slug": slug, "title": title, "tags": [tag] }),
        )
        .await;
        add_test(
            &app,
            &admin,
            slug,
            json!({ "kind": "secret", "name": "only", "input": unique("in"), "answer": unique("ans") }),
        )
        .await;
        assert_eq!(
            patch(&app, &admin, slug, json!({ "published": true })).await.0,
            StatusCode::OK
        );
    }

    let list = |query: &'static str| {
        let app = &app;
        let user = user.clone();
        async move {
            let (status, body) = answer(
                app.call(
                    Method::GET,
                    &format!("/api/v1/problems{query}"),
                    Some(&user),
                    None,
                )
                .await,
            )
            .await;
            assert_eq!(status, StatusCode::OK, "{query}: {body}");
            let slugs: Vec<String> = body["items"]
                .as_array()
                .expect("items")
                .iter()
                .map(|item| item["slug"].as_str().expect("slug").to_owned())
                .collect();
            (slugs, body["total"].as_i64().expect("total"), body)
        }
    };
    // Newest first, two to a page.
    let (first, total, page) = list("?per_page=2").await;
    assert_eq!(
        (first, total),
        (vec!["beta-sum".to_owned(), "alpha-sort".to_owned()], 3)
    );
    assert_eq!(
        (page["page"].clone(), page["per_page"].clone()),
        (json!(1), json!(2))
    );
    assert!(
        page["items"][0].get("published").is_none(),
        "users are not told what is published"
    );
    assert_eq!(page["items"][0]["title"], "Beta Sum");
    assert_eq!(list("?per_page=2&page=2").await.0, ["two-sum"]);
    assert!(list("?per_page=2&page=3").await.0.is_empty());
    let (found, total, _) = list("?q=SUM").await;
    assert_eq!(
        (found, total),
        (vec!["beta-sum".to_owned(), "two-sum".to_owned()], 2)
    );
    assert_eq!(list("?tag=graphs").await.0, ["alpha-sort", "two-sum"]);
    assert_eq!(list("?q=sum&tag=graphs").await.0, ["two-sum"]);
    assert!(list("?q=nothing-like-it").await.0.is_empty());
    let (status, message) = refusal(
        app.call(Method::GET, "/api/v1/problems?per_page=0", None, None)
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(message.contains("per_page"), "{message}");

    let (status, detail) = answer(
        app.call(Method::GET, "/api/v1/problems/two-sum", Some(&user), None)
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{detail}");
    assert_eq!(detail["title"], "Sum of Two");
    assert_eq!(detail["statement"], "Add them.");
    assert_eq!(detail["test_count"], 2);
    assert_eq!(
        detail["samples"],
        json!([{ "name": "sample/1", "input": sample_in, "answer": sample_ans, "truncated": false }])
    );

    let (status, deleted) = answer(
        app.call(Method::DELETE, "/api/v1/problems/two-sum", Some(&admin), None)
            .await,
    )
    .await;
    assert_eq!((status, deleted), (StatusCode::OK, json!({ "deleted": true })));
    let (status, message) = refusal(
        app.call(Method::GET, "/api/v1/problems/two-sum", Some(&admin), None)
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(message.contains("two-sum"), "{message}");
    assert_eq!(list("").await.1, 2);
    assert_eq!(
        row_counts(&db).await,
        [2, 2, 0],
        "the deleted problem's test cases went with it"
    );
}
