//! The OpenAPI 3 document, generated from the handlers' annotations, and a browsable page.
//!
//! The page at `/docs` is a small self-contained renderer of `/api/v1/openapi.json`: CodeRank
//! serves every asset itself (no CDN), and this machine class cannot download Swagger UI at
//! build time.

use std::sync::Arc;

use axum::{
    http::header,
    response::{Html, IntoResponse},
    routing::get,
    Router,
};
use utoipa::OpenApi;

use crate::app::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "CodeRank API",
        description = "An online judge: problems, submissions judged in locked-down Docker containers, live verdicts. \
            Every error answers with the JSON envelope `{\"error\": {\"code\", \"message\", \"details\"?}}`; \
            every response carries an `x-request-id` header (sent back when the request had one).",
        license(name = "MIT")
    ),
    tags(
        (name = "health", description = "Liveness and readiness"),
        (name = "auth", description = "Registration, sign-in (password or OAuth), token refresh, sign-out"),
        (name = "account", description = "The signed-in user and their API tokens"),
        (name = "users", description = "User management (admins)"),
        (name = "problems", description = "The problem set: published problems for everyone; creation, test data, import and export for admins"),
    ),
    modifiers(&SecuritySchemes)
)]
pub struct ApiDoc;

/// The two ways to authenticate: a bearer token (JWT access token or `crk_` API token) and the
/// browser session cookie (with `X-CSRF-Token` on requests that change something).
struct SecuritySchemes;

impl utoipa::Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT or crk_ API token")
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                crate::app::extract::SESSION_COOKIE,
            ))),
        );
    }
}

/// Routes serving the finished document, which the caller builds from every area's router.
pub fn router(document: utoipa::openapi::OpenApi) -> Router<AppState> {
    let document = Arc::new(document);
    Router::new()
        .route(
            "/api/v1/openapi.json",
            get(move || {
                let document = Arc::clone(&document);
                async move { axum::Json(document.as_ref().clone()) }
            }),
        )
        .route("/docs", get(docs_page))
        .route("/docs/docs.js", get(docs_script))
}

async fn docs_page() -> Html<&'static str> {
    Html(include_str!("docs.html"))
}

/// The page's script, in a file of its own: the Content-Security-Policy allows no inline script.
async fn docs_script() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("docs.js"),
    )
}
