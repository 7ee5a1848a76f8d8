//! What a judging reports: the compile step, every test, and the verdict, as the worker stores
//! them, the API shows them and `coderank judge --json` prints them.

use serde::{Deserialize, Serialize};

use super::{scoring::ScoreReport, verdict::Verdict};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CompileReport {
    pub ok: bool,
    pub time_ms: u64,
    pub wall_ms: u64,
    pub memory_kb: u64,
    pub exit_code: Option<i32>,
    /// What the compiler printed (stdout then stderr), capped, host paths cut out.
    pub output: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TestReport {
    pub name: String,
    pub sample: bool,
    pub verdict: Verdict,
    /// CPU time of every process of the run.
    pub time_ms: u64,
    pub wall_ms: u64,
    pub memory_kb: u64,
    pub exit_code: Option<i32>,
    pub signal: Option<i32>,
    /// For the judges (admins) only: what the checker said, e.g. where the output went wrong
    /// (a validator's `judgemessage.txt`, testlib's message); or why the sandbox or the
    /// validator gave out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checker_message: Option<String>,
    /// For the team too: a Kattis validator's `teammessage.txt`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team_message: Option<String>,
    /// The score the validator gave this test (`score.txt`, testlib's points), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// For a wrong answer on a sample test: a line diff of expected and actual output.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
    /// The program's standard error, capped.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub stderr: String,
    /// On a sample test: what the program printed, capped at 64 KiB, so its author can compare.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
    /// Interactive problems: which side ended first, the submission or the validator (of the
    /// last pass), as the supervisors' clock saw it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_exited: Option<Side>,
    /// Multi-pass problems: how many passes the test took.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passes: Option<u32>,
}

/// One of the two programs of an interactive test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Submission,
    Validator,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub verdict: Verdict,
    pub language: String,
    pub time_limit_ms: u64,
    pub memory_limit_kb: u64,
    /// Largest CPU time and peak memory over the tests that ran.
    pub time_ms: u64,
    pub memory_kb: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compile: Option<CompileReport>,
    pub tests: Vec<TestReport>,
    /// For a scoring problem: the score and each group's part of it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<ScoreReport>,
}

/// What the judge is doing, for progress displays.
#[derive(Debug, Clone)]
pub enum Progress<'a> {
    Compiling,
    Running {
        index: usize,
        total: usize,
        name: &'a str,
    },
    Finished(&'a TestReport),
}

/// Output kept of a sample test, for showing.
pub const SAMPLE_OUTPUT_BYTES: usize = 64 * 1024;
