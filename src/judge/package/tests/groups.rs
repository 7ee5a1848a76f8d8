//! Test groups, validator arguments, scoring rules and expected scores as read from packages,
//! and every refusal of contradictory or impossible scoring.

use super::Pkg;
use crate::judge::package::*;

/// A legacy scoring package shaped like problems/subtasks: groups of 20, 30 and 50 points.
fn legacy_subtasks() -> Pkg {
    let pkg = Pkg::new("name: x\ntype: scoring\n");
    pkg.remove("data/secret/1.in");
    pkg.remove("data/secret/1.ans");
    pkg.write(
        "data/testdata.yaml",
        "on_reject: continue\ngrader_flags: ignore_sample\nrange: 0 100\n",
    );
    pkg.write("data/sample/testdata.yaml", "grader_flags: ''\naccept_score: 0\n");
    pkg.write(
        "data/secret/testdata.yaml",
        "grader_flags: accept_if_any_accepted sum\nrange: 0 100\n",
    );
    for (group, points) in [("g1", 20), ("g2", 30), ("g3", 50)] {
        pkg.write(
            &format!("data/secret/{group}/testdata.yaml"),
            &format!("on_reject: break\ngrader_flags: min\naccept_score: {points}\nrange: 0 {points}\n"),
        );
        for case in ["1", "2"] {
            pkg.write(&format!("data/secret/{group}/{case}.in"), "1\n");
            pkg.write(&format!("data/secret/{group}/{case}.ans"), "1\n");
        }
    }
    pkg
}

/// A 2025-09 scoring package with groups a (20) and b (80).
fn modern_groups(secret_yaml: &str, a_yaml: &str, b_yaml: &str) -> Pkg {
    let pkg = Pkg::new("problem_format_version: 2025-09\nname: x\ntype: scoring\n");
    pkg.remove("data/secret/1.in");
    pkg.remove("data/secret/1.ans");
    for (group, yaml) in [("a", a_yaml), ("b", b_yaml)] {
        pkg.write(&format!("data/secret/{group}/test_group.yaml"), yaml);
        pkg.write(&format!("data/secret/{group}/1.in"), "1\n");
        pkg.write(&format!("data/secret/{group}/1.ans"), "1\n");
    }
    if !secret_yaml.is_empty() {
        pkg.write("data/secret/test_group.yaml", secret_yaml);
    }
    pkg
}

fn scoring_reason(pkg: &Pkg) -> String {
    match pkg.load_err() {
        PackageError::InvalidScoring { path, reason } => format!("{}: {reason}", path.display()),
        other => panic!("expected InvalidScoring, got {other}"),
    }
}

#[test]
fn a_pass_fail_package_has_no_scoring_and_cases_know_their_groups() {
    let loaded = Pkg::new("name: x\n").load();
    assert_eq!(loaded.scoring, None);
    assert_eq!(loaded.test_cases[0].group, "sample");
    assert_eq!(loaded.test_cases[1].group, "secret");
}

#[test]
fn legacy_validator_arguments_are_problem_flags_then_the_nearest_group_flags_then_the_case_yaml() {
    let pkg = Pkg::new("name: x\nvalidation: custom\nvalidator_flags: --strict\n");
    pkg.write("output_validators/v/validate.py", "print()\n");
    pkg.write(
        "data/secret/testdata.yaml",
        "output_validator_flags: --group secret\n",
    );
    pkg.write("data/secret/deep/1.in", "1\n");
    pkg.write("data/secret/deep/1.ans", "1\n");
    pkg.write(
        "data/secret/deep/1.yaml",
        "output_validator_args: [--case, one]\n",
    );
    let loaded = pkg.load();
    let args = |name: &str| {
        loaded
            .test_cases
            .iter()
            .find(|c| c.name == name)
            .map(|c| c.validator_args.clone())
            .expect("case")
    };
    assert_eq!(args("sample/1"), ["--strict"]);
    assert_eq!(args("secret/1"), ["--strict", "--group", "secret"]);
    assert_eq!(
        args("secret/deep/1"),
        ["--strict", "--group", "secret", "--case", "one"]
    );
}

