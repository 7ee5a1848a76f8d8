//! The playground: run a program once on an input with default limits, no problem needed.
//!
//! A run is judged as a one-test problem (the input as its only sample), so it gets exactly the
//! sandbox, limits and measurements of a submission; the program's output is the sample output
//! the engine keeps, and the "expected answer" is ignored. Runs are judged by the judge workers,
//! like submissions: the API records a `runs` row and wakes the workers; a worker leases the row
//! (as it leases `judge_jobs` rows, fenced by a token), judges it and records the result, which
//! reaches the waiting request through `LISTEN`. So an API process needs no Docker engine, a
//! run survives an API restart, and the workers' capacity bounds the playground. Runs are kept
//! for an hour and visible to their owner only.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgPool;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{
    events::{Events, RUNS_CHANNEL},
    execution::{RunResult, RunSpec},
    queue,
};

/// How long runs are kept.
pub const KEPT_FOR_SECS: f64 = 3600.0;

/// Where a run is.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    serde::Deserialize,
    ToSchema,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum RunStatus {
    Queued,
    Running,
    Finished,
}

impl RunStatus {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

crate::text_column!(RunStatus);

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Run {
    pub id: Uuid,
    pub language: String,
    pub status: RunStatus,
    pub result: Option<RunResult>,
    pub created_at: DateTime<Utc>,
}

/// Records a playground run and wakes the workers; answers its id at once.
pub async fn submit(
    db: &PgPool,
    user_id: Uuid,
    language: &str,
    source: &str,
    stdin: &str,
) -> sqlx::Result<Uuid> {
    let id = submit_many(
        db,
        user_id,
        &[NewRun {
            language,
            source,
            spec: None,
            stdin,
        }],
    )
    .await?;
    id.into_iter()
        .next()
        .ok_or_else(|| sqlx::Error::Protocol("no run was recorded".to_owned()))
}

/// A run to record.
#[derive(Debug, Clone, Copy)]
pub struct NewRun<'a> {
    pub language: &'a str,
    pub source: &'a str,
    /// The run's tests and limits; `None`: the one test `stdin` under the playground's limits.
    pub spec: Option<&'a RunSpec>,
    /// The first test's input (kept in its own column, as playground runs have it).
    pub stdin: &'a str,
}

