//! Rejudges and the judge's status: admins' routes.

use axum::{
    extract::{Path, State},
    http::StatusCode,
};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{find_submission, view_for, viewer};
use crate::{
    app::{
        error::{AppError, ErrorBody, Json},
        extract::Admin,
        AppState,
    },
    problems::view::{self as problem_view, Audience},
    submissions::{
        queue,
        records::{self, Filter},
        view::SubmissionView,
    },
};

#[derive(Debug, Serialize, ToSchema)]
pub struct JudgeStatus {
    /// Judgings queued or being judged.
    pub queue_depth: i64,
    /// Workers seen in the last minute.
    pub workers: Vec<crate::submissions::queue::WorkerStatus>,
    /// The 20 newest submissions.
    pub recent: Vec<SubmissionView>,
}

/// The judge at a glance: queue depth, live workers, recent verdicts.
#[utoipa::path(get, path = "/api/v1/status", tag = "submissions", security(("bearer" = []), ("session" = [])),
    responses((status = 200, body = JudgeStatus), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(super) async fn judge_status(
    State(state): State<AppState>,
    Admin(admin): Admin,
) -> Result<Json<JudgeStatus>, AppError> {
    let queue_depth = queue::depth(&state.db).await?;
    let workers = queue::workers(&state.db).await?;
    let filter = Filter {
        limit: 20,
        reader: viewer(Some(&admin)),
        ..Filter::default()
    };
    let rows = records::list(&state.db, &filter).await?;
    let mut recent = Vec::with_capacity(rows.len());
    for row in rows {
        recent.push(view_for(&state, row, Some(&admin), false).await?);
    }
    Ok(Json(JudgeStatus {
        queue_depth,
        workers,
        recent,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Rejudged {
    /// Submissions queued again.
    pub queued: usize,
}

/// Judge a submission again (at lower priority than fresh submissions); the earlier judging
/// stays in its history.
#[utoipa::path(post, path = "/api/v1/submissions/{id}/rejudge", tag = "submissions", security(("bearer" = []), ("session" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 202, body = Rejudged), (status = 404, body = ErrorBody)))]
pub(super) async fn rejudge_submission(
    State(state): State<AppState>,
    Admin(admin): Admin,
    Path(id): Path<Uuid>,
) -> Result<(StatusCode, Json<Rejudged>), AppError> {
    find_submission(&state, id, Some(&admin)).await?;
    let mut transaction = state.db.begin().await?;
    records::rejudge(&mut transaction, id).await?;
    transaction.commit().await?;
    Ok((StatusCode::ACCEPTED, Json(Rejudged { queued: 1 })))
}

/// Judge every submission of a problem again, e.g. after its test data changed.
#[utoipa::path(post, path = "/api/v1/problems/{slug}/rejudge", tag = "submissions", security(("bearer" = []), ("session" = [])),
    params(("slug" = String, Path)),
    responses((status = 202, body = Rejudged), (status = 404, body = ErrorBody)))]
pub(super) async fn rejudge_problem(
    State(state): State<AppState>,
    _admin: Admin,
    Path(slug): Path<String>,
) -> Result<(StatusCode, Json<Rejudged>), AppError> {
    let problem = problem_view::visible(&state.db, Audience { admin: true }, &slug).await?;
    let queued = records::rejudge_problem(&state.db, problem.id).await?;
    Ok((StatusCode::ACCEPTED, Json(Rejudged { queued })))
}
