//! Reading an unpacked package from disk into what will be saved, every field through the
//! rulebook ([`crate::problems::fields`]): the same rules as a problem made through the API.

use std::path::{Path, PathBuf};

use super::{ImportError, KnownTimeLimit};
use crate::{
    config::ProblemsConfig,
    judge::{
        package::{PackageFormat, ProblemName, ProblemPackage, Statement, StatementFormat, Validation},
        reference,
    },
    problems::{
        fields::{CheckerKind, MemoryMb, OutputMb, Tags, TestKind, TimeLimitMs, Title, ValidatorFlagsText},
        statements::{self, latex},
        time_limits,
    },
};

/// A package read from disk, ready to be saved.
pub(super) struct Staged {
    pub title: Title,
    pub statement: String,
    pub statement_format: &'static str,
    pub statement_path: String,
    /// Every language's statement; LaTeX is rendered after staging ([`super::render`]).
    pub statements: Vec<StagedStatement>,
    /// None when the package gives none: the workers derive it after import.
    pub time_limit: Option<TimeLimitMs>,
    /// How the limit was found: the file that gave it, or [`time_limits::DERIVING`].
    pub time_limit_source: String,
    pub memory: MemoryMb,
    pub output: OutputMb,
    pub checker: CheckerKind,
    pub validator_flags: ValidatorFlagsText,
    pub tags: Tags,
    pub package_yaml: String,
    pub tests: Vec<StagedTest>,
    /// Other files: (path in the package, absolute path).
    pub files: Vec<(String, PathBuf)>,
    /// For a scoring problem, its maximum score (`None` inside: unbounded).
    pub scoring: Option<Option<f64>>,
}

pub(super) struct StagedStatement {
    pub language: String,
    pub title: Title,
    pub format: StatementFormat,
    /// Path in the package.
    pub path: String,
    pub source: String,
}

pub(super) struct StagedTest {
    pub kind: TestKind,
    pub group_path: String,
    pub name: String,
    pub input: PathBuf,
    pub answer: PathBuf,
}

/// Reads the package in `root`; a `given_time_limit` wins over any the package gives.
pub(super) fn stage(
    root: &Path,
    limits: &ProblemsConfig,
    given_time_limit: Option<&KnownTimeLimit>,
) -> Result<Staged, ImportError> {
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
    if let Some(reason) = reference::underivable(&package) {
        return Err(ImportError::Invalid(format!(
            "{reason}, or set the time limit by hand (`coderank problem import --time-limit`)"
        )));
    }
    // The rulebook's rules, named as the package names them.
    fn invalid(what: &'static str) -> impl Fn(crate::problems::fields::FieldError) -> ImportError {
        move |err| ImportError::Invalid(format!("{what}: {err}"))
    }
    let as_i64 = |mib: u64| i64::try_from(mib).unwrap_or(i64::MAX);
    let memory =
        MemoryMb::parse(as_i64(package.limits.memory_mib)).map_err(invalid("problem.yaml: limits.memory"))?;
    let output =
        OutputMb::parse(as_i64(package.limits.output_mib)).map_err(invalid("problem.yaml: limits.output"))?;
    let (time_limit, time_limit_source) = match (given_time_limit, &package.time_limit) {
        (Some(given), _) => (Some(given.limit), given.source.clone()),
        (None, Some(limit)) => (
            Some(
                TimeLimitMs::from_seconds(limit.seconds)
                    .map_err(invalid("problem.yaml: limits.time_limit"))?,
            ),
            limit.source.to_string(),
        ),
        (None, None) => (None, time_limits::DERIVING.to_owned()),
    };
    let title = Title::parse(package.name.preferred()).map_err(invalid("problem.yaml: name"))?;
    let checker = match package.validation {
        Validation::Default => CheckerKind::Default,
        Validation::Custom(_) => CheckerKind::Custom,
    };
    let validator_flags =
        ValidatorFlagsText::parse(&package.validator_flags, checker).map_err(invalid("problem.yaml"))?;
    let package_yaml = std::fs::read_to_string(root.join("problem.yaml"))?;
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
            kind: kind.parse().map_err(|_| {
                anyhow::anyhow!("test case {} is outside data/sample and data/secret", case.name)
            })?,
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
        if statements::is_served(&name) && size > statements::MAX_STATEMENT_FILE_BYTES {
            return Err(ImportError::TooLarge(format!(
                "{name}: {size} bytes, over the {} bytes a statement file or attachment may have",
                statements::MAX_STATEMENT_FILE_BYTES
            )));
        }
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
    // The statement admins edit: English if there is one, else the first language, among the
    // Markdown and LaTeX ones (a PDF has no text to edit).
    let textual = |s: &&Statement| s.format != StatementFormat::Pdf;
    let statement = package
        .statements
        .iter()
        .filter(textual)
        .find(|s| s.language == "en")
        .or_else(|| package.statements.iter().find(textual));
    let tags = Tags::from_keywords(keywords(&package_yaml).iter().map(String::as_str))
        .map_err(|err| ImportError::Invalid(err.to_string()))?;
    let staged_statements = package
        .statements
        .iter()
        .map(|s| StagedStatement {
            title: localized_title(&package.name, s, &title),
            language: s.language.clone(),
            format: s.format,
            path: relative(&s.path),
            source: s.source.clone(),
        })
        .collect();
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
        statements: staged_statements,
        time_limit,
        time_limit_source,
        memory,
        output,
        checker,
        validator_flags,
        tags,
        package_yaml: match package.format {
            PackageFormat::Legacy | PackageFormat::V2023_07 => package_yaml,
        },
        tests,
        files,
        scoring: package.scoring.as_ref().map(|scoring| scoring.max_score),
    })
}

/// The problem's name in the statement's language: problem.yaml's `name` for it, else a LaTeX
/// statement's `\problemname{}`, else the problem's title.
fn localized_title(name: &ProblemName, statement: &Statement, title: &Title) -> Title {
    let from_yaml = match name {
        ProblemName::ByLanguage(names) => names.get(&statement.language).cloned(),
        ProblemName::Single(_) => None,
    };
    let from_tex = || match statement.format {
        StatementFormat::Latex => latex::problem_name(&statement.source),
        _ => None,
    };
    from_yaml
        .or_else(from_tex)
        .and_then(|text| Title::parse(&text).ok())
        .unwrap_or_else(|| title.clone())
}

/// Calls `visit` with every regular file under `root` and its size, refusing symlinks and
/// anything else that is not a plain file or directory.
pub(super) fn walk(
    root: &Path,
    visit: &mut dyn FnMut(&Path, u64) -> Result<(), ImportError>,
) -> Result<(), ImportError> {
    let mut entries: Vec<_> = std::fs::read_dir(root)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|entry| entry.file_name());
    for entry in entries {
        let path = entry.path();
        let metadata = std::fs::symlink_metadata(&path)?;
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
pub(super) fn keywords(problem_yaml: &str) -> Vec<String> {
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
