//! Submission changes as a stream inside one API process, fed by PostgreSQL `LISTEN`, so a
//! WebSocket client hears about a verdict whichever process (or machine) recorded it.

use std::{sync::Arc, time::Duration};

use sqlx::{postgres::PgListener, PgPool};
use tokio::sync::broadcast;
use uuid::Uuid;

use super::records::SUBMISSIONS_CHANNEL;

/// "This submission of this user changed": listeners re-read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Changed {
    pub submission_id: Uuid,
    pub user_id: Uuid,
}

/// The process-wide stream of changes.
#[derive(Debug, Clone)]
pub struct Events {
    sender: Arc<broadcast::Sender<Changed>>,
}

impl Events {
    /// Starts listening in the background; reconnects after a dropped connection.
    pub fn start(db: PgPool) -> Self {
        let (sender, _) = broadcast::channel(1024);
        let sender = Arc::new(sender);
        let feeding = Arc::clone(&sender);
        tokio::spawn(async move {
            loop {
                if let Err(err) = feed(&db, &feeding).await {
                    tracing::warn!(error = %err, "lost submission notifications; reconnecting");
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        });
        Self { sender }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Changed> {
        self.sender.subscribe()
    }
}

async fn feed(db: &PgPool, sender: &broadcast::Sender<Changed>) -> sqlx::Result<()> {
    let mut listener = PgListener::connect_with(db).await?;
    listener.listen(SUBMISSIONS_CHANNEL).await?;
    loop {
        let notification = listener.recv().await?;
        let mut parts = notification.payload().split(' ');
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