/// Records runs in one transaction and wakes the workers; answers their ids, in order.
pub async fn submit_many(db: &PgPool, user_id: Uuid, runs: &[NewRun<'_>]) -> sqlx::Result<Vec<Uuid>> {
    let mut transaction = db.begin().await?;
    sqlx::query!(
        "DELETE FROM runs WHERE created_at < now() - make_interval(secs => $1)",
        KEPT_FOR_SECS
    )
    .execute(&mut *transaction)
    .await?;
    let mut ids = Vec::with_capacity(runs.len());
    for run in runs {
        let spec = run
            .spec
            .map(serde_json::to_value)
            .transpose()
            .map_err(|err| sqlx::Error::Encode(Box::new(err)))?;
        // A callback waits in the run's row until it is sent (`judge0::outbox`).
        let callback = run
            .spec
            .and_then(|spec| spec.callback_url.as_ref())
            .map(|_| "pending");
        let id = sqlx::query_scalar!(
            "INSERT INTO runs (user_id, language, source, stdin, spec, callback) VALUES ($1, $2, $3, $4, $5, $6)
             RETURNING id",
            user_id,
            run.language,
            run.source,
            run.stdin,
            spec,
            callback,
        )
        .fetch_one(&mut *transaction)
        .await?;
        ids.push(id);
    }
    queue::wake_dispatchers(&mut *transaction).await?;
    transaction.commit().await?;
    Ok(ids)
}

/// What a claimed run executes: its recorded tests and limits, or the playground's one test.
pub async fn spec(db: &PgPool, id: Uuid, stdin: &str) -> anyhow::Result<RunSpec> {
    let spec = sqlx::query_scalar!("SELECT spec FROM runs WHERE id = $1", id)
        .fetch_optional(db)
        .await?
        .flatten();
    match spec {
        Some(value) => Ok(serde_json::from_value(value)?),
        None => Ok(RunSpec::playground(stdin)),
    }
}

/// Records a run's result if `lease` still holds it, and wakes the request waiting for it;
/// false when the lease was lost (another worker records it).
pub async fn finish(db: &PgPool, lease: &queue::RunLease, result: &RunResult) -> anyhow::Result<bool> {
    let json = serde_json::to_value(result)?;
    let mut transaction = db.begin().await?;
    let updated = sqlx::query!(
        r#"UPDATE runs SET status = 'finished', result = $3, finished_at = now(), lease_token = NULL, lease_expires_at = NULL
           WHERE id = $1 AND lease_token = $2 AND status <> 'finished'"#,
        lease.run_id,
        lease.token,
        json
    )
    .execute(&mut *transaction)
    .await?;
    if updated.rows_affected() == 0 {
        return Ok(false);
    }
    sqlx::query!("SELECT pg_notify($1, $2)", RUNS_CHANNEL, lease.run_id.to_string())
        .execute(&mut *transaction)
        .await?;
    transaction.commit().await?;
    Ok(true)
}

/// The run once it is finished, or as it is when `wait` has passed.
pub async fn wait(
    db: &PgPool,
    events: &Events,
    user_id: Uuid,
    id: Uuid,
    wait: Duration,
) -> sqlx::Result<Option<Run>> {
    // Subscribed before reading, so a result recorded in between is not missed.
    let mut finished = events.subscribe_runs();
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        let run = find(db, user_id, id).await?;
        if run.as_ref().is_none_or(|run| run.status == RunStatus::Finished) {
            return Ok(run);
        }
        loop {
            match tokio::time::timeout_at(deadline, finished.recv()).await {
                Err(_) => return find(db, user_id, id).await,
                Ok(Ok(run_id)) if run_id != id => continue,
                // Ours, or missed notifications (lagged, or the listener reconnecting): re-read.
                Ok(_) => break,
            }
        }
    }
}

/// A run of the user's, if it exists.
pub async fn find(db: &PgPool, user_id: Uuid, id: Uuid) -> sqlx::Result<Option<Run>> {
    let row = sqlx::query!(
        r#"SELECT id, language, status AS "status: RunStatus", result, created_at
           FROM runs WHERE id = $1 AND user_id = $2"#,
        id,
        user_id
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|row| Run {
        id: row.id,
        language: row.language,
        status: row.status,
        result: row.result.and_then(|value| serde_json::from_value(value).ok()),
        created_at: row.created_at,
    }))
}

/// A run with what it was asked to execute: what the Judge0-compatible API answers.
#[derive(Debug, Clone)]
pub struct RunDetail {
    pub run: Run,
    pub source: String,
    pub spec: RunSpec,
    pub finished_at: Option<DateTime<Utc>>,
}

/// The user's runs among `ids`, each in the place of its id (`None`: no such run of theirs).
pub async fn details(db: &PgPool, user_id: Uuid, ids: &[Uuid]) -> sqlx::Result<Vec<Option<RunDetail>>> {
    let rows = sqlx::query!(
        r#"SELECT id, language, status AS "status: RunStatus", result, created_at, source, stdin, spec,
                  finished_at
           FROM runs WHERE id = ANY($1) AND user_id = $2"#,
        ids,
        user_id
    )
    .fetch_all(db)
    .await?;
    let mut found: std::collections::HashMap<Uuid, RunDetail> = rows
        .into_iter()
        .map(|row| {
            let spec = row
                .spec
                .and_then(|value| serde_json::from_value(value).ok())
                .unwrap_or_else(|| RunSpec::playground(&row.stdin));
            let detail = RunDetail {
                run: Run {
                    id: row.id,
                    language: row.language,
                    status: row.status,
                    result: row.result.and_then(|value| serde_json::from_value(value).ok()),
                    created_at: row.created_at,
                },
                source: row.source,
                spec,
                finished_at: row.finished_at,
            };
            (row.id, detail)
        })
        .collect();
    Ok(ids.iter().map(|id| found.remove(id)).collect())
}
