//! What a run executes and how its outcome is read: one test or several, compiled once, under
//! the playground's limits or limits of the run's own (the Judge0-compatible API's).
//!
//! A run is judged as a problem whose tests are the run's inputs (all of them samples, so the
//! engine keeps each program output), with every test run even after one fails. The engine's
//! "expected answer" is left empty and its verdict on it ignored: a test with an expected output
//! is compared here, by Judge0's rule ([`same_output`]), so the answer is the same as Judge0's.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::judge::{
    engine::{self, JudgeOptions, Report},
    languages::Language,
    package::{ProblemPackage, TestCase},
    report::TestReport,
    source::Source,
    verdict::Verdict,
};

/// Limits of a playground run.
pub const TIME_LIMIT_SECS: u64 = 2;
pub const MEMORY_MB: u64 = 256;
pub const OUTPUT_MB: u64 = 1;

/// What a run produced.
#[derive(Debug, Clone, Serialize, serde::Deserialize, ToSchema)]
pub struct RunResult {
    /// `OK` when the program ran to the end with exit code 0; else `CE`, `TLE`, `MLE`, `OLE`,
    /// `RE` (as for submissions), or `IE`.
    pub status: String,
    pub stdout: String,
    pub stderr: String,
    pub exit_code: Option<i32>,
    pub signal: Option<i32>,
    /// The CPU time of the slowest test.
    pub time_ms: u64,
    /// The wall-clock time of the slowest test.
    #[serde(default)]
    pub wall_ms: u64,
    pub memory_kb: u64,
    /// The compiler's output, for languages that compile.
    pub compile_output: Option<String>,
    /// Each test's outcome, when the run has several (the fields above are then those of the
    /// first test that did not pass, or of the first test).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tests: Vec<TestRun>,
}

impl RunResult {
    /// The result of a program that never ran (it did not compile, or the judge failed).
    pub fn without_run(status: &str, compile_output: Option<String>) -> Self {
        Self {
            status: status.to_owned(),
            stdout: String::new(),
            stderr: String::new(),
            exit_code: None,
            signal: None,
            time_ms: 0,
            wall_ms: 0,
            memory_kb: 0,
            compile_output,
            tests: Vec::new(),
        }
    }
}

/// What a run executes: its tests and limits (the `spec` column of `runs`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunSpec {
    /// The tests, in order; never empty.
    pub tests: Vec<RunTest>,
    pub limits: RunLimits,
    /// Where the result is sent when it is recorded (the Judge0 API's `callback_url`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback_url: Option<String>,
}

/// One input of a run, and what the program should print, when the caller says.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunTest {
    pub stdin: String,
    pub expected_output: Option<String>,
}

/// The limits of each test of a run.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RunLimits {
    /// CPU time, in seconds.
    pub cpu_time_secs: f64,
    /// Wall-clock time, in seconds: a test that takes longer is TLE.
    pub wall_time_secs: f64,
    /// Memory, in KiB (the sandbox takes whole MiB: rounded up).
    pub memory_kb: u64,
    /// Output, in KiB (rounded up to whole MiB, as memory).
    pub output_kb: u64,
    /// Stack, in KiB, when lower than the memory limit (`None`: the memory limit, as a judging
    /// has; runs recorded before this field have none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stack_kb: Option<u64>,
}

impl RunLimits {
    /// The playground's limits.
    pub const PLAYGROUND: RunLimits = RunLimits {
        cpu_time_secs: TIME_LIMIT_SECS as f64,
        wall_time_secs: (TIME_LIMIT_SECS * 3) as f64,
        memory_kb: MEMORY_MB * 1024,
        output_kb: OUTPUT_MB * 1024,
        stack_kb: None,
    };
}

impl RunSpec {
    /// A playground run: one input, no expected output, the playground's limits.
    pub fn playground(stdin: &str) -> Self {
        Self {
            tests: vec![RunTest {
                stdin: stdin.to_owned(),
                expected_output: None,
            }],
            limits: RunLimits::PLAYGROUND,
            callback_url: None,
        }
    }
}

/// What one test of a run produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TestRun {
    /// `OK` (ran to the end, exit code 0, nothing expected), `AC` or `WA` (against the expected
    /// output), `TLE`, `MLE`, `OLE`, `RE`, or `IE`.
    pub status: String,
    pub stdout: String,
    pub stderr: String,
    pub exit_code: Option<i32>,
    pub signal: Option<i32>,
    pub time_ms: u64,
    pub wall_ms: u64,
    pub memory_kb: u64,
}

