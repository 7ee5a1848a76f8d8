//! `/api/v1/submissions`, `/api/v1/runs` and `/api/v1/leaderboard`: submitting ([`submit`]),
//! reading and history ([`read`]), watching verdicts arrive over WebSocket ([`live`]),
//! rejudges and the judge's status ([`judging`]), the playground ([`runs`]) and the ranking
//! ([`leaderboard`]). What a caller may see of a submission is decided in
//! `crate::submissions::view`.

mod judging;
mod leaderboard;
mod live;
mod read;
mod runs;
mod submit;

use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use crate::{
    app::{error::AppError, extract::CurrentUser, AppState},
    submissions::{
        records::{self, SubmissionRow},
        view::{self, SubmissionView, Viewer},
    },
};

/// Routes anyone may call.
pub fn public_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(read::list_submissions))
        .routes(routes!(read::get_submission))
        .routes(routes!(live::watch_submission))
        .routes(routes!(leaderboard::get_leaderboard))
}

/// Routes for signed-in callers.
pub fn signed_in_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(submit::submit))
        .routes(routes!(live::watch_mine))
        .routes(routes!(runs::start_run))
        .routes(routes!(runs::get_run))
}

/// Routes for admins.
pub fn admin_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(judging::rejudge_submission))
        .routes(routes!(judging::rejudge_problem))
        .routes(routes!(judging::judge_status))
}

/// A submission `current` may see: one to a problem hidden from contestants is not found for
/// anyone but admins and its author.
async fn find_submission(
    state: &AppState,
    id: Uuid,
    current: Option<&CurrentUser>,
) -> Result<SubmissionRow, AppError> {
    records::find(&state.db, id, viewer(current))
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no submission {id}")))
}

/// The caller as the submissions' view sees them.
fn viewer(current: Option<&CurrentUser>) -> Viewer {
    Viewer::of(current.map(|current| &current.user))
}

/// What `current` may see of `row`; `detailed` adds tests and judgings.
async fn view_for(
    state: &AppState,
    row: SubmissionRow,
    current: Option<&CurrentUser>,
    detailed: bool,
) -> Result<SubmissionView, AppError> {
    Ok(view::view(&state.db, &state.cache, row, viewer(current), detailed).await?)
}
