//! Local accounts, sessions, tokens, roles and rate limits, through the HTTP API and the CLI.

use std::{
    collections::BTreeSet,
    io::Write,
    process::{Command, Stdio},
    time::Duration,
};

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use reqwest::{header, Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{
    accounts_config, cookie_value, eventually, fresh_database, services, set_cookie, spawn_app,
    spawn_app_with, AppOptions, TestApp,
};

const PASSWORD: &str = "correct horse battery";

fn access(tokens: &Value) -> String {
    tokens["access_token"].as_str().expect("access_token").to_owned()
}

async fn login(app: &TestApp, email: &str, password: &str) -> reqwest::Response {
    app.call(
        Method::POST,
        "/api/v1/auth/login",
        None,
        Some(json!({ "email": email, "password": password })),
    )
    .await
}

async fn error_message(response: reqwest::Response) -> String {
    let body: Value = response.json().await.expect("a JSON error body");
    body["error"]["message"]
        .as_str()
        .expect("an error message")
        .to_owned()
}

async fn count(app: &TestApp, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
        .fetch_one(&app.db().await)
        .await
        .expect("count")
}

/// Makes a registered user an admin, as `coderank user set-role` would.
async fn make_admin(app: &TestApp, email: &str) {
    sqlx::query("UPDATE users SET role = 'admin' WHERE email = $1::text::citext")
        .bind(email)
        .execute(&app.db().await)
        .await
        .expect("promote");
}

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

#[tokio::test]
async fn a_refresh_token_works_once_and_its_reuse_revokes_the_session() {
    let app = spawn_app(AppOptions::default()).await;
    let first = app.register("rui@example.org", PASSWORD).await;
    let refresh = |token: &str| {
        app.call(
            Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({ "refresh_token": token })),
        )
    };
    let second = refresh(first["refresh_token"].as_str().expect("token")).await;
    assert_eq!(second.status(), 200);
    let second: Value = second.json().await.expect("JSON");
    assert_ne!(second["refresh_token"], first["refresh_token"]);
    let me = app
        .call(Method::GET, "/api/v1/me", Some(&access(&second)), None)
        .await;
    assert_eq!(me.status(), 200);

    // Replaying the first refresh token: someone copied it. The session dies.
    let replay = refresh(first["refresh_token"].as_str().expect("token")).await;
    assert_eq!(replay.status(), StatusCode::UNAUTHORIZED);
    assert!(error_message(replay).await.contains("already used"));
    let me = app
        .call(Method::GET, "/api/v1/me", Some(&access(&second)), None)
        .await;
    assert_eq!(me.status(), StatusCode::UNAUTHORIZED);
    let after = refresh(second["refresh_token"].as_str().expect("token")).await;
    assert_eq!(after.status(), StatusCode::UNAUTHORIZED);
    let forged = refresh("crr_not-a-real-token").await;
    assert_eq!(forged.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn logout_revokes_the_access_token_at_once() {
    let app = spawn_app(AppOptions::default()).await;
    let tokens = app.register("lou@example.org", PASSWORD).await;
    let token = access(&tokens);
    let out = app
        .call(Method::POST, "/api/v1/auth/logout", Some(&token), None)
        .await;
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    let me = app.call(Method::GET, "/api/v1/me", Some(&token), None).await;
    assert_eq!(me.status(), StatusCode::UNAUTHORIZED);
    assert!(error_message(me).await.contains("session has ended"));
    let refreshed = app
        .call(
            Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({ "refresh_token": tokens["refresh_token"] })),
        )
        .await;
    assert_eq!(refreshed.status(), StatusCode::UNAUTHORIZED);
}

fn b64(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).expect("JSON"))
}

/// An HS256 signature of `header.payload` with `secret`, as jsonwebtoken computes it.
fn sign(header: &Value, payload: &Value, secret: &[u8]) -> String {
    let message = format!("{}.{}", b64(header), b64(payload));
    let signature = jsonwebtoken::crypto::sign(
        message.as_bytes(),
        &jsonwebtoken::EncodingKey::from_secret(secret),
        jsonwebtoken::Algorithm::HS256,
    )
    .expect("sign");
    format!("{message}.{signature}")
}

