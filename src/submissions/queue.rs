//! The judge queue: one table in PostgreSQL, leased with `FOR UPDATE SKIP LOCKED`, the record
//! of every job; apalis only carries wake-up messages to the workers ([`super::broker`]).
//!
//! A job is inserted in the same transaction as its submission (or rejudge), so a submission
//! is never without its job; the row is also the outbox entry that the dispatcher turns into a
//! broker message ([`take_due`]). A worker claims the highest-priority ready job with a fresh lease
//! token and renews the lease while judging; if it dies, the lease runs out and another worker
//! claims the job again. Every write a worker makes about a judging is fenced by its token, and
//! the final one deletes the job row in the same transaction that records the verdict: a worker
//! whose lease was taken over cannot record anything, so each judging is recorded exactly once.
//! A job claimed [`MAX_ATTEMPTS`] times without finishing (it keeps killing workers) ends as IE.
//!
//! Playground runs are leased the same way, straight from their `runs` row ([`claim_run`]),
//! before any judging: a run is one short test someone is waiting for.

use std::time::Duration;

use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;

/// Claims after which a job is recorded as an internal error instead of judged again.
pub const MAX_ATTEMPTS: i32 = 3;
/// Priority of a fresh submission before the user's own priority is added.
pub const FRESH_PRIORITY: i32 = 100;
/// Priority of a rejudge: after every fresh submission.
pub const REJUDGE_PRIORITY: i32 = 0;
/// The channel the dispatchers listen on to learn of new jobs.
pub const JOBS_CHANNEL: &str = "coderank_jobs";

/// A job a worker holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lease {
    pub judging_id: Uuid,
    pub token: Uuid,
    /// How many times the job has been claimed, this claim included.
    pub attempts: i32,
}

/// Queues a judging (inside the caller's transaction) and wakes the dispatchers at commit.
pub async fn enqueue(db: &mut sqlx::PgConnection, judging_id: Uuid, priority: i32) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO judge_jobs (judging_id, priority) VALUES ($1, $2)",
        judging_id,
        priority
    )
    .execute(&mut *db)
    .await?;
    wake_dispatchers(db).await
}

/// Wakes the dispatchers (at the commit of the caller's transaction, if any).
pub async fn wake_dispatchers(db: impl PgExecutor<'_>) -> sqlx::Result<()> {
    sqlx::query!("SELECT pg_notify($1, '')", JOBS_CHANNEL)
        .execute(db)
        .await?;
    Ok(())
}

/// Claims the next ready job: never leased, or whose lease ran out.
pub async fn claim(db: &PgPool, worker: &str, lease: Duration) -> sqlx::Result<Option<Lease>> {
    let token = Uuid::new_v4();
    let row = sqlx::query!(
        r#"UPDATE judge_jobs SET attempts = attempts + 1, lease_token = $1, leased_by = $2,
               lease_expires_at = now() + make_interval(secs => $3)
           WHERE judging_id = (
               SELECT judging_id FROM judge_jobs
               WHERE lease_expires_at IS NULL OR lease_expires_at < now()
               ORDER BY priority DESC, created_at
               LIMIT 1 FOR UPDATE SKIP LOCKED)
           RETURNING judging_id, attempts"#,
        token,
        worker,
        lease.as_secs_f64(),
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|row| Lease {
        judging_id: row.judging_id,
        token,
        attempts: row.attempts,
    }))
}

/// A row that needs a broker message: `kind` is `judging`, `run` or `time-limit`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub kind: String,
    pub id: Uuid,
}

/// Marks as dispatched, and returns, the ready rows that need a message: never dispatched,
/// ready again after a claim ran out since their last message, or dispatched longer than
/// `overdue` ago and still waiting. Runs first, then derivations, then judgings by priority.
pub async fn take_due(db: &PgPool, overdue: Duration) -> sqlx::Result<Vec<Due>> {
    sqlx::query_as!(
        Due,
        r#"WITH due_runs AS (
               UPDATE runs SET dispatched_at = now() WHERE id IN (
                   SELECT id FROM runs
                   WHERE status <> 'finished' AND (lease_expires_at IS NULL OR lease_expires_at < now())
                     AND (dispatched_at IS NULL OR dispatched_at < lease_expires_at
                          OR dispatched_at < now() - make_interval(secs => $1))
                   ORDER BY created_at LIMIT 1000 FOR UPDATE SKIP LOCKED)
               RETURNING id, created_at),
           due_limits AS (
               UPDATE time_limit_jobs SET dispatched_at = now() WHERE problem_id IN (
                   SELECT problem_id FROM time_limit_jobs
                   WHERE (lease_expires_at IS NULL OR lease_expires_at < now())
                     AND (dispatched_at IS NULL OR dispatched_at < lease_expires_at
                          OR dispatched_at < now() - make_interval(secs => $1))
                   ORDER BY created_at LIMIT 1000 FOR UPDATE SKIP LOCKED)
               RETURNING problem_id, created_at),
           due_jobs AS (
               UPDATE judge_jobs SET dispatched_at = now() WHERE judging_id IN (
                   SELECT judging_id FROM judge_jobs
                   WHERE (lease_expires_at IS NULL OR lease_expires_at < now())
                     AND (dispatched_at IS NULL OR dispatched_at < lease_expires_at
                          OR dispatched_at < now() - make_interval(secs => $1))
                   ORDER BY priority DESC, created_at LIMIT 1000 FOR UPDATE SKIP LOCKED)
               RETURNING judging_id, priority, created_at)
           SELECT kind AS "kind!", id AS "id!" FROM (
               SELECT 'run' AS kind, id, 0 AS rank, 0 AS priority, created_at FROM due_runs
               UNION ALL
               SELECT 'time-limit', problem_id, 1, 0, created_at FROM due_limits
               UNION ALL
               SELECT 'judging', judging_id, 2, -priority, created_at FROM due_jobs
           ) due ORDER BY rank, priority, created_at"#,
        overdue.as_secs_f64(),
    )
    .fetch_all(db)
    .await
}

