//! Who is asking: the extractors every protected handler relies on.
//!
//! Authorization lives here and in the URL map (`super::router`), not in handlers: routes are
//! merged into a public, a signed-in or an admin group, and the signed-in and admin groups are
//! wrapped in a layer that runs [`CurrentUser`] or [`Admin`] before any handler. A new endpoint is
//! protected by the group it joins; a test walks the OpenAPI document and checks every operation
//! against anonymous, user, other-user and admin callers.
//!
//! A caller is authenticated by, in this order:
//! 1. `Authorization: Bearer crk_…`: a personal API token;
//! 2. `Authorization: Bearer <JWT>`: an access token, valid while its session is live;
//! 3. the `coderank_session` cookie of a browser session. Cookie-authenticated requests that
//!    change something (any method but GET, HEAD, OPTIONS) must also send the session's CSRF token
//!    in `X-CSRF-Token`, which a page on another site can neither read nor forge.

use std::net::{IpAddr, SocketAddr};

use axum::{
    extract::{ConnectInfo, FromRequestParts},
    http::{header, request::Parts, Method},
};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use uuid::Uuid;

use super::{error::AppError, AppState};
use crate::{
    accounts::{
        api_tokens,
        keys::TokenError,
        rate_limit::{self, Decision},
        secrets, sessions,
        users::{self, Role, User},
    },
    config::RateSpec,
};

/// Cookie of a browser session (HttpOnly).
pub const SESSION_COOKIE: &str = "coderank_session";
/// Cookie with the CSRF token, readable by the page's scripts so they can send it back.
pub const CSRF_COOKIE: &str = "coderank_csrf";
/// Cookie binding an OAuth sign-in in flight to the browser that started it.
pub const OAUTH_COOKIE: &str = "coderank_oauth";
/// Header that carries the CSRF token.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// How the caller proved who they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential {
    /// A browser session cookie.
    Browser { session_id: Uuid },
    /// An access token of an API session.
    AccessToken { session_id: Uuid },
    /// A personal API token.
    ApiToken { token_id: Uuid },
}

/// The signed-in caller. Rejects with 401 when there is no valid credential and 403 when the
/// account is disabled.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user: User,
    pub credential: Credential,
}

impl CurrentUser {
    /// The session the caller signed in with (browser cookie or access token). A personal API
    /// token has none, and may not `do_what` needs one (mint a token, change the password), so a
    /// leaked token cannot make itself permanent or lock its owner out: 403.
    pub fn session(&self, do_what: &str) -> Result<Uuid, AppError> {
        match self.credential {
            Credential::Browser { session_id } | Credential::AccessToken { session_id } => Ok(session_id),
            Credential::ApiToken { .. } => Err(AppError::Forbidden(format!(
                "an API token cannot {do_what}: sign in (a browser session, or an access token from /api/v1/auth/login)"
            ))),
        }
    }
}

/// The caller when they sent credentials, `None` for anonymous callers. Bad credentials are
/// still refused (401), so a client with an expired token learns it.
#[derive(Debug, Clone)]
pub struct MaybeUser(pub Option<CurrentUser>);

impl FromRequestParts<AppState> for MaybeUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let has_credentials = parts.headers.contains_key(header::AUTHORIZATION)
            || CookieJar::from_headers(&parts.headers)
                .get(SESSION_COOKIE)
                .is_some();
        if !has_credentials {
            return Ok(Self(None));
        }
        CurrentUser::from_request_parts(parts, state)
            .await
            .map(|user| Self(Some(user)))
    }
}

/// A signed-in admin; 403 for anyone else.
#[derive(Debug, Clone)]
pub struct Admin(pub CurrentUser);

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        // The group's layer has already authenticated the request: reuse its answer.
        if let Some(current) = parts.extensions.get::<CurrentUser>() {
            return Ok(current.clone());
        }
        let (user_id, credential) = authenticate(parts, state).await?;
        let user = active_user(state, user_id).await?;
        let current = CurrentUser { user, credential };
        parts.extensions.insert(current.clone());
        Ok(current)
    }
}

impl FromRequestParts<AppState> for Admin {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let current = CurrentUser::from_request_parts(parts, state).await?;
        if current.user.role != Role::Admin {
            return Err(AppError::Forbidden("only admins may do this".to_owned()));
        }
        Ok(Self(current))
    }
}

/// The user a credential names, if they still exist and are not disabled.
pub async fn active_user(state: &AppState, user_id: Uuid) -> Result<User, AppError> {
    let user = users::find(&state.db, user_id)
        .await?
        .ok_or_else(|| AppError::Unauthorized("the account no longer exists".to_owned()))?;
    if user.disabled {
        return Err(AppError::Forbidden("this account is disabled".to_owned()));
    }
    Ok(user)
}

