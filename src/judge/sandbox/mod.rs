//! One locked-down judge container with the supervisor inside, driven through the Docker API.
//!
//! The container is made as [`spec`] says: root with only the capabilities the supervisor
//! needs, programs under a uid of the sandbox's own, no network, a read-only root, size- and
//! inode-capped tmpfs `/work`, `/tmp` and `/dev/shm`, memory = memory + swap, a pids limit, one
//! CPU, no-new-privileges, CodeRank's seccomp profile, no log driver, no environment of the
//! worker, no host paths and no Docker socket. The supervisor binary is not baked into images:
//! the container starts with a two-line loader that reads it from stdin into `/tmp` and
//! executes it, so a new supervisor needs no image rebuild. After that, stdin and stdout carry
//! protocol frames. Every exchange has a deadline; a sandbox that misses one, ends, or refuses
//! is answered as a [`SandboxError`] so the judge can give the test a verdict and go on in a
//! fresh container.

mod pool;
mod spec;
mod supervisor;

pub use pool::{remembered_in, PoolSize, Takes, WarmPool};
pub use spec::{free_uid, SandboxSpec, PIPES_DIR, UID_LABEL};
pub use supervisor::{read_supervisor, supervisor_path};

use std::{pin::Pin, time::Duration};

use anyhow::{bail, Context};
use bollard::{
    container::LogOutput,
    models::ContainerCreateBody,
    query_parameters::{
        AttachContainerOptionsBuilder, CreateContainerOptions, InspectContainerOptions,
        RemoveContainerOptionsBuilder,
    },
    Docker,
};
use coderank_supervisor::protocol::{
    encode_frame, run_payloads, ErrorReply, Hello, Reply, Request, RunRequest, RunResult, Sealed, Written,
    MAX_HEADER_BYTES, PROTOCOL_VERSION,
};
use futures::{Stream, StreamExt, TryStreamExt};
use serde::{de::DeserializeOwned, Serialize};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio_util::io::StreamReader;

use super::images::container_labels;

/// The supervisor is sent in blocks of this size (padded), which `dd iflag=fullblock` reads
/// exactly, leaving the protocol bytes after it untouched on stdin.
const LOADER_BLOCK: usize = 64 * 1024;

/// Where the loader puts the supervisor; the supervisor keeps `/tmp/.coderank*` between runs.
const SUPERVISOR_PATH: &str = "/tmp/.coderank-supervisor";

type Output = StreamReader<Pin<Box<dyn Stream<Item = std::io::Result<bytes::Bytes>> + Send>>, bytes::Bytes>;

/// How an exchange with a sandbox failed.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// No answer within the exchange's deadline.
    #[error("the sandbox did not answer within {} s", .0.as_secs())]
    TimedOut(Duration),
    /// The supervisor ended (its container died, e.g. killed by the kernel).
    #[error("the sandbox ended: {0}")]
    Ended(String),
    /// The supervisor answered that it cannot do it (e.g. it cannot clean up after a program).
    #[error("the supervisor refused: {0}")]
    Refused(String),
    /// Docker or the stream failed otherwise.
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

pub struct Sandbox {
    docker: Docker,
    id: String,
    /// The uid its programs run as.
    uid: u32,
    from: Output,
    to: Pin<Box<dyn AsyncWrite + Send>>,
    removed: bool,
}

/// The bytes a run printed, with its result: the same shape whichever transport carried it.
pub use coderank_supervisor::session::RunOutput;

impl Sandbox {
    /// Starts a sandbox under the engine's default OCI runtime.
    pub async fn start(docker: &Docker, spec: &SandboxSpec, supervisor: &[u8]) -> anyhow::Result<Self> {
        Self::start_on(docker, spec, supervisor, None).await
    }

