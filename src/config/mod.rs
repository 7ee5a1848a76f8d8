//! Typed configuration.
//!
//! Every setting is both a command-line flag and an environment variable (clap's `env`), so the
//! same binary is configured by `scripts/bootstrap`'s env file, by docker-compose, or by hand.
//! Defaults are written on each field and repeated in README's configuration table. Secrets are
//! held as [`SecretString`] so that a `Debug` print of the configuration never shows them, and
//! their arguments say `hide_env_values` so that `--help` names the variable but never prints
//! its value (a test in `src/cli.rs` walks every subcommand to hold every secret to that).

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use clap::{Args, ValueEnum};
use secrecy::{ExposeSecret, SecretString};

mod accounts;
mod judge0;
pub mod oauth;

pub use accounts::{AccountsConfig, Rate, RateSpec};
pub use judge0::Judge0Config;

/// Where and how to log.
#[derive(Debug, Clone, Args)]
pub struct LogConfig {
    /// Log format: `text` for people, `json` for log collectors.
    #[arg(long, env = "CODERANK_LOG_FORMAT", default_value = "text", global = true)]
    pub log_format: LogFormat,

    /// Log filter in `tracing` syntax; `RUST_LOG` takes precedence when set.
    #[arg(
        long,
        env = "CODERANK_LOG",
        default_value = "info,coderank=debug,sqlx=warn,aws=warn",
        global = true
    )]
    pub log: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// The PostgreSQL database that holds all relational data.
#[derive(Debug, Clone, Args)]
pub struct DatabaseConfig {
    /// PostgreSQL connection URL.
    #[arg(
        long = "database-url",
        env = "DATABASE_URL",
        default_value = "postgres://coderank:coderank@127.0.0.1:5432/coderank",
        value_parser = parse_secret,
        hide_default_value = true,
        hide_env_values = true
    )]
    pub url: SecretString,

    /// Largest number of pooled connections per process.
    #[arg(
        long = "database-max-connections",
        env = "DATABASE_MAX_CONNECTIONS",
        default_value_t = 10
    )]
    pub max_connections: u32,

    /// How long a request waits for a pooled connection before failing, in milliseconds.
    #[arg(
        long = "database-acquire-timeout-ms",
        env = "DATABASE_ACQUIRE_TIMEOUT_MS",
        default_value_t = 3000
    )]
    pub acquire_timeout_ms: u64,
}

impl DatabaseConfig {
    pub fn acquire_timeout(&self) -> Duration {
        Duration::from_millis(self.acquire_timeout_ms)
    }
}

/// Which object store backend to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StorageKind {
    /// S3 when `S3_ENDPOINT` is set, else the local directory.
    Auto,
    /// An S3-compatible store (Garage, MinIO, AWS).
    S3,
    /// Files under `--storage-dir`: zero set-up, one machine only.
    Local,
}

/// The object store for test data and other blobs.
#[derive(Debug, Clone, Args)]
pub struct StorageConfig {
    /// Backend: `auto`, `s3` or `local`.
    #[arg(long, env = "CODERANK_STORAGE", default_value = "auto")]
    pub storage: StorageKind,

    /// Directory of the local backend.
    #[arg(long, env = "CODERANK_STORAGE_DIR", default_value = "data/objects")]
    pub storage_dir: PathBuf,

    /// S3 endpoint URL, e.g. `http://127.0.0.1:3900` for Garage.
    #[arg(long, env = "S3_ENDPOINT")]
    pub s3_endpoint: Option<String>,

    /// S3 region; Garage's default is `garage`.
    #[arg(long, env = "S3_REGION", default_value = "garage")]
    pub s3_region: String,

    /// Bucket that holds CodeRank's objects.
    #[arg(long, env = "S3_BUCKET", default_value = "coderank")]
    pub s3_bucket: String,

    /// Access key id.
    #[arg(long, env = "S3_ACCESS_KEY_ID", default_value = "")]
    pub s3_access_key_id: String,

    /// Secret access key.
    #[arg(
        long,
        env = "S3_SECRET_ACCESS_KEY",
        default_value = "",
        value_parser = parse_secret,
        hide_default_value = true,
        hide_env_values = true
    )]
    pub s3_secret_access_key: SecretString,

    /// Path-style addressing (`endpoint/bucket/key`), which Garage and MinIO need.
    #[arg(long, env = "S3_FORCE_PATH_STYLE", default_value_t = true, action = clap::ArgAction::Set)]
    pub s3_force_path_style: bool,

    /// Timeout of one S3 operation, retries included, in milliseconds.
    #[arg(long, env = "S3_TIMEOUT_MS", default_value_t = 30_000)]
    pub s3_timeout_ms: u64,
}

impl StorageConfig {
    /// The backend `auto` resolves to.
    pub fn resolved_kind(&self) -> StorageKind {
        match self.storage {
            StorageKind::Auto if self.s3_endpoint.is_some() => StorageKind::S3,
            StorageKind::Auto => StorageKind::Local,
            other => other,
        }
    }

