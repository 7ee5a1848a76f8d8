//! `/api/v1/problems`: the problem set. Users list and read published problems with their
//! samples; admins create, edit, import, export and delete problems and manage their test data.
//! Secret test data never appears in a user-facing answer: users get samples only, and the
//! test-case listing (hashes and sizes, never contents) is for admins.

use axum::{
    body::Bytes,
    extract::{DefaultBodyLimit, Path, Query, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::{
    error::{AppError, ErrorBody, Json},
    extract::{Admin, MaybeUser},
    AppState,
};
use crate::{
    accounts::users::Role,
    judge::checker::default_validator::ValidatorFlags,
    problems::{
        editing::{self, EditError, NewTest},
        export,
        import::{self, ImportError, ImportOptions},
        records::{self, is_slug, Problem, TestCaseRecord},
    },
};

/// Routes anyone may call (admins see unpublished problems too).
pub fn public_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_problems))
        .routes(routes!(get_problem))
}

/// Routes for admins; uploads of whole packages may be up to `max_package_bytes`.
pub fn admin_router(max_package_bytes: usize) -> OpenApiRouter<AppState> {
    let uploads = OpenApiRouter::new()
        .routes(routes!(import_problem))
        .routes(routes!(upload_tests_zip))
        .route_layer(DefaultBodyLimit::max(max_package_bytes));
    OpenApiRouter::new()
        .routes(routes!(create_problem))
        .routes(routes!(update_problem, delete_problem))
        .routes(routes!(export_problem))
        .routes(routes!(list_tests, add_test))
        .routes(routes!(delete_test))
        .routes(routes!(reorder_tests))
        .routes(routes!(set_validator, remove_validator))
        .merge(uploads)
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ListQuery {
    /// Words to find in the title.
    pub q: Option<String>,
    /// Only problems with this tag.
    pub tag: Option<String>,
    /// 1-based page number.
    pub page: Option<u32>,
    /// Problems per page, 1 to 100 (default 20).
    pub per_page: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemSummary {
    pub slug: String,
    pub title: String,
    pub tags: Vec<String>,
    pub difficulty: Option<i32>,
    pub time_limit_ms: i32,
    pub memory_mb: i32,
    /// Present for admins only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<bool>,
    /// For a signed-in caller: whether they solved it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub solved: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemPage {
    pub items: Vec<ProblemSummary>,
    pub page: u32,
    pub per_page: u32,
    pub total: i64,
}

/// Published problems, newest first; admins see every problem.
#[utoipa::path(get, path = "/api/v1/problems", tag = "problems", params(ListQuery),
    responses((status = 200, body = ProblemPage), (status = 422, body = ErrorBody)))]
async fn list_problems(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Query(query): Query<ListQuery>,
) -> Result<Json<ProblemPage>, AppError> {
    let admin = user
        .as_ref()
        .is_some_and(|current| current.user.role == Role::Admin);
    let solved: Option<std::collections::HashSet<String>> = match &user {
        Some(current) => Some(
            crate::submissions::leaderboard::attempted(&state.db, current.user.id)
                .await
                .map_err(anyhow::Error::from)?
                .into_iter()
                .filter(|attempt| attempt.solved)
                .map(|attempt| attempt.slug)
                .collect(),
        ),
        None => None,
    };
    let page = query.page.unwrap_or(1);
    let per_page = query.per_page.unwrap_or(20);
    if page == 0 || !(1..=100).contains(&per_page) {
        return Err(AppError::Unprocessable(
            "page must be at least 1 and per_page 1 to 100".to_owned(),
        ));
    }
    let search = query.q.as_deref().map(str::trim).filter(|text| !text.is_empty());
    let listing = records::list(
        &state.db,
        admin,
        search,
        query.tag.as_deref(),
        i64::from(per_page),
        i64::from(page - 1) * i64::from(per_page),
    )
    .await
    .map_err(anyhow::Error::from)?;
    Ok(Json(ProblemPage {
        items: listing
            .problems
            .into_iter()
            .map(|problem| ProblemSummary {
                published: admin.then_some(problem.published),
                solved: solved.as_ref().map(|solved| solved.contains(&problem.slug)),
                slug: problem.slug,
                title: problem.title,
                tags: problem.tags,
                difficulty: problem.difficulty,
                time_limit_ms: problem.time_limit_ms,
                memory_mb: problem.memory_mb,
            })
            .collect(),
        page,
        per_page,
        total: listing.total,
    }))
}

