//! The OpenAPI 3 document, generated from the handlers' annotations, and a browsable page.
//!
//! A handler's annotation documents what the handler itself decides (its success, a conflict, a
//! rate limit). The answers that the shared parts give on their own (the group's guard, the
//! extractors of JSON bodies, queries and path parameters, the body limit, an exhausted pool)
//! are added here once, by two [`Modify`]s, so no operation can forget one:
//!
//! | answer | on every operation that | from |
//! |---|---|---|
//! | 401, 403 | is signed-in or admin ([`Guard`]), or takes optional credentials (`security` with `{}`) | `app::extract` |
//! | 400, 422 | has a JSON body | `app::error::Json` |
//! | 413, 415 | has a body | the body limit, `Json`, `require_zip` |
//! | 422 | has query parameters | `app::error::Query`, the NUL check |
//! | 400, 404 | has path parameters | axum's `Path` (a value that does not parse), the handler |
//! | 503 | uses the database (all but [`NO_DATABASE`]) | `AppError::into_response` (no pooled connection free in time) |
//!
//! An answer the handler's annotation already documents keeps its own description (one left
//! empty gets the shared one).
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
use utoipa::{
    openapi::{
        path::{Operation, ParameterIn},
        security::SecurityRequirement,
        Content, Ref, RefOr, Response,
    },
    Modify, OpenApi,
};

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

impl Modify for SecuritySchemes {
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

/// Who may call a group of routes (`super::router` wraps each group in its guard).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Any signed-in user ([`crate::app::extract::CurrentUser`]).
    SignedIn,
    /// Admins only ([`crate::app::extract::Admin`]).
    Admin,
}

/// The answers a group's guard gives before any handler runs, and its security requirement, on
/// every operation of the group.
pub struct Guard(pub Access);

impl Modify for Guard {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let forbidden = match self.0 {
            Access::SignedIn => FORBIDDEN,
            Access::Admin => {
                "The caller is not an admin, the account is disabled, or a request \
                signed in by cookie lacks its `X-CSRF-Token`"
            }
        };
        for (_, operation) in operations(openapi) {
            operation.security.get_or_insert_with(signed_in_security);
            add_error(operation, "401", UNAUTHORIZED);
            add_error(operation, "403", forbidden);
        }
    }
}

const UNAUTHORIZED: &str =
    "No valid credentials: send `Authorization: Bearer <token>` or the session cookie \
    (a token or cookie that is invalid, expired or revoked is refused too)";
const FORBIDDEN: &str = "The account is disabled, or a request signed in by cookie lacks its `X-CSRF-Token`";

/// The two ways to be signed in, either of which is enough.
fn signed_in_security() -> Vec<SecurityRequirement> {
    vec![
        SecurityRequirement::new("bearer", Vec::<String>::new()),
        SecurityRequirement::new("session", Vec::<String>::new()),
    ]
}

/// Operations that answer without the database, so never with its 503.
pub const NO_DATABASE: &[&str] = &["/healthz", "/api/v1/auth/providers"];

/// The answers of the extractors, the body limit and the pool, on every operation they can
/// reach (the table at the top of this module). Applied to the whole document, after
/// [`Guard`] has set the groups' security.
pub struct SharedAnswers;

impl Modify for SharedAnswers {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, operation) in operations(openapi) {
            let credentials = operation
                .security
                .as_ref()
                .is_some_and(|security| !security.is_empty());
            if credentials {
                // A public route that reads optional credentials still refuses bad ones.
                add_error(operation, "401", UNAUTHORIZED);
                add_error(operation, "403", FORBIDDEN);
            }
            let json_body = operation
                .request_body
                .as_ref()
                .map(|body| body.content.contains_key("application/json"));
            let in_query = has_parameter(operation, ParameterIn::Query);
            let in_path = has_parameter(operation, ParameterIn::Path);
            let mut bad_request = Vec::new();
            let mut unprocessable = Vec::new();
            if let Some(json) = json_body {
                add_error(operation, "413", "The body is over the size limit");
                add_error(
                    operation,
                    "415",
                    "The body is not of the documented `Content-Type`",
                );
                if json {
                    bad_request.push("the body is not JSON");
                    unprocessable.push("the JSON body does not fit its schema or holds a NUL character");
                }
            }
            if in_query {
                unprocessable.push("a query parameter does not fit its schema or holds a NUL character");
            }
            if in_path {
                bad_request.push("a path parameter does not parse");
                add_error(operation, "404", "Nothing is found by the path's parameters");
            }
            if !bad_request.is_empty() {
                add_error(operation, "400", &sentence(&bad_request));
            }
            if !unprocessable.is_empty() {
                add_error(operation, "422", &sentence(&unprocessable));
            }
            if !NO_DATABASE.contains(&path.as_str()) {
                add_error(
                    operation,
                    "503",
                    "The server is busy (no database connection was free in time): retry after `Retry-After` seconds",
                );
            }
        }
    }
}

/// `["a b", "c"]` as `A b; or c`.
fn sentence(reasons: &[&str]) -> String {
    let text = reasons.join("; or ");
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn has_parameter(operation: &Operation, place: ParameterIn) -> bool {
    operation
        .parameters
        .iter()
        .flatten()
        .any(|parameter| parameter.parameter_in == place)
}

/// Documents `status` with the error envelope, unless the operation already does (one left
/// without a description gets this one).
fn add_error(operation: &mut Operation, status: &str, description: &str) {
    let responses = &mut operation.responses.responses;
    match responses.get_mut(status) {
        Some(RefOr::T(response)) if response.description.is_empty() => {
            response.description = description.to_owned();
        }
        Some(_) => {}
        None => {
            let mut response = Response::new(description);
            response.content.insert(
                "application/json".to_owned(),
                Content::new(Some(Ref::from_schema_name("ErrorBody"))),
            );
            responses.insert(status.to_owned(), RefOr::T(response));
        }
    }
}

/// Every operation of the document, with its path.
fn operations(openapi: &mut utoipa::openapi::OpenApi) -> impl Iterator<Item = (&String, &mut Operation)> {
    openapi.paths.paths.iter_mut().flat_map(|(path, item)| {
        [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.options,
            &mut item.head,
            &mut item.patch,
            &mut item.trace,
        ]
        .into_iter()
        .filter_map(Option::as_mut)
        .map(move |operation| (path, operation))
    })
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
