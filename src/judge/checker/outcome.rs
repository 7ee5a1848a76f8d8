//! What one run of a package's output validator means: the verdict its exit code gives under
//! its protocol, the messages it left for the judges and for the team, and the score it gave.
//! Pure, so that every mapping is tested without a sandbox; [`super::custom`] runs the
//! validator and hands what it left here. README ("Verdicts", custom validators) states the
//! same rules for problem setters.
//!
//! - Kattis protocol: exit 42 accepts, 43 rejects, anything else (another code, a signal, a
//!   limit) is the validator's failure, IE. `judgemessage.txt` is for the judges,
//!   `teammessage.txt` for the team, `score.txt` the test's score (read on an accept only, as
//!   problemtools does; content that is not one finite number is IE).
//! - testlib: exit 0 is OK (AC), 1 WA, 2 PE (a wrong answer, said so in the message), 3 FAIL
//!   (the checker found the jury's data or itself wrong: IE, never the team's fault), 7 points
//!   (`quitp`: an accepted test with the score testlib printed first in its message); any other
//!   code, a signal or a limit is IE. Its message (standard error) is for the judges.

use coderank_supervisor::protocol::Termination;

use super::CheckOutcome;
use crate::judge::{package::ValidatorKind, verdict::Verdict};

/// The file a Kattis validator writes its message for the judges to, in its feedback directory.
pub const JUDGE_MESSAGE: &str = "judgemessage.txt";
/// The file a Kattis validator writes its message for the team to.
pub const TEAM_MESSAGE: &str = "teammessage.txt";
/// The file a Kattis validator writes the test's score to.
pub const SCORE: &str = "score.txt";
/// Every feedback file collected after a validator run.
pub const FEEDBACK_FILES: [&str; 3] = [JUDGE_MESSAGE, TEAM_MESSAGE, SCORE];

/// testlib's exit codes (`testlib.h`, without the EJUDGE/CONTESTER/TESTSYS variants).
mod testlib {
    pub const OK: i32 = 0;
    pub const WA: i32 = 1;
    pub const PE: i32 = 2;
    pub const FAIL: i32 = 3;
    pub const POINTS: i32 = 7;
}

/// What a validator run left behind.
#[derive(Debug, Clone, Copy)]
pub struct ValidatorRun<'a> {
    pub kind: ValidatorKind,
    pub termination: Termination,
    pub exit_code: Option<i32>,
    pub stderr: &'a [u8],
    /// The feedback files it wrote, by name (see [`FEEDBACK_FILES`]).
    pub files: &'a [(String, Vec<u8>)],
}

impl ValidatorRun<'_> {
    /// The file's text, trimmed; `None` when missing or blank.
    fn text(&self, name: &str) -> Option<String> {
        self.files
            .iter()
            .find(|(file, _)| file == name)
            .map(|(_, body)| String::from_utf8_lossy(body).trim().to_owned())
            .filter(|text| !text.is_empty())
    }

    fn stderr_text(&self) -> Option<String> {
        Some(String::from_utf8_lossy(self.stderr).trim().to_owned()).filter(|text| !text.is_empty())
    }

    /// The exit code when the validator exited by itself.
    fn exited_with(&self) -> Option<i32> {
        (self.termination == Termination::Exited)
            .then_some(self.exit_code)
            .flatten()
    }

    /// The IE of a validator that ended in a way its protocol does not define.
    fn failed(&self, what: &str, message: Option<String>) -> CheckOutcome {
        let said = message.map(|text| format!(": {text}")).unwrap_or_default();
        CheckOutcome::internal_error(format!(
            "the output validator failed ({what}; {:?}, exit code {:?}){said}",
            self.termination, self.exit_code
        ))
    }
}

/// The outcome of one validator run.
pub fn outcome(run: &ValidatorRun<'_>) -> CheckOutcome {
    match run.kind {
        ValidatorKind::Kattis => kattis(run),
        ValidatorKind::Testlib => testlib(run),
    }
}

