//! Checkers decide whether a program's output answers a test. The default validator runs in
//! the worker, off the async runtime (outputs may be megabytes); a package's own validator runs
//! in a sandbox of its own ([`custom`]). Either way the expected answers never enter the
//! submission's container.

pub mod custom;
pub mod default_validator;
pub mod diff;

use std::time::Duration;

use bollard::Docker;

use super::{limits::JudgeOptions, verdict::Verdict};
use crate::judge::package::{ProblemPackage, Validation};
use custom::CustomChecker;
use default_validator::{validate, Outcome, ValidatorFlags};

/// Decides whether an output answers a test.
pub enum Checker {
    Default(ValidatorFlags),
    Custom(Box<CustomChecker>),
}

/// A checker's judgement of one output.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    /// AC, WA, or IE when a custom checker failed.
    pub verdict: Verdict,
    /// What the checker said.
    pub message: Option<String>,
    /// The validator's `score.txt`, for scoring problems.
    pub score: Option<f64>,
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
                let flags = ValidatorFlags::parse(&package.validator_flags)
                    .map_err(|err| anyhow::anyhow!("{}: validator_flags: {err}", package.root.display()))?;
                Ok(Self::Default(flags))
            }
            Validation::Custom(validator) => Ok(Self::Custom(Box::new(
                CustomChecker::prepare(docker, package, validator, options, largest_test_mb, deadline)
                    .await?,
            ))),
        }
    }

    /// Judges `output`; `args` are the test case's validator arguments (for the default
    /// validator, its flags; they were checked to parse when the package was read).
    pub async fn check(
        &mut self,
        input: &[u8],
        answer: &[u8],
        output: &[u8],
        args: &[String],
    ) -> anyhow::Result<Checked> {
        match self {
            Self::Default(flags) => {
                let flags = if args.is_empty() {
                    *flags
                } else {
                    ValidatorFlags::parse(&args.join(" "))
                        .map_err(|err| anyhow::anyhow!("validator arguments {args:?}: {err}"))?
                };
                let (answer, output) = (answer.to_vec(), output.to_vec());
                let outcome = tokio::task::spawn_blocking(move || validate(&answer, &output, &flags)).await?;
                let (verdict, message) = match outcome {
                    Outcome::Accepted => (Verdict::Ac, None),
                    Outcome::WrongAnswer { message } => (Verdict::Wa, Some(message)),
                };
                Ok(Checked {
                    verdict,
                    message,
                    score: None,
                })
            }
            Self::Custom(checker) => checker.check(input, answer, output, args).await,
        }
    }

    /// How long one check may take at most (for the judging's budget).
    pub fn budget_per_test(&self, carried_bytes: u64) -> Duration {
        match self {
            Self::Default(_) => Duration::from_secs(5),
            Self::Custom(_) => custom::run_deadline(carried_bytes),
        }
    }

    pub async fn remove(&mut self) {
        if let Self::Custom(checker) = self {
            checker.remove().await;
        }
    }
}
