//! Accounts: who is signed in, and what they may do.
//!
//! - [`users`]: users, roles and the checks on their fields;
//! - [`passwords`]: argon2id hashing for local accounts;
//! - [`oauth`]: sign-in through GitHub, Google or any OAuth 2 / OIDC provider;
//! - [`sessions`]: signed-in browsers (cookie) and API clients (refresh token);
//! - [`keys`]: the short-lived JWT access tokens and their rotating signing keys;
//! - [`api_tokens`]: personal tokens for scripts and CI;
//! - [`recovery`]: password changes and the one-time reset links admins issue;
//! - [`rate_limit`]: token buckets in PostgreSQL, shared by every API process;
//! - [`secrets`]: random secrets and their hashes;
//! - [`commands`]: `coderank user …` and `coderank auth …`.
//!
//! The request side (the `CurrentUser` and `Admin` extractors, cookies and CSRF) is in
//! `src/app/extract.rs`, the routes in `src/http/auth.rs` and the pages in `src/web/users.rs`.

pub mod api_tokens;
pub mod commands;
pub mod keys;
pub mod oauth;
pub mod passwords;
pub mod rate_limit;
pub mod recovery;
pub mod secrets;
pub mod sessions;
pub mod users;

use std::sync::Arc;

use serde::Serialize;
use sqlx::PgPool;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::config::AccountsConfig;

/// Everything sign-in needs, held by the HTTP state. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Accounts {
    pub config: Arc<AccountsConfig>,
    pub keys: keys::KeyRing,
    pub providers: Arc<oauth::Providers>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SignInOptions {
    /// Whether e-mail and password sign-in works.
    pub local_login: bool,
    /// Whether anyone may register a local account.
    pub registration: bool,
    pub providers: Vec<ProviderInfo>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProviderInfo {
    pub name: String,
    pub display_name: String,
    /// Where a browser goes to sign in.
    pub login_url: String,
}

/// What an API client gets at sign-in and at each refresh.
pub struct TokenPair {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_in: u64,
}

impl Accounts {
    pub fn new(db: PgPool, config: AccountsConfig) -> anyhow::Result<Self> {
        Ok(Self {
            keys: keys::KeyRing::new(db, config.access_token_ttl()),
            providers: Arc::new(oauth::Providers::new(config.oauth_providers.0.clone())?),
            config: Arc::new(config),
        })
    }

    /// The ways to sign in on this server, as the API and the sign-in page show them.
    pub fn sign_in_options(&self) -> SignInOptions {
        SignInOptions {
            local_login: self.config.local_login,
            registration: self.config.local_login && self.config.registration,
            providers: self
                .providers
                .list()
                .iter()
                .map(|provider| ProviderInfo {
                    name: provider.name.clone(),
                    display_name: provider.display_name.clone(),
                    login_url: format!("/api/v1/auth/{}/login", provider.name),
                })
                .collect(),
        }
    }

    /// Starts an API session for a signed-in user.
    pub async fn start_api_session(&self, db: &PgPool, user_id: Uuid) -> anyhow::Result<TokenPair> {
        let session = sessions::create(db, user_id, sessions::Kind::Api, self.config.session_ttl()).await?;
        self.token_pair(user_id, session.id, session.secret).await
    }

    /// An access token for session `sid`, paired with its refresh token.
    pub async fn token_pair(
        &self,
        user_id: Uuid,
        sid: Uuid,
        refresh_token: String,
    ) -> anyhow::Result<TokenPair> {
        let ttl = self.config.access_token_ttl();
        Ok(TokenPair {
            access_token: self.keys.sign(user_id, sid, ttl).await?,
            refresh_token,
            expires_in: ttl.as_secs(),
        })
    }
}
