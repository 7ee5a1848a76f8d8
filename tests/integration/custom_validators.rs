//! Packages' own validators judged by `coderank judge` in the real judge images: the flags of
//! `problem.yaml` reaching a Kattis validator, its judge and team messages and score, and
//! testlib checkers that only `#include "testlib.h"` (the image ships it) with every testlib
//! exit code the judge gives a meaning to.

use std::process::Command;

use serde_json::Value;

/// A package in a temporary directory: `problem.yaml`, tests and files.
struct Package {
    dir: tempfile::TempDir,
}

impl Package {
    fn new(problem_yaml: &str) -> Self {
        let package = Self {
            dir: tempfile::tempdir().expect("a temporary directory"),
        };
        package.write("problem.yaml", problem_yaml);
        package
    }

    fn write(&self, path: &str, contents: &str) -> &Self {
        let path = self.dir.path().join(path);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        std::fs::write(path, contents).expect("write");
        self
    }

    /// A test `data/KIND/NAME.{in,ans}`.
    fn test(&self, kind: &str, name: &str, input: &str, answer: &str) -> &Self {
        self.write(&format!("data/{kind}/{name}.in"), input)
            .write(&format!("data/{kind}/{name}.ans"), answer)
    }

    /// `coderank judge --json --all-tests` of `source` (written as `submission/FILE`).
    fn judge(&self, file: &str, source: &str) -> Value {
        self.write(&format!("submission/{file}"), source);
        let root = self.dir.path();
        let output = Command::new(env!("CARGO_BIN_EXE_coderank"))
            .args(["judge", "--json", "--all-tests"])
            .arg(root)
            .arg(root.join("submission").join(file))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .expect("run coderank judge");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_slice(&output.stdout).expect("one JSON object")
    }
}

fn tests(report: &Value) -> Vec<Value> {
    report["tests"].as_array().cloned().unwrap_or_default()
}

fn text<'a>(test: &'a Value, field: &str) -> &'a str {
    test[field].as_str().unwrap_or_default()
}

/// A Kattis validator that accepts only when it got exactly `--tolerance 0.5` after its three
/// arguments, and leaves a message for the judges, one for the team and a score.
const FLAG_VALIDATOR: &str = r#"import sys
args = sys.argv[4:]
feedback = sys.argv[3]
team = sys.stdin.read().split()
judge = open(sys.argv[2]).read().split()
with open(feedback + "/judgemessage.txt", "w") as f:
    f.write("judges only: arguments " + " ".join(args))
with open(feedback + "/teammessage.txt", "w") as f:
    f.write("to the team: " + ("right" if team == judge else "wrong"))
with open(feedback + "/score.txt", "w") as f:
    f.write("7.5\n")
sys.exit(42 if args == ["--tolerance", "0.5"] and team == judge else 43)
"#;

const ECHO_PY: &str = "print(input())\n";

#[test]
fn validator_flags_reach_a_kattis_validator_with_its_messages_and_score() {
    let with_flags = Package::new(
        "validation: custom\nvalidator_flags: --tolerance 0.5\nlimits:\n  time_limit: 2\n  memory: 256\n",
    );
    with_flags
        .test("sample", "1", "4\n", "4\n")
        .test("secret", "1", "5\n", "5\n")
        .write("output_validators/flags/validate.py", FLAG_VALIDATOR);
    let report = with_flags.judge("echo.py", ECHO_PY);
    assert_eq!(report["verdict"], "AC", "{report}");
    let judged = tests(&report);
    assert_eq!(judged.len(), 2, "{report}");
    for test in &judged {
        assert_eq!(
            text(test, "checker_message"),
            "judges only: arguments --tolerance 0.5"
        );
        assert_eq!(text(test, "team_message"), "to the team: right");
        assert_eq!(test["score"], 7.5, "{test}");
    }

    let wrong = with_flags.judge("wrong.py", "print(int(input()) + 1)\n");
    assert_eq!(wrong["verdict"], "WA", "{wrong}");
    assert_eq!(text(&tests(&wrong)[0], "team_message"), "to the team: wrong");
    assert!(tests(&wrong)[0].get("score").is_none(), "{wrong}");

    // The same validator without the flags rejects even the right answer.
    let without = Package::new("validation: custom\nlimits:\n  time_limit: 2\n  memory: 256\n");
    without
        .test("sample", "1", "4\n", "4\n")
        .write("output_validators/flags/validate.py", FLAG_VALIDATOR);
    let report = without.judge("echo.py", ECHO_PY);
    assert_eq!(report["verdict"], "WA", "{report}");
    assert_eq!(
        text(&tests(&report)[0], "checker_message"),
        "judges only: arguments"
    );
}

