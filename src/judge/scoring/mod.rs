//! Scores of a scoring problem's judging: from each test's verdict (and its validator's
//! `score.txt`) to each group's score and the submission's, by the package's rules
//! ([`Scoring`], read by `judge::package`). Pure: the engine asks [`should_run`] before each test
//! and [`aggregate`] at the end.
//!
//! Legacy packages are aggregated as problemtools' default grader does: a case scores its
//! `accept_score` or `reject_score` (or its `score.txt`), a group takes its items in order and,
//! with `on_reject: break`, stops at the first rejected one; its verdict is the worst (or the
//! first) rejected item's, its score the sum (avg, min, max) of its items'. The submission's
//! verdict is the root group's. 2025-09 packages follow that format's "Result aggregation":
//! `pass-fail`, `sum` and `min` groups, `max_score`, `require_pass`; the submission's verdict
//! stays that of its first failed test, and its score is `secret`'s.

use serde::{Deserialize, Serialize};

use crate::judge::package::{
    legacy_max, Aggregation, GroupItem, GroupRules, LegacyRules, ModernRules, ScoreAggregation, Scoring,
    TestGroup, VerdictAggregation,
};
use crate::judge::verdict::Verdict;

/// What judging one test gave, as far as scores go.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CaseResult {
    pub verdict: Verdict,
    /// The validator's `score.txt`, if it wrote one.
    pub score: Option<f64>,
}

/// A judged submission's score and how its groups made it, stored in the judging's report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ScoreReport {
    /// The submission's score.
    pub score: f64,
    /// The most it could have scored; absent when unbounded.
    pub max_score: Option<f64>,
    /// Every group, parents before their subgroups, in judging order.
    pub groups: Vec<GroupScore>,
    /// Why the scores could not be trusted (a validator's `score.txt` out of bounds…); the
    /// verdict is then IE.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// One group's part of a score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct GroupScore {
    /// Its path below `data/`, e.g. `secret/group1` (`data` for the legacy root).
    pub name: String,
    /// The group's verdict; absent when none of its tests ran.
    pub verdict: Option<Verdict>,
    pub score: f64,
    /// Absent when unbounded.
    pub max_score: Option<f64>,
    /// Tests of the group (at any depth) that were judged, and that were accepted.
    pub judged: u32,
    pub accepted: u32,
    pub tests: u32,
}

/// Whether test `case` can still change the outcome, given the results so far (indexed like
/// the package's test cases; `None` = not judged). Tests after a rejected one in an
/// `on_reject: break` group, in a failed `pass-fail` or `min` group, or in a group whose
/// `require_pass` failed, cannot.
pub fn should_run(scoring: &Scoring, case: usize, results: &[Option<CaseResult>]) -> bool {
    match &scoring.root.rules {
        GroupRules::Legacy(_) => legacy_should_run(&scoring.root, case, results),
        GroupRules::Modern(_) => modern_should_run(scoring, case, results),
    }
}

/// The verdict (legacy only: 2025-09 keeps the first failed test's) and the score report.
pub fn aggregate(scoring: &Scoring, results: &[Option<CaseResult>]) -> (Option<Verdict>, ScoreReport) {
    match &scoring.root.rules {
        GroupRules::Legacy(_) => {
            let mut groups = Vec::new();
            let outcome = legacy_eval(&scoring.root, results, Some(&mut groups));
            let (verdict, score) = outcome.unwrap_or((Verdict::Ac, 0.0));
            let report = ScoreReport {
                score,
                max_score: scoring.max_score,
                groups,
                error: None,
            };
            (Some(verdict), report)
        }
        GroupRules::Modern(_) => {
            let mut errors = Vec::new();
            let mut groups = Vec::new();
            let score = modern_eval(scoring, results, &mut groups, &mut errors);
            let report = ScoreReport {
                score,
                max_score: scoring.max_score,
                groups,
                error: (!errors.is_empty()).then(|| errors.join("; ")),
            };
            (report.error.as_ref().map(|_| Verdict::Ie), report)
        }
    }
}

mod legacy;
mod modern;

use legacy::{count, legacy_eval, legacy_should_run};
use modern::{modern_eval, modern_should_run};

#[cfg(test)]
mod tests;
