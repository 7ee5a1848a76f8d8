//! The problem set through the HTTP API, the library and the CLI: admins' editing, what users
//! are shown (never secret data), packages in and out (every sample package round-trips),
//! refusal of broken packages without a trace in rows or objects, collection of unused objects,
//! and the local test-data cache.
//!
//! The object store is one Garage bucket shared by every test (each with its own database), and
//! a database only knows its own references: a test that makes objects unused, by deleting or
//! replacing, uses content of its own (a fresh UUID in it) so it never collects an object that
//! another test's problem still needs.

use std::{
    collections::BTreeMap,
    io::{Read, Write},
    path::{Path, PathBuf},
    sync::{
        atomic::{AtomicUsize, Ordering},
        Mutex,
    },
    time::Duration,
};

use async_trait::async_trait;
use bytes::Bytes;
use coderank::{
    config::ProblemsConfig,
    problems::{
        cache::TestDataCache,
        import::{import_zip, ImportError, ImportOptions},
        objects::sha256_hex,
    },
    storage::{test_data_key, ObjectStore, SharedStore, StorageError},
};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use sqlx::PgPool;

use crate::helpers::{object_store, problems_config, spawn_app, AppOptions, TestApp};

const PASSWORD: &str = "correct horse battery";
const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const ZIP: &str = "application/zip";

/// Text no other test (nor run) has: objects made of it belong to this test alone.
fn unique(label: &str) -> String {
    format!("{label} {}\n", uuid::Uuid::new_v4())
}

/// A problem package as files in memory (path → bytes), to zip as it is or broken on purpose.
#[derive(Clone, Default)]
struct Package {
    files: BTreeMap<String, Vec<u8>>,
}

impl Package {
    /// The sample package `problems/<name>`.
    fn sample(name: &str) -> Self {
        fn read(dir: &Path, root: &Path, files: &mut BTreeMap<String, Vec<u8>>) {
            for entry in std::fs::read_dir(dir).expect("read a package folder") {
                let path = entry.expect("an entry").path();
                if path.is_dir() {
                    read(&path, root, files);
                } else {
                    let relative = path.strip_prefix(root).expect("below the root");
                    files.insert(
                        relative.to_string_lossy().into_owned(),
                        std::fs::read(&path).expect("read a package file"),
                    );
                }
            }
        }
        let root = Path::new(ROOT).join("problems").join(name);
        let mut files = BTreeMap::new();
        read(&root, &root, &mut files);
        Self { files }
    }

    /// A small valid package whose test data is unique to this call: one sample, one secret.
    fn fresh(title: &str) -> Self {
        Self::default()
            .with(
                "problem.yaml",
                format!("name: {title}\nvalidation: default\nlimits:\n  time_limit: 1\n  memory: 256\n"),
            )
            .with(
                "statement/problem.en.md",
                format!("# {title}\n\nEcho the input.\n"),
            )
            .with("data/sample/1.in", unique("sample input"))
            .with("data/sample/1.ans", unique("sample answer"))
            .with("data/secret/1.in", unique("secret input"))
            .with("data/secret/1.ans", unique("secret answer"))
    }

    fn with(mut self, path: &str, content: impl Into<Vec<u8>>) -> Self {
        self.files.insert(path.to_owned(), content.into());
        self
    }

    fn without(mut self, path: &str) -> Self {
        assert!(self.files.remove(path).is_some(), "the package has no {path}");
        self
    }

    /// SHA-256 of each test data file (what the importer would store).
    fn data_hashes(&self) -> Vec<String> {
        self.files
            .iter()
            .filter(|(path, _)| path.starts_with("data/"))
            .map(|(_, bytes)| sha256_hex(bytes))
            .collect()
    }

    /// The package zipped under the top folder `folder` (`""` for none), uncompressed, with
    /// whatever `extra` adds after the files.
    fn zip_with(&self, folder: &str, extra: impl FnOnce(&mut ZipWriter)) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options =
            zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        for (path, bytes) in &self.files {
            let name = if folder.is_empty() {
                path.clone()
            } else {
                format!("{folder}/{path}")
            };
            writer.start_file(name, options).expect("start a zip entry");
            writer.write_all(bytes).expect("write a zip entry");
        }
        extra(&mut writer);
        writer.finish().expect("finish the zip").into_inner()
    }

    fn zip(&self, folder: &str) -> Vec<u8> {
        self.zip_with(folder, |_| {})
    }
}

type ZipWriter = zip::ZipWriter<std::io::Cursor<Vec<u8>>>;

/// `problems/<name>` zipped under a folder of that name, as an admin would upload it.
fn zip_sample(name: &str) -> Vec<u8> {
    Package::sample(name).zip(name)
}

/// The folders of `problems/` that are packages.
fn sample_packages() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(Path::new(ROOT).join("problems"))
        .expect("read problems/")
        .map(|entry| entry.expect("an entry").path())
        .filter(|path| path.join("problem.yaml").is_file())
        .map(|path| path.file_name().expect("a name").to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The entries of a zip, by name.
fn unzip(bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a readable zip");
    let mut entries = BTreeMap::new();
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).expect("an entry");
        let mut content = Vec::new();
        entry.read_to_end(&mut content).expect("read an entry");
        entries.insert(entry.name().to_owned(), content);
    }
    entries
}

/// An app, and access tokens of an admin and of an ordinary user.
async fn app_with_callers(options: AppOptions) -> (TestApp, String, String) {
    let app = spawn_app(options).await;
    let admin = app.admin_token("admin@example.org", PASSWORD).await;
    let user = app.register("user@example.org", PASSWORD).await["access_token"]
        .as_str()
        .expect("access_token")
        .to_owned();
    (app, admin, user)
}

async fn import(app: &TestApp, admin: &str, query: &str, zip: Vec<u8>) -> reqwest::Response {
    app.send_bytes(
        Method::POST,
        &format!("/api/v1/problems/import{query}"),
        Some(admin),
        ZIP,
        zip,
    )
    .await
}

/// Imports a zip that must be accepted; answers the problem.
async fn import_ok(app: &TestApp, admin: &str, query: &str, zip: Vec<u8>) -> Value {
    let response = import(app, admin, query, zip).await;
    let status = response.status();
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(status, StatusCode::CREATED, "import{query}: {body}");
    body
}

/// Status and JSON body of a response.
async fn answer(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    let text = response.text().await.expect("a body");
    let body = serde_json::from_str(&text).unwrap_or_else(|_| panic!("a JSON body, got {status}: {text}"));
    (status, body)
}