fn kattis(run: &ValidatorRun<'_>) -> CheckOutcome {
    let judge_message = run.text(JUDGE_MESSAGE).or_else(|| run.stderr_text());
    let team_message = run.text(TEAM_MESSAGE);
    let verdict = match run.exited_with() {
        Some(42) => Verdict::Ac,
        Some(43) => Verdict::Wa,
        _ => return run.failed("the Kattis protocol wants exit code 42 or 43", judge_message),
    };
    let score = match (verdict, run.text(SCORE)) {
        (Verdict::Ac, Some(text)) => match text.parse::<f64>() {
            Ok(score) if score.is_finite() => Some(score),
            _ => {
                let shown: String = text.chars().take(80).collect();
                return run.failed(&format!("{SCORE} holds {shown:?}, not a number"), judge_message);
            }
        },
        _ => None,
    };
    CheckOutcome {
        verdict,
        judge_message,
        team_message,
        score,
    }
}

fn testlib(run: &ValidatorRun<'_>) -> CheckOutcome {
    // testlib prints its verdict and message to standard error; a checker may still leave a
    // judgemessage.txt of its own.
    let message = run.text(JUDGE_MESSAGE).or_else(|| run.stderr_text());
    let judged = |verdict, judge_message| CheckOutcome {
        verdict,
        judge_message,
        team_message: None,
        score: None,
    };
    match run.exited_with() {
        Some(testlib::OK) => judged(Verdict::Ac, message),
        Some(testlib::WA) => judged(Verdict::Wa, message),
        Some(testlib::PE) => judged(
            Verdict::Wa,
            Some(format!("presentation error: {}", message.unwrap_or_default())),
        ),
        Some(testlib::FAIL) => run.failed("testlib FAIL: the checker's own failure", message),
        Some(testlib::POINTS) => match message.as_deref().and_then(points) {
            Some(score) => CheckOutcome {
                score: Some(score),
                ..judged(Verdict::Ac, message)
            },
            None => run.failed("testlib points without a points value", message),
        },
        _ => run.failed("not one of testlib's exit codes 0, 1, 2, 3 or 7", message),
    }
}

