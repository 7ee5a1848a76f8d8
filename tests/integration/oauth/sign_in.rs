//! Signing in through a provider: users found or created, verified e-mails linked, redirects kept.

use reqwest::Method;
use serde_json::{json, Value};

use super::{ada, assert_error, browser, counts, setup, sign_in, signed_in_as};
use crate::helpers::set_cookie;

#[tokio::test]
async fn a_first_sign_in_creates_the_user_and_the_next_one_finds_the_same_user() {
    let (app, provider, db) = setup().await;
    provider.answer_claims(ada(true));

    let first = sign_in(&app, "/problems/aplusb").await;
    assert!(
        set_cookie(&first, "coderank_oauth").is_some_and(|cookie| cookie.contains("Max-Age=0")),
        "the callback clears the sign-in cookie"
    );
    let me = signed_in_as(&app, first, "/problems/aplusb").await;
    assert_eq!(me["display_name"], "Ada Lovelace");
    assert_eq!(me["email"], "ada@example.org", "a verified e-mail is stored");
    assert_eq!(me["providers"], json!(["acme"]));

    provider.answer_claims(
        json!({ "sub": "acme-1", "email": "ada@example.org", "email_verified": true, "name": "Ada" }),
    );
    let again = signed_in_as(&app, sign_in(&app, "/").await, "/").await;
    assert_eq!(again["id"], me["id"], "the same subject is the same user");
    assert_eq!(
        counts(&db).await,
        [1, 1, 2],
        "one user, one identity, two sessions"
    );
    assert_eq!(provider.token_requests(), 2);
}

#[tokio::test]
async fn a_verified_e_mail_signs_into_the_local_account_and_an_unverified_one_never_does() {
    let (app, provider, db) = setup().await;
    let local = app.register("ada@example.org", "correct horse battery").await;

    provider.answer_claims(ada(true));
    let linked = signed_in_as(&app, sign_in(&app, "/").await, "/").await;
    assert_eq!(linked["id"], local["user"]["id"], "linked to the local account");
    assert_eq!(linked["providers"], json!(["acme"]));

    provider.answer_claims(
        json!({ "sub": "acme-2", "email": "ada@example.org", "email_verified": false, "name": "Not Ada" }),
    );
    let other = signed_in_as(&app, sign_in(&app, "/").await, "/").await;
    assert_ne!(
        other["id"], local["user"]["id"],
        "an unverified e-mail links nothing"
    );
    assert_eq!(other["email"], Value::Null, "an unverified e-mail is not stored");
    assert_eq!(other["display_name"], "Not Ada");
    let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(users, 2);
}

#[tokio::test]
async fn an_unknown_provider_is_not_found_and_the_configured_one_is_listed() {
    let (app, _provider, _db) = setup().await;
    let response = browser()
        .get(app.url("/api/v1/auth/nope/login"))
        .send()
        .await
        .unwrap();
    assert_error(response, 404, "not_found", "\"nope\"").await;
    let response = browser()
        .get(app.url("/api/v1/auth/nope/callback?state=x&code=y"))
        .send()
        .await
        .unwrap();
    assert_error(response, 404, "not_found", "\"nope\"").await;

    let response = app.call(Method::GET, "/api/v1/auth/providers", None, None).await;
    assert_eq!(response.status(), 200);
    let options: Value = response.json().await.unwrap();
    assert_eq!(
        options["providers"],
        json!([{ "name": "acme", "display_name": "Acme ID", "login_url": "/api/v1/auth/acme/login" }])
    );
}

#[tokio::test]
async fn a_redirect_off_the_site_lands_on_the_home_page() {
    let (app, provider, _db) = setup().await;
    provider.answer_claims(ada(true));
    // Browsers drop tabs and line breaks from a Location, so `/\t/evil.example` is `//evil.example`.
    for outside in [
        "https://evil.example",
        "//evil.example/path",
        "/\t/evil.example",
        "/\n/evil.example",
    ] {
        signed_in_as(&app, sign_in(&app, outside).await, "/").await;
    }
}
