//! Local accounts: registration and sign-in with e-mail and password
//! (`/api/v1/auth/register`, `/api/v1/auth/login`), and setting a new password with a one-time
//! reset link an admin issued (`/api/v1/auth/password-reset`).

use axum::{
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use axum_extra::extract::cookie::CookieJar;
use serde::Deserialize;
use utoipa::ToSchema;

use super::{signed_in, SignedIn};
use crate::accounts::{
    passwords,
    recovery::{self, ResetError},
    users::{self, CreateError, DisplayName, Email, NewPassword, Role},
};
use crate::app::{
    error::{AppError, ErrorBody, Json},
    extract::{rate_limit, ClientIp},
    AppState,
};

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

/// Create a local account and sign in.
#[utoipa::path(post, path = "/api/v1/auth/register", tag = "auth", request_body = RegisterRequest,
    responses(
        (status = 201, body = SignedIn, description = "Registered and signed in: tokens, or with `cookie: true` a cookie session"),
        (status = 403, body = ErrorBody, description = "Registration is switched off"),
        (status = 409, body = ErrorBody, description = "The e-mail address is taken"),
        (status = 422, body = ErrorBody, description = "A field is invalid"),
        (status = 429, body = ErrorBody, description = "Too many registrations from this address"),
    ))]
pub(super) async fn register(
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
        (status = 200, body = SignedIn, description = "Signed in: tokens, or with `cookie: true` a cookie session"),
        (status = 401, body = ErrorBody, description = "Wrong e-mail or password"),
        (status = 403, body = ErrorBody, description = "Password sign-in is off, or the account is disabled"),
        (status = 429, body = ErrorBody, description = "Too many attempts from this address"),
    ))]
pub(super) async fn login(
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
        Ok(email) => users::find_for_login(&state.db, &email).await?,
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

#[derive(Debug, Deserialize, ToSchema)]
pub struct PasswordResetRequest {
    /// The `crp_…` token of the reset link (after `#token=`).
    pub token: String,
    /// 8 to 256 characters.
    pub new_password: String,
}

/// Set a new password with a one-time reset link an admin issued. The link stops working, and
/// every session of the user ends; sign in with the new password.
#[utoipa::path(post, path = "/api/v1/auth/password-reset", tag = "auth", request_body = PasswordResetRequest,
    responses(
        (status = 204, description = "The password is set; every session of the user has ended"),
        (status = 400, body = ErrorBody, description = "The link is invalid, expired or already used"),
        (status = 422, body = ErrorBody, description = "The new password is too short or too long"),
        (status = 429, body = ErrorBody, description = "Too many attempts from this address"),
    ))]
pub(super) async fn password_reset(
    State(state): State<AppState>,
    ip: ClientIp,
    Json(request): Json<PasswordResetRequest>,
) -> Result<StatusCode, AppError> {
    let password = NewPassword::parse(&request.new_password).map_err(AppError::Unprocessable)?;
    rate_limit(
        &state,
        &ip.key("password-reset"),
        state.accounts.config.rate_password,
        "password-reset attempts from this address",
    )
    .await?;
    let hash = passwords::hash(password.0).await?;
    let user_id = recovery::redeem_reset_link(&state.db, request.token.trim(), &hash)
        .await
        .map_err(|err| match err {
            ResetError::Invalid => AppError::BadRequest(err.to_string()),
            ResetError::Database(err) => AppError::Internal(err.into()),
        })?;
    tracing::info!(user = %user_id, "password reset with a link");
    Ok(StatusCode::NO_CONTENT)
}