/// How much of a sample is shown.
const SAMPLE_SHOWN_BYTES: usize = 64 * 1024;

#[derive(Debug, Serialize, ToSchema)]
pub struct Sample {
    pub name: String,
    pub input: String,
    pub answer: String,
    /// Whether input or answer was cut at 64 KiB.
    pub truncated: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemDetail {
    #[serde(flatten)]
    pub problem: Problem,
    pub samples: Vec<Sample>,
    /// How many test cases judge a submission (samples included).
    pub test_count: usize,
}

/// One problem with its statement, limits and samples. Unpublished or archived problems are
/// not found, except by admins.
#[utoipa::path(get, path = "/api/v1/problems/{slug}", tag = "problems", params(("slug" = String, Path)),
    responses((status = 200, body = ProblemDetail), (status = 404, body = ErrorBody)))]
async fn get_problem(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path(slug): Path<String>,
) -> Result<Json<ProblemDetail>, AppError> {
    let admin = user.is_some_and(|current| current.user.role == Role::Admin);
    Ok(Json(detail(&state, &slug, admin).await?))
}

/// A problem with its samples as `get_problem` answers it; the web pages show the same.
pub(crate) async fn detail(state: &AppState, slug: &str, admin: bool) -> Result<ProblemDetail, AppError> {
    let problem = find_problem(state, slug).await?;
    if !admin && (!problem.published || problem.archived_at.is_some()) {
        return Err(not_found(slug));
    }
    let tests = records::test_cases(&state.db, problem.id)
        .await
        .map_err(anyhow::Error::from)?;
    let mut samples = Vec::new();
    for test in tests.iter().filter(|test| test.kind == "sample") {
        let (input, input_cut) = shown(state, &test.input_sha256).await?;
        let (answer, answer_cut) = shown(state, &test.answer_sha256).await?;
        samples.push(Sample {
            name: test.package_name(),
            input,
            answer,
            truncated: input_cut || answer_cut,
        });
    }
    Ok(ProblemDetail {
        problem,
        samples,
        test_count: tests.len(),
    })
}

/// The start of a stored file as text (at most 64 KiB), and whether it was cut.
pub(crate) async fn shown(state: &AppState, sha: &str) -> Result<(String, bool), AppError> {
    let path = state.cache.get(sha).await?;
    let bytes = tokio::fs::read(&path).await.map_err(anyhow::Error::from)?;
    let cut = bytes.len() > SAMPLE_SHOWN_BYTES;
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(SAMPLE_SHOWN_BYTES)]).into_owned();
    Ok((text, cut))
}

fn not_found(slug: &str) -> AppError {
    AppError::NotFound(format!("no problem {slug:?}"))
}

