//! The machine's services as `scripts/bootstrap` set them up: their settings from `.env`, the
//! queue broker a test runs on, a fresh database per test, and addresses through a proxy.

use std::{net::SocketAddr, path::PathBuf};

use coderank::config::{QueueBroker, QueueConfig, StorageConfig, StorageKind};
use secrecy::SecretString;

/// The settings of the machine's services, from `.env` (or the environment, which wins).
#[derive(Clone)]
pub struct Services {
    pub database_url: String,
    pub s3_endpoint: String,
    pub s3_region: String,
    pub s3_bucket: String,
    pub s3_access_key_id: String,
    pub s3_secret_access_key: String,
    pub docker_host: String,
    /// RabbitMQ, for the queue tests on the amqp broker (`scripts/bootstrap` writes it).
    pub amqp_url: Option<String>,
}

fn required(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} is not set: run scripts/bootstrap first (it writes .env with the test services)")
    })
}

pub fn services() -> Services {
    let env_file = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".env");
    // A missing file is fine when the variables come from the environment instead.
    let _ = dotenvy::from_path(env_file);
    Services {
        database_url: required("DATABASE_URL"),
        s3_endpoint: required("S3_ENDPOINT"),
        s3_region: std::env::var("S3_REGION").unwrap_or_else(|_| "garage".into()),
        s3_bucket: std::env::var("S3_BUCKET").unwrap_or_else(|_| "coderank".into()),
        s3_access_key_id: required("S3_ACCESS_KEY_ID"),
        s3_secret_access_key: required("S3_SECRET_ACCESS_KEY"),
        docker_host: std::env::var("DOCKER_HOST").unwrap_or_else(|_| "unix:///var/run/docker.sock".into()),
        amqp_url: std::env::var("CODERANK_AMQP_URL").ok(),
    }
}

/// The judge queue's broker a test runs on.
#[derive(Debug, Clone)]
pub enum TestBroker {
    /// The default: apalis-postgres in the test's own database.
    Postgres,
    /// RabbitMQ at `url`, on a queue of the test's own (tests share the broker).
    Amqp { url: String, queue: String },
}

impl TestBroker {
    /// RabbitMQ from `.env`, on a fresh queue.
    pub fn amqp() -> Self {
        let url = services().amqp_url.unwrap_or_else(|| {
            panic!("CODERANK_AMQP_URL is not set: run scripts/bootstrap first (it starts RabbitMQ)")
        });
        Self::Amqp {
            url,
            queue: format!("coderank-test-{}", uuid::Uuid::new_v4().simple()),
        }
    }

    /// The same broker reached through `address` (a [`Proxy`]) instead.
    pub fn via(&self, address: SocketAddr) -> Self {
        match self {
            Self::Postgres => Self::Postgres,
            Self::Amqp { url, queue } => Self::Amqp {
                url: via(url, address),
                queue: queue.clone(),
            },
        }
    }

    pub fn config(&self) -> QueueConfig {
        match self {
            Self::Postgres => QueueConfig {
                broker: QueueBroker::Postgres,
                amqp_url: None,
                name: "coderank-judge".into(),
            },
            Self::Amqp { url, queue } => QueueConfig {
                broker: QueueBroker::Amqp,
                amqp_url: Some(SecretString::from(url.clone())),
                name: queue.clone(),
            },
        }
    }

    /// The environment of a `coderank worker` process on this broker.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        match self {
            Self::Postgres => vec![("CODERANK_QUEUE_BROKER", "postgres".into())],
            Self::Amqp { url, queue } => vec![
                ("CODERANK_QUEUE_BROKER", "amqp".into()),
                ("CODERANK_AMQP_URL", url.clone()),
                ("CODERANK_QUEUE_NAME", queue.clone()),
            ],
        }
    }
}

/// Creates an empty database for one test and answers its URL. `scripts/test` drops the
/// databases of earlier runs (`coderank_test_*`) before testing.
pub async fn fresh_database(services: &Services) -> String {
    let name = format!("coderank_test_{}", uuid::Uuid::new_v4().simple());
    let pool = sqlx::PgPool::connect(&services.database_url)
        .await
        .expect("connect to PostgreSQL");
    sqlx::query(&format!("CREATE DATABASE \"{name}\""))
        .execute(&pool)
        .await
        .expect("create a test database");
    pool.close().await;
    let mut url = url::Url::parse(&services.database_url).expect("DATABASE_URL is a URL");
    url.set_path(&name);
    url.to_string()
}

/// Replaces host and port of `url` with `address`, e.g. to route it through a [`Proxy`].
pub fn via(url: &str, address: SocketAddr) -> String {
    let mut url = url::Url::parse(url).expect("a URL");
    url.set_host(Some(&address.ip().to_string())).expect("set host");
    url.set_port(Some(address.port())).expect("set port");
    url.to_string().trim_end_matches('/').to_owned()
}

/// `host:port` of a URL, resolved.
pub fn socket_of(url: &str) -> SocketAddr {
    let url = url::Url::parse(url).expect("a URL");
    let host = url.host_str().expect("a host");
    let port = url.port_or_known_default().expect("a port");
    std::net::ToSocketAddrs::to_socket_addrs(&(host, port))
        .expect("resolve")
        .next()
        .expect("an address")
}

pub fn storage_config(services: &Services) -> StorageConfig {
    StorageConfig {
        storage: StorageKind::S3,
        storage_dir: std::env::temp_dir().join("coderank-unused"),
        s3_endpoint: Some(services.s3_endpoint.clone()),
        s3_region: services.s3_region.clone(),
        s3_bucket: services.s3_bucket.clone(),
        s3_access_key_id: services.s3_access_key_id.clone(),
        s3_secret_access_key: SecretString::from(services.s3_secret_access_key.clone()),
        s3_force_path_style: true,
        s3_timeout_ms: 5_000,
    }
}
