//! `/api/v1/auth/*`: registration, password and OAuth sign-in, token refresh, sign-out.
//!
//! API clients get `{access_token, refresh_token, expires_in}`: a JWT valid for
//! `CODERANK_ACCESS_TOKEN_TTL_SECS` and a refresh token that is rotated at each use. Browsers ask
//! for a cookie session instead (`"cookie": true`, and always after OAuth): an HttpOnly session
//! cookie plus a CSRF token, so no bearer secret is ever visible to page scripts.

use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use axum_extra::extract::cookie::CookieJar;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    error::{AppError, ErrorBody, Json},
    extract::{
        active_user, cookie, expired_cookie, rate_limit, ClientIp, Credential, CurrentUser, CSRF_COOKIE,
        OAUTH_COOKIE, SESSION_COOKIE,
    },
    AppState,
};
use crate::accounts::{
    oauth::{Callback, OAuthError},
    passwords, secrets,
    sessions::{self, RefreshError},
    users::{self, CreateError, DisplayName, Email, NewPassword, Role, User},
    TokenPair,
};

/// Routes anyone may call.
pub fn public_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(register))
        .routes(routes!(login))
        .routes(routes!(refresh))
        .routes(routes!(providers))
        .routes(routes!(oauth_login))
        .routes(routes!(oauth_callback))
}

/// Routes for signed-in callers.
pub fn signed_in_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(logout))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RegisterRequest {
    pub email: String,
    /// 8 to 256 characters.
    pub password: String,
    /// 1 to 64 characters.
    pub display_name: String,
    /// Start a browser session (cookies) instead of answering tokens.
    #[serde(default)]
    pub cookie: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
    /// Start a browser session (cookies) instead of answering tokens.
    #[serde(default)]
    pub cookie: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RefreshRequest {
    pub refresh_token: String,
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

/// Create a local account and sign in.
#[utoipa::path(post, path = "/api/v1/auth/register", tag = "auth", request_body = RegisterRequest,
    responses(
        (status = 201, body = TokenResponse, description = "Signed in (or `CookieSessionResponse` with `cookie: true`)"),
        (status = 403, body = ErrorBody, description = "Registration is switched off"),
        (status = 409, body = ErrorBody, description = "The e-mail address is taken"),
        (status = 422, body = ErrorBody, description = "A field is invalid"),
        (status = 429, body = ErrorBody, description = "Too many registrations from this address"),
    ))]
async fn register(
    State(state): State<AppState>,
    ip: ClientIp,
    jar: CookieJar,
    Json(request): Json<RegisterRequest>,
) -> Result<Response, AppError> {
    let config = &state.accounts.config;
    if !config.local_login || !config.registration {
        return Err(AppError::Forbidden(
            "registration is switched off on this server".to_owned(),
        ));
    }
    let email = Email::parse(&request.email).map_err(AppError::Unprocessable)?;
    let display_name = DisplayName::parse(&request.display_name).map_err(AppError::Unprocessable)?;
    let password = NewPassword::parse(&request.password).map_err(AppError::Unprocessable)?;
    rate_limit(
        &state,
        &ip.key("register"),
        config.rate_register,
        "registrations from this address",
    )
    .await?;
    let hash = passwords::hash(password.0).await?;
    let user = users::create(&state.db, Some(&email), &display_name, Role::User, Some(&hash))
        .await
        .map_err(|err| match err {
            CreateError::EmailTaken(email) => {
                AppError::Conflict(format!("the e-mail address {email} is already taken"))
            }
            CreateError::Database(err) => AppError::Internal(err.into()),
        })?;
    tracing::info!(user = %user.id, "registered");
    let response = signed_in(&state, jar, user, request.cookie).await?;
    Ok((StatusCode::CREATED, response).into_response())
}

/// Sign in with e-mail and password.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses(
        (status = 200, body = TokenResponse, description = "Signed in (or `CookieSessionResponse` with `cookie: true`)"),
        (status = 401, body = ErrorBody, description = "Wrong e-mail or password"),
        (status = 403, body = ErrorBody, description = "Password sign-in is off, or the account is disabled"),
        (status = 429, body = ErrorBody, description = "Too many attempts from this address"),
    ))]