#[tokio::test]
async fn expired_tampered_unsigned_and_confused_access_tokens_are_refused() {
    let app = spawn_app(AppOptions::default()).await;
    let tokens = app.register("eve@example.org", PASSWORD).await;
    let good = access(&tokens);
    let parts: Vec<&str> = good.split('.').collect();
    let header: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).expect("b64")).expect("JSON");
    let claims: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).expect("b64")).expect("JSON");
    let kid = header["kid"].as_str().expect("kid");
    let secret: Vec<u8> = sqlx::query_scalar("SELECT secret FROM signing_keys WHERE kid = $1")
        .bind(kid)
        .fetch_one(&app.db().await)
        .await
        .expect("the signing key");
    let other = app.register("mallory@example.org", PASSWORD).await;
    let other_id = other["user"]["id"].as_str().expect("id");

    let now = jsonwebtoken::get_current_timestamp();
    let mut expired = claims.clone();
    expired["iat"] = json!(now - 100);
    expired["exp"] = json!(now - 10);
    let mut as_other = claims.clone();
    as_other["sub"] = json!(other_id);
    let cases = [
        ("expired", sign(&header, &expired, &secret), "expired"),
        (
            "unsigned",
            format!("{}.{}.", b64(&json!({"alg": "none", "typ": "JWT"})), parts[1]),
            "algorithm",
        ),
        (
            "RS256 header, HMAC signature",
            sign(
                &json!({"alg": "RS256", "typ": "JWT", "kid": kid}),
                &claims,
                &secret,
            ),
            "algorithm",
        ),
        (
            "wrong key",
            sign(&header, &claims, b"some other key, 32 bytes long...."),
            "signature",
        ),
        (
            "payload swapped",
            format!("{}.{}.{}", parts[0], b64(&as_other), parts[2]),
            "signature",
        ),
        (
            "unknown kid",
            sign(&json!({"alg": "HS256", "kid": "nope"}), &claims, &secret),
            "key",
        ),
        ("garbage", "not.a.jwt".to_owned(), "malformed"),
    ];
    for (what, token, says) in cases {
        let response = app.call(Method::GET, "/api/v1/me", Some(&token), None).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{what}");
        let message = error_message(response).await;
        assert!(message.contains(says), "{what}: {message}");
    }
    let not_bearer = app
        .client
        .get(app.url("/api/v1/me"))
        .header(header::AUTHORIZATION, format!("Token {good}"))
        .send()
        .await
        .expect("request");
    assert_eq!(not_bearer.status(), StatusCode::UNAUTHORIZED);
    // The real token, re-signed correctly, still works: the cases above failed for their flaw.
    let resigned = sign(&header, &claims, &secret);
    let response = app.call(Method::GET, "/api/v1/me", Some(&resigned), None).await;
    assert_eq!(response.status(), 200);
}

fn kid_of(token: &str) -> String {
    let header = token.split('.').next().expect("header");
    let header: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header).expect("b64")).expect("JSON");
    header["kid"].as_str().expect("kid").to_owned()
}

