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

use std::{sync::Arc, time::Duration};

use apalis_postgres::PostgresStorage;
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};

use crate::config::{DatabaseConfig, QueueBroker, QueueConfig};

mod consume;
mod dispatch;

pub use consume::consume;
pub use dispatch::{dispatch, prune};

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
