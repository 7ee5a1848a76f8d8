//! A slot's other job: deriving the time limit of an imported package that gives none
//! (`problems::time_limits`). The problem is laid out as for judging, its accepted submissions
//! are judged by `judge::reference` on this worker's machine, and the limit is recorded with how
//! it was found. Everything is bounded by [`DERIVE_TIME`]; a failure (a submission not accepted
//! even with the generous cut-off, a limit over 60 s, a broken sandbox, the deadline) is
//! recorded as the reason, which admins see, and is not retried: deriving again would judge the
//! same submissions the same way.

use std::time::Duration;

use super::{judge_options, keep_lease, Ready, Worker};
use crate::{
    judge::{
        languages::Languages,
        reference::{self, Python},
    },
    problems::{
        fields::TimeLimitMs,
        time_limits::{self, Lease, Outcome},
    },
    submissions::queue::{Renewable, MAX_ATTEMPTS},
};

/// The longest a derivation may take, layout included: each accepted submission is judged on
/// every test with a cut-off of up to 10 s.
pub const DERIVE_TIME: Duration = Duration::from_secs(30 * 60);

impl Renewable for Lease {
    async fn renew(self, db: &sqlx::PgPool, duration: Duration) -> sqlx::Result<bool> {
        time_limits::renew(db, &self, duration).await
    }
}

impl Worker {
    /// Derives one claimed problem's limit and records it, or why there is none; never fails.
    pub(super) async fn derive_time_limit(&self, ready: &Ready, lease: Lease, cpuset: Option<String>) {
        let outcome = if lease.attempts > MAX_ATTEMPTS {
            Err(format!(
                "deriving was attempted {MAX_ATTEMPTS} times without finishing"
            ))
        } else {
            let keeper = tokio::spawn(keep_lease(self.db.clone(), lease, self.lease));
            let derived = tokio::time::timeout(DERIVE_TIME, self.derive_leased(ready, &lease, cpuset)).await;
            keeper.abort();
            match derived {
                Ok(Ok(found)) => Ok(found),
                Ok(Err(err)) => Err(format!("{err:#}")),
                Err(_) => Err(format!("it took over {} minutes", DERIVE_TIME.as_secs() / 60)),
            }
        };
        let recorded = match &outcome {
            Ok((limit, source)) => {
                tracing::info!(problem = %lease.problem_id, %source, "derived a time limit");
                time_limits::finish(&self.db, &lease, Outcome::Derived(*limit, source)).await
            }
            Err(reason) => {
                tracing::warn!(problem = %lease.problem_id, %reason, "cannot derive a time limit");
                time_limits::finish(&self.db, &lease, Outcome::Failed(reason)).await
            }
        };
        match recorded {
            Ok(true) => {}
            Ok(false) => {
                tracing::warn!(problem = %lease.problem_id, "lease lost before recording a time limit")
            }
            Err(err) => {
                tracing::error!(error = %err, problem = %lease.problem_id, "cannot record a time limit")
            }
        }
    }

    async fn derive_leased(
        &self,
        ready: &Ready,
        lease: &Lease,
        cpuset: Option<String>,
    ) -> anyhow::Result<(TimeLimitMs, String)> {
        let (_scratch, package) = self.lay_out(lease.problem_id).await?;
        let options = judge_options(ready, cpuset, None)?;
        let derived = reference::derive(
            &ready.docker,
            &package,
            Languages::table(),
            &options,
            Python::Pypy,
        )
        .await?;
        let limit =
            TimeLimitMs::from_seconds(derived.seconds).map_err(|err| anyhow::anyhow!("{derived}: {err}"))?;
        Ok((limit, derived.to_string()))
    }
}
