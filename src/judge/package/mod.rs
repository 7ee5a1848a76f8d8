//! Reads an ICPC / Kattis problem package directory (legacy and 2023-07
//! formats) into a [`ProblemPackage`]: metadata and limits, test cases,
//! statement, output validator and reference submissions.
//!
//! Interpretations of the format made here:
//! - `problem.yaml` is required, even though legacy packages could omit it,
//!   so a directory that merely looks like a package is not imported by
//!   accident. A missing `name` falls back to the package directory's name.
//! - `problem_format_version` absent or `legacy` means the legacy format; any
//!   other value is read with 2023-07 semantics, so later drafts still load.
//! - Interactive and multi-pass problems are read from the 2023-07/2025-09
//!   `type` (a string of words or a list) and from the legacy `validation`
//!   modifiers `interactive` and `multi-pass` (which may be combined with each
//!   other and with `score`); either needs a custom output validator. The pass
//!   limit is `limits.validation_passes`, 2 by default. A problem is
//!   scoring when its `type` says `scoring` or its legacy `validation`
//!   carries the `score` modifier; its groups are read by [`groups`]. Other types
//!   (`submit-answer`) are refused as unsupported.
//! - Without a `validation` key, a legacy package uses the default validator
//!   (as the legacy spec says) while a 2023-07 package uses a custom one
//!   exactly when it ships an output validator.
//! - Default limits follow problemtools' system defaults except where the
//!   project chose otherwise: memory 1024 MiB, output 8 MiB, compilation
//!   60 s and 2048 MiB. Legacy multipliers default to 5 (`time_multiplier`)
//!   and 2 (`time_safety_margin`); a 2023-07 package defaults to that
//!   format's `time_multipliers` (2 and 1.5), and `time_multipliers` keys win
//!   over the legacy ones when both are present.
//! - Validator arguments of each case: `problem.yaml`'s `validator_flags`,
//!   then its group's `output_validator_flags` / `output_validator_args`,
//!   then its own `.yaml` (see [`groups`]). They are split into arguments as
//!   a POSIX shell would (quotes group words), and a `validator_flags` that
//!   does not split (an unclosed quote) refuses the package.
//! - Test cases are ordered samples first, then by path compared component
//!   by component (so `secret/g1/02` sorts before `secret/g1-b/01`), which is
//!   the order problemtools' sorted directory walk produces. Hidden entries
//!   (names starting with `.`) are skipped everywhere.
//! - Submissions in folders whose names [`expected_verdicts`] does not know
//!   (e.g. 2023-07 `rejected` or `brute_force`) are skipped and reported in
//!   [`ProblemPackage::warnings`] rather than failing the whole package.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::judge::checker::default_validator::ValidatorFlags;
use crate::judge::verdict::expected_verdicts;

/// The time limit problemtools would set from the slowest accepted run:
/// `multiplier × slowest`, rounded up to whole seconds and at least 1 s.
///
/// Current problemtools rounds up (`ceil`, with the default 1 s time
/// resolution); older legacy-only releases rounded to the nearest second.
/// A nanosecond is subtracted before rounding so that floating-point noise
/// such as `1.1 × 10 = 11.000000000000002` does not add a whole second.
pub fn derive_time_limit(slowest_accepted_secs: f64, multiplier: f64) -> f64 {
    let exact = slowest_accepted_secs * multiplier;
    // NaN compares false, so `max` also maps a NaN product to 1 s.
    (exact - 1e-9).ceil().max(1.0)
}

/// Whether a submission expected to exceed the time limit did so by a safe
/// margin: it must still have been running after `limit × safety_margin`
/// seconds, as problemtools requires, so that a faster judge machine would
/// not turn it into an accepted one. Run such submissions with a cut-off of
/// at least `limit × safety_margin`, or this can never hold.
pub fn tle_margin_ok(tle_time: f64, limit: f64, safety_margin: f64) -> bool {
    tle_time > limit * safety_margin
}

impl ProblemPackage {
    /// A judging plan made in memory rather than read from `problem.yaml`: a fixed time limit,
    /// the given memory and output limits (the rest at the current format's defaults), the
    /// default validator and `test_cases`, whose files the caller has written under `root`.
    pub fn plan(
        root: PathBuf,
        time_limit_secs: f64,
        memory_mib: u64,
        output_mib: u64,
        test_cases: Vec<TestCase>,
    ) -> Self {
        Self {
            root,
            format: PackageFormat::V2023_07,
            name: ProblemName::Single(String::new()),
            validation: Validation::Default,
            validator_flags: String::new(),
            limits: Limits {
                memory_mib,
                output_mib,
                ..limits::defaults(PackageFormat::V2023_07)
            },
            time_limit: Some(TimeLimit {
                seconds: time_limit_secs,
                source: TimeLimitSource::ProblemYaml,
            }),
            test_cases,
            statements: Vec::new(),
            submissions: Vec::new(),
            scoring: None,
            warnings: Vec::new(),
            interactive: false,
            multi_pass: None,
        }
    }

