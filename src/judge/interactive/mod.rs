//! Interactive and multi-pass problems: one test may be several runs of the submission and of
//! the package's validator, and in an interactive problem the two run at once, talking.
//!
//! The validator runs in its own sandbox (see [`super::checker::custom`]); for an interactive
//! judging both sandboxes mount a small tmpfs Docker volume ([`PipeVolume`]) at a directory only
//! root may enter, and for each pass the validator's supervisor makes two fresh FIFOs there,
//! both supervisors connect them (each with a deadline, see the supervisor's `run/pipes.rs`) and
//! hand them to their program as standard input and output. The worker sends both runs at once
//! and awaits both, each with its deadline. The submission never gets the test's input: only
//! the validator's sandbox does. A named volume (not a host directory) works also when the
//! worker itself runs in a container.
//!
//! Multi-pass: the validator's feedback directory is kept across the passes of a test (emptied
//! for its first); a pass the validator accepts after writing `nextpass.in` is followed by
//! another with that file as the submission's input (or the validator's, when interactive),
//! each pass with the test's full limits, at most `limits.validation_passes` passes.
//!
//! The verdict rules are in [`verdict`] and README "Verdicts".

mod outcome;
pub mod verdict;
mod volume;

pub use outcome::Judged;
use outcome::{validator_failure, validator_says};

pub use volume::PipeVolume;

use std::time::Duration;

use coderank_supervisor::protocol::{Feedback, Limits, Pipes, RunRequest, Workdir, FEEDBACK_DIR, NEXT_PASS};

use super::{
    checker::{custom::CustomChecker, outcome::JUDGE_MESSAGE},
    limits::{request, transfer_time, TestLimits},
    program::{Program, Ran, ANSWER_GRACE},
    report::Side,
    sandbox::{RunOutput, SandboxError, PIPES_DIR},
    verdict::{test_verdict, Verdict},
};
use verdict::{broken_pass_verdict, first_exited, pass_verdict, ValidatorEnd};

/// How long each supervisor waits for the other to open its ends of the FIFOs.
pub const CONNECT_TIME: Duration = Duration::from_secs(10);
/// The validator's wall (and CPU) time beyond the submission's wall limit: it must outlive the
/// submission to give a verdict on what it did.
pub const VALIDATOR_GRACE_MS: u64 = 2_000;

/// How a test of an interactive or multi-pass problem is run.
pub struct Plan<'a> {
    pub argv: &'a [String],
    pub limits: TestLimits,
    pub interactive: bool,
    /// The most passes, for a multi-pass problem.
    pub passes: Option<u32>,
    /// The test's validator arguments, passed after the feedback directory.
    pub args: &'a [String],
}

/// Runs every pass of one test; `Err` only when the judging itself cannot go on.
pub async fn judge_test(
    plan: &Plan<'_>,
    program: &mut Program<'_>,
    validator: &mut CustomChecker,
    test_index: usize,
    input: &[u8],
    answer: &[u8],
) -> anyhow::Result<Judged> {
    let max_passes = plan.passes.unwrap_or(1);
    let mut pass_input = input.to_vec();
    let mut judged = Judged {
        verdict: Verdict::Ac,
        message: None,
        output: None,
        first_exited: None,
        passes: 0,
        time_ms: 0,
        wall_ms: 0,
        memory_kb: 0,
    };
    loop {
        judged.passes += 1;
        let pass = judged.passes;
        let feedback = plan.passes.map(|_| {
            if pass == 1 {
                Feedback::Fresh
            } else {
                Feedback::Kept
            }
        });
        let outcome = if plan.interactive {
            let pipes = (
                format!("t{test_index}p{pass}-to-submission"),
                format!("t{test_index}p{pass}-to-validator"),
            );
            interactive_pass(plan, program, validator, &pass_input, answer, feedback, pipes).await?
        } else {
            multi_pass(plan, program, validator, &pass_input, answer, feedback).await?
        };
        if let Some(result) = outcome.submission.as_ref().map(|output| &output.result) {
            judged.time_ms = judged.time_ms.max(result.cpu_ms);
            judged.wall_ms = judged.wall_ms.max(result.wall_ms);
            judged.memory_kb = judged.memory_kb.max(result.peak_kb);
        }
        judged.output = outcome.submission;
        judged.first_exited = outcome.first_exited;
        judged.message = outcome.message;
        match outcome.verdict {
            Some(verdict) => {
                judged.verdict = verdict;
                return Ok(judged);
            }
            None => match outcome.next_pass {
                None => return Ok(judged),
                Some(_) if plan.passes.is_none() => return Ok(judged),
                Some(_) if pass >= max_passes => {
                    judged.verdict = Verdict::Ie;
                    judged.message = Some(format!(
                        "the validator asked for pass {} of a test allowed {max_passes} (limits.validation_passes)",
                        pass + 1
                    ));
                    return Ok(judged);
                }
                Some(next) => pass_input = next,
            },
        }
    }
}

