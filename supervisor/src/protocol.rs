//! The wire protocol between the worker and the supervisor.
//!
//! Every message is a frame: a 4-byte little-endian length, that many bytes of a JSON header,
//! then the raw payload bytes the header announces (`len`, `stdin_len`, `stdout_len` +
//! `stderr_len`). Raw payloads keep large inputs and outputs free of any encoding cost.
//!
//! The supervisor speaks first with a [`Hello`]; then each [`Request`] gets exactly one
//! response: [`Written`] to a write, [`RunResult`] to a run, [`Sealed`] to a seal, and an
//! [`ErrorReply`] to anything it cannot do.

use std::io::{self, Read, Write};

use serde::{de::DeserializeOwned, Deserialize, Serialize};

/// Bumped whenever a message changes shape; the worker refuses a supervisor that disagrees.
pub const PROTOCOL_VERSION: u32 = 3;

/// Largest JSON header accepted, so a corrupt length cannot make either side allocate wildly.
pub const MAX_HEADER_BYTES: u32 = 1 << 20;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hello {
    pub supervisor: String,
    pub protocol: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Request {
    /// Writes `len` payload bytes to `/work/NAME`, owned by the judge user; NAME is a relative
    /// `/`-separated path of plain names, whose folders are made as needed.
    Write {
        name: String,
        len: u64,
        executable: bool,
    },
    /// Runs `argv` once; `stdin_len` payload bytes are its standard input.
    Run(RunRequest),
    /// Makes `/work` read-only for the judge user, so tests cannot change the compiled program
    /// or leave state there for later tests.
    Seal,
    /// Ends the supervisor (the container then stops).
    Exit,
}

/// Where a program runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Workdir {
    /// `/work`, where sources and compiled programs live: for compiling.
    Work,
    /// A fresh empty scratch directory, with everything earlier runs left in `/tmp` removed:
    /// for tests.
    Scratch,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunRequest {
    pub argv: Vec<String>,
    pub workdir: Workdir,
    /// Extra environment; the program gets nothing else but PATH, HOME, TMPDIR and LANG.
    #[serde(default)]
    pub env: Vec<(String, String)>,
    pub stdin_len: u64,
    pub limits: Limits,
    /// Files put into the scratch directory before the run, read-only to the program; their
    /// payloads follow the standard input, in this order. Scratch runs only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<FileSpec>,
    /// Files of the working directory to send back after the run (e.g. a validator's
    /// `judgemessage.txt`), each capped at [`COLLECT_BYTES`]; missing ones are left out.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub collect: Vec<String>,
    /// Interactive runs: standard input and output are FIFOs shared with another sandbox
    /// instead of the payload and a captured pipe (see [`Pipes`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pipes: Option<Box<Pipes>>,
    /// Multi-pass validators: run with the feedback directory [`FEEDBACK_DIR`], emptied first
    /// or kept from the last run; `collect` then reads from it instead of the working directory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feedback: Option<Feedback>,
}

/// The two FIFOs connecting a program to a program of another sandbox: both sandboxes mount the
/// same directory, which only root (the supervisors) may enter. The side that `make`s them
/// creates them fresh; each side opens its read end first, then its write end as soon as the
/// other side reads (within `connect_ms`), enlarges both pipes, and hands them to the program as
/// its standard input and output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pipes {
    /// The shared directory, absolute.
    pub dir: String,
    /// Plain name of the FIFO the program reads as its standard input.
    pub input: String,
    /// Plain name of the FIFO the program's standard output goes to.
    pub output: String,
    /// Whether this side creates both FIFOs (and removes them after the run).
    pub make: bool,
    /// How long to wait for the other side, in milliseconds.
    pub connect_ms: u64,
}

/// A validator's feedback directory over the passes of one multi-pass test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Feedback {
    /// Emptied before the run: the first pass of a test.
    Fresh,
    /// As the last run left it but for [`NEXT_PASS`], which asked for this pass (the worker
    /// took it): the passes after the first.
    Kept,
}

