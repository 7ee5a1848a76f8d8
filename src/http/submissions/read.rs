//! Reading one submission, and the history.

use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{find_submission, view_for};
use crate::{
    app::{
        error::{AppError, ErrorBody, Json, Query},
        extract::MaybeUser,
        AppState,
    },
    judge::verdict::Verdict,
    submissions::{
        records::{self, Filter},
        view::SubmissionView,
    },
};

/// One submission; poll it, or watch it at `/api/v1/submissions/{id}/ws`.
#[utoipa::path(get, path = "/api/v1/submissions/{id}", tag = "submissions", params(("id" = Uuid, Path)),
    responses((status = 200, body = SubmissionView), (status = 404, body = ErrorBody)))]
pub(super) async fn get_submission(
    State(state): State<AppState>,
    MaybeUser(viewer): MaybeUser,
    Path(id): Path<Uuid>,
) -> Result<Json<SubmissionView>, AppError> {
    let row = find_submission(&state, id, viewer.as_ref()).await?;
    Ok(Json(view_for(&state, row, viewer.as_ref(), true).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct HistoryQuery {
    /// A user's id.
    pub user: Option<Uuid>,
    /// A problem's slug.
    pub problem: Option<String>,
    /// e.g. `AC`.
    pub verdict: Option<Verdict>,
    pub language: Option<String>,
    /// The `next` of the previous page.
    pub before: Option<Uuid>,
    /// 1 to 100 (default 50).
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SubmissionPage {
    pub items: Vec<SubmissionView>,
    /// Pass as `before` for the next page; absent on the last.
    pub next: Option<Uuid>,
}

/// Submissions, newest first, filtered; verdicts for everyone, sources never in a listing.
#[utoipa::path(get, path = "/api/v1/submissions", tag = "submissions", params(HistoryQuery),
    responses((status = 200, body = SubmissionPage), (status = 422, body = ErrorBody)))]
pub(super) async fn list_submissions(
    State(state): State<AppState>,
    MaybeUser(viewer): MaybeUser,
    Query(query): Query<HistoryQuery>,
) -> Result<Json<SubmissionPage>, AppError> {
    let limit = query.limit.unwrap_or(50);
    if !(1..=100).contains(&limit) {
        return Err(AppError::Unprocessable("limit must be 1 to 100".to_owned()));
    }
    let filter = Filter {
        user_id: query.user,
        problem_slug: query.problem,
        verdict: query.verdict,
        language: query.language,
        before: query.before,
        limit: limit + 1,
        reader: super::viewer(viewer.as_ref()),
    };
    let mut rows = records::list(&state.db, &filter).await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next = more.then(|| rows.last().map(|row| row.id)).flatten();
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        items.push(view_for(&state, row, viewer.as_ref(), false).await?);
    }
    Ok(Json(SubmissionPage { items, next }))
}
