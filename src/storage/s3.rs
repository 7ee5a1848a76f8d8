//! The S3-compatible backend ([`S3Store`]): Garage, MinIO or AWS, through `aws-sdk-s3`; the store
//! several API processes and workers on other machines share.

use std::{fmt, time::Duration};

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

use super::{check_key, ObjectStore, StorageError};
use crate::config::StorageConfig;

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
