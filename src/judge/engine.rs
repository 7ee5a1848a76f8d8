//! Judging one submission: compile once, run every test in one sandbox, check each output
//! outside the sandbox, and decide the verdict. The verdict rules are written down in README
//! ("Verdicts"); [`test_verdict`] is where they live in code.
//!
//! Every wait has a deadline: each exchange with a sandbox (see [`super::program`]), each check,
//! and the whole judging ([`budget`], from the limits and the number of tests), so that a
//! judging ends, with a verdict, whatever the program or the problem's validator does.

use std::time::Duration;

use anyhow::Context;
use bollard::Docker;
use coderank_supervisor::protocol::Workdir;
use tokio::time::Instant;

use super::{
    checker::{diff::line_diff_off_runtime, CheckOutcome, Checker},
    interactive,
    languages::Language,
    limits::{compile_limits, request},
    program::{Program, Ran, ANSWER_GRACE, START_TIME},
    redact::Redactor,
    sandbox::RunOutput,
    scoring::{self, CaseResult},
    sizing::{compile_limits_of, largest_input_mb, sandbox_spec},
    source::{Build, Source},
    verdict::{test_verdict, Verdict},
};
use crate::judge::package::{ProblemPackage, TestCase};

pub use super::{
    limits::{JudgeOptions, TestLimits},
    report::{CompileReport, Progress, Report, Side, TestReport, SAMPLE_OUTPUT_BYTES},
    sizing::budget,
};

/// A judging that took longer than its [`budget`]: recorded at once as an internal error,
/// never tried again (it would take as long again).
#[derive(Debug, thiserror::Error)]
#[error("the judging took longer than its budget of {} s", .0.as_secs())]
pub struct OverBudget(pub Duration);

pub async fn judge(
    docker: &Docker,
    package: &ProblemPackage,
    language: &Language,
    source: &Source,
    options: &JudgeOptions,
    mut progress: impl FnMut(Progress<'_>),
) -> anyhow::Result<Report> {
    let limits = TestLimits {
        stack_kb: options.stack_kb,
        ..TestLimits::of(package)?
    };
    let build = source.build(language)?;
    let budget = budget(package);
    let deadline = Instant::now() + budget;
    let checker_time = START_TIME + Duration::from_millis(compile_limits(package).wall_ms) + ANSWER_GRACE * 2;
    let largest_mb = largest_input_mb(package);
    // An interactive judging's two sandboxes share a volume for their FIFOs.
    let mut volume = match package.interactive {
        true => Some(interactive::PipeVolume::create(docker).await?),
        false => None,
    };
    let with_volume;
    let options = match &volume {
        Some(volume) => {
            with_volume = JudgeOptions {
                pipes_volume: Some(volume.name.clone()),
                ..options.clone()
            };
            &with_volume
        }
        None => options,
    };
    let prepared = tokio::time::timeout(
        checker_time,
        Checker::prepare(docker, package, options, largest_mb, checker_time),
    )
    .await
    .context("the output validator was not ready in time")
    .and_then(|prepared| prepared);
    let mut checker = match prepared {
        Ok(checker) => checker,
        Err(err) => {
            if let Some(volume) = volume.as_mut() {
                volume.remove().await;
            }
            return Err(err);
        }
    };
    let (spec, tests_memory_mb) = sandbox_spec(package, language, &limits, options);
    let mut program = Program::new(
        docker,
        spec,
        &options.supervisor,
        &build,
        compile_limits_of(package, language, &limits),
        limits.memory_mb,
        tests_memory_mb,
    );
    program.pool = options.pool.clone();
    program.runtime = options.runtime.clone();
    let redactor = Redactor::for_engine(docker).await;
    let judging = Judging {
        package,
        language,
        limits,
        options,
        redactor: &redactor,
    };
    let outcome = tokio::time::timeout_at(
        deadline,
        judging.run(&mut program, &build, &mut checker, &mut progress),
    )
    .await;
    let sandbox = program.sandbox.take();
    let (pool, spec) = (program.pool.take(), program.spec.clone());
    let teardown = async move {
        // The replacement starts first: it is ready sooner for the next judging.
        if let Some(pool) = pool {
            pool.top_up(&spec);
        }
        if let Some(mut sandbox) = sandbox {
            sandbox.remove().await;
        }
        checker.remove().await;
        if let Some(mut volume) = volume {
            volume.remove().await;
        }
    };
    match &options.teardown {
        Some(tracker) => drop(tracker.spawn(teardown)),
        None => teardown.await,
    }
    outcome.map_err(|_| OverBudget(budget))?
}

/// One judging's settings.
struct Judging<'a> {
    package: &'a ProblemPackage,
    language: &'a Language,
    limits: TestLimits,
    options: &'a JudgeOptions,
    redactor: &'a Redactor,
}