async fn login(
    State(state): State<AppState>,
    ip: ClientIp,
    jar: CookieJar,
    Json(request): Json<LoginRequest>,
) -> Result<Response, AppError> {
    let config = &state.accounts.config;
    if !config.local_login {
        return Err(AppError::Forbidden(
            "password sign-in is switched off on this server".to_owned(),
        ));
    }
    rate_limit(
        &state,
        &ip.key("login"),
        config.rate_login,
        "sign-in attempts from this address",
    )
    .await?;
    let wrong = || AppError::Unauthorized("wrong e-mail or password".to_owned());
    let found = match Email::parse(&request.email) {
        Ok(email) => users::find_for_login(&state.db, &email)
            .await
            .map_err(anyhow::Error::from)?,
        Err(_) => None,
    };
    let (user, stored) = match found {
        Some((user, stored)) => (Some(user), stored),
        None => (None, None),
    };
    if !passwords::verify(request.password, stored).await? {
        return Err(wrong());
    }
    let user = user.ok_or_else(wrong)?;
    if user.disabled {
        return Err(AppError::Forbidden("this account is disabled".to_owned()));
    }
    signed_in(&state, jar, user, request.cookie).await
}

/// The answer to a successful sign-in: tokens, or a cookie session.
async fn signed_in(
    state: &AppState,
    jar: CookieJar,
    user: User,
    cookie_session: bool,
) -> Result<Response, AppError> {
    if cookie_session {
        let (jar, csrf_token) = start_browser_session(state, jar, &user).await?;
        let body = CookieSessionResponse {
            csrf_token,
            expires_in: state.accounts.config.session_ttl().as_secs(),
            user,
        };
        return Ok((jar, Json(body)).into_response());
    }
    let tokens = state.accounts.start_api_session(&state.db, user.id).await?;
    Ok(Json(token_response(tokens, user)).into_response())
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
    let session = sessions::create(&state.db, user.id, sessions::Kind::Browser, ttl)
        .await
        .map_err(anyhow::Error::from)?;
    let csrf_token = secrets::csrf_token(&session.secret);
    let max_age = i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX);
    let jar = jar
        .add(cookie(state, SESSION_COOKIE, session.secret, "/", max_age))
        .add(cookie(state, CSRF_COOKIE, csrf_token.clone(), "/", max_age));
    Ok((jar, csrf_token))
}

/// Exchange a refresh token for new tokens. The old refresh token stops working; using it again
/// revokes the session.
#[utoipa::path(post, path = "/api/v1/auth/refresh", tag = "auth", request_body = RefreshRequest,
    responses(
        (status = 200, body = TokenResponse),
        (status = 401, body = ErrorBody, description = "Invalid, expired, revoked or reused refresh token"),
        (status = 403, body = ErrorBody, description = "The account is disabled"),
    ))]
async fn refresh(
    State(state): State<AppState>,
    Json(request): Json<RefreshRequest>,
) -> Result<Json<TokenResponse>, AppError> {
    let ttl = state.accounts.config.session_ttl();
    let (session_id, user_id, secret) = sessions::refresh(&state.db, &request.refresh_token, ttl)
        .await
        .map_err(|err| match err {
            RefreshError::Database(err) => AppError::Internal(err.into()),
            other => AppError::Unauthorized(other.to_string()),
        })?;
    let user = active_user(&state, user_id).await?;
    let tokens = state.accounts.token_pair(user.id, session_id, secret).await?;
    Ok(Json(token_response(tokens, user)))
}

/// Sign out: ends the session of the access token or cookie used (its access tokens stop
/// working at once) and clears the cookies.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth",
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 204, description = "Signed out"),
        (status = 400, body = ErrorBody, description = "Called with an API token, which is revoked at /api/v1/tokens/{id}"),
        (status = 401, body = ErrorBody),
    ))]
