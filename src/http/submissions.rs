//! `/api/v1/submissions`, `/api/v1/runs` and `/api/v1/leaderboard`: submitting, watching
//! verdicts arrive (WebSocket or polling), history, rejudges, the playground and the ranking.
//!
//! Visibility: everyone sees a submission's verdict, time and memory; its author and admins
//! also see the source, the compiler output and every test's result, and for sample tests the
//! input, expected answer, the program's output and the diff. Secret tests show only verdict,
//! time and memory, to anyone but admins.

use std::time::Duration;

use futures::SinkExt;

use axum::{
    extract::{
        ws::{Message, WebSocket, WebSocketUpgrade},
        Path, Query, State,
    },
    http::StatusCode,
    response::Response,
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::{
    error::{AppError, ErrorBody, Json},
    extract::{rate_limit, Admin, CurrentUser, MaybeUser},
    problems::shown,
    AppState,
};
use crate::{
    accounts::users::Role,
    judge::languages::Languages,
    problems::records as problems,
    submissions::{
        leaderboard::{self, Leaderboard},
        playground::{self, Run},
        records::{self, Filter, JudgingSummary, SubmissionRow},
    },
};

/// Routes anyone may call.
pub fn public_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_submissions))
        .routes(routes!(get_submission))
        .routes(routes!(watch_submission))
        .routes(routes!(get_leaderboard))
}

/// Routes for signed-in callers.
pub fn signed_in_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(submit))
        .routes(routes!(watch_mine))
        .routes(routes!(start_run))
        .routes(routes!(get_run))
}

/// Routes for admins.
pub fn admin_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(rejudge_submission))
        .routes(routes!(rejudge_problem))
        .routes(routes!(judge_status))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct JudgeStatus {
    /// Judgings queued or being judged.
    pub queue_depth: i64,
    /// Workers seen in the last minute.
    pub workers: Vec<crate::submissions::queue::WorkerStatus>,
    /// The 20 newest submissions.
    pub recent: Vec<SubmissionView>,
}

