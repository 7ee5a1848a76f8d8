//! Admin pages: problems (import, edit with preview, tests, export, publish, rejudge), users
//! and roles, and the judge's status. Every route runs the API's `Admin` extractor through
//! [`PageAdmin`]; the forms call the admin API.

use askama::Template;
use axum::{
    extract::{Path, State},
    response::Html,
    routing::{get, post},
    Router,
};

use super::{markdown, problems::time_limit, render, submissions::Line, Nav, PageAdmin, PageError, SignedIn};
use crate::{
    app::{error::AppError, AppState},
    problems::records,
    submissions::{queue, view::Viewer as Reader},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin", get(problems))
        .route("/admin/problems/{slug}", get(editor))
        .route("/admin/preview", post(preview))
        .route("/admin/users", get(users))
        .route("/admin/status", get(status))
}

struct ProblemLine {
    slug: String,
    title: String,
    published: bool,
    archived: bool,
    limits: String,
}

#[derive(Template)]
#[template(path = "admin/problems.html")]
struct ProblemsPage {
    nav: Nav,
    problems: Vec<ProblemLine>,
}

async fn problems(
    State(state): State<AppState>,
    PageAdmin(SignedIn { nav, .. }): PageAdmin,
) -> Result<Html<String>, PageError> {
    let listing = records::list(&state.db, true, None, None, 500, 0).await?;
    render(&ProblemsPage {
        nav,
        problems: listing
            .problems
            .into_iter()
            .map(|problem| ProblemLine {
                limits: format!("{}, {} MiB", time_limit(&problem), problem.memory_mb),
                published: problem.published,
                archived: problem.archived_at.is_some(),
                slug: problem.slug,
                title: problem.title,
            })
            .collect(),
    })
}

struct TestLine {
    name: String,
    input_size: i64,
    answer_size: i64,
}

#[derive(Template)]
#[template(path = "admin/editor.html")]
struct EditorPage {
    nav: Nav,
    slug: String,
    title: String,
    statement: String,
    preview: String,
    /// Empty while the limit is not known.
    time_limit_ms: String,
    /// How it was found, or why it is not known.
    time_limit_source: String,
    memory_mb: i32,
    output_mb: i32,
    checker: String,
    validator_flags: String,
    tags: String,
    difficulty: String,
    published: bool,
    tests: Vec<TestLine>,
}

async fn editor(
    State(state): State<AppState>,
    PageAdmin(SignedIn { nav, .. }): PageAdmin,
    Path(slug): Path<String>,
) -> Result<Html<String>, PageError> {
    let problem = records::find(&state.db, &slug)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no problem {slug:?}")))?;
    let tests = records::test_cases(&state.db, problem.id).await?;
    render(&EditorPage {
        nav,
        preview: markdown::to_html(&problem.statement, Some(&format!("/problems/{slug}/statement"))),
        time_limit_ms: problem.time_limit_ms.map(|ms| ms.to_string()).unwrap_or_default(),
        time_limit_source: time_limit(&problem),
        memory_mb: problem.memory_mb,
        output_mb: problem.output_mb,
        checker: problem.checker.as_str().to_owned(),
        validator_flags: problem.validator_flags,
        tags: problem.tags.join(" "),
        difficulty: problem.difficulty.map(|d| d.to_string()).unwrap_or_default(),
        published: problem.published,
        tests: tests
            .iter()
            .map(|test| TestLine {
                name: test.package_name(),
                input_size: test.input_size,
                answer_size: test.answer_size,
            })
            .collect(),
        slug: problem.slug,
        title: problem.title,
        statement: problem.statement,
    })
}

/// The statement editor's preview: Markdown in, the HTML the problem page would show out.
async fn preview(_admin: PageAdmin, body: String) -> Html<String> {
    Html(markdown::to_html(&body, None))
}

struct UserLine {
    id: String,
    name: String,
    email: String,
    admin: bool,
    disabled: bool,
    priority: i32,
    since: String,
}

#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersPage {
    nav: Nav,
    me: String,
    users: Vec<UserLine>,
}

async fn users(
    State(state): State<AppState>,
    PageAdmin(SignedIn { nav, current }): PageAdmin,
) -> Result<Html<String>, PageError> {
    let users = crate::accounts::users::list(&state.db).await?;
    render(&UsersPage {
        nav,
        me: current.user.id.to_string(),
        users: users
            .into_iter()
            .map(|user| UserLine {
                id: user.id.to_string(),
                name: user.display_name,
                email: user.email.unwrap_or_default(),
                admin: user.role == crate::accounts::users::Role::Admin,
                disabled: user.disabled,
                priority: user.priority,
                since: user.created_at.format("%Y-%m-%d").to_string(),
            })
            .collect(),
    })
}

struct WorkerLine {
    name: String,
    slots: i32,
    judging: i64,
    last_seen: String,
}

#[derive(Template)]
#[template(path = "admin/status.html")]
struct StatusPage {
    nav: Nav,
    depth: i64,
    workers: Vec<WorkerLine>,
    recent: Vec<Line>,
}

async fn status(
    State(state): State<AppState>,
    PageAdmin(SignedIn { nav, .. }): PageAdmin,
) -> Result<Html<String>, PageError> {
    let depth = queue::depth(&state.db).await?;
    let workers = queue::workers(&state.db)
        .await?
        .into_iter()
        .map(|worker| WorkerLine {
            name: worker.name,
            slots: worker.slots,
            judging: worker.judging,
            last_seen: worker.last_seen_at.format("%H:%M:%S UTC").to_string(),
        })
        .collect();
    render(&StatusPage {
        nav,
        depth,
        workers,
        recent: super::submissions::recent(
            &state,
            None,
            30,
            Reader {
                user_id: None,
                admin: true,
            },
        )
        .await?,
    })
}
