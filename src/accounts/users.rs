//! Users: who they are, what they may do, and the queries that read and change them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::PgExecutor;
use utoipa::ToSchema;
use uuid::Uuid;

/// What a user may do. Admins manage problems, users and rejudges; users compete.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    User,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::User => "user",
            Self::Admin => "admin",
        }
    }

    fn from_db(text: &str) -> Self {
        // The column's CHECK constraint allows only these two.
        if text == "admin" {
            Self::Admin
        } else {
            Self::User
        }
    }
}

/// A user as the rest of the application sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct User {
    pub id: Uuid,
    /// Verified or self-registered e-mail; absent for provider accounts without a verified one.
    pub email: Option<String>,
    pub display_name: String,
    pub role: Role,
    /// A disabled user cannot sign in, and their sessions and tokens stop working.
    pub disabled: bool,
    /// Judging priority, 0 (everyone) to 100: a user's fresh submissions are queued at
    /// `100 + priority`, so a premium user's are judged before earlier ones of ordinary users
    /// (and every fresh submission before any rejudge).
    pub priority: i32,
    pub created_at: DateTime<Utc>,
}

/// The highest priority an admin can give a user (the column's CHECK constraint).
pub const MAX_PRIORITY: i32 = 100;

/// An e-mail address, trimmed, checked for the shape `local@domain.tld`. Case is kept but
/// ignored when comparing (the column is `citext`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let valid = text.len() <= 254
            && !text.chars().any(|c| c.is_whitespace() || c.is_control())
            && match text.split_once('@') {
                Some((local, domain)) => {
                    !local.is_empty()
                        && !domain.contains('@')
                        && domain.contains('.')
                        && !domain.starts_with('.')
                        && !domain.ends_with('.')
                }
                None => false,
            };
        if valid {
            Ok(Self(text.to_owned()))
        } else {
            Err(format!("{text:?} is not an e-mail address"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A display name: 1 to 64 characters after trimming, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let length = text.chars().count();
        if length == 0 || length > 64 {
            return Err("display_name must be 1 to 64 characters".to_owned());
        }
        if text.chars().any(char::is_control) {
            return Err("display_name must not contain control characters".to_owned());
        }
        Ok(Self(text.to_owned()))
    }

    /// A name made from whatever a provider gave, never failing.
    pub fn lossy(text: &str) -> Self {
        let cleaned: String = text.chars().filter(|c| !c.is_control()).take(64).collect();
        Self::parse(&cleaned).unwrap_or_else(|_| Self("user".to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password: 8 to 256 characters. Length is the only rule (NIST SP 800-63B).
pub struct NewPassword(pub String);

impl NewPassword {
    pub fn parse(text: &str) -> Result<Self, String> {
        match text.chars().count() {
            0..8 => Err("password must be at least 8 characters".to_owned()),
            257.. => Err("password must be at most 256 characters".to_owned()),
            _ => Ok(Self(text.to_owned())),
        }
    }
}

struct UserRow {
    id: Uuid,
    email: Option<String>,
    display_name: String,
    role: String,
    disabled: bool,
    priority: i32,
    created_at: DateTime<Utc>,
}

impl From<UserRow> for User {
    fn from(row: UserRow) -> Self {
        Self {
            id: row.id,
            email: row.email,
            display_name: row.display_name,
            role: Role::from_db(&row.role),
            disabled: row.disabled,
            priority: row.priority,
            created_at: row.created_at,
        }
    }
}

/// Why a user could not be created.
#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    #[error("the e-mail address {0} is already taken")]
    EmailTaken(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Creates a user; a taken e-mail address is [`CreateError::EmailTaken`], not a database error.
#[tracing::instrument(skip_all)]
pub async fn create(
    db: impl PgExecutor<'_>,
    email: Option<&Email>,
    display_name: &DisplayName,
    role: Role,
    password_hash: Option<&str>,
) -> Result<User, CreateError> {
    let result = sqlx::query_as!(
        UserRow,
        r#"INSERT INTO users (email, display_name, role, password_hash)
           VALUES ($1::text, $2, $3, $4)
           RETURNING id, email::text, display_name, role, disabled, priority, created_at"#,
        email.map(Email::as_str),
        display_name.as_str(),
        role.as_str(),
        password_hash,
    )
    .fetch_one(db)
    .await;
    match result {
        Ok(row) => Ok(row.into()),
        Err(sqlx::Error::Database(err)) if err.constraint() == Some("users_email_key") => Err(
            CreateError::EmailTaken(email.map(|email| email.as_str().to_owned()).unwrap_or_default()),
        ),
        Err(err) => Err(err.into()),
    }
}

#[tracing::instrument(skip_all)]
pub async fn find(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Option<User>> {
    let row = sqlx::query_as!(
        UserRow,
        r#"SELECT id, email::text, display_name, role, disabled, priority, created_at FROM users WHERE id = $1"#,
        id
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(User::from))
}

/// A user and their password hash, for password sign-in.
#[tracing::instrument(skip_all)]
pub async fn find_for_login(
    db: impl PgExecutor<'_>,
    email: &Email,
) -> sqlx::Result<Option<(User, Option<String>)>> {
    let row = sqlx::query!(
        r#"SELECT id, email::text, display_name, role, disabled, priority, created_at, password_hash
           FROM users WHERE email = $1::text::citext"#,
        email.as_str()
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|row| {
        let user = UserRow {
            id: row.id,
            email: row.email,
            display_name: row.display_name,
            role: row.role,
            disabled: row.disabled,
            priority: row.priority,
            created_at: row.created_at,
        };
        (user.into(), row.password_hash)
    }))
}

#[tracing::instrument(skip_all)]
pub async fn find_by_email(db: impl PgExecutor<'_>, email: &Email) -> sqlx::Result<Option<User>> {
    let row = sqlx::query_as!(
        UserRow,
        r#"SELECT id, email::text, display_name, role, disabled, priority, created_at
           FROM users WHERE email = $1::text::citext"#,
        email.as_str()
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(User::from))
}

/// Every user, oldest first.
#[tracing::instrument(skip_all)]
pub async fn list(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<User>> {
    let rows = sqlx::query_as!(
        UserRow,
        r#"SELECT id, email::text, display_name, role, disabled, priority, created_at FROM users ORDER BY created_at, id"#
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(User::from).collect())
}

/// What an admin may change of a user; `None` keeps the current value.
#[derive(Debug, Default, Clone, Copy)]
pub struct Change {
    pub role: Option<Role>,
    pub disabled: Option<bool>,
    /// 0 to [`MAX_PRIORITY`]; the caller checks the range.
    pub priority: Option<i32>,
}

/// Changes role, disabled flag and/or priority.
#[tracing::instrument(skip_all)]
pub async fn update(db: impl PgExecutor<'_>, id: Uuid, change: Change) -> sqlx::Result<Option<User>> {
    let row = sqlx::query_as!(
        UserRow,
        r#"UPDATE users SET role = COALESCE($2, role), disabled = COALESCE($3, disabled),
               priority = COALESCE($4, priority)
           WHERE id = $1
           RETURNING id, email::text, display_name, role, disabled, priority, created_at"#,
        id,
        change.role.map(Role::as_str),
        change.disabled,
        change.priority,
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(User::from))
}

/// The stored password hash of a user; `None` when they have no password (or no account).
#[tracing::instrument(skip_all)]
pub async fn password_hash_of(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Option<String>> {
    let hash = sqlx::query_scalar!("SELECT password_hash FROM users WHERE id = $1", id)
        .fetch_optional(db)
        .await?;
    Ok(hash.flatten())
}

/// Replaces a user's password hash (sessions are the caller's business).
#[tracing::instrument(skip_all)]
pub async fn set_password(db: impl PgExecutor<'_>, id: Uuid, password_hash: &str) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE users SET password_hash = $2 WHERE id = $1",
        id,
        password_hash
    )
    .execute(db)
    .await?;
    Ok(())
}

/// The providers a user has signed in with, for their profile.
#[tracing::instrument(skip_all)]
pub async fn providers_of(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar!(
        "SELECT provider FROM identities WHERE user_id = $1 ORDER BY provider",
        id
    )
    .fetch_all(db)
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn e_mail_addresses_need_a_local_part_and_a_dotted_domain() {
        assert_eq!(
            Email::parse("  Ada@Example.org ").map(|e| e.0),
            Ok("Ada@Example.org".to_owned())
        );
        for bad in [
            "",
            "ada",
            "@example.org",
            "ada@",
            "ada@example",
            "a b@example.org",
            "a@b@c.org",
            "ada@.org",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn display_names_are_trimmed_and_bounded() {
        assert_eq!(DisplayName::parse("  Ada ").map(|n| n.0), Ok("Ada".to_owned()));
        assert!(DisplayName::parse("   ").is_err());
        assert!(DisplayName::parse(&"x".repeat(65)).is_err());
        assert!(DisplayName::parse("a\u{7}b").is_err());
        assert_eq!(DisplayName::lossy("\u{7}").as_str(), "user");
        assert_eq!(DisplayName::lossy(&"y".repeat(100)).as_str().len(), 64);
    }

    #[test]
    fn passwords_are_checked_for_length_only() {
        assert!(NewPassword::parse("short").is_err());
        assert!(NewPassword::parse("long enough").is_ok());
        assert!(NewPassword::parse(&"p".repeat(257)).is_err());
    }
}