/// The judge at a glance: queue depth, live workers, recent verdicts.
#[utoipa::path(get, path = "/api/v1/status", tag = "submissions", security(("bearer" = []), ("session" = [])),
    responses((status = 200, body = JudgeStatus), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn judge_status(
    State(state): State<AppState>,
    Admin(admin): Admin,
) -> Result<Json<JudgeStatus>, AppError> {
    use crate::submissions::queue;
    let queue_depth = queue::depth(&state.db).await.map_err(anyhow::Error::from)?;
    let workers = queue::workers(&state.db).await.map_err(anyhow::Error::from)?;
    let filter = Filter {
        limit: 20,
        ..Filter::default()
    };
    let rows = records::list(&state.db, &filter)
        .await
        .map_err(anyhow::Error::from)?;
    let mut recent = Vec::with_capacity(rows.len());
    for row in rows {
        recent.push(view(&state, row, Some(&admin), false).await?);
    }
    Ok(Json(JudgeStatus {
        queue_depth,
        workers,
        recent,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SubmitRequest {
    /// The problem's slug.
    pub problem: String,
    /// A language id of the judge, e.g. `cpp`, `python3` (`coderank languages`).
    pub language: String,
    pub source: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Submitted {
    pub id: Uuid,
    /// Always `queued`.
    pub status: &'static str,
}

/// The source's language and size, checked before anything is stored.
fn check_source(state: &AppState, language: &str, source: &str) -> Result<(), AppError> {
    let table = Languages::builtin().map_err(anyhow::Error::from)?;
    if let Err(err) = table.get(language) {
        return Err(AppError::Unprocessable(err.to_string()));
    }
    let cap = state.submission_limits.max_source_bytes;
    if source.trim().is_empty() {
        return Err(AppError::Unprocessable("source is empty".to_owned()));
    }
    if source.len() > cap {
        return Err(AppError::PayloadTooLarge(format!(
            "source is {} bytes; at most {cap} are accepted",
            source.len()
        )));
    }
    Ok(())
}

/// Submit a solution; it is queued for judging at once.
#[utoipa::path(post, path = "/api/v1/submissions", tag = "submissions", security(("bearer" = []), ("session" = [])),
    request_body = SubmitRequest,
    responses(
        (status = 202, body = Submitted),
        (status = 404, body = ErrorBody, description = "No such published problem"),
        (status = 413, body = ErrorBody, description = "Source over the size cap"),
        (status = 422, body = ErrorBody, description = "Unknown language or empty source"),
        (status = 429, body = ErrorBody, description = "Too many submissions"),
    ))]
async fn submit(
    State(state): State<AppState>,
    current: CurrentUser,
    Json(request): Json<SubmitRequest>,
) -> Result<(StatusCode, Json<Submitted>), AppError> {
    check_source(&state, &request.language, &request.source)?;
    let problem = problems::find(&state.db, &request.problem)
        .await
        .map_err(anyhow::Error::from)?
        .filter(|problem| {
            current.user.role == Role::Admin || (problem.published && problem.archived_at.is_none())
        })
        .ok_or_else(|| AppError::NotFound(format!("no published problem {:?}", request.problem)))?;
    let user_id = current.user.id;
    rate_limit(
        &state,
        &format!("submit:user:{user_id}"),
        state.accounts.config.rate_submit,
        "submissions",
    )
    .await?;
    let priority = sqlx::query_scalar!("SELECT priority FROM users WHERE id = $1", user_id)
        .fetch_one(&state.db)
        .await
        .map_err(anyhow::Error::from)?;
    let id = records::create(
        &state.db,
        user_id,
        priority,
        problem.id,
        &request.language,
        &request.source,
    )
    .await
    .map_err(anyhow::Error::from)?;
    Ok((StatusCode::ACCEPTED, Json(Submitted { id, status: "queued" })))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserRef {
    pub id: Uuid,
    pub display_name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TestResult {
    /// 1-based position in judging order.
    pub index: usize,
    pub verdict: String,
    /// Sample tests (and, for admins, all): CPU time and memory. A secret test's measurements
    /// are never shown to its author, as DOMjudge and Kattis do not: a program could encode a
    /// secret input in them while staying accepted. (The submission's own time and memory,
    /// the largest over its tests, are shown as those judges show them.)
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_ms: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory_kb: Option<u64>,
    /// Sample tests (and, for admins, all): the test's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sample: Option<SampleDetail>,
}

/// What the author sees of a sample test.
#[derive(Debug, Serialize, ToSchema)]
pub struct SampleDetail {
    pub input: String,
    pub expected: String,
    /// The program's output (first 64 KiB).
    pub output: Option<String>,
    /// A line diff of expected and actual output, for a wrong answer.
    pub diff: Option<String>,
    pub exit_code: Option<i32>,
    pub stderr: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SubmissionView {
    pub id: Uuid,
    /// The problem's slug.
    pub problem: String,
    pub problem_title: String,
    pub language: String,
    pub user: UserRef,
    /// `queued`, `compiling`, `running` or `finished`.
    pub status: String,
    /// Null until finished.
    pub verdict: Option<String>,
    pub time_ms: Option<i32>,
    pub memory_kb: Option<i32>,
    /// Tests judged so far, and how many there are (once known).
    pub tests_done: i32,
    pub tests_total: Option<i32>,
    pub created_at: DateTime<Utc>,
    /// Author and admins only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Author and admins only: the compiler's output.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compile_output: Option<String>,
    /// Author and admins only.
    pub tests: Vec<TestResult>,
    /// Every judging (the first and each rejudge), author and admins only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub judgings: Option<Vec<JudgingSummary>>,
    /// Admins only: why the judge failed (IE).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Builds what `viewer` may see of a submission; `detailed` adds tests and judgings.
async fn view(
    state: &AppState,
    row: SubmissionRow,
    viewer: Option<&CurrentUser>,
    detailed: bool,
) -> Result<SubmissionView, AppError> {
    let admin = viewer.is_some_and(|current| current.user.role == Role::Admin);
    let author = viewer.is_some_and(|current| current.user.id == row.user_id);
    let privileged = admin || author;
    let mut tests = Vec::new();
    let mut judgings = None;
    if privileged && detailed {
        let cases = problems::test_cases(&state.db, row.problem_id)
            .await
            .map_err(anyhow::Error::from)?;
        let reports: Vec<serde_json::Value> = row.tests.as_array().cloned().unwrap_or_default();
        for (index, report) in reports.iter().enumerate() {
            let text = |key: &str| report.get(key).and_then(|v| v.as_str()).map(str::to_owned);
            let number = |key: &str| report.get(key).and_then(serde_json::Value::as_u64).unwrap_or(0);
            let name = text("name").unwrap_or_default();
            let is_sample = report.get("sample").and_then(serde_json::Value::as_bool) == Some(true);
            let sample = match cases.iter().find(|case| is_sample && case.package_name() == name) {
                Some(case) => Some(SampleDetail {
                    input: shown(state, &case.input_sha256).await?.0,
                    expected: shown(state, &case.answer_sha256).await?.0,
                    output: text("output"),
                    diff: text("diff"),
                    exit_code: report
                        .get("exit_code")
                        .and_then(serde_json::Value::as_i64)
                        .map(|c| c as i32),
                    stderr: text("stderr").unwrap_or_default(),
                }),
                None => None,
            };
            let measured = is_sample || admin;
            tests.push(TestResult {
                index: index + 1,
                verdict: text("verdict").unwrap_or_default(),
                time_ms: measured.then(|| number("time_ms")),
                memory_kb: measured.then(|| number("memory_kb")),
                name: (is_sample || admin).then_some(name),
                sample,
            });
        }
        judgings = Some(
            records::judgings(&state.db, row.id)
                .await
                .map_err(anyhow::Error::from)?,
        );
    }
    let compile_output = row
        .compile
        .as_ref()
        .and_then(|compile| compile.get("output"))
        .and_then(|output| output.as_str())
        .map(str::to_owned);
    Ok(SubmissionView {
        id: row.id,
        problem: row.problem_slug,
        problem_title: row.problem_title,
        language: row.language,
        user: UserRef {
            id: row.user_id,
            display_name: row.user_name,
        },
        status: row.status,
        verdict: row.verdict,
        time_ms: row.time_ms,
        memory_kb: row.memory_kb,
        tests_done: row.tests_done,
        tests_total: row.tests_total,
        created_at: row.created_at,
        source: (privileged && detailed).then_some(row.source),
        compile_output: if privileged && detailed {
            compile_output
        } else {
            None
        },
        tests,
        judgings,
        error: if admin { row.error } else { None },
    })
}

async fn find_submission(state: &AppState, id: Uuid) -> Result<SubmissionRow, AppError> {
    records::find(&state.db, id)
        .await
        .map_err(anyhow::Error::from)?
        .ok_or_else(|| AppError::NotFound(format!("no submission {id}")))
}

/// One submission; poll it, or watch it at `/api/v1/submissions/{id}/ws`.
#[utoipa::path(get, path = "/api/v1/submissions/{id}", tag = "submissions", params(("id" = Uuid, Path)),
    responses((status = 200, body = SubmissionView), (status = 404, body = ErrorBody)))]
async fn get_submission(
    State(state): State<AppState>,
    MaybeUser(viewer): MaybeUser,
    Path(id): Path<Uuid>,
) -> Result<Json<SubmissionView>, AppError> {
    let row = find_submission(&state, id).await?;
    Ok(Json(view(&state, row, viewer.as_ref(), true).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct HistoryQuery {
    /// A user's id.
    pub user: Option<Uuid>,
    /// A problem's slug.
    pub problem: Option<String>,
    /// e.g. `AC`.
    pub verdict: Option<String>,
    pub language: Option<String>,
    /// The `next` of the previous page.
    pub before: Option<Uuid>,
    /// 1 to 100 (default 50).
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SubmissionPage {
    pub items: Vec<SubmissionView>,
    /// Pass as `before` for the next page; absent on the last.
    pub next: Option<Uuid>,
}

/// Submissions, newest first, filtered; verdicts for everyone, sources never in a listing.
#[utoipa::path(get, path = "/api/v1/submissions", tag = "submissions", params(HistoryQuery),
    responses((status = 200, body = SubmissionPage), (status = 422, body = ErrorBody)))]
async fn list_submissions(
    State(state): State<AppState>,
    MaybeUser(viewer): MaybeUser,
    Query(query): Query<HistoryQuery>,
) -> Result<Json<SubmissionPage>, AppError> {
    let limit = query.limit.unwrap_or(50);
    if !(1..=100).contains(&limit) {
        return Err(AppError::Unprocessable("limit must be 1 to 100".to_owned()));
    }
    if let Some(verdict) = &query.verdict {
        if !["AC", "WA", "TLE", "MLE", "RE", "CE", "OLE", "IE"].contains(&verdict.as_str()) {
            return Err(AppError::Unprocessable(format!("unknown verdict {verdict:?}")));
        }
    }
    let filter = Filter {
        user_id: query.user,
        problem_slug: query.problem,
        verdict: query.verdict,
        language: query.language,
        before: query.before,
        limit: limit + 1,
    };
    let mut rows = records::list(&state.db, &filter)
        .await
        .map_err(anyhow::Error::from)?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next = more.then(|| rows.last().map(|row| row.id)).flatten();
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        items.push(view(&state, row, viewer.as_ref(), false).await?);
    }
    Ok(Json(SubmissionPage { items, next }))
}

/// Watch one submission over a WebSocket: its current state at once, then a message at every
/// change (status, tests judged, verdict); the server closes after the final verdict.
#[utoipa::path(get, path = "/api/v1/submissions/{id}/ws", tag = "submissions", params(("id" = Uuid, Path)),
    responses((status = 101, description = "Switching to the WebSocket protocol; messages are SubmissionView JSON"),
        (status = 404, body = ErrorBody)))]
async fn watch_submission(
    State(state): State<AppState>,
    MaybeUser(viewer): MaybeUser,
    Path(id): Path<Uuid>,
    upgrade: WebSocketUpgrade,
) -> Result<Response, AppError> {
    find_submission(&state, id).await?;
    Ok(upgrade.on_upgrade(move |socket| watch(state, socket, viewer, Watch::One(id))))
}

/// Watch all of the caller's own submissions over a WebSocket: a message at every change.
#[utoipa::path(get, path = "/api/v1/submissions/ws", tag = "submissions", security(("bearer" = []), ("session" = [])),
    responses((status = 101, description = "Switching to the WebSocket protocol; messages are SubmissionView JSON"),
        (status = 401, body = ErrorBody)))]
async fn watch_mine(
    State(state): State<AppState>,
    current: CurrentUser,
    upgrade: WebSocketUpgrade,
) -> Response {
    let user_id = current.user.id;
    upgrade.on_upgrade(move |socket| watch(state, socket, Some(current), Watch::User(user_id)))
}

enum Watch {
    One(Uuid),
    User(Uuid),
}

async fn watch(state: AppState, mut socket: WebSocket, viewer: Option<CurrentUser>, what: Watch) {
    // Subscribe before the first read, so no change between the two is missed.
    let mut changes = state.events.subscribe();
    if let Watch::One(id) = what {
        if send_state(&state, &mut socket, viewer.as_ref(), id).await != Some(false) {
            let _ = socket.close().await;
            return;
        }
    }
    loop {
        tokio::select! {
            change = changes.recv() => {
                let id = match (&what, change) {
                    (Watch::One(id), Ok(change)) if change.submission_id == *id => *id,
                    (Watch::User(user), Ok(change)) if change.user_id == *user => change.submission_id,
                    // Missed some changes: a fresh read catches up.
                    (Watch::One(id), Err(tokio::sync::broadcast::error::RecvError::Lagged(_))) => *id,
                    (_, Err(tokio::sync::broadcast::error::RecvError::Closed)) => return,
                    _ => continue,
                };
                match send_state(&state, &mut socket, viewer.as_ref(), id).await {
                    Some(true) if matches!(what, Watch::One(_)) => {
                        let _ = socket.close().await;
                        return;
                    }
                    None => return,
                    _ => {}
                }
            }
            incoming = socket.recv() => {
                if !matches!(incoming, Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Text(_) | Message::Binary(_)))) {
                    return;
                }
            }
            () = tokio::time::sleep(Duration::from_secs(30)) => {
                if socket.send(Message::Ping(Vec::new().into())).await.is_err() {
                    return;
                }
            }
        }
    }
}

/// Sends a submission's state; answers whether it is final, or `None` when the socket is gone.
async fn send_state(
    state: &AppState,
    socket: &mut WebSocket,
    viewer: Option<&CurrentUser>,
    id: Uuid,
) -> Option<bool> {
    let row = records::find(&state.db, id).await.ok()??;
    let finished = row.status == "finished";
    let view = view(state, row, viewer, true).await.ok()?;
    let text = serde_json::to_string(&view).ok()?;
    socket.send(Message::Text(text.into())).await.ok()?;
    Some(finished)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Rejudged {
    /// Submissions queued again.
    pub queued: usize,
}

/// Judge a submission again (at lower priority than fresh submissions); the earlier judging
/// stays in its history.
#[utoipa::path(post, path = "/api/v1/submissions/{id}/rejudge", tag = "submissions", security(("bearer" = []), ("session" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 202, body = Rejudged), (status = 404, body = ErrorBody)))]
async fn rejudge_submission(
    State(state): State<AppState>,
    _admin: Admin,
    Path(id): Path<Uuid>,
) -> Result<(StatusCode, Json<Rejudged>), AppError> {
    find_submission(&state, id).await?;
    let mut transaction = state.db.begin().await.map_err(anyhow::Error::from)?;
    records::rejudge(&mut transaction, id)
        .await
        .map_err(anyhow::Error::from)?;
    transaction.commit().await.map_err(anyhow::Error::from)?;
    Ok((StatusCode::ACCEPTED, Json(Rejudged { queued: 1 })))
}

/// Judge every submission of a problem again, e.g. after its test data changed.
#[utoipa::path(post, path = "/api/v1/problems/{slug}/rejudge", tag = "submissions", security(("bearer" = []), ("session" = [])),
    params(("slug" = String, Path)),
    responses((status = 202, body = Rejudged), (status = 404, body = ErrorBody)))]
