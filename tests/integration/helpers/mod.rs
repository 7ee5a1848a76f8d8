//! Shared set-up: the application started in-process on a free port with its settings, and
//! small waits and cookie helpers; the machine's services in `services.rs`, a TCP proxy and
//! `coderank serve` processes in `processes.rs`.

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use coderank::config::{
    AccountsConfig, BodyLimits, DatabaseConfig, DockerConfig, JudgeWorkerConfig, ProblemsConfig, RateSpec,
    ServeConfig, SubmissionsConfig,
};
use secrecy::SecretString;
use tokio::sync::oneshot;

mod processes;
mod services;

pub use processes::{serve_process, Proxy, ServerProcess};
pub use services::*;

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
