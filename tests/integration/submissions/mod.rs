//! Submissions end to end: HTTP → queue → worker → Docker → verdict, watched over WebSocket.
//!
//! This module holds what the topic files share: importing a sample problem, submitting, waiting
//! for a verdict, sources with known verdicts, and `coderank worker` processes.

pub(crate) mod checker_messages;
mod hidden_problems;
mod history;
mod leaderboard;
mod live;
mod playground;
mod priority;
mod rejudge;
mod scores;
mod submit_and_verdicts;
mod workers;

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{problems_config, services, storage_config, TestApp};

const PASSWORD: &str = "correct horse battery";

/// Imports `problems/<name>` into the app's database and store, published.
pub async fn import_sample(app: &TestApp, name: &str) {
    let db = app.db().await;
    let store = coderank::storage::open(&storage_config(&services()))
        .await
        .expect("the store");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("problems")
        .join(name);
    let options = coderank::problems::import::ImportOptions {
        publish: true,
        ..Default::default()
    };
    coderank::problems::import::import_dir(&db, &store, &problems_config(), &root, options)
        .await
        .expect("import the sample problem");
}

fn token(tokens: &Value) -> String {
    tokens["access_token"].as_str().expect("access_token").to_owned()
}

pub async fn submit(
    app: &TestApp,
    bearer: &str,
    problem: &str,
    language: &str,
    source: &str,
) -> reqwest::Response {
    app.call(
        Method::POST,
        "/api/v1/submissions",
        Some(bearer),
        Some(json!({ "problem": problem, "language": language, "source": source })),
    )
    .await
}

/// Polls a submission until its status is `finished`; answers it.
pub async fn finished(app: &TestApp, bearer: &str, id: &str) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    loop {
        let response = app
            .call(
                Method::GET,
                &format!("/api/v1/submissions/{id}"),
                Some(bearer),
                None,
            )
            .await;
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.expect("JSON");
        if body["status"] == "finished" {
            return body;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "not judged in time: {body}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

const APLUSB_PY: &str = "a, b = map(int, input().split())\nprint(a + b)\n";
const APLUSB_PY_WRONG: &str = "a, b = map(int, input().split())\nprint(a - b)\n";

const APLUSB_PY_SLOW: &str = "import time\na, b = map(int, input().split())\ntime.sleep(1)\nprint(a + b)\n";
const SLEEP_FOREVER_PY: &str = "import time\ntime.sleep(10)\n";
const SYNTAX_ERROR_CPP: &str =
    "#include <iostream>\nint main() {\n    long long a, b\n    std::cin >> a >> b;\n";
const APLUSB_CPP: &str =
    "#include <iostream>\nint main() { long long a, b; std::cin >> a >> b; std::cout << a + b << '\\n'; }\n";
const ECHO_PY: &str = "print(input())\n";

/// The id of a submission the API accepted.
async fn accepted_id(response: reqwest::Response) -> String {
    let status = response.status();
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    assert_eq!(body["status"], "queued", "{body}");
    body["id"].as_str().expect("id").to_owned()
}

/// Submits and answers the new submission's id.
async fn submit_ok(app: &TestApp, bearer: &str, problem: &str, language: &str, source: &str) -> String {
    accepted_id(submit(app, bearer, problem, language, source).await).await
}

async fn get_json(app: &TestApp, path: &str, bearer: Option<&str>) -> Value {
    let response = app.call(Method::GET, path, bearer, None).await;
    let status = response.status();
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(status, StatusCode::OK, "GET {path}: {body}");
    body
}

/// Creates and publishes, through the admin API, a one-test problem whose answer is its input.
pub(crate) async fn echo_problem(app: &TestApp, admin: &str, slug: &str, publish: bool) {
    let created = app
        .call(
            Method::POST,
            "/api/v1/problems",
            Some(admin),
            Some(json!({ "slug": slug, "title": "Echo", "time_limit_ms": 2000, "memory_mb": 256 })),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED, "create {slug}");
    let test = app
        .call(
            Method::POST,
            &format!("/api/v1/problems/{slug}/tests"),
            Some(admin),
            Some(json!({ "kind": "secret", "name": "1", "input": "42\n", "answer": "42\n" })),
        )
        .await;
    assert_eq!(test.status(), StatusCode::OK, "add a test to {slug}");
    if publish {
        let published = app
            .call(
                Method::PATCH,
                &format!("/api/v1/problems/{slug}"),
                Some(admin),
                Some(json!({ "published": true })),
            )
            .await;
        assert_eq!(published.status(), StatusCode::OK, "publish {slug}");
    }
}

async fn count(db: &sqlx::PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(db).await.expect("count")
}

/// A `coderank worker` process judging for one test's database, killed when dropped. Its log
/// goes to a file, named in failure messages.
pub(crate) struct WorkerProcess {
    child: std::process::Child,
    log: std::path::PathBuf,
}

impl WorkerProcess {
    pub(crate) fn start(database_url: &str, slots: usize, lease_secs: u64) -> Self {
        Self::start_on(
            &crate::helpers::TestBroker::Postgres,
            database_url,
            slots,
            lease_secs,
        )
    }

    /// A worker process whose judge queue runs on `broker`.
    fn start_on(
        broker: &crate::helpers::TestBroker,
        database_url: &str,
        slots: usize,
        lease_secs: u64,
    ) -> Self {
        let services = services();
        let scratch = std::env::temp_dir().join(format!("coderank-worker-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&scratch).expect("a scratch directory");
        let log = scratch.join("worker.log");
        let file = std::fs::File::create(&log).expect("a log file");
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_coderank"))
            .args(["worker", "--slots", &slots.to_string()])
            // The binary reads `.env` (the store's settings) from its working directory.
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("DATABASE_URL", database_url)
            .env("S3_ENDPOINT", &services.s3_endpoint)
            .env("CODERANK_JUDGE_LEASE_SECS", lease_secs.to_string())
            .env("CODERANK_CACHE_DIR", scratch.join("cache"))
            .env("CODERANK_PIN_CPUS", "false")
            .env("CODERANK_LOG", "info")
            .envs(broker.env())
            .stdin(std::process::Stdio::null())
            .stdout(file.try_clone().expect("a log file"))
            .stderr(file)
            .spawn()
            .expect("start coderank worker");
        Self { child, log }
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Fails the test if the process has exited.
    fn assert_alive(&mut self) {
        if let Ok(Some(status)) = self.child.try_wait() {
            panic!(
                "coderank worker exited ({status}); log {}:\n{}",
                self.log.display(),
                std::fs::read_to_string(&self.log).unwrap_or_default()
            );
        }
    }

    /// SIGKILL, and reaped, so that its pid is gone from /proc.
    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for WorkerProcess {
    fn drop(&mut self) {
        self.kill();
    }
}
