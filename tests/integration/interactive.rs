//! Interactive and multi-pass problems judged for real: `coderank judge` on the `guess` and
//! `multipass` sample problems and on copies of them with misbehaving validators or
//! submissions, in real containers connected by FIFOs.

use std::{path::PathBuf, process::Command};

use serde_json::Value;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Runs `coderank judge --json --all-tests`; its report and the pid it ran as.
fn judge_at(problem: &str, source: &str) -> (Value, u32) {
    let child = Command::new(env!("CARGO_BIN_EXE_coderank"))
        .args(["judge", "--json", "--all-tests", problem, source])
        .current_dir(ROOT)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run coderank");
    let pid = child.id();
    let output = child.wait_with_output().expect("wait for coderank");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    (
        serde_json::from_slice(&output.stdout).expect("one JSON object"),
        pid,
    )
}

fn judge(problem: &str, submission: &str) -> Value {
    let dir = format!("problems/{problem}");
    judge_at(&dir, &format!("{dir}/submissions/{submission}")).0
}

fn tests(report: &Value) -> &Vec<Value> {
    report["tests"].as_array().expect("tests")
}

/// A copy of `problems/{base}` (its problem.yaml, data and validator) in a temporary folder,
/// with `files` (relative path, content) written over it.
struct Package {
    dir: PathBuf,
}

