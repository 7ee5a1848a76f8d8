//! Watching one run: reading the program's output as it comes, reaping its processes, sampling
//! its CPU time and memory, and ending it at the wall-time deadline, at its CPU or memory limit,
//! or when stdout passes its limit, all from one `poll`.

use std::{
    fs,
    io::{self, Read},
    os::fd::AsRawFd,
    time::{Duration, Instant},
};

use super::{
    cleanup,
    meter::{Meter, Passed},
};

/// Reads the program's output and reaps its processes until the main process has ended,
/// killing everything at the deadline, at a CPU or memory limit the meter finds passed, or when
/// stdout passes its limit. Answers the main process's wait status, its wall time, and whether
/// a limit ended it.
pub fn wait_for(
    children: &fs::File,
    watch: &mut Watch,
    meter: &mut Meter<'_>,
    main_pid: i32,
    started: Instant,
    deadline: Instant,
) -> io::Result<(i32, Duration, Ended)> {
    let mut ended = Ended::ByItself;
    loop {
        let now = Instant::now();
        if ended == Ended::ByItself && now >= deadline {
            ended = Ended::WallLimit;
            watch.killed_at = Some(now);
            cleanup::kill_all(watch.uid)?;
        }
        if ended == Ended::ByItself {
            if let Some(limit) = meter.sample_if_due(now) {
                ended = match limit {
                    Passed::Cpu => Ended::CpuLimit,
                    Passed::Memory => Ended::MemoryLimit,
                };
                watch.killed_at = Some(now);
                cleanup::kill_all(watch.uid)?;
            }
        }
        let timeout = match ended {
            Ended::ByItself => {
                let wake = if meter.active() {
                    deadline.min(meter.next())
                } else {
                    deadline
                };
                i32::try_from(wake.saturating_duration_since(now).as_millis() + 1).unwrap_or(i32::MAX)
            }
            _ => -1,
        };
        let mut fds = [
            poll_fd(watch.stdout.fd()),
            poll_fd(watch.stderr.fd()),
            poll_fd(Some(children.as_raw_fd())),
        ];
        // SAFETY: `fds` is a valid array of pollfd of the length given.
        if unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, timeout) } < 0 {
            let err = io::Error::last_os_error();
            if err.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            return Err(err);
        }
        if fds[0].revents != 0 && watch.stdout.read_some() && ended == Ended::ByItself {
            ended = Ended::OutputLimit;
            watch.killed_at = Some(Instant::now());
            cleanup::kill_all(watch.uid)?;
        }
        if fds[1].revents != 0 {
            watch.stderr.read_some();
        }
        if fds[2].revents != 0 {
            // Consumes the pending SIGCHLD; which children ended, wait4 tells.
            let mut info = [0u8; std::mem::size_of::<libc::signalfd_siginfo>()];
            let _ = (&*children).read(&mut info);
            while let Reaped::Child(pid, status) = watch.reap(libc::WNOHANG) {
                if pid == main_pid {
                    return Ok((status, started.elapsed(), ended));
                }
            }
        }
    }
}

/// How the main process came to end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    ByItself,
    WallLimit,
    CpuLimit,
    MemoryLimit,
    OutputLimit,
}

/// The state of one run while it is watched.
pub struct Watch {
    pub stdout: Capture,
    pub stderr: Capture,
    pub usage: Usage,
    /// Some process of the run died of SIGKILL (ours, or the OOM killer's).
    pub sigkilled: bool,
    /// The uid the program runs as.
    pub uid: u32,
    /// When the supervisor killed the program for passing a limit: the moment it ended, for
    /// telling which of two connected programs ended first (reaping may come later).
    pub killed_at: Option<Instant>,
}

/// What `wait4` said.
enum Reaped {
    Child(i32, i32),
    /// Children remain, none has ended yet.
    Running,
    /// No child is left.
    None,
}

impl Watch {
    /// Waits for any child (with `WNOHANG`, only one that has ended) and adds up its usage.
    fn reap(&mut self, flags: i32) -> Reaped {
        loop {
            let mut status = 0;
            // SAFETY: rusage is plain old data; zeroed is a valid value that wait4 overwrites.
            let mut rusage: libc::rusage = unsafe { std::mem::zeroed() };
            // SAFETY: both pointers refer to live stack values of the right types.
            let pid = unsafe { libc::wait4(-1, &mut status, flags, &mut rusage) };
            if pid > 0 {
                self.usage.add(&rusage);
                self.sigkilled |= libc::WIFSIGNALED(status) && libc::WTERMSIG(status) == libc::SIGKILL;
                return Reaped::Child(pid, status);
            }
            if pid == 0 {
                return Reaped::Running;
            }
            if io::Error::last_os_error().kind() != io::ErrorKind::Interrupted {
                return Reaped::None;
            }
        }
    }

