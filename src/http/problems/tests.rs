//! Admins' routes for a problem's test data and output validator.

use axum::{
    body::Bytes,
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{find_problem, require_zip};
use crate::{
    app::{
        error::{AppError, ErrorBody, Json},
        extract::Admin,
        AppState,
    },
    problems::{
        editing::{self, NewTest},
        fields::TestKind,
        import,
        records::{self, Problem, TestCaseRecord},
    },
};

/// A problem's test cases in judging order, with sizes and hashes (never contents).
#[utoipa::path(get, path = "/api/v1/problems/{slug}/tests", tag = "problems", security(("bearer" = []), ("session" = [])),
    params(("slug" = String, Path)),
    responses((status = 200, body = Vec<TestCaseRecord>), (status = 404, body = ErrorBody)))]
pub(super) async fn list_tests(
    State(state): State<AppState>,
    _admin: Admin,
    Path(slug): Path<String>,
) -> Result<Json<Vec<TestCaseRecord>>, AppError> {
    let problem = find_problem(&state, &slug).await?;
    Ok(Json(records::test_cases(&state.db, problem.id).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct AddTest {
    /// `sample` (shown to users) or `secret`.
    pub kind: TestKind,
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
pub(super) async fn add_test(
    State(state): State<AppState>,
    _admin: Admin,
    Path(slug): Path<String>,
    Json(request): Json<AddTest>,
) -> Result<Json<TestCount>, AppError> {
    let problem = find_problem(&state, &slug).await?;
    editing::check_test_path("group", &request.group, true)?;
    editing::check_test_path("name", &request.name, false)?;
    let cap = state.problem_limits.max_test_file_bytes;
    for (what, text) in [("input", &request.input), ("answer", &request.answer)] {
        if text.len() as u64 > cap {
            return Err(AppError::PayloadTooLarge(format!(
                "{what}: over the {cap} bytes a test file may have"
            )));
        }
    }
    let test = NewTest {
        kind: request.kind,
        group_path: request.group,
        name: request.name,
        input: Bytes::from(request.input),
        answer: Bytes::from(request.answer),
    };
    let test_count = editing::upsert_tests(&state.db, &state.store, problem.id, vec![test]).await?;
    Ok(Json(TestCount { test_count }))
}

/// Add or replace many test cases from a zip of `sample/…` and `secret/[group/]…` files (a
/// leading `data/` is fine), each `.in` with its `.ans`.
#[utoipa::path(post, path = "/api/v1/problems/{slug}/tests/zip", tag = "problems", security(("bearer" = []), ("session" = [])),
    params(("slug" = String, Path)), request_body(content = super::Zip, content_type = "application/zip"),
    responses((status = 200, body = TestCount), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn upload_tests_zip(
    State(state): State<AppState>,
    _admin: Admin,
    Path(slug): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<TestCount>, AppError> {
    require_zip(&headers)?;
    let problem = find_problem(&state, &slug).await?;
    let limits = state.problem_limits.as_ref().clone();
    let tests = tokio::task::spawn_blocking(move || import::tests_from_zip(&body, &limits)).await??;
    let test_count = editing::upsert_tests(&state.db, &state.store, problem.id, tests).await?;
    Ok(Json(TestCount { test_count }))
}

/// Delete one test case.
#[utoipa::path(delete, path = "/api/v1/problems/{slug}/tests/{id}", tag = "problems", security(("bearer" = []), ("session" = [])),
    params(("slug" = String, Path), ("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub(super) async fn delete_test(
    State(state): State<AppState>,
    _admin: Admin,
    Path((slug, id)): Path<(String, Uuid)>,
) -> Result<StatusCode, AppError> {
    let problem = find_problem(&state, &slug).await?;
    if editing::delete_test(&state.db, &state.store, problem.id, id).await? {
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
pub(super) async fn reorder_tests(
    State(state): State<AppState>,
    _admin: Admin,
    Path(slug): Path<String>,
    Json(request): Json<Reorder>,
) -> Result<Json<Vec<TestCaseRecord>>, AppError> {
    let problem = find_problem(&state, &slug).await?;
    editing::reorder_tests(&state.db, problem.id, request.ids).await?;
    Ok(Json(records::test_cases(&state.db, problem.id).await?))
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
pub(super) async fn set_validator(
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
    editing::set_validator(&state.db, &state.store, problem.id, files).await?;
    Ok(Json(find_problem(&state, &slug).await?))
}

/// Go back to the default output validator.
#[utoipa::path(delete, path = "/api/v1/problems/{slug}/validator", tag = "problems", security(("bearer" = []), ("session" = [])),
    params(("slug" = String, Path)),
    responses((status = 200, body = Problem), (status = 404, body = ErrorBody)))]
pub(super) async fn remove_validator(
    State(state): State<AppState>,
    _admin: Admin,
    Path(slug): Path<String>,
) -> Result<Json<Problem>, AppError> {
    let problem = find_problem(&state, &slug).await?;
    editing::remove_validator(&state.db, &state.store, problem.id).await?;
    Ok(Json(find_problem(&state, &slug).await?))
}