/// One pass: the verdict (`None`: accepted so far), the validator's message and next input.
struct PassOutcome {
    verdict: Option<Verdict>,
    message: Option<String>,
    next_pass: Option<Vec<u8>>,
    submission: Option<RunOutput>,
    first_exited: Option<Side>,
}

/// The validator's request: the Kattis arguments, its files, and what to collect.
fn validator_request(
    validator: &mut CustomChecker,
    args: &[String],
    limits: Limits,
    feedback: Option<Feedback>,
    pipes: Option<Box<Pipes>>,
) -> RunRequest {
    let (_, run, _) = validator.parts();
    let mut argv = run.to_vec();
    // The Kattis protocol's feedback directory ends with a separator: validators append names.
    let feedback_dir = if feedback.is_some() {
        format!("{FEEDBACK_DIR}/")
    } else {
        "./".to_owned()
    };
    argv.extend(["input".to_owned(), "answer".to_owned(), feedback_dir]);
    argv.extend(args.iter().cloned());
    let mut request = request(&argv, Workdir::Scratch, limits, limits.memory_kb / 1024);
    request.collect = vec![JUDGE_MESSAGE.to_owned(), NEXT_PASS.to_owned()];
    request.feedback = feedback;
    request.pipes = pipes;
    request
}

/// The validator's limits when it runs beside the submission: it outlives it.
fn validator_limits(plan: &Plan<'_>) -> Limits {
    let time = plan.limits.wall_ms() + VALIDATOR_GRACE_MS;
    let checker = super::checker::custom::CHECKER_LIMITS;
    Limits {
        cpu_ms: time.max(checker.cpu_ms),
        wall_ms: time,
        ..checker
    }
}

async fn interactive_pass(
    plan: &Plan<'_>,
    program: &mut Program<'_>,
    validator: &mut CustomChecker,
    input: &[u8],
    answer: &[u8],
    feedback: Option<Feedback>,
    (to_submission, to_validator): (String, String),
) -> anyhow::Result<PassOutcome> {
    let connect_ms = CONNECT_TIME.as_millis() as u64;
    let pipes = |make: bool, input: &str, output: &str| {
        Box::new(Pipes {
            dir: PIPES_DIR.to_owned(),
            input: input.to_owned(),
            output: output.to_owned(),
            make,
            connect_ms,
        })
    };
    let limits = validator_limits(plan);
    let validator_run = validator_request(
        validator,
        plan.args,
        limits,
        feedback,
        Some(pipes(true, &to_validator, &to_submission)),
    );
    let mut submission_run = request(
        plan.argv,
        Workdir::Scratch,
        plan.limits.run_limits(),
        plan.limits.memory_mb,
    );
    submission_run.pipes = Some(pipes(false, &to_submission, &to_validator));
    let deadline = CONNECT_TIME
        + Duration::from_millis(limits.wall_ms)
        + transfer_time((input.len() + answer.len()) as u64)
        + ANSWER_GRACE;
    let (sandbox, _, _) = validator.parts();
    let files: [(&str, &[u8]); 2] = [("input", input), ("answer", answer)];
    let (validated, ran) = tokio::join!(
        sandbox.run(validator_run, b"", &files, deadline),
        program.run_test(submission_run, b"")
    );
    let ran = ran?;
    let validated = match validated {
        Ok(validated) => Some(validated),
        Err(SandboxError::Other(err)) => return Err(err),
        Err(err) => {
            tracing::warn!(error = %err, "an interactive validator's sandbox broke");
            None
        }
    };
    let (verdict_message, next_pass) = validated.as_ref().map(validator_says).unwrap_or_default();
    let (verdict, first, submission) = match (ran, &validated) {
        (Ran::Output(output), Some(validated)) => (
            pass_verdict(&output.result, &validated.result),
            Some(first_exited(&output.result, &validated.result)),
            Some(*output),
        ),
        (Ran::Output(output), None) => (Some(Verdict::Ie), None, Some(*output)),
        (Ran::Broke { verdict, why }, validated) => {
            let verdict = broken_pass_verdict(verdict, validated.as_ref().map(|v| &v.result));
            return Ok(PassOutcome {
                verdict: Some(verdict),
                message: Some(why),
                next_pass: None,
                submission: None,
                first_exited: None,
            });
        }
    };
    let refused = validated
        .as_ref()
        .is_some_and(|validated| validated.result.refused.iter().any(|name| name == JUDGE_MESSAGE));
    let verdict = if refused { Some(Verdict::Ie) } else { verdict };
    let message = match (&validated, verdict) {
        (None, _) => Some("the validator's sandbox broke".to_owned()),
        (Some(validated), Some(Verdict::Ie)) => Some(validator_failure(validated, verdict_message)),
        _ => verdict_message,
    };
    Ok(PassOutcome {
        verdict,
        message,
        next_pass,
        submission,
        first_exited: first,
    })
}

