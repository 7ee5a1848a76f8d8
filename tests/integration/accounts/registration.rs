//! Registration and password sign-in: taken e-mails, named field errors, switching off, one 401.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use super::{access, count, error_message, login, PASSWORD};
use crate::helpers::{accounts_config, spawn_app, spawn_app_with, AppOptions};

#[tokio::test]
async fn registering_signs_in_and_the_access_token_answers_me() {
    let app = spawn_app(AppOptions::default()).await;
    let tokens = app.register("Ada@Example.org", PASSWORD).await;
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["expires_in"], 900);
    assert!(tokens["refresh_token"]
        .as_str()
        .is_some_and(|t| t.starts_with("crr_")));
    let me = app
        .call(Method::GET, "/api/v1/me", Some(&access(&tokens)), None)
        .await;
    assert_eq!(me.status(), 200);
    let me: Value = me.json().await.expect("JSON");
    assert_eq!(me["email"], "Ada@Example.org");
    assert_eq!(me["display_name"], "Ada");
    assert_eq!(me["role"], "user");
    assert_eq!(me["providers"], json!([]));
    let hash: String = sqlx::query_scalar("SELECT password_hash FROM users")
        .fetch_one(&app.db().await)
        .await
        .expect("hash");
    assert!(hash.starts_with("$argon2id$"), "{hash}");
}

#[tokio::test]
async fn an_e_mail_address_is_taken_whatever_its_case() {
    let app = spawn_app(AppOptions::default()).await;
    app.register("grace@example.org", PASSWORD).await;
    let again = app
        .call(
            Method::POST,
            "/api/v1/auth/register",
            None,
            Some(json!({ "email": "GRACE@example.org", "password": PASSWORD, "display_name": "G" })),
        )
        .await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    assert!(error_message(again).await.contains("already taken"));
    assert_eq!(count(&app, "users").await, 1);
}

#[tokio::test]
async fn registration_names_the_field_that_is_wrong() {
    let app = spawn_app(AppOptions::default()).await;
    let cases = [
        (
            json!({ "email": "nope", "password": PASSWORD, "display_name": "N" }),
            "e-mail",
        ),
        (
            json!({ "email": "n@example.org", "password": "short", "display_name": "N" }),
            "password",
        ),
        (
            json!({ "email": "n@example.org", "password": PASSWORD, "display_name": "  " }),
            "display_name",
        ),
        (
            json!({ "email": "n@example.org", "password": PASSWORD }),
            "display_name",
        ),
    ];
    for (body, field) in cases {
        let response = app
            .call(Method::POST, "/api/v1/auth/register", None, Some(body.clone()))
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let message = error_message(response).await;
        assert!(message.contains(field), "{body}: {message}");
    }
    assert_eq!(count(&app, "users").await, 0);
}

#[tokio::test]
async fn registration_and_password_sign_in_can_be_switched_off() {
    let closed = spawn_app_with(coderank::config::AccountsConfig {
        registration: false,
        ..accounts_config()
    })
    .await;
    let response = closed
        .call(
            Method::POST,
            "/api/v1/auth/register",
            None,
            Some(json!({ "email": "x@example.org", "password": PASSWORD, "display_name": "X" })),
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let options: Value = closed
        .get("/api/v1/auth/providers")
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(options["registration"], false);
    assert_eq!(options["local_login"], true);

    let no_passwords = spawn_app_with(coderank::config::AccountsConfig {
        local_login: false,
        ..accounts_config()
    })
    .await;
    let response = login(&no_passwords, "x@example.org", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(error_message(response).await.contains("switched off"));
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_e_mail_get_the_same_401() {
    let app = spawn_app(AppOptions::default()).await;
    app.register("lin@example.org", PASSWORD).await;
    for (email, password) in [
        ("lin@example.org", "wrong password"),
        ("nobody@example.org", PASSWORD),
        ("garbage", PASSWORD),
    ] {
        let response = login(&app, email, password).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{email}");
        assert_eq!(error_message(response).await, "wrong e-mail or password");
    }
    let response = login(&app, "LIN@example.org", PASSWORD).await;
    assert_eq!(response.status(), 200);
    let tokens: Value = response.json().await.expect("JSON");
    assert_eq!(tokens["user"]["email"], "lin@example.org");
}