impl Judging<'_> {
    async fn run(
        &self,
        program: &mut Program<'_>,
        build: &Build<'_>,
        checker: &mut Checker,
        progress: &mut impl FnMut(Progress<'_>),
    ) -> anyhow::Result<Report> {
        let limits = self.limits;
        let mut report = Report {
            verdict: Verdict::Ac,
            language: self.language.id.to_string(),
            time_limit_ms: limits.cpu_ms,
            memory_limit_kb: limits.memory_mb * 1024,
            time_ms: 0,
            memory_kb: 0,
            compile: None,
            tests: Vec::new(),
            score: None,
        };
        if build.compile.is_some() {
            progress(Progress::Compiling);
        }
        if let Some(mut compiled) = program.compile().await? {
            compiled.output = self.redactor.redact(&compiled.output);
            let ok = compiled.ok;
            report.compile = Some(compiled);
            if !ok {
                report.verdict = Verdict::Ce;
                report.score = self
                    .package
                    .scoring
                    .as_ref()
                    .map(|scoring| scoring::aggregate(scoring, &[]).1);
                return Ok(report);
            }
        }
        let total = self.package.test_cases.len();
        let scoring = self.package.scoring.as_ref();
        // Per test case, what it gave (None: not judged), for scoring.
        let mut results: Vec<Option<CaseResult>> = vec![None; total];
        for (index, test) in self.package.test_cases.iter().enumerate() {
            if scoring.is_some_and(|scoring| {
                !self.options.all_tests && !scoring::should_run(scoring, index, &results)
            }) {
                continue;
            }
            progress(Progress::Running {
                index,
                total,
                name: &test.name,
            });
            let (input, answer) = read_test(test).await?;
            let run = request(
                &build.run,
                Workdir::Scratch,
                limits.run_limits(),
                limits.memory_mb,
            );
            let (test_report, score) = if self.package.interactive || self.package.multi_pass.is_some() {
                self.judge_passes(program, build, checker, test, index, &input, &answer)
                    .await?
            } else {
                match program.run_test(run, &input).await? {
                    Ran::Output(output) => self.check(test, *output, &input, &answer, checker).await?,
                    Ran::Broke { verdict, why } => (broken(test, verdict, why), None),
                }
            };
            progress(Progress::Finished(&test_report));
            report.time_ms = report.time_ms.max(test_report.time_ms);
            report.memory_kb = report.memory_kb.max(test_report.memory_kb);
            let failed = test_report.verdict != Verdict::Ac;
            if failed && report.verdict == Verdict::Ac {
                report.verdict = test_report.verdict;
            }
            results[index] = Some(CaseResult {
                verdict: test_report.verdict,
                score,
            });
            report.tests.push(test_report);
            // A scoring problem goes on: later groups still score.
            let stop = scoring.is_none() && !self.options.all_tests;
            if failed && (stop || test_report_is_ie(&report)) {
                break;
            }
        }
        if let Some(scoring) = scoring {
            let (verdict, score) = scoring::aggregate(scoring, &results);
            // An internal error stays one: the score of an unfinished judging means nothing.
            if report.verdict != Verdict::Ie {
                if let Some(verdict) = verdict {
                    report.verdict = verdict;
                }
            }
            report.score = Some(score);
        }
        Ok(report)
    }

    async fn check(
        &self,
        test: &TestCase,
        output: RunOutput,
        input: &[u8],
        answer: &[u8],
        checker: &mut Checker,
    ) -> anyhow::Result<(TestReport, Option<f64>)> {
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
            team_message: None,
            score: None,
            diff: None,
            stderr: self.redactor.redact(&String::from_utf8_lossy(&output.stderr)),
            output: test.is_sample.then(|| {
                let shown = &output.stdout[..output.stdout.len().min(SAMPLE_OUTPUT_BYTES)];
                self.redactor.redact(&String::from_utf8_lossy(shown))
            }),
            first_exited: None,
            passes: None,
        };
        if let Some(verdict) = test_verdict(result.termination, result.exit_code) {
            report.verdict = verdict;
            return Ok((report, None));
        }
        let carried = (input.len() + answer.len() + output.stdout.len()) as u64;
        let checked = tokio::time::timeout(
            checker.budget_per_test(carried),
            checker.check(input, answer, &output.stdout, &test.validator_args),
        )
        .await;
        let checked = match checked {
            Ok(checked) => checked?,
            Err(_) => CheckOutcome::internal_error("the output validator did not answer in time".to_owned()),
        };
        report.verdict = checked.verdict;
        report.checker_message = checked.judge_message;
        // Shown to the team: no host detail may reach it through the validator either.
        report.team_message = checked.team_message.map(|message| self.redactor.redact(&message));
        report.score = checked.score;
        let score = checked.score;
        if report.verdict == Verdict::Wa && test.is_sample {
            let diff = line_diff_off_runtime(answer.to_vec(), output.stdout).await;
            report.diff = Some(self.redactor.redact(&diff));
        }
        Ok((report, score))
    }
}

