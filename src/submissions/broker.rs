//! The judge queue's transport: apalis carries one small wake-up message per job from the
//! outbox rows in PostgreSQL to the workers, over the configured broker (apalis-postgres by
//! default, apalis-amqp for RabbitMQ).
//!
//! PostgreSQL stays the record of every job ([`super::queue`]): its priority, its lease, its
//! fencing token and its attempts. A message names no job a worker must judge; it says "there
//! is work", and the handler claims the best ready job with the usual fenced lease. So priority
//! order is exact whatever order the broker delivers in, a duplicate message finds nothing to
//! claim, and a lost message only delays a job until the sweeper dispatches it again.
//!
//! - [`dispatch`]: the outbox relay, in every worker process. Woken by `NOTIFY` when a job is
//!   queued and every [`SWEEP_EVERY`], it marks the jobs due a message (never dispatched, ready
//!   again after a claim ran out, or waiting for longer than [`OVERDUE`]) and pushes one
//!   message each; when the broker refuses, it unmarks them and tries again at the next sweep.
//!   On PostgreSQL it also deletes spent messages ([`prune`]) once a minute.
//! - [`consume`]: an apalis worker with `concurrency` = the slots, rebuilt whenever the broker
//!   connection fails.

use std::{future::Future, sync::Arc, time::Duration};

use apalis::prelude::{TaskSink, WorkerBuilder, WorkerBuilderExt};
use apalis_amqp::AmqpBackend;
use apalis_postgres::PostgresStorage;
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use sqlx::{postgres::PgListener, PgPool};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use super::queue;
use crate::config::{DatabaseConfig, QueueBroker, QueueConfig};

/// How often the dispatcher looks for jobs due a message when nothing woke it.
pub const SWEEP_EVERY: Duration = Duration::from_secs(1);
/// A ready job whose message was handed over this long ago and is still unclaimed gets another
/// (the message may have died with a broker that kept it in memory). Duplicates are harmless.
pub const OVERDUE: Duration = Duration::from_secs(60);
/// The longest the dispatcher waits for the broker to take one message.
const PUSH_TIMEOUT: Duration = Duration::from_secs(5);
/// How long an apalis worker record stays after its last heartbeat (every 5 s while alive).
const WORKERS_FORGOTTEN: Duration = Duration::from_secs(3600);
/// How often the dispatcher prunes apalis-postgres's handled messages (see [`prune`]).
const PRUNE_EVERY: Duration = Duration::from_secs(60);
/// Connections of the apalis-postgres pool (its fetches, pushes, heartbeats and listener).
const APALIS_CONNECTIONS: u32 = 4;

/// A wake-up message: which row made it, for the logs; the handler claims whatever is best.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Wake {
    /// `judging`, `run` or `time-limit`.
    pub kind: String,
    pub id: uuid::Uuid,
}

/// The configured broker.
#[derive(Clone)]
pub enum Broker {
    /// apalis-postgres on its own sqlx 0.9 pool on CodeRank's database (schema `apalis`).
    Postgres {
        pool: sqlx09::PgPool,
        config: apalis_postgres::Config,
    },
    /// apalis-amqp: RabbitMQ.
    Amqp {
        url: Arc<str>,
        config: apalis_amqp::Config,
    },
}

impl Broker {
    /// The broker of `config`; connects nothing yet.
    pub fn new(config: &QueueConfig, database: &DatabaseConfig) -> anyhow::Result<Self> {
        Ok(match config.broker {
            QueueBroker::Postgres => {
                let options: sqlx09::postgres::PgConnectOptions =
                    database.url.expose_secret().parse().map_err(|err| {
                        anyhow::anyhow!("DATABASE_URL is not a valid PostgreSQL URL: {err}")
                    })?;
                let pool = sqlx09::postgres::PgPoolOptions::new()
                    .max_connections(APALIS_CONNECTIONS)
                    .acquire_timeout(database.acquire_timeout())
                    .connect_lazy_with(options);
                let config = apalis_postgres::Config::default()
                    .queue(&config.name)
                    // Messages are tokens: a worker that fetched more than it can start would
                    // hold them from the others.
                    .batch_size(1)
                    .persist_results(false)
                    .heartbeat_interval(Duration::from_secs(5))
                    .missed_heartbeats(3);
                Self::Postgres { pool, config }
            }
            QueueBroker::Amqp => Self::Amqp {
                url: config.amqp_url()?.into(),
                config: apalis_amqp::Config::default().queue(config.name.as_str()),
            },
        })
    }

