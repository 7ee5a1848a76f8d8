//! Importing a problem package (a zip, or a directory) into rows and objects, all or nothing.
//!
//! A zip is unpacked into a temporary directory first, refusing what could escape it or
//! exhaust the disk: entry names that are not UTF-8, absolute or with `..`, symlinks, files over
//! the per-file cap, and more unpacked bytes in total than the package cap (the sizes written in
//! a zip are not trusted: reading stops at the cap). The directory is then read by
//! [`ProblemPackage::load`], which checks the format (`.in` without `.ans`, unknown validator
//! flags, …). Finally one transaction uploads the objects and inserts the rows; if anything
//! fails, nothing is committed and the objects this import created are deleted again.

use std::{
    io::Read,
    path::{Path, PathBuf},
};

use bytes::Bytes;
use sqlx::PgPool;
use uuid::Uuid;

use super::{
    editing::{check_test_path, insert_file, insert_test, NewTest},
    objects::{self, Uploads},
    package::{PackageFormat, ProblemPackage, StatementFormat, Validation},
    records::{is_slug, slugify, Problem},
};
use crate::{config::ProblemsConfig, storage::SharedStore};

/// Why an import failed. Each message names the file or setting at fault.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The upload is not a readable zip.
    #[error("{0}")]
    Malformed(String),
    /// The package breaks the format or a safety rule.
    #[error("{0}")]
    Invalid(String),
    /// A file, or the whole package, is over its cap.
    #[error("{0}")]
    TooLarge(String),
    /// Another problem has the slug.
    #[error("a problem with the slug {0:?} already exists")]
    SlugTaken(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// What the importer decides beyond the package itself.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// The slug; by default made from the package's folder name, else its title.
    pub slug: Option<String>,
    /// Publish at once.
    pub publish: bool,
    /// The admin importing it.
    pub author: Option<Uuid>,
}

/// Unpacks `zip` safely and imports the package in it.
pub async fn import_zip(
    db: &PgPool,
    store: &SharedStore,
    limits: &ProblemsConfig,
    zip: Bytes,
    options: ImportOptions,
) -> Result<Problem, ImportError> {
    let scratch = tempfile::tempdir().map_err(anyhow::Error::from)?;
    let target = scratch.path().to_path_buf();
    let limits_copy = limits.clone();
    let root = tokio::task::spawn_blocking(move || unpack(&zip, &target, &limits_copy))
        .await
        .map_err(anyhow::Error::from)??;
    // Files at the top of the zip have no folder to name the problem: the scratch directory's
    // random name must not become the slug.
    let folder = if root == scratch.path() {
        None
    } else {
        folder_name(&root)
    };
    import_root(db, store, limits, &root, folder, options).await
}

/// Imports the package in directory `root`.
pub async fn import_dir(
    db: &PgPool,
    store: &SharedStore,
    limits: &ProblemsConfig,
    root: &Path,
    options: ImportOptions,
) -> Result<Problem, ImportError> {
    import_root(db, store, limits, root, folder_name(root), options).await
}

fn folder_name(root: &Path) -> Option<String> {
    root.file_name().map(|name| name.to_string_lossy().into_owned())
}

/// Imports the package in `root`; without a slug in `options`, the slug is made from `folder`,
/// else from the title.
async fn import_root(
    db: &PgPool,
    store: &SharedStore,
    limits: &ProblemsConfig,
    root: &Path,
    folder: Option<String>,
    options: ImportOptions,
) -> Result<Problem, ImportError> {
    let root_owned = root.to_path_buf();
    let limits_copy = limits.clone();
    let staged = tokio::task::spawn_blocking(move || stage(&root_owned, &limits_copy))
        .await
        .map_err(anyhow::Error::from)??;
    let slug = match options.slug.clone() {
        Some(slug) if is_slug(&slug) => slug,
        Some(slug) => {
            return Err(ImportError::Invalid(format!(
                "slug {slug:?} must be 1 to 64 lowercase letters, digits and inner dashes"
            )))
        }
        None => {
            let from_folder = folder.map(|name| slugify(&name));
            match from_folder.filter(|slug| is_slug(slug)) {
                Some(slug) => slug,
                None => slugify(&staged.title),
            }
        }
    };
    if !is_slug(&slug) {
        return Err(ImportError::Invalid(
            "cannot make a slug from the package's folder or title: give one with slug=".to_owned(),
        ));
    }
    save(db, store, staged, &slug, &options).await
}

