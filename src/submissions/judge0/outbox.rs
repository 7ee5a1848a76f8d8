//! Callbacks waiting to be sent, kept in `runs` (migration 0014): claimed for a while by one
//! sender once their run is finished, then settled as delivered or failed. The sending itself
//! is the API's (`src/http/judge0/callbacks.rs`), which renders the run as Judge0 does.

use std::time::Duration;

use sqlx::PgPool;
use uuid::Uuid;

/// A finished run whose callback is due, claimed by this sender until its lease runs out.
#[derive(Debug, Clone)]
pub struct Due {
    pub run_id: Uuid,
    pub user_id: Uuid,
    pub url: String,
}

/// Claims the finished run whose callback has waited longest and is not claimed by a sender
/// that is still within its lease; `None` when there is none.
pub async fn claim(db: &PgPool, lease: Duration) -> sqlx::Result<Option<Due>> {
    let row = sqlx::query!(
        r#"UPDATE runs SET callback_lease_until = now() + make_interval(secs => $1)
           WHERE id = (
               SELECT id FROM runs
               WHERE callback = 'pending' AND status = 'finished'
                 AND (callback_lease_until IS NULL OR callback_lease_until < now())
               ORDER BY finished_at
               LIMIT 1
               FOR UPDATE SKIP LOCKED
           )
           RETURNING id, user_id, spec->>'callback_url' AS url"#,
        lease.as_secs_f64(),
    )
    .fetch_optional(db)
    .await?;
    Ok(row.and_then(|row| {
        Some(Due {
            run_id: row.id,
            user_id: row.user_id,
            url: row.url?,
        })
    }))
}

/// Records how a claimed callback ended; it is not sent again.
pub async fn settle(db: &PgPool, run_id: Uuid, delivered: bool) -> sqlx::Result<()> {
    let state = if delivered { "delivered" } else { "failed" };
    sqlx::query!(
        "UPDATE runs SET callback = $2, callback_lease_until = NULL WHERE id = $1",
        run_id,
        state
    )
    .execute(db)
    .await?;
    Ok(())
}
