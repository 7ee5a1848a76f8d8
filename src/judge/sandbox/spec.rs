//! What a sandbox container is made of: its mounts, limits, capabilities, seccomp profile,
//! labels and the uid its programs run as. Everything the isolation of a judge container
//! depends on is decided here, in one place; README "The sandbox" says it in words.

use std::{collections::HashMap, sync::Arc};

use anyhow::Context;
use bollard::{
    models::{HostConfig, Mount, MountTypeEnum, MountVolumeOptions},
    query_parameters::ListContainersOptionsBuilder,
    Docker,
};
use rand::Rng;

use super::super::{
    cpus::CpuSet,
    images::{locked_down, CONTAINER_LABEL},
};

/// Inodes of each tmpfs: room for any compiler's or runtime's files, but not for a program
/// that would spend the kernel's memory (and the clean-up's time) on millions of empty files.
const TMP_INODES: u32 = 16_384;
const WORK_INODES: u32 = 8_192;
const SHM_INODES: u32 = 4_096;

/// The capabilities the supervisor keeps: to run programs as the sandbox's uid (SETUID,
/// SETGID), and to own, place and clean up their files (CHOWN, FOWNER, DAC_OVERRIDE). It needs
/// none to kill them (it signals as their uid). A program has none of them: it runs under
/// another uid, which clears every capability, and no-new-privileges keeps it that way.
const CAPABILITIES: [&str; 5] = ["SETUID", "SETGID", "CHOWN", "FOWNER", "DAC_OVERRIDE"];

/// The label naming the uid a sandbox's programs run as, so that sandboxes side by side on one
/// engine never share one.
pub const UID_LABEL: &str = "coderank.uid";
/// Uids handed to sandboxes: above every system and regular account, and inside the 65 536 ids
/// that an engine with user-namespace remapping maps.
const UIDS: std::ops::Range<u32> = 20_000..60_000;

/// What the sandbox needs besides the image.
#[derive(Debug, Clone)]
pub struct SandboxSpec {
    pub image: String,
    /// Memory + swap of the whole container: the program's limit, the tmpfs mounts it may fill
    /// on top of that, and room for the supervisor and what it holds (see `engine::Plan`).
    pub memory_mb: u64,
    /// Size of `/tmp` (every test's scratch), of `/dev/shm`, and of `/work` (the source and
    /// compiled program).
    pub tmp_mb: u64,
    pub shm_mb: u64,
    pub work_mb: u64,
    pub pids_limit: i64,
    /// The CPUs to pin the container to, or `None` for one CPU's worth of time on any CPU.
    pub cpuset: Option<CpuSet>,
    /// Label value, saying what the container is for.
    pub purpose: &'static str,
    /// The seccomp profile (JSON) for this sandbox's language (see `judge::seccomp`).
    pub seccomp: Arc<str>,
    /// For an interactive judging: the Docker volume holding the FIFOs between the submission's
    /// sandbox and the validator's, mounted at [`PIPES_DIR`] in both.
    pub pipes_volume: Option<String>,
}

/// Where an interactive judging's FIFO volume is mounted: a root-only (0700) tmpfs, so only
/// the supervisors open the FIFOs, never a program by name.
pub const PIPES_DIR: &str = "/run/coderank-pipes";

impl SandboxSpec {
    /// The container's host configuration for programs running as `uid`.
    pub fn host_config(&self, uid: u32) -> HostConfig {
        let tmpfs = HashMap::from([
            (
                "/tmp".to_owned(),
                format!(
                    "rw,exec,nosuid,nodev,size={}m,nr_inodes={TMP_INODES},mode=1777",
                    self.tmp_mb
                ),
            ),
            (
                "/work".to_owned(),
                format!(
                    "rw,exec,nosuid,nodev,noatime,size={}m,nr_inodes={WORK_INODES},uid={uid},gid={uid},mode=755",
                    self.work_mb
                ),
            ),
            // Docker's own /dev/shm has no inode cap; this one replaces it.
            (
                "/dev/shm".to_owned(),
                format!(
                    "rw,nosuid,nodev,noexec,size={}m,nr_inodes={SHM_INODES},mode=1777",
                    self.shm_mb
                ),
            ),
        ]);
        let memory = i64::try_from(self.memory_mb.saturating_mul(1 << 20)).unwrap_or(i64::MAX);
        let base = locked_down(tmpfs, memory, self.pids_limit, &self.seccomp);
        HostConfig {
            nano_cpus: self.cpuset.is_none().then_some(1_000_000_000),
            cpuset_cpus: self.cpuset.as_ref().map(ToString::to_string),
            cap_add: Some(CAPABILITIES.iter().map(|cap| (*cap).to_owned()).collect()),
            mounts: self.pipes_volume.as_ref().map(|volume| {
                vec![Mount {
                    target: Some(PIPES_DIR.to_owned()),
                    source: Some(volume.clone()),
                    typ: Some(MountTypeEnum::VOLUME),
                    read_only: Some(false),
                    volume_options: Some(MountVolumeOptions {
                        no_copy: Some(true),
                        ..Default::default()
                    }),
                    ..Default::default()
                }]
            }),
            ..base
        }
    }
}

/// A uid that no live CodeRank sandbox of this engine uses, chosen at random (two workers
/// choosing at the same instant would have to draw the same one of 40 000).
pub async fn free_uid(docker: &Docker) -> anyhow::Result<u32> {
    let options = ListContainersOptionsBuilder::new()
        .all(true)
        .filters(&HashMap::from([("label", vec![CONTAINER_LABEL])]))
        .build();
    let in_use: Vec<u32> = docker
        .list_containers(Some(options))
        .await
        .context("cannot list containers")?
        .into_iter()
        .filter_map(|container| container.labels?.get(UID_LABEL)?.parse().ok())
        .collect();
    let mut random = rand::thread_rng();
    for _ in 0..64 {
        let uid = random.gen_range(UIDS);
        if !in_use.contains(&uid) {
            return Ok(uid);
        }
    }
    anyhow::bail!("no free sandbox uid among {} in use", in_use.len())
}
