//! What a worker reads and writes of the judging it holds: the submission to judge, progress,
//! and the final state. Every write is fenced by the lease (the caller's transaction checks or
//! completes it), so a worker whose lease was taken over changes nothing.

use sqlx::{types::Json, PgConnection, PgPool};
use uuid::Uuid;

use super::{queue::Lease, records::JudgingStatus};
use crate::judge::{
    report::{CompileReport, TestReport},
    scoring::ScoreReport,
    verdict::Verdict,
};

/// The submission a judging judges.
#[derive(Debug, Clone)]
pub struct Job {
    pub submission_id: Uuid,
    pub user_id: Uuid,
    pub problem_id: Uuid,
    pub language: String,
    pub source: String,
}

/// Whose submission a judging is: what a notification about its progress names.
#[derive(Clone, Copy, Debug)]
pub struct Watched {
    pub submission_id: Uuid,
    pub user_id: Uuid,
}

impl Job {
    pub fn watched(&self) -> Watched {
        Watched {
            submission_id: self.submission_id,
            user_id: self.user_id,
        }
    }
}

pub async fn job(db: &PgPool, judging_id: Uuid) -> sqlx::Result<Job> {
    sqlx::query_as!(
        Job,
        r#"SELECT s.id AS submission_id, s.user_id, s.problem_id, s.language, s.source
           FROM judgings j JOIN submissions s ON s.id = j.submission_id WHERE j.id = $1"#,
        judging_id
    )
    .fetch_one(db)
    .await
}

/// Sets a judging's progress while `lease` is still its job's; answers whether it did.
pub async fn progress(
    db: &mut PgConnection,
    lease: &Lease,
    status: JudgingStatus,
    done: i32,
    total: Option<i32>,
) -> sqlx::Result<bool> {
    let updated = sqlx::query!(
        r#"UPDATE judgings SET status = $3, tests_done = $4, tests_total = COALESCE($5, tests_total),
               started_at = COALESCE(started_at, now())
           WHERE id = $1 AND status <> 'finished'
             AND EXISTS (SELECT 1 FROM judge_jobs WHERE judging_id = $1 AND lease_token = $2)"#,
        lease.judging_id,
        lease.token,
        status.as_str(),
        done,
        total,
    )
    .execute(db)
    .await?;
    Ok(updated.rows_affected() == 1)
}

/// A judging's final state.
#[derive(Debug)]
pub struct Finished<'a> {
    pub verdict: Verdict,
    pub time_ms: Option<i32>,
    pub memory_kb: Option<i32>,
    pub tests_done: i32,
    pub compile: Option<&'a CompileReport>,
    pub tests: &'a [TestReport],
    pub error: Option<&'a str>,
    /// A scoring problem's score and breakdown.
    pub score: Option<&'a ScoreReport>,
}

/// Whose judging was finished, for the leaderboard and the live updates.
#[derive(Debug, Clone, Copy)]
pub struct Owner {
    pub submission_id: Uuid,
    pub user_id: Uuid,
    pub problem_id: Uuid,
}

/// Records a judging's final state (after the caller completed its job in the same transaction).
pub async fn finish(db: &mut PgConnection, judging_id: Uuid, finished: &Finished<'_>) -> sqlx::Result<Owner> {
    sqlx::query_as!(
        Owner,
        r#"UPDATE judgings SET status = 'finished', verdict = $2, time_ms = $3, memory_kb = $4,
               tests_done = $5, compile = $6, tests = $7, error = $8, score = $9, scores = $10,
               finished_at = now(),
               started_at = COALESCE(started_at, now())
           WHERE id = $1
           RETURNING submission_id, (SELECT user_id FROM submissions WHERE id = submission_id) AS "user_id!",
               (SELECT problem_id FROM submissions WHERE id = submission_id) AS "problem_id!""#,
        judging_id,
        finished.verdict.as_str(),
        finished.time_ms,
        finished.memory_kb,
        finished.tests_done,
        finished.compile.map(Json) as Option<Json<&CompileReport>>,
        Json(finished.tests) as Json<&[TestReport]>,
        finished.error,
        finished
            .score
            .filter(|_| finished.verdict != Verdict::Ie)
            .map(|s| s.score),
        finished.score.map(Json) as Option<Json<&ScoreReport>>,
    )
    .fetch_one(db)
    .await
}
