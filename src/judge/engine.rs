//! Judging one submission: compile once, run every test in one sandbox, check each output
//! outside the sandbox, and decide the verdict. The verdict rules are written down in README
//! ("Verdicts"); [`test_verdict`] is where they live in code.

use anyhow::{bail, Context};
use bollard::Docker;
use coderank_supervisor::protocol::{Limits, RunRequest, Termination, Workdir};
use serde::Serialize;

use super::{
    checker::default_validator::{validate, Outcome, ValidatorFlags},
    cpus::CpuSet,
    languages::Language,
    sandbox::{RunOutput, Sandbox, SandboxSpec},
    source::{Build, Source},
    verdict::Verdict,
};
use crate::problems::package::{ProblemPackage, TestCase, Validation, ValidatorKind, TESTLIB_MARKER};

/// Standard error kept per test and compiler output kept per compile.
const STDERR_BYTES: u64 = 16 * 1024;
const COMPILER_OUTPUT_BYTES: u64 = 64 * 1024;
/// Output kept of a sample test, for showing.
const SAMPLE_OUTPUT_BYTES: usize = 64 * 1024;
/// Lines of diff shown for a wrong answer on a sample test.
const DIFF_LINES: usize = 40;
/// Room in the container beyond the program's memory limit, for the supervisor.
const SUPERVISOR_MB: u64 = 64;

#[derive(Debug, Clone)]
pub struct JudgeOptions {
    /// Run every test even after one fails, for full detail.
    pub all_tests: bool,
    /// The supervisor binary handed to each sandbox.
    pub supervisor: Vec<u8>,
    /// Size of each test's scratch `/tmp`, in MiB.
    pub scratch_mb: u64,
    pub pids_limit: i64,
    /// The CPUs this judging (its sandbox and its checker's) is pinned to.
    pub cpuset: Option<CpuSet>,
}

