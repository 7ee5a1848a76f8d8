//! The connection to the Docker engine that runs judge containers.
//!
//! `DOCKER_HOST` names the engine (`unix://…` or `tcp://…`, as for the docker CLI). The client
//! negotiates the API version with the engine, because Debian's engine speaks an older API than
//! bollard's default and refuses requests that claim a newer one.
//!
//! [`DockerEngine`] connects on first use and keeps the client once that worked, so a server
//! starts (and reports itself not ready) while the engine is still missing, and recovers by
//! itself once the engine appears.

use std::sync::Arc;

use anyhow::Context;
use bollard::{Docker, API_DEFAULT_VERSION};
use tokio::sync::OnceCell;

use crate::config::DockerConfig;

/// Seconds bollard waits for any one request to the engine.
const REQUEST_TIMEOUT_SECS: u64 = 120;

/// A lazily connected, shared handle on the engine. Cheap to clone.
#[derive(Debug, Clone)]
pub struct DockerEngine {
    host: Arc<str>,
    client: Arc<OnceCell<Docker>>,
}

impl DockerEngine {
    pub fn new(config: &DockerConfig) -> anyhow::Result<Self> {
        let host = config.docker_host.as_str();
        if !["unix://", "tcp://", "http://"]
            .iter()
            .any(|scheme| host.starts_with(scheme))
        {
            anyhow::bail!("DOCKER_HOST {host:?} must start with unix://, tcp:// or http://");
        }
        Ok(Self {
            host: host.into(),
            client: Arc::new(OnceCell::new()),
        })
    }

    /// Where the engine is, for messages.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The client, connecting and negotiating the API version on first success.
    pub async fn client(&self) -> anyhow::Result<Docker> {
        self.client.get_or_try_init(|| connect(&self.host)).await.cloned()
    }

    /// One round trip to the engine.
    pub async fn ping(&self) -> anyhow::Result<()> {
        let docker = self.client().await?;
        docker
            .ping()
            .await
            .map(drop)
            .context("the Docker engine does not answer")
    }
}

async fn connect(host: &str) -> anyhow::Result<Docker> {
    let docker = if let Some(path) = host.strip_prefix("unix://") {
        Docker::connect_with_unix(path, REQUEST_TIMEOUT_SECS, API_DEFAULT_VERSION)
    } else {
        Docker::connect_with_http(host, REQUEST_TIMEOUT_SECS, API_DEFAULT_VERSION)
    }
    .with_context(|| format!("cannot connect to the Docker engine at {host}"))?;
    docker
        .negotiate_version()
        .await
        .with_context(|| format!("the Docker engine at {host} does not answer"))
}
