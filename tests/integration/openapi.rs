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
