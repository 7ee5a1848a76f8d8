//! The submission page (filled in and kept live by `app.js` over the API's WebSocket), the
//! visitor's own history, and every submission for admins, with filters.

use askama::Template;
use axum::{
    extract::{Path, Query, State},
    response::Html,
    routing::get,
    Router,
};
use serde::Deserialize;
use uuid::Uuid;

use super::{render, Nav, PageAdmin, PageError, SignedIn, Viewer};
use crate::{
    app::{error::AppError, AppState},
    judge::verdict::Verdict,
    submissions::{
        records::{self, Filter, SubmissionRow},
        view::Viewer as Reader,
    },
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/submissions", get(mine))
        .route("/submissions/{id}", get(submission))
        .route("/admin/submissions", get(all))
}

/// A submission as a row of a listing.
pub struct Line {
    pub id: String,
    pub short_id: String,
    pub when: String,
    pub user_id: String,
    pub user: String,
    pub problem: String,
    pub problem_title: String,
    pub language: String,
    /// The verdict, or the status while judging.
    pub outcome: String,
    pub verdict_class: String,
    pub time: String,
    pub memory: String,
    /// On a scoring problem: `score` or `score / max`; empty otherwise.
    pub score: String,
}

/// One test group of a scoring problem's submission, as a table row.
pub struct GroupLine {
    pub name: String,
    pub verdict: String,
    pub score: String,
    pub judged: String,
}

/// `score / max`, or `score` alone when unbounded.
fn shown_score(score: f64, max: Option<f64>) -> String {
    match max {
        Some(max) => format!("{score} / {max}"),
        None => score.to_string(),
    }
}

fn group_lines(row: &SubmissionRow) -> Vec<GroupLine> {
    let Some(scores) = &row.scores else {
        return Vec::new();
    };
    scores
        .0
        .groups
        .iter()
        .map(|group| GroupLine {
            name: group.name.clone(),
            verdict: group.verdict.map_or_else(|| "-".to_owned(), |v| v.to_string()),
            score: shown_score(group.score, group.max_score),
            judged: format!(
                "{} of {} judged, {} accepted",
                group.judged, group.tests, group.accepted
            ),
        })
        .collect()
}

impl From<SubmissionRow> for Line {
    fn from(row: SubmissionRow) -> Self {
        let (outcome, verdict_class) = match &row.verdict {
            Some(verdict) => (
                verdict.to_string(),
                format!("v-{}", verdict.as_str().to_lowercase()),
            ),
            None => (row.status.as_str().to_owned(), "v-pending".to_owned()),
        };
        let score = match (&row.score, &row.scores) {
            (Some(score), scores) => shown_score(*score, scores.as_ref().and_then(|s| s.0.max_score)),
            _ => String::new(),
        };
        Self {
            score,
            id: row.id.to_string(),
            short_id: row.id.simple().to_string()[..8].to_owned(),
            when: row.created_at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
            user_id: row.user_id.to_string(),
            user: row.user_name,
            problem: row.problem_slug,
            problem_title: row.problem_title,
            language: row.language,
            outcome,
            verdict_class,
            time: row.time_ms.map(|ms| format!("{ms} ms")).unwrap_or_default(),
            memory: row
                .memory_kb
                .map(|kb| format!("{:.1} MiB", f64::from(kb) / 1024.0))
                .unwrap_or_default(),
        }
    }
}

#[derive(Template)]
#[template(path = "submission.html")]
struct SubmissionPage {
    nav: Nav,
    line: Line,
    status: String,
    /// A scoring problem's groups, with their scores.
    groups: Vec<GroupLine>,
    /// Whether the visitor sees tests, source and compiler output (author or admin).
    privileged: bool,
    admin: bool,
}

async fn submission(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<Uuid>,
) -> Result<Html<String>, PageError> {
    let reader = Reader::of(viewer.current.as_ref().map(|current| &current.user));
    let row = records::find(&state.db, id, reader)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no submission {id}")))?;
    let admin = viewer.nav.is_admin();
    let privileged = admin
        || viewer
            .current
            .as_ref()
            .is_some_and(|current| current.user.id == row.user_id);
    render(&SubmissionPage {
        nav: viewer.nav,
        status: row.status.as_str().to_owned(),
        groups: group_lines(&row),
        line: Line::from(row),
        privileged,
        admin,
    })
}

