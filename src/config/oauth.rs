//! OAuth providers: which ones sign users in, and how each is reached.
//!
//! `--oauth-providers` / `CODERANK_OAUTH_PROVIDERS` names them (comma-separated); each is then
//! configured by `CODERANK_OAUTH_<NAME>_<SETTING>` variables, read as clap parses the name, so a
//! bad provider stops the command with clap's error. `github`, `google` and `facebook` are presets
//! that need only a client id and secret; any other name is a generic provider whose URLs and
//! claim names are given in full.
//!
//! A preset without a verified-e-mail claim and without an e-mail list (Facebook) never has its
//! e-mail trusted: its sign-ins find users by the provider's own id only, never by e-mail.

use std::collections::BTreeMap;

use secrecy::SecretString;
use url::Url;

/// The providers offered, in the order their buttons are shown.
#[derive(Debug, Clone, Default)]
pub struct OAuthProviders(pub Vec<ProviderConfig>);

impl OAuthProviders {
    /// The providers named in `list` (comma-separated; blanks ignored), each configured from
    /// the process environment.
    pub fn from_env(list: &str) -> anyhow::Result<Self> {
        Self::from_vars(list, &std::env::vars().collect())
    }

    pub fn from_vars(list: &str, vars: &BTreeMap<String, String>) -> anyhow::Result<Self> {
        list.split(',')
            .map(str::trim)
            .filter(|name| !name.is_empty())
            .map(|name| ProviderConfig::from_vars(name, vars))
            .collect::<anyhow::Result<_>>()
            .map(Self)
    }
}

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
    /// The provider `name`, configured by `vars`: `CLIENT_ID`, `CLIENT_SECRET` (both
    /// required), `AUTHORIZE_URL`, `TOKEN_URL`, `USERINFO_URL` (required unless a preset),
    /// `EMAILS_URL`, `SCOPES` (space- or comma-separated), `SUBJECT_CLAIM`, `EMAIL_CLAIM`,
    /// `EMAIL_VERIFIED_CLAIM`, `NAME_CLAIMS` (comma-separated), `CLIENT_AUTH` (`basic`/`body`),
    /// `DISPLAY_NAME`, each after the prefix `CODERANK_OAUTH_<NAME>_`.
    pub fn from_vars(name: &str, vars: &BTreeMap<String, String>) -> anyhow::Result<Self> {
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
            // Graph API: Facebook says nothing about whether the e-mail is verified, so no
            // e-mail of it is trusted (see `crate::accounts::oauth`).
            "facebook" => Self {
                display_name: Some("Facebook"),
                authorize_url: Some("https://www.facebook.com/v21.0/dialog/oauth"),
                token_url: Some("https://graph.facebook.com/v21.0/oauth/access_token"),
                userinfo_url: Some("https://graph.facebook.com/v21.0/me?fields=id,name,email"),
                emails_url: None,
                scopes: "email public_profile",
                subject_claim: "id",
                email_verified_claim: None,
                name_claims: "name",
                client_auth: "body",
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

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(list: &[(&str, &str)]) -> BTreeMap<String, String> {
        list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn presets_need_only_client_credentials() {
        let vars = vars(&[
            ("CODERANK_OAUTH_GITHUB_CLIENT_ID", "gh"),
            ("CODERANK_OAUTH_GITHUB_CLIENT_SECRET", "s1"),
            ("CODERANK_OAUTH_GOOGLE_CLIENT_ID", "go"),
            ("CODERANK_OAUTH_GOOGLE_CLIENT_SECRET", "s2"),
        ]);
        let OAuthProviders(providers) = OAuthProviders::from_vars("github, google,", &vars).expect("valid");
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
    fn the_facebook_preset_trusts_no_e_mail() {
        let vars = vars(&[
            ("CODERANK_OAUTH_FACEBOOK_CLIENT_ID", "fb"),
            ("CODERANK_OAUTH_FACEBOOK_CLIENT_SECRET", "s3"),
        ]);
        let OAuthProviders(providers) = OAuthProviders::from_vars("facebook", &vars).expect("valid");
        let facebook = &providers[0];
        assert_eq!(facebook.display_name, "Facebook");
        assert_eq!(facebook.subject_claim, "id");
        assert_eq!(facebook.email_verified_claim, None);
        assert_eq!(facebook.emails_url, None);
        assert_eq!(facebook.client_auth, ClientAuth::Body);
        assert_eq!(facebook.scopes, ["email", "public_profile"]);
        assert_eq!(facebook.authorize_url.host_str(), Some("www.facebook.com"));
        assert_eq!(facebook.userinfo_url.query(), Some("fields=id,name,email"));
    }

    #[test]
    fn a_generic_provider_needs_its_urls() {
        let missing = ProviderConfig::from_vars(
            "acme",
            &vars(&[
                ("CODERANK_OAUTH_ACME_CLIENT_ID", "id"),
                ("CODERANK_OAUTH_ACME_CLIENT_SECRET", "secret"),
            ]),
        );
        let message = format!("{:#}", missing.expect_err("URLs are missing"));
        assert!(message.contains("CODERANK_OAUTH_ACME_AUTHORIZE_URL"), "{message}");
        assert!(OAuthProviders::from_vars("Bad Name", &vars(&[])).is_err());
        assert!(OAuthProviders::from_vars(" ", &vars(&[]))
            .expect("none")
            .0
            .is_empty());
    }
}
