//! The problem list (search, tag, difficulty, solved marks) and the problem page (statement,
//! limits, samples, the submit form with its editor, and the custom-input runner).

use std::collections::HashMap;

use askama::Template;
use axum::{
    extract::{Path, Query, State},
    response::Html,
    routing::get,
    Router,
};
use serde::Deserialize;

use super::{markdown, render, Nav, PageError, Viewer};
use crate::{
    accounts::users::Role,
    app::AppState,
    judge::languages::Languages,
    problems::{
        records,
        view::{self, Audience},
    },
    submissions::leaderboard,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(list))
        .route("/problems", get(list))
        .route("/problems/{slug}", get(problem))
}

const PER_PAGE: i64 = 50;

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    pub q: Option<String>,
    pub tag: Option<String>,
    /// `easy` (< 1200), `medium` (1200 to 1999) or `hard` (2000 and up).
    pub difficulty: Option<String>,
    pub page: Option<i64>,
}

struct Row {
    slug: String,
    title: String,
    tags: Vec<String>,
    difficulty: String,
    /// `solved`, `tried` or empty.
    mark: &'static str,
    published: bool,
}

#[derive(Template)]
#[template(path = "problems.html")]
struct ListPage {
    nav: Nav,
    q: String,
    tag: String,
    difficulty: String,
    rows: Vec<Row>,
    page: i64,
    prev: Option<String>,
    next: Option<String>,
}

fn band(difficulty: Option<i32>) -> &'static str {
    match difficulty {
        None => "",
        Some(value) if value < 1200 => "easy",
        Some(value) if value < 2000 => "medium",
        Some(_) => "hard",
    }
}

async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<ListQuery>,
) -> Result<Html<String>, PageError> {
    let admin = viewer.nav.is_admin();
    let search = query.q.as_deref().map(str::trim).filter(|text| !text.is_empty());
    let tag = query
        .tag
        .as_deref()
        .map(str::trim)
        .filter(|text| !text.is_empty());
    let difficulty = query.difficulty.clone().unwrap_or_default();
    let page = query.page.unwrap_or(1).max(1);
    let listing = records::list(&state.db, admin, search, tag, PER_PAGE, (page - 1) * PER_PAGE).await?;
    let marks: HashMap<String, bool> = match &viewer.current {
        Some(current) => leaderboard::attempted(&state.db, current.user.id, admin)
            .await?
            .into_iter()
            .map(|attempt| (attempt.slug, attempt.solved))
            .collect(),
        None => HashMap::new(),
    };
    let rows = listing
        .problems
        .into_iter()
        .filter(|problem| difficulty.is_empty() || band(problem.difficulty) == difficulty)
        .map(|problem| Row {
            mark: match marks.get(&problem.slug) {
                Some(true) => "solved",
                Some(false) => "tried",
                None => "",
            },
            difficulty: problem.difficulty.map(|d| d.to_string()).unwrap_or_default(),
            published: problem.published,
            slug: problem.slug,
            title: problem.title,
            tags: problem.tags,
        })
        .collect();
    let link = |page: i64| {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (key, value) in [
            ("q", search),
            ("tag", tag),
            ("difficulty", Some(difficulty.as_str())),
        ] {
            if let Some(value) = value.filter(|value| !value.is_empty()) {
                query.append_pair(key, value);
            }
        }
        query.append_pair("page", &page.to_string());
        format!("/problems?{}", query.finish())
    };
    render(&ListPage {
        prev: (page > 1).then(|| link(page - 1)),
        next: (page * PER_PAGE < listing.total).then(|| link(page + 1)),
        nav: viewer.nav,
        q: search.unwrap_or_default().to_owned(),
        tag: tag.unwrap_or_default().to_owned(),
        difficulty,
        rows,
        page,
    })
}

/// A language in the picker, with the CodeMirror mode that highlights it.
pub struct LanguageOption {
    pub id: String,
    pub name: String,
    pub mode: &'static str,
}

/// The judge's languages, for the submit form and the playground.
pub fn languages() -> Result<Vec<LanguageOption>, PageError> {
    let table = Languages::table();
    Ok(table
        .iter()
        .map(|language| {
            let id = language.id.as_str();
            let mode = match id {
                "c" => "text/x-csrc",
                "cpp" => "text/x-c++src",
                "java" => "text/x-java",
                "kotlin" => "text/x-kotlin",
                "csharp" => "text/x-csharp",
                "rust" => "rust",
                "go" => "go",
                "javascript" | "node" => "javascript",
                _ if id.starts_with("py") => "python",
                _ => "text/plain",
            };
            LanguageOption {
                id: id.to_owned(),
                name: language.name.clone(),
                mode,
            }
        })
        .collect())
}

struct SampleView {
    number: usize,
    input: String,
    answer: String,
    truncated: bool,
    interaction: Option<String>,
}

#[derive(Template)]
#[template(path = "problem.html")]
struct ProblemPage {
    nav: Nav,
    slug: String,
    title: String,
    /// Safe HTML from [`markdown::to_html`].
    statement: String,
    /// A LaTeX statement is shown as its source (escaped by the template), KaTeX-free.
    preformatted: bool,
    source: String,
    time_limit: String,
    memory_mb: i32,
    tags: Vec<String>,
    difficulty: String,
    published: bool,
    samples: Vec<SampleView>,
    test_count: usize,
    languages: Vec<LanguageOption>,
}

async fn problem(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(slug): Path<String>,
) -> Result<Html<String>, PageError> {
    let admin = viewer
        .current
        .as_ref()
        .is_some_and(|current| current.user.role == Role::Admin);
    let found = view::detail(&state.db, &state.cache, Audience { admin }, &slug).await?;
    let problem = found.problem;
    let preformatted = problem.statement_format != "markdown";
    render(&ProblemPage {
        nav: viewer.nav,
        statement: if preformatted {
            String::new()
        } else {
            markdown::to_html(&problem.statement)
        },
        preformatted,
        source: if preformatted {
            problem.statement.clone()
        } else {
            String::new()
        },
        time_limit: seconds(problem.time_limit_ms),
        memory_mb: problem.memory_mb,
        difficulty: problem.difficulty.map(|d| d.to_string()).unwrap_or_default(),
        published: problem.published,
        samples: found
            .samples
            .into_iter()
            .enumerate()
            .map(|(index, sample)| SampleView {
                number: index + 1,
                input: sample.input,
                answer: sample.answer,
                truncated: sample.truncated,
                interaction: sample.interaction,
            })
            .collect(),
        test_count: found.test_count,
        languages: languages()?,
        slug: problem.slug,
        title: problem.title,
        tags: problem.tags,
    })
}

/// `1500` → `1.5 s`.
pub fn seconds(ms: i32) -> String {
    if ms % 1000 == 0 {
        format!("{} s", ms / 1000)
    } else {
        format!("{:.1} s", f64::from(ms) / 1000.0)
    }
}
