//! The object store: test data and other blobs too large or too many for PostgreSQL.
//!
//! Two backends sit behind [`ObjectStore`]: an S3-compatible store ([`S3Store`]: Garage on a
//! bare machine, MinIO in docker-compose, or AWS), which is what several API processes and
//! workers on other machines share, and a local directory ([`LocalStore`]), the zero-set-up
//! default of a single-machine `coderank serve`. Both answer a missing object with the typed
//! [`StorageError::NotFound`], so callers can tell "absent" from "broken".
//!
//! Keys are built by the functions at the bottom of this module, never by hand at call sites.

use std::{
    fmt,
    path::{Path, PathBuf},
    sync::Arc,
    time::Duration,
};

use async_trait::async_trait;
use aws_sdk_s3::{
    config::http::HttpResponse,
    config::{
        timeout::TimeoutConfig, BehaviorVersion, Credentials, Region, RequestChecksumCalculation,
        ResponseChecksumValidation,
    },
    error::{DisplayErrorContext, SdkError},
    primitives::ByteStream,
};
use bytes::Bytes;

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

/// An S3-compatible bucket.
#[derive(Debug, Clone)]
pub struct S3Store {
    client: aws_sdk_s3::Client,
    bucket: String,
    endpoint: String,
}

impl S3Store {
    pub fn new(config: &StorageConfig) -> anyhow::Result<Self> {
        let endpoint = config
            .s3_endpoint
            .clone()
            .ok_or_else(|| anyhow::anyhow!("the s3 storage backend needs S3_ENDPOINT"))?;
        url::Url::parse(&endpoint)
            .map_err(|err| anyhow::anyhow!("S3_ENDPOINT {endpoint:?} is not a URL: {err}"))?;
        let credentials = Credentials::new(
            config.s3_access_key_id.clone(),
            config.s3_secret().to_owned(),
            None,
            None,
            "coderank-config",
        );
        let timeouts = TimeoutConfig::builder()
            .connect_timeout(Duration::from_secs(3))
            .operation_timeout(Duration::from_millis(config.s3_timeout_ms))
            .build();
        let sdk_config = aws_sdk_s3::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .endpoint_url(&endpoint)
            .region(Region::new(config.s3_region.clone()))
            .credentials_provider(credentials)
            .force_path_style(config.s3_force_path_style)
            .timeout_config(timeouts)
            // Checksums only where S3 requires them: not every S3-compatible store accepts the
            // newer default trailing checksums.
            .request_checksum_calculation(RequestChecksumCalculation::WhenRequired)
            .response_checksum_validation(ResponseChecksumValidation::WhenRequired)
            .build();
        Ok(Self {
            client: aws_sdk_s3::Client::from_conf(sdk_config),
            bucket: config.s3_bucket.clone(),
            endpoint,
        })
    }
}

fn is_not_found<E>(err: &SdkError<E, HttpResponse>) -> bool {
    err.raw_response()
        .is_some_and(|response| response.status().as_u16() == 404)
}

fn sdk_error<E, R>(operation: &'static str, err: SdkError<E, R>) -> StorageError
where
    E: std::error::Error + 'static,
    R: fmt::Debug,
{
    StorageError::backend(operation, DisplayErrorContext(err))
}

#[async_trait]
impl ObjectStore for S3Store {
    async fn put(&self, key: &str, body: Bytes) -> Result<(), StorageError> {
        check_key(key)?;
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .body(ByteStream::from(body))
            .send()
            .await
            .map_err(|err| sdk_error("put", err))?;
        Ok(())
    }

    async fn get(&self, key: &str) -> Result<Bytes, StorageError> {
        check_key(key)?;
        let output = match self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
        {
            Ok(output) => output,
            Err(err) if is_not_found(&err) => return Err(StorageError::NotFound { key: key.to_owned() }),
            Err(err) => return Err(sdk_error("get", err)),
        };
        let body = output
            .body
            .collect()
            .await
            .map_err(|err| StorageError::backend("get", err))?;
        Ok(body.into_bytes())
    }

    async fn size(&self, key: &str) -> Result<Option<u64>, StorageError> {
        check_key(key)?;
        match self
            .client
            .head_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
        {
            Ok(output) => Ok(Some(
                output
                    .content_length()
                    .and_then(|n| u64::try_from(n).ok())
                    .unwrap_or(0),
            )),
            Err(err) if is_not_found(&err) => Ok(None),
            Err(err) => Err(sdk_error("head", err)),
        }
    }

    async fn delete(&self, key: &str) -> Result<(), StorageError> {
        check_key(key)?;
        self.client
            .delete_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
            .map_err(|err| sdk_error("delete", err))?;
        Ok(())
    }

    async fn list(&self, prefix: &str) -> Result<Vec<String>, StorageError> {
        let mut keys = Vec::new();
        let mut pages = self
            .client
            .list_objects_v2()
            .bucket(&self.bucket)
            .prefix(prefix)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|err| sdk_error("list", err))?;
            keys.extend(
                page.contents()
                    .iter()
                    .filter_map(|object| object.key().map(str::to_owned)),
            );
        }
        keys.sort();
        Ok(keys)
    }

    async fn check(&self) -> Result<(), StorageError> {
        self.client
            .head_bucket()
            .bucket(&self.bucket)
            .send()
            .await
            .map_err(|err| sdk_error("head bucket", err))?;
        Ok(())
    }

    fn describe(&self) -> String {
        format!("s3 bucket {:?} at {}", self.bucket, self.endpoint)
    }
}

