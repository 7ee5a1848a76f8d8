//! Measuring one run from the container's cgroup while it runs, and stopping it at its CPU or
//! memory limit (see [`super::cgroup`] for what is counted and why it is the whole run).
//!
//! A run's CPU time is the growth of the cgroup's CPU counter less the supervisor's own CPU
//! time meanwhile; its memory is the growth of the cgroup's anonymous, shared and kernel memory
//! less the supervisor's own growth meanwhile (the output it holds). Both are sampled while the
//! program runs (the watch loop wakes for it), every [`SAMPLE_EVERY`], and more often as its
//! memory nears the limit (down to every [`SAMPLE_NEAR_LIMIT`]), so that even memory that passes
//! the limit for a few milliseconds (a file written until its tmpfs is full, then deleted) is
//! seen. Once the run's processes are gone, its CPU time and memory are read once more: what
//! outlives them (files in the tmpfs mounts, System V message queues and shared memory) is the
//! run's too, until the clean-up removes it.
//!
//! The starting point is read between runs ([`Baseline::read`], while the last answer travels
//! to the worker), not on the way to starting the program: a test of a trivial program costs
//! the supervisor a few microseconds more, not tens.

use std::{
    ffi::CString,
    fs,
    os::unix::fs::FileExt,
    time::{Duration, Instant},
};

use super::cgroup::Cgroup;

/// The limit a reading found passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Passed {
    Cpu,
    Memory,
}

/// How often a running program's CPU time and memory are read.
pub const SAMPLE_EVERY: Duration = Duration::from_millis(5);
/// How often once its memory is past half of the limit, and past nine tenths.
const SAMPLE_PAST_HALF: Duration = Duration::from_millis(1);
const SAMPLE_NEAR_LIMIT: Duration = Duration::from_micros(250);

/// The tmpfs mounts whose files are the run's memory, and whose space or inodes running out is
/// the run's memory running out.
const MEMORY_FILESYSTEMS: [&str; 2] = ["/tmp", "/dev/shm"];

/// The counters a run's measurements start from.
#[derive(Debug, Clone, Copy, Default)]
pub struct Baseline {
    cpu_ns: u64,
    own_cpu_ns: u64,
    memory: u64,
    own_memory: u64,
    files: u64,
}

/// The supervisor's own counters and settings, and the files that read or set them, kept open
/// between runs.
pub struct Own {
    statm: Option<fs::File>,
    clear_refs: Option<fs::File>,
    oom_score_adj: Option<fs::File>,
    filesystems: Vec<CString>,
}

impl Own {
    pub fn open() -> Self {
        let write = |path| fs::OpenOptions::new().write(true).open(path).ok();
        Self {
            statm: fs::File::open("/proc/self/statm").ok(),
            clear_refs: write("/proc/self/clear_refs"),
            oom_score_adj: write("/proc/self/oom_score_adj"),
            filesystems: MEMORY_FILESYSTEMS
                .iter()
                .filter_map(|dir| CString::new(*dir).ok())
                .collect(),
        }
    }

    /// The supervisor's own resident memory.
    fn resident_bytes(&self) -> u64 {
        let Some(statm) = &self.statm else {
            return 0;
        };
        let mut buffer = [0u8; 128];
        let Ok(n) = statm.read_at(&mut buffer, 0) else {
            return 0;
        };
        let pages: u64 = std::str::from_utf8(&buffer[..n])
            .ok()
            .and_then(|text| text.split_whitespace().nth(1)?.parse().ok())
            .unwrap_or(0);
        pages.saturating_mul(page_size())
    }

    /// Resets the supervisor's peak resident memory to its current one. The program starts on
    /// the supervisor's memory (`CLONE_VM`) and the kernel carries that memory's peak into the
    /// program's own at `execve`: without this, a run after one with a large output (which the
    /// supervisor held) would report the supervisor's peak as the program's.
    pub fn forget_peak(&self) {
        if let Some(file) = &self.clear_refs {
            // "5" resets the peak RSS (proc(5), /proc/pid/clear_refs); best effort.
            let _ = file.write_at(b"5", 0);
        }
    }

