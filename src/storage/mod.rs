//! The object store: test data and other blobs too large or too many for PostgreSQL.
//!
//! Two backends sit behind [`ObjectStore`]: an S3-compatible store ([`S3Store`]: Garage on a
//! bare machine, MinIO in docker-compose, or AWS), which is what several API processes and
//! workers on other machines share, and a local directory ([`LocalStore`]), the zero-set-up
//! default of a single-machine `coderank serve`. Both answer a missing object with the typed
//! [`StorageError::NotFound`], so callers can tell "absent" from "broken".
//!
//! Keys are built by the functions at the bottom of this module, never by hand at call sites.

mod local;
mod s3;

use std::{fmt, sync::Arc};

use async_trait::async_trait;
use bytes::Bytes;

pub use local::LocalStore;
pub use s3::S3Store;

use crate::config::{StorageConfig, StorageKind};

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("object {key:?} not found")]
    NotFound { key: String },
    #[error("invalid object key {key:?}: {reason}")]
    InvalidKey { key: String, reason: &'static str },
    #[error("object store {operation} failed: {message}")]
    Backend {
        operation: &'static str,
        message: String,
    },
}

impl StorageError {
    fn backend(operation: &'static str, err: impl fmt::Display) -> Self {
        Self::Backend {
            operation,
            message: err.to_string(),
        }
    }
}

pub type SharedStore = Arc<dyn ObjectStore>;

/// Operations CodeRank needs from an object store.
#[async_trait]
pub trait ObjectStore: Send + Sync + fmt::Debug {
    /// Stores `body` under `key`, replacing any object there.
    async fn put(&self, key: &str, body: Bytes) -> Result<(), StorageError>;
    /// The whole object, or [`StorageError::NotFound`].
    async fn get(&self, key: &str) -> Result<Bytes, StorageError>;
    /// The object's size in bytes, or `None` when it does not exist.
    async fn size(&self, key: &str) -> Result<Option<u64>, StorageError>;
    /// Removes the object; removing a missing object is not an error (as in S3).
    async fn delete(&self, key: &str) -> Result<(), StorageError>;
    /// Every key that starts with `prefix`, sorted.
    async fn list(&self, prefix: &str) -> Result<Vec<String>, StorageError>;
    /// Whether the store answers, for `/readyz`.
    async fn check(&self) -> Result<(), StorageError>;
    /// Where the store is, for messages and `/readyz` (no credentials).
    fn describe(&self) -> String;
}

/// Opens the backend the configuration names.
pub async fn open(config: &StorageConfig) -> anyhow::Result<SharedStore> {
    Ok(match config.resolved_kind() {
        StorageKind::S3 => Arc::new(S3Store::new(config)?),
        StorageKind::Local | StorageKind::Auto => Arc::new(LocalStore::new(&config.storage_dir).await?),
    })
}

/// Rejects keys that could escape the local backend's directory or that S3 would mangle.
pub fn check_key(key: &str) -> Result<(), StorageError> {
    let invalid = |reason| {
        Err(StorageError::InvalidKey {
            key: key.to_owned(),
            reason,
        })
    };
    if key.is_empty() {
        return invalid("empty");
    }
    if key.len() > 1024 {
        return invalid("longer than 1024 bytes");
    }
    if key.starts_with('/') || key.ends_with('/') {
        return invalid("starts or ends with '/'");
    }
    if key.contains('\\') || key.chars().any(char::is_control) {
        return invalid("contains a backslash or a control character");
    }
    if key
        .split('/')
        .any(|part| part.is_empty() || part == "." || part == ".." || part.starts_with('.'))
    {
        return invalid("has an empty, hidden, '.' or '..' segment");
    }
    Ok(())
}

/// Prefix of content-addressed test data (inputs and answers).
pub const TEST_DATA_PREFIX: &str = "testdata/sha256/";

/// Key of a test data file by the hex SHA-256 of its content, so identical files are stored once.
/// The two-character fan-out keeps directory listings of the local backend short.
pub fn test_data_key(sha256_hex: &str) -> Result<String, StorageError> {
    let valid = sha256_hex.len() == 64 && sha256_hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    if !valid {
        return Err(StorageError::InvalidKey {
            key: sha256_hex.to_owned(),
            reason: "not a lowercase hex SHA-256",
        });
    }
    Ok(format!("{TEST_DATA_PREFIX}{}/{sha256_hex}", &sha256_hex[..2]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_that_could_escape_the_store_are_rejected() {
        for key in [
            "",
            "/abs",
            "a/../b",
            "..",
            "a//b",
            "a/",
            "a\\b",
            "a/.hidden",
            "a\nb",
        ] {
            assert!(check_key(key).is_err(), "{key:?} should be rejected");
        }
        for key in ["a", "testdata/sha256/ab/abc", "x-y_z.in"] {
            assert!(check_key(key).is_ok(), "{key:?} should be accepted");
        }
    }

    #[test]
    fn test_data_keys_are_content_addressed_and_fanned_out() {
        let hash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        assert_eq!(
            test_data_key(hash).expect("valid"),
            format!("testdata/sha256/e3/{hash}")
        );
        assert!(test_data_key("E3B0").is_err());
        assert!(test_data_key(&hash.to_uppercase()).is_err());
    }
}
