//! Submissions and judgings as rows, and the queries on them shared by the API and workers.
//! Statuses and verdicts are typed, and a judging's reports are read back as the judge wrote
//! them ([`CompileReport`], [`TestReport`]), never by string keys.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::{types::Json, PgPool};
use utoipa::ToSchema;
use uuid::Uuid;

use super::queue;
use crate::{
    accounts::users::{Role, User},
    judge::{
        report::{CompileReport, TestReport},
        scoring::ScoreReport,
        verdict::Verdict,
    },
};

/// Who is reading: the visibility of submissions to hidden problems, and what
/// `super::view` shows of each, follow from it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Viewer {
    pub user_id: Option<Uuid>,
    pub admin: bool,
}

impl Viewer {
    /// `user` signed in, or an anonymous visitor.
    pub fn of(user: Option<&User>) -> Self {
        Self {
            user_id: user.map(|user| user.id),
            admin: user.is_some_and(|user| user.role == Role::Admin),
        }
    }
}

crate::text_column!(Verdict);

/// Where a judging is.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    ToSchema,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum JudgingStatus {
    Queued,
    Compiling,
    Running,
    Finished,
}

impl JudgingStatus {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

crate::text_column!(JudgingStatus);

/// Why a judging was made.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    ToSchema,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum JudgingReason {
    Submit,
    Rejudge,
}

impl JudgingReason {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

crate::text_column!(JudgingReason);

/// The channel that carries "submission changed" events: `<submission id> <user id>`.
pub const SUBMISSIONS_CHANNEL: &str = "coderank_submissions";

/// A submission with its current judging, as stored.
#[derive(Debug, Clone)]
pub struct SubmissionRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub user_name: String,
    pub problem_id: Uuid,
    pub problem_slug: String,
    pub problem_title: String,
    pub language: String,
    pub source: String,
    pub created_at: DateTime<Utc>,
    pub judging_id: Uuid,
    pub status: JudgingStatus,
    pub verdict: Option<Verdict>,
    pub time_ms: Option<i32>,
    pub memory_kb: Option<i32>,
    pub tests_done: i32,
    pub tests_total: Option<i32>,
    pub compile: Option<Json<CompileReport>>,
    pub tests: Json<Vec<TestReport>>,
    pub error: Option<String>,
    /// On a scoring problem: the score (none on IE) and its breakdown.
    pub score: Option<f64>,
    pub scores: Option<Json<ScoreReport>>,
}

/// Creates a submission and its first judging, and queues it at the user's priority, in one
/// transaction.
pub async fn create(
    db: &PgPool,
    user_id: Uuid,
    problem_id: Uuid,
    language: &str,
    source: &str,
) -> sqlx::Result<Uuid> {
    let mut transaction = db.begin().await?;
    let user_priority = sqlx::query_scalar!("SELECT priority FROM users WHERE id = $1", user_id)
        .fetch_one(&mut *transaction)
        .await?;
    let submission_id = sqlx::query_scalar!(
        "INSERT INTO submissions (user_id, problem_id, language, source) VALUES ($1, $2, $3, $4) RETURNING id",
        user_id,
        problem_id,
        language,
        source
    )
    .fetch_one(&mut *transaction)
    .await?;
    let judging_id = new_judging(&mut transaction, submission_id, JudgingReason::Submit).await?;
    queue::enqueue(
        &mut transaction,
        judging_id,
        queue::FRESH_PRIORITY + user_priority,
    )
    .await?;
    notify(&mut *transaction, submission_id, user_id).await?;
    transaction.commit().await?;
    Ok(submission_id)
}

/// Starts a new judging of a submission (the submission then shows it) and queues it at
/// rejudge priority. Answers the judging id.
pub async fn rejudge(db: &mut sqlx::PgConnection, submission_id: Uuid) -> sqlx::Result<Uuid> {
    let judging_id = new_judging(db, submission_id, JudgingReason::Rejudge).await?;
    queue::enqueue(db, judging_id, queue::REJUDGE_PRIORITY).await?;
    let user_id = sqlx::query_scalar!("SELECT user_id FROM submissions WHERE id = $1", submission_id)
        .fetch_one(&mut *db)
        .await?;
    notify(&mut *db, submission_id, user_id).await?;
    Ok(judging_id)
}

/// Judges every submission of a problem again; answers how many.
pub async fn rejudge_problem(db: &PgPool, problem_id: Uuid) -> sqlx::Result<usize> {
    let mut transaction = db.begin().await?;
    let ids = sqlx::query_scalar!(
        "SELECT id FROM submissions WHERE problem_id = $1 ORDER BY created_at",
        problem_id
    )
    .fetch_all(&mut *transaction)
    .await?;
    for id in &ids {
        rejudge(&mut transaction, *id).await?;
    }
    transaction.commit().await?;
    Ok(ids.len())
}

async fn new_judging(
    db: &mut sqlx::PgConnection,
    submission_id: Uuid,
    reason: JudgingReason,
) -> sqlx::Result<Uuid> {
    let judging_id = sqlx::query_scalar!(
        "INSERT INTO judgings (submission_id, reason) VALUES ($1, $2) RETURNING id",
        submission_id,
        reason.as_str()
    )
    .fetch_one(&mut *db)
    .await?;
    sqlx::query!(
        "UPDATE submissions SET current_judging_id = $2 WHERE id = $1",
        submission_id,
        judging_id
    )
    .execute(&mut *db)
    .await?;
    Ok(judging_id)
}

