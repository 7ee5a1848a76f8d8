//! A package's own output validator, compiled once per judging in a sandbox of its own (the
//! expected answer enters only that sandbox, never the submission's), and run per test with the
//! Kattis protocol (`validator input judge_answer feedback_dir < team_output`, exit 42 or 43,
//! `judgemessage.txt`) or testlib's (`checker input output answer`, exit 0, 1 or 2).
//!
//! The validator is the problem setter's code, trusted to be right but not to behave: every run
//! has a deadline, and a validator that crashes, runs out of time, answers anything else, or
//! leaves `judgemessage.txt` as something other than a file (a FIFO would block whoever reads
//! it) is an internal error for that test, never the team's fault.

use std::time::Duration;

use anyhow::{bail, Context};
use bollard::Docker;
use coderank_supervisor::protocol::{Limits, Termination, Workdir};

use super::super::{
    languages::{Language, Languages},
    limits::{compile_limits, request, transfer_time, JudgeOptions, SUPERVISOR_MB},
    sandbox::{Sandbox, SandboxError, SandboxSpec},
    seccomp,
    verdict::Verdict,
};
use crate::judge::package::{OutputValidator, ProblemPackage, ValidatorKind, TESTLIB_MARKER};

/// Limits of one validator run: the problem setter's code, given room.
pub const CHECKER_LIMITS: Limits = Limits {
    cpu_ms: 30_000,
    wall_ms: 60_000,
    memory_kb: 1024 * 1024,
    output_bytes: 64 * 1024,
    stderr_bytes: 64 * 1024,
};

/// The file a Kattis validator writes its message to, in its feedback directory.
pub const JUDGE_MESSAGE: &str = "judgemessage.txt";

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
        let mut sandbox = Sandbox::start(docker, &spec, &options.supervisor).await?;
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

    /// The verdict (AC, WA, or IE when the validator itself failed) and its message.
    pub async fn check(
        &mut self,
        input: &[u8],
        answer: &[u8],
        output: &[u8],
    ) -> anyhow::Result<(Verdict, Option<String>)> {
        let mut argv = self.run.clone();
        let (stdin, files): (&[u8], Vec<(&str, &[u8])>) = match self.kind {
            ValidatorKind::Kattis => {
                argv.extend(["input", "answer", "."].map(String::from));
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
        run.collect = vec![JUDGE_MESSAGE.to_owned()];
        let carried = (input.len() + answer.len() + output.len()) as u64;
        let ran = match self.sandbox.run(run, stdin, &files, run_deadline(carried)).await {
            Ok(ran) => ran,
            Err(SandboxError::Other(err)) => return Err(err),
            // The validator's sandbox gave out: the validator's fault, this test's IE.
            Err(err) => return Ok((Verdict::Ie, Some(format!("the output validator failed: {err}")))),
        };
        if ran.result.refused.iter().any(|name| name == JUDGE_MESSAGE) {
            return Ok((
                Verdict::Ie,
                Some(format!(
                    "the output validator left {JUDGE_MESSAGE} as something other than a file"
                )),
            ));
        }
        let mut message = ran
            .collected
            .iter()
            .map(|(_, body)| String::from_utf8_lossy(body).trim().to_owned())
            .find(|text| !text.is_empty())
            .unwrap_or_else(|| String::from_utf8_lossy(&ran.stderr).trim().to_owned());
        let code = (ran.result.termination == Termination::Exited)
            .then_some(ran.result.exit_code)
            .flatten();
        let verdict = match (self.kind, code) {
            (ValidatorKind::Kattis, Some(42)) | (ValidatorKind::Testlib, Some(0)) => Verdict::Ac,
            (ValidatorKind::Kattis, Some(43)) | (ValidatorKind::Testlib, Some(1)) => Verdict::Wa,
            (ValidatorKind::Testlib, Some(2)) => {
                message = format!("presentation error: {message}");
                Verdict::Wa
            }
            _ => {
                message = format!(
                    "the checker failed ({:?}, exit code {:?}): {message}",
                    ran.result.termination, ran.result.exit_code
                );
                Verdict::Ie
            }
        };
        Ok((verdict, (!message.is_empty()).then_some(message)))
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
