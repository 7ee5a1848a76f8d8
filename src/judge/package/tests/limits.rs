//! Limits and time limits: from problem.yaml, .timelimit, DOMjudge's problem.ini, or derived.

use super::*;

#[test]
fn limits_are_read_from_problem_yaml() {
    let pkg = Pkg::new(
        "limits:\n  time_multiplier: 3\n  time_safety_margin: 1.5\n  memory: 256\n  output: 64\n  compilation_time: 30\n  compilation_memory: 512\n",
    );
    assert_eq!(
        pkg.load().limits,
        Limits {
            time_multiplier: 3.0,
            time_safety_margin: 1.5,
            memory_mib: 256,
            output_mib: 64,
            compilation_time_secs: 30.0,
            compilation_memory_mib: 512,
        }
    );
}

#[test]
fn a_2023_07_package_defaults_to_that_formats_time_multipliers() {
    let pkg = Pkg::new("problem_format_version: 2023-07-draft\n");
    let limits = pkg.load().limits;
    assert_eq!(limits.time_multiplier, 2.0);
    assert_eq!(limits.time_safety_margin, 1.5);
}

#[test]
fn time_multipliers_win_over_the_legacy_keys() {
    let pkg = Pkg::new(
        "problem_format_version: 2023-07\nlimits:\n  time_multiplier: 9\n  time_safety_margin: 9\n  time_multipliers:\n    ac_to_time_limit: 3\n    time_limit_to_tle: 1.25\n",
    );
    let limits = pkg.load().limits;
    assert_eq!(limits.time_multiplier, 3.0);
    assert_eq!(limits.time_safety_margin, 1.25);
}

#[test]
fn non_positive_limits_are_errors_naming_the_key() {
    for (yaml, key) in [
        ("limits:\n  memory: 0\n", "memory"),
        ("limits:\n  time_multiplier: -1\n", "time_multiplier"),
        ("limits:\n  time_limit: 0\n", "time_limit"),
        ("limits:\n  compilation_time: .nan\n", "compilation_time"),
    ] {
        let err = Pkg::new(yaml).load_err();
        assert!(
            matches!(&err, PackageError::InvalidLimit { key: k, .. } if *k == key),
            "{yaml}: {err}"
        );
        assert!(err.to_string().contains("problem.yaml"));
    }
}

#[test]
fn a_null_limits_section_means_defaults() {
    let pkg = Pkg::new("limits:\n");
    assert_eq!(pkg.load().limits.memory_mib, 1024);
}

// --- time limit precedence ---

fn with_all_time_limit_sources() -> Pkg {
    let pkg = Pkg::new("limits:\n  time_limit: 1.5\n");
    pkg.write(".timelimit", "3\n");
    pkg.write("domjudge-problem.ini", "timelimit = 7\n");
    pkg
}

#[test]
fn the_time_limit_in_problem_yaml_wins_over_every_other_source() {
    let loaded = with_all_time_limit_sources().load();
    assert_eq!(
        loaded.time_limit,
        Some(TimeLimit {
            seconds: 1.5,
            source: TimeLimitSource::ProblemYaml
        })
    );
}

#[test]
fn a_timelimit_file_wins_over_domjudge_problem_ini() {
    let pkg = with_all_time_limit_sources();
    pkg.write("problem.yaml", "name: x\n");
    assert_eq!(
        pkg.load().time_limit,
        Some(TimeLimit {
            seconds: 3.0,
            source: TimeLimitSource::TimelimitFile
        })
    );
}

#[test]
fn domjudge_problem_ini_is_used_when_nothing_else_sets_a_time_limit() {
    let pkg = with_all_time_limit_sources();
    pkg.write("problem.yaml", "name: x\n");
    pkg.remove(".timelimit");
    assert_eq!(
        pkg.load().time_limit,
        Some(TimeLimit {
            seconds: 7.0,
            source: TimeLimitSource::DomjudgeIni
        })
    );
}

#[test]
fn without_any_source_the_time_limit_is_left_to_be_derived() {
    let pkg = with_all_time_limit_sources();
    pkg.write("problem.yaml", "name: x\n");
    pkg.remove(".timelimit");
    pkg.remove("domjudge-problem.ini");
    assert_eq!(pkg.load().time_limit, None);
}

#[test]
fn domjudge_ini_values_may_be_quoted_either_way() {
    for (ini, seconds) in [
        ("timelimit='2'\n", 2.0),
        ("timelimit = \"2.5\"\n", 2.5),
        (
            "probid='A'\nname='Hello = world'\ntimelimit = ' 4 '\ncolor='#ff0000'\n",
            4.0,
        ),
        ("TimeLimit=6", 6.0),
        ("timelimit=1\ntimelimit=8\n", 8.0),
    ] {
        let pkg = Pkg::new("");
        pkg.write("domjudge-problem.ini", ini);
        let limit = pkg.load().time_limit.expect("time limit from ini");
        assert_eq!(limit.seconds, seconds, "{ini:?}");
        assert_eq!(limit.source, TimeLimitSource::DomjudgeIni);
    }
}

#[test]
fn a_domjudge_ini_without_a_timelimit_line_sets_nothing() {
    let pkg = Pkg::new("");
    pkg.write("domjudge-problem.ini", "name='x'\nallow_submit=1\n");
    assert_eq!(pkg.load().time_limit, None);
}

#[test]
fn an_unreadable_time_limit_value_is_an_error_naming_its_file() {
    let pkg = Pkg::new("");
    pkg.write(".timelimit", "fast\n");
    let err = pkg.load_err();
    assert!(matches!(&err, PackageError::InvalidLimit { path, .. } if *path == pkg.path(".timelimit")));
    assert!(err.to_string().contains("fast"));

    let pkg = Pkg::new("");
    pkg.write("domjudge-problem.ini", "timelimit='-2'\n");
    let err = pkg.load_err();
    assert!(
        matches!(&err, PackageError::InvalidLimit { path, .. } if *path == pkg.path("domjudge-problem.ini"))
    );
}

#[test]
fn derived_time_limits_round_up_to_whole_seconds() {
    assert_eq!(derive_time_limit(0.41, 5.0), 3.0);
    assert_eq!(derive_time_limit(0.6, 5.0), 3.0);
    assert_eq!(derive_time_limit(1.0, 2.0), 2.0);
    assert_eq!(derive_time_limit(1.01, 2.0), 3.0);
}

#[test]
fn derived_time_limits_are_at_least_one_second() {
    assert_eq!(derive_time_limit(0.01, 5.0), 1.0);
    assert_eq!(derive_time_limit(0.0, 5.0), 1.0);
    assert_eq!(derive_time_limit(f64::NAN, 5.0), 1.0);
}

#[test]
fn floating_point_noise_does_not_add_a_second_to_a_derived_limit() {
    // 1.1 * 10.0 == 11.000000000000002 in f64.
    assert_eq!(derive_time_limit(1.1, 10.0), 11.0);
}

#[test]
fn a_tle_submission_must_run_past_the_limit_times_the_safety_margin() {
    assert!(tle_margin_ok(4.01, 2.0, 2.0));
    assert!(!tle_margin_ok(4.0, 2.0, 2.0));
    assert!(!tle_margin_ok(3.0, 2.0, 2.0));
    assert!(tle_margin_ok(2.5, 2.0, 1.2));
}
