//! Starting the judged program the way `posix_spawn` does: a `clone` that shares the
//! supervisor's memory (`CLONE_VM`) and suspends the supervisor until the program is executing
//! (`CLONE_VFORK`). A `fork` would copy the supervisor's page tables and then make it take a
//! copy-on-write fault for every page it touches while the program runs; on a virtual machine
//! that was most of the cost of starting a test.
//!
//! The child shares memory with the supervisor, so everything it needs is prepared before the
//! clone, and between the clone and `execve` it makes raw system calls only: no allocation, no
//! lock, and none of glibc's process-wide bookkeeping (glibc's `setuid` would try to change the
//! credentials of every thread it knows of, and they are the supervisor's).

use std::{
    convert::Infallible,
    ffi::{c_char, c_int, c_long, c_void, CString, OsStr, OsString},
    io,
    os::{
        fd::{AsRawFd, BorrowedFd, RawFd},
        unix::ffi::OsStrExt,
    },
    path::Path,
    sync::atomic::{AtomicI32, Ordering},
};

/// Where a bare program name (`python3`) is looked up when the environment has no `PATH`.
const DEFAULT_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// Signals whose handlers the supervisor's runtime installs or ignores (Rust's std ignores
/// SIGPIPE and catches SIGSEGV and SIGBUS for stack overflows); the program starts with the
/// default action for each, as after a plain `execve` from a fresh process.
const RESET_SIGNALS: [c_int; 3] = [libc::SIGPIPE, libc::SIGSEGV, libc::SIGBUS];

/// Size of the stack the child runs on until `execve`; it makes a handful of system calls.
pub const CHILD_STACK_BYTES: usize = 64 * 1024;

/// Everything the child needs, prepared before the clone.
pub struct Plan {
    /// Paths to try `execve` on, in order (the program, or each `PATH` entry joined with it).
    paths: Vec<CString>,
    argv: Vec<CString>,
    env: Vec<CString>,
    /// NULL-terminated pointer arrays into `argv` and `env`.
    argv_ptrs: Vec<*const c_char>,
    env_ptrs: Vec<*const c_char>,
    cwd: CString,
    /// (descriptor, the standard stream it becomes).
    stdio: [(RawFd, RawFd); 3],
    limits: Vec<(c_int, libc::rlimit)>,
    uid: libc::uid_t,
    gid: libc::gid_t,
    /// Set by the child to the errno of the step that failed, before it exits.
    error: AtomicI32,
}

/// What to start, in the supervisor's terms.
pub struct Program<'a> {
    pub argv: &'a [String],
    /// The whole environment of the program.
    pub env: Vec<(OsString, OsString)>,
    pub cwd: &'a Path,
    /// Standard input, output and error.
    pub stdio: [BorrowedFd<'a>; 3],
    /// (resource, soft, hard).
    pub limits: Vec<(c_int, u64, u64)>,
    pub uid: libc::uid_t,
    pub gid: libc::gid_t,
}

fn c_string(bytes: &[u8]) -> io::Result<CString> {
    CString::new(bytes).map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "a NUL byte in argv or env"))
}

fn null_terminated(strings: &[CString]) -> Vec<*const c_char> {
    strings
        .iter()
        .map(|s| s.as_ptr())
        .chain(std::iter::once(std::ptr::null()))
        .collect()
}

impl Plan {
    pub fn new(program: Program<'_>) -> io::Result<Self> {
        let Some(name) = program.argv.first() else {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "empty argv"));
        };
        let search = program
            .env
            .iter()
            .find(|(key, _)| key == "PATH")
            .map_or_else(|| OsStr::new(DEFAULT_PATH), |(_, value)| value.as_os_str());
        let paths = if name.contains('/') {
            vec![c_string(name.as_bytes())?]
        } else {
            // As execvp: each PATH entry in order, an empty entry meaning the working directory.
            search
                .as_bytes()
                .split(|&b| b == b':')
                .map(|dir| {
                    let dir = if dir.is_empty() { &b"."[..] } else { dir };
                    c_string(&[dir, b"/", name.as_bytes()].concat())
                })
                .collect::<io::Result<_>>()?
        };
        let argv = program
            .argv
            .iter()
            .map(|arg| c_string(arg.as_bytes()))
            .collect::<io::Result<Vec<_>>>()?;
        let env = program
            .env
            .iter()
            .map(|(key, value)| c_string(&[key.as_bytes(), b"=", value.as_bytes()].concat()))
            .collect::<io::Result<Vec<_>>>()?;
        let limits = program
            .limits
            .iter()
            .map(|&(resource, soft, hard)| {
                let limit = libc::rlimit {
                    rlim_cur: soft,
                    rlim_max: hard,
                };
                (resource, limit)
            })
            .collect();
        let [stdin, stdout, stderr] = program.stdio.map(|fd| fd.as_raw_fd());
        Ok(Self {
            paths,
            argv_ptrs: null_terminated(&argv),
            env_ptrs: null_terminated(&env),
            argv,
            env,
            cwd: c_string(program.cwd.as_os_str().as_bytes())?,
            stdio: [(stdin, 0), (stdout, 1), (stderr, 2)],
            limits,
            uid: program.uid,
            gid: program.gid,
            error: AtomicI32::new(0),
        })
    }
}

