//! Submissions end to end: HTTP → queue → worker → Docker → verdict, watched over WebSocket.

use std::time::Duration;

use coderank::config::AccountsConfig;
use futures::StreamExt;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{
    accounts_config, problems_config, services, spawn_app, storage_config, AppOptions, TestApp,
};

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

#[tokio::test]
async fn an_accepted_python_submission_is_judged_by_the_worker_in_the_app() {
    let app = spawn_app(AppOptions {
        workers: 1,
        ..AppOptions::default()
    })
    .await;
    import_sample(&app, "aplusb").await;
    let user = token(&app.register("sub@example.org", PASSWORD).await);
    let response = submit(&app, &user, "aplusb", "python3", APLUSB_PY).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let id = response.json::<Value>().await.expect("JSON")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let judged = finished(&app, &user, &id).await;
    assert_eq!(judged["verdict"], "AC", "{judged}");
    assert_eq!(judged["source"], APLUSB_PY);
    // The problem list marks it solved for this user, and says nothing to anonymous callers.
    let listed: Value = app
        .call(Method::GET, "/api/v1/problems", Some(&user), None)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(listed["items"][0]["solved"], true, "{listed}");
    let anonymous: Value = app.get("/api/v1/problems").await.json().await.expect("JSON");
    assert!(anonymous["items"][0].get("solved").is_none(), "{anonymous}");
    assert!(judged["tests"].as_array().is_some_and(|tests| !tests.is_empty()));

    let wrong = submit(&app, &user, "aplusb", "python3", APLUSB_PY_WRONG).await;
    let id = wrong.json::<Value>().await.expect("JSON")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let judged = finished(&app, &user, &id).await;
    assert_eq!(judged["verdict"], "WA", "{judged}");
    let sample = &judged["tests"][0]["sample"];
    assert!(sample["diff"].is_string(), "{judged}");
    assert!(sample["input"].is_string() && sample["expected"].is_string() && sample["output"].is_string());
}