    /// Starts a sandbox under the named OCI runtime (one the engine has registered, e.g.
    /// `crun`), or the engine's default for `None`.
    pub async fn start_on(
        docker: &Docker,
        spec: &SandboxSpec,
        supervisor: &[u8],
        runtime: Option<&str>,
    ) -> anyhow::Result<Self> {
        let started = std::time::Instant::now();
        let uid = free_uid(docker).await?;
        let host_config = bollard::models::HostConfig {
            runtime: runtime.map(str::to_owned),
            ..spec.host_config(uid)
        };
        let blocks = supervisor.len().div_ceil(LOADER_BLOCK);
        let loader = format!(
            "dd of={SUPERVISOR_PATH} bs={LOADER_BLOCK} count={blocks} iflag=fullblock 2>/dev/null \
             && chmod 700 {SUPERVISOR_PATH} && exec {SUPERVISOR_PATH} --uid {uid}"
        );
        let mut labels = container_labels(spec.purpose);
        labels.insert(UID_LABEL.to_owned(), uid.to_string());
        let body = ContainerCreateBody {
            image: Some(spec.image.clone()),
            cmd: Some(vec!["sh".to_owned(), "-c".to_owned(), loader]),
            user: Some("0:0".to_owned()),
            env: Some(Vec::new()),
            working_dir: Some("/work".to_owned()),
            network_disabled: Some(true),
            attach_stdin: Some(true),
            attach_stdout: Some(true),
            attach_stderr: Some(true),
            open_stdin: Some(true),
            stdin_once: Some(true),
            tty: Some(false),
            labels: Some(labels),
            host_config: Some(host_config),
            ..Default::default()
        };
        let id = docker
            .create_container(None::<CreateContainerOptions>, body)
            .await
            .with_context(|| format!("cannot create a sandbox of {}", spec.image))?
            .id;
        let mut sandbox = Self {
            docker: docker.clone(),
            id,
            uid,
            from: StreamReader::new(Box::pin(futures::stream::empty())),
            to: Box::pin(tokio::io::sink()),
            removed: false,
        };
        match sandbox.connect(supervisor, blocks).await {
            Ok(()) => {
                crate::telemetry::metrics::sandbox_started(started.elapsed());
                Ok(sandbox)
            }
            Err(err) => {
                sandbox.remove().await;
                Err(err)
            }
        }
    }

    async fn connect(&mut self, supervisor: &[u8], blocks: usize) -> anyhow::Result<()> {
        let options = AttachContainerOptionsBuilder::new()
            .stdin(true)
            .stdout(true)
            .stderr(true)
            .stream(true)
            .build();
        let attached = self.docker.attach_container(&self.id, Some(options)).await?;
        // Only the supervisor's stdout carries frames; its stderr goes to the log.
        let container = self.id.chars().take(12).collect::<String>();
        let frames = attached.output.filter_map(move |item| {
            let container = container.clone();
            async move {
                match item {
                    Ok(LogOutput::StdOut { message }) => Some(Ok(message)),
                    Ok(LogOutput::StdErr { message }) => {
                        tracing::debug!(
                            container,
                            "supervisor: {}",
                            String::from_utf8_lossy(&message).trim()
                        );
                        None
                    }
                    Ok(_) => None,
                    Err(err) => Some(Err(std::io::Error::other(err))),
                }
            }
        });
        self.from = StreamReader::new(Box::pin(frames.into_stream()));
        self.to = attached.input;
        self.docker
            .start_container(&self.id, None::<bollard::query_parameters::StartContainerOptions>)
            .await
            .context("cannot start the sandbox")?;
        let mut padded = supervisor.to_vec();
        padded.resize(blocks * LOADER_BLOCK, 0);
        self.to
            .write_all(&padded)
            .await
            .context("cannot hand the supervisor over")?;
        self.to.flush().await?;
        let hello: Hello = tokio::time::timeout(Duration::from_secs(30), read_header(&mut self.from))
            .await
            .context("the supervisor did not say hello within 30 s")??;
        if hello.protocol != PROTOCOL_VERSION {
            bail!(
                "supervisor {} speaks protocol {}, this worker {PROTOCOL_VERSION}",
                hello.supervisor,
                hello.protocol
            );
        }
        Ok(())
    }

    /// The uid its programs run as.
    pub fn uid(&self) -> u32 {
        self.uid
    }

