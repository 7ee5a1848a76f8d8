//! Sessions: a signed-in browser (cookie) or API client (refresh token).
//!
//! A session row holds the hash of its secret. API sessions rotate the secret on every refresh;
//! presenting a rotated-away refresh token again revokes the whole session, because only a thief
//! or a replay would do that. Logout sets `revoked_at`, which also kills the session's access
//! tokens at their next use.

use std::time::Duration;

use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;

use super::secrets;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Browser,
    Api,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Browser => "browser",
            Self::Api => "api",
        }
    }

    fn prefix(self) -> &'static str {
        match self {
            Self::Browser => secrets::BROWSER_SESSION_PREFIX,
            Self::Api => secrets::REFRESH_TOKEN_PREFIX,
        }
    }
}

/// A new session and its secret, which exists only in this value and in the client.
pub struct NewSession {
    pub id: Uuid,
    pub secret: String,
}

#[tracing::instrument(skip_all)]
pub async fn create(
    db: impl PgExecutor<'_>,
    user_id: Uuid,
    kind: Kind,
    ttl: Duration,
) -> sqlx::Result<NewSession> {
    let secret = secrets::new_secret(kind.prefix());
    let id = sqlx::query_scalar!(
        r#"INSERT INTO sessions (user_id, kind, secret_hash, expires_at)
           VALUES ($1, $2, $3, now() + make_interval(secs => $4))
           RETURNING id"#,
        user_id,
        kind.as_str(),
        secrets::hash(&secret),
        ttl.as_secs_f64(),
    )
    .fetch_one(db)
    .await?;
    Ok(NewSession { id, secret })
}

/// The live session a browser's cookie names: (session id, user id).
#[tracing::instrument(skip_all)]
pub async fn find_browser(db: impl PgExecutor<'_>, secret: &str) -> sqlx::Result<Option<(Uuid, Uuid)>> {
    let row = sqlx::query!(
        r#"SELECT id, user_id FROM sessions
           WHERE secret_hash = $1 AND kind = 'browser' AND revoked_at IS NULL AND expires_at > now()"#,
        secrets::hash(secret)
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|row| (row.id, row.user_id)))
}

/// Whether session `id` of `user_id` is live (an access token's check).
#[tracing::instrument(skip_all)]
pub async fn is_live(db: impl PgExecutor<'_>, id: Uuid, user_id: Uuid) -> sqlx::Result<bool> {
    let live = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM sessions
           WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL AND expires_at > now()) AS "live!""#,
        id,
        user_id
    )
    .fetch_one(db)
    .await?;
    Ok(live)
}

/// Why a refresh token was refused.
#[derive(Debug, thiserror::Error)]
pub enum RefreshError {
    #[error("the refresh token is invalid, expired or revoked")]
    Invalid,
    #[error("the refresh token was already used, so the session is revoked: sign in again")]
    Reused,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Rotates an API session's refresh token: answers (session id, user id, new secret).
#[tracing::instrument(skip_all)]
pub async fn refresh(db: &PgPool, secret: &str, ttl: Duration) -> Result<(Uuid, Uuid, String), RefreshError> {
    let presented = secrets::hash(secret);
    let fresh = secrets::new_secret(Kind::Api.prefix());
    let row = sqlx::query!(
        r#"UPDATE sessions
           SET previous_secret_hash = secret_hash, secret_hash = $2, last_used_at = now(),
               expires_at = now() + make_interval(secs => $3)
           WHERE secret_hash = $1 AND kind = 'api' AND revoked_at IS NULL AND expires_at > now()
           RETURNING id, user_id"#,
        presented,
        secrets::hash(&fresh),
        ttl.as_secs_f64(),
    )
    .fetch_optional(db)
    .await?;
    if let Some(row) = row {
        return Ok((row.id, row.user_id, fresh));
    }
    let reused = sqlx::query_scalar!(
        r#"UPDATE sessions SET revoked_at = COALESCE(revoked_at, now())
           WHERE previous_secret_hash = $1 RETURNING id"#,
        presented
    )
    .fetch_optional(db)
    .await?;
    Err(if reused.is_some() {
        RefreshError::Reused
    } else {
        RefreshError::Invalid
    })
}

/// Ends every live session of a user but `keep` (the caller's own, when it changed the
/// password); answers how many ended. Their access tokens stop at their next use.
#[tracing::instrument(skip_all)]
pub async fn revoke_all_of(db: impl PgExecutor<'_>, user_id: Uuid, keep: Option<Uuid>) -> sqlx::Result<u64> {
    let done = sqlx::query!(
        r#"UPDATE sessions SET revoked_at = now()
           WHERE user_id = $1 AND revoked_at IS NULL AND id IS DISTINCT FROM $2"#,
        user_id,
        keep
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}

#[tracing::instrument(skip_all)]
pub async fn revoke(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE sessions SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1",
        id
    )
    .execute(db)
    .await?;
    Ok(())
}