    pub fn s3_secret(&self) -> &str {
        self.s3_secret_access_key.expose_secret()
    }
}

/// The Docker engine that runs judge containers.
#[derive(Debug, Clone, Args)]
pub struct DockerConfig {
    /// Docker engine address: `unix:///path/to/docker.sock` or `tcp://host:port`.
    #[arg(long, env = "DOCKER_HOST", default_value = "unix:///var/run/docker.sock")]
    pub docker_host: String,
}

/// Settings of `coderank serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeConfig {
    /// Address the HTTP server listens on.
    #[arg(long, env = "CODERANK_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,

    /// Do not apply pending migrations at start (run `coderank migrate` instead).
    #[arg(long, env = "CODERANK_NO_MIGRATE", default_value_t = false)]
    pub no_migrate: bool,

    /// How long `/readyz` waits for each dependency before naming it down, in milliseconds.
    #[arg(long, env = "CODERANK_READY_TIMEOUT_MS", default_value_t = 2000)]
    pub ready_timeout_ms: u64,

    #[command(flatten)]
    pub body_limits: BodyLimits,

    #[command(flatten)]
    pub database: DatabaseConfig,

    #[command(flatten)]
    pub storage: StorageConfig,

    #[command(flatten)]
    pub docker: DockerConfig,

    #[command(flatten)]
    pub accounts: AccountsConfig,

    #[command(flatten)]
    pub problems: ProblemsConfig,

    #[command(flatten)]
    pub submissions: SubmissionsConfig,
}

impl ServeConfig {
    pub fn ready_timeout(&self) -> Duration {
        Duration::from_millis(self.ready_timeout_ms)
    }
}

/// How judge workers run (`coderank worker`, or `coderank serve --workers N`).
#[derive(Debug, Clone, Args)]
pub struct JudgeWorkerConfig {
    /// Seconds a claimed job stays with its worker without renewal; a dead worker's job is
    /// taken by another after this long. Renewed every third of it while judging.
    #[arg(long, env = "CODERANK_JUDGE_LEASE_SECS", default_value_t = 30)]
    pub lease_secs: u64,

    /// The supervisor binary handed to each sandbox (default: beside the coderank binary).
    #[arg(long, env = "CODERANK_SUPERVISOR")]
    pub supervisor: Option<PathBuf>,

    /// Pin judging slot k to CPU k, when the machine has that many.
    #[arg(long, env = "CODERANK_PIN_CPUS", default_value_t = true, action = clap::ArgAction::Set)]
    pub pin_cpus: bool,

    /// Sandboxes kept started and ready per language, problem limits and slot (the warm pool;
    /// README "The sandbox"). Each is used by one judging, then removed and replaced in the
    /// background. 0 turns the pool off.
    #[arg(long, env = "CODERANK_WARM_POOL", default_value_t = 1)]
    pub warm_pool: usize,

    /// Shapes (language, problem limits, slot) the warm pool keeps sandboxes for at once; past
    /// this, the least recently used shape's sandboxes are removed. Playground and Judge0 runs
    /// have shapes of their own (their limits), so a worker serving both in many languages
    /// wants more.
    #[arg(long, env = "CODERANK_WARM_POOL_SHAPES", default_value_t = 8)]
    pub warm_pool_shapes: usize,

    /// The OCI runtime sandboxes run under, as registered with the Docker engine (`runc`,
    /// `crun`); default: the engine's default runtime (docs/decisions.md says why).
    #[arg(long, env = "CODERANK_DOCKER_RUNTIME")]
    pub docker_runtime: Option<String>,

    #[command(flatten)]
    pub queue: QueueConfig,
}

/// Which broker carries the judge queue's wake-up messages (PostgreSQL stays the record of
/// every job either way: see docs/decisions.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum QueueBroker {
    /// apalis-postgres: the messages in CodeRank's own database, nothing more to run.
    Postgres,
    /// apalis-amqp: RabbitMQ (or any AMQP 0.9.1 broker), for many judge hosts.
    Amqp,
}

/// The broker of the judge queue.
#[derive(Debug, Clone, Args)]
pub struct QueueConfig {
    /// Broker of the judge queue: `postgres` or `amqp`.
    #[arg(
        long = "queue-broker",
        env = "CODERANK_QUEUE_BROKER",
        default_value = "postgres"
    )]
    pub broker: QueueBroker,

    /// AMQP URL of the broker when `--queue-broker amqp`, e.g.
    /// `amqp://guest:guest@127.0.0.1:5672/%2f`.
    #[arg(
        long = "amqp-url",
        env = "CODERANK_AMQP_URL",
        value_parser = parse_secret,
        hide_env_values = true
    )]
    pub amqp_url: Option<SecretString>,

    /// Name of the broker's queue (the apalis-postgres queue or the AMQP queue); every API
    /// and worker of one deployment must use the same.
    #[arg(
        long = "queue-name",
        env = "CODERANK_QUEUE_NAME",
        default_value = "coderank-judge"
    )]
    pub name: String,
}

