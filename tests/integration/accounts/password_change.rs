//! A signed-in user changes their password: the current one is required, every other session
//! ends, this one and the API tokens stay, and changes are rate-limited per user.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use super::{access, error_message, login, PASSWORD};
use crate::helpers::{accounts_config, spawn_app, spawn_app_with, AppOptions, TestApp};

const NEW_PASSWORD: &str = "a brand new passphrase";

async fn change(app: &TestApp, bearer: &str, current: &str, new: &str) -> reqwest::Response {
    app.call(
        Method::POST,
        "/api/v1/account/password",
        Some(bearer),
        Some(json!({ "current_password": current, "new_password": new })),
    )
    .await
}

async fn me_status(app: &TestApp, bearer: &str) -> StatusCode {
    app.call(Method::GET, "/api/v1/me", Some(bearer), None)
        .await
        .status()
}

#[tokio::test]
async fn a_password_change_needs_the_current_password_and_ends_every_other_session() {
    let app = spawn_app(AppOptions::default()).await;
    let here = access(&app.register("pat@example.org", PASSWORD).await);
    let elsewhere: Value = login(&app, "pat@example.org", PASSWORD)
        .await
        .json()
        .await
        .expect("JSON");
    let token: Value = app
        .call(
            Method::POST,
            "/api/v1/tokens",
            Some(&here),
            Some(json!({ "name": "ci" })),
        )
        .await
        .json()
        .await
        .expect("JSON");
    let token = token["token"].as_str().expect("token").to_owned();

    let wrong = change(&app, &here, "not my password", NEW_PASSWORD).await;
    assert_eq!(wrong.status(), StatusCode::FORBIDDEN);
    assert!(error_message(wrong).await.contains("current password is wrong"));
    let short = change(&app, &here, PASSWORD, "short").await;
    assert_eq!(short.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        me_status(&app, &access(&elsewhere)).await,
        StatusCode::OK,
        "nothing changed yet"
    );

    let changed = change(&app, &here, PASSWORD, NEW_PASSWORD).await;
    assert_eq!(changed.status(), StatusCode::NO_CONTENT);
    assert_eq!(me_status(&app, &here).await, StatusCode::OK, "this session stays");
    assert_eq!(me_status(&app, &token).await, StatusCode::OK, "API tokens stay");
    assert_eq!(
        me_status(&app, &access(&elsewhere)).await,
        StatusCode::UNAUTHORIZED,
        "the other session ended"
    );
    let refreshed = app
        .call(
            Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({ "refresh_token": elsewhere["refresh_token"] })),
        )
        .await;
    assert_eq!(
        refreshed.status(),
        StatusCode::UNAUTHORIZED,
        "and cannot be refreshed"
    );
    assert_eq!(
        login(&app, "pat@example.org", PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        login(&app, "pat@example.org", NEW_PASSWORD).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn password_changes_past_the_burst_get_429() {
    let app = spawn_app_with(coderank::config::AccountsConfig {
        rate_password: "2/h:2".parse().expect("rate"),
        ..accounts_config()
    })
    .await;
    let here = access(&app.register("rob@example.org", PASSWORD).await);
    for _ in 0..2 {
        let guess = change(&app, &here, "a wrong guess", NEW_PASSWORD).await;
        assert_eq!(guess.status(), StatusCode::FORBIDDEN);
    }
    let third = change(&app, &here, PASSWORD, NEW_PASSWORD).await;
    assert_eq!(
        third.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "the limit comes before the check"
    );
    assert_eq!(
        login(&app, "rob@example.org", PASSWORD).await.status(),
        StatusCode::OK
    );
}
