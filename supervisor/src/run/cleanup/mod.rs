//! What keeps one run from seeing another: a fresh scratch directory, emptied shared
//! directories, no System V IPC objects, and no process of the judge user left alive.
//!
//! Each clean-up first makes a cheap check and does the work only when there is something to
//! clean: a trivial test then costs a handful of system calls, a hostile one as many as it
//! needs. Trees are removed relative to directory descriptors, without recursion and without
//! holding a descriptor per level, so no depth of tree (beyond `PATH_MAX`, or than the stack
//! or the descriptor table would allow) can make a clean-up fail.

use std::{
    ffi::{CStr, CString},
    fs, io,
    os::{
        fd::{AsRawFd, FromRawFd, OwnedFd, RawFd},
        unix::{ffi::OsStrExt, fs::DirBuilderExt},
    },
    path::{Path, PathBuf},
};

mod ipc;

const TMP_DIR: &str = "/tmp";
const SCRATCH_NAME: &str = "box";

/// Other places every process in the container may write to, which would otherwise carry state
/// from one test to the next: the shared-memory tmpfs and the POSIX message queues.
const SHARED_DIRS: [&str; 2] = ["/dev/shm", "/dev/mqueue"];

/// Runs `work` with `uid` as effective uid, so that the kernel lets it touch exactly what the
/// judge user may. The saved uid stays root, so the supervisor gets its uid and capabilities
/// back afterwards. The supervisor has no other thread that could run meanwhile.
fn as_judge<T>(uid: u32, work: impl FnOnce() -> T) -> io::Result<T> {
    // SAFETY: seteuid takes a plain integer; it fails cleanly if not permitted.
    if unsafe { libc::seteuid(uid) } != 0 {
        return Err(io::Error::last_os_error());
    }
    let done = work();
    // SAFETY: as above; the saved uid is still 0, so this is permitted.
    if unsafe { libc::seteuid(0) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(done)
}

/// SIGKILLs every process of the judge user at once: `kill(-1)` from the judge user's uid
/// reaches every process it may signal, which are exactly the judge user's (the supervisor's
/// real and saved uid are root's). The kernel signals them all under the lock that `fork`
/// takes, and a `fork` that finishes after it sees its parent's pending SIGKILL and fails, so
/// no fork bomb can outrun it. It needs no capability to kill.
pub fn kill_all(uid: u32) -> io::Result<()> {
    // SAFETY: kill takes plain integers; with no process to signal it only yields ESRCH.
    as_judge(uid, || unsafe { libc::kill(-1, libc::SIGKILL) })?;
    Ok(())
}

/// How many live (not zombie) processes the judge user has, from one pass over `/proc`.
pub fn count_judge_processes(judge_uid: u32) -> u32 {
    let Ok(entries) = fs::read_dir("/proc") else {
        return 0;
    };
    let own = std::process::id();
    let live = entries
        .filter_map(Result::ok)
        .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| *pid != own)
        .filter(|pid| {
            // The real uid, from `status`: a process can make /proc/PID look root's
            // (PR_SET_DUMPABLE), but not change this.
            let Ok(status) = fs::read_to_string(format!("/proc/{pid}/status")) else {
                return false;
            };
            let field = |name: &str| status.lines().find_map(|line| line.strip_prefix(name));
            let uid = field("Uid:").and_then(|uids| uids.split_whitespace().next()?.parse::<u32>().ok());
            let zombie = field("State:").is_some_and(|state| state.trim_start().starts_with('Z'));
            uid == Some(judge_uid) && !zombie
        })
        .count();
    u32::try_from(live).unwrap_or(u32::MAX)
}

/// Empties `/tmp` (but for the supervisor's own files: root's, with names starting with
/// `.coderank`), the shared directories and the IPC objects, and makes a new empty scratch
/// directory for the judge user. Always a new one: a directory the last program had could carry
/// its state in its times or extended attributes.
pub fn fresh_scratch(uid: u32, gid: u32) -> io::Result<PathBuf> {
    ipc::remove_objects(uid)?;
    empty_dir(Path::new(TMP_DIR), |name, stat| {
        name.to_bytes().starts_with(b".coderank") && stat.st_uid == 0
    })?;
    for dir in SHARED_DIRS {
        match empty_dir(Path::new(dir), |_, _| false) {
            Err(err) if err.kind() == io::ErrorKind::NotFound => {}
            other => other?,
        }
    }
    let scratch = Path::new(TMP_DIR).join(SCRATCH_NAME);
    fs::DirBuilder::new().mode(0o700).create(&scratch)?;
    std::os::unix::fs::lchown(&scratch, Some(uid), Some(gid))?;
    Ok(scratch)
}

