//! The generated OpenAPI document and the page that shows it.

use serde_json::Value;

use crate::helpers::{spawn_app, AppOptions};

#[tokio::test]
async fn the_openapi_document_is_valid_openapi_3_and_lists_every_endpoint() {
    let app = spawn_app(AppOptions::default()).await;
    let response = app.get("/api/v1/openapi.json").await;
    assert_eq!(response.status(), 200);
    let text = response.text().await.expect("body");
    let spec = oas3::from_json(&text).expect("a valid OpenAPI 3.1 document");
    assert!(spec.openapi.starts_with("3."), "version {}", spec.openapi);
    assert_eq!(spec.info.title, "CodeRank API");

    let document: Value = serde_json::from_str(&text).expect("JSON");
    for path in ["/healthz", "/readyz"] {
        assert!(
            document["paths"][path]["get"].is_object(),
            "{path} missing from the document"
        );
    }
    assert!(document["components"]["schemas"]["ErrorBody"].is_object());
}

#[tokio::test]
async fn the_docs_page_is_served_without_any_outside_asset() {
    let app = spawn_app(AppOptions::default()).await;
    let response = app.get("/docs").await;
    assert_eq!(response.status(), 200);
    let page = response.text().await.expect("body");
    assert!(page.contains("/api/v1/openapi.json"));
    assert!(
        !page.contains("https://"),
        "the page must not load anything from elsewhere"
    );
}

/// The operations of the served document, as `(method path, operation)`.
async fn operations() -> Vec<(String, Value)> {
    let app = spawn_app(AppOptions::default()).await;
    let document: Value = app.get("/api/v1/openapi.json").await.json().await.expect("JSON");
    let mut operations = Vec::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("a path item") {
            operations.push((format!("{} {path}", method.to_uppercase()), operation.clone()));
        }
    }
    assert!(operations.len() > 30, "only {} operations", operations.len());
    operations
}

/// Whether `operation` documents `status` with the error envelope.
fn documents_error(operation: &Value, status: &str) -> bool {
    operation["responses"][status]["content"]["application/json"]["schema"]["$ref"]
        == "#/components/schemas/ErrorBody"
}

fn has_parameter_in(operation: &Value, place: &str) -> bool {
    operation["parameters"]
        .as_array()
        .is_some_and(|parameters| parameters.iter().any(|parameter| parameter["in"] == place))
}

#[tokio::test]
async fn every_operation_documents_the_errors_the_shared_layers_can_answer() {
    let mut missing = Vec::new();
    for (name, operation) in operations().await {
        let mut expected = Vec::new();
        let security = operation["security"].as_array().cloned().unwrap_or_default();
        if !security.is_empty() {
            // Signed-in and admin routes, and public ones that read optional credentials.
            expected.extend(["401", "403"]);
        }
        if let Some(content) = operation["requestBody"]["content"].as_object() {
            expected.extend(["413", "415"]);
            if content.contains_key("application/json") {
                expected.extend(["400", "422"]);
            }
        }
        if has_parameter_in(&operation, "query") {
            expected.push("422");
        }
        if has_parameter_in(&operation, "path") {
            expected.extend(["400", "404"]);
        }
        if !["GET /healthz", "GET /api/v1/auth/providers"].contains(&name.as_str()) {
            expected.push("503");
        }
        for status in expected {
            if !documents_error(&operation, status) {
                missing.push(format!("{name}: {status}"));
            }
        }
    }
    assert!(missing.is_empty(), "undocumented answers: {missing:#?}");
}

#[tokio::test]
async fn every_admin_operation_requires_credentials_and_documents_401_and_403() {
    let admin_paths = [
        "/api/v1/users",
        "/api/v1/status",
        "/api/v1/problems/import",
        "/api/v1/problems/{slug}/tests",
        "/api/v1/problems/{slug}/export",
        "/api/v1/problems/{slug}/validator",
        "/api/v1/submissions/{id}/rejudge",
    ];
    for (name, operation) in operations().await {
        let (method, path) = name.split_once(' ').expect("method and path");
        let admin = admin_paths.iter().any(|admin| path.starts_with(admin))
            || (path == "/api/v1/problems" && method == "POST")
            || (path == "/api/v1/problems/{slug}" && method != "GET");
        if !admin {
            continue;
        }
        let security = operation["security"].as_array().cloned().unwrap_or_default();
        assert!(
            !security.is_empty()
                && !security
                    .iter()
                    .any(|requirement| requirement == &serde_json::json!({})),
            "{name} must require credentials: {security:?}"
        );
        for status in ["401", "403"] {
            assert!(
                documents_error(&operation, status),
                "{name} does not document {status}"
            );
        }
        assert!(
            operation["responses"]["403"]["description"]
                .as_str()
                .is_some_and(|description| description.contains("not an admin")),
            "{name}: {}",
            operation["responses"]["403"]
        );
    }
}

#[tokio::test]
async fn sign_in_documents_both_the_token_and_the_cookie_session_answers() {
    let operations = operations().await;
    for (name, status) in [
        ("POST /api/v1/auth/login", "200"),
        ("POST /api/v1/auth/register", "201"),
    ] {
        let (_, operation) = operations
            .iter()
            .find(|(found, _)| found == name)
            .expect("the operation");
        assert_eq!(
            operation["responses"][status]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/SignedIn",
            "{name}"
        );
    }
    let app = spawn_app(AppOptions::default()).await;
    let document: Value = app.get("/api/v1/openapi.json").await.json().await.expect("JSON");
    let one_of: Vec<&str> = document["components"]["schemas"]["SignedIn"]["oneOf"]
        .as_array()
        .expect("oneOf")
        .iter()
        .filter_map(|schema| schema["$ref"].as_str())
        .collect();
    assert_eq!(
        one_of,
        [
            "#/components/schemas/TokenResponse",
            "#/components/schemas/CookieSessionResponse"
        ]
    );
}
