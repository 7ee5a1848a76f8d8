//! Packages in and out through the API and the CLI: every sample package round-trips.

use reqwest::StatusCode;
use serde_json::json;

use super::{
    app_with_callers, export, import_ok, patch, row_counts, sample_packages, snapshot, unzip, zip_sample,
    Package, ROOT,
};
use crate::helpers::AppOptions;

#[tokio::test]
async fn every_sample_package_comes_back_the_same_from_import_export_and_import_again() {
    let (app, admin, _) = app_with_callers(AppOptions::default()).await;
    let db = app.db().await;
    let packages = sample_packages();
    assert_eq!(
        packages,
        [
            "anypath",
            "aplusb",
            "bigsum",
            "circle",
            "guess",
            "hostile",
            "multipass",
            "sandbox",
            "sortwords",
            "subtasks"
        ]
    );
    for name in &packages {
        let imported = import_ok(&app, &admin, "", zip_sample(name)).await;
        assert_eq!(imported["slug"], name.as_str());
        assert_eq!(imported["published"], false);
        // An edit through the API travels with the export too.
        let (status, body) = patch(&app, &admin, name, json!({ "tags": ["round-trip", name] })).await;
        assert_eq!(status, StatusCode::OK, "{body}");

        let exported = export(&app, &admin, name).await;
        let entries = unzip(&exported);
        assert!(
            entries.contains_key(&format!("{name}/problem.yaml")),
            "{name}: {:?}",
            entries.keys()
        );
        let copy = format!("{name}-copy");
        let reimported = import_ok(&app, &admin, &format!("?slug={copy}"), exported).await;
        assert_eq!(reimported["slug"], copy.as_str());

        let (original, again) = (snapshot(&db, name).await, snapshot(&db, &copy).await);
        assert_eq!(original, again, "{name} changed on its way through an export");
        let files_on_disk = Package::sample(name).files;
        let data_files = files_on_disk
            .keys()
            .filter(|path| path.ends_with(".in") || path.ends_with(".ans"))
            .filter(|path| path.starts_with("data/sample/") || path.starts_with("data/secret/"))
            .count();
        assert_eq!(
            original.tests.len() * 2,
            data_files,
            "{name}: every test case was imported"
        );
        assert_eq!(
            original.files.len(),
            files_on_disk.len() - data_files - 1,
            "{name}: every other file but problem.yaml is kept"
        );
        assert_eq!(original.fields.8, ["round-trip", name.as_str()]);
    }
    let custom: Vec<String> =
        sqlx::query_scalar("SELECT slug FROM problems WHERE checker = 'custom' ORDER BY slug")
            .fetch_all(&db)
            .await
            .expect("custom checkers");
    assert_eq!(
        custom,
        [
            "anypath",
            "anypath-copy",
            "guess",
            "guess-copy",
            "multipass",
            "multipass-copy",
            "sortwords",
            "sortwords-copy"
        ]
    );
}

#[tokio::test]
async fn a_zip_without_a_top_folder_takes_its_slug_from_the_title() {
    let (app, admin, _) = app_with_callers(AppOptions::default()).await;
    let imported = import_ok(&app, &admin, "", Package::fresh("Flat Package").zip("")).await;
    assert_eq!(imported["slug"], "flat-package");
    assert_eq!(imported["title"], "Flat Package");
}

#[tokio::test]
async fn the_cli_imports_every_sample_problem_and_exports_a_zip_the_api_imports() {
    let (app, admin, _) = app_with_callers(AppOptions::default()).await;
    let db = app.db().await;
    let scratch = tempfile::tempdir().expect("a temporary directory");
    let cli = |args: Vec<String>| {
        tokio::process::Command::new(env!("CARGO_BIN_EXE_coderank"))
            .args(args)
            .current_dir(ROOT)
            .env("DATABASE_URL", &app.database_url)
            .env("CODERANK_CACHE_DIR", scratch.path().join("cache"))
            .env("CODERANK_LOG", "warn")
            .output()
    };
    let words = |text: &str| text.split(' ').map(str::to_owned).collect::<Vec<_>>();

    let imported = cli(words("problem import problems --publish"))
        .await
        .expect("run");
    let stdout = String::from_utf8_lossy(&imported.stdout);
    assert!(
        imported.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&imported.stderr)
    );
    assert_eq!(stdout.matches("imported").count(), 10, "{stdout}");
    let published: Vec<(String, bool)> = sqlx::query_as("SELECT slug, published FROM problems ORDER BY slug")
        .fetch_all(&db)
        .await
        .expect("problems");
    let expected: Vec<(String, bool)> = sample_packages().into_iter().map(|name| (name, true)).collect();
    assert_eq!(published, expected);

    let again = cli(words("problem import problems")).await.expect("run");
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(!again.status.success());
    assert!(stderr.contains("\"anypath\" already exists"), "{stderr}");
    let skipped = cli(words("problem import problems --publish --skip-existing"))
        .await
        .expect("run");
    let stdout = String::from_utf8_lossy(&skipped.stdout);
    assert!(
        skipped.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&skipped.stderr)
    );
    assert_eq!(stdout.matches("skipped").count(), 10, "{stdout}");
    assert_eq!(row_counts(&db).await[0], 10);

    let out = scratch.path().join("aplusb.zip");
    let exported = cli(vec![
        "problem".to_owned(),
        "export".to_owned(),
        "aplusb".to_owned(),
        out.to_string_lossy().into_owned(),
    ])
    .await
    .expect("run");
    assert!(
        exported.status.success(),
        "{}",
        String::from_utf8_lossy(&exported.stderr)
    );
    let zip = std::fs::read(&out).expect("the exported zip");
    let copy = import_ok(&app, &admin, "?slug=aplusb-again", zip).await;
    assert_eq!(copy["title"], "A plus B");
    assert_eq!(snapshot(&db, "aplusb").await, snapshot(&db, "aplusb-again").await);

    let missing = cli(words("problem export no-such-problem x.zip"))
        .await
        .expect("run");
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no-such-problem"));
}
