//! Liveness and readiness.
//!
//! `/healthz` answers as long as the process serves HTTP: for restart decisions. `/readyz`
//! checks every dependency a request may need (PostgreSQL, the object store, the Docker engine),
//! each within the ready timeout and all at once, and answers 503 naming each one that failed:
//! for load balancers and for people asking "why is it not working".

use std::{future::Future, time::Instant};

use axum::{extract::State, http::StatusCode, response::IntoResponse};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
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
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Checks {
    pub postgres: Check,
    pub storage: Check,
    pub docker: Check,
}

impl Checks {
    fn failed(&self) -> Vec<&'static str> {
        [
            ("postgres", &self.postgres),
            ("storage", &self.storage),
            ("docker", &self.docker),
        ]
        .into_iter()
        .filter(|(_, check)| !check.ok)
        .map(|(name, _)| name)
        .collect()
    }
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
    let (postgres, storage, docker) = tokio::join!(
        check(state.database_target.clone(), timeout, async {
            crate::db::ping(&state.db).await.map_err(|err| err.to_string())
        }),
        check(state.store.describe(), timeout, async {
            state.store.check().await.map_err(|err| err.to_string())
        }),
        check(state.docker.host().to_owned(), timeout, async {
            state.docker.ping().await.map_err(|err| format!("{err:#}"))
        }),
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
            }),
        ));
    }
    Err(AppError::Unavailable {
        message: format!("not ready: {} unavailable", failed.join(", ")),
        details: serde_json::to_value(Readiness {
            status: "unavailable",
            checks,
        })
        .map_err(anyhow::Error::from)?,
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
