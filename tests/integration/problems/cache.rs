//! The local test-data cache: one download per file, and its size bound kept by LRU eviction.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
    time::Duration,
};

use bytes::Bytes;
use coderank::{
    problems::{cache::TestDataCache, objects::sha256_hex},
    storage::{test_data_key, SharedStore},
};

use super::unique;
use crate::helpers::object_store;

/// Puts `content` into the store under its hash; answers the hash.
async fn put_object(store: &SharedStore, content: &[u8]) -> String {
    let sha = sha256_hex(content);
    store
        .put(
            &test_data_key(&sha).expect("a hash"),
            Bytes::copy_from_slice(content),
        )
        .await
        .expect("put an object");
    sha
}

/// Every file in the cache directory and its size, partial downloads included.
fn cached_files(dir: &Path) -> BTreeMap<PathBuf, u64> {
    let mut files = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("read the cache") {
            let entry = entry.expect("an entry");
            let metadata = entry.metadata().expect("metadata");
            if metadata.is_dir() {
                pending.push(entry.path());
            } else {
                files.insert(entry.path(), metadata.len());
            }
        }
    }
    files
}

#[tokio::test]
async fn the_cache_downloads_a_file_once_and_refuses_what_the_store_lacks() {
    let store = object_store().await;
    let content = unique("cached content");
    let sha = put_object(&store, content.as_bytes()).await;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let cache = TestDataCache::new(dir.path().to_path_buf(), 1 << 20, store.clone());
    assert_eq!(cache.downloads(), 0);

    let first = cache.get(&sha).await.expect("fetch");
    assert_eq!(cache.downloads(), 1);
    assert_eq!(std::fs::read_to_string(&first).expect("read"), content);
    let second = cache.get(&sha).await.expect("fetch again");
    assert_eq!(second, first);
    assert_eq!(cache.downloads(), 1, "the second get read the disk only");

    let absent = sha256_hex(unique("never stored").as_bytes());
    let err = cache.get(&absent).await.expect_err("not in the store");
    assert!(format!("{err:#}").contains(&absent), "{err:#}");
    let err = cache.get("../../etc/passwd").await.expect_err("not a hash");
    assert!(format!("{err:#}").contains("SHA-256"), "{err:#}");
    assert_eq!(cache.downloads(), 1);
    assert_eq!(cached_files(dir.path()).into_keys().collect::<Vec<_>>(), [first]);
    store
        .delete(&test_data_key(&sha).expect("key"))
        .await
        .expect("clean up");
}

#[tokio::test]
async fn the_cache_stays_within_its_bound_by_dropping_the_least_recently_used_file() {
    let store = object_store().await;
    let sized = |label: &str| format!("{:<1000}", unique(label)).into_bytes();
    let (a, b, c) = (sized("a"), sized("b"), sized("c"));
    let (sha_a, sha_b, sha_c) = (
        put_object(&store, &a).await,
        put_object(&store, &b).await,
        put_object(&store, &c).await,
    );
    let dir = tempfile::tempdir().expect("a temporary directory");
    let cache = TestDataCache::new(dir.path().to_path_buf(), 2500, store.clone());
    let pause = || tokio::time::sleep(Duration::from_millis(50));

    let path_a = cache.get(&sha_a).await.expect("fetch a");
    pause().await;
    let path_b = cache.get(&sha_b).await.expect("fetch b");
    pause().await;
    assert_eq!(
        cache.get(&sha_a).await.expect("a again"),
        path_a,
        "a is used again, b is now the oldest"
    );
    pause().await;
    let path_c = cache.get(&sha_c).await.expect("fetch c");
    assert_eq!(cache.downloads(), 3);

    let files = cached_files(dir.path());
    assert!(files.values().sum::<u64>() <= 2500, "{files:?}");
    assert_eq!(files.into_keys().collect::<Vec<_>>(), {
        let mut kept = vec![path_a, path_c];
        kept.sort();
        kept
    });
    assert!(!path_b.exists());
    assert_eq!(
        std::fs::read(cache.get(&sha_b).await.expect("b again")).expect("read"),
        b
    );
    assert_eq!(cache.downloads(), 4, "the evicted file was fetched again");
    assert!(cached_files(dir.path()).values().sum::<u64>() <= 2500);
    for sha in [sha_a, sha_b, sha_c] {
        store
            .delete(&test_data_key(&sha).expect("key"))
            .await
            .expect("clean up");
    }
}