    /// The validator arguments of every test: `validator_flags` split as a POSIX shell would
    /// (`--name 'two words'` is two arguments). [`Self::load`] has checked that it splits.
    pub fn validator_args(&self) -> Result<Vec<String>, PackageError> {
        split_validator_flags(&self.validator_flags, &self.root.join("problem.yaml"))
    }

    /// Reads the package rooted at `root`.
    pub fn load(root: impl AsRef<Path>) -> Result<ProblemPackage, PackageError> {
        let root = root.as_ref();
        if !root.is_dir() {
            return Err(PackageError::NotADirectory {
                path: root.to_path_buf(),
            });
        }
        let yaml_path = root.join("problem.yaml");
        let mut raw = read_problem_yaml(&yaml_path)?;

        let format = match raw.problem_format_version.as_deref() {
            None | Some("legacy") => PackageFormat::Legacy,
            Some(_) => PackageFormat::V2023_07,
        };
        let kind = problem_kind(&raw, &yaml_path)?;

        let name = match raw.name.clone() {
            Some(name) => name,
            None => ProblemName::Single(directory_name(root)),
        };

        let mut warnings = Vec::new();
        let validator_flags = raw.validator_flags.clone().unwrap_or_default();
        let validation = read_validation(root, &yaml_path, &raw, format, &mut warnings)?;
        split_validator_flags(&validator_flags, &yaml_path)?;
        if validation == Validation::Default {
            ValidatorFlags::parse(&validator_flags).map_err(|source| {
                PackageError::InvalidValidatorFlags {
                    path: yaml_path.clone(),
                    source,
                }
            })?;
        }

        if (kind.interactive || kind.multi_pass) && validation == Validation::Default {
            return Err(PackageError::MissingOutputValidator {
                path: root.to_path_buf(),
            });
        }
        let raw_limits = raw.limits.take().unwrap_or_default();
        let multi_pass = match (kind.multi_pass, raw_limits.validation_passes) {
            (false, _) => None,
            (true, None) => Some(DEFAULT_VALIDATION_PASSES),
            (true, Some(passes)) if passes >= 1 => Some(passes),
            (true, Some(passes)) => {
                return Err(PackageError::InvalidLimit {
                    path: yaml_path.clone(),
                    key: "validation_passes",
                    value: passes.to_string(),
                })
            }
        };
        let limits = read_limits(&raw_limits, format, &yaml_path)?;
        let time_limit = read_time_limit(root, raw_limits.time_limit, &yaml_path)?;
        let mut test_cases = read_test_cases(root)?;
        let scoring_problem = is_scoring(&raw);
        let context = GroupContext {
            root,
            format,
            scoring: scoring_problem,
            validator_scores: matches!(validation, Validation::Custom(_))
                && (format != PackageFormat::Legacy || validation_words(&raw).contains(&"score")),
            validator_flags: &validator_flags,
            legacy_grading: raw.grading.clone().unwrap_or_default(),
        };
        let scoring = read_groups(&context, &mut test_cases)?;
        if validation == Validation::Default {
            check_case_flags(root, &test_cases)?;
        }
        let statements = read_statements(root, &name)?;
        let submissions = read_submissions(root, &mut warnings)?;

        Ok(ProblemPackage {
            root: root.to_path_buf(),
            format,
            name,
            validation,
            validator_flags,
            limits,
            time_limit,
            test_cases,
            statements,
            submissions,
            scoring,
            warnings,
            interactive: kind.interactive,
            multi_pass,
        })
    }
}

