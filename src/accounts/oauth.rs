//! Sign-in through an OAuth 2.0 / OpenID Connect provider: the authorization-code flow with
//! PKCE (RFC 7636) and a single-use `state` bound to the browser.
//!
//! `start` makes a state and a PKCE verifier, keeps them (hashed state) in `oauth_states` with
//! the hash of a random nonce that the browser gets as a cookie, and answers the provider's
//! authorize URL. `finish` deletes the state row as it reads it (so a state works once), checks
//! the cookie, exchanges the code with the verifier, reads the user info, and finds or creates
//! the user. An identity is found by (provider, subject) only; it is linked to an existing user
//! by e-mail only when the provider says that e-mail is verified.
//!
//! Providers come from the environment (see [`ProviderConfig::from_env`]): `github` and `google`
//! are presets that need only a client id and secret; any other name is a generic provider whose
//! URLs and claim names are given in full.

use std::{collections::BTreeMap, time::Duration};

use oauth2::{
    basic::BasicClient, AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenResponse, TokenUrl,
};
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use sqlx::PgPool;
use url::Url;

use super::{
    secrets,
    users::{self, DisplayName, Email, Role, User},
};

/// How long a user has to finish signing in at the provider.
pub const STATE_TTL: Duration = Duration::from_secs(600);

/// How CodeRank authenticates itself at the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientAuth {
    /// HTTP Basic (RFC 6749's recommendation).
    Basic,
    /// `client_id` and `client_secret` in the form body (GitHub's documented way).
    Body,
}

/// One configured provider.
#[derive(Debug, Clone)]
pub struct ProviderConfig {
    /// The URL segment: `/api/v1/auth/{name}/login`.
    pub name: String,
    /// What the sign-in button says.
    pub display_name: String,
    pub client_id: String,
    pub client_secret: SecretString,
    pub authorize_url: Url,
    pub token_url: Url,
    pub userinfo_url: Url,
    /// GitHub's list of the user's e-mails with their verified flags, since its user info does
    /// not say whether the e-mail is verified.
    pub emails_url: Option<Url>,
    pub scopes: Vec<String>,
    /// The user-info field with the stable user id (`sub`, or `id` at GitHub).
    pub subject_claim: String,
    pub email_claim: String,
    /// The user-info field saying the e-mail is verified; without one, no e-mail is trusted.
    pub email_verified_claim: Option<String>,
    /// User-info fields tried in order for the display name.
    pub name_claims: Vec<String>,
    pub client_auth: ClientAuth,
}

impl ProviderConfig {
    /// Providers named in `CODERANK_OAUTH_PROVIDERS` (comma-separated), each configured by
    /// `CODERANK_OAUTH_<NAME>_<SETTING>`: `CLIENT_ID`, `CLIENT_SECRET` (both required),
    /// `AUTHORIZE_URL`, `TOKEN_URL`, `USERINFO_URL` (required unless a preset), `EMAILS_URL`,
    /// `SCOPES` (space- or comma-separated), `SUBJECT_CLAIM`, `EMAIL_CLAIM`,
    /// `EMAIL_VERIFIED_CLAIM`, `NAME_CLAIMS` (comma-separated), `CLIENT_AUTH` (`basic`/`body`),
    /// `DISPLAY_NAME`.
    pub fn from_env() -> anyhow::Result<Vec<Self>> {
        Self::from_vars(&std::env::vars().collect())
    }

    pub fn from_vars(vars: &BTreeMap<String, String>) -> anyhow::Result<Vec<Self>> {
        let Some(list) = vars.get("CODERANK_OAUTH_PROVIDERS") else {
            return Ok(Vec::new());
        };
        list.split(',')
            .map(str::trim)
            .filter(|name| !name.is_empty())
            .map(|name| Self::one(name, vars))
            .collect()
    }

