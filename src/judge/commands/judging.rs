//! `coderank judge` (one submission against a problem folder, with Docker alone) and `coderank
//! problem verify` (every reference submission of a package gets the verdict its folder says).

use std::{io::Write, path::PathBuf};

use anyhow::Context;
use clap::Args;
use futures::{stream, StreamExt};

use crate::{
    config::DockerConfig,
    docker::DockerEngine,
    judge::{
        cpus::CpuSet,
        engine::{self, JudgeOptions, Progress, Report},
        images,
        languages::Languages,
        package::{ProblemPackage, TimeLimit, TimeLimitSource},
        reference::{self, Python},
        sandbox,
        source::Source,
        verdict::Verdict,
    },
};

#[derive(Debug, Args)]
pub struct JudgeArgs {
    /// The problem package folder (ICPC / Kattis format).
    pub problem_dir: PathBuf,
    /// The source file to judge, or a folder of files (README "Multi-file submissions").
    pub source: PathBuf,
    /// Print one JSON object on stdout instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Language id (see `coderank languages`); default: from the file extension.
    #[arg(long = "lang")]
    pub language: Option<String>,
    /// Which Python runs a `.py` source without `--lang`: PyPy 3 (as problemtools) or CPython.
    #[arg(long, value_enum, default_value_t = Python::Pypy)]
    pub python: Python,
    /// The time limit in seconds, over any the package gives; without it, a package that gives
    /// none has one derived from its accepted submissions first.
    #[arg(long, value_name = "SECONDS", value_parser = positive_seconds)]
    pub time_limit: Option<f64>,
    /// Run every test even after one fails.
    #[arg(long)]
    pub all_tests: bool,
    /// Pin the sandbox (and a custom checker's) to these CPUs of the Docker host, in Docker's
    /// cpuset syntax (`1`, `0-3`, `0,2`); default: one CPU's worth of time on any CPU.
    #[arg(long = "cpus", value_name = "LIST")]
    pub cpus: Option<CpuSet>,
    /// The supervisor binary; default: coderank-supervisor beside this executable.
    #[arg(long, env = "CODERANK_SUPERVISOR")]
    pub supervisor: Option<PathBuf>,
    #[command(flatten)]
    pub docker: DockerConfig,
}

