//! Checking and parsing the values of group files: scores, ranges, `on_reject`, grader flags,
//! aggregations; each refusal names the file.

use super::*;

pub(super) fn bad(path: &Path, reason: impl Into<String>) -> PackageError {
    PackageError::InvalidScoring {
        path: path.to_path_buf(),
        reason: reason.into(),
    }
}

pub(super) fn check_score(path: &Path, key: &str, value: f64) -> Result<f64, PackageError> {
    if value.is_nan() || value < 0.0 || value.is_infinite() {
        return Err(bad(
            path,
            format!("{key} must be a non-negative number, got {value}"),
        ));
    }
    Ok(value)
}

/// Refusals that need only the file itself.
pub(super) fn check_group_yaml(
    raw: &RawGroupYaml,
    path: &Path,
    legacy: bool,
    dir: &str,
) -> Result<(), PackageError> {
    if legacy {
        if let Some(grading) = raw.grading.as_deref() {
            match grading {
                "default" => {}
                "custom" => {
                    return Err(PackageError::Unsupported {
                        path: path.to_path_buf(),
                        what: "custom grader (grading: custom)".to_owned(),
                    })
                }
                other => {
                    return Err(bad(
                        path,
                        format!("unknown grading {other:?} (expected default or custom)"),
                    ))
                }
            }
        }
        if let Some(on_reject) = raw.on_reject.as_deref() {
            parse_on_reject(on_reject).ok_or_else(|| {
                bad(
                    path,
                    format!("unknown on_reject {on_reject:?} (expected break or continue)"),
                )
            })?;
        }
        if let Some(flags) = raw.grader_flags.as_deref() {
            parse_grader_flags(flags).map_err(|word| bad(path, format!("unknown grader flag {word:?}")))?;
        }
        if let Some(score) = raw.accept_score {
            check_score(path, "accept_score", score)?;
        }
        if let Some(score) = raw.reject_score {
            check_score(path, "reject_score", score)?;
        }
        if let Some(range) = raw.range.as_deref() {
            parse_range(range).map_err(|reason| bad(path, reason))?;
        }
    } else {
        let scoring_key =
            raw.max_score.is_some() || raw.score_aggregation.is_some() || raw.require_pass.is_some();
        if scoring_key && dir.starts_with("sample") {
            return Err(bad(
                path,
                "max_score, score_aggregation and require_pass are not permitted in sample",
            ));
        }
        if let Some(aggregation) = raw.score_aggregation.as_deref() {
            parse_aggregation(aggregation).ok_or_else(|| {
                bad(
                    path,
                    format!("unknown score_aggregation {aggregation:?} (expected pass-fail, sum or min)"),
                )
            })?;
        }
        if let Some(max) = &raw.max_score {
            parse_max_score(max, path)?;
        }
    }
    Ok(())
}

pub(super) fn parse_on_reject(value: &str) -> Option<bool> {
    match value {
        "break" | "first_error" => Some(true),
        "continue" | "grade" | "worst_error" => Some(false),
        _ => None,
    }
}

/// `(verdicts, scores, ignore_sample, accept_if_any_accepted)`, or the unknown word.
pub(super) fn parse_grader_flags(
    flags: &str,
) -> Result<(VerdictAggregation, ScoreAggregation, bool, bool), String> {
    let mut parsed = (
        VerdictAggregation::WorstError,
        ScoreAggregation::Sum,
        false,
        false,
    );
    for word in flags.split_whitespace() {
        match word {
            "worst_error" | "no_errors" => parsed.0 = VerdictAggregation::WorstError,
            "first_error" => parsed.0 = VerdictAggregation::FirstError,
            "always_accept" => parsed.0 = VerdictAggregation::AlwaysAccept,
            "sum" => parsed.1 = ScoreAggregation::Sum,
            "avg" => parsed.1 = ScoreAggregation::Avg,
            "min" => parsed.1 = ScoreAggregation::Min,
            "max" => parsed.1 = ScoreAggregation::Max,
            "ignore_sample" => parsed.2 = true,
            "accept_if_any_accepted" => parsed.3 = true,
            other => return Err(other.to_owned()),
        }
    }
    Ok(parsed)
}

/// `"lo hi"`, each a number or `±inf`, `lo <= hi`.
pub(super) fn parse_range(text: &str) -> Result<(f64, f64), String> {
    let numbers: Vec<f64> = text
        .split_whitespace()
        .map(str::parse::<f64>)
        .collect::<Result<_, _>>()
        .map_err(|_| format!("range {text:?} must be two numbers, \"lo hi\""))?;
    match numbers.as_slice() {
        [lo, hi] if !lo.is_nan() && !hi.is_nan() && lo <= hi => Ok((*lo, *hi)),
        _ => Err(format!("range {text:?} must be two numbers lo <= hi")),
    }
}

pub(super) fn parse_aggregation(value: &str) -> Option<Aggregation> {
    match value {
        "pass-fail" => Some(Aggregation::PassFail),
        "sum" => Some(Aggregation::Sum),
        "min" => Some(Aggregation::Min),
        _ => None,
    }
}

pub(super) fn parse_max_score(max: &MaxScore, path: &Path) -> Result<Option<f64>, PackageError> {
    match max {
        MaxScore::Word(word) if word == "unbounded" => Ok(None),
        MaxScore::Word(word) => Err(bad(
            path,
            format!("max_score {word:?} must be a number or unbounded"),
        )),
        MaxScore::Number(n) => check_score(path, "max_score", *n).map(Some),
    }
}
