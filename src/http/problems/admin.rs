//! Admins' problem routes: create, change, delete, import and export.

use axum::{
    body::Bytes,
    extract::{Path, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{find_problem, require_zip};
use crate::{
    app::{
        error::{AppError, ErrorBody, Json, Query},
        extract::Admin,
        AppState,
    },
    problems::{
        editing, export,
        fields::{
            CheckerKind, Difficulty, MemoryMb, OutputMb, Slug, Tags, TimeLimitMs, Title, ValidatorFlagsText,
        },
        import::{self, ImportOptions},
        records::{self, Changes, NewProblem, Problem},
        statements, time_limits,
        view::ViewError,
    },
};

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateProblem {
    /// 1 to 64 lowercase letters, digits and inner dashes.
    pub slug: String,
    pub title: String,
    #[serde(default)]
    pub statement: String,
    /// 1 to 60000; default 1000.
    pub time_limit_ms: Option<i64>,
    /// 16 to 65536; default 1024, as in problemtools.
    pub memory_mb: Option<i64>,
    /// 1 to 65536; default 8.
    pub output_mb: Option<i64>,
    /// The default validator's flags (a new problem has no custom validator yet).
    #[serde(default)]
    pub validator_flags: String,
    /// At most 20, each 1 to 40 characters without spaces.
    #[serde(default)]
    pub tags: Vec<String>,
    /// 0 to 10000.
    pub difficulty: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdateProblem {
    pub title: Option<String>,
    pub statement: Option<String>,
    pub time_limit_ms: Option<i64>,
    pub memory_mb: Option<i64>,
    pub output_mb: Option<i64>,
    /// The default validator's flags, or a custom validator's arguments (split as a shell
    /// would; given after its `input answer feedback_dir`).
    pub validator_flags: Option<String>,
    pub tags: Option<Vec<String>>,
    pub difficulty: Option<i64>,
    /// Publish or unpublish.
    pub published: Option<bool>,
}

/// Create an empty, unpublished problem; add test cases next.
#[utoipa::path(post, path = "/api/v1/problems", tag = "problems", security(("bearer" = []), ("session" = [])),
    request_body = CreateProblem,
    responses((status = 201, body = Problem), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn create_problem(
    State(state): State<AppState>,
    Admin(admin): Admin,
    Json(request): Json<CreateProblem>,
) -> Result<(StatusCode, Json<Problem>), AppError> {
    // The rulebook's types: every field checked, each refusal naming its rule.
    let slug = Slug::parse(&request.slug)?;
    let title = Title::parse(&request.title)?;
    let validator_flags = ValidatorFlagsText::parse(&request.validator_flags, CheckerKind::Default)?;
    let tags = Tags::parse(&request.tags)?;
    let new = NewProblem {
        slug: &slug,
        title: &title,
        statement: &request.statement,
        statement_format: "markdown",
        statement_path: "statement/problem.en.md",
        time_limit: Some(
            request
                .time_limit_ms
                .map(TimeLimitMs::parse)
                .transpose()?
                .unwrap_or(TimeLimitMs::DEFAULT),
        ),
        time_limit_source: "set by an admin",
        memory: request
            .memory_mb
            .map(MemoryMb::parse)
            .transpose()?
            .unwrap_or(MemoryMb::DEFAULT),
        output: request
            .output_mb
            .map(OutputMb::parse)
            .transpose()?
            .unwrap_or(OutputMb::DEFAULT),
        checker: CheckerKind::Default,
        validator_flags: &validator_flags,
        tags: &tags,
        difficulty: request.difficulty.map(Difficulty::parse).transpose()?,
        published: false,
        author: Some(admin.user.id),
        package_yaml: "",
    };
    let problem = records::insert(&state.db, &new).await?.ok_or_else(|| {
        AppError::Conflict(format!(
            "a problem with the slug {:?} already exists",
            slug.as_str()
        ))
    })?;
    Ok((StatusCode::CREATED, Json(problem)))
}

/// Change a problem's fields; `published` publishes or unpublishes it.
#[utoipa::path(patch, path = "/api/v1/problems/{slug}", tag = "problems", security(("bearer" = []), ("session" = [])),
    params(("slug" = String, Path)), request_body = UpdateProblem,
    responses((status = 200, body = Problem), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "Publishing a problem without test cases or without a time limit"),
        (status = 422, body = ErrorBody)))]
pub(super) async fn update_problem(
    State(state): State<AppState>,
    _admin: Admin,
    Path(slug): Path<String>,
    Json(request): Json<UpdateProblem>,
) -> Result<Json<Problem>, AppError> {
    let problem = find_problem(&state, &slug).await?;
    let changes = Changes {
        title: request.title.as_deref().map(Title::parse).transpose()?,
        statement: request.statement,
        // The editor sends every field: only a new value is an admin's limit (and its source).
        time_limit: request
            .time_limit_ms
            .map(TimeLimitMs::parse)
            .transpose()?
            .filter(|limit| Some(limit.get()) != problem.time_limit_ms),
        memory: request.memory_mb.map(MemoryMb::parse).transpose()?,
        output: request.output_mb.map(OutputMb::parse).transpose()?,
        // Checked as the problem's checker reads them: the default validator's flags, or a
        // custom validator's arguments.
        validator_flags: request
            .validator_flags
            .as_deref()
            .map(|flags| ValidatorFlagsText::parse(flags, problem.checker))
            .transpose()?,
        tags: request.tags.as_deref().map(Tags::parse).transpose()?,
        difficulty: request.difficulty.map(Difficulty::parse).transpose()?,
        published: request.published,
    };
    if request.published == Some(true) && records::test_cases(&state.db, problem.id).await?.is_empty() {
        return Err(AppError::Conflict(format!(
            "{slug} has no test cases: add some before publishing"
        )));
    }
    if request.published == Some(true) && problem.time_limit_ms.is_none() && changes.time_limit.is_none() {
        return Err(AppError::Conflict(time_limits::unpublishable(&problem)));
    }
    let html = match &changes.statement {
        Some(source) => statements::render_edit(&problem, source)
            .await
            .map_err(ViewError::from)?,
        None => None,
    };
    let mut transaction = state.db.begin().await?;
    let updated = records::update(&mut *transaction, problem.id, &changes).await?;
    if let Some(source) = &changes.statement {
        statements::edited(&mut *transaction, &updated, source, html.as_deref()).await?;
    }
    transaction.commit().await?;
    Ok(Json(updated))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Deleted {
    /// True when deleted; false when archived instead because submissions refer to it.
    pub deleted: bool,
}

/// Delete a problem and its test data. A problem with submissions is archived (hidden,
/// unpublished) instead, so no submission is ever orphaned.
#[utoipa::path(delete, path = "/api/v1/problems/{slug}", tag = "problems", security(("bearer" = []), ("session" = [])),
    params(("slug" = String, Path)),
    responses((status = 200, body = Deleted), (status = 404, body = ErrorBody)))]
