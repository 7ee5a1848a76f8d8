//! One run of a program: limits, measurement, and the clean-up that leaves nothing behind.
//!
//! The supervisor has a single thread. While the program runs it waits in one `poll` on the
//! program's stdout and stderr pipes and on a signalfd that reports SIGCHLD, with the wall-time
//! deadline as the timeout: no thread is made per run, and nothing the supervisor needs while
//! the program runs takes a pid, which a fork bomb may have taken all of.

mod cleanup;
mod spawn;
mod watch;

use std::{
    ffi::{CString, OsString},
    fs,
    io::{self, Read, Write},
    os::{
        fd::{AsFd, FromRawFd, OwnedFd},
        unix::fs::PermissionsExt,
    },
    path::{Path, PathBuf},
    time::{Duration, Instant},
};

use coderank_supervisor::protocol::{FileSpec, RunRequest, RunResult, Termination, Workdir, COLLECT_BYTES};

use crate::{is_plain_name, NoFollow, WORK_DIR};
use watch::{Capture, Ended, Usage, Watch};

/// The unprivileged user every judge image has (see judge-images/base).
pub const JUDGE_UID: u32 = 10001;
pub const JUDGE_GID: u32 = 10001;
/// Where the memory cgroup reports OOM kills (cgroup v1), to tell MLE from other kills.
const OOM_CONTROL: &str = "/sys/fs/cgroup/memory/memory.oom_control";

/// What one run produced, ready to send back.
pub struct Ran {
    pub result: RunResult,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub collected: Vec<Vec<u8>>,
}

/// What the supervisor keeps from one run to the next.
pub struct Runner {
    /// A signalfd reporting SIGCHLD, which stays blocked in the supervisor so that only this
    /// descriptor sees it.
    children: fs::File,
    /// The stack a starting program runs on until it executes (see [`spawn`]).
    stack: Vec<u8>,
    /// The supervisor's own environment (the image's), which programs start from.
    env: Vec<(OsString, OsString)>,
    /// The cgroup's OOM-kill count as last read; it only grows when a process is SIGKILLed, so
    /// it is read again only after a run in which one was.
    oom_kills: Option<u64>,
    /// A fresh scratch directory made since the last run ended (see [`Runner::prepare`]).
    prepared: Option<PathBuf>,
}

impl Runner {
    /// Blocks SIGCHLD and opens the signalfd; call before any thread exists.
    pub fn new() -> io::Result<Self> {
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
        Ok(Self {
            // SAFETY: a fresh descriptor, owned from here on.
            children: fs::File::from(unsafe { OwnedFd::from_raw_fd(fd) }),
            stack: vec![0; spawn::CHILD_STACK_BYTES],
            env: std::env::vars_os().collect(),
            oom_kills: oom_kills(),
            prepared: None,
        })
    }

