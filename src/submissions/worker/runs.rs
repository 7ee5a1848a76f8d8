//! A slot's playground run (our `/api/v1/runs` and the Judge0-compatible API): the program
//! executed on the run's tests in a sandbox from the warm pool, the result recorded under the
//! run's lease, the sandbox removed meanwhile.

use anyhow::Context;
use tokio_util::task::TaskTracker;

use super::{judge_options, keep_lease, wait_for_teardown, Ready, Worker};
use crate::{
    judge::languages::Languages,
    submissions::{
        execution::{self, RunResult},
        playground,
        queue::{RunJob, MAX_ATTEMPTS},
    },
};

impl Worker {
    /// Runs one claimed playground program and records its result; never fails, records IE.
    /// As for a judging, the sandbox is removed (and the warm pool topped up) while the result
    /// is recorded, and the slot is free once it is gone.
    pub(super) async fn run_program(&self, ready: &Ready, job: RunJob, cpuset: Option<String>) {
        let teardown = TaskTracker::new();
        let run_id = job.lease.run_id;
        self.run_leased(ready, job, cpuset, &teardown).await;
        wait_for_teardown(teardown, &format!("run {run_id}")).await;
    }

    async fn run_leased(&self, ready: &Ready, job: RunJob, cpuset: Option<String>, teardown: &TaskTracker) {
        let lease = job.lease;
        let result = if lease.attempts > MAX_ATTEMPTS {
            tracing::error!(run = %lease.run_id, "a playground run was attempted {MAX_ATTEMPTS} times without finishing");
            RunResult::without_run("IE", None)
        } else {
            let keeper = tokio::spawn(keep_lease(self.db.clone(), lease, self.lease));
            let ran = async {
                let languages = Languages::table();
                let language = languages
                    .get(&job.language)
                    .with_context(|| format!("unknown language {}", job.language))?;
                let options = judge_options(ready, cpuset, Some(teardown))?;
                let spec = playground::spec(&self.db, lease.run_id, &job.stdin).await?;
                execution::execute(&ready.docker, &options, language, &job.source, &spec).await
            }
            .await;
            keeper.abort();
            match ran {
                Ok(result) => result,
                Err(err) if lease.attempts < MAX_ATTEMPTS => {
                    // Perhaps Docker hiccuped: let the lease run out and try again.
                    tracing::warn!(error = %format!("{err:#}"), run = %lease.run_id, "a playground run failed; will retry");
                    return;
                }
                Err(err) => {
                    tracing::error!(error = %format!("{err:#}"), run = %lease.run_id, "a playground run failed");
                    RunResult::without_run("IE", None)
                }
            }
        };
        match playground::finish(&self.db, &lease, &result).await {
            Ok(true) => {}
            Ok(false) => tracing::warn!(run = %lease.run_id, "lease lost before recording a run"),
            Err(err) => {
                tracing::error!(error = %format!("{err:#}"), run = %lease.run_id, "cannot record a run")
            }
        }
    }
}
