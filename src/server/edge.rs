//! What every request passes before it reaches a route, and every response after: the rules that
//! hold for the whole application, decided here once rather than route by route.
//!
//! - A NUL character (`%00`) in the path names nothing (404); in the query it is refused (422).
//!   PostgreSQL cannot store or compare it, so it is stopped before any handler spends anything
//!   (a rate-limit token, a query). JSON bodies are checked by [`crate::app::error::Json`].
//! - A WebSocket upgrade from a page of another site is refused (403): browsers send the session
//!   cookie with a cross-site WebSocket handshake, so the origin is the only thing that tells a
//!   page of CodeRank from one of `evil.example`.
//! - Every response carries the security headers below, and API responses are not stored by
//!   caches (tokens and personal data travel in them).
//! - An API error that did not come from a handler (a rejection of axum's or tower's, e.g. a
//!   path parameter that does not parse or a WebSocket route called without `Upgrade`) is
//!   answered in the JSON envelope like every other.

use axum::{
    extract::{Request, State},
    http::{header, HeaderMap, HeaderValue},
    middleware::Next,
    response::{IntoResponse, Response},
};

use crate::app::{error::AppError, AppState};

/// The Content-Security-Policy of every response. Scripts come only from CodeRank's own files;
/// inline `style` attributes are allowed because KaTeX and CodeMirror write them; no page may be
/// framed (clickjacking); WebSockets and `fetch` go to CodeRank only.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
    style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; \
    connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
    frame-ancestors 'none'";

/// An error message body longer than this is not worth carrying into the envelope.
const MAX_REJECTION_TEXT: usize = 4096;

/// The rules of this module, as one middleware.
pub async fn guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if let Some(error) = refusal(&state, &request) {
        return crate::web::answer(error, request.uri(), request.headers());
    }
    let api = request.uri().path().starts_with("/api/");
    let mut response = next.run(request).await;
    if api {
        response = into_envelope(response).await;
        response
            .headers_mut()
            .entry(header::CACHE_CONTROL)
            .or_insert(HeaderValue::from_static("no-store"));
    }
    security_headers(response.headers_mut());
    response
}

/// Why `request` is refused before routing, if it is.
fn refusal(state: &AppState, request: &Request) -> Option<AppError> {
    let uri = request.uri();
    if has_nul(uri.path()) {
        return Some(AppError::NotFound(format!(
            "no route for {} {}: a path cannot hold a NUL character (%00)",
            request.method(),
            uri.path()
        )));
    }
    if let Some(query) = uri.query().filter(|query| has_nul(query)) {
        let names: Vec<String> = url::form_urlencoded::parse(query.as_bytes())
            .filter(|(name, value)| name.contains('\0') || value.contains('\0'))
            .map(|(name, _)| format!("`{}`", name.replace('\0', "\\0")))
            .collect();
        return Some(AppError::Unprocessable(format!(
            "query parameter {} may not hold a NUL character (%00)",
            names.join(", ")
        )));
    }
    let upgrade = request
        .headers()
        .get(header::UPGRADE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.eq_ignore_ascii_case("websocket"));
    if upgrade && !same_origin(state, request.headers()) {
        return Some(AppError::Forbidden(
            "a WebSocket may be opened only from CodeRank's own pages (the Origin header names another site)"
                .to_owned(),
        ));
    }
    None
}

/// Whether percent-decoding `text` would give a NUL character.
fn has_nul(text: &str) -> bool {
    text.as_bytes().windows(3).any(|window| window == b"%00")
}

/// Whether a request without an `Origin` (not a browser's) or with CodeRank's own: the one of
/// its public URL, or the host the request was sent to.
fn same_origin(state: &AppState, headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let Some(origin) = origin
        .to_str()
        .ok()
        .and_then(|origin| url::Url::parse(origin).ok())
    else {
        return false;
    };
    let public = &state.accounts.config.public_url;
    if origin.origin() == public.origin() {
        return true;
    }
    let authority = match (origin.host_str(), origin.port()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_owned(),
        (None, _) => return false,
    };
    headers
        .get(header::HOST)
        .and_then(|host| host.to_str().ok())
        .is_some_and(|host| host.eq_ignore_ascii_case(&authority))
}

fn security_headers(headers: &mut HeaderMap) {
    for (name, value) in [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "same-origin"),
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
    ] {
        headers.entry(name).or_insert(HeaderValue::from_static(value));
    }
}

/// An API error response that is not JSON (axum's and tower's rejections answer plain text),
/// answered in the envelope with the same status and its text as the message.
async fn into_envelope(response: Response) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, MAX_REJECTION_TEXT)
        .await
        .map(|bytes| String::from_utf8_lossy(&bytes).trim().to_owned())
        .unwrap_or_default();
    let message = if text.is_empty() {
        status
            .canonical_reason()
            .unwrap_or("the request was refused")
            .to_owned()
    } else {
        text
    };
    let mut answer = AppError::with_status(status, message).into_response();
    // Keep what the rejection said besides its body (e.g. `Allow`, `Retry-After`).
    for (name, value) in &parts.headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            answer.headers_mut().insert(name, value.clone());
        }
    }
    *answer.status_mut() = status;
    answer
}

#[cfg(test)]
mod tests {
    use super::has_nul;

    #[test]
    fn a_nul_is_found_only_where_it_is_percent_encoded() {
        assert!(has_nul("/problems/%00"));
        assert!(has_nul("q=a%00b"));
        assert!(!has_nul("q=%2500"));
        assert!(!has_nul("/problems/a00"));
    }
}