impl JudgeOptions {
    pub fn new(supervisor: Vec<u8>) -> Self {
        Self {
            all_tests: false,
            supervisor,
            scratch_mb: 64,
            pids_limit: 128,
            cpuset: None,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct CompileReport {
    pub ok: bool,
    pub time_ms: u64,
    pub wall_ms: u64,
    pub memory_kb: u64,
    pub exit_code: Option<i32>,
    /// What the compiler printed (stdout then stderr), capped.
    pub output: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TestReport {
    pub name: String,
    pub sample: bool,
    pub verdict: Verdict,
    /// CPU time of every process of the run.
    pub time_ms: u64,
    pub wall_ms: u64,
    pub memory_kb: u64,
    pub exit_code: Option<i32>,
    pub signal: Option<i32>,
    /// What the checker said, e.g. where the output went wrong.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checker_message: Option<String>,
    /// For a wrong answer on a sample test: a line diff of expected and actual output.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
    /// The program's standard error, capped.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub stderr: String,
    /// On a sample test: what the program printed, capped at 64 KiB, so its author can compare.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub verdict: Verdict,
    pub language: String,
    pub time_limit_ms: u64,
    pub memory_limit_kb: u64,
    /// Largest CPU time and peak memory over the tests that ran.
    pub time_ms: u64,
    pub memory_kb: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compile: Option<CompileReport>,
    pub tests: Vec<TestReport>,
}

/// What the judge is doing, for progress displays.
#[derive(Debug, Clone)]
pub enum Progress<'a> {
    Compiling,
    Running {
        index: usize,
        total: usize,
        name: &'a str,
    },
    Finished(&'a TestReport),
}

/// The limits the package gives, in the units the supervisor takes.
#[derive(Debug, Clone, Copy)]
pub struct TestLimits {
    pub cpu_ms: u64,
    pub memory_mb: u64,
    pub output_bytes: u64,
}

impl TestLimits {
    pub fn of(package: &ProblemPackage) -> anyhow::Result<Self> {
        let Some(time_limit) = &package.time_limit else {
            bail!(
                "{} gives no time limit (limits.time_limit, .timelimit or domjudge-problem.ini)",
                package.root.display()
            );
        };
        Ok(Self {
            cpu_ms: (time_limit.seconds * 1000.0).ceil() as u64,
            memory_mb: package.limits.memory_mib,
            output_bytes: package.limits.output_mib.saturating_mul(1 << 20),
        })
    }

    /// Wall time allowed: twice the CPU limit plus a second, so that a program waiting on
    /// nothing (sleep, a blocked read) ends, while a busy machine does not turn AC into TLE.
    pub fn wall_ms(&self) -> u64 {
        self.cpu_ms * 2 + 1000
    }
}

pub async fn judge(
    docker: &Docker,
    package: &ProblemPackage,
    language: &Language,
    source: &Source,
    options: &JudgeOptions,
    mut progress: impl FnMut(Progress<'_>),
) -> anyhow::Result<Report> {
    let limits = TestLimits::of(package)?;
    let build = source.build(language)?;
    let mut checker = Checker::prepare(docker, package, options).await?;
    let compile_memory_mb = package.limits.compilation_memory_mib;
    let spec = SandboxSpec {
        image: language.image.clone(),
        memory_mb: compile_memory_mb.max(limits.memory_mb) + options.scratch_mb + SUPERVISOR_MB,
        scratch_mb: options.scratch_mb,
        work_mb: 256,
        pids_limit: options.pids_limit,
        cpuset: options.cpuset.clone(),
        purpose: "judge",
    };
    let mut sandbox = match Sandbox::start(docker, &spec, &options.supervisor).await {
        Ok(sandbox) => sandbox,
        Err(err) => {
            checker.remove().await;
            return Err(err);
        }
    };
    let outcome = judge_in(
        &mut sandbox,
        package,
        language,
        &build,
        limits,
        &mut checker,
        options,
        &mut progress,
    )
    .await;
    sandbox.remove().await;
    checker.remove().await;
    outcome
}

#[allow(clippy::too_many_arguments)]
async fn judge_in(
    sandbox: &mut Sandbox,
    package: &ProblemPackage,
    language: &Language,
    build: &Build<'_>,
    limits: TestLimits,
    checker: &mut Checker,
    options: &JudgeOptions,
    progress: &mut impl FnMut(Progress<'_>),
) -> anyhow::Result<Report> {
    let mut report = Report {
        verdict: Verdict::Ac,
        language: language.id.to_string(),
        time_limit_ms: limits.cpu_ms,
        memory_limit_kb: limits.memory_mb * 1024,
        time_ms: 0,
        memory_kb: 0,
        compile: None,
        tests: Vec::new(),
    };
    for (name, body) in &build.files {
        sandbox.write_file(name, body, false).await?;
    }
    if let Some(compile) = &build.compile {
        progress(Progress::Compiling);
        let run = request(compile, Workdir::Work, compile_limits(package), limits.memory_mb);
        let output = sandbox.run(run, b"", &[]).await?;
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
        report.compile = Some(CompileReport {
            ok,
            time_ms: result.cpu_ms,
            wall_ms: result.wall_ms,
            memory_kb: result.peak_kb,
            exit_code: result.exit_code,
            output: text,
        });
        if !ok {
            report.verdict = Verdict::Ce;
            return Ok(report);
        }
    }
    sandbox.seal().await?;
    // The compiler may have needed more memory than the tests get; from here on the cgroup's
    // OOM killer acts at the tests' own limit (plus scratch and the supervisor).
    sandbox
        .set_memory_mb(limits.memory_mb + options.scratch_mb + SUPERVISOR_MB)
        .await?;

    let run_limits = Limits {
        cpu_ms: limits.cpu_ms,
        wall_ms: limits.wall_ms(),
        memory_kb: limits.memory_mb * 1024,
        output_bytes: limits.output_bytes,
        stderr_bytes: STDERR_BYTES,
    };
    let total = package.test_cases.len();
    for (index, test) in package.test_cases.iter().enumerate() {
        progress(Progress::Running {
            index,
            total,
            name: &test.name,
        });
        let (input, answer) = read_test(test).await?;
        let run = request(&build.run, Workdir::Scratch, run_limits, limits.memory_mb);
        let output = sandbox.run(run, &input, &[]).await?;
        let test_report = check(test, &output, &input, &answer, checker).await?;
        progress(Progress::Finished(&test_report));
        report.time_ms = report.time_ms.max(test_report.time_ms);
        report.memory_kb = report.memory_kb.max(test_report.memory_kb);
        let failed = test_report.verdict != Verdict::Ac;
        if failed && report.verdict == Verdict::Ac {
            report.verdict = test_report.verdict;
        }
        report.tests.push(test_report);
        if failed && !options.all_tests {
            break;
        }
    }
    Ok(report)
}

/// The limits of a compile step, from the package's compilation limits; the wall time is twice
/// the CPU time plus a second, as for tests.
fn compile_limits(package: &ProblemPackage) -> Limits {
    Limits {
        cpu_ms: (package.limits.compilation_time_secs * 1000.0) as u64,
        wall_ms: (package.limits.compilation_time_secs * 2000.0) as u64 + 1000,
        memory_kb: package.limits.compilation_memory_mib * 1024,
        output_bytes: COMPILER_OUTPUT_BYTES,
        stderr_bytes: COMPILER_OUTPUT_BYTES,
    }
}

fn request(argv: &[String], workdir: Workdir, limits: Limits, memory_mb: u64) -> RunRequest {
    RunRequest {
        argv: argv.to_vec(),
        workdir,
        // JVM languages size their heap from this (see judge-images/jvm).
        env: vec![("CODERANK_MEMORY_MB".to_owned(), memory_mb.to_string())],
        stdin_len: 0,
        limits,
        files: Vec::new(),
        collect: Vec::new(),
    }
}

async fn read_test(test: &TestCase) -> anyhow::Result<(Vec<u8>, Vec<u8>)> {
    let input = tokio::fs::read(&test.input)
        .await
        .with_context(|| format!("cannot read {}", test.input.display()))?;
    let answer = tokio::fs::read(&test.answer)
        .await
        .with_context(|| format!("cannot read {}", test.answer.display()))?;
    Ok((input, answer))
}

/// The verdict of one run, before any checking of its output.
pub fn test_verdict(termination: Termination, exit_code: Option<i32>) -> Option<Verdict> {
    match termination {
        Termination::OutputLimit => Some(Verdict::Ole),
        Termination::WallLimit | Termination::CpuLimit => Some(Verdict::Tle),
        Termination::MemoryLimit => Some(Verdict::Mle),
        Termination::Signaled | Termination::SpawnFailed => Some(Verdict::Re),
        Termination::Exited if exit_code != Some(0) => Some(Verdict::Re),
        Termination::Exited => None,
    }
}

async fn check(
    test: &TestCase,
    output: &RunOutput,
    input: &[u8],
    answer: &[u8],
    checker: &mut Checker,
) -> anyhow::Result<TestReport> {
    let result = &output.result;
    let mut report = TestReport {
        name: test.name.clone(),
        sample: test.is_sample,
        verdict: Verdict::Ac,
        time_ms: result.cpu_ms,
        wall_ms: result.wall_ms,
        memory_kb: result.peak_kb,
        exit_code: result.exit_code,
        signal: result.signal,
        checker_message: result.message.clone(),
        diff: None,
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        output: test.is_sample.then(|| {
            let shown = &output.stdout[..output.stdout.len().min(SAMPLE_OUTPUT_BYTES)];
            String::from_utf8_lossy(shown).into_owned()
        }),
    };
    if let Some(verdict) = test_verdict(result.termination, result.exit_code) {
        report.verdict = verdict;
        return Ok(report);
    }
    let (verdict, message) = checker.check(input, answer, &output.stdout).await?;
    report.verdict = verdict;
    report.checker_message = message;
    if verdict == Verdict::Wa && test.is_sample {
        report.diff = Some(line_diff(answer, &output.stdout));
    }
    Ok(report)
}

/// Decides whether an output answers a test. Custom checkers run in a sandbox of their own,
/// compiled once per judging; the expected answer enters only that sandbox, never the
/// submission's.
pub enum Checker {
    Default(ValidatorFlags),
    Custom {
        sandbox: Box<Sandbox>,
        run: Vec<String>,
        kind: ValidatorKind,
    },
}

/// Limits of one custom checker run: checkers are the problem setter's code, given room.
const CHECKER_LIMITS: Limits = Limits {
    cpu_ms: 30_000,
    wall_ms: 60_000,
    memory_kb: 1024 * 1024,
    output_bytes: 64 * 1024,
    stderr_bytes: 64 * 1024,
};

impl Checker {
    pub async fn prepare(
        docker: &Docker,
        package: &ProblemPackage,
        options: &JudgeOptions,
    ) -> anyhow::Result<Self> {
        let validator = match &package.validation {
            Validation::Default => {
                let flags = ValidatorFlags::parse(&package.validator_flags)
                    .with_context(|| format!("{}: validator_flags", package.root.display()))?;
                return Ok(Self::Default(flags));
            }
            Validation::Custom(validator) => validator,
        };
        let table = super::languages::Languages::builtin()?;
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
        let spec = SandboxSpec {
            image: language.image.clone(),
            memory_mb: package.limits.compilation_memory_mib.max(1024) + options.scratch_mb + SUPERVISOR_MB,
            scratch_mb: options.scratch_mb.max(256),
            work_mb: 256,
            pids_limit: options.pids_limit,
            cpuset: options.cpuset.clone(),
            purpose: "checker",
        };
        let mut sandbox = Box::new(Sandbox::start(docker, &spec, &options.supervisor).await?);
        let compiled = compile_checker(&mut sandbox, package, language, main, &sources).await;
        if let Err(err) = compiled {
            sandbox.remove().await;
            return Err(err.context(format!(
                "the output validator {} cannot be used",
                validator.path.display()
            )));
        }
        Ok(Self::Custom {
            sandbox,
            run: language.run.clone(),
            kind: validator.kind,
        })
    }

    /// The verdict (AC, WA, or IE when the checker itself failed) and the checker's message.
    pub async fn check(
        &mut self,
        input: &[u8],
        answer: &[u8],
        output: &[u8],
    ) -> anyhow::Result<(Verdict, Option<String>)> {
        let (sandbox, run, kind) = match self {
            Self::Default(flags) => {
                return Ok(match validate(answer, output, flags) {
                    Outcome::Accepted => (Verdict::Ac, None),
                    Outcome::WrongAnswer { message } => (Verdict::Wa, Some(message)),
                });
            }
            Self::Custom { sandbox, run, kind } => (sandbox, run, *kind),
        };
        let mut argv = run.clone();
        let (stdin, files): (&[u8], Vec<(&str, &[u8])>) = match kind {
            // validator input judge_answer feedback_dir < team_output
            ValidatorKind::Kattis => {
                argv.extend(["input", "answer", "."].map(String::from));
                (output, vec![("input", input), ("answer", answer)])
            }
            // checker input output answer
            ValidatorKind::Testlib => {
                argv.extend(["input", "output", "answer"].map(String::from));
                (
                    b"",
                    vec![("input", input), ("output", output), ("answer", answer)],
                )
            }
        };
        let mut request = request(&argv, Workdir::Scratch, CHECKER_LIMITS, 1024);
        request.collect = vec!["judgemessage.txt".to_owned()];
        let ran = sandbox.run(request, stdin, &files).await?;
        let mut message = ran
            .collected
            .iter()
            .map(|(_, body)| String::from_utf8_lossy(body).trim().to_owned())
            .find(|text| !text.is_empty())
            .unwrap_or_else(|| String::from_utf8_lossy(&ran.stderr).trim().to_owned());
        let code = (ran.result.termination == Termination::Exited)
            .then_some(ran.result.exit_code)
            .flatten();
        let verdict = match (kind, code) {
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
        if let Self::Custom { sandbox, .. } = self {
            sandbox.remove().await;
        }
    }
}

async fn compile_checker(
    sandbox: &mut Sandbox,
    package: &ProblemPackage,
    language: &Language,
    main: &std::path::Path,
    sources: &[&std::path::PathBuf],
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
        sandbox.write_file(&name, &body, false).await?;
    }
    if let Some(compile) = &language.compile {
        let ran = sandbox
            .run(
                request(compile, Workdir::Work, compile_limits(package), 1024),
                b"",
                &[],
            )
            .await?;
        if ran.result.termination != Termination::Exited || ran.result.exit_code != Some(0) {
            bail!(
                "it does not compile: {}",
                String::from_utf8_lossy(&ran.stderr).trim()
            );
        }
    }
    sandbox.seal().await
}

/// A unified line diff of the expected and the actual output, cut to [`DIFF_LINES`] lines.
pub fn line_diff(expected: &[u8], actual: &[u8]) -> String {
    let (expected, actual) = (String::from_utf8_lossy(expected), String::from_utf8_lossy(actual));
    let diff = similar::TextDiff::from_lines(expected.as_ref(), actual.as_ref());
    let text = diff
        .unified_diff()
        .context_radius(2)
        .header("expected", "actual")
        .to_string();
    let mut lines: Vec<&str> = text.lines().take(DIFF_LINES + 1).collect();
    if lines.len() > DIFF_LINES {
        lines.truncate(DIFF_LINES);
        lines.push("…");
    }
    lines.join("\n")
}

fn describe(termination: Termination) -> &'static str {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_termination_maps_to_its_verdict() {
        assert_eq!(test_verdict(Termination::OutputLimit, None), Some(Verdict::Ole));
        assert_eq!(test_verdict(Termination::CpuLimit, None), Some(Verdict::Tle));
        assert_eq!(test_verdict(Termination::WallLimit, None), Some(Verdict::Tle));
        assert_eq!(test_verdict(Termination::MemoryLimit, None), Some(Verdict::Mle));
        assert_eq!(test_verdict(Termination::Signaled, None), Some(Verdict::Re));
        assert_eq!(test_verdict(Termination::Exited, Some(3)), Some(Verdict::Re));
        assert_eq!(test_verdict(Termination::Exited, Some(0)), None);
    }

    #[test]
    fn a_wrong_answer_diff_shows_the_mismatching_line() {
        let diff = line_diff(b"1\n2\n3\n", b"1\n5\n3\n");
        assert!(diff.contains("-2") && diff.contains("+5"), "{diff}");
    }
}