pub(super) async fn delete_problem(
    State(state): State<AppState>,
    _admin: Admin,
    Path(slug): Path<String>,
) -> Result<Json<Deleted>, AppError> {
    let problem = find_problem(&state, &slug).await?;
    let deleted = editing::delete_problem(&state.db, &state.store, problem.id).await?;
    Ok(Json(Deleted { deleted }))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ImportQuery {
    /// Publish at once.
    #[serde(default)]
    pub publish: bool,
    /// The slug; by default the package folder's name.
    pub slug: Option<String>,
}

/// Import an ICPC / Kattis package: the zip is the body (`Content-Type: application/zip`). A
/// package that gives no time limit is imported at once, unpublished, with `time_limit_ms`
/// null and `time_limit_source` `deriving`: the judge workers derive it from the package's
/// accepted submissions; it can be published once they have, or once an admin sets it.
#[utoipa::path(post, path = "/api/v1/problems/import", tag = "problems", security(("bearer" = []), ("session" = [])),
    params(ImportQuery), request_body(content = super::Zip, content_type = "application/zip"),
    responses(
        (status = 201, body = Problem),
        (status = 400, body = ErrorBody, description = "Not a readable zip"),
        (status = 409, body = ErrorBody, description = "The slug is taken"),
        (status = 413, body = ErrorBody, description = "A file or the package is over its cap"),
        (status = 415, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "The package breaks the format or a safety rule, or gives no time limit and has no accepted submission to derive one from"),
    ))]
pub(super) async fn import_problem(
    State(state): State<AppState>,
    Admin(admin): Admin,
    Query(query): Query<ImportQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<Problem>), AppError> {
    require_zip(&headers)?;
    let options = ImportOptions {
        slug: query.slug,
        publish: query.publish,
        author: Some(admin.user.id),
        time_limit: None,
    };
    let problem = import::import_zip(&state.db, &state.store, &state.problem_limits, body, options).await?;
    Ok((StatusCode::CREATED, Json(problem)))
}

/// Download a problem as a package zip, which imports back to the same problem.
#[utoipa::path(get, path = "/api/v1/problems/{slug}/export", tag = "problems", security(("bearer" = []), ("session" = [])),
    params(("slug" = String, Path)),
    responses((status = 200, content_type = "application/zip", body = super::Zip), (status = 404, body = ErrorBody)))]
pub(super) async fn export_problem(
    State(state): State<AppState>,
    _admin: Admin,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let problem = find_problem(&state, &slug).await?;
    let zip = export::export_zip(&state.db, &state.cache, &problem).await?;
    let disposition = format!("attachment; filename=\"{}.zip\"", problem.slug);
    Ok((
        [
            (header::CONTENT_TYPE, "application/zip".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        zip,
    )
        .into_response())
}
