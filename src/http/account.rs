//! The signed-in user's own things: `/api/v1/me` and personal API tokens at `/api/v1/tokens`.

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
    users::{self, User},
};
use crate::app::{
    error::{AppError, ErrorBody, Json},
    extract::CurrentUser,
    AppState,
};

/// Routes for signed-in callers.
pub fn signed_in_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(me))
        .routes(routes!(list_tokens, create_token))
        .routes(routes!(revoke_token))
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

/// Create a personal API token; the answer is the only time its secret is shown.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "account", security(("bearer" = []), ("session" = [])),
    request_body = CreateTokenRequest,
    responses((status = 201, body = CreatedToken), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_token(
    State(state): State<AppState>,
    current: CurrentUser,
    Json(request): Json<CreateTokenRequest>,
) -> Result<(StatusCode, Json<CreatedToken>), AppError> {
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
