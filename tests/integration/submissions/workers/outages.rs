//! Workers when what they depend on is out of reach: no Docker engine, RabbitMQ cut off while
//! submissions arrive, and `coderank worker check` against a broker that does not answer.

use super::*;

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
async fn submissions_made_while_rabbitmq_is_cut_off_wait_in_postgresql_and_are_judged_once_when_it_is_back() {
    let rabbit = TestBroker::amqp();
    let TestBroker::Amqp { url, .. } = &rabbit else {
        unreachable!("an amqp broker")
    };
    let proxy = Proxy::start(socket_of(url)).await;
    let broker = rabbit.via(proxy.address);
    let (app, db) = echo_app_without_rate_limit(&broker).await;
    let user = token(&app.register("patient@example.org", PASSWORD).await);
    let mut worker = WorkerProcess::start_on(&broker, &app.database_url, 1, 5);
    let finished_sql = "SELECT count(*) FROM judgings WHERE status = 'finished'";
    submit_ok(&app, &user, "echo", "python3", ECHO_PY).await;
    wait_for_count(&db, finished_sql, 1, Duration::from_secs(120), &mut [&mut worker]).await;

    proxy.cut();
    async fn readiness(app: &crate::helpers::TestApp) -> (StatusCode, Value) {
        let response = app.get("/readyz").await;
        let status = response.status();
        (status, response.json::<Value>().await.expect("JSON"))
    }
    let mut named = false;
    for _ in 0..50 {
        let (status, body) = readiness(&app).await;
        assert_eq!(
            status,
            StatusCode::OK,
            "a broker down makes the API unready: {body}"
        );
        let queue = &body["queue"];
        if queue["broker"]["ok"] == false
            && queue["warning"]
                .as_str()
                .is_some_and(|warning| warning.contains("queue broker"))
        {
            named = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(named, "/readyz never named the broker that is down");
    for _ in 0..5 {
        submit_ok(&app, &user, "echo", "python3", ECHO_PY).await;
    }
    worker.assert_alive();
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(
        count(&db, finished_sql).await,
        1,
        "judged without the broker: the messages went elsewhere"
    );
    assert_eq!(count(&db, "SELECT count(*) FROM judge_jobs").await, 5);

    proxy.restore();
    wait_for_count(&db, finished_sql, 6, Duration::from_secs(180), &mut [&mut worker]).await;
    assert_each_judged_exactly_once(&db, 6, "AC").await;
    let (_, body) = readiness(&app).await;
    assert_eq!(body["queue"]["broker"]["ok"], true, "{body}");
    assert!(body["queue"]["warning"].is_null(), "{body}");
}

#[tokio::test]
async fn worker_check_names_the_broker_and_fails_while_it_does_not_answer() {
    let app = spawn_app(AppOptions::default()).await;
    let check = |broker: &TestBroker| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_coderank"))
            .args(["worker", "--check"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("DATABASE_URL", &app.database_url)
            .env("S3_ENDPOINT", services().s3_endpoint)
            .envs(broker.env())
            .output()
            .expect("run coderank worker --check");
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        (output.status.success(), format!("{stdout}{stderr}"))
    };

    let rabbit = TestBroker::amqp();
    let (ok, report) = check(&rabbit);
    assert!(ok, "{report}");
    assert!(
        report
            .lines()
            .any(|line| line.starts_with("ok") && line.contains("broker") && line.contains("amqp 127.0.0.1")),
        "{report}"
    );

    // A port nothing listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("a port")
        .local_addr()
        .expect("address");
    let (ok, report) = check(&rabbit.via(closed));
    assert!(!ok, "{report}");
    assert!(
        report
            .lines()
            .any(|line| line.starts_with("MISSING") && line.contains("broker")),
        "{report}"
    );
    assert!(report.contains("cannot judge yet"), "{report}");
    assert!(!report.contains("guest"), "credentials in the report: {report}");
}
