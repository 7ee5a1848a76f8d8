//! What a test of an interactive or multi-pass problem came to, and what its validator said.

use coderank_supervisor::protocol::{Termination, COLLECT_BYTES, NEXT_PASS};

use super::super::{
    checker::outcome::JUDGE_MESSAGE,
    package::TestCase,
    report::{Side, TestReport, SAMPLE_OUTPUT_BYTES},
    sandbox::RunOutput,
    verdict::Verdict,
};

/// What the worker needs of a test's result to make its report.
pub struct Judged {
    pub verdict: Verdict,
    pub message: Option<String>,
    /// The submission's last run, when it came back.
    pub output: Option<RunOutput>,
    pub first_exited: Option<Side>,
    pub passes: u32,
    /// Largest CPU time and memory over the passes.
    pub time_ms: u64,
    pub wall_ms: u64,
    pub memory_kb: u64,
}

impl Judged {
    /// The test's report; `redact` cuts host paths out of what the program printed.
    pub fn into_report(
        self,
        test: &TestCase,
        show_output: bool,
        multi_pass: bool,
        redact: impl Fn(&str) -> String,
    ) -> TestReport {
        let result = self.output.as_ref().map(|output| &output.result);
        let stderr = self
            .output
            .as_ref()
            .map(|output| redact(&String::from_utf8_lossy(&output.stderr)))
            .unwrap_or_default();
        let shown = self.output.as_ref().filter(|_| show_output).map(|output| {
            let shown = &output.stdout[..output.stdout.len().min(SAMPLE_OUTPUT_BYTES)];
            redact(&String::from_utf8_lossy(shown))
        });
        TestReport {
            name: test.name.clone(),
            sample: test.is_sample,
            verdict: self.verdict,
            time_ms: self.time_ms,
            wall_ms: self.wall_ms,
            memory_kb: self.memory_kb,
            exit_code: result.and_then(|result| result.exit_code),
            signal: result.and_then(|result| result.signal),
            checker_message: self.message,
            // Team messages and scores of interactive and multi-pass validators are not read
            // yet (README "Interactive problems").
            team_message: None,
            score: None,
            diff: None,
            stderr,
            output: shown,
            first_exited: self.first_exited,
            passes: multi_pass.then_some(self.passes),
        }
    }
}

/// The validator's message (`judgemessage.txt`, else its standard error) and, when it wrote
/// one, the next pass's input. A judge message left as something other than a file is reported
/// as such (the run is then an internal error by [`validator_failure`]'s caller).
pub(super) fn validator_says(validated: &RunOutput) -> (Option<String>, Option<Vec<u8>>) {
    if validated.result.refused.iter().any(|name| name == JUDGE_MESSAGE) {
        return (
            Some(format!(
                "the validator left {JUDGE_MESSAGE} as something other than a file"
            )),
            None,
        );
    }
    let file = |name: &str| {
        validated
            .collected
            .iter()
            .find(|(collected, _)| collected == name)
            .map(|(_, body)| body.clone())
    };
    let message = file(JUDGE_MESSAGE)
        .map(|body| String::from_utf8_lossy(&body).trim().to_owned())
        .filter(|text| !text.is_empty())
        .unwrap_or_else(|| String::from_utf8_lossy(&validated.stderr).trim().to_owned());
    // A next-pass input as long as the cap may have been cut: refused rather than run.
    let next = file(NEXT_PASS).filter(|body| (body.len() as u64) < COLLECT_BYTES);
    ((!message.is_empty()).then_some(message), next)
}

pub(super) fn validator_failure(validated: &RunOutput, message: Option<String>) -> String {
    let result = &validated.result;
    let what = match (result.connected, result.termination) {
        (Some(false), _) => "its pipes never connected".to_owned(),
        (_, Termination::Exited) => format!("exit code {:?}", result.exit_code),
        (_, termination) => super::super::program::describe(termination).to_owned(),
    };
    let refused = result.refused.iter().any(|name| name == JUDGE_MESSAGE);
    let mut text = format!("the validator failed ({what})");
    if refused {
        text = format!("{text}; it left {JUDGE_MESSAGE} as something other than a file");
    }
    match message {
        Some(message) => format!("{text}: {message}"),
        None => text,
    }
}
