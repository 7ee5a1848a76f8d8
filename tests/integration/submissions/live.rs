//! Live updates over WebSocket: a submission's statuses up to its verdict, each user's own stream.

use std::time::Duration;

use futures::StreamExt;
use serde_json::Value;

use super::{
    import_sample, submit_ok, token, WorkerProcess, APLUSB_PY, APLUSB_PY_WRONG, PASSWORD, SLEEP_FOREVER_PY,
    SYNTAX_ERROR_CPP,
};
use crate::helpers::{eventually, spawn_app, AppOptions, TestApp};

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

/// How many sessions of the database behind `db` are listening for notifications.
async fn listening(db: &sqlx::PgPool) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM pg_stat_activity
         WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE 'LISTEN%'",
    )
    .fetch_one(db)
    .await
    .expect("pg_stat_activity")
}

#[tokio::test]
async fn the_notification_listener_stops_with_the_last_handle_on_it() {
    let url = crate::helpers::fresh_database(&crate::helpers::services()).await;
    let db = sqlx::PgPool::connect(&url).await.expect("connect");
    let events = coderank::submissions::events::Events::start(db.clone());
    let copy = events.clone();
    let listens = |count: i64| {
        let db = db.clone();
        move || {
            let db = db.clone();
            async move { listening(&db).await == count }
        }
    };
    assert!(
        eventually(Duration::from_secs(10), listens(1)).await,
        "the listener connects"
    );
    drop(events);
    // A handle remains: the listener goes on.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(listening(&db).await, 1, "a clone still listens");
    drop(copy);
    assert!(
        eventually(Duration::from_secs(10), listens(0)).await,
        "the listener stops once no handle is left"
    );
}
