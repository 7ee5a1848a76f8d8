//! `coderank-supervisor`: runs as root (with a handful of capabilities) and as the first process
//! of a judge container; runs each requested program as the unprivileged judge user.
//!
//! Per run it: feeds the input from an anonymous in-memory file; limits CPU time (the container
//! cgroup's count of every process, sampled while it runs, and RLIMIT_CPU), memory (the cgroup's
//! anonymous, tmpfs and kernel memory, sampled likewise; the OOM killer picks the program
//! first), wall time, stack (= memory limit), open files, file size and standard output;
//! measures CPU time and memory over every process of the run and wall time; and, when the main
//! process ends, kills every process the judge user still has (orphans and `setsid` daemons
//! included) and reaps them, so nothing carries over to the next run. Scratch runs start from
//! an emptied `/tmp`. `run` does all that; this file reads requests and answers them.
//!
//! Usage: `coderank-supervisor [--uid N]`: programs run as uid and gid N (default 10001, the
//! images' judge user).

mod run;

use std::{
    fs,
    io::{self, Read, Write},
    os::{
        fd::AsFd,
        unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt},
    },
    path::{Path, PathBuf},
};

use coderank_supervisor::protocol::{
    encode_frame, read_header, read_payload, ErrorReply, Hello, Request, RunRequest, Sealed, Written,
    PROTOCOL_VERSION,
};
use run::{Runner, JUDGE_UID};

const WORK_DIR: &str = "/work";

fn main() {
    // Orphans of the judged program must come back to us to be killed and reaped, also when we
    // are not PID 1 (e.g. behind an init).
    // SAFETY: prctl with PR_SET_CHILD_SUBREAPER takes an integer argument and touches no memory.
    unsafe {
        libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    }
    let uid = match judge_uid(std::env::args().skip(1)) {
        Ok(uid) => uid,
        Err(message) => {
            eprintln!("coderank-supervisor: {message}");
            std::process::exit(2);
        }
    };
    let mut runner = match Runner::new(uid) {
        Ok(runner) => runner,
        Err(err) => {
            eprintln!("coderank-supervisor: cannot start: {err}");
            std::process::exit(1);
        }
    };
    let stdin = io::stdin();
    let mut input = stdin.lock();
    // Frames go out with one write each, not through std's line-buffered stdout (which would
    // split a frame at every newline of a payload into separate writes, and so separate
    // Docker attach messages).
    let mut output = match io::stdout().as_fd().try_clone_to_owned() {
        Ok(fd) => fs::File::from(fd),
        Err(err) => {
            eprintln!("coderank-supervisor: cannot use stdout: {err}");
            std::process::exit(1);
        }
    };
    let hello = Hello {
        supervisor: env!("CARGO_PKG_VERSION").to_owned(),
        protocol: PROTOCOL_VERSION,
    };
    if send(&mut output, &hello, &[]).is_err() {
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
                Ok(body) => match write_work_file(&name, &body, executable, runner.uid()) {
                    Ok(()) => send(&mut output, &Written { written: len }, &[]),
                    Err(err) => reply_error(&mut output, format!("cannot write {name}: {err}")),
                },
                Err(err) => Err(err),
            },
            Request::Seal => match seal(Path::new(WORK_DIR)) {
                Ok(()) => send(&mut output, &Sealed { sealed: true }, &[]),
                Err(err) => reply_error(&mut output, format!("cannot seal {WORK_DIR}: {err}")),
            },
            Request::Run(run) => match read_run_payloads(&mut input, &run) {
                Ok((stdin, files)) => match runner.execute(&run, &stdin, &files) {
                    Ok(ran) => {
                        let mut payloads: Vec<&[u8]> = vec![&ran.stdout, &ran.stderr];
                        payloads.extend(ran.collected.iter().map(Vec::as_slice));
                        let sent = send(&mut output, &ran.result, &payloads);
                        runner.prepare();
                        sent
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

/// The uid programs run as: `--uid N` (the worker gives each sandbox its own, so that sandboxes
/// side by side share no per-user kernel allowance), else the judge user of the images.
fn judge_uid(mut args: impl Iterator<Item = String>) -> Result<u32, String> {
    let Some(flag) = args.next() else {
        return Ok(JUDGE_UID);
    };
    let value = match (flag.as_str(), args.next()) {
        ("--uid", Some(value)) => value,
        _ => return Err(format!("unknown argument {flag:?}; the only one is --uid N")),
    };
    match value.parse::<u32>() {
        // Never root, and never a system account.
        Ok(uid) if (1000..u32::MAX).contains(&uid) => Ok(uid),
        _ => Err(format!("--uid {value:?} is not a uid of 1000 or more")),
    }
}

/// Writes one frame with a single system call.
fn send<T: serde::Serialize>(output: &mut fs::File, header: &T, payloads: &[&[u8]]) -> io::Result<()> {
    output.write_all(&encode_frame(header, payloads)?)
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

pub(crate) fn is_plain_name(name: &str) -> bool {
    !name.is_empty() && name != "." && name != ".." && !name.contains('/') && !name.contains('\0')
}

fn reply_error(output: &mut fs::File, error: String) -> io::Result<()> {
    send(output, &ErrorReply { error }, &[])
}

/// Writes a source file into `/work` under its relative name (folders made as needed), owned
/// by the judge user who compiles it. Only the supervisor has written to `/work` before the
/// compile step, so no part of the path can be a link the program planted; links are not
/// followed all the same.
fn write_work_file(name: &str, body: &[u8], executable: bool, uid: u32) -> io::Result<()> {
    let parts: Vec<&str> = name.split('/').collect();
    if !parts.iter().all(|part| is_plain_name(part)) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a relative path of plain names",
        ));
    }
    let mut path = PathBuf::from(WORK_DIR);
    for (index, part) in parts.iter().enumerate() {
        path.push(part);
        if index + 1 == parts.len() {
            break;
        }
        match fs::symlink_metadata(&path) {
            Ok(metadata) if metadata.is_dir() => continue,
            Ok(_) => {
                return Err(io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    "a file is in the way",
                ))
            }
            Err(err) if err.kind() == io::ErrorKind::NotFound => {}
            Err(err) => return Err(err),
        }
        fs::DirBuilder::new().mode(0o755).create(&path)?;
        std::os::unix::fs::lchown(&path, Some(uid), Some(uid))?;
    }
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
    std::os::unix::fs::lchown(&path, Some(uid), Some(uid))
}

pub(crate) trait NoFollow {
    fn custom_flags_nofollow(&mut self) -> &mut Self;
    /// Also `O_NONBLOCK`: opening a FIFO then returns at once instead of waiting for a writer.
    fn custom_flags_nofollow_nonblocking(&mut self) -> &mut Self;
}

impl NoFollow for fs::OpenOptions {
    fn custom_flags_nofollow(&mut self) -> &mut Self {
        std::os::unix::fs::OpenOptionsExt::custom_flags(self, libc::O_NOFOLLOW)
    }

    fn custom_flags_nofollow_nonblocking(&mut self) -> &mut Self {
        std::os::unix::fs::OpenOptionsExt::custom_flags(self, libc::O_NOFOLLOW | libc::O_NONBLOCK)
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
