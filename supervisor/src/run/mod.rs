//! One run of a program: limits, measurement, and the clean-up that leaves nothing behind.
//!
//! The supervisor has a single thread. While the program runs it waits in one `poll` on the
//! program's stdout and stderr pipes and on a signalfd that reports SIGCHLD, with the wall-time
//! deadline or the next sample of the cgroup (every few milliseconds) as the timeout: no thread
//! is made per run, and nothing the supervisor needs while the program runs takes a pid, which
//! a fork bomb may have taken all of.

mod cgroup;
mod cleanup;
mod files;
mod meter;
mod pipes;
mod ran;
mod spawn;
mod watch;

use std::{
    ffi::OsString,
    fs, io,
    os::fd::{AsFd, FromRawFd, OwnedFd},
    path::{Path, PathBuf},
    time::{Duration, Instant},
};

use coderank_supervisor::protocol::{RunRequest, RunResult, Termination, Workdir, FEEDBACK_DIR};

use crate::WORK_DIR;
use cgroup::Cgroup;
use meter::{Baseline, MemoryReference, Meter, Own};
use watch::{Capture, Ended, Usage, Watch};

pub use ran::Ran;

/// The unprivileged user every judge image has (see judge-images/base), used when the worker
/// names none; the worker gives each sandbox a uid of its own (`--uid`).
pub const JUDGE_UID: u32 = 10001;
/// Open files a program may have (`RLIMIT_NOFILE`): far more than any runtime opens, far fewer
/// than would cost the kernel anything.
const OPEN_FILES: u64 = 4096;

/// What the supervisor keeps from one run to the next.
pub struct Runner {
    /// A signalfd reporting SIGCHLD, which stays blocked in the supervisor so that only this
    /// descriptor sees it.
    children: fs::File,
    /// The stack a starting program runs on until it executes (see [`spawn`]).
    stack: Vec<u8>,
    /// The supervisor's own environment (the image's), which programs start from.
    env: Vec<(OsString, OsString)>,
    /// The container's cgroup, where the run's CPU time and memory are read.
    cgroup: Option<Cgroup>,
    /// The supervisor's own counters.
    own: Own,
    /// The counters the next run is measured from, read after the last clean-up.
    baseline: Option<Baseline>,
    /// The cgroup's memory between runs, while nothing but the supervisor has changed it.
    memory_reference: Option<MemoryReference>,
    /// The cgroup's OOM-kill count as last read; it only grows when a process is SIGKILLed, so
    /// it is read again only after a run in which one was.
    oom_kills: Option<u64>,
    /// A fresh scratch directory made since the last run ended (see [`Runner::prepare`]), or
    /// why it could not be made.
    prepared: Option<io::Result<PathBuf>>,
    /// The uid (and gid) programs run as: the sandbox's own, shared with no other sandbox.
    uid: u32,
}