    fn one(name: &str, vars: &BTreeMap<String, String>) -> anyhow::Result<Self> {
        if !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            anyhow::bail!("OAuth provider name {name:?} must be lowercase letters, digits and '-'");
        }
        let prefix = format!("CODERANK_OAUTH_{}_", name.to_ascii_uppercase().replace('-', "_"));
        let var = |setting: &str| vars.get(&format!("{prefix}{setting}")).cloned();
        let preset = Preset::of(name);
        let required = |setting: &str, default: Option<&str>| {
            var(setting)
                .or_else(|| default.map(str::to_owned))
                .ok_or_else(|| anyhow::anyhow!("OAuth provider {name}: {prefix}{setting} is not set"))
        };
        let url = |setting: &str, default: Option<&str>| -> anyhow::Result<Url> {
            let text = required(setting, default)?;
            Url::parse(&text)
                .map_err(|err| anyhow::anyhow!("OAuth provider {name}: {prefix}{setting}: {err}"))
        };
        let list = |text: String| -> Vec<String> {
            text.split([',', ' '])
                .filter(|item| !item.is_empty())
                .map(str::to_owned)
                .collect()
        };
        let client_auth = match var("CLIENT_AUTH").as_deref().unwrap_or(preset.client_auth) {
            "basic" => ClientAuth::Basic,
            "body" => ClientAuth::Body,
            other => anyhow::bail!(
                "OAuth provider {name}: {prefix}CLIENT_AUTH must be basic or body, not {other:?}"
            ),
        };
        Ok(Self {
            name: name.to_owned(),
            display_name: var("DISPLAY_NAME")
                .unwrap_or_else(|| preset.display_name.unwrap_or(name).to_owned()),
            client_id: required("CLIENT_ID", None)?,
            client_secret: SecretString::from(required("CLIENT_SECRET", None)?),
            authorize_url: url("AUTHORIZE_URL", preset.authorize_url)?,
            token_url: url("TOKEN_URL", preset.token_url)?,
            userinfo_url: url("USERINFO_URL", preset.userinfo_url)?,
            emails_url: match var("EMAILS_URL").or_else(|| preset.emails_url.map(str::to_owned)) {
                Some(text) => Some(Url::parse(&text)?),
                None => None,
            },
            scopes: list(var("SCOPES").unwrap_or_else(|| preset.scopes.to_owned())),
            subject_claim: var("SUBJECT_CLAIM").unwrap_or_else(|| preset.subject_claim.to_owned()),
            email_claim: var("EMAIL_CLAIM").unwrap_or_else(|| "email".to_owned()),
            email_verified_claim: var("EMAIL_VERIFIED_CLAIM")
                .or_else(|| preset.email_verified_claim.map(str::to_owned))
                .filter(|claim| !claim.is_empty()),
            name_claims: list(var("NAME_CLAIMS").unwrap_or_else(|| preset.name_claims.to_owned())),
            client_auth,
        })
    }
}

/// Defaults of a provider; generic providers get the OpenID Connect names.
struct Preset {
    display_name: Option<&'static str>,
    authorize_url: Option<&'static str>,
    token_url: Option<&'static str>,
    userinfo_url: Option<&'static str>,
    emails_url: Option<&'static str>,
    scopes: &'static str,
    subject_claim: &'static str,
    email_verified_claim: Option<&'static str>,
    name_claims: &'static str,
    client_auth: &'static str,
}

impl Preset {
    fn of(name: &str) -> Self {
        match name {
            "github" => Self {
                display_name: Some("GitHub"),
                authorize_url: Some("https://github.com/login/oauth/authorize"),
                token_url: Some("https://github.com/login/oauth/access_token"),
                userinfo_url: Some("https://api.github.com/user"),
                emails_url: Some("https://api.github.com/user/emails"),
                scopes: "read:user user:email",
                subject_claim: "id",
                email_verified_claim: None,
                name_claims: "name,login",
                client_auth: "body",
            },
            "google" => Self {
                display_name: Some("Google"),
                authorize_url: Some("https://accounts.google.com/o/oauth2/v2/auth"),
                token_url: Some("https://oauth2.googleapis.com/token"),
                userinfo_url: Some("https://openidconnect.googleapis.com/v1/userinfo"),
                emails_url: None,
                scopes: "openid email profile",
                subject_claim: "sub",
                email_verified_claim: Some("email_verified"),
                name_claims: "name,email",
                client_auth: "basic",
            },
            _ => Self {
                display_name: None,
                authorize_url: None,
                token_url: None,
                userinfo_url: None,
                emails_url: None,
                scopes: "openid email profile",
                subject_claim: "sub",
                email_verified_claim: Some("email_verified"),
                name_claims: "name,preferred_username,email",
                client_auth: "basic",
            },
        }
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(list: &[(&str, &str)]) -> BTreeMap<String, String> {
        list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn presets_need_only_client_credentials() {
        let providers = ProviderConfig::from_vars(&vars(&[
            ("CODERANK_OAUTH_PROVIDERS", "github, google"),
            ("CODERANK_OAUTH_GITHUB_CLIENT_ID", "gh"),
            ("CODERANK_OAUTH_GITHUB_CLIENT_SECRET", "s1"),
            ("CODERANK_OAUTH_GOOGLE_CLIENT_ID", "go"),
            ("CODERANK_OAUTH_GOOGLE_CLIENT_SECRET", "s2"),
        ]))
        .expect("valid");
        assert_eq!(providers.len(), 2);
        assert_eq!(providers[0].subject_claim, "id");
        assert_eq!(providers[0].client_auth, ClientAuth::Body);
        assert!(providers[0].emails_url.is_some());
        assert_eq!(
            providers[1].email_verified_claim.as_deref(),
            Some("email_verified")
        );
        assert_eq!(providers[1].scopes, ["openid", "email", "profile"]);
    }

    #[test]
    fn a_generic_provider_needs_its_urls() {
        let missing = ProviderConfig::from_vars(&vars(&[
            ("CODERANK_OAUTH_PROVIDERS", "acme"),
            ("CODERANK_OAUTH_ACME_CLIENT_ID", "id"),
            ("CODERANK_OAUTH_ACME_CLIENT_SECRET", "secret"),
        ]));
        let message = format!("{:#}", missing.expect_err("URLs are missing"));
        assert!(message.contains("CODERANK_OAUTH_ACME_AUTHORIZE_URL"), "{message}");
        assert!(ProviderConfig::from_vars(&vars(&[("CODERANK_OAUTH_PROVIDERS", "Bad Name")])).is_err());
        assert!(ProviderConfig::from_vars(&vars(&[])).expect("none").is_empty());
    }
}
