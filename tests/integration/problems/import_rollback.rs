//! An import failing midway at the store leaves no rows and deletes the objects it uploaded.

use std::sync::{
    atomic::{AtomicUsize, Ordering},
    Mutex,
};

use async_trait::async_trait;
use bytes::Bytes;
use coderank::{
    problems::import::{import_zip, ImportError, ImportOptions},
    storage::{ObjectStore, SharedStore, StorageError},
};

use super::{row_counts, stored, unique, Package};
use crate::helpers::{object_store, problems_config, spawn_app, AppOptions};

/// The real store, failing the `fail_on`-th put (counting from 1); remembers what it stored.
#[derive(Debug)]
struct FailingStore {
    inner: SharedStore,
    fail_on: usize,
    puts: AtomicUsize,
    stored: Mutex<Vec<String>>,
}

#[async_trait]
impl ObjectStore for FailingStore {
    async fn put(&self, key: &str, body: Bytes) -> Result<(), StorageError> {
        if self.puts.fetch_add(1, Ordering::SeqCst) + 1 == self.fail_on {
            return Err(StorageError::Backend {
                operation: "put",
                message: "injected failure".to_owned(),
            });
        }
        self.inner.put(key, body).await?;
        self.stored.lock().expect("lock").push(key.to_owned());
        Ok(())
    }

    async fn get(&self, key: &str) -> Result<Bytes, StorageError> {
        self.inner.get(key).await
    }

    async fn size(&self, key: &str) -> Result<Option<u64>, StorageError> {
        self.inner.size(key).await
    }

    async fn delete(&self, key: &str) -> Result<(), StorageError> {
        self.inner.delete(key).await
    }

    async fn list(&self, prefix: &str) -> Result<Vec<String>, StorageError> {
        self.inner.list(prefix).await
    }

    async fn check(&self) -> Result<(), StorageError> {
        self.inner.check().await
    }

    fn describe(&self) -> String {
        format!("failing {}", self.inner.describe())
    }
}

#[tokio::test]
async fn an_import_failing_midway_leaves_no_rows_and_deletes_the_objects_it_uploaded() {
    let app = spawn_app(AppOptions::default()).await;
    let db = app.db().await;
    let real = object_store().await;
    let failing = std::sync::Arc::new(FailingStore {
        inner: real.clone(),
        fail_on: 3,
        puts: AtomicUsize::new(0),
        stored: Mutex::new(Vec::new()),
    });
    let package = Package::fresh("Midway")
        .with("data/secret/2.in", unique("second input"))
        .with("data/secret/2.ans", unique("second answer"));
    let store: SharedStore = failing.clone();
    let err = import_zip(
        &db,
        &store,
        &problems_config(),
        Bytes::from(package.zip("midway")),
        ImportOptions::default(),
    )
    .await
    .expect_err("the third upload fails");
    assert!(matches!(err, ImportError::Internal(_)), "{err:?}");
    assert!(format!("{err:#}").contains("injected failure"), "{err:#}");

    assert_eq!(row_counts(&db).await, [0, 0, 0]);
    let uploaded = failing.stored.lock().expect("lock").clone();
    assert_eq!(
        uploaded.len(),
        2,
        "two objects went up before the failure: {uploaded:?}"
    );
    for key in &uploaded {
        assert_eq!(
            real.size(key).await.expect("ask the store"),
            None,
            "{key} was left behind"
        );
    }
    for hash in package.data_hashes() {
        assert!(!stored(&real, &hash).await, "{hash} was left behind");
    }

    // With a store that works, the same package goes in whole.
    let problem = import_zip(
        &db,
        &real,
        &problems_config(),
        Bytes::from(package.zip("midway")),
        ImportOptions::default(),
    )
    .await
    .expect("import");
    assert_eq!(problem.slug, "midway");
    assert_eq!(row_counts(&db).await, [1, 3, 1]);
}
