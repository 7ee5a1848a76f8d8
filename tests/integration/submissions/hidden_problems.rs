//! Nothing of a problem hidden from contestants (unpublished or archived) reaches anyone but
//! admins and the authors of its submissions: not the history, a submission, its page, nor the
//! leaderboard.

use reqwest::{Method, StatusCode};
use serde_json::Value;

use super::{echo_problem, finished, get_json, submit_ok, token, ECHO_PY, PASSWORD};
use crate::helpers::{spawn_app, AppOptions, TestApp};

/// Whether anything `who` reads of the public record names `slug`.
async fn mentions(app: &TestApp, who: Option<&str>, slug: &str) -> Vec<&'static str> {
    let mut found = Vec::new();
    let history = get_json(app, "/api/v1/submissions", who).await;
    if history.to_string().contains(slug) {
        found.push("the history");
    }
    let board = get_json(app, "/api/v1/leaderboard", who).await;
    if board.to_string().contains(slug) {
        found.push("the leaderboard");
    }
    found
}

#[tokio::test]
async fn an_unpublished_or_archived_problem_reaches_no_one_but_admins_and_its_authors() {
    let app = spawn_app(AppOptions {
        workers: 1,
        ..AppOptions::default()
    })
    .await;
    let admin = app.admin_token("root@example.org", PASSWORD).await;
    echo_problem(&app, &admin, "draft-secret", false).await;
    let ann = token(&app.register("ann@example.org", PASSWORD).await);

    let id = submit_ok(&app, &admin, "draft-secret", "python3", ECHO_PY).await;
    let judged = finished(&app, &admin, &id).await;
    assert_eq!(judged["verdict"], "AC", "{judged}");

    for who in [None, Some(ann.as_str())] {
        assert_eq!(
            mentions(&app, who, "draft-secret").await,
            Vec::<&str>::new(),
            "{who:?}"
        );
        let one = app
            .call(Method::GET, &format!("/api/v1/submissions/{id}"), who, None)
            .await;
        assert_eq!(one.status(), StatusCode::NOT_FOUND, "{who:?}");
    }
    let page = app.get(&format!("/submissions/{id}")).await;
    assert_eq!(page.status(), StatusCode::NOT_FOUND, "the submission's page");
    let board = get_json(&app, "/api/v1/leaderboard", None).await;
    assert_eq!(
        board["standings"],
        Value::Array(Vec::new()),
        "a draft's solve ranks no one: {board}"
    );

    // Admins see all of it; once published, so does everyone.
    assert_eq!(
        mentions(&app, Some(&admin), "draft-secret").await,
        vec!["the history"],
        "admins see the history (the leaderboard shows published problems only)"
    );
    let published = app
        .call(
            Method::PATCH,
            "/api/v1/problems/draft-secret",
            Some(&admin),
            Some(serde_json::json!({ "published": true })),
        )
        .await;
    assert_eq!(published.status(), StatusCode::OK);
    assert_eq!(
        mentions(&app, None, "draft-secret").await,
        vec!["the history", "the leaderboard"]
    );
    let board = get_json(&app, "/api/v1/leaderboard", None).await;
    assert_eq!(
        board["standings"][0]["solved"], 1,
        "the totals follow publication: {board}"
    );

    // Archived (deleted while it has submissions): hidden again, totals too, except to the
    // author of a submission, who knew the problem when they sent it.
    let bea = token(&app.register("bea@example.org", PASSWORD).await);
    let own = submit_ok(&app, &bea, "draft-secret", "python3", ECHO_PY).await;
    finished(&app, &bea, &own).await;
    let deleted = app
        .call(
            Method::DELETE,
            "/api/v1/problems/draft-secret",
            Some(&admin),
            None,
        )
        .await;
    assert!(deleted.status().is_success(), "{}", deleted.status());
    assert_eq!(
        mentions(&app, Some(&ann), "draft-secret").await,
        Vec::<&str>::new()
    );
    let board = get_json(&app, "/api/v1/leaderboard", None).await;
    assert_eq!(board["standings"], Value::Array(Vec::new()), "{board}");
}
