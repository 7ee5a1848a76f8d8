//! `coderank user` on the command line: creating an admin who can sign in, set-role and list.

use std::{
    io::Write,
    process::{Command, Stdio},
};

use serde_json::Value;

use super::{login, PASSWORD};
use crate::helpers::{spawn_app, AppOptions};

pub(super) fn coderank_cli(args: &[&str], database_url: &str, stdin: Option<&str>) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_coderank"))
        .args(args)
        .env("DATABASE_URL", database_url)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run coderank");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("write stdin");
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("wait")
}

#[tokio::test]
async fn the_cli_creates_an_admin_who_can_sign_in() {
    let app = spawn_app(AppOptions::default()).await;
    let db = &app.database_url;
    let created = coderank_cli(
        &[
            "user",
            "create",
            "--admin",
            "--email",
            "boss@example.org",
            "--password-stdin",
        ],
        db,
        Some(&format!("{PASSWORD}\n")),
    );
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    let response = login(&app, "boss@example.org", PASSWORD).await;
    assert_eq!(response.status(), 200);
    let tokens: Value = response.json().await.expect("JSON");
    assert_eq!(tokens["user"]["role"], "admin");

    let again = coderank_cli(&["user", "create", "--email", "boss@example.org"], db, None);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already taken"));
    let tolerated = coderank_cli(
        &["user", "create", "--email", "boss@example.org", "--exists-ok"],
        db,
        None,
    );
    assert!(tolerated.status.success());
    let short = coderank_cli(
        &["user", "create", "--email", "s@example.org", "--password-stdin"],
        db,
        Some("short\n"),
    );
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 8"));

    let demoted = coderank_cli(&["user", "set-role", "boss@example.org", "user"], db, None);
    assert!(demoted.status.success());
    let listed = coderank_cli(&["user", "list", "--json"], db, None);
    let listed = String::from_utf8_lossy(&listed.stdout);
    let users: Vec<Value> = listed
        .lines()
        .map(|line| serde_json::from_str(line).expect("JSON"))
        .collect();
    assert_eq!(users.len(), 1);
    assert_eq!(users[0]["role"], "user");
    let missing = coderank_cli(&["user", "set-role", "ghost@example.org", "admin"], db, None);
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no user"));

    let premium = coderank_cli(&["user", "set-priority", "boss@example.org", "40"], db, None);
    assert!(
        premium.status.success(),
        "{}",
        String::from_utf8_lossy(&premium.stderr)
    );
    let listed = coderank_cli(&["user", "list", "--json"], db, None);
    let listed: Value = serde_json::from_slice(&listed.stdout).expect("one JSON line");
    assert_eq!(listed["priority"], 40);
    let table = coderank_cli(&["user", "list"], db, None);
    let table = String::from_utf8_lossy(&table.stdout);
    assert!(
        table
            .lines()
            .next()
            .is_some_and(|header| header.contains("PRIORITY")),
        "{table}"
    );
    for out_of_range in ["101", "-1", "high"] {
        let refused = coderank_cli(
            &["user", "set-priority", "boss@example.org", out_of_range],
            db,
            None,
        );
        assert!(!refused.status.success(), "priority {out_of_range} was taken");
        let said = String::from_utf8_lossy(&refused.stderr).to_lowercase();
        assert!(said.contains("priority"), "{out_of_range}: {said}");
    }
    let missing = coderank_cli(&["user", "set-priority", "ghost@example.org", "10"], db, None);
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no user"));
}
