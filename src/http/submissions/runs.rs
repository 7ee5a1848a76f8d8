//! The playground: one run of a program on an input, judged by the workers.

use std::time::Duration;

use axum::{
    extract::{Path, State},
    http::StatusCode,
};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::submit::check_source;
use crate::{
    app::{
        error::{AppError, ErrorBody, Json},
        extract::{rate_limit, CurrentUser},
        AppState,
    },
    submissions::playground::{self, Run, RunStatus},
};

#[derive(Debug, Deserialize, ToSchema)]
pub struct RunRequest {
    pub language: String,
    pub source: String,
    #[serde(default)]
    pub stdin: String,
}

/// Run a program once on an input (2 s, 256 MiB), on the judge workers. Answers the result when
/// it is done within a few seconds (200), else the run to poll at `/api/v1/runs/{id}` (202).
#[utoipa::path(post, path = "/api/v1/runs", tag = "submissions", security(("bearer" = []), ("session" = [])),
    request_body = RunRequest,
    responses((status = 200, body = Run), (status = 202, body = Run), (status = 413, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub(super) async fn start_run(
    State(state): State<AppState>,
    current: CurrentUser,
    Json(request): Json<RunRequest>,
) -> Result<(StatusCode, Json<Run>), AppError> {
    check_source(&state, &request.language, &request.source)?;
    if request.stdin.len() > state.submission_limits.max_source_bytes * 16 {
        return Err(AppError::PayloadTooLarge("stdin is too large".to_owned()));
    }
    let user_id = current.user.id;
    rate_limit(
        &state,
        &format!("run:user:{user_id}"),
        state.accounts.config.rate_submit,
        "playground runs",
    )
    .await?;
    let id = playground::submit(
        &state.db,
        user_id,
        &request.language,
        &request.source,
        &request.stdin,
    )
    .await?;
    // Judged by a worker; the result comes back through LISTEN, or the caller polls.
    let run = playground::wait(&state.db, &state.events, user_id, id, Duration::from_secs(5))
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("a run vanished")))?;
    let status = if run.status == RunStatus::Finished {
        StatusCode::OK
    } else {
        StatusCode::ACCEPTED
    };
    Ok((status, Json(run)))
}

/// One of the caller's playground runs.
#[utoipa::path(get, path = "/api/v1/runs/{id}", tag = "submissions", security(("bearer" = []), ("session" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Run), (status = 404, body = ErrorBody)))]
pub(super) async fn get_run(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Json<Run>, AppError> {
    playground::find(&state.db, current.user.id, id)
        .await?
        .map(Json)
        .ok_or_else(|| AppError::NotFound(format!("you have no run {id}")))
}
