//! Unpacking an uploaded zip into a scratch directory, refusing what could escape it or exhaust
//! the disk, and reading a zip of test cases.

use std::{
    io::Read,
    path::{Path, PathBuf},
};

use bytes::Bytes;

use super::{stage::walk, ImportError};
use crate::{
    config::ProblemsConfig,
    problems::{
        editing::{check_test_path, NewTest},
        fields::TestKind,
    },
};

/// Unpacks a zip into `dest`; answers the package root (`dest`, or the zip's single top folder).
pub(super) fn unpack(zip: &[u8], dest: &Path, limits: &ProblemsConfig) -> Result<PathBuf, ImportError> {
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
            std::fs::create_dir_all(&path)?;
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        // The sizes a zip declares are not trusted: read at most one byte past the cap.
        let cap = limits
            .max_test_file_bytes
            .min(limits.max_package_bytes - total.min(limits.max_package_bytes));
        let mut file = std::fs::File::create(&path)?;
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
    let scratch = tempfile::tempdir()?;
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
            Some(("sample", rest)) => (TestKind::Sample, rest),
            Some(("secret", rest)) => (TestKind::Secret, rest),
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
            input: Bytes::from(std::fs::read(input)?),
            answer: Bytes::from(std::fs::read(answer)?),
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
