//! The run's CPU time and memory from the container's cgroup, which counts every process of the
//! run, also those the program hides from `wait4` (children whose SIGCHLD it ignores, whose
//! usage the kernel discards), and the files it keeps in tmpfs (`/tmp`, `/dev/shm`).
//!
//! The container's cgroup holds the supervisor too, and it is read-only inside the container (no
//! sub-cgroup can be made, no peak reset), so a run is measured as the growth of the cgroup's
//! counters from the moment the program starts, less what the supervisor itself used meanwhile:
//! its own CPU time (`getrusage(RUSAGE_SELF)`) and the output it holds. CPU time is exact;
//! memory is sampled while the program runs (see `watch`) and once more after it, and the
//! kernel's own limit on the container stops anything faster than a sample.
//!
//! cgroup v1 (`cpuacct.usage`, `memory.stat`, `memory.kmem.usage_in_bytes`,
//! `memory.oom_control`) and v2 (`cpu.stat`, `memory.stat`, `memory.events`) are both read;
//! the parsers are pure functions, tested on files recorded from each.

use std::{fs, io, os::unix::fs::FileExt, path::Path};

/// Where a container sees its own cgroup.
const ROOT: &str = "/sys/fs/cgroup";

/// The files of the container's cgroup that a run reads, kept open between runs.
pub struct Cgroup {
    /// v1 `cpuacct.usage` (nanoseconds) or v2 `cpu.stat` (`usage_usec`).
    cpu: fs::File,
    /// `memory.stat` (v1 and v2 name their fields differently).
    memory: fs::File,
    /// v1 `memory.kmem.usage_in_bytes`: v1's `memory.stat` has no kernel memory field.
    kmem: Option<fs::File>,
    /// v1 `memory.oom_control` or v2 `memory.events`: the count of OOM kills.
    oom: Option<fs::File>,
    version: Version,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    V1,
    V2,
}

/// Memory a run can be charged for, in bytes: anonymous memory of its processes, shared memory
/// (the files of tmpfs mounts, System V and POSIX shared memory), and the kernel's memory
/// charged to the cgroup (socket and pipe buffers, System V message queues, page tables, kernel
/// stacks): a program can keep its data in the kernel's buffers as well as in its heap.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Memory {
    pub anon: u64,
    pub shmem: u64,
    pub kernel: u64,
}

impl Memory {
    pub fn total(&self) -> u64 {
        self.anon.saturating_add(self.shmem).saturating_add(self.kernel)
    }
}

impl Cgroup {
    /// The container's cgroup, or `None` where it cannot be read (then runs fall back to what
    /// `wait4` reports).
    pub fn open() -> Option<Self> {
        Self::open_at(Path::new(ROOT))
    }

    fn open_at(root: &Path) -> Option<Self> {
        if root.join("cgroup.controllers").is_file() {
            return Some(Self {
                cpu: fs::File::open(root.join("cpu.stat")).ok()?,
                memory: fs::File::open(root.join("memory.stat")).ok()?,
                kmem: None,
                oom: fs::File::open(root.join("memory.events")).ok(),
                version: Version::V2,
            });
        }
        // v1: the CPU accounting controller is mounted alone or together with `cpu`.
        let cpuacct = ["cpuacct", "cpu,cpuacct", "cpuacct,cpu"]
            .iter()
            .map(|dir| root.join(dir).join("cpuacct.usage"))
            .find(|path| path.is_file())?;
        Some(Self {
            cpu: fs::File::open(cpuacct).ok()?,
            memory: fs::File::open(root.join("memory/memory.stat")).ok()?,
            kmem: fs::File::open(root.join("memory/memory.kmem.usage_in_bytes")).ok(),
            oom: fs::File::open(root.join("memory/memory.oom_control")).ok(),
            version: Version::V1,
        })
    }

    /// CPU time of every process in the cgroup so far, in nanoseconds.
    pub fn cpu_ns(&self) -> io::Result<u64> {
        let text = read(&self.cpu)?;
        match self.version {
            Version::V1 => parse_v1_cpu(&text),
            Version::V2 => parse_v2_cpu(&text),
        }
        .ok_or_else(|| io::Error::other("unreadable cgroup CPU usage"))
    }

    /// Anonymous, shared and kernel memory charged to the cgroup now.
    pub fn memory(&self) -> io::Result<Memory> {
        let text = read(&self.memory)?;
        let mut memory =
            parse_memory(&text, self.version).ok_or_else(|| io::Error::other("unreadable memory.stat"))?;
        if let Some(kmem) = &self.kmem {
            memory.kernel = parse_v1_kmem(&read(kmem)?)
                .ok_or_else(|| io::Error::other("unreadable memory.kmem.usage_in_bytes"))?;
        }
        Ok(memory)
    }

