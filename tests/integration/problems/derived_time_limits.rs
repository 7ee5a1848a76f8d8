//! Packages that give no time limit, imported through the API and the CLI: importable at once,
//! unpublishable until a judge worker has derived the limit from the accepted submissions (or
//! an admin has set it), the limit shown with how it was found, a failed derivation explained,
//! and a package with nothing to derive from refused naming both ways out.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use super::{answer, app_with_callers, import, import_ok, patch, refusal, Package, ROOT};
use crate::helpers::{AppOptions, TestApp};

const APLUSB_PY: &str = "a, b = map(int, input().split())\nprint(a + b)\n";

/// An A+B package without a time limit, with these submissions (path under `submissions/`).
fn without_a_limit(title: &str, submissions: &[(&str, &str)]) -> Package {
    let mut package = Package::default()
        .with("problem.yaml", format!("name: {title}\nlimits:\n  memory: 256\n"))
        .with("data/sample/1.in", "1 2\n")
        .with("data/sample/1.ans", "3\n")
        .with("data/secret/1.in", "-5 7\n")
        .with("data/secret/1.ans", "2\n");
    for (path, source) in submissions {
        package = package.with(&format!("submissions/{path}"), *source);
    }
    package
}

async fn problem(app: &TestApp, admin: &str, slug: &str) -> Value {
    let (status, body) = answer(
        app.call(
            Method::GET,
            &format!("/api/v1/problems/{slug}"),
            Some(admin),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

/// Polls the problem until its derivation is over (a limit, or an error); answers it.
async fn derivation_over(app: &TestApp, admin: &str, slug: &str) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(240);
    loop {
        let body = problem(app, admin, slug).await;
        if !body["time_limit_ms"].is_null() || body["time_limit_error"].is_string() {
            return body;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "not derived in time: {body}"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

#[tokio::test]
async fn a_package_without_a_time_limit_imports_at_once_and_is_publishable_once_a_worker_derived_it() {
    let (app, admin, _) = app_with_callers(AppOptions {
        workers: 1,
        ..AppOptions::default()
    })
    .await;
    let package = without_a_limit("Derived", &[("accepted/sol.py", APLUSB_PY)]);
    let imported = import_ok(&app, &admin, "?publish=true", package.zip("derived")).await;
    assert_eq!(imported["published"], false, "{imported}");
    assert!(imported["time_limit_ms"].is_null(), "{imported}");
    assert_eq!(imported["time_limit_source"], "deriving", "{imported}");

    let derived = derivation_over(&app, &admin, "derived").await;
    assert_eq!(derived["time_limit_ms"], 1000, "{derived}");
    let source = derived["time_limit_source"].as_str().expect("a source");
    assert!(
        source.starts_with("derived: slowest accepted ") && source.ends_with("(accepted/sol.py) × 5 → 1 s"),
        "{source}"
    );
    let (status, body) = patch(&app, &admin, "derived", json!({ "published": true })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let db = app.db().await;
    let jobs: i64 = sqlx::query_scalar("SELECT count(*) FROM time_limit_jobs")
        .fetch_one(&db)
        .await
        .expect("jobs");
    assert_eq!(jobs, 0);
    // Contestants see the limit and how it was found.
    let page = app.get("/problems/derived").await.text().await.expect("the page");
    assert!(page.contains("1 s (derived: slowest accepted"), "{page}");
}

#[tokio::test]
async fn a_problem_without_its_limit_cannot_be_published_until_an_admin_sets_it() {
    // No worker: the limit is never derived here.
    let (app, admin, _) = app_with_callers(AppOptions::default()).await;
    let package = without_a_limit("By hand", &[("accepted/sol.py", APLUSB_PY)]);
    import_ok(&app, &admin, "", package.zip("by-hand")).await;
    let (status, message) = refusal(
        app.call(
            Method::PATCH,
            "/api/v1/problems/by-hand",
            Some(&admin),
            Some(json!({ "published": true })),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{message}");
    assert!(
        message.contains("no time limit yet") && message.contains("time_limit_ms"),
        "{message}"
    );
    let (status, body) = patch(
        &app,
        &admin,
        "by-hand",
        json!({ "time_limit_ms": 2500, "published": true }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["time_limit_ms"], 2500);
    assert_eq!(body["time_limit_source"], "set by an admin");
    assert_eq!(body["published"], true);
}

#[tokio::test]
async fn a_failed_derivation_is_recorded_and_named_when_publishing() {
    let (app, admin, _) = app_with_callers(AppOptions {
        workers: 1,
        ..AppOptions::default()
    })
    .await;
    let package = without_a_limit("Lies", &[("accepted/wrong.py", "print(0)\n")]);
    import_ok(&app, &admin, "", package.zip("lies")).await;
    let over = derivation_over(&app, &admin, "lies").await;
    assert!(over["time_limit_ms"].is_null(), "{over}");
    let error = over["time_limit_error"].as_str().expect("an error");
    assert!(error.contains("accepted/wrong.py got WA"), "{error}");
    let (status, message) = refusal(
        app.call(
            Method::PATCH,
            "/api/v1/problems/lies",
            Some(&admin),
            Some(json!({ "published": true })),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        message.contains("failed")
            && message.contains("limits.time_limit")
            && message.contains("time_limit_ms"),
        "{message}"
    );
}

#[tokio::test]
async fn a_package_with_no_limit_and_no_accepted_submission_is_refused_naming_both_ways_out() {
    let (app, admin, _) = app_with_callers(AppOptions::default()).await;
    let package = without_a_limit("Nothing", &[("wrong_answer/zero.py", "print(0)\n")]);
    let (status, message) = refusal(import(&app, &admin, "", package.zip("nothing")).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{message}");
    assert!(
        message.contains("limits.time_limit") && message.contains("submissions/accepted/"),
        "{message}"
    );
}

#[tokio::test]
async fn the_cli_derives_a_missing_limit_before_saving_and_refuses_when_it_cannot() {
    let (app, _, _) = app_with_callers(AppOptions::default()).await;
    let db = app.db().await;
    let scratch = tempfile::tempdir().expect("a temporary directory");
    let write = |name: &str, package: &Package| {
        let root = scratch.path().join(name);
        for (path, bytes) in &package.files {
            let target = root.join(path);
            std::fs::create_dir_all(target.parent().expect("a parent")).expect("mkdir");
            std::fs::write(target, bytes).expect("write");
        }
        root.to_string_lossy().into_owned()
    };
    let cli = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_coderank"))
            .args(args)
            .current_dir(ROOT)
            .env("DATABASE_URL", &app.database_url)
            .env("CODERANK_CACHE_DIR", scratch.path().join("cache"))
            .env("CODERANK_LOG", "warn")
            .output()
            .expect("run")
    };
    let derived = write(
        "cli-derived",
        &without_a_limit("CLI", &[("accepted/sol.py", APLUSB_PY)]),
    );
    let output = cli(&["problem", "import", &derived, "--publish"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("time limit derived: slowest accepted"),
        "{stdout}"
    );
    let row: (Option<i32>, String, bool) = sqlx::query_as(
        "SELECT time_limit_ms, time_limit_source, published FROM problems WHERE slug = 'cli-derived'",
    )
    .fetch_one(&db)
    .await
    .expect("the problem");
    assert_eq!(row.0, Some(1000));
    assert!(row.1.ends_with("(accepted/sol.py) × 5 → 1 s"), "{}", row.1);
    assert!(row.2, "published at once");

    let given = cli(&[
        "problem",
        "import",
        &derived,
        "--slug",
        "cli-given",
        "--time-limit",
        "3",
    ]);
    assert!(
        given.status.success(),
        "{}",
        String::from_utf8_lossy(&given.stderr)
    );
    let limit: Option<i32> =
        sqlx::query_scalar("SELECT time_limit_ms FROM problems WHERE slug = 'cli-given'")
            .fetch_one(&db)
            .await
            .expect("the problem");
    assert_eq!(limit, Some(3000));

    let nothing = write(
        "cli-nothing",
        &without_a_limit("Nothing", &[("wrong_answer/zero.py", "print(0)\n")]),
    );
    let refused = cli(&["problem", "import", &nothing]);
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success());
    for way_out in ["limits.time_limit", "submissions/accepted/", "--time-limit"] {
        assert!(stderr.contains(way_out), "{way_out}: {stderr}");
    }
}
