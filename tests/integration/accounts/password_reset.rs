//! One-time reset links an admin issues (CLI or API): single use, hashed at rest, expiring,
//! retired by a newer link, ending every session of the user, rate-limited per address.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use super::{access, cli::coderank_cli, error_message, login, make_admin, PASSWORD};
use crate::helpers::{accounts_config, spawn_app, spawn_app_with, AppOptions, TestApp};

const NEW_PASSWORD: &str = "a brand new passphrase";

async fn reset(app: &TestApp, token: &str, new_password: &str) -> reqwest::Response {
    app.call(
        Method::POST,
        "/api/v1/auth/password-reset",
        None,
        Some(json!({ "token": token, "new_password": new_password })),
    )
    .await
}

/// The token of a reset link: what follows `#token=`.
fn token_of(url: &str) -> String {
    url.split_once("#token=")
        .expect("a token in the fragment")
        .1
        .to_owned()
}

#[tokio::test]
async fn a_reset_link_from_the_cli_sets_a_new_password_once_and_ends_every_session() {
    let app = spawn_app(AppOptions::default()).await;
    let session = access(&app.register("lin@example.org", PASSWORD).await);
    let issued = coderank_cli(
        &[
            "user",
            "reset-link",
            "lin@example.org",
            "--public-url",
            "https://judge.example/",
        ],
        &app.database_url,
        None,
    );
    assert!(
        issued.status.success(),
        "{}",
        String::from_utf8_lossy(&issued.stderr)
    );
    let url = String::from_utf8_lossy(&issued.stdout).trim().to_owned();
    assert!(
        url.starts_with("https://judge.example/password-reset#token=crp_"),
        "{url}"
    );
    let token = token_of(&url);
    let stored: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM password_resets WHERE token_hash = sha256(convert_to($1, 'UTF8'))",
    )
    .bind(&token)
    .fetch_one(&app.db().await)
    .await
    .expect("count");
    assert_eq!(stored, 1, "only the SHA-256 of the token is stored");

    let short = reset(&app, &token, "short").await;
    assert_eq!(short.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let used = reset(&app, &token, NEW_PASSWORD).await;
    assert_eq!(used.status(), StatusCode::NO_CONTENT);
    let me = app.call(Method::GET, "/api/v1/me", Some(&session), None).await;
    assert_eq!(me.status(), StatusCode::UNAUTHORIZED, "every session ended");
    assert_eq!(
        login(&app, "lin@example.org", PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        login(&app, "lin@example.org", NEW_PASSWORD).await.status(),
        StatusCode::OK
    );

    let again = reset(&app, &token, "yet another passphrase").await;
    assert_eq!(again.status(), StatusCode::BAD_REQUEST);
    assert!(error_message(again).await.contains("already used"));
    assert_eq!(
        login(&app, "lin@example.org", NEW_PASSWORD).await.status(),
        StatusCode::OK
    );

    let unknown = coderank_cli(
        &["user", "reset-link", "ghost@example.org"],
        &app.database_url,
        None,
    );
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no user"));
}

#[tokio::test]
async fn an_admin_issues_reset_links_that_expire_and_a_newer_one_retires_the_older() {
    let app = spawn_app(AppOptions::default()).await;
    let admin = access(&app.register("boss@example.org", PASSWORD).await);
    make_admin(&app, "boss@example.org").await;
    let user = app.register("kim@example.org", PASSWORD).await;
    let id = user["user"]["id"].as_str().expect("id");
    let issue = || async {
        let response = app
            .call(
                Method::POST,
                &format!("/api/v1/users/{id}/reset-link"),
                Some(&admin),
                None,
            )
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let body: Value = response.json().await.expect("JSON");
        assert!(body["expires_at"].is_string());
        token_of(body["url"].as_str().expect("url"))
    };
    let older = issue().await;
    let newer = issue().await;
    let retired = reset(&app, &older, NEW_PASSWORD).await;
    assert_eq!(
        retired.status(),
        StatusCode::BAD_REQUEST,
        "a newer link retires the older"
    );

    sqlx::query("UPDATE password_resets SET expires_at = now() - interval '1 second' WHERE used_at IS NULL")
        .execute(&app.db().await)
        .await
        .expect("expire");
    let expired = reset(&app, &newer, NEW_PASSWORD).await;
    assert_eq!(
        expired.status(),
        StatusCode::BAD_REQUEST,
        "an expired link does nothing"
    );
    assert_eq!(
        login(&app, "kim@example.org", PASSWORD).await.status(),
        StatusCode::OK
    );

    let fresh = issue().await;
    assert_eq!(
        reset(&app, &fresh, NEW_PASSWORD).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        login(&app, "kim@example.org", NEW_PASSWORD).await.status(),
        StatusCode::OK
    );

    let page = app.get("/password-reset").await;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.expect("HTML").contains("password-reset-form"));
}

#[tokio::test]
async fn reset_attempts_past_the_burst_get_429_per_address() {
    let app = spawn_app_with(coderank::config::AccountsConfig {
        rate_password: "2/h:2".parse().expect("rate"),
        ..accounts_config()
    })
    .await;
    for _ in 0..2 {
        let guess = reset(&app, "crp_guessed", NEW_PASSWORD).await;
        assert_eq!(guess.status(), StatusCode::BAD_REQUEST);
    }
    let third = reset(&app, "crp_guessed", NEW_PASSWORD).await;
    assert_eq!(third.status(), StatusCode::TOO_MANY_REQUESTS);
}
