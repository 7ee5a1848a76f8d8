//! The package's files: test data and reference submissions, and reading its folders.

use super::*;

/// Source files larger than this are not scanned for `#include`s (nor for an expected score);
/// they are data or binaries, not a checker someone wrote.
pub(super) const MAX_SCANNED_SOURCE_BYTES: u64 = 4 << 20;

// ---------------------------------------------------------------------------
// test data

/// Deeper nesting than this is taken to be a symlink loop.
const MAX_DEPTH: usize = 32;

pub(super) fn read_test_cases(root: &Path) -> Result<Vec<TestCase>, PackageError> {
    let data = root.join("data");
    if !data.is_dir() {
        return Err(PackageError::MissingDataDir { path: data });
    }
    let mut all = Vec::new();
    for (group, is_sample) in [("sample", true), ("secret", false)] {
        let dir = data.join(group);
        if !dir.is_dir() {
            continue;
        }
        let mut cases = Vec::new();
        collect_test_cases(&dir, group, is_sample, 0, &mut cases)?;
        cases.sort_by(|a, b| a.name.split('/').cmp(b.name.split('/')));
        all.extend(cases);
    }
    if all.is_empty() {
        return Err(PackageError::NoTestCases { path: data });
    }
    Ok(all)
}

fn collect_test_cases(
    dir: &Path,
    prefix: &str,
    is_sample: bool,
    depth: usize,
    out: &mut Vec<TestCase>,
) -> Result<(), PackageError> {
    if depth > MAX_DEPTH {
        return Err(PackageError::TooDeep {
            path: dir.to_path_buf(),
        });
    }
    let mut inputs = BTreeMap::new();
    let mut answers = BTreeMap::new();
    let mut interactions = BTreeMap::new();
    for path in visible_entries(dir)? {
        let Some(file_name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else {
            continue;
        };
        if path.is_dir() {
            let sub_prefix = format!("{prefix}/{file_name}");
            collect_test_cases(&path, &sub_prefix, is_sample, depth + 1, out)?;
            continue;
        }
        let Some((stem, extension)) = file_name.rsplit_once('.') else {
            continue;
        };
        match extension {
            "in" => inputs.insert(stem.to_owned(), path),
            "ans" => answers.insert(stem.to_owned(), path),
            "interaction" => interactions.insert(stem.to_owned(), path),
            _ => None,
        };
    }
    if let Some((_, orphan)) = answers.iter().find(|(stem, _)| !inputs.contains_key(*stem)) {
        return Err(PackageError::MissingInput { path: orphan.clone() });
    }
    for (stem, input) in inputs {
        let answer = answers
            .remove(&stem)
            .ok_or_else(|| PackageError::MissingAnswer { path: input.clone() })?;
        out.push(TestCase {
            name: format!("{prefix}/{stem}"),
            input,
            answer,
            is_sample,
            group: String::new(),
            validator_args: Vec::new(),
            interaction: interactions.remove(&stem),
        });
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// submissions

pub(super) fn read_submissions(
    root: &Path,
    warnings: &mut Vec<PackageWarning>,
) -> Result<Vec<Submission>, PackageError> {
    let dir = root.join("submissions");
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let declared = read_submissions_yaml(&dir.join("submissions.yaml"))?;
    let mut submissions = Vec::new();
    for folder_path in visible_entries(&dir)? {
        // Files here are metadata such as 2023-07's submissions.yaml.
        if !folder_path.is_dir() {
            continue;
        }
        let folder = file_name_lossy(&folder_path);
        let Some(expected) = expected_verdicts(&folder) else {
            warnings.push(PackageWarning::UnknownSubmissionFolder { path: folder_path });
            continue;
        };
        for path in visible_entries(&folder_path)? {
            let files = if path.is_dir() {
                files_below(&path)?
            } else {
                vec![path.clone()]
            };
            if files.is_empty() {
                warnings.push(PackageWarning::EmptySubmission { path });
                continue;
            }
            let name = file_name_lossy(&path);
            let expected_score = match source_expected_score(&files)? {
                Some(score) => Some(score),
                None => [format!("{folder}/{name}"), format!("{folder}/*"), folder.clone()]
                    .iter()
                    .find_map(|key| declared.get(key).copied()),
            };
            submissions.push(Submission {
                folder: folder.clone(),
                name,
                path,
                files,
                expected,
                expected_score,
            });
        }
    }
    Ok(submissions)
}

/// The `score:` of each key of 2025-09's `submissions.yaml` that has one. Keys are matched
/// exactly (`folder/file`, `folder/*` or `folder`); other glob patterns are not expanded.
fn read_submissions_yaml(path: &Path) -> Result<BTreeMap<String, (f64, f64)>, PackageError> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Score {
        One(f64),
        Range(f64, f64),
    }
    #[derive(Deserialize)]
    struct Entry {
        score: Option<Score>,
    }
    let Some(text) = read_optional_lossy(path)? else {
        return Ok(BTreeMap::new());
    };
    let entries: Option<BTreeMap<String, serde_norway::Value>> =
        serde_norway::from_str(&text).map_err(|source| PackageError::InvalidGroupYaml {
            path: path.to_path_buf(),
            source,
        })?;
    let mut scores = BTreeMap::new();
    for (key, value) in entries.unwrap_or_default() {
        // Entries without a score, or of another shape, are other tools' business.
        let Ok(Entry { score: Some(score) }) = serde_norway::from_value::<Entry>(value) else {
            continue;
        };
        let range = match score {
            Score::One(n) => (n, n),
            Score::Range(lo, hi) => (lo, hi),
        };
        scores.insert(key, check_expected(path, range)?);
    }
    Ok(scores)
}

/// DOMjudge's `@EXPECTED_SCORE@: N` in any of a submission's files.
fn source_expected_score(files: &[PathBuf]) -> Result<Option<(f64, f64)>, PackageError> {
    const TAG: &str = "@EXPECTED_SCORE@:";
    for file in files {
        if fs::metadata(file).map(|m| m.len()).unwrap_or(0) > MAX_SCANNED_SOURCE_BYTES {
            continue;
        }
        let Some(text) = read_optional_lossy(file)? else {
            continue;
        };
        if let Some(at) = text.find(TAG) {
            let rest = &text[at + TAG.len()..];
            let word = rest.split_whitespace().next().unwrap_or("");
            let score: f64 = word.parse().map_err(|_| PackageError::InvalidExpectedScore {
                path: file.clone(),
                reason: format!("@EXPECTED_SCORE@ {word:?} is not a number"),
            })?;
            return check_expected(file, (score, score)).map(Some);
        }
    }
    Ok(None)
}

fn check_expected(path: &Path, (lo, hi): (f64, f64)) -> Result<(f64, f64), PackageError> {
    if lo.is_nan() || hi.is_nan() || lo < 0.0 || lo > hi {
        return Err(PackageError::InvalidExpectedScore {
            path: path.to_path_buf(),
            reason: format!("expected score {lo}..{hi} must be non-negative numbers, low to high"),
        });
    }
    Ok((lo, hi))
}

// ---------------------------------------------------------------------------
// filesystem helpers

pub(super) fn file_name_lossy(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Entries of `dir` whose names do not start with `.`, sorted by name, so
/// results do not depend on the filesystem's directory order.
pub(super) fn visible_entries(dir: &Path) -> Result<Vec<PathBuf>, PackageError> {
    let io_err = |source| PackageError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut entries = Vec::new();
    for entry in fs::read_dir(dir).map_err(io_err)? {
        let entry = entry.map_err(io_err)?;
        if !entry.file_name().as_encoded_bytes().starts_with(b".") {
            entries.push(entry.path());
        }
    }
    entries.sort();
    Ok(entries)
}

/// All visible files below `dir`, at any depth, sorted.
pub(super) fn files_below(dir: &Path) -> Result<Vec<PathBuf>, PackageError> {
    fn walk(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) -> Result<(), PackageError> {
        if depth > MAX_DEPTH {
            return Err(PackageError::TooDeep {
                path: dir.to_path_buf(),
            });
        }
        for path in visible_entries(dir)? {
            if path.is_dir() {
                walk(&path, depth + 1, out)?;
            } else if path.is_file() {
                out.push(path);
            }
        }
        Ok(())
    }
    // Depth-first over sorted entries already yields sorted paths.
    let mut files = Vec::new();
    walk(dir, 0, &mut files)?;
    Ok(files)
}

/// The file's text, or `None` if it does not exist. Bytes that are not UTF-8
/// are replaced rather than rejected, since these small DOMjudge files are
/// often written by tools in Latin-1 and only their ASCII parts matter.
/// A UTF-8 text file's content, or `None` when it does not exist.
pub(super) fn read_optional_text(path: &Path) -> Result<Option<String>, PackageError> {
    match fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) if e.kind() == io::ErrorKind::InvalidData => Err(PackageError::NotUtf8 {
            path: path.to_path_buf(),
        }),
        Err(source) => Err(PackageError::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}

pub(super) fn read_optional_lossy(path: &Path) -> Result<Option<String>, PackageError> {
    match fs::read(path) {
        Ok(bytes) => Ok(Some(String::from_utf8_lossy(&bytes).into_owned())),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(PackageError::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}
