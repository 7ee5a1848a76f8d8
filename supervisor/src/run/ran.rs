//! What a run answers: its result and the output it produced, or, when the program never
//! ran, an answer saying why.

use std::{io, time::Instant};

use coderank_supervisor::protocol::{RunResult, Termination};

use super::pipes;

/// What one run produced, ready to send back.
pub struct Ran {
    pub result: RunResult,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub collected: Vec<Vec<u8>>,
}

/// The answer when the program could not be started.
pub(super) fn spawn_failed(handling: Instant, err: io::Error) -> Ran {
    let result = RunResult {
        termination: Termination::SpawnFailed,
        exit_code: None,
        signal: None,
        cpu_ms: 0,
        wall_ms: 0,
        wall_us: 0,
        supervisor_us: handling.elapsed().as_micros() as u64,
        peak_kb: 0,
        leftover_processes: 0,
        stdout_len: 0,
        stderr_len: 0,
        stderr_truncated: false,
        collected: Vec::new(),
        refused: Vec::new(),
        ended_ns: pipes::monotonic_ns(),
        connected: None,
        message: Some(err.to_string()),
    };
    Ran {
        result,
        stdout: Vec::new(),
        stderr: Vec::new(),
        collected: Vec::new(),
    }
}

/// The answer when the other side of the FIFOs never came: the program did not run.
pub(super) fn not_connected(handling: Instant) -> Ran {
    let mut ran = spawn_failed(
        handling,
        io::Error::new(
            io::ErrorKind::TimedOut,
            "the other side of the pipes never connected",
        ),
    );
    ran.result.connected = Some(false);
    ran
}
