//! The web UI: HTML pages rendered on the server (askama templates in `templates/`), served by
//! the same axum app as the API, with a little plain JavaScript (`web/static/app.js`) for live
//! verdicts over the API's WebSocket, the editor and the forms, which call the JSON API with
//! the session cookie and its CSRF token.
//!
//! Pages are not part of the API: they stay out of the OpenAPI document and answer errors as
//! HTML pages rather than the JSON envelope. Authorization reuses the API's extractors: a page
//! for admins runs [`crate::app::extract::Admin`] (a user gets a 403 page, an anonymous
//! visitor is sent to the sign-in page), and pages for signed-in users run `CurrentUser`.
//!
//! Every asset (our CSS and JS, KaTeX, CodeMirror) is embedded in the binary from
//! `web/static/` and served under `/static/`; nothing comes from a CDN.

mod admin;
mod assets;
mod markdown;
mod problems;
mod submissions;
mod users;

use askama::Template;
use axum::{
    extract::{FromRequestParts, OriginalUri, Request},
    http::{header, request::Parts, HeaderMap, Method, StatusCode, Uri},
    middleware::{self, Next},
    response::{Html, IntoResponse, Redirect, Response},
    routing::get,
    Router,
};

use crate::{
    accounts::users::Role,
    app::{
        error::AppError,
        extract::{Admin, CurrentUser, MaybeUser},
        AppState,
    },
};

/// Every page route and `/static/`.
pub fn router(state: AppState) -> Router<AppState> {
    let pages = Router::new()
        .route("/signin", get(users::signin))
        .route(crate::accounts::recovery::RESET_PAGE, get(users::password_reset))
        .route("/leaderboard", get(users::leaderboard))
        .route("/users/{id}", get(users::profile))
        .merge(problems::router())
        .merge(submissions::router())
        // The statement preview reads an admin's draft, as large as the API lets admins send.
        .merge(admin::router().route_layer(axum::extract::DefaultBodyLimit::max(state.body_limits.admin)))
        .layer(middleware::from_fn_with_state(state, with_nav));
    Router::new()
        .route("/static/{*path}", get(assets::serve))
        .merge(pages)
}

/// Redraws an error page with the visitor's navigation bar, which [`PageError`] cannot know.
/// The visitor is looked up once: the handler's own extractors reuse what this one found.
async fn with_nav(viewer: Viewer, request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    match response.extensions().get::<Failure>() {
        Some(failure) if viewer.nav.user.is_some() => failure.clone().page(viewer.nav),
        _ => response,
    }
}

/// What the page frame needs to know about the visitor: the navigation bar differs for
/// anonymous visitors, users and admins.
#[derive(Debug, Clone, Default)]
pub struct Nav {
    /// The signed-in visitor, if any.
    pub user: Option<NavUser>,
    /// The path of this page, where signing in returns to.
    pub here: String,
}

#[derive(Debug, Clone)]
pub struct NavUser {
    pub id: String,
    pub name: String,
    pub admin: bool,
}

impl Nav {
    fn new(current: Option<&CurrentUser>, here: String) -> Self {
        Self {
            user: current.map(|current| NavUser {
                id: current.user.id.to_string(),
                name: current.user.display_name.clone(),
                admin: current.user.role == Role::Admin,
            }),
            here,
        }
    }

    pub fn is_admin(&self) -> bool {
        self.user.as_ref().is_some_and(|user| user.admin)
    }
}

/// The visitor of a public page. A stale or invalid cookie counts as anonymous here rather
/// than failing the page, so a visitor whose session ended still sees the site.
pub struct Viewer {
    pub current: Option<CurrentUser>,
    pub nav: Nav,
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        let current = MaybeUser::from_request_parts(parts, state)
            .await
            .ok()
            .and_then(|MaybeUser(user)| user);
        let nav = Nav::new(current.as_ref(), here(parts));
        Ok(Self { current, nav })
    }
}

/// A signed-in visitor; anyone else is sent to the sign-in page.
pub struct SignedIn {
    pub current: CurrentUser,
    pub nav: Nav,
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        guarded(parts, state, |current: CurrentUser| current).await
    }
}

