//! Judge0 callbacks, sent from the database: a run that names a `callback_url` is recorded
//! with its callback pending (`submissions::judge0::outbox`), and every API process looks for
//! finished ones twice a second, claims one for the time a delivery may take, sends it
//! (`submissions::judge0::callback`: signed, retried on 5xx, public addresses only) and
//! settles it. An API process that stops loses nothing: the callback waits in its row, and one
//! that dies while sending leaves it to another process once its claim runs out (so a receiver
//! may, rarely, get a callback twice; the token tells them apart).

use std::{sync::Arc, time::Duration};

use secrecy::ExposeSecret;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

use super::render;
use crate::{
    app::AppState,
    submissions::{
        judge0::{
            callback::{self, Delivered, Delivery, Reach},
            outbox::{self, Due},
        },
        playground,
    },
};

/// The fields a callback carries (Judge0's), always in base64.
const CALLBACK_FIELDS: [&str; 13] = [
    "stdout",
    "stderr",
    "compile_output",
    "message",
    "exit_code",
    "exit_signal",
    "status",
    "created_at",
    "finished_at",
    "token",
    "time",
    "wall_time",
    "memory",
];
/// How often an API process looks for callbacks to send.
const POLL: Duration = Duration::from_millis(500);
/// Callbacks one API process sends at once.
const SENDERS: usize = 8;
/// How long one attempt may take.
const ATTEMPT_TIME: Duration = Duration::from_secs(5);

/// Sends due callbacks until `stop` is cancelled.
pub async fn send(state: AppState, stop: CancellationToken) {
    let senders = Arc::new(Semaphore::new(SENDERS));
    let delivery = match delivery(&state) {
        Ok(delivery) => delivery,
        Err(err) => {
            // No TLS or resolver to send with: the callbacks wait in their rows.
            tracing::error!(error = %err, "cannot make the HTTP client of callbacks; none is sent");
            return;
        }
    };
    // Every attempt, the waits between them, and room to record the end.
    let lease = delivery.deadline + ATTEMPT_TIME * delivery.max_tries + Duration::from_secs(30);
    loop {
        let mut wait = POLL;
        while let Ok(sender) = Arc::clone(&senders).try_acquire_owned() {
            match outbox::claim(&state.db, lease).await {
                Ok(Some(due)) => {
                    let (state, delivery) = (state.clone(), delivery.clone());
                    tokio::spawn(async move {
                        send_one(&state, &delivery, due).await;
                        drop(sender);
                    });
                }
                Ok(None) => break,
                Err(err) => {
                    // PostgreSQL away, perhaps: the callbacks wait in their rows.
                    tracing::warn!(error = %err, "cannot look for callbacks to send");
                    wait = POLL * 10;
                    break;
                }
            }
        }
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            () = stop.cancelled() => return,
        }
    }
}

/// How callbacks are delivered, from the configuration.
fn delivery(state: &AppState) -> reqwest::Result<Delivery> {
    let config = &state.submission_limits.judge0;
    let reach = Reach::new(&config.judge0_callback_allow);
    Ok(Delivery {
        secret: config
            .judge0_callback_secret
            .as_ref()
            .map(|secret| secret.expose_secret().as_bytes().to_vec()),
        max_tries: config.judge0_callback_max_tries,
        first_backoff: Duration::from_secs(1),
        deadline: Duration::from_secs(config.judge0_callback_deadline_secs),
        timeout: ATTEMPT_TIME,
        client: reach.client()?,
        reach,
    })
}

/// Sends one claimed callback and settles it. A run that cannot be read now stays claimed, and
/// is tried again when the claim runs out.
async fn send_one(state: &AppState, delivery: &Delivery, due: Due) {
    let id = due.run_id;
    let detail = match playground::details(&state.db, due.user_id, &[id]).await {
        Ok(details) => details.into_iter().flatten().next(),
        Err(err) => {
            tracing::warn!(error = %err, run = %id, "cannot read a run to call back");
            return;
        }
    };
    let body = detail
        .map(|detail| render::submission(&detail, &CALLBACK_FIELDS, true))
        .map(|body| serde_json::to_vec(&body));
    let delivered = match body {
        Some(Ok(body)) => match callback::deliver(&due.url, body, delivery).await {
            Delivered::Answered { status, attempts } => {
                tracing::info!(run = %id, status, attempts, "callback delivered");
                true
            }
            Delivered::GaveUp { attempts, last_error } => {
                tracing::warn!(run = %id, attempts, error = %last_error, "callback not delivered");
                false
            }
        },
        Some(Err(err)) => {
            tracing::error!(error = %err, run = %id, "cannot encode a callback");
            false
        }
        None => {
            tracing::warn!(run = %id, "a run to call back is gone");
            false
        }
    };
    if let Err(err) = outbox::settle(&state.db, id, delivered).await {
        tracing::warn!(error = %err, run = %id, "cannot record how a callback ended; it may be sent again");
    }
}
