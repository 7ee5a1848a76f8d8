//! Listing and reading problems: what anyone may call.

use axum::{
    extract::{Path, State},
    response::Response,
};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::{
    accounts::users::Role,
    app::{
        error::{AppError, ErrorBody, Json, Query},
        extract::MaybeUser,
        served, AppState,
    },
    problems::{
        statements::Folder,
        view::{self, Audience, ListRequest, ProblemDetail, ProblemPage},
    },
};

#[derive(Debug, Deserialize, IntoParams)]
pub struct ListQuery {
    /// Words to find in the title.
    pub q: Option<String>,
    /// Only problems with this tag.
    pub tag: Option<String>,
    /// 1-based page number.
    #[param(minimum = 1)]
    pub page: Option<u32>,
    /// Problems per page, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<u32>,
}

/// Published problems, newest first; admins see every problem.
#[utoipa::path(get, path = "/api/v1/problems", tag = "problems", params(ListQuery),
    security((), ("bearer" = []), ("session" = [])),
    responses((status = 200, body = ProblemPage), (status = 422, body = ErrorBody)))]
pub(super) async fn list_problems(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Query(query): Query<ListQuery>,
) -> Result<Json<ProblemPage>, AppError> {
    let admin = user
        .as_ref()
        .is_some_and(|current| current.user.role == Role::Admin);
    let solved = match &user {
        Some(current) => {
            Some(crate::submissions::leaderboard::solved_slugs(&state.db, current.user.id).await?)
        }
        None => None,
    };
    let request = ListRequest {
        search: query.q.as_deref(),
        tag: query.tag.as_deref(),
        page: query.page,
        per_page: query.per_page,
        solved,
    };
    Ok(Json(view::listing(&state.db, Audience { admin }, request).await?))
}

/// One problem with its statement, limits and samples. Unpublished or archived problems are
/// not found, except by admins.
#[utoipa::path(get, path = "/api/v1/problems/{slug}", tag = "problems", params(("slug" = String, Path)),
    security((), ("bearer" = []), ("session" = [])),
    responses((status = 200, body = ProblemDetail), (status = 404, body = ErrorBody)))]
pub(super) async fn get_problem(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path(slug): Path<String>,
) -> Result<Json<ProblemDetail>, AppError> {
    let admin = user.is_some_and(|current| current.user.role == Role::Admin);
    Ok(Json(
        view::detail(&state.db, &state.cache, Audience { admin }, &slug).await?,
    ))
}

/// An image or PDF of the statement (from the package's `statement/` or `problem_statement/`
/// folder), for whoever may see the problem. A name without an extension (as LaTeX's
/// `\includegraphics{circle}` writes it) finds `circle.png`, `.jpg`, `.svg`, … Answered with
/// its content type and `Content-Security-Policy: sandbox`, so an SVG runs no script.
#[utoipa::path(get, path = "/api/v1/problems/{slug}/statement/{file}", tag = "problems",
    params(("slug" = String, Path), ("file" = String, Path, description = "A file name, e.g. `circle.png`")),
    security((), ("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "The file", content(
            (super::FileBytes = "image/png"), (super::FileBytes = "image/jpeg"), (super::FileBytes = "image/gif"),
            (super::FileBytes = "image/svg+xml"), (super::FileBytes = "image/webp"),
            (super::FileBytes = "application/pdf"))),
        (status = 404, body = ErrorBody)))]
pub(super) async fn get_statement_file(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path((slug, file)): Path<(String, String)>,
) -> Result<Response, AppError> {
    statement_file(state, user, &slug, Folder::Statement, &file).await
}

/// A file of the package's `attachments/` folder (files handed to contestants), for whoever may
/// see the problem. Images, PDFs and text are shown; anything else is a download.
#[utoipa::path(get, path = "/api/v1/problems/{slug}/attachments/{file}", tag = "problems",
    params(("slug" = String, Path), ("file" = String, Path, description = "A file name")),
    security((), ("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "The file", content(
            (super::FileBytes = "application/octet-stream"), (super::FileBytes = "text/plain"),
            (super::FileBytes = "image/png"), (super::FileBytes = "application/pdf"))),
        (status = 404, body = ErrorBody)))]
pub(super) async fn get_attachment(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path((slug, file)): Path<(String, String)>,
) -> Result<Response, AppError> {
    statement_file(state, user, &slug, Folder::Attachments, &file).await
}

async fn statement_file(
    state: AppState,
    user: Option<crate::app::extract::CurrentUser>,
    slug: &str,
    folder: Folder,
    name: &str,
) -> Result<Response, AppError> {
    let admin = user.is_some_and(|current| current.user.role == Role::Admin);
    let file = view::statement_file(&state.db, &state.cache, Audience { admin }, slug, folder, name).await?;
    served::answer(file).await
}