#[derive(Debug, Deserialize, Default)]
pub struct ListQuery {
    pub problem: Option<String>,
    pub verdict: Option<String>,
    pub language: Option<String>,
    pub user: Option<Uuid>,
    pub before: Option<Uuid>,
}

#[derive(Template)]
#[template(path = "submissions.html")]
struct ListPage {
    nav: Nav,
    heading: &'static str,
    /// The form's target: this page.
    action: &'static str,
    problem: String,
    /// Each language id and whether the filter has it.
    languages: Vec<(String, bool)>,
    lines: Vec<Line>,
    next: Option<String>,
    /// Each verdict and whether the filter has it.
    verdicts: Vec<(&'static str, bool)>,
}

const PAGE: i64 = 50;

async fn mine(
    State(state): State<AppState>,
    SignedIn { current, nav }: SignedIn,
    Query(query): Query<ListQuery>,
) -> Result<Html<String>, PageError> {
    let user = Some(current.user.id);
    let reader = Reader::of(Some(&current.user));
    listing(&state, nav, reader, "My submissions", "/submissions", user, query).await
}

async fn all(
    State(state): State<AppState>,
    PageAdmin(SignedIn { current, nav }): PageAdmin,
    Query(query): Query<ListQuery>,
) -> Result<Html<String>, PageError> {
    let user = query.user;
    let reader = Reader::of(Some(&current.user));
    listing(
        &state,
        nav,
        reader,
        "All submissions",
        "/admin/submissions",
        user,
        query,
    )
    .await
}

async fn listing(
    state: &AppState,
    nav: Nav,
    reader: Reader,
    heading: &'static str,
    action: &'static str,
    user_id: Option<Uuid>,
    query: ListQuery,
) -> Result<Html<String>, PageError> {
    let some = |value: Option<String>| {
        value
            .map(|text| text.trim().to_owned())
            .filter(|text| !text.is_empty())
    };
    let problem = some(query.problem);
    let verdict = some(query.verdict).filter(|verdict| verdict.parse::<Verdict>().is_ok());
    let language = some(query.language);
    let mut rows = records::list(
        &state.db,
        &Filter {
            user_id,
            problem_slug: problem.clone(),
            verdict: verdict.as_deref().and_then(|verdict| verdict.parse().ok()),
            language: language.clone(),
            before: query.before,
            limit: PAGE + 1,
            reader,
        },
    )
    .await?;
    let more = rows.len() as i64 > PAGE;
    rows.truncate(PAGE as usize);
    let next = more.then(|| rows.last().map(|row| row.id)).flatten().map(|last| {
        let mut link = url::form_urlencoded::Serializer::new(String::new());
        for (key, value) in [
            ("problem", &problem),
            ("verdict", &verdict),
            ("language", &language),
        ] {
            if let Some(value) = value {
                link.append_pair(key, value);
            }
        }
        if action.starts_with("/admin") {
            if let Some(user) = user_id {
                link.append_pair("user", &user.to_string());
            }
        }
        link.append_pair("before", &last.to_string());
        format!("{action}?{}", link.finish())
    });
    render(&ListPage {
        nav,
        heading,
        action,
        problem: problem.unwrap_or_default(),
        languages: super::problems::languages()?
            .into_iter()
            .map(|option| {
                let selected = language.as_deref() == Some(option.id.as_str());
                (option.id, selected)
            })
            .collect(),
        lines: rows.into_iter().map(Line::from).collect(),
        next,
        verdicts: Verdict::ALL
            .iter()
            .map(|v| (v.as_str(), verdict.as_deref() == Some(v.as_str())))
            .collect(),
    })
}

/// The latest submissions of one user (profile) or of everyone (status page).
/// Submissions to problems hidden from contestants are shown to admins and their authors only.
pub async fn recent(
    state: &AppState,
    user_id: Option<Uuid>,
    limit: i64,
    reader: Reader,
) -> Result<Vec<Line>, PageError> {
    let filter = Filter {
        user_id,
        limit,
        reader,
        ..Filter::default()
    };
    Ok(records::list(&state.db, &filter)
        .await?
        .into_iter()
        .map(Line::from)
        .collect())
}
