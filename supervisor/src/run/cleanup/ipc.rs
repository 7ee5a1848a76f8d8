//! System V IPC objects (shared memory, message queues, semaphore sets): they outlive the
//! processes that made them, so a clean-up removes the judge user's.

use std::{fs, io};

use super::as_judge;

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
fn objects_exist() -> bool {
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
pub(super) fn remove_objects(uid: u32) -> io::Result<()> {
    if !objects_exist() {
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
    as_judge(uid, || {
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
