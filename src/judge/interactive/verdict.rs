//! The verdict of one interactive pass from how its two runs ended: the rules of README
//! "Verdicts" (interactive problems), in the order written there. Pure, so every rule is tested.

use coderank_supervisor::protocol::{RunResult, Termination};

/// The signal a write to a pipe nobody reads any more kills with (the same on every Linux).
const SIGPIPE: i32 = 13;

use super::super::{
    report::Side,
    verdict::{test_verdict, Verdict},
};

/// The Kattis validator's exit codes.
pub const ACCEPT: i32 = 42;
pub const REJECT: i32 = 43;

/// What the validator's run came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValidatorEnd {
    /// It exited 42.
    Accepted,
    /// It exited 43.
    Rejected,
    /// Anything else: a crash, its limits, another exit code, its sandbox broken, or its pipes
    /// never connected. Never the team's fault.
    Failed,
}

impl ValidatorEnd {
    pub fn of(result: &RunResult) -> Self {
        if result.connected == Some(false) || result.termination != Termination::Exited {
            return Self::Failed;
        }
        match result.exit_code {
            Some(ACCEPT) => Self::Accepted,
            Some(REJECT) => Self::Rejected,
            _ => Self::Failed,
        }
    }
}

/// Which side ended first; a tie goes to the submission (its end is what the validator saw).
pub fn first_exited(submission: &RunResult, validator: &RunResult) -> Side {
    if validator.ended_ns < submission.ended_ns {
        Side::Validator
    } else {
        Side::Submission
    }
}

/// The verdict of a pass whose two runs both came back; `None` means the validator accepted
/// and the submission did nothing wrong (AC, or the next pass of a multi-pass test).
pub fn pass_verdict(submission: &RunResult, validator: &RunResult) -> Option<Verdict> {
    let end = ValidatorEnd::of(validator);
    let first = first_exited(submission, validator);
    let own = test_verdict(submission.termination, submission.exit_code);
    let sigpipe = submission.termination == Termination::Signaled && submission.signal == Some(SIGPIPE);
    if submission.connected == Some(false) {
        // Its supervisor never saw the validator's: the judge's fault.
        return Some(Verdict::Ie);
    }
    if first == Side::Validator && end == ValidatorEnd::Rejected {
        return Some(Verdict::Wa);
    }
    if submission.termination == Termination::CpuLimit {
        return Some(Verdict::Tle);
    }
    if end == ValidatorEnd::Failed {
        return Some(Verdict::Ie);
    }
    if submission.termination == Termination::WallLimit {
        return Some(Verdict::Tle);
    }
    if sigpipe {
        return (end == ValidatorEnd::Rejected).then_some(Verdict::Wa);
    }
    if first == Side::Submission && own.is_some() {
        return own;
    }
    match end {
        ValidatorEnd::Rejected => Some(Verdict::Wa),
        _ => own,
    }
}