#[test]
fn modern_output_validator_args_are_inherited_by_groups_and_cases() {
    let pkg = modern_groups(
        "max_score: 100\noutput_validator_args: [float_tolerance, '1e-6']\n",
        "max_score: 20\n",
        "max_score: 80\noutput_validator_args: [case_sensitive]\n",
    );
    let loaded = pkg.load();
    let a = loaded
        .test_cases
        .iter()
        .find(|c| c.name == "secret/a/1")
        .expect("a");
    let b = loaded
        .test_cases
        .iter()
        .find(|c| c.name == "secret/b/1")
        .expect("b");
    assert_eq!(a.validator_args, ["float_tolerance", "1e-6"]);
    assert_eq!(a.group, "secret/a");
    assert_eq!(b.validator_args, ["case_sensitive"]);
}

#[test]
fn default_validation_refuses_case_arguments_it_cannot_run_with_naming_the_case() {
    let pkg = Pkg::new("name: x\n");
    pkg.write("data/secret/1.yaml", "output_validator_args: [float_tolerance]\n");
    match pkg.load_err() {
        PackageError::InvalidValidatorFlags { path, .. } => {
            assert!(path.ends_with("data/secret/1"), "{path:?}")
        }
        other => panic!("expected InvalidValidatorFlags, got {other}"),
    }
}

#[test]
fn legacy_scoring_tree_follows_the_directories_with_inherited_keys() {
    let loaded = legacy_subtasks().load();
    let scoring = loaded.scoring.expect("a scoring problem");
    assert_eq!(scoring.max_score, Some(100.0));
    let GroupRules::Legacy(root) = &scoring.root.rules else {
        panic!("legacy rules");
    };
    assert!(root.ignore_sample && !root.on_reject_break);
    let GroupItem::Group(secret) = &scoring.root.items[1] else {
        panic!("secret is a group");
    };
    assert_eq!(secret.name, "secret");
    let GroupItem::Group(g2) = &secret.items[1] else {
        panic!("g2 is a group");
    };
    let GroupRules::Legacy(rules) = &g2.rules else {
        panic!("legacy rules");
    };
    assert_eq!(
        (rules.accept_score, rules.scores, rules.on_reject_break),
        (30.0, ScoreAggregation::Min, true)
    );
    // sample/1 is case 0, g1 holds 1 and 2.
    assert_eq!(g2.items, vec![GroupItem::Case(3), GroupItem::Case(4)]);
}

#[test]
fn the_score_word_of_legacy_validation_makes_a_scoring_problem() {
    let pkg = Pkg::new("name: x\nvalidation: custom score\n");
    pkg.write("output_validators/v/validate.py", "print()\n");
    let loaded = pkg.load();
    assert!(loaded.scoring.is_some());
    assert_eq!(
        loaded.scoring.and_then(|s| s.max_score),
        None,
        "the validator's scores are unknown"
    );
}

#[test]
fn legacy_refusals_name_the_file_and_the_reason() {
    let cases: [(&str, &str, &str); 7] = [
        (
            "data/secret/g1/testdata.yaml",
            "on_reject: sometimes\n",
            "unknown on_reject",
        ),
        (
            "data/secret/g1/testdata.yaml",
            "grader_flags: median\n",
            "unknown grader flag",
        ),
        (
            "data/secret/g1/testdata.yaml",
            "accept_score: -5\n",
            "non-negative",
        ),
        (
            "data/secret/g1/testdata.yaml",
            "accept_score: .nan\n",
            "non-negative",
        ),
        ("data/secret/g1/testdata.yaml", "range: 20\n", "range"),
        (
            "data/secret/g1/testdata.yaml",
            "grading: fancy\n",
            "unknown grading",
        ),
        (
            "data/secret/g3/testdata.yaml",
            "on_reject: break\ngrader_flags: min\naccept_score: 40\nrange: 0 40\n",
            "do not add up",
        ),
    ];
    for (file, yaml, reason) in cases {
        let pkg = legacy_subtasks();
        pkg.write(file, yaml);
        let message = scoring_reason(&pkg);
        assert!(message.contains(reason), "{yaml}: {message}");
        let named = if reason == "do not add up" {
            "data/secret/testdata.yaml"
        } else {
            file
        };
        assert!(message.contains(named), "{yaml}: {message}");
    }
}

