//! What a user may see of a submission, the same for the API, its WebSocket and the web pages.
//!
//! Everyone sees a submission's verdict, time and memory; its author and admins also see the
//! source, the compiler output and every test's verdict, and for sample tests the input,
//! expected answer, the program's output, the diff, time and memory. Secret tests show their
//! verdict only to the author (README, "What authors see"), everything to admins. A checker's
//! message for the judges (`judgemessage.txt`, testlib's message, why a check failed) is for
//! admins only; its message for the team (`teammessage.txt`) is shown to the author on sample
//! tests, like the rest of a sample's details, and to admins on every test.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgPool;
use utoipa::ToSchema;
use uuid::Uuid;

pub use super::records::Viewer;
use super::records::{self, JudgingStatus, JudgingSummary, SubmissionRow};
use crate::{
    judge::{scoring::GroupScore, verdict::Verdict},
    problems::{cache::TestDataCache, records as problems, view::shown},
};

#[derive(Debug, Serialize, ToSchema)]
pub struct UserRef {
    pub id: Uuid,
    pub display_name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TestResult {
    /// 1-based position in judging order.
    pub index: usize,
    pub verdict: Verdict,
    /// Sample tests (and, for admins, all): CPU time and memory. A secret test's measurements
    /// are never shown to its author, as DOMjudge and Kattis do not: a program could encode a
    /// secret input in them while staying accepted. (The submission's own time and memory,
    /// the largest over its tests, are shown as those judges show them.)
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_ms: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory_kb: Option<u64>,
    /// Sample tests (and, for admins, all): the test's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sample: Option<SampleDetail>,
    /// Admins only: what the checker said for the judges (a validator's `judgemessage.txt`,
    /// testlib's message, where the output went wrong), or why the check or the run failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub judge_message: Option<String>,
    /// Sample tests (and, for admins, all): the validator's message for the team
    /// (`teammessage.txt`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team_message: Option<String>,
}

/// What the author sees of a sample test.
#[derive(Debug, Serialize, ToSchema)]
pub struct SampleDetail {
    pub input: String,
    pub expected: String,
    /// The program's output (first 64 KiB).
    pub output: Option<String>,
    /// A line diff of expected and actual output, for a wrong answer.
    pub diff: Option<String>,
    pub exit_code: Option<i32>,
    pub stderr: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SubmissionView {
    pub id: Uuid,
    /// The problem's slug.
    pub problem: String,
    pub problem_title: String,
    pub language: String,
    pub user: UserRef,
    /// `queued`, `compiling`, `running` or `finished`.
    pub status: JudgingStatus,
    /// Null until finished.
    pub verdict: Option<Verdict>,
    pub time_ms: Option<i32>,
    pub memory_kb: Option<i32>,
    /// Tests judged so far, and how many there are (once known).
    pub tests_done: i32,
    pub tests_total: Option<i32>,
    pub created_at: DateTime<Utc>,
    /// Author and admins only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Author and admins only: the compiler's output.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compile_output: Option<String>,
    /// Author and admins only.
    pub tests: Vec<TestResult>,
    /// Every judging (the first and each rejudge), author and admins only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub judgings: Option<Vec<JudgingSummary>>,
    /// Admins only: why the judge failed (IE).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Scoring problems only: the score, once judged (none on an internal error).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// Scoring problems only: the most a submission can score (absent when unbounded).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_score: Option<f64>,
    /// Scoring problems, detailed view: each test group's verdict and score.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<GroupScore>>,
}

/// Builds what `viewer` may see of a submission; `detailed` adds tests and judgings.
pub async fn view(
    db: &PgPool,
    cache: &TestDataCache,
    row: SubmissionRow,
    viewer: Viewer,
    detailed: bool,
) -> anyhow::Result<SubmissionView> {
    let admin = viewer.admin;
    let author = viewer.user_id == Some(row.user_id);
    let privileged = admin || author;
    let mut tests = Vec::new();
    let mut judgings = None;
    if privileged && detailed {
        let cases = problems::test_cases(db, row.problem_id).await?;
        for (index, report) in row.tests.0.into_iter().enumerate() {
            let sample = match cases
                .iter()
                .find(|case| report.sample && case.package_name() == report.name)
            {
                Some(case) => Some(SampleDetail {
                    input: shown(cache, &case.input_sha256).await?.0,
                    expected: shown(cache, &case.answer_sha256).await?.0,
                    output: report.output,
                    diff: report.diff,
                    exit_code: report.exit_code,
                    stderr: report.stderr,
                }),
                None => None,
            };
            let shown_in_full = report.sample || admin;
            tests.push(TestResult {
                index: index + 1,
                verdict: report.verdict,
                time_ms: shown_in_full.then_some(report.time_ms),
                memory_kb: shown_in_full.then_some(report.memory_kb),
                name: shown_in_full.then_some(report.name),
                sample,
                judge_message: report.checker_message.filter(|_| admin),
                team_message: report.team_message.filter(|_| shown_in_full),
            });
        }
        judgings = Some(records::judgings(db, row.id).await?);
    }
    let compile_output = row.compile.map(|compile| compile.0.output);
    let max_score = row.scores.as_ref().and_then(|scores| scores.0.max_score);
    let groups = row.scores.filter(|_| detailed).map(|scores| scores.0.groups);
    Ok(SubmissionView {
        id: row.id,
        problem: row.problem_slug,
        problem_title: row.problem_title,
        language: row.language,
        user: UserRef {
            id: row.user_id,
            display_name: row.user_name,
        },
        status: row.status,
        verdict: row.verdict,
        time_ms: row.time_ms,
        memory_kb: row.memory_kb,
        tests_done: row.tests_done,
        tests_total: row.tests_total,
        created_at: row.created_at,
        source: (privileged && detailed).then_some(row.source),
        compile_output: if privileged && detailed {
            compile_output
        } else {
            None
        },
        tests,
        judgings,
        error: if admin { row.error } else { None },
        score: row.score,
        max_score,
        groups,
    })
}
