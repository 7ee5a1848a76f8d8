//! Legacy aggregation: problemtools' default grader over a `testdata.yaml` group tree.

use super::*;

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
pub(super) fn legacy_eval(
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

pub(super) fn legacy_should_run(group: &TestGroup, case: usize, results: &[Option<CaseResult>]) -> bool {
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
pub(super) fn count(group: &TestGroup, results: &[Option<CaseResult>]) -> (u32, u32, u32) {
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
