//! Problem files in the object store: content-addressed, stored once, collected when unused.
//!
//! Every file is stored under `testdata/sha256/xx/<sha256>` ([`crate::storage::test_data_key`]).
//! Writers (imports, uploads) hold a shared advisory lock for their whole transaction, and the
//! garbage collector an exclusive one, so an object is never deleted between a writer's upload
//! and the commit of the row that references it. A writer that fails deletes what it uploaded,
//! unless something else references it by then: a failed import leaves no orphan objects.

use bytes::Bytes;
use sha2::{Digest, Sha256};
use sqlx::{PgPool, Postgres, Transaction};

use crate::storage::{test_data_key, SharedStore};

/// The advisory lock that orders writers and the collector (an arbitrary constant: "CRobjGC").
const OBJECTS_LOCK: i64 = 0x0043_526f_626a_4743;

/// The lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Takes the writers' (shared) lock for the rest of `transaction`.
pub async fn lock_for_writing(transaction: &mut Transaction<'_, Postgres>) -> sqlx::Result<()> {
    sqlx::query!("SELECT pg_advisory_xact_lock_shared($1)", OBJECTS_LOCK)
        .execute(&mut **transaction)
        .await?;
    Ok(())
}

/// Uploads made by one writer, remembered so a failure can take them back.
#[derive(Debug, Default)]
pub struct Uploads {
    /// Objects this writer created (those that existed before are not its to delete).
    pub created: Vec<String>,
}

impl Uploads {
    /// Stores `bytes` unless an object with its hash exists; answers the hash.
    pub async fn put(&mut self, store: &SharedStore, bytes: Bytes) -> anyhow::Result<String> {
        let sha = sha256_hex(&bytes);
        let key = test_data_key(&sha)?;
        if store.size(&key).await?.is_none() {
            store.put(&key, bytes).await?;
            self.created.push(sha.clone());
        }
        Ok(sha)
    }
}

/// Deletes those of `candidates` that no row references any more, under the exclusive lock.
/// Errors are logged, not returned: a leftover object wastes space but breaks nothing.
pub async fn collect(db: &PgPool, store: &SharedStore, candidates: Vec<String>) {
    if candidates.is_empty() {
        return;
    }
    if let Err(err) = try_collect(db, store, candidates).await {
        tracing::warn!(error = %format!("{err:#}"), "cannot collect unused problem objects");
    }
}

async fn try_collect(db: &PgPool, store: &SharedStore, candidates: Vec<String>) -> anyhow::Result<()> {
    let mut transaction = db.begin().await?;
    sqlx::query!("SELECT pg_advisory_xact_lock($1)", OBJECTS_LOCK)
        .execute(&mut *transaction)
        .await?;
    let unused = sqlx::query_scalar!(
        r#"SELECT sha AS "sha!" FROM unnest($1::text[]) AS candidate(sha)
           WHERE NOT EXISTS (SELECT 1 FROM test_cases WHERE input_sha256 = sha OR answer_sha256 = sha)
             AND NOT EXISTS (SELECT 1 FROM problem_files WHERE sha256 = sha)"#,
        &candidates
    )
    .fetch_all(&mut *transaction)
    .await?;
    for sha in &unused {
        store.delete(&test_data_key(sha)?).await?;
    }
    transaction.commit().await?;
    if !unused.is_empty() {
        tracing::debug!(count = unused.len(), "deleted unused problem objects");
    }
    Ok(())
}