#[tokio::test]
async fn rotating_the_signing_key_signs_nobody_out_until_the_old_key_expires() {
    let app = spawn_app(AppOptions::default()).await;
    let old = access(&app.register("kim@example.org", PASSWORD).await);
    let rotated = Command::new(env!("CARGO_BIN_EXE_coderank"))
        .args(["auth", "rotate-key"])
        .env("DATABASE_URL", &app.database_url)
        .output()
        .expect("run coderank auth rotate-key");
    assert!(
        rotated.status.success(),
        "{}",
        String::from_utf8_lossy(&rotated.stderr)
    );

    // A second server (a fresh key cache) signs with the new key and accepts both.
    let second = spawn_app(AppOptions {
        database_url: Some(app.database_url.clone()),
        ..AppOptions::default()
    })
    .await;
    let response = login(&second, "kim@example.org", PASSWORD).await;
    let new = access(&response.json::<Value>().await.expect("JSON"));
    assert_ne!(kid_of(&old), kid_of(&new));
    for token in [&old, &new] {
        assert_eq!(
            second
                .call(Method::GET, "/api/v1/me", Some(token), None)
                .await
                .status(),
            200
        );
    }
    // Once the old key has been retired for longer than a token lives, its tokens are refused.
    sqlx::query("UPDATE signing_keys SET retired_at = now() - interval '1 hour' WHERE kid = $1")
        .bind(kid_of(&old))
        .execute(&app.db().await)
        .await
        .expect("age the old key");
    let third = spawn_app(AppOptions {
        database_url: Some(app.database_url.clone()),
        ..AppOptions::default()
    })
    .await;
    let response = third.call(Method::GET, "/api/v1/me", Some(&old), None).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        third
            .call(Method::GET, "/api/v1/me", Some(&new), None)
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn api_tokens_are_shown_once_work_and_stop_when_revoked() {
    let app = spawn_app(AppOptions::default()).await;
    let session = access(&app.register("ci@example.org", PASSWORD).await);
    let created = app
        .call(
            Method::POST,
            "/api/v1/tokens",
            Some(&session),
            Some(json!({ "name": "ci", "expires_in_days": 30 })),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let created: Value = created.json().await.expect("JSON");
    let secret = created["token"].as_str().expect("token").to_owned();
    assert!(secret.starts_with("crk_"));
    assert!(secret.starts_with(created["prefix"].as_str().expect("prefix")));

    let me = app.call(Method::GET, "/api/v1/me", Some(&secret), None).await;
    assert_eq!(me.status(), 200);
    let listed: Value = app
        .call(Method::GET, "/api/v1/tokens", Some(&secret), None)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(listed.as_array().map(Vec::len), Some(1));
    assert!(
        !listed.to_string().contains(&secret),
        "a listing must not show the secret"
    );
    let stored: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM api_tokens WHERE token_hash = sha256(convert_to($1, 'UTF8'))",
    )
    .bind(&secret)
    .fetch_one(&app.db().await)
    .await
    .expect("count");
    assert_eq!(stored, 1, "only the SHA-256 of the token is stored");

    for bad in [
        json!({ "name": "" }),
        json!({ "name": "x", "expires_in_days": 0 }),
    ] {
        let response = app
            .call(Method::POST, "/api/v1/tokens", Some(&session), Some(bad.clone()))
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
    let logout = app
        .call(Method::POST, "/api/v1/auth/logout", Some(&secret), None)
        .await;
    assert_eq!(logout.status(), StatusCode::BAD_REQUEST);

    let id = created["id"].as_str().expect("id");
    let revoked = app
        .call(
            Method::DELETE,
            &format!("/api/v1/tokens/{id}"),
            Some(&session),
            None,
        )
        .await;
    assert_eq!(revoked.status(), StatusCode::NO_CONTENT);
    let me = app.call(Method::GET, "/api/v1/me", Some(&secret), None).await;
    assert_eq!(me.status(), StatusCode::UNAUTHORIZED);
    let again = app
        .call(
            Method::DELETE,
            &format!("/api/v1/tokens/{id}"),
            Some(&session),
            None,
        )
        .await;
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
}

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

#[tokio::test]
async fn disabling_a_user_stops_their_tokens_and_sign_in() {
    let app = spawn_app(AppOptions::default()).await;
    let admin = access(&app.register("root@example.org", PASSWORD).await);
    make_admin(&app, "root@example.org").await;
    let user = app.register("dan@example.org", PASSWORD).await;
    let user_token = access(&user);
    let id = user["user"]["id"].as_str().expect("id");
    let disabled = app
        .call(
            Method::PATCH,
            &format!("/api/v1/users/{id}"),
            Some(&admin),
            Some(json!({ "disabled": true })),
        )
        .await;
    assert_eq!(disabled.status(), 200);
    let me = app.call(Method::GET, "/api/v1/me", Some(&user_token), None).await;
    assert_eq!(me.status(), StatusCode::FORBIDDEN);
    assert!(error_message(me).await.contains("disabled"));
    assert_eq!(
        login(&app, "dan@example.org", PASSWORD).await.status(),
        StatusCode::FORBIDDEN
    );
    let refreshed = app
        .call(
            Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({ "refresh_token": user["refresh_token"] })),
        )
        .await;
    assert_eq!(refreshed.status(), StatusCode::FORBIDDEN);

    let admin_id = sqlx::query_scalar::<_, uuid::Uuid>("SELECT id FROM users WHERE role = 'admin'")
        .fetch_one(&app.db().await)
        .await
        .expect("admin id");
    for body in [json!({ "role": "user" }), json!({ "disabled": true })] {
        let response = app
            .call(
                Method::PATCH,
                &format!("/api/v1/users/{admin_id}"),
                Some(&admin),
                Some(body),
            )
            .await;
        assert_eq!(response.status(), StatusCode::CONFLICT);
    }
    let missing = app
        .call(
            Method::PATCH,
            &format!("/api/v1/users/{}", uuid::Uuid::new_v4()),
            Some(&admin),
            Some(json!({ "role": "admin" })),
        )
        .await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

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

#[tokio::test]
async fn registrations_past_the_burst_get_429_with_retry_after() {
    let app = spawn_app_with(coderank::config::AccountsConfig {
        rate_register: "2/h:2".parse().expect("rate"),
        ..accounts_config()
    })
    .await;
    app.register("r1@example.org", PASSWORD).await;
    app.register("r2@example.org", PASSWORD).await;
    let third = app
        .call(
            Method::POST,
            "/api/v1/auth/register",
            None,
            Some(json!({ "email": "r3@example.org", "password": PASSWORD, "display_name": "R" })),
        )
        .await;
    assert_eq!(third.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = third.headers()[header::RETRY_AFTER]
        .to_str()
        .expect("text")
        .parse()
        .expect("seconds");
    assert!((1..=1800).contains(&retry_after), "{retry_after}");
    let body: Value = third.json().await.expect("JSON");
    assert_eq!(body["error"]["code"], "too_many_requests");
    assert_eq!(body["error"]["details"]["retry_after_secs"], retry_after);
    assert_eq!(count(&app, "users").await, 2);
}

/// A `coderank serve` process on a free port, killed when dropped.
struct ServerProcess {
    child: std::process::Child,
    base: String,
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn serve_process(database_url: &str, env: &[(&str, &str)]) -> ServerProcess {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let services = services();
    let child = Command::new(env!("CARGO_BIN_EXE_coderank"))
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .env("DATABASE_URL", database_url)
        .env("S3_ENDPOINT", &services.s3_endpoint)
        .env("CODERANK_LOG", "warn")
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .spawn()
        .expect("start coderank serve");
    let server = ServerProcess {
        child,
        base: format!("http://127.0.0.1:{port}"),
    };
    let client = reqwest::Client::new();
    let up = eventually(Duration::from_secs(30), || {
        let request = client.get(format!("{}/healthz", server.base)).send();
        async move { request.await.is_ok_and(|response| response.status() == 200) }
    })
    .await;
    assert!(up, "coderank serve did not come up on port {port}");
    server
}

#[tokio::test]
async fn the_sign_in_limit_holds_across_two_server_processes() {
    let database = fresh_database(&services()).await;
    let limit = [("CODERANK_RATE_LOGIN", "4/h:4")];
    let first = serve_process(&database, &limit).await;
    let second = serve_process(&database, &limit).await;
    let client = reqwest::Client::new();
    let attempt = |server: &ServerProcess| {
        client
            .post(format!("{}/api/v1/auth/login", server.base))
            .json(&json!({ "email": "nobody@example.org", "password": PASSWORD }))
            .send()
    };
    // Four attempts, two at each process: each process alone is under the limit of four.
    for server in [&first, &second, &first, &second] {
        let response = attempt(server).await.expect("request");
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    for server in [&first, &second] {
        let response = attempt(server).await.expect("request");
        assert_eq!(
            response.status(),
            StatusCode::TOO_MANY_REQUESTS,
            "{}",
            server.base
        );
        assert!(response.headers().contains_key(header::RETRY_AFTER));
    }
}

fn coderank_cli(args: &[&str], database_url: &str, stdin: Option<&str>) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_coderank"))
        .args(args)
        .env("DATABASE_URL", database_url)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run coderank");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("write stdin");
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("wait")
}

#[tokio::test]
async fn the_cli_creates_an_admin_who_can_sign_in() {
    let app = spawn_app(AppOptions::default()).await;
    let db = &app.database_url;
    let created = coderank_cli(
        &[
            "user",
            "create",
            "--admin",
            "--email",
            "boss@example.org",
            "--password-stdin",
        ],
        db,
        Some(&format!("{PASSWORD}\n")),
    );
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    let response = login(&app, "boss@example.org", PASSWORD).await;
    assert_eq!(response.status(), 200);
    let tokens: Value = response.json().await.expect("JSON");
    assert_eq!(tokens["user"]["role"], "admin");

    let again = coderank_cli(&["user", "create", "--email", "boss@example.org"], db, None);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already taken"));
    let tolerated = coderank_cli(
        &["user", "create", "--email", "boss@example.org", "--exists-ok"],
        db,
        None,
    );
    assert!(tolerated.status.success());
    let short = coderank_cli(
        &["user", "create", "--email", "s@example.org", "--password-stdin"],
        db,
        Some("short\n"),
    );
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 8"));

    let demoted = coderank_cli(&["user", "set-role", "boss@example.org", "user"], db, None);
    assert!(demoted.status.success());
    let listed = coderank_cli(&["user", "list", "--json"], db, None);
    let listed = String::from_utf8_lossy(&listed.stdout);
    let users: Vec<Value> = listed
        .lines()
        .map(|line| serde_json::from_str(line).expect("JSON"))
        .collect();
    assert_eq!(users.len(), 1);
    assert_eq!(users[0]["role"], "user");
    let missing = coderank_cli(&["user", "set-role", "ghost@example.org", "admin"], db, None);
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no user"));
}