/// A signed-in admin, checked by the API's own [`Admin`] extractor: a user gets a 403 page.
pub struct PageAdmin(pub SignedIn);

impl FromRequestParts<AppState> for PageAdmin {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        guarded(parts, state, |Admin(current)| current).await.map(Self)
    }
}

/// Runs the API's extractor `E`; its refusal becomes a page (or the way to sign in).
async fn guarded<E>(
    parts: &mut Parts,
    state: &AppState,
    user: impl FnOnce(E) -> CurrentUser,
) -> Result<SignedIn, PageError>
where
    E: FromRequestParts<AppState, Rejection = AppError>,
{
    let here = here(parts);
    let current = E::from_request_parts(parts, state)
        .await
        .map(user)
        .map_err(|err| PageError::at(err, &here))?;
    Ok(SignedIn {
        nav: Nav::new(Some(&current), here),
        current,
    })
}

fn here(parts: &Parts) -> String {
    let uri = parts
        .extensions
        .get::<OriginalUri>()
        .map_or(&parts.uri, |OriginalUri(uri)| uri);
    uri.path_and_query()
        .map_or_else(|| "/".to_owned(), |path| path.as_str().to_owned())
}

/// An error on a page: answered as an HTML page with the status the API would give, except
/// that "sign in first" sends the browser to the sign-in page.
#[derive(Debug)]
pub struct PageError {
    error: AppError,
    /// Where the visitor was going, to come back after signing in.
    here: Option<String>,
}

impl PageError {
    fn at(error: AppError, here: &str) -> Self {
        Self {
            error,
            here: Some(here.to_owned()),
        }
    }
}

impl<E: Into<AppError>> From<E> for PageError {
    fn from(error: E) -> Self {
        Self {
            error: error.into(),
            here: None,
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    nav: Nav,
    status: u16,
    reason: String,
    message: String,
}

/// What an error page says, kept on its response for [`with_nav`].
#[derive(Debug, Clone)]
struct Failure {
    status: StatusCode,
    message: String,
}

impl Failure {
    fn page(self, nav: Nav) -> Response {
        let page = ErrorPage {
            nav,
            status: self.status.as_u16(),
            reason: self.status.canonical_reason().unwrap_or("Error").to_owned(),
            message: self.message,
        };
        let mut response = match page.render() {
            Ok(html) => (self.status, Html(html)).into_response(),
            Err(err) => {
                tracing::error!(error = %err, "cannot render the error page");
                (self.status, page.message.clone()).into_response()
            }
        };
        response.extensions_mut().insert(Failure {
            status: self.status,
            message: page.message,
        });
        response
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let status = self.error.status();
        if status == StatusCode::UNAUTHORIZED {
            let back = self.here.unwrap_or_else(|| "/".to_owned());
            let target = format!(
                "/signin?redirect={}",
                url::form_urlencoded::byte_serialize(back.as_bytes()).collect::<String>()
            );
            return Redirect::to(&target).into_response();
        }
        let message = match &self.error {
            AppError::Internal(err) => {
                tracing::error!(error = ?err, "internal error on a page");
                "Something went wrong on our side.".to_owned()
            }
            other => other.to_string(),
        };
        Failure { status, message }.page(Nav::default())
    }
}

/// Renders a page template.
pub fn render(page: &impl Template) -> Result<Html<String>, PageError> {
    page.render()
        .map(Html)
        .map_err(|err| PageError::from(anyhow::Error::from(err)))
}

/// Answers a path no route takes: a page for a browser asking for one, the API's JSON envelope
/// for anyone else (and for every path under `/api/`).
pub async fn not_found(method: Method, uri: Uri, headers: HeaderMap) -> Response {
    let error = crate::app::error::not_found(method, uri.clone()).await;
    answer(error, &uri, &headers)
}

/// An error answered before any route: as a page for a browser asking for one outside `/api/`,
/// as the API's JSON envelope otherwise.
pub fn answer(error: AppError, uri: &Uri, headers: &HeaderMap) -> Response {
    let wants_page = !uri.path().starts_with("/api/")
        && headers
            .get(header::ACCEPT)
            .and_then(|accept| accept.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"));
    if wants_page {
        PageError::from(error).into_response()
    } else {
        error.into_response()
    }
}
