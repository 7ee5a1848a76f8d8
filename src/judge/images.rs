//! Judge images: building them from `judge-images/` through the Docker API, and running a
//! one-off command in them (e.g. the version probe of `coderank languages`).
//!
//! Every container CodeRank creates carries the label `coderank`, so leftovers can be found and
//! reaped, and is removed when its command ends, whatever the outcome.

use std::{collections::HashMap, path::Path, time::Duration};

use anyhow::{bail, Context};
use bollard::{
    body_full,
    container::LogOutput,
    models::{ContainerCreateBody, HostConfig, HostConfigLogConfig},
    query_parameters::{
        AttachContainerOptionsBuilder, BuildImageOptionsBuilder, CreateContainerOptions,
        ListContainersOptionsBuilder, RemoveContainerOptionsBuilder,
    },
    Docker,
};
use futures::StreamExt;

use super::languages::image_family;

/// The label on every container CodeRank creates; its value says what the container was for.
pub const CONTAINER_LABEL: &str = "coderank";

/// Labels naming the host and process that own a container, so that containers of a process
/// that died (a crashed worker, a killed `coderank judge`) can be told from live ones.
const OWNER_HOST_LABEL: &str = "coderank.owner-host";
const OWNER_PID_LABEL: &str = "coderank.owner-pid";

/// The labels of every container CodeRank creates.
pub fn container_labels(purpose: &str) -> HashMap<String, String> {
    HashMap::from([
        (CONTAINER_LABEL.to_owned(), purpose.to_owned()),
        (OWNER_HOST_LABEL.to_owned(), host_name()),
        (OWNER_PID_LABEL.to_owned(), std::process::id().to_string()),
    ])
}