/// Tells listeners (WebSocket clients, in any API process) that a submission changed.
pub async fn notify(db: impl sqlx::PgExecutor<'_>, submission_id: Uuid, user_id: Uuid) -> sqlx::Result<()> {
    sqlx::query!(
        "SELECT pg_notify($1, $2)",
        SUBMISSIONS_CHANNEL,
        format!("{submission_id} {user_id}")
    )
    .execute(db)
    .await?;
    Ok(())
}

/// One submission with its current judging, if `reader` may see it: a submission to a problem
/// hidden from contestants (unpublished or archived) is seen by admins and its author only, so
/// nothing of such a problem, not even its slug, reaches anyone else.
pub async fn find(db: &PgPool, id: Uuid, reader: Viewer) -> sqlx::Result<Option<SubmissionRow>> {
    sqlx::query_as!(
        SubmissionRow,
        r#"SELECT s.id, s.user_id, u.display_name AS user_name, s.problem_id, p.slug AS problem_slug,
               p.title AS problem_title, s.language, s.source, s.created_at,
               j.id AS judging_id, j.status AS "status: JudgingStatus", j.verdict AS "verdict: Verdict",
               j.time_ms, j.memory_kb, j.tests_done, j.tests_total,
               j.compile AS "compile: Json<CompileReport>", j.tests AS "tests: Json<Vec<TestReport>>", j.error,
               j.score, j.scores AS "scores: Json<ScoreReport>"
           FROM submissions s
           JOIN users u ON u.id = s.user_id
           JOIN problems p ON p.id = s.problem_id
           JOIN judgings j ON j.id = s.current_judging_id
           WHERE s.id = $1 AND ($2 OR s.user_id = $3 OR (p.published AND p.archived_at IS NULL))"#,
        id,
        reader.admin,
        reader.user_id
    )
    .fetch_optional(db)
    .await
}

/// Filters of the history listing; `None` means any.
#[derive(Debug, Default)]
pub struct Filter {
    pub user_id: Option<Uuid>,
    pub problem_slug: Option<String>,
    pub verdict: Option<Verdict>,
    pub language: Option<String>,
    /// Only submissions older than this one (keyset pagination).
    pub before: Option<Uuid>,
    pub limit: i64,
    /// Who reads: submissions to problems hidden from contestants are listed only for admins
    /// and their authors, as in [`find`].
    pub reader: Viewer,
}

/// Submissions matching `filter`, newest first.
pub async fn list(db: &PgPool, filter: &Filter) -> sqlx::Result<Vec<SubmissionRow>> {
    sqlx::query_as!(
        SubmissionRow,
        r#"SELECT s.id, s.user_id, u.display_name AS user_name, s.problem_id, p.slug AS problem_slug,
               p.title AS problem_title, s.language, s.source, s.created_at,
               j.id AS judging_id, j.status AS "status: JudgingStatus", j.verdict AS "verdict: Verdict",
               j.time_ms, j.memory_kb, j.tests_done, j.tests_total,
               j.compile AS "compile: Json<CompileReport>", j.tests AS "tests: Json<Vec<TestReport>>", j.error,
               j.score, j.scores AS "scores: Json<ScoreReport>"
           FROM submissions s
           JOIN users u ON u.id = s.user_id
           JOIN problems p ON p.id = s.problem_id
           JOIN judgings j ON j.id = s.current_judging_id
           WHERE ($1::uuid IS NULL OR s.user_id = $1)
             AND ($2::text IS NULL OR p.slug = $2)
             AND ($3::text IS NULL OR j.verdict = $3)
             AND ($4::text IS NULL OR s.language = $4)
             AND ($5::uuid IS NULL OR (s.created_at, s.id) < (SELECT created_at, id FROM submissions WHERE id = $5))
             AND ($7 OR s.user_id = $8 OR (p.published AND p.archived_at IS NULL))
           ORDER BY s.created_at DESC, s.id DESC
           LIMIT $6"#,
        filter.user_id,
        filter.problem_slug,
        filter.verdict.map(Verdict::as_str),
        filter.language,
        filter.before,
        filter.limit,
        filter.reader.admin,
        filter.reader.user_id,
    )
    .fetch_all(db)
    .await
}

/// A judging of a submission, for its history.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct JudgingSummary {
    pub id: Uuid,
    pub reason: JudgingReason,
    pub status: JudgingStatus,
    pub verdict: Option<Verdict>,
    pub time_ms: Option<i32>,
    pub memory_kb: Option<i32>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// Every judging of a submission, oldest first.
pub async fn judgings(db: &PgPool, submission_id: Uuid) -> sqlx::Result<Vec<JudgingSummary>> {
    sqlx::query_as!(
        JudgingSummary,
        r#"SELECT id, reason AS "reason: JudgingReason", status AS "status: JudgingStatus",
               verdict AS "verdict: Verdict", time_ms, memory_kb, created_at, finished_at
           FROM judgings WHERE submission_id = $1 ORDER BY created_at, id"#,
        submission_id
    )
    .fetch_all(db)
    .await
}
