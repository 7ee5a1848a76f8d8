//! Judge workers: each slot claims a job, lays the problem out from the test-data cache, judges
//! with the engine, and records the result, fenced by its lease (see [`super::queue`]).
//!
//! Slots wait on `LISTEN coderank_jobs` (with a poll as a fallback) instead of spinning. While
//! judging, a slot renews its lease every third of its length. On shutdown a slot finishes the
//! judging in hand (a judging is bounded by the problem's limits) and claims nothing more.

use std::{sync::Arc, time::Duration};

use anyhow::Context;
use sqlx::{postgres::PgListener, PgPool};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use super::{
    queue::{self, Lease, MAX_ATTEMPTS},
    records,
};
use crate::{
    judge::{
        cpus::CpuSet,
        engine::{self, JudgeOptions, Progress, Report},
        languages::Languages,
        source::Source,
    },
    problems::{cache::TestDataCache, export, package::ProblemPackage, records as problems},
};

/// What every slot of a worker shares.
#[derive(Clone)]
pub struct Worker {
    pub db: PgPool,
    pub docker: bollard::Docker,
    pub cache: TestDataCache,
    pub supervisor: Arc<Vec<u8>>,
    /// How long a claim lasts without renewal: the time after which a dead worker's job is
    /// taken by another.
    pub lease: Duration,
    /// Names this process in `judge_jobs.leased_by`.
    pub name: String,
    /// Pin slot k to CPU k (when the machine has that many).
    pub pin_cpus: bool,
}

impl Worker {
    /// A worker from its configuration: reads the supervisor and connects to Docker.
    pub async fn new(
        config: &crate::config::JudgeWorkerConfig,
        db: PgPool,
        docker: &crate::docker::DockerEngine,
        cache: TestDataCache,
    ) -> anyhow::Result<Self> {
        let supervisor = crate::judge::sandbox::read_supervisor(config.supervisor.clone())?;
        let docker = docker.client().await?;
        let host = std::fs::read_to_string("/etc/hostname").unwrap_or_default();
        Ok(Self {
            db,
            docker,
            cache,
            supervisor: Arc::new(supervisor),
            lease: Duration::from_secs(config.lease_secs.max(3)),
            name: format!("{}:{}", host.trim(), std::process::id()),
            pin_cpus: config.pin_cpus,
        })
    }

    /// Runs `slots` judging slots until `shutdown` is cancelled and in-flight judgings finish.
    pub async fn run(self, slots: usize, shutdown: CancellationToken) -> anyhow::Result<()> {
        let wake = Arc::new(Notify::new());
        let listener = tokio::spawn(listen(self.db.clone(), Arc::clone(&wake), shutdown.clone()));
        let heartbeat = {
            let (db, name, slots) = (self.db.clone(), self.name.clone(), slots as i32);
            tokio::spawn(async move {
                loop {
                    if let Err(err) = queue::heartbeat(&db, &name, slots).await {
                        tracing::warn!(error = %err, "cannot announce the worker");
                    }
                    tokio::time::sleep(Duration::from_secs(10)).await;
                }
            })
        };
        let cpus = std::thread::available_parallelism().map(usize::from).unwrap_or(1);
        let mut tasks = Vec::new();
        for slot in 0..slots {
            let worker = self.clone();
            let cpuset = (self.pin_cpus && slot < cpus).then(|| slot.to_string());
            let (wake, shutdown) = (Arc::clone(&wake), shutdown.clone());
            tasks.push(tokio::spawn(async move {
                worker.slot(slot, cpuset, wake, shutdown).await
            }));
        }
        tracing::info!(slots, worker = %self.name, "judge worker started");
        for task in tasks {
            task.await?;
        }
        listener.abort();
        heartbeat.abort();
        if let Err(err) = queue::sign_off(&self.db, &self.name).await {
            tracing::warn!(error = %err, "cannot sign the worker off");
        }
        tracing::info!(worker = %self.name, "judge worker stopped");
        Ok(())
    }