/// Removes everything in `dir` but the top-level entries `keep` accepts, never following a
/// symlink. Depth first, iteratively: going down through a directory's descriptor and back up
/// through its `..`, so it keeps only a stack of names, never a path or a descriptor per level.
pub fn empty_dir(dir: &Path, keep: impl Fn(&CStr, &libc::stat) -> bool) -> io::Result<()> {
    let path = CString::new(dir.as_os_str().as_bytes())?;
    let mut current = open_dir(libc::AT_FDCWD, &path)?;
    // The names from `dir` down to `current`.
    let mut below: Vec<CString> = Vec::new();
    let mut entries = Entries::new();
    'directory: loop {
        entries.rewind(&current)?;
        while let Some((name, kind)) = entries.next(&current)? {
            let top = below.is_empty();
            let stat = if top || kind == libc::DT_UNKNOWN {
                Some(stat_at(current.as_raw_fd(), &name)?)
            } else {
                None
            };
            if let (true, Some(stat)) = (top, &stat) {
                if keep(&name, stat) {
                    continue;
                }
            }
            let is_dir = match &stat {
                Some(stat) => stat.st_mode & libc::S_IFMT == libc::S_IFDIR,
                None => kind == libc::DT_DIR,
            };
            if !is_dir {
                unlink_at(current.as_raw_fd(), &name, 0)?;
                continue;
            }
            match unlink_at(current.as_raw_fd(), &name, libc::AT_REMOVEDIR) {
                Ok(()) => continue,
                Err(err) if matches!(err.raw_os_error(), Some(libc::ENOTEMPTY | libc::EEXIST)) => {}
                Err(err) => return Err(err),
            }
            // Not empty: empty it first, then come back for it.
            current = open_child_dir(current.as_raw_fd(), &name)?;
            below.push(name);
            continue 'directory;
        }
        let Some(name) = below.pop() else {
            return Ok(());
        };
        let parent = open_dir(current.as_raw_fd(), c"..")?;
        unlink_at(parent.as_raw_fd(), &name, libc::AT_REMOVEDIR)?;
        current = parent;
    }
}

