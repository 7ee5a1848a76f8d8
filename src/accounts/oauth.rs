//! Sign-in through an OAuth 2.0 / OpenID Connect provider: the authorization-code flow with
//! PKCE (RFC 7636) and a single-use `state` bound to the browser.
//!
//! `start` makes a state and a PKCE verifier, keeps them (hashed state) in `oauth_states` with
//! the hash of a random nonce that the browser gets as a cookie, and answers the provider's
//! authorize URL. `finish` deletes the state row as it reads it (so a state works once), checks
//! the cookie, exchanges the code with the verifier, reads the user info, and finds or creates
//! the user. An identity is found by (provider, subject) only; it is linked to an existing user
//! by e-mail only when the provider says that e-mail is verified. A provider that never says so
//! (Facebook, or a generic one without `EMAIL_VERIFIED_CLAIM`) therefore never links by e-mail:
//! its first sign-in creates a new account without an e-mail, and later ones find that account by
//! the provider's id.
//!
//! Providers are configured in [`crate::config::oauth`].

use std::time::Duration;

use oauth2::{
    basic::BasicClient, AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenResponse, TokenUrl,
};
use secrecy::ExposeSecret;
use serde_json::Value;
use sqlx::PgPool;
use url::Url;

use super::{
    secrets,
    users::{self, DisplayName, Email, Role, User},
};
use crate::config::oauth::{ClientAuth, ProviderConfig};

/// How long a user has to finish signing in at the provider.
pub const STATE_TTL: Duration = Duration::from_secs(600);