    /// Once the main process has ended: kills and reaps every process of the run still there,
    /// answering how many were alive. Every process of the judge user descends from the
    /// supervisor (orphans come back to it, the subreaper), so when it has no child left there
    /// is none, and `/proc` need not be read.
    pub fn end_leftovers(&mut self) -> io::Result<u32> {
        loop {
            match self.reap(libc::WNOHANG) {
                Reaped::Child(..) => {}
                Reaped::None => return Ok(0),
                Reaped::Running => break,
            }
        }
        let leftovers = cleanup::count_judge_processes(self.uid);
        cleanup::kill_all(self.uid)?;
        while let Reaped::Child(..) = self.reap(0) {}
        Ok(leftovers)
    }
}

/// One output pipe of the program, read as it fills, keeping at most `cap` bytes.
pub struct Capture {
    /// `None` once the pipe has ended, or was closed when the output passed its limit.
    pipe: Option<io::PipeReader>,
    kept: Vec<u8>,
    cap: u64,
    truncated: bool,
    /// Close the pipe at the cap (stdout, whose limit ends the run) rather than read on and
    /// drop the rest (stderr, so that the program is never blocked on it).
    close_at_cap: bool,
    /// The last read found the pipe empty with a writer still open somewhere.
    would_block: bool,
}

impl Capture {
    pub fn new(pipe: io::PipeReader, cap: u64, close_at_cap: bool) -> Self {
        Self {
            pipe: Some(pipe),
            kept: Vec::new(),
            cap,
            truncated: false,
            close_at_cap,
            would_block: false,
        }
    }

    fn fd(&self) -> Option<i32> {
        self.pipe.as_ref().map(AsRawFd::as_raw_fd)
    }

    /// Reads once; answers whether the output has just passed its cap.
    pub fn read_some(&mut self) -> bool {
        let Some(pipe) = &mut self.pipe else {
            return false;
        };
        let mut buffer = [0u8; 64 * 1024];
        let n = match pipe.read(&mut buffer) {
            Ok(0) => {
                self.pipe = None;
                return false;
            }
            Ok(n) => n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => return false,
            Err(err) if err.kind() == io::ErrorKind::WouldBlock => {
                self.would_block = true;
                return false;
            }
            Err(_) => {
                self.pipe = None;
                return false;
            }
        };
        let room = self.cap.saturating_sub(self.kept.len() as u64) as usize;
        self.kept.extend_from_slice(&buffer[..n.min(room)]);
        let passed = n > room && !self.truncated;
        if n > room {
            self.truncated = true;
            if self.close_at_cap {
                self.pipe = None;
            }
        }
        passed
    }

    /// Reads what is left in the pipe once every process of the run has ended, and answers the
    /// bytes kept and whether more came than the cap. Reads without blocking and stops at the
    /// first empty read: a write end can outlive every process (passed in an `SCM_RIGHTS`
    /// message nobody will receive), and its end-of-file would never come.
    pub fn finish(mut self) -> (Vec<u8>, bool) {
        if let Some(pipe) = &self.pipe {
            // SAFETY: fcntl on a descriptor this capture owns; F_SETFL takes an int.
            unsafe { libc::fcntl(pipe.as_raw_fd(), libc::F_SETFL, libc::O_NONBLOCK) };
        }
        while self.pipe.is_some() {
            if self.read_some() || self.would_block {
                break;
            }
        }
        (self.kept, self.truncated)
    }
}

fn poll_fd(fd: Option<i32>) -> libc::pollfd {
    libc::pollfd {
        // poll skips negative descriptors.
        fd: fd.unwrap_or(-1),
        events: libc::POLLIN,
        revents: 0,
    }
}

/// CPU time and peak memory over every process of one run.
#[derive(Default)]
pub struct Usage {
    cpu_us: u64,
    pub peak_kb: u64,
}

impl Usage {
    fn add(&mut self, rusage: &libc::rusage) {
        let micros = |t: libc::timeval| (t.tv_sec as u64) * 1_000_000 + t.tv_usec as u64;
        self.cpu_us += micros(rusage.ru_utime) + micros(rusage.ru_stime);
        self.peak_kb = self.peak_kb.max(rusage.ru_maxrss as u64);
    }

    pub fn cpu_ms(&self) -> u64 {
        self.cpu_us / 1000
    }
}
