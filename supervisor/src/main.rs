//! `coderank-supervisor`: runs as root (with a handful of capabilities) and as the first process
//! of a judge container; runs each requested program as the unprivileged judge user.
//!
//! Per run it: feeds the input from an anonymous in-memory file; limits CPU time (RLIMIT_CPU
//! plus the tree's total), wall time (a watchdog), stack (= memory limit), and standard output;
//! measures CPU time summed over every process of the run, wall time, and the peak resident
//! memory of the largest process; and, when the main process ends, kills every process the judge
//! user still has (orphans and `setsid` daemons included) and reaps them, so nothing carries over
//! to the next run. Scratch runs start from an emptied `/tmp`.

use std::{
    ffi::CString,
    fs,
    io::{self, Read, Write},
    os::{
        fd::{FromRawFd, OwnedFd},
        unix::{
            fs::{MetadataExt, PermissionsExt},
            process::CommandExt,
        },
    },
    path::{Path, PathBuf},
    process::{Command, Stdio},
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, Condvar, Mutex,
    },
    thread,
    time::{Duration, Instant},
};

use coderank_supervisor::protocol::{
    read_header, read_payload, write_frame, ErrorReply, FileSpec, Hello, Request, RunRequest, RunResult,
    Sealed, Termination, Workdir, Written, COLLECT_BYTES, PROTOCOL_VERSION,
};

/// The unprivileged user every judge image has (see judge-images/base).
const JUDGE_UID: u32 = 10001;
const JUDGE_GID: u32 = 10001;
const WORK_DIR: &str = "/work";
const TMP_DIR: &str = "/tmp";
const SCRATCH_DIR: &str = "/tmp/box";
/// Where the memory cgroup reports OOM kills (cgroup v1), to tell MLE from other kills.
const OOM_CONTROL: &str = "/sys/fs/cgroup/memory/memory.oom_control";

fn main() {
    // Orphans of the judged program must come back to us to be killed and reaped, also when we
    // are not PID 1 (e.g. behind an init).
    // SAFETY: prctl with PR_SET_CHILD_SUBREAPER takes an integer argument and touches no memory.
    unsafe {
        libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    }
    let stdin = io::stdin();
    let stdout = io::stdout();
    let mut input = stdin.lock();
    let mut output = stdout.lock();
    let hello = Hello {
        supervisor: env!("CARGO_PKG_VERSION").to_owned(),
        protocol: PROTOCOL_VERSION,
    };
    if write_frame(&mut output, &hello, &[]).is_err() {
        std::process::exit(1);
    }
    loop {
        let request: Request = match read_header(&mut input) {
            Ok(Some(request)) => request,
            Ok(None) => break,
            Err(err) => {
                eprintln!("coderank-supervisor: bad request: {err}");
                std::process::exit(2);
            }
        };
        let sent = match request {
            Request::Exit => break,
            Request::Write {
                name,
                len,
                executable,
            } => match read_payload(&mut input, len) {
                Ok(body) => match write_work_file(&name, &body, executable) {
                    Ok(()) => write_frame(&mut output, &Written { written: len }, &[]),
                    Err(err) => reply_error(&mut output, format!("cannot write {name}: {err}")),
                },
                Err(err) => Err(err),
            },
            Request::Seal => match seal(Path::new(WORK_DIR)) {
                Ok(()) => write_frame(&mut output, &Sealed { sealed: true }, &[]),
                Err(err) => reply_error(&mut output, format!("cannot seal {WORK_DIR}: {err}")),
            },
            Request::Run(run) => match read_run_payloads(&mut input, &run) {
                Ok((stdin, files)) => match execute(&run, &stdin, &files) {
                    Ok(ran) => {
                        let mut payloads: Vec<&[u8]> = vec![&ran.stdout, &ran.stderr];
                        payloads.extend(ran.collected.iter().map(Vec::as_slice));
                        write_frame(&mut output, &ran.result, &payloads)
                    }
                    Err(err) => reply_error(&mut output, format!("cannot run {:?}: {err}", run.argv)),
                },
                Err(err) => Err(err),
            },
        };
        if let Err(err) = sent {
            eprintln!("coderank-supervisor: {err}");
            std::process::exit(2);
        }
    }
}