    /// Cleans up after the last run and makes the next run's scratch directory now, while its
    /// answer travels to the worker and the next request travels back, rather than once that
    /// request is here. No process of the judge user exists between runs, so nothing can change
    /// what this leaves; a failure is left for the next scratch run to meet and report.
    pub fn prepare(&mut self) {
        if self.prepared.is_none() {
            self.prepared = cleanup::fresh_scratch().ok();
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
            Workdir::Scratch => {
                let scratch = match prepared {
                    Some(scratch) => scratch,
                    None => cleanup::fresh_scratch()?,
                };
                place_files(&scratch, &run.files, files)?;
                scratch
            }
        };
        let home = match run.workdir {
            Workdir::Work => Path::new("/tmp"),
            Workdir::Scratch => cwd.as_path(),
        };
        let input = input_file(stdin)?;
        let (out_read, out_write) = io::pipe()?;
        let (err_read, err_write) = io::pipe()?;
        let memory_bytes = limits.memory_kb.saturating_mul(1024);
        // The kernel counts RLIMIT_CPU in whole seconds: SIGXCPU at the first whole second at or
        // above the limit, SIGKILL a second later should the program ignore it.
        let cpu_secs = limits.cpu_ms.div_ceil(1000).max(1);
        let plan = spawn::Plan::new(spawn::Program {
            argv: &run.argv,
            env: self.environment(run, home),
            cwd: &cwd,
            stdio: [input.as_fd(), out_write.as_fd(), err_write.as_fd()],
            limits: vec![
                (libc::RLIMIT_STACK as i32, memory_bytes, memory_bytes),
                (libc::RLIMIT_CPU as i32, cpu_secs, cpu_secs + 1),
                (libc::RLIMIT_CORE as i32, 0, 0),
            ],
            uid: JUDGE_UID,
            gid: JUDGE_GID,
        });
        let started = Instant::now();
        let spawned = plan.and_then(|plan| spawn::spawn(&plan, &mut self.stack));
        // Our copies of the pipes' write ends must close, or reading never sees the end.
        drop((input, out_write, err_write));
        let main_pid = match spawned {
            Ok(pid) => pid,
            Err(err) => return Ok(spawn_failed(handling, err)),
        };

        let mut watch = Watch {
            stdout: Capture::new(out_read, limits.output_bytes, true),
            stderr: Capture::new(err_read, limits.stderr_bytes, false),
            usage: Usage::default(),
            sigkilled: false,
        };
        let deadline = started + Duration::from_millis(limits.wall_ms);
        let (main_status, wall, ended) =
            watch::wait_for(&self.children, &mut watch, main_pid, started, deadline)?;
        let leftover_processes = watch.end_leftovers()?;
        let (stdout, stderr) = (watch.stdout.finish(), watch.stderr.finish());

        let (collected_specs, collected) = collect_files(&cwd, &run.collect);
        let oom_before = self.oom_kills;
        if watch.sigkilled {
            self.oom_kills = oom_kills();
        }
        let exited = libc::WIFEXITED(main_status);
        let signal = libc::WIFSIGNALED(main_status).then(|| libc::WTERMSIG(main_status));
        let oom_killed =
            matches!((oom_before, self.oom_kills), (Some(before), Some(after)) if after > before);
        let usage = watch.usage;
        let cpu_ms = usage.cpu_ms();
        let termination = if ended == Ended::OutputLimit {
            Termination::OutputLimit
        } else if ended == Ended::WallLimit {
            Termination::WallLimit
        } else if oom_killed || usage.peak_kb > limits.memory_kb {
            Termination::MemoryLimit
        } else if cpu_ms > limits.cpu_ms || signal == Some(libc::SIGXCPU) {
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
            peak_kb: usage.peak_kb,
            leftover_processes,
            stdout_len: stdout.0.len() as u64,
            stderr_len: stderr.0.len() as u64,
            stderr_truncated: stderr.1,
            collected: collected_specs,
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

/// The answer when the program could not be started.
fn spawn_failed(handling: Instant, err: io::Error) -> Ran {
    let result = RunResult {
        termination: Termination::SpawnFailed,
        exit_code: None,
        signal: None,
        cpu_ms: 0,
        wall_ms: 0,
        wall_us: 0,
        supervisor_us: handling.elapsed().as_micros() as u64,
        peak_kb: 0,
        leftover_processes: 0,
        stdout_len: 0,
        stderr_len: 0,
        stderr_truncated: false,
        collected: Vec::new(),
        message: Some(err.to_string()),
    };
    Ran {
        result,
        stdout: Vec::new(),
        stderr: Vec::new(),
        collected: Vec::new(),
    }
}

fn oom_kills() -> Option<u64> {
    let text = fs::read_to_string(OOM_CONTROL).ok()?;
    text.lines()
        .find_map(|line| line.strip_prefix("oom_kill "))
        .and_then(|n| n.trim().parse().ok())
}

/// An anonymous in-memory file holding the input, rewound: seekable like a file, with no path
/// another process could swap.
fn input_file(input: &[u8]) -> io::Result<fs::File> {
    let name = CString::new("stdin").map_err(io::Error::other)?;
    // SAFETY: `name` is a valid NUL-terminated string that outlives the call.
    let fd = unsafe { libc::memfd_create(name.as_ptr(), libc::MFD_CLOEXEC) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: memfd_create returned a fresh descriptor that nothing else owns.
    let mut file = fs::File::from(unsafe { OwnedFd::from_raw_fd(fd) });
    file.write_all(input)?;
    io::Seek::seek(&mut file, io::SeekFrom::Start(0))?;
    Ok(file)
}

/// Puts the request's files into the scratch directory: owned by root and read-only, so the
/// program can read them but not change them.
fn place_files(dir: &Path, specs: &[FileSpec], contents: &[Vec<u8>]) -> io::Result<()> {
    for (spec, body) in specs.iter().zip(contents) {
        if !is_plain_name(&spec.name) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("bad file name {:?}", spec.name),
            ));
        }
        let path = dir.join(&spec.name);
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .custom_flags_nofollow()
            .open(&path)?;
        file.write_all(body)?;
        fs::set_permissions(&path, fs::Permissions::from_mode(0o444))?;
    }
    Ok(())
}

/// Reads back the requested files of `dir`: regular files only (never through a symlink the
/// program planted), each capped.
fn collect_files(dir: &Path, names: &[String]) -> (Vec<FileSpec>, Vec<Vec<u8>>) {
    let mut specs = Vec::new();
    let mut contents = Vec::new();
    for name in names.iter().filter(|name| is_plain_name(name)) {
        let opened = fs::OpenOptions::new()
            .read(true)
            .custom_flags_nofollow()
            .open(dir.join(name));
        let Ok(file) = opened else { continue };
        if !file.metadata().is_ok_and(|m| m.is_file()) {
            continue;
        }
        let mut body = Vec::new();
        if file.take(COLLECT_BYTES).read_to_end(&mut body).is_ok() {
            specs.push(FileSpec {
                name: name.clone(),
                len: body.len() as u64,
            });
            contents.push(body);
        }
    }
    (specs, contents)
}
