//! Rows and objects back into a package: a directory (what a judge reads) or a zip (what an
//! admin downloads). `problem.yaml` is the imported one with the row's current values written
//! over it, so edits made through the API are exported and keys CodeRank does not model survive.

use std::{
    io::Write,
    path::{Path, PathBuf},
};

use anyhow::Context;
use serde_norway::{Mapping, Value};
use sqlx::PgPool;

use super::{
    cache::TestDataCache,
    records::{self, Problem},
};

/// Writes the package of `problem` into `dest` (which must be empty or absent). Files come from
/// the cache, hard-linked where the file system allows, so a judge's copy costs no space.
pub async fn materialize(
    db: &PgPool,
    cache: &TestDataCache,
    problem: &Problem,
    dest: &Path,
) -> anyhow::Result<()> {
    let tests = records::test_cases(db, problem.id).await?;
    let files = records::files(db, problem.id).await?;
    let mut placed: Vec<(PathBuf, PathBuf)> = Vec::new();
    for test in &tests {
        let base = format!("data/{}", test.package_name());
        placed.push((
            dest.join(format!("{base}.in")),
            cache.get(&test.input_sha256).await?,
        ));
        placed.push((
            dest.join(format!("{base}.ans")),
            cache.get(&test.answer_sha256).await?,
        ));
    }
    for file in &files {
        if file.path == problem.statement_path {
            continue; // written from the row below, which holds any edit
        }
        placed.push((
            dest.join(safe_relative(&file.path)?),
            cache.get(&file.sha256).await?,
        ));
    }
    let yaml = problem_yaml(problem)?;
    let statement_path = dest.join(safe_relative(&problem.statement_path)?);
    let statement = problem.statement.clone();
    let dest = dest.to_path_buf();
    tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
        std::fs::create_dir_all(&dest)?;
        for (target, source) in &placed {
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)?;
            }
            if std::fs::hard_link(source, target).is_err() {
                std::fs::copy(source, target)
                    .with_context(|| format!("cannot copy {} to {}", source.display(), target.display()))?;
            }
        }
        std::fs::write(dest.join("problem.yaml"), yaml)?;
        if !statement.is_empty() {
            if let Some(parent) = statement_path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&statement_path, statement)?;
        }
        Ok(())
    })
    .await?
}

/// The package of `problem` as a zip whose entries sit under a folder named by the slug.
pub async fn export_zip(db: &PgPool, cache: &TestDataCache, problem: &Problem) -> anyhow::Result<Vec<u8>> {
    let scratch = tempfile::tempdir()?;
    let root = scratch.path().join(&problem.slug);
    materialize(db, cache, problem, &root).await?;
    let slug = problem.slug.clone();
    tokio::task::spawn_blocking(move || zip_dir(&root, &slug)).await?
}

/// Zips the folder `root` with every path under `prefix/`, as a package is shipped.
pub fn zip_dir(root: &Path, prefix: &str) -> anyhow::Result<Vec<u8>> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .unix_permissions(0o644);
    let mut stack = vec![root.to_path_buf()];
    let mut paths = Vec::new();
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                paths.push(path);
            }
        }
    }
    paths.sort();
    for path in paths {
        let relative = path.strip_prefix(root)?.to_string_lossy().into_owned();
        writer.start_file(format!("{prefix}/{relative}"), options)?;
        writer.write_all(&std::fs::read(&path)?)?;
    }
    Ok(writer.finish()?.into_inner())
}

/// A stored package path, refused if it could leave the package folder.
fn safe_relative(path: &str) -> anyhow::Result<&Path> {
    let relative = Path::new(path);
    let safe = relative
        .components()
        .all(|component| matches!(component, std::path::Component::Normal(_)));
    anyhow::ensure!(
        safe && !path.is_empty(),
        "stored package path {path:?} is not a plain relative path"
    );
    Ok(relative)
}

/// The problem's `problem.yaml`: the imported one, with title, limits, validation and tags set
/// from the row.
pub fn problem_yaml(problem: &Problem) -> anyhow::Result<String> {
    let mut doc = match serde_norway::from_str::<Value>(&problem.package_yaml) {
        Ok(Value::Mapping(mapping)) => mapping,
        _ => Mapping::new(),
    };
    let legacy = matches!(
        doc.get("problem_format_version").and_then(Value::as_str),
        None | Some("legacy")
    );
    let same_title = match doc.get("name") {
        Some(Value::String(name)) => name == &problem.title,
        Some(Value::Mapping(names)) => names
            .values()
            .any(|name| name.as_str() == Some(problem.title.as_str())),
        _ => false,
    };
    if !same_title {
        doc.insert("name".into(), problem.title.clone().into());
    }
    let mut limits = match doc.remove("limits") {
        Some(Value::Mapping(limits)) => limits,
        _ => Mapping::new(),
    };
    // A limit not known yet is left out, as the package left it out.
    if let Some(ms) = problem.time_limit_ms {
        let time_limit: Value = if ms % 1000 == 0 {
            (i64::from(ms) / 1000).into()
        } else {
            (f64::from(ms) / 1000.0).into()
        };
        limits.insert("time_limit".into(), time_limit);
    }
    limits.insert("memory".into(), i64::from(problem.memory_mb).into());
    limits.insert("output".into(), i64::from(problem.output_mb).into());
    doc.insert("limits".into(), Value::Mapping(limits));
    if legacy {
        // A custom checker keeps the package's modifiers (`custom interactive multi-pass`).
        let kept = doc
            .get("validation")
            .and_then(Value::as_str)
            .filter(|value| value.split_whitespace().next() == Some(problem.checker.as_str()))
            .map(str::to_owned);
        let validation = kept.unwrap_or_else(|| problem.checker.as_str().to_owned());
        doc.insert("validation".into(), validation.into());
    }
    if problem.validator_flags.is_empty() {
        doc.remove("validator_flags");
    } else {
        doc.insert("validator_flags".into(), problem.validator_flags.clone().into());
    }
    if problem.tags.is_empty() {
        doc.remove("keywords");
    } else if legacy {
        doc.insert("keywords".into(), problem.tags.join(" ").into());
    } else {
        let tags: Vec<Value> = problem.tags.iter().cloned().map(Value::from).collect();
        doc.insert("keywords".into(), Value::Sequence(tags));
    }
    Ok(serde_norway::to_string(&Value::Mapping(doc))?)
}
