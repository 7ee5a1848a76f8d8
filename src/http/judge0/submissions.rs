//! `POST /submissions`, `GET /submissions/{token}` and their batch forms, as Judge0 has them.

use std::time::Duration;

use axum::{
    body::Bytes,
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode},
    Json,
};
use serde::Deserialize;
use serde_json::{json, Value};
use uuid::Uuid;

use super::{
    render,
    request::{self, Accepted, SubmissionRequest},
    take_runs, Judge0Error, Judge0User,
};
use crate::{
    app::AppState,
    submissions::playground::{self, NewRun},
};

/// The longest a `?wait=true` request is held.
const MAX_WAIT: Duration = Duration::from_secs(300);

#[derive(Debug, Deserialize)]
pub(super) struct Params {
    base64_encoded: Option<String>,
    wait: Option<String>,
    fields: Option<String>,
    tokens: Option<String>,
}

impl Params {
    fn base64(&self) -> bool {
        self.base64_encoded.as_deref() == Some("true")
    }
}

#[derive(Debug, Deserialize)]
struct BatchRequest {
    submissions: Option<Vec<Value>>,
}

fn parse<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Judge0Error> {
    serde_json::from_slice(body)
        .map_err(|err| Judge0Error::BadRequest(format!("the body is not a valid submission: {err}")))
}

/// Creates a submission: 201 with its token, or with the finished submission for `?wait=true`.
pub(super) async fn create(
    State(state): State<AppState>,
    Judge0User(user): Judge0User,
    Query(params): Query<Params>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), Judge0Error> {
    let fields = render::fields(params.fields.as_deref())?;
    let accepted = request::accept(&state, parse::<SubmissionRequest>(&body)?, params.base64())?;
    let wait = params.wait.as_deref() == Some("true");
    let held = Duration::from_secs_f64(
        accepted.spec.limits.wall_time_secs * accepted.spec.tests.len() as f64 + 30.0,
    )
    .min(MAX_WAIT);
    take_runs(&state, &user, 1).await?;
    let ids = record(&state, user.id, &[accepted]).await?;
    let id = *ids
        .first()
        .ok_or_else(|| Judge0Error::Internal(anyhow::anyhow!("no run recorded")))?;
    if !wait {
        return Ok((StatusCode::CREATED, Json(json!({ "token": id }))));
    }
    playground::wait(&state.db, &state.events, user.id, id, held).await?;
    let detail = one(&state, user.id, id).await?;
    Ok((
        StatusCode::CREATED,
        Json(render::submission(&detail, &fields, params.base64())),
    ))
}

/// One submission of the caller's.
pub(super) async fn show(
    State(state): State<AppState>,
    Judge0User(user): Judge0User,
    Path(token): Path<String>,
    Query(params): Query<Params>,
) -> Result<Json<Value>, Judge0Error> {
    let fields = render::fields(params.fields.as_deref())?;
    let id = Uuid::parse_str(&token).map_err(|_| Judge0Error::NotFound)?;
    let detail = one(&state, user.id, id).await?;
    Ok(Json(render::submission(&detail, &fields, params.base64())))
}

/// Creates several submissions: 201 with each one's token or errors, in order (422 when none
/// was valid).
pub(super) async fn create_batch(
    State(state): State<AppState>,
    Judge0User(user): Judge0User,
    Query(params): Query<Params>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), Judge0Error> {
    let batch: BatchRequest = parse(&body)?;
    let submissions = batch.submissions.unwrap_or_default();
    check_batch_size(&state, submissions.len())?;
    let mut answers: Vec<Result<usize, Value>> = Vec::with_capacity(submissions.len());
    let mut valid = Vec::new();
    for submission in submissions {
        let request: SubmissionRequest = serde_json::from_value(submission)
            .map_err(|err| Judge0Error::BadRequest(format!("a submission is not valid: {err}")))?;
        match request::accept(&state, request, params.base64()) {
            Ok(accepted) => {
                answers.push(Ok(valid.len()));
                valid.push(accepted);
            }
            Err(Judge0Error::Invalid(errors)) => answers.push(Err(json!(errors))),
            Err(other) => return Err(other),
        }
    }
    if valid.is_empty() {
        let errors = answers.into_iter().filter_map(Result::err).collect();
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Json(Value::Array(errors))));
    }
    take_runs(&state, &user, valid.len()).await?;
    let ids = record(&state, user.id, &valid).await?;
    let body = answers
        .into_iter()
        .map(|answer| match answer {
            Ok(index) => json!({ "token": ids.get(index) }),
            Err(errors) => errors,
        })
        .collect();
    Ok((StatusCode::CREATED, Json(Value::Array(body))))
}

/// Several submissions of the caller's by token (`?tokens=a,b,c`), `null` for unknown ones.
pub(super) async fn show_batch(
    State(state): State<AppState>,
    Judge0User(user): Judge0User,
    Query(params): Query<Params>,
    headers: HeaderMap,
) -> Result<Json<Value>, Judge0Error> {
    let fields = render::fields(params.fields.as_deref())?;
    let tokens = headers
        .get("tokens")
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
        .or(params.tokens.clone())
        .unwrap_or_default();
    let tokens: Vec<&str> = tokens
        .trim()
        .split(',')
        .filter(|token| !token.is_empty())
        .collect();
    check_batch_size(&state, tokens.len())?;
    let ids: Vec<Uuid> = tokens
        .iter()
        .map(|token| Uuid::parse_str(token.trim()).unwrap_or(Uuid::nil()))
        .collect();
    let details = playground::details(&state.db, user.id, &ids).await?;
    let submissions = details
        .iter()
        .map(|detail| match detail {
            Some(detail) => render::submission(detail, &fields, params.base64()),
            None => Value::Null,
        })
        .collect();
    Ok(Json(json!({ "submissions": Value::Array(submissions) })))
}

/// One run of the user's, or 404.
async fn one(state: &AppState, user_id: Uuid, id: Uuid) -> Result<playground::RunDetail, Judge0Error> {
    playground::details(&state.db, user_id, &[id])
        .await?
        .into_iter()
        .flatten()
        .next()
        .ok_or(Judge0Error::NotFound)
}

fn check_batch_size(state: &AppState, count: usize) -> Result<(), Judge0Error> {
    let max = state.submission_limits.judge0.judge0_max_batch_size;
    if count > max {
        return Err(Judge0Error::BadRequest(format!(
            "number of submissions in a batch should be less than or equal to {max}"
        )));
    }
    if count == 0 {
        return Err(Judge0Error::BadRequest(
            "there should be at least one submission in a batch".to_owned(),
        ));
    }
    Ok(())
}

/// Records the runs (with their callbacks, if any, waiting to be sent).
async fn record(state: &AppState, user_id: Uuid, accepted: &[Accepted]) -> Result<Vec<Uuid>, Judge0Error> {
    let runs: Vec<NewRun<'_>> = accepted
        .iter()
        .map(|accepted| NewRun {
            language: accepted.language,
            source: &accepted.source,
            spec: Some(&accepted.spec),
            stdin: accepted.spec.tests.first().map_or("", |test| test.stdin.as_str()),
        })
        .collect();
    // A callback waits in its run's row; `super::callbacks` sends it once the run is finished.
    Ok(playground::submit_many(&state.db, user_id, &runs).await?)
}
