//! CodeRank, an online judge.
//!
//! The crate is one library behind one binary (`src/main.rs`). Its rooms are layered as drawn in
//! `docs/ARCHITECTURE.md`, and a room imports only from the layers below it
//! (`scripts/check-layers` enforces this):
//!
//! - roles: [`cli`] (the `coderank` subcommands), [`server`] (the `serve` and `worker` roles,
//!   signals and shutdown) and [`bench`] (the measuring commands);
//! - adapters: [`http`] (the JSON API and its OpenAPI document) and [`web`] (the HTML pages),
//!   side by side on one axum application;
//! - [`app`]: the application state every adapter shares, its extractors and the error envelope;
//! - domain: [`accounts`] (users, sign-in, sessions, tokens, rate limits), [`problems`] (the
//!   problem rulebook, records, import, export and editing) and [`submissions`] (submissions,
//!   the judging queue, the workers, the playground and the leaderboard);
//! - [`judge`]: the package format, languages, the sandbox, checkers and verdicts;
//! - infrastructure: [`db`] (PostgreSQL and the migrations), [`storage`] (the object store),
//!   [`docker`] (the Docker engine) and [`telemetry`] (logs, traces and metrics);
//! - [`config`]: every setting, as a flag and an environment variable.

/// Gives `$target` a `From` conversion for each `$source` error, as its `Internal` variant: for
/// faults that are the server's (database, disk, a blocking task), never the caller's.
macro_rules! internal_from {
    ($target:ty: $($source:ty),* $(,)?) => {$(
        impl From<$source> for $target {
            fn from(err: $source) -> Self {
                Self::Internal(err.into())
            }
        }
    )*};
}

pub mod accounts;
pub mod app;
pub mod bench;
pub mod cli;
pub mod config;
pub mod db;
pub mod docker;
pub mod http;
pub mod judge;
pub mod problems;
pub mod server;
pub mod storage;
pub mod submissions;
pub mod telemetry;
pub mod web;