/// A testlib checker that ships no testlib.h. Each test's input names what it checks: `fail`
/// makes the checker FAIL (exit 3), `points` gives a quarter point (exit 7); otherwise it
/// compares one number (WA 1, PE 2 when the output is no number, OK 0).
const TESTLIB_CHECKER: &str = r#"#include "testlib.h"
#include <string>

int main(int argc, char* argv[]) {
    registerTestlibCmd(argc, argv);
    std::string kind = inf.readWord();
    if (kind == "fail") quitf(_fail, "the jury's answer is broken");
    int expected = ans.readInt();
    int found = ouf.readInt();
    if (kind == "points") quitp(0.25, "a quarter of the points");
    if (expected != found) quitf(_wa, "expected %d, found %d", expected, found);
    quitf(_ok, "the answer is %d", found);
}
"#;

/// Answers 5 to `ok`, `points` and `fail`, 6 to `wa`, and no number to `pe`.
const TESTLIB_SUBMISSION: &str = r#"kind = input().strip()
print({"wa": "6", "pe": "five"}.get(kind, "5"))
"#;

#[test]
fn a_testlib_checker_that_only_includes_testlib_h_judges_with_testlibs_exit_codes() {
    let package = Package::new("validation: custom\nlimits:\n  time_limit: 2\n  memory: 256\n");
    package
        .test("secret", "1-ok", "ok\n", "5\n")
        .test("secret", "2-wa", "wa\n", "5\n")
        .test("secret", "3-pe", "pe\n", "5\n")
        .test("secret", "4-points", "points\n", "5\n")
        // An internal error ends the judging, so the checker's failure comes last.
        .test("secret", "5-fail", "fail\n", "5\n")
        .write("output_validators/checker/checker.cpp", TESTLIB_CHECKER);
    let report = package.judge("answer.py", TESTLIB_SUBMISSION);
    let judged = tests(&report);
    let verdicts: Vec<&str> = judged.iter().map(|test| text(test, "verdict")).collect();
    assert_eq!(verdicts, ["AC", "WA", "WA", "AC", "IE"], "{report}");
    assert_eq!(report["verdict"], "WA", "{report}");
    assert!(
        text(&judged[0], "checker_message").contains("the answer is 5"),
        "{report}"
    );
    assert!(
        text(&judged[1], "checker_message").contains("expected 5, found 6"),
        "{report}"
    );
    assert!(
        text(&judged[2], "checker_message").starts_with("presentation error:"),
        "{report}"
    );
    assert_eq!(judged[3]["score"], 0.25, "{report}");
    assert!(
        text(&judged[3], "checker_message").contains("a quarter of the points"),
        "{report}"
    );
    let failure = text(&judged[4], "checker_message");
    assert!(
        failure.contains("testlib FAIL") && failure.contains("the jury's answer is broken"),
        "{report}"
    );
    assert!(
        judged.iter().all(|test| test.get("team_message").is_none()),
        "{report}"
    );
}

#[test]
fn a_package_that_ships_its_own_testlib_h_compiles_against_its_copy() {
    let package = Package::new("validation: custom\nlimits:\n  time_limit: 2\n  memory: 256\n");
    // Not testlib at all: the image's testlib.h has no `package_copy`, so only this one builds.
    package
        .test("secret", "1", "1\n", "1\n")
        .write(
            "output_validators/checker/testlib.h",
            "#include <cstdio>\n#include <cstdlib>\n\
             inline void package_copy() { std::fputs(\"the package's own testlib.h\", stderr); std::exit(0); }\n",
        )
        .write(
            "output_validators/checker/checker.cpp",
            "#include \"testlib.h\"\nint main() { package_copy(); }\n",
        );
    let report = package.judge("echo.py", ECHO_PY);
    assert_eq!(report["verdict"], "AC", "{report}");
    assert_eq!(
        text(&tests(&report)[0], "checker_message"),
        "the package's own testlib.h"
    );
}
