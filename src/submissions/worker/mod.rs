//! Judge workers: each slot claims a job, lays the problem out from the test-data cache, judges
//! with the engine, and records the result, fenced by its lease (see [`super::queue`]).
//!
//! Before any slot claims anything, the worker checks that it has what judging needs
//! ([`check`]: PostgreSQL, the object store, the Docker engine, the judge images, the
//! supervisor) and stays idle, saying what is missing, until it has. Then it relays queued
//! jobs to the broker and takes its messages as an apalis worker ([`super::broker`]); each
//! message makes a free slot claim the best ready job from PostgreSQL: a playground run before
//! anything else, then the derivation of an imported package's missing time limit
//! ([`time_limits`]), then a judging. While judging, a slot renews its lease every third of its
//! length. On shutdown a slot finishes the judging in hand (a judging is bounded by the
//! problem's limits) and claims nothing more.

pub mod check;

mod judging;
mod progress;
mod record;
mod runs;
mod slots;
mod time_limits;

use std::{path::PathBuf, sync::Arc, time::Duration};

use sqlx::PgPool;
use tokio_util::{sync::CancellationToken, task::TaskTracker};

use self::slots::{Slot, Slots};
use super::{
    broker::{self, Broker, Wake},
    queue::{self, Renewable},
};
use crate::{
    docker::DockerEngine,
    judge::{
        cpus::CpuSet,
        engine::JudgeOptions,
        languages::Languages,
        sandbox::{remembered_in, PoolSize, WarmPool},
        seccomp,
    },
    problems::cache::TestDataCache,
    storage::SharedStore,
    telemetry::metrics,
};

/// How often a worker that lacks something checks again.
const RECHECK_EVERY: Duration = Duration::from_secs(10);
/// How many times a slot tries to claim while PostgreSQL fails, a second apart.
const CLAIM_TRIES: usize = 30;
/// The longest a problem's test data may take to come from the store.
const MATERIALIZE_TIME: Duration = Duration::from_secs(600);
/// Time for a judging's containers to be removed once its verdict is recorded.
const TEARDOWN_TIME: Duration = Duration::from_secs(60);

/// What every slot of a worker shares.
#[derive(Clone)]
pub struct Worker {
    pub db: PgPool,
    /// Where test data comes from; checked before claiming.
    pub store: SharedStore,
    pub docker: DockerEngine,
    pub cache: TestDataCache,
    /// Where the supervisor binary is (default: beside the coderank binary).
    supervisor_path: Option<PathBuf>,
    /// How long a claim lasts without renewal: the time after which a dead worker's job is
    /// taken by another.
    pub lease: Duration,
    /// Names this process in `judge_jobs.leased_by`.
    pub name: String,
    /// Pin slot k to CPU k (when the machine has that many).
    pub pin_cpus: bool,
    /// Carries the wake-up messages of queued jobs (see [`super::broker`]).
    pub broker: Broker,
    /// Warm pool size and OCI runtime of the sandboxes (see `judge::sandbox::WarmPool`).
    pub warm_pool: PoolSize,
    pub docker_runtime: Option<String>,
}

/// What a slot judges with, once the worker's check has passed.
#[derive(Clone)]
struct Ready {
    docker: bollard::Docker,
    supervisor: Arc<[u8]>,
    /// The slots' shared warm pool of sandboxes, closed when the worker stops.
    pool: Option<WarmPool>,
    runtime: Option<String>,
}

impl Worker {
    /// A worker from its configuration; nothing is connected or read until [`Worker::run`].
    pub fn new(
        config: &crate::config::JudgeWorkerConfig,
        broker: Broker,
        db: PgPool,
        store: SharedStore,
        docker: DockerEngine,
        cache: TestDataCache,
    ) -> Self {
        let host = std::fs::read_to_string("/etc/hostname").unwrap_or_default();
        Self {
            db,
            store,
            docker,
            cache,
            supervisor_path: config.supervisor.clone(),
            lease: Duration::from_secs(config.lease_secs.max(3)),
            name: format!("{}:{}", host.trim(), std::process::id()),
            pin_cpus: config.pin_cpus,
            broker,
            warm_pool: PoolSize {
                per_shape: config.warm_pool,
                shapes: config.warm_pool_shapes,
            },
            docker_runtime: config.docker_runtime.clone(),
        }
    }