impl QueueConfig {
    /// The AMQP URL, required when the broker is `amqp`.
    pub fn amqp_url(&self) -> anyhow::Result<&str> {
        self.amqp_url
            .as_ref()
            .map(|url| url.expose_secret())
            .ok_or_else(|| anyhow::anyhow!("CODERANK_QUEUE_BROKER=amqp needs CODERANK_AMQP_URL"))
    }
}

/// Settings of `coderank worker`: judging slots in a process of their own.
#[derive(Debug, Clone, Args)]
pub struct WorkerConfig {
    /// Submissions judged at once (one CPU each, best at most the number of cores).
    #[arg(long, env = "CODERANK_WORKER_SLOTS", default_value_t = 1)]
    pub slots: usize,
    /// Check that this host has what judging needs (PostgreSQL, the object store, the Docker
    /// engine, the judge images, the supervisor), print each finding, and exit: 0 and `OK`
    /// when it has everything, 1 naming what is missing otherwise.
    #[arg(long)]
    pub check: bool,
    /// Serve Prometheus metrics at `http://ADDRESS/metrics` (e.g. `0.0.0.0:9100`).
    #[arg(long, env = "CODERANK_METRICS_BIND")]
    pub metrics_bind: Option<SocketAddr>,
    #[command(flatten)]
    pub judge: JudgeWorkerConfig,
    #[command(flatten)]
    pub database: DatabaseConfig,
    #[command(flatten)]
    pub storage: StorageConfig,
    #[command(flatten)]
    pub problems: ProblemsConfig,
    #[command(flatten)]
    pub docker: DockerConfig,
}

/// Submissions and the playground.
/// The largest request bodies, by who may send them. A body is read only after its sender is
/// known (the signed-in and admin routes check credentials first), so an anonymous client can
/// never make the server read more than `anonymous`.
#[derive(Debug, Clone, Copy, Args)]
pub struct BodyLimits {
    /// Largest body of a route anyone may call (sign-in, registration, token refresh), in bytes.
    #[arg(
        long = "max-anonymous-body-bytes",
        env = "CODERANK_MAX_ANONYMOUS_BODY_BYTES",
        default_value_t = 64 * 1024
    )]
    pub anonymous: usize,

    /// Largest body of a signed-in user's request (a submission, a playground run and its
    /// input), in bytes.
    #[arg(
        long = "max-user-body-bytes",
        env = "CODERANK_MAX_USER_BODY_BYTES",
        default_value_t = 2 * 1024 * 1024
    )]
    pub user: usize,

    /// Largest body of an admin's request (problem edits, test cases sent as JSON), in bytes.
    /// Zips of packages and test data may be up to --max-package-bytes.
    #[arg(long = "max-body-bytes", env = "CODERANK_MAX_BODY_BYTES", default_value_t = 64 * 1024 * 1024)]
    pub admin: usize,
}

#[derive(Debug, Clone, Args)]
pub struct SubmissionsConfig {
    /// Judging slots to run inside `coderank serve` (0: judge in separate `coderank worker`s).
    #[arg(long, env = "CODERANK_WORKERS", default_value_t = 0)]
    pub workers: usize,

    /// Largest source of a submission or playground run, in bytes.
    #[arg(long, env = "CODERANK_MAX_SOURCE_BYTES", default_value_t = 64 * 1024)]
    pub max_source_bytes: usize,

    #[command(flatten)]
    pub judge: JudgeWorkerConfig,

    #[command(flatten)]
    pub judge0: Judge0Config,
}

/// Limits on problem files, and the local test-data cache.
#[derive(Debug, Clone, Args)]
pub struct ProblemsConfig {
    /// Largest single file of a problem (a test input or answer, a validator source), in bytes.
    #[arg(long, env = "CODERANK_MAX_TEST_FILE_BYTES", default_value_t = 256 * 1024 * 1024)]
    pub max_test_file_bytes: u64,

    /// Largest package: the zip uploaded, and all its files unpacked, in bytes.
    #[arg(long, env = "CODERANK_MAX_PACKAGE_BYTES", default_value_t = 1024 * 1024 * 1024)]
    pub max_package_bytes: u64,

    /// Directory of the local test-data cache (files by SHA-256).
    #[arg(long, env = "CODERANK_CACHE_DIR", default_value = "data/cache")]
    pub cache_dir: PathBuf,

    /// Size bound of the test-data cache, in bytes; least recently used files go first.
    #[arg(long, env = "CODERANK_CACHE_MAX_BYTES", default_value_t = 10 * 1024 * 1024 * 1024)]
    pub cache_max_bytes: u64,
}

fn parse_secret(value: &str) -> Result<SecretString, std::convert::Infallible> {
    Ok(SecretString::from(value.to_owned()))
}