/// `coderank judge`: judges one source file or folder against a problem folder with Docker alone.
pub async fn judge(args: JudgeArgs) -> anyhow::Result<()> {
    let mut package = ProblemPackage::load(&args.problem_dir)
        .with_context(|| format!("cannot read the problem {}", args.problem_dir.display()))?;
    let table = Languages::table();
    let source = Source::read(&args.source)?;
    let language = match &args.language {
        Some(id) => table.get(id)?,
        None => reference::language_for(&source, table, args.python)?,
    };
    let supervisor = sandbox::read_supervisor(args.supervisor.clone())?;
    let mut options = JudgeOptions::new(supervisor);
    options.all_tests = args.all_tests;
    let docker = DockerEngine::new(&args.docker)?.client().await?;
    if let Some(cpus) = &args.cpus {
        check_cpus_exist(&docker, cpus).await?;
    }
    options.cpuset = args.cpus;
    reap_leftovers(&docker).await;

    let how_found = match (args.time_limit, &package.time_limit) {
        (Some(seconds), _) => {
            package.time_limit = Some(TimeLimit {
                seconds,
                source: TimeLimitSource::Given,
            });
            format!("{seconds} s, from --time-limit")
        }
        (None, Some(limit)) => format!("{} s, from {}", limit.seconds, limit.source),
        (None, None) => {
            if !args.json {
                eprintln!("the package gives no time limit: judging its accepted submissions to derive one…");
            }
            let derived = reference::derive(&docker, &package, table, &options, args.python)
                .await
                .map_err(|err| anyhow::anyhow!("{err:#}, or pass --time-limit"))
                .with_context(|| format!("{}: no time limit", args.problem_dir.display()))?;
            package = reference::with_limit(&package, derived.seconds);
            derived.to_string()
        }
    };

    let live = !args.json && std::io::IsTerminal::is_terminal(&std::io::stderr());
    let report = engine::judge(&docker, &package, language, &source, &options, |event| {
        if !live {
            return;
        }
        let line = match event {
            Progress::Compiling => "compiling…".to_owned(),
            Progress::Running { index, total, name } => format!("test {}/{total} {name}…", index + 1),
            Progress::Finished(_) => return,
        };
        eprint!("\r\x1b[2K{line}");
    })
    .await?;
    if live {
        eprint!("\r\x1b[2K");
    }

    let mut out = std::io::stdout().lock();
    if args.json {
        eprintln!("time limit: {how_found}");
        serde_json::to_writer(&mut out, &report)?;
        writeln!(out)?;
        return Ok(());
    }
    writeln!(out, "time limit: {how_found}")?;
    writeln!(
        out,
        "{}  {} on {}: {} ms, {:.1} MiB (limits {} ms, {} MiB)",
        report.verdict,
        report.language,
        package.name.preferred(),
        report.time_ms,
        report.memory_kb as f64 / 1024.0,
        report.time_limit_ms,
        report.memory_limit_kb / 1024
    )?;
    if let Some(score) = &report.score {
        writeln!(out, "score: {}", shown_score(score.score, score.max_score))?;
        for group in &score.groups {
            let verdict = group.verdict.map_or("-".to_owned(), |v| v.to_string());
            writeln!(
                out,
                "  {:<28} {:<4} {:>10}  {}/{} judged, {} accepted",
                group.name,
                verdict,
                shown_score(group.score, group.max_score),
                group.judged,
                group.tests,
                group.accepted
            )?;
        }
        if let Some(error) = &score.error {
            writeln!(out, "  {error}")?;
        }
    }
    if let Some(compile) = &report.compile {
        writeln!(
            out,
            "compile: {} in {} ms",
            if compile.ok { "ok" } else { "failed" },
            compile.wall_ms
        )?;
        if !compile.ok {
            writeln!(out, "{}", compile.output.trim_end())?;
        }
    }
    writeln!(
        out,
        "{:<4} {:<28} {:<7} {:>8} {:>8} {:>10}",
        "#", "test", "verdict", "cpu ms", "wall ms", "memory"
    )?;
    for (index, test) in report.tests.iter().enumerate() {
        writeln!(
            out,
            "{:<4} {:<28} {:<7} {:>8} {:>8} {:>8.1} MiB",
            index + 1,
            test.name,
            test.verdict,
            test.time_ms,
            test.wall_ms,
            test.memory_kb as f64 / 1024.0
        )?;
        if let Some(message) = &test.checker_message {
            writeln!(out, "     {message}")?;
        }
        if let Some(message) = &test.team_message {
            writeln!(out, "     to the team: {message}")?;
        }
        if let Some(diff) = &test.diff {
            for line in diff.lines() {
                writeln!(out, "     {line}")?;
            }
        }
    }
    Ok(())
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Problem package folders.
    #[arg(required = true)]
    pub problem_dirs: Vec<PathBuf>,
    /// How many submissions to judge at once.
    #[arg(long, default_value_t = 2)]
    pub parallel: usize,
    /// Which Python runs `.py` submissions: PyPy 3 (as problemtools) or CPython.
    #[arg(long, value_enum, default_value_t = Python::Pypy)]
    pub python: Python,
    /// The supervisor binary; default: coderank-supervisor beside this executable.
    #[arg(long, env = "CODERANK_SUPERVISOR")]
    pub supervisor: Option<PathBuf>,
    #[command(flatten)]
    pub docker: DockerConfig,
}

/// `coderank problem verify`: judges every submission under each package's `submissions/`
/// and reports whether its verdict matches its folder; fails if any does not.
pub async fn verify(args: VerifyArgs) -> anyhow::Result<()> {
    let table = Languages::table();
    let supervisor = sandbox::read_supervisor(args.supervisor.clone())?;
    let options = JudgeOptions::new(supervisor);
    let docker = DockerEngine::new(&args.docker)?.client().await?;
    reap_leftovers(&docker).await;
    let mut mismatches = 0usize;
    let mut judged = 0usize;
    for dir in &args.problem_dirs {
        let mut package = ProblemPackage::load(dir)
            .with_context(|| format!("cannot read the problem {}", dir.display()))?;
        if package.time_limit.is_none() {
            let derived = reference::derive(&docker, &package, table, &options, args.python)
                .await
                .with_context(|| format!("{}: no time limit", dir.display()))?;
            let limit = derived.seconds;
            std::fs::write(dir.join(".timelimit"), format!("{limit}\n"))
                .with_context(|| format!("cannot write {}", dir.join(".timelimit").display()))?;
            println!(
                "{}: time limit derived: {limit} s ({derived}), written to .timelimit",
                dir.display(),
            );
            package = reference::with_limit(&package, limit);
        }
        // A submission expected to exceed the limit must still exceed it with the limit times
        // the safety margin, so that a faster machine cannot make it pass (as problemtools).
        let mut tle_package = package.clone();
        if let Some(limit) = &mut tle_package.time_limit {
            limit.seconds *= package.limits.time_safety_margin;
        }
        println!(
            "{} ({} tests, {} submissions)",
            dir.display(),
            package.test_cases.len(),
            package.submissions.len()
        );
        for warning in &package.warnings {
            println!("  warning: {warning}");
        }
        let outcomes: Vec<(String, Result<String, String>)> = stream::iter(&package.submissions)
            .map(|submission| {
                let package = if submission.expected.contains(&Verdict::Tle) {
                    &tle_package
                } else {
                    &package
                };
                let (docker, options, table, python) = (&docker, &options, &table, args.python);
                async move {
                    let label = format!("{}/{}", submission.folder, submission.name);
                    let judged = async {
                        let report =
                            reference::judge_submission(docker, package, table, options, python, submission)
                                .await?;
                        let expected: Vec<String> =
                            submission.expected.iter().map(ToString::to_string).collect();
                        let score = report
                            .score
                            .as_ref()
                            .map(|s| format!("  score {}", shown_score(s.score, s.max_score)))
                            .unwrap_or_default();
                        let line = format!(
                            "{:<4} {:>6} ms  {}{score}",
                            report.verdict, report.time_ms, report.language
                        );
                        match check_expectation(package, submission, &report) {
                            Ok(()) => Ok(line),
                            Err(why) if why.is_empty() => {
                                Err(anyhow::anyhow!("{line}  (expected {})", expected.join(" or ")))
                            }
                            Err(why) => Err(anyhow::anyhow!("{line}  ({why})")),
                        }
                    };
                    (label, judged.await.map_err(|err| format!("{err:#}")))
                }
            })
            .buffered(args.parallel.max(1))
            .collect()
            .await;
        for (label, outcome) in outcomes {
            judged += 1;
            match outcome {
                Ok(line) => println!("  ok   {label:<48} {line}"),
                Err(line) => {
                    mismatches += 1;
                    println!("  FAIL {label:<48} {line}");
                }
            }
        }
    }
    println!("{} passed, {mismatches} failed", judged - mismatches);
    if mismatches > 0 {
        anyhow::bail!("{mismatches} submission(s) did not get the verdict their folder says");
    }
    Ok(())
}

