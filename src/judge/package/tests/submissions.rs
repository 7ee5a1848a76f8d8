//! The package's own submissions, its warnings, and a complete package read at once.

use super::*;

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