/// A package read from disk, ready to be saved.
struct Staged {
    title: String,
    statement: String,
    statement_format: &'static str,
    statement_path: String,
    time_limit_ms: i32,
    memory_mb: i32,
    output_mb: i32,
    checker: &'static str,
    validator_flags: String,
    tags: Vec<String>,
    package_yaml: String,
    tests: Vec<StagedTest>,
    /// Other files: (path in the package, absolute path).
    files: Vec<(String, PathBuf)>,
}

struct StagedTest {
    kind: &'static str,
    group_path: String,
    name: String,
    input: PathBuf,
    answer: PathBuf,
}

fn stage(root: &Path, limits: &ProblemsConfig) -> Result<Staged, ImportError> {
    let relative = |path: &Path| -> String {
        path.strip_prefix(root)
            .unwrap_or(path)
            .to_string_lossy()
            .into_owned()
    };
    let package = ProblemPackage::load(root).map_err(|err| {
        // Name files as they are in the package, not in our scratch directory.
        let prefix = format!("{}/", root.display());
        ImportError::Invalid(err.to_string().replace(&prefix, ""))
    })?;
    let Some(time_limit) = package.time_limit else {
        return Err(ImportError::Invalid(
            "problem.yaml: no limits.time_limit (nor .timelimit): `coderank problem verify` derives one from the accepted submissions"
                .to_owned(),
        ));
    };
    let limit = |what: &str, mib: u64| {
        i32::try_from(mib)
            .ok()
            .filter(|mib| (1..=65_536).contains(mib))
            .ok_or_else(|| {
                ImportError::Invalid(format!(
                    "problem.yaml: limits.{what} must be 1 to 65536 MiB, not {mib}"
                ))
            })
    };
    let memory_mb = limit("memory", package.limits.memory_mib)?;
    let output_mb = limit("output", package.limits.output_mib)?;
    if !(0.001..=60.0).contains(&time_limit.seconds) {
        return Err(ImportError::Invalid(format!(
            "the time limit must be at most 60 s, not {} s",
            time_limit.seconds
        )));
    }
    let title: String = package.name.preferred().trim().chars().take(200).collect();
    if title.is_empty() {
        return Err(ImportError::Invalid("problem.yaml: name is empty".to_owned()));
    }
    let package_yaml = std::fs::read_to_string(root.join("problem.yaml")).map_err(anyhow::Error::from)?;
    let mut tests = Vec::new();
    for case in &package.test_cases {
        let (kind, rest) = case.name.split_once('/').ok_or_else(|| {
            anyhow::anyhow!("test case {} is outside data/sample and data/secret", case.name)
        })?;
        let (group_path, name) = match rest.rsplit_once('/') {
            Some((group, name)) => (group.to_owned(), name.to_owned()),
            None => (String::new(), rest.to_owned()),
        };
        tests.push(StagedTest {
            kind: if kind == "sample" { "sample" } else { "secret" },
            group_path,
            name,
            input: case.input.clone(),
            answer: case.answer.clone(),
        });
    }
    let test_files: std::collections::BTreeSet<&Path> = package
        .test_cases
        .iter()
        .flat_map(|case| [case.input.as_path(), case.answer.as_path()])
        .collect();
    let mut files = Vec::new();
    let mut total = 0u64;
    walk(root, &mut |path, size| {
        let name = relative(path);
        if size > limits.max_test_file_bytes {
            return Err(ImportError::TooLarge(format!(
                "{name}: {size} bytes, over the {} bytes a problem file may have",
                limits.max_test_file_bytes
            )));
        }
        total += size;
        if total > limits.max_package_bytes {
            return Err(ImportError::TooLarge(format!(
                "the package holds more than {} bytes",
                limits.max_package_bytes
            )));
        }
        // problem.yaml and the time-limit files are made again from the row at export.
        let regenerated = matches!(name.as_str(), "problem.yaml" | ".timelimit");
        if !regenerated && !test_files.contains(path) {
            files.push((name, path.to_path_buf()));
        }
        Ok(())
    })?;
    let statement = package.statement.as_ref();
    Ok(Staged {
        title,
        statement: statement.map(|s| s.source.clone()).unwrap_or_default(),
        statement_format: match statement.map(|s| s.format) {
            Some(StatementFormat::Latex) => "latex",
            _ => "markdown",
        },
        statement_path: statement
            .map(|s| relative(&s.path))
            .unwrap_or_else(|| "statement/problem.en.md".to_owned()),
        time_limit_ms: (time_limit.seconds * 1000.0).round().clamp(1.0, 60_000.0) as i32,
        memory_mb,
        output_mb,
        checker: match package.validation {
            Validation::Default => "default",
            Validation::Custom(_) => "custom",
        },
        validator_flags: package.validator_flags.clone(),
        tags: keywords(&package_yaml),
        package_yaml: match package.format {
            PackageFormat::Legacy | PackageFormat::V2023_07 => package_yaml,
        },
        tests,
        files,
    })
}

