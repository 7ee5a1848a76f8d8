//! `/api/v1/problems`: the problem set. Users list and read published problems with their
//! samples ([`public`]); admins create, edit, import, export and delete problems ([`admin`]) and
//! manage their test data and validators ([`tests`]). Secret test data never appears in a
//! user-facing answer: users get samples only, and the test-case listing (hashes and sizes,
//! never contents) is for admins. What a user may see is decided in `crate::problems::view`.

mod admin;
mod public;
mod tests;

use axum::{
    extract::DefaultBodyLimit,
    http::{header, HeaderMap},
};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    app::{error::AppError, AppState},
    problems::{
        records::Problem,
        view::{self, Audience},
    },
};

/// Routes anyone may call (admins see unpublished problems too).
pub fn public_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(public::list_problems))
        .routes(routes!(public::get_problem))
        .routes(routes!(public::get_statement_file))
        .routes(routes!(public::get_attachment))
}

/// Routes for admins; uploads of whole packages may be up to `max_package_bytes`.
pub fn admin_router(max_package_bytes: usize) -> OpenApiRouter<AppState> {
    let uploads = OpenApiRouter::new()
        .routes(routes!(admin::import_problem))
        .routes(routes!(tests::upload_tests_zip))
        .route_layer(DefaultBodyLimit::max(max_package_bytes));
    OpenApiRouter::new()
        .routes(routes!(admin::create_problem))
        .routes(routes!(admin::update_problem, admin::delete_problem))
        .routes(routes!(admin::export_problem))
        .routes(routes!(tests::list_tests, tests::add_test))
        .routes(routes!(tests::delete_test))
        .routes(routes!(tests::reorder_tests))
        .routes(routes!(tests::set_validator, tests::remove_validator))
        .merge(uploads)
}

/// A zip archive, as the raw body (`Content-Type: application/zip`).
// The document's name for package bytes (`Vec<u8>` would read as an array of numbers). Only
// described, never built: the handlers read and write the bytes themselves.
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)]
struct Zip(Vec<u8>);

/// A file's bytes, as the raw body with the file's own content type.
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)]
struct FileBytes(Vec<u8>);

/// Any problem, for admins' routes.
async fn find_problem(state: &AppState, slug: &str) -> Result<Problem, AppError> {
    Ok(view::visible(&state.db, Audience { admin: true }, slug).await?)
}

fn require_zip(headers: &HeaderMap) -> Result<(), AppError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    if content_type.split(';').next().map(str::trim) == Some("application/zip") {
        Ok(())
    } else {
        Err(AppError::UnsupportedMediaType(format!(
            "send the zip as the body with Content-Type: application/zip (got {content_type:?})"
        )))
    }
}
