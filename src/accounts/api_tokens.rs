//! Personal API tokens: long-lived bearer secrets for scripts and CI, one per purpose, each
//! revocable on its own. The token is shown once at creation; the database keeps its hash and
//! its first characters (so a list can tell tokens apart).

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgExecutor;
use utoipa::ToSchema;
use uuid::Uuid;

use super::secrets;

/// How long the shown prefix is: `crk_` and four more characters.
const SHOWN_PREFIX_CHARS: usize = 8;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ApiToken {
    pub id: Uuid,
    pub name: String,
    /// The token's first characters, e.g. `crk_Ab3x`.
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// Creates a token; answers it and its secret (to be shown once).
#[tracing::instrument(skip_all)]
pub async fn create(
    db: impl PgExecutor<'_>,
    user_id: Uuid,
    name: &str,
    expires_in_days: Option<u32>,
) -> sqlx::Result<(ApiToken, String)> {
    let secret = secrets::new_secret(secrets::API_TOKEN_PREFIX);
    let prefix: String = secret.chars().take(SHOWN_PREFIX_CHARS).collect();
    let token = sqlx::query_as!(
        ApiToken,
        r#"INSERT INTO api_tokens (user_id, name, prefix, token_hash, expires_at)
           VALUES ($1, $2, $3, $4, now() + make_interval(days => $5))
           RETURNING id, name, prefix, created_at, last_used_at, expires_at"#,
        user_id,
        name,
        prefix,
        secrets::hash(&secret),
        expires_in_days.map(|days| days as i32),
    )
    .fetch_one(db)
    .await?;
    Ok((token, secret))
}

/// The user's live tokens, newest first.
#[tracing::instrument(skip_all)]
pub async fn list(db: impl PgExecutor<'_>, user_id: Uuid) -> sqlx::Result<Vec<ApiToken>> {
    sqlx::query_as!(
        ApiToken,
        r#"SELECT id, name, prefix, created_at, last_used_at, expires_at FROM api_tokens
           WHERE user_id = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())
           ORDER BY created_at DESC, id"#,
        user_id
    )
    .fetch_all(db)
    .await
}

/// Revokes one of the user's tokens; false when the user has no such live token.
#[tracing::instrument(skip_all)]
pub async fn revoke(db: impl PgExecutor<'_>, user_id: Uuid, id: Uuid) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL",
        id,
        user_id
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The live token a bearer secret names: (token id, user id). Marks it used (at most once a
/// minute, to spare the database a write per request).
#[tracing::instrument(skip_all)]
pub async fn authenticate(db: &sqlx::PgPool, secret: &str) -> sqlx::Result<Option<(Uuid, Uuid)>> {
    let hash = secrets::hash(secret);
    let row = sqlx::query!(
        r#"SELECT id, user_id, last_used_at FROM api_tokens
           WHERE token_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())"#,
        hash
    )
    .fetch_optional(db)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let stale = row
        .last_used_at
        .is_none_or(|used| Utc::now() - used > chrono::Duration::minutes(1));
    if stale {
        sqlx::query!("UPDATE api_tokens SET last_used_at = now() WHERE id = $1", row.id)
            .execute(db)
            .await?;
    }
    Ok(Some((row.id, row.user_id)))
}
