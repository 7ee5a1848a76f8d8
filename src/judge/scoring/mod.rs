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

// ---------------------------------------------------------------------------
// legacy

/// problemtools' order of verdicts, worst first.
fn severity(verdict: Verdict) -> u8 {
    match verdict {
        Verdict::Ie => 0,
        Verdict::Re => 1,
        Verdict::Mle => 2,
        Verdict::Tle => 3,
        Verdict::Ole => 4,
        Verdict::Wa | Verdict::Ce => 5,
        Verdict::Ac => 6,
    }
}

fn legacy_rules(group: &TestGroup) -> Option<&LegacyRules> {
    match &group.rules {
        GroupRules::Legacy(rules) => Some(rules),
        GroupRules::Modern(_) => None,
    }
}

/// The group's verdict and score over what was judged, or `None` if nothing of it was. When
/// `out` is given, the group and its subgroups are appended to it.
fn legacy_eval(
    group: &TestGroup,
    results: &[Option<CaseResult>],
    mut out: Option<&mut Vec<GroupScore>>,
) -> Option<(Verdict, f64)> {
    let rules = legacy_rules(group)?;
    let slot = out.as_deref_mut().map(|out| {
        out.push(GroupScore {
            name: if group.name.is_empty() {
                "data".to_owned()
            } else {
                group.name.clone()
            },
            verdict: None,
            score: 0.0,
            max_score: Some(if rules.range.1.is_finite() {
                rules.range.1
            } else {
                legacy_max(group)
            }),
            judged: 0,
            accepted: 0,
            tests: 0,
        });
        out.len() - 1
    });
    let mut children: Vec<(Verdict, f64)> = Vec::new();
    for item in &group.items {
        let child = match item {
            GroupItem::Case(index) => match results.get(*index).copied().flatten() {
                Some(result) => {
                    let score = result.score.unwrap_or(if result.verdict == Verdict::Ac {
                        rules.accept_score
                    } else {
                        rules.reject_score
                    });
                    Some((result.verdict, score))
                }
                // Not judged: judging stopped here.
                None => break,
            },
            GroupItem::Group(sub) => legacy_eval(sub, results, out.as_deref_mut()),
        };
        let Some(child) = child else {
            continue;
        };
        children.push(child);
        if child.0 != Verdict::Ac && rules.on_reject_break {
            break;
        }
    }
    let outcome = (!children.is_empty()).then(|| grade(rules, &children));
    if let (Some(out), Some(slot)) = (out, slot) {
        let (judged, accepted, tests) = count(group, results);
        let entry = &mut out[slot];
        entry.verdict = outcome.map(|o| o.0);
        entry.score = outcome.map_or(0.0, |o| o.1);
        (entry.judged, entry.accepted, entry.tests) = (judged, accepted, tests);
    }
    outcome
}

/// problemtools' default grader over a group's item results.
fn grade(rules: &LegacyRules, children: &[(Verdict, f64)]) -> (Verdict, f64) {
    if let Some(ie) = children.iter().find(|c| c.0 == Verdict::Ie) {
        return *ie;
    }
    let children = if rules.ignore_sample {
        &children[children.len() - 1..]
    } else {
        children
    };
    let verdict = if rules.accept_if_any_accepted && children.iter().any(|c| c.0 == Verdict::Ac) {
        Verdict::Ac
    } else {
        match rules.verdicts {
            VerdictAggregation::AlwaysAccept => Verdict::Ac,
            VerdictAggregation::FirstError => children
                .iter()
                .map(|c| c.0)
                .find(|v| *v != Verdict::Ac)
                .unwrap_or(Verdict::Ac),
            VerdictAggregation::WorstError => children
                .iter()
                .map(|c| c.0)
                .min_by_key(|v| severity(*v))
                .unwrap_or(Verdict::Ac),
        }
    };
    let scores = children.iter().map(|c| c.1);
    let score = match rules.scores {
        ScoreAggregation::Sum => scores.sum(),
        ScoreAggregation::Avg => scores.sum::<f64>() / children.len() as f64,
        ScoreAggregation::Min => scores.fold(f64::INFINITY, f64::min),
        ScoreAggregation::Max => scores.fold(f64::NEG_INFINITY, f64::max),
    };
    (verdict, score)
}

fn contains(item: &GroupItem, case: usize) -> bool {
    match item {
        GroupItem::Case(index) => *index == case,
        GroupItem::Group(sub) => sub.items.iter().any(|item| contains(item, case)),
    }
}