    /// `postgres` or `amqp`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Postgres { .. } => "postgres",
            Self::Amqp { .. } => "amqp",
        }
    }

    /// Creates apalis's own tables (schema `apalis`) when the broker is PostgreSQL.
    async fn set_up(&self) -> anyhow::Result<()> {
        if let Self::Postgres { pool, .. } = self {
            PostgresStorage::<()>::setup(pool)
                .await
                .map_err(|err| anyhow::anyhow!("cannot set apalis's tables up: {err}"))?;
        }
        Ok(())
    }
}

/// Hands messages to the broker, reconnecting after a failure.
struct Sender {
    broker: Broker,
    amqp: Option<AmqpBackend<Wake>>,
    postgres: Option<PostgresStorage<Wake>>,
}

impl Sender {
    fn new(broker: Broker) -> Self {
        Self {
            broker,
            amqp: None,
            postgres: None,
        }
    }

    async fn push(&mut self, wake: Wake) -> anyhow::Result<()> {
        let pushed = match &self.broker {
            Broker::Postgres { pool, config } => {
                let storage = self
                    .postgres
                    .get_or_insert_with(|| PostgresStorage::new(pool).with_config(config.clone()));
                tokio::time::timeout(PUSH_TIMEOUT, storage.push(wake))
                    .await
                    .map(|pushed| pushed.map_err(|err| anyhow::anyhow!("{err}")))
            }
            Broker::Amqp { url, config } => {
                let backend = match self.amqp.as_mut() {
                    Some(backend) => backend,
                    None => self.amqp.insert(
                        AmqpBackend::new_from_addr(url.as_ref())
                            .map_err(|err| anyhow::anyhow!("{err}"))?
                            .with_config(config.clone()),
                    ),
                };
                tokio::time::timeout(PUSH_TIMEOUT, backend.push(wake))
                    .await
                    .map(|pushed| pushed.map_err(|err| anyhow::anyhow!("{err}")))
            }
        };
        let result = pushed.unwrap_or_else(|_| Err(anyhow::anyhow!("the broker did not answer")));
        if result.is_err() {
            // A dead connection stays dead: start afresh next time.
            self.amqp = None;
            self.postgres = None;
        }
        result
    }
}

/// Relays the outbox to the broker until `shutdown`: see the module's documentation.
pub async fn dispatch(db: PgPool, broker: Broker, shutdown: CancellationToken) {
    let wake = Arc::new(Notify::new());
    let listener = tokio::spawn(listen(db.clone(), Arc::clone(&wake), shutdown.clone()));
    let mut sender = Sender::new(broker.clone());
    let mut set_up = false;
    let mut pruned_at = tokio::time::Instant::now();
    while !shutdown.is_cancelled() {
        if !set_up {
            match broker.set_up().await {
                Ok(()) => set_up = true,
                Err(err) => tracing::warn!(error = %format!("{err:#}"), "the queue broker is not ready"),
            }
        }
        if set_up {
            relay(&db, &mut sender).await;
        }
        if let (true, Broker::Postgres { config, .. }) = (set_up, &broker) {
            if pruned_at.elapsed() >= PRUNE_EVERY {
                pruned_at = tokio::time::Instant::now();
                match prune(&db, config.queue.as_ref(), OVERDUE).await {
                    Ok(pruned) => tracing::debug!(pruned, "pruned handled queue messages"),
                    Err(err) => tracing::warn!(error = %err, "cannot prune the queue's messages"),
                }
            }
        }
        tokio::select! {
            () = wake.notified() => {}
            () = tokio::time::sleep(SWEEP_EVERY) => {}
            () = shutdown.cancelled() => {}
        }
    }
    listener.abort();
}

