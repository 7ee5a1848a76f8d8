//! The application's state, connected from the configuration in one place: every handle a
//! request (or a judging slot in the same process) needs. The HTTP API and the web pages are
//! adapters over it (`crate::http`, `crate::web`); `crate::server` builds it and runs them.
//!
//! [`error`] is the one error type both adapters answer with, [`extract`] who is calling (the
//! extractors both adapters authorize by).

pub mod error;
pub mod extract;
pub mod served;

use std::{sync::Arc, time::Duration};

use anyhow::Context;
use sqlx::PgPool;

use crate::{
    accounts::Accounts,
    config::{BodyLimits, ProblemsConfig, ServeConfig, SubmissionsConfig},
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
    /// The largest request bodies of anonymous callers, users and admins.
    pub body_limits: BodyLimits,
    /// Submission changes and finished playground runs from PostgreSQL, for WebSocket clients
    /// and requests waiting for a run.
    pub events: Events,
    /// The judge queue's broker, which `/readyz` names when it does not answer.
    pub broker: crate::submissions::broker::Broker,
}

impl AppState {
    /// Connects every dependency the configuration names, migrating the database first unless
    /// told not to.
    pub async fn connect(config: &ServeConfig) -> anyhow::Result<Self> {
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
        Ok(Self {
            db: db.clone(),
            store,
            docker,
            judging_slots: config.submissions.workers,
            ready_timeout: config.ready_timeout(),
            database_target,
            accounts,
            problem_limits: Arc::new(config.problems.clone()),
            cache,
            submission_limits: Arc::new(config.submissions.clone()),
            body_limits: config.body_limits,
            events: Events::start(db),
            broker: crate::submissions::broker::Broker::new(
                &config.submissions.judge.queue,
                &config.database,
            )?,
        })
    }
}
