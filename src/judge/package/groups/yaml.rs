//! The shapes of `testdata.yaml` / `test_group.yaml` and `<case>.yaml` as written (only the
//! keys that are read), the deprecated `grading:` keys of `problem.yaml`, and how they are read.

use std::path::Path;

use serde::Deserialize;

use super::super::PackageError;

/// The keys of `testdata.yaml` / `test_group.yaml` that are read; others are ignored.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub(super) struct RawGroupYaml {
    pub(super) on_reject: Option<String>,
    pub(super) grading: Option<String>,
    pub(super) grader_flags: Option<String>,
    pub(super) accept_score: Option<f64>,
    pub(super) reject_score: Option<f64>,
    pub(super) range: Option<String>,
    pub(super) output_validator_flags: Option<String>,
    pub(super) output_validator_args: Option<Args>,
    pub(super) max_score: Option<MaxScore>,
    pub(super) score_aggregation: Option<String>,
    pub(super) require_pass: Option<Names>,
}

/// Arguments as a YAML sequence (2025-09) or one string split at spaces (2023-07).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(super) enum Args {
    Words(String),
    List(Vec<String>),
}

impl Args {
    pub(super) fn into_vec(self) -> Vec<String> {
        match self {
            Args::Words(text) => shell_words(&text),
            Args::List(list) => list,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(super) enum MaxScore {
    Number(f64),
    Word(String),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(super) enum Names {
    One(String),
    Many(Vec<String>),
}

/// A case's `<case>.yaml`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct RawCaseYaml {
    pub(super) output_validator_args: Option<Args>,
}

/// Deprecated legacy `grading:` keys of `problem.yaml`, which override `testdata.yaml`.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub(in super::super) struct RawLegacyGrading {
    pub(super) on_reject: Option<String>,
    pub(super) accept_score: Option<f64>,
    pub(super) reject_score: Option<f64>,
    pub(super) range: Option<String>,
}

pub(super) fn group_validator_args(raw: &RawGroupYaml) -> Option<Vec<String>> {
    raw.output_validator_args
        .clone()
        .map(Args::into_vec)
        .or_else(|| raw.output_validator_flags.as_ref().map(|f| shell_words(f)))
}

/// Flags split as a POSIX shell would (quotes group words); a string that does not split (an
/// unclosed quote) falls back to its whitespace-separated words.
pub(super) fn shell_words(text: &str) -> Vec<String> {
    shlex::split(text).unwrap_or_else(|| text.split_whitespace().map(str::to_owned).collect())
}

pub(super) fn read_yaml<T: serde::de::DeserializeOwned + Default>(
    path: &Path,
) -> Result<Option<T>, PackageError> {
    let Some(text) = super::super::files::read_optional_text(path)? else {
        return Ok(None);
    };
    let raw: Option<T> = serde_norway::from_str(&text).map_err(|source| PackageError::InvalidGroupYaml {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(Some(raw.unwrap_or_default()))
}