impl Package {
    fn of(base: &str, files: &[(&str, &str)]) -> Self {
        let dir = std::env::temp_dir().join(format!("coderank-{base}-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).expect("mkdir");
        for part in ["problem.yaml", "data", "output_validators"] {
            let status = Command::new("cp")
                .arg("-r")
                .arg(format!("{ROOT}/problems/{base}/{part}"))
                .arg(&dir)
                .status()
                .expect("cp");
            assert!(status.success());
        }
        for (path, content) in files {
            let target = dir.join(path);
            std::fs::create_dir_all(target.parent().expect("a folder")).expect("mkdir");
            std::fs::write(target, content).expect("write");
        }
        Self { dir }
    }

    /// The same package with its validator replaced by the Python program `validator`.
    fn with_validator(base: &str, validator: &str, files: &[(&str, &str)]) -> Self {
        let package = Self::of(base, files);
        std::fs::remove_dir_all(package.dir.join("output_validators")).expect("rm validator");
        let path = package.dir.join("output_validators/v/validate.py");
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("mkdir");
        std::fs::write(path, validator).expect("write validator");
        package
    }

    fn judge(&self, source: &str) -> (Value, u32) {
        let dir = self.dir.to_str().expect("utf-8");
        judge_at(dir, &format!("{dir}/{source}"))
    }
}

impl Drop for Package {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[test]
fn a_binary_search_is_accepted_in_every_language_and_which_side_ended_first_is_recorded() {
    for submission in [
        "accepted/binary_search.cpp",
        "accepted/binary_search.py",
        "accepted/BinarySearch.java",
    ] {
        let report = judge("guess", submission);
        assert_eq!(report["verdict"], "AC", "{submission}: {report}");
        for test in tests(&report) {
            assert!(
                ["submission", "validator"].contains(&test["first_exited"].as_str().unwrap_or("")),
                "{test}"
            );
            assert!(
                test["checker_message"]
                    .as_str()
                    .unwrap_or("")
                    .starts_with("found in"),
                "{test}"
            );
        }
    }
}

#[test]
fn too_many_guesses_or_a_wrong_search_is_a_wrong_answer() {
    let report = judge("guess", "wrong_answer/linear_search.py");
    assert_eq!(report["verdict"], "WA", "{report}");
    assert!(
        tests(&report)
            .iter()
            .any(|test| test["checker_message"] == "more than 30 guesses"),
        "{report}"
    );
    assert_eq!(judge("guess", "wrong_answer/off_by_one.cpp")["verdict"], "WA");
}

#[test]
fn spinning_or_waiting_for_ever_is_a_time_limit_exceeded() {
    let report = judge("guess", "time_limit_exceeded/never_answers.cpp");
    assert_eq!(report["verdict"], "TLE", "{report}");
    let report = judge("guess", "time_limit_exceeded/waits_forever.py");
    assert_eq!(report["verdict"], "TLE", "{report}");
    // Waiting costs no CPU: only the shared wall limit ended it.
    assert!(
        tests(&report)[0]["time_ms"].as_u64().unwrap_or(u64::MAX) < 1000,
        "{report}"
    );
}

#[test]
fn a_crash_is_a_run_time_error_and_the_submission_ended_first() {
    let report = judge("guess", "run_time_error/crashes.cpp");
    assert_eq!(report["verdict"], "RE", "{report}");
    assert_eq!(tests(&report)[0]["first_exited"], "submission", "{report}");
}

#[test]
fn the_submission_cannot_find_the_test_input() {
    let report = judge("guess", "wrong_answer/reads_hidden_input.py");
    assert_eq!(report["verdict"], "WA", "{report}");
    let stderr = tests(&report)[0]["stderr"].as_str().unwrap_or("").to_owned();
    // It looked in the FIFOs' directory and was refused.
    assert!(
        stderr.contains("/run/coderank-pipes: Permission denied"),
        "{stderr}"
    );
}

#[test]
fn a_submission_that_floods_the_pipe_without_reading_is_a_wrong_answer_and_the_judging_ends() {
    let flood = "import sys\nwhile True:\n    sys.stdout.write('? 1\\n' * 1000)\n    sys.stdout.flush()\n";
    let package = Package::of("guess", &[("submissions/wrong_answer/flood.py", flood)]);
    let (report, _) = package.judge("submissions/wrong_answer/flood.py");
    assert_eq!(report["verdict"], "WA", "{report}");
    assert_eq!(tests(&report)[0]["first_exited"], "validator", "{report}");
}

const FLOOD_C: &str =
    "#include <unistd.h>\nint main(void) { char b[4096] = {'x'}; for (;;) write(1, b, sizeof b); }\n";

#[test]
fn a_submission_killed_by_sigpipe_lets_the_validator_decide() {
    let files = [("submissions/accepted/flood.c", FLOOD_C)];
    let accepts = Package::with_validator("guess", "import sys\nsys.exit(42)\n", &files);
    let (report, _) = accepts.judge("submissions/accepted/flood.c");
    assert_eq!(report["verdict"], "AC", "{report}");
    // SIGPIPE is signal 13.
    assert_eq!(tests(&report)[0]["signal"], 13, "{report}");
    let rejects = Package::with_validator("guess", "import sys\nsys.exit(43)\n", &files);
    let (report, _) = rejects.judge("submissions/accepted/flood.c");
    assert_eq!(report["verdict"], "WA", "{report}");
}

#[test]
fn a_validator_that_crashes_exits_otherwise_or_never_reads_is_an_internal_error() {
    let solution = std::fs::read_to_string(format!(
        "{ROOT}/problems/guess/submissions/accepted/binary_search.cpp"
    ))
    .expect("solution");
    let files = [("submissions/accepted/solution.cpp", solution.as_str())];
    for (validator, why) in [
        ("import os\nos.abort()\n", "killed by a signal"),
        ("import sys\nsys.exit(0)\n", "exit code Some(0)"),
        ("import time\ntime.sleep(1000)\n", "wall time limit"),
    ] {
        let package = Package::with_validator("guess", validator, &files);
        let (report, _) = package.judge("submissions/accepted/solution.cpp");
        assert_eq!(report["verdict"], "IE", "{validator}: {report}");
        let message = tests(&report)[0]["checker_message"]
            .as_str()
            .unwrap_or("")
            .to_owned();
        assert!(message.contains(why), "{validator}: {message}");
        // An internal error stops the judging even with --all-tests.
        assert_eq!(tests(&report).len(), 1, "{report}");
    }
}

#[test]
fn multi_pass_keeps_the_feedback_directory_and_checks_every_pass() {
    let report = judge("multipass", "accepted/midpoint.py");
    assert_eq!(report["verdict"], "AC", "{report}");
    assert!(tests(&report).iter().all(|test| test["passes"] == 2), "{report}");
    let report = judge("multipass", "wrong_answer/changes_its_mind.py");
    assert_eq!(report["verdict"], "WA", "{report}");
    assert_eq!(tests(&report)[0]["passes"], 2, "{report}");
    assert_eq!(
        tests(&report)[0]["checker_message"],
        "pass 2 chose 8, pass 1 3",
        "{report}"
    );
    let report = judge("multipass", "wrong_answer/out_of_range.cpp");
    assert_eq!(report["verdict"], "WA", "{report}");
    assert_eq!(tests(&report)[0]["passes"], 1, "{report}");
}

#[test]
fn a_validator_asking_for_more_passes_than_allowed_is_an_internal_error() {
    let validator = "import sys\nopen(sys.argv[3] + '/nextpass.in', 'w').write('1 1 1\\n')\nsys.exit(42)\n";
    let package = Package::with_validator(
        "multipass",
        validator,
        &[("submissions/accepted/one.py", "print(1)\n")],
    );
    let (report, _) = package.judge("submissions/accepted/one.py");
    assert_eq!(report["verdict"], "IE", "{report}");
    let message = tests(&report)[0]["checker_message"]
        .as_str()
        .unwrap_or("")
        .to_owned();
    assert!(message.contains("validation_passes"), "{message}");
    assert_eq!(tests(&report)[0]["passes"], 2, "{report}");
}

#[test]
fn an_interactive_multi_pass_problem_gives_nextpass_in_to_the_validator() {
    // Pass 1 reads "go" from the validator and asks for pass 2, whose input the validator gets.
    let validator = "import sys\n\
        data = open(sys.argv[1]).read().split()\n\
        print(data[0], flush=True)\n\
        reply = sys.stdin.readline().strip()\n\
        if reply != data[0]:\n    sys.exit(43)\n\
        if data[0] == 'one':\n    open(sys.argv[3] + '/nextpass.in', 'w').write('two\\n')\n\
        sys.exit(42)\n";
    let package = Package::with_validator(
        "multipass",
        validator,
        &[
            (
                "problem.yaml",
                "name: Echo\nvalidation: custom interactive multi-pass\nlimits:\n  time_limit: 1\n",
            ),
            ("data/sample/1.in", "one\n"),
            ("data/secret/01-point.in", "one\n"),
            ("submissions/accepted/echo.py", "print(input(), flush=True)\n"),
        ],
    );
    let (report, _) = package.judge("submissions/accepted/echo.py");
    assert_eq!(report["verdict"], "AC", "{report}");
    assert_eq!(tests(&report)[0]["passes"], 2, "{report}");
}

#[test]
fn an_interactive_judging_leaves_no_container_and_no_volume_behind() {
    let dir = format!("{ROOT}/problems/guess");
    let (report, pid) = judge_at(&dir, &format!("{dir}/submissions/run_time_error/crashes.cpp"));
    assert_eq!(report["verdict"], "RE", "{report}");
    let label = format!("label=coderank.owner-pid={pid}");
    for what in [vec!["ps", "-a"], vec!["volume", "ls"]] {
        let output = Command::new("docker")
            .args(&what)
            .args(["-q", "--filter", &label])
            .output()
            .expect("docker");
        assert!(output.status.success());
        assert_eq!(
            String::from_utf8_lossy(&output.stdout).trim(),
            "",
            "docker {what:?} lists leftovers"
        );
    }
}

#[tokio::test]
async fn an_imported_interactive_problem_shows_its_sample_interaction() {
    let app = crate::helpers::spawn_app(crate::helpers::AppOptions::default()).await;
    crate::submissions::import_sample(&app, "guess").await;
    let page = app.get("/problems/guess").await.text().await.expect("page");
    assert!(page.contains("Interaction 1"), "{page}");
    assert!(page.contains("&#62;? 5"), "{page}");
    let detail: Value = app
        .get("/api/v1/problems/guess")
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(
        detail["samples"][0]["interaction"], "<10\n>? 5\n<>\n>? 8\n<<\n>? 7\n<=\n",
        "{detail}"
    );
}