fn open_dir(at: RawFd, name: &CStr) -> io::Result<OwnedFd> {
    // SAFETY: a NUL-terminated name valid for the call; the result is a new descriptor.
    let fd = unsafe {
        libc::openat(
            at,
            name.as_ptr(),
            libc::O_RDONLY | libc::O_DIRECTORY | libc::O_NOFOLLOW | libc::O_CLOEXEC,
        )
    };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: a fresh descriptor that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// Opens a subdirectory to empty it; a directory the program made unreadable is given back
/// its permissions first (the supervisor owns the right to, as root).
fn open_child_dir(at: RawFd, name: &CStr) -> io::Result<OwnedFd> {
    match open_dir(at, name) {
        Err(err) if err.raw_os_error() == Some(libc::EACCES) => {
            // SAFETY: a NUL-terminated name valid for the call; no flags.
            if unsafe { libc::fchmodat(at, name.as_ptr(), 0o700, 0) } != 0 {
                return Err(io::Error::last_os_error());
            }
            open_dir(at, name)
        }
        other => other,
    }
}

fn stat_at(at: RawFd, name: &CStr) -> io::Result<libc::stat> {
    // SAFETY: stat is plain old data; zeroed is a valid value that fstatat overwrites.
    let mut stat: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: valid name and out pointer for the call.
    if unsafe { libc::fstatat(at, name.as_ptr(), &mut stat, libc::AT_SYMLINK_NOFOLLOW) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(stat)
}

fn unlink_at(at: RawFd, name: &CStr, flags: libc::c_int) -> io::Result<()> {
    // SAFETY: a NUL-terminated name valid for the call.
    if unsafe { libc::unlinkat(at, name.as_ptr(), flags) } != 0 {
        let err = io::Error::last_os_error();
        // Gone already is what was wanted.
        if err.kind() != io::ErrorKind::NotFound {
            return Err(err);
        }
    }
    Ok(())
}

/// Reads a directory's entries in batches with `getdents64`, into one buffer reused for every
/// directory of a clean-up.
struct Entries {
    buffer: Vec<u8>,
    filled: usize,
    at: usize,
}

impl Entries {
    fn new() -> Self {
        Self {
            buffer: vec![0; 32 * 1024],
            filled: 0,
            at: 0,
        }
    }

    /// Starts over at the first entry of `dir` (after coming back up into it).
    fn rewind(&mut self, dir: &OwnedFd) -> io::Result<()> {
        // SAFETY: lseek on a directory descriptor we own.
        if unsafe { libc::lseek(dir.as_raw_fd(), 0, libc::SEEK_SET) } < 0 {
            return Err(io::Error::last_os_error());
        }
        self.filled = 0;
        self.at = 0;
        Ok(())
    }

    /// The next entry other than `.` and `..`: its name and `d_type`.
    fn next(&mut self, dir: &OwnedFd) -> io::Result<Option<(CString, u8)>> {
        loop {
            if self.at >= self.filled {
                // SAFETY: getdents64 writes at most the buffer's length into it.
                let n = unsafe {
                    libc::syscall(
                        libc::SYS_getdents64,
                        dir.as_raw_fd(),
                        self.buffer.as_mut_ptr(),
                        self.buffer.len(),
                    )
                };
                if n < 0 {
                    return Err(io::Error::last_os_error());
                }
                if n == 0 {
                    return Ok(None);
                }
                self.filled = n as usize;
                self.at = 0;
            }
            // struct linux_dirent64 { u64 d_ino; i64 d_off; u16 d_reclen; u8 d_type; char d_name[]; }
            let record = &self.buffer[self.at..self.filled];
            let length = usize::from(u16::from_ne_bytes([record[16], record[17]]));
            let kind = record[18];
            let name_bytes = &record[19..length.min(record.len())];
            self.at += length.max(1);
            let end = name_bytes
                .iter()
                .position(|&b| b == 0)
                .unwrap_or(name_bytes.len());
            let name = &name_bytes[..end];
            if name == b"." || name == b".." {
                continue;
            }
            let name = CString::new(name).map_err(io::Error::other)?;
            return Ok(Some((name, kind)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("coderank-cleanup-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("mkdir");
        dir
    }

    #[test]
    fn a_tree_deeper_than_path_max_is_removed() {
        let root = scratch("deep");
        // 40 levels of 200-character names: 8000 characters, twice PATH_MAX.
        let name = "d".repeat(200);
        let base = fs::File::open(&root).expect("open");
        let mut fd = base.as_raw_fd();
        let mut owned = Vec::new();
        for _ in 0..40 {
            let cname = CString::new(name.as_str()).expect("name");
            // SAFETY: valid descriptor and name.
            assert_eq!(unsafe { libc::mkdirat(fd, cname.as_ptr(), 0o700) }, 0);
            let child = open_dir(fd, &cname).expect("open child");
            fd = child.as_raw_fd();
            owned.push(child);
        }
        let file = CString::new("bottom").expect("name");
        // SAFETY: valid descriptor and name.
        let created = unsafe { libc::openat(fd, file.as_ptr(), libc::O_CREAT | libc::O_WRONLY, 0o600) };
        assert!(created >= 0);
        // SAFETY: closing the descriptor just opened.
        unsafe { libc::close(created) };
        drop(owned);
        empty_dir(&root, |_, _| false).expect("emptied");
        assert_eq!(fs::read_dir(&root).expect("read").count(), 0);
        fs::remove_dir(&root).expect("clean");
    }

    #[test]
    fn kept_entries_stay_and_unreadable_directories_are_emptied() {
        let root = scratch("keep");
        fs::write(root.join(".coderank-keep"), "k").expect("write");
        fs::create_dir_all(root.join("a/b/c")).expect("mkdir");
        fs::write(root.join("a/b/c/file"), "x").expect("write");
        std::os::unix::fs::symlink("/etc", root.join("a/link")).expect("symlink");
        let many = root.join("many");
        fs::create_dir(&many).expect("mkdir");
        for i in 0..3000 {
            fs::write(many.join(format!("file-with-a-longish-name-{i}")), "").expect("write");
        }
        empty_dir(&root, |name, _| name.to_bytes() == b".coderank-keep").expect("emptied");
        let left: Vec<_> = fs::read_dir(&root)
            .expect("read")
            .map(|entry| entry.expect("entry").file_name())
            .collect();
        assert_eq!(left, vec![std::ffi::OsString::from(".coderank-keep")]);
        assert!(Path::new("/etc").exists(), "the symlink's target was left alone");
        fs::remove_dir_all(&root).expect("clean");
    }
}