/// Calls `visit` with every regular file under `root` and its size, refusing symlinks and
/// anything else that is not a plain file or directory.
fn walk(
    root: &Path,
    visit: &mut dyn FnMut(&Path, u64) -> Result<(), ImportError>,
) -> Result<(), ImportError> {
    let mut entries: Vec<_> = std::fs::read_dir(root)
        .map_err(anyhow::Error::from)?
        .collect::<Result<_, _>>()
        .map_err(anyhow::Error::from)?;
    entries.sort_by_key(|entry| entry.file_name());
    for entry in entries {
        let path = entry.path();
        let metadata = std::fs::symlink_metadata(&path).map_err(anyhow::Error::from)?;
        if metadata.is_dir() {
            walk(&path, visit)?;
        } else if metadata.is_file() {
            visit(&path, metadata.len())?;
        } else {
            return Err(ImportError::Invalid(format!(
                "{}: only plain files and folders are allowed in a package (no symlinks)",
                path.file_name().unwrap_or_default().to_string_lossy()
            )));
        }
    }
    Ok(())
}

/// Tags from `keywords`: a space-separated string (legacy) or a list (2023-07).
fn keywords(problem_yaml: &str) -> Vec<String> {
    let Ok(doc) = serde_norway::from_str::<serde_norway::Value>(problem_yaml) else {
        return Vec::new();
    };
    let mut tags: Vec<String> = match doc.get("keywords") {
        Some(serde_norway::Value::String(text)) => text.split_whitespace().map(str::to_owned).collect(),
        Some(serde_norway::Value::Sequence(items)) => items
            .iter()
            .filter_map(|item| item.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    };
    tags.dedup();
    tags
}

/// Unpacks a zip into `dest`; answers the package root (`dest`, or the zip's single top folder).
fn unpack(zip: &[u8], dest: &Path, limits: &ProblemsConfig) -> Result<PathBuf, ImportError> {
    if zip.len() as u64 > limits.max_package_bytes {
        return Err(ImportError::TooLarge(format!(
            "the zip has {} bytes, over the {} bytes a package may have",
            zip.len(),
            limits.max_package_bytes
        )));
    }
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip))
        .map_err(|err| ImportError::Malformed(format!("not a readable zip archive: {err}")))?;
    let mut total = 0u64;
    for index in 0..archive.len() {
        let mut entry = archive
            .by_index(index)
            .map_err(|err| ImportError::Malformed(format!("zip entry {index} is unreadable: {err}")))?;
        let raw_name = entry.name_raw().to_vec();
        let name = String::from_utf8(raw_name).map_err(|err| {
            ImportError::Invalid(format!(
                "zip entry name {:?} is not UTF-8",
                String::from_utf8_lossy(err.as_bytes())
            ))
        })?;
        if entry.is_symlink() {
            return Err(ImportError::Invalid(format!(
                "{name}: symlinks are not allowed in a package"
            )));
        }
        let Some(relative) = entry.enclosed_name().filter(|_| !name.starts_with('/')) else {
            return Err(ImportError::Invalid(format!(
                "{name}: absolute paths and `..` are not allowed in a package"
            )));
        };
        let path = dest.join(relative);
        if entry.is_dir() {
            std::fs::create_dir_all(&path).map_err(anyhow::Error::from)?;
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(anyhow::Error::from)?;
        }
        // The sizes a zip declares are not trusted: read at most one byte past the cap.
        let cap = limits
            .max_test_file_bytes
            .min(limits.max_package_bytes - total.min(limits.max_package_bytes));
        let mut file = std::fs::File::create(&path).map_err(anyhow::Error::from)?;
        let written = std::io::copy(&mut (&mut entry).take(cap + 1), &mut file)
            .map_err(|err| ImportError::Malformed(format!("{name}: cannot unpack: {err}")))?;
        if written > cap {
            return Err(ImportError::TooLarge(if written > limits.max_test_file_bytes {
                format!(
                    "{name}: over the {} bytes a problem file may have",
                    limits.max_test_file_bytes
                )
            } else {
                format!(
                    "the package unpacks to more than {} bytes",
                    limits.max_package_bytes
                )
            }));
        }
        total += written;
    }
    Ok(package_root(dest))
}

