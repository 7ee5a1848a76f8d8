//! `/healthz` and `/readyz` against real and failing dependencies.

use std::time::Duration;

use serde_json::Value;

use crate::helpers::{
    eventually, fresh_database, services, socket_of, spawn_app, via, AppOptions, Proxy, TestApp,
};

async fn readiness(app: &TestApp) -> (u16, Value) {
    let response = app.get("/readyz").await;
    let status = response.status().as_u16();
    (status, response.json().await.expect("JSON body"))
}

#[tokio::test]
async fn healthz_answers_while_the_process_is_up() {
    let app = spawn_app(AppOptions::default()).await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(body["status"], "ok");
}

/// An app that judges in-process, so that its `/readyz` checks the Docker engine too.
fn judging(options: AppOptions) -> AppOptions {
    AppOptions {
        workers: 1,
        ..options
    }
}

#[tokio::test]
async fn readyz_is_ready_when_postgres_garage_and_docker_all_answer() {
    let app = spawn_app(judging(AppOptions::default())).await;
    let (status, body) = readiness(&app).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "ready");
    for name in ["postgres", "storage", "docker"] {
        assert_eq!(body["checks"][name]["ok"], true, "{name}: {body}");
    }
    assert!(body["checks"]["storage"]["target"]
        .as_str()
        .unwrap_or_default()
        .contains("s3 bucket"));
}

/// Cuts `proxy`, expects `/readyz` to name exactly `dependency` (the others still ok), restores
/// it, and expects readiness to come back by itself.
async fn assert_named_while_down_and_recovers(app: &TestApp, proxy: &Proxy, dependency: &str) {
    assert_eq!(readiness(app).await.0, 200);

    proxy.cut();
    let (status, body) = readiness(app).await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["error"]["code"], "unavailable");
    assert_eq!(
        body["error"]["message"],
        format!("not ready: {dependency} unavailable")
    );
    let checks = &body["error"]["details"]["checks"];
    for name in ["postgres", "storage", "docker"] {
        assert_eq!(checks[name]["ok"], name != dependency, "{name}: {body}");
    }
    assert!(checks[dependency]["error"].is_string());

    proxy.restore();
    assert!(
        eventually(Duration::from_secs(15), || async {
            readiness(app).await.0 == 200
        })
        .await,
        "readyz did not recover after {dependency} came back"
    );
}

#[tokio::test]
async fn readyz_names_postgres_while_it_is_down_and_recovers_when_it_is_back() {
    let database = fresh_database(&services()).await;
    let proxy = Proxy::start(socket_of(&database)).await;
    let app = spawn_app(judging(AppOptions {
        database_url: Some(via(&database, proxy.address)),
        ..Default::default()
    }))
    .await;
    assert_named_while_down_and_recovers(&app, &proxy, "postgres").await;
}

#[tokio::test]
async fn readyz_names_storage_while_garage_is_down_and_recovers_when_it_is_back() {
    let endpoint = services().s3_endpoint;
    let proxy = Proxy::start(socket_of(&endpoint)).await;
    let app = spawn_app(judging(AppOptions {
        s3_endpoint: Some(via(&endpoint, proxy.address)),
        ..Default::default()
    }))
    .await;
    assert_named_while_down_and_recovers(&app, &proxy, "storage").await;
}

#[tokio::test]
async fn readyz_names_docker_when_the_engine_cannot_be_reached() {
    let app = spawn_app(judging(AppOptions {
        docker_host: Some("unix:///nonexistent/coderank-test/docker.sock".into()),
        ..Default::default()
    }))
    .await;
    let (status, body) = readiness(&app).await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["error"]["message"], "not ready: docker unavailable");
    assert_eq!(body["error"]["details"]["checks"]["docker"]["ok"], false);
}

#[tokio::test]
async fn readyz_names_every_dependency_that_is_down_at_once() {
    let services = services();
    let database = fresh_database(&services).await;
    let (pg, s3) = (
        Proxy::start(socket_of(&database)).await,
        Proxy::start(socket_of(&services.s3_endpoint)).await,
    );
    let app = spawn_app(judging(AppOptions {
        database_url: Some(via(&database, pg.address)),
        s3_endpoint: Some(via(&services.s3_endpoint, s3.address)),
        docker_host: Some("unix:///nonexistent/coderank-test/docker.sock".into()),
        ..AppOptions::default()
    }))
    .await;
    pg.cut();
    s3.cut();
    let (status, body) = readiness(&app).await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(
        body["error"]["message"],
        "not ready: postgres, storage, docker unavailable"
    );
}

#[tokio::test]
async fn an_api_without_judging_slots_is_ready_without_a_docker_engine() {
    let app = spawn_app(AppOptions {
        docker_host: Some("unix:///nonexistent/coderank-test/docker.sock".into()),
        ..Default::default()
    })
    .await;
    let (status, body) = readiness(&app).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["checks"].get("docker").is_none(), "{body}");
    assert_eq!(body["queue"]["live_workers"], 0, "{body}");
    assert!(
        body["queue"].get("warning").is_none(),
        "nothing is queued: {body}"
    );
}
