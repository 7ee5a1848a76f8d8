//! A package's own output validator, compiled once per judging in a sandbox of its own (the
//! expected answer enters only that sandbox, never the submission's), and run per test with the
//! Kattis protocol (`validator input judge_answer feedback_dir [args...] < team_output`, exit 42
//! or 43, `judgemessage.txt`, `teammessage.txt`, `score.txt`) or testlib's (`checker input
//! output answer`, no further arguments; exit codes as [`super::outcome`] reads them).
//!
//! The validator is the problem setter's code, trusted to be right but not to behave: every run
//! has a deadline, and a validator that crashes, runs out of time, answers anything else, or
//! leaves a feedback file as something other than a file (a FIFO would block whoever reads it)
//! is an internal error for that test, never the team's fault. Feedback files are read capped
//! at the supervisor's `COLLECT_BYTES`.
//!
//! testlib checkers compile against the package's own `testlib.h` when it ships one (it is
//! copied beside the checker, and `#include "testlib.h"` looks there first), else against the
//! one in the C/C++ judge image (`/usr/local/include/testlib.h`, see judge-images/c-cpp).

use std::time::Duration;

use anyhow::{bail, Context};
use bollard::Docker;
use coderank_supervisor::protocol::{Limits, Termination, Workdir};

use super::super::{
    languages::{Language, Languages},
    limits::{compile_limits, request, transfer_time, JudgeOptions, SUPERVISOR_MB},
    sandbox::{Sandbox, SandboxError, SandboxSpec},
    seccomp,
};
use super::{
    outcome::{outcome, ValidatorRun, FEEDBACK_FILES},
    CheckOutcome,
};
use crate::judge::package::{OutputValidator, ProblemPackage, ValidatorKind, TESTLIB_MARKER};

/// Limits of one validator run: the problem setter's code, given room.
pub const CHECKER_LIMITS: Limits = Limits {
    cpu_ms: 30_000,
    wall_ms: 60_000,
    memory_kb: 1024 * 1024,
    output_bytes: 64 * 1024,
    stderr_bytes: 64 * 1024,
    stack_kb: None,
};

/// A compiled validator in its sandbox.
pub struct CustomChecker {
    sandbox: Sandbox,
    run: Vec<String>,
    kind: ValidatorKind,
}

impl CustomChecker {
    /// Compiles the package's validator in a fresh sandbox, within `deadline`.
    pub async fn prepare(
        docker: &Docker,
        package: &ProblemPackage,
        validator: &OutputValidator,
        options: &JudgeOptions,
        largest_test_mb: u64,
        deadline: Duration,
    ) -> anyhow::Result<Self> {
        let table = Languages::table();
        let sources: Vec<&std::path::PathBuf> = validator
            .sources
            .iter()
            .filter(|path| path.file_name().is_none_or(|name| name != TESTLIB_MARKER))
            .collect();
        let (main, language) = sources
            .iter()
            .find_map(|path| table.for_path(path).ok().map(|language| (*path, language)))
            .with_context(|| {
                format!(
                    "{}: no checker source in a known language",
                    validator.path.display()
                )
            })?;
        let memory_mb = package.limits.compilation_memory_mib.max(1024);
        let spec = SandboxSpec {
            image: language.image.clone(),
            // Its input, answer and the team's output sit in its scratch directory.
            memory_mb: memory_mb + 256 + 64 + SUPERVISOR_MB + 3 * (largest_test_mb + 1),
            tmp_mb: 256 + 3 * (largest_test_mb + 1),
            shm_mb: 64,
            work_mb: 256,
            pids_limit: options.pids_limit,
            cpuset: options.cpuset.clone(),
            purpose: "checker",
            seccomp: seccomp::for_language(language),
            pipes_volume: options.pipes_volume.clone(),
        };
        let mut sandbox =
            Sandbox::start_on(docker, &spec, &options.supervisor, options.runtime.as_deref()).await?;
        let compiled = compile(&mut sandbox, package, language, main, &sources, deadline).await;
        if let Err(err) = compiled {
            sandbox.remove().await;
            return Err(err.context(format!(
                "the output validator {} cannot be used",
                validator.path.display()
            )));
        }
        Ok(Self {
            sandbox,
            run: language.run.clone(),
            kind: validator.kind,
        })
    }

