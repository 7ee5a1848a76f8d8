//! What a package is once read: the types [`super::ProblemPackage::load`] fills in and the
//! judge, the importer and the CLI read.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;

use super::errors::PackageWarning;
use super::groups::Scoring;
use crate::judge::verdict::Verdict;

/// A problem package as read from disk. Paths inside it are absolute if the
/// root given to [`ProblemPackage::load`] was.
#[derive(Debug, Clone, PartialEq)]
pub struct ProblemPackage {
    /// The package directory.
    pub root: PathBuf,
    /// Which version of the package format `problem.yaml` declares.
    pub format: PackageFormat,
    /// The problem's display name(s).
    pub name: ProblemName,
    /// How team output is checked.
    pub validation: Validation,
    /// The raw `validator_flags` string, passed to whichever validator runs
    /// (split by [`ProblemPackage::validator_args`]). It has been checked to
    /// split, and for default validation to parse.
    pub validator_flags: String,
    /// Resource limits other than the time limit.
    pub limits: Limits,
    /// The fixed time limit, or `None` when it must be derived from the
    /// slowest accepted submission with [`derive_time_limit`].
    pub time_limit: Option<TimeLimit>,
    /// Samples first, then secret cases.
    pub test_cases: Vec<TestCase>,
    /// The statement in every language the package has, sorted by language code.
    pub statements: Vec<Statement>,
    /// Reference submissions with the verdicts they must receive.
    pub submissions: Vec<Submission>,
    /// How scores are found, for a scoring problem (`type: scoring`, legacy `validation: …
    /// score`); `None` for a pass-fail problem.
    pub scoring: Option<Scoring>,
    /// Problems that did not stop the package from loading.
    pub warnings: Vec<PackageWarning>,
    /// The submission talks with the output validator through pipes instead of writing an
    /// output for it to check (`type: interactive`, legacy `validation: custom interactive`).
    pub interactive: bool,
    /// For a multi-pass problem, the most passes one test may take (`limits.validation_passes`):
    /// after an accepting pass the validator may ask for another with `nextpass.in`.
    pub multi_pass: Option<u32>,
}

/// Version of the problem package format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PackageFormat {
    /// The legacy (pre-2023) Kattis format.
    Legacy,
    /// The 2023-07 format, or any later version.
    V2023_07,
}

/// A problem name: one string, or one per language code.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum ProblemName {
    /// A single name in the statement's language.
    Single(String),
    /// Names keyed by language code, e.g. `en`, `sv`.
    ByLanguage(BTreeMap<String, String>),
}

impl ProblemName {
    /// The name in `language`; a single name counts for every language.
    pub fn get(&self, language: &str) -> Option<&str> {
        match self {
            ProblemName::Single(name) => Some(name),
            ProblemName::ByLanguage(names) => names.get(language).map(String::as_str),
        }
    }

    /// The name to show when no language is requested: English if present,
    /// otherwise the first language in code order.
    pub fn preferred(&self) -> &str {
        match self {
            ProblemName::Single(name) => name,
            ProblemName::ByLanguage(names) => names
                .get("en")
                .or_else(|| names.values().next())
                .map_or("", String::as_str),
        }
    }
}

/// How team output is judged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Validation {
    /// The default token-based validator, configured by `validator_flags`.
    Default,
    /// A program shipped with the package.
    Custom(OutputValidator),
}

/// A custom output validator shipped with the package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputValidator {
    /// The validator program: a directory of sources, or a single source
    /// file for legacy packages that put one directly in
    /// `output_validators/`.
    pub path: PathBuf,
    /// The protocol the validator speaks.
    pub kind: ValidatorKind,
    /// Every source file of the program, sorted.
    pub sources: Vec<PathBuf>,
}

/// The calling convention of an output validator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValidatorKind {
    /// A Codeforces testlib checker: `checker input output answer`.
    Testlib,
    /// The Kattis protocol: `validator input answer feedback_dir < output`,
    /// exit code 42 accepts and 43 rejects.
    Kattis,
}

