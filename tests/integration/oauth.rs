//! OAuth sign-in against a provider started by the test itself.
//!
//! [`Provider`] is a small OAuth 2 / OpenID Connect server: `/authorize` checks the request and
//! records the PKCE challenge, `/token` checks client authentication (HTTP Basic), the code (once
//! only) and the PKCE verifier, `/userinfo` answers the claims a test chose. Each test can switch
//! it to misbehave. The browser is a reqwest client that follows no redirects and carries cookies
//! by hand, so every hop and every cookie is visible to the assertions.

use std::{
    collections::HashMap,
    net::SocketAddr,
    sync::{Arc, Mutex},
};

use axum::{
    extract::{Query, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
    Form, Router,
};
use base64::{
    engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD},
    Engine as _,
};
use coderank::{
    accounts::oauth::{ClientAuth, ProviderConfig},
    config::AccountsConfig,
};
use reqwest::Method;
use secrecy::SecretString;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use url::Url;

use crate::helpers::{accounts_config, cookie_value, set_cookie, spawn_app, via, AppOptions, TestApp};

const CLIENT_ID: &str = "coderank-client";
/// Characters that RFC 6749 §2.3.1 says to form-encode before HTTP Basic.
const CLIENT_SECRET: &str = "s3cret:with&special+chars/";
/// The redirect URI CodeRank builds from the default public URL of [`accounts_config`].
const CALLBACK_URL: &str = "http://127.0.0.1:8080/api/v1/auth/acme/callback";

/// How an endpoint of the test provider answers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum Answer {
    /// As a correct provider would.
    #[default]
    Normal,
    /// 200 with an HTML page instead of JSON, like a misconfigured endpoint.
    Garbage,
    /// 200 labelled `application/json` whose body is not JSON.
    BrokenJson,
    /// 500 with an OAuth error body.
    ServerError,
}

/// An authorization code handed out by `/authorize`.
struct Grant {
    code_challenge: String,
    redirect_uri: String,
    used: bool,
}

/// What the test provider knows and how a test told it to behave.
#[derive(Default)]
struct ProviderState {
    /// The user-info claims of whoever signs in next.
    claims: Value,
    /// `/authorize` sends the user back with `error=access_denied`.
    deny: bool,
    token: Answer,
    userinfo: Answer,
    grants: HashMap<String, Grant>,
    /// Access token → the claims captured when it was issued.
    access_tokens: HashMap<String, Value>,
    /// Calls to `/token`, to tell whether CodeRank tried to exchange a code.
    token_requests: usize,
}

type Shared = Arc<Mutex<ProviderState>>;

/// The test's own OAuth provider, listening on 127.0.0.1.
struct Provider {
    address: SocketAddr,
    state: Shared,
}

impl Provider {
    async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the provider");
        let address = listener.local_addr().expect("provider address");
        let state = Shared::default();
        let router = Router::new()
            .route("/authorize", get(authorize))
            .route("/token", post(token))
            .route("/userinfo", get(userinfo))
            .with_state(Arc::clone(&state));
        tokio::spawn(async move { axum::serve(listener, router).await });
        Self { address, state }
    }

    fn url(&self, path: &str) -> Url {
        format!("http://{}{path}", self.address).parse().expect("URL")
    }

    /// CodeRank's sign-in settings with this provider as `acme`.
    fn accounts(&self) -> AccountsConfig {
        AccountsConfig {
            oauth_providers: vec![ProviderConfig {
                name: "acme".to_owned(),
                display_name: "Acme ID".to_owned(),
                client_id: CLIENT_ID.to_owned(),
                client_secret: SecretString::from(CLIENT_SECRET),
                authorize_url: self.url("/authorize"),
                token_url: self.url("/token"),
                userinfo_url: self.url("/userinfo"),
                emails_url: None,
                scopes: vec!["openid".to_owned(), "email".to_owned(), "profile".to_owned()],
                subject_claim: "sub".to_owned(),
                email_claim: "email".to_owned(),
                email_verified_claim: Some("email_verified".to_owned()),
                name_claims: vec!["name".to_owned()],
                client_auth: ClientAuth::Basic,
            }],
            ..accounts_config()
        }
    }

    fn switch(&self, change: impl FnOnce(&mut ProviderState)) {
        change(&mut self.state.lock().unwrap());
    }

    /// The user-info claims answered from now on.
    fn answer_claims(&self, claims: Value) {
        self.switch(|state| state.claims = claims);
    }

    fn token_requests(&self) -> usize {
        self.state.lock().unwrap().token_requests
    }
}

