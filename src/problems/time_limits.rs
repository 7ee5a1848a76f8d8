//! Time limits found after import. A package that gives none is imported at once with no limit
//! (`time_limit_source` is [`DERIVING`]) and a derivation job in `time_limit_jobs`; a judge
//! worker claims it, derives the limit from the package's accepted submissions
//! (`judge::reference`) and records it here with how it was found, or records why it could not.
//! Jobs are leased and fenced as judge jobs are (`submissions::queue`): a worker whose lease was
//! taken over records nothing. Until the limit is known the problem cannot be published (the
//! handler says why, and the table's check holds it); an admin who sets the limit by hand makes
//! it publishable at once, and a derivation finishing later leaves that limit alone.

use std::time::Duration;

use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;

use super::{fields::TimeLimitMs, records::Problem};

/// `time_limit_source` while the workers derive the limit.
pub const DERIVING: &str = "deriving";
/// `time_limit_source` once deriving failed (the reason is in `time_limit_error`).
pub const NOT_DERIVED: &str = "not derived";

/// Why `problem` cannot be published yet, naming both ways out.
pub fn unpublishable(problem: &Problem) -> String {
    match &problem.time_limit_error {
        Some(error) => format!(
            "{} has no time limit: deriving it from the package's accepted submissions failed ({error}); \
             set time_limit_ms, or add limits.time_limit to problem.yaml and import the package again",
            problem.slug
        ),
        None => format!(
            "{} has no time limit yet: the judge workers are deriving it from the package's accepted \
             submissions; publish it once they have, or set time_limit_ms",
            problem.slug
        ),
    }
}

/// Queues the derivation of a problem's limit, inside the transaction that imports it. Idle
/// workers look for these jobs every few seconds.
#[tracing::instrument(skip(db))]
pub async fn enqueue(db: impl PgExecutor<'_>, problem_id: Uuid) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO time_limit_jobs (problem_id) VALUES ($1) ON CONFLICT DO NOTHING",
        problem_id
    )
    .execute(db)
    .await?;
    Ok(())
}

/// A derivation job a worker holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lease {
    pub problem_id: Uuid,
    pub token: Uuid,
    /// How many times the job has been claimed, this claim included.
    pub attempts: i32,
}

/// Claims the oldest derivation job not leased (or whose lease ran out).
#[tracing::instrument(skip(db))]
pub async fn claim(db: &PgPool, worker: &str, lease: Duration) -> sqlx::Result<Option<Lease>> {
    let token = Uuid::new_v4();
    let row = sqlx::query!(
        r#"UPDATE time_limit_jobs SET attempts = attempts + 1, lease_token = $1, leased_by = $2,
               lease_expires_at = now() + make_interval(secs => $3)
           WHERE problem_id = (
               SELECT problem_id FROM time_limit_jobs
               WHERE lease_expires_at IS NULL OR lease_expires_at < now()
               ORDER BY created_at
               LIMIT 1 FOR UPDATE SKIP LOCKED)
           RETURNING problem_id, attempts"#,
        token,
        worker,
        lease.as_secs_f64(),
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|row| Lease {
        problem_id: row.problem_id,
        token,
        attempts: row.attempts,
    }))
}

/// Extends the lease; false when it is no longer ours.
#[tracing::instrument(skip(db))]
pub async fn renew(db: &PgPool, lease: &Lease, duration: Duration) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        r#"UPDATE time_limit_jobs SET lease_expires_at = now() + make_interval(secs => $3)
           WHERE problem_id = $1 AND lease_token = $2"#,
        lease.problem_id,
        lease.token,
        duration.as_secs_f64(),
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// What a finished derivation found.
#[derive(Debug)]
pub enum Outcome<'a> {
    /// The limit, and how it was found.
    Derived(TimeLimitMs, &'a str),
    /// Why there is none.
    Failed(&'a str),
}

/// Records the outcome if `lease` still holds the job, deleting the job in the same
/// transaction; false means the lease was lost and nothing was recorded. A limit an admin set
/// meanwhile is kept.
#[tracing::instrument(skip(db))]
pub async fn finish(db: &PgPool, lease: &Lease, outcome: Outcome<'_>) -> sqlx::Result<bool> {
    let mut transaction = db.begin().await?;
    let held = sqlx::query!(
        "DELETE FROM time_limit_jobs WHERE problem_id = $1 AND lease_token = $2",
        lease.problem_id,
        lease.token
    )
    .execute(&mut *transaction)
    .await?;
    if held.rows_affected() != 1 {
        return Ok(false);
    }
    let (limit, source, error) = match outcome {
        Outcome::Derived(limit, source) => (Some(limit.get()), source, None),
        Outcome::Failed(reason) => (None, NOT_DERIVED, Some(reason)),
    };
    sqlx::query!(
        r#"UPDATE problems SET time_limit_ms = $2, time_limit_source = $3, time_limit_error = $4
           WHERE id = $1 AND time_limit_ms IS NULL"#,
        lease.problem_id,
        limit,
        source,
        error,
    )
    .execute(&mut *transaction)
    .await?;
    transaction.commit().await?;
    Ok(true)
}