/// The verdict of a pass whose submission sandbox broke (`broken`: the verdict it gave the
/// run, e.g. TLE for a sandbox that missed its deadline), given how the validator ended.
pub fn broken_pass_verdict(broken: Verdict, validator: Option<&RunResult>) -> Verdict {
    match validator.map(ValidatorEnd::of) {
        None | Some(ValidatorEnd::Failed) if broken != Verdict::Tle => Verdict::Ie,
        _ => broken,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIGSEGV: i32 = 11;
    const SIGKILL: i32 = 9;

    fn run(
        termination: Termination,
        exit_code: Option<i32>,
        signal: Option<i32>,
        ended_ns: u64,
    ) -> RunResult {
        RunResult {
            termination,
            exit_code,
            signal,
            cpu_ms: 1,
            wall_ms: 1,
            peak_kb: 1,
            wall_us: 1,
            supervisor_us: 0,
            leftover_processes: 0,
            stdout_len: 0,
            stderr_len: 0,
            stderr_truncated: false,
            collected: Vec::new(),
            refused: Vec::new(),
            ended_ns,
            connected: Some(true),
            message: None,
        }
    }

    fn exited(code: i32, at: u64) -> RunResult {
        run(Termination::Exited, Some(code), None, at)
    }

    fn killed(signal: i32, at: u64) -> RunResult {
        run(Termination::Signaled, None, Some(signal), at)
    }

    fn limit(termination: Termination, at: u64) -> RunResult {
        run(termination, None, Some(SIGKILL), at)
    }

    #[test]
    fn the_validator_accepting_a_clean_exit_is_accepted_whoever_ends_first() {
        assert_eq!(pass_verdict(&exited(0, 1), &exited(ACCEPT, 2)), None);
        assert_eq!(pass_verdict(&exited(0, 2), &exited(ACCEPT, 1)), None);
    }

    #[test]
    fn the_validator_rejecting_is_a_wrong_answer() {
        assert_eq!(pass_verdict(&exited(0, 1), &exited(REJECT, 2)), Some(Verdict::Wa));
    }

    #[test]
    fn a_validator_rejecting_first_is_a_wrong_answer_whatever_the_submission_did_next() {
        for submission in [
            exited(0, 2),
            exited(1, 2),
            killed(SIGSEGV, 2),
            limit(Termination::CpuLimit, 2),
            limit(Termination::WallLimit, 2),
            limit(Termination::MemoryLimit, 2),
        ] {
            assert_eq!(pass_verdict(&submission, &exited(REJECT, 1)), Some(Verdict::Wa));
        }
    }

    #[test]
    fn a_submission_over_its_time_is_tle() {
        assert_eq!(
            pass_verdict(&limit(Termination::CpuLimit, 1), &exited(ACCEPT, 2)),
            Some(Verdict::Tle)
        );
        assert_eq!(
            pass_verdict(&limit(Termination::WallLimit, 1), &exited(REJECT, 2)),
            Some(Verdict::Tle)
        );
        // Its CPU time is its own fault even when the validator then misbehaves.
        assert_eq!(
            pass_verdict(&limit(Termination::CpuLimit, 1), &killed(SIGSEGV, 2)),
            Some(Verdict::Tle)
        );
    }

    #[test]
    fn a_validator_that_misbehaves_is_an_internal_error() {
        for validator in [
            killed(SIGSEGV, 2),
            exited(0, 2),
            exited(1, 2),
            limit(Termination::WallLimit, 2),
            limit(Termination::CpuLimit, 2),
            limit(Termination::MemoryLimit, 2),
            run(Termination::SpawnFailed, None, None, 2),
        ] {
            assert_eq!(
                pass_verdict(&exited(0, 1), &validator),
                Some(Verdict::Ie),
                "{validator:?}"
            );
        }
        // Waiting for a validator that never answers is not the submission's fault.
        assert_eq!(
            pass_verdict(
                &limit(Termination::WallLimit, 1),
                &limit(Termination::WallLimit, 2)
            ),
            Some(Verdict::Ie)
        );
    }

    #[test]
    fn pipes_that_never_connected_are_an_internal_error() {
        let mut submission = run(Termination::SpawnFailed, None, None, 1);
        submission.connected = Some(false);
        assert_eq!(pass_verdict(&submission, &exited(ACCEPT, 2)), Some(Verdict::Ie));
        let mut validator = run(Termination::SpawnFailed, None, None, 1);
        validator.connected = Some(false);
        assert_eq!(pass_verdict(&exited(0, 2), &validator), Some(Verdict::Ie));
    }

    #[test]
    fn a_submission_killed_by_sigpipe_lets_the_validator_decide() {
        assert_eq!(pass_verdict(&killed(SIGPIPE, 2), &exited(ACCEPT, 1)), None);
        assert_eq!(pass_verdict(&killed(SIGPIPE, 1), &exited(ACCEPT, 2)), None);
        assert_eq!(
            pass_verdict(&killed(SIGPIPE, 2), &exited(REJECT, 1)),
            Some(Verdict::Wa)
        );
    }

    #[test]
    fn a_submission_that_fails_first_gets_its_own_verdict() {
        assert_eq!(pass_verdict(&exited(3, 1), &exited(REJECT, 2)), Some(Verdict::Re));
        assert_eq!(
            pass_verdict(&killed(SIGSEGV, 1), &exited(ACCEPT, 2)),
            Some(Verdict::Re)
        );
        assert_eq!(
            pass_verdict(&limit(Termination::MemoryLimit, 1), &exited(REJECT, 2)),
            Some(Verdict::Mle)
        );
    }

    #[test]
    fn a_submission_failing_after_the_validator_accepted_is_a_run_time_error() {
        assert_eq!(pass_verdict(&exited(1, 2), &exited(ACCEPT, 1)), Some(Verdict::Re));
        assert_eq!(
            pass_verdict(&killed(SIGSEGV, 2), &exited(ACCEPT, 1)),
            Some(Verdict::Re)
        );
    }

    #[test]
    fn which_side_ended_first_is_told_by_the_clock_and_a_tie_goes_to_the_submission() {
        assert_eq!(first_exited(&exited(0, 5), &exited(ACCEPT, 4)), Side::Validator);
        assert_eq!(first_exited(&exited(0, 4), &exited(ACCEPT, 5)), Side::Submission);
        assert_eq!(first_exited(&exited(0, 4), &exited(ACCEPT, 4)), Side::Submission);
    }

    #[test]
    fn a_broken_submission_sandbox_keeps_its_verdict_unless_the_validator_failed_too() {
        assert_eq!(
            broken_pass_verdict(Verdict::Tle, Some(&exited(REJECT, 1))),
            Verdict::Tle
        );
        assert_eq!(
            broken_pass_verdict(Verdict::Mle, Some(&exited(REJECT, 1))),
            Verdict::Mle
        );
        assert_eq!(broken_pass_verdict(Verdict::Mle, None), Verdict::Ie);
        assert_eq!(broken_pass_verdict(Verdict::Tle, None), Verdict::Tle);
    }
}