/// One pass: the jobs due a message, each pushed; those the broker did not take are unmarked.
async fn relay(db: &PgPool, sender: &mut Sender) {
    let due = match queue::take_due(db, OVERDUE).await {
        Ok(due) => due,
        Err(err) => {
            tracing::warn!(error = %err, "cannot read the jobs to dispatch");
            return;
        }
    };
    for (index, job) in due.iter().enumerate() {
        let wake = Wake {
            kind: job.kind.clone(),
            id: job.id,
        };
        if let Err(err) = sender.push(wake).await {
            tracing::warn!(
                error = %format!("{err:#}"),
                broker = sender.broker.kind(),
                undispatched = due.len() - index,
                "the queue broker refused a message; the jobs stay in PostgreSQL and are dispatched when it is back"
            );
            if let Err(err) = queue::undispatch(db, &due[index..]).await {
                tracing::warn!(error = %err, "cannot unmark jobs; they are dispatched again when overdue");
            }
            return;
        }
        tracing::debug!(kind = %job.kind, id = %job.id, "dispatched");
    }
}

/// Deletes apalis-postgres's messages of `queue` older than `age`, returning how many, and the
/// records of its workers silent for [`WORKERS_FORGOTTEN`] that no message names. apalis keeps
/// every message it handed to a worker (as `Running`, since results are not kept) and every
/// worker it registered (one per consumer started), so without this its tables only grow. A
/// message older than [`OVERDUE`] is spent: a job it was for that still stands has been sent
/// another by then.
pub async fn prune(db: &PgPool, queue: &str, age: Duration) -> sqlx::Result<u64> {
    // Not checked queries: the `apalis` schema is apalis-postgres's, made at run time.
    let deleted = sqlx::query(
        "DELETE FROM apalis.jobs WHERE job_type = $1 AND run_at < now() - make_interval(secs => $2)",
    )
    .bind(queue)
    .bind(age.as_secs_f64())
    .execute(db)
    .await?;
    sqlx::query(
        "DELETE FROM apalis.workers w
         WHERE w.worker_type = $1 AND w.last_seen < now() - make_interval(secs => $2)
           AND NOT EXISTS (SELECT 1 FROM apalis.jobs j WHERE j.lock_by = w.id)",
    )
    .bind(queue)
    .bind(WORKERS_FORGOTTEN.as_secs_f64())
    .execute(db)
    .await?;
    Ok(deleted.rows_affected())
}

