//! Checkers decide whether a program's output answers a test. The default validator runs in
//! the worker, off the async runtime (outputs may be megabytes); a package's own validator runs
//! in a sandbox of its own ([`custom`]). Either way the expected answers never enter the
//! submission's container.
//!
//! A check is given the test's validator arguments: the package's `validator_flags` (split as
//! a shell would), later each test group's own. The default validator reads them as its flags;
//! a Kattis validator gets them after `input answer feedback_dir`; a testlib checker takes no
//! arguments beyond its three files, so it never gets them.

pub mod custom;
pub mod default_validator;
pub mod diff;
pub mod outcome;

use std::time::Duration;

use bollard::Docker;

use super::{limits::JudgeOptions, verdict::Verdict};
use crate::judge::package::{ProblemPackage, Validation};
use custom::CustomChecker;
use default_validator::{validate, Outcome, ValidatorFlags};

/// Decides whether an output answers a test.
pub enum Checker {
    Default,
    Custom(Box<CustomChecker>),
}

/// What a check decided about one test's output.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckOutcome {
    /// AC or WA; IE when a custom validator failed (never the team's fault).
    pub verdict: Verdict,
    /// For the judges only: where the output went wrong (the default validator), a
    /// validator's `judgemessage.txt` or testlib's message, or why the validator failed.
    pub judge_message: Option<String>,
    /// For the team too: a Kattis validator's `teammessage.txt`.
    pub team_message: Option<String>,
    /// The test's score: a Kattis validator's `score.txt`, or testlib's `quitp` points.
    pub score: Option<f64>,
}

impl CheckOutcome {
    /// A check that could not judge the output: an internal error, with why for the judges.
    pub fn internal_error(why: String) -> Self {
        Self {
            verdict: Verdict::Ie,
            judge_message: Some(why),
            team_message: None,
            score: None,
        }
    }
}

impl Checker {
    /// The package's checker, a custom one compiled within `deadline`.
    pub async fn prepare(
        docker: &Docker,
        package: &ProblemPackage,
        options: &JudgeOptions,
        largest_test_mb: u64,
        deadline: Duration,
    ) -> anyhow::Result<Self> {
        match &package.validation {
            Validation::Default => {
                ValidatorFlags::parse(&package.validator_flags)
                    .map_err(|err| anyhow::anyhow!("{}: validator_flags: {err}", package.root.display()))?;
                Ok(Self::Default)
            }
            Validation::Custom(validator) => Ok(Self::Custom(Box::new(
                CustomChecker::prepare(docker, package, validator, options, largest_test_mb, deadline)
                    .await?,
            ))),
        }
    }

    /// Checks `output` against the test's `answer`, with the test's validator arguments `args`
    /// (see the module's documentation for who gets them).
    pub async fn check(
        &mut self,
        input: &[u8],
        answer: &[u8],
        output: &[u8],
        args: &[String],
    ) -> anyhow::Result<CheckOutcome> {
        match self {
            Self::Default => {
                let flags = ValidatorFlags::parse(&args.join(" "))
                    .map_err(|err| anyhow::anyhow!("the default validator's arguments {args:?}: {err}"))?;
                let (answer, output) = (answer.to_vec(), output.to_vec());
                let outcome = tokio::task::spawn_blocking(move || validate(&answer, &output, &flags)).await?;
                Ok(match outcome {
                    Outcome::Accepted => CheckOutcome {
                        verdict: Verdict::Ac,
                        judge_message: None,
                        team_message: None,
                        score: None,
                    },
                    Outcome::WrongAnswer { message } => CheckOutcome {
                        verdict: Verdict::Wa,
                        judge_message: Some(message),
                        team_message: None,
                        score: None,
                    },
                })
            }
            Self::Custom(checker) => checker.check(input, answer, output, args).await,
        }
    }

    /// How long one check may take at most (for the judging's budget).
    pub fn budget_per_test(&self, carried_bytes: u64) -> Duration {
        match self {
            Self::Default => Duration::from_secs(5),
            Self::Custom(_) => custom::run_deadline(carried_bytes),
        }
    }

    pub async fn remove(&mut self) {
        if let Self::Custom(checker) = self {
            checker.remove().await;
        }
    }
}
