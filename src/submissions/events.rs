//! Submission changes and finished playground runs as streams inside one API process, fed by
//! PostgreSQL `LISTEN`, so a WebSocket client (or a request waiting for its run) hears about a
//! result whichever process (or machine) recorded it.

use std::{sync::Arc, time::Duration};

use sqlx::{postgres::PgListener, PgPool};
use tokio::sync::broadcast;
use uuid::Uuid;

use super::records::SUBMISSIONS_CHANNEL;

/// The channel a finished playground run's id is announced on.
pub const RUNS_CHANNEL: &str = "coderank_runs";

/// "This submission of this user changed": listeners re-read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Changed {
    pub submission_id: Uuid,
    pub user_id: Uuid,
}

/// The process-wide streams of changes.
#[derive(Debug, Clone)]
pub struct Events {
    sender: Arc<broadcast::Sender<Changed>>,
    /// Ids of playground runs just finished.
    runs: Arc<broadcast::Sender<Uuid>>,
}

impl Events {
    /// Starts listening in the background; reconnects after a dropped connection.
    pub fn start(db: PgPool) -> Self {
        let events = Self {
            sender: Arc::new(broadcast::channel(1024).0),
            runs: Arc::new(broadcast::channel(1024).0),
        };
        let feeding = events.clone();
        tokio::spawn(async move {
            loop {
                if let Err(err) = feeding.feed(&db).await {
                    tracing::warn!(error = %err, "lost submission notifications; reconnecting");
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        });
        events
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Changed> {
        self.sender.subscribe()
    }

    /// Ids of playground runs as they finish.
    pub fn subscribe_runs(&self) -> broadcast::Receiver<Uuid> {
        self.runs.subscribe()
    }

    async fn feed(&self, db: &PgPool) -> sqlx::Result<()> {
        let mut listener = PgListener::connect_with(db).await?;
        listener.listen_all([SUBMISSIONS_CHANNEL, RUNS_CHANNEL]).await?;
        loop {
            let notification = listener.recv().await?;
            if notification.channel() == RUNS_CHANNEL {
                if let Ok(run_id) = Uuid::parse_str(notification.payload()) {
                    // No receivers is fine: nobody is waiting.
                    let _ = self.runs.send(run_id);
                }
                continue;
            }
            Self::changed(&self.sender, notification.payload());
        }
    }

    fn changed(sender: &broadcast::Sender<Changed>, payload: &str) {
        let mut parts = payload.split(' ');
        let ids = (
            parts.next().map(Uuid::parse_str),
            parts.next().map(Uuid::parse_str),
        );
        if let (Some(Ok(submission_id)), Some(Ok(user_id))) = ids {
            // No receivers is fine: nobody is watching.
            let _ = sender.send(Changed {
                submission_id,
                user_id,
            });
        }
    }
}
