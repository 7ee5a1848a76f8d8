//! What a judging runs with: its options, the limits a package gives in the supervisor's
//! units, and the run requests built from them. A leaf of the judge: the engine, the program's
//! sandbox and the checkers all take these from here.

use std::{sync::Arc, time::Duration};

use coderank_supervisor::protocol::{Limits, RunRequest, Workdir};

use super::cpus::CpuSet;
use crate::judge::package::ProblemPackage;

/// Standard error kept per test and compiler output kept per compile.
pub const STDERR_BYTES: u64 = 16 * 1024;
const COMPILER_OUTPUT_BYTES: u64 = 64 * 1024;
/// Room in the container beyond what the program may use, for the supervisor itself.
pub const SUPERVISOR_MB: u64 = 64;

#[derive(Debug, Clone)]
pub struct JudgeOptions {
    /// Run every test even after one fails, for full detail.
    pub all_tests: bool,
    /// The supervisor binary handed to each sandbox.
    pub supervisor: Arc<[u8]>,
    pub pids_limit: i64,
    /// The CPUs this judging (its sandbox and its checker's) is pinned to.
    pub cpuset: Option<CpuSet>,
    /// The FIFO volume of an interactive judging, mounted in both its sandboxes (set by the
    /// engine, see `judge::interactive`).
    pub pipes_volume: Option<String>,
    /// The worker's warm pool of sandboxes (`None`: every sandbox is started fresh).
    pub pool: Option<crate::judge::sandbox::WarmPool>,
    /// The OCI runtime sandboxes run under (`None`: the engine's default).
    pub runtime: Option<String>,
    /// Where the judging's containers are removed (and the warm pool topped up) once its report
    /// is made, so that its caller can record the verdict meanwhile and wait for them after
    /// (`None`: the judging removes them before it returns).
    pub teardown: Option<tokio_util::task::TaskTracker>,
    /// Each test's stack limit, when lower than its memory limit (a run's own, from the
    /// Judge0-compatible API's `stack_limit`; `None`: the memory limit).
    pub stack_kb: Option<u64>,
}

impl JudgeOptions {
    pub fn new(supervisor: Arc<[u8]>) -> Self {
        Self {
            all_tests: false,
            supervisor,
            pids_limit: 128,
            cpuset: None,
            pipes_volume: None,
            pool: None,
            runtime: None,
            teardown: None,
            stack_kb: None,
        }
    }
}

/// The limits the package gives, in the units the supervisor takes.
#[derive(Debug, Clone, Copy)]
pub struct TestLimits {
    pub cpu_ms: u64,
    pub memory_mb: u64,
    pub output_bytes: u64,
    /// See [`JudgeOptions::stack_kb`].
    pub stack_kb: Option<u64>,
}

impl TestLimits {
    /// The limits `package` gives its tests (no stack limit of its own: see
    /// [`JudgeOptions::stack_kb`]).
    pub fn of(package: &ProblemPackage) -> anyhow::Result<Self> {
        let Some(time_limit) = &package.time_limit else {
            anyhow::bail!(
                "{} gives no time limit (limits.time_limit, .timelimit or domjudge-problem.ini)",
                package.root.display()
            );
        };
        Ok(Self {
            cpu_ms: (time_limit.seconds * 1000.0).ceil() as u64,
            memory_mb: package.limits.memory_mib,
            output_bytes: package.limits.output_mib.saturating_mul(1 << 20),
            stack_kb: None,
        })
    }

    /// Wall time allowed: twice the CPU limit plus a second, so that a program waiting on
    /// nothing (sleep, a blocked read) ends, while a busy machine does not turn AC into TLE.
    pub fn wall_ms(&self) -> u64 {
        self.cpu_ms * 2 + 1000
    }

    pub fn run_limits(&self) -> Limits {
        Limits {
            cpu_ms: self.cpu_ms,
            wall_ms: self.wall_ms(),
            memory_kb: self.memory_mb * 1024,
            output_bytes: self.output_bytes,
            stderr_bytes: STDERR_BYTES,
            stack_kb: self.stack_kb,
        }
    }
}

/// The limits of a compile step, from the package's compilation limits; the wall time is twice
/// the CPU time plus a second, as for tests.
pub fn compile_limits(package: &ProblemPackage) -> Limits {
    Limits {
        cpu_ms: (package.limits.compilation_time_secs * 1000.0) as u64,
        wall_ms: (package.limits.compilation_time_secs * 2000.0) as u64 + 1000,
        memory_kb: package.limits.compilation_memory_mib * 1024,
        output_bytes: COMPILER_OUTPUT_BYTES,
        stderr_bytes: COMPILER_OUTPUT_BYTES,
        stack_kb: None,
    }
}

pub fn request(argv: &[String], workdir: Workdir, limits: Limits, memory_mb: u64) -> RunRequest {
    RunRequest {
        argv: argv.to_vec(),
        workdir,
        // JVM languages size their heap from this (see judge-images/jvm).
        env: vec![("CODERANK_MEMORY_MB".to_owned(), memory_mb.to_string())],
        stdin_len: 0,
        limits,
        files: Vec::new(),
        collect: Vec::new(),
        pipes: None,
        feedback: None,
    }
}

/// A generous time to carry `bytes` through Docker's attach stream (10 MB/s).
pub fn transfer_time(bytes: u64) -> Duration {
    Duration::from_millis(bytes / 10_000)
}