    /// The container's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    async fn send<T: Serialize>(&mut self, header: &T, payloads: &[&[u8]]) -> Result<(), SandboxError> {
        let frame = encode_frame(header, payloads).map_err(|err| SandboxError::Other(err.into()))?;
        let written = async {
            self.to.write_all(&frame).await?;
            self.to.flush().await
        };
        written
            .await
            .map_err(|err| SandboxError::Ended(format!("cannot write to the supervisor: {err}")))
    }

    async fn reply<T: DeserializeOwned>(&mut self) -> Result<T, SandboxError> {
        match read_header::<Reply<T>>(&mut self.from).await? {
            Reply::Ok(reply) => Ok(reply),
            Reply::Err(ErrorReply { error }) => Err(SandboxError::Refused(error)),
        }
    }

    /// Writes a file of `/work`, within `deadline`.
    pub async fn write_file(
        &mut self,
        name: &str,
        body: &[u8],
        executable: bool,
        deadline: Duration,
    ) -> Result<(), SandboxError> {
        let request = Request::Write {
            name: name.to_owned(),
            len: body.len() as u64,
            executable,
        };
        within(deadline, async {
            self.send(&request, &[body]).await?;
            let _: Written = self.reply().await?;
            Ok(())
        })
        .await
    }

    /// Makes `/work` read-only to programs, within `deadline`.
    pub async fn seal(&mut self, deadline: Duration) -> Result<(), SandboxError> {
        within(deadline, async {
            self.send(&Request::Seal, &[]).await?;
            let _: Sealed = self.reply().await?;
            Ok(())
        })
        .await
    }

    /// Runs a program; `files` are (name, content) put beside it in the scratch directory. The
    /// answer must come within `deadline` (the run's wall limit plus the time to carry its
    /// input and output), or the sandbox is given up.
    pub async fn run(
        &mut self,
        mut request: RunRequest,
        stdin: &[u8],
        files: &[(&str, &[u8])],
        deadline: Duration,
    ) -> Result<RunOutput, SandboxError> {
        let payloads = run_payloads(&mut request, stdin, files);
        within(deadline, async {
            self.send(&Request::Run(request), &payloads).await?;
            let result: RunResult = self.reply().await?;
            let stdout = read_exact(&mut self.from, result.stdout_len).await?;
            let stderr = read_exact(&mut self.from, result.stderr_len).await?;
            let mut collected = Vec::new();
            for file in &result.collected {
                collected.push((file.name.clone(), read_exact(&mut self.from, file.len).await?));
            }
            Ok(RunOutput {
                result,
                stdout,
                stderr,
                collected,
            })
        })
        .await
    }

    /// Whether the kernel's OOM killer killed a process of the container (after its supervisor
    /// ended: then the container is gone or stopped, and Docker remembers).
    pub async fn oom_killed(&mut self) -> bool {
        let inspected = self
            .docker
            .inspect_container(&self.id, None::<InspectContainerOptions>)
            .await;
        inspected
            .ok()
            .and_then(|container| container.state?.oom_killed)
            .unwrap_or(false)
    }

    /// The engine the sandbox lives on.
    pub fn docker(&self) -> &Docker {
        &self.docker
    }

    /// Removes the container (killing whatever runs in it). Always call this; dropping a
    /// sandbox without it removes the container in the background.
    pub async fn remove(&mut self) {
        if self.removed {
            return;
        }
        self.removed = true;
        let options = RemoveContainerOptionsBuilder::new().force(true).build();
        if let Err(err) = self.docker.remove_container(&self.id, Some(options)).await {
            tracing::warn!(container = %self.id, error = %err, "cannot remove a sandbox");
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if self.removed {
            return;
        }
        let (docker, id) = (self.docker.clone(), self.id.clone());
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                let options = RemoveContainerOptionsBuilder::new().force(true).build();
                let _ = docker.remove_container(&id, Some(options)).await;
            });
        }
    }
}

/// Changes container `id`'s memory (and memory + swap) limit, e.g. down to the tests' limit
/// once the compiler, which may need more, is done.
pub async fn set_memory_mb(docker: &Docker, id: &str, memory_mb: u64) -> anyhow::Result<()> {
    let bytes = i64::try_from(memory_mb.saturating_mul(1 << 20)).unwrap_or(i64::MAX);
    let update = bollard::models::ContainerUpdateBody {
        memory: Some(bytes),
        memory_swap: Some(bytes),
        ..Default::default()
    };
    docker
        .update_container(id, update)
        .await
        .with_context(|| format!("cannot set the sandbox's memory to {memory_mb} MiB"))
}

/// `work` within `deadline`, or [`SandboxError::TimedOut`].
async fn within<T>(
    deadline: Duration,
    work: impl std::future::Future<Output = Result<T, SandboxError>>,
) -> Result<T, SandboxError> {
    tokio::time::timeout(deadline, work)
        .await
        .unwrap_or(Err(SandboxError::TimedOut(deadline)))
}

async fn read_header<T: DeserializeOwned>(from: &mut (impl AsyncRead + Unpin)) -> Result<T, SandboxError> {
    let len = from
        .read_u32_le()
        .await
        .map_err(|err| SandboxError::Ended(err.to_string()))?;
    if len > MAX_HEADER_BYTES {
        return Err(SandboxError::Other(anyhow::anyhow!(
            "the supervisor sent a header of {len} bytes"
        )));
    }
    let json = read_exact(from, u64::from(len)).await?;
    serde_json::from_slice(&json)
        .context("the supervisor sent a malformed header")
        .map_err(SandboxError::Other)
}

async fn read_exact(from: &mut (impl AsyncRead + Unpin), len: u64) -> Result<Vec<u8>, SandboxError> {
    let mut buffer = vec![0u8; usize::try_from(len).context("payload too large")?];
    from.read_exact(&mut buffer)
        .await
        .map_err(|err| SandboxError::Ended(format!("its reply was cut short: {err}")))?;
    Ok(buffer)
}
