//! The FIFOs of an interactive run, and (below) the rest an interactive or multi-pass run needs:
//! the clock its end is noted on and a multi-pass validator's feedback directory.
//!
//! The FIFOs: the program of this sandbox and a program of another one
//! (the submission and the problem's validator) talk through two FIFOs in a directory both
//! sandboxes mount, which only root (the supervisors) may enter, so neither program can open
//! them by name.
//!
//! Neither side may block for ever on the other: each opens its read end first, non-blocking
//! (which never waits for a writer), then its write end non-blocking, which fails with ENXIO
//! until the other side has its read end open, retried until the connect deadline. Since both
//! open their read ends first, both get through as soon as both are there. A read end may
//! still have no writer then (the other side is between its two opens), and a program reading
//! it would see the end of its input at once: so each side writes one handshake byte once its
//! write end is open and waits (until the deadline) for the other's byte on its read end, which
//! it takes out. The pipes are then enlarged (so that a program writing ahead does not stall
//! at the default 64 KiB), made blocking again, and handed to the program. The supervisor keeps
//! its own copies until it has seen its program end and noted when: the other side cannot see
//! that end (no end of input, no broken pipe) before it is noted, so a program that ends in
//! answer to the other's end is always noted as ending later (see `RunResult::ended_ns`).

use std::{
    ffi::CString,
    fs, io,
    os::{
        fd::{AsRawFd, FromRawFd, OwnedFd},
        unix::{ffi::OsStrExt, fs::PermissionsExt},
    },
    path::{Path, PathBuf},
    time::{Duration, Instant},
};

use coderank_supervisor::protocol::{Feedback, Pipes, FEEDBACK_DIR, NEXT_PASS};

use super::cleanup;

use crate::is_plain_name;

/// The size asked for each pipe (the kernel's default most a process may ask for unprivileged).
const PIPE_BYTES: i32 = 1 << 20;
/// Between tries of an open whose other side is not there yet.
const RETRY: Duration = Duration::from_millis(1);

/// The program's standard input and output, connected.
pub struct Connected {
    pub input: OwnedFd,
    pub output: OwnedFd,
}

/// The FIFOs' paths, checked to be plain names in an absolute directory.
fn paths(pipes: &Pipes) -> io::Result<(PathBuf, PathBuf)> {
    let dir = Path::new(&pipes.dir);
    if !dir.is_absolute() || !is_plain_name(&pipes.input) || !is_plain_name(&pipes.output) {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, "bad FIFO names"));
    }
    Ok((dir.join(&pipes.input), dir.join(&pipes.output)))
}

/// Makes (when this side makes them) and opens both FIFOs; `Ok(None)` when the other side did
/// not come within the connect deadline.
pub fn connect(pipes: &Pipes) -> io::Result<Option<Connected>> {
    let (input_path, output_path) = paths(pipes)?;
    if pipes.make {
        for path in [&input_path, &output_path] {
            make_fifo(path)?;
        }
    }
    let deadline = Instant::now() + Duration::from_millis(pipes.connect_ms);
    let Some(input) = open_until(&input_path, libc::O_RDONLY, deadline)? else {
        return Ok(None);
    };
    let Some(output) = open_until(&output_path, libc::O_WRONLY, deadline)? else {
        return Ok(None);
    };
    if !handshake(&input, &output, deadline)? {
        return Ok(None);
    }
    for fd in [&input, &output] {
        // SAFETY: fcntl on a descriptor we own, with integer arguments. A smaller pipe than asked
        // (the system's limit, or the user's allowance spent) still works, only slower.
        unsafe {
            libc::fcntl(fd.as_raw_fd(), libc::F_SETPIPE_SZ, PIPE_BYTES);
            let flags = libc::fcntl(fd.as_raw_fd(), libc::F_GETFL);
            if flags < 0 || libc::fcntl(fd.as_raw_fd(), libc::F_SETFL, flags & !libc::O_NONBLOCK) < 0 {
                return Err(io::Error::last_os_error());
            }
        }
    }
    Ok(Some(Connected { input, output }))
}

/// Removes both FIFOs when this side made them (after the run, or when the other side never
/// came): the next test has FIFOs of its own.
pub fn remove_if_made(pipes: &Pipes) {
    if !pipes.make {
        return;
    }
    if let Ok((input, output)) = paths(pipes) {
        let _ = fs::remove_file(input);
        let _ = fs::remove_file(output);
    }
}

/// The byte each side sends once its write end is open.
const HANDSHAKE: u8 = 0x06;

