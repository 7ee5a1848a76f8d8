//! The outbox relay: marks the jobs due a message and hands one message each to the broker
//! (see the module documentation of [`super`]).

use std::{sync::Arc, time::Duration};

use apalis::prelude::TaskSink;
use apalis_amqp::AmqpBackend;
use apalis_postgres::PostgresStorage;
use sqlx::{postgres::PgListener, PgPool};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use super::{Broker, Wake, OVERDUE, PRUNE_EVERY, PUSH_TIMEOUT, SWEEP_EVERY, WORKERS_FORGOTTEN};
use crate::submissions::queue;

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