/// Test cases from a zip of `sample/NAME.in|.ans` and `secret/[GROUP/]NAME.in|.ans` files
/// (a leading `data/` is fine), checked like a package: every `.in` needs its `.ans`.
pub fn tests_from_zip(zip: &[u8], limits: &ProblemsConfig) -> Result<Vec<NewTest>, ImportError> {
    let scratch = tempfile::tempdir().map_err(anyhow::Error::from)?;
    unpack(zip, scratch.path(), limits)?;
    let mut root = scratch.path().to_path_buf();
    if root.join("data").is_dir() {
        root = root.join("data");
    }
    let mut inputs = std::collections::BTreeMap::new();
    let mut answers = std::collections::BTreeMap::new();
    let mut error = None;
    walk(&root, &mut |path, _| {
        let name = path
            .strip_prefix(&root)
            .unwrap_or(path)
            .to_string_lossy()
            .into_owned();
        match name.rsplit_once('.') {
            Some((stem, "in")) => {
                inputs.insert(stem.to_owned(), path.to_path_buf());
            }
            Some((stem, "ans")) => {
                answers.insert(stem.to_owned(), path.to_path_buf());
            }
            _ => {
                error = error
                    .take()
                    .or(Some(format!("{name}: expected only .in and .ans files")))
            }
        }
        Ok(())
    })?;
    if let Some(message) = error {
        return Err(ImportError::Invalid(message));
    }
    if let Some(stem) = answers.keys().find(|stem| !inputs.contains_key(*stem)) {
        return Err(ImportError::Invalid(format!(
            "{stem}.ans has no matching .in file"
        )));
    }
    let mut tests = Vec::new();
    for (stem, input) in &inputs {
        let answer = answers
            .get(stem)
            .ok_or_else(|| ImportError::Invalid(format!("{stem}.in has no matching .ans file")))?;
        let (kind, rest) = match stem.split_once('/') {
            Some(("sample", rest)) => ("sample", rest),
            Some(("secret", rest)) => ("secret", rest),
            _ => {
                return Err(ImportError::Invalid(format!(
                    "{stem}.in: test files go in sample/ or secret/"
                )))
            }
        };
        let (group_path, name) = match rest.rsplit_once('/') {
            Some((group, name)) => (group.to_owned(), name.to_owned()),
            None => (String::new(), rest.to_owned()),
        };
        check_test_path("group", &group_path, true).map_err(|err| ImportError::Invalid(err.to_string()))?;
        check_test_path("name", &name, false).map_err(|err| ImportError::Invalid(err.to_string()))?;
        tests.push(NewTest {
            kind,
            group_path,
            name,
            input: Bytes::from(std::fs::read(input).map_err(anyhow::Error::from)?),
            answer: Bytes::from(std::fs::read(answer).map_err(anyhow::Error::from)?),
        });
    }
    if tests.is_empty() {
        return Err(ImportError::Invalid("the zip holds no test cases".to_owned()));
    }
    Ok(tests)
}

