//! Access tokens: short-lived JWTs signed with HS256 by keys kept in PostgreSQL.
//!
//! Every API process shares the `signing_keys` table, so a token signed by one verifies at all.
//! The newest live key signs; retired keys keep verifying for one access-token lifetime, which is
//! what `coderank auth rotate-key` relies on. Verification accepts HS256 only: a token whose
//! header says `none`, RS256 or anything else is refused before its signature is looked at, which
//! closes the algorithm-confusion attacks.
//!
//! Keys are cached for [`CACHE_FOR`]; an unknown `kid` reloads them at once (at most once a
//! second), so a key made by another process is usable immediately.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use tokio::sync::RwLock;
use uuid::Uuid;

const CACHE_FOR: Duration = Duration::from_secs(30);
const RELOAD_AT_MOST_EVERY: Duration = Duration::from_secs(1);

/// The claims of an access token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// The user's id.
    pub sub: Uuid,
    /// The session the token belongs to; the token dies with it.
    pub sid: Uuid,
    pub iat: u64,
    pub exp: u64,
}

struct Key {
    kid: String,
    secret: Vec<u8>,
    retired: bool,
}

struct Cache {
    keys: Vec<Key>,
    loaded_at: Instant,
}

/// The signing keys, shared by every handler.
#[derive(Clone)]
pub struct KeyRing {
    db: PgPool,
    /// How long a retired key keeps verifying: the access-token lifetime.
    grace: Duration,
    cache: Arc<RwLock<Option<Cache>>>,
}

impl std::fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyRing").finish_non_exhaustive()
    }
}

