//! Local accounts, sessions, tokens, roles and rate limits, through the HTTP API and the CLI.
//!
//! This module holds what the topic files (and the authorization matrix) share: signing in,
//! error messages, row counts and making an admin.

mod cli;
mod disabling_users;
mod password_change;
mod password_reset;
mod rate_limits;
mod registration;
mod sessions;
mod tokens;

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::TestApp;

pub const PASSWORD: &str = "correct horse battery";

pub fn access(tokens: &Value) -> String {
    tokens["access_token"].as_str().expect("access_token").to_owned()
}

async fn login(app: &TestApp, email: &str, password: &str) -> reqwest::Response {
    app.call(
        Method::POST,
        "/api/v1/auth/login",
        None,
        Some(json!({ "email": email, "password": password })),
    )
    .await
}

async fn error_message(response: reqwest::Response) -> String {
    let body: Value = response.json().await.expect("a JSON error body");
    body["error"]["message"]
        .as_str()
        .expect("an error message")
        .to_owned()
}

async fn count(app: &TestApp, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
        .fetch_one(&app.db().await)
        .await
        .expect("count")
}

/// Makes a registered user an admin, as `coderank user set-role` would.
pub async fn make_admin(app: &TestApp, email: &str) {
    sqlx::query("UPDATE users SET role = 'admin' WHERE email = $1::text::citext")
        .bind(email)
        .execute(&app.db().await)
        .await
        .expect("promote");
}
