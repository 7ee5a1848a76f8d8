//! Tests of package reading, on small packages built in temporary directories.

use super::{files::file_name_lossy, validator::is_testlib_include, *};
use crate::judge::{checker::default_validator::FlagError, verdict::Verdict};

/// A throwaway package directory with helpers to fill it.
struct Pkg {
    dir: tempfile::TempDir,
}

impl Pkg {
    /// A legacy package with one sample and one secret case.
    fn new(problem_yaml: &str) -> Pkg {
        let pkg = Pkg::bare();
        pkg.write("problem.yaml", problem_yaml);
        pkg.write("data/sample/1.in", "1\n");
        pkg.write("data/sample/1.ans", "2\n");
        pkg.write("data/secret/1.in", "3\n");
        pkg.write("data/secret/1.ans", "4\n");
        pkg
    }

    fn bare() -> Pkg {
        Pkg {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn write(&self, rel: &str, contents: &str) {
        let path = self.path(rel);
        fs::create_dir_all(path.parent().expect("has parent")).expect("mkdir");
        fs::write(path, contents).expect("write");
    }

    fn remove(&self, rel: &str) {
        let path = self.path(rel);
        if path.is_dir() {
            fs::remove_dir_all(path).expect("rmdir");
        } else {
            fs::remove_file(path).expect("rm");
        }
    }

    fn load(&self) -> ProblemPackage {
        ProblemPackage::load(self.dir.path()).expect("package loads")
    }

    fn load_err(&self) -> PackageError {
        ProblemPackage::load(self.dir.path()).expect_err("package is rejected")
    }
}

fn case_names(pkg: &ProblemPackage) -> Vec<&str> {
    pkg.test_cases.iter().map(|c| c.name.as_str()).collect()
}

// --- problem.yaml basics ---

#[test]
fn a_minimal_legacy_package_loads_with_defaults() {
    let pkg = Pkg::new("name: Hello World\n");
    let loaded = pkg.load();
    assert_eq!(loaded.format, PackageFormat::Legacy);
    assert_eq!(loaded.name, ProblemName::Single("Hello World".to_owned()));
    assert_eq!(loaded.validation, Validation::Default);
    assert_eq!(loaded.validator_flags, "");
    assert_eq!(
        loaded.limits,
        Limits {
            time_multiplier: 5.0,
            time_safety_margin: 2.0,
            memory_mib: 1024,
            output_mib: 8,
            compilation_time_secs: 60.0,
            compilation_memory_mib: 2048,
        }
    );
    assert_eq!(loaded.time_limit, None);
    assert!(loaded.statements.is_empty());
    assert!(loaded.submissions.is_empty());
    assert!(loaded.warnings.is_empty());
    assert_eq!(loaded.root, pkg.dir.path());
}

#[test]
fn test_case_paths_point_at_the_in_and_ans_files() {
    let pkg = Pkg::new("name: x\n");
    let loaded = pkg.load();
    assert_eq!(
        loaded.test_cases[0],
        TestCase {
            name: "sample/1".to_owned(),
            input: pkg.path("data/sample/1.in"),
            answer: pkg.path("data/sample/1.ans"),
            is_sample: true,
            group: "sample".to_owned(),
            validator_args: Vec::new(),
            interaction: None,
        }
    );
    assert!(!loaded.test_cases[1].is_sample);
}

#[test]
fn an_empty_problem_yaml_means_defaults_and_the_folder_name() {
    for yaml in ["", "# just a comment\n", "---\n"] {
        let pkg = Pkg::new(yaml);
        let loaded = pkg.load();
        let folder = file_name_lossy(pkg.dir.path());
        assert_eq!(loaded.name, ProblemName::Single(folder), "{yaml:?}");
    }
}

#[test]
fn unknown_keys_in_problem_yaml_are_ignored() {
    let pkg = Pkg::new(
        "name: x\nauthor: Someone\nsource: NWERC\nlicense: cc by-sa\nkeywords: [a, b]\nlimits:\n  code: 128\n  validation_time: 60\n",
    );
    assert_eq!(pkg.load().name.preferred(), "x");
}

#[test]
fn a_missing_problem_yaml_is_an_error_saying_it_is_required() {
    let pkg = Pkg::new("");
    pkg.remove("problem.yaml");
    let err = pkg.load_err();
    assert!(matches!(&err, PackageError::MissingProblemYaml { path } if *path == pkg.path("problem.yaml")));
    let text = err.to_string();
    assert!(
        text.contains("problem.yaml") && text.contains("must have"),
        "{text}"
    );
}

#[test]
fn malformed_problem_yaml_is_an_error_naming_the_file() {
    let pkg = Pkg::new("name: [unclosed\n");
    let err = pkg.load_err();
    assert!(matches!(err, PackageError::InvalidProblemYaml { .. }));
    assert!(err.to_string().contains("problem.yaml"));
    let pkg = Pkg::new("limits:\n  memory: lots\n");
    assert!(matches!(pkg.load_err(), PackageError::InvalidProblemYaml { .. }));
}

#[test]
fn a_root_that_is_not_a_directory_is_an_error() {
    let pkg = Pkg::new("");
    let err = ProblemPackage::load(pkg.path("problem.yaml")).expect_err("a file");
    assert!(matches!(err, PackageError::NotADirectory { .. }));
}

#[test]
fn name_may_be_a_map_of_languages() {
    let pkg = Pkg::new("name:\n  sv: Hej\n  en: Hello\n");
    let name = pkg.load().name;
    assert_eq!(name.get("sv"), Some("Hej"));
    assert_eq!(name.get("en"), Some("Hello"));
    assert_eq!(name.get("de"), None);
    assert_eq!(name.preferred(), "Hello");
}

#[test]
fn a_name_map_without_english_prefers_the_first_language_code() {
    let pkg = Pkg::new("name:\n  sv: Hej\n  de: Hallo\n");
    assert_eq!(pkg.load().name.preferred(), "Hallo");
}

#[test]
fn a_single_name_serves_every_language() {
    let name = ProblemName::Single("Hi".to_owned());
    assert_eq!(name.get("fr"), Some("Hi"));
}

#[test]
fn a_2023_07_package_is_recognised_by_its_format_version() {
    let pkg = Pkg::new("problem_format_version: 2023-07-draft\nname: x\n");
    assert_eq!(pkg.load().format, PackageFormat::V2023_07);
    let pkg = Pkg::new("problem_format_version: legacy\n");
    assert_eq!(pkg.load().format, PackageFormat::Legacy);
}

// --- limits ---

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

// --- test data ---

#[test]
fn nested_secret_groups_are_ordered_by_path_with_samples_first() {
    let pkg = Pkg::new("");
    for rel in [
        "data/secret/group2/01",
        "data/secret/group1/03",
        "data/secret/group1/sub/deeper/01",
        "data/secret/group1/02",
        "data/secret/00",
        "data/sample/2",
        "data/sample/zz/9",
    ] {
        pkg.write(&format!("{rel}.in"), "in");
        pkg.write(&format!("{rel}.ans"), "ans");
    }
    let loaded = pkg.load();
    assert_eq!(
        case_names(&loaded),
        [
            "sample/1",
            "sample/2",
            "sample/zz/9",
            "secret/00",
            "secret/1",
            "secret/group1/02",
            "secret/group1/03",
            "secret/group1/sub/deeper/01",
            "secret/group2/01",
        ]
    );
    let samples: Vec<bool> = loaded.test_cases.iter().map(|c| c.is_sample).collect();
    assert_eq!(
        samples,
        [true, true, true, false, false, false, false, false, false]
    );
}

#[test]
fn paths_are_ordered_component_by_component() {
    let pkg = Pkg::new("");
    pkg.remove("data/secret");
    for rel in ["data/secret/g1-b/01", "data/secret/g1/02"] {
        pkg.write(&format!("{rel}.in"), "in");
        pkg.write(&format!("{rel}.ans"), "ans");
    }
    assert_eq!(
        case_names(&pkg.load()),
        ["sample/1", "secret/g1/02", "secret/g1-b/01"]
    );
}

#[test]
fn an_input_without_an_answer_is_an_error_naming_the_input() {
    let pkg = Pkg::new("");
    pkg.write("data/secret/group/05.in", "x");
    let err = pkg.load_err();
    let input = pkg.path("data/secret/group/05.in");
    assert!(matches!(&err, PackageError::MissingAnswer { path } if *path == input));
    assert!(err.to_string().contains("05.in"));
}

#[test]
fn an_answer_without_an_input_is_an_error_naming_the_answer() {
    let pkg = Pkg::new("");
    pkg.write("data/sample/7.ans", "x");
    let err = pkg.load_err();
    let answer = pkg.path("data/sample/7.ans");
    assert!(matches!(&err, PackageError::MissingInput { path } if *path == answer));
    assert!(err.to_string().contains("7.ans"));
}

#[test]
fn other_files_in_data_are_ignored() {
    let pkg = Pkg::new("");
    for rel in [
        "data/secret/1.desc",
        "data/secret/1.hint",
        "data/secret/1.png",
        "data/sample/1.in.statement",
        "data/secret/.hidden.in",
        "data/secret/README",
        "data/invalid_input/bad.in",
        "data/loose.in",
    ] {
        pkg.write(rel, "x");
    }
    assert_eq!(case_names(&pkg.load()), ["sample/1", "secret/1"]);
}

#[test]
fn a_package_without_samples_or_secrets_alone_still_loads() {
    let pkg = Pkg::new("");
    pkg.remove("data/sample");
    assert_eq!(case_names(&pkg.load()), ["secret/1"]);
    let pkg = Pkg::new("");
    pkg.remove("data/secret");
    assert_eq!(case_names(&pkg.load()), ["sample/1"]);
}

#[test]
fn a_package_without_test_cases_is_an_error() {
    let pkg = Pkg::new("");
    pkg.remove("data/sample");
    pkg.remove("data/secret");
    pkg.write("data/secret/notes.txt", "x");
    assert!(matches!(pkg.load_err(), PackageError::NoTestCases { .. }));
    pkg.remove("data");
    let err = pkg.load_err();
    assert!(matches!(err, PackageError::MissingDataDir { .. }));
    assert!(err.to_string().contains("data"));
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_in_data_is_an_error_not_a_hang() {
    let pkg = Pkg::new("");
    std::os::unix::fs::symlink(pkg.path("data/secret"), pkg.path("data/secret/loop")).expect("symlink");
    assert!(matches!(pkg.load_err(), PackageError::TooDeep { .. }));
}

// --- statements ---

// Reading statements in each layout and language is tested in `statement.rs`.

#[test]
fn a_statement_that_is_not_utf8_is_an_error_naming_it() {
    let pkg = Pkg::new("");
    fs::create_dir_all(pkg.path("statement")).expect("mkdir");
    fs::write(pkg.path("statement/problem.en.md"), b"\xff\xfe").expect("write");
    let err = pkg.load_err();
    assert!(matches!(err, PackageError::NotUtf8 { .. }));
    assert!(err.to_string().contains("problem.en.md"));
}

// --- validation ---

#[test]
fn default_validation_checks_the_validator_flags() {
    let pkg = Pkg::new("validation: default\nvalidator_flags: float_tolerance 1e-6 case_sensitive\n");
    let loaded = pkg.load();
    assert_eq!(loaded.validation, Validation::Default);
    assert_eq!(loaded.validator_flags, "float_tolerance 1e-6 case_sensitive");

    let err = Pkg::new("validator_flags: float_tolerance\n").load_err();
    assert!(matches!(
        &err,
        PackageError::InvalidValidatorFlags {
            source: FlagError::MissingValue {
                flag: "float_tolerance"
            },
            ..
        }
    ));
    let text = err.to_string();
    assert!(
        text.contains("problem.yaml") && text.contains("float_tolerance"),
        "{text}"
    );
}

#[test]
fn custom_validation_passes_flags_through_unchecked() {
    let pkg = Pkg::new("validation: custom\nvalidator_flags: --strict 7\n");
    pkg.write("output_validators/check/check.py", "print()\n");
    let loaded = pkg.load();
    assert!(matches!(loaded.validation, Validation::Custom(_)));
    assert_eq!(loaded.validator_flags, "--strict 7");
    assert_eq!(loaded.validator_args().expect("splits"), ["--strict", "7"]);
}

#[test]
fn validator_flags_are_split_as_a_shell_would() {
    let pkg = Pkg::new(
        "validation: custom\nvalidator_flags: \"--name 'two words' --tolerance \\\"0.5\\\" x\\\\ y\"\n",
    );
    pkg.write("output_validators/check/check.py", "print()\n");
    assert_eq!(
        pkg.load().validator_args().expect("splits"),
        ["--name", "two words", "--tolerance", "0.5", "x y"]
    );
    assert!(Pkg::new("name: x\n")
        .load()
        .validator_args()
        .expect("splits")
        .is_empty());
}

#[test]
fn validator_flags_with_an_unclosed_quote_refuse_the_package() {
    let pkg = Pkg::new("validation: custom\nvalidator_flags: \"--name 'open\"\n");
    pkg.write("output_validators/check/check.py", "print()\n");
    let err = pkg.load_err();
    assert!(
        matches!(err, PackageError::UnsplittableValidatorFlags { .. }),
        "{err}"
    );
    assert!(err.to_string().contains("problem.yaml"), "{err}");
}

#[test]
fn a_checker_that_only_includes_testlib_is_a_testlib_checker() {
    let pkg = Pkg::new("validation: custom\n");
    pkg.write(
        "output_validators/checker/checker.cpp",
        "#include \"testlib.h\"\nint main(int argc, char* argv[]) { registerTestlibCmd(argc, argv); quitf(_ok, \"ok\"); }\n",
    );
    let Validation::Custom(validator) = pkg.load().validation else {
        panic!("custom validation expected");
    };
    assert_eq!(validator.kind, ValidatorKind::Testlib);
    assert_eq!(
        validator.sources,
        [pkg.path("output_validators/checker/checker.cpp")]
    );
}

#[test]
fn interactive_and_multi_pass_problems_are_read_from_type_and_validation() {
    for (yaml, interactive, passes) in [
        ("validation: custom interactive\n", true, None),
        ("validation: custom multi-pass\n", false, Some(2)),
        ("validation: custom interactive multi-pass score\n", true, Some(2)),
        (
            "validation: custom multi-pass\nlimits:\n  validation_passes: 5\n",
            false,
            Some(5),
        ),
        (
            "problem_format_version: 2023-07-draft\ntype: interactive\n",
            true,
            None,
        ),
        (
            "problem_format_version: 2023-07-draft\ntype: [pass-fail, interactive]\n",
            true,
            None,
        ),
        (
            "problem_format_version: 2025-09\ntype: multi-pass\n",
            false,
            Some(2),
        ),
        (
            "problem_format_version: 2025-09\ntype: interactive multi-pass\n",
            true,
            Some(2),
        ),
        ("validation: custom\n", false, None),
    ] {
        let pkg = Pkg::new(yaml);
        pkg.write("output_validators/v/v.cpp", "int main() {}\n");
        let loaded = pkg.load();
        assert_eq!(loaded.interactive, interactive, "{yaml}");
        assert_eq!(loaded.multi_pass, passes, "{yaml}");
        assert!(matches!(loaded.validation, Validation::Custom(_)), "{yaml}");
    }
}

#[test]
fn the_2025_09_output_validator_folder_serves_an_interactive_problem() {
    let pkg = Pkg::new("problem_format_version: 2025-09\ntype: interactive\n");
    pkg.write("output_validator/v.cpp", "int main() {}\n");
    assert!(pkg.load().interactive);
}

#[test]
fn an_interactive_problem_without_a_validator_or_with_zero_passes_is_refused() {
    let pkg = Pkg::new("problem_format_version: 2023-07-draft\ntype: interactive\n");
    assert!(matches!(
        pkg.load_err(),
        PackageError::MissingOutputValidator { .. }
    ));
    let pkg = Pkg::new("validation: custom multi-pass\nlimits:\n  validation_passes: 0\n");
    pkg.write("output_validators/v/v.cpp", "int main() {}\n");
    assert!(matches!(
        pkg.load_err(),
        PackageError::InvalidLimit {
            key: "validation_passes",
            ..
        }
    ));
}

#[test]
fn submit_answer_problems_are_refused_as_unsupported() {
    let pkg = Pkg::new("problem_format_version: 2023-07-draft\ntype: submit-answer\n");
    let err = pkg.load_err();
    assert!(matches!(err, PackageError::Unsupported { .. }), "{err}");
    assert!(err.to_string().contains("not supported"), "{err}");
}

#[test]
fn interaction_files_of_samples_are_read() {
    let pkg = Pkg::new("validation: custom interactive\n");
    pkg.write("output_validators/v/v.cpp", "int main() {}\n");
    pkg.write("data/sample/1.interaction", "<1\n>2\n");
    let loaded = pkg.load();
    assert_eq!(
        loaded.test_cases[0].interaction,
        Some(pkg.path("data/sample/1.interaction"))
    );
    assert_eq!(loaded.test_cases[1].interaction, None);
}

#[test]
fn the_score_modifier_is_accepted() {
    let pkg = Pkg::new("validation: custom score\n");
    pkg.write("output_validators/v/v.cpp", "int main() {}\n");
    assert!(matches!(pkg.load().validation, Validation::Custom(_)));
}

#[test]
fn an_unknown_validation_value_is_an_error() {
    for yaml in [
        "validation: strict\n",
        "validation: custom magic\n",
        "validation: ''\n",
    ] {
        let err = Pkg::new(yaml).load_err();
        assert!(matches!(err, PackageError::UnknownValidation { .. }), "{yaml}");
    }
}

#[test]
fn custom_validation_without_a_validator_is_an_error() {
    let err = Pkg::new("validation: custom\n").load_err();
    assert!(matches!(err, PackageError::MissingOutputValidator { .. }));
}

#[test]
fn a_testlib_checker_is_detected_by_its_include() {
    for include in [
        "#include \"testlib.h\"",
        "#include <testlib.h>",
        "  #  include<testlib.h>",
        "#include\t\"testlib.h\" // checker",
    ] {
        let pkg = Pkg::new("validation: custom\n");
        pkg.write("output_validators/checker/testlib.h", "// the library\n");
        pkg.write(
            "output_validators/checker/checker.cpp",
            &format!("#include <cmath>\n{include}\nint main() {{}}\n"),
        );
        let Validation::Custom(validator) = pkg.load().validation else {
            panic!("custom validation expected");
        };
        assert_eq!(validator.kind, ValidatorKind::Testlib, "{include}");
        assert_eq!(validator.path, pkg.path("output_validators/checker"));
        assert_eq!(
            validator.sources,
            [
                pkg.path("output_validators/checker/checker.cpp"),
                pkg.path("output_validators/checker/testlib.h"),
            ]
        );
    }
}

#[test]
fn a_validator_without_a_testlib_include_speaks_the_kattis_protocol() {
    for source in [
        "#include \"validate.h\"\nint main() {}\n",
        "// #include \"testlib.h\" was dropped\nint main() {}\n",
        "#include \"testlib_compat.h\"\n",
    ] {
        let pkg = Pkg::new("validation: custom\n");
        pkg.write("output_validators/v/validate.cc", source);
        let Validation::Custom(validator) = pkg.load().validation else {
            panic!("custom validation expected");
        };
        assert_eq!(validator.kind, ValidatorKind::Kattis, "{source}");
    }
}

#[test]
fn a_2023_07_output_validator_directory_implies_custom_validation() {
    let pkg = Pkg::new("problem_format_version: 2023-07-draft\n");
    pkg.write("output_validator/checker.cpp", "#include \"testlib.h\"\n");
    let Validation::Custom(validator) = pkg.load().validation else {
        panic!("custom validation expected");
    };
    assert_eq!(validator.path, pkg.path("output_validator"));
    assert_eq!(validator.kind, ValidatorKind::Testlib);
}

#[test]
fn a_2023_07_package_without_a_validator_uses_the_default_one() {
    let pkg = Pkg::new("problem_format_version: 2023-07-draft\n");
    assert_eq!(pkg.load().validation, Validation::Default);
}

#[test]
fn a_legacy_package_without_a_validation_key_ignores_its_validator_with_a_warning() {
    let pkg = Pkg::new("name: x\n");
    pkg.write("output_validators/v/v.cpp", "int main() {}\n");
    let loaded = pkg.load();
    assert_eq!(loaded.validation, Validation::Default);
    assert_eq!(
        loaded.warnings,
        [PackageWarning::UnusedOutputValidator {
            path: pkg.path("output_validators/v")
        }]
    );
}

#[test]
fn a_single_validator_file_in_output_validators_is_the_program() {
    let pkg = Pkg::new("validation: custom\n");
    pkg.write("output_validators/validate.py", "import sys\n");
    let Validation::Custom(validator) = pkg.load().validation else {
        panic!("custom validation expected");
    };
    assert_eq!(validator.path, pkg.path("output_validators/validate.py"));
    assert_eq!(validator.sources, [pkg.path("output_validators/validate.py")]);
    assert_eq!(validator.kind, ValidatorKind::Kattis);
}

#[test]
fn loose_validator_files_form_one_program() {
    let pkg = Pkg::new("validation: custom\n");
    pkg.write("output_validators/checker.cpp", "#include \"testlib.h\"\n");
    pkg.write("output_validators/testlib.h", "");
    let Validation::Custom(validator) = pkg.load().validation else {
        panic!("custom validation expected");
    };
    assert_eq!(validator.path, pkg.path("output_validators"));
    assert_eq!(validator.sources.len(), 2);
    assert_eq!(validator.kind, ValidatorKind::Testlib);
}

#[test]
fn several_validator_directories_are_an_error() {
    let pkg = Pkg::new("validation: custom\n");
    pkg.write("output_validators/a/a.cpp", "");
    pkg.write("output_validators/b/b.cpp", "");
    let err = pkg.load_err();
    assert!(matches!(err, PackageError::MultipleOutputValidators { .. }));
    assert!(err.to_string().contains("output_validators"));
}

#[test]
fn testlib_includes_are_recognised_line_by_line() {
    assert!(is_testlib_include(b"#include \"testlib.h\""));
    assert!(is_testlib_include(b"#include<testlib.h>\r"));
    assert!(!is_testlib_include(b"#include \"testlib.hpp\""));
    assert!(!is_testlib_include(b"include \"testlib.h\""));
    assert!(!is_testlib_include(b"/* #include \"testlib.h\" */"));
    assert!(!is_testlib_include(b""));
}

// --- submissions ---

#[test]
fn submissions_are_single_files_or_folders_with_expected_verdicts() {
    let pkg = Pkg::new("");
    pkg.write("submissions/accepted/sol.cpp", "int main() {}\n");
    pkg.write("submissions/accepted/multi/Main.java", "class Main {}\n");
    pkg.write("submissions/accepted/multi/util/Helper.java", "class Helper {}\n");
    pkg.write("submissions/accepted/multi/.DS_Store", "junk");
    pkg.write("submissions/run_time_error/crash.py", "raise SystemExit(1)\n");
    pkg.write("submissions/wrong_answer/.gitkeep", "");
    pkg.write("submissions/submissions.yaml", "{}\n");

    let loaded = pkg.load();
    assert_eq!(
        loaded.submissions,
        [
            Submission {
                folder: "accepted".to_owned(),
                name: "multi".to_owned(),
                path: pkg.path("submissions/accepted/multi"),
                files: vec![
                    pkg.path("submissions/accepted/multi/Main.java"),
                    pkg.path("submissions/accepted/multi/util/Helper.java"),
                ],
                expected: &[Verdict::Ac],
                expected_score: None,
            },
            Submission {
                folder: "accepted".to_owned(),
                name: "sol.cpp".to_owned(),
                path: pkg.path("submissions/accepted/sol.cpp"),
                files: vec![pkg.path("submissions/accepted/sol.cpp")],
                expected: &[Verdict::Ac],
                expected_score: None,
            },
            Submission {
                folder: "run_time_error".to_owned(),
                name: "crash.py".to_owned(),
                path: pkg.path("submissions/run_time_error/crash.py"),
                files: vec![pkg.path("submissions/run_time_error/crash.py")],
                expected: &[Verdict::Re, Verdict::Mle],
                expected_score: None,
            },
        ]
    );
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
}

#[test]
fn unknown_submission_folders_are_skipped_with_a_warning() {
    let pkg = Pkg::new("");
    pkg.write("submissions/brute_force/slow.py", "pass\n");
    pkg.write("submissions/time_limit_exceeded/slow.py", "pass\n");
    let loaded = pkg.load();
    assert_eq!(loaded.submissions.len(), 1);
    assert_eq!(loaded.submissions[0].expected, [Verdict::Tle]);
    assert_eq!(
        loaded.warnings,
        [PackageWarning::UnknownSubmissionFolder {
            path: pkg.path("submissions/brute_force")
        }]
    );
    assert!(loaded.warnings[0].to_string().contains("brute_force"));
}

#[test]
fn an_empty_submission_folder_is_skipped_with_a_warning() {
    let pkg = Pkg::new("");
    fs::create_dir_all(pkg.path("submissions/accepted/empty")).expect("mkdir");
    let loaded = pkg.load();
    assert!(loaded.submissions.is_empty());
    assert_eq!(
        loaded.warnings,
        [PackageWarning::EmptySubmission {
            path: pkg.path("submissions/accepted/empty")
        }]
    );
}

#[test]
fn a_complete_package_reports_everything_together() {
    let pkg = Pkg::new(
        "problem_format_version: 2023-07-draft\nname:\n  en: Sum\nlimits:\n  time_limit: 2\n  memory: 512\n",
    );
    pkg.write("statement/problem.en.md", "Add two numbers.");
    pkg.write("output_validator/validate.cpp", "#include \"validate.h\"\n");
    pkg.write("submissions/accepted/a.cpp", "");
    pkg.write("submissions/wrong_answer/w.cpp", "");
    let loaded = pkg.load();
    assert_eq!(loaded.name.preferred(), "Sum");
    assert_eq!(loaded.time_limit.map(|t| t.seconds), Some(2.0));
    assert_eq!(loaded.limits.memory_mib, 512);
    assert!(matches!(
        loaded.validation,
        Validation::Custom(OutputValidator {
            kind: ValidatorKind::Kattis,
            ..
        })
    ));
    assert_eq!(loaded.test_cases.len(), 2);
    assert_eq!(loaded.submissions.len(), 2);
    assert_eq!(loaded.statements.len(), 1);
}

mod groups;
