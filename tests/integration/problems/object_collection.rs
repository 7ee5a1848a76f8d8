//! Deleting a problem collects from the store the objects only it used.

use coderank::problems::objects::sha256_hex;
use reqwest::{Method, StatusCode};
use serde_json::json;

use super::{add_test, answer, app_with_callers, create, row_counts, stored, unique};
use crate::helpers::{object_store, AppOptions};

#[tokio::test]
async fn deleting_a_problem_collects_the_objects_only_it_used() {
    let (app, admin, _) = app_with_callers(AppOptions::default()).await;
    let (db, store) = (app.db().await, object_store().await);
    let (shared_in, shared_ans) = (unique("shared input"), unique("shared answer"));
    let (own_in, own_ans) = (unique("own input"), unique("own answer"));
    for slug in ["first", "second"] {
        create(&app, &admin, json!({ "slug": slug, "title": slug })).await;
        add_test(
            &app,
            &admin,
            slug,
            json!({ "kind": "sample", "name": "1", "input": shared_in, "answer": shared_ans }),
        )
        .await;
    }
    add_test(
        &app,
        &admin,
        "first",
        json!({ "kind": "secret", "name": "own", "input": own_in, "answer": own_ans }),
    )
    .await;
    let hash = |text: &str| sha256_hex(text.as_bytes());
    for text in [&shared_in, &shared_ans, &own_in, &own_ans] {
        assert!(stored(&store, &hash(text)).await);
    }

    let (status, deleted) = answer(
        app.call(Method::DELETE, "/api/v1/problems/first", Some(&admin), None)
            .await,
    )
    .await;
    assert_eq!((status, deleted), (StatusCode::OK, json!({ "deleted": true })));
    assert!(
        !stored(&store, &hash(&own_in)).await,
        "its own input was collected"
    );
    assert!(
        !stored(&store, &hash(&own_ans)).await,
        "its own answer was collected"
    );
    assert!(stored(&store, &hash(&shared_in)).await && stored(&store, &hash(&shared_ans)).await);
    let (status, second) = answer(
        app.call(Method::GET, "/api/v1/problems/second", Some(&admin), None)
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{second}");
    assert_eq!(second["samples"][0]["input"], shared_in.as_str());
    assert_eq!(row_counts(&db).await, [1, 1, 0]);

    let response = app
        .call(Method::DELETE, "/api/v1/problems/second", Some(&admin), None)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        !stored(&store, &hash(&shared_in)).await,
        "unused once both are gone"
    );
    assert_eq!(row_counts(&db).await, [0, 0, 0]);
}
