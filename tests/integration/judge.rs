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

#[test]
fn folder_submissions_compile_every_file_and_find_the_program() {
    for (folder, language) in [
        ("accepted/multi_file_cpp", "cpp"),
        ("accepted/multi_file_java", "java"),
        // A package's .py submissions run with PyPy 3, as problemtools runs them.
        ("accepted/multi_file_python", "pypy3"),
    ] {
        let report = judge("aplusb", folder, &[]);
        assert_eq!(
            (report["verdict"].as_str(), report["language"].as_str()),
            (Some("AC"), Some(language)),
            "{folder}: {report}"
        );
        assert_eq!(report["tests"].as_array().expect("tests").len(), 13);
    }
}

#[test]
fn a_folder_with_a_wrong_helper_is_a_wrong_answer_in_its_own_language_or_the_named_one() {
    let report = judge("aplusb", "wrong_answer/multi_file_c", &[]);
    assert_eq!(
        (report["verdict"].as_str(), report["language"].as_str()),
        (Some("WA"), Some("c"))
    );
    let as_cpp = judge("aplusb", "wrong_answer/multi_file_c", &["--lang", "cpp"]);
    assert_eq!(
        (as_cpp["verdict"].as_str(), as_cpp["language"].as_str()),
        (Some("WA"), Some("cpp")),
        "{as_cpp}"
    );
}

/// `coderank judge problems/aplusb FOLDER` on a folder made of `files` (name, content), and
/// its standard error; the run must fail.
fn judge_bad_folder(files: &[(&str, &[u8])], link: Option<(&str, &str)>) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, body) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("mkdir");
        std::fs::write(path, body).expect("write");
    }
    if let Some((name, target)) = link {
        std::os::unix::fs::symlink(target, dir.path().join(name)).expect("symlink");
    }
    let output = coderank(&["judge", "problems/aplusb", dir.path().to_str().expect("utf-8")]);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!output.status.success(), "judged anyway: {stderr}");
    stderr
}

#[test]
fn bad_submission_folders_are_clear_errors_and_a_nonzero_exit() {
    let mixed = judge_bad_folder(&[("a.cpp", b"int main() {}"), ("b.py", b"print(3)")], None);
    assert!(
        mixed.contains("the files disagree on the language (a.cpp is cpp, b.py is python3); pass --lang"),
        "{mixed}"
    );
    let linked = judge_bad_folder(&[("main.py", b"print(3)")], Some(("secret.py", "/etc/passwd")));
    assert!(
        linked.contains("secret.py: symbolic links are not allowed"),
        "{linked}"
    );
    let no_entry = judge_bad_folder(&[("a.py", b"print(3)"), ("b.py", b"print(4)")], None);
    assert!(
        no_entry.contains("cannot tell which pypy3 file is the program: name it main.py"),
        "{no_entry}"
    );
    let names: Vec<String> = (0..101).map(|i| format!("f{i:03}.c")).collect();
    let many: Vec<(&str, &[u8])> = names.iter().map(|name| (name.as_str(), &b""[..])).collect();
    assert!(judge_bad_folder(&many, None).contains("more than 100 files"));
    let big = vec![b'x'; 11 << 20];
    let large = judge_bad_folder(
        &[("main.c", b"int main(void) { return 0; }"), ("data.txt", &big)],
        None,
    );
    assert!(large.contains("more than 10 MiB in all"), "{large}");
    let only_text = judge_bad_folder(&[("notes.txt", b"hello")], None);
    assert!(only_text.contains("no file in a known language"), "{only_text}");
    let hidden_only = judge_bad_folder(&[(".hidden.py", b"print(3)")], None);
    assert!(hidden_only.contains("the folder holds no file"), "{hidden_only}");
}