    /// Runs the validator on one test's output, with the test's validator arguments `args`
    /// (a Kattis validator's only; testlib checkers take none).
    pub async fn check(
        &mut self,
        input: &[u8],
        answer: &[u8],
        output: &[u8],
        args: &[String],
    ) -> anyhow::Result<CheckOutcome> {
        let mut argv = self.run.clone();
        let (stdin, files): (&[u8], Vec<(&str, &[u8])>) = match self.kind {
            ValidatorKind::Kattis => {
                argv.extend(["input", "answer", "./"].map(String::from));
                argv.extend(args.iter().cloned());
                (output, vec![("input", input), ("answer", answer)])
            }
            ValidatorKind::Testlib => {
                argv.extend(["input", "output", "answer"].map(String::from));
                (
                    b"",
                    vec![("input", input), ("output", output), ("answer", answer)],
                )
            }
        };
        let mut run = request(&argv, Workdir::Scratch, CHECKER_LIMITS, 1024);
        run.collect = FEEDBACK_FILES.map(String::from).to_vec();
        let carried = (input.len() + answer.len() + output.len()) as u64;
        let ran = match self.sandbox.run(run, stdin, &files, run_deadline(carried)).await {
            Ok(ran) => ran,
            Err(SandboxError::Other(err)) => return Err(err),
            // The validator's sandbox gave out: the validator's fault, this test's IE.
            Err(err) => {
                return Ok(CheckOutcome::internal_error(format!(
                    "the output validator failed: {err}"
                )))
            }
        };
        if let Some(refused) = ran.result.refused.first() {
            return Ok(CheckOutcome::internal_error(format!(
                "the output validator left {refused} as something other than a file"
            )));
        }
        Ok(outcome(&ValidatorRun {
            kind: self.kind,
            termination: ran.result.termination,
            exit_code: ran.result.exit_code,
            stderr: &ran.stderr,
            files: &ran.collected,
        }))
    }

    pub async fn remove(&mut self) {
        self.sandbox.remove().await;
    }

    /// The validator's sandbox and its run command, for the interactive and multi-pass
    /// judgings, which make their own requests (see `judge::interactive`).
    pub fn parts(&mut self) -> (&mut Sandbox, &[String], ValidatorKind) {
        (&mut self.sandbox, &self.run, self.kind)
    }
}

/// How long one validator run may take to answer: its wall limit, plus carrying its files.
pub fn run_deadline(carried_bytes: u64) -> Duration {
    Duration::from_millis(CHECKER_LIMITS.wall_ms) + transfer_time(carried_bytes) + Duration::from_secs(5)
}

async fn compile(
    sandbox: &mut Sandbox,
    package: &ProblemPackage,
    language: &Language,
    main: &std::path::Path,
    sources: &[&std::path::PathBuf],
    deadline: Duration,
) -> anyhow::Result<()> {
    for source in sources {
        let body = tokio::fs::read(source)
            .await
            .with_context(|| format!("cannot read {}", source.display()))?;
        let name = if source.as_path() == main {
            language.source_file.clone()
        } else {
            source
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .context("a source without a name")?
        };
        sandbox.write_file(&name, &body, false, deadline).await?;
    }
    if let Some(compile) = &language.compile {
        let limits = compile_limits(package);
        let ran = sandbox
            .run(
                request(compile, Workdir::Work, limits, 1024),
                b"",
                &[],
                Duration::from_millis(limits.wall_ms) + Duration::from_secs(10),
            )
            .await?;
        if ran.result.termination != Termination::Exited || ran.result.exit_code != Some(0) {
            bail!(
                "it does not compile: {}",
                String::from_utf8_lossy(&ran.stderr).trim()
            );
        }
    }
    sandbox.seal(deadline).await?;
    Ok(())
}
