//! The local test-data cache of a worker (or an API process exporting packages): files from the
//! object store kept on disk by SHA-256, bounded in size, so judging the same problem again
//! downloads nothing.
//!
//! A file is written to a temporary name, its hash checked, then renamed into place, so a crash
//! or a concurrent fetch never leaves a partial file under a real name. Reading a file touches
//! its modification time; when the cache outgrows its bound the least recently used files go.

use std::{
    path::{Path, PathBuf},
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    time::SystemTime,
};

use anyhow::Context;

use super::objects::sha256_hex;
use crate::storage::{test_data_key, SharedStore};

#[derive(Debug, Clone)]
pub struct TestDataCache {
    dir: PathBuf,
    max_bytes: u64,
    store: SharedStore,
    /// How many files were fetched from the store (not found on disk), for tests and logs.
    downloads: Arc<AtomicU64>,
}

impl TestDataCache {
    pub fn new(dir: PathBuf, max_bytes: u64, store: SharedStore) -> Self {
        Self {
            dir,
            max_bytes,
            store,
            downloads: Arc::new(AtomicU64::new(0)),
        }
    }

    /// The directory the cache keeps its files in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Files fetched from the store so far.
    pub fn downloads(&self) -> u64 {
        self.downloads.load(Ordering::Relaxed)
    }

    fn path_of(&self, sha: &str) -> PathBuf {
        self.dir.join(&sha[..2]).join(sha)
    }

    /// The local path of the file with hash `sha`, downloading it first if needed.
    pub async fn get(&self, sha: &str) -> anyhow::Result<PathBuf> {
        let key = test_data_key(sha)?;
        let path = self.path_of(sha);
        if tokio::fs::metadata(&path).await.is_ok() {
            touch(&path).await;
            return Ok(path);
        }
        let bytes = self
            .store
            .get(&key)
            .await
            .with_context(|| format!("cannot fetch test data {sha} from {}", self.store.describe()))?;
        self.downloads.fetch_add(1, Ordering::Relaxed);
        let actual = sha256_hex(&bytes);
        anyhow::ensure!(
            actual == sha,
            "the object store answered {actual} for test data {sha}"
        );
        let parent = path.parent().context("a cache path has a parent")?;
        tokio::fs::create_dir_all(parent).await?;
        let partial = parent.join(format!(".{sha}.{}", uuid::Uuid::new_v4().simple()));
        tokio::fs::write(&partial, &bytes).await?;
        tokio::fs::rename(&partial, &path).await?;
        self.evict_beyond_bound().await;
        Ok(path)
    }

    /// Removes least recently used files until the cache fits its bound. Best effort: a file
    /// in use by a judge survives on its hard links.
    async fn evict_beyond_bound(&self) {
        let dir = self.dir.clone();
        let max_bytes = self.max_bytes;
        let evicted = tokio::task::spawn_blocking(move || evict(&dir, max_bytes)).await;
        if let Ok(Err(err)) = evicted {
            tracing::warn!(error = %err, "cannot trim the test-data cache");
        }
    }
}

async fn touch(path: &Path) {
    let path = path.to_path_buf();
    let _ = tokio::task::spawn_blocking(move || {
        std::fs::File::options()
            .append(true)
            .open(&path)
            .and_then(|file| file.set_modified(SystemTime::now()))
    })
    .await;
}

fn evict(dir: &Path, max_bytes: u64) -> std::io::Result<()> {
    let mut files = Vec::new();
    let mut total = 0u64;
    for shard in std::fs::read_dir(dir)? {
        let shard = shard?;
        if !shard.file_type()?.is_dir() {
            continue;
        }
        for entry in std::fs::read_dir(shard.path())? {
            let entry = entry?;
            let metadata = entry.metadata()?;
            if metadata.is_file() && !entry.file_name().to_string_lossy().starts_with('.') {
                total += metadata.len();
                files.push((metadata.modified()?, metadata.len(), entry.path()));
            }
        }
    }
    if total <= max_bytes {
        return Ok(());
    }
    files.sort();
    for (_, size, path) in files {
        if total <= max_bytes {
            break;
        }
        std::fs::remove_file(&path)?;
        total -= size;
    }
    Ok(())
}
