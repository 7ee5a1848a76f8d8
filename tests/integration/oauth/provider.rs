//! The test's own OAuth 2 / OpenID Connect provider, which each test can switch to misbehave.
//! It answers as a generic OpenID Connect provider (`acme`) or as Facebook's Graph API.

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
use coderank::config::{
    oauth::{ClientAuth, OAuthProviders, ProviderConfig},
    AccountsConfig,
};
use secrecy::SecretString;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use url::Url;

use crate::helpers::accounts_config;

const CLIENT_ID: &str = "coderank-client";
/// Characters that RFC 6749 §2.3.1 says to form-encode before HTTP Basic.
const CLIENT_SECRET: &str = "s3cret:with&special+chars/";
/// The redirect URI CodeRank builds from the default public URL of [`accounts_config`].
pub(super) const CALLBACK_URL: &str = "http://127.0.0.1:8080/api/v1/auth/acme/callback";

/// How an endpoint of the test provider answers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) enum Answer {
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
pub(super) struct ProviderState {
    /// The user-info claims of whoever signs in next.
    claims: Value,
    /// `/authorize` sends the user back with `error=access_denied`.
    pub(super) deny: bool,
    pub(super) token: Answer,
    pub(super) userinfo: Answer,
    grants: HashMap<String, Grant>,
    /// Access token → the claims captured when it was issued.
    access_tokens: HashMap<String, Value>,
    /// Calls to `/token`, to tell whether CodeRank tried to exchange a code.
    token_requests: usize,
    /// How this provider is reached, which differs between the generic `acme` and a preset.
    flavour: Flavour,
}

/// What a provider expects of CodeRank: its callback, a scope it needs, how the client
/// authenticates at `/token`.
#[derive(Clone, Copy)]
struct Flavour {
    callback_url: &'static str,
    scope: &'static str,
    body_auth: bool,
}

impl Default for Flavour {
    fn default() -> Self {
        Self {
            callback_url: CALLBACK_URL,
            scope: "openid",
            body_auth: false,
        }
    }
}

/// The redirect URI CodeRank builds for the `facebook` preset.
const FACEBOOK_CALLBACK_URL: &str = "http://127.0.0.1:8080/api/v1/auth/facebook/callback";

type Shared = Arc<Mutex<ProviderState>>;

/// The test's own OAuth provider, listening on 127.0.0.1.
pub(super) struct Provider {
    address: SocketAddr,
    state: Shared,
}

impl Provider {
    pub(super) async fn start() -> Self {
        Self::start_as(Flavour::default()).await
    }

    /// A provider that answers as Facebook's Graph API does: form-body client authentication,
    /// Facebook's scopes, and user info without any verified-e-mail flag.
    pub(super) async fn start_facebook() -> Self {
        Self::start_as(Flavour {
            callback_url: FACEBOOK_CALLBACK_URL,
            scope: "public_profile",
            body_auth: true,
        })
        .await
    }

    async fn start_as(flavour: Flavour) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the provider");
        let address = listener.local_addr().expect("provider address");
        let state = Shared::new(Mutex::new(ProviderState {
            flavour,
            ..Default::default()
        }));
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
    pub(super) fn accounts(&self) -> AccountsConfig {
        AccountsConfig {
            oauth_providers: OAuthProviders(vec![ProviderConfig {
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
            }]),
            ..accounts_config()
        }
    }

    /// CodeRank's sign-in settings with this provider as the `facebook` preset: only the client
    /// credentials and the three URLs (moved to this server) are set, the rest is the preset's.
    pub(super) fn facebook_accounts(&self) -> AccountsConfig {
        let vars = [
            ("CLIENT_ID", CLIENT_ID.to_owned()),
            ("CLIENT_SECRET", CLIENT_SECRET.to_owned()),
            ("AUTHORIZE_URL", self.url("/authorize").to_string()),
            ("TOKEN_URL", self.url("/token").to_string()),
            (
                "USERINFO_URL",
                self.url("/userinfo?fields=id,name,email").to_string(),
            ),
        ]
        .into_iter()
        .map(|(name, value)| (format!("CODERANK_OAUTH_FACEBOOK_{name}"), value))
        .collect();
        AccountsConfig {
            oauth_providers: OAuthProviders::from_vars("facebook", &vars).expect("the preset"),
            ..accounts_config()
        }
    }

    pub(super) fn switch(&self, change: impl FnOnce(&mut ProviderState)) {
        change(&mut self.state.lock().unwrap());
    }

    /// The user-info claims answered from now on.
    pub(super) fn answer_claims(&self, claims: Value) {
        self.switch(|state| state.claims = claims);
    }

    pub(super) fn token_requests(&self) -> usize {
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
    let flavour = state.lock().unwrap().flavour;
    let valid = param("client_id") == CLIENT_ID
        && param("redirect_uri") == flavour.callback_url
        && param("response_type") == "code"
        && !param("state").is_empty()
        && param("code_challenge_method") == "S256"
        && param("code_challenge").len() == 43
        && param("scope").split(' ').any(|scope| scope == flavour.scope);
    if !valid {
        return (
            StatusCode::BAD_REQUEST,
            format!("bad authorization request: {query:?}"),
        )
            .into_response();
    }
    let mut state = state.lock().unwrap();
    let mut back = Url::parse(flavour.callback_url).expect("URL");
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
    let param = |name: &str| form.get(name).map(String::as_str).unwrap_or_default();
    let authenticated = if state.flavour.body_auth {
        param("client_id") == CLIENT_ID && param("client_secret") == CLIENT_SECRET
    } else {
        headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            == Some(expected.as_str())
    };
    if !authenticated {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client");
    }
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