async fn authenticate(parts: &Parts, state: &AppState) -> Result<(Uuid, Credential), AppError> {
    if let Some(value) = parts.headers.get(header::AUTHORIZATION) {
        let token = value
            .to_str()
            .ok()
            .and_then(|value| {
                value
                    .strip_prefix("Bearer ")
                    .or_else(|| value.strip_prefix("bearer "))
            })
            .map(str::trim)
            .filter(|token| !token.is_empty())
            .ok_or_else(|| {
                AppError::Unauthorized("the Authorization header must be `Bearer <token>`".to_owned())
            })?;
        if token.starts_with(secrets::API_TOKEN_PREFIX) {
            let (token_id, user_id) = api_tokens::authenticate(&state.db, token).await?.ok_or_else(|| {
                AppError::Unauthorized("the API token is invalid, expired or revoked".to_owned())
            })?;
            return Ok((user_id, Credential::ApiToken { token_id }));
        }
        let claims = state.accounts.keys.verify(token).await.map_err(|err| match err {
            TokenError::Database(err) => AppError::Internal(err.into()),
            other => AppError::Unauthorized(other.to_string()),
        })?;
        let live = sessions::is_live(&state.db, claims.sid, claims.sub).await?;
        if !live {
            return Err(AppError::Unauthorized(
                "the access token's session has ended (signed out or revoked): sign in again".to_owned(),
            ));
        }
        return Ok((
            claims.sub,
            Credential::AccessToken {
                session_id: claims.sid,
            },
        ));
    }
    let jar = CookieJar::from_headers(&parts.headers);
    if let Some(cookie) = jar.get(SESSION_COOKIE) {
        let secret = cookie.value();
        let (session_id, user_id) = sessions::find_browser(&state.db, secret).await?.ok_or_else(|| {
            AppError::Unauthorized("the session cookie is invalid or expired: sign in again".to_owned())
        })?;
        let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if !safe {
            let sent = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|value| value.to_str().ok());
            let expected = secrets::csrf_token(secret);
            if !sent.is_some_and(|sent| secrets::constant_time_eq(sent, &expected)) {
                return Err(AppError::Forbidden(format!(
                    "a request signed in by cookie must send the `{CSRF_COOKIE}` cookie's value in the X-CSRF-Token header"
                )));
            }
        }
        return Ok((user_id, Credential::Browser { session_id }));
    }
    Err(AppError::Unauthorized(
        "sign in first: send `Authorization: Bearer <token>` or the session cookie".to_owned(),
    ))
}

/// The client's IP address: the TCP peer, or the last `X-Forwarded-For` entry when the
/// configuration says a proxy writes it.
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        if state.accounts.config.trust_forwarded_for {
            // Only the last entry: the one our proxy appended. Earlier ones come from the client.
            let forwarded = parts
                .headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|value| value.to_str().ok())
                .flat_map(|value| value.split(','))
                .next_back()
                .and_then(|entry| entry.trim().parse::<IpAddr>().ok());
            if forwarded.is_some() {
                return Ok(Self(forwarded));
            }
        }
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(address)| address.ip());
        Ok(Self(peer))
    }
}

impl ClientIp {
    /// The rate-limit key of this client for `action`.
    pub fn key(&self, action: &str) -> String {
        match self.0 {
            Some(ip) => format!("{action}:ip:{ip}"),
            None => format!("{action}:ip:unknown"),
        }
    }
}

/// Takes a token from bucket `key`, or answers 429 with `Retry-After`.
pub async fn rate_limit(state: &AppState, key: &str, spec: RateSpec, what: &str) -> Result<(), AppError> {
    match rate_limit::check(&state.db, key, spec).await? {
        Decision::Allowed => Ok(()),
        Decision::Denied { retry_after_secs } => {
            // Keys are `ACTION:…`; the action names the limit.
            crate::telemetry::metrics::rate_limited(key.split(':').next().unwrap_or(key));
            Err(AppError::TooManyRequests {
                message: format!("too many {what}: try again in {retry_after_secs} s"),
                retry_after_secs,
            })
        }
    }
}

/// A cookie with the attributes every CodeRank cookie shares.
pub fn cookie(
    state: &AppState,
    name: &'static str,
    value: String,
    path: &'static str,
    max_age_secs: i64,
) -> Cookie<'static> {
    Cookie::build((name, value))
        .path(path)
        .http_only(name != CSRF_COOKIE)
        .secure(state.accounts.config.secure_cookies())
        .same_site(SameSite::Lax)
        .max_age(time::Duration::seconds(max_age_secs))
        .build()
}

/// A cookie that makes the browser forget `name`.
pub fn expired_cookie(state: &AppState, name: &'static str, path: &'static str) -> Cookie<'static> {
    cookie(state, name, String::new(), path, 0)
}
