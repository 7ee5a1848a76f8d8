//! Submitting a solution, and the checks on a source shared with the playground.

use axum::{extract::State, http::StatusCode};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    accounts::users::Role,
    app::{
        error::{AppError, ErrorBody, Json},
        extract::{rate_limit, CurrentUser},
        AppState,
    },
    judge::languages::Languages,
    problems::view::{self as problem_view, Audience, ViewError},
    submissions::records::{self, JudgingStatus},
};

#[derive(Debug, Deserialize, ToSchema)]
pub struct SubmitRequest {
    /// The problem's slug.
    pub problem: String,
    /// A language id of the judge, e.g. `cpp`, `python3` (`coderank languages`).
    pub language: String,
    pub source: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Submitted {
    pub id: Uuid,
    /// Always `queued`.
    pub status: JudgingStatus,
}

/// The source's language and size, checked before anything is stored.
pub(super) fn check_source(state: &AppState, language: &str, source: &str) -> Result<(), AppError> {
    let table = Languages::table();
    if let Err(err) = table.get(language) {
        return Err(AppError::Unprocessable(err.to_string()));
    }
    let cap = state.submission_limits.max_source_bytes;
    if source.trim().is_empty() {
        return Err(AppError::Unprocessable("source is empty".to_owned()));
    }
    if source.len() > cap {
        return Err(AppError::PayloadTooLarge(format!(
            "source is {} bytes; at most {cap} are accepted",
            source.len()
        )));
    }
    Ok(())
}

/// Submit a solution; it is queued for judging at once.
#[utoipa::path(post, path = "/api/v1/submissions", tag = "submissions", security(("bearer" = []), ("session" = [])),
    request_body = SubmitRequest,
    responses(
        (status = 202, body = Submitted),
        (status = 404, body = ErrorBody, description = "No such published problem"),
        (status = 409, body = ErrorBody, description = "The problem (unpublished) has no time limit yet"),
        (status = 413, body = ErrorBody, description = "Source over the size cap"),
        (status = 422, body = ErrorBody, description = "Unknown language or empty source"),
        (status = 429, body = ErrorBody, description = "Too many submissions"),
    ))]
pub(super) async fn submit(
    State(state): State<AppState>,
    current: CurrentUser,
    Json(request): Json<SubmitRequest>,
) -> Result<(StatusCode, Json<Submitted>), AppError> {
    check_source(&state, &request.language, &request.source)?;
    let audience = Audience {
        admin: current.user.role == Role::Admin,
    };
    // Only "no such problem" is a 404: a database that is busy or down is the server's
    // answer (503 busy, retried by clients), never a claim that the problem does not exist.
    let problem = problem_view::visible(&state.db, audience, &request.problem)
        .await
        .map_err(|err| match err {
            ViewError::NotFound(_) => {
                AppError::NotFound(format!("no published problem {:?}", request.problem))
            }
            other => AppError::from(other),
        })?;
    // Only an admin reaches an unpublished problem, which may not have its time limit yet.
    if problem.time_limit_ms.is_none() {
        return Err(AppError::Conflict(crate::problems::time_limits::unpublishable(
            &problem,
        )));
    }
    let user_id = current.user.id;
    rate_limit(
        &state,
        &format!("submit:user:{user_id}"),
        state.accounts.config.rate_submit,
        "submissions",
    )
    .await?;
    let id = records::create(&state.db, user_id, problem.id, &request.language, &request.source).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(Submitted {
            id,
            status: JudgingStatus::Queued,
        }),
    ))
}
