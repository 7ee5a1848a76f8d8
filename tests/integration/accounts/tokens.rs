//! Access, refresh and API tokens: single use, revocation, forged tokens refused, key rotation.

use std::process::Command;

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use reqwest::{header, Method, StatusCode};
use serde_json::{json, Value};

use super::{access, error_message, login, PASSWORD};
use crate::helpers::{spawn_app, AppOptions};

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

#[tokio::test]
async fn a_token_cannot_mint_another_token_or_change_the_password() {
    let app = spawn_app(AppOptions::default()).await;
    let session = access(&app.register("mint@example.org", PASSWORD).await);
    let created: Value = app
        .call(
            Method::POST,
            "/api/v1/tokens",
            Some(&session),
            Some(json!({ "name": "ci" })),
        )
        .await
        .json()
        .await
        .expect("JSON");
    let token = created["token"].as_str().expect("token").to_owned();

    let minted = app
        .call(
            Method::POST,
            "/api/v1/tokens",
            Some(&token),
            Some(json!({ "name": "forever" })),
        )
        .await;
    assert_eq!(minted.status(), StatusCode::FORBIDDEN);
    let message = error_message(minted).await;
    assert!(
        message.contains("an API token cannot create API tokens"),
        "{message}"
    );
    let changed = app
        .call(
            Method::POST,
            "/api/v1/account/password",
            Some(&token),
            Some(json!({ "current_password": PASSWORD, "new_password": "taken over now" })),
        )
        .await;
    assert_eq!(changed.status(), StatusCode::FORBIDDEN);
    let listed: Value = app
        .call(Method::GET, "/api/v1/tokens", Some(&session), None)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(listed.as_array().map(Vec::len), Some(1), "nothing was minted");
    assert_eq!(login(&app, "mint@example.org", PASSWORD).await.status(), 200);
}
