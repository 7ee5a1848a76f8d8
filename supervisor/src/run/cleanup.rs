//! What keeps one run from seeing another: a fresh scratch directory, emptied shared
//! directories, no System V IPC objects, and no process of the judge user left alive.
//!
//! Each clean-up first makes a cheap check and does the work only when there is something to
//! clean: a trivial test then costs a handful of system calls, a hostile one as many as it needs.

use std::{
    fs, io,
    os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt},
    path::{Path, PathBuf},
};

use super::{JUDGE_GID, JUDGE_UID};

const TMP_DIR: &str = "/tmp";
const SCRATCH_NAME: &str = "box";

/// Other places every process in the container may write to, which would otherwise carry state
/// from one test to the next: Docker's shared-memory tmpfs and the POSIX message queues.
const SHARED_DIRS: [&str; 2] = ["/dev/shm", "/dev/mqueue"];

/// Runs `work` with the judge user as effective uid, so that the kernel lets it touch exactly
/// what the judge user may. The saved uid stays root, so the supervisor gets its uid and
/// capabilities back afterwards. The supervisor has no other thread that could run meanwhile.
fn as_judge<T>(work: impl FnOnce() -> T) -> io::Result<T> {
    // SAFETY: seteuid takes a plain integer; it fails cleanly if not permitted.
    if unsafe { libc::seteuid(JUDGE_UID) } != 0 {
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
/// no fork bomb can outrun it.
pub fn kill_all() -> io::Result<()> {
    // SAFETY: kill takes plain integers; with no process to signal it only yields ESRCH.
    as_judge(|| unsafe { libc::kill(-1, libc::SIGKILL) })?;
    Ok(())
}

/// How many live (not zombie) processes the judge user has, from one pass over `/proc`.
pub fn count_judge_processes() -> u32 {
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
            uid == Some(JUDGE_UID) && !zombie
        })
        .count();
    u32::try_from(live).unwrap_or(u32::MAX)
}

/// Empties `/tmp` (but for the supervisor's own files: root's, with names starting with
/// `.coderank`), the shared directories and the IPC objects, and makes a new empty scratch
/// directory for the judge user. Always a new one: a directory the last program had could carry
/// its state in its times or extended attributes.
pub fn fresh_scratch() -> io::Result<PathBuf> {
    remove_ipc_objects()?;
    for entry in fs::read_dir(TMP_DIR)? {
        let entry = entry?;
        let own =
            entry.file_name().to_string_lossy().starts_with(".coderank") && entry.metadata()?.uid() == 0;
        if !own {
            remove_entry(&entry)?;
        }
    }
    for dir in SHARED_DIRS {
        match fs::read_dir(dir) {
            Ok(entries) => {
                for entry in entries {
                    remove_entry(&entry?)?;
                }
            }
            Err(err) if err.kind() == io::ErrorKind::NotFound => {}
            Err(err) => return Err(err),
        }
    }
    let scratch = Path::new(TMP_DIR).join(SCRATCH_NAME);
    fs::DirBuilder::new().mode(0o700).create(&scratch)?;
    std::os::unix::fs::lchown(&scratch, Some(JUDGE_UID), Some(JUDGE_GID))?;
    Ok(scratch)
}

/// Removes a file or a directory tree; an empty directory (the usual scratch directory) with
/// one system call.
fn remove_entry(entry: &fs::DirEntry) -> io::Result<()> {
    let path = entry.path();
    if !entry.file_type()?.is_dir() {
        return fs::remove_file(&path);
    }
    if fs::remove_dir(&path).is_ok() {
        return Ok(());
    }
    make_writable(&path)?;
    fs::remove_dir_all(&path)
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

/// `shmctl(SHM_INFO)` fills this (the libc crate does not declare it).
#[repr(C)]
#[derive(Default)]
struct ShmInfo {
    used_ids: libc::c_int,
    shm_tot: libc::c_ulong,
    shm_rss: libc::c_ulong,
    shm_swp: libc::c_ulong,
    swap_attempts: libc::c_ulong,
    swap_successes: libc::c_ulong,
}

const SHM_INFO: libc::c_int = 14;

/// Whether the container's IPC namespace (only the judge user makes objects in it) holds any
/// System V object, from three system calls that count them; when one fails, assume it does.
fn ipc_objects_exist() -> bool {
    let mut shm = ShmInfo::default();
    // SAFETY: msginfo and seminfo are plain old data; zeroed is a valid value.
    let mut msg: libc::msginfo = unsafe { std::mem::zeroed() };
    // SAFETY: as above.
    let mut sem: libc::seminfo = unsafe { std::mem::zeroed() };
    // SAFETY: with the *_INFO commands the kernel writes one struct of the type passed, each a
    // valid local here.
    let (shm_ok, msg_ok, sem_ok) = unsafe {
        (
            libc::shmctl(0, SHM_INFO, (&mut shm as *mut ShmInfo).cast()) >= 0,
            libc::msgctl(0, libc::MSG_INFO, (&mut msg as *mut libc::msginfo).cast()) >= 0,
            libc::semctl(0, 0, libc::SEM_INFO, &mut sem as *mut libc::seminfo) >= 0,
        )
    };
    !(shm_ok && msg_ok && sem_ok) || shm.used_ids > 0 || msg.msgpool > 0 || sem.semusz > 0
}

/// Removes the System V IPC objects (shared memory, message queues, semaphore sets) the judge
/// user made: they outlive the processes that made them and would carry state to the next test.
/// Only an object's owner may remove it, so this runs as the judge user.
fn remove_ipc_objects() -> io::Result<()> {
    if !ipc_objects_exist() {
        return Ok(());
    }
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
    as_judge(|| {
        for (remove, id) in ids {
            // Objects of other users are not the program's; the program cannot make any.
            remove(id);
        }
    })
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