fn oauth_error(status: StatusCode, error: &str) -> Response {
    (status, axum::Json(json!({ "error": error }))).into_response()
}

/// What the `Garbage` and `BrokenJson` answers send.
fn garbage(answer: Answer) -> Response {
    let content_type = if answer == Answer::BrokenJson {
        "application/json"
    } else {
        "text/html"
    };
    (
        [(header::CONTENT_TYPE, content_type)],
        "<html><body>Sign in to Acme</body></html>",
    )
        .into_response()
}

/// BASE64URL(SHA256(verifier)): the S256 method of RFC 7636.
fn s256(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

async fn authorize(State(state): State<Shared>, Query(query): Query<HashMap<String, String>>) -> Response {
    let param = |name: &str| query.get(name).map(String::as_str).unwrap_or_default();
    let valid = param("client_id") == CLIENT_ID
        && param("redirect_uri") == CALLBACK_URL
        && param("response_type") == "code"
        && !param("state").is_empty()
        && param("code_challenge_method") == "S256"
        && param("code_challenge").len() == 43
        && param("scope").split(' ').any(|scope| scope == "openid");
    if !valid {
        return (
            StatusCode::BAD_REQUEST,
            format!("bad authorization request: {query:?}"),
        )
            .into_response();
    }
    let mut state = state.lock().unwrap();
    let mut back = Url::parse(CALLBACK_URL).expect("URL");
    if state.deny {
        back.query_pairs_mut()
            .append_pair("error", "access_denied")
            .append_pair("error_description", "the user declined");
    } else {
        let code = uuid::Uuid::new_v4().simple().to_string();
        back.query_pairs_mut().append_pair("code", &code);
        state.grants.insert(
            code,
            Grant {
                code_challenge: param("code_challenge").to_owned(),
                redirect_uri: param("redirect_uri").to_owned(),
                used: false,
            },
        );
    }
    back.query_pairs_mut().append_pair("state", param("state"));
    Redirect::to(back.as_str()).into_response()
}

async fn token(
    State(state): State<Shared>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let mut state = state.lock().unwrap();
    state.token_requests += 1;
    match state.token {
        Answer::Normal => {}
        answer @ (Answer::Garbage | Answer::BrokenJson) => return garbage(answer),
        Answer::ServerError => return oauth_error(StatusCode::INTERNAL_SERVER_ERROR, "server_error"),
    }
    let encode = |text: &str| url::form_urlencoded::byte_serialize(text.as_bytes()).collect::<String>();
    let expected = format!(
        "Basic {}",
        STANDARD.encode(format!("{}:{}", encode(CLIENT_ID), encode(CLIENT_SECRET)))
    );
    if headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        != Some(expected.as_str())
    {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client");
    }
    let param = |name: &str| form.get(name).map(String::as_str).unwrap_or_default();
    if param("grant_type") != "authorization_code" {
        return oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type");
    }
    let Some(grant) = state.grants.get_mut(param("code")) else {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant");
    };
    // Any attempt uses the code up, as RFC 6749 §4.1.2 asks.
    let first_use = !std::mem::replace(&mut grant.used, true);
    if !first_use
        || grant.redirect_uri != param("redirect_uri")
        || grant.code_challenge != s256(param("code_verifier"))
    {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant");
    }
    let access_token = uuid::Uuid::new_v4().simple().to_string();
    let claims = state.claims.clone();
    state.access_tokens.insert(access_token.clone(), claims);
    axum::Json(json!({ "access_token": access_token, "token_type": "bearer", "expires_in": 3600 }))
        .into_response()
}

async fn userinfo(State(state): State<Shared>, headers: HeaderMap) -> Response {
    let state = state.lock().unwrap();
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "));
    let Some(claims) = bearer.and_then(|token| state.access_tokens.get(token)) else {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_token");
    };
    match state.userinfo {
        Answer::Normal => axum::Json(claims.clone()).into_response(),
        answer @ (Answer::Garbage | Answer::BrokenJson) => garbage(answer),
        Answer::ServerError => oauth_error(StatusCode::INTERNAL_SERVER_ERROR, "server_error"),
    }
}

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
    let mut url = Url::parse(&app.url("/api/v1/auth/acme/login")).expect("URL");
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
    let login = start_login(app, redirect).await;
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
async fn a_replayed_callback_is_refused_and_starts_no_session() {
    let (app, provider, db) = setup().await;
    provider.answer_claims(ada(true));
    let login = start_login(&app, "/").await;
    let back = follow_to_provider(&login).await;
    signed_in_as(&app, callback(&app, &back, Some(&login.oauth_cookie)).await, "/").await;
    let before = counts(&db).await;

    let replay = callback(&app, &back, Some(&login.oauth_cookie)).await;
    assert_error(replay, 400, "bad_request", "already used").await;
    assert_eq!(counts(&db).await, before);
    assert_eq!(provider.token_requests(), 1, "the code is not exchanged again");
}

#[tokio::test]
async fn a_forged_state_is_refused_and_leaves_the_real_one_usable() {
    let (app, provider, db) = setup().await;
    provider.answer_claims(ada(true));
    let login = start_login(&app, "/").await;
    let back = follow_to_provider(&login).await;
    let code = query_param(&back, "code").expect("a code");
    let before = counts(&db).await;

    let forged = forged_callback(&[("code", &code), ("state", "made-up-by-an-attacker")]);
    let response = callback(&app, &forged, Some(&login.oauth_cookie)).await;
    assert_error(response, 400, "bad_request", "state is unknown").await;
    assert_eq!(counts(&db).await, before);
    assert_eq!(provider.token_requests(), 0);

    signed_in_as(&app, callback(&app, &back, Some(&login.oauth_cookie)).await, "/").await;
}

#[tokio::test]
async fn a_state_works_only_in_the_browser_that_started_it_and_is_used_up_by_a_wrong_one() {
    let (app, provider, db) = setup().await;
    provider.answer_claims(ada(true));
    let before = counts(&db).await;

    let login = start_login(&app, "/").await;
    let back = follow_to_provider(&login).await;
    let response = callback(&app, &back, None).await;
    assert_error(response, 400, "bad_request", "another browser").await;
    let retry = callback(&app, &back, Some(&login.oauth_cookie)).await;
    assert_error(retry, 400, "bad_request", "already used").await;

    let victim = start_login(&app, "/").await;
    let victim_back = follow_to_provider(&victim).await;
    let attacker = start_login(&app, "/").await;
    let response = callback(&app, &victim_back, Some(&attacker.oauth_cookie)).await;
    assert_error(response, 400, "bad_request", "another browser").await;
    let retry = callback(&app, &victim_back, Some(&victim.oauth_cookie)).await;
    assert_error(retry, 400, "bad_request", "already used").await;

    assert_eq!(counts(&db).await, before);
    assert_eq!(provider.token_requests(), 0, "no code was exchanged");
}

#[tokio::test]
async fn an_authorization_code_already_exchanged_is_refused_by_the_provider() {
    let (app, provider, db) = setup().await;
    provider.answer_claims(ada(true));
    let first = start_login(&app, "/").await;
    let first_back = follow_to_provider(&first).await;
    signed_in_as(
        &app,
        callback(&app, &first_back, Some(&first.oauth_cookie)).await,
        "/",
    )
    .await;
    let before = counts(&db).await;

    let second = start_login(&app, "/").await;
    let used_code = query_param(&first_back, "code").expect("a code");
    let reused = forged_callback(&[("code", &used_code), ("state", &second.state())]);
    let response = callback(&app, &reused, Some(&second.oauth_cookie)).await;
    assert_error(
        response,
        400,
        "bad_request",
        "the provider refused the authorization code: invalid_grant",
    )
    .await;
    assert_eq!(counts(&db).await, before);
}

#[tokio::test]
async fn a_pkce_verifier_that_does_not_match_the_challenge_is_refused() {
    let (app, provider, db) = setup().await;
    provider.answer_claims(ada(true));
    let login = start_login(&app, "/").await;
    let back = follow_to_provider(&login).await;
    // As if someone who intercepted the code exchanged it with their own verifier.
    sqlx::query("UPDATE oauth_states SET pkce_verifier = $1")
        .bind("a".repeat(43))
        .execute(&db)
        .await
        .unwrap();
    let before = counts(&db).await;

    let response = callback(&app, &back, Some(&login.oauth_cookie)).await;
    assert_error(
        response,
        400,
        "bad_request",
        "the provider refused the authorization code: invalid_grant",
    )
    .await;
    assert_eq!(counts(&db).await, before);
    assert_eq!(provider.token_requests(), 1);
}

#[tokio::test]
async fn a_provider_error_in_the_callback_is_reported_and_signs_nobody_in() {
    let (app, provider, db) = setup().await;
    provider.switch(|state| state.deny = true);
    let before = counts(&db).await;

    let response = sign_in(&app, "/").await;
    assert_error(response, 400, "bad_request", "access_denied (the user declined)").await;
    assert_eq!(counts(&db).await, before);
    assert_eq!(provider.token_requests(), 0);
}

#[tokio::test]
async fn a_token_endpoint_answering_garbage_or_an_error_signs_nobody_in() {
    let (app, provider, db) = setup().await;
    provider.answer_claims(ada(true));
    let before = counts(&db).await;

    for (answer, message) in [
        (Answer::Garbage, "unexpected response Content-Type: \"text/html\""),
        (Answer::BrokenJson, "the token endpoint did not answer a token"),
        (Answer::ServerError, "server_error"),
    ] {
        provider.switch(|state| state.token = answer);
        let response = sign_in(&app, "/").await;
        let expected = format!("the provider refused the authorization code: {message}");
        assert_error(response, 400, "bad_request", &expected).await;
    }
    assert_eq!(counts(&db).await, before);
    assert_eq!(provider.token_requests(), 3);
}

#[tokio::test]
async fn user_info_that_fails_is_not_json_or_lacks_the_subject_signs_nobody_in() {
    let (app, provider, db) = setup().await;
    let before = counts(&db).await;

    provider.answer_claims(ada(true));
    provider.switch(|state| state.userinfo = Answer::Garbage);
    let response = sign_in(&app, "/").await;
    assert_error(response, 400, "bad_request", "did not answer the expected JSON").await;

    provider.switch(|state| state.userinfo = Answer::ServerError);
    let response = sign_in(&app, "/").await;
    assert_error(response, 400, "bad_request", "answered 500 Internal Server Error").await;

    provider.switch(|state| state.userinfo = Answer::Normal);
    provider.answer_claims(json!({ "email": "ada@example.org", "email_verified": true, "name": "Ada" }));
    let response = sign_in(&app, "/").await;
    assert_error(response, 400, "bad_request", "it has no `sub`").await;

    assert_eq!(counts(&db).await, before);
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

#[tokio::test]
async fn a_disabled_user_cannot_sign_in_through_a_provider() {
    let (app, provider, db) = setup().await;
    provider.answer_claims(ada(true));
    signed_in_as(&app, sign_in(&app, "/").await, "/").await;
    sqlx::query("UPDATE users SET disabled = true")
        .execute(&db)
        .await
        .unwrap();
    let before = counts(&db).await;
    let last_login = || async {
        sqlx::query_scalar::<_, chrono::DateTime<chrono::Utc>>("SELECT last_login_at FROM identities")
            .fetch_one(&db)
            .await
            .unwrap()
    };
    let last_login_before = last_login().await;

    let response = sign_in(&app, "/").await;
    assert!(
        set_cookie(&response, "coderank_session").is_none(),
        "no session cookie"
    );
    assert_error(response, 403, "forbidden", "this account is disabled").await;
    assert_eq!(counts(&db).await, before, "no session");
    assert_eq!(
        last_login().await,
        last_login_before,
        "a refused sign-in is not recorded as a login"
    );
}

#[tokio::test]
async fn a_disabled_local_account_gains_no_provider_identity() {
    let (app, provider, db) = setup().await;
    app.register("ada@example.org", "correct horse battery").await;
    sqlx::query("UPDATE users SET disabled = true")
        .execute(&db)
        .await
        .unwrap();
    let before = counts(&db).await;

    provider.answer_claims(ada(true));
    let response = sign_in(&app, "/").await;
    assert_error(response, 403, "forbidden", "this account is disabled").await;
    assert_eq!(counts(&db).await, before, "no identity linked, no session");
}