/// The standard input, then each file's content, as the request announces them.
fn read_run_payloads(input: &mut impl Read, run: &RunRequest) -> io::Result<(Vec<u8>, Vec<Vec<u8>>)> {
    let stdin = read_payload(input, run.stdin_len)?;
    let files = run
        .files
        .iter()
        .map(|file| read_payload(input, file.len))
        .collect::<io::Result<_>>()?;
    Ok((stdin, files))
}

fn is_plain_name(name: &str) -> bool {
    !name.is_empty() && name != "." && name != ".." && !name.contains('/') && !name.contains('\0')
}

fn reply_error(output: &mut impl Write, error: String) -> io::Result<()> {
    write_frame(output, &ErrorReply { error }, &[])
}

/// Writes a source file into `/work`, owned by the judge user who compiles it.
fn write_work_file(name: &str, body: &[u8], executable: bool) -> io::Result<()> {
    if !is_plain_name(name) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a plain file name",
        ));
    }
    let path = Path::new(WORK_DIR).join(name);
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .custom_flags_nofollow()
        .open(&path)?;
    file.write_all(body)?;
    fs::set_permissions(
        &path,
        fs::Permissions::from_mode(if executable { 0o755 } else { 0o644 }),
    )?;
    std::os::unix::fs::lchown(&path, Some(JUDGE_UID), Some(JUDGE_GID))
}

trait NoFollow {
    fn custom_flags_nofollow(&mut self) -> &mut Self;
}

impl NoFollow for fs::OpenOptions {
    fn custom_flags_nofollow(&mut self) -> &mut Self {
        std::os::unix::fs::OpenOptionsExt::custom_flags(self, libc::O_NOFOLLOW)
    }
}

/// Gives `/work` to root and removes every write permission, so the judge user can read and
/// run the compiled program but not change it. Symlinks are re-owned but never followed.
fn seal(dir: &Path) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let file_type = entry.file_type()?;
        std::os::unix::fs::lchown(&path, Some(0), Some(0))?;
        if file_type.is_symlink() {
            continue;
        }
        if file_type.is_dir() {
            seal(&path)?;
        }
        let mode = entry.metadata()?.mode();
        let sealed = if file_type.is_dir() || mode & 0o111 != 0 {
            0o555
        } else {
            0o444
        };
        fs::set_permissions(&path, fs::Permissions::from_mode(sealed))?;
    }
    std::os::unix::fs::lchown(dir, Some(0), Some(0))?;
    fs::set_permissions(dir, fs::Permissions::from_mode(0o555))
}

/// Other places every process in the container may write to, which would otherwise carry state
/// from one test to the next: Docker's shared-memory tmpfs and the POSIX message queues.
const SHARED_DIRS: [&str; 2] = ["/dev/shm", "/dev/mqueue"];