    async fn slot(
        &self,
        slot: usize,
        cpuset: Option<String>,
        wake: Arc<Notify>,
        shutdown: CancellationToken,
    ) {
        while !shutdown.is_cancelled() {
            match queue::claim(&self.db, &self.name, self.lease).await {
                Ok(Some(lease)) => {
                    tracing::debug!(slot, judging = %lease.judging_id, attempt = lease.attempts, "claimed");
                    self.judge(lease, cpuset.clone()).await;
                }
                Ok(None) => {
                    tokio::select! {
                        () = wake.notified() => {}
                        () = tokio::time::sleep(Duration::from_secs(2)) => {}
                        () = shutdown.cancelled() => {}
                    }
                }
                Err(err) => {
                    tracing::warn!(error = %err, "cannot claim a judge job");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
    }

    /// Judges one claimed job and records its result; never fails, records IE instead.
    async fn judge(&self, lease: Lease, cpuset: Option<String>) {
        if lease.attempts > MAX_ATTEMPTS {
            let message = format!("judging was attempted {MAX_ATTEMPTS} times without finishing");
            self.record_failure(&lease, &message).await;
            return;
        }
        let keeper = tokio::spawn(keep_lease(self.db.clone(), lease, self.lease));
        let outcome = self.judge_leased(&lease, cpuset).await;
        keeper.abort();
        match outcome {
            Ok(report) => {
                if let Err(err) = self.record(&lease, &report).await {
                    tracing::error!(error = %format!("{err:#}"), judging = %lease.judging_id, "cannot record a verdict");
                }
            }
            Err(err) if lease.attempts < MAX_ATTEMPTS => {
                // Perhaps Docker or the store hiccuped: let the lease run out and try again.
                tracing::warn!(error = %format!("{err:#}"), judging = %lease.judging_id, "judging failed; will retry");
            }
            Err(err) => self.record_failure(&lease, &format!("{err:#}")).await,
        }
    }

    async fn judge_leased(&self, lease: &Lease, cpuset: Option<String>) -> anyhow::Result<Report> {
        let job = sqlx::query!(
            r#"SELECT s.id AS submission_id, s.user_id, s.problem_id, s.language, s.source
               FROM judgings j JOIN submissions s ON s.id = j.submission_id WHERE j.id = $1"#,
            lease.judging_id
        )
        .fetch_one(&self.db)
        .await?;
        self.progress(lease, job.submission_id, job.user_id, "compiling", 0, None)
            .await?;
        let problem = sqlx::query_as!(
            problems::Problem,
            "SELECT * FROM problems WHERE id = $1",
            job.problem_id
        )
        .fetch_one(&self.db)
        .await?;
        let scratch = tempfile::tempdir()?;
        let root = scratch.path().join(&problem.slug);
        export::materialize(&self.db, &self.cache, &problem, &root).await?;
        let package = tokio::task::spawn_blocking(move || ProblemPackage::load(&root)).await??;
        let languages = Languages::builtin()?;
        let language = languages
            .get(&job.language)
            .with_context(|| format!("unknown language {}", job.language))?;
        let mut options = JudgeOptions::new(self.supervisor.as_ref().clone());
        options.cpuset = cpuset.as_deref().map(str::parse::<CpuSet>).transpose()?;
        let total = package.test_cases.len() as i32;
        let (updates, mut updates_rx) = tokio::sync::mpsc::unbounded_channel::<(&'static str, i32)>();
        let writer = {
            let worker = self.clone();
            let lease = *lease;
            let (submission_id, user_id) = (job.submission_id, job.user_id);
            tokio::spawn(async move {
                while let Some((status, done)) = updates_rx.recv().await {
                    let _ = worker
                        .progress(&lease, submission_id, user_id, status, done, Some(total))
                        .await;
                }
            })
        };
        let source = Source::file(&language.source_file, job.source.as_bytes());
        let judged = engine::judge(&self.docker, &package, language, &source, &options, |progress| {
            let update = match progress {
                Progress::Compiling => ("compiling", 0),
                Progress::Running { index, .. } => ("running", index as i32),
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

    /// A fenced progress update: only while the lease is ours.
    async fn progress(
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
    async fn record(&self, lease: &Lease, report: &Report) -> anyhow::Result<()> {
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

    async fn record_failure(&self, lease: &Lease, message: &str) {
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
        super::leaderboard::update(&mut transaction, row.user_id, row.problem_id).await?;
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

/// Renews the lease every third of its length, until it is no longer ours.
async fn keep_lease(db: PgPool, lease: Lease, duration: Duration) {
    loop {
        tokio::time::sleep(duration / 3).await;
        match queue::renew(&db, &lease, duration).await {
            Ok(true) => {}
            Ok(false) => {
                tracing::warn!(judging = %lease.judging_id, "the lease was taken over");
                return;
            }
            Err(err) => tracing::warn!(error = %err, "cannot renew a lease"),
        }
    }
}

/// Wakes a slot whenever a job is queued; reconnects when the connection drops.
async fn listen(db: PgPool, wake: Arc<Notify>, shutdown: CancellationToken) {
    while !shutdown.is_cancelled() {
        let listener = async {
            let mut listener = PgListener::connect_with(&db).await?;
            listener.listen(queue::JOBS_CHANNEL).await?;
            loop {
                listener.recv().await?;
                wake.notify_one();
            }
            #[allow(unreachable_code)]
            Ok::<(), sqlx::Error>(())
        };
        tokio::select! {
            result = listener => {
                if let Err(err) = result {
                    tracing::warn!(error = %err, "lost the job notifications; reconnecting");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
            () = shutdown.cancelled() => return,
        }
    }
}

/// `coderank worker`: judging slots in a process of their own.
#[derive(Debug, clap::Args)]
pub struct WorkerArgs {
    /// Submissions judged at once (one CPU each, best at most the number of cores).
    #[arg(long, env = "CODERANK_WORKER_SLOTS", default_value_t = 1)]
    pub slots: usize,
    #[command(flatten)]
    pub judge: crate::config::JudgeWorkerConfig,
    #[command(flatten)]
    pub database: crate::config::DatabaseConfig,
    #[command(flatten)]
    pub storage: crate::config::StorageConfig,
    #[command(flatten)]
    pub problems: crate::config::ProblemsConfig,
    #[command(flatten)]
    pub docker: crate::config::DockerConfig,
}

/// Runs a worker until Ctrl-C or SIGTERM, then finishes the judgings in hand.
pub async fn run_worker(args: WorkerArgs) -> anyhow::Result<()> {
    anyhow::ensure!(args.slots >= 1, "--slots must be at least 1");
    let db = crate::db::connect(&args.database).await?;
    crate::db::migrate(&db).await?;
    let store = crate::storage::open(&args.storage).await?;
    let cache = TestDataCache::new(
        args.problems.cache_dir.clone(),
        args.problems.cache_max_bytes,
        store,
    );
    let docker = crate::docker::DockerEngine::new(&args.docker)?;
    let reaped = crate::judge::images::reap_leftovers(&docker.client().await?).await?;
    if reaped > 0 {
        tracing::info!(reaped, "removed judge containers left by dead processes");
    }
    let worker = Worker::new(&args.judge, db, &docker, cache).await?;
    let shutdown = CancellationToken::new();
    let stop = shutdown.clone();
    tokio::spawn(async move {
        crate::http::shutdown_signal().await;
        stop.cancel();
    });
    worker.run(args.slots, shutdown).await
}