async fn rejudge_problem(
    State(state): State<AppState>,
    _admin: Admin,
    Path(slug): Path<String>,
) -> Result<(StatusCode, Json<Rejudged>), AppError> {
    let problem = problems::find(&state.db, &slug)
        .await
        .map_err(anyhow::Error::from)?
        .ok_or_else(|| AppError::NotFound(format!("no problem {slug:?}")))?;
    let mut transaction = state.db.begin().await.map_err(anyhow::Error::from)?;
    let ids = sqlx::query_scalar!(
        "SELECT id FROM submissions WHERE problem_id = $1 ORDER BY created_at",
        problem.id
    )
    .fetch_all(&mut *transaction)
    .await
    .map_err(anyhow::Error::from)?;
    for id in &ids {
        records::rejudge(&mut transaction, *id)
            .await
            .map_err(anyhow::Error::from)?;
    }
    transaction.commit().await.map_err(anyhow::Error::from)?;
    Ok((StatusCode::ACCEPTED, Json(Rejudged { queued: ids.len() })))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct LeaderboardQuery {
    /// 1 to 500 (default 100).
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// Users ranked by distinct problems solved, ties broken by who reached the count first; with
/// attempts per problem and per-problem statistics.
#[utoipa::path(get, path = "/api/v1/leaderboard", tag = "submissions", params(LeaderboardQuery),
    responses((status = 200, body = Leaderboard), (status = 422, body = ErrorBody)))]
