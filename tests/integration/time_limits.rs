//! Packages judged as their authors ran them, from the command line: a missing time limit
//! derived from the accepted submissions before judging, `--time-limit`, the error naming both
//! ways out when nothing can derive one, `.py` with PyPy 3 by default, and Java's heap as large as
//! the memory limit. Each test writes its own small package in a temporary folder.

use std::{path::Path, process::Command};

use serde_json::Value;

const APLUSB_C: &str =
    "#include <stdio.h>\nint main(void) { long long a, b; scanf(\"%lld %lld\", &a, &b); printf(\"%lld\\n\", a + b); return 0; }\n";
const BUSY_LOOP_C: &str = "int main(void) { volatile unsigned long n = 0; for (;;) n++; }\n";
/// Answers right after about 1.5 s of CPU time.
const SLOW_APLUSB_C: &str = "#include <stdio.h>\n#include <time.h>\nint main(void) { long long a, b; scanf(\"%lld %lld\", &a, &b); \
     volatile unsigned long n = 0; while (clock() < 3 * CLOCKS_PER_SEC / 2) n++; printf(\"%lld\\n\", a + b); return 0; }\n";
const APLUSB_PY: &str = "a, b = map(int, input().split())\nprint(a + b)\n";
/// Two arrays of 150 MB, as a real solution's tables: too large for the young generation, so
/// they go to the old one, which a ¾ heap (384 MiB) under 512 MiB makes 256 MiB: an
/// OutOfMemoryError (RE) there, AC with the heap as large as the limit.
const HEAP_JAVA: &str =
    "import java.util.*;\npublic class Heap {\n    public static void main(String[] args) {\n        \
     Scanner in = new Scanner(System.in);\n        long a = in.nextLong(), b = in.nextLong();\n        \
     int[] x = new int[37_500_000], y = new int[37_500_000];\n        x[1] = 1; y[2] = 2;\n        \
     System.out.println(x[1] + y[2] == 3 ? a + b : -1);\n    }\n}\n";
const HOG_JAVA: &str =
    "import java.util.*;\npublic class Hog {\n    public static void main(String[] args) {\n        \
     List<byte[]> kept = new ArrayList<>();\n        while (true) kept.add(new byte[1 << 20]);\n    }\n}\n";

/// A one-sample, one-secret A+B package in a temporary folder with `problem_yaml` and these
/// submissions (path under `submissions/`, source).
fn package(problem_yaml: &str, submissions: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let mut files = vec![
        ("problem.yaml".to_owned(), problem_yaml.to_owned()),
        ("data/sample/1.in".to_owned(), "1 2\n".to_owned()),
        ("data/sample/1.ans".to_owned(), "3\n".to_owned()),
        ("data/secret/1.in".to_owned(), "-5 7\n".to_owned()),
        ("data/secret/1.ans".to_owned(), "2\n".to_owned()),
    ];
    for (path, source) in submissions {
        files.push((format!("submissions/{path}"), (*source).to_owned()));
    }
    for (path, content) in files {
        let target = dir.path().join(path);
        std::fs::create_dir_all(target.parent().expect("a parent")).expect("mkdir");
        std::fs::write(target, content).expect("write a package file");
    }
    dir
}

fn coderank(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_coderank"))
        .args(args)
        .output()
        .expect("run coderank")
}

/// `coderank judge` of `submissions/<submission>` of the package: stdout, stderr, success.
fn judge(dir: &Path, submission: &str, extra: &[&str]) -> (String, String, bool) {
    let source = dir.join("submissions").join(submission);
    let mut args = vec!["judge"];
    args.extend_from_slice(extra);
    args.extend([dir.to_str().expect("utf-8"), source.to_str().expect("utf-8")]);
    let output = coderank(&args);
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
        output.status.success(),
    )
}

fn judge_json(dir: &Path, submission: &str, extra: &[&str]) -> Value {
    let mut args = vec!["--json"];
    args.extend_from_slice(extra);
    let (stdout, stderr, ok) = judge(dir, submission, &args);
    assert!(ok, "{stdout}{stderr}");
    serde_json::from_str(&stdout).unwrap_or_else(|_| panic!("one JSON object: {stdout}{stderr}"))
}

