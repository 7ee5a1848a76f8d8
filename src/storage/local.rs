//! The local-directory backend ([`LocalStore`]): objects as files under one directory, the
//! zero-set-up default of a single-machine `coderank serve`.

use std::path::{Path, PathBuf};

use async_trait::async_trait;
use bytes::Bytes;

use super::{check_key, ObjectStore, StorageError};

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

#[cfg(test)]
mod tests {
    use super::*;

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