    /// How many processes the kernel's OOM killer has killed in the cgroup so far.
    pub fn oom_kills(&self) -> Option<u64> {
        let text = read(self.oom.as_ref()?).ok()?;
        field(&text, "oom_kill")
    }
}

/// Reads a whole cgroup file from the start (cgroup files are small and regenerated per read).
fn read(file: &fs::File) -> io::Result<String> {
    let mut buffer = [0u8; 8192];
    let n = file.read_at(&mut buffer, 0)?;
    Ok(String::from_utf8_lossy(&buffer[..n]).into_owned())
}

/// The value of `name` in a flat-keyed file of `name value` lines.
fn field(text: &str, name: &str) -> Option<u64> {
    text.lines().find_map(|line| {
        let (key, value) = line.split_once(' ')?;
        (key == name).then(|| value.trim().parse().ok()).flatten()
    })
}

/// v1 `cpuacct.usage`: one number, nanoseconds.
fn parse_v1_cpu(text: &str) -> Option<u64> {
    text.trim().parse().ok()
}

/// v2 `cpu.stat`: `usage_usec` in microseconds.
fn parse_v2_cpu(text: &str) -> Option<u64> {
    field(text, "usage_usec").map(|usec| usec.saturating_mul(1000))
}

/// `memory.stat`: v1 counts the cgroup's own pages as `rss` and `shmem` (`total_*` adds its
/// descendants, which a container's cgroup has none of), and its kernel memory in a file of its
/// own (`kernel` is left 0 here); v2 names them `anon` and `shmem`, and counts kernel memory as
/// `kernel` (slab, stacks, page tables, ...; summed from those before Linux 5.18) plus `sock`
/// (network buffers, charged apart).
fn parse_memory(text: &str, version: Version) -> Option<Memory> {
    let (anon, shmem, kernel) = match version {
        Version::V1 => (
            field(text, "total_rss").or_else(|| field(text, "rss"))?,
            field(text, "total_shmem").or_else(|| field(text, "shmem"))?,
            0,
        ),
        Version::V2 => {
            let parts = ["kernel_stack", "pagetables", "percpu", "vmalloc", "slab"];
            let kernel = field(text, "kernel")
                .unwrap_or_else(|| parts.iter().filter_map(|name| field(text, name)).sum());
            let sock = field(text, "sock").unwrap_or(0);
            (
                field(text, "anon")?,
                field(text, "shmem")?,
                kernel.saturating_add(sock),
            )
        }
    };
    Some(Memory { anon, shmem, kernel })
}