async fn multi_pass(
    plan: &Plan<'_>,
    program: &mut Program<'_>,
    validator: &mut CustomChecker,
    input: &[u8],
    answer: &[u8],
    feedback: Option<Feedback>,
) -> anyhow::Result<PassOutcome> {
    let submission_run = request(
        plan.argv,
        Workdir::Scratch,
        plan.limits.run_limits(),
        plan.limits.memory_mb,
    );
    let output = match program.run_test(submission_run, input).await? {
        Ran::Output(output) => *output,
        Ran::Broke { verdict, why } => {
            return Ok(PassOutcome {
                verdict: Some(verdict),
                message: Some(why),
                next_pass: None,
                submission: None,
                first_exited: None,
            })
        }
    };
    let failed = test_verdict(output.result.termination, output.result.exit_code);
    if failed.is_some() {
        return Ok(PassOutcome {
            verdict: failed,
            message: None,
            next_pass: None,
            submission: Some(output),
            first_exited: None,
        });
    }
    let limits = super::checker::custom::CHECKER_LIMITS;
    let run = validator_request(validator, plan.args, limits, feedback, None);
    let carried = (input.len() + answer.len() + output.stdout.len()) as u64;
    let deadline = super::checker::custom::run_deadline(carried);
    let (sandbox, _, _) = validator.parts();
    let files: [(&str, &[u8]); 2] = [("input", input), ("answer", answer)];
    let validated = match sandbox.run(run, &output.stdout, &files, deadline).await {
        Ok(validated) => validated,
        Err(SandboxError::Other(err)) => return Err(err),
        Err(err) => {
            return Ok(PassOutcome {
                verdict: Some(Verdict::Ie),
                message: Some(format!("the output validator failed: {err}")),
                next_pass: None,
                submission: Some(output),
                first_exited: None,
            })
        }
    };
    let (message, next_pass) = validator_says(&validated);
    let refused = validated.result.refused.iter().any(|name| name == JUDGE_MESSAGE);
    let (verdict, message) = match ValidatorEnd::of(&validated.result) {
        _ if refused => (Some(Verdict::Ie), Some(validator_failure(&validated, message))),
        ValidatorEnd::Accepted => (None, message),
        ValidatorEnd::Rejected => (Some(Verdict::Wa), message),
        ValidatorEnd::Failed => (Some(Verdict::Ie), Some(validator_failure(&validated, message))),
    };
    Ok(PassOutcome {
        verdict,
        message,
        next_pass,
        submission: Some(output),
        first_exited: None,
    })
}