// ---------------------------------------------------------------------------------------------
// Shared pieces of the tests below.

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
async fn echo_problem(app: &TestApp, admin: &str, slug: &str, publish: bool) {
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

/// Logs every change of a judging to `finished` in a table of the test's database, so that a
/// judging recorded twice (by two workers, or twice by one) shows up as two rows.
async fn log_finishes(db: &sqlx::PgPool) {
    sqlx::raw_sql(
        r#"CREATE TABLE test_finish_log (judging_id uuid NOT NULL);
           CREATE FUNCTION test_log_finish() RETURNS trigger LANGUAGE plpgsql AS $$
           BEGIN INSERT INTO test_finish_log VALUES (NEW.id); RETURN NEW; END $$;
           CREATE TRIGGER test_log_finish AFTER UPDATE OF status ON judgings FOR EACH ROW
               WHEN (NEW.status = 'finished') EXECUTE FUNCTION test_log_finish();"#,
    )
    .execute(db)
    .await
    .expect("install the finish log");
}

/// Every submission in the database has exactly one judging, finished with `verdict` and
/// recorded exactly once, and the queue is empty.
async fn assert_each_judged_exactly_once(db: &sqlx::PgPool, submissions: i64, verdict: &str) {
    assert_eq!(count(db, "SELECT count(*) FROM submissions").await, submissions);
    assert_eq!(count(db, "SELECT count(*) FROM judgings").await, submissions);
    let verdicts: Vec<(String, Option<String>, i64)> = sqlx::query_as(
        "SELECT status, verdict, count(*) FROM judgings GROUP BY status, verdict ORDER BY 1, 2",
    )
    .fetch_all(db)
    .await
    .expect("verdicts");
    assert_eq!(
        verdicts,
        vec![("finished".to_owned(), Some(verdict.to_owned()), submissions)]
    );
    let recorded: Vec<(uuid::Uuid, i64)> = sqlx::query_as(
        "SELECT judging_id, count(*) FROM test_finish_log GROUP BY judging_id HAVING count(*) <> 1",
    )
    .fetch_all(db)
    .await
    .expect("finish log");
    assert!(
        recorded.is_empty(),
        "judgings recorded more than once: {recorded:?}"
    );
    assert_eq!(
        count(db, "SELECT count(DISTINCT judging_id) FROM test_finish_log").await,
        submissions
    );
    assert_eq!(count(db, "SELECT count(*) FROM judge_jobs").await, 0);
}

/// A `coderank worker` process judging for one test's database, killed when dropped. Its log
/// goes to a file, named in failure messages.
struct WorkerProcess {
    child: std::process::Child,
    log: std::path::PathBuf,
}

impl WorkerProcess {
    fn start(database_url: &str, slots: usize, lease_secs: u64) -> Self {
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

/// Polls until `sql` (a count) reaches `want`, while the workers stay alive.
async fn wait_for_count(
    db: &sqlx::PgPool,
    sql: &str,
    want: i64,
    timeout: Duration,
    workers: &mut [&mut WorkerProcess],
) {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        for worker in workers.iter_mut() {
            worker.assert_alive();
        }
        // The database may be restarting: an error is one more poll.
        let have = sqlx::query_scalar::<_, i64>(sql)
            .fetch_one(db)
            .await
            .unwrap_or(-1);
        if have >= want {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{sql}: {have}, not {want}, after {timeout:?}"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens a WebSocket on the app, signed in by bearer token when given.
async fn open_socket(
    app: &TestApp,
    path: &str,
    bearer: Option<&str>,
) -> Result<Socket, tokio_tungstenite::tungstenite::Error> {
    use tokio_tungstenite::tungstenite::{client::IntoClientRequest, http::HeaderValue};
    let mut request = format!("ws://{}{path}", app.address)
        .into_client_request()
        .expect("a WebSocket request");
    if let Some(token) = bearer {
        request.headers_mut().insert(
            "authorization",
            HeaderValue::from_str(&format!("Bearer {token}")).expect("a header"),
        );
    }
    tokio_tungstenite::connect_async(request)
        .await
        .map(|(socket, _)| socket)
}

/// The next JSON message, or `None` once the server closed the socket (with a close frame:
/// a connection dropped without one fails the test).
async fn next_message(socket: &mut Socket) -> Option<Value> {
    use tokio_tungstenite::tungstenite::Message;
    loop {
        let next = tokio::time::timeout(Duration::from_secs(180), socket.next())
            .await
            .expect("a WebSocket message within 3 minutes");
        match next {
            Some(Ok(Message::Text(text))) => return Some(serde_json::from_str(text.as_str()).expect("JSON")),
            Some(Ok(Message::Close(_))) => return None,
            Some(Ok(_)) => {}
            Some(Err(err)) => panic!("the WebSocket failed: {err}"),
            None => panic!("the WebSocket ended without a close frame"),
        }
    }
}

/// Every message until the server closes the socket.
async fn messages_until_closed(mut socket: Socket) -> Vec<Value> {
    let mut messages = Vec::new();
    while let Some(message) = next_message(&mut socket).await {
        messages.push(message);
    }
    messages
}

fn status_rank(status: &Value) -> usize {
    let order = ["queued", "compiling", "running", "finished"];
    order
        .iter()
        .position(|known| status == known)
        .unwrap_or_else(|| panic!("unknown status {status}"))
}

// ---------------------------------------------------------------------------------------------
// Live updates.

#[tokio::test]
async fn each_verdict_arrives_over_the_websocket_in_order_and_the_server_closes_after_it() {
    let app = spawn_app(AppOptions::default()).await;
    import_sample(&app, "aplusb").await;
    let user = token(&app.register("watcher@example.org", PASSWORD).await);
    let cases = [
        ("python3", APLUSB_PY, "AC"),
        ("python3", APLUSB_PY_WRONG, "WA"),
        ("python3", SLEEP_FOREVER_PY, "TLE"),
        ("cpp", SYNTAX_ERROR_CPP, "CE"),
    ];
    let mut watched = Vec::new();
    for (language, source, verdict) in cases {
        let id = submit_ok(&app, &user, "aplusb", language, source).await;
        let socket = open_socket(&app, &format!("/api/v1/submissions/{id}/ws"), Some(&user))
            .await
            .expect("open the WebSocket");
        watched.push((id, verdict, socket));
    }
    // No worker ran yet, so every socket starts at `queued` and must see the whole journey.
    let _worker = WorkerProcess::start(&app.database_url, 1, 30);
    let reads = watched
        .into_iter()
        .map(|(id, verdict, socket)| async move { (id, verdict, messages_until_closed(socket).await) });
    for (id, verdict, messages) in futures::future::join_all(reads).await {
        let trail: Vec<String> = messages
            .iter()
            .map(|m| format!("{}:{}", m["status"], m["tests_done"]))
            .collect();
        assert!(messages.len() >= 2, "{verdict}: {trail:?}");
        assert_eq!(messages[0]["status"], "queued", "{verdict}: {trail:?}");
        for pair in messages.windows(2) {
            assert!(
                status_rank(&pair[0]["status"]) <= status_rank(&pair[1]["status"]),
                "{verdict}: the status went back: {trail:?}"
            );
            assert!(
                pair[0]["tests_done"].as_i64() <= pair[1]["tests_done"].as_i64(),
                "{verdict}: tests_done went back: {trail:?}"
            );
        }
        let (last, before) = messages.split_last().expect("messages");
        for message in before {
            assert_ne!(message["status"], "finished", "{verdict}: {trail:?}");
            assert!(message["verdict"].is_null(), "{verdict}: {message}");
        }
        for message in &messages {
            assert_eq!(message["id"], id.as_str());
        }
        assert_eq!(last["status"], "finished", "{verdict}: {trail:?}");
        assert_eq!(last["verdict"], verdict, "{last}");
        if verdict == "CE" {
            let output = last["compile_output"]
                .as_str()
                .expect("compile output for the author");
            assert!(output.contains("error"), "{output}");
        }
    }
}

#[tokio::test]
async fn the_users_stream_carries_only_that_users_own_submissions() {
    let app = spawn_app(AppOptions {
        workers: 1,
        ..AppOptions::default()
    })
    .await;
    import_sample(&app, "aplusb").await;
    let alice = app.register("alice@example.org", PASSWORD).await;
    let bob = app.register("bob@example.org", PASSWORD).await;
    let (alice_id, bob_id) = (alice["user"]["id"].clone(), bob["user"]["id"].clone());
    let (alice, bob) = (token(&alice), token(&bob));

    match open_socket(&app, "/api/v1/submissions/ws", None).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), 401);
        }
        Err(other) => panic!("expected a 401 handshake, got {other}"),
        Ok(_) => panic!("an anonymous caller got the user stream"),
    }
    let mut alice_stream = open_socket(&app, "/api/v1/submissions/ws", Some(&alice))
        .await
        .expect("alice's stream");
    let mut bob_stream = open_socket(&app, "/api/v1/submissions/ws", Some(&bob))
        .await
        .expect("bob's stream");

    // Judged in this order, so each stream is open while the other user's submissions change.
    let bob_first = submit_ok(&app, &bob, "aplusb", "python3", APLUSB_PY).await;
    let alice_only = submit_ok(&app, &alice, "aplusb", "python3", APLUSB_PY_WRONG).await;
    let bob_last = submit_ok(&app, &bob, "aplusb", "python3", APLUSB_PY).await;

    let mut alice_seen = Vec::new();
    loop {
        let message = next_message(&mut alice_stream)
            .await
            .expect("the stream stays open");
        assert_eq!(message["user"]["id"], alice_id, "{message}");
        assert_eq!(message["id"], alice_only.as_str(), "{message}");
        alice_seen.push(message["status"].clone());
        if message["status"] == "finished" {
            assert_eq!(message["verdict"], "WA", "{message}");
            break;
        }
    }
    let mut bob_finished = Vec::new();
    while bob_finished.len() < 2 {
        let message = next_message(&mut bob_stream)
            .await
            .expect("the stream stays open");
        assert_eq!(message["user"]["id"], bob_id, "{message}");
        let id = message["id"].as_str().expect("id").to_owned();
        assert!(id == bob_first || id == bob_last, "{message}");
        // A late notification re-reads a submission already finished: count each once.
        if message["status"] == "finished" && !bob_finished.contains(&id) {
            bob_finished.push(id);
        }
    }
    assert_eq!(bob_finished, vec![bob_first, bob_last]);
    assert!(alice_seen.len() >= 2, "{alice_seen:?}");
}

// ---------------------------------------------------------------------------------------------
// History and visibility.

/// Pages through `/api/v1/submissions?<query>` with `limit=2`; answers the ids in order and the
/// size of each page.
async fn all_pages(app: &TestApp, query: &str) -> (Vec<String>, Vec<usize>) {
    let (mut ids, mut sizes) = (Vec::new(), Vec::new());
    let mut before: Option<String> = None;
    loop {
        let mut path = format!("/api/v1/submissions?limit=2{query}");
        if let Some(before) = &before {
            path.push_str(&format!("&before={before}"));
        }
        let page = get_json(app, &path, None).await;
        let items = page["items"].as_array().expect("items");
        sizes.push(items.len());
        ids.extend(
            items
                .iter()
                .map(|item| item["id"].as_str().expect("id").to_owned()),
        );
        match page["next"].as_str() {
            Some(next) => before = Some(next.to_owned()),
            None => return (ids, sizes),
        }
        assert!(sizes.len() < 20, "pagination does not end: {sizes:?}");
    }
}

async fn listed(app: &TestApp, query: &str, bearer: Option<&str>) -> Vec<String> {
    let page = get_json(app, &format!("/api/v1/submissions?{query}"), bearer).await;
    for item in page["items"].as_array().expect("items") {
        assert!(item.get("source").is_none(), "a listing shows a source: {item}");
    }
    let mut ids: Vec<String> = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| item["id"].as_str().expect("id").to_owned())
        .collect();
    ids.sort();
    ids
}

