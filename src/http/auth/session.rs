//! An existing session: exchanging a refresh token for new tokens (`/api/v1/auth/refresh`) and
//! signing out (`/api/v1/auth/logout`).

use axum::{
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use axum_extra::extract::cookie::CookieJar;
use serde::Deserialize;
use utoipa::ToSchema;

use super::{token_response, TokenResponse};
use crate::accounts::sessions::{self, RefreshError};
use crate::app::{
    error::{AppError, ErrorBody, Json},
    extract::{active_user, expired_cookie, Credential, CurrentUser, CSRF_COOKIE, SESSION_COOKIE},
    AppState,
};

#[derive(Debug, Deserialize, ToSchema)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

/// Exchange a refresh token for new tokens. The old refresh token stops working; using it again
/// revokes the session.
#[utoipa::path(post, path = "/api/v1/auth/refresh", tag = "auth", request_body = RefreshRequest,
    responses(
        (status = 200, body = TokenResponse),
        (status = 401, body = ErrorBody, description = "Invalid, expired, revoked or reused refresh token"),
        (status = 403, body = ErrorBody, description = "The account is disabled"),
    ))]
pub(super) async fn refresh(
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
pub(super) async fn logout(
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
    sessions::revoke(&state.db, session_id).await?;
    let jar = jar
        .add(expired_cookie(&state, SESSION_COOKIE, "/"))
        .add(expired_cookie(&state, CSRF_COOKIE, "/"));
    Ok((StatusCode::NO_CONTENT, jar).into_response())
}