/// A package whose one test's answer is the last CPU of this machine, and a program that prints
/// the CPUs it may run on (from the kernel, which the container's cpuset bounds).
fn cpus_package() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let cpus = std::thread::available_parallelism().map_or(1, usize::from);
    let last = (cpus - 1).to_string();
    std::fs::write(
        root.join("problem.yaml"),
        "name: Allowed CPUs\nlimits:\n  time_limit: 2\n  memory: 256\n",
    )
    .expect("problem.yaml");
    std::fs::create_dir_all(root.join("data/sample")).expect("mkdir");
    std::fs::write(root.join("data/sample/1.in"), "").expect("input");
    std::fs::write(root.join("data/sample/1.ans"), format!("{last}\n")).expect("answer");
    std::fs::write(
        root.join("cpus.py"),
        "for line in open('/proc/self/status'):\n    if line.startswith('Cpus_allowed_list:'):\n        print(line.split()[1])\n",
    )
    .expect("source");
    (dir, last)
}

#[test]
fn a_judging_pinned_with_cpus_runs_only_on_those_cpus() {
    let (package, last) = cpus_package();
    let dir = package.path().to_str().expect("utf-8");
    let source = format!("{dir}/cpus.py");
    let run = |extra: &[&str]| {
        let mut args = vec!["judge", "--json"];
        args.extend_from_slice(extra);
        args.extend([dir, source.as_str()]);
        let output = coderank(&args);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_slice::<Value>(&output.stdout).expect("one JSON object")
    };
    let pinned = run(&["--cpus", &last]);
    assert_eq!(pinned["verdict"], "AC", "{pinned}");
    if last != "0" {
        // Unpinned, the program may run on every CPU, so the same answer is wrong.
        let unpinned = run(&[]);
        assert_eq!(unpinned["verdict"], "WA", "{unpinned}");
    }
}

#[test]
fn a_malformed_or_missing_cpu_list_is_a_clear_error() {
    let judge_with = |cpus: &str| {
        coderank(&[
            "judge",
            "--cpus",
            cpus,
            "problems/aplusb",
            "problems/aplusb/submissions/accepted/aplusb.c",
        ])
    };
    let backwards = judge_with("3-1");
    assert!(!backwards.status.success());
    assert!(
        String::from_utf8_lossy(&backwards.stderr)
            .contains("invalid CPU list \"3-1\": the range 3-1 runs backwards"),
        "{}",
        String::from_utf8_lossy(&backwards.stderr)
    );
    let missing = judge_with("1000");
    assert!(!missing.status.success());
    assert!(
        String::from_utf8_lossy(&missing.stderr).contains("--cpus 1000: the Docker host has"),
        "{}",
        String::from_utf8_lossy(&missing.stderr)
    );
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

/// Creates a stopped container labelled as owned by `pid` on this host (and pid namespace), and
/// answers its id.
fn labelled_container(pid: u32) -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").expect("hostname");
    let namespace = std::fs::read_link("/proc/self/ns/pid").expect("pid namespace");
    let owner = format!("{} {}", host.trim(), namespace.display());
    let output = Command::new("docker")
        .args(["create", "--label", "coderank=leftover-test"])
        .args(["--label", &format!("coderank.owner-host={owner}")])
        .args(["--label", &format!("coderank.owner-pid={pid}")])
        .args(["coderank-judge-c-cpp:1", "true"])
        .output()
        .expect("docker create");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

fn container_exists(id: &str) -> bool {
    Command::new("docker")
        .args(["inspect", id])
        .output()
        .expect("docker inspect")
        .status
        .success()
}

#[test]
fn containers_of_a_dead_process_are_reaped_and_those_of_a_live_one_stay() {
    let mut finished = Command::new("true").spawn().expect("spawn");
    let dead_pid = finished.id();
    finished.wait().expect("wait");
    let orphan = labelled_container(dead_pid);
    let alive = labelled_container(std::process::id());

    judge("aplusb", "accepted/aplusb.c", &[]);
    assert!(
        !container_exists(&orphan),
        "the dead process's container was not reaped"
    );
    assert!(container_exists(&alive), "a live process's container was removed");
    Command::new("docker")
        .args(["rm", "-f", &alive])
        .output()
        .expect("docker rm");
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