/// Status and error message of a refused request.
async fn refusal(response: reqwest::Response) -> (StatusCode, String) {
    let (status, body) = answer(response).await;
    let message = body["error"]["message"]
        .as_str()
        .unwrap_or_else(|| panic!("an error envelope, got {status}: {body}"))
        .to_owned();
    (status, message)
}

/// Creates an unpublished problem through the API.
async fn create(app: &TestApp, admin: &str, body: Value) -> Value {
    let (status, problem) = answer(
        app.call(Method::POST, "/api/v1/problems", Some(admin), Some(body))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{problem}");
    problem
}

async fn add_test(app: &TestApp, admin: &str, slug: &str, test: Value) -> Value {
    let (status, body) = answer(
        app.call(
            Method::POST,
            &format!("/api/v1/problems/{slug}/tests"),
            Some(admin),
            Some(test),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

async fn patch(app: &TestApp, admin: &str, slug: &str, change: Value) -> (StatusCode, Value) {
    answer(
        app.call(
            Method::PATCH,
            &format!("/api/v1/problems/{slug}"),
            Some(admin),
            Some(change),
        )
        .await,
    )
    .await
}

/// The admin's listing of a problem's test cases.
async fn tests_of(app: &TestApp, admin: &str, slug: &str) -> Vec<Value> {
    let (status, body) = answer(
        app.call(
            Method::GET,
            &format!("/api/v1/problems/{slug}/tests"),
            Some(admin),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body.as_array().expect("an array").clone()
}

async fn export(app: &TestApp, admin: &str, slug: &str) -> Vec<u8> {
    let response = app
        .call(
            Method::GET,
            &format!("/api/v1/problems/{slug}/export"),
            Some(admin),
            None,
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK, "export {slug}");
    assert_eq!(response.headers()[reqwest::header::CONTENT_TYPE], ZIP);
    let disposition = response.headers()[reqwest::header::CONTENT_DISPOSITION]
        .to_str()
        .expect("text")
        .to_owned();
    assert!(disposition.contains(&format!("{slug}.zip")), "{disposition}");
    response.bytes().await.expect("the zip").to_vec()
}

/// Rows in problems, test_cases and problem_files.
async fn row_counts(db: &PgPool) -> [i64; 3] {
    let mut counts = [0; 3];
    for (count, table) in counts.iter_mut().zip(["problems", "test_cases", "problem_files"]) {
        *count = sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
            .fetch_one(db)
            .await
            .expect("count rows");
    }
    counts
}

/// Whether the store holds the object with this SHA-256.
async fn stored(store: &SharedStore, sha: &str) -> bool {
    store
        .size(&test_data_key(sha).expect("a hash"))
        .await
        .expect("ask the store")
        .is_some()
}

/// A problem as the database holds it, without ids and times: what an export must carry over.
#[derive(Debug, PartialEq)]
struct Snapshot {
    /// title, statement, statement_format, time_limit_ms, memory_mb, output_mb, checker,
    /// validator_flags, tags.
    fields: (String, String, String, i32, i32, i32, String, String, Vec<String>),
    /// kind, group_path, name, ordinal, input_sha256, answer_sha256, in judging order.
    tests: Vec<(String, String, String, i32, String, String)>,
    /// path, sha256.
    files: Vec<(String, String)>,
}

async fn snapshot(db: &PgPool, slug: &str) -> Snapshot {
    let (id, fields) = {
        type Row = (
            uuid::Uuid,
            String,
            String,
            String,
            i32,
            i32,
            i32,
            String,
            String,
            Vec<String>,
        );
        let row: Row = sqlx::query_as(
            "SELECT id, title, statement, statement_format, time_limit_ms, memory_mb, output_mb, checker,
                    validator_flags, tags
             FROM problems WHERE slug = $1",
        )
        .bind(slug)
        .fetch_one(db)
        .await
        .expect("the problem's row");
        (
            row.0,
            (row.1, row.2, row.3, row.4, row.5, row.6, row.7, row.8, row.9),
        )
    };
    let tests = sqlx::query_as(
        "SELECT kind, group_path, name, ordinal, input_sha256, answer_sha256
         FROM test_cases WHERE problem_id = $1 ORDER BY ordinal",
    )
    .bind(id)
    .fetch_all(db)
    .await
    .expect("test case rows");
    let files = sqlx::query_as("SELECT path, sha256 FROM problem_files WHERE problem_id = $1 ORDER BY path")
        .bind(id)
        .fetch_all(db)
        .await
        .expect("problem file rows");
    Snapshot { fields, tests, files }
}

// ---------------------------------------------------------------------------------------------
// Admins' editing and what users see

#[tokio::test]
async fn an_admin_creates_edits_publishes_lists_and_deletes_problems() {
    let (app, admin, user) = app_with_callers(AppOptions::default()).await;
    let db = app.db().await;
    let created = create(
        &app,
        &admin,
        json!({ "slug": "two-sum", "title": "Two Sum", "statement": "Add them.", "tags": ["math"], "difficulty": 800 }),
    )
    .await;
    assert_eq!(created["slug"], "two-sum");
    assert_eq!(created["published"], false);
    assert_eq!(created["time_limit_ms"], 1000);
    assert_eq!(created["memory_mb"], 1024);
    assert_eq!(created["checker"], "default");

    let (status, message) = refusal(
        app.call(
            Method::POST,
            "/api/v1/problems",
            Some(&admin),
            Some(json!({ "slug": "two-sum", "title": "Again" })),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(message.contains("two-sum"), "{message}");
    let (status, message) = refusal(
        app.call(
            Method::POST,
            "/api/v1/problems",
            Some(&admin),
            Some(json!({ "slug": "Not A Slug", "title": "x" })),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(message.contains("slug"), "{message}");

    let (status, body) = patch(&app, &admin, "two-sum", json!({ "published": true })).await;
    assert_eq!(status, StatusCode::CONFLICT, "publishing without tests: {body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .expect("message")
            .contains("two-sum"),
        "{body}"
    );
    let (status, body) = patch(&app, &admin, "two-sum", json!({ "memory_mb": 1 })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .expect("message")
            .contains("memory_mb"),
        "{body}"
    );

    let (sample_in, sample_ans) = (unique("1 2"), unique("3"));
    add_test(
        &app,
        &admin,
        "two-sum",
        json!({ "kind": "sample", "name": "1", "input": sample_in, "answer": sample_ans }),
    )
    .await;
    let counted = add_test(
        &app,
        &admin,
        "two-sum",
        json!({ "kind": "secret", "name": "1", "input": unique("5 6"), "answer": unique("11") }),
    )
    .await;
    assert_eq!(counted["test_count"], 2);
    let (status, patched) = patch(
        &app,
        &admin,
        "two-sum",
        json!({ "title": "Sum of Two", "time_limit_ms": 1500, "memory_mb": 512, "tags": ["math", "graphs"], "published": true }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{patched}");
    assert_eq!(patched["title"], "Sum of Two");
    assert_eq!(patched["time_limit_ms"], 1500);
    assert_eq!(patched["memory_mb"], 512);
    assert_eq!(patched["tags"], json!(["math", "graphs"]));
    assert_eq!(
        patched["statement"], "Add them.",
        "fields left out stay as they were"
    );
    assert_eq!(patched["published"], true);

    for (slug, title, tag) in [
        ("alpha-sort", "Alpha Sort", "graphs"),
        ("beta-sum", "Beta Sum", "strings"),
    ] {
        create(
            &app,
            &admin,
            json!({ "slug": slug, "title": title, "tags": [tag] }),
        )
        .await;
        add_test(
            &app,
            &admin,
            slug,
            json!({ "kind": "secret", "name": "only", "input": unique("in"), "answer": unique("ans") }),
        )
        .await;
        assert_eq!(
            patch(&app, &admin, slug, json!({ "published": true })).await.0,
            StatusCode::OK
        );
    }

    let list = |query: &'static str| {
        let app = &app;
        let user = user.clone();
        async move {
            let (status, body) = answer(
                app.call(
                    Method::GET,
                    &format!("/api/v1/problems{query}"),
                    Some(&user),
                    None,
                )
                .await,
            )
            .await;
            assert_eq!(status, StatusCode::OK, "{query}: {body}");
            let slugs: Vec<String> = body["items"]
                .as_array()
                .expect("items")
                .iter()
                .map(|item| item["slug"].as_str().expect("slug").to_owned())
                .collect();
            (slugs, body["total"].as_i64().expect("total"), body)
        }
    };
    // Newest first, two to a page.
    let (first, total, page) = list("?per_page=2").await;
    assert_eq!(
        (first, total),
        (vec!["beta-sum".to_owned(), "alpha-sort".to_owned()], 3)
    );
    assert_eq!(
        (page["page"].clone(), page["per_page"].clone()),
        (json!(1), json!(2))
    );
    assert!(
        page["items"][0].get("published").is_none(),
        "users are not told what is published"
    );
    assert_eq!(page["items"][0]["title"], "Beta Sum");
    assert_eq!(list("?per_page=2&page=2").await.0, ["two-sum"]);
    assert!(list("?per_page=2&page=3").await.0.is_empty());
    let (found, total, _) = list("?q=SUM").await;
    assert_eq!(
        (found, total),
        (vec!["beta-sum".to_owned(), "two-sum".to_owned()], 2)
    );
    assert_eq!(list("?tag=graphs").await.0, ["alpha-sort", "two-sum"]);
    assert_eq!(list("?q=sum&tag=graphs").await.0, ["two-sum"]);
    assert!(list("?q=nothing-like-it").await.0.is_empty());
    let (status, message) = refusal(
        app.call(Method::GET, "/api/v1/problems?per_page=0", None, None)
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(message.contains("per_page"), "{message}");

    let (status, detail) = answer(
        app.call(Method::GET, "/api/v1/problems/two-sum", Some(&user), None)
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{detail}");
    assert_eq!(detail["title"], "Sum of Two");
    assert_eq!(detail["statement"], "Add them.");
    assert_eq!(detail["test_count"], 2);
    assert_eq!(
        detail["samples"],
        json!([{ "name": "sample/1", "input": sample_in, "answer": sample_ans, "truncated": false }])
    );

    let (status, deleted) = answer(
        app.call(Method::DELETE, "/api/v1/problems/two-sum", Some(&admin), None)
            .await,
    )
    .await;
    assert_eq!((status, deleted), (StatusCode::OK, json!({ "deleted": true })));
    let (status, message) = refusal(
        app.call(Method::GET, "/api/v1/problems/two-sum", Some(&admin), None)
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(message.contains("two-sum"), "{message}");
    assert_eq!(list("").await.1, 2);
    assert_eq!(
        row_counts(&db).await,
        [2, 2, 0],
        "the deleted problem's test cases went with it"
    );
}

#[tokio::test]
async fn users_and_anonymous_callers_cannot_administer_problems_nor_see_unpublished_ones() {
    let (app, admin, user) = app_with_callers(AppOptions::default()).await;
    let db = app.db().await;
    create(&app, &admin, json!({ "slug": "shown", "title": "Shown" })).await;
    add_test(
        &app,
        &admin,
        "shown",
        json!({ "kind": "sample", "name": "1", "input": unique("in"), "answer": unique("ans") }),
    )
    .await;
    assert_eq!(
        patch(&app, &admin, "shown", json!({ "published": true })).await.0,
        StatusCode::OK
    );
    create(&app, &admin, json!({ "slug": "hidden", "title": "Hidden" })).await;
    add_test(
        &app,
        &admin,
        "hidden",
        json!({ "kind": "sample", "name": "1", "input": unique("in"), "answer": unique("ans") }),
    )
    .await;
    let test_id = tests_of(&app, &admin, "hidden").await[0]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let before = (row_counts(&db).await, snapshot(&db, "hidden").await);

    for (caller, token, refused) in [
        ("anonymous", None, StatusCode::UNAUTHORIZED),
        ("a user", Some(user.as_str()), StatusCode::FORBIDDEN),
    ] {
        let (status, message) = refusal(
            app.call(Method::GET, "/api/v1/problems/hidden", token, None)
                .await,
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{caller}");
        assert!(message.contains("hidden"), "{caller}: {message}");
        let (status, listing) = answer(app.call(Method::GET, "/api/v1/problems", token, None).await).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(listing["total"], 1, "{caller}: {listing}");
        assert_eq!(listing["items"][0]["slug"], "shown", "{caller}");
        let (status, _) = answer(app.call(Method::GET, "/api/v1/problems/shown", token, None).await).await;
        assert_eq!(status, StatusCode::OK, "{caller}");

        let json_calls = [
            (
                Method::POST,
                "/api/v1/problems".to_owned(),
                json!({ "slug": "mine", "title": "Mine" }),
            ),
            (
                Method::PATCH,
                "/api/v1/problems/hidden".to_owned(),
                json!({ "published": true }),
            ),
            (Method::DELETE, "/api/v1/problems/hidden".to_owned(), json!({})),
            (
                Method::GET,
                "/api/v1/problems/hidden/export".to_owned(),
                json!({}),
            ),
            (Method::GET, "/api/v1/problems/hidden/tests".to_owned(), json!({})),
            (
                Method::POST,
                "/api/v1/problems/hidden/tests".to_owned(),
                json!({ "kind": "secret", "name": "x", "input": "1", "answer": "1" }),
            ),
            (
                Method::DELETE,
                format!("/api/v1/problems/hidden/tests/{test_id}"),
                json!({}),
            ),
            (
                Method::PUT,
                "/api/v1/problems/hidden/tests/order".to_owned(),
                json!({ "ids": [test_id] }),
            ),
            (
                Method::PUT,
                "/api/v1/problems/hidden/validator".to_owned(),
                json!({ "files": { "v.py": "print()" } }),
            ),
            (
                Method::DELETE,
                "/api/v1/problems/hidden/validator".to_owned(),
                json!({}),
            ),
        ];
        for (method, path, body) in json_calls {
            let response = app.call(method.clone(), &path, token, Some(body)).await;
            let (status, message) = refusal(response).await;
            assert_eq!(status, refused, "{method} {path} as {caller}: {message}");
        }
        for path in ["/api/v1/problems/import", "/api/v1/problems/hidden/tests/zip"] {
            let response = app
                .send_bytes(Method::POST, path, token, ZIP, zip_sample("aplusb"))
                .await;
            let (status, message) = refusal(response).await;
            assert_eq!(status, refused, "POST {path} as {caller}: {message}");
        }
    }
    assert_eq!(
        (row_counts(&db).await, snapshot(&db, "hidden").await),
        before,
        "nothing changed"
    );
}

#[tokio::test]
async fn secret_test_data_never_appears_in_what_users_are_shown() {
    let (app, admin, user) = app_with_callers(AppOptions::default()).await;
    import_ok(&app, &admin, "?publish=true", zip_sample("aplusb")).await;
    let package = Package::sample("aplusb");
    let text = |path: &str| String::from_utf8(package.files[path].clone()).expect("text");
    let (status, detail) = answer(
        app.call(Method::GET, "/api/v1/problems/aplusb", Some(&user), None)
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{detail}");
    assert_eq!(
        detail["samples"],
        json!([
            { "name": "sample/1", "input": text("data/sample/1.in"), "answer": text("data/sample/1.ans"), "truncated": false },
            { "name": "sample/2", "input": text("data/sample/2.in"), "answer": text("data/sample/2.ans"), "truncated": false },
        ])
    );
    assert_eq!(detail["test_count"], 13);

    let shown_anyway = format!("{}{}", text("statement/problem.en.md"), detail["samples"]);
    let secrets: Vec<(&String, String)> = package
        .files
        .iter()
        .filter(|(path, _)| path.starts_with("data/secret/"))
        .map(|(path, bytes)| (path, String::from_utf8_lossy(bytes).trim().to_owned()))
        // Short or public text ("0", "-1") proves nothing when found.
        .filter(|(_, content)| content.len() >= 6 && !shown_anyway.contains(content.as_str()))
        .collect();
    assert!(
        secrets.len() >= 10,
        "too few distinctive secret files to check: {secrets:?}"
    );
    let hashes: Vec<String> = tests_of(&app, &admin, "aplusb")
        .await
        .iter()
        .filter(|test| test["kind"] == "secret")
        .flat_map(|test| [test["input_sha256"].clone(), test["answer_sha256"].clone()])
        .map(|hash| hash.as_str().expect("a hash").to_owned())
        .collect();
    assert_eq!(hashes.len(), 22);
    for token in [None, Some(user.as_str())] {
        for path in [
            "/api/v1/problems/aplusb",
            "/api/v1/problems",
            "/api/v1/problems?q=plus",
        ] {
            let response = app.call(Method::GET, path, token, None).await;
            assert_eq!(response.status(), StatusCode::OK, "{path}");
            let body = response.text().await.expect("a body");
            assert!(body.contains("aplusb"), "{path}: {body}");
            for (file, content) in &secrets {
                assert!(!body.contains(content.as_str()), "{path} shows {file}: {body}");
            }
            for hash in &hashes {
                assert!(
                    !body.contains(hash.as_str()),
                    "{path} shows a secret hash: {body}"
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Import and export

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
            "hostile",
            "sandbox",
            "sortwords"
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
    assert_eq!(custom, ["anypath", "anypath-copy", "sortwords", "sortwords-copy"]);
}

#[tokio::test]
async fn a_zip_without_a_top_folder_takes_its_slug_from_the_title() {
    let (app, admin, _) = app_with_callers(AppOptions::default()).await;
    let imported = import_ok(&app, &admin, "", Package::fresh("Flat Package").zip("")).await;
    assert_eq!(imported["slug"], "flat-package");
    assert_eq!(imported["title"], "Flat Package");
}

/// `package` zipped under `aplusb/`, plus one entry whose name is not UTF-8. The zip crate takes
/// names as `str`, so the entry is written under a placeholder of the same length, which is then
/// overwritten in the local header and in the central directory (no checksum covers names).
fn not_utf8_entry(package: &Package) -> Vec<u8> {
    const PLACEHOLDER: &[u8] = b"PLACEHOLDER-NAME";
    let zip = package.zip_with("aplusb", |writer| {
        let options = zip::write::SimpleFileOptions::default();
        writer
            .start_file("aplusb/data/secret/PLACEHOLDER-NAME.in", options)
            .expect("start");
        writer.write_all(b"1 1\n").expect("write");
    });
    let mut patched = zip.clone();
    let mut replaced = 0;
    for start in 0..zip.len().saturating_sub(PLACEHOLDER.len()) {
        if &zip[start..start + PLACEHOLDER.len()] == PLACEHOLDER {
            patched[start..start + PLACEHOLDER.len()].fill(0xff);
            replaced += 1;
        }
    }
    assert_eq!(
        replaced, 2,
        "the name is in the local header and the central directory"
    );
    patched
}

/// One broken upload and what its refusal must say.
struct Broken {
    what: &'static str,
    query: &'static str,
    content_type: &'static str,
    body: Vec<u8>,
    status: StatusCode,
    /// Words the error message must contain: the file or setting at fault.
    names: Vec<&'static str>,
}

#[tokio::test]
async fn each_kind_of_broken_package_is_refused_naming_its_fault_and_nothing_is_written() {
    let (app, admin, _) = app_with_callers(AppOptions::default()).await;
    let (db, store) = (app.db().await, object_store().await);
    import_ok(&app, &admin, "", zip_sample("aplusb")).await;
    // aplusb with a test case of this run's own, whose objects must stay out of the store.
    let (mark_in, mark_ans) = (unique("marked input"), unique("marked answer"));
    let marks = [sha256_hex(mark_in.as_bytes()), sha256_hex(mark_ans.as_bytes())];
    let marked = || {
        Package::sample("aplusb")
            .with("data/secret/zz.in", mark_in.clone())
            .with("data/secret/zz.ans", mark_ans.clone())
    };
    let broken = |what, query, body, status, names| Broken {
        what,
        query,
        content_type: ZIP,
        body,
        status,
        names,
    };
    let garbage: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let flags = marked().with(
        "problem.yaml",
        "name: A plus B\nvalidation: default\nvalidator_flags: frobnicate\nlimits:\n  time_limit: 2\n",
    );
    let file_at = |name: &'static str| {
        move |writer: &mut ZipWriter| {
            writer
                .start_file(name, zip::write::SimpleFileOptions::default())
                .expect("start");
            writer.write_all(b"escaped\n").expect("write");
        }
    };
    let cases = vec![
        broken(
            "random bytes",
            "?slug=fresh",
            garbage,
            StatusCode::BAD_REQUEST,
            vec!["not a readable zip"],
        ),
        broken(
            "an input without its answer",
            "?slug=fresh",
            marked()
                .without("data/secret/small/03-both-negative.ans")
                .zip("aplusb"),
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["data/secret/small/03-both-negative.in", ".ans"],
        ),
        broken(
            "a parent-directory entry",
            "?slug=fresh",
            marked().zip_with("aplusb", file_at("../x")),
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["../x"],
        ),
        broken(
            "an absolute entry",
            "?slug=fresh",
            marked().zip_with("aplusb", file_at("/abs")),
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["/abs"],
        ),
        broken(
            "a symlink entry",
            "?slug=fresh",
            marked().zip_with("aplusb", |writer| {
                writer
                    .add_symlink(
                        "aplusb/data/secret/link.in",
                        "/etc/passwd",
                        zip::write::SimpleFileOptions::default(),
                    )
                    .expect("add a symlink");
            }),
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["aplusb/data/secret/link.in", "symlink"],
        ),
        broken(
            "an entry name that is not UTF-8",
            "?slug=fresh",
            not_utf8_entry(&marked()),
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["aplusb/data/secret/", "not UTF-8"],
        ),
        broken(
            "an unknown validator flag",
            "?slug=fresh",
            flags.zip("aplusb"),
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["problem.yaml", "frobnicate"],
        ),
        broken(
            "a slug that is taken",
            "",
            marked().zip("aplusb"),
            StatusCode::CONFLICT,
            vec!["\"aplusb\"", "already exists"],
        ),
        broken(
            "an invalid slug",
            "?slug=Bad%20Slug",
            marked().zip("aplusb"),
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["Bad Slug"],
        ),
        Broken {
            content_type: "application/octet-stream",
            ..broken(
                "the wrong content type",
                "?slug=fresh",
                marked().zip("aplusb"),
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                vec!["application/zip", "application/octet-stream"],
            )
        },
    ];
    let before = row_counts(&db).await;
    assert_eq!(before[0], 1, "only the first aplusb");
    for case in cases {
        let response = app
            .send_bytes(
                Method::POST,
                &format!("/api/v1/problems/import{}", case.query),
                Some(&admin),
                case.content_type,
                case.body,
            )
            .await;
        let (status, message) = refusal(response).await;
        assert_eq!(status, case.status, "{}: {message}", case.what);
        for name in &case.names {
            assert!(
                message.contains(name),
                "{}: {message:?} does not name {name:?}",
                case.what
            );
        }
        assert_eq!(row_counts(&db).await, before, "{}: rows were written", case.what);
        for hash in &marks {
            assert!(
                !stored(&store, hash).await,
                "{}: an object was left in the store",
                case.what
            );
        }
    }
    // The same package unbroken goes in, so the refusals were for the faults alone.
    import_ok(&app, &admin, "?slug=fresh", marked().zip("aplusb")).await;
    assert!(stored(&store, &marks[0]).await);
}

#[tokio::test]
async fn files_and_packages_over_their_caps_are_refused_with_413_and_nothing_is_written() {
    let limits = ProblemsConfig {
        max_test_file_bytes: 1000,
        max_package_bytes: 5000,
        ..problems_config()
    };
    let (app, admin, _) = app_with_callers(AppOptions {
        problems: Some(limits),
        ..AppOptions::default()
    })
    .await;
    let (db, store) = (app.db().await, object_store().await);

    // Only test data unique to this test proves anything when it is absent from the store.
    let mut own_hashes = Vec::new();
    let big_file = Package::fresh("Big File");
    own_hashes.extend(big_file.data_hashes());
    let big_input = unique("x").repeat(30);
    own_hashes.push(sha256_hex(big_input.as_bytes()));
    let big_file = big_file
        .with("data/secret/big.in", big_input)
        .with("data/secret/big.ans", "1\n");
    assert!(big_file.files["data/secret/big.in"].len() > 1000);
    let response = import(&app, &admin, "", big_file.zip("big-file")).await;
    let (status, message) = refusal(response).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{message}");
    assert!(
        message.contains("data/secret/big.in") && message.contains("1000"),
        "{message}"
    );

    // Small as a zip, too big unpacked: the sizes a zip declares are not what counts.
    let many = Package::fresh("Many Files");
    own_hashes.extend(many.data_hashes());
    let many = (0..8).fold(many, |package, i| {
        package
            .with(&format!("data/secret/many-{i}.in"), "7 ".repeat(450))
            .with(&format!("data/secret/many-{i}.ans"), "7\n")
    });
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (path, bytes) in &many.files {
        writer
            .start_file(
                format!("many-files/{path}"),
                zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated),
            )
            .expect("start");
        writer.write_all(bytes).expect("write");
    }
    let compressed = writer.finish().expect("finish").into_inner();
    assert!(compressed.len() < 5000, "{} bytes", compressed.len());
    let (status, message) = refusal(import(&app, &admin, "", compressed).await).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{message}");
    assert!(message.contains("5000"), "{message}");

    assert_eq!(row_counts(&db).await, [0, 0, 0]);
    for hash in &own_hashes {
        assert!(!stored(&store, hash).await, "{hash} was stored");
    }

    // Single files through the API have the same cap.
    create(&app, &admin, json!({ "slug": "capped", "title": "Capped" })).await;
    let (status, message) = refusal(
        app.call(
            Method::POST,
            "/api/v1/problems/capped/tests",
            Some(&admin),
            Some(json!({ "kind": "secret", "name": "big", "input": "9".repeat(1001), "answer": "1" })),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{message}");
    assert!(message.contains("input"), "{message}");
    let (status, message) = refusal(
        app.call(
            Method::PUT,
            "/api/v1/problems/capped/validator",
            Some(&admin),
            Some(json!({ "files": { "huge.py": "#".repeat(1001) } })),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{message}");
    assert!(message.contains("huge.py"), "{message}");
    assert_eq!(row_counts(&db).await, [1, 0, 0]);
}

/// The real store, failing the `fail_on`-th put (counting from 1); remembers what it stored.
#[derive(Debug)]
struct FailingStore {
    inner: SharedStore,
    fail_on: usize,
    puts: AtomicUsize,
    stored: Mutex<Vec<String>>,
}

#[async_trait]
impl ObjectStore for FailingStore {
    async fn put(&self, key: &str, body: Bytes) -> Result<(), StorageError> {
        if self.puts.fetch_add(1, Ordering::SeqCst) + 1 == self.fail_on {
            return Err(StorageError::Backend {
                operation: "put",
                message: "injected failure".to_owned(),
            });
        }
        self.inner.put(key, body).await?;
        self.stored.lock().expect("lock").push(key.to_owned());
        Ok(())
    }

    async fn get(&self, key: &str) -> Result<Bytes, StorageError> {
        self.inner.get(key).await
    }

    async fn size(&self, key: &str) -> Result<Option<u64>, StorageError> {
        self.inner.size(key).await
    }

    async fn delete(&self, key: &str) -> Result<(), StorageError> {
        self.inner.delete(key).await
    }

    async fn list(&self, prefix: &str) -> Result<Vec<String>, StorageError> {
        self.inner.list(prefix).await
    }

    async fn check(&self) -> Result<(), StorageError> {
        self.inner.check().await
    }

    fn describe(&self) -> String {
        format!("failing {}", self.inner.describe())
    }
}

#[tokio::test]
async fn an_import_failing_midway_leaves_no_rows_and_deletes_the_objects_it_uploaded() {
    let app = spawn_app(AppOptions::default()).await;
    let db = app.db().await;
    let real = object_store().await;
    let failing = std::sync::Arc::new(FailingStore {
        inner: real.clone(),
        fail_on: 3,
        puts: AtomicUsize::new(0),
        stored: Mutex::new(Vec::new()),
    });
    let package = Package::fresh("Midway")
        .with("data/secret/2.in", unique("second input"))
        .with("data/secret/2.ans", unique("second answer"));
    let store: SharedStore = failing.clone();
    let err = import_zip(
        &db,
        &store,
        &problems_config(),
        Bytes::from(package.zip("midway")),
        ImportOptions::default(),
    )
    .await
    .expect_err("the third upload fails");
    assert!(matches!(err, ImportError::Internal(_)), "{err:?}");
    assert!(format!("{err:#}").contains("injected failure"), "{err:#}");

    assert_eq!(row_counts(&db).await, [0, 0, 0]);
    let uploaded = failing.stored.lock().expect("lock").clone();
    assert_eq!(
        uploaded.len(),
        2,
        "two objects went up before the failure: {uploaded:?}"
    );
    for key in &uploaded {
        assert_eq!(
            real.size(key).await.expect("ask the store"),
            None,
            "{key} was left behind"
        );
    }
    for hash in package.data_hashes() {
        assert!(!stored(&real, &hash).await, "{hash} was left behind");
    }

    // With a store that works, the same package goes in whole.
    let problem = import_zip(
        &db,
        &real,
        &problems_config(),
        Bytes::from(package.zip("midway")),
        ImportOptions::default(),
    )
    .await
    .expect("import");
    assert_eq!(problem.slug, "midway");
    assert_eq!(row_counts(&db).await, [1, 3, 1]);
}

// ---------------------------------------------------------------------------------------------
// Editing test cases and validators; collecting objects

#[tokio::test]
async fn admins_add_replace_upload_delete_and_reorder_test_cases() {
    let (app, admin, _) = app_with_callers(AppOptions::default()).await;
    let store = object_store().await;
    create(&app, &admin, json!({ "slug": "edit-me", "title": "Edit Me" })).await;
    let hash = |text: &str| sha256_hex(text.as_bytes());

    let (old_in, old_ans) = (unique("old input"), unique("old answer"));
    let counted = add_test(
        &app,
        &admin,
        "edit-me",
        json!({ "kind": "secret", "name": "big", "input": old_in, "answer": old_ans }),
    )
    .await;
    assert_eq!(counted, json!({ "test_count": 1 }));
    assert!(stored(&store, &hash(&old_in)).await);
    let (new_in, new_ans) = (unique("new input"), unique("new answer"));
    let counted = add_test(
        &app,
        &admin,
        "edit-me",
        json!({ "kind": "secret", "name": "big", "input": new_in, "answer": new_ans }),
    )
    .await;
    assert_eq!(counted, json!({ "test_count": 1 }), "the same name replaces");
    let tests = tests_of(&app, &admin, "edit-me").await;
    assert_eq!(tests.len(), 1);
    assert_eq!(tests[0]["input_sha256"], hash(&new_in));
    assert_eq!(tests[0]["answer_sha256"], hash(&new_ans));
    assert_eq!(tests[0]["input_size"], new_in.len());
    assert!(stored(&store, &hash(&new_in)).await && stored(&store, &hash(&new_ans)).await);
    assert!(
        !stored(&store, &hash(&old_in)).await,
        "the replaced input was collected"
    );
    assert!(
        !stored(&store, &hash(&old_ans)).await,
        "the replaced answer was collected"
    );

    for (test, names) in [
        (
            json!({ "kind": "hidden", "name": "x", "input": "1", "answer": "1" }),
            "hidden",
        ),
        (
            json!({ "kind": "secret", "name": "../x", "input": "1", "answer": "1" }),
            "../x",
        ),
        (
            json!({ "kind": "secret", "group": "a//b", "name": "x", "input": "1", "answer": "1" }),
            "a//b",
        ),
    ] {
        let (status, message) = refusal(
            app.call(
                Method::POST,
                "/api/v1/problems/edit-me/tests",
                Some(&admin),
                Some(test),
            )
            .await,
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{message}");
        assert!(message.contains(names), "{message}");
    }

    let upload = Package::default()
        .with("data/sample/1.in", unique("sample"))
        .with("data/sample/1.ans", unique("sample answer"))
        .with("data/secret/g1/a.in", unique("a"))
        .with("data/secret/g1/a.ans", unique("a answer"))
        .with("data/secret/g2/b.in", unique("b"))
        .with("data/secret/g2/b.ans", unique("b answer"));
    let (status, counted) = answer(
        app.send_bytes(
            Method::POST,
            "/api/v1/problems/edit-me/tests/zip",
            Some(&admin),
            ZIP,
            upload.zip(""),
        )
        .await,
    )
    .await;
    assert_eq!((status, counted), (StatusCode::OK, json!({ "test_count": 4 })));
    let names = |tests: &[Value]| -> Vec<String> {
        tests
            .iter()
            .map(|test| {
                let (group, name) = (test["group_path"].as_str().expect("group"), &test["name"]);
                format!(
                    "{}:{group}:{}",
                    test["kind"].as_str().expect("kind"),
                    name.as_str().expect("name")
                )
            })
            .collect()
    };
    let tests = tests_of(&app, &admin, "edit-me").await;
    assert_eq!(
        names(&tests),
        ["sample::1", "secret::big", "secret:g1:a", "secret:g2:b"]
    );
    let ordinals: Vec<i64> = tests
        .iter()
        .map(|test| test["ordinal"].as_i64().expect("ordinal"))
        .collect();
    assert_eq!(ordinals, [0, 1, 2, 3]);

    // Without the data/ folder, and with an answer that has no input.
    let orphaned = Package::default()
        .with("secret/c.in", unique("c"))
        .with("secret/c.ans", unique("c answer"))
        .with("secret/orphan.ans", unique("orphan"));
    let (status, message) = refusal(
        app.send_bytes(
            Method::POST,
            "/api/v1/problems/edit-me/tests/zip",
            Some(&admin),
            ZIP,
            orphaned.zip(""),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{message}");
    assert!(message.contains("secret/orphan.ans"), "{message}");
    assert_eq!(tests_of(&app, &admin, "edit-me").await, tests, "nothing changed");
    for bytes in orphaned.files.values() {
        assert!(
            !stored(&store, &sha256_hex(bytes)).await,
            "an object of the refused zip was stored"
        );
    }

    let doomed = tests[2]["id"].as_str().expect("id").to_owned();
    let response = app
        .call(
            Method::DELETE,
            &format!("/api/v1/problems/edit-me/tests/{doomed}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let (status, message) = refusal(
        app.call(
            Method::DELETE,
            &format!("/api/v1/problems/edit-me/tests/{doomed}"),
            Some(&admin),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(message.contains(&doomed), "{message}");
    assert!(!stored(&store, tests[2]["input_sha256"].as_str().expect("hash")).await);
    let tests = tests_of(&app, &admin, "edit-me").await;
    assert_eq!(names(&tests), ["sample::1", "secret::big", "secret:g2:b"]);

    let ids = |tests: &[Value]| -> Vec<String> {
        tests
            .iter()
            .map(|test| test["id"].as_str().expect("id").to_owned())
            .collect()
    };
    let mut reversed = ids(&tests);
    reversed.reverse();
    let (status, reordered) = answer(
        app.call(
            Method::PUT,
            "/api/v1/problems/edit-me/tests/order",
            Some(&admin),
            Some(json!({ "ids": reversed })),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{reordered}");
    let reordered = reordered.as_array().expect("an array").clone();
    assert_eq!(
        names(&reordered),
        ["sample::1", "secret:g2:b", "secret::big"],
        "secret cases reversed, the sample still first"
    );
    assert_eq!(tests_of(&app, &admin, "edit-me").await, reordered);

    let all = ids(&reordered);
    for (wrong, what) in [
        (all[..2].to_vec(), "one missing"),
        ([all.clone(), vec![all[0].clone()]].concat(), "one twice"),
        (
            [&all[..2], &[uuid::Uuid::new_v4().to_string()]].concat(),
            "a stranger",
        ),
    ] {
        let (status, message) = refusal(
            app.call(
                Method::PUT,
                "/api/v1/problems/edit-me/tests/order",
                Some(&admin),
                Some(json!({ "ids": wrong })),
            )
            .await,
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{what}: {message}");
        assert!(message.contains("exactly once"), "{what}: {message}");
    }
    assert_eq!(
        tests_of(&app, &admin, "edit-me").await,
        reordered,
        "nothing changed"
    );
}

#[tokio::test]
async fn a_validator_set_through_the_api_is_exported_and_can_be_removed_again() {
    let (app, admin, _) = app_with_callers(AppOptions::default()).await;
    let (db, store) = (app.db().await, object_store().await);
    let imported = import_ok(
        &app,
        &admin,
        "",
        Package::fresh("Custom Check").zip("custom-check"),
    )
    .await;
    assert_eq!(imported["checker"], "default");

    let source = format!("#!/usr/bin/env python3\n# {}", unique("validator"));
    let (status, problem) = answer(
        app.call(
            Method::PUT,
            "/api/v1/problems/custom-check/validator",
            Some(&admin),
            Some(json!({ "files": { "validate.py": source } })),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{problem}");
    assert_eq!(problem["checker"], "custom");
    for (files, named) in [
        (json!({ "../evil.py": "x" }), "../evil.py"),
        (json!({}), "at least one"),
    ] {
        let (status, message) = refusal(
            app.call(
                Method::PUT,
                "/api/v1/problems/custom-check/validator",
                Some(&admin),
                Some(json!({ "files": files })),
            )
            .await,
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{message}");
        assert!(message.contains(named), "{message}");
    }

    // Flags for the custom validator, which the default one would not accept.
    let (status, problem) = answer(
        app.call(
            Method::PATCH,
            "/api/v1/problems/custom-check",
            Some(&admin),
            Some(json!({ "validator_flags": "--strict-order" })),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{problem}");

    let exported = export(&app, &admin, "custom-check").await;
    let entries = unzip(&exported);
    assert_eq!(
        entries.get("custom-check/output_validators/validator/validate.py"),
        Some(&source.clone().into_bytes()),
        "{:?}",
        entries.keys()
    );
    let yaml = String::from_utf8(entries["custom-check/problem.yaml"].clone()).expect("text");
    assert!(yaml.contains("validation: custom"), "{yaml}");
    let copy = import_ok(&app, &admin, "?slug=custom-check-copy", exported).await;
    assert_eq!(copy["checker"], "custom");
    assert_eq!(
        snapshot(&db, "custom-check").await,
        snapshot(&db, "custom-check-copy").await
    );

    let (status, problem) = answer(
        app.call(
            Method::DELETE,
            "/api/v1/problems/custom-check/validator",
            Some(&admin),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{problem}");
    assert_eq!(problem["checker"], "default");
    assert_eq!(
        problem["validator_flags"], "",
        "flags the default validator refuses are dropped"
    );
    let entries = unzip(&export(&app, &admin, "custom-check").await);
    assert!(
        !entries.keys().any(|name| name.contains("output_validator")),
        "{:?}",
        entries.keys()
    );
    let yaml = String::from_utf8(entries["custom-check/problem.yaml"].clone()).expect("text");
    assert!(yaml.contains("validation: default"), "{yaml}");
    let source_hash = sha256_hex(source.as_bytes());
    assert!(
        stored(&store, &source_hash).await,
        "the copy still uses the validator"
    );
    let response = app
        .call(
            Method::DELETE,
            "/api/v1/problems/custom-check-copy/validator",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        !stored(&store, &source_hash).await,
        "the unused validator was collected"
    );
}

#[tokio::test]
async fn deleting_a_problem_collects_the_objects_only_it_used() {
    let (app, admin, _) = app_with_callers(AppOptions::default()).await;
    let (db, store) = (app.db().await, object_store().await);
    let (shared_in, shared_ans) = (unique("shared input"), unique("shared answer"));
    let (own_in, own_ans) = (unique("own input"), unique("own answer"));
    for slug in ["first", "second"] {
        create(&app, &admin, json!({ "slug": slug, "title": slug })).await;
        add_test(
            &app,
            &admin,
            slug,
            json!({ "kind": "sample", "name": "1", "input": shared_in, "answer": shared_ans }),
        )
        .await;
    }
    add_test(
        &app,
        &admin,
        "first",
        json!({ "kind": "secret", "name": "own", "input": own_in, "answer": own_ans }),
    )
    .await;
    let hash = |text: &str| sha256_hex(text.as_bytes());
    for text in [&shared_in, &shared_ans, &own_in, &own_ans] {
        assert!(stored(&store, &hash(text)).await);
    }

    let (status, deleted) = answer(
        app.call(Method::DELETE, "/api/v1/problems/first", Some(&admin), None)
            .await,
    )
    .await;
    assert_eq!((status, deleted), (StatusCode::OK, json!({ "deleted": true })));
    assert!(
        !stored(&store, &hash(&own_in)).await,
        "its own input was collected"
    );
    assert!(
        !stored(&store, &hash(&own_ans)).await,
        "its own answer was collected"
    );
    assert!(stored(&store, &hash(&shared_in)).await && stored(&store, &hash(&shared_ans)).await);
    let (status, second) = answer(
        app.call(Method::GET, "/api/v1/problems/second", Some(&admin), None)
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{second}");
    assert_eq!(second["samples"][0]["input"], shared_in.as_str());
    assert_eq!(row_counts(&db).await, [1, 1, 0]);

    let response = app
        .call(Method::DELETE, "/api/v1/problems/second", Some(&admin), None)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        !stored(&store, &hash(&shared_in)).await,
        "unused once both are gone"
    );
    assert_eq!(row_counts(&db).await, [0, 0, 0]);
}

// ---------------------------------------------------------------------------------------------
// The test-data cache

/// Puts `content` into the store under its hash; answers the hash.
async fn put_object(store: &SharedStore, content: &[u8]) -> String {
    let sha = sha256_hex(content);
    store
        .put(
            &test_data_key(&sha).expect("a hash"),
            Bytes::copy_from_slice(content),
        )
        .await
        .expect("put an object");
    sha
}

/// Every file in the cache directory and its size, partial downloads included.
fn cached_files(dir: &Path) -> BTreeMap<PathBuf, u64> {
    let mut files = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("read the cache") {
            let entry = entry.expect("an entry");
            let metadata = entry.metadata().expect("metadata");
            if metadata.is_dir() {
                pending.push(entry.path());
            } else {
                files.insert(entry.path(), metadata.len());
            }
        }
    }
    files
}

#[tokio::test]
async fn the_cache_downloads_a_file_once_and_refuses_what_the_store_lacks() {
    let store = object_store().await;
    let content = unique("cached content");
    let sha = put_object(&store, content.as_bytes()).await;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let cache = TestDataCache::new(dir.path().to_path_buf(), 1 << 20, store.clone());
    assert_eq!(cache.downloads(), 0);

    let first = cache.get(&sha).await.expect("fetch");
    assert_eq!(cache.downloads(), 1);
    assert_eq!(std::fs::read_to_string(&first).expect("read"), content);
    let second = cache.get(&sha).await.expect("fetch again");
    assert_eq!(second, first);
    assert_eq!(cache.downloads(), 1, "the second get read the disk only");

    let absent = sha256_hex(unique("never stored").as_bytes());
    let err = cache.get(&absent).await.expect_err("not in the store");
    assert!(format!("{err:#}").contains(&absent), "{err:#}");
    let err = cache.get("../../etc/passwd").await.expect_err("not a hash");
    assert!(format!("{err:#}").contains("SHA-256"), "{err:#}");
    assert_eq!(cache.downloads(), 1);
    assert_eq!(cached_files(dir.path()).into_keys().collect::<Vec<_>>(), [first]);
    store
        .delete(&test_data_key(&sha).expect("key"))
        .await
        .expect("clean up");
}

#[tokio::test]
async fn the_cache_stays_within_its_bound_by_dropping_the_least_recently_used_file() {
    let store = object_store().await;
    let sized = |label: &str| format!("{:<1000}", unique(label)).into_bytes();
    let (a, b, c) = (sized("a"), sized("b"), sized("c"));
    let (sha_a, sha_b, sha_c) = (
        put_object(&store, &a).await,
        put_object(&store, &b).await,
        put_object(&store, &c).await,
    );
    let dir = tempfile::tempdir().expect("a temporary directory");
    let cache = TestDataCache::new(dir.path().to_path_buf(), 2500, store.clone());
    let pause = || tokio::time::sleep(Duration::from_millis(50));

    let path_a = cache.get(&sha_a).await.expect("fetch a");
    pause().await;
    let path_b = cache.get(&sha_b).await.expect("fetch b");
    pause().await;
    assert_eq!(
        cache.get(&sha_a).await.expect("a again"),
        path_a,
        "a is used again, b is now the oldest"
    );
    pause().await;
    let path_c = cache.get(&sha_c).await.expect("fetch c");
    assert_eq!(cache.downloads(), 3);

    let files = cached_files(dir.path());
    assert!(files.values().sum::<u64>() <= 2500, "{files:?}");
    assert_eq!(files.into_keys().collect::<Vec<_>>(), {
        let mut kept = vec![path_a, path_c];
        kept.sort();
        kept
    });
    assert!(!path_b.exists());
    assert_eq!(
        std::fs::read(cache.get(&sha_b).await.expect("b again")).expect("read"),
        b
    );
    assert_eq!(cache.downloads(), 4, "the evicted file was fetched again");
    assert!(cached_files(dir.path()).values().sum::<u64>() <= 2500);
    for sha in [sha_a, sha_b, sha_c] {
        store
            .delete(&test_data_key(&sha).expect("key"))
            .await
            .expect("clean up");
    }
}

// ---------------------------------------------------------------------------------------------
// The CLI

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
    assert_eq!(stdout.matches("imported").count(), 7, "{stdout}");
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
    assert_eq!(stdout.matches("skipped").count(), 7, "{stdout}");
    assert_eq!(row_counts(&db).await[0], 7);

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