/// Removes the System V IPC objects (shared memory, message queues, semaphore sets) the judge
/// user made: they outlive the processes that made them and would carry state to the next test.
/// Only an object's owner may remove it, so this runs with the judge user as effective uid; the
/// saved uid stays root, so the supervisor gets its uid and capabilities back afterwards. No
/// other thread of the supervisor runs at this point.
fn remove_ipc_objects() -> io::Result<()> {
    let tables: [(&str, IpcRemover); 3] = [
        ("/proc/sysvipc/shm", remove_shm),
        ("/proc/sysvipc/msg", remove_msg),
        ("/proc/sysvipc/sem", remove_sem),
    ];
    let ids: Vec<(IpcRemover, i32)> = tables
        .iter()
        .flat_map(|(table, remove)| {
            let text = fs::read_to_string(table).unwrap_or_default();
            // The second column of every line after the header is the object's id.
            let ids: Vec<i32> = text
                .lines()
                .skip(1)
                .filter_map(|l| l.split_whitespace().nth(1)?.parse().ok())
                .collect();
            ids.into_iter().map(move |id| (*remove, id))
        })
        .collect();
    if ids.is_empty() {
        return Ok(());
    }
    // SAFETY: seteuid takes a plain integer; it fails cleanly if not permitted.
    if unsafe { libc::seteuid(JUDGE_UID) } != 0 {
        return Err(io::Error::last_os_error());
    }
    for (remove, id) in ids {
        // Objects of other users are not the program's; the program cannot make any.
        remove(id);
    }
    // SAFETY: as above; the saved uid is still 0, so this is permitted.
    if unsafe { libc::seteuid(0) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

type IpcRemover = fn(i32) -> i32;

fn remove_shm(id: i32) -> i32 {
    // SAFETY: IPC_RMID takes no buffer; a stale id only yields an error.
    unsafe { libc::shmctl(id, libc::IPC_RMID, std::ptr::null_mut()) }
}

fn remove_msg(id: i32) -> i32 {
    // SAFETY: IPC_RMID takes no buffer; a stale id only yields an error.
    unsafe { libc::msgctl(id, libc::IPC_RMID, std::ptr::null_mut()) }
}

fn remove_sem(id: i32) -> i32 {
    // SAFETY: IPC_RMID takes no further argument; a stale id only yields an error.
    unsafe { libc::semctl(id, 0, libc::IPC_RMID) }
}

/// Empties `/tmp` (but for the supervisor's own files, which start with `.coderank`), the
/// shared directories and the IPC objects, and makes a fresh scratch directory for the judge
/// user.
fn fresh_scratch() -> io::Result<PathBuf> {
    remove_ipc_objects()?;
    empty_dir(Path::new(TMP_DIR), |name| name.starts_with(".coderank"))?;
    for dir in SHARED_DIRS {
        match empty_dir(Path::new(dir), |_| false) {
            Err(err) if err.kind() == io::ErrorKind::NotFound => {}
            other => other?,
        }
    }
    fs::create_dir(SCRATCH_DIR)?;
    fs::set_permissions(SCRATCH_DIR, fs::Permissions::from_mode(0o700))?;
    std::os::unix::fs::lchown(SCRATCH_DIR, Some(JUDGE_UID), Some(JUDGE_GID))?;
    Ok(PathBuf::from(SCRATCH_DIR))
}

/// Removes everything in `dir` except the entries `keep` names.
fn empty_dir(dir: &Path, keep: impl Fn(&str) -> bool) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        if keep(&entry.file_name().to_string_lossy()) {
            continue;
        }
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            make_writable(&path)?;
            fs::remove_dir_all(&path)?;
        } else {
            fs::remove_file(&path)?;
        }
    }
    Ok(())
}

/// A program may leave directories without write or search permission; root without
/// CAP_DAC_OVERRIDE could not then empty them, so give them back first.
fn make_writable(dir: &Path) -> io::Result<()> {
    fs::set_permissions(dir, fs::Permissions::from_mode(0o700))?;
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            make_writable(&entry.path())?;
        }
    }
    Ok(())
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

/// The judge user's processes still present, as (pid, is_zombie).
fn judge_processes() -> Vec<(i32, bool)> {
    let Ok(entries) = fs::read_dir("/proc") else {
        return Vec::new();
    };
    let own = std::process::id() as i32;
    entries
        .filter_map(Result::ok)
        .filter_map(|entry| entry.file_name().to_str()?.parse::<i32>().ok())
        .filter(|pid| *pid != own)
        .filter_map(|pid| {
            let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
            let uid: u32 = status
                .lines()
                .find_map(|l| l.strip_prefix("Uid:"))?
                .split_whitespace()
                .next()?
                .parse()
                .ok()?;
            let zombie = status
                .lines()
                .find_map(|l| l.strip_prefix("State:"))?
                .trim_start()
                .starts_with('Z');
            (uid == JUDGE_UID).then_some((pid, zombie))
        })
        .collect()
}