/// The points of a testlib `quitp` message: testlib prints `points 0.5 rest of message` (the
/// word `points ` from its result name, then the value, then the checker's message).
fn points(message: &str) -> Option<f64> {
    let rest = message.strip_prefix("points").unwrap_or(message);
    let value = rest.split_whitespace().next()?.parse::<f64>().ok()?;
    value.is_finite().then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run<'a>(
        kind: ValidatorKind,
        exit_code: i32,
        stderr: &'a [u8],
        files: &'a [(String, Vec<u8>)],
    ) -> ValidatorRun<'a> {
        ValidatorRun {
            kind,
            termination: Termination::Exited,
            exit_code: Some(exit_code),
            stderr,
            files,
        }
    }

    fn files(list: &[(&str, &str)]) -> Vec<(String, Vec<u8>)> {
        list.iter()
            .map(|(name, body)| (name.to_string(), body.as_bytes().to_vec()))
            .collect()
    }

    #[test]
    fn kattis_42_accepts_and_43_rejects_with_both_messages() {
        let left = files(&[(JUDGE_MESSAGE, " judges only \n"), (TEAM_MESSAGE, "for you\n")]);
        let accepted = outcome(&run(ValidatorKind::Kattis, 42, b"", &left));
        assert_eq!(accepted.verdict, Verdict::Ac);
        assert_eq!(accepted.judge_message.as_deref(), Some("judges only"));
        assert_eq!(accepted.team_message.as_deref(), Some("for you"));
        assert_eq!(accepted.score, None);
        let rejected = outcome(&run(ValidatorKind::Kattis, 43, b"", &left));
        assert_eq!(rejected.verdict, Verdict::Wa);
        assert_eq!(rejected.team_message.as_deref(), Some("for you"));
    }

    #[test]
    fn a_kattis_validator_without_judgemessage_is_heard_through_its_stderr() {
        let accepted = outcome(&run(ValidatorKind::Kattis, 43, b"line 3 differs\n", &[]));
        assert_eq!(accepted.judge_message.as_deref(), Some("line 3 differs"));
        assert_eq!(accepted.team_message, None);
    }

    #[test]
    fn any_other_kattis_ending_is_the_validators_failure() {
        for code in [0, 1, 2, 3, 7, 41, 44] {
            let failed = outcome(&run(ValidatorKind::Kattis, code, b"boom", &[]));
            assert_eq!(failed.verdict, Verdict::Ie, "exit code {code}");
            assert!(failed
                .judge_message
                .as_deref()
                .is_some_and(|m| m.contains("boom")));
            assert_eq!(failed.team_message, None);
        }
        for termination in [
            Termination::Signaled,
            Termination::CpuLimit,
            Termination::WallLimit,
            Termination::MemoryLimit,
        ] {
            let ended = ValidatorRun {
                termination,
                exit_code: None,
                ..run(ValidatorKind::Kattis, 0, b"", &[])
            };
            assert_eq!(outcome(&ended).verdict, Verdict::Ie, "{termination:?}");
        }
        // Exit 42 after a limit is no accept: the supervisor's termination decides.
        let killed = ValidatorRun {
            termination: Termination::WallLimit,
            ..run(ValidatorKind::Kattis, 42, b"", &[])
        };
        assert_eq!(outcome(&killed).verdict, Verdict::Ie);
    }

    #[test]
    fn a_kattis_score_is_read_on_accept_and_bad_content_is_ie() {
        let scored = files(&[(SCORE, " 12.5\n")]);
        assert_eq!(
            outcome(&run(ValidatorKind::Kattis, 42, b"", &scored)).score,
            Some(12.5)
        );
        assert_eq!(outcome(&run(ValidatorKind::Kattis, 43, b"", &scored)).score, None);
        for bad in ["twelve", "1 2", "NaN", "inf"] {
            let left = files(&[(SCORE, bad)]);
            let failed = outcome(&run(ValidatorKind::Kattis, 42, b"", &left));
            assert_eq!(failed.verdict, Verdict::Ie, "{bad}");
            assert!(failed.judge_message.as_deref().is_some_and(|m| m.contains(SCORE)));
        }
    }

    #[test]
    fn testlib_ok_wa_and_pe_judge_the_team() {
        assert_eq!(
            outcome(&run(ValidatorKind::Testlib, 0, b"ok 3 numbers", &[])).verdict,
            Verdict::Ac
        );
        let wrong = outcome(&run(ValidatorKind::Testlib, 1, b"wrong answer 2nd differs", &[]));
        assert_eq!(wrong.verdict, Verdict::Wa);
        assert_eq!(wrong.judge_message.as_deref(), Some("wrong answer 2nd differs"));
        let format = outcome(&run(
            ValidatorKind::Testlib,
            2,
            b"wrong output format Unexpected EOF",
            &[],
        ));
        assert_eq!(format.verdict, Verdict::Wa);
        assert_eq!(
            format.judge_message.as_deref(),
            Some("presentation error: wrong output format Unexpected EOF")
        );
        assert_eq!(format.team_message, None);
    }

    #[test]
    fn testlib_fail_is_the_checkers_own_failure() {
        let failed = outcome(&run(ValidatorKind::Testlib, 3, b"FAIL answer is wrong", &[]));
        assert_eq!(failed.verdict, Verdict::Ie);
        let message = failed.judge_message.unwrap_or_default();
        assert!(
            message.contains("FAIL answer is wrong") && message.contains("testlib FAIL"),
            "{message}"
        );
    }

    #[test]
    fn testlib_points_accept_with_the_score_from_the_message() {
        let scored = outcome(&run(
            ValidatorKind::Testlib,
            7,
            b"points 0.25 found 1 of 4\n",
            &[],
        ));
        assert_eq!(scored.verdict, Verdict::Ac);
        assert_eq!(scored.score, Some(0.25));
        assert_eq!(scored.judge_message.as_deref(), Some("points 0.25 found 1 of 4"));
        assert_eq!(
            outcome(&run(ValidatorKind::Testlib, 7, b"points 40", &[])).score,
            Some(40.0)
        );
        for bad in ["", "points", "points_info=abc", "points lots"] {
            let failed = outcome(&run(ValidatorKind::Testlib, 7, bad.as_bytes(), &[]));
            assert_eq!(failed.verdict, Verdict::Ie, "{bad:?}");
        }
    }

    #[test]
    fn other_testlib_endings_are_ie() {
        for code in [4, 5, 6, 8, 42, 43, 255] {
            assert_eq!(
                outcome(&run(ValidatorKind::Testlib, code, b"", &[])).verdict,
                Verdict::Ie,
                "{code}"
            );
        }
        let crashed = ValidatorRun {
            termination: Termination::Signaled,
            exit_code: None,
            ..run(ValidatorKind::Testlib, 0, b"", &[])
        };
        assert_eq!(outcome(&crashed).verdict, Verdict::Ie);
        let slow = ValidatorRun {
            termination: Termination::CpuLimit,
            ..run(ValidatorKind::Testlib, 0, b"", &[])
        };
        assert_eq!(outcome(&slow).verdict, Verdict::Ie);
    }
}
