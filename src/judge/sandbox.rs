//! One locked-down judge container with the supervisor inside, driven through the Docker API.
//!
//! The container runs as root with only the capabilities the supervisor needs (to switch to
//! the judge user, kill its processes, and own and empty its files), no network, a read-only
//! root, size-capped tmpfs `/work` and `/tmp`, memory = memory + swap, a pids limit, one CPU,
//! no-new-privileges, Docker's default seccomp profile, no environment of the worker, no host
//! paths and no Docker socket. The supervisor binary is not baked into images: the container
//! starts with a two-line loader that reads it from stdin into `/tmp` and executes it, so a
//! new supervisor needs no image rebuild. After that, stdin and stdout carry protocol frames.

use std::{collections::HashMap, path::PathBuf, pin::Pin, time::Duration};

use anyhow::{bail, Context};
use bollard::{
    container::LogOutput,
    models::{ContainerCreateBody, HostConfig},
    query_parameters::{
        AttachContainerOptionsBuilder, CreateContainerOptions, RemoveContainerOptionsBuilder,
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

use super::{
    cpus::CpuSet,
    images::{container_labels, locked_down},
};

/// The supervisor is sent in blocks of this size (padded), which `dd iflag=fullblock` reads
/// exactly, leaving the protocol bytes after it untouched on stdin.
const LOADER_BLOCK: usize = 64 * 1024;

/// Where the loader puts the supervisor; the supervisor keeps `/tmp/.coderank*` between runs.
const SUPERVISOR_PATH: &str = "/tmp/.coderank-supervisor";

/// What the sandbox needs besides the image.
#[derive(Debug, Clone)]
pub struct SandboxSpec {
    pub image: String,
    /// Memory + swap of the whole container, above the program's own limit so that the
    /// supervisor and the tmpfs contents fit too.
    pub memory_mb: u64,
    /// Size of `/tmp` (scratch of every test) and of `/work` (source and compiled program).
    pub scratch_mb: u64,
    pub work_mb: u64,
    pub pids_limit: i64,
    /// The CPUs to pin the container to, or `None` for one CPU's worth of time on any CPU.
    pub cpuset: Option<CpuSet>,
    /// Label value, saying what the container is for.
    pub purpose: &'static str,
}

/// Finds the supervisor binary: `CODERANK_SUPERVISOR`, else `coderank-supervisor` beside the
/// running executable (where cargo builds it).
pub fn supervisor_path(configured: Option<PathBuf>) -> anyhow::Result<PathBuf> {
    if let Some(path) = configured {
        return Ok(path);
    }
    let exe = std::env::current_exe().context("cannot find the running executable")?;
    let sibling = exe.with_file_name("coderank-supervisor");
    if sibling.is_file() {
        return Ok(sibling);
    }
    bail!(
        "cannot find coderank-supervisor beside {}; build it (cargo build --workspace) or set CODERANK_SUPERVISOR",
        exe.display()
    )
}

/// The supervisor binary's bytes, from [`supervisor_path`].
pub fn read_supervisor(configured: Option<PathBuf>) -> anyhow::Result<Vec<u8>> {
    let path = supervisor_path(configured)?;
    std::fs::read(&path).with_context(|| format!("cannot read the supervisor {}", path.display()))
}

type Output = StreamReader<Pin<Box<dyn Stream<Item = std::io::Result<bytes::Bytes>> + Send>>, bytes::Bytes>;

pub struct Sandbox {
    docker: Docker,
    id: String,
    from: Output,
    to: Pin<Box<dyn AsyncWrite + Send>>,
    removed: bool,
}

/// The bytes a run printed, with its result: the same shape whichever transport carried it.
pub use coderank_supervisor::session::RunOutput;

impl Sandbox {
    pub async fn start(docker: &Docker, spec: &SandboxSpec, supervisor: &[u8]) -> anyhow::Result<Self> {
        let started = std::time::Instant::now();
        let tmpfs = HashMap::from([
            (
                "/tmp".to_owned(),
                format!("rw,exec,nosuid,size={}m,mode=1777", spec.scratch_mb),
            ),
            (
                "/work".to_owned(),
                format!(
                    "rw,exec,nosuid,size={}m,uid=10001,gid=10001,mode=755",
                    spec.work_mb
                ),
            ),
        ]);
        let memory = i64::try_from(spec.memory_mb.saturating_mul(1 << 20)).unwrap_or(i64::MAX);
        let caps = ["SETUID", "SETGID", "KILL", "CHOWN", "FOWNER", "DAC_OVERRIDE"];
        let host_config = HostConfig {
            nano_cpus: spec.cpuset.is_none().then_some(1_000_000_000),
            cpuset_cpus: spec.cpuset.as_ref().map(ToString::to_string),
            cap_add: Some(caps.iter().map(|cap| (*cap).to_owned()).collect()),
            ..locked_down(tmpfs, memory, spec.pids_limit)
        };
        let blocks = supervisor.len().div_ceil(LOADER_BLOCK);
        let loader = format!(
            "dd of={SUPERVISOR_PATH} bs={LOADER_BLOCK} count={blocks} iflag=fullblock 2>/dev/null \
             && chmod 700 {SUPERVISOR_PATH} && exec {SUPERVISOR_PATH}"
        );
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
            labels: Some(container_labels(spec.purpose)),
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

    async fn send<T: Serialize>(&mut self, header: &T, payloads: &[&[u8]]) -> anyhow::Result<()> {
        self.to.write_all(&encode_frame(header, payloads)?).await?;
        self.to.flush().await.context("cannot write to the supervisor")
    }

    async fn reply<T: DeserializeOwned>(&mut self) -> anyhow::Result<T> {
        match read_header::<Reply<T>>(&mut self.from).await? {
            Reply::Ok(reply) => Ok(reply),
            Reply::Err(ErrorReply { error }) => bail!("the supervisor refused: {error}"),
        }
    }

    pub async fn write_file(&mut self, name: &str, body: &[u8], executable: bool) -> anyhow::Result<()> {
        let request = Request::Write {
            name: name.to_owned(),
            len: body.len() as u64,
            executable,
        };
        self.send(&request, &[body]).await?;
        let _: Written = self.reply().await?;
        Ok(())
    }

    pub async fn seal(&mut self) -> anyhow::Result<()> {
        self.send(&Request::Seal, &[]).await?;
        let _: Sealed = self.reply().await?;
        Ok(())
    }

    /// Runs a program; `files` are (name, content) put beside it in the scratch directory.
    pub async fn run(
        &mut self,
        mut request: RunRequest,
        stdin: &[u8],
        files: &[(&str, &[u8])],
    ) -> anyhow::Result<RunOutput> {
        let payloads = run_payloads(&mut request, stdin, files);
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
    }

    /// Changes the container's memory (and memory + swap) limit, e.g. down to the tests' limit
    /// once the compiler, which may need more, is done.
    pub async fn set_memory_mb(&mut self, memory_mb: u64) -> anyhow::Result<()> {
        let bytes = i64::try_from(memory_mb.saturating_mul(1 << 20)).unwrap_or(i64::MAX);
        let update = bollard::models::ContainerUpdateBody {
            memory: Some(bytes),
            memory_swap: Some(bytes),
            ..Default::default()
        };
        self.docker
            .update_container(&self.id, update)
            .await
            .with_context(|| format!("cannot set the sandbox's memory to {memory_mb} MiB"))
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

async fn read_header<T: DeserializeOwned>(from: &mut (impl AsyncRead + Unpin)) -> anyhow::Result<T> {
    let len = from.read_u32_le().await.context("the supervisor ended")?;
    if len > MAX_HEADER_BYTES {
        bail!("the supervisor sent a header of {len} bytes");
    }
    let json = read_exact(from, u64::from(len)).await?;
    serde_json::from_slice(&json).context("the supervisor sent a malformed header")
}

async fn read_exact(from: &mut (impl AsyncRead + Unpin), len: u64) -> anyhow::Result<Vec<u8>> {
    let mut buffer = vec![0u8; usize::try_from(len).context("payload too large")?];
    from.read_exact(&mut buffer)
        .await
        .context("the supervisor's reply was cut short")?;
    Ok(buffer)
}