/// Forgets that `due` were dispatched (the broker did not take their messages), so that the
/// next sweep dispatches them again.
pub async fn undispatch(db: &PgPool, due: &[Due]) -> sqlx::Result<()> {
    let of = |kind: &str| -> Vec<Uuid> {
        due.iter()
            .filter(|due| due.kind == kind)
            .map(|due| due.id)
            .collect()
    };
    let (runs, limits, jobs) = (of("run"), of("time-limit"), of("judging"));
    let mut transaction = db.begin().await?;
    sqlx::query!("UPDATE runs SET dispatched_at = NULL WHERE id = ANY($1)", &runs)
        .execute(&mut *transaction)
        .await?;
    sqlx::query!(
        "UPDATE time_limit_jobs SET dispatched_at = NULL WHERE problem_id = ANY($1)",
        &limits
    )
    .execute(&mut *transaction)
    .await?;
    sqlx::query!(
        "UPDATE judge_jobs SET dispatched_at = NULL WHERE judging_id = ANY($1)",
        &jobs
    )
    .execute(&mut *transaction)
    .await?;
    transaction.commit().await
}

/// A lease that a worker keeps alive while it works (see `worker::keep_lease`).
pub trait Renewable: Copy + Send + Sync + 'static {
    /// Extends the lease; false when it is no longer ours (taken over, or the job is gone).
    fn renew(
        self,
        db: &PgPool,
        duration: Duration,
    ) -> impl std::future::Future<Output = sqlx::Result<bool>> + Send;
}

impl Renewable for Lease {
    async fn renew(self, db: &PgPool, duration: Duration) -> sqlx::Result<bool> {
        renew(db, &self, duration).await
    }
}

/// Extends the lease; false when it is no longer ours (taken over, or the job is gone).
pub async fn renew(db: &PgPool, lease: &Lease, duration: Duration) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        r#"UPDATE judge_jobs SET lease_expires_at = now() + make_interval(secs => $3)
           WHERE judging_id = $1 AND lease_token = $2"#,
        lease.judging_id,
        lease.token,
        duration.as_secs_f64(),
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Deletes the job if `lease` still holds it, inside the transaction that records the result;
/// false means the lease was lost and nothing may be recorded.
pub async fn complete(db: impl PgExecutor<'_>, lease: &Lease) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "DELETE FROM judge_jobs WHERE judging_id = $1 AND lease_token = $2",
        lease.judging_id,
        lease.token
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A playground run a worker holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunLease {
    pub run_id: Uuid,
    pub token: Uuid,
    /// How many times the run has been claimed, this claim included.
    pub attempts: i32,
}

impl Renewable for RunLease {
    async fn renew(self, db: &PgPool, duration: Duration) -> sqlx::Result<bool> {
        let done = sqlx::query!(
            r#"UPDATE runs SET lease_expires_at = now() + make_interval(secs => $3)
               WHERE id = $1 AND lease_token = $2 AND status <> 'finished'"#,
            self.run_id,
            self.token,
            duration.as_secs_f64(),
        )
        .execute(db)
        .await?;
        Ok(done.rows_affected() == 1)
    }
}

/// A claimed run: what to run.
#[derive(Debug, Clone)]
pub struct RunJob {
    pub lease: RunLease,
    pub user_id: Uuid,
    pub language: String,
    pub source: String,
    pub stdin: String,
}

/// Claims the oldest playground run not finished and not leased (or whose lease ran out).
pub async fn claim_run(db: &PgPool, worker: &str, lease: Duration) -> sqlx::Result<Option<RunJob>> {
    let token = Uuid::new_v4();
    let row = sqlx::query!(
        r#"UPDATE runs SET attempts = attempts + 1, lease_token = $1, leased_by = $2, status = 'running',
               lease_expires_at = now() + make_interval(secs => $3)
           WHERE id = (
               SELECT id FROM runs
               WHERE status <> 'finished' AND (lease_expires_at IS NULL OR lease_expires_at < now())
               ORDER BY created_at
               LIMIT 1 FOR UPDATE SKIP LOCKED)
           RETURNING id, user_id, language, source, stdin, attempts"#,
        token,
        worker,
        lease.as_secs_f64(),
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|row| RunJob {
        lease: RunLease {
            run_id: row.id,
            token,
            attempts: row.attempts,
        },
        user_id: row.user_id,
        language: row.language,
        source: row.source,
        stdin: row.stdin,
    }))
}