/// SIGKILLs every live process of the judge user until none is left (a fork bomb may still be
/// forking during the first passes). Answers how many distinct processes it killed.
fn kill_judge_processes() -> u32 {
    let mut killed = std::collections::HashSet::new();
    for pass in 0..10_000 {
        let live: Vec<i32> = judge_processes()
            .into_iter()
            .filter(|(_, zombie)| !zombie)
            .map(|(pid, _)| pid)
            .collect();
        if live.is_empty() {
            break;
        }
        if pass > 0 {
            // Killed processes take a moment to become zombies; do not spin on /proc meanwhile.
            thread::sleep(Duration::from_micros(200));
        }
        for pid in live {
            // SAFETY: kill takes plain integers; a pid that has gone away only yields ESRCH.
            if unsafe { libc::kill(pid, libc::SIGKILL) } == 0 {
                killed.insert(pid);
            }
        }
    }
    u32::try_from(killed.len()).unwrap_or(u32::MAX)
}

fn oom_kills() -> Option<u64> {
    let text = fs::read_to_string(OOM_CONTROL).ok()?;
    text.lines()
        .find_map(|line| line.strip_prefix("oom_kill "))
        .and_then(|n| n.trim().parse().ok())
}

/// Reads a pipe to its end, keeping at most `cap` bytes; `over` is set when more came.
fn drain(mut pipe: impl Read, cap: u64, over: Option<(&AtomicBool, &dyn Fn())>) -> (Vec<u8>, bool) {
    let mut kept = Vec::new();
    let mut truncated = false;
    let mut buffer = [0u8; 64 * 1024];
    loop {
        let n = match pipe.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => break,
        };
        let room = cap.saturating_sub(kept.len() as u64) as usize;
        kept.extend_from_slice(&buffer[..n.min(room)]);
        if n > room && !truncated {
            truncated = true;
            if let Some((flag, kill)) = over {
                flag.store(true, Ordering::SeqCst);
                kill();
                break;
            }
        }
    }
    (kept, truncated)
}

/// Kills the run's processes at its wall-time deadline unless the run finishes first.
struct Watchdog {
    state: Mutex<WatchState>,
    wake: Condvar,
}

#[derive(Default)]
struct WatchState {
    deadline: Option<Instant>,
    done: bool,
}

impl Watchdog {
    fn start(&self, deadline: Instant) {
        if let Ok(mut state) = self.state.lock() {
            state.deadline = Some(deadline);
            self.wake.notify_all();
        }
    }

    fn finish(&self) {
        if let Ok(mut state) = self.state.lock() {
            state.done = true;
            self.wake.notify_all();
        }
    }

    fn watch(&self, wall_over: &AtomicBool) {
        let Ok(mut state) = self.state.lock() else { return };
        loop {
            if state.done {
                return;
            }
            let wait = match state.deadline {
                None => None,
                Some(deadline) => match deadline.checked_duration_since(Instant::now()) {
                    Some(left) if !left.is_zero() => Some(left),
                    _ => {
                        wall_over.store(true, Ordering::SeqCst);
                        drop(state);
                        kill_judge_processes();
                        return;
                    }
                },
            };
            state = match wait {
                None => match self.wake.wait(state) {
                    Ok(guard) => guard,
                    Err(_) => return,
                },
                Some(left) => match self.wake.wait_timeout(state, left) {
                    Ok((guard, _)) => guard,
                    Err(_) => return,
                },
            };
        }
    }
}