impl Judging<'_> {
    /// A test of an interactive or multi-pass problem (see [`interactive`]).
    #[allow(clippy::too_many_arguments)]
    async fn judge_passes(
        &self,
        program: &mut Program<'_>,
        build: &Build<'_>,
        checker: &mut Checker,
        test: &TestCase,
        index: usize,
        input: &[u8],
        answer: &[u8],
    ) -> anyhow::Result<(TestReport, Option<f64>)> {
        let Checker::Custom(validator) = checker else {
            anyhow::bail!("an interactive or multi-pass problem without its own validator");
        };
        let plan = interactive::Plan {
            argv: &build.run,
            limits: self.limits,
            interactive: self.package.interactive,
            passes: self.package.multi_pass,
            args: &test.validator_args,
        };
        let judged = interactive::judge_test(&plan, program, validator, index, input, answer).await?;
        let show_output = test.is_sample && !self.package.interactive;
        let report = judged.into_report(test, show_output, self.package.multi_pass.is_some(), |text| {
            self.redactor.redact(text)
        });
        Ok((report, None))
    }
}

/// An internal error stops the judging even with `--all-tests`: the judge cannot go on.
fn test_report_is_ie(report: &Report) -> bool {
    report
        .tests
        .last()
        .is_some_and(|test| test.verdict == Verdict::Ie)
}

/// The report of a test whose sandbox broke during the run.
fn broken(test: &TestCase, verdict: Verdict, why: String) -> TestReport {
    TestReport {
        name: test.name.clone(),
        sample: test.is_sample,
        verdict,
        time_ms: 0,
        wall_ms: 0,
        memory_kb: 0,
        exit_code: None,
        signal: None,
        checker_message: Some(why),
        team_message: None,
        score: None,
        diff: None,
        stderr: String::new(),
        output: None,
        first_exited: None,
        passes: None,
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

#[cfg(test)]
mod tests {
    use super::*;
    use coderank_supervisor::protocol::Termination;

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
}
