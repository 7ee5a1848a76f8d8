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

use std::{sync::Arc, time::Duration};

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgPool;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{
    events::{Events, RUNS_CHANNEL},
    queue,
};
use crate::{
    judge::package::{ProblemPackage, TestCase},
    judge::{
        cpus::CpuSet,
        engine::{self, JudgeOptions, Report},
        languages::Language,
        source::Source,
        verdict::Verdict,
    },
};

/// Limits of a playground run.
pub const TIME_LIMIT_SECS: u64 = 2;
pub const MEMORY_MB: u64 = 256;
pub const OUTPUT_MB: u64 = 1;
/// How long runs are kept.
pub const KEPT_FOR_SECS: f64 = 3600.0;

/// What a run produced.
#[derive(Debug, Clone, Serialize, serde::Deserialize, ToSchema)]
pub struct RunResult {
    /// `OK` when the program ran to the end with exit code 0; else `CE`, `TLE`, `MLE`, `OLE`,
    /// `RE` (as for submissions), or `IE`.
    pub status: String,
    pub stdout: String,
    pub stderr: String,
    pub exit_code: Option<i32>,
    pub signal: Option<i32>,
    pub time_ms: u64,
    pub memory_kb: u64,
    /// The compiler's output, for languages that compile.
    pub compile_output: Option<String>,
}

impl RunResult {
    /// The result of a program that never ran (it did not compile, or the judge failed).
    pub fn without_run(status: &str, compile_output: Option<String>) -> Self {
        Self {
            status: status.to_owned(),
            stdout: String::new(),
            stderr: String::new(),
            exit_code: None,
            signal: None,
            time_ms: 0,
            memory_kb: 0,
            compile_output,
        }
    }
}

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

/// Records a run and wakes the workers; answers its id at once.
pub async fn submit(
    db: &PgPool,
    user_id: Uuid,
    language: &str,
    source: &str,
    stdin: &str,
) -> sqlx::Result<Uuid> {
    let mut transaction = db.begin().await?;
    sqlx::query!(
        "DELETE FROM runs WHERE created_at < now() - make_interval(secs => $1)",
        KEPT_FOR_SECS
    )
    .execute(&mut *transaction)
    .await?;
    let id = sqlx::query_scalar!(
        "INSERT INTO runs (user_id, language, source, stdin) VALUES ($1, $2, $3, $4) RETURNING id",
        user_id,
        language,
        source,
        stdin,
    )
    .fetch_one(&mut *transaction)
    .await?;
    queue::wake_dispatchers(&mut *transaction).await?;
    transaction.commit().await?;
    Ok(id)
}

/// Records a run's result if `lease` still holds it, and wakes the request waiting for it;
/// false when the lease was lost (another worker records it).
pub async fn finish(db: &PgPool, lease: &queue::RunLease, result: &RunResult) -> anyhow::Result<bool> {
    let json = serde_json::to_value(result)?;
    let mut transaction = db.begin().await?;
    let updated = sqlx::query!(
        r#"UPDATE runs SET status = 'finished', result = $3, lease_token = NULL, lease_expires_at = NULL
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

/// Runs a program in a sandbox, as a worker does for a claimed run: one test whose input is
/// `stdin`, under the playground's limits.
pub async fn execute(
    docker: &bollard::Docker,
    supervisor: Arc<[u8]>,
    cpuset: Option<CpuSet>,
    language: &Language,
    source: &str,
    stdin: &str,
) -> anyhow::Result<RunResult> {
    let scratch = tempfile::tempdir()?;
    let test = TestCase {
        name: "run".to_owned(),
        input: scratch.path().join("run.in"),
        answer: scratch.path().join("run.ans"),
        is_sample: true,
        group: "sample".to_owned(),
        validator_args: Vec::new(),
        interaction: None,
    };
    tokio::fs::write(&test.input, stdin).await?;
    tokio::fs::write(&test.answer, "").await?;
    let plan = ProblemPackage::plan(
        scratch.path().to_path_buf(),
        TIME_LIMIT_SECS as f64,
        MEMORY_MB,
        OUTPUT_MB,
        vec![test],
    );
    let mut options = JudgeOptions::new(supervisor);
    options.cpuset = cpuset;
    let source = Source::file(&language.source_file, source.as_bytes());
    let report = engine::judge(docker, &plan, language, &source, &options, |_| {}).await?;
    Ok(result_of(&report))
}

fn result_of(report: &Report) -> RunResult {
    let compile_output = report.compile.as_ref().map(|compile| compile.output.clone());
    let Some(test) = report.tests.first() else {
        let status = if report.verdict == Verdict::Ce { "CE" } else { "IE" };
        return RunResult::without_run(status, compile_output);
    };
    // Any output "fails" the empty answer: that verdict means nothing here.
    let status = match test.verdict {
        Verdict::Ac | Verdict::Wa => "OK".to_owned(),
        other => other.to_string(),
    };
    RunResult {
        status,
        stdout: test.output.clone().unwrap_or_default(),
        stderr: test.stderr.clone(),
        exit_code: test.exit_code,
        signal: test.signal,
        time_ms: test.time_ms,
        memory_kb: test.memory_kb,
        compile_output,
    }
}
