//! OAuth sign-in: the list of ways to sign in (`/api/v1/auth/providers`), the redirect to a
//! provider and its callback (`/api/v1/auth/{provider}/login`, `/api/v1/auth/{provider}/callback`).

use axum::{
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
};
use axum_extra::extract::cookie::CookieJar;
use serde::Deserialize;

use super::start_browser_session;
use crate::accounts::{
    oauth::{Callback, OAuthError},
    SignInOptions,
};
use crate::app::{
    error::{AppError, ErrorBody, Json, Query},
    extract::{cookie, expired_cookie, rate_limit, ClientIp, OAUTH_COOKIE},
    AppState,
};

/// The ways to sign in on this server, for a login page.
#[utoipa::path(get, path = "/api/v1/auth/providers", tag = "auth", responses((status = 200, body = SignInOptions)))]
pub(super) async fn providers(State(state): State<AppState>) -> Json<SignInOptions> {
    Json(state.accounts.sign_in_options())
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
pub(super) async fn oauth_login(
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
pub(super) async fn oauth_callback(
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