    /// Checks what judging needs, once.
    pub async fn check(&self) -> (check::Findings, Option<Arc<[u8]>>) {
        check::run(check::Needs {
            db: &self.db,
            broker: &self.broker,
            store: &self.store,
            docker: &self.docker,
            supervisor: self.supervisor_path.clone(),
        })
        .await
    }

    /// Checks until everything judging needs is there (saying what is missing meanwhile), or
    /// until `shutdown`.
    async fn wait_until_ready(&self, shutdown: &CancellationToken) -> Option<Ready> {
        loop {
            let (findings, supervisor) = self.check().await;
            if let (true, Some(supervisor)) = (findings.ok(), supervisor) {
                if let Ok(docker) = self.docker.client().await {
                    let pool = (self.warm_pool.per_shape > 0).then(|| {
                        let runtime = self.docker_runtime.clone();
                        let pool =
                            WarmPool::new(docker.clone(), Arc::clone(&supervisor), runtime, self.warm_pool);
                        let profiles: Vec<_> = Languages::table().iter().map(seccomp::for_language).collect();
                        pool.recall(remembered_in(self.cache.dir()), &profiles);
                        pool
                    });
                    return Some(Ready {
                        docker,
                        supervisor,
                        pool,
                        runtime: self.docker_runtime.clone(),
                    });
                }
            }
            tracing::error!(
                worker = %self.name,
                missing = %findings.missing(),
                "the judge worker claims no job until it has what judging needs; checking again in {} s",
                RECHECK_EVERY.as_secs()
            );
            tokio::select! {
                () = tokio::time::sleep(RECHECK_EVERY) => {}
                () = shutdown.cancelled() => return None,
            }
        }
    }

    /// Runs `slots` judging slots until `shutdown` is cancelled and in-flight judgings finish:
    /// the dispatcher relaying queued jobs to the broker, and an apalis worker taking its
    /// messages, each of which makes a free slot claim the best ready job.
    pub async fn run(self, slots: usize, shutdown: CancellationToken) -> anyhow::Result<()> {
        metrics::worker_slots(&self.name, slots);
        let Some(ready) = self.wait_until_ready(&shutdown).await else {
            return Ok(());
        };
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
        let dispatcher = tokio::spawn(broker::dispatch(
            self.db.clone(),
            self.broker.clone(),
            shutdown.clone(),
        ));
        let cpus = std::thread::available_parallelism().map(usize::from).unwrap_or(1);
        let free = Slots::new(slots, self.pin_cpus.then_some(cpus));
        tracing::info!(slots, worker = %self.name, broker = self.broker.kind(), "judge worker started");
        let pool = ready.pool.clone();
        let handler = {
            let (worker, free, shutdown) = (self.clone(), free.clone(), shutdown.clone());
            move |wake: Wake| {
                let (worker, ready, free, shutdown) =
                    (worker.clone(), ready.clone(), free.clone(), shutdown.clone());
                async move {
                    tracing::trace!(kind = %wake.kind, id = %wake.id, "woken");
                    let Some(slot) = free.take().await else { return };
                    // On a task of its own, so that a consumer rebuilt after a broker failure
                    // never cancels a judging; the slot goes back when it ends.
                    let work = tokio::spawn(async move {
                        worker.claim_and_work(&ready, &slot, &shutdown).await;
                        drop(slot);
                    });
                    let _ = work.await;
                }
            }
        };
        broker::consume(&self.broker, &self.name, slots, shutdown.clone(), handler).await;
        // The judgings in hand finish (each is bounded by its problem's limits).
        free.drain(slots).await;
        if let Some(pool) = pool {
            pool.close().await;
        }
        let _ = dispatcher.await;
        heartbeat.abort();
        if let Err(err) = queue::sign_off(&self.db, &self.name).await {
            tracing::warn!(error = %err, "cannot sign the worker off");
        }
        tracing::info!(worker = %self.name, "judge worker stopped");
        Ok(())
    }