fn legacy_should_run(group: &TestGroup, case: usize, results: &[Option<CaseResult>]) -> bool {
    let Some(rules) = legacy_rules(group) else {
        return true;
    };
    for item in &group.items {
        if contains(item, case) {
            return match item {
                GroupItem::Case(_) => true,
                GroupItem::Group(sub) => legacy_should_run(sub, case, results),
            };
        }
        let outcome = match item {
            GroupItem::Case(index) => results.get(*index).copied().flatten().map(|r| r.verdict),
            GroupItem::Group(sub) => legacy_eval(sub, results, None).map(|o| o.0),
        };
        if rules.on_reject_break && outcome.is_some_and(|v| v != Verdict::Ac) {
            return false;
        }
    }
    true
}

/// Judged, accepted and all tests of a group, at any depth.
fn count(group: &TestGroup, results: &[Option<CaseResult>]) -> (u32, u32, u32) {
    let mut counts = (0, 0, 0);
    for item in &group.items {
        match item {
            GroupItem::Case(index) => {
                let result = results.get(*index).copied().flatten();
                counts.0 += u32::from(result.is_some());
                counts.1 += u32::from(result.is_some_and(|r| r.verdict == Verdict::Ac));
                counts.2 += 1;
            }
            GroupItem::Group(sub) => {
                let (j, a, t) = count(sub, results);
                counts = (counts.0 + j, counts.1 + a, counts.2 + t);
            }
        }
    }
    counts
}

// ---------------------------------------------------------------------------
// 2025-09

fn modern_rules(group: &TestGroup) -> Option<&ModernRules> {
    match &group.rules {
        GroupRules::Modern(rules) => Some(rules),
        GroupRules::Legacy(_) => None,
    }
}

/// The cases of a group, at any depth, in order.
fn cases_of(group: &TestGroup) -> Vec<usize> {
    let mut cases = Vec::new();
    for item in &group.items {
        match item {
            GroupItem::Case(index) => cases.push(*index),
            GroupItem::Group(sub) => cases.extend(cases_of(sub)),
        }
    }
    cases
}

fn all_accepted(cases: &[usize], results: &[Option<CaseResult>]) -> bool {
    cases.iter().all(|&i| {
        results
            .get(i)
            .copied()
            .flatten()
            .is_some_and(|r| r.verdict == Verdict::Ac)
    })
}

fn any_failed(cases: &[usize], results: &[Option<CaseResult>]) -> bool {
    cases.iter().any(|&i| {
        results
            .get(i)
            .copied()
            .flatten()
            .is_some_and(|r| r.verdict != Verdict::Ac)
    })
}

/// The scored groups: `secret`'s subgroups, or `secret` itself when it holds the cases.
fn scored_groups(secret: &TestGroup) -> Vec<&TestGroup> {
    let subgroups: Vec<&TestGroup> = secret
        .items
        .iter()
        .filter_map(|item| match item {
            GroupItem::Group(group) => Some(group),
            GroupItem::Case(_) => None,
        })
        .collect();
    if subgroups.is_empty() {
        vec![secret]
    } else {
        subgroups
    }
}

fn requirements_met(scoring: &Scoring, rules: &ModernRules, results: &[Option<CaseResult>]) -> bool {
    rules.require_pass.iter().all(|name| {
        if name == "sample" {
            return all_accepted(&scoring.sample, results);
        }
        scored_groups(&scoring.root)
            .into_iter()
            .find(|g| &g.name == name || g.name.strip_prefix("secret/") == Some(name.as_str()))
            .is_some_and(|g| all_accepted(&cases_of(g), results))
    })
}

fn modern_should_run(scoring: &Scoring, case: usize, results: &[Option<CaseResult>]) -> bool {
    if scoring.sample.contains(&case) {
        return true;
    }
    let Some(secret_rules) = modern_rules(&scoring.root) else {
        return true;
    };
    let secret_cases = cases_of(&scoring.root);
    if !requirements_met(scoring, secret_rules, results) {
        return false;
    }
    let decided = |aggregation: Aggregation| matches!(aggregation, Aggregation::PassFail | Aggregation::Min);
    let groups = scored_groups(&scoring.root);
    if groups.len() > 1 && decided(secret_rules.aggregation) {
        // One failed group already decides secret's score.
        let failed = groups.iter().any(|g| {
            modern_rules(g).is_some_and(|r| {
                let cases = cases_of(g);
                !cases.contains(&case)
                    && (any_failed(&cases, results) || !requirements_met(scoring, r, results))
            })
        });
        if failed {
            return false;
        }
    }
    for group in groups {
        let cases = cases_of(group);
        if !cases.contains(&case) {
            continue;
        }
        let Some(rules) = modern_rules(group) else {
            return true;
        };
        if !requirements_met(scoring, rules, results) {
            return false;
        }
        return !(decided(rules.aggregation) && any_failed(&cases, results));
    }
    secret_cases.contains(&case)
}

