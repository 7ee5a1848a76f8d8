//! The HTTP API: application state, the one URL map, and the server's lifecycle.
//!
//! Each area keeps its routes beside its handlers (`pub fn router() -> OpenApiRouter<AppState>`)
//! and [`router`] merges them here, so this file is the one place that shows every URL. The
//! OpenAPI document is collected from the same routers, so it cannot drift from them.
//!
//! Authorization is decided here, by group: a route is public, signed-in or admin according to
//! the router it is merged into, and the signed-in and admin groups are wrapped in a layer that
//! runs the [`extract::CurrentUser`] or [`extract::Admin`] extractor first.

mod account;
pub(crate) mod auth;
pub mod error;
pub mod extract;
mod health;
mod metrics;
pub mod openapi;
pub(crate) mod problems;
mod submissions;
mod users;

use std::{future::Future, net::SocketAddr, sync::Arc, time::Duration};

use anyhow::Context;
use axum::{
    extract::DefaultBodyLimit,
    http::{HeaderName, Request},
    middleware::{from_extractor_with_state, from_fn},
    Router,
};
use sqlx::PgPool;
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use tower_http::{
    catch_panic::CatchPanicLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    trace::TraceLayer,
};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::{
    accounts::Accounts,
    config::{ProblemsConfig, ServeConfig, SubmissionsConfig},
    docker::DockerEngine,
    problems::cache::TestDataCache,
    storage::SharedStore,
    submissions::events::Events,
};

/// What every handler may need. Cheap to clone: each field is a handle to shared state.
#[derive(Debug, Clone)]
pub struct AppState {
    /// All relational data.
    pub db: PgPool,
    /// Test data and other blobs.
    pub store: SharedStore,
    /// The engine that runs judge containers; `/readyz` checks it when this process judges.
    pub docker: DockerEngine,
    /// Judging slots this process runs (`serve --workers`); 0 when separate workers judge.
    pub judging_slots: usize,
    /// How long `/readyz` waits for each dependency.
    pub ready_timeout: Duration,
    /// Where PostgreSQL is, without credentials, for `/readyz`.
    pub database_target: String,
    /// Sign-in settings, signing keys and OAuth providers.
    pub accounts: Accounts,
    /// Caps on problem files and packages.
    pub problem_limits: Arc<ProblemsConfig>,
    /// Test data on local disk by SHA-256 (samples shown, packages exported).
    pub cache: TestDataCache,
    /// Caps on sources.
    pub submission_limits: Arc<SubmissionsConfig>,
    /// Submission changes and finished playground runs from PostgreSQL, for WebSocket clients
    /// and requests waiting for a run.
    pub events: Events,
}

static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The whole application: every area's routes, the OpenAPI document, `/metrics`, and the layers
/// that every request passes (request id, tracing, metrics, body limit, panic to 500).
pub fn router(state: AppState, max_body_bytes: usize) -> Router {
    let max_package_bytes = usize::try_from(state.problem_limits.max_package_bytes).unwrap_or(usize::MAX);
    let public = OpenApiRouter::new()
        .merge(health::router())
        .merge(auth::public_router())
        .merge(problems::public_router())
        .merge(submissions::public_router());
    let signed_in = OpenApiRouter::new()
        .merge(auth::signed_in_router())
        .merge(account::signed_in_router())
        .merge(submissions::signed_in_router())
        .route_layer(from_extractor_with_state::<extract::CurrentUser, _>(
            state.clone(),
        ));
    let admin = OpenApiRouter::new()
        .merge(users::admin_router())
        .merge(problems::admin_router(max_package_bytes))
        .merge(submissions::admin_router())
        .route_layer(from_extractor_with_state::<extract::Admin, _>(state.clone()));
    let (api, document) = OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .merge(public)
        .merge(signed_in)
        .merge(admin)
        .split_for_parts();
    let refresh = crate::submissions::queue::metrics_refresh(state.db.clone());
    api.merge(openapi::router(document))
        // The web UI's pages, outside the OpenAPI document.
        .merge(crate::web::router(state.clone()))
        .merge(crate::telemetry::metrics::router(refresh))
        .fallback(crate::web::not_found)
        .method_not_allowed_fallback(error::method_not_allowed)
        .layer(from_fn(metrics::track))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(REQUEST_ID.clone(), MakeRequestUuid))
                .layer(TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
                    let request_id = request
                        .headers()
                        .get(&REQUEST_ID)
                        .and_then(|value| value.to_str().ok())
                        .unwrap_or_default();
                    tracing::info_span!("request", method = %request.method(), uri = %request.uri(), request_id)
                }))
                .layer(PropagateRequestIdLayer::new(REQUEST_ID.clone()))
                .layer(CatchPanicLayer::custom(|_| {
                    axum::response::IntoResponse::into_response(error::AppError::Internal(anyhow::anyhow!(
                        "a handler panicked"
                    )))
                }))
                .layer(DefaultBodyLimit::max(max_body_bytes)),
        )
        .with_state(state)
}

