//! The Judge0-compatible execution API, under `/judge0`: Judge0 CE's routes, fields, statuses
//! and error shapes, so Judge0's clients (the `judge0` PyPI SDK among them) work against
//! CodeRank with the base URL `…/judge0`. CodeRank's own pages hold `/submissions`, hence the
//! prefix.
//!
//! Each Judge0 submission is a playground run (`submissions::playground`), judged by the
//! workers like every run; its token is the run's id and only its owner reads it. Callers sign
//! in with `X-Auth-Token: crk_…`, a personal API token. Errors answer as Judge0 does, not in
//! CodeRank's envelope: 400 `{"error": "…"}`, 422 `{"field": ["…"]}`, 401 and 403 with no body.
//! The routes are outside the OpenAPI document (which describes CodeRank's own API); README
//! describes them.

pub mod callbacks;
mod info;
mod render;
mod request;
mod submissions;

use std::collections::BTreeMap;

use axum::{
    extract::{DefaultBodyLimit, FromRequestParts},
    http::{request::Parts, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use serde_json::json;

use crate::{
    accounts::{api_tokens, secrets, users::User},
    app::{
        error::AppError,
        extract::{active_user, rate_limit},
        AppState,
    },
};

/// The header Judge0 reads its authentication token from.
const AUTH_HEADER: &str = "x-auth-token";

/// The routes, to be nested under `/judge0`.
pub fn router(state: &AppState) -> Router<AppState> {
    Router::new()
        .route("/about", get(info::about))
        .route("/config_info", get(info::config_info))
        .route("/languages", get(info::languages))
        .route("/languages/{id}", get(info::language))
        .route("/statuses", get(info::statuses))
        .route("/submissions", post(submissions::create))
        .route(
            "/submissions/batch",
            post(submissions::create_batch).get(submissions::show_batch),
        )
        .route("/submissions/{token}", get(submissions::show))
        .layer(DefaultBodyLimit::max(state.body_limits.user))
}

/// A Judge0 error, answered in Judge0's shapes.
#[derive(Debug)]
pub enum Judge0Error {
    /// 401 with no body: no token, or not a live one.
    Unauthorized,
    /// 403 with no body: the account is disabled.
    Forbidden,
    /// 400 `{"error": "…"}`.
    BadRequest(String),
    /// 404 `{"error": "not found"}`.
    NotFound,
    /// 422 `{"field": ["message", …]}`.
    Invalid(BTreeMap<String, Vec<String>>),
    /// 429 `{"error": "…"}` with `Retry-After`.
    TooManyRequests { message: String, retry_after_secs: u64 },
    /// 500 `{"error": "internal error"}`, logged.
    Internal(anyhow::Error),
}

impl From<AppError> for Judge0Error {
    fn from(err: AppError) -> Self {
        match err {
            AppError::Unauthorized(_) => Self::Unauthorized,
            AppError::Forbidden(_) => Self::Forbidden,
            AppError::NotFound(_) => Self::NotFound,
            AppError::TooManyRequests {
                message,
                retry_after_secs,
            } => Self::TooManyRequests {
                message,
                retry_after_secs,
            },
            AppError::Internal(err) => Self::Internal(err),
            other => Self::BadRequest(other.to_string()),
        }
    }
}

impl From<sqlx::Error> for Judge0Error {
    fn from(err: sqlx::Error) -> Self {
        Self::Internal(err.into())
    }
}

impl IntoResponse for Judge0Error {
    fn into_response(self) -> Response {
        match self {
            Self::Unauthorized => StatusCode::UNAUTHORIZED.into_response(),
            Self::Forbidden => StatusCode::FORBIDDEN.into_response(),
            Self::BadRequest(message) => {
                (StatusCode::BAD_REQUEST, Json(json!({ "error": message }))).into_response()
            }
            Self::NotFound => (StatusCode::NOT_FOUND, Json(json!({ "error": "not found" }))).into_response(),
            Self::Invalid(errors) => (StatusCode::UNPROCESSABLE_ENTITY, Json(errors)).into_response(),
            Self::TooManyRequests {
                message,
                retry_after_secs,
            } => {
                let mut response =
                    (StatusCode::TOO_MANY_REQUESTS, Json(json!({ "error": message }))).into_response();
                response
                    .headers_mut()
                    .insert("retry-after", HeaderValue::from(retry_after_secs));
                response
            }
            Self::Internal(err) => {
                tracing::error!(error = %format!("{err:#}"), "a Judge0 request failed");
                let body = Json(json!({ "error": "internal error" }));
                (StatusCode::INTERNAL_SERVER_ERROR, body).into_response()
            }
        }
    }
}

/// The caller, signed in by `X-Auth-Token: crk_…` (a personal API token).
pub struct Judge0User(pub User);

impl FromRequestParts<AppState> for Judge0User {
    type Rejection = Judge0Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Judge0Error> {
        let token = parts
            .headers
            .get(AUTH_HEADER)
            .and_then(|value| value.to_str().ok())
            .map(str::trim)
            .filter(|token| token.starts_with(secrets::API_TOKEN_PREFIX))
            .ok_or(Judge0Error::Unauthorized)?;
        let (_, user_id) = api_tokens::authenticate(&state.db, token)
            .await?
            .ok_or(Judge0Error::Unauthorized)?;
        Ok(Self(active_user(state, user_id).await?))
    }
}

/// Takes `count` tokens of the caller's playground budget, as the playground does per run.
async fn take_runs(state: &AppState, user: &User, count: usize) -> Result<(), Judge0Error> {
    for _ in 0..count {
        rate_limit(
            state,
            &format!("run:user:{}", user.id),
            state.accounts.config.rate_submit,
            "playground runs",
        )
        .await?;
    }
    Ok(())
}
