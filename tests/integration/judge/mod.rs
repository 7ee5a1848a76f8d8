//! `coderank judge` and `coderank problem verify` as a user runs them: real containers, the
//! sample problems of `problems/`, the judge images `scripts/bootstrap` built.

use std::{path::Path, process::Command};

use serde_json::Value;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn coderank(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_coderank"))
        .args(args)
        .current_dir(ROOT)
        .output()
        .expect("run coderank")
}

fn judge(problem: &str, submission: &str, extra: &[&str]) -> Value {
    let dir = format!("problems/{problem}");
    let source = format!("{dir}/submissions/{submission}");
    let mut args = vec!["judge", "--json"];
    args.extend_from_slice(extra);
    args.extend([dir.as_str(), source.as_str()]);
    let output = coderank(&args);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("one JSON object")
}

#[test]
fn an_accepted_solution_passes_every_test_in_order() {
    let report = judge("aplusb", "accepted/aplusb.cpp", &[]);
    assert_eq!(report["verdict"], "AC", "{report}");
    assert_eq!(report["compile"]["ok"], true);
    let tests = report["tests"].as_array().expect("tests");
    assert_eq!(tests.len(), 13);
    assert_eq!(tests[0]["name"], "sample/1");
    assert!(tests.iter().all(|test| test["verdict"] == "AC"));
    assert!(tests
        .windows(2)
        .all(|pair| pair[0]["name"].as_str() < pair[1]["name"].as_str()));
}

#[test]
fn a_wrong_answer_stops_at_the_first_failing_test_and_shows_the_sample_diff() {
    let report = judge("aplusb", "wrong_answer/difference.c", &[]);
    assert_eq!(report["verdict"], "WA");
    let tests = report["tests"].as_array().expect("tests");
    assert_eq!(tests.len(), 1, "judging stops at the first failure");
    let diff = tests[0]["diff"].as_str().expect("a diff for a sample");
    assert!(diff.contains("-3") && diff.contains("+-1"), "{diff}");
    assert!(tests[0]["checker_message"]
        .as_str()
        .unwrap_or_default()
        .contains("expected '3'"));
}

#[test]
fn all_tests_runs_past_the_first_failure() {
    let report = judge("aplusb", "wrong_answer/difference.c", &["--all-tests"]);
    assert_eq!(report["verdict"], "WA");
    assert_eq!(report["tests"].as_array().expect("tests").len(), 13);
}

#[test]
fn an_infinite_loop_is_a_time_limit_exceeded() {
    let report = judge("aplusb", "time_limit_exceeded/busy_loop.c", &[]);
    assert_eq!(report["verdict"], "TLE", "{report}");
}

#[test]
fn a_compile_error_reports_the_compiler_output() {
    let report = judge("aplusb", "compile_error/syntax_error.cpp", &[]);
    assert_eq!(report["verdict"], "CE");
    assert!(
        report["compile"]["output"]
            .as_str()
            .unwrap_or_default()
            .contains("error"),
        "{report}"
    );
    assert!(report["tests"].as_array().expect("tests").is_empty());
}

/// Python's compile step is a syntax check: a syntax error (or a NUL byte) is CE with the
/// interpreter's own message and line, for CPython and PyPy alike, and no traceback of the check.
#[test]
fn a_python_syntax_error_is_a_compile_error_with_its_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cases: [(&str, &[u8], &str); 3] = [
        (
            "unclosed.py",
            b"a, b = map(int, input().split())\nprint(a + b\n",
            "SyntaxError",
        ),
        (
            "indent.py",
            b"x = 1\n  print(x)\n",
            "IndentationError: unexpected indent",
        ),
        ("nul.py", b"print(1)\x00\n", "null bytes"),
    ];
    for language in ["python3", "pypy3"] {
        for (name, body, message) in cases {
            let source = dir.path().join(name);
            std::fs::write(&source, body).expect("write");
            let source = source.to_str().expect("a UTF-8 path");
            let output = coderank(&["judge", "--json", "--lang", language, "problems/aplusb", source]);
            assert!(
                output.status.success(),
                "{}",
                String::from_utf8_lossy(&output.stderr)
            );
            let report: Value = serde_json::from_slice(&output.stdout).expect("one JSON object");
            assert_eq!(report["verdict"], "CE", "{language} {name}: {report}");
            let shown = report["compile"]["output"].as_str().unwrap_or_default();
            assert!(shown.contains(message), "{language} {name}: {shown}");
            assert!(!shown.contains("Traceback"), "{language} {name}: {shown}");
        }
    }
}

#[test]
fn a_memory_bomb_is_a_memory_limit_exceeded() {
    let report = judge("hostile", "memory_limit_exceeded/malloc_memset.c", &[]);
    assert_eq!(report["verdict"], "MLE", "{report}");
}

