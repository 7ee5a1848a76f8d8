//! CodeRank, an online judge.
//!
//! The crate is one library behind one binary (`src/main.rs`). Its modules follow the
//! architecture drawn in `docs/ARCHITECTURE.md`:
//!
//! - [`accounts`]: users, sign-in (passwords, OAuth), sessions, tokens and rate limits;
//! - [`cli`]: the `coderank` subcommands and what each one starts;
//! - [`config`]: every setting, as a flag and an environment variable;
//! - [`http`]: the axum application (routes, extractors, the JSON error envelope, OpenAPI);
//! - [`db`]: the PostgreSQL pool and the embedded migrations;
//! - [`storage`]: the object store (S3-compatible, or a local directory) for test data;
//! - [`docker`]: the connection to the Docker engine that runs the judge sandboxes;
//! - [`judge`]: verdicts and checkers (the sandbox is to come);
//! - [`problems`]: the ICPC / Kattis problem package format;
//! - [`telemetry`]: logging and tracing set-up.

pub mod accounts;
pub mod cli;
pub mod config;
pub mod db;
pub mod docker;
pub mod http;
pub mod judge;
pub mod problems;
pub mod storage;
pub mod submissions;
pub mod telemetry;
