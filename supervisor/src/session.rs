//! The worker's side of the protocol over any byte pipe: a blocking session with one
//! supervisor. (The engine drives it over the container's attached stdin and stdout.)

use std::io::{self, Read, Write};

use crate::protocol::{
    read_header, read_payload, run_payloads, write_frame, ErrorReply, Hello, Reply, Request, RunRequest,
    RunResult, Sealed, Written, PROTOCOL_VERSION,
};

/// The bytes a run printed, with its result.
#[derive(Debug, Clone)]
pub struct RunOutput {
    pub result: RunResult,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// Collected files, by name.
    pub collected: Vec<(String, Vec<u8>)>,
}

#[derive(Debug)]
pub enum SessionError {
    Io(io::Error),
    /// The supervisor answered a request with an error.
    Refused(String),
    /// The supervisor ended or spoke another protocol.
    Protocol(String),
}

impl std::error::Error for SessionError {}

impl std::fmt::Display for SessionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Io(err) => write!(f, "talking to the supervisor failed: {err}"),
            Self::Refused(message) => write!(f, "the supervisor refused: {message}"),
            Self::Protocol(message) => write!(f, "supervisor protocol error: {message}"),
        }
    }
}

impl From<io::Error> for SessionError {
    fn from(err: io::Error) -> Self {
        Self::Io(err)
    }
}

pub struct Session<R, W> {
    from: R,
    to: W,
}

impl<R: Read, W: Write> Session<R, W> {
    /// Waits for the supervisor's hello and checks its protocol version.
    pub fn start(mut from: R, to: W) -> Result<Self, SessionError> {
        let hello: Hello = read_header(&mut from)?
            .ok_or_else(|| SessionError::Protocol("the supervisor ended before saying hello".into()))?;
        if hello.protocol != PROTOCOL_VERSION {
            return Err(SessionError::Protocol(format!(
                "supervisor {} speaks protocol {}, this worker {PROTOCOL_VERSION}",
                hello.supervisor, hello.protocol
            )));
        }
        Ok(Self { from, to })
    }

    fn reply<T: serde::de::DeserializeOwned>(&mut self) -> Result<T, SessionError> {
        match read_header::<_, Reply<T>>(&mut self.from)? {
            Some(Reply::Ok(reply)) => Ok(reply),
            Some(Reply::Err(ErrorReply { error })) => Err(SessionError::Refused(error)),
            None => Err(SessionError::Protocol("the supervisor ended mid-session".into())),
        }
    }

    pub fn write_file(&mut self, name: &str, body: &[u8], executable: bool) -> Result<(), SessionError> {
        let request = Request::Write {
            name: name.to_owned(),
            len: body.len() as u64,
            executable,
        };
        write_frame(&mut self.to, &request, &[body])?;
        let _: Written = self.reply()?;
        Ok(())
    }

    pub fn seal(&mut self) -> Result<(), SessionError> {
        write_frame(&mut self.to, &Request::Seal, &[])?;
        let _: Sealed = self.reply()?;
        Ok(())
    }

    /// Runs a program; `files` are (name, content) put beside it in the scratch directory.
    pub fn run(
        &mut self,
        mut request: RunRequest,
        stdin: &[u8],
        files: &[(&str, &[u8])],
    ) -> Result<RunOutput, SessionError> {
        let payloads = run_payloads(&mut request, stdin, files);
        write_frame(&mut self.to, &Request::Run(request), &payloads)?;
        let result: RunResult = self.reply()?;
        let stdout = read_payload(&mut self.from, result.stdout_len)?;
        let stderr = read_payload(&mut self.from, result.stderr_len)?;
        let mut collected = Vec::new();
        for file in &result.collected {
            collected.push((file.name.clone(), read_payload(&mut self.from, file.len)?));
        }
        Ok(RunOutput {
            result,
            stdout,
            stderr,
            collected,
        })
    }

    pub fn exit(mut self) -> Result<(), SessionError> {
        write_frame(&mut self.to, &Request::Exit, &[])?;
        Ok(())
    }
}