    /// Claims the best ready job and works on it: a playground run first (someone is waiting
    /// for each, and each is one short test), then the derivation of an imported package's
    /// missing time limit (its problem waits for it to be published), then a judging. Nothing
    /// ready (another slot took it) is fine: the message was a duplicate.
    async fn claim_and_work(&self, ready: &Ready, slot: &Slot, shutdown: &CancellationToken) {
        let cpuset = slot.cpuset.clone();
        for _ in 0..CLAIM_TRIES {
            if shutdown.is_cancelled() {
                return;
            }
            let claimed = match queue::claim_run(&self.db, &self.name, self.lease).await {
                Ok(Some(job)) => {
                    tracing::debug!(slot = slot.index, run = %job.lease.run_id, attempt = job.lease.attempts, "claimed a run");
                    let _busy = metrics::slot_busy(&self.name);
                    self.run_program(ready, job, cpuset).await;
                    return;
                }
                Ok(None) => match crate::problems::time_limits::claim(&self.db, &self.name, self.lease).await
                {
                    Ok(Some(lease)) => {
                        tracing::debug!(slot = slot.index, problem = %lease.problem_id, "claimed a time limit to derive");
                        let _busy = metrics::slot_busy(&self.name);
                        self.derive_time_limit(ready, lease, cpuset).await;
                        return;
                    }
                    Ok(None) => queue::claim(&self.db, &self.name, self.lease).await,
                    Err(err) => Err(err),
                },
                Err(err) => Err(err),
            };
            match claimed {
                Ok(Some(lease)) => {
                    tracing::debug!(slot = slot.index, judging = %lease.judging_id, attempt = lease.attempts, "claimed");
                    let _busy = metrics::slot_busy(&self.name);
                    self.judge(ready, lease, cpuset).await;
                    return;
                }
                Ok(None) => return,
                Err(err) => {
                    // PostgreSQL restarting, perhaps: the job, if any, waits in its row.
                    tracing::warn!(error = %err, "cannot claim a judge job");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
    }
}

/// What a slot judges with: its supervisor, pinned to its CPU when it has one; with a
/// `teardown` tracker, the judging hands its containers' removal to it and returns first.
fn judge_options(
    ready: &Ready,
    cpuset: Option<String>,
    teardown: Option<&TaskTracker>,
) -> anyhow::Result<JudgeOptions> {
    let mut options = JudgeOptions::new(Arc::clone(&ready.supervisor));
    options.teardown = teardown.cloned();
    options.pool = ready.pool.clone();
    options.runtime = ready.runtime.clone();
    options.cpuset = cpuset.as_deref().map(str::parse::<CpuSet>).transpose()?;
    Ok(options)
}

/// Waits (at most [`TEARDOWN_TIME`]) for the containers of a job's judging to be removed.
async fn wait_for_teardown(teardown: TaskTracker, job: &str) {
    teardown.close();
    if tokio::time::timeout(TEARDOWN_TIME, teardown.wait())
        .await
        .is_err()
    {
        tracing::warn!(
            job,
            "the job's containers were not removed within {} s",
            TEARDOWN_TIME.as_secs()
        );
    }
}

/// Renews the lease every third of its length, until it is no longer ours.
async fn keep_lease(db: PgPool, lease: impl Renewable + std::fmt::Debug, duration: Duration) {
    loop {
        tokio::time::sleep(duration / 3).await;
        match lease.renew(&db, duration).await {
            Ok(true) => {}
            Ok(false) => {
                tracing::warn!(?lease, "the lease was taken over");
                return;
            }
            Err(err) => tracing::warn!(error = %err, "cannot renew a lease"),
        }
    }
}
