//! `/api/v1/users`: user management for admins.

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
    recovery,
    users::{self, Role, User},
};
use crate::app::{
    error::{AppError, ErrorBody, Json},
    extract::Admin,
    AppState,
};

/// Routes for admins.
pub fn admin_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_users))
        .routes(routes!(update_user))
        .routes(routes!(issue_reset_link))
}

/// Every user, oldest first.
#[utoipa::path(get, path = "/api/v1/users", tag = "users", security(("bearer" = []), ("session" = [])),
    responses((status = 200, body = Vec<User>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn list_users(State(state): State<AppState>, _admin: Admin) -> Result<Json<Vec<User>>, AppError> {
    Ok(Json(users::list(&state.db).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdateUser {
    pub role: Option<Role>,
    /// A disabled user's sessions and tokens stop working at their next request.
    pub disabled: Option<bool>,
    /// Judging priority from 0 (the default) to 100: a premium user's fresh submissions are
    /// judged before earlier ones of users with a lower priority.
    #[schema(minimum = 0, maximum = 100)]
    pub priority: Option<i32>,
}

/// Change a user's role or priority, or disable them. Admins cannot demote or disable themselves, so an
/// installation always keeps an admin.
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "users", security(("bearer" = []), ("session" = [])),
    params(("id" = Uuid, Path)), request_body = UpdateUser,
    responses(
        (status = 200, body = User),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "An admin tried to demote or disable themselves"),
        (status = 422, body = ErrorBody, description = "A priority outside 0 to 100"),
    ))]
async fn update_user(
    State(state): State<AppState>,
    Admin(admin): Admin,
    Path(id): Path<Uuid>,
    Json(request): Json<UpdateUser>,
) -> Result<Json<User>, AppError> {
    let demotes = request.role.is_some_and(|role| role != Role::Admin) || request.disabled == Some(true);
    if id == admin.user.id && demotes {
        return Err(AppError::Conflict(
            "admins cannot demote or disable themselves".to_owned(),
        ));
    }
    if let Some(priority) = request
        .priority
        .filter(|p| !(0..=users::MAX_PRIORITY).contains(p))
    {
        return Err(AppError::Unprocessable(format!(
            "priority must be 0 to {}, not {priority}",
            users::MAX_PRIORITY
        )));
    }
    let change = users::Change {
        role: request.role,
        disabled: request.disabled,
        priority: request.priority,
    };
    users::update(&state.db, id, change)
        .await?
        .map(Json)
        .ok_or_else(|| AppError::NotFound(format!("no user {id}")))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ResetLinkResponse {
    /// Hand this to the user yourself (no e-mail is sent); it works once.
    pub url: String,
    pub expires_at: DateTime<Utc>,
}

/// Issue a one-time link that lets its holder set the user's password, valid for an hour. The
/// user's older links stop working; using it ends all the user's sessions.
#[utoipa::path(post, path = "/api/v1/users/{id}/reset-link", tag = "users", security(("bearer" = []), ("session" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 201, body = ResetLinkResponse),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    ))]
async fn issue_reset_link(
    State(state): State<AppState>,
    Admin(admin): Admin,
    Path(id): Path<Uuid>,
) -> Result<(StatusCode, Json<ResetLinkResponse>), AppError> {
    let user = users::find(&state.db, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no user {id}")))?;
    let link = recovery::issue_reset_link(
        &state.db,
        &state.accounts.config.public_url,
        user.id,
        Some(admin.user.id),
    )
    .await?;
    tracing::info!(user = %user.id, admin = %admin.user.id, "password-reset link issued");
    Ok((
        StatusCode::CREATED,
        Json(ResetLinkResponse {
            url: link.url.to_string(),
            expires_at: link.expires_at,
        }),
    ))
}