/// Runs a program in a sandbox, as a worker does for a claimed run: compiled once, then each
/// test of `spec` under its limits. `options` say where the sandbox comes from and goes (the
/// worker's warm pool, its CPUs, its teardown tracker); every test is run whatever the others
/// gave.
pub async fn execute(
    docker: &bollard::Docker,
    options: &JudgeOptions,
    language: &Language,
    source: &str,
    spec: &RunSpec,
) -> anyhow::Result<RunResult> {
    let scratch = tempfile::tempdir()?;
    let mut tests = Vec::with_capacity(spec.tests.len());
    for (index, run_test) in spec.tests.iter().enumerate() {
        let test = TestCase {
            name: format!("run{index}"),
            input: scratch.path().join(format!("run{index}.in")),
            answer: scratch.path().join(format!("run{index}.ans")),
            is_sample: true,
            group: "sample".to_owned(),
            validator_args: Vec::new(),
            interaction: None,
        };
        tokio::fs::write(&test.input, &run_test.stdin).await?;
        tokio::fs::write(&test.answer, "").await?;
        tests.push(test);
    }
    let plan = ProblemPackage::plan(
        scratch.path().to_path_buf(),
        spec.limits.cpu_time_secs,
        spec.limits.memory_kb.div_ceil(1024).max(1),
        spec.limits.output_kb.div_ceil(1024).max(1),
        tests,
    );
    let options = JudgeOptions {
        all_tests: true,
        stack_kb: spec.limits.stack_kb,
        ..options.clone()
    };
    let source = Source::file(&language.source_file, source.as_bytes());
    let report = engine::judge(docker, &plan, language, &source, &options, |_| {}).await?;
    Ok(result_of(&report, spec))
}

/// The run's result: each test's outcome, and at the top the first test that did not pass (or
/// the first test, when all did), so a one-test run reads as before.
pub fn result_of(report: &Report, spec: &RunSpec) -> RunResult {
    let compile_output = report.compile.as_ref().map(|compile| compile.output.clone());
    if report.tests.is_empty() {
        let status = if report.verdict == Verdict::Ce { "CE" } else { "IE" };
        return RunResult::without_run(status, compile_output);
    }
    let tests: Vec<TestRun> = report
        .tests
        .iter()
        .zip(&spec.tests)
        .map(|(test, run_test)| test_run(test, run_test, &spec.limits))
        .collect();
    let shown = tests
        .iter()
        .find(|test| test.status != "OK" && test.status != "AC")
        .or(tests.first())
        .cloned();
    let Some(shown) = shown else {
        return RunResult::without_run("IE", compile_output);
    };
    RunResult {
        status: shown.status,
        stdout: shown.stdout,
        stderr: shown.stderr,
        exit_code: shown.exit_code,
        signal: shown.signal,
        time_ms: tests.iter().map(|test| test.time_ms).max().unwrap_or(0),
        wall_ms: tests.iter().map(|test| test.wall_ms).max().unwrap_or(0),
        memory_kb: tests.iter().map(|test| test.memory_kb).max().unwrap_or(0),
        compile_output,
        tests: if spec.tests.len() > 1 { tests } else { Vec::new() },
    }
}

fn test_run(test: &TestReport, run_test: &RunTest, limits: &RunLimits) -> TestRun {
    let stdout = test.output.clone().unwrap_or_default();
    let over_wall = test.wall_ms as f64 > limits.wall_time_secs * 1000.0;
    // Any output "fails" the empty answer the engine was given: that verdict means nothing here.
    let status = match test.verdict {
        Verdict::Ac | Verdict::Wa if over_wall => "TLE".to_owned(),
        Verdict::Ac | Verdict::Wa => match &run_test.expected_output {
            None => "OK".to_owned(),
            Some(expected) if same_output(expected, &stdout) => "AC".to_owned(),
            Some(_) => "WA".to_owned(),
        },
        other => other.to_string(),
    };
    TestRun {
        status,
        stdout,
        stderr: test.stderr.clone(),
        exit_code: test.exit_code,
        signal: test.signal,
        time_ms: test.time_ms,
        wall_ms: test.wall_ms,
        memory_kb: test.memory_kb,
    }
}

/// Judge0's comparison: equal once trailing whitespace is cut from each line and trailing
/// blank lines from the end (Judge0 CE's `strip` in `isolate_job.rb`).
pub fn same_output(expected: &str, actual: &str) -> bool {
    stripped(expected) == stripped(actual)
}

fn stripped(text: &str) -> String {
    let lines: Vec<&str> = text.split('\n').map(str::trim_end).collect();
    lines.join("\n").trim_end().to_owned()
}

#[cfg(test)]
mod tests {
    use super::same_output;

    #[test]
    fn trailing_whitespace_and_blank_lines_do_not_count_as_judge0_has_it() {
        assert!(same_output("3\n", "3"));
        assert!(same_output("1 2\n3", "1 2   \n3\n\n\n"));
        assert!(same_output("a\r\nb", "a\nb"));
        assert!(!same_output("3", " 3"));
        assert!(!same_output("1\n2", "1\n\n2"));
        assert!(!same_output("3", "4"));
    }
}
