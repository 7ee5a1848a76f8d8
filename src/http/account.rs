//! The signed-in user's own things: `/api/v1/me`, personal API tokens at `/api/v1/tokens`, and
//! the password at `/api/v1/account/password`.
//!
//! Minting a token and changing the password need a session (a browser cookie or an access
//! token): a personal API token can do neither, so a leaked one cannot outlive its revocation
//! by minting another, or take the account over.

use axum::{
    extract::{Path, State},
    http::StatusCode,
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use crate::accounts::{
    api_tokens::{self, ApiToken},
    passwords, recovery,
    users::{self, NewPassword, User},
};
use crate::app::{
    error::{AppError, ErrorBody, Json},
    extract::{rate_limit, CurrentUser},
    AppState,
};

/// Routes for signed-in callers.
pub fn signed_in_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(me))
        .routes(routes!(list_tokens, create_token))
        .routes(routes!(revoke_token))
        .routes(routes!(change_password))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    #[serde(flatten)]
    pub user: User,
    /// The OAuth providers this account signs in with.
    pub providers: Vec<String>,
}

/// The signed-in user.
#[utoipa::path(get, path = "/api/v1/me", tag = "account", security(("bearer" = []), ("session" = [])),
    responses((status = 200, body = Me), (status = 401, body = ErrorBody)))]
async fn me(State(state): State<AppState>, current: CurrentUser) -> Result<Json<Me>, AppError> {
    let providers = users::providers_of(&state.db, current.user.id).await?;
    Ok(Json(Me {
        user: current.user,
        providers,
    }))
}

/// The caller's live API tokens, newest first (never the secrets).
#[utoipa::path(get, path = "/api/v1/tokens", tag = "account", security(("bearer" = []), ("session" = [])),
    responses((status = 200, body = Vec<ApiToken>), (status = 401, body = ErrorBody)))]
async fn list_tokens(
    State(state): State<AppState>,
    current: CurrentUser,
) -> Result<Json<Vec<ApiToken>>, AppError> {
    let tokens = api_tokens::list(&state.db, current.user.id).await?;
    Ok(Json(tokens))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateTokenRequest {
    /// What the token is for, e.g. `ci`; 1 to 100 characters.
    pub name: String,
    /// Days until it expires (1 to 3650); never when absent.
    pub expires_in_days: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedToken {
    /// The token itself: shown this once, never again.
    pub token: String,
    pub id: Uuid,
    pub name: String,
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// Create a personal API token; the answer is the only time its secret is shown. Needs a
/// session: an API token cannot mint another.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "account", security(("bearer" = []), ("session" = [])),
    request_body = CreateTokenRequest,
    responses(
        (status = 201, body = CreatedToken), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "Called with an API token: minting a token needs a session"),
        (status = 422, body = ErrorBody),
    ))]
async fn create_token(
    State(state): State<AppState>,
    current: CurrentUser,
    Json(request): Json<CreateTokenRequest>,
) -> Result<(StatusCode, Json<CreatedToken>), AppError> {
    current.session("create API tokens")?;
    let name = request.name.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(AppError::Unprocessable(
            "name must be 1 to 100 characters without control characters".to_owned(),
        ));
    }
    if let Some(days) = request.expires_in_days {
        if !(1..=3650).contains(&days) {
            return Err(AppError::Unprocessable(
                "expires_in_days must be 1 to 3650".to_owned(),
            ));
        }
    }
    let (token, secret) =
        api_tokens::create(&state.db, current.user.id, name, request.expires_in_days).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedToken {
            token: secret,
            id: token.id,
            name: token.name,
            prefix: token.prefix,
            created_at: token.created_at,
            expires_at: token.expires_at,
        }),
    ))
}

/// Revoke one of the caller's API tokens; it stops working at once.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "account", security(("bearer" = []), ("session" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn revoke_token(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, AppError> {
    let revoked = api_tokens::revoke(&state.db, current.user.id, id).await?;
    if revoked {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AppError::NotFound(format!("you have no live API token {id}")))
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ChangePasswordRequest {
    pub current_password: String,
    /// 8 to 256 characters.
    pub new_password: String,
}

/// Change the caller's password. The current password is required; every other session of the
/// user ends (this one stays signed in), personal API tokens keep working.
#[utoipa::path(post, path = "/api/v1/account/password", tag = "account", security(("bearer" = []), ("session" = [])),
    request_body = ChangePasswordRequest,
    responses(
        (status = 204, description = "Changed; every other session has ended"),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "The current password is wrong, the account has none, or an API token was used"),
        (status = 422, body = ErrorBody, description = "The new password is too short or too long"),
        (status = 429, body = ErrorBody, description = "Too many password changes"),
    ))]
async fn change_password(
    State(state): State<AppState>,
    current: CurrentUser,
    Json(request): Json<ChangePasswordRequest>,
) -> Result<StatusCode, AppError> {
    let session_id = current.session("change the password")?;
    let password = NewPassword::parse(&request.new_password).map_err(AppError::Unprocessable)?;
    let user_id = current.user.id;
    rate_limit(
        &state,
        &format!("password:user:{user_id}"),
        state.accounts.config.rate_password,
        "password changes",
    )
    .await?;
    let Some(stored) = users::password_hash_of(&state.db, user_id).await? else {
        return Err(AppError::Forbidden(
            "this account has no password (it signs in through a provider): an admin can issue a reset link to set one"
                .to_owned(),
        ));
    };
    if !passwords::verify(request.current_password, Some(stored)).await? {
        return Err(AppError::Forbidden("the current password is wrong".to_owned()));
    }
    let hash = passwords::hash(password.0).await?;
    let ended = recovery::change_password(&state.db, user_id, &hash, Some(session_id)).await?;
    tracing::info!(user = %user_id, ended, "password changed");
    Ok(StatusCode::NO_CONTENT)
}
