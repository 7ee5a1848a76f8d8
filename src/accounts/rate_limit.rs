//! Rate limits that hold across API processes: token buckets kept in PostgreSQL.
//!
//! One statement per check takes a token from the bucket named by the key, refilling it for the
//! time since its last update first. PostgreSQL's row lock makes that atomic, so any number of
//! `coderank serve` processes sharing the database enforce one limit together. A denied check
//! answers how long until a token is back, for `Retry-After`.

use sqlx::PgPool;

use crate::config::{Rate, RateSpec};

/// The outcome of a check.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Decision {
    Allowed,
    /// Denied; a token is back after this many seconds (at least 1).
    Denied {
        retry_after_secs: u64,
    },
}

/// Takes one token from bucket `key` if it has one.
#[tracing::instrument(skip(db))]
pub async fn check(db: &PgPool, key: &str, spec: RateSpec) -> sqlx::Result<Decision> {
    let Some(Rate { per_second, burst }) = spec.0 else {
        return Ok(Decision::Allowed);
    };
    // One upsert: a new bucket starts full and gives one token; an existing one is refilled for
    // the time since its last update and gives one if it holds a whole token. `ON CONFLICT DO
    // UPDATE` locks the row and sees its latest version, so concurrent checks queue up.
    let row = sqlx::query!(
        r#"INSERT INTO rate_limits AS r (key, tokens, updated_at, last_allowed)
           VALUES ($1, $2::float8 - 1, statement_timestamp(), true)
           ON CONFLICT (key) DO UPDATE SET
               tokens = LEAST($2::float8, r.tokens + GREATEST(0, EXTRACT(EPOCH FROM statement_timestamp() - r.updated_at)::float8) * $3::float8) - CASE WHEN LEAST($2::float8, r.tokens + GREATEST(0, EXTRACT(EPOCH FROM statement_timestamp() - r.updated_at)::float8) * $3::float8) >= 1 THEN 1 ELSE 0 END,
               updated_at = statement_timestamp(),
               last_allowed = LEAST($2::float8, r.tokens + GREATEST(0, EXTRACT(EPOCH FROM statement_timestamp() - r.updated_at)::float8) * $3::float8) >= 1
           RETURNING tokens, last_allowed"#,
        key,
        burst,
        per_second,
    )
    .fetch_one(db)
    .await?;
    if row.last_allowed {
        Ok(Decision::Allowed)
    } else {
        Ok(Decision::Denied {
            retry_after_secs: retry_after(row.tokens, per_second),
        })
    }
}

/// Whole seconds until the bucket holds one token again, at least 1.
fn retry_after(available: f64, per_second: f64) -> u64 {
    let seconds = ((1.0 - available).max(0.0) / per_second).ceil();
    (seconds as u64).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_rounds_up_to_whole_seconds() {
        assert_eq!(retry_after(0.0, 5.0 / 60.0), 12);
        assert_eq!(retry_after(0.5, 1.0), 1);
        assert_eq!(retry_after(0.99, 100.0), 1);
        assert_eq!(retry_after(0.0, 1.0 / 3600.0), 3600);
    }
}
