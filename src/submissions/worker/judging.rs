//! A slot's judging: the problem laid out from the test-data cache, the submission judged by
//! the engine with progress written as it goes, the verdict (or IE) recorded under the lease,
//! the judging's containers removed meanwhile.

use anyhow::Context;
use tokio::time::Instant;
use tokio_util::task::TaskTracker;

use super::{
    judge_options, keep_lease,
    progress::{self, PROGRESS_EVERY},
    wait_for_teardown, Ready, Worker, MATERIALIZE_TIME,
};
use crate::{
    judge::{
        engine::{self, Progress, Report},
        languages::Languages,
        package::ProblemPackage,
        source::Source,
    },
    problems::{export, records as problems},
    submissions::{
        judgings,
        queue::{Lease, MAX_ATTEMPTS},
        records::JudgingStatus,
    },
    telemetry::metrics,
};

impl Worker {
    /// Judges one claimed job and records its result; never fails, records IE instead.
    pub(super) async fn judge(&self, ready: &Ready, lease: Lease, cpuset: Option<String>) {
        let started = Instant::now();
        if lease.attempts > MAX_ATTEMPTS {
            let message = format!("judging was attempted {MAX_ATTEMPTS} times without finishing");
            self.record_failure(&lease, &message).await;
            return;
        }
        let keeper = tokio::spawn(keep_lease(self.db.clone(), lease, self.lease));
        let teardown = TaskTracker::new();
        let outcome = self.judge_leased(ready, &lease, cpuset, &teardown).await;
        keeper.abort();
        match outcome {
            Ok(report) => match self.record(&lease, &report).await {
                Ok(()) => {
                    metrics::judged(&report.verdict.to_string(), &report.language, started.elapsed());
                    for test in &report.tests {
                        metrics::test_time(&report.language, test.time_ms);
                    }
                }
                Err(err) => {
                    tracing::error!(error = %format!("{err:#}"), judging = %lease.judging_id, "cannot record a verdict");
                }
            },
            // Over its budget it would be over again: no retry.
            Err(err)
                if lease.attempts < MAX_ATTEMPTS && err.downcast_ref::<engine::OverBudget>().is_none() =>
            {
                // Perhaps Docker or the store hiccuped: let the lease run out and try again.
                tracing::warn!(error = %format!("{err:#}"), judging = %lease.judging_id, "judging failed; will retry");
            }
            Err(err) => self.record_failure(&lease, &format!("{err:#}")).await,
        }
        // The judging's containers are removed (and the warm pool topped up) while its verdict
        // is recorded; the slot is free once they are gone.
        wait_for_teardown(teardown, &format!("judging {}", lease.judging_id)).await;
    }

    async fn judge_leased(
        &self,
        ready: &Ready,
        lease: &Lease,
        cpuset: Option<String>,
        teardown: &TaskTracker,
    ) -> anyhow::Result<Report> {
        let job = judgings::job(&self.db, lease.judging_id).await?;
        self.progress(lease, job.watched(), JudgingStatus::Compiling, 0, None)
            .await?;
        let (_scratch, package) = self.lay_out(job.problem_id).await?;
        let options = judge_options(ready, cpuset, Some(teardown))?;
        let languages = Languages::table();
        let language = languages
            .get(&job.language)
            .with_context(|| format!("unknown language {}", job.language))?;
        let total = package.test_cases.len() as i32;
        // Only the latest step counts, written at most once per `PROGRESS_EVERY` (see `progress`).
        let (updates, updates_rx) = tokio::sync::watch::channel((JudgingStatus::Compiling, 0));
        let writer = {
            let worker = self.clone();
            let lease = *lease;
            let watched = job.watched();
            let write = move |(status, done)| {
                let worker = worker.clone();
                async move {
                    let _ = worker.progress(&lease, watched, status, done, Some(total)).await;
                }
            };
            tokio::spawn(progress::relay(updates_rx, PROGRESS_EVERY, write))
        };
        let source = Source::file(&language.source_file, job.source.as_bytes());
        let judged = engine::judge(&ready.docker, &package, language, &source, &options, |progress| {
            let update = match progress {
                Progress::Compiling => (JudgingStatus::Compiling, 0),
                Progress::Running { index, .. } => (JudgingStatus::Running, index as i32),
                Progress::Finished(_) => return,
            };
            let _ = updates.send(update);
        });
        // Judged to the end even if the lease is lost meanwhile (the sandbox is then removed as
        // usual); `finish` then records nothing.
        let report = judged.await;
        drop(updates);
        let _ = writer.await;
        report
    }

    /// Lays a problem out from its rows and the cache in a scratch folder (kept while the
    /// answered guard lives) and reads it as a package.
    pub(super) async fn lay_out(
        &self,
        problem_id: uuid::Uuid,
    ) -> anyhow::Result<(tempfile::TempDir, ProblemPackage)> {
        let problem = problems::find_by_id(&self.db, problem_id).await?;
        let scratch = tempfile::tempdir()?;
        let root = scratch.path().join(&problem.slug);
        // Laying the problem out reads from the store, each request with its own timeout; this
        // bounds the whole, so no job holds its lease for ever.
        tokio::time::timeout(
            MATERIALIZE_TIME,
            export::materialize(&self.db, &self.cache, &problem, &root),
        )
        .await
        .with_context(|| {
            format!(
                "laying out the problem took over {} s",
                MATERIALIZE_TIME.as_secs()
            )
        })??;
        let package = tokio::task::spawn_blocking(move || ProblemPackage::load(&root)).await??;
        Ok((scratch, package))
    }
}