#[test]
fn an_output_flood_is_an_output_limit_exceeded() {
    let report = judge("hostile", "output_limit_exceeded/flood.c", &[]);
    assert_eq!(report["verdict"], "OLE", "{report}");
}

#[test]
fn a_crash_is_a_run_time_error() {
    let report = judge("aplusb", "run_time_error/null_pointer.cpp", &[]);
    assert_eq!(report["verdict"], "RE", "{report}");
}

#[test]
fn a_custom_validator_accepts_another_valid_answer_and_explains_a_rejection() {
    assert_eq!(
        judge("anypath", "accepted/bfs_largest_first.py", &[])["verdict"],
        "AC"
    );
    let report = judge("anypath", "wrong_answer/dfs_not_shortest.cpp", &[]);
    assert_eq!(report["verdict"], "WA");
    assert!(
        report["tests"][0]["checker_message"]
            .as_str()
            .unwrap_or_default()
            .contains("shortest"),
        "{report}"
    );
}

#[test]
fn the_language_can_be_named_instead_of_guessed() {
    let report = judge("aplusb", "accepted/aplusb.py", &["--lang", "pypy3"]);
    assert_eq!(
        (report["verdict"].as_str(), report["language"].as_str()),
        (Some("AC"), Some("pypy3"))
    );
}

#[test]
fn bad_usage_is_a_clear_error_and_a_nonzero_exit() {
    let unknown = coderank(&[
        "judge",
        "--lang",
        "cobol",
        "problems/aplusb",
        "problems/aplusb/submissions/accepted/aplusb.c",
    ]);
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("unknown language \"cobol\""));
    let missing = coderank(&["judge", "problems/no-such-problem", "x.c"]);
    assert!(!missing.status.success());
    assert!(
        String::from_utf8_lossy(&missing.stderr).contains("cannot read the problem problems/no-such-problem")
    );
}

#[test]
fn verify_passes_a_correct_package_and_fails_one_whose_folder_lies() {
    let output = coderank(&["problem", "verify", "problems/sandbox"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );

    let copy = aplusb_with_submissions(&[
        ("wrong_answer/difference.py", "accepted/liar.py"),
        ("wrong_answer/multi_file_c", "accepted/liar_folder"),
        ("accepted/multi_file_rust", "accepted/modules"),
    ]);
    let output = coderank(&["problem", "verify", copy.to_str().expect("utf-8")]);
    assert!(!output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("FAIL accepted/liar.py") && stdout.contains("(expected AC)"),
        "{stdout}"
    );
    assert!(stdout.contains("FAIL accepted/liar_folder"), "{stdout}");
    assert!(stdout.contains("ok   accepted/modules"), "{stdout}");
    assert!(stdout.contains("1 passed, 2 failed"), "{stdout}");
    std::fs::remove_dir_all(copy).expect("cleanup");
}

/// A copy of `problems/aplusb` in a temporary folder whose only submissions are `submissions`,
/// each (a file or folder under aplusb's `submissions/`, where to put it in the copy's).
fn aplusb_with_submissions(submissions: &[(&str, &str)]) -> std::path::PathBuf {
    let copy = std::env::temp_dir().join(format!("coderank-aplusb-{}", uuid::Uuid::new_v4().simple()));
    let status = Command::new("cp")
        .args(["-r", &format!("{ROOT}/problems/aplusb")])
        .arg(&copy)
        .status()
        .expect("cp");
    assert!(status.success());
    std::fs::remove_dir_all(copy.join("submissions")).expect("clear submissions");
    for (from, to) in submissions {
        let target = copy.join("submissions").join(to);
        std::fs::create_dir_all(target.parent().expect("a folder")).expect("mkdir");
        let status = Command::new("cp")
            .arg("-r")
            .arg(Path::new(ROOT).join("problems/aplusb/submissions").join(from))
            .arg(target)
            .status()
            .expect("cp");
        assert!(status.success());
    }
    copy
}

#[test]
fn a_package_without_a_time_limit_gets_one_derived_from_its_accepted_submissions() {
    let copy = aplusb_with_submissions(&[
        ("accepted/aplusb.c", "accepted/aplusb.c"),
        (
            "time_limit_exceeded/busy_loop.c",
            "time_limit_exceeded/busy_loop.c",
        ),
    ]);
    std::fs::write(
        copy.join("problem.yaml"),
        "name: A plus B without a limit\nlimits:\n  memory: 256\n",
    )
    .expect("problem.yaml");
    let output = coderank(&["problem", "verify", copy.to_str().expect("utf-8")]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // 5 (the default multiplier) x about a millisecond, rounded up to whole seconds.
    assert!(stdout.contains("time limit derived: 1 s"), "{stdout}");
    assert_eq!(
        std::fs::read_to_string(copy.join(".timelimit")).expect(".timelimit"),
        "1\n"
    );
    std::fs::remove_dir_all(copy).expect("cleanup");
}

mod folders;
mod host;
