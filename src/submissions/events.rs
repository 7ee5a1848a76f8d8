//! Submission changes and finished playground runs as streams inside one API process, fed by
//! PostgreSQL `LISTEN`, so a WebSocket client (or a request waiting for its run) hears about a
//! result whichever process (or machine) recorded it.

use std::{sync::Arc, time::Duration};

use sqlx::{postgres::PgListener, PgPool};
use tokio::sync::broadcast;
use tokio_util::sync::{CancellationToken, DropGuard};
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

/// The process-wide streams of changes. Clones share them; the listener stops when the last
/// clone is dropped (a process that builds several servers, as `bench-pipeline` and the tests
/// do, keeps no listener of a server gone).
#[derive(Debug, Clone)]
pub struct Events {
    sender: Arc<broadcast::Sender<Changed>>,
    /// Ids of playground runs just finished.
    runs: Arc<broadcast::Sender<Uuid>>,
    /// Cancels the listener when the last clone goes.
    _listening: Arc<DropGuard>,
}

impl Events {
    /// Starts listening in the background; reconnects after a dropped connection.
    pub fn start(db: PgPool) -> Self {
        let sender = Arc::new(broadcast::channel(1024).0);
        let runs = Arc::new(broadcast::channel(1024).0);
        let stop = CancellationToken::new();
        let feed = Feed {
            sender: sender.clone(),
            runs: runs.clone(),
        };
        tokio::spawn(stop.clone().run_until_cancelled_owned(async move {
            loop {
                if let Err(err) = feed.feed(&db).await {
                    tracing::warn!(error = %err, "lost submission notifications; reconnecting");
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }));
        Self {
            sender,
            runs,
            _listening: Arc::new(stop.drop_guard()),
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Changed> {
        self.sender.subscribe()
    }

    /// Ids of playground runs as they finish.
    pub fn subscribe_runs(&self) -> broadcast::Receiver<Uuid> {
        self.runs.subscribe()
    }
}

/// What the listener feeds: the senders only, so that it keeps no [`Events`] alive.
struct Feed {
    sender: Arc<broadcast::Sender<Changed>>,
    runs: Arc<broadcast::Sender<Uuid>>,
}

impl Feed {
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
