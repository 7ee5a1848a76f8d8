//! Validation: default flags, custom, interactive and multi-pass validators, testlib or Kattis.

use super::*;

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
