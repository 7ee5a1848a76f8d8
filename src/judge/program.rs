//! The submission's sandbox over one judging: started and compiled once, then used for every
//! test; given up when it breaks (it misses a deadline, its supervisor ends, or the supervisor
//! cannot clean up after the last program), in which case the test it broke on gets a verdict
//! and the next test runs in a fresh sandbox, compiled again. A judging starts at most
//! [`MAX_SANDBOXES`] sandboxes, so a program that breaks every one cannot make it loop.
//!
//! With a warm pool, a sandbox is taken from it when it has one ready; a pooled sandbox that
//! turns out dead (its first exchange fails) is removed and a fresh one started in its place,
//! once, without counting against the judging.

use std::time::Duration;

use anyhow::{bail, Context};
use bollard::Docker;
use coderank_supervisor::protocol::{Limits, RunRequest, Termination, Workdir};

use super::{
    limits::{request, transfer_time},
    report::CompileReport,
    sandbox::{RunOutput, Sandbox, SandboxError, SandboxSpec, WarmPool},
    source::Build,
    verdict::Verdict,
};

/// Sandboxes a judging may start: the first, and three replacements.
pub const MAX_SANDBOXES: u32 = 4;
/// Time for a sandbox to start (create, start, hand the supervisor over, hello).
pub const START_TIME: Duration = Duration::from_secs(60);
/// Time beyond a run's own wall limit for its request and answer to cross, besides carrying
/// its input and output.
pub const ANSWER_GRACE: Duration = Duration::from_secs(5);
/// Time for writing the sources, or sealing `/work`.
const FILES_TIME: Duration = Duration::from_secs(30);

/// What a test run came to.
pub enum Ran {
    /// The supervisor answered with the run's result.
    Output(Box<RunOutput>),
    /// The sandbox broke during the run: the test's verdict, and why.
    Broke { verdict: Verdict, why: String },
}

/// How the submission is built and run, and the sandbox it lives in.
pub struct Program<'a> {
    pub docker: &'a Docker,
    pub spec: SandboxSpec,
    pub supervisor: &'a [u8],
    pub build: &'a Build<'a>,
    pub compile_limits: Limits,
    /// The memory the program may use, in MiB (for runtimes that size themselves).
    pub memory_mb: u64,
    /// The container's memory once compiling is done.
    pub tests_memory_mb: u64,
    pub sandbox: Option<Sandbox>,
    /// Where sandboxes come from when it has them ready (`None`: always started fresh).
    pub pool: Option<WarmPool>,
    /// The OCI runtime of freshly started sandboxes (`None`: the engine's default).
    pub runtime: Option<String>,
    started: u32,
}

