//! Aggregation rules, one test each, on group trees built by hand.

use super::*;
use crate::judge::package::{
    Aggregation, GroupItem, GroupRules, LegacyRules, ModernRules, Scoring, TestGroup,
};

fn legacy(break_on_reject: bool, flags: (VerdictAggregation, ScoreAggregation), accept: f64) -> LegacyRules {
    LegacyRules {
        on_reject_break: break_on_reject,
        verdicts: flags.0,
        scores: flags.1,
        ignore_sample: false,
        accept_if_any_accepted: false,
        accept_score: accept,
        reject_score: 0.0,
        range: (f64::NEG_INFINITY, f64::INFINITY),
    }
}

fn group(name: &str, rules: GroupRules, items: Vec<GroupItem>) -> GroupItem {
    GroupItem::Group(TestGroup {
        name: name.to_owned(),
        rules,
        items,
    })
}

fn cases(range: std::ops::Range<usize>) -> Vec<GroupItem> {
    range.map(GroupItem::Case).collect()
}

fn ac() -> Option<CaseResult> {
    Some(CaseResult {
        verdict: Verdict::Ac,
        score: None,
    })
}

fn failed(verdict: Verdict) -> Option<CaseResult> {
    Some(CaseResult { verdict, score: None })
}

fn scored(score: f64) -> Option<CaseResult> {
    Some(CaseResult {
        verdict: Verdict::Ac,
        score: Some(score),
    })
}

/// The subtasks package's shape: sample (0, 1), then groups of 20 (2, 3), 30 (4, 5), 50 (6, 7).
fn subtasks() -> Scoring {
    let subtask = |name: &str, points: f64, items| {
        let mut rules = legacy(
            true,
            (VerdictAggregation::WorstError, ScoreAggregation::Min),
            points,
        );
        rules.range = (0.0, points);
        group(name, GroupRules::Legacy(rules), items)
    };
    let mut secret = legacy(
        false,
        (VerdictAggregation::WorstError, ScoreAggregation::Sum),
        1.0,
    );
    secret.accept_if_any_accepted = true;
    let mut root = legacy(
        false,
        (VerdictAggregation::WorstError, ScoreAggregation::Sum),
        1.0,
    );
    root.ignore_sample = true;
    let sample = legacy(
        false,
        (VerdictAggregation::WorstError, ScoreAggregation::Sum),
        0.0,
    );
    Scoring {
        root: TestGroup {
            name: String::new(),
            rules: GroupRules::Legacy(root),
            items: vec![
                group("sample", GroupRules::Legacy(sample), cases(0..2)),
                group(
                    "secret",
                    GroupRules::Legacy(secret),
                    vec![
                        subtask("secret/g1", 20.0, cases(2..4)),
                        subtask("secret/g2", 30.0, cases(4..6)),
                        subtask("secret/g3", 50.0, cases(6..8)),
                    ],
                ),
            ],
        },
        sample: Vec::new(),
        max_score: Some(100.0),
    }
}

#[test]
fn legacy_subtasks_sum_the_groups_that_pass_and_a_partial_submission_is_accepted() {
    let scoring = subtasks();
    let results = [
        ac(),
        failed(Verdict::Wa),
        ac(),
        ac(),
        ac(),
        ac(),
        failed(Verdict::Tle),
        None,
    ];
    let (verdict, report) = aggregate(&scoring, &results);
    assert_eq!(verdict, Some(Verdict::Ac));
    assert_eq!(report.score, 50.0);
    assert_eq!(report.max_score, Some(100.0));
    let g3 = report
        .groups
        .iter()
        .find(|g| g.name == "secret/g3")
        .expect("g3 shown");
    assert_eq!(
        (g3.verdict, g3.score, g3.judged, g3.tests),
        (Some(Verdict::Tle), 0.0, 1, 2)
    );
    let names: Vec<&str> = report.groups.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(
        names,
        ["data", "sample", "secret", "secret/g1", "secret/g2", "secret/g3"]
    );
}

#[test]
fn legacy_on_reject_break_skips_the_rest_of_the_group_only() {
    let scoring = subtasks();
    let results = [ac(), ac(), failed(Verdict::Wa), None, None, None, None, None];
    assert!(!should_run(&scoring, 3, &results), "rest of g1 cannot change it");
    assert!(should_run(&scoring, 4, &results), "g2 still scores");
}