/// A thread, or an error instead of a panic when none can be made.
fn spawn_thread<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> io::Result<thread::JoinHandle<T>> {
    thread::Builder::new().stack_size(256 * 1024).spawn(work)
}

/// What one run produced, ready to send back.
struct Ran {
    result: RunResult,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    collected: Vec<Vec<u8>>,
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

fn execute(run: &RunRequest, stdin: &[u8], files: &[Vec<u8>]) -> io::Result<Ran> {
    let handling = Instant::now();
    if run.workdir == Workdir::Work && !run.files.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "files go with scratch runs only",
        ));
    }
    let limits = run.limits;
    let (cwd, home) = match run.workdir {
        Workdir::Work => (PathBuf::from(WORK_DIR), PathBuf::from(TMP_DIR)),
        Workdir::Scratch => {
            let scratch = fresh_scratch()?;
            place_files(&scratch, &run.files, files)?;
            (scratch.clone(), scratch)
        }
    };
    let Some((program, args)) = run.argv.split_first() else {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, "empty argv"));
    };
    let mut command = Command::new(program);
    command
        .args(args)
        .current_dir(&cwd)
        .env("HOME", &home)
        .env("TMPDIR", &home)
        .envs(run.env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::from(input_file(stdin)?))
        .uid(JUDGE_UID)
        .gid(JUDGE_GID);
    let memory_bytes = limits.memory_kb.saturating_mul(1024);
    // The kernel counts RLIMIT_CPU in whole seconds: SIGXCPU at the first whole second at or
    // above the limit, SIGKILL a second later should the program ignore it.
    let cpu_secs = limits.cpu_ms.div_ceil(1000).max(1);
    // SAFETY: the closure runs between fork and exec and only calls setrlimit, which is
    // async-signal-safe, on values computed before the fork.
    unsafe {
        command.pre_exec(move || {
            set_limit(libc::RLIMIT_STACK, memory_bytes, memory_bytes)?;
            set_limit(libc::RLIMIT_CPU, cpu_secs, cpu_secs + 1)?;
            set_limit(libc::RLIMIT_CORE, 0, 0)?;
            Ok(())
        });
    }

    // Everything the supervisor needs while the program runs (pipes, reader threads, the
    // watchdog) exists before the program starts: a fork bomb may take every free pid of the
    // container at once, and the supervisor must not need one after that.
    let (out_read, out_write) = io::pipe()?;
    let (err_read, err_write) = io::pipe()?;
    command
        .stdout(Stdio::from(out_write))
        .stderr(Stdio::from(err_write));
    let output_over = Arc::new(AtomicBool::new(false));
    let wall_over = Arc::new(AtomicBool::new(false));
    let watchdog = Arc::new(Watchdog {
        state: Mutex::new(WatchState::default()),
        wake: Condvar::new(),
    });
    let stdout_reader = {
        let over = Arc::clone(&output_over);
        let cap = limits.output_bytes;
        spawn_thread(move || {
            drain(
                out_read,
                cap,
                Some((&over, &|| {
                    kill_judge_processes();
                })),
            )
        })?
    };
    let stderr_reader = {
        let cap = limits.stderr_bytes;
        spawn_thread(move || drain(err_read, cap, None))?
    };
    let timer = {
        let watchdog = Arc::clone(&watchdog);
        let wall_over = Arc::clone(&wall_over);
        spawn_thread(move || watchdog.watch(&wall_over))?
    };

    let oom_before = oom_kills();
    let started = Instant::now();
    let spawned = command.spawn();
    // Our copies of the pipes' write ends must close, or the readers never see the end.
    drop(command);
    watchdog.start(started + Duration::from_millis(limits.wall_ms));
    let child = match spawned {
        Ok(child) => child,
        Err(err) => {
            watchdog.finish();
            let _ = (timer.join(), stdout_reader.join(), stderr_reader.join());
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
            return Ok(Ran {
                result,
                stdout: Vec::new(),
                stderr: Vec::new(),
                collected: Vec::new(),
            });
        }
    };
    let main_pid = child.id() as i32;

    // Reap until the main process has ended; orphans that end first are reaped on the way.
    let mut usage = Usage::default();
    let mut main_status = None;
    while main_status.is_none() {
        match reap(0) {
            Some((pid, status, rusage)) => {
                usage.add(&rusage);
                if pid == main_pid {
                    main_status = Some(status);
                }
            }
            None => break,
        }
    }
    let wall = started.elapsed();
    watchdog.finish();
    let leftover_processes = kill_judge_processes();
    while let Some((_, _, rusage)) = reap(0) {
        usage.add(&rusage);
    }
    // Child's handle is already reaped above; forget it without waiting again.
    drop(child);
    let _ = timer.join();
    let (stdout, _) = stdout_reader
        .join()
        .map_err(|_| io::Error::other("stdout reader panicked"))?;
    let (stderr, stderr_truncated) = stderr_reader
        .join()
        .map_err(|_| io::Error::other("stderr reader panicked"))?;

    let (collected_specs, collected) = collect_files(&cwd, &run.collect);
    let status = main_status.unwrap_or(0);
    let exited = libc::WIFEXITED(status);
    let signal = libc::WIFSIGNALED(status).then(|| libc::WTERMSIG(status));
    let oom_killed = matches!((oom_before, oom_kills()), (Some(before), Some(after)) if after > before);
    let cpu_ms = usage.cpu_ms();
    let termination = if output_over.load(Ordering::SeqCst) {
        Termination::OutputLimit
    } else if wall_over.load(Ordering::SeqCst) {
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
        exit_code: exited.then(|| libc::WEXITSTATUS(status)),
        signal,
        cpu_ms,
        wall_ms: wall.as_millis() as u64,
        wall_us: wall.as_micros() as u64,
        supervisor_us: handling.elapsed().saturating_sub(wall).as_micros() as u64,
        peak_kb: usage.peak_kb,
        leftover_processes,
        stdout_len: stdout.len() as u64,
        stderr_len: stderr.len() as u64,
        stderr_truncated,
        collected: collected_specs,
        message: None,
    };
    Ok(Ran {
        result,
        stdout,
        stderr,
        collected,
    })
}

