//! `coderank bench`: how fast the judge is, measured on this machine.
//!
//! Rows: the per-test overhead (a trivial C program run N times in one sandbox: one protocol
//! round trip and a fork/exec each), end-to-end `judge` time of A+B with 10 and 100 tests in
//! C++ and Python (container start and compile included), and a naive baseline that starts one
//! container per test, as a judge without a supervisor would. Figures go in README.

use std::{
    path::Path,
    time::{Duration, Instant},
};

use anyhow::Context;
use bollard::Docker;
use clap::Args;
use coderank_supervisor::protocol::{Limits, RunRequest, Workdir};

use crate::{
    config::DockerConfig,
    docker::DockerEngine,
    judge::{
        engine::{self, JudgeOptions},
        images,
        languages::Languages,
        sandbox::{Sandbox, SandboxSpec},
        source::Source,
    },
};

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Runs of the trivial program for the per-test overhead.
    #[arg(long, default_value_t = 1000)]
    pub runs: usize,
    /// Measure the per-test overhead only (no end-to-end, DMOJ or baseline rows).
    #[arg(long)]
    pub overhead_only: bool,
    /// Measure the per-test cost of interactive problems (beside a custom validator's) only.
    #[arg(long)]
    pub interactive_only: bool,
    /// The supervisor binary; default: coderank-supervisor beside this executable.
    #[arg(long, env = "CODERANK_SUPERVISOR")]
    pub supervisor: Option<std::path::PathBuf>,
    /// DMOJ's `dmoj-cli`, to judge the same A+B with DMOJ for comparison (`scripts/bench`
    /// installs it); without it the DMOJ rows are skipped.
    #[arg(long, env = "CODERANK_DMOJ_CLI")]
    pub dmoj_cli: Option<std::path::PathBuf>,
    #[command(flatten)]
    pub docker: DockerConfig,
}

const TRIVIAL_C: &str = "#include <stdio.h>\nint main(void) { puts(\"ok\"); return 0; }\n";
const APLUSB_CPP: &str =
    "#include <bits/stdc++.h>\nint main() { long long a, b; std::cin >> a >> b; std::cout << a + b << '\\n'; }\n";
const APLUSB_PY: &str = "a, b = map(int, input().split())\nprint(a + b)\n";

pub async fn bench(args: BenchArgs) -> anyhow::Result<()> {
    let supervisor = crate::judge::sandbox::read_supervisor(args.supervisor.clone())?;
    let docker = DockerEngine::new(&args.docker)?.client().await?;
    images::reap_leftovers(&docker).await?;
    let table = Languages::table();
    println!("machine: {} CPUs, {}", num_cpus(), kernel());
    println!("{:<52} {:>12}", "measurement", "result");

    if args.interactive_only {
        return interactive_rows(&docker, &JudgeOptions::new(supervisor)).await;
    }
    let overhead = per_test_overhead(&docker, &supervisor, args.runs).await?;
    let (median, p90) = (overhead.total_ms, overhead.total_p90_ms);
    println!(
        "{:<52} {:>9.3} ms  (p90 {p90:.3} ms)",
        format!("per-test overhead, trivial C, {} runs, median", args.runs),
        median
    );

    println!(
        "{:<52} {:>9.3} ms",
        "  of which: the program's start, run and exit, median", overhead.program_ms
    );
    println!(
        "{:<52} {:>9.3} ms",
        "  of which: supervisor (input, spawn, reap), median", overhead.supervisor_ms
    );
    println!(
        "{:<52} {:>9.3} ms",
        "  of which: the rest (Docker attach round trip, framing)",
        (median - overhead.program_ms - overhead.supervisor_ms).max(0.0)
    );
    if args.overhead_only {
        return Ok(());
    }

    let options = JudgeOptions::new(supervisor);
    interactive_rows(&docker, &options).await?;
    for (language, source) in [("cpp", APLUSB_CPP), ("python3", APLUSB_PY)] {
        for tests in [10, 100] {
            let dir = aplusb_package(tests)?;
            let package = crate::judge::package::ProblemPackage::load(dir.path())?;
            let started = Instant::now();
            let report = engine::judge(
                &docker,
                &package,
                table.get(language)?,
                &Source::file("aplusb", source),
                &options,
                |_| {},
            )
            .await?;
            anyhow::ensure!(
                report.verdict == crate::judge::verdict::Verdict::Ac,
                "A+B in {language} got {}",
                report.verdict
            );
            println!(
                "{:<52} {:>9.3} s",
                format!("judge A+B, {language}, {tests} tests, end to end"),
                started.elapsed().as_secs_f64()
            );
        }
    }

    if let Some(dmoj_cli) = &args.dmoj_cli {
        for (language, dmoj_language, source, file) in [
            ("cpp", "CPP17", APLUSB_CPP, "a.cpp"),
            ("python3", "PY3", APLUSB_PY, "a.py"),
        ] {
            for tests in [10, 100] {
                let seconds = dmoj_judge(dmoj_cli, dmoj_language, source, file, tests)?;
                println!(
                    "{:<52} {:>9.3} s",
                    format!("DMOJ judge A+B, {language}, {tests} tests, end to end"),
                    seconds
                );
            }
        }
    }

    let naive = naive_container_per_test(&docker, table.get("python3")?.image.as_str(), 10).await?;
    println!(
        "{:<52} {:>9.3} s",
        "baseline: one container per test, python3, 10 tests", naive
    );
    Ok(())
}

