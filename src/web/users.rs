//! The sign-in page, the page a password-reset link opens, the leaderboard and user profiles
//! (with the password change on the visitor's own).

use askama::Template;
use axum::{
    extract::{Path, Query, State},
    response::Html,
};
use serde::Deserialize;
use uuid::Uuid;

use super::{render, submissions::Line, Nav, PageError, Viewer};
use crate::{
    accounts::{users, SignInOptions},
    app::{error::AppError, AppState},
    submissions::{leaderboard, view::Viewer as Reader},
};

#[derive(Debug, Deserialize)]
pub struct SignInQuery {
    /// A path on this site to return to.
    pub redirect: Option<String>,
}

#[derive(Template)]
#[template(path = "signin.html")]
struct SignInPage {
    nav: Nav,
    redirect: String,
    options: SignInOptions,
}

/// Only paths on this site, so the page cannot be made to send someone elsewhere.
fn local_path(redirect: Option<String>) -> String {
    redirect
        .filter(|path| path.starts_with('/') && !path.starts_with("//") && !path.contains('\\'))
        .unwrap_or_else(|| "/".to_owned())
}

pub async fn signin(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<SignInQuery>,
) -> Result<Html<String>, PageError> {
    let redirect = local_path(query.redirect);
    let encoded: String = url::form_urlencoded::byte_serialize(redirect.as_bytes()).collect();
    let mut options = state.accounts.sign_in_options();
    for provider in &mut options.providers {
        provider.login_url = format!("{}?redirect={encoded}", provider.login_url);
    }
    render(&SignInPage {
        nav: viewer.nav,
        options,
        redirect,
    })
}

#[derive(Template)]
#[template(path = "password_reset.html")]
struct PasswordResetPage {
    nav: Nav,
}

/// Where a reset link lands; its script posts the link's token to the API.
pub async fn password_reset(viewer: Viewer) -> Result<Html<String>, PageError> {
    render(&PasswordResetPage { nav: viewer.nav })
}

struct StandingRow {
    rank: i64,
    user_id: String,
    name: String,
    solved: i32,
    attempts: i32,
    /// Sum of best scores on scoring problems.
    score: String,
    me: bool,
}

struct ProblemStat {
    slug: String,
    title: String,
    attempts: i64,
    solved_by: i64,
    rate: String,
}

#[derive(Template)]
#[template(path = "leaderboard.html")]
struct LeaderboardPage {
    nav: Nav,
    standings: Vec<StandingRow>,
    problems: Vec<ProblemStat>,
}

pub async fn leaderboard(State(state): State<AppState>, viewer: Viewer) -> Result<Html<String>, PageError> {
    let board = leaderboard::read(&state.db, 200, 0).await?;
    let me = viewer.current.as_ref().map(|current| current.user.id);
    render(&LeaderboardPage {
        nav: viewer.nav,
        standings: board
            .standings
            .into_iter()
            .map(|standing| StandingRow {
                rank: standing.rank,
                me: Some(standing.user_id) == me,
                user_id: standing.user_id.to_string(),
                name: standing.display_name,
                solved: standing.solved,
                attempts: standing.attempts,
                score: standing.score.to_string(),
            })
            .collect(),
        problems: board
            .problems
            .into_iter()
            .map(|problem| ProblemStat {
                rate: format!("{:.0}%", problem.acceptance_rate * 100.0),
                slug: problem.slug,
                title: problem.title,
                attempts: problem.attempts,
                solved_by: problem.solved_by,
            })
            .collect(),
    })
}

struct Tried {
    slug: String,
    title: String,
    attempts: i32,
}

#[derive(Template)]
#[template(path = "profile.html")]
struct ProfilePage {
    nav: Nav,
    name: String,
    role: &'static str,
    since: String,
    /// The visitor's own profile, which offers the password change.
    mine: bool,
    solved: Vec<Tried>,
    unsolved: Vec<Tried>,
    recent: Vec<Line>,
}

pub async fn profile(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<Uuid>,
) -> Result<Html<String>, PageError> {
    let user = users::find(&state.db, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no user {id}")))?;
    let reader = Reader::of(viewer.current.as_ref().map(|current| &current.user));
    let own_or_admin = reader.admin || reader.user_id == Some(id);
    let (solved, unsolved): (Vec<_>, Vec<_>) = leaderboard::attempted(&state.db, id, own_or_admin)
        .await?
        .into_iter()
        .partition(|attempt| attempt.solved);
    let tried = |attempts: Vec<leaderboard::Attempted>| {
        attempts
            .into_iter()
            .map(|attempt| Tried {
                slug: attempt.slug,
                title: attempt.title,
                attempts: attempt.attempts,
            })
            .collect()
    };
    let mine = viewer
        .current
        .as_ref()
        .is_some_and(|current| current.user.id == user.id);
    render(&ProfilePage {
        nav: viewer.nav,
        mine,
        name: user.display_name,
        role: user.role.as_str(),
        since: user.created_at.format("%Y-%m-%d").to_string(),
        solved: tried(solved),
        unsolved: tried(unsolved),
        recent: super::submissions::recent(&state, Some(id), 20, reader).await?,
    })
}