    /// Makes the OOM killer's first pick whatever process the supervisor starts next, and only
    /// that: the score is raised just before the program is started (it inherits it) and set
    /// back to 0 once it runs. A full memory cgroup then costs the program, never the supervisor;
    /// lowering the supervisor's own score instead would need CAP_SYS_RESOURCE, which engines
    /// may lack. Best effort: without /proc the program keeps the supervisor's score.
    pub fn program_first_for_oom(&self, starting: bool) {
        if let Some(file) = &self.oom_score_adj {
            let score: &[u8] = if starting { b"1000" } else { b"0" };
            let _ = file.write_at(score, 0);
        }
    }

    /// Bytes the memory tmpfs mounts hold now, and whether one of them is full (no space or no
    /// inodes left: the run filled memory with files).
    fn files(&self) -> (u64, bool) {
        let mut used = 0;
        let mut full = false;
        for dir in &self.filesystems {
            // SAFETY: statvfs is plain old data; zeroed is a valid value that statvfs overwrites.
            let mut stat: libc::statvfs = unsafe { std::mem::zeroed() };
            // SAFETY: a NUL-terminated path and a valid out pointer.
            if unsafe { libc::statvfs(dir.as_ptr(), &mut stat) } != 0 {
                continue;
            }
            used += (stat.f_blocks - stat.f_bfree) * stat.f_frsize;
            full |= (stat.f_blocks > 0 && stat.f_bfree == 0) || (stat.f_files > 0 && stat.f_ffree == 0);
        }
        (used, full)
    }
}

/// The cgroup's memory between runs, read once and then followed cheaply: after a clean-up the
/// container holds only the supervisor, `/work` and the supervisor's own files, so between runs
/// the cgroup's anonymous, shared and kernel memory changes only as the supervisor's own does.
/// Reading `memory.stat` costs the kernel about as much as the rest of a trivial test's
/// supervision, so it is read again only when something else may have changed (see
/// `Runner::prepare`).
#[derive(Debug, Clone, Copy)]
pub struct MemoryReference {
    memory: u64,
    own_memory: u64,
}

impl MemoryReference {
    pub fn read(cgroup: &Cgroup, own: &Own) -> Option<Self> {
        Some(Self {
            memory: cgroup.memory().ok()?.total(),
            own_memory: own.resident_bytes(),
        })
    }
}

impl Baseline {
    /// Reads every starting counter; between runs, or when none was read since the last run.
    /// The cgroup's memory comes from `reference` when there is one, else from the cgroup.
    pub fn read(cgroup: Option<&Cgroup>, own: &Own, reference: Option<MemoryReference>) -> Self {
        let own_memory = own.resident_bytes();
        let memory = match reference {
            Some(reference) => (reference.memory + own_memory).saturating_sub(reference.own_memory),
            None => cgroup
                .and_then(|cgroup| cgroup.memory().ok())
                .map_or(0, |memory| memory.total()),
        };
        Self {
            cpu_ns: cgroup.and_then(|cgroup| cgroup.cpu_ns().ok()).unwrap_or(0),
            own_cpu_ns: own_cpu_ns(),
            memory,
            own_memory,
            files: own.files().0,
        }
    }

    /// Counts `bytes` that the supervisor put into memory files since the reading (the input,
    /// files for a checker) as part of the starting point: they are not the program's.
    pub fn add_files(&mut self, bytes: u64) {
        let pages = bytes.div_ceil(page_size()) * page_size();
        self.memory += pages;
        self.files += pages;
    }
}

pub struct Meter<'a> {
    cgroup: Option<&'a Cgroup>,
    own: &'a Own,
    start: Baseline,
    cpu_limit_ns: u64,
    memory_limit: u64,
    /// The run's CPU time at the last reading.
    pub cpu_ns: u64,
    /// The largest memory seen in any reading, and the last one.
    pub peak_bytes: u64,
    last_bytes: u64,
    /// A memory tmpfs was found full.
    pub files_full: bool,
    /// Samples read while the program ran.
    pub samples: u32,
    next: Instant,
}