/// Jobs of one kind waiting (not leased, or whose lease ran out) and being judged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindDepth {
    /// `submit`, `rejudge` or `run`.
    pub kind: String,
    pub queued: i64,
    pub running: i64,
}

/// The queue by kind, every kind listed even when empty, for metrics and `/readyz`.
pub async fn depth_by_kind(db: &PgPool) -> sqlx::Result<Vec<KindDepth>> {
    sqlx::query_as!(
        KindDepth,
        r#"SELECT kind AS "kind!",
               count(q.leased) FILTER (WHERE NOT q.leased) AS "queued!",
               count(q.leased) FILTER (WHERE q.leased) AS "running!"
           FROM unnest(ARRAY['submit', 'rejudge', 'run']) AS kind
           LEFT JOIN (
               SELECT j.reason AS kind, coalesce(q.lease_expires_at >= now(), false) AS leased
               FROM judge_jobs q JOIN judgings j ON j.id = q.judging_id
               UNION ALL
               SELECT 'run', coalesce(lease_expires_at >= now(), false) FROM runs WHERE status <> 'finished'
           ) q USING (kind)
           GROUP BY kind ORDER BY kind"#
    )
    .fetch_all(db)
    .await
}

/// Reads the queue's depth by kind and the live workers into their gauges, at each scrape.
pub fn metrics_refresh(db: PgPool) -> crate::telemetry::metrics::Refresh {
    std::sync::Arc::new(move || {
        let db = db.clone();
        Box::pin(async move {
            match depth_by_kind(&db).await {
                Ok(kinds) => {
                    for kind in kinds {
                        crate::telemetry::metrics::queue(&kind.kind, kind.queued, kind.running);
                    }
                }
                Err(err) => tracing::warn!(error = %err, "metrics: cannot read the queue"),
            }
            match workers(&db).await {
                Ok(live) => crate::telemetry::metrics::live_workers(live.len() as i64),
                Err(err) => tracing::warn!(error = %err, "metrics: cannot read the workers"),
            }
        })
    })
}

/// Jobs waiting or being judged, for `/readyz`-style displays and tests.
pub async fn depth(db: &PgPool) -> sqlx::Result<i64> {
    sqlx::query_scalar!(r#"SELECT count(*) AS "count!" FROM judge_jobs"#)
        .fetch_one(db)
        .await
}

/// A judge worker that announced itself recently.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct WorkerStatus {
    /// `host:pid`.
    pub name: String,
    pub slots: i32,
    pub started_at: chrono::DateTime<chrono::Utc>,
    pub last_seen_at: chrono::DateTime<chrono::Utc>,
    /// Judgings it holds now.
    pub judging: i64,
}

/// Records that worker `name` with `slots` slots is alive.
pub async fn heartbeat(db: &PgPool, name: &str, slots: i32) -> sqlx::Result<()> {
    sqlx::query!(
        r#"INSERT INTO judge_workers (name, slots) VALUES ($1, $2)
           ON CONFLICT (name) DO UPDATE SET slots = EXCLUDED.slots, last_seen_at = now()"#,
        name,
        slots
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Forgets a worker that stopped.
pub async fn sign_off(db: &PgPool, name: &str) -> sqlx::Result<()> {
    sqlx::query!("DELETE FROM judge_workers WHERE name = $1", name)
        .execute(db)
        .await?;
    Ok(())
}

/// Workers seen in the last minute, with the judgings each holds.
pub async fn workers(db: &PgPool) -> sqlx::Result<Vec<WorkerStatus>> {
    sqlx::query_as!(
        WorkerStatus,
        r#"SELECT w.name, w.slots, w.started_at, w.last_seen_at,
               (SELECT count(*) FROM judge_jobs j WHERE j.leased_by = w.name AND j.lease_expires_at > now()) AS "judging!"
           FROM judge_workers w WHERE w.last_seen_at > now() - interval '1 minute'
           ORDER BY w.started_at"#
    )
    .fetch_all(db)
    .await
}