/// Sends our handshake byte and takes the other side's; `false` when it did not come by the
/// deadline (or the other side came and went).
fn handshake(input: &OwnedFd, output: &OwnedFd, deadline: Instant) -> io::Result<bool> {
    // SAFETY: writes one byte from a live local to a descriptor we own.
    if unsafe { libc::write(output.as_raw_fd(), [HANDSHAKE].as_ptr().cast(), 1) } != 1 {
        return Err(io::Error::last_os_error());
    }
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let mut fd = libc::pollfd {
            fd: input.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd for the duration of the call.
        let ready = unsafe { libc::poll(&mut fd, 1, left.as_millis().min(i32::MAX as u128) as i32) };
        if ready < 0 {
            let err = io::Error::last_os_error();
            if err.raw_os_error() == Some(libc::EINTR) {
                continue;
            }
            return Err(err);
        }
        if ready == 0 {
            return Ok(false);
        }
        let mut byte = [0u8; 1];
        // SAFETY: reads at most one byte into a live local.
        let read = unsafe { libc::read(input.as_raw_fd(), byte.as_mut_ptr().cast(), 1) };
        match read {
            1 => return Ok(byte[0] == HANDSHAKE),
            0 => return Ok(false),
            _ => {
                let err = io::Error::last_os_error();
                match err.raw_os_error() {
                    Some(libc::EAGAIN | libc::EINTR) if Instant::now() < deadline => continue,
                    Some(libc::EAGAIN) => return Ok(false),
                    _ => return Err(err),
                }
            }
        }
    }
}

fn make_fifo(path: &Path) -> io::Result<()> {
    match fs::remove_file(path) {
        Err(err) if err.kind() != io::ErrorKind::NotFound => return Err(err),
        _ => {}
    }
    let name = CString::new(path.as_os_str().as_bytes())?;
    // SAFETY: a valid NUL-terminated path.
    if unsafe { libc::mkfifo(name.as_ptr(), 0o600) } < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Opens a FIFO end non-blocking, retrying while the FIFO is not made yet (ENOENT) or, for a
/// write end, nobody reads it yet (ENXIO); `None` at the deadline.
fn open_until(path: &Path, mode: i32, deadline: Instant) -> io::Result<Option<OwnedFd>> {
    let name = CString::new(path.as_os_str().as_bytes())?;
    loop {
        // SAFETY: a valid NUL-terminated path; open returns a new descriptor or -1.
        let fd = unsafe {
            libc::open(
                name.as_ptr(),
                mode | libc::O_NONBLOCK | libc::O_CLOEXEC | libc::O_NOFOLLOW,
            )
        };
        if fd >= 0 {
            // SAFETY: a fresh descriptor, owned from here on.
            let fd = unsafe { OwnedFd::from_raw_fd(fd) };
            let metadata = fs::File::from(fd.try_clone()?).metadata()?;
            if !std::os::unix::fs::FileTypeExt::is_fifo(&metadata.file_type()) {
                return Err(io::Error::new(io::ErrorKind::InvalidData, "not a FIFO"));
            }
            return Ok(Some(fd));
        }
        let err = io::Error::last_os_error();
        match err.raw_os_error() {
            Some(libc::ENOENT | libc::ENXIO | libc::EINTR) => {}
            _ => return Err(err),
        }
        if Instant::now() >= deadline {
            return Ok(None);
        }
        std::thread::sleep(RETRY);
    }
}

/// Now on `CLOCK_MONOTONIC`, in nanoseconds: the same clock in every container of the host.
pub fn monotonic_ns() -> u64 {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes into `now`, a valid timespec.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut now) };
    (now.tv_sec as u64)
        .saturating_mul(1_000_000_000)
        .saturating_add(now.tv_nsec as u64)
}

/// Makes the feedback directory of a multi-pass validator: root's, so that the clean-up between
/// runs keeps it (see `cleanup::fresh_scratch`), writable by the validator; emptied for the first
/// pass of a test.
pub fn feedback_dir(feedback: Feedback) -> io::Result<()> {
    let dir = Path::new(FEEDBACK_DIR);
    match fs::symlink_metadata(dir) {
        Ok(metadata) if metadata.is_dir() => match feedback {
            Feedback::Fresh => cleanup::empty_dir(dir, |_, _| false)?,
            Feedback::Kept => match fs::remove_file(dir.join(NEXT_PASS)) {
                Err(err) if err.kind() != io::ErrorKind::NotFound => return Err(err),
                _ => {}
            },
        },
        Ok(_) => {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                "the feedback directory is not one",
            ))
        }
        Err(err) if err.kind() == io::ErrorKind::NotFound => {
            std::os::unix::fs::DirBuilderExt::mode(&mut fs::DirBuilder::new(), 0o777).create(dir)?;
        }
        Err(err) => return Err(err),
    }
    std::os::unix::fs::lchown(dir, Some(0), Some(0))?;
    fs::set_permissions(dir, fs::Permissions::from_mode(0o777))
}
