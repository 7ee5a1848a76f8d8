//! The problem set through the HTTP API, the library and the CLI: admins' editing, what users
//! are shown (never secret data), packages in and out (every sample package round-trips),
//! refusal of broken packages without a trace in rows or objects, collection of unused objects,
//! and the local test-data cache.
//!
//! The object store is one Garage bucket shared by every test (each with its own database), and
//! a database only knows its own references: a test that makes objects unused, by deleting or
//! replacing, uses content of its own (a fresh UUID in it) so it never collects an object that
//! another test's problem still needs.
//!
//! This module holds what the topic files share: packages in memory, callers, API calls, and row,
//! object and snapshot checks.

mod admin_editing;
mod cache;
mod derived_time_limits;
mod import_export;
mod import_rollback;
mod object_collection;
mod refused_packages;
mod secrecy;
mod statements;
mod test_cases;
mod validators;

use std::{
    collections::BTreeMap,
    io::{Read, Write},
    path::Path,
};

use coderank::{
    problems::objects::sha256_hex,
    storage::{test_data_key, SharedStore},
};
use reqwest::{Method, StatusCode};
use serde_json::Value;
use sqlx::PgPool;

use crate::helpers::{spawn_app, AppOptions, TestApp};

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
