//! Browser sessions: the CSRF header needed to change anything, and Secure cookies behind HTTPS.

use reqwest::{header, Method, StatusCode};
use serde_json::{json, Value};

use super::{count, error_message, PASSWORD};
use crate::helpers::{
    accounts_config, cookie_value, set_cookie, spawn_app, spawn_app_with, AppOptions, TestApp,
};

/// Password sign-in asking for a browser session.
async fn cookie_login(app: &TestApp, email: &str) -> reqwest::Response {
    app.call(
        Method::POST,
        "/api/v1/auth/login",
        None,
        Some(json!({ "email": email, "password": PASSWORD, "cookie": true })),
    )
    .await
}

#[tokio::test]
async fn a_browser_session_needs_the_csrf_header_to_change_anything() {
    let app = spawn_app(AppOptions::default()).await;
    app.register("bo@example.org", PASSWORD).await;
    let response = cookie_login(&app, "bo@example.org").await;
    assert_eq!(response.status(), 200);
    let session = set_cookie(&response, "coderank_session").expect("a session cookie");
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(session.contains(attribute), "{session}");
    }
    assert!(!session.contains("Secure"), "no Secure on http: {session}");
    let csrf_cookie = set_cookie(&response, "coderank_csrf").expect("a CSRF cookie");
    assert!(
        !csrf_cookie.contains("HttpOnly"),
        "page scripts read it: {csrf_cookie}"
    );
    let body: Value = response.json().await.expect("JSON");
    assert!(
        body.get("access_token").is_none(),
        "no bearer secret for page scripts"
    );
    let csrf = body["csrf_token"].as_str().expect("csrf").to_owned();
    assert_eq!(csrf, cookie_value(&csrf_cookie));

    let cookie = format!("coderank_session={}", cookie_value(&session));
    let with_cookie = |method: Method, path: &str| {
        app.client
            .request(method, app.url(path))
            .header(header::COOKIE, cookie.clone())
    };
    let me = with_cookie(Method::GET, "/api/v1/me")
        .send()
        .await
        .expect("request");
    assert_eq!(me.status(), 200);
    let forged = with_cookie(Method::POST, "/api/v1/tokens")
        .json(&json!({ "name": "x" }))
        .send()
        .await
        .expect("request");
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert!(error_message(forged).await.contains("X-CSRF-Token"));
    let wrong = with_cookie(Method::POST, "/api/v1/tokens")
        .header("x-csrf-token", "guess")
        .json(&json!({ "name": "x" }))
        .send()
        .await
        .expect("request");
    assert_eq!(wrong.status(), StatusCode::FORBIDDEN);
    assert_eq!(count(&app, "api_tokens").await, 0);
    let made = with_cookie(Method::POST, "/api/v1/tokens")
        .header("x-csrf-token", &csrf)
        .json(&json!({ "name": "x" }))
        .send()
        .await
        .expect("request");
    assert_eq!(made.status(), StatusCode::CREATED);

    let out = with_cookie(Method::POST, "/api/v1/auth/logout")
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .expect("request");
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    let cleared = set_cookie(&out, "coderank_session").expect("the cookie is cleared");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    let me = with_cookie(Method::GET, "/api/v1/me")
        .send()
        .await
        .expect("request");
    assert_eq!(me.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn secure_cookies_when_the_public_url_is_https() {
    let app = spawn_app_with(coderank::config::AccountsConfig {
        public_url: "https://judge.example.org".parse().expect("URL"),
        ..accounts_config()
    })
    .await;
    app.register("sec@example.org", PASSWORD).await;
    let response = cookie_login(&app, "sec@example.org").await;
    let session = set_cookie(&response, "coderank_session").expect("a session cookie");
    assert!(session.contains("Secure"), "{session}");
}