/// The file a multi-pass validator writes in its feedback directory to ask for another pass.
pub const NEXT_PASS: &str = "nextpass.in";

/// Where a validator's feedback directory is, in its sandbox.
pub const FEEDBACK_DIR: &str = "/tmp/.coderank-feedback";

/// A file carried in a frame's payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileSpec {
    /// A plain file name, no directories.
    pub name: String,
    pub len: u64,
}

/// Largest collected file sent back, per file.
pub const COLLECT_BYTES: u64 = 64 * 1024;

/// Limits of one run. See README "Verdicts" for how each maps to a verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// CPU time of the whole process tree.
    pub cpu_ms: u64,
    /// Wall-clock time from start until the main process ends.
    pub wall_ms: u64,
    /// Memory of the run: every process's anonymous memory, the files it keeps in the
    /// sandbox's tmpfs mounts and the kernel memory it is charged for, together (from the
    /// container's cgroup), or the peak resident memory of any one process, whichever is
    /// larger; also the largest file it may write and, unless `stack_kb` is lower, the stack
    /// limit.
    pub memory_kb: u64,
    /// Standard output beyond this ends the run as output-exceeded.
    pub output_bytes: u64,
    /// Standard error is kept up to this many bytes; the rest is read and dropped.
    pub stderr_bytes: u64,
    /// A stack limit below the memory limit (the Judge0-compatible API's `stack_limit`);
    /// `None`, or anything above `memory_kb`: the stack may use the whole memory limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stack_kb: Option<u64>,
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Termination {
    /// The main process exited by itself (any exit code).
    Exited,
    /// The main process was killed by a signal the supervisor did not send.
    Signaled,
    /// CPU time went over `cpu_ms`.
    CpuLimit,
    /// Wall time went over `wall_ms`.
    WallLimit,
    /// Memory went over `memory_kb` (the supervisor's sampling, the kernel's OOM killer, the
    /// peak of a process, or a tmpfs mount out of space or inodes says so).
    MemoryLimit,
    /// Standard output went over `output_bytes`.
    OutputLimit,
    /// The program could not be started (e.g. missing executable).
    SpawnFailed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunResult {
    pub termination: Termination,
    pub exit_code: Option<i32>,
    pub signal: Option<i32>,
    pub cpu_ms: u64,
    pub wall_ms: u64,
    pub peak_kb: u64,
    /// Wall time in microseconds, for measurements finer than `wall_ms`.
    #[serde(default)]
    pub wall_us: u64,
    /// Time the supervisor spent on this request besides the program's own wall time
    /// (input, spawning, killing and reaping, and the scratch set-up when it was not made
    /// ahead, between runs), in microseconds.
    #[serde(default)]
    pub supervisor_us: u64,
    /// Processes left alive when the main process ended, all killed.
    pub leftover_processes: u32,
    pub stdout_len: u64,
    pub stderr_len: u64,
    /// Standard error was longer than `stderr_bytes` and was cut.
    pub stderr_truncated: bool,
    /// The requested files that existed, whose payloads follow stdout and stderr in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub collected: Vec<FileSpec>,
    /// Requested files that exist but are not regular files (a FIFO, a device, a directory, a
    /// symlink): never opened for reading, so they cannot block the supervisor.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub refused: Vec<String>,
    /// When the main process ended, in nanoseconds of `CLOCK_MONOTONIC` (one clock for every
    /// container of the host): which of two connected programs exited first.
    #[serde(default)]
    pub ended_ns: u64,
    /// For a run with [`Pipes`]: whether both FIFOs were connected (`false`: the other side
    /// never came, and the program did not run).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connected: Option<bool>,
    /// Why the program could not start, for `SpawnFailed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Written {
    pub written: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sealed {
    pub sealed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorReply {
    pub error: String,
}

/// The supervisor's answer to a request: the expected message, or an [`ErrorReply`].
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Reply<T> {
    Ok(T),
    Err(ErrorReply),
}

/// A frame's header on the wire: its 4-byte little-endian length, then the JSON.
pub fn encode_header<T: Serialize>(header: &T) -> io::Result<Vec<u8>> {
    let json = serde_json::to_vec(header).map_err(io::Error::other)?;
    let len = u32::try_from(json.len()).map_err(|_| io::Error::other("header too large"))?;
    let mut encoded = Vec::with_capacity(4 + json.len());
    encoded.extend_from_slice(&len.to_le_bytes());
    encoded.extend_from_slice(&json);
    Ok(encoded)
}

/// Fills in what a run request announces of its payloads (`stdin_len`, `files`) and answers
/// those payloads in wire order: the standard input, then each file's content.
pub fn run_payloads<'a>(
    request: &mut RunRequest,
    stdin: &'a [u8],
    files: &[(&str, &'a [u8])],
) -> Vec<&'a [u8]> {
    request.stdin_len = stdin.len() as u64;
    request.files = files
        .iter()
        .map(|(name, body)| FileSpec {
            name: (*name).to_owned(),
            len: body.len() as u64,
        })
        .collect();
    let mut payloads = vec![stdin];
    payloads.extend(files.iter().map(|(_, body)| *body));
    payloads
}

/// One whole frame: the header, then `payloads` one after another. Sent with one write, a
/// frame crosses Docker's attach stream as one message rather than one per part.
pub fn encode_frame<T: Serialize>(header: &T, payloads: &[&[u8]]) -> io::Result<Vec<u8>> {
    let mut frame = encode_header(header)?;
    frame.reserve(payloads.iter().map(|p| p.len()).sum());
    for payload in payloads {
        frame.extend_from_slice(payload);
    }
    Ok(frame)
}

/// Writes one frame (see [`encode_frame`]) and flushes it.
pub fn write_frame<W: Write, T: Serialize>(out: &mut W, header: &T, payloads: &[&[u8]]) -> io::Result<()> {
    out.write_all(&encode_frame(header, payloads)?)?;
    out.flush()
}

/// Reads one frame's header; the caller then reads the payload it announces.
/// Answers `None` at a clean end of input.
pub fn read_header<R: Read, T: DeserializeOwned>(input: &mut R) -> io::Result<Option<T>> {
    let mut len = [0u8; 4];
    match input.read_exact(&mut len) {
        Ok(()) => {}
        Err(err) if err.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(err) => return Err(err),
    }
    let len = u32::from_le_bytes(len);
    if len > MAX_HEADER_BYTES {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("header of {len} bytes"),
        ));
    }
    let mut json = vec![0u8; len as usize];
    input.read_exact(&mut json)?;
    serde_json::from_slice(&json)
        .map(Some)
        .map_err(|err| io::Error::new(io::ErrorKind::InvalidData, err))
}

/// Reads exactly `len` payload bytes.
pub fn read_payload<R: Read>(input: &mut R, len: u64) -> io::Result<Vec<u8>> {
    let mut payload = Vec::new();
    input.take(len).read_to_end(&mut payload)?;
    if payload.len() as u64 != len {
        return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "payload cut short"));
    }
    Ok(payload)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frame_round_trips_with_its_payload() {
        let request = Request::Write {
            name: "main.c".into(),
            len: 3,
            executable: false,
        };
        let mut wire = Vec::new();
        write_frame(&mut wire, &request, &[b"abc"]).expect("write");
        let mut input = wire.as_slice();
        let header: Request = read_header(&mut input).expect("read").expect("a frame");
        assert_eq!(header, request);
        assert_eq!(read_payload(&mut input, 3).expect("payload"), b"abc");
        assert!(read_header::<_, Request>(&mut input)
            .expect("clean end")
            .is_none());
    }

    #[test]
    fn an_absurd_header_length_is_refused() {
        let mut wire = (MAX_HEADER_BYTES + 1).to_le_bytes().to_vec();
        wire.extend_from_slice(b"{}");
        assert!(read_header::<_, Request>(&mut wire.as_slice()).is_err());
    }
}
