//! The roles a process plays: `coderank serve` (the HTTP API and web pages, and judging slots
//! when asked) and `coderank worker` (judging slots alone), with the signals and the graceful
//! shutdown both share. This is where the application is assembled: its state
//! ([`crate::app`]), the two adapters side by side ([`crate::http`] for the JSON API,
//! [`crate::web`] for the pages), the metrics route and the layers every request passes.

mod edge;

use std::{future::Future, net::SocketAddr};

use anyhow::Context;
use axum::{
    extract::DefaultBodyLimit,
    http::{HeaderName, Request},
    middleware::{from_fn, from_fn_with_state},
    Router,
};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tower::ServiceBuilder;
use tower_http::{
    catch_panic::CatchPanicLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    trace::TraceLayer,
};

use crate::{
    app::{error, AppState},
    config::{ServeConfig, WorkerConfig},
    problems::cache::TestDataCache,
};

static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The whole application: the API (with its OpenAPI document), the web pages, `/metrics`, and
/// the layers that every request passes (request id, tracing, metrics, the rules of [`edge`],
/// the anonymous body limit that routes for users and admins raise, panic to 500).
pub fn app(state: AppState) -> Router {
    let refresh = crate::submissions::queue::metrics_refresh(state.db.clone());
    let max_body_bytes = state.body_limits.anonymous;
    crate::http::router(&state)
        // The web UI's pages, outside the OpenAPI document.
        .merge(crate::web::router(state.clone()))
        .merge(crate::telemetry::metrics::router(refresh))
        .fallback(crate::web::not_found)
        .method_not_allowed_fallback(error::method_not_allowed)
        .layer(from_fn_with_state(state.clone(), edge::guard))
        .layer(from_fn(crate::http::metrics::track))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(REQUEST_ID.clone(), MakeRequestUuid))
                .layer(TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
                    let request_id = request
                        .headers()
                        .get(&REQUEST_ID)
                        .and_then(|value| value.to_str().ok())
                        .unwrap_or_default();
                    // The path only: a query can carry secrets (an OAuth callback's code and state).
                    tracing::info_span!("request", method = %request.method(), path = %request.uri().path(), request_id)
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
    /// What the Judge0 callback sender reads and writes with.
    state: AppState,
}

impl Server {
    /// Connects the dependencies, migrates unless told not to, and binds the listener. Port 0
    /// picks a free port, which tests use.
    pub async fn build(config: ServeConfig) -> anyhow::Result<Self> {
        let state = AppState::connect(&config).await?;
        let worker = match config.submissions.workers {
            0 => None,
            slots => Some((
                crate::submissions::worker::Worker::new(
                    &config.submissions.judge,
                    state.broker.clone(),
                    state.db.clone(),
                    state.store.clone(),
                    state.docker.clone(),
                    state.cache.clone(),
                ),
                slots,
            )),
        };
        let listener = TcpListener::bind(config.bind)
            .await
            .with_context(|| format!("cannot listen on {}", config.bind))?;
        Ok(Self {
            listener,
            app: app(state.clone()),
            worker,
            state,
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
        let callbacks = tokio::spawn(crate::http::send_judge0_callbacks(self.state, stop.clone()));
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
        let _ = callbacks.await;
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

/// Runs a worker until Ctrl-C or SIGTERM, then finishes the judgings in hand; or, with
/// `--check`, checks the host and exits.
pub async fn worker(args: WorkerConfig) -> anyhow::Result<()> {
    anyhow::ensure!(args.slots >= 1, "--slots must be at least 1");
    crate::telemetry::metrics::install();
    let db = crate::db::pool(&args.database)?;
    let store = crate::storage::open(&args.storage).await?;
    let cache = TestDataCache::new(
        args.problems.cache_dir.clone(),
        args.problems.cache_max_bytes,
        store.clone(),
    );
    let docker = crate::docker::DockerEngine::new(&args.docker)?;
    let broker = crate::submissions::broker::Broker::new(&args.judge.queue, &args.database)?;
    let worker = crate::submissions::worker::Worker::new(
        &args.judge,
        broker,
        db.clone(),
        store,
        docker.clone(),
        cache,
    );
    if args.check {
        let (findings, _) = worker.check().await;
        print!("{}", findings.report());
        anyhow::ensure!(
            findings.ok(),
            "this host cannot judge yet: {}",
            findings.missing()
        );
        return Ok(());
    }
    let shutdown = CancellationToken::new();
    if let Some(address) = args.metrics_bind {
        let listener = tokio::net::TcpListener::bind(address)
            .await
            .with_context(|| format!("cannot listen on {address} for metrics"))?;
        tracing::info!(%address, "serving metrics");
        let app = crate::telemetry::metrics::router(crate::submissions::queue::metrics_refresh(db.clone()));
        let stop = shutdown.clone();
        tokio::spawn(async move {
            let served = axum::serve(listener, app)
                .with_graceful_shutdown(async move { stop.cancelled().await })
                .await;
            if let Err(err) = served {
                tracing::error!(error = %err, "the metrics endpoint failed");
            }
        });
    }
    match crate::db::migrate(&db).await {
        Ok(_) => {}
        // Not fatal: the check below names PostgreSQL, and the worker waits for it.
        Err(err) => tracing::warn!(error = %format!("{err:#}"), "cannot migrate the database now"),
    }
    if let Ok(client) = docker.client().await {
        let reaped = crate::judge::images::reap_leftovers(&client).await?;
        if reaped > 0 {
            tracing::info!(reaped, "removed judge containers left by dead processes");
        }
    }
    let stop = shutdown.clone();
    tokio::spawn(async move {
        shutdown_signal().await;
        stop.cancel();
    });
    worker.run(args.slots, shutdown).await
}