#[test]
fn a_custom_grader_is_refused_as_unsupported() {
    let pkg = legacy_subtasks();
    pkg.write("data/secret/testdata.yaml", "grading: custom\n");
    assert!(matches!(pkg.load_err(), PackageError::Unsupported { what, .. } if what.contains("grader")));
}

#[test]
fn modern_groups_read_their_scores_and_rules() {
    let pkg = modern_groups(
        "",
        "max_score: 20\nscore_aggregation: min\n",
        "max_score: 80\nrequire_pass: [sample, secret/a]\n",
    );
    let scoring = pkg.load().scoring.expect("a scoring problem");
    assert_eq!(scoring.max_score, Some(100.0), "secret defaults to 100");
    assert_eq!(scoring.sample, vec![0]);
    let GroupItem::Group(b) = &scoring.root.items[1] else {
        panic!("b is a group");
    };
    assert_eq!(
        b.rules,
        GroupRules::Modern(ModernRules {
            aggregation: Aggregation::PassFail,
            max_score: Some(80.0),
            require_pass: vec!["sample".to_owned(), "secret/a".to_owned()],
        })
    );
}

#[test]
fn modern_refusals_name_the_file_and_the_reason() {
    let cases: [(&str, &str, &str, &str, &str); 7] = [
        (
            "",
            "max_score: 20\nscore_aggregation: median\n",
            "max_score: 80\n",
            "a/test_group.yaml",
            "unknown score_aggregation",
        ),
        (
            "",
            "max_score: -20\n",
            "max_score: 80\n",
            "a/test_group.yaml",
            "non-negative",
        ),
        (
            "",
            "max_score: 20\n",
            "max_score: 80\nrequire_pass: secret/missing\n",
            "b/test_group.yaml",
            "does not exist",
        ),
        (
            "",
            "max_score: 20\nrequire_pass: secret/b\n",
            "max_score: 80\n",
            "a/test_group.yaml",
            "comes after it",
        ),
        (
            "",
            "max_score: 20\n",
            "max_score: 70\n",
            "secret/test_group.yaml",
            "do not add up",
        ),
        (
            "max_score: 50\nscore_aggregation: min\n",
            "max_score: 50\n",
            "max_score: 40\n",
            "secret/test_group.yaml",
            "do not add up",
        ),
        (
            "",
            "max_score: 20\n",
            "score_aggregation: sum\n",
            "b/test_group.yaml",
            "unbounded",
        ),
    ];
    for (secret, a, b, file, reason) in cases {
        let message = scoring_reason(&modern_groups(secret, a, b));
        assert!(
            message.contains(reason) && message.contains(file),
            "{a} {b}: {message}"
        );
    }
    let pkg = modern_groups("", "max_score: 20\n", "max_score: 80\n");
    pkg.write("data/sample/test_group.yaml", "max_score: 5\n");
    assert!(scoring_reason(&pkg).contains("not permitted in sample"));
}

#[test]
fn expected_scores_come_from_the_source_or_submissions_yaml() {
    let pkg = legacy_subtasks();
    pkg.write(
        "submissions/partially_accepted/half.py",
        "# @EXPECTED_SCORE@: 50\nprint(1)\n",
    );
    pkg.write("submissions/partially_accepted/some.py", "print(1)\n");
    pkg.write("submissions/accepted/full.py", "print(1)\n");
    pkg.write(
        "submissions/submissions.yaml",
        "partially_accepted/some.py:\n  score: [10, 30]\naccepted:\n  permitted: [AC]\n",
    );
    let loaded = pkg.load();
    let score = |name: &str| {
        loaded
            .submissions
            .iter()
            .find(|s| s.name == name)
            .and_then(|s| s.expected_score)
    };
    assert_eq!(score("half.py"), Some((50.0, 50.0)));
    assert_eq!(score("some.py"), Some((10.0, 30.0)));
    assert_eq!(score("full.py"), None);
    assert_eq!(
        loaded
            .submissions
            .iter()
            .find(|s| s.name == "half.py")
            .map(|s| s.expected),
        Some(&[crate::judge::verdict::Verdict::Ac][..])
    );

    pkg.write(
        "submissions/partially_accepted/half.py",
        "# @EXPECTED_SCORE@: lots\n",
    );
    assert!(matches!(
        pkg.load_err(),
        PackageError::InvalidExpectedScore { .. }
    ));
}
