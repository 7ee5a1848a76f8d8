//! Recording what a slot found, always fenced by its lease: progress while judging, then the
//! verdict (with the leaderboard) or an internal error, in one transaction that also deletes
//! the job, so a worker whose lease was taken over records nothing.

use uuid::Uuid;

use super::Worker;
use crate::{
    judge::engine::Report,
    submissions::{
        leaderboard,
        queue::{self, Lease},
        records,
    },
};

impl Worker {
    /// A fenced progress update: only while the lease is ours.
    pub(super) async fn progress(
        &self,
        lease: &Lease,
        submission_id: Uuid,
        user_id: Uuid,
        status: &str,
        done: i32,
        total: Option<i32>,
    ) -> anyhow::Result<()> {
        let mut transaction = self.db.begin().await?;
        let updated = sqlx::query!(
            r#"UPDATE judgings SET status = $3, tests_done = $4, tests_total = COALESCE($5, tests_total),
                   started_at = COALESCE(started_at, now())
               WHERE id = $1 AND status <> 'finished'
                 AND EXISTS (SELECT 1 FROM judge_jobs WHERE judging_id = $1 AND lease_token = $2)"#,
            lease.judging_id,
            lease.token,
            status,
            done,
            total,
        )
        .execute(&mut *transaction)
        .await?;
        if updated.rows_affected() == 1 {
            records::notify(&mut *transaction, submission_id, user_id).await?;
        }
        transaction.commit().await?;
        Ok(())
    }

    /// Records a verdict, if the lease is still ours, with the leaderboard in the same commit.
    pub(super) async fn record(&self, lease: &Lease, report: &Report) -> anyhow::Result<()> {
        let verdict = report.verdict.to_string();
        let tests = serde_json::to_value(&report.tests)?;
        let compile = report.compile.as_ref().map(serde_json::to_value).transpose()?;
        self.finish(
            lease,
            Finished {
                verdict: &verdict,
                time_ms: Some(i32::try_from(report.time_ms).unwrap_or(i32::MAX)),
                memory_kb: Some(i32::try_from(report.memory_kb).unwrap_or(i32::MAX)),
                tests_done: report.tests.len() as i32,
                compile,
                tests,
                error: None,
            },
        )
        .await
    }

    pub(super) async fn record_failure(&self, lease: &Lease, message: &str) {
        tracing::error!(judging = %lease.judging_id, error = message, "recording an internal error");
        let finished = Finished {
            verdict: "IE",
            time_ms: None,
            memory_kb: None,
            tests_done: 0,
            compile: None,
            tests: serde_json::json!([]),
            error: Some(message.to_owned()),
        };
        if let Err(err) = self.finish(lease, finished).await {
            tracing::error!(error = %format!("{err:#}"), "cannot record an internal error");
        }
    }

    async fn finish(&self, lease: &Lease, finished: Finished<'_>) -> anyhow::Result<()> {
        let mut transaction = self.db.begin().await?;
        if !queue::complete(&mut *transaction, lease).await? {
            tracing::warn!(judging = %lease.judging_id, "lease lost before recording; another worker records it");
            return Ok(());
        }
        let row = sqlx::query!(
            r#"UPDATE judgings SET status = 'finished', verdict = $2, time_ms = $3, memory_kb = $4,
                   tests_done = $5, compile = $6, tests = $7, error = $8, finished_at = now(),
                   started_at = COALESCE(started_at, now())
               WHERE id = $1
               RETURNING submission_id, (SELECT user_id FROM submissions WHERE id = submission_id) AS "user_id!",
                   (SELECT problem_id FROM submissions WHERE id = submission_id) AS "problem_id!""#,
            lease.judging_id,
            finished.verdict,
            finished.time_ms,
            finished.memory_kb,
            finished.tests_done,
            finished.compile,
            finished.tests,
            finished.error,
        )
        .fetch_one(&mut *transaction)
        .await?;
        leaderboard::update(&mut transaction, row.user_id, row.problem_id).await?;
        records::notify(&mut *transaction, row.submission_id, row.user_id).await?;
        transaction.commit().await?;
        tracing::info!(submission = %row.submission_id, verdict = finished.verdict, "judged");
        Ok(())
    }
}

/// A judging's final state.
struct Finished<'a> {
    verdict: &'a str,
    time_ms: Option<i32>,
    memory_kb: Option<i32>,
    tests_done: i32,
    compile: Option<serde_json::Value>,
    tests: serde_json::Value,
    error: Option<String>,
}