#[test]
fn judge_derives_a_missing_time_limit_from_the_accepted_submissions_then_judges_with_it() {
    let dir = package(
        "name: No limit\nlimits:\n  memory: 256\n",
        &[
            ("accepted/sol.c", APLUSB_C),
            ("time_limit_exceeded/busy.c", BUSY_LOOP_C),
        ],
    );
    let (stdout, stderr, ok) = judge(dir.path(), "time_limit_exceeded/busy.c", &[]);
    assert!(ok, "{stdout}{stderr}");
    // 5 (the legacy default multiplier) × about a millisecond, rounded up to whole seconds.
    assert!(
        stdout.contains("time limit: derived: slowest accepted 0.")
            && stdout.contains("(accepted/sol.c) × 5 → 1 s"),
        "{stdout}"
    );
    assert!(
        stdout.starts_with("time limit:") && stdout.contains("\nTLE "),
        "{stdout}"
    );
    assert!(stdout.contains("(limits 1000 ms"), "{stdout}");

    let report = judge_json(dir.path(), "accepted/sol.c", &[]);
    assert_eq!(report["verdict"], "AC", "{report}");
    assert_eq!(report["time_limit_ms"], 1000, "{report}");
}

#[test]
fn time_limit_on_the_command_line_overrides_the_packages() {
    let dir = package(
        "name: Tight\nlimits:\n  time_limit: 1\n  memory: 256\n",
        &[("accepted/slow.c", SLOW_APLUSB_C)],
    );
    let report = judge_json(dir.path(), "accepted/slow.c", &[]);
    assert_eq!(report["verdict"], "TLE", "{report}");

    let (stdout, stderr, ok) = judge(dir.path(), "accepted/slow.c", &["--time-limit", "10"]);
    assert!(ok, "{stdout}{stderr}");
    assert!(stdout.contains("time limit: 10 s, from --time-limit"), "{stdout}");
    assert!(stdout.contains("\nAC "), "{stdout}");

    let (_, stderr, ok) = judge(dir.path(), "accepted/slow.c", &["--time-limit", "0"]);
    assert!(
        !ok && stderr.contains("not a positive number of seconds"),
        "{stderr}"
    );
}

#[test]
fn a_package_with_neither_a_limit_nor_an_accepted_submission_names_every_way_out() {
    let dir = package(
        "name: Nothing to derive from\n",
        &[("wrong_answer/zero.py", "print(0)\n")],
    );
    let (stdout, stderr, ok) = judge(dir.path(), "wrong_answer/zero.py", &[]);
    assert!(!ok, "{stdout}");
    for way_out in ["limits.time_limit", "submissions/accepted/", "--time-limit"] {
        assert!(stderr.contains(way_out), "{way_out}: {stderr}");
    }
    // With a limit given, it judges.
    let report = judge_json(dir.path(), "wrong_answer/zero.py", &["--time-limit", "2"]);
    assert_eq!(report["verdict"], "WA", "{report}");
}

#[test]
fn a_packages_python_submission_runs_with_pypy_unless_cpython_is_asked_for() {
    let dir = package(
        "name: Python\nlimits:\n  time_limit: 2\n  memory: 256\n",
        &[("accepted/sol.py", APLUSB_PY)],
    );
    let report = judge_json(dir.path(), "accepted/sol.py", &[]);
    assert_eq!(report["verdict"], "AC", "{report}");
    assert_eq!(report["language"], "pypy3", "{report}");
    let report = judge_json(dir.path(), "accepted/sol.py", &["--python", "cpython"]);
    assert_eq!(report["language"], "python3", "{report}");

    let output = coderank(&["problem", "verify", dir.path().to_str().expect("utf-8")]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(stdout.contains("pypy3"), "{stdout}");
}

#[test]
fn java_gets_a_heap_as_large_as_the_memory_limit_and_filling_it_is_mle() {
    let dir = package(
        "name: Heap\nlimits:\n  time_limit: 5\n  memory: 512\n",
        &[
            ("accepted/Heap.java", HEAP_JAVA),
            ("memory_limit_exceeded/Hog.java", HOG_JAVA),
        ],
    );
    let report = judge_json(dir.path(), "accepted/Heap.java", &[]);
    assert_eq!(report["verdict"], "AC", "{report}");
    let report = judge_json(dir.path(), "memory_limit_exceeded/Hog.java", &[]);
    assert_eq!(report["verdict"], "MLE", "{report}");
}