/// Limits from `problem.yaml`, with defaults filled in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// Time limit = slowest accepted run × this, when not fixed.
    pub time_multiplier: f64,
    /// Time-limit-exceeded submissions must run longer than the time limit
    /// × this (see [`tle_margin_ok`]).
    pub time_safety_margin: f64,
    /// Memory limit in MiB.
    pub memory_mib: u64,
    /// Output size limit in MiB.
    pub output_mib: u64,
    /// Compilation time limit in seconds.
    pub compilation_time_secs: f64,
    /// Compilation memory limit in MiB.
    pub compilation_memory_mib: u64,
}

/// A fixed time limit and where it came from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimeLimit {
    /// Seconds per test case.
    pub seconds: f64,
    /// Which file set it.
    pub source: TimeLimitSource,
}

/// Where a time limit came from: the files, in order of precedence, then the other ways.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeLimitSource {
    /// `limits.time_limit` in `problem.yaml`.
    ProblemYaml,
    /// A `.timelimit` file at the package root (DOMjudge / BAPCtools).
    TimelimitFile,
    /// A `timelimit` line in `domjudge-problem.ini`.
    DomjudgeIni,
    /// Derived from the accepted submissions' times (see `judge::reference`).
    Derived,
    /// Given on the command line (`coderank judge --time-limit`) or by an admin.
    Given,
}

impl std::fmt::Display for TimeLimitSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::ProblemYaml => "problem.yaml",
            Self::TimelimitFile => ".timelimit",
            Self::DomjudgeIni => "domjudge-problem.ini",
            Self::Derived => "the accepted submissions",
            Self::Given => "the command line",
        })
    }
}

/// One test case: an input and the judge's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestCase {
    /// Path below `data/` without extension, `/`-separated, e.g.
    /// `secret/group1/03`.
    pub name: String,
    /// The `.in` file.
    pub input: PathBuf,
    /// The `.ans` file.
    pub answer: PathBuf,
    /// Whether the case is under `data/sample`.
    pub is_sample: bool,
    /// The test group it belongs to (a path below `data/`, e.g. `secret/group1`), by which its
    /// result is aggregated and shown.
    pub group: String,
    /// Arguments passed to the output validator after the feedback directory: `validator_flags`,
    /// then the group's `output_validator_flags` / `output_validator_args`, then the case's own
    /// `.yaml`. For the default validator these are its flags.
    pub validator_args: Vec<String>,
    /// An interactive sample's `.interaction` file: the exchange to show in the statement
    /// (lines starting `<` are the validator's, `>` the submission's).
    pub interaction: Option<PathBuf>,
}

/// Markup language of a statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum StatementFormat {
    /// `problem.<lang>.md` / `problem.md`.
    Markdown,
    /// `problem.<lang>.tex` / `problem.tex`, rendered to HTML at import.
    Latex,
    /// `problem.<lang>.pdf` / `problem.pdf`, offered for download; used only when the language
    /// has no Markdown or LaTeX.
    Pdf,
}

impl StatementFormat {
    /// The name stored in the database and shown by the API.
    pub fn as_str(self) -> &'static str {
        match self {
            StatementFormat::Markdown => "markdown",
            StatementFormat::Latex => "latex",
            StatementFormat::Pdf => "pdf",
        }
    }
}

/// The problem statement in one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// Language code from the file name (`problem.sv.md` is `sv`); a bare `problem.md` is in
    /// the package's default language (see [`super::statement`]).
    pub language: String,
    /// Markup language of `source`.
    pub format: StatementFormat,
    /// The file's text; empty for a PDF.
    pub source: String,
    /// The file it came from, for resolving relative image paths.
    pub path: PathBuf,
}

/// A reference submission from `submissions/<folder>/<entry>`.
#[derive(Debug, Clone, PartialEq)]
pub struct Submission {
    /// The folder name, e.g. `accepted`.
    pub folder: String,
    /// The entry's file or directory name, e.g. `sol.cpp` or `multi`.
    pub name: String,
    /// The entry itself.
    pub path: PathBuf,
    /// Its source files, sorted: the entry itself when it is a file.
    pub files: Vec<PathBuf>,
    /// The verdicts it may receive.
    pub expected: &'static [Verdict],
    /// The score it must get on a scoring problem, as an inclusive range: from an
    /// `@EXPECTED_SCORE@: N` line in its source (DOMjudge) or `score:` in 2025-09's
    /// `submissions/submissions.yaml`.
    pub expected_score: Option<(f64, f64)>,
}
