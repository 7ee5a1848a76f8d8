//! OAuth sign-in against a provider started by the test itself.
//!
//! [`Provider`] is a small OAuth 2 / OpenID Connect server: `/authorize` checks the request and
//! records the PKCE challenge, `/token` checks client authentication (HTTP Basic), the code (once
//! only) and the PKCE verifier, `/userinfo` answers the claims a test chose. Each test can switch
//! it to misbehave. The browser is a reqwest client that follows no redirects and carries cookies
//! by hand, so every hop and every cookie is visible to the assertions.
//!
//! This module holds the browser's side, which the topic files share; `provider` the provider's.

mod disabled_accounts;
mod facebook;
mod forged_callbacks;
mod provider;
mod provider_failures;
mod sign_in;

use axum::http::header;
use serde_json::{json, Value};
use sqlx::PgPool;
use url::Url;

use crate::helpers::{cookie_value, set_cookie, spawn_app, via, AppOptions, TestApp};
use provider::{Provider, CALLBACK_URL};

/// A browser: no automatic redirects, cookies carried by hand.
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get(header::LOCATION)
        .expect("a Location header")
        .to_str()
        .expect("ASCII")
        .to_owned()
}

/// A sign-in started at CodeRank: where it sent the browser, and the cookie binding it.
struct Login {
    authorize_url: Url,
    oauth_cookie: String,
}

impl Login {
    fn state(&self) -> String {
        query_param(&self.authorize_url, "state").expect("a state in the authorize URL")
    }
}

fn query_param(url: &Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

/// `GET /api/v1/auth/acme/login?redirect=…`, as a browser clicking "Sign in with Acme".
async fn start_login(app: &TestApp, redirect: &str) -> Login {
    start_login_at(app, "acme", redirect).await
}

/// `GET /api/v1/auth/{provider}/login?redirect=…`.
async fn start_login_at(app: &TestApp, provider: &str, redirect: &str) -> Login {
    let mut url = Url::parse(&app.url(&format!("/api/v1/auth/{provider}/login"))).expect("URL");
    url.query_pairs_mut().append_pair("redirect", redirect);
    let response = browser().get(url).send().await.expect("request");
    assert_eq!(
        response.status(),
        303,
        "the login start redirects to the provider"
    );
    let cookie = set_cookie(&response, "coderank_oauth").expect("the login start sets coderank_oauth");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    Login {
        authorize_url: location(&response).parse().expect("the authorize URL"),
        oauth_cookie: cookie_value(&cookie),
    }
}

/// Follows the redirect to the provider, which signs the user in at once; answers the URL it
/// sends the browser back to.
async fn follow_to_provider(login: &Login) -> Url {
    let response = browser()
        .get(login.authorize_url.clone())
        .send()
        .await
        .expect("request");
    assert!(
        matches!(response.status().as_u16(), 302 | 303),
        "the provider accepts the authorization request: {} {}",
        response.status(),
        response.text().await.unwrap_or_default()
    );
    location(&response).parse().expect("the callback URL")
}

/// Calls CodeRank's callback at the test app's address with `back`'s path and query, sending
/// `oauth_cookie` if given.
async fn callback(app: &TestApp, back: &Url, oauth_cookie: Option<&str>) -> reqwest::Response {
    let mut request = browser().get(via(back.as_str(), app.address));
    if let Some(cookie) = oauth_cookie {
        request = request.header(header::COOKIE, format!("coderank_oauth={cookie}"));
    }
    request.send().await.expect("request")
}

/// A callback URL with the parameters given instead of the provider's.
fn forged_callback(params: &[(&str, &str)]) -> Url {
    let mut url = Url::parse(CALLBACK_URL).expect("URL");
    url.query_pairs_mut().extend_pairs(params);
    url
}

/// A whole sign-in, as a browser does it; answers the callback's response.
async fn sign_in(app: &TestApp, redirect: &str) -> reqwest::Response {
    sign_in_at(app, "acme", redirect).await
}

/// A whole sign-in through `provider`.
async fn sign_in_at(app: &TestApp, provider: &str, redirect: &str) -> reqwest::Response {
    let login = start_login_at(app, provider, redirect).await;
    let back = follow_to_provider(&login).await;
    callback(app, &back, Some(&login.oauth_cookie)).await
}

/// Checks that a callback signed in and landed on `landing`; answers `/api/v1/me` with the
/// session cookie it set.
async fn signed_in_as(app: &TestApp, response: reqwest::Response, landing: &str) -> Value {
    assert_eq!(response.status(), 303, "the callback signs in");
    assert_eq!(location(&response), landing);
    let session = set_cookie(&response, "coderank_session").expect("a session cookie");
    assert!(
        session.contains("HttpOnly") && session.contains("SameSite=Lax"),
        "{session}"
    );
    assert!(set_cookie(&response, "coderank_csrf").is_some(), "a CSRF cookie");
    let me = browser()
        .get(app.url("/api/v1/me"))
        .header(
            header::COOKIE,
            format!("coderank_session={}", cookie_value(&session)),
        )
        .send()
        .await
        .expect("request");
    assert_eq!(me.status(), 200);
    me.json().await.expect("JSON")
}

/// Checks an error answer: its status and the envelope's code and message.
async fn assert_error(response: reqwest::Response, status: u16, code: &str, message_part: &str) {
    assert_eq!(response.status(), status);
    let body: Value = response.json().await.expect("a JSON error");
    assert_eq!(body["error"]["code"], code, "{body}");
    let message = body["error"]["message"].as_str().expect("a message");
    assert!(
        message.contains(message_part),
        "{message:?} does not mention {message_part:?}"
    );
}

/// How many users, identities and sessions there are.
async fn counts(db: &PgPool) -> [i64; 3] {
    let mut counts = [0; 3];
    for (count, table) in counts.iter_mut().zip(["users", "identities", "sessions"]) {
        *count = sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
            .fetch_one(db)
            .await
            .expect("count");
    }
    counts
}

async fn setup() -> (TestApp, Provider, PgPool) {
    let provider = Provider::start().await;
    let app = spawn_app(AppOptions {
        accounts: Some(provider.accounts()),
        ..Default::default()
    })
    .await;
    let db = app.db().await;
    (app, provider, db)
}

fn ada(verified: bool) -> Value {
    json!({ "sub": "acme-1", "email": "ada@example.org", "email_verified": verified, "name": "Ada Lovelace" })
}
