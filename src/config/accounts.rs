//! Settings of sign-in, sessions and rate limits (`coderank serve`).

use std::time::Duration;

use clap::Args;

use super::oauth;

/// Sign-in, sessions and rate limits.
#[derive(Debug, Clone, Args)]
pub struct AccountsConfig {
    /// The URL users reach CodeRank at. OAuth redirect URLs are built from it, and session
    /// cookies are marked `Secure` when it is https.
    #[arg(long, env = "CODERANK_PUBLIC_URL", default_value = "http://127.0.0.1:8080")]
    pub public_url: url::Url,

    /// Allow sign-in with e-mail and password.
    #[arg(long, env = "CODERANK_LOCAL_LOGIN", default_value_t = true, action = clap::ArgAction::Set)]
    pub local_login: bool,

    /// Allow anyone to register a local account (needs local login).
    #[arg(long, env = "CODERANK_REGISTRATION", default_value_t = true, action = clap::ArgAction::Set)]
    pub registration: bool,

    /// Lifetime of an access token (JWT), in seconds.
    #[arg(long, env = "CODERANK_ACCESS_TOKEN_TTL_SECS", default_value_t = 900)]
    pub access_token_ttl_secs: u64,

    /// Lifetime of a session (browser cookie or refresh token), in days.
    #[arg(long, env = "CODERANK_SESSION_TTL_DAYS", default_value_t = 30)]
    pub session_ttl_days: u32,

    /// Submissions per user: `RATE/UNIT[:BURST]` (unit `s`, `min`, `h` or `day`), or `off`.
    #[arg(long, env = "CODERANK_RATE_SUBMIT", default_value = "5/min:10")]
    pub rate_submit: RateSpec,

    /// Sign-in attempts per client IP (password logins and OAuth starts).
    #[arg(long, env = "CODERANK_RATE_LOGIN", default_value = "30/min:60")]
    pub rate_login: RateSpec,

    /// Registrations per client IP.
    #[arg(long, env = "CODERANK_RATE_REGISTER", default_value = "20/h:40")]
    pub rate_register: RateSpec,

    /// Password changes per user, and password-reset attempts per client IP.
    #[arg(long, env = "CODERANK_RATE_PASSWORD", default_value = "10/h:10")]
    pub rate_password: RateSpec,

    /// Take the client IP from the last `X-Forwarded-For` entry (set only behind a proxy that
    /// writes it); otherwise the TCP peer address is the client.
    #[arg(long, env = "CODERANK_TRUST_FORWARDED_FOR", default_value_t = false, action = clap::ArgAction::Set)]
    pub trust_forwarded_for: bool,

    /// OAuth providers to offer, comma-separated: `github`, `google`, `facebook`, or any other name for a
    /// generic OpenID Connect provider. Each is configured by `CODERANK_OAUTH_<NAME>_*`
    /// variables (README, Configuration).
    #[arg(
        long = "oauth-providers",
        env = "CODERANK_OAUTH_PROVIDERS",
        default_value = "",
        hide_default_value = true,
        value_parser = |list: &str| oauth::OAuthProviders::from_env(list).map_err(|err| format!("{err:#}"))
    )]
    pub oauth_providers: oauth::OAuthProviders,
}

impl AccountsConfig {
    pub fn access_token_ttl(&self) -> Duration {
        Duration::from_secs(self.access_token_ttl_secs)
    }

    pub fn session_ttl(&self) -> Duration {
        Duration::from_secs(u64::from(self.session_ttl_days) * 24 * 3600)
    }

    /// Cookies get `Secure` when users reach CodeRank over https.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.scheme() == "https"
    }
}

/// A token-bucket rate: `burst` requests at once, refilled at `per_second`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    pub per_second: f64,
    pub burst: f64,
}

/// A configured rate limit, or none.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateSpec(pub Option<Rate>);

impl std::str::FromStr for RateSpec {
    type Err = String;

    /// `5/min` (burst = rate), `5/min:10`, or `off`.
    fn from_str(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("off") {
            return Ok(Self(None));
        }
        let invalid =
            || format!("invalid rate {text:?}: expected RATE/UNIT[:BURST] such as 5/min:10, or off");
        let (rate, burst) = match text.split_once(':') {
            Some((rate, burst)) => (rate, Some(burst)),
            None => (text, None),
        };
        let (count, unit) = rate.split_once('/').ok_or_else(invalid)?;
        let count: u32 = count.trim().parse().map_err(|_| invalid())?;
        let seconds = match unit.trim() {
            "s" | "sec" | "second" => 1.0,
            "min" | "minute" => 60.0,
            "h" | "hour" => 3600.0,
            "day" => 86_400.0,
            _ => return Err(invalid()),
        };
        let burst: u32 = match burst {
            Some(burst) => burst.trim().parse().map_err(|_| invalid())?,
            None => count,
        };
        if count == 0 || burst == 0 {
            return Err(format!(
                "invalid rate {text:?}: rate and burst must be at least 1 (or say off)"
            ));
        }
        Ok(Self(Some(Rate {
            per_second: f64::from(count) / seconds,
            burst: f64::from(burst),
        })))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_parse_with_and_without_a_burst() {
        let rate = |text: &str| text.parse::<RateSpec>().map(|spec| spec.0);
        assert_eq!(
            rate("5/min:10"),
            Ok(Some(Rate {
                per_second: 5.0 / 60.0,
                burst: 10.0
            }))
        );
        assert_eq!(
            rate("2/s"),
            Ok(Some(Rate {
                per_second: 2.0,
                burst: 2.0
            }))
        );
        assert_eq!(rate("off"), Ok(None));
        for bad in ["", "5", "5/week", "0/min", "5/min:0", "x/min", "5/min:y"] {
            assert!(rate(bad).is_err(), "{bad:?} was accepted");
        }
    }
}