#[test]
fn legacy_with_every_group_failed_takes_the_worst_verdict() {
    let scoring = subtasks();
    let results = [
        ac(),
        ac(),
        failed(Verdict::Wa),
        None,
        failed(Verdict::Re),
        None,
        failed(Verdict::Tle),
        None,
    ];
    let (verdict, report) = aggregate(&scoring, &results);
    assert_eq!(verdict, Some(Verdict::Re));
    assert_eq!(report.score, 0.0);
}

#[test]
fn legacy_first_error_takes_the_first_rejected_verdict() {
    let rules = legacy(
        false,
        (VerdictAggregation::FirstError, ScoreAggregation::Sum),
        1.0,
    );
    let scoring = Scoring {
        root: TestGroup {
            name: String::new(),
            rules: GroupRules::Legacy(rules),
            items: cases(0..3),
        },
        sample: Vec::new(),
        max_score: Some(3.0),
    };
    let results = [failed(Verdict::Wa), failed(Verdict::Re), ac()];
    assert!(
        should_run(&scoring, 2, &results),
        "on_reject: continue runs everything"
    );
    let (verdict, report) = aggregate(&scoring, &results);
    assert_eq!((verdict, report.score), (Some(Verdict::Wa), 1.0));
}

#[test]
fn legacy_avg_max_and_always_accept_aggregate_as_problemtools() {
    for (aggregation, expected) in [
        (ScoreAggregation::Avg, 2.0),
        (ScoreAggregation::Max, 3.0),
        (ScoreAggregation::Min, 1.0),
    ] {
        let rules = legacy(false, (VerdictAggregation::AlwaysAccept, aggregation), 1.0);
        let scoring = Scoring {
            root: TestGroup {
                name: String::new(),
                rules: GroupRules::Legacy(rules),
                items: cases(0..3),
            },
            sample: Vec::new(),
            max_score: None,
        };
        let results = [scored(1.0), scored(2.0), scored(3.0)];
        let (verdict, report) = aggregate(&scoring, &results);
        assert_eq!(
            (verdict, report.score),
            (Some(Verdict::Ac), expected),
            "{aggregation:?}"
        );
    }
}

#[test]
fn legacy_validator_score_replaces_accept_score_and_an_internal_error_wins() {
    let rules = legacy(
        false,
        (VerdictAggregation::WorstError, ScoreAggregation::Sum),
        10.0,
    );
    let scoring = Scoring {
        root: TestGroup {
            name: String::new(),
            rules: GroupRules::Legacy(rules),
            items: cases(0..2),
        },
        sample: Vec::new(),
        max_score: None,
    };
    let (_, report) = aggregate(&scoring, &[scored(2.5), ac()]);
    assert_eq!(report.score, 12.5);
    let (verdict, _) = aggregate(&scoring, &[failed(Verdict::Ie), ac()]);
    assert_eq!(verdict, Some(Verdict::Ie));
}

fn modern(aggregation: Aggregation, max_score: Option<f64>, require_pass: &[&str]) -> GroupRules {
    GroupRules::Modern(ModernRules {
        aggregation,
        max_score,
        require_pass: require_pass.iter().map(|s| s.to_string()).collect(),
    })
}

/// sample (0), then secret/a pass-fail 20 (1, 2), secret/b sum 30 (3, 4, 5), secret/c min 50 (6, 7).
fn modern_package(c_requires: &[&str]) -> Scoring {
    Scoring {
        root: TestGroup {
            name: "secret".to_owned(),
            rules: modern(Aggregation::Sum, Some(100.0), &[]),
            items: vec![
                group(
                    "secret/a",
                    modern(Aggregation::PassFail, Some(20.0), &[]),
                    cases(1..3),
                ),
                group("secret/b", modern(Aggregation::Sum, Some(30.0), &[]), cases(3..6)),
                group(
                    "secret/c",
                    modern(Aggregation::Min, Some(50.0), c_requires),
                    cases(6..8),
                ),
            ],
        },
        sample: vec![0],
        max_score: Some(100.0),
    }
}