/// The per-test cost of a custom validator's test and of an interactive one.
async fn interactive_rows(docker: &Docker, options: &JudgeOptions) -> anyhow::Result<()> {
    let (checked, interactive) = super::interactive::per_test_ms(docker, options).await?;
    println!(
        "{:<52} {:>9.3} ms",
        "per test, C A+B, custom validator run after", checked
    );
    println!(
        "{:<52} {:>9.3} ms",
        "per test, C A+B, interactive validator beside", interactive
    );
    Ok(())
}

/// Medians of one trivial run, in milliseconds.
struct Overhead {
    total_ms: f64,
    total_p90_ms: f64,
    program_ms: f64,
    supervisor_ms: f64,
}

fn quantile(values: &mut [f64], q: f64) -> f64 {
    values.sort_by(f64::total_cmp);
    values[((values.len() as f64 - 1.0) * q).round() as usize]
}

async fn per_test_overhead(docker: &Docker, supervisor: &[u8], runs: usize) -> anyhow::Result<Overhead> {
    let table = Languages::table();
    let c = table.get("c")?;
    let spec = SandboxSpec {
        image: c.image.clone(),
        memory_mb: 512,
        tmp_mb: 64,
        shm_mb: 64,
        work_mb: 64,
        pids_limit: 128,
        cpuset: None,
        purpose: "bench",
        seccomp: crate::judge::seccomp::for_language(c),
        pipes_volume: None,
    };
    // Generous: every exchange here is one trivial compile or run.
    let deadline = Duration::from_secs(60);
    let mut sandbox = Sandbox::start(docker, &spec, supervisor).await?;
    let measured = async {
        sandbox
            .write_file(&c.source_file, TRIVIAL_C.as_bytes(), false, deadline)
            .await?;
        let compile = c.compile.clone().context("C compiles")?;
        let limits = Limits {
            cpu_ms: 10_000,
            wall_ms: 20_000,
            memory_kb: 256 * 1024,
            output_bytes: 1 << 20,
            stderr_bytes: 4096,
            stack_kb: None,
        };
        let request = |argv: Vec<String>, workdir| RunRequest {
            argv,
            workdir,
            env: Vec::new(),
            stdin_len: 0,
            limits,
            files: Vec::new(),
            collect: Vec::new(),
            pipes: None,
            feedback: None,
        };
        sandbox
            .run(request(compile, Workdir::Work), b"", &[], deadline)
            .await?;
        sandbox.seal(deadline).await?;
        anyhow::ensure!(runs > 0, "--runs must be at least 1");
        let mut times = Vec::with_capacity(runs);
        let mut program = Vec::with_capacity(runs);
        let mut supervising = Vec::with_capacity(runs);
        for _ in 0..runs {
            let started = Instant::now();
            let output = sandbox
                .run(request(c.run.clone(), Workdir::Scratch), b"", &[], deadline)
                .await?;
            times.push(started.elapsed().as_secs_f64() * 1000.0);
            program.push(output.result.wall_us as f64 / 1000.0);
            supervising.push(output.result.supervisor_us as f64 / 1000.0);
            anyhow::ensure!(
                output.stdout == b"ok\n",
                "the trivial program printed {:?}",
                output.stdout
            );
        }
        Ok(Overhead {
            total_ms: quantile(&mut times, 0.5),
            total_p90_ms: quantile(&mut times, 0.9),
            program_ms: quantile(&mut program, 0.5),
            supervisor_ms: quantile(&mut supervising, 0.5),
        })
    }
    .await;
    sandbox.remove().await;
    measured
}

