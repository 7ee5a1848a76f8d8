//! Shared set-up: the environment `scripts/bootstrap` wrote, a fresh database per test, the
//! application started in-process on a free port, and a TCP proxy that can cut a dependency off.

use std::{
    net::SocketAddr,
    path::PathBuf,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, Mutex,
    },
    time::Duration,
};

use coderank::config::{
    AccountsConfig, BodyLimits, DatabaseConfig, DockerConfig, JudgeWorkerConfig, ProblemsConfig, QueueBroker,
    QueueConfig, RateSpec, ServeConfig, StorageConfig, StorageKind, SubmissionsConfig,
};
use secrecy::SecretString;
use tokio::{net::TcpListener, sync::oneshot, task::AbortHandle};

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

/// A running application and a client for it.
pub struct TestApp {
    pub address: SocketAddr,
    pub client: reqwest::Client,
    /// The application's database, for tests that look behind the API.
    pub database_url: String,
    shutdown: Option<oneshot::Sender<()>>,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("request")
    }

    /// Sends a request with an optional bearer token and JSON body.
    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        bearer: Option<&str>,
        body: Option<serde_json::Value>,
    ) -> reqwest::Response {
        let mut request = self.client.request(method, self.url(path));
        if let Some(token) = bearer {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.expect("request")
    }

    /// Registers a local account and answers the token response.
    pub async fn register(&self, email: &str, password: &str) -> serde_json::Value {
        let response = self
            .call(
                reqwest::Method::POST,
                "/api/v1/auth/register",
                None,
                Some(serde_json::json!({ "email": email, "password": password, "display_name": email.split('@').next() })),
            )
            .await;
        assert_eq!(response.status(), 201, "register {email}");
        response.json().await.expect("JSON")
    }

    /// A connection to the application's database.
    pub async fn db(&self) -> sqlx::PgPool {
        sqlx::PgPool::connect(&self.database_url)
            .await
            .expect("connect to the app's database")
    }
}