/// v1 `memory.kmem.usage_in_bytes`: one number, bytes.
fn parse_v1_kmem(text: &str) -> Option<u64> {
    text.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    // Recorded inside a Docker 20.10 container on cgroup v1 (this project's machines).
    const V1_MEMORY_STAT: &str = "cache 4096\nrss 319488\nrss_huge 0\nshmem 0\nmapped_file 0\ndirty 0\nwriteback 0\nworkingset_refault_anon 0\nworkingset_refault_file 1\nswap 0\nswapcached 0\npgpgin 967\npgpgout 888\npgfault 1464\npgmajfault 0\ninactive_anon 294912\nactive_anon 8192\ninactive_file 0\nactive_file 4096\nunevictable 0\nhierarchical_memory_limit 9223372036854771712\nhierarchical_memsw_limit 9223372036854771712\ntotal_cache 4096\ntotal_rss 319488\ntotal_rss_huge 0\ntotal_shmem 0\ntotal_mapped_file 0\n";
    // The fields read, recorded in another container after `head -c 2097152 /dev/zero > /tmp/f`.
    const V1_MEMORY_STAT_WITH_FILE: &str =
        "rss 282624\nshmem 2097152\ntotal_rss 282624\ntotal_shmem 2097152\n";
    const V1_OOM_CONTROL: &str = "oom_kill_disable 0\nunder_oom 0\noom_kill 3\n";
    // Recorded from a cgroup v2 container (Docker 27, kernel 6.8) with a 64 MiB file in /tmp.
    const V2_MEMORY_STAT: &str = "anon 1204224\nfile 67391488\nkernel 393216\nkernel_stack 32768\npagetables 45056\nsec_pagetables 0\npercpu 0\nsock 0\nvmalloc 0\nshmem 67108864\nzswap 0\nzswapped 0\nfile_mapped 0\nfile_dirty 0\nfile_writeback 0\nswapcached 0\nanon_thp 0\nfile_thp 0\nshmem_thp 0\ninactive_anon 68292608\nactive_anon 20480\n";
    const V2_CPU_STAT: &str = "usage_usec 1534067\nuser_usec 1190561\nsystem_usec 343506\nnr_periods 40\nnr_throttled 2\nthrottled_usec 71223\nnr_bursts 0\nburst_usec 0\n";
    const V2_MEMORY_EVENTS: &str = "low 0\nhigh 0\nmax 12\noom 1\noom_kill 1\noom_group_kill 0\n";

    #[test]
    fn cgroup_v1_counters_parse() {
        assert_eq!(parse_v1_cpu("40125259\n"), Some(40_125_259));
        assert_eq!(
            parse_memory(V1_MEMORY_STAT, Version::V1),
            Some(Memory {
                anon: 319_488,
                shmem: 0,
                kernel: 0
            })
        );
        assert_eq!(parse_v1_kmem("921600\n"), Some(921_600));
        let with_file = parse_memory(V1_MEMORY_STAT_WITH_FILE, Version::V1).expect("parses");
        assert_eq!(with_file.shmem, 2 << 20, "a tmpfs file counts as memory");
        assert_eq!(field(V1_OOM_CONTROL, "oom_kill"), Some(3));
    }

    #[test]
    fn cgroup_v2_counters_parse() {
        assert_eq!(parse_v2_cpu(V2_CPU_STAT), Some(1_534_067_000));
        let memory = parse_memory(V2_MEMORY_STAT, Version::V2).expect("parses");
        assert_eq!(memory.anon, 1_204_224);
        assert_eq!(memory.shmem, 64 << 20, "a tmpfs file is shared memory");
        assert_eq!(memory.kernel, 393_216);
        assert_eq!(field(V2_MEMORY_EVENTS, "oom_kill"), Some(1));
    }

    #[test]
    fn kernel_memory_counts_network_buffers_and_is_summed_where_the_kernel_has_no_total() {
        let with_sock = V2_MEMORY_STAT.replace("sock 0", "sock 8192");
        let memory = parse_memory(&with_sock, Version::V2).expect("parses");
        assert_eq!(
            memory.kernel,
            393_216 + 8192,
            "socket buffers are charged apart from `kernel`"
        );
        // Before Linux 5.18 there is no `kernel` line, only its parts.
        let old = "anon 4096\nkernel_stack 16384\npagetables 8192\npercpu 0\nsock 0\nshmem 0\nslab 65536\n";
        let memory = parse_memory(old, Version::V2).expect("parses");
        assert_eq!(memory.kernel, 16_384 + 8192 + 65_536);
        assert_eq!(memory.total(), 4096 + 16_384 + 8192 + 65_536);
    }

    #[test]
    fn a_v2_tree_is_told_from_a_v1_tree() {
        let root = tempfile_dir();
        fs::write(root.join("cgroup.controllers"), "cpu memory pids\n").expect("write");
        fs::write(root.join("cpu.stat"), V2_CPU_STAT).expect("write");
        fs::write(root.join("memory.stat"), V2_MEMORY_STAT).expect("write");
        fs::write(root.join("memory.events"), V2_MEMORY_EVENTS).expect("write");
        let cgroup = Cgroup::open_at(&root).expect("a v2 cgroup");
        assert_eq!(cgroup.version, Version::V2);
        assert_eq!(cgroup.cpu_ns().expect("cpu"), 1_534_067_000);
        assert_eq!(
            cgroup.memory().expect("memory").total(),
            1_204_224 + (64 << 20) + 393_216
        );
        assert_eq!(cgroup.oom_kills(), Some(1));
        fs::remove_dir_all(&root).expect("clean");

        let root = tempfile_dir();
        fs::create_dir_all(root.join("cpu,cpuacct")).expect("mkdir");
        fs::create_dir_all(root.join("memory")).expect("mkdir");
        fs::write(root.join("cpu,cpuacct/cpuacct.usage"), "42\n").expect("write");
        fs::write(root.join("memory/memory.stat"), V1_MEMORY_STAT).expect("write");
        fs::write(root.join("memory/memory.oom_control"), V1_OOM_CONTROL).expect("write");
        fs::write(root.join("memory/memory.kmem.usage_in_bytes"), "921600\n").expect("write");
        let cgroup = Cgroup::open_at(&root).expect("a v1 cgroup");
        assert_eq!(cgroup.version, Version::V1);
        assert_eq!(cgroup.cpu_ns().expect("cpu"), 42);
        assert_eq!(cgroup.memory().expect("memory").total(), 319_488 + 921_600);
        assert_eq!(cgroup.oom_kills(), Some(3));
        fs::remove_dir_all(&root).expect("clean");
    }

    fn tempfile_dir() -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "coderank-cgroup-test-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        fs::create_dir_all(&dir).expect("mkdir");
        dir
    }
}