/// Objects as files under one directory; a key's slashes become subdirectories.
#[derive(Debug, Clone)]
pub struct LocalStore {
    root: PathBuf,
}

impl LocalStore {
    pub async fn new(root: &Path) -> anyhow::Result<Self> {
        tokio::fs::create_dir_all(root)
            .await
            .map_err(|err| anyhow::anyhow!("cannot create storage directory {}: {err}", root.display()))?;
        Ok(Self {
            root: root.to_owned(),
        })
    }

    fn path(&self, key: &str) -> Result<PathBuf, StorageError> {
        check_key(key)?;
        Ok(self.root.join(key))
    }
}

#[async_trait]
impl ObjectStore for LocalStore {
    async fn put(&self, key: &str, body: Bytes) -> Result<(), StorageError> {
        let path = self.path(key)?;
        if let Some(parent) = path.parent() {
            tokio::fs::create_dir_all(parent)
                .await
                .map_err(|err| StorageError::backend("put", err))?;
        }
        // Write beside the target and rename, so a reader never sees half an object.
        let temporary = path.with_file_name(format!(".{}.tmp", uuid::Uuid::new_v4()));
        tokio::fs::write(&temporary, &body)
            .await
            .map_err(|err| StorageError::backend("put", err))?;
        tokio::fs::rename(&temporary, &path)
            .await
            .map_err(|err| StorageError::backend("put", err))
    }

    async fn get(&self, key: &str) -> Result<Bytes, StorageError> {
        match tokio::fs::read(self.path(key)?).await {
            Ok(body) => Ok(Bytes::from(body)),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                Err(StorageError::NotFound { key: key.to_owned() })
            }
            Err(err) => Err(StorageError::backend("get", err)),
        }
    }

    async fn size(&self, key: &str) -> Result<Option<u64>, StorageError> {
        match tokio::fs::metadata(self.path(key)?).await {
            Ok(metadata) if metadata.is_file() => Ok(Some(metadata.len())),
            Ok(_) => Ok(None),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(err) => Err(StorageError::backend("head", err)),
        }
    }

    async fn delete(&self, key: &str) -> Result<(), StorageError> {
        match tokio::fs::remove_file(self.path(key)?).await {
            Ok(()) => Ok(()),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(err) => Err(StorageError::backend("delete", err)),
        }
    }

    async fn list(&self, prefix: &str) -> Result<Vec<String>, StorageError> {
        let root = self.root.clone();
        let prefix = prefix.to_owned();
        tokio::task::spawn_blocking(move || list_files(&root, &prefix))
            .await
            .map_err(|err| StorageError::backend("list", err))?
    }

    async fn check(&self) -> Result<(), StorageError> {
        match tokio::fs::metadata(&self.root).await {
            Ok(metadata) if metadata.is_dir() => Ok(()),
            Ok(_) => Err(StorageError::backend("check", "storage path is not a directory")),
            Err(err) => Err(StorageError::backend("check", err)),
        }
    }

    fn describe(&self) -> String {
        format!("local directory {}", self.root.display())
    }
}

fn list_files(root: &Path, prefix: &str) -> Result<Vec<String>, StorageError> {
    let mut keys = Vec::new();
    let mut pending = vec![root.to_owned()];
    while let Some(dir) = pending.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => continue,
            Err(err) => return Err(StorageError::backend("list", err)),
        };
        for entry in entries {
            let entry = entry.map_err(|err| StorageError::backend("list", err))?;
            let path = entry.path();
            let file_type = entry
                .file_type()
                .map_err(|err| StorageError::backend("list", err))?;
            if file_type.is_dir() {
                pending.push(path);
            } else if file_type.is_file() && !entry.file_name().to_string_lossy().starts_with('.') {
                let Ok(relative) = path.strip_prefix(root) else {
                    continue;
                };
                let key = relative.to_string_lossy().replace(std::path::MAIN_SEPARATOR, "/");
                if key.starts_with(prefix) {
                    keys.push(key);
                }
            }
        }
    }
    keys.sort();
    Ok(keys)
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

    #[tokio::test]
    async fn the_local_store_round_trips_and_reports_missing_objects() {
        let dir = std::env::temp_dir().join(format!("coderank-store-{}", uuid::Uuid::new_v4()));
        let store = LocalStore::new(&dir).await.expect("store");
        store
            .put("a/b/c", Bytes::from_static(b"hello"))
            .await
            .expect("put");
        store.put("a/d", Bytes::from_static(b"x")).await.expect("put");
        assert_eq!(
            store.get("a/b/c").await.expect("get"),
            Bytes::from_static(b"hello")
        );
        assert_eq!(store.size("a/b/c").await.expect("size"), Some(5));
        assert_eq!(store.list("a/").await.expect("list"), vec!["a/b/c", "a/d"]);
        store.delete("a/b/c").await.expect("delete");
        store.delete("a/b/c").await.expect("deleting twice is fine");
        assert!(matches!(
            store.get("a/b/c").await,
            Err(StorageError::NotFound { .. })
        ));
        assert_eq!(store.size("a/b/c").await.expect("size"), None);
        std::fs::remove_dir_all(dir).expect("cleanup");
    }
}
