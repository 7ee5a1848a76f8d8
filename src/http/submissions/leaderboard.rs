//! The leaderboard.

use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::{
    app::{
        error::{AppError, ErrorBody, Json, Query},
        AppState,
    },
    submissions::leaderboard::{self, Leaderboard},
};

#[derive(Debug, Deserialize, IntoParams)]
pub struct LeaderboardQuery {
    /// 1 to 500 (default 100).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    #[param(minimum = 0)]
    pub offset: Option<i64>,
}

/// Users ranked by distinct problems solved, ties broken by who reached the count first; with
/// attempts per problem and per-problem statistics.
#[utoipa::path(get, path = "/api/v1/leaderboard", tag = "submissions", params(LeaderboardQuery),
    responses((status = 200, body = Leaderboard), (status = 422, body = ErrorBody)))]
pub(super) async fn get_leaderboard(
    State(state): State<AppState>,
    Query(query): Query<LeaderboardQuery>,
) -> Result<Json<Leaderboard>, AppError> {
    let limit = query.limit.unwrap_or(100);
    let offset = query.offset.unwrap_or(0);
    if !(1..=500).contains(&limit) || offset < 0 {
        return Err(AppError::Unprocessable(
            "limit must be 1 to 500 and offset at least 0".to_owned(),
        ));
    }
    Ok(Json(leaderboard::read(&state.db, limit, offset).await?))
}
