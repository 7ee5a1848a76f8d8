//! `coderank worker`: judging slots in a process of their own, with `/metrics` on
//! `--metrics-bind`, and `coderank worker --check`, which says whether this host can judge.

use std::net::SocketAddr;

use anyhow::Context;
use tokio_util::sync::CancellationToken;

use super::Worker;
use crate::problems::cache::TestDataCache;

/// `coderank worker`: judging slots in a process of their own.
#[derive(Debug, clap::Args)]
pub struct WorkerArgs {
    /// Submissions judged at once (one CPU each, best at most the number of cores).
    #[arg(long, env = "CODERANK_WORKER_SLOTS", default_value_t = 1)]
    pub slots: usize,
    /// Check that this host has what judging needs (PostgreSQL, the object store, the Docker
    /// engine, the judge images, the supervisor), print each finding, and exit: 0 and `OK`
    /// when it has everything, 1 naming what is missing otherwise.
    #[arg(long)]
    pub check: bool,
    /// Serve Prometheus metrics at `http://ADDRESS/metrics` (e.g. `0.0.0.0:9100`).
    #[arg(long, env = "CODERANK_METRICS_BIND")]
    pub metrics_bind: Option<SocketAddr>,
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

/// Runs a worker until Ctrl-C or SIGTERM, then finishes the judgings in hand; or, with
/// `--check`, checks the host and exits.
pub async fn run_worker(args: WorkerArgs) -> anyhow::Result<()> {
    anyhow::ensure!(args.slots >= 1, "--slots must be at least 1");
    crate::telemetry::metrics::install();
    let db = crate::db::pool(&args.database)?;
    let store = crate::storage::open(&args.storage).await?;
    let cache = TestDataCache::new(
        args.problems.cache_dir.clone(),
        args.problems.cache_max_bytes,
        store.clone(),
    );
    let docker = crate::docker::DockerEngine::new(&args.docker)?;
    let worker = Worker::new(&args.judge, db.clone(), store, docker.clone(), cache);
    if args.check {
        let (findings, _) = worker.check().await;
        print!("{}", findings.report());
        anyhow::ensure!(
            findings.ok(),
            "this host cannot judge yet: {}",
            findings.missing()
        );
        return Ok(());
    }
    let shutdown = CancellationToken::new();
    if let Some(address) = args.metrics_bind {
        let listener = tokio::net::TcpListener::bind(address)
            .await
            .with_context(|| format!("cannot listen on {address} for metrics"))?;
        tracing::info!(%address, "serving metrics");
        let app = crate::telemetry::metrics::router(crate::submissions::queue::metrics_refresh(db.clone()));
        let stop = shutdown.clone();
        tokio::spawn(async move {
            let served = axum::serve(listener, app)
                .with_graceful_shutdown(async move { stop.cancelled().await })
                .await;
            if let Err(err) = served {
                tracing::error!(error = %err, "the metrics endpoint failed");
            }
        });
    }
    match crate::db::migrate(&db).await {
        Ok(_) => {}
        // Not fatal: the check below names PostgreSQL, and the worker waits for it.
        Err(err) => tracing::warn!(error = %format!("{err:#}"), "cannot migrate the database now"),
    }
    if let Ok(client) = docker.client().await {
        let reaped = crate::judge::images::reap_leftovers(&client).await?;
        if reaped > 0 {
            tracing::info!(reaped, "removed judge containers left by dead processes");
        }
    }
    let stop = shutdown.clone();
    tokio::spawn(async move {
        crate::http::shutdown_signal().await;
        stop.cancel();
    });
    worker.run(args.slots, shutdown).await
}