/// The host name and the pid namespace of this process: a pid names a process only within its
/// namespace, so a worker in a container (which may share the host's name, with host
/// networking) never takes the pids of another namespace for its own.
fn host_name() -> String {
    let name = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
    let namespace = std::fs::read_link("/proc/self/ns/pid")
        .map(|link| link.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!("{} {namespace}", name.trim())
}

/// Removes the CodeRank containers that a process of this host left behind when it died, and
/// answers how many. Containers of live processes, and of other hosts sharing the engine, stay.
pub async fn reap_leftovers(docker: &Docker) -> anyhow::Result<usize> {
    let options = ListContainersOptionsBuilder::new()
        .all(true)
        .filters(&HashMap::from([("label", vec![CONTAINER_LABEL])]))
        .build();
    let containers = docker
        .list_containers(Some(options))
        .await
        .context("cannot list containers")?;
    let host = host_name();
    let mut reaped = 0;
    for container in containers {
        let orphaned = orphaned(&container.labels.unwrap_or_default(), &host);
        let Some(id) = container.id.filter(|_| orphaned) else {
            continue;
        };
        let removed = docker
            .remove_container(
                &id,
                Some(RemoveContainerOptionsBuilder::new().force(true).build()),
            )
            .await;
        match removed {
            Ok(()) => reaped += 1,
            Err(err) => tracing::warn!(container = %id, error = %err, "cannot reap a leftover container"),
        }
    }
    if reaped > 0 {
        tracing::info!(reaped, "removed containers left by processes that died");
    }
    // Then the FIFO volumes of their interactive judgings, which those containers mounted.
    let options = bollard::query_parameters::ListVolumesOptionsBuilder::new()
        .filters(&HashMap::from([("label", vec![CONTAINER_LABEL])]))
        .build();
    let volumes = docker
        .list_volumes(Some(options))
        .await
        .context("cannot list volumes")?;
    for volume in volumes.volumes.unwrap_or_default() {
        if !orphaned(&volume.labels, &host) {
            continue;
        }
        let options = bollard::query_parameters::RemoveVolumeOptionsBuilder::new()
            .force(true)
            .build();
        if let Err(err) = docker.remove_volume(&volume.name, Some(options)).await {
            tracing::warn!(volume = %volume.name, error = %err, "cannot reap a leftover volume");
        }
    }
    Ok(reaped)
}

/// Whether a container or volume with these labels belongs to a process of this host that died.
fn orphaned(labels: &HashMap<String, String>, host: &str) -> bool {
    let owner_here = labels.get(OWNER_HOST_LABEL).is_some_and(|owner| owner == host);
    let owner_pid = labels
        .get(OWNER_PID_LABEL)
        .and_then(|pid| pid.parse::<u32>().ok());
    match owner_pid {
        Some(pid) => owner_here && !Path::new(&format!("/proc/{pid}")).exists(),
        None => false,
    }
}

/// Uid and gid of the unprivileged `judge` user that every judge image has.
pub const JUDGE_USER: &str = "10001:10001";

/// Whether the image exists in the engine.
pub async fn exists(docker: &Docker, tag: &str) -> anyhow::Result<bool> {
    match docker.inspect_image(tag).await {
        Ok(_) => Ok(true),
        Err(bollard::errors::Error::DockerResponseServerError { status_code: 404, .. }) => Ok(false),
        Err(err) => Err(err).with_context(|| format!("cannot inspect image {tag}")),
    }
}

/// Builds `tag` from `images_dir/FAMILY/` (FAMILY from the tag), calling `progress` with each
/// line the build prints.
pub async fn build(
    docker: &Docker,
    images_dir: &Path,
    tag: &str,
    mut progress: impl FnMut(&str),
) -> anyhow::Result<()> {
    let family = image_family(tag).with_context(|| format!("{tag} is not a coderank-judge-FAMILY image"))?;
    let context_dir = images_dir.join(family);
    if !context_dir.join("Dockerfile").is_file() {
        bail!("{} has no Dockerfile", context_dir.display());
    }
    let archive = tokio::task::spawn_blocking(move || -> std::io::Result<Vec<u8>> {
        let mut archive = tar::Builder::new(Vec::new());
        archive.follow_symlinks(false);
        archive.append_dir_all(".", &context_dir)?;
        archive.into_inner()
    })
    .await
    .context("the archiving task failed")?
    .with_context(|| format!("cannot archive the build context of {tag}"))?;

    let options = BuildImageOptionsBuilder::new()
        .t(tag)
        .rm(true)
        .forcerm(true)
        .build();
    let mut stream = docker.build_image(options, None, Some(body_full(archive.into())));
    while let Some(message) = stream.next().await {
        let message = message.with_context(|| format!("building {tag} failed"))?;
        if let Some(error) = message.error {
            bail!("building {tag} failed: {}", error.trim());
        }
        for line in message.stream.iter().flat_map(|text| text.lines()) {
            let line = line.trim();
            if !line.is_empty() {
                progress(line);
            }
        }
    }
    if !exists(docker, tag).await? {
        bail!("building {tag} finished without producing the image");
    }
    Ok(())
}

/// The isolation every CodeRank container gets: no network, a read-only root with only the
/// given tmpfs mounts writable, memory + swap = `memory_bytes` (no swapping), a pids limit,
/// every capability dropped, no-new-privileges, the seccomp profile given (JSON, see
/// `judge::seccomp`), and no log driver, so nothing a container prints reaches the host's disk
/// (Docker's json-file driver would store every line; attaching works without one). Callers
/// add what their use needs on top (capabilities, CPUs).
pub fn locked_down(
    tmpfs: HashMap<String, String>,
    memory_bytes: i64,
    pids_limit: i64,
    seccomp: &str,
) -> HostConfig {
    HostConfig {
        network_mode: Some("none".to_owned()),
        readonly_rootfs: Some(true),
        tmpfs: Some(tmpfs),
        memory: Some(memory_bytes),
        memory_swap: Some(memory_bytes),
        pids_limit: Some(pids_limit),
        cap_drop: Some(vec!["ALL".to_owned()]),
        security_opt: Some(vec!["no-new-privileges".to_owned(), format!("seccomp={seccomp}")]),
        log_config: Some(HostConfigLogConfig {
            typ: Some("none".to_owned()),
            config: None,
        }),
        ..Default::default()
    }
}

/// What a one-off command printed and how it ended.
#[derive(Debug, Clone)]
pub struct Output {
    pub exit_code: i64,
    /// Standard output and standard error, interleaved as the engine logged them.
    pub text: String,
}

/// Runs `argv` once in a fresh, locked-down container of `image` as the judge user: no network,
/// read-only root, small tmpfs `/work` and `/tmp`, all capabilities dropped, CodeRank's seccomp
/// profile, no log (its output is read from the attached stream). The container is removed
/// afterwards in every case.
pub async fn run_once(
    docker: &Docker,
    image: &str,
    argv: &[String],
    timeout: Duration,
) -> anyhow::Result<Output> {
    let tmpfs = HashMap::from([
        (
            "/work".to_owned(),
            "rw,exec,size=64m,uid=10001,gid=10001".to_owned(),
        ),
        (
            "/tmp".to_owned(),
            "rw,exec,size=64m,uid=10001,gid=10001".to_owned(),
        ),
    ]);
    let host_config = locked_down(tmpfs, 1 << 30, 256, &super::seccomp::base());
    let body = ContainerCreateBody {
        image: Some(image.to_owned()),
        cmd: Some(argv.to_vec()),
        user: Some(JUDGE_USER.to_owned()),
        working_dir: Some("/work".to_owned()),
        network_disabled: Some(true),
        attach_stdout: Some(true),
        attach_stderr: Some(true),
        labels: Some(container_labels("run-once")),
        host_config: Some(host_config),
        ..Default::default()
    };
    let container = docker
        .create_container(None::<CreateContainerOptions>, body)
        .await
        .with_context(|| format!("cannot create a container of {image}"))?
        .id;
    let outcome = tokio::time::timeout(timeout, run_created(docker, &container)).await;
    let removed = docker
        .remove_container(
            &container,
            Some(RemoveContainerOptionsBuilder::new().force(true).build()),
        )
        .await;
    if let Err(err) = removed {
        tracing::warn!(container, error = %err, "cannot remove a container");
    }
    match outcome {
        Ok(result) => result.with_context(|| format!("running {argv:?} in {image} failed")),
        Err(_) => bail!(
            "{argv:?} in {image} did not finish within {} s",
            timeout.as_secs()
        ),
    }
}

async fn run_created(docker: &Docker, container: &str) -> anyhow::Result<Output> {
    // Attached before it starts, so nothing it prints is missed (it has no log to read back).
    let options = AttachContainerOptionsBuilder::new()
        .stdout(true)
        .stderr(true)
        .stream(true)
        .build();
    let mut attached = docker.attach_container(container, Some(options)).await?;
    docker
        .start_container(
            container,
            None::<bollard::query_parameters::StartContainerOptions>,
        )
        .await?;
    let mut text = String::new();
    while let Some(chunk) = attached.output.next().await {
        match chunk? {
            LogOutput::StdOut { message } | LogOutput::StdErr { message } => {
                text.push_str(&String::from_utf8_lossy(&message));
            }
            _ => {}
        }
    }
    let mut exit_code = 0;
    let mut waits = docker.wait_container(container, None::<bollard::query_parameters::WaitContainerOptions>);
    while let Some(status) = waits.next().await {
        match status {
            Ok(status) => exit_code = status.status_code,
            // bollard reports a non-zero exit as an error carrying the code.
            Err(bollard::errors::Error::DockerContainerWaitError { code, .. }) => exit_code = code,
            Err(err) => return Err(err.into()),
        }
    }
    Ok(Output { exit_code, text })
}