fn sorted(ids: &[&String]) -> Vec<String> {
    let mut ids: Vec<String> = ids.iter().map(|id| (*id).clone()).collect();
    ids.sort();
    ids
}

#[tokio::test]
async fn history_filters_pages_and_shows_each_viewer_only_what_they_may_see() {
    let app = spawn_app(AppOptions {
        workers: 1,
        ..AppOptions::default()
    })
    .await;
    import_sample(&app, "aplusb").await;
    let admin = app.admin_token("root@example.org", PASSWORD).await;
    echo_problem(&app, &admin, "echo", true).await;
    let alice = app.register("alice@example.org", PASSWORD).await;
    let alice_id = alice["user"]["id"].as_str().expect("id").to_owned();
    let alice = token(&alice);
    let bob = app.register("bob@example.org", PASSWORD).await;
    let bob_id = bob["user"]["id"].as_str().expect("id").to_owned();
    let bob = token(&bob);

    let a_ac = submit_ok(&app, &alice, "aplusb", "python3", APLUSB_PY).await;
    let a_wa = submit_ok(&app, &alice, "aplusb", "python3", APLUSB_PY_WRONG).await;
    let a_cpp = submit_ok(&app, &alice, "aplusb", "cpp", APLUSB_CPP).await;
    let b_echo = submit_ok(&app, &bob, "echo", "python3", ECHO_PY).await;
    let b_ce = submit_ok(&app, &bob, "aplusb", "cpp", SYNTAX_ERROR_CPP).await;
    let created = [&a_ac, &a_wa, &a_cpp, &b_echo, &b_ce];
    for (id, verdict) in created.iter().zip(["AC", "WA", "AC", "AC", "CE"]) {
        let judged = finished(&app, &admin, id).await;
        assert_eq!(judged["verdict"], verdict, "{judged}");
    }

    // Filters, alone and together.
    let cases: [(String, Vec<&String>); 10] = [
        (format!("user={alice_id}"), vec![&a_ac, &a_wa, &a_cpp]),
        (format!("user={bob_id}"), vec![&b_echo, &b_ce]),
        ("problem=echo".to_owned(), vec![&b_echo]),
        ("problem=aplusb".to_owned(), vec![&a_ac, &a_wa, &a_cpp, &b_ce]),
        ("verdict=WA".to_owned(), vec![&a_wa]),
        ("verdict=AC".to_owned(), vec![&a_ac, &a_cpp, &b_echo]),
        ("verdict=CE".to_owned(), vec![&b_ce]),
        ("language=cpp".to_owned(), vec![&a_cpp, &b_ce]),
        ("language=python3".to_owned(), vec![&a_ac, &a_wa, &b_echo]),
        (format!("user={alice_id}&language=cpp&verdict=AC"), vec![&a_cpp]),
    ];
    for (query, expected) in cases {
        assert_eq!(
            listed(&app, &query, Some(&alice)).await,
            sorted(&expected),
            "{query}"
        );
    }
    let bad = app
        .call(Method::GET, "/api/v1/submissions?verdict=OK", None, None)
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Keyset pages of two: each submission once, newest first.
    let (paged, sizes) = all_pages(&app, "").await;
    assert_eq!(sizes, vec![2, 2, 1]);
    let newest_first: Vec<String> = created.iter().rev().map(|id| (*id).clone()).collect();
    assert_eq!(paged, newest_first);
    let (paged, sizes) = all_pages(&app, &format!("&user={alice_id}")).await;
    assert_eq!(sizes, vec![2, 1]);
    assert_eq!(paged, vec![a_cpp.clone(), a_wa.clone(), a_ac.clone()]);

    // Another user, and anyone, see the verdict but no detail.
    let path = format!("/api/v1/submissions/{a_ac}");
    for viewer in [Some(bob.as_str()), None] {
        let seen = get_json(&app, &path, viewer).await;
        assert_eq!(seen["verdict"], "AC", "{seen}");
        assert_eq!(seen["status"], "finished");
        assert!(seen.get("source").is_none(), "{seen}");
        assert!(seen.get("judgings").is_none(), "{seen}");
        assert_eq!(seen["tests"], json!([]), "{seen}");
    }
    let ce = get_json(&app, &format!("/api/v1/submissions/{b_ce}"), Some(&alice)).await;
    assert!(ce.get("compile_output").is_none(), "{ce}");
    assert!(ce.get("source").is_none(), "{ce}");

    // The author: source, every test, sample detail; secret tests without name or data.
    let own = get_json(&app, &path, Some(&alice)).await;
    assert_eq!(own["source"], APLUSB_PY);
    assert_eq!(own["judgings"].as_array().map(Vec::len), Some(1), "{own}");
    let tests = own["tests"].as_array().expect("tests");
    assert_eq!(tests.len(), 13, "{own}");
    let (samples, secrets) = tests.split_at(2);
    assert_eq!(samples[0]["name"], "sample/1", "{own}");
    assert_eq!(samples[0]["sample"]["input"], "1 2\n");
    assert_eq!(samples[0]["sample"]["expected"], "3\n");
    assert_eq!(samples[0]["sample"]["output"], "3\n");
    for test in secrets {
        assert_eq!(test["verdict"], "AC");
        let mut keys: Vec<&str> = test
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        // A secret test's time and memory are not shown to its author (README "What authors
        // see"): a program could encode the secret input in them.
        assert_eq!(keys, ["index", "verdict"], "{test}");
    }
    let wrong = get_json(&app, &format!("/api/v1/submissions/{a_wa}"), Some(&alice)).await;
    assert_eq!(wrong["tests"][0]["sample"]["output"], "-1\n", "{wrong}");
    assert!(wrong["tests"][0]["sample"]["diff"].is_string(), "{wrong}");

    // Admins see everything, secret test names included.
    let seen = get_json(&app, &path, Some(&admin)).await;
    assert_eq!(seen["source"], APLUSB_PY);
    let tests = seen["tests"].as_array().expect("tests");
    assert_eq!(tests.len(), 13);
    assert!(
        tests[2..].iter().all(|test| test["name"]
            .as_str()
            .is_some_and(|name| name.starts_with("secret/"))),
        "{seen}"
    );
    let ce = get_json(&app, &format!("/api/v1/submissions/{b_ce}"), Some(&admin)).await;
    assert!(ce["compile_output"].is_string(), "{ce}");
}