impl Runner {
    /// Blocks SIGCHLD and opens the signalfd; call before any thread exists.
    pub fn new(uid: u32) -> io::Result<Self> {
        // SAFETY: sigset_t is plain old data; zeroed is valid and the calls only write into it.
        let mut mask: libc::sigset_t = unsafe { std::mem::zeroed() };
        // SAFETY: `mask` is a valid set for every call; signalfd returns a new descriptor that
        // nothing else owns.
        let fd = unsafe {
            libc::sigemptyset(&mut mask);
            libc::sigaddset(&mut mask, libc::SIGCHLD);
            libc::pthread_sigmask(libc::SIG_BLOCK, &mask, std::ptr::null_mut());
            libc::signalfd(-1, &mask, libc::SFD_CLOEXEC | libc::SFD_NONBLOCK)
        };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // Large buffers (the program's output) always get pages of their own from the kernel,
        // which come back when freed: the supervisor's memory then grows by exactly the output
        // it holds, which is what a run's measured memory leaves out (glibc would otherwise raise
        // the threshold as buffers come and go, and keep freed memory resident).
        // SAFETY: mallopt changes a malloc parameter; no other thread exists yet.
        unsafe { libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024) };
        let cgroup = Cgroup::open();
        Ok(Self {
            // SAFETY: a fresh descriptor, owned from here on.
            children: fs::File::from(unsafe { OwnedFd::from_raw_fd(fd) }),
            stack: vec![0; spawn::CHILD_STACK_BYTES],
            env: std::env::vars_os().collect(),
            oom_kills: cgroup.as_ref().and_then(Cgroup::oom_kills),
            cgroup,
            own: Own::open(),
            baseline: None,
            memory_reference: None,
            prepared: None,
            uid,
        })
    }

    /// The uid programs run as.
    pub fn uid(&self) -> u32 {
        self.uid
    }

    /// Cleans up after the last run and makes the next run's scratch directory now, while its
    /// answer travels to the worker and the next request travels back, rather than once that
    /// request is here. No process of the judge user exists between runs, so nothing can change
    /// what this leaves; a failure is left for the next scratch run to meet and report.
    pub fn prepare(&mut self) {
        if self.prepared.is_none() {
            self.prepared = Some(cleanup::fresh_scratch(self.uid, self.uid));
            if self.memory_reference.is_none() {
                self.memory_reference = self
                    .cgroup
                    .as_ref()
                    .and_then(|cgroup| MemoryReference::read(cgroup, &self.own));
            }
            self.baseline = Some(Baseline::read(
                self.cgroup.as_ref(),
                &self.own,
                self.memory_reference,
            ));
        }
    }

    /// The program's environment: the image's, with HOME and TMPDIR set to its own directory,
    /// then the request's.
    fn environment(&self, run: &RunRequest, home: &Path) -> Vec<(OsString, OsString)> {
        let mut env: Vec<(OsString, OsString)> = [("HOME", home), ("TMPDIR", home)]
            .into_iter()
            .map(|(key, value)| (key.into(), value.into()))
            .chain(run.env.iter().map(|(k, v)| (k.into(), v.into())))
            .collect();
        for (key, value) in &self.env {
            if !env.iter().any(|(set, _)| set == key) {
                env.push((key.clone(), value.clone()));
            }
        }
        env
    }

    pub fn execute(&mut self, run: &RunRequest, stdin: &[u8], files: &[Vec<u8>]) -> io::Result<Ran> {
        let handling = Instant::now();
        if run.workdir == Workdir::Work && !run.files.is_empty() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "files go with scratch runs only",
            ));
        }
        let limits = run.limits;
        // Whatever this run does, the prepared scratch is no longer fresh after it.
        let prepared = self.prepared.take();
        let cwd = match run.workdir {
            Workdir::Work => PathBuf::from(WORK_DIR),
            Workdir::Scratch => match prepared {
                Some(scratch) => scratch,
                None => {
                    self.baseline = None;
                    cleanup::fresh_scratch(self.uid, self.uid)
                }
            }
            .map_err(|err| io::Error::new(err.kind(), format!("the sandbox cannot be cleaned: {err}")))?,
        };
        // Read after the last clean-up; what the supervisor puts in memory from here on (files
        // for the program, its input) counts in the starting point.
        let mut baseline = self
            .baseline
            .take()
            .unwrap_or_else(|| Baseline::read(self.cgroup.as_ref(), &self.own, None));
        if run.workdir == Workdir::Scratch {
            files::place_files(&cwd, &run.files, files)?;
            baseline.add_files(files.iter().map(|file| file.len() as u64).sum());
        }
        baseline.add_files(stdin.len() as u64);
        let home = match run.workdir {
            Workdir::Work => Path::new("/tmp"),
            Workdir::Scratch => cwd.as_path(),
        };
        if let Some(feedback) = run.feedback {
            pipes::feedback_dir(feedback)?;
        }
        let memfd = files::input_file(stdin)?;
        let (out_read, out_write) = io::pipe()?;
        let (err_read, err_write) = io::pipe()?;
        // An interactive run reads and writes the FIFOs instead; its stdout pipe then only ever
        // ends (no program holds its write end).
        let connected = match &run.pipes {
            Some(spec) => {
                let connected = pipes::connect(spec);
                if !matches!(connected, Ok(Some(_))) {
                    pipes::remove_if_made(spec);
                }
                match connected? {
                    Some(connected) => Some(connected),
                    None => return Ok(ran::not_connected(handling)),
                }
            }
            None => None,
        };
        let (input, output) = match &connected {
            Some(connected) => (connected.input.as_fd(), connected.output.as_fd()),
            None => (memfd.as_fd(), out_write.as_fd()),
        };
        let memory_bytes = limits.memory_kb.saturating_mul(1024);
        let stack_bytes = limits
            .stack_kb
            .map_or(memory_bytes, |kb| kb.saturating_mul(1024).min(memory_bytes));
        // The kernel counts RLIMIT_CPU in whole seconds: SIGXCPU at the first whole second at or
        // above the limit, SIGKILL a second later should the program ignore it.
        let cpu_secs = limits.cpu_ms.div_ceil(1000).max(1);
        let plan = spawn::Plan::new(spawn::Program {
            argv: &run.argv,
            env: self.environment(run, home),
            cwd: &cwd,
            stdio: [input, output, err_write.as_fd()],
            limits: vec![
                (libc::RLIMIT_STACK as i32, stack_bytes, stack_bytes),
                (libc::RLIMIT_CPU as i32, cpu_secs, cpu_secs + 1),
                (libc::RLIMIT_CORE as i32, 0, 0),
                (libc::RLIMIT_NOFILE as i32, OPEN_FILES, OPEN_FILES),
                // No file can be larger than the memory it lives in; set past the size of any
                // tmpfs of the sandbox, so that a full tmpfs (memory) ends a write, not SIGXFSZ.
                (
                    libc::RLIMIT_FSIZE as i32,
                    file_size_limit(memory_bytes),
                    file_size_limit(memory_bytes),
                ),
            ],
            uid: self.uid,
            gid: self.uid,
        });
        self.own.forget_peak();
        let mut meter = Meter::start(
            self.cgroup.as_ref(),
            &self.own,
            baseline,
            limits.cpu_ms,
            memory_bytes,
        );
        let started = Instant::now();
        let started_ns = pipes::monotonic_ns();
        self.own.program_first_for_oom(true);
        let spawned = plan.and_then(|plan| spawn::spawn(&plan, &mut self.stack));
        self.own.program_first_for_oom(false);
        // Our copies of the pipes' write ends must close, or reading never sees the end.
        drop((memfd, out_write, err_write));
        let main_pid = match spawned {
            Ok(pid) => pid,
            Err(err) => return Ok(ran::spawn_failed(handling, err)),
        };

        let mut watch = Watch {
            stdout: Capture::new(out_read, limits.output_bytes, true),
            stderr: Capture::new(err_read, limits.stderr_bytes, false),
            usage: Usage::default(),
            sigkilled: false,
            uid: self.uid,
            killed_at: None,
        };
        let deadline = started + Duration::from_millis(limits.wall_ms);
        let (main_status, wall, ended) = watch::wait_for(
            &self.children,
            &mut watch,
            &mut meter,
            main_pid,
            started,
            deadline,
        )?;
        // Only now that its end is noted may the other side see it (the end of its input, or a
        // broken pipe): whatever the other side does about it is noted later than this.
        drop(connected);
        let ended_after = watch
            .killed_at
            .map_or(wall, |killed| killed.saturating_duration_since(started));
        let leftover_processes = watch.end_leftovers()?;
        if let Some(spec) = &run.pipes {
            pipes::remove_if_made(spec);
        }
        let (stdout, stderr) = (watch.stdout.finish(), watch.stderr.finish());
        // Once more with every process gone but before any clean-up: what it left in tmpfs
        // counts, and so does the CPU time of processes that ended between samples.
        meter.finish();
        // A compile writes /work; a run long enough to be sampled may have left the kernel
        // anything (a program's memory is freed lazily): the next clean-up reads the cgroup's
        // memory afresh instead of following it.
        if run.workdir == Workdir::Work || meter.samples > 0 || ended != Ended::ByItself {
            self.memory_reference = None;
        }

        let collect_from = match run.feedback {
            Some(_) => PathBuf::from(FEEDBACK_DIR),
            None => cwd.clone(),
        };
        let (collected_specs, collected, refused) = files::collect_files(&collect_from, &run.collect);
        let oom_before = self.oom_kills;
        if watch.sigkilled {
            self.oom_kills = self.cgroup.as_ref().and_then(Cgroup::oom_kills);
        }
        let exited = libc::WIFEXITED(main_status);
        let signal = libc::WIFSIGNALED(main_status).then(|| libc::WTERMSIG(main_status));
        let oom_killed =
            matches!((oom_before, self.oom_kills), (Some(before), Some(after)) if after > before);
        let usage = watch.usage;
        // The cgroup counts every process, also those whose usage `wait4` never reports.
        let cpu_ms = if meter.active() {
            (meter.cpu_ns / 1_000_000).max(usage.cpu_ms())
        } else {
            usage.cpu_ms()
        };
        let peak_kb = (meter.peak_bytes / 1024).max(usage.peak_kb);
        let termination = if ended == Ended::OutputLimit || stdout.1 {
            Termination::OutputLimit
        } else if ended == Ended::WallLimit {
            Termination::WallLimit
        } else if ended == Ended::MemoryLimit || oom_killed || peak_kb > limits.memory_kb || meter.files_full
        {
            Termination::MemoryLimit
        } else if ended == Ended::CpuLimit || cpu_ms > limits.cpu_ms || signal == Some(libc::SIGXCPU) {
            Termination::CpuLimit
        } else if exited {
            Termination::Exited
        } else {
            Termination::Signaled
        };
        let result = RunResult {
            termination,
            exit_code: exited.then(|| libc::WEXITSTATUS(main_status)),
            signal,
            cpu_ms,
            wall_ms: wall.as_millis() as u64,
            wall_us: wall.as_micros() as u64,
            supervisor_us: handling.elapsed().saturating_sub(wall).as_micros() as u64,
            peak_kb,
            leftover_processes,
            stdout_len: stdout.0.len() as u64,
            stderr_len: stderr.0.len() as u64,
            stderr_truncated: stderr.1,
            collected: collected_specs,
            refused,
            ended_ns: started_ns.saturating_add(ended_after.as_nanos() as u64),
            connected: run.pipes.as_ref().map(|_| true),
            message: None,
        };
        Ok(Ran {
            result,
            stdout: stdout.0,
            stderr: stderr.0,
            collected,
        })
    }
}

/// The largest file a program may write: its memory limit and 64 MiB more (the sandbox's `/tmp`
/// is the memory limit and 16 MiB).
fn file_size_limit(memory_bytes: u64) -> u64 {
    memory_bytes.saturating_add(64 << 20)
}
