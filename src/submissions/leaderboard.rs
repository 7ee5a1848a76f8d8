//! The leaderboard: users ranked by distinct problems solved, then by the sum of their best
//! scores on scoring problems, then by who reached that count first. A scoring problem counts
//! as solved from the first submission with its full score. Kept in `user_problem_stats` and `user_stats`, which the transaction recording a
//! verdict updates for that one user and problem, so reading the leaderboard never scans
//! submissions.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgPool;
use utoipa::ToSchema;
use uuid::Uuid;

/// Recomputes the stats of one user on one problem, then that user's totals. A problem counts
/// as solved from the first submission whose current verdict is AC (a rejudge can change that)
/// and, on a scoring problem, whose score is the maximum; the best score is the highest of the
/// user's current judgings.
pub async fn update(db: &mut sqlx::PgConnection, user_id: Uuid, problem_id: Uuid) -> sqlx::Result<()> {
    // Workers record verdicts of one user at the same time. Each statement below sees only
    // verdicts committed when it starts, so the later of two such transactions would write
    // stats that miss the earlier one's verdict. Locking the user's row first serializes them
    // (the statements after the wait see the other's commit); NO KEY UPDATE still lets new
    // submissions of the user reference the row meanwhile.
    sqlx::query!("SELECT id FROM users WHERE id = $1 FOR NO KEY UPDATE", user_id)
        .fetch_optional(&mut *db)
        .await?;
    sqlx::query!(
        r#"INSERT INTO user_problem_stats (user_id, problem_id, attempts, solved_at, best_score)
           SELECT $1, $2, count(*)::int,
               min(s.created_at) FILTER (WHERE j.verdict = 'AC' AND (NOT p.scoring OR j.score >= p.max_score)),
               max(j.score)
           FROM submissions s JOIN judgings j ON j.id = s.current_judging_id
               JOIN problems p ON p.id = s.problem_id
           WHERE s.user_id = $1 AND s.problem_id = $2
           ON CONFLICT (user_id, problem_id) DO UPDATE
           SET attempts = EXCLUDED.attempts, solved_at = EXCLUDED.solved_at, best_score = EXCLUDED.best_score"#,
        user_id,
        problem_id
    )
    .execute(&mut *db)
    .await?;
    // The totals count problems everyone sees; migration 0007 defines the function and keeps
    // the totals right when a problem is published, unpublished or archived.
    sqlx::query!("SELECT refresh_user_stats($1)", user_id)
        .execute(&mut *db)
        .await?;
    Ok(())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Standing {
    /// 1-based; users with the same count reached at the same time share a rank.
    pub rank: i64,
    pub user_id: Uuid,
    pub display_name: String,
    pub solved: i32,
    pub attempts: i32,
    /// The sum of the user's best scores on scoring problems.
    pub score: f64,
    /// When the user reached their solved count.
    pub reached_at: Option<DateTime<Utc>>,
    pub problems: Vec<ProblemResult>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemResult {
    pub slug: String,
    pub attempts: i32,
    pub solved_at: Option<DateTime<Utc>>,
    /// On a scoring problem: the user's best score so far.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub best_score: Option<f64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemStatistics {
    pub slug: String,
    pub title: String,
    /// Submissions judged.
    pub attempts: i64,
    /// Users who solved it.
    pub solved_by: i64,
    /// Users who solved it among users who tried it, 0 to 1.
    pub acceptance_rate: f64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Leaderboard {
    pub standings: Vec<Standing>,
    pub problems: Vec<ProblemStatistics>,
}

/// One problem a user has tried: its slug and title, whether they solved it, and how often
/// they submitted. For solved marks and profiles.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Attempted {
    pub slug: String,
    pub title: String,
    pub solved: bool,
    pub attempts: i32,
}

/// Every problem `user_id` has submitted to, by slug; problems hidden from contestants
/// (unpublished or archived) only `with_hidden_problems` (for admins).
#[tracing::instrument(skip(db))]
pub async fn attempted(
    db: &PgPool,
    user_id: Uuid,
    with_hidden_problems: bool,
) -> sqlx::Result<Vec<Attempted>> {
    sqlx::query_as::<_, Attempted>(
        r#"SELECT p.slug, p.title, ups.solved_at IS NOT NULL AS solved, ups.attempts
           FROM user_problem_stats ups JOIN problems p ON p.id = ups.problem_id
           WHERE ups.user_id = $1 AND ($2 OR (p.published AND p.archived_at IS NULL))
           ORDER BY p.slug"#,
    )
    .bind(user_id)
    .bind(with_hidden_problems)
    .fetch_all(db)
    .await
}

/// The slugs of the problems a user solved, to mark them in a listing (which itself decides
/// which problems its reader sees).
pub async fn solved_slugs(db: &PgPool, user_id: Uuid) -> sqlx::Result<std::collections::HashSet<String>> {
    Ok(attempted(db, user_id, true)
        .await?
        .into_iter()
        .filter(|attempt| attempt.solved)
        .map(|attempt| attempt.slug)
        .collect())
}

/// A page of the leaderboard and the per-problem statistics.
pub async fn read(db: &PgPool, limit: i64, offset: i64) -> sqlx::Result<Leaderboard> {
    let rows = sqlx::query!(
        r#"SELECT rank() OVER (ORDER BY st.solved DESC, st.score DESC, st.reached_at ASC NULLS LAST) AS "rank!",
               st.user_id, u.display_name, st.solved, st.attempts, st.reached_at, st.score
           FROM user_stats st JOIN users u ON u.id = st.user_id
           WHERE st.attempts > 0
           ORDER BY st.solved DESC, st.score DESC, st.reached_at ASC NULLS LAST, st.user_id
           LIMIT $1 OFFSET $2"#,
        limit,
        offset
    )
    .fetch_all(db)
    .await?;
    let user_ids: Vec<Uuid> = rows.iter().map(|row| row.user_id).collect();
    let per_problem = sqlx::query!(
        r#"SELECT ups.user_id, p.slug, ups.attempts, ups.solved_at, ups.best_score
           FROM user_problem_stats ups JOIN problems p ON p.id = ups.problem_id
           WHERE ups.user_id = ANY($1) AND p.published AND p.archived_at IS NULL
           ORDER BY p.slug"#,
        &user_ids
    )
    .fetch_all(db)
    .await?;
    let standings = rows
        .into_iter()
        .map(|row| Standing {
            rank: row.rank,
            problems: per_problem
                .iter()
                .filter(|result| result.user_id == row.user_id)
                .map(|result| ProblemResult {
                    slug: result.slug.clone(),
                    attempts: result.attempts,
                    solved_at: result.solved_at,
                    best_score: result.best_score,
                })
                .collect(),
            user_id: row.user_id,
            display_name: row.display_name,
            solved: row.solved,
            attempts: row.attempts,
            score: row.score,
            reached_at: row.reached_at,
        })
        .collect();
    let problems = sqlx::query_as!(
        ProblemStatistics,
        r#"SELECT p.slug, p.title, COALESCE(sum(ups.attempts), 0)::bigint AS "attempts!",
               count(ups.solved_at) AS "solved_by!",
               COALESCE(count(ups.solved_at)::float8 / NULLIF(count(ups.user_id), 0), 0) AS "acceptance_rate!"
           FROM problems p JOIN user_problem_stats ups ON ups.problem_id = p.id
           WHERE p.published AND p.archived_at IS NULL
           GROUP BY p.id ORDER BY p.slug"#
    )
    .fetch_all(db)
    .await?;
    Ok(Leaderboard { standings, problems })
}