/// Why an OAuth sign-in failed. Every case changes nothing but consuming the state.
#[derive(Debug, thiserror::Error)]
pub enum OAuthError {
    #[error("no OAuth provider is called {0:?}")]
    UnknownProvider(String),
    #[error("the provider answered an error: {0}")]
    ProviderError(String),
    #[error("the callback lacks `{0}`")]
    MissingParameter(&'static str),
    #[error("the sign-in state is unknown, expired or already used: start signing in again")]
    BadState,
    #[error("the sign-in was started in another browser: start signing in again")]
    WrongBrowser,
    #[error("the provider refused the authorization code: {0}")]
    CodeRejected(String),
    #[error("the provider's user info is unusable: {0}")]
    BadUserInfo(String),
    #[error("this account is disabled")]
    Disabled,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<sqlx::Error> for OAuthError {
    fn from(err: sqlx::Error) -> Self {
        Self::Internal(err.into())
    }
}

/// A started sign-in: where to send the browser, and the nonce for its cookie.
pub struct Started {
    pub authorize_url: Url,
    pub browser_nonce: String,
}

/// The providers CodeRank signs in with, and the HTTP client that talks to them.
#[derive(Debug, Clone)]
pub struct Providers {
    providers: Vec<ProviderConfig>,
    http: oauth2::reqwest::Client,
}

impl Providers {
    pub fn new(providers: Vec<ProviderConfig>) -> anyhow::Result<Self> {
        let http = oauth2::reqwest::Client::builder()
            // Following redirects from a token endpoint would open server-side request forgery.
            .redirect(oauth2::reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .user_agent(concat!("coderank/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self { providers, http })
    }

    pub fn list(&self) -> &[ProviderConfig] {
        &self.providers
    }

    fn get(&self, name: &str) -> Result<&ProviderConfig, OAuthError> {
        self.providers
            .iter()
            .find(|provider| provider.name == name)
            .ok_or_else(|| OAuthError::UnknownProvider(name.to_owned()))
    }

    /// Begins a sign-in at `provider`; `redirect_to` is where the browser lands afterwards.
    pub async fn start(
        &self,
        db: &PgPool,
        provider: &str,
        public_url: &Url,
        redirect_to: &str,
    ) -> Result<Started, OAuthError> {
        let config = self.get(provider)?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let client = client(config, public_url)?;
        let mut request = client
            .authorize_url(CsrfToken::new_random)
            .set_pkce_challenge(challenge);
        for scope in &config.scopes {
            request = request.add_scope(Scope::new(scope.clone()));
        }
        let (authorize_url, state) = request.url();
        let browser_nonce = secrets::new_secret("");
        sqlx::query!("DELETE FROM oauth_states WHERE expires_at < now()")
            .execute(db)
            .await?;
        sqlx::query!(
            r#"INSERT INTO oauth_states (state_hash, provider, browser_hash, pkce_verifier, redirect_to, expires_at)
               VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6))"#,
            secrets::hash(state.secret()),
            config.name,
            secrets::hash(&browser_nonce),
            verifier.secret(),
            redirect_to,
            STATE_TTL.as_secs_f64(),
        )
        .execute(db)
        .await?;
        Ok(Started {
            authorize_url,
            browser_nonce,
        })
    }

    /// Completes a sign-in from the callback's parameters; answers the user and where to go.
    pub async fn finish(
        &self,
        db: &PgPool,
        provider: &str,
        public_url: &Url,
        callback: Callback,
        browser_nonce: Option<&str>,
    ) -> Result<(User, String), OAuthError> {
        let config = self.get(provider)?;
        let state = callback.state.ok_or(OAuthError::MissingParameter("state"))?;
        // The state is consumed whatever happens next: a failed callback cannot be replayed.
        let pending = sqlx::query!(
            r#"DELETE FROM oauth_states WHERE state_hash = $1 AND provider = $2
               RETURNING browser_hash, pkce_verifier, redirect_to, expires_at > now() AS "live!""#,
            secrets::hash(&state),
            config.name,
        )
        .fetch_optional(db)
        .await?
        .filter(|pending| pending.live)
        .ok_or(OAuthError::BadState)?;
        let from_same_browser =
            browser_nonce.is_some_and(|nonce| secrets::hash(nonce) == pending.browser_hash);
        if !from_same_browser {
            return Err(OAuthError::WrongBrowser);
        }
        if let Some(error) = callback.error {
            let description = callback.error_description.map(|text| format!(" ({text})"));
            return Err(OAuthError::ProviderError(format!(
                "{error}{}",
                description.unwrap_or_default()
            )));
        }
        let code = callback.code.ok_or(OAuthError::MissingParameter("code"))?;
        let token = client(config, public_url)?
            .exchange_code(AuthorizationCode::new(code))
            .set_pkce_verifier(PkceCodeVerifier::new(pending.pkce_verifier))
            .request_async(&self.http)
            .await
            .map_err(|err| OAuthError::CodeRejected(describe_token_error(&err)))?;
        let access_token = token.access_token().secret();
        let info = self.user_info(config, access_token).await?;
        let user = sign_in(db, config, &info).await?;
        Ok((user, pending.redirect_to))
    }

    async fn user_info(&self, config: &ProviderConfig, access_token: &str) -> Result<Identity, OAuthError> {
        let info: serde_json::Map<String, Value> = self.get_json(&config.userinfo_url, access_token).await?;
        let subject = match info.get(&config.subject_claim) {
            Some(Value::String(text)) if !text.is_empty() => text.clone(),
            Some(Value::Number(number)) => number.to_string(),
            _ => {
                return Err(OAuthError::BadUserInfo(format!(
                    "it has no `{}` (the user id)",
                    config.subject_claim
                )))
            }
        };
        let claimed_email = info
            .get(&config.email_claim)
            .and_then(Value::as_str)
            .map(str::to_owned);
        let verified = config.email_verified_claim.as_ref().is_some_and(|claim| {
            matches!(info.get(claim), Some(Value::Bool(true)))
                || info.get(claim).and_then(Value::as_str) == Some("true")
        });
        let mut verified_email = claimed_email.clone().filter(|_| verified);
        if verified_email.is_none() {
            if let Some(emails_url) = &config.emails_url {
                verified_email = self.verified_primary_email(emails_url, access_token).await?;
            }
        }
        let name = config
            .name_claims
            .iter()
            .find_map(|claim| {
                info.get(claim)
                    .and_then(Value::as_str)
                    .filter(|text| !text.trim().is_empty())
            })
            .map(str::to_owned);
        Ok(Identity {
            subject,
            claimed_email,
            verified_email: verified_email.and_then(|email| Email::parse(&email).ok()),
            name,
        })
    }

    async fn verified_primary_email(
        &self,
        url: &Url,
        access_token: &str,
    ) -> Result<Option<String>, OAuthError> {
        #[derive(serde::Deserialize)]
        struct Entry {
            email: String,
            #[serde(default)]
            primary: bool,
            #[serde(default)]
            verified: bool,
        }
        let entries: Vec<Entry> = self.get_json(url, access_token).await?;
        Ok(entries
            .into_iter()
            .find(|entry| entry.primary && entry.verified)
            .map(|entry| entry.email))
    }

    async fn get_json<T: serde::de::DeserializeOwned>(
        &self,
        url: &Url,
        access_token: &str,
    ) -> Result<T, OAuthError> {
        let response = self
            .http
            .get(url.clone())
            .bearer_auth(access_token)
            .header("accept", "application/json")
            .send()
            .await
            .map_err(|err| OAuthError::BadUserInfo(format!("cannot reach {url}: {err}")))?;
        let status = response.status();
        if !status.is_success() {
            return Err(OAuthError::BadUserInfo(format!("{url} answered {status}")));
        }
        let body = response
            .bytes()
            .await
            .map_err(|err| OAuthError::BadUserInfo(format!("reading {url}: {err}")))?;
        serde_json::from_slice(&body)
            .map_err(|err| OAuthError::BadUserInfo(format!("{url} did not answer the expected JSON: {err}")))
    }
}

/// The query parameters of a callback.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
pub struct Callback {
    pub code: Option<String>,
    pub state: Option<String>,
    /// Set by the provider when the user declined or the request was bad.
    pub error: Option<String>,
    pub error_description: Option<String>,
}

/// What a provider said about the user.
struct Identity {
    subject: String,
    claimed_email: Option<String>,
    verified_email: Option<Email>,
    name: Option<String>,
}

type Client = BasicClient<
    oauth2::EndpointSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointSet,
>;

fn client(config: &ProviderConfig, public_url: &Url) -> anyhow::Result<Client> {
    let redirect = public_url.join(&format!("/api/v1/auth/{}/callback", config.name))?;
    Ok(BasicClient::new(ClientId::new(config.client_id.clone()))
        .set_client_secret(ClientSecret::new(config.client_secret.expose_secret().to_owned()))
        .set_auth_uri(AuthUrl::from_url(config.authorize_url.clone()))
        .set_token_uri(TokenUrl::from_url(config.token_url.clone()))
        .set_redirect_uri(RedirectUrl::from_url(redirect))
        .set_auth_type(match config.client_auth {
            ClientAuth::Basic => AuthType::BasicAuth,
            ClientAuth::Body => AuthType::RequestBody,
        }))
}

fn describe_token_error<RE: std::error::Error + 'static>(
    err: &oauth2::RequestTokenError<RE, oauth2::basic::BasicErrorResponse>,
) -> String {
    match err {
        oauth2::RequestTokenError::ServerResponse(response) => response.to_string(),
        oauth2::RequestTokenError::Request(_) => "the token endpoint cannot be reached".to_owned(),
        oauth2::RequestTokenError::Parse(_, _) => "the token endpoint did not answer a token".to_owned(),
        oauth2::RequestTokenError::Other(text) => text.clone(),
    }
}

/// Finds the user of an identity, links it to the user with its verified e-mail, or creates a
/// user: all in one transaction.
async fn sign_in(db: &PgPool, config: &ProviderConfig, identity: &Identity) -> Result<User, OAuthError> {
    let mut transaction = db.begin().await?;
    let known = sqlx::query_scalar!(
        r#"UPDATE identities SET last_login_at = now(), email = $3::text
           WHERE provider = $1 AND subject = $2 RETURNING user_id"#,
        config.name,
        identity.subject,
        identity.claimed_email,
    )
    .fetch_optional(&mut *transaction)
    .await?;
    let user = match known {
        Some(user_id) => users::find(&mut *transaction, user_id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("identity of a missing user"))?,
        None => {
            let existing = match &identity.verified_email {
                Some(email) => users::find_by_email(&mut *transaction, email).await?,
                None => None,
            };
            let user = match existing {
                Some(user) => user,
                None => {
                    let name = DisplayName::lossy(identity.name.as_deref().unwrap_or(&config.display_name));
                    users::create(
                        &mut *transaction,
                        identity.verified_email.as_ref(),
                        &name,
                        Role::User,
                        None,
                    )
                    .await
                    .map_err(|err| OAuthError::Internal(err.into()))?
                }
            };
            sqlx::query!(
                "INSERT INTO identities (provider, subject, user_id, email) VALUES ($1, $2, $3, $4::text)",
                config.name,
                identity.subject,
                user.id,
                identity.claimed_email,
            )
            .execute(&mut *transaction)
            .await?;
            user
        }
    };
    // Refused before committing: a disabled account gains no identity and records no login.
    if user.disabled {
        return Err(OAuthError::Disabled);
    }
    transaction.commit().await?;
    Ok(user)
}
