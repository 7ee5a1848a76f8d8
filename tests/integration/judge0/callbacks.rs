//! Judge0 callbacks: signed with HMAC and retried after a 5xx, refused to non-public addresses
//! unless allowed, and sent even when the API process that took the request was killed.

use super::*;

/// A callback receiver: answers 500 to the first request and 200 after, keeping each body and
/// signature header.
#[derive(Clone, Default)]
struct Receiver {
    calls: Calls,
}

impl Receiver {
    async fn start(&self) -> SocketAddr {
        let calls = Arc::clone(&self.calls);
        let app = Router::new().route(
            "/hook",
            put(move |headers: HeaderMap, body: Bytes| {
                let calls = Arc::clone(&calls);
                async move {
                    let signature = headers
                        .get("x-coderank-signature")
                        .and_then(|value| value.to_str().ok())
                        .map(str::to_owned);
                    let mut calls = calls.lock().expect("lock");
                    calls.push((body, signature));
                    if calls.len() == 1 {
                        AxumStatus::INTERNAL_SERVER_ERROR
                    } else {
                        AxumStatus::OK
                    }
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = listener.local_addr().expect("address");
        tokio::spawn(async move { axum::serve(listener, app).await });
        address
    }

    /// Whether `count` requests have come within `within`.
    async fn got(&self, count: usize, within: Duration) -> bool {
        eventually(within, || {
            let calls = Arc::clone(&self.calls);
            async move { calls.lock().expect("lock").len() >= count }
        })
        .await
    }
}

#[tokio::test]
async fn several_tests_are_judged_at_once_and_the_signed_callback_is_retried_after_a_500() {
    let secret = "callback-secret-for-tests";
    let app = spawn_app(AppOptions {
        workers: 1,
        judge0: Some(coderank::config::Judge0Config {
            judge0_callback_secret: Some(SecretString::from(secret)),
            // The receiver listens on loopback, which callbacks may reach only when allowed.
            judge0_callback_allow: vec!["127.0.0.1/32".parse().expect("network")],
            ..Default::default()
        }),
        ..AppOptions::default()
    })
    .await;
    let token = api_token(&app, "judge0-tests@example.org").await;
    let receiver = Receiver::default();
    let address = receiver.start().await;

    // C++ compiled once, three tests: the second expects the wrong answer.
    let source = "#include <iostream>\nint main() { long a, b; std::cin >> a >> b; std::cout << a + b << \"  \\n\\n\"; }\n";
    let request = json!({
        "source_code": source,
        "language_id": 54,
        "test_cases": [
            { "stdin": "1 2", "expected_output": "3" },
            { "stdin": "2 2", "expected_output": "5" },
            { "stdin": "40 2", "expected_output": "42\n" },
        ],
        "callback_url": format!("http://{address}/hook"),
    });
    let (submission, body) = create_and_wait(&app, &token, "", request).await;
    assert_eq!(
        submission["status"]["id"], 4,
        "the first failing test shows: {body}"
    );
    let statuses: Vec<&Value> = submission["test_cases"]
        .as_array()
        .expect("test_cases")
        .iter()
        .map(|test| &test["status"]["id"])
        .collect();
    assert_eq!(statuses, [&json!(3), &json!(4), &json!(3)], "{body}");
    assert_eq!(submission["test_cases"][2]["stdout"], "42  \n\n");
    let token_of_run = submission["token"].as_str().expect("token").to_owned();

    // The callback: a 500, then delivered again (after a 1 s backoff) and signed.
    let delivered = receiver.got(2, Duration::from_secs(20)).await;
    assert!(
        delivered,
        "two attempts expected, got {}",
        receiver.calls.lock().expect("lock").len()
    );
    let (body, signature) = receiver.calls.lock().expect("lock")[1].clone();
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("key");
    mac.update(&body);
    let expected: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    assert_eq!(signature, Some(format!("sha256={expected}")));
    let called: Value = serde_json::from_slice(&body).expect("JSON");
    assert_eq!(called["token"], token_of_run.as_str());
    assert_eq!(called["status"]["id"], 4);
    assert_eq!(
        receiver.calls.lock().expect("lock").len(),
        2,
        "no attempt after a 200"
    );

    // Another user cannot read the submission.
    let other = api_token(&app, "judge0-other@example.org").await;
    let (status, _) = judge0(
        &app,
        Method::GET,
        &format!("/submissions/{token_of_run}"),
        Some(&other),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// By default a callback may not reach this host's own services, its private network or a
/// cloud's metadata address: an address in the URL is refused with Judge0's 422, and a name
/// that resolves only to such addresses is never called (the run is still judged and readable).
#[tokio::test]
async fn a_callback_to_a_non_public_address_is_refused_unless_allowed() {
    let app = spawn_app(AppOptions {
        workers: 1,
        ..AppOptions::default()
    })
    .await;
    let token = api_token(&app, "judge0-reach@example.org").await;
    let receiver = Receiver::default();
    let address = receiver.start().await;

    for url in [
        format!("http://{address}/hook"),
        "http://169.254.169.254/latest/meta-data/".to_owned(),
        "http://[::1]:8080/hook".to_owned(),
        "http://10.0.0.1/hook".to_owned(),
    ] {
        let request = json!({ "source_code": "print(1)", "language_id": 71, "callback_url": url });
        let (status, body) = judge0(&app, Method::POST, "/submissions", Some(&token), Some(request)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{url}: {body}");
        let message = parsed(&body)["callback_url"][0]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(message.contains("not a public address"), "{url}: {body}");
    }

    // `localhost` passes the check on the URL, but resolves only to loopback: never called.
    let url = format!("http://localhost:{}/hook", address.port());
    let request = json!({ "source_code": "print(1)", "language_id": 71, "callback_url": url });
    let (submission, body) = create_and_wait(&app, &token, "", request).await;
    assert_eq!(submission["status"]["id"], 3, "the run is judged: {body}");
    let called = receiver.got(1, Duration::from_secs(3)).await;
    assert!(!called, "a callback reached a loopback receiver");
}

/// A callback outlives the API process that took its submission: that process is killed
/// before the run is judged, and another one sends the callback once a worker has judged it
/// (retried after a 500 as usual, and sent no more after the 200).
#[tokio::test]
async fn a_callback_is_sent_even_when_the_api_process_that_took_it_was_killed() {
    let database = fresh_database(&services()).await;
    let allow = [("CODERANK_JUDGE0_CALLBACK_ALLOW", "127.0.0.1")];
    // No judging slots: the run waits in the queue while this process is killed.
    let mut first = serve_process(&database, &allow).await;
    let client = reqwest::Client::new();
    let registered = first.register("callbacks@example.org", PASSWORD).await;
    let access = registered["access_token"].as_str().expect("access_token");
    let created: Value = client
        .post(format!("{}/api/v1/tokens", first.base))
        .bearer_auth(access)
        .json(&json!({ "name": "judge0" }))
        .send()
        .await
        .expect("a token")
        .json()
        .await
        .expect("JSON");
    let token = created["token"].as_str().expect("token");
    let receiver = Receiver::default();
    let address = receiver.start().await;
    let response = client
        .post(format!("{}/judge0/submissions", first.base))
        .header("X-Auth-Token", token)
        .json(&json!({
            "source_code": "print(input())",
            "language_id": 71,
            "stdin": "durable",
            "callback_url": format!("http://{address}/hook"),
        }))
        .send()
        .await
        .expect("submit");
    assert_eq!(response.status(), StatusCode::CREATED);
    let submitted: Value = response.json().await.expect("JSON");
    let run_token = submitted["token"].as_str().expect("token").to_owned();
    first.kill();

    let _second = serve_process(&database, &allow).await;
    let _worker = WorkerProcess::start(&database, 1, 10);
    let delivered = receiver.got(2, Duration::from_secs(120)).await;
    assert!(delivered, "the callback was not sent after the restart");
    // Time for a wrong third attempt to show.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let calls = receiver.calls.lock().expect("lock").clone();
    assert_eq!(calls.len(), 2, "a 500, then one delivery");
    let called: Value = serde_json::from_slice(&calls[1].0).expect("JSON");
    assert_eq!(called["token"], run_token.as_str());
    assert_eq!(called["status"]["id"], 3, "{called}");
    let stdout = base64::engine::general_purpose::STANDARD
        .decode(called["stdout"].as_str().expect("stdout"))
        .expect("base64");
    assert_eq!(stdout, b"durable\n");
}
