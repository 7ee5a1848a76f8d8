//! Random secrets and how they are stored.
//!
//! Every bearer secret CodeRank hands out (session cookies, refresh tokens, API tokens, OAuth
//! `state`, password-reset links) is 32 random bytes from the OS, base64url-encoded behind a short
//! prefix that tells a reader what it is (`crk_` API token, `crr_` refresh token, `crs_` browser
//! session, `crp_` password reset). Only the
//! SHA-256 of a secret is stored: a leaked database does not sign anyone in. SHA-256 without
//! salt is enough here because the secrets are uniformly random, unlike passwords.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// Prefix of personal API tokens.
pub const API_TOKEN_PREFIX: &str = "crk_";
/// Prefix of refresh tokens.
pub const REFRESH_TOKEN_PREFIX: &str = "crr_";
/// Prefix of browser session cookies.
pub const BROWSER_SESSION_PREFIX: &str = "crs_";

/// Prefix of the tokens of one-time password-reset links.
pub const PASSWORD_RESET_PREFIX: &str = "crp_";

/// A new random secret, `prefix` followed by 43 base64url characters (256 bits).
pub fn new_secret(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// What the database keeps of a secret.
pub fn hash(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

/// The CSRF token of a browser session: derived from the session secret, so it needs no
/// storage, yet a page on another site can neither read nor compute it.
pub fn csrf_token(session_secret: &str) -> String {
    let mut digest = Sha256::new();
    digest.update(b"coderank csrf v1\0");
    digest.update(session_secret.as_bytes());
    URL_SAFE_NO_PAD.encode(digest.finalize())
}

/// Compares two strings in time independent of where they differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_prefixed_random_and_hash_stably() {
        let a = new_secret(API_TOKEN_PREFIX);
        let b = new_secret(API_TOKEN_PREFIX);
        assert!(a.starts_with("crk_") && a.len() == 4 + 43, "{a}");
        assert_ne!(a, b);
        assert_eq!(hash(&a), hash(&a));
        assert_ne!(hash(&a), hash(&b));
    }

    #[test]
    fn csrf_tokens_depend_on_the_session() {
        assert_eq!(csrf_token("crs_a"), csrf_token("crs_a"));
        assert_ne!(csrf_token("crs_a"), csrf_token("crs_b"));
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "ab"));
    }
}
