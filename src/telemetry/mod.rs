//! Logging, tracing and metrics, shared by every subcommand.
//!
//! Logs go to stderr so that commands printing results on stdout (e.g. `judge --json`) stay
//! machine-readable. [`metrics`] names and records what `GET /metrics` shows.

pub mod metrics;

use std::io::IsTerminal;

use anyhow::Context;
use tracing_subscriber::{fmt, layer::SubscriberExt, util::SubscriberInitExt, EnvFilter};

use crate::config::{LogConfig, LogFormat};

pub fn init(config: &LogConfig) -> anyhow::Result<()> {
    let filter = match std::env::var("RUST_LOG") {
        Ok(value) if !value.is_empty() => EnvFilter::try_new(value),
        _ => EnvFilter::try_new(&config.log),
    }
    .context("invalid log filter")?;
    let registry = tracing_subscriber::registry().with(filter);
    // Colours only for a person at a terminal: escape codes break `grep` and log files.
    let ansi = std::io::stderr().is_terminal();
    match config.log_format {
        LogFormat::Text => registry
            .with(fmt::layer().with_ansi(ansi).with_writer(std::io::stderr))
            .try_init(),
        LogFormat::Json => registry
            .with(fmt::layer().json().with_writer(std::io::stderr))
            .try_init(),
    }
    .context("cannot install the log subscriber")
}
