//! The API under hostile clients: what a probe from outside may send, and what it must get back
//! (issue 14). Each test is one row of that table.

use reqwest::{header, Method, StatusCode};
use serde_json::{json, Value};

use crate::{
    helpers::{spawn_app, AppOptions},
    submissions::echo_problem,
};

const PASSWORD: &str = "correct horse battery";

/// The status and the envelope's `code` of an API error; fails unless the body is the envelope.
async fn envelope(response: reqwest::Response) -> (StatusCode, String) {
    let status = response.status();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let text = response.text().await.expect("a body");
    assert!(
        content_type.starts_with("application/json"),
        "{status}: not JSON ({content_type}): {text}"
    );
    let body: Value = serde_json::from_str(&text).expect("JSON");
    let code = body["error"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no envelope: {text}"));
    assert!(body["error"]["message"].is_string(), "no message: {text}");
    (status, code.to_owned())
}

#[tokio::test]
async fn a_nul_in_a_path_query_or_body_is_refused_consistently_before_anything_is_spent() {
    let app = spawn_app(AppOptions::default()).await;
    let admin = app.admin_token("root@example.org", PASSWORD).await;
    echo_problem(&app, &admin, "echo", true).await;
    let user = app.register("ann@example.org", PASSWORD).await;
    let user = user["access_token"].as_str().expect("token").to_owned();

    for path in [
        "/api/v1/problems?q=%00",
        "/api/v1/problems?tag=a%00b",
        "/api/v1/submissions?problem=%00",
        "/api/v1/submissions?language=%00",
    ] {
        let (status, code) = envelope(app.get(path).await).await;
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, "unprocessable"),
            "{path}"
        );
    }
    for path in ["/api/v1/problems/%00", "/api/v1/problems/echo%00"] {
        let (status, _) = envelope(app.get(path).await).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    let page = app
        .client
        .get(app.url("/problems/%00"))
        .header(header::ACCEPT, "text/html")
        .send()
        .await
        .expect("request");
    assert_eq!(page.status(), StatusCode::NOT_FOUND);
    assert!(page.text().await.expect("page").contains("<html"), "an HTML page");

    // Far more NUL submissions than the rate limit's burst (10): none spends a token.
    for _ in 0..12 {
        let response = app
            .call(
                Method::POST,
                "/api/v1/submissions",
                Some(&user),
                Some(json!({ "problem": "echo", "language": "python3", "source": "print(1)\u{0}" })),
            )
            .await;
        let (status, _) = envelope(response).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let fine = app
        .call(
            Method::POST,
            "/api/v1/submissions",
            Some(&user),
            Some(json!({ "problem": "echo", "language": "python3", "source": "print(1)" })),
        )
        .await;
    assert_eq!(fine.status(), StatusCode::ACCEPTED, "the limit is untouched");

    let run = app
        .call(
            Method::POST,
            "/api/v1/runs",
            Some(&user),
            Some(json!({ "language": "python3", "source": "print(input())", "stdin": "a\u{0}b" })),
        )
        .await;
    assert_eq!(
        envelope(run).await.0,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the playground too"
    );
    let edit = app
        .call(
            Method::PATCH,
            "/api/v1/problems/echo",
            Some(&admin),
            Some(json!({ "statement": "text\u{0}more" })),
        )
        .await;
    assert_eq!(
        envelope(edit).await.0,
        StatusCode::UNPROCESSABLE_ENTITY,
        "an admin's edit too"
    );
    let key = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({ "email": "ann@example.org", "password": PASSWORD, "x\u{0}": 1 })),
        )
        .await;
    assert_eq!(
        envelope(key).await.0,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a key of the body too"
    );
}