/// Wakes the dispatcher whenever a job is queued; reconnects when the connection drops.
async fn listen(db: PgPool, wake: Arc<Notify>, shutdown: CancellationToken) {
    while !shutdown.is_cancelled() {
        let listener = async {
            let mut listener = PgListener::connect_with(&db).await?;
            listener.listen(queue::JOBS_CHANNEL).await?;
            // Jobs queued while the connection was down.
            wake.notify_one();
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

/// Runs an apalis worker named after `name` on the broker, calling `handler` for each message
/// with at most `concurrency` at once, until `shutdown`. A broker that fails ends the apalis
/// worker; another is built a second later (a fresh name each time, since apalis-postgres
/// keeps the old one registered until its heartbeat runs out).
pub async fn consume<H, F>(
    broker: &Broker,
    name: &str,
    concurrency: usize,
    shutdown: CancellationToken,
    handler: H,
) where
    H: Fn(Wake) -> F + Clone + Send + Sync + 'static,
    F: Future<Output = ()> + Send + 'static,
{
    let mut generation = 0u32;
    while !shutdown.is_cancelled() {
        // apalis-postgres's worker polls its tables from the start: make them first (the
        // dispatcher does the same; both are idempotent).
        if let Err(err) = broker.set_up().await {
            tracing::warn!(error = %format!("{err:#}"), "the queue broker is not ready");
            tokio::select! {
                () = tokio::time::sleep(Duration::from_secs(1)) => {}
                () = shutdown.cancelled() => {}
            }
            continue;
        }
        generation += 1;
        let worker_name = format!("{name}/{generation}");
        let handler = handler.clone();
        let task = move |wake: Wake| {
            let handler = handler.clone();
            async move {
                handler(wake).await;
                // Always done: a job's attempts are counted in its row, not by apalis.
                Ok::<(), std::io::Error>(())
            }
        };
        let stop = shutdown.clone();
        let signal = async move {
            stop.cancelled().await;
            Ok::<(), std::io::Error>(())
        };
        let ran: anyhow::Result<()> = match broker {
            Broker::Postgres { pool, config } => {
                let storage = PostgresStorage::<Wake>::new(pool)
                    .with_config(config.clone())
                    .with_pubsub();
                WorkerBuilder::new(worker_name.as_str())
                    .backend(storage)
                    .concurrency(concurrency)
                    .build(task)
                    .run_until(signal)
                    .await
                    .map_err(|err| anyhow::anyhow!("{err}"))
            }
            Broker::Amqp { url, config } => {
                // As for PostgreSQL: no more messages in hand than slots, so that a message
                // waits in the broker for any host with a free slot.
                let config = config
                    .clone()
                    .prefetch_count(u16::try_from(concurrency).unwrap_or(u16::MAX));
                match connected_amqp(url, config).await {
                    Ok(backend) => WorkerBuilder::new(worker_name.as_str())
                        .backend(backend)
                        .concurrency(concurrency)
                        .build(task)
                        .run_until(signal)
                        .await
                        .map_err(|err| anyhow::anyhow!("{err}")),
                    Err(err) => Err(err),
                }
            }
        };
        if let Err(err) = ran {
            tracing::warn!(error = %format!("{err:#}"), broker = broker.kind(), "the queue consumer stopped; starting it again");
        }
        tokio::select! {
            () = tokio::time::sleep(Duration::from_secs(1)) => {}
            () = shutdown.cancelled() => {}
        }
    }
}

/// An apalis-amqp backend whose channel is open before apalis builds a worker on it.
/// apalis-amqp 1.0 clones the backend for its acknowledgements when the worker starts, before
/// the backend connects, and its first poll answers before the consumer exists: a backend
/// connected first (through its sink, which declares the queue) avoids both.
async fn connected_amqp(url: &str, config: apalis_amqp::Config) -> anyhow::Result<AmqpBackend<Wake>> {
    use futures::Sink;
    let mut backend = AmqpBackend::<Wake>::new_from_addr(url)
        .map_err(|err| anyhow::anyhow!("{err}"))?
        .with_config(config);
    let connect = std::future::poll_fn(|cx| {
        Sink::<apalis_amqp::AmqpTask>::poll_ready(std::pin::Pin::new(&mut backend), cx)
    });
    tokio::time::timeout(PUSH_TIMEOUT, connect)
        .await
        .map_err(|_| anyhow::anyhow!("the broker did not answer"))?
        .map_err(|err| anyhow::anyhow!("{err}"))?;
    Ok(backend)
}

/// Whether the broker answers, for `/readyz`: `None` for PostgreSQL (checked as the database).
pub async fn ping(broker: &Broker) -> Option<Result<(), String>> {
    match broker {
        Broker::Postgres { .. } => None,
        Broker::Amqp { url, .. } => {
            let connected =
                lapin::Connection::connect(url.as_ref(), lapin::ConnectionProperties::default()).await;
            Some(match connected {
                Ok(connection) => {
                    let _ = connection.close(200, "readyz".into()).await;
                    Ok(())
                }
                Err(err) => Err(err.to_string()),
            })
        }
    }
}

/// Where the broker is, for `/readyz` (never credentials).
pub fn describe(broker: &Broker) -> String {
    match broker {
        Broker::Postgres { config, .. } => format!("postgres queue {}", config.queue.as_ref()),
        Broker::Amqp { url, config } => {
            let place = url::Url::parse(url)
                .ok()
                .map(|url| format!("{}:{}", url.host_str().unwrap_or("?"), url.port().unwrap_or(5672)))
                .unwrap_or_else(|| "?".to_owned());
            format!("amqp {place} queue {}", config.queue.as_ref())
        }
    }
}

impl std::fmt::Debug for Broker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&describe(self))
    }
}
