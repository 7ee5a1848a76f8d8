//! The consuming side: an apalis worker on the broker that calls the slots' handler for each
//! wake-up message, rebuilt whenever the broker connection fails.

use std::{future::Future, time::Duration};

use apalis::prelude::{WorkerBuilder, WorkerBuilderExt};
use apalis_amqp::AmqpBackend;
use apalis_postgres::PostgresStorage;
use tokio_util::sync::CancellationToken;

use super::{Broker, Wake, PUSH_TIMEOUT};

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
