//! Recording what a slot found, always fenced by its lease: progress while judging, then the
//! verdict (with the leaderboard) or an internal error, in one transaction that also deletes
//! the job, so a worker whose lease was taken over records nothing.

use super::Worker;
use crate::{
    judge::{engine::Report, verdict::Verdict},
    submissions::{
        judgings::{self, Finished, Watched},
        leaderboard,
        queue::{self, Lease},
        records::{self, JudgingStatus},
    },
};

impl Worker {
    /// A fenced progress update: only while the lease is ours.
    pub(super) async fn progress(
        &self,
        lease: &Lease,
        watched: Watched,
        status: JudgingStatus,
        done: i32,
        total: Option<i32>,
    ) -> anyhow::Result<()> {
        let mut transaction = self.db.begin().await?;
        // Progress is a display: it need not wait for the disk (a crash loses at most the
        // latest step, which the verdict replaces anyway; its commit is ordered as usual).
        sqlx::query("SET LOCAL synchronous_commit = off")
            .execute(&mut *transaction)
            .await?;
        if judgings::progress(&mut transaction, lease, status, done, total).await? {
            records::notify(&mut *transaction, watched.submission_id, watched.user_id).await?;
        }
        transaction.commit().await?;
        Ok(())
    }

    /// Records a verdict, if the lease is still ours, with the leaderboard in the same commit.
    pub(super) async fn record(&self, lease: &Lease, report: &Report) -> anyhow::Result<()> {
        let finished = Finished {
            verdict: report.verdict,
            time_ms: Some(i32::try_from(report.time_ms).unwrap_or(i32::MAX)),
            memory_kb: Some(i32::try_from(report.memory_kb).unwrap_or(i32::MAX)),
            tests_done: i32::try_from(report.tests.len()).unwrap_or(i32::MAX),
            compile: report.compile.as_ref(),
            tests: &report.tests,
            error: None,
            score: report.score.as_ref(),
        };
        self.finish(lease, &finished).await
    }

    pub(super) async fn record_failure(&self, lease: &Lease, message: &str) {
        tracing::error!(judging = %lease.judging_id, error = message, "recording an internal error");
        let finished = Finished {
            verdict: Verdict::Ie,
            time_ms: None,
            memory_kb: None,
            tests_done: 0,
            compile: None,
            tests: &[],
            error: Some(message),
            score: None,
        };
        if let Err(err) = self.finish(lease, &finished).await {
            tracing::error!(error = %format!("{err:#}"), "cannot record an internal error");
        }
    }

    async fn finish(&self, lease: &Lease, finished: &Finished<'_>) -> anyhow::Result<()> {
        let mut transaction = self.db.begin().await?;
        if !queue::complete(&mut *transaction, lease).await? {
            tracing::warn!(judging = %lease.judging_id, "lease lost before recording; another worker records it");
            return Ok(());
        }
        let owner = judgings::finish(&mut transaction, lease.judging_id, finished).await?;
        leaderboard::update(&mut transaction, owner.user_id, owner.problem_id).await?;
        records::notify(&mut *transaction, owner.submission_id, owner.user_id).await?;
        transaction.commit().await?;
        tracing::info!(submission = %owner.submission_id, verdict = %finished.verdict, "judged");
        Ok(())
    }
}