impl<'a> Meter<'a> {
    /// Measures from `start`; call right before the program starts.
    pub fn start(
        cgroup: Option<&'a Cgroup>,
        own: &'a Own,
        start: Baseline,
        cpu_limit_ms: u64,
        memory_limit_bytes: u64,
    ) -> Self {
        Self {
            cgroup,
            own,
            start,
            cpu_limit_ns: cpu_limit_ms.saturating_mul(1_000_000),
            memory_limit: memory_limit_bytes,
            cpu_ns: 0,
            peak_bytes: 0,
            last_bytes: 0,
            files_full: false,
            samples: 0,
            next: Instant::now() + SAMPLE_EVERY,
        }
    }

    /// Whether the cgroup is being read (else the run falls back to `wait4`'s usage).
    pub fn active(&self) -> bool {
        self.cgroup.is_some()
    }

    /// When the next sample is due.
    pub fn next(&self) -> Instant {
        self.next
    }

    /// Reads the cgroup if a sample is due; answers the limit the run has passed, if any.
    pub fn sample_if_due(&mut self, now: Instant) -> Option<Passed> {
        if now < self.next {
            return None;
        }
        self.samples += 1;
        self.read_cpu();
        self.read_memory();
        let every = if self.last_bytes > self.memory_limit / 10 * 9 {
            SAMPLE_NEAR_LIMIT
        } else if self.last_bytes > self.memory_limit / 2 {
            SAMPLE_PAST_HALF
        } else {
            SAMPLE_EVERY
        };
        self.next = now + every;
        self.passed()
    }

    /// Once every process of the run is gone: its CPU time once more, and the memory it left
    /// behind (files in the memory tmpfs mounts, System V objects), which a run too short to be
    /// sampled would otherwise hide.
    pub fn finish(&mut self) {
        self.read_cpu();
        self.read_memory();
        let (files, full) = self.own.files();
        self.files_full = full;
        self.peak_bytes = self.peak_bytes.max(files.saturating_sub(self.start.files));
    }

    fn passed(&self) -> Option<Passed> {
        if self.peak_bytes > self.memory_limit {
            Some(Passed::Memory)
        } else if self.cpu_ns > self.cpu_limit_ns {
            Some(Passed::Cpu)
        } else {
            None
        }
    }

    fn read_cpu(&mut self) {
        let Some(cgroup) = self.cgroup else {
            return;
        };
        if let Ok(total) = cgroup.cpu_ns() {
            let own = own_cpu_ns().saturating_sub(self.start.own_cpu_ns);
            self.cpu_ns = self
                .cpu_ns
                .max(total.saturating_sub(self.start.cpu_ns).saturating_sub(own));
        }
    }

    fn read_memory(&mut self) {
        let Some(cgroup) = self.cgroup else {
            return;
        };
        if let Ok(memory) = cgroup.memory() {
            // What the supervisor grew by meanwhile (the output it holds) is not the program's.
            let held = self.own.resident_bytes().saturating_sub(self.start.own_memory);
            let used = memory
                .total()
                .saturating_sub(self.start.memory)
                .saturating_sub(held);
            self.last_bytes = used;
            self.peak_bytes = self.peak_bytes.max(used);
        }
    }
}

fn page_size() -> u64 {
    // SAFETY: sysconf takes a plain integer.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    u64::try_from(page).unwrap_or(4096)
}

/// The supervisor's own CPU time (user + system) so far.
fn own_cpu_ns() -> u64 {
    // SAFETY: rusage is plain old data; zeroed is a valid value that getrusage overwrites.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: a valid pointer to a live rusage.
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } != 0 {
        return 0;
    }
    let nanos = |t: libc::timeval| (t.tv_sec as u64) * 1_000_000_000 + (t.tv_usec as u64) * 1000;
    nanos(usage.ru_utime) + nanos(usage.ru_stime)
}
