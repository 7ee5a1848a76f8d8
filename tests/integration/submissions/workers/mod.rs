//! Judge workers under faults and load: kill -9, a PostgreSQL restart, a burst (the engine and
//! the broker out of reach: `outages.rs`).

use std::time::Duration;

use coderank::config::AccountsConfig;
use futures::StreamExt;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use super::{
    accepted_id, count, echo_problem, finished, get_json, import_sample, submit, submit_ok, token,
    WorkerProcess, APLUSB_PY, APLUSB_PY_SLOW, ECHO_PY, PASSWORD,
};
use crate::helpers::{
    accounts_config, services, socket_of, spawn_app, AppOptions, Proxy, TestApp, TestBroker,
};

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

/// An app on `broker` with the submission rate limit off, an `echo` problem and the finish log.
async fn echo_app_without_rate_limit(broker: &TestBroker) -> (TestApp, sqlx::PgPool) {
    let app = spawn_app(AppOptions {
        accounts: Some(AccountsConfig {
            rate_submit: "off".parse().expect("rate"),
            ..accounts_config()
        }),
        broker: Some(broker.clone()),
        ..AppOptions::default()
    })
    .await;
    let admin = app.admin_token("root@example.org", PASSWORD).await;
    echo_problem(&app, &admin, "echo", true).await;
    let db = app.db().await;
    log_finishes(&db).await;
    (app, db)
}

#[tokio::test]
async fn a_worker_killed_mid_judging_is_replaced_and_the_submission_is_judged_once() {
    kill_a_worker_mid_judging(TestBroker::Postgres).await;
}

#[tokio::test]
async fn a_worker_killed_mid_judging_is_replaced_and_the_submission_is_judged_once_over_rabbitmq() {
    kill_a_worker_mid_judging(TestBroker::amqp()).await;
}

/// kill -9 of a worker while its sandbox runs tests; a successor judges the submission once.
async fn kill_a_worker_mid_judging(broker: TestBroker) {
    let app = spawn_app(AppOptions {
        broker: Some(broker.clone()),
        ..AppOptions::default()
    })
    .await;
    import_sample(&app, "aplusb").await;
    let db = app.db().await;
    log_finishes(&db).await;
    let user = token(&app.register("patient@example.org", PASSWORD).await);
    let id = submit_ok(&app, &user, "aplusb", "python3", APLUSB_PY_SLOW).await;

    let mut doomed = WorkerProcess::start_on(&broker, &app.database_url, 1, 3);
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

    let mut successor = WorkerProcess::start_on(&broker, &app.database_url, 1, 3);
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
    restart_postgresql_under_load(TestBroker::Postgres).await;
}

#[tokio::test]
#[ignore = "restarts the shared PostgreSQL cluster, failing any test that runs meanwhile: run alone with `-- --ignored`"]
async fn submissions_in_flight_when_postgresql_restarts_are_each_judged_once_over_rabbitmq() {
    restart_postgresql_under_load(TestBroker::amqp()).await;
}

/// A PostgreSQL restart with submissions in flight and more arriving meanwhile.
async fn restart_postgresql_under_load(broker: TestBroker) {
    let (app, db) = echo_app_without_rate_limit(&broker).await;
    let user = token(&app.register("steady@example.org", PASSWORD).await);
    // Each of these takes 0.8 s or more, so that 20 of them on 2 slots (8 s) outlast the
    // restart: with a warm pool an echo judging is ~0.15 s, and all were judged before a
    // restart had taken effect.
    let slow_echo = "import time\ntime.sleep(0.8)\nprint(input())\n";
    let mut accepted = Vec::new();
    for _ in 0..20 {
        accepted.push(submit_ok(&app, &user, "echo", "python3", slow_echo).await);
    }
    let mut worker = WorkerProcess::start_on(&broker, &app.database_url, 2, 3);
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
    burst_on_two_workers(TestBroker::Postgres).await;
}

#[tokio::test]
async fn a_burst_of_300_submissions_on_two_worker_processes_is_judged_exactly_once_over_rabbitmq() {
    burst_on_two_workers(TestBroker::amqp()).await;
}

/// Submits as a client under load should: a 503 is retried after the wait it names. A 503
/// stores nothing, which the callers' count of submissions checks.
async fn submit_retrying_when_busy(app: &TestApp, user: &str, problem: &str, source: &str) -> String {
    for _ in 0..60 {
        let response = submit(app, user, problem, "python3", source).await;
        if response.status() != StatusCode::SERVICE_UNAVAILABLE {
            return accepted_id(response).await;
        }
        let body: Value = response.json().await.expect("JSON");
        let wait = body["error"]["details"]["retry_after_secs"].as_u64().unwrap_or(1);
        tokio::time::sleep(Duration::from_secs(wait)).await;
    }
    panic!("the API was still busy after 60 tries");
}

/// 300 submissions from three users over two worker processes.
async fn burst_on_two_workers(broker: TestBroker) {
    let (app, db) = echo_app_without_rate_limit(&broker).await;
    let mut users = Vec::new();
    for n in 0..3 {
        users.push(token(
            &app.register(&format!("burst{n}@example.org"), PASSWORD).await,
        ));
    }
    let mut first = WorkerProcess::start_on(&broker, &app.database_url, 1, 10);
    let mut second = WorkerProcess::start_on(&broker, &app.database_url, 1, 10);
    // Twenty requests in flight at a time over the test app's four connections, beside other
    // tests: the API may answer 503 (busy), which a client retries as it says.
    let ids: std::collections::HashSet<String> = futures::stream::iter(0..300)
        .map(|n| {
            let (app, user) = (&app, &users[n % 3]);
            async move { submit_retrying_when_busy(app, user, "echo", ECHO_PY).await }
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

    if let TestBroker::Postgres = broker {
        // apalis-postgres keeps each handled message; the dispatchers prune the spent ones.
        // ... and the records of workers long gone (one per consumer apalis started).
        let messages = "SELECT count(*) FROM apalis.jobs";
        assert!(count(&db, messages).await > 0, "apalis kept no message to prune");
        let queue = broker.config().name;
        sqlx::query(
            "INSERT INTO apalis.workers (id, worker_type, storage_name, last_seen)
             VALUES ('gone:1/1', $1, 'PgStorage', now() - interval '2 hours')",
        )
        .bind(&queue)
        .execute(&db)
        .await
        .expect("a worker record of long ago");
        let workers = "SELECT count(*) FROM apalis.workers";
        let before = count(&db, workers).await;
        let pruned = coderank::submissions::broker::prune(&db, &queue, Duration::ZERO).await;
        assert!(pruned.expect("prune") > 0);
        assert_eq!(count(&db, messages).await, 0, "messages left after pruning");
        let gone = "SELECT count(*) FROM apalis.workers WHERE id = 'gone:1/1'";
        assert_eq!(count(&db, gone).await, 0, "the silent worker's record is kept");
        assert_eq!(
            count(&db, workers).await,
            before - 1,
            "a live worker's record was pruned"
        );
    }
}

mod outages;