/// Whether a reference submission's judging is what its folder (and its expected score) says:
/// `Err` with the reason, empty for a plain verdict mismatch. On a scoring problem an accepted
/// submission must get the full score, and a `partially_accepted` one more than nothing and
/// less than full (its verdict is checked only on legacy packages, where the grader gives
/// it AC; a 2025-09 submission keeps the verdict of its first failed test).
fn check_expectation(
    package: &crate::judge::package::ProblemPackage,
    submission: &crate::judge::package::Submission,
    report: &Report,
) -> Result<(), String> {
    let partial = submission.folder == "partially_accepted";
    let legacy = package.format == crate::judge::package::PackageFormat::Legacy;
    let verdict_ok = submission.expected.contains(&report.verdict)
        || (partial && !legacy && report.verdict != Verdict::Ie && report.verdict != Verdict::Ce);
    if !verdict_ok {
        return Err(String::new());
    }
    let Some(score) = &report.score else {
        return Ok(());
    };
    let got = score.score;
    let full = score.max_score;
    if let Some((lo, hi)) = submission.expected_score {
        if got < lo - 1e-6 || got > hi + 1e-6 {
            let want = if lo == hi {
                format!("{lo}")
            } else {
                format!("{lo} to {hi}")
            };
            return Err(format!("expected score {want}"));
        }
    }
    let is_full = full.is_some_and(|full| (got - full).abs() < 1e-6);
    if submission.folder == "accepted" && full.is_some() && !is_full {
        return Err(format!("expected the full score {}", full.unwrap_or_default()));
    }
    if partial && (is_full || got <= 0.0) {
        return Err("expected a partial score, more than 0 and less than full".to_owned());
    }
    Ok(())
}

/// `score` or `score / max`.
fn shown_score(score: f64, max: Option<f64>) -> String {
    match max {
        Some(max) => format!("{score}/{max}"),
        None => format!("{score}"),
    }
}

/// Refuses a CPU list naming a CPU the Docker host does not have, before Docker does so in its
/// own words at the first container.
async fn check_cpus_exist(docker: &bollard::Docker, cpus: &CpuSet) -> anyhow::Result<()> {
    let info = docker
        .info()
        .await
        .context("cannot ask Docker how many CPUs it has")?;
    if let Some(count) = info.ncpu.and_then(|n| u32::try_from(n).ok()) {
        anyhow::ensure!(
            cpus.highest() < count,
            "--cpus {cpus}: the Docker host has {count} CPU(s), numbered 0 to {}",
            count.saturating_sub(1)
        );
    }
    Ok(())
}

/// Removes containers that crashed CodeRank processes left behind; a failure to do so is logged,
/// not fatal, since judging can go on beside them.
async fn reap_leftovers(docker: &bollard::Docker) {
    if let Err(err) = images::reap_leftovers(docker).await {
        tracing::warn!(error = %format!("{err:#}"), "cannot look for leftover containers");
    }
}

/// A `--time-limit` value: seconds, positive and finite.
fn positive_seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(seconds) if seconds.is_finite() && seconds > 0.0 => Ok(seconds),
        _ => Err(format!("{text:?} is not a positive number of seconds")),
    }
}
