//! The playground: run a program once on an input with default limits, no problem needed.
//!
//! It is judged as a one-test problem (the input as its only sample), so it gets exactly the
//! sandbox, limits and measurements of a submission; the program's output is the sample output
//! the engine keeps, and the "expected answer" is ignored. Runs are executed by the API process
//! (a few at a time), kept for an hour, and visible to their owner only.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgPool;
use tokio::sync::Semaphore;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    judge::{
        engine::{self, JudgeOptions, Report},
        languages::Language,
        source::Source,
        verdict::Verdict,
    },
    problems::package::ProblemPackage,
};

/// Limits of a playground run.
pub const TIME_LIMIT_SECS: u64 = 2;
pub const MEMORY_MB: u64 = 256;
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
    fn without_run(status: &str, compile_output: Option<String>) -> Self {
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

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Run {
    pub id: Uuid,
    pub language: String,
    /// `queued`, `running` or `finished`.
    pub status: String,
    pub result: Option<RunResult>,
    pub created_at: DateTime<Utc>,
}

/// What to run.
#[derive(Debug, Clone)]
pub struct Program {
    pub language: Language,
    pub source: String,
    pub stdin: String,
}

/// Runs a few programs at a time for the whole process.
#[derive(Debug, Clone)]
pub struct Playground {
    slots: Arc<Semaphore>,
}

impl Default for Playground {
    fn default() -> Self {
        Self {
            slots: Arc::new(Semaphore::new(2)),
        }
    }
}

impl Playground {
    /// Records a run and starts it; answers its id at once.
    pub async fn start(
        &self,
        db: &PgPool,
        docker: bollard::Docker,
        supervisor: Vec<u8>,
        user_id: Uuid,
        program: Program,
    ) -> anyhow::Result<Uuid> {
        let Program {
            language,
            source,
            stdin,
        } = program;
        sqlx::query!(
            "DELETE FROM runs WHERE created_at < now() - make_interval(secs => $1)",
            KEPT_FOR_SECS
        )
        .execute(db)
        .await?;
        let id = sqlx::query_scalar!(
            "INSERT INTO runs (user_id, language) VALUES ($1, $2) RETURNING id",
            user_id,
            language.id.to_string()
        )
        .fetch_one(db)
        .await?;
        let (db, slots) = (db.clone(), Arc::clone(&self.slots));
        tokio::spawn(async move {
            let Ok(_slot) = slots.acquire_owned().await else {
                return;
            };
            let _ = sqlx::query!("UPDATE runs SET status = 'running' WHERE id = $1", id)
                .execute(&db)
                .await;
            let result = match execute(&docker, supervisor, &language, &source, &stdin).await {
                Ok(result) => result,
                Err(err) => {
                    tracing::error!(error = %format!("{err:#}"), run = %id, "playground run failed");
                    RunResult::without_run("IE", None)
                }
            };
            let json = serde_json::to_value(&result).unwrap_or_default();
            if let Err(err) = sqlx::query!(
                "UPDATE runs SET status = 'finished', result = $2 WHERE id = $1",
                id,
                json
            )
            .execute(&db)
            .await
            {
                tracing::error!(error = %err, "cannot record a playground run");
            }
        });
        Ok(id)
    }
}

/// A run of the user's, if it exists.
pub async fn find(db: &PgPool, user_id: Uuid, id: Uuid) -> sqlx::Result<Option<Run>> {
    let row = sqlx::query!(
        "SELECT id, language, status, result, created_at FROM runs WHERE id = $1 AND user_id = $2",
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

async fn execute(
    docker: &bollard::Docker,
    supervisor: Vec<u8>,
    language: &Language,
    source: &str,
    stdin: &str,
) -> anyhow::Result<RunResult> {
    let scratch = tempfile::tempdir()?;
    let root = scratch.path().join("playground");
    std::fs::create_dir_all(root.join("data/sample"))?;
    std::fs::create_dir_all(root.join("data/secret"))?;
    std::fs::write(
        root.join("problem.yaml"),
        format!("name: playground\nlimits:\n  time_limit: {TIME_LIMIT_SECS}\n  memory: {MEMORY_MB}\n  output: 1\n"),
    )?;
    std::fs::write(root.join("data/sample/run.in"), stdin)?;
    std::fs::write(root.join("data/sample/run.ans"), "")?;
    let package = ProblemPackage::load(&root)?;
    let options = JudgeOptions::new(supervisor);
    let source = Source::file(&language.source_file, source.as_bytes());
    let report = engine::judge(docker, &package, language, &source, &options, |_| {}).await?;
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