#[test]
fn modern_pass_fail_sum_and_min_groups_score_by_their_rules() {
    let scoring = modern_package(&[]);
    let results = [
        ac(),
        ac(),
        ac(),
        ac(),
        failed(Verdict::Wa),
        ac(),
        ac(),
        scored(25.0),
    ];
    let (verdict, report) = aggregate(&scoring, &results);
    assert_eq!(verdict, None, "2025-09 keeps the first failed test's verdict");
    // a: 20; b: two of three tests at 10 each; c: min(50, 25).
    assert_eq!(report.score, 20.0 + 20.0 + 25.0);
    let scores: Vec<f64> = report.groups.iter().map(|g| g.score).collect();
    assert_eq!(scores, [65.0, 20.0, 20.0, 25.0]);
}

#[test]
fn modern_a_failed_pass_fail_or_min_group_skips_its_remaining_tests() {
    let scoring = modern_package(&[]);
    let results = [
        ac(),
        failed(Verdict::Wa),
        None,
        ac(),
        failed(Verdict::Wa),
        None,
        failed(Verdict::Tle),
        None,
    ];
    assert!(
        !should_run(&scoring, 2, &results),
        "pass-fail group a already failed"
    );
    assert!(should_run(&scoring, 5, &results), "a sum group still gains");
    assert!(!should_run(&scoring, 7, &results), "min group c is 0 already");
}

#[test]
fn modern_require_pass_scores_nothing_and_runs_nothing_when_the_required_group_failed() {
    for required in ["sample", "secret/a", "a"] {
        let scoring = modern_package(&[required]);
        let results = [
            failed(Verdict::Wa),
            failed(Verdict::Wa),
            None,
            ac(),
            ac(),
            ac(),
            None,
            None,
        ];
        assert!(!should_run(&scoring, 6, &results), "{required}");
        let results = [
            failed(Verdict::Wa),
            failed(Verdict::Wa),
            None,
            ac(),
            ac(),
            ac(),
            ac(),
            ac(),
        ];
        let (_, report) = aggregate(&scoring, &results);
        assert_eq!(report.score, 30.0, "{required}: c scores 0");
    }
}

#[test]
fn modern_validator_scores_over_the_maximum_or_missing_in_unbounded_groups_are_internal_errors() {
    let scoring = modern_package(&[]);
    let results = [ac(), ac(), ac(), scored(11.0), ac(), ac(), ac(), ac()];
    let (verdict, report) = aggregate(&scoring, &results);
    assert_eq!(verdict, Some(Verdict::Ie));
    assert!(
        report.error.as_deref().is_some_and(|e| e.contains("exceeds")),
        "{report:?}"
    );

    let unbounded = Scoring {
        root: TestGroup {
            name: "secret".to_owned(),
            rules: modern(Aggregation::Sum, None, &[]),
            items: cases(0..2),
        },
        sample: Vec::new(),
        max_score: None,
    };
    let (verdict, report) = aggregate(&unbounded, &[scored(7.5), scored(1.0)]);
    assert_eq!((verdict, report.score), (None, 8.5));
    let (verdict, _) = aggregate(&unbounded, &[scored(7.5), ac()]);
    assert_eq!(
        verdict,
        Some(Verdict::Ie),
        "accepted without score.txt in an unbounded group"
    );
}

#[test]
fn modern_secret_with_min_or_pass_fail_over_groups() {
    let mut scoring = modern_package(&[]);
    let all = [ac(), ac(), ac(), ac(), ac(), ac(), ac(), ac()];
    let one_failed = [ac(), ac(), ac(), ac(), ac(), ac(), ac(), failed(Verdict::Wa)];
    scoring.root.rules = modern(Aggregation::Min, Some(100.0), &[]);
    assert_eq!(aggregate(&scoring, &all).1.score, 20.0);
    scoring.root.rules = modern(Aggregation::PassFail, Some(100.0), &[]);
    assert_eq!(aggregate(&scoring, &all).1.score, 100.0);
    assert_eq!(aggregate(&scoring, &one_failed).1.score, 0.0);
    assert!(!should_run(
        &scoring,
        3,
        &[ac(), failed(Verdict::Wa), None, None, None, None, None, None]
    ));
}

#[test]
fn a_score_report_round_trips_through_json() {
    let (_, report) = aggregate(&subtasks(), &[ac(), ac(), ac(), ac(), ac(), ac(), ac(), ac()]);
    let json = serde_json::to_string(&report).expect("serialise");
    let back: ScoreReport = serde_json::from_str(&json).expect("parse");
    assert_eq!(back, report);
    assert_eq!(back.score, 100.0);
}