async fn find_problem(state: &AppState, slug: &str) -> Result<Problem, AppError> {
    records::find(&state.db, slug)
        .await
        .map_err(anyhow::Error::from)?
        .ok_or_else(|| not_found(slug))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateProblem {
    /// 1 to 64 lowercase letters, digits and inner dashes.
    pub slug: String,
    pub title: String,
    #[serde(default)]
    pub statement: String,
    /// Default 1000.
    pub time_limit_ms: Option<i32>,
    /// Default 1024, as in problemtools.
    pub memory_mb: Option<i32>,
    /// Default 8.
    pub output_mb: Option<i32>,
    #[serde(default)]
    pub validator_flags: String,
    #[serde(default)]
    pub tags: Vec<String>,
    pub difficulty: Option<i32>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdateProblem {
    pub title: Option<String>,
    pub statement: Option<String>,
    pub time_limit_ms: Option<i32>,
    pub memory_mb: Option<i32>,
    pub output_mb: Option<i32>,
    pub validator_flags: Option<String>,
    pub tags: Option<Vec<String>>,
    pub difficulty: Option<i32>,
    /// Publish or unpublish.
    pub published: Option<bool>,
}

/// Checks the fields every write shares; answers the first problem found.
fn check_fields(
    title: Option<&str>,
    time_limit_ms: Option<i32>,
    memory_mb: Option<i32>,
    output_mb: Option<i32>,
    validator_flags: Option<&str>,
    tags: Option<&[String]>,
    difficulty: Option<i32>,
) -> Result<(), AppError> {
    let bad = |message: String| Err(AppError::Unprocessable(message));
    if let Some(title) = title {
        if title.trim().is_empty() || title.chars().count() > 200 {
            return bad("title must be 1 to 200 characters".to_owned());
        }
    }
    if time_limit_ms.is_some_and(|ms| !(1..=60_000).contains(&ms)) {
        return bad("time_limit_ms must be 1 to 60000".to_owned());
    }
    if memory_mb.is_some_and(|mb| !(16..=65_536).contains(&mb)) {
        return bad("memory_mb must be 16 to 65536".to_owned());
    }
    if output_mb.is_some_and(|mb| !(1..=65_536).contains(&mb)) {
        return bad("output_mb must be 1 to 65536".to_owned());
    }
    if let Some(flags) = validator_flags {
        if let Err(err) = ValidatorFlags::parse(flags) {
            return bad(format!("validator_flags: {err}"));
        }
    }
    if let Some(tags) = tags {
        let valid =
            |tag: &String| !tag.is_empty() && tag.len() <= 40 && !tag.chars().any(char::is_whitespace);
        if tags.len() > 20 || !tags.iter().all(valid) {
            return bad("tags: at most 20, each 1 to 40 characters without spaces".to_owned());
        }
    }
    if difficulty.is_some_and(|value| !(0..=10_000).contains(&value)) {
        return bad("difficulty must be 0 to 10000".to_owned());
    }
    Ok(())
}

/// Create an empty, unpublished problem; add test cases next.
#[utoipa::path(post, path = "/api/v1/problems", tag = "problems", security(("bearer" = []), ("session" = [])),
    request_body = CreateProblem,
    responses((status = 201, body = Problem), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_problem(
    State(state): State<AppState>,
    Admin(admin): Admin,
    Json(request): Json<CreateProblem>,
) -> Result<(StatusCode, Json<Problem>), AppError> {
    if !is_slug(&request.slug) {
        return Err(AppError::Unprocessable(
            "slug must be 1 to 64 lowercase letters, digits and inner dashes".to_owned(),
        ));
    }
    check_fields(
        Some(&request.title),
        request.time_limit_ms,
        request.memory_mb,
        request.output_mb,
        Some(&request.validator_flags),
        Some(&request.tags),
        request.difficulty,
    )?;
    let problem = sqlx::query_as!(
        Problem,
        r#"INSERT INTO problems (slug, title, statement, time_limit_ms, memory_mb, output_mb, validator_flags,
               tags, difficulty, author_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
           ON CONFLICT (slug) DO NOTHING
           RETURNING *"#,
        request.slug,
        request.title.trim(),
        request.statement,
        request.time_limit_ms.unwrap_or(1000),
        request.memory_mb.unwrap_or(1024),
        request.output_mb.unwrap_or(8),
        request.validator_flags,
        &request.tags,
        request.difficulty,
        admin.user.id,
    )
    .fetch_optional(&state.db)
    .await
    .map_err(anyhow::Error::from)?
    .ok_or_else(|| {
        AppError::Conflict(format!(
            "a problem with the slug {:?} already exists",
            request.slug
        ))
    })?;
    Ok((StatusCode::CREATED, Json(problem)))
}

/// Change a problem's fields; `published` publishes or unpublishes it.
#[utoipa::path(patch, path = "/api/v1/problems/{slug}", tag = "problems", security(("bearer" = []), ("session" = [])),
    params(("slug" = String, Path)), request_body = UpdateProblem,
    responses((status = 200, body = Problem), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_problem(
    State(state): State<AppState>,
    _admin: Admin,
    Path(slug): Path<String>,
    Json(request): Json<UpdateProblem>,
) -> Result<Json<Problem>, AppError> {
    let problem = find_problem(&state, &slug).await?;
    check_fields(
        request.title.as_deref(),
        request.time_limit_ms,
        request.memory_mb,
        request.output_mb,
        request
            .validator_flags
            .as_deref()
            .filter(|_| problem.checker == "default"),
        request.tags.as_deref(),
        request.difficulty,
    )?;
    if request.published == Some(true) {
        let tests = records::test_cases(&state.db, problem.id)
            .await
            .map_err(anyhow::Error::from)?;
        if tests.is_empty() {
            return Err(AppError::Conflict(format!(
                "{slug} has no test cases: add some before publishing"
            )));
        }
    }
    let updated = sqlx::query_as!(
        Problem,
        r#"UPDATE problems SET
               title = COALESCE($2, title), statement = COALESCE($3, statement),
               time_limit_ms = COALESCE($4, time_limit_ms), memory_mb = COALESCE($5, memory_mb),
               output_mb = COALESCE($6, output_mb), validator_flags = COALESCE($7, validator_flags),
               tags = COALESCE($8, tags), difficulty = COALESCE($9, difficulty),
               published = COALESCE($10, published)
           WHERE id = $1 RETURNING *"#,
        problem.id,
        request.title.as_deref().map(str::trim),
        request.statement,
        request.time_limit_ms,
        request.memory_mb,
        request.output_mb,
        request.validator_flags,
        request.tags.as_deref(),
        request.difficulty,
        request.published,
    )
    .fetch_one(&state.db)
    .await
    .map_err(anyhow::Error::from)?;
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
async fn delete_problem(
    State(state): State<AppState>,
    _admin: Admin,
    Path(slug): Path<String>,
) -> Result<Json<Deleted>, AppError> {
    let problem = find_problem(&state, &slug).await?;
    let deleted = editing::delete_problem(&state.db, &state.store, problem.id)
        .await
        .map_err(edit_error)?;
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

/// Import an ICPC / Kattis package: the zip is the body (`Content-Type: application/zip`).
#[utoipa::path(post, path = "/api/v1/problems/import", tag = "problems", security(("bearer" = []), ("session" = [])),
    params(ImportQuery), request_body(content = Vec<u8>, content_type = "application/zip"),
    responses(
        (status = 201, body = Problem),
        (status = 400, body = ErrorBody, description = "Not a readable zip"),
        (status = 409, body = ErrorBody, description = "The slug is taken"),
        (status = 413, body = ErrorBody, description = "A file or the package is over its cap"),
        (status = 415, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "The package breaks the format or a safety rule"),
    ))]
async fn import_problem(
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
    };
    let problem = import::import_zip(&state.db, &state.store, &state.problem_limits, body, options)
        .await
        .map_err(import_error)?;
    Ok((StatusCode::CREATED, Json(problem)))
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

fn import_error(err: ImportError) -> AppError {
    match err {
        ImportError::Malformed(message) => AppError::BadRequest(message),
        ImportError::Invalid(message) => AppError::Unprocessable(message),
        ImportError::TooLarge(message) => AppError::PayloadTooLarge(message),
        ImportError::SlugTaken(_) => AppError::Conflict(err.to_string()),
        ImportError::Internal(err) => AppError::Internal(err),
    }
}

fn edit_error(err: EditError) -> AppError {
    match err {
        EditError::Invalid(message) => AppError::Unprocessable(message),
        EditError::NotFound(message) => AppError::NotFound(message),
        EditError::Internal(err) => AppError::Internal(err),
    }
}

/// Download a problem as a package zip, which imports back to the same problem.
#[utoipa::path(get, path = "/api/v1/problems/{slug}/export", tag = "problems", security(("bearer" = []), ("session" = [])),
    params(("slug" = String, Path)),
    responses((status = 200, content_type = "application/zip", body = Vec<u8>), (status = 404, body = ErrorBody)))]
async fn export_problem(
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

/// A problem's test cases in judging order, with sizes and hashes (never contents).
#[utoipa::path(get, path = "/api/v1/problems/{slug}/tests", tag = "problems", security(("bearer" = []), ("session" = [])),
    params(("slug" = String, Path)),
    responses((status = 200, body = Vec<TestCaseRecord>), (status = 404, body = ErrorBody)))]
async fn list_tests(
    State(state): State<AppState>,
    _admin: Admin,
    Path(slug): Path<String>,
) -> Result<Json<Vec<TestCaseRecord>>, AppError> {
    let problem = find_problem(&state, &slug).await?;
    Ok(Json(
        records::test_cases(&state.db, problem.id)
            .await
            .map_err(anyhow::Error::from)?,
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct AddTest {
    /// `sample` (shown to users) or `secret`.
    pub kind: String,
    /// Folders below data/<kind>/, e.g. `group1`.
    #[serde(default)]
    pub group: String,
    pub name: String,
    pub input: String,
    pub answer: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TestCount {
    /// Test cases the problem has now.
    pub test_count: usize,
}

/// Add a test case, or replace the one with the same kind, group and name.
#[utoipa::path(post, path = "/api/v1/problems/{slug}/tests", tag = "problems", security(("bearer" = []), ("session" = [])),
    params(("slug" = String, Path)), request_body = AddTest,
    responses((status = 200, body = TestCount), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn add_test(
    State(state): State<AppState>,
    _admin: Admin,
    Path(slug): Path<String>,
    Json(request): Json<AddTest>,
) -> Result<Json<TestCount>, AppError> {
    let problem = find_problem(&state, &slug).await?;
    let kind = test_kind(&request.kind)?;
    editing::check_test_path("group", &request.group, true).map_err(edit_error)?;
    editing::check_test_path("name", &request.name, false).map_err(edit_error)?;
    let cap = state.problem_limits.max_test_file_bytes;
    for (what, text) in [("input", &request.input), ("answer", &request.answer)] {
        if text.len() as u64 > cap {
            return Err(AppError::PayloadTooLarge(format!(
                "{what}: over the {cap} bytes a test file may have"
            )));
        }
    }
    let test = NewTest {
        kind,
        group_path: request.group,
        name: request.name,
        input: Bytes::from(request.input),
        answer: Bytes::from(request.answer),
    };
    let test_count = editing::upsert_tests(&state.db, &state.store, problem.id, vec![test])
        .await
        .map_err(edit_error)?;
    Ok(Json(TestCount { test_count }))
}

fn test_kind(kind: &str) -> Result<&'static str, AppError> {
    match kind {
        "sample" => Ok("sample"),
        "secret" => Ok("secret"),
        other => Err(AppError::Unprocessable(format!(
            "kind must be sample or secret, not {other:?}"
        ))),
    }
}

/// Add or replace many test cases from a zip of `sample/…` and `secret/[group/]…` files (a
/// leading `data/` is fine), each `.in` with its `.ans`.
#[utoipa::path(post, path = "/api/v1/problems/{slug}/tests/zip", tag = "problems", security(("bearer" = []), ("session" = [])),
    params(("slug" = String, Path)), request_body(content = Vec<u8>, content_type = "application/zip"),
    responses((status = 200, body = TestCount), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn upload_tests_zip(
    State(state): State<AppState>,
    _admin: Admin,
    Path(slug): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<TestCount>, AppError> {
    require_zip(&headers)?;
    let problem = find_problem(&state, &slug).await?;
    let limits = state.problem_limits.as_ref().clone();
    let tests = tokio::task::spawn_blocking(move || import::tests_from_zip(&body, &limits))
        .await
        .map_err(anyhow::Error::from)?
        .map_err(import_error)?;
    let test_count = editing::upsert_tests(&state.db, &state.store, problem.id, tests)
        .await
        .map_err(edit_error)?;
    Ok(Json(TestCount { test_count }))
}

/// Delete one test case.
#[utoipa::path(delete, path = "/api/v1/problems/{slug}/tests/{id}", tag = "problems", security(("bearer" = []), ("session" = [])),
    params(("slug" = String, Path), ("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
async fn delete_test(
    State(state): State<AppState>,
    _admin: Admin,
    Path((slug, id)): Path<(String, Uuid)>,
) -> Result<StatusCode, AppError> {
    let problem = find_problem(&state, &slug).await?;
    if editing::delete_test(&state.db, &state.store, problem.id, id)
        .await
        .map_err(edit_error)?
    {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AppError::NotFound(format!("{slug} has no test case {id}")))
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct Reorder {
    /// Every test case id of the problem once, in the wanted order (samples stay first).
    pub ids: Vec<Uuid>,
}

/// Reorder the test cases.
#[utoipa::path(put, path = "/api/v1/problems/{slug}/tests/order", tag = "problems", security(("bearer" = []), ("session" = [])),
    params(("slug" = String, Path)), request_body = Reorder,
    responses((status = 200, body = Vec<TestCaseRecord>), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn reorder_tests(
    State(state): State<AppState>,
    _admin: Admin,
    Path(slug): Path<String>,
    Json(request): Json<Reorder>,
) -> Result<Json<Vec<TestCaseRecord>>, AppError> {
    let problem = find_problem(&state, &slug).await?;
    editing::reorder_tests(&state.db, problem.id, request.ids)
        .await
        .map_err(edit_error)?;
    Ok(Json(
        records::test_cases(&state.db, problem.id)
            .await
            .map_err(anyhow::Error::from)?,
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SetValidator {
    /// Source files by name, e.g. `{"validator.cpp": "…"}`; a file `testlib.h` or the
    /// `testlib-protocol` marker selects the testlib convention, as in packages.
    pub files: std::collections::BTreeMap<String, String>,
}

/// Make the given sources the problem's custom output validator (Kattis or testlib protocol).
#[utoipa::path(put, path = "/api/v1/problems/{slug}/validator", tag = "problems", security(("bearer" = []), ("session" = [])),
    params(("slug" = String, Path)), request_body = SetValidator,
    responses((status = 200, body = Problem), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn set_validator(
    State(state): State<AppState>,
    _admin: Admin,
    Path(slug): Path<String>,
    Json(request): Json<SetValidator>,
) -> Result<Json<Problem>, AppError> {
    let problem = find_problem(&state, &slug).await?;
    let cap = state.problem_limits.max_test_file_bytes;
    if let Some((name, _)) = request.files.iter().find(|(_, text)| text.len() as u64 > cap) {
        return Err(AppError::PayloadTooLarge(format!(
            "{name}: over the {cap} bytes a file may have"
        )));
    }
    let files = request
        .files
        .into_iter()
        .map(|(name, text)| (name, Bytes::from(text)))
        .collect();
    editing::set_validator(&state.db, &state.store, problem.id, files)
        .await
        .map_err(edit_error)?;
    Ok(Json(find_problem(&state, &slug).await?))
}

/// Go back to the default output validator.
#[utoipa::path(delete, path = "/api/v1/problems/{slug}/validator", tag = "problems", security(("bearer" = []), ("session" = [])),
    params(("slug" = String, Path)),
    responses((status = 200, body = Problem), (status = 404, body = ErrorBody)))]
async fn remove_validator(
    State(state): State<AppState>,
    _admin: Admin,
    Path(slug): Path<String>,
) -> Result<Json<Problem>, AppError> {
    let problem = find_problem(&state, &slug).await?;
    editing::remove_validator(&state.db, &state.store, problem.id)
        .await
        .map_err(edit_error)?;
    Ok(Json(find_problem(&state, &slug).await?))
}
