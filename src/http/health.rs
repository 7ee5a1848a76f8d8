//! Liveness and readiness.
//!
//! `/healthz` answers as long as the process serves HTTP: for restart decisions. `/readyz`
//! checks every dependency this process needs (PostgreSQL, the object store, and the Docker
//! engine when it runs judging slots itself), each within the ready timeout and all at once,
//! and answers 503 naming each one that failed: for load balancers and for people asking "why
//! is it not working". It also describes the judge queue, and names a queue that no live worker
//! serves; that does not make the API unready (its pages and API still work, and submissions
//! wait in PostgreSQL), so a load balancer keeps it while workers come and go.

use std::{future::Future, time::Instant};

use axum::{extract::State, http::StatusCode, response::IntoResponse};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::app::{
    error::{AppError, ErrorBody, Json},
    AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(healthz))
        .routes(routes!(readyz))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// Always `ok`.
    pub status: &'static str,
    /// The server's version.
    pub version: &'static str,
}

/// Whether the process is up.
#[utoipa::path(get, path = "/healthz", tag = "health", responses((status = 200, body = Health)))]
async fn healthz() -> Json<Health> {
    Json(Health {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
    })
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Readiness {
    /// `ready` when every check passed.
    pub status: &'static str,
    pub checks: Checks,
    /// The judge queue and the workers serving it; absent when PostgreSQL does not answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queue: Option<QueueState>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Checks {
    pub postgres: Check,
    pub storage: Check,
    /// Only when this process runs judging slots (`serve --workers N`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub docker: Option<Check>,
}

impl Checks {
    fn failed(&self) -> Vec<&'static str> {
        [
            ("postgres", Some(&self.postgres)),
            ("storage", Some(&self.storage)),
            ("docker", self.docker.as_ref()),
        ]
        .into_iter()
        .filter_map(|(name, check)| check.filter(|check| !check.ok).map(|_| name))
        .collect()
    }
}

/// Jobs waiting and the workers that would judge them.
#[derive(Debug, Serialize, ToSchema)]
pub struct QueueState {
    /// Judgings and playground runs waiting to be claimed.
    pub queued: i64,
    /// Being judged now.
    pub running: i64,
    /// Judge workers seen in the last minute, and their slots.
    pub live_workers: usize,
    pub slots: i64,
    /// The broker that carries the queue's messages to the workers, when it is not PostgreSQL
    /// itself (`amqp`): down, it delays judging but loses nothing, so it makes a warning,
    /// not an unready API.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub broker: Option<Check>,
    /// Set when jobs wait and no live worker would judge them, or the broker does not answer,
    /// naming that.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
}

async fn queue_state(state: &AppState) -> Option<QueueState> {
    let read = async {
        let kinds = crate::submissions::queue::depth_by_kind(&state.db).await?;
        let workers = crate::submissions::queue::workers(&state.db).await?;
        Ok::<_, sqlx::Error>((kinds, workers))
    };
    let broker = async {
        let ping = crate::submissions::broker::ping(&state.broker);
        match tokio::time::timeout(state.ready_timeout, ping).await {
            Ok(None) => None,
            Ok(Some(answered)) => Some(answered),
            Err(_) => Some(Err(format!(
                "no answer within {} ms",
                state.ready_timeout.as_millis()
            ))),
        }
    };
    let started = std::time::Instant::now();
    let (read, broker) = tokio::join!(tokio::time::timeout(state.ready_timeout, read), broker);
    let broker = broker.map(|answered| Check {
        ok: answered.is_ok(),
        target: crate::submissions::broker::describe(&state.broker),
        latency_ms: started.elapsed().as_millis() as u64,
        error: answered.err(),
    });
    let (kinds, workers) = read.ok()?.ok()?;
    let queued = kinds.iter().map(|kind| kind.queued).sum();
    let running = kinds.iter().map(|kind| kind.running).sum();
    let slots = workers.iter().map(|worker| i64::from(worker.slots)).sum();
    let unserved = (queued > 0 && workers.is_empty()).then(|| {
        format!("{queued} job(s) queued and no live judge worker: start `coderank worker` (see README, Deploying)")
    });
    let broker_down = broker.as_ref().filter(|check| !check.ok).map(|check| {
        format!(
            "the queue broker ({}) does not answer: submissions are kept in PostgreSQL and dispatched to the workers when it is back",
            check.target
        )
    });
    let warning = match (unserved, broker_down) {
        (Some(unserved), Some(down)) => Some(format!("{unserved}; {down}")),
        (unserved, down) => unserved.or(down),
    };
    Some(QueueState {
        queued,
        running,
        live_workers: workers.len(),
        slots,
        broker,
        warning,
    })
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Check {
    pub ok: bool,
    /// What was checked, e.g. the bucket and endpoint (never credentials).
    pub target: String,
    /// How long the check took.
    pub latency_ms: u64,
    /// Why it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Whether every dependency answers.
#[utoipa::path(
    get,
    path = "/readyz",
    tag = "health",
    responses(
        (status = 200, description = "Every dependency answered", body = Readiness),
        (status = 503, description = "`error.details` holds the checks; the message names what failed", body = ErrorBody)
    )
)]
async fn readyz(State(state): State<AppState>) -> Result<impl IntoResponse, AppError> {
    let timeout = state.ready_timeout;
    let judges = state.judging_slots > 0;
    let (postgres, storage, docker, queue) = tokio::join!(
        check(state.database_target.clone(), timeout, async {
            crate::db::ping(&state.db).await.map_err(|err| err.to_string())
        }),
        check(state.store.describe(), timeout, async {
            state.store.check().await.map_err(|err| err.to_string())
        }),
        async {
            if !judges {
                return None;
            }
            let ping = async { state.docker.ping().await.map_err(|err| format!("{err:#}")) };
            Some(check(state.docker.host().to_owned(), timeout, ping).await)
        },
        queue_state(&state),
    );
    let checks = Checks {
        postgres,
        storage,
        docker,
    };
    let failed = checks.failed();
    if failed.is_empty() {
        return Ok((
            StatusCode::OK,
            Json(Readiness {
                status: "ready",
                checks,
                queue,
            }),
        ));
    }
    Err(AppError::Unavailable {
        message: format!("not ready: {} unavailable", failed.join(", ")),
        details: serde_json::to_value(Readiness {
            status: "unavailable",
            checks,
            queue,
        })?,
    })
}

async fn check(
    target: String,
    timeout: std::time::Duration,
    probe: impl Future<Output = Result<(), String>>,
) -> Check {
    let started = Instant::now();
    let outcome = tokio::time::timeout(timeout, probe).await;
    let latency_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    let error = match outcome {
        Ok(Ok(())) => None,
        Ok(Err(err)) => Some(err),
        Err(_) => Some(format!("no answer within {} ms", timeout.as_millis())),
    };
    Check {
        ok: error.is_none(),
        target,
        latency_ms,
        error,
    }
}
