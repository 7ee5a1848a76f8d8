//! Round trips through the S3 backend on the machine's Garage.

use bytes::Bytes;
use coderank::storage::{test_data_key, ObjectStore, S3Store, StorageError};
use futures::{stream, StreamExt, TryStreamExt};
use secrecy::SecretString;

use crate::helpers::{services, storage_config};

fn store() -> S3Store {
    S3Store::new(&storage_config(&services())).expect("an S3 store")
}

/// A prefix of this test's own, so tests running at once never see each other's objects.
fn scratch() -> String {
    format!("tests/{}/", uuid::Uuid::new_v4().simple())
}

#[tokio::test]
async fn put_get_list_and_delete_round_trip_on_garage() {
    let store = store();
    let prefix = scratch();
    let (a, b) = (format!("{prefix}a.in"), format!("{prefix}nested/b.ans"));
    store.put(&a, Bytes::from_static(b"1 2\n")).await.expect("put a");
    store.put(&b, Bytes::from_static(b"3\n")).await.expect("put b");

    assert_eq!(store.get(&a).await.expect("get a"), Bytes::from_static(b"1 2\n"));
    assert_eq!(store.size(&b).await.expect("size b"), Some(2));
    assert_eq!(
        store.list(&prefix).await.expect("list"),
        vec![a.clone(), b.clone()]
    );

    store
        .put(&a, Bytes::from_static(b"replaced"))
        .await
        .expect("replace a");
    assert_eq!(
        store.get(&a).await.expect("get a"),
        Bytes::from_static(b"replaced")
    );

    store.delete(&a).await.expect("delete a");
    store.delete(&a).await.expect("deleting a missing object is fine");
    assert_eq!(store.list(&prefix).await.expect("list"), vec![b.clone()]);
    store.delete(&b).await.expect("delete b");
    assert!(store.list(&prefix).await.expect("list").is_empty());
}

#[tokio::test]
async fn a_missing_key_is_a_typed_not_found() {
    let store = store();
    let key = format!("{}missing", scratch());
    match store.get(&key).await {
        Err(StorageError::NotFound { key: reported }) => assert_eq!(reported, key),
        other => panic!("expected NotFound, got {other:?}"),
    }
    assert_eq!(store.size(&key).await.expect("size"), None);
}

#[tokio::test]
async fn a_large_binary_object_survives_the_round_trip() {
    let store = store();
    let key = format!("{}large.bin", scratch());
    let body: Vec<u8> = (0..12 * 1024 * 1024u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    store.put(&key, Bytes::from(body.clone())).await.expect("put");
    assert_eq!(store.get(&key).await.expect("get").as_ref(), body.as_slice());
    store.delete(&key).await.expect("delete");
}

#[tokio::test]
async fn listing_pages_through_more_than_a_thousand_keys() {
    let store = store();
    let prefix = scratch();
    let keys: Vec<String> = (0..1100).map(|i| format!("{prefix}{i:05}")).collect();
    // A few requests at a time, as a worker stores files: 1 100 at once can outlast the
    // store's per-request timeout on a loaded machine, which is not what this test is about.
    stream::iter(&keys)
        .map(|key| store.put(key, Bytes::from_static(b"x")))
        .buffer_unordered(16)
        .try_collect::<()>()
        .await
        .expect("put all");
    assert_eq!(store.list(&prefix).await.expect("list"), keys);
    stream::iter(&keys)
        .map(|key| store.delete(key))
        .buffer_unordered(16)
        .try_collect::<()>()
        .await
        .expect("delete all");
}

#[tokio::test]
async fn test_data_keys_address_content_by_sha256() {
    let store = store();
    // sha256("3\n")
    let key =
        test_data_key("1121cfccd5913f0a63fec40a6ffd44ea64f9dc135c66634ba001d10bcf4302a2").expect("a key");
    assert!(key.starts_with("testdata/sha256/11/"));
    store.put(&key, Bytes::from_static(b"3\n")).await.expect("put");
    assert_eq!(store.get(&key).await.expect("get"), Bytes::from_static(b"3\n"));
}

#[tokio::test]
async fn wrong_credentials_are_a_backend_error_not_a_missing_object() {
    let mut config = storage_config(&services());
    config.s3_secret_access_key = SecretString::from("not-the-secret".to_owned());
    let store = S3Store::new(&config).expect("an S3 store");
    match store.get("tests/anything").await {
        Err(StorageError::Backend { .. }) => {}
        other => panic!("expected a backend error, got {other:?}"),
    }
    assert!(store.check().await.is_err());
}

#[tokio::test]
async fn keys_that_could_escape_are_refused_before_any_request() {
    let store = store();
    assert!(matches!(
        store.put("../etc/passwd", Bytes::from_static(b"x")).await,
        Err(StorageError::InvalidKey { .. })
    ));
}