// ---------------------------------------------------------------------------
// problem.yaml

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RawProblemYaml {
    problem_format_version: Option<String>,
    name: Option<ProblemName>,
    #[serde(rename = "type")]
    problem_type: Option<OneOrMany>,
    validation: Option<String>,
    validator_flags: Option<String>,
    limits: Option<RawLimits>,
    grading: Option<RawLegacyGrading>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RawLimits {
    time_limit: Option<f64>,
    time_multiplier: Option<f64>,
    time_safety_margin: Option<f64>,
    time_multipliers: Option<RawTimeMultipliers>,
    memory: Option<u64>,
    output: Option<u64>,
    compilation_time: Option<f64>,
    compilation_memory: Option<u64>,
    validation_passes: Option<u32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RawTimeMultipliers {
    ac_to_time_limit: Option<f64>,
    time_limit_to_tle: Option<f64>,
}

fn read_problem_yaml(path: &Path) -> Result<RawProblemYaml, PackageError> {
    let text = read_optional_text(path)?.ok_or_else(|| PackageError::MissingProblemYaml {
        path: path.to_path_buf(),
    })?;
    // An empty or comment-only problem.yaml is valid and means "all defaults";
    // it deserialises as a null document, hence the Option.
    let raw: Option<RawProblemYaml> =
        serde_norway::from_str(&text).map_err(|source| PackageError::InvalidProblemYaml {
            path: path.to_path_buf(),
            source,
        })?;
    Ok(raw.unwrap_or_default())
}

/// The passes a multi-pass problem allows when `limits.validation_passes` does not say.
pub const DEFAULT_VALIDATION_PASSES: u32 = 2;

/// What kind of problem the package declares, from `type` and `validation`'s modifiers.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct ProblemKind {
    interactive: bool,
    multi_pass: bool,
}

fn problem_kind(raw: &RawProblemYaml, yaml_path: &Path) -> Result<ProblemKind, PackageError> {
    let mut words: Vec<&str> = match &raw.problem_type {
        None => Vec::new(),
        Some(OneOrMany::One(s)) => s.split_whitespace().collect(),
        Some(OneOrMany::Many(v)) => v.iter().map(String::as_str).collect(),
    };
    // Legacy modifiers after `custom` (their validity is checked with the validation itself).
    words.extend(raw.validation.as_deref().unwrap_or("").split_whitespace().skip(1));
    let mut kind = ProblemKind::default();
    for word in words {
        match word {
            "interactive" => kind.interactive = true,
            "multi-pass" => kind.multi_pass = true,
            "pass-fail" | "scoring" | "score" => {}
            "submit-answer" => {
                return Err(PackageError::Unsupported {
                    path: yaml_path.to_path_buf(),
                    what: word.to_owned(),
                })
            }
            // Unknown legacy modifiers are refused by `read_validation`; unknown types are
            // left for later formats to define.
            _ => {}
        }
    }
    Ok(kind)
}

fn split_validator_flags(flags: &str, yaml_path: &Path) -> Result<Vec<String>, PackageError> {
    shlex::split(flags).ok_or_else(|| PackageError::UnsplittableValidatorFlags {
        path: yaml_path.to_path_buf(),
    })
}

/// The words of `problem.yaml`'s `type`.
fn type_words(raw: &RawProblemYaml) -> Vec<&str> {
    match &raw.problem_type {
        None => Vec::new(),
        Some(OneOrMany::One(s)) => s.split_whitespace().collect(),
        Some(OneOrMany::Many(v)) => v.iter().map(String::as_str).collect(),
    }
}

/// The words of `problem.yaml`'s `validation`.
fn validation_words(raw: &RawProblemYaml) -> Vec<&str> {
    raw.validation
        .as_deref()
        .map(|v| v.split_whitespace().collect())
        .unwrap_or_default()
}

/// A scoring problem: 2025-09 / legacy `type: scoring`, or legacy `validation: … score`.
fn is_scoring(raw: &RawProblemYaml) -> bool {
    type_words(raw).contains(&"scoring") || validation_words(raw).contains(&"score")
}

/// Refuses a case whose arguments the default validator cannot run with, naming the case.
fn check_case_flags(root: &Path, cases: &[TestCase]) -> Result<(), PackageError> {
    for case in cases {
        ValidatorFlags::parse(&case.validator_args.join(" ")).map_err(|source| {
            PackageError::InvalidValidatorFlags {
                path: root.join("data").join(&case.name),
                source,
            }
        })?;
    }
    Ok(())
}

fn directory_name(root: &Path) -> String {
    // `root` may be "." or end in "..", which have no file name of their own.
    let resolved = fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    resolved
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

mod errors;
mod files;
mod groups;
mod limits;
mod model;
pub mod statement;
#[cfg(test)]
mod tests;
mod validator;

pub use errors::*;
use files::{read_optional_text, read_submissions, read_test_cases};
pub use groups::{
    legacy_max, Aggregation, GroupItem, GroupRules, LegacyRules, ModernRules, ScoreAggregation, Scoring,
    TestGroup, VerdictAggregation,
};
use groups::{read_groups, GroupContext, RawLegacyGrading};
use limits::{read_limits, read_time_limit};
pub use model::*;
use statement::read_statements;
use validator::read_validation;
pub use validator::TESTLIB_MARKER;
