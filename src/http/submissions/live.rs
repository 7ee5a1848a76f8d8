//! Watching submissions change over a WebSocket.

use std::time::Duration;

use axum::{
    extract::{
        ws::{Message, WebSocket, WebSocketUpgrade},
        Path, State,
    },
    response::Response,
};
use futures::SinkExt;
use uuid::Uuid;

use super::{find_submission, view_for};
use crate::{
    app::{
        error::{AppError, ErrorBody},
        extract::{CurrentUser, MaybeUser},
        AppState,
    },
    submissions::records::JudgingStatus,
};

/// Watch one submission over a WebSocket: its current state at once, then a message at every
/// change (status, tests judged, verdict); the server closes after the final verdict.
#[utoipa::path(get, path = "/api/v1/submissions/{id}/ws", tag = "submissions", params(("id" = Uuid, Path)),
    responses((status = 101, description = "Switching to the WebSocket protocol; messages are SubmissionView JSON"),
        (status = 400, body = ErrorBody, description = "Not a WebSocket handshake (no `Upgrade: websocket`)"),
        (status = 403, body = ErrorBody, description = "The Origin header names another site"),
        (status = 404, body = ErrorBody)))]
pub(super) async fn watch_submission(
    State(state): State<AppState>,
    MaybeUser(viewer): MaybeUser,
    Path(id): Path<Uuid>,
    upgrade: WebSocketUpgrade,
) -> Result<Response, AppError> {
    find_submission(&state, id, viewer.as_ref()).await?;
    Ok(upgrade.on_upgrade(move |socket| watch(state, socket, viewer, Watch::One(id))))
}

/// Watch all of the caller's own submissions over a WebSocket: a message at every change.
#[utoipa::path(get, path = "/api/v1/submissions/ws", tag = "submissions", security(("bearer" = []), ("session" = [])),
    responses((status = 101, description = "Switching to the WebSocket protocol; messages are SubmissionView JSON"),
        (status = 400, body = ErrorBody, description = "Not a WebSocket handshake (no `Upgrade: websocket`)"),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "The Origin header names another site")))]
pub(super) async fn watch_mine(
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
    let row = super::find_submission(state, id, viewer).await.ok()?;
    let finished = row.status == JudgingStatus::Finished;
    let view = view_for(state, row, viewer, true).await.ok()?;
    let text = serde_json::to_string(&view).ok()?;
    socket.send(Message::Text(text.into())).await.ok()?;
    Some(finished)
}
