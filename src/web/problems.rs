//! The problem list (search, tag, difficulty, solved marks) and the problem page (statement,
//! limits, samples, the submit form with its editor, and the custom-input runner).

use std::collections::HashMap;

use askama::Template;
use axum::{
    extract::{Path, Query, State},
    http::{header, HeaderMap},
    response::{Html, Response},
    routing::get,
    Router,
};
use serde::Deserialize;

use super::{markdown, render, Nav, PageError, Viewer};
use crate::{
    accounts::users::Role,
    app::{served, AppState},
    judge::languages::Languages,
    problems::{
        records,
        statements::{self, Folder, LocalizedStatement},
        view::{self, Audience},
    },
    submissions::leaderboard,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(list))
        .route("/problems", get(list))
        .route("/problems/{slug}", get(problem))
        .route("/problems/{slug}/statement/{file}", get(statement_file))
        .route("/problems/{slug}/attachments/{file}", get(attachment))
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

/// A language of the statement, in the switch.
struct LanguageLink {
    code: String,
    title: String,
    current: bool,
}

#[derive(Template)]
#[template(path = "problem.html")]
struct ProblemPage {
    nav: Nav,
    slug: String,
    /// The title in the statement's language.
    title: String,
    /// The shown statement's language code (the page's `lang` for it).
    language: String,
    /// The statement's languages; the switch is shown when there are several.
    statement_languages: Vec<LanguageLink>,
    /// Safe HTML: Markdown by [`markdown::to_html`], LaTeX as pandoc rendered it at import and
    /// sanitized; empty for a PDF statement.
    statement: String,
    /// Where a PDF statement is, when the language has only that.
    pdf_url: String,
    time_limit: String,
    memory_mb: i32,
    tags: Vec<String>,
    difficulty: String,
    published: bool,
    samples: Vec<SampleView>,
    test_count: usize,
    languages: Vec<LanguageOption>,
}

#[derive(Debug, Deserialize)]
pub struct ProblemQuery {
    /// The statement's language, e.g. `sv`.
    pub lang: Option<String>,
}

async fn problem(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(slug): Path<String>,
    Query(query): Query<ProblemQuery>,
    headers: HeaderMap,
) -> Result<Html<String>, PageError> {
    let admin = viewer
        .current
        .as_ref()
        .is_some_and(|current| current.user.role == Role::Admin);
    let found = view::detail(&state.db, &state.cache, Audience { admin }, &slug).await?;
    let problem = found.problem;
    // The page's own URLs for the statement's files (the API's are in `found.statements`).
    let mut localized =
        statements::localized(&state.db, &problem, &format!("/problems/{}", problem.slug)).await?;
    let codes: Vec<&str> = localized.iter().map(|s| s.language.as_str()).collect();
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok());
    let chosen = choose_language(&codes, query.lang.as_deref(), accept);
    let statement_languages = localized
        .iter()
        .enumerate()
        .map(|(index, s)| LanguageLink {
            code: s.language.clone(),
            title: s.title.clone(),
            current: index == chosen,
        })
        .collect();
    let shown: LocalizedStatement = localized.swap_remove(chosen);
    let statement = match (&shown.markdown, &shown.html) {
        (Some(source), _) => markdown::to_html(source, Some(&shown.files_url)),
        (None, Some(html)) => html.clone(),
        (None, None) => String::new(),
    };
    render(&ProblemPage {
        nav: viewer.nav,
        statement,
        pdf_url: shown.pdf_url.unwrap_or_default(),
        language: shown.language,
        title: shown.title,
        statement_languages,
        time_limit: time_limit(&problem),
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
        tags: problem.tags,
    })
}

/// Which of `available` (at least one) to show: the one asked for with `?lang=`, else the
/// browser's most preferred by `Accept-Language` (a tag or its primary language), else English,
/// else the first.
fn choose_language(available: &[&str], requested: Option<&str>, accept_language: Option<&str>) -> usize {
    let find = |code: &str| {
        available
            .iter()
            .position(|known| known.eq_ignore_ascii_case(code))
    };
    if let Some(index) = requested.and_then(find) {
        return index;
    }
    let mut preferences: Vec<(f32, &str)> = accept_language
        .unwrap_or_default()
        .split(',')
        .filter_map(|item| {
            let mut parts = item.split(';');
            let tag = parts.next()?.trim();
            let quality = parts
                .find_map(|param| param.trim().strip_prefix("q="))
                .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())?;
            (!tag.is_empty() && tag != "*" && quality > 0.0).then_some((quality, tag))
        })
        .collect();
    // Stable: equally preferred tags keep the browser's order.
    preferences.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (_, tag) in preferences {
        let primary = tag.split('-').next().unwrap_or(tag);
        if let Some(index) = find(tag).or_else(|| find(primary)) {
            return index;
        }
    }
    find("en").unwrap_or(0)
}

/// An image or PDF of the statement, for whoever may see the problem (see the API's route).
async fn statement_file(
    state: State<AppState>,
    viewer: Viewer,
    Path((slug, file)): Path<(String, String)>,
) -> Result<Response, PageError> {
    served_file(state, viewer, &slug, Folder::Statement, &file).await
}

/// A file of the package's `attachments/`, for whoever may see the problem.
async fn attachment(
    state: State<AppState>,
    viewer: Viewer,
    Path((slug, file)): Path<(String, String)>,
) -> Result<Response, PageError> {
    served_file(state, viewer, &slug, Folder::Attachments, &file).await
}

async fn served_file(
    State(state): State<AppState>,
    viewer: Viewer,
    slug: &str,
    folder: Folder,
    name: &str,
) -> Result<Response, PageError> {
    let admin = viewer.nav.is_admin();
    let file = view::statement_file(&state.db, &state.cache, Audience { admin }, slug, folder, name).await?;
    Ok(served::answer(file).await?)
}

/// `1500` → `1.5 s`.
/// The limit and how it was found, e.g. `3 s (derived: slowest accepted …)`, or why there is
/// none yet.
pub fn time_limit(problem: &crate::problems::records::Problem) -> String {
    match problem.time_limit_ms {
        Some(ms) => format!("{} ({})", seconds(ms), problem.time_limit_source),
        None => match &problem.time_limit_error {
            Some(error) => format!("none: deriving it failed ({error})"),
            None => "not known yet: being derived from the accepted submissions".to_owned(),
        },
    }
}

pub fn seconds(ms: i32) -> String {
    if ms % 1000 == 0 {
        format!("{} s", ms / 1000)
    } else {
        format!("{:.1} s", f64::from(ms) / 1000.0)
    }
}

#[cfg(test)]
mod tests;