/// A bound, not yet running, HTTP server, with the judge worker it runs (if any).
pub struct Server {
    listener: TcpListener,
    app: Router,
    worker: Option<(crate::submissions::worker::Worker, usize)>,
}

impl Server {
    /// Connects the dependencies, migrates unless told not to, and binds the listener. Port 0
    /// picks a free port, which tests use.
    pub async fn build(config: ServeConfig) -> anyhow::Result<Self> {
        let db = crate::db::pool(&config.database)?;
        let database_target = crate::db::describe(&config.database);
        if !config.no_migrate {
            let applied = crate::db::migrate(&db)
                .await
                .with_context(|| format!("cannot migrate the database at {database_target}"))?;
            tracing::info!(applied, "database schema is up to date");
        }
        let store = crate::storage::open(&config.storage).await?;
        let docker = DockerEngine::new(&config.docker)?;
        let accounts = Accounts::new(db.clone(), config.accounts.clone())?;
        let cache = TestDataCache::new(
            config.problems.cache_dir.clone(),
            config.problems.cache_max_bytes,
            store.clone(),
        );
        crate::telemetry::metrics::install();
        let state = AppState {
            db: db.clone(),
            store: store.clone(),
            docker: docker.clone(),
            judging_slots: config.submissions.workers,
            ready_timeout: config.ready_timeout(),
            database_target,
            accounts,
            problem_limits: Arc::new(config.problems.clone()),
            cache: cache.clone(),
            submission_limits: Arc::new(config.submissions.clone()),
            events: Events::start(db.clone()),
        };
        let worker = match config.submissions.workers {
            0 => None,
            slots => Some((
                crate::submissions::worker::Worker::new(
                    &config.submissions.judge,
                    db.clone(),
                    store,
                    docker,
                    cache,
                ),
                slots,
            )),
        };
        let listener = TcpListener::bind(config.bind)
            .await
            .with_context(|| format!("cannot listen on {}", config.bind))?;
        Ok(Self {
            listener,
            app: router(state, config.max_body_bytes),
            worker,
        })
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until `shutdown` completes, then lets in-flight requests and judgings finish.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send + 'static) -> anyhow::Result<()> {
        tracing::info!(address = %self.local_addr()?, "listening");
        let stop = tokio_util::sync::CancellationToken::new();
        let judging = self
            .worker
            .map(|(worker, slots)| tokio::spawn(worker.run(slots, stop.clone())));
        let stop_judging = stop.clone();
        // The peer address is the client IP of per-IP rate limits.
        let served = axum::serve(
            self.listener,
            self.app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            shutdown.await;
            stop_judging.cancel();
        })
        .await
        .context("the HTTP server failed");
        stop.cancel();
        if let Some(judging) = judging {
            judging.await??;
        }
        served
    }
}

/// `coderank serve`: runs until Ctrl-C or SIGTERM.
pub async fn serve(config: ServeConfig) -> anyhow::Result<()> {
    let server = Server::build(config).await?;
    server.run(shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
}

/// Completes on Ctrl-C (SIGINT) or SIGTERM, whichever comes first.
pub async fn shutdown_signal() {
    let interrupt = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %err, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(err) => {
                tracing::error!(error = %err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    tokio::select! {
        () = interrupt => tracing::info!("Ctrl-C received, shutting down"),
        () = terminate => tracing::info!("SIGTERM received, shutting down"),
    }
}