/// `dest` when it has a problem.yaml, else its only folder when that has one (zips of a folder).
fn package_root(dest: &Path) -> PathBuf {
    if dest.join("problem.yaml").exists() {
        return dest.to_path_buf();
    }
    let folders: Vec<PathBuf> = std::fs::read_dir(dest)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| {
            path.is_dir()
                && !path
                    .file_name()
                    .is_some_and(|name| name.to_string_lossy().starts_with("__MACOSX"))
        })
        .collect();
    match folders.as_slice() {
        [only] if only.join("problem.yaml").exists() => only.clone(),
        _ => dest.to_path_buf(),
    }
}

/// Uploads the files and inserts the rows in one transaction; undoes the uploads on failure.
async fn save(
    db: &PgPool,
    store: &SharedStore,
    staged: Staged,
    slug: &str,
    options: &ImportOptions,
) -> Result<Problem, ImportError> {
    let mut uploads = Uploads::default();
    let result = write(db, store, &staged, slug, options, &mut uploads).await;
    if result.is_err() {
        objects::collect(db, store, uploads.created).await;
    }
    result
}

async fn write(
    db: &PgPool,
    store: &SharedStore,
    staged: &Staged,
    slug: &str,
    options: &ImportOptions,
    uploads: &mut Uploads,
) -> Result<Problem, ImportError> {
    let mut transaction = db.begin().await.map_err(anyhow::Error::from)?;
    objects::lock_for_writing(&mut transaction)
        .await
        .map_err(anyhow::Error::from)?;
    let inserted = sqlx::query_scalar!(
        r#"INSERT INTO problems (slug, title, statement, statement_format, statement_path, time_limit_ms,
               memory_mb, output_mb, checker, validator_flags, published, author_id, tags, package_yaml)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
           ON CONFLICT (slug) DO NOTHING
           RETURNING id"#,
        slug,
        staged.title,
        staged.statement,
        staged.statement_format,
        staged.statement_path,
        staged.time_limit_ms,
        staged.memory_mb,
        staged.output_mb,
        staged.checker,
        staged.validator_flags,
        options.publish,
        options.author,
        &staged.tags,
        staged.package_yaml,
    )
    .fetch_optional(&mut *transaction)
    .await
    .map_err(anyhow::Error::from)?;
    let Some(problem_id) = inserted else {
        return Err(ImportError::SlugTaken(slug.to_owned()));
    };
    for (ordinal, test) in staged.tests.iter().enumerate() {
        let test_case = NewTest {
            kind: test.kind,
            group_path: test.group_path.clone(),
            name: test.name.clone(),
            input: read(&test.input).await?,
            answer: read(&test.answer).await?,
        };
        insert_test(
            &mut transaction,
            store,
            uploads,
            problem_id,
            test_case,
            ordinal as i32,
        )
        .await?;
    }
    for (path, absolute) in &staged.files {
        insert_file(
            &mut transaction,
            store,
            uploads,
            problem_id,
            path,
            read(absolute).await?,
        )
        .await?;
    }
    let problem = sqlx::query_as!(Problem, "SELECT * FROM problems WHERE id = $1", problem_id)
        .fetch_one(&mut *transaction)
        .await
        .map_err(anyhow::Error::from)?;
    transaction.commit().await.map_err(anyhow::Error::from)?;
    tracing::info!(
        slug,
        tests = staged.tests.len(),
        files = staged.files.len(),
        "imported a problem"
    );
    Ok(problem)
}

async fn read(path: &Path) -> Result<Bytes, ImportError> {
    Ok(Bytes::from(
        tokio::fs::read(path).await.map_err(anyhow::Error::from)?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_are_read_in_both_formats() {
        assert_eq!(keywords("keywords: graphs  dp"), ["graphs", "dp"]);
        assert_eq!(keywords("keywords: [graphs, dp]"), ["graphs", "dp"]);
        assert!(keywords("name: x").is_empty());
        assert!(keywords(": not yaml [").is_empty());
    }
}