/// `secret`'s score; the scored groups are appended to `out`, and what makes the scores
/// untrustworthy to `errors`.
fn modern_eval(
    scoring: &Scoring,
    results: &[Option<CaseResult>],
    out: &mut Vec<GroupScore>,
    errors: &mut Vec<String>,
) -> f64 {
    let Some(secret_rules) = modern_rules(&scoring.root) else {
        return 0.0;
    };
    let groups = scored_groups(&scoring.root);
    let secret_has_groups = groups.len() > 1 || groups.first().is_some_and(|g| g.name != scoring.root.name);
    let secret_slot = out.len();
    if secret_has_groups {
        out.push(group_entry(&scoring.root, secret_rules, results));
    }
    let mut scores = Vec::new();
    let mut passed = Vec::new();
    for group in &groups {
        let Some(rules) = modern_rules(group) else {
            continue;
        };
        let cases = cases_of(group);
        let mut entry = group_entry(group, rules, results);
        let met = requirements_met(scoring, rules, results);
        let case_max = match (rules.aggregation, rules.max_score) {
            (Aggregation::Min, max) => max,
            (Aggregation::Sum, Some(max)) if !cases.is_empty() => Some(max / cases.len() as f64),
            _ => None,
        };
        let mut case_scores = Vec::new();
        for &index in &cases {
            let result = results.get(index).copied().flatten();
            let score = match result {
                Some(r) if r.verdict == Verdict::Ac && met => match (r.score, case_max, rules.aggregation) {
                    (Some(_), _, Aggregation::PassFail) => {
                        errors.push(format!(
                            "the validator wrote score.txt for a test of pass-fail group {}",
                            group.name
                        ));
                        0.0
                    }
                    (Some(score), Some(max), _) if score > max + 1e-9 => {
                        errors.push(format!(
                            "the validator's score {score} exceeds the test's maximum {max} in {}",
                            group.name
                        ));
                        0.0
                    }
                    (Some(score), _, _) if score.is_nan() || score < 0.0 => {
                        errors.push(format!(
                            "the validator's score {score} is not a non-negative number"
                        ));
                        0.0
                    }
                    (Some(score), _, _) => score,
                    (None, Some(max), _) => max,
                    (None, None, Aggregation::PassFail) => 0.0,
                    (None, None, _) => {
                        errors.push(format!(
                            "the validator accepted a test of unbounded group {} without a score.txt",
                            group.name
                        ));
                        0.0
                    }
                },
                Some(r) if r.score.is_some() && r.verdict != Verdict::Ac && r.verdict != Verdict::Ie => {
                    errors.push(format!(
                        "the validator rejected a test of {} but wrote score.txt",
                        group.name
                    ));
                    0.0
                }
                _ => 0.0,
            };
            case_scores.push(score);
        }
        let all_passed = met && all_accepted(&cases, results);
        let score = match rules.aggregation {
            Aggregation::PassFail => {
                if all_passed {
                    rules.max_score.unwrap_or(0.0)
                } else {
                    0.0
                }
            }
            Aggregation::Sum => case_scores.iter().sum(),
            Aggregation::Min => case_scores.iter().copied().fold(f64::INFINITY, f64::min).min(
                // An empty group scores nothing.
                if cases.is_empty() { 0.0 } else { f64::INFINITY },
            ),
        };
        if let Some(max) = rules.max_score {
            if score > max + 1e-6 {
                errors.push(format!(
                    "group {} scored {score}, over its max_score {max}",
                    group.name
                ));
            }
        }
        entry.score = score;
        scores.push(score);
        passed.push(all_passed);
        out.push(entry);
    }
    if !secret_has_groups {
        return scores.first().copied().unwrap_or(0.0);
    }
    let score = match secret_rules.aggregation {
        Aggregation::PassFail => {
            if passed.iter().all(|p| *p) && requirements_met(scoring, secret_rules, results) {
                secret_rules.max_score.unwrap_or(0.0)
            } else {
                0.0
            }
        }
        Aggregation::Sum => scores.iter().sum(),
        Aggregation::Min => scores.iter().copied().fold(f64::INFINITY, f64::min),
    };
    let score = if requirements_met(scoring, secret_rules, results) && score.is_finite() {
        score
    } else {
        0.0
    };
    if let Some(max) = secret_rules.max_score {
        if score > max + 1e-6 {
            errors.push(format!("secret scored {score}, over its max_score {max}"));
        }
    }
    out[secret_slot].score = score;
    score
}

fn group_entry(group: &TestGroup, rules: &ModernRules, results: &[Option<CaseResult>]) -> GroupScore {
    let (judged, accepted, tests) = count(group, results);
    let verdict = cases_of(group)
        .iter()
        .filter_map(|&i| results.get(i).copied().flatten())
        .map(|r| r.verdict)
        .find(|v| *v != Verdict::Ac)
        .or((judged > 0).then_some(Verdict::Ac));
    GroupScore {
        name: group.name.clone(),
        verdict,
        score: 0.0,
        max_score: rules.max_score,
        judged,
        accepted,
        tests,
    }
}

#[cfg(test)]
mod tests;