// ---------------------------------------------------------------------------------------------
// Rejudging.

#[tokio::test]
async fn a_rejudge_after_the_test_data_changed_turns_ac_into_wa_and_keeps_both_judgings() {
    let app = spawn_app(AppOptions {
        workers: 1,
        ..AppOptions::default()
    })
    .await;
    import_sample(&app, "aplusb").await;
    let admin = app.admin_token("root@example.org", PASSWORD).await;
    let user = token(&app.register("solver@example.org", PASSWORD).await);
    let id = submit_ok(&app, &user, "aplusb", "python3", APLUSB_PY).await;
    assert_eq!(finished(&app, &user, &id).await["verdict"], "AC");
    let board = get_json(&app, "/api/v1/leaderboard", None).await;
    assert_eq!(board["standings"][0]["solved"], 1, "{board}");

    // 0 + 0 is now "1": every correct program fails this secret test.
    let replaced = app
        .call(
            Method::POST,
            "/api/v1/problems/aplusb/tests",
            Some(&admin),
            Some(json!({ "kind": "secret", "group": "small", "name": "01-zeros", "input": "0 0\n", "answer": "1\n" })),
        )
        .await;
    assert_eq!(replaced.status(), StatusCode::OK);
    assert_eq!(replaced.json::<Value>().await.expect("JSON")["test_count"], 13);

    let refused = app
        .call(Method::POST, "/api/v1/problems/aplusb/rejudge", Some(&user), None)
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let rejudge = app
        .call(
            Method::POST,
            "/api/v1/problems/aplusb/rejudge",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(rejudge.status(), StatusCode::ACCEPTED);
    assert_eq!(
        rejudge.json::<Value>().await.expect("JSON"),
        json!({ "queued": 1 })
    );

    let judged = finished(&app, &user, &id).await;
    assert_eq!(judged["verdict"], "WA", "{judged}");
    let judgings = judged["judgings"].as_array().expect("judgings");
    let summary: Vec<(&Value, &Value, &Value)> = judgings
        .iter()
        .map(|j| (&j["reason"], &j["status"], &j["verdict"]))
        .collect();
    assert_eq!(
        summary,
        vec![
            (&json!("submit"), &json!("finished"), &json!("AC")),
            (&json!("rejudge"), &json!("finished"), &json!("WA")),
        ]
    );
    // The failing test is secret: the author learns which one by position only.
    let failed: Vec<&Value> = judged["tests"]
        .as_array()
        .expect("tests")
        .iter()
        .filter(|test| test["verdict"] == "WA")
        .collect();
    assert_eq!(failed.len(), 1, "{judged}");
    assert!(failed[0].get("name").is_none() && failed[0].get("sample").is_none());
    let board = get_json(&app, "/api/v1/leaderboard", None).await;
    assert_eq!(board["standings"][0]["solved"], 0, "{board}");

    // One submission again, on its own.
    let again = app
        .call(
            Method::POST,
            &format!("/api/v1/submissions/{id}/rejudge"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(again.status(), StatusCode::ACCEPTED);
    let judged = finished(&app, &user, &id).await;
    assert_eq!(judged["verdict"], "WA");
    assert_eq!(judged["judgings"].as_array().map(Vec::len), Some(3), "{judged}");
}

// ---------------------------------------------------------------------------------------------
// Playground.

/// Runs a program in the playground; answers the run's id and its finished result.
async fn run(app: &TestApp, bearer: &str, language: &str, source: &str, stdin: &str) -> (String, Value) {
    let response = app
        .call(
            Method::POST,
            "/api/v1/runs",
            Some(bearer),
            Some(json!({ "language": language, "source": source, "stdin": stdin })),
        )
        .await;
    let status = response.status();
    let mut body: Value = response.json().await.expect("JSON");
    assert!(
        status == StatusCode::OK || status == StatusCode::ACCEPTED,
        "{status}: {body}"
    );
    let id = body["id"].as_str().expect("id").to_owned();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    while body["status"] != "finished" {
        assert!(tokio::time::Instant::now() < deadline, "run not done: {body}");
        tokio::time::sleep(Duration::from_millis(300)).await;
        body = get_json(app, &format!("/api/v1/runs/{id}"), Some(bearer)).await;
    }
    (id, body["result"].clone())
}

#[tokio::test]
async fn the_playground_runs_programs_and_shows_each_run_to_its_owner_only() {
    // Runs are judged by the workers, as submissions are.
    let app = spawn_app(AppOptions {
        workers: 1,
        ..AppOptions::default()
    })
    .await;
    let alice = token(&app.register("alice@example.org", PASSWORD).await);
    let bob = token(&app.register("bob@example.org", PASSWORD).await);

    let stdin = "hello, playground\nsecond line\n";
    let echo = "import sys\nsys.stdout.write(sys.stdin.read())\n";
    let (echo_id, result) = run(&app, &alice, "python3", echo, stdin).await;
    assert_eq!(result["status"], "OK", "{result}");
    assert_eq!(result["stdout"], stdin, "{result}");
    assert_eq!(result["exit_code"], 0, "{result}");

    let (_, result) = run(&app, &alice, "cpp", SYNTAX_ERROR_CPP, "").await;
    assert_eq!(result["status"], "CE", "{result}");
    let output = result["compile_output"].as_str().expect("compile output");
    assert!(output.contains("error"), "{output}");

    let (_, result) = run(&app, &alice, "python3", "while True:\n    pass\n", "").await;
    assert_eq!(result["status"], "TLE", "{result}");

    let path = format!("/api/v1/runs/{echo_id}");
    assert_eq!(
        get_json(&app, &path, Some(&alice)).await["result"]["stdout"],
        stdin
    );
    let other = app.call(Method::GET, &path, Some(&bob), None).await;
    assert_eq!(other.status(), StatusCode::NOT_FOUND);
    let anonymous = app.call(Method::GET, &path, None, None).await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}

// ---------------------------------------------------------------------------------------------
// Leaderboard.

#[tokio::test]
async fn the_leaderboard_ranks_by_problems_solved_then_by_who_got_there_first() {
    let app = spawn_app(AppOptions {
        workers: 1,
        ..AppOptions::default()
    })
    .await;
    import_sample(&app, "aplusb").await;
    let admin = app.admin_token("root@example.org", PASSWORD).await;
    echo_problem(&app, &admin, "echo", true).await;
    let mut users = Vec::new();
    for name in ["ann", "bea", "cid", "dan"] {
        let tokens = app.register(&format!("{name}@example.org"), PASSWORD).await;
        users.push((tokens["user"]["id"].clone(), token(&tokens)));
    }
    let [(ann_id, ann), (bea_id, bea), (cid_id, cid), (dan_id, dan)] = &users[..] else {
        unreachable!()
    };
    // In this order: bea reaches one solved problem before cid, though with more attempts.
    let plan = [
        (ann, "aplusb", APLUSB_PY),
        (ann, "echo", ECHO_PY),
        (bea, "aplusb", APLUSB_PY_WRONG),
        (bea, "aplusb", APLUSB_PY),
        (cid, "aplusb", APLUSB_PY),
        (dan, "aplusb", APLUSB_PY_WRONG),
    ];
    let mut ids = Vec::new();
    for (user, problem, source) in plan {
        ids.push((user, submit_ok(&app, user, problem, "python3", source).await));
    }
    for (user, id) in &ids {
        finished(&app, user, id).await;
    }

    let board = get_json(&app, "/api/v1/leaderboard", None).await;
    let standings = board["standings"].as_array().expect("standings");
    let rows: Vec<(&Value, &Value, &Value, &Value)> = standings
        .iter()
        .map(|s| (&s["user_id"], &s["rank"], &s["solved"], &s["attempts"]))
        .collect();
    assert_eq!(
        rows,
        vec![
            (ann_id, &json!(1), &json!(2), &json!(2)),
            (bea_id, &json!(2), &json!(1), &json!(2)),
            (cid_id, &json!(3), &json!(1), &json!(1)),
            (dan_id, &json!(4), &json!(0), &json!(1)),
        ],
        "{board}"
    );
    let reached = |standing: &Value| {
        chrono::DateTime::parse_from_rfc3339(standing["reached_at"].as_str().expect("reached_at"))
            .expect("a time")
    };
    assert!(reached(&standings[1]) < reached(&standings[2]), "{board}");
    assert!(standings[3]["reached_at"].is_null(), "{board}");
    let bea_problems = &standings[1]["problems"];
    assert_eq!(bea_problems.as_array().map(Vec::len), Some(1), "{board}");
    assert_eq!(bea_problems[0]["slug"], "aplusb");
    assert_eq!(bea_problems[0]["attempts"], 2);
    assert!(bea_problems[0]["solved_at"].is_string());
    assert!(standings[3]["problems"][0]["solved_at"].is_null(), "{board}");
    let slugs: Vec<&Value> = standings[0]["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| &p["slug"])
        .collect();
    assert_eq!(slugs, [&json!("aplusb"), &json!("echo")]);

    let problems: Vec<(&Value, &Value, &Value, &Value)> = board["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| (&p["slug"], &p["attempts"], &p["solved_by"], &p["acceptance_rate"]))
        .collect();
    assert_eq!(
        problems,
        vec![
            (&json!("aplusb"), &json!(5), &json!(3), &json!(0.75)),
            (&json!("echo"), &json!(1), &json!(1), &json!(1.0)),
        ],
        "{board}"
    );
}

#[tokio::test]
async fn two_verdicts_recorded_at_once_for_one_user_both_count_on_the_leaderboard() {
    // Two workers record verdicts of one user's submissions at the same moment: the second
    // transaction must not overwrite the user's stats with a count that misses the first.
    let app = spawn_app(AppOptions::default()).await;
    import_sample(&app, "aplusb").await;
    let user = app.register("racer@example.org", PASSWORD).await;
    let user_id: uuid::Uuid = user["user"]["id"].as_str().expect("id").parse().expect("uuid");
    let bearer = token(&user);
    let first = submit_ok(&app, &bearer, "aplusb", "python3", APLUSB_PY).await;
    let second = submit_ok(&app, &bearer, "aplusb", "python3", APLUSB_PY_WRONG).await;
    let db = app.db().await;
    let judging_of = |id: String| {
        let db = db.clone();
        async move {
            sqlx::query_as::<_, (uuid::Uuid, uuid::Uuid)>(
                "SELECT current_judging_id, problem_id FROM submissions WHERE id = $1::uuid",
            )
            .bind(id)
            .fetch_one(&db)
            .await
            .expect("a judging")
        }
    };
    let (first_judging, problem_id) = judging_of(first).await;
    let (second_judging, _) = judging_of(second).await;
    let finish = "UPDATE judgings SET status = 'finished', verdict = $2 WHERE id = $1";

    // As `finish` in the worker does: the verdict, then the stats, in one transaction each.
    let mut one = db.begin().await.expect("begin");
    sqlx::query(finish)
        .bind(first_judging)
        .bind("AC")
        .execute(&mut *one)
        .await
        .expect("verdict");
    coderank::submissions::leaderboard::update(&mut one, user_id, problem_id)
        .await
        .expect("stats");
    let other = {
        let db = db.clone();
        tokio::spawn(async move {
            let mut two = db.begin().await.expect("begin");
            sqlx::query(finish)
                .bind(second_judging)
                .bind("WA")
                .execute(&mut *two)
                .await
                .expect("verdict");
            coderank::submissions::leaderboard::update(&mut two, user_id, problem_id)
                .await
                .expect("stats");
            two.commit().await.expect("commit");
        })
    };
    // The second transaction waits on the first's lock before the first commits.
    let waiting = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'";
    let blocked = crate::helpers::eventually(Duration::from_secs(30), || {
        let db = db.clone();
        async move { count(&db, waiting).await > 0 }
    })
    .await;
    assert!(blocked, "the second recording did not wait for the first");
    one.commit().await.expect("commit");
    other.await.expect("the second recording");

    let (attempts, solved): (i32, bool) =
        sqlx::query_as("SELECT attempts, solved_at IS NOT NULL FROM user_problem_stats WHERE user_id = $1")
            .bind(user_id)
            .fetch_one(&db)
            .await
            .expect("stats");
    assert_eq!((attempts, solved), (2, true));
    let (solved, attempts): (i32, i32) =
        sqlx::query_as("SELECT solved, attempts FROM user_stats WHERE user_id = $1")
            .bind(user_id)
            .fetch_one(&db)
            .await
            .expect("user stats");
    assert_eq!((solved, attempts), (1, 2));
}

// ---------------------------------------------------------------------------------------------
// Bad input.

async fn error_code(response: reqwest::Response) -> (StatusCode, String) {
    let status = response.status();
    let body: Value = response.json().await.expect("a JSON error");
    let code = body["error"]["code"].as_str().expect("an error code").to_owned();
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|message| !message.is_empty()),
        "{body}"
    );
    (status, code)
}

#[tokio::test]
async fn bad_submissions_get_a_clear_4xx_and_store_nothing() {
    let app = spawn_app(AppOptions::default()).await;
    import_sample(&app, "aplusb").await;
    let admin = app.admin_token("root@example.org", PASSWORD).await;
    echo_problem(&app, &admin, "draft", false).await;
    let user = token(&app.register("clumsy@example.org", PASSWORD).await);
    let oversized = "#".repeat(64 * 1024 + 1);
    let cases = [
        ("nope", "python3", APLUSB_PY, StatusCode::NOT_FOUND, "not_found"),
        ("draft", "python3", ECHO_PY, StatusCode::NOT_FOUND, "not_found"),
        (
            "aplusb",
            "brainfuck",
            APLUSB_PY,
            StatusCode::UNPROCESSABLE_ENTITY,
            "unprocessable",
        ),
        (
            "aplusb",
            "python3",
            "",
            StatusCode::UNPROCESSABLE_ENTITY,
            "unprocessable",
        ),
        (
            "aplusb",
            "python3",
            " \n\t\n",
            StatusCode::UNPROCESSABLE_ENTITY,
            "unprocessable",
        ),
        (
            "aplusb",
            "python3",
            &oversized,
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
        ),
    ];
    for (problem, language, source, status, code) in cases {
        let response = submit(&app, &user, problem, language, source).await;
        assert_eq!(
            error_code(response).await,
            (status, code.to_owned()),
            "{problem} {language} {} bytes",
            source.len()
        );
    }
    let anonymous = app
        .call(
            Method::POST,
            "/api/v1/submissions",
            None,
            Some(json!({ "problem": "aplusb", "language": "python3", "source": APLUSB_PY })),
        )
        .await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let malformed = app
        .call(
            Method::POST,
            "/api/v1/submissions",
            Some(&user),
            Some(json!({ "problem": "aplusb", "source": APLUSB_PY })),
        )
        .await;
    assert!(malformed.status().is_client_error(), "{}", malformed.status());
    let db = app.db().await;
    assert_eq!(count(&db, "SELECT count(*) FROM submissions").await, 0);
    assert_eq!(count(&db, "SELECT count(*) FROM judgings").await, 0);

    // An admin may submit to a draft; nobody else learns it exists.
    submit_ok(&app, &admin, "draft", "python3", ECHO_PY).await;

    // The default limit: a burst of ten, then 429 with Retry-After.
    for _ in 0..10 {
        submit_ok(&app, &user, "aplusb", "python3", APLUSB_PY).await;
    }
    let limited = submit(&app, &user, "aplusb", "python3", APLUSB_PY).await;
    let retry_after = limited
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    assert!(retry_after.is_some_and(|secs| secs >= 1), "{retry_after:?}");
    assert_eq!(
        error_code(limited).await,
        (StatusCode::TOO_MANY_REQUESTS, "too_many_requests".to_owned())
    );
    assert_eq!(count(&db, "SELECT count(*) FROM submissions").await, 11);
    assert_eq!(count(&db, "SELECT count(*) FROM judge_jobs").await, 11);
}

// ---------------------------------------------------------------------------------------------
// Faults and load, with `coderank worker` processes.

#[tokio::test]
async fn a_worker_killed_mid_judging_is_replaced_and_the_submission_is_judged_once() {
    let app = spawn_app(AppOptions::default()).await;
    import_sample(&app, "aplusb").await;
    let db = app.db().await;
    log_finishes(&db).await;
    let user = token(&app.register("patient@example.org", PASSWORD).await);
    let id = submit_ok(&app, &user, "aplusb", "python3", APLUSB_PY_SLOW).await;

    let mut doomed = WorkerProcess::start(&app.database_url, 1, 3);
    let doomed_pid = doomed.pid();
    let owned = format!("label=coderank.owner-pid={doomed_pid}");
    let containers = || {
        let output = std::process::Command::new("docker")
            .args(["ps", "-a", "-q", "--filter", &owned])
            .output()
            .expect("docker ps");
        assert!(output.status.success(), "docker ps failed");
        String::from_utf8_lossy(&output.stdout).trim().to_owned()
    };
    // Running tests, in a container of the doomed worker's: kill it there.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    loop {
        doomed.assert_alive();
        let seen = get_json(&app, &format!("/api/v1/submissions/{id}"), Some(&user)).await;
        assert_ne!(seen["status"], "finished", "judged before the kill: {seen}");
        if seen["status"] == "running" && !containers().is_empty() {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "never running: {seen}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    doomed.kill();
    assert!(!containers().is_empty(), "the sandbox went away with its worker");

    let mut successor = WorkerProcess::start(&app.database_url, 1, 3);
    wait_for_count(
        &db,
        "SELECT count(*) FROM judgings WHERE status = 'finished'",
        1,
        Duration::from_secs(180),
        &mut [&mut successor],
    )
    .await;
    let judged = finished(&app, &user, &id).await;
    assert_eq!(judged["verdict"], "AC", "{judged}");
    assert_eq!(judged["judgings"].as_array().map(Vec::len), Some(1), "{judged}");
    assert_each_judged_exactly_once(&db, 1, "AC").await;
    assert_eq!(containers(), "", "the dead worker's sandbox was not reaped");
}

#[tokio::test]
#[ignore = "restarts the shared PostgreSQL cluster, failing any test that runs meanwhile: run alone with `-- --ignored`"]
async fn submissions_in_flight_when_postgresql_restarts_are_each_judged_once() {
    let app = spawn_app(AppOptions {
        accounts: Some(AccountsConfig {
            rate_submit: "off".parse().expect("rate"),
            ..accounts_config()
        }),
        ..AppOptions::default()
    })
    .await;
    let admin = app.admin_token("root@example.org", PASSWORD).await;
    echo_problem(&app, &admin, "echo", true).await;
    let db = app.db().await;
    log_finishes(&db).await;
    let user = token(&app.register("steady@example.org", PASSWORD).await);
    let mut accepted = Vec::new();
    for _ in 0..20 {
        accepted.push(submit_ok(&app, &user, "echo", "python3", ECHO_PY).await);
    }
    let mut worker = WorkerProcess::start(&app.database_url, 2, 3);
    wait_for_count(
        &db,
        "SELECT count(*) FROM judgings WHERE status = 'finished'",
        2,
        Duration::from_secs(300),
        &mut [&mut worker],
    )
    .await;
    let restarted = tokio::task::spawn_blocking(|| {
        std::process::Command::new("pg_ctlcluster")
            .args(["15", "main", "restart"])
            .status()
            .expect("pg_ctlcluster")
    })
    .await
    .expect("restart");
    assert!(restarted.success(), "pg_ctlcluster 15 main restart failed");
    let in_flight = "SELECT count(*) FROM judgings WHERE status <> 'finished'";
    let mut unfinished = None;
    for _ in 0..50 {
        // The pool's connections died with the server: the first tries may fail.
        match sqlx::query_scalar::<_, i64>(in_flight).fetch_one(&db).await {
            Ok(n) => {
                unfinished = Some(n);
                break;
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
    assert!(
        unfinished.is_some_and(|n| n > 0),
        "everything was judged before the restart: {unfinished:?}"
    );
    // Submissions while the API reconnects: whatever it accepted must be judged too.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while accepted.len() < 25 {
        let response = submit(&app, &user, "echo", "python3", ECHO_PY).await;
        if response.status() == StatusCode::ACCEPTED {
            accepted.push(accepted_id(response).await);
        } else {
            assert!(tokio::time::Instant::now() < deadline, "the API did not recover");
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }
    wait_for_count(
        &db,
        "SELECT count(*) FROM judgings WHERE status = 'finished'",
        25,
        Duration::from_secs(600),
        &mut [&mut worker],
    )
    .await;
    let stored = count(&db, "SELECT count(*) FROM submissions").await;
    assert_eq!(stored, 25, "submissions stored without a 202");
    assert_each_judged_exactly_once(&db, 25, "AC").await;
    for id in &accepted {
        let seen = get_json(&app, &format!("/api/v1/submissions/{id}"), Some(&user)).await;
        assert_eq!(seen["verdict"], "AC", "{seen}");
    }
}

#[tokio::test]
async fn a_burst_of_300_submissions_on_two_worker_processes_is_judged_exactly_once() {
    let app = spawn_app(AppOptions {
        accounts: Some(AccountsConfig {
            rate_submit: "off".parse().expect("rate"),
            ..accounts_config()
        }),
        ..AppOptions::default()
    })
    .await;
    let admin = app.admin_token("root@example.org", PASSWORD).await;
    echo_problem(&app, &admin, "echo", true).await;
    let db = app.db().await;
    log_finishes(&db).await;
    let mut users = Vec::new();
    for n in 0..3 {
        users.push(token(
            &app.register(&format!("burst{n}@example.org"), PASSWORD).await,
        ));
    }
    let mut first = WorkerProcess::start(&app.database_url, 1, 10);
    let mut second = WorkerProcess::start(&app.database_url, 1, 10);
    // Twenty requests in flight at a time: the test app's pool has four connections, and 300
    // requests at once would wait longer than its acquire timeout (a 500, not a queued job).
    let ids: std::collections::HashSet<String> = futures::stream::iter(0..300)
        .map(|n| {
            let (app, user) = (&app, &users[n % 3]);
            async move { accepted_id(submit(app, user, "echo", "python3", ECHO_PY).await).await }
        })
        .buffer_unordered(20)
        .collect()
        .await;
    assert_eq!(ids.len(), 300);
    wait_for_count(
        &db,
        "SELECT count(*) FROM judgings WHERE status = 'finished'",
        300,
        Duration::from_secs(1200),
        &mut [&mut first, &mut second],
    )
    .await;
    assert_each_judged_exactly_once(&db, 300, "AC").await;
    let board = get_json(&app, "/api/v1/leaderboard", None).await;
    let attempts: Vec<&Value> = board["standings"]
        .as_array()
        .expect("standings")
        .iter()
        .map(|s| &s["attempts"])
        .collect();
    assert_eq!(attempts, [&json!(100), &json!(100), &json!(100)], "{board}");
}

#[tokio::test]
async fn deleting_a_problem_with_submissions_archives_it_and_keeps_them() {
    // No workers: the submission stays queued, which is enough to hold on to the problem.
    let app = spawn_app(AppOptions::default()).await;
    let admin = app.admin_token("archivist@example.org", PASSWORD).await;
    echo_problem(&app, &admin, "archived-echo", true).await;
    let user = token(&app.register("keeper@example.org", PASSWORD).await);
    let id = submit_ok(&app, &user, "archived-echo", "python3", "print(input())").await;

    let deleted = app
        .call(
            Method::DELETE,
            "/api/v1/problems/archived-echo",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(deleted.status(), StatusCode::OK);
    let deleted: Value = deleted.json().await.expect("JSON");
    assert_eq!(deleted["deleted"], false, "archived, not deleted: {deleted}");

    let hidden = app
        .call(Method::GET, "/api/v1/problems/archived-echo", Some(&user), None)
        .await;
    assert_eq!(hidden.status(), StatusCode::NOT_FOUND);
    let problem = get_json(&app, "/api/v1/problems/archived-echo", Some(&admin)).await;
    assert!(problem["archived_at"].is_string(), "{problem}");
    assert_eq!(problem["published"], false, "{problem}");
    let submission = get_json(&app, &format!("/api/v1/submissions/{id}"), Some(&user)).await;
    assert_eq!(submission["problem"], "archived-echo", "{submission}");
    assert_eq!(submission["source"], "print(input())", "{submission}");
}

// ---------------------------------------------------------------------------------------------
// Workers that lack what judging needs, and a queue nobody serves.

#[tokio::test]
async fn a_worker_without_a_docker_engine_claims_nothing_and_readyz_names_the_unserved_queue() {
    let app = spawn_app(AppOptions {
        workers: 1,
        docker_host: Some("unix:///nonexistent/coderank-test/docker.sock".into()),
        ..AppOptions::default()
    })
    .await;
    import_sample(&app, "aplusb").await;
    let alice = token(&app.register("alice@example.org", PASSWORD).await);
    let response = submit(&app, &alice, "aplusb", "python3", APLUSB_PY).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let id = response.json::<Value>().await.expect("JSON")["id"]
        .as_str()
        .expect("id")
        .to_owned();

    // The worker's check fails at the engine, so its slot never claims the job.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let db = app.db().await;
    let attempts: Vec<i32> = sqlx::query_scalar("SELECT attempts FROM judge_jobs")
        .fetch_all(&db)
        .await
        .expect("jobs");
    assert_eq!(attempts, vec![0], "the job was claimed");
    let body = app
        .call(
            Method::GET,
            &format!("/api/v1/submissions/{id}"),
            Some(&alice),
            None,
        )
        .await
        .json::<Value>()
        .await
        .expect("JSON");
    assert_eq!(body["status"], "queued", "{body}");

    let readiness: Value = app.get("/readyz").await.json().await.expect("JSON");
    let queue = &readiness["error"]["details"]["queue"];
    assert_eq!(queue["queued"], 1, "{readiness}");
    assert_eq!(queue["live_workers"], 0, "{readiness}");
    assert!(
        queue["warning"]
            .as_str()
            .is_some_and(|warning| warning.contains("no live judge worker")),
        "{readiness}"
    );
}

#[tokio::test]
async fn an_author_sees_no_measurements_of_secret_tests_and_an_admin_sees_them_all() {
    let app = spawn_app(AppOptions {
        workers: 1,
        ..AppOptions::default()
    })
    .await;
    import_sample(&app, "aplusb").await;
    let admin = app.admin_token("root@example.org", PASSWORD).await;
    let author = token(&app.register("author@example.org", PASSWORD).await);
    let response = submit(&app, &author, "aplusb", "python3", APLUSB_PY).await;
    let id = response.json::<Value>().await.expect("JSON")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let seen_by_author = finished(&app, &author, &id).await;
    assert_eq!(seen_by_author["verdict"], "AC", "{seen_by_author}");
    assert!(
        seen_by_author["time_ms"].is_u64(),
        "the submission's own time is shown"
    );
    let tests = seen_by_author["tests"].as_array().expect("tests");
    assert_eq!(tests.len(), 13);
    for test in tests {
        let sample = test.get("sample").is_some();
        assert_eq!(test["time_ms"].is_u64(), sample, "{test}");
        assert_eq!(test["memory_kb"].is_u64(), sample, "{test}");
        assert!(test["verdict"].is_string());
    }
    let seen_by_admin = finished(&app, &admin, &id).await;
    for test in seen_by_admin["tests"].as_array().expect("tests") {
        assert!(test["time_ms"].is_u64() && test["memory_kb"].is_u64(), "{test}");
    }
}
