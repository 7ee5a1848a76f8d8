//! Passwords in the browser: an admin issues a reset link on the users page (and sets a
//! judging priority there), its holder sets a
//! password on the page it opens, signs in, and changes the password on their profile.

use reqwest::Method;
use serde_json::json;

use super::{Browser, PAGE_TIMEOUT, PASSWORD};
use crate::helpers::{eventually, spawn_app, AppOptions};

const RESET_PASSWORD: &str = "set through the reset link";
const CHANGED_PASSWORD: &str = "changed on the profile page";

#[tokio::test]
async fn an_admin_hands_over_a_reset_link_and_its_holder_sets_then_changes_the_password() {
    let app = spawn_app(AppOptions::default()).await;
    app.admin_token("boss@example.org", PASSWORD).await;
    let kim = app.register("kim@example.org", PASSWORD).await;
    let kim_id = kim["user"]["id"].as_str().expect("id").to_owned();
    let browser = Browser::open(&app, false).await;

    browser.sign_in("boss@example.org", "/admin/users").await;
    browser
        .click(&format!("#admin-users tr[data-id='{kim_id}'] button.reset-link"))
        .await;
    let field = format!("document.querySelector(\"#admin-users tr[data-id='{kim_id}'] .reset-url\")");
    browser
        .until(
            "the reset link",
            &format!("{field}.value.includes('#token=crp_')"),
            PAGE_TIMEOUT,
        )
        .await;
    let link = browser.text(&format!("{field}.value")).await;

    // The same page sets a judging priority (premium users): typed, then the field left.
    let priority = format!("#admin-users tr[data-id='{kim_id}'] input.priority");
    browser.fill(&priority, "30").await;
    browser.click("h1").await;
    let db = app.db().await;
    let kept = eventually(PAGE_TIMEOUT, || async {
        sqlx::query_scalar::<_, i32>("SELECT priority FROM users WHERE email = 'kim@example.org'")
            .fetch_one(&db)
            .await
            .is_ok_and(|priority| priority == 30)
    })
    .await;
    assert!(kept, "the priority set on the users page was not stored");
    browser.sign_out().await;

    // The link is built on the public URL; the browser reaches the test app at its own address.
    let path = &link[link.find("/password-reset").expect("the reset page")..];
    browser.goto(path).await;
    browser
        .fill("#password-reset-form input[name=new_password]", RESET_PASSWORD)
        .await;
    browser.click("#password-reset-form button").await;
    browser
        .until(
            "the password set",
            "!document.getElementById('password-reset-done').hidden",
            PAGE_TIMEOUT,
        )
        .await;

    browser.goto("/signin?redirect=/").await;
    browser.fill("#email", "kim@example.org").await;
    browser.fill("#password", RESET_PASSWORD).await;
    browser.click("#signin-submit").await;
    browser
        .until("signed in", "document.getElementById('nav-user')", PAGE_TIMEOUT)
        .await;
    browser.goto(&format!("/users/{kim_id}")).await;
    browser
        .fill("#password-form input[name=current_password]", RESET_PASSWORD)
        .await;
    browser
        .fill("#password-form input[name=new_password]", CHANGED_PASSWORD)
        .await;
    browser.click("#password-form button").await;
    browser
        .until(
            "the password changed",
            "!document.getElementById('password-changed').hidden",
            PAGE_TIMEOUT,
        )
        .await;
    browser.close().await;

    let login = |password: &'static str| {
        app.call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({ "email": "kim@example.org", "password": password })),
        )
    };
    assert_eq!(login(PASSWORD).await.status(), 401);
    assert_eq!(login(RESET_PASSWORD).await.status(), 401);
    assert_eq!(login(CHANGED_PASSWORD).await.status(), 200);
}
