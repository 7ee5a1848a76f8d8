//! Integration tests against the real PostgreSQL, Garage (S3) and Docker engine that
//! `scripts/bootstrap` sets up and describes in `.env`. One test binary, so linking happens once.

mod cli;
mod errors;
mod health;
mod helpers;
mod migrations;
mod openapi;
mod storage;