async fn get_leaderboard(
    State(state): State<AppState>,
    Query(query): Query<LeaderboardQuery>,
) -> Result<Json<Leaderboard>, AppError> {
    let limit = query.limit.unwrap_or(100);
    let offset = query.offset.unwrap_or(0);
    if !(1..=500).contains(&limit) || offset < 0 {
        return Err(AppError::Unprocessable(
            "limit must be 1 to 500 and offset at least 0".to_owned(),
        ));
    }
    Ok(Json(
        leaderboard::read(&state.db, limit, offset)
            .await
            .map_err(anyhow::Error::from)?,
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RunRequest {
    pub language: String,
    pub source: String,
    #[serde(default)]
    pub stdin: String,
}

/// Run a program once on an input (2 s, 256 MiB), on the judge workers. Answers the result when
/// it is done within a few seconds (200), else the run to poll at `/api/v1/runs/{id}` (202).
#[utoipa::path(post, path = "/api/v1/runs", tag = "submissions", security(("bearer" = []), ("session" = [])),
    request_body = RunRequest,
    responses((status = 200, body = Run), (status = 202, body = Run), (status = 413, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn start_run(
    State(state): State<AppState>,
    current: CurrentUser,
    Json(request): Json<RunRequest>,
) -> Result<(StatusCode, Json<Run>), AppError> {
    check_source(&state, &request.language, &request.source)?;
    if request.stdin.len() > state.submission_limits.max_source_bytes * 16 {
        return Err(AppError::PayloadTooLarge("stdin is too large".to_owned()));
    }
    let user_id = current.user.id;
    rate_limit(
        &state,
        &format!("run:user:{user_id}"),
        state.accounts.config.rate_submit,
        "playground runs",
    )
    .await?;
    let id = playground::submit(
        &state.db,
        user_id,
        &request.language,
        &request.source,
        &request.stdin,
    )
    .await
    .map_err(anyhow::Error::from)?;
    // Judged by a worker; the result comes back through LISTEN, or the caller polls.
    let run = playground::wait(&state.db, &state.events, user_id, id, Duration::from_secs(5))
        .await
        .map_err(anyhow::Error::from)?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("a run vanished")))?;
    let status = if run.status == "finished" {
        StatusCode::OK
    } else {
        StatusCode::ACCEPTED
    };
    Ok((status, Json(run)))
}

/// One of the caller's playground runs.
#[utoipa::path(get, path = "/api/v1/runs/{id}", tag = "submissions", security(("bearer" = []), ("session" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Run), (status = 404, body = ErrorBody)))]
async fn get_run(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Json<Run>, AppError> {
    playground::find(&state.db, current.user.id, id)
        .await
        .map_err(anyhow::Error::from)?
        .map(Json)
        .ok_or_else(|| AppError::NotFound(format!("you have no run {id}")))
}
