//! `/api/v1/auth/*`: registration, password and OAuth sign-in, password reset, token refresh,
//! sign-out.
//!
//! API clients get `{access_token, refresh_token, expires_in}`: a JWT valid for
//! `CODERANK_ACCESS_TOKEN_TTL_SECS` and a refresh token that is rotated at each use. Browsers ask
//! for a cookie session instead (`"cookie": true`, and always after OAuth): an HttpOnly session
//! cookie plus a CSRF token, so no bearer secret is ever visible to page scripts.
//!
//! Password registration, sign-in and reset are in [`password`], token refresh and sign-out in
//! [`session`], and OAuth sign-in with the providers list in [`oauth`]; the answers to a sign-in
//! and the helpers that start a session, which they share, are here.

mod oauth;
mod password;
mod session;

use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::CookieJar;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::accounts::{secrets, sessions, users::User, TokenPair};
use crate::app::{
    error::{AppError, Json},
    extract::{cookie, CSRF_COOKIE, SESSION_COOKIE},
    AppState,
};

/// Routes anyone may call.
pub fn public_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(password::register))
        .routes(routes!(password::login))
        .routes(routes!(password::password_reset))
        .routes(routes!(session::refresh))
        .routes(routes!(oauth::providers))
        .routes(routes!(oauth::oauth_login))
        .routes(routes!(oauth::oauth_callback))
}

/// Routes for signed-in callers.
pub fn signed_in_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(session::logout))
}

/// Tokens for an API client.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    /// Send as `Authorization: Bearer …`.
    pub access_token: String,
    /// Exchange at `/api/v1/auth/refresh` for new tokens; works once.
    pub refresh_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    pub user: User,
}

/// A browser session was started: the session cookie is set (HttpOnly).
#[derive(Debug, Serialize, ToSchema)]
pub struct CookieSessionResponse {
    /// Send in `X-CSRF-Token` with every request that changes something; also in the
    /// `coderank_csrf` cookie.
    pub csrf_token: String,
    /// Seconds until the session expires.
    pub expires_in: u64,
    pub user: User,
}

/// The answer to a successful sign-in: tokens for an API client, or a cookie session for a
/// browser (`"cookie": true`).
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum SignedIn {
    Tokens(TokenResponse),
    Cookie(CookieSessionResponse),
}

/// Starts the session a sign-in asked for.
async fn signed_in(
    state: &AppState,
    jar: CookieJar,
    user: User,
    cookie_session: bool,
) -> Result<Response, AppError> {
    if cookie_session {
        let (jar, csrf_token) = start_browser_session(state, jar, &user).await?;
        let body = SignedIn::Cookie(CookieSessionResponse {
            csrf_token,
            expires_in: state.accounts.config.session_ttl().as_secs(),
            user,
        });
        return Ok((jar, Json(body)).into_response());
    }
    let tokens = state.accounts.start_api_session(&state.db, user.id).await?;
    Ok(Json(SignedIn::Tokens(token_response(tokens, user))).into_response())
}

fn token_response(tokens: TokenPair, user: User) -> TokenResponse {
    TokenResponse {
        access_token: tokens.access_token,
        refresh_token: tokens.refresh_token,
        token_type: "Bearer",
        expires_in: tokens.expires_in,
        user,
    }
}

/// Creates a browser session and sets its cookies; answers the CSRF token.
async fn start_browser_session(
    state: &AppState,
    jar: CookieJar,
    user: &User,
) -> Result<(CookieJar, String), AppError> {
    let ttl = state.accounts.config.session_ttl();
    let session = sessions::create(&state.db, user.id, sessions::Kind::Browser, ttl).await?;
    let csrf_token = secrets::csrf_token(&session.secret);
    let max_age = i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX);
    let jar = jar
        .add(cookie(state, SESSION_COOKIE, session.secret, "/", max_age))
        .add(cookie(state, CSRF_COOKIE, csrf_token.clone(), "/", max_age));
    Ok((jar, csrf_token))
}
