//! 2025-09 aggregation: `pass-fail`, `sum` and `min` groups, `max_score`, `require_pass`.

use super::*;

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

pub(super) fn modern_should_run(scoring: &Scoring, case: usize, results: &[Option<CaseResult>]) -> bool {
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
pub(super) fn modern_eval(
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
