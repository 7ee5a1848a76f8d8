//! Changing a password and getting one back: a signed-in user's password change, and the
//! one-time reset links an admin issues (from `coderank user reset-link` or the users page),
//! since CodeRank assumes no mail server.
//!
//! Both replace the password hash and end sessions in one transaction. A change keeps the
//! session that made it and ends every other; a reset ends them all, since whoever had the
//! account before may not be the one holding the link. Personal API tokens outlive both: they
//! are named, listed at `/api/v1/tokens` and revoked one by one, and a password change should
//! not break a CI job.
//!
//! A reset link is `PUBLIC_URL/password-reset#token=crp_…`: the token sits in the fragment, which
//! browsers send to no server (no access log, no `Referer`); the page's script posts it to
//! `/api/v1/auth/password-reset`. Only its SHA-256 is stored, it expires after [`RESET_TTL`],
//! works once, and a newer link for the same user retires the older ones.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use url::Url;
use uuid::Uuid;

use super::{secrets, sessions, users};

/// How long a reset link works.
pub const RESET_TTL: Duration = Duration::from_secs(3600);

/// The web page a reset link opens.
pub const RESET_PAGE: &str = "/password-reset";

/// Sets a new password hash and ends every session of the user but `keep`, in one transaction.
#[tracing::instrument(skip_all)]
pub async fn change_password(
    db: &PgPool,
    user_id: Uuid,
    password_hash: &str,
    keep: Option<Uuid>,
) -> sqlx::Result<u64> {
    let mut transaction = db.begin().await?;
    users::set_password(&mut *transaction, user_id, password_hash).await?;
    let ended = sessions::revoke_all_of(&mut *transaction, user_id, keep).await?;
    transaction.commit().await?;
    Ok(ended)
}

/// A reset link just issued: the only place its token exists besides the holder's hands.
#[derive(Debug)]
pub struct ResetLink {
    /// What the admin hands over: the page on the public URL, the token in the fragment.
    pub url: Url,
    /// Shown beside the link, so the admin can tell the user how long it works.
    pub expires_at: DateTime<Utc>,
}

/// Issues a reset link for `user_id`, retiring the user's older links. `issued_by` is the admin
/// who asked (none from the command line).
#[tracing::instrument(skip_all)]
pub async fn issue_reset_link(
    db: &PgPool,
    public_url: &Url,
    user_id: Uuid,
    issued_by: Option<Uuid>,
) -> anyhow::Result<ResetLink> {
    let token = secrets::new_secret(secrets::PASSWORD_RESET_PREFIX);
    let mut transaction = db.begin().await?;
    sqlx::query!(
        "UPDATE password_resets SET used_at = now() WHERE user_id = $1 AND used_at IS NULL",
        user_id
    )
    .execute(&mut *transaction)
    .await?;
    let expires_at = sqlx::query_scalar!(
        r#"INSERT INTO password_resets (token_hash, user_id, issued_by, expires_at)
           VALUES ($1, $2, $3, now() + make_interval(secs => $4))
           RETURNING expires_at"#,
        secrets::hash(&token),
        user_id,
        issued_by,
        RESET_TTL.as_secs_f64(),
    )
    .fetch_one(&mut *transaction)
    .await?;
    transaction.commit().await?;
    let mut url = public_url.join(RESET_PAGE)?;
    url.set_fragment(Some(&format!("token={token}")));
    Ok(ResetLink { url, expires_at })
}

/// Why a reset link was refused.
#[derive(Debug, thiserror::Error)]
pub enum ResetError {
    #[error("the reset link is invalid, expired or already used: ask an admin for a new one")]
    Invalid,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Uses a reset link: sets the new password hash and ends every session of its user, in one
/// transaction; answers the user. A second use, an expired or retired link, or an unknown token
/// is [`ResetError::Invalid`] and changes nothing.
#[tracing::instrument(skip_all)]
pub async fn redeem_reset_link(db: &PgPool, token: &str, password_hash: &str) -> Result<Uuid, ResetError> {
    let mut transaction = db.begin().await?;
    let user_id = sqlx::query_scalar!(
        r#"UPDATE password_resets SET used_at = now()
           WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()
           RETURNING user_id"#,
        secrets::hash(token),
    )
    .fetch_optional(&mut *transaction)
    .await?
    .ok_or(ResetError::Invalid)?;
    users::set_password(&mut *transaction, user_id, password_hash).await?;
    sessions::revoke_all_of(&mut *transaction, user_id, None).await?;
    transaction.commit().await?;
    Ok(user_id)
}