impl<'a> Program<'a> {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        docker: &'a Docker,
        spec: SandboxSpec,
        supervisor: &'a [u8],
        build: &'a Build<'a>,
        compile_limits: Limits,
        memory_mb: u64,
        tests_memory_mb: u64,
    ) -> Self {
        Self {
            docker,
            spec,
            supervisor,
            build,
            compile_limits,
            memory_mb,
            tests_memory_mb,
            sandbox: None,
            pool: None,
            runtime: None,
            started: 0,
        }
    }

    /// Starts the first sandbox and compiles: the compile step's report (`None` for languages
    /// that have none). When it reports failure, no test may run.
    pub async fn compile(&mut self) -> anyhow::Result<Option<CompileReport>> {
        let report = self.start().await?;
        if report.as_ref().is_none_or(|report| report.ok) {
            self.ready_for_tests().await?;
        }
        Ok(report)
    }

    /// Runs one test; a broken sandbox is given up and the test gets a verdict. A sandbox that
    /// refuses before running (it could not clean up after the last test) is replaced and the
    /// test runs in the new one.
    pub async fn run_test(&mut self, run: RunRequest, input: &[u8]) -> anyhow::Result<Ran> {
        let carried = input.len() as u64 + run.limits.output_bytes + run.limits.stderr_bytes;
        let deadline = Duration::from_millis(run.limits.wall_ms) + transfer_time(carried) + ANSWER_GRACE;
        // An interactive run is not run again: its validator, in the other sandbox, has had
        // its one run.
        let attempts = if run.pipes.is_some() { 1 } else { 2 };
        for attempt in 0..attempts {
            if self.sandbox.is_none() {
                self.replace().await?;
            }
            let Some(sandbox) = self.sandbox.as_mut() else {
                bail!("no sandbox");
            };
            let failure = match sandbox.run(run.clone(), input, &[], deadline).await {
                Ok(output) => return Ok(Ran::Output(Box::new(output))),
                Err(SandboxError::Other(err)) => return Err(err),
                Err(failure) => failure,
            };
            let oom = matches!(failure, SandboxError::Ended(_)) && sandbox.oom_killed().await;
            self.discard().await;
            let verdict = match failure {
                SandboxError::Refused(why) if attempt + 1 < attempts => {
                    tracing::warn!(why, "the sandbox could not go on; the test runs in a fresh one");
                    continue;
                }
                SandboxError::TimedOut(_) => Verdict::Tle,
                SandboxError::Ended(_) if oom => Verdict::Mle,
                _ => Verdict::Ie,
            };
            return Ok(Ran::Broke {
                verdict,
                why: failure.to_string(),
            });
        }
        bail!("two fresh sandboxes in a row refused to run the program")
    }

    /// Removes the sandbox, if any.
    pub async fn discard(&mut self) {
        if let Some(mut sandbox) = self.sandbox.take() {
            sandbox.remove().await;
        }
    }

    /// A fresh sandbox with the program compiled again, for the tests after a broken one.
    async fn replace(&mut self) -> anyhow::Result<()> {
        let compiled = self.start().await?;
        if let Some(report) = compiled.filter(|report| !report.ok) {
            bail!(
                "the program compiled once but not again in a fresh sandbox: {}",
                report.output
            );
        }
        self.ready_for_tests().await
    }

    /// A new sandbox with the sources written and compiled.
    async fn start(&mut self) -> anyhow::Result<Option<CompileReport>> {
        self.discard().await;
        if self.started >= MAX_SANDBOXES {
            bail!("the program broke {MAX_SANDBOXES} sandboxes");
        }
        self.started += 1;
        if let Some(warm) = self.pool.as_ref().and_then(|pool| pool.take(&self.spec)) {
            let sandbox = self.sandbox.insert(warm);
            match write_sources(sandbox, self.build).await {
                Ok(()) => return self.compile_here().await,
                Err(err) => {
                    tracing::warn!(error = %err, container = sandbox.id(), "a pool sandbox was broken; starting a fresh one");
                    self.discard().await;
                }
            }
        }
        let starting = Sandbox::start_on(self.docker, &self.spec, self.supervisor, self.runtime.as_deref());
        let sandbox = tokio::time::timeout(START_TIME, starting)
            .await
            .with_context(|| format!("the sandbox did not start within {} s", START_TIME.as_secs()))??;
        write_sources(self.sandbox.insert(sandbox), self.build).await?;
        self.compile_here().await
    }

    /// Compiles in the sandbox, whose sources are written.
    async fn compile_here(&mut self) -> anyhow::Result<Option<CompileReport>> {
        let Some(sandbox) = self.sandbox.as_mut() else {
            bail!("no sandbox");
        };
        let Some(compile) = &self.build.compile else {
            return Ok(None);
        };
        let limits = self.compile_limits;
        let deadline = Duration::from_millis(limits.wall_ms) + ANSWER_GRACE * 2;
        let run = request(compile, Workdir::Work, limits, self.memory_mb);
        let output = match sandbox.run(run, b"", &[], deadline).await {
            Ok(output) => output,
            Err(SandboxError::TimedOut(_)) => {
                return Ok(Some(failed_compile("compilation did not finish in time")));
            }
            Err(err) => return Err(err.into()),
        };
        let result = &output.result;
        let ok = result.termination == Termination::Exited && result.exit_code == Some(0);
        let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
        text.push_str(&String::from_utf8_lossy(&output.stderr));
        if !ok && result.termination != Termination::Exited {
            text.push_str(&format!(
                "\n[compilation ended: {}]",
                describe(result.termination)
            ));
        }
        Ok(Some(CompileReport {
            ok,
            time_ms: result.cpu_ms,
            wall_ms: result.wall_ms,
            memory_kb: result.peak_kb,
            exit_code: result.exit_code,
            output: text,
        }))
    }

    /// Seals `/work` and lowers the container's memory from the compiler's to the tests'.
    async fn ready_for_tests(&mut self) -> anyhow::Result<()> {
        let Some(sandbox) = self.sandbox.as_mut() else {
            bail!("no sandbox");
        };
        // The seal goes over the attach stream and the memory through the engine's API (a
        // container made at the tests' size, as for a syntax check, keeps it): side by side,
        // both done before the first test.
        let (docker, id) = (sandbox.docker().clone(), sandbox.id().to_owned());
        let lower = self.spec.memory_mb != self.tests_memory_mb;
        let (sealed, lowered) = tokio::join!(sandbox.seal(FILES_TIME), async {
            match lower {
                true => super::sandbox::set_memory_mb(&docker, &id, self.tests_memory_mb).await,
                false => Ok(()),
            }
        });
        sealed?;
        lowered
    }
}

/// Writes the submission's files into `/work`.
async fn write_sources(sandbox: &mut Sandbox, build: &Build<'_>) -> Result<(), SandboxError> {
    for (name, body) in &build.files {
        sandbox.write_file(name, body, false, FILES_TIME).await?;
    }
    Ok(())
}

fn failed_compile(why: &str) -> CompileReport {
    CompileReport {
        ok: false,
        time_ms: 0,
        wall_ms: 0,
        memory_kb: 0,
        exit_code: None,
        output: format!("[{why}]"),
    }
}

pub fn describe(termination: Termination) -> &'static str {
    match termination {
        Termination::Exited => "exited",
        Termination::Signaled => "killed by a signal",
        Termination::CpuLimit => "CPU time limit",
        Termination::WallLimit => "wall time limit",
        Termination::MemoryLimit => "memory limit",
        Termination::OutputLimit => "output limit",
        Termination::SpawnFailed => "could not start",
    }
}