/// Why an access token was refused.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("the access token is malformed")]
    Malformed,
    #[error("the access token's algorithm is not HS256")]
    WrongAlgorithm,
    #[error("the access token was signed with an unknown or retired key")]
    UnknownKey,
    #[error("the access token's signature is invalid")]
    BadSignature,
    #[error("the access token has expired")]
    Expired,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl KeyRing {
    pub fn new(db: PgPool, grace: Duration) -> Self {
        Self {
            db,
            grace,
            cache: Arc::new(RwLock::new(None)),
        }
    }

    /// Signs a token for `sid` of user `sub`, valid for `ttl`.
    pub async fn sign(&self, sub: Uuid, sid: Uuid, ttl: Duration) -> anyhow::Result<String> {
        let (kid, secret) = self.signing_key().await?;
        let now = jsonwebtoken::get_current_timestamp();
        let claims = Claims {
            sub,
            sid,
            iat: now,
            exp: now + ttl.as_secs(),
        };
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(kid);
        Ok(jsonwebtoken::encode(
            &header,
            &claims,
            &EncodingKey::from_secret(&secret),
        )?)
    }

    /// Checks algorithm, key, signature and expiry (no leeway), and answers the claims.
    pub async fn verify(&self, token: &str) -> Result<Claims, TokenError> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| match claimed_algorithm(token) {
            Some(alg) if alg != "HS256" => TokenError::WrongAlgorithm,
            _ => TokenError::Malformed,
        })?;
        if header.alg != Algorithm::HS256 {
            return Err(TokenError::WrongAlgorithm);
        }
        let kid = header.kid.ok_or(TokenError::UnknownKey)?;
        let secret = self.verification_key(&kid).await?.ok_or(TokenError::UnknownKey)?;
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.set_required_spec_claims(&["exp", "sub"]);
        match jsonwebtoken::decode::<Claims>(token, &DecodingKey::from_secret(&secret), &validation) {
            Ok(data) => Ok(data.claims),
            Err(err) => Err(match err.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => TokenError::Expired,
                jsonwebtoken::errors::ErrorKind::InvalidSignature => TokenError::BadSignature,
                jsonwebtoken::errors::ErrorKind::InvalidAlgorithm => TokenError::WrongAlgorithm,
                _ => TokenError::Malformed,
            }),
        }
    }

    /// Adds a new signing key and retires the current ones; answers the new `kid`.
    pub async fn rotate(&self) -> sqlx::Result<String> {
        let mut transaction = self.db.begin().await?;
        sqlx::query!("UPDATE signing_keys SET retired_at = now() WHERE retired_at IS NULL")
            .execute(&mut *transaction)
            .await?;
        let kid = insert_key(&mut *transaction).await?;
        transaction.commit().await?;
        *self.cache.write().await = None;
        Ok(kid)
    }

    async fn signing_key(&self) -> anyhow::Result<(String, Vec<u8>)> {
        if let Some(key) = self.cached(|key| !key.retired).await {
            return Ok(key);
        }
        self.reload().await?;
        if let Some(key) = self.cached(|key| !key.retired).await {
            return Ok(key);
        }
        // The first start of all: make the first key. Two processes racing both insert one;
        // both keys verify, and the newer signs from then on.
        insert_key(&self.db).await?;
        self.reload().await?;
        self.cached(|key| !key.retired)
            .await
            .ok_or_else(|| anyhow::anyhow!("no signing key after inserting one"))
    }

    async fn verification_key(&self, kid: &str) -> sqlx::Result<Option<Vec<u8>>> {
        let by_kid = |key: &Key| key.kid == kid;
        if let Some((_, secret)) = self.cached(by_kid).await {
            return Ok(Some(secret));
        }
        // An unknown kid may be a key another process just made: reload, but not on every
        // request that carries a forged kid.
        let recently = self
            .cache
            .read()
            .await
            .as_ref()
            .is_some_and(|cache| cache.loaded_at.elapsed() < RELOAD_AT_MOST_EVERY);
        if !recently {
            self.reload().await?;
        }
        Ok(self.cached(by_kid).await.map(|(_, secret)| secret))
    }

    /// The first key (newest first) that `wanted` accepts in a fresh-enough cache, as
    /// (kid, secret).
    async fn cached(&self, wanted: impl Fn(&Key) -> bool) -> Option<(String, Vec<u8>)> {
        let cache = self.cache.read().await;
        let cache = cache
            .as_ref()
            .filter(|cache| cache.loaded_at.elapsed() < CACHE_FOR)?;
        let key = cache.keys.iter().find(|key| wanted(key))?;
        Some((key.kid.clone(), key.secret.clone()))
    }

    async fn reload(&self) -> sqlx::Result<()> {
        let grace_secs = self.grace.as_secs_f64();
        let rows = sqlx::query!(
            r#"SELECT kid, secret, retired_at IS NOT NULL AS "retired!" FROM signing_keys
               WHERE retired_at IS NULL OR retired_at > now() - make_interval(secs => $1)
               ORDER BY created_at DESC, kid"#,
            grace_secs
        )
        .fetch_all(&self.db)
        .await?;
        let keys = rows
            .into_iter()
            .map(|row| Key {
                kid: row.kid,
                secret: row.secret,
                retired: row.retired,
            })
            .collect();
        *self.cache.write().await = Some(Cache {
            keys,
            loaded_at: Instant::now(),
        });
        Ok(())
    }
}

/// The `alg` a token's header claims, read without the library (which refuses to parse
/// algorithms it does not know, such as `none`), so the refusal can say what was wrong.
fn claimed_algorithm(token: &str) -> Option<String> {
    use base64::Engine;
    let header = token.split('.').next()?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(header)
        .ok()?;
    let header: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    header.get("alg")?.as_str().map(str::to_owned)
}

async fn insert_key(db: impl sqlx::PgExecutor<'_>) -> sqlx::Result<String> {
    let mut secret = vec![0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut secret);
    let kid = Uuid::new_v4().simple().to_string()[..12].to_owned();
    sqlx::query!(
        "INSERT INTO signing_keys (kid, secret) VALUES ($1, $2)",
        kid,
        secret
    )
    .execute(db)
    .await?;
    Ok(kid)
}
