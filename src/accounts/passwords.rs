//! Password hashing with argon2id (the argon2 crate's defaults: 19 MiB, 2 passes, OWASP's
//! recommendation), on the blocking pool so a login never stalls the async workers.

use argon2::{
    password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Argon2,
};

/// Hashes a password into a PHC string (`$argon2id$v=19$…`).
pub async fn hash(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|err| anyhow::anyhow!("cannot hash a password: {err}"))
    })
    .await?
}

/// Whether `password` matches `stored`. With no stored hash (an unknown e-mail, or a user who
/// only signs in through a provider) it still spends the time of one verification, so response
/// times do not tell which e-mail addresses have accounts.
pub async fn verify(password: String, stored: Option<String>) -> anyhow::Result<bool> {
    tokio::task::spawn_blocking(move || {
        let (stored, real) = match stored {
            Some(stored) => (stored, true),
            None => (DECOY.to_owned(), false),
        };
        let parsed = PasswordHash::new(&stored)
            .map_err(|err| anyhow::anyhow!("a stored password hash is malformed: {err}"))?;
        let matches = Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        Ok(real && matches)
    })
    .await?
}

/// A hash of a random password, verified against when there is no real one.
const DECOY: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Jq0YVhS5Yy3Xf9Bh6ZC6eOlIw1rGfO0kR2pQ6Yq1+7o";

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_password_verifies_against_its_own_hash_only() {
        let stored = hash("correct horse".into()).await.expect("hash");
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify("correct horse".into(), Some(stored.clone()))
            .await
            .expect("verify"));
        assert!(!verify("wrong horse".into(), Some(stored)).await.expect("verify"));
        assert!(!verify("correct horse".into(), None).await.expect("verify"));
    }
}
