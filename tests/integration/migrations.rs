//! `coderank migrate` on an empty database, run as a user would run it.

use std::process::Command;

use crate::helpers::{fresh_database, services};

fn migrate(database_url: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_coderank"))
        .args(["--env-file", "/dev/null", "migrate"])
        .env("DATABASE_URL", database_url)
        .output()
        .expect("run coderank migrate")
}

#[tokio::test]
async fn migrating_an_empty_database_applies_every_migration_once() {
    let database = fresh_database(&services()).await;
    let migrations = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
        .expect("migrations dir")
        .filter(|entry| {
            entry
                .as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "sql"))
        })
        .count();

    let first = migrate(&database);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert!(
        stdout.contains(&format!("({migrations} migration(s) applied now)")),
        "{stdout}"
    );

    let second = migrate(&database);
    assert!(second.status.success());
    assert!(String::from_utf8_lossy(&second.stdout).contains("(0 migration(s) applied now)"));

    let pool = sqlx::PgPool::connect(&database).await.expect("connect");
    let applied: i64 = sqlx::query_scalar("SELECT count(*) FROM _sqlx_migrations WHERE success")
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(applied, i64::try_from(migrations).expect("small"));
    let citext: bool = sqlx::query_scalar("SELECT 'ABC'::citext = 'abc'::citext")
        .fetch_one(&pool)
        .await
        .expect("citext works");
    assert!(citext);
}

#[tokio::test]
async fn migrate_fails_clearly_when_postgres_cannot_be_reached() {
    let output = migrate("postgres://coderank:x@127.0.0.1:1/coderank");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("cannot reach PostgreSQL at 127.0.0.1:1/coderank"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}