fn set_limit(resource: libc::__rlimit_resource_t, soft: u64, hard: u64) -> io::Result<()> {
    let limit = libc::rlimit {
        rlim_cur: soft,
        rlim_max: hard,
    };
    // SAFETY: `limit` is a valid rlimit on the stack for the duration of the call.
    if unsafe { libc::setrlimit(resource, &limit) } == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Waits for any child; `None` once there are none left.
fn reap(flags: i32) -> Option<(i32, i32, libc::rusage)> {
    loop {
        let mut status = 0;
        // SAFETY: rusage is plain old data; zeroed is a valid value that wait4 overwrites.
        let mut rusage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: both pointers refer to live stack values of the right types.
        let pid = unsafe { libc::wait4(-1, &mut status, flags, &mut rusage) };
        if pid > 0 {
            return Some((pid, status, rusage));
        }
        if pid < 0 && io::Error::last_os_error().kind() == io::ErrorKind::Interrupted {
            continue;
        }
        return None;
    }
}

/// CPU time and peak memory over every process of one run.
#[derive(Default)]
struct Usage {
    cpu_us: u64,
    peak_kb: u64,
}

impl Usage {
    fn add(&mut self, rusage: &libc::rusage) {
        let micros = |t: libc::timeval| (t.tv_sec as u64) * 1_000_000 + t.tv_usec as u64;
        self.cpu_us += micros(rusage.ru_utime) + micros(rusage.ru_stime);
        self.peak_kb = self.peak_kb.max(rusage.ru_maxrss as u64);
    }

    fn cpu_ms(&self) -> u64 {
        self.cpu_us / 1000
    }
}