/// Seconds to run A+B in Python on `tests` inputs, one fresh container per test.
async fn naive_container_per_test(docker: &Docker, image: &str, tests: usize) -> anyhow::Result<f64> {
    let started = Instant::now();
    let argv: Vec<String> = ["python3", "-c", "print(1 + 2)"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    for _ in 0..tests {
        let output = images::run_once(docker, image, &argv, Duration::from_secs(60)).await?;
        anyhow::ensure!(
            output.text.trim() == "3",
            "the baseline printed {:?}",
            output.text
        );
    }
    Ok(started.elapsed().as_secs_f64())
}

/// A temporary A+B package with `tests` secret tests.
fn aplusb_package(tests: usize) -> anyhow::Result<tempfile::TempDir> {
    let dir = tempfile::tempdir()?;
    let root = dir.path();
    std::fs::write(
        root.join("problem.yaml"),
        "name: A plus B (bench)\nlimits:\n  time_limit: 2\n  memory: 256\n",
    )?;
    write_case(root, "sample", 1, 1, 2)?;
    for i in 0..tests.saturating_sub(1) {
        write_case(root, "secret", i, i as i64 * 7 - 50, 1000 - i as i64)?;
    }
    Ok(dir)
}

fn write_case(root: &Path, group: &str, index: usize, a: i64, b: i64) -> anyhow::Result<()> {
    let dir = root.join("data").join(group);
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join(format!("{index:04}.in")), format!("{a} {b}\n"))?;
    std::fs::write(dir.join(format!("{index:04}.ans")), format!("{}\n", a + b))?;
    Ok(())
}

fn num_cpus() -> usize {
    std::thread::available_parallelism().map(usize::from).unwrap_or(1)
}

fn kernel() -> String {
    std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .map(|s| format!("Linux {}", s.trim()))
        .unwrap_or_default()
}

/// Seconds DMOJ's own command line takes to judge A+B with `tests` tests, start-up included
/// (as for `coderank judge`); every test must come back AC.
fn dmoj_judge(cli: &Path, language: &str, source: &str, file: &str, tests: usize) -> anyhow::Result<f64> {
    let dir = tempfile::tempdir()?;
    let problem = dir.path().join("problems").join("aplusb");
    std::fs::create_dir_all(&problem)?;
    let mut init = String::from("test_cases:\n");
    for i in 1..=tests {
        let (a, b) = (i as i64 * 7 - 50, 1000 - i as i64);
        std::fs::write(problem.join(format!("{i}.in")), format!("{a} {b}\n"))?;
        std::fs::write(problem.join(format!("{i}.out")), format!("{}\n", a + b))?;
        init.push_str(&format!("- {{in: {i}.in, out: {i}.out, points: 1}}\n"));
    }
    std::fs::write(problem.join("init.yml"), init)?;
    let config = dir.path().join("judge.yml");
    std::fs::write(
        &config,
        format!(
            "runtime:\n  g++17: /usr/bin/g++\n  python3: /usr/bin/python3\nproblem_storage_globs:\n  - {}/problems/*\n",
            dir.path().display()
        ),
    )?;
    std::fs::write(dir.path().join(file), source)?;
    let started = Instant::now();
    let output = std::process::Command::new(cli)
        .current_dir(dir.path())
        .args([
            "-c",
            "judge.yml",
            "--skip-self-test",
            "--no-ansi",
            "-e",
            language,
            "--",
        ])
        .args(["submit", "-tl", "2", "-ml", "262144", "aplusb", language, file])
        .output()
        .with_context(|| format!("cannot run {}", cli.display()))?;
    let seconds = started.elapsed().as_secs_f64();
    let text = String::from_utf8_lossy(&output.stdout);
    let accepted = text
        .lines()
        .filter(|line| line.starts_with("Test case") && line.contains(" AC "))
        .count();
    anyhow::ensure!(
        accepted == tests,
        "DMOJ accepted {accepted} of {tests} tests:\n{text}"
    );
    Ok(seconds)
}