/// The sign-in settings tests start from: the defaults, with no OAuth provider.
pub fn accounts_config() -> AccountsConfig {
    AccountsConfig {
        public_url: "http://127.0.0.1:8080".parse().expect("URL"),
        local_login: true,
        registration: true,
        access_token_ttl_secs: 900,
        session_ttl_days: 30,
        rate_submit: "5/min:10".parse::<RateSpec>().expect("rate"),
        rate_login: "30/min:60".parse::<RateSpec>().expect("rate"),
        rate_register: "20/h:40".parse::<RateSpec>().expect("rate"),
        rate_password: "10/h:10".parse::<RateSpec>().expect("rate"),
        trust_forwarded_for: false,
        oauth_providers: Default::default(),
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

/// How a test wants the application wired; `None` means the real service from `.env`.
#[derive(Default)]
pub struct AppOptions {
    pub database_url: Option<String>,
    pub s3_endpoint: Option<String>,
    pub docker_host: Option<String>,
    pub accounts: Option<AccountsConfig>,
    pub problems: Option<ProblemsConfig>,
    /// Judging slots inside the app (0: none; submissions stay queued).
    pub workers: usize,
    /// Seconds of a judge lease (default 30).
    pub lease_secs: Option<u64>,
    /// The judge queue's broker (default: PostgreSQL).
    pub broker: Option<TestBroker>,
    /// The Judge0-compatible API's settings (default: the defaults).
    pub judge0: Option<coderank::config::Judge0Config>,
}

/// Submission settings for tests; the supervisor comes from CODERANK_SUPERVISOR (set by
/// scripts/test) or beside the test binary's coderank.
pub fn submissions_config(workers: usize, lease_secs: Option<u64>) -> SubmissionsConfig {
    SubmissionsConfig {
        workers,
        max_source_bytes: 64 * 1024,
        judge: JudgeWorkerConfig {
            lease_secs: lease_secs.unwrap_or(30),
            supervisor: std::env::var_os("CODERANK_SUPERVISOR").map(PathBuf::from),
            pin_cpus: false,
            queue: TestBroker::Postgres.config(),
            // Off: a test's runtime ends without the worker's shutdown, which would leave the
            // pool's containers behind; tests/integration/warm_pool.rs tests the pool itself.
            warm_pool: 0,
            warm_pool_shapes: 8,
            docker_runtime: None,
        },
        judge0: coderank::config::Judge0Config::default(),
    }
}

/// Problem limits for tests: the defaults, with a test-data cache of the app's own.
pub fn problems_config() -> ProblemsConfig {
    ProblemsConfig {
        max_test_file_bytes: 256 * 1024 * 1024,
        max_package_bytes: 1024 * 1024 * 1024,
        cache_dir: std::env::temp_dir()
            .join(format!("coderank-test-cache-{}", uuid::Uuid::new_v4().simple())),
        cache_max_bytes: 1024 * 1024 * 1024,
    }
}

/// Starts the application with these sign-in settings (and a fresh database).
pub async fn spawn_app_with(accounts: AccountsConfig) -> TestApp {
    spawn_app(AppOptions {
        accounts: Some(accounts),
        ..AppOptions::default()
    })
    .await
}

/// Starts the application in-process on a free port with a fresh, migrated database.
pub async fn spawn_app(options: AppOptions) -> TestApp {
    let services = services();
    let database_url = match options.database_url {
        Some(url) => url,
        None => fresh_database(&services).await,
    };
    let mut storage = storage_config(&services);
    if let Some(endpoint) = options.s3_endpoint {
        storage.s3_endpoint = Some(endpoint);
    }
    let config = ServeConfig {
        bind: "127.0.0.1:0".parse().expect("address"),
        no_migrate: false,
        ready_timeout_ms: 2_000,
        body_limits: BodyLimits {
            anonymous: 64 * 1024,
            user: 2 * 1024 * 1024,
            admin: 1024 * 1024,
        },
        database: DatabaseConfig {
            url: SecretString::from(database_url.clone()),
            max_connections: 4,
            acquire_timeout_ms: 1_500,
        },
        storage,
        docker: DockerConfig {
            docker_host: options.docker_host.unwrap_or(services.docker_host),
        },
        accounts: options.accounts.unwrap_or_else(accounts_config),
        problems: options.problems.unwrap_or_else(problems_config),
        submissions: {
            let mut submissions = coderank::config::SubmissionsConfig {
                judge0: options.judge0.unwrap_or_default(),
                ..submissions_config(options.workers, options.lease_secs)
            };
            if let Some(broker) = &options.broker {
                submissions.judge.queue = broker.config();
            }
            submissions
        },
    };
    let server = coderank::server::Server::build(config)
        .await
        .expect("the app starts");
    let address = server.local_addr().expect("bound");
    let (shutdown, stop) = oneshot::channel::<()>();
    tokio::spawn(server.run(async move {
        let _ = stop.await;
    }));
    TestApp {
        address,
        client: reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .expect("client"),
        database_url,
        shutdown: Some(shutdown),
    }
}

/// A TCP proxy in front of a real service that a test can cut off and restore, to see how
/// CodeRank behaves when a dependency goes away and comes back.
pub struct Proxy {
    pub address: SocketAddr,
    open: Arc<AtomicBool>,
    connections: Arc<Mutex<Vec<AbortHandle>>>,
}

impl Proxy {
    pub async fn start(target: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let address = listener.local_addr().expect("proxy address");
        let open = Arc::new(AtomicBool::new(true));
        let connections = Arc::new(Mutex::new(Vec::new()));
        let (accept_open, accept_connections) = (Arc::clone(&open), Arc::clone(&connections));
        tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                if !accept_open.load(Ordering::SeqCst) {
                    drop(inbound); // refused: the "service" is down
                    continue;
                }
                let task = tokio::spawn(async move {
                    if let Ok(mut outbound) = tokio::net::TcpStream::connect(target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                accept_connections.lock().expect("lock").push(task.abort_handle());
            }
        });
        Self {
            address,
            open,
            connections,
        }
    }

    /// Drops every open connection and refuses new ones.
    pub fn cut(&self) {
        self.open.store(false, Ordering::SeqCst);
        for connection in self.connections.lock().expect("lock").drain(..) {
            connection.abort();
        }
    }

    pub fn restore(&self) {
        self.open.store(true, Ordering::SeqCst);
    }
}

/// Polls `probe` until it answers true or `timeout` passes; answers the last result.
pub async fn eventually<F, Fut>(timeout: Duration, mut probe: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        if probe().await {
            return true;
        }
        if tokio::time::Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

impl TestApp {
    /// Registers an account and makes it an admin, as `coderank user set-role` would; answers
    /// its access token.
    pub async fn admin_token(&self, email: &str, password: &str) -> String {
        let tokens = self.register(email, password).await;
        sqlx::query("UPDATE users SET role = 'admin' WHERE email = $1::text::citext")
            .bind(email)
            .execute(&self.db().await)
            .await
            .expect("promote to admin");
        tokens["access_token"].as_str().expect("access_token").to_owned()
    }

    /// Sends raw bytes (an upload such as a zip) with this content type and an optional bearer
    /// token.
    pub async fn send_bytes(
        &self,
        method: reqwest::Method,
        path: &str,
        bearer: Option<&str>,
        content_type: &str,
        body: Vec<u8>,
    ) -> reqwest::Response {
        let mut request = self
            .client
            .request(method, self.url(path))
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(body);
        if let Some(token) = bearer {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("request")
    }
}

/// The object store of `.env` (Garage), opened as the application opens it.
pub async fn object_store() -> coderank::storage::SharedStore {
    coderank::storage::open(&storage_config(&services()))
        .await
        .expect("open the object store")
}

/// The `Set-Cookie` header that sets `name`, whole (value and attributes).
pub fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|value| value.starts_with(&format!("{name}=")))
        .map(str::to_owned)
}

/// The value a `Set-Cookie` header sets.
pub fn cookie_value(set_cookie: &str) -> String {
    let pair = set_cookie.split(';').next().unwrap_or_default();
    pair.split_once('=')
        .map(|(_, value)| value.to_owned())
        .unwrap_or_default()
}

/// A `coderank serve` process on a free port, killed when dropped.
pub struct ServerProcess {
    child: std::process::Child,
    pub base: String,
}

impl ServerProcess {
    /// SIGKILL, as a crash or an OOM kill would end it, and reaped.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Registers a local account on this process; the token response.
    pub async fn register(&self, email: &str, password: &str) -> serde_json::Value {
        let name = email.split('@').next().unwrap_or(email);
        reqwest::Client::new()
            .post(format!("{}/api/v1/auth/register", self.base))
            .json(&serde_json::json!({ "email": email, "password": password, "display_name": name }))
            .send()
            .await
            .expect("register")
            .json()
            .await
            .expect("JSON")
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

pub async fn serve_process(database_url: &str, env: &[(&str, &str)]) -> ServerProcess {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let services = services();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_coderank"))
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .env("DATABASE_URL", database_url)
        .env("S3_ENDPOINT", &services.s3_endpoint)
        .env("CODERANK_LOG", "warn")
        .envs(env.iter().copied())
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("start coderank serve");
    let server = ServerProcess {
        child,
        base: format!("http://127.0.0.1:{port}"),
    };
    let client = reqwest::Client::new();
    let up = eventually(Duration::from_secs(30), || {
        let request = client.get(format!("{}/healthz", server.base)).send();
        async move { request.await.is_ok_and(|response| response.status() == 200) }
    })
    .await;
    assert!(up, "coderank serve did not come up on port {port}");
    server
}