#[tokio::test]
async fn a_large_body_to_an_anonymous_route_is_refused_in_the_envelope() {
    let app = spawn_app(AppOptions::default()).await;
    let huge = json!({ "refresh_token": "x".repeat(10 * 1024 * 1024) });
    let response = app
        .call(Method::POST, "/api/v1/auth/refresh", None, Some(huge))
        .await;
    assert_eq!(
        envelope(response).await,
        (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large".to_owned())
    );

    // A signed-in user's larger body (a playground input of 1 MiB) is still read.
    let user = app.register("ann@example.org", PASSWORD).await;
    let user = user["access_token"].as_str().expect("token").to_owned();
    let run = app
        .call(
            Method::POST,
            "/api/v1/runs",
            Some(&user),
            Some(json!({ "language": "python3", "source": "print(1)", "stdin": "1".repeat(1 << 20) })),
        )
        .await;
    assert_ne!(
        run.status(),
        StatusCode::PAYLOAD_TOO_LARGE,
        "a user's 1 MiB run is read"
    );
}

#[tokio::test]
async fn rejections_of_queries_paths_and_websocket_routes_answer_the_envelope() {
    let app = spawn_app(AppOptions::default()).await;
    for (path, expected) in [
        ("/api/v1/submissions?limit=many", StatusCode::UNPROCESSABLE_ENTITY),
        (
            "/api/v1/submissions?user=not-a-uuid",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        ("/api/v1/submissions/not-a-uuid", StatusCode::BAD_REQUEST),
        (
            "/api/v1/submissions/00000000-0000-0000-0000-000000000000/ws",
            StatusCode::BAD_REQUEST,
        ),
        ("/api/v1/no-such-route", StatusCode::NOT_FOUND),
    ] {
        let (status, _) = envelope(app.get(path).await).await;
        assert_eq!(status, expected, "{path}");
    }
    let (status, code) = envelope(app.call(Method::DELETE, "/api/v1/problems", None, None).await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed")
    );
}

#[tokio::test]
async fn every_page_and_api_answer_carries_the_security_headers() {
    let app = spawn_app(AppOptions::default()).await;
    for path in [
        "/",
        "/problems",
        "/signin",
        "/docs",
        "/api/v1/problems",
        "/api/v1/no-such-route",
    ] {
        let response = app.get(path).await;
        let headers = response.headers();
        let value = |name: &str| {
            headers
                .get(name)
                .and_then(|value| value.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        assert_eq!(value("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(value("x-frame-options"), "DENY", "{path}");
        assert_eq!(value("referrer-policy"), "same-origin", "{path}");
        let policy = value("content-security-policy");
        assert!(policy.contains("frame-ancestors 'none'"), "{path}: {policy}");
        assert!(
            policy.contains("script-src 'self'") && !policy.contains("unsafe-eval"),
            "{path}: {policy}"
        );
        if path.starts_with("/api/") {
            assert_eq!(value("cache-control"), "no-store", "{path}");
        }
    }
    // The API's page has no inline script, which the policy would block.
    let docs = app.get("/docs").await.text().await.expect("page");
    assert!(!docs.contains("<script>"), "an inline script in /docs");
    let script = app.get("/docs/docs.js").await;
    assert_eq!(script.status(), StatusCode::OK);

    // Token responses are never stored.
    let login = app
        .call(
            Method::POST,
            "/api/v1/auth/register",
            None,
            Some(json!({ "email": "ann@example.org", "password": PASSWORD, "display_name": "ann" })),
        )
        .await;
    assert_eq!(login.status(), StatusCode::CREATED);
    assert_eq!(login.headers()[header::CACHE_CONTROL], "no-store");
}

#[tokio::test]
async fn a_websocket_opened_from_another_site_is_refused() {
    use tokio_tungstenite::tungstenite::{client::IntoClientRequest, http::HeaderValue, Error};
    let app = spawn_app(AppOptions::default()).await;
    let tokens = app.register("ann@example.org", PASSWORD).await;
    let token = tokens["access_token"].as_str().expect("token");
    let open = |origin: Option<String>| {
        let mut request = format!("ws://{}/api/v1/submissions/ws", app.address)
            .into_client_request()
            .expect("a WebSocket request");
        let headers = request.headers_mut();
        headers.insert(
            "authorization",
            HeaderValue::from_str(&format!("Bearer {token}")).expect("header"),
        );
        if let Some(origin) = origin {
            headers.insert("origin", HeaderValue::from_str(&origin).expect("header"));
        }
        tokio_tungstenite::connect_async(request)
    };
    match open(Some("http://evil.example".to_owned())).await {
        Err(Error::Http(response)) => assert_eq!(response.status(), 403),
        Err(other) => panic!("refused in another way: {other}"),
        Ok(_) => panic!("a WebSocket from evil.example was opened"),
    }
    // CodeRank's own pages, and clients that are not browsers (no Origin), may.
    open(Some(format!("http://{}", app.address)))
        .await
        .expect("a WebSocket from CodeRank's own origin");
    open(None).await.expect("a WebSocket without an Origin");
}