/// Starts the program and answers its pid once it is executing; an error when it could not be
/// started (no such program, no pid left, …), the failed child already reaped.
pub fn spawn(plan: &Plan, stack: &mut [u8]) -> io::Result<i32> {
    debug_assert!(plan.argv.len() + 1 == plan.argv_ptrs.len() && plan.env.len() + 1 == plan.env_ptrs.len());
    plan.error.store(0, Ordering::SeqCst);
    // The stack grows down from its (16-byte aligned) end.
    let top = stack.as_mut_ptr_range().end as usize & !15;
    // SAFETY: sigset_t is plain old data; sigfillset and pthread_sigmask only write into the
    // sets given.
    let mut all: libc::sigset_t = unsafe { std::mem::zeroed() };
    // SAFETY: as above.
    let mut previous: libc::sigset_t = unsafe { std::mem::zeroed() };
    // SAFETY: both sets are valid for the calls. Every signal stays blocked until the child has
    // reset the handlers it inherits: a handler run in the child would run on shared memory.
    unsafe {
        libc::sigfillset(&mut all);
        libc::pthread_sigmask(libc::SIG_SETMASK, &all, &mut previous);
    }
    // SAFETY: `child` only reads `plan`, which outlives the child's use of it because
    // CLONE_VFORK suspends this thread until the child has called execve or exited; the child
    // runs on `stack`, which nothing else uses meanwhile.
    let pid = unsafe {
        libc::clone(
            child,
            top as *mut c_void,
            libc::CLONE_VM | libc::CLONE_VFORK | libc::SIGCHLD,
            plan as *const Plan as *mut c_void,
        )
    };
    let clone_error = io::Error::last_os_error();
    // SAFETY: restores the mask saved above.
    unsafe { libc::pthread_sigmask(libc::SIG_SETMASK, &previous, std::ptr::null_mut()) };
    if pid < 0 {
        return Err(clone_error);
    }
    match plan.error.load(Ordering::SeqCst) {
        0 => Ok(pid),
        errno => {
            let mut status = 0;
            // SAFETY: waits for our own child, which has exited; status is a valid int.
            unsafe { libc::waitpid(pid, &mut status, 0) };
            Err(io::Error::from_raw_os_error(errno))
        }
    }
}

extern "C" fn child(plan: *mut c_void) -> c_int {
    // SAFETY: `spawn` passes a valid &Plan, alive until this child execs or exits.
    let plan = unsafe { &*(plan as *const Plan) };
    let Err(errno) = start(plan);
    plan.error.store(errno.max(1), Ordering::SeqCst);
    // SAFETY: ends this child only (the supervisor is another process); touches no memory.
    unsafe { libc::syscall(libc::SYS_exit, 127) };
    127
}

/// The child's steps up to `execve`; answers the errno of the one that failed.
fn start(plan: &Plan) -> Result<Infallible, i32> {
    // SIG_DFL with no flags and an empty mask is all zeros in every layout of the kernel's
    // struct sigaction.
    let default_action = [0u64; 4];
    let no_signals: u64 = 0;
    let sigset_size = std::mem::size_of::<u64>() as c_long;
    // SAFETY: every system call below gets pointers to `plan` or to locals of this function,
    // alive and of the types the call expects for its whole duration.
    unsafe {
        for signal in RESET_SIGNALS {
            let action = default_action.as_ptr() as c_long;
            raw(libc::SYS_rt_sigaction, [signal.into(), action, 0, sigset_size])?;
        }
        for (resource, limit) in &plan.limits {
            let limit = limit as *const libc::rlimit as c_long;
            raw(libc::SYS_prlimit64, [0, (*resource).into(), limit, 0])?;
        }
        raw(libc::SYS_setgroups, [0, 0, 0, 0])?;
        raw(libc::SYS_setgid, [plan.gid.into(), 0, 0, 0])?;
        raw(libc::SYS_setuid, [plan.uid.into(), 0, 0, 0])?;
        raw(libc::SYS_chdir, [plan.cwd.as_ptr() as c_long, 0, 0, 0])?;
        for (from, to) in plan.stdio {
            raw(libc::SYS_dup3, [from.into(), to.into(), 0, 0])?;
        }
        let mask = &no_signals as *const u64 as c_long;
        raw(
            libc::SYS_rt_sigprocmask,
            [libc::SIG_SETMASK.into(), mask, 0, sigset_size],
        )?;
        let argv = plan.argv_ptrs.as_ptr() as c_long;
        let envp = plan.env_ptrs.as_ptr() as c_long;
        let mut error = libc::ENOENT;
        for path in &plan.paths {
            let errno = match raw(libc::SYS_execve, [path.as_ptr() as c_long, argv, envp, 0]) {
                Ok(_) => continue,
                Err(errno) => errno,
            };
            // As execvp: a missing or forbidden candidate sends the search on.
            match errno {
                libc::EACCES => error = libc::EACCES,
                libc::ENOENT | libc::ENOTDIR | libc::ESTALE => {}
                other => return Err(other),
            }
        }
        Err(error)
    }
}

/// One raw system call; the errno when it fails.
///
/// # Safety
/// The arguments must be what the system call expects, pointers valid for the call.
unsafe fn raw(number: c_long, [a, b, c, d]: [c_long; 4]) -> Result<c_long, i32> {
    // SAFETY: the caller vouches for the arguments.
    let result = unsafe { libc::syscall(number, a, b, c, d) };
    if result < 0 {
        Err(io::Error::last_os_error().raw_os_error().unwrap_or(libc::EINVAL))
    } else {
        Ok(result)
    }
}
