//! Integration tests against the real PostgreSQL, Garage (S3) and Docker engine that
//! `scripts/bootstrap` sets up and describes in `.env`. One test binary, so linking happens once.

// Helpers outside `#[test]` functions panic on a broken set-up too: that is a failed test.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod accounts;
mod authorization;
mod browser;
mod cli;
mod custom_validators;
mod errors;
mod health;
mod helpers;
mod hostile_clients;
mod integrity;
mod interactive;
mod judge;
mod judge0;
mod judge_images;
mod migrations;
mod oauth;
mod openapi;
mod problems;
mod storage;
mod submissions;
mod time_limits;
mod warm_pool;
mod web;