async fn logout(
    State(state): State<AppState>,
    current: CurrentUser,
    jar: CookieJar,
) -> Result<Response, AppError> {
    let session_id = match current.credential {
        Credential::Browser { session_id } | Credential::AccessToken { session_id } => session_id,
        Credential::ApiToken { .. } => {
            return Err(AppError::BadRequest(
                "an API token has no session to sign out of: revoke it with DELETE /api/v1/tokens/{id}"
                    .to_owned(),
            ))
        }
    };
    sessions::revoke(&state.db, session_id)
        .await
        .map_err(anyhow::Error::from)?;
    let jar = jar
        .add(expired_cookie(&state, SESSION_COOKIE, "/"))
        .add(expired_cookie(&state, CSRF_COOKIE, "/"));
    Ok((StatusCode::NO_CONTENT, jar).into_response())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SignInOptions {
    /// Whether e-mail and password sign-in works.
    pub local_login: bool,
    /// Whether anyone may register a local account.
    pub registration: bool,
    pub providers: Vec<ProviderInfo>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProviderInfo {
    pub name: String,
    pub display_name: String,
    /// Where a browser goes to sign in.
    pub login_url: String,
}

/// The ways to sign in on this server, for a login page.
#[utoipa::path(get, path = "/api/v1/auth/providers", tag = "auth", responses((status = 200, body = SignInOptions)))]
async fn providers(State(state): State<AppState>) -> Json<SignInOptions> {
    let config = &state.accounts.config;
    Json(SignInOptions {
        local_login: config.local_login,
        registration: config.local_login && config.registration,
        providers: state
            .accounts
            .providers
            .list()
            .iter()
            .map(|provider| ProviderInfo {
                name: provider.name.clone(),
                display_name: provider.display_name.clone(),
                login_url: format!("/api/v1/auth/{}/login", provider.name),
            })
            .collect(),
    })
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct LoginStart {
    /// A path on this site to land on after signing in (default `/`).
    pub redirect: Option<String>,
}

/// Start signing in at an OAuth provider: redirects the browser there.
#[utoipa::path(get, path = "/api/v1/auth/{provider}/login", tag = "auth",
    params(("provider" = String, Path, description = "A configured provider, e.g. `github`"), LoginStart),
    responses(
        (status = 303, description = "To the provider's authorize page"),
        (status = 404, body = ErrorBody, description = "No such provider"),
        (status = 429, body = ErrorBody),
    ))]
async fn oauth_login(
    State(state): State<AppState>,
    Path(provider): Path<String>,
    Query(start): Query<LoginStart>,
    ip: ClientIp,
    jar: CookieJar,
) -> Result<Response, AppError> {
    let config = &state.accounts.config;
    rate_limit(
        &state,
        &ip.key("login"),
        config.rate_login,
        "sign-in attempts from this address",
    )
    .await?;
    let redirect_to = local_path(start.redirect.as_deref());
    let started = state
        .accounts
        .providers
        .start(&state.db, &provider, &config.public_url, &redirect_to)
        .await
        .map_err(oauth_error)?;
    let ttl = i64::try_from(crate::accounts::oauth::STATE_TTL.as_secs()).unwrap_or(600);
    let jar = jar.add(cookie(
        &state,
        OAUTH_COOKIE,
        started.browser_nonce,
        "/api/v1/auth",
        ttl,
    ));
    Ok((jar, Redirect::to(started.authorize_url.as_str())).into_response())
}

/// Where the provider sends the browser back: signs in and redirects to the page asked for.
#[utoipa::path(get, path = "/api/v1/auth/{provider}/callback", tag = "auth",
    params(("provider" = String, Path), Callback),
    responses(
        (status = 303, description = "Signed in: the session cookies are set"),
        (status = 400, body = ErrorBody, description = "Bad, reused or foreign state; the provider refused or answered garbage"),
        (status = 403, body = ErrorBody, description = "The account is disabled"),
        (status = 404, body = ErrorBody, description = "No such provider"),
    ))]
async fn oauth_callback(
    State(state): State<AppState>,
    Path(provider): Path<String>,
    Query(callback): Query<Callback>,
    jar: CookieJar,
) -> Result<Response, AppError> {
    let nonce = jar.get(OAUTH_COOKIE).map(|cookie| cookie.value().to_owned());
    let (user, redirect_to) = state
        .accounts
        .providers
        .finish(
            &state.db,
            &provider,
            &state.accounts.config.public_url,
            callback,
            nonce.as_deref(),
        )
        .await
        .map_err(oauth_error)?;
    tracing::info!(user = %user.id, provider, "signed in through OAuth");
    let jar = jar.add(expired_cookie(&state, OAUTH_COOKIE, "/api/v1/auth"));
    let (jar, _) = start_browser_session(&state, jar, &user).await?;
    Ok((jar, Redirect::to(&redirect_to)).into_response())
}

/// Only a path on this site: anything else (`//evil.example`, `https://…`) becomes `/`, so the
/// sign-in cannot be used as an open redirect.
fn local_path(asked: Option<&str>) -> String {
    match asked {
        // Browsers drop tabs and line breaks from a Location: `/\t/evil.example` is `//evil.example`.
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.contains('\\')
                && !path.contains(char::is_control) =>
        {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

fn oauth_error(err: OAuthError) -> AppError {
    match err {
        OAuthError::UnknownProvider(_) => AppError::NotFound(err.to_string()),
        OAuthError::Disabled => AppError::Forbidden(err.to_string()),
        OAuthError::Internal(err) => AppError::Internal(err),
        other => AppError::BadRequest(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_redirected_to() {
        assert_eq!(local_path(Some("/problems/aplusb")), "/problems/aplusb");
        assert_eq!(local_path(None), "/");
        for outside in [
            "//evil.example",
            "https://evil.example",
            "evil",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n",
        ] {
            assert_eq!(local_path(Some(outside)), "/", "{outside}");
        }
    }
}
