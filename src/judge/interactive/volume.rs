//! The small tmpfs Docker volume an interactive judging's two sandboxes share for their FIFOs.

use std::collections::HashMap;

use anyhow::Context;
use bollard::{models::VolumeCreateOptions, query_parameters::RemoveVolumeOptionsBuilder, Docker};

use super::super::images::container_labels;

/// Size of the FIFO volume: it holds only FIFOs (whose data never touches it) and nothing else;
/// root-only, so no program opens them by name.
const VOLUME_SIZE: &str = "size=1m,nr_inodes=64,mode=0700";

/// The tmpfs volume holding an interactive judging's FIFOs. Always [`PipeVolume::remove`] it
/// after the sandboxes that mount it; dropping it removes it in the background.
pub struct PipeVolume {
    docker: Docker,
    pub name: String,
    removed: bool,
}

impl PipeVolume {
    pub async fn create(docker: &Docker) -> anyhow::Result<Self> {
        let name = format!("coderank-pipes-{}", uuid::Uuid::new_v4().simple());
        let options = VolumeCreateOptions {
            name: Some(name.clone()),
            driver: Some("local".to_owned()),
            driver_opts: Some(HashMap::from([
                ("type".to_owned(), "tmpfs".to_owned()),
                ("device".to_owned(), "tmpfs".to_owned()),
                ("o".to_owned(), VOLUME_SIZE.to_owned()),
            ])),
            labels: Some(container_labels("pipes")),
            ..Default::default()
        };
        docker
            .create_volume(options)
            .await
            .context("cannot create the volume for an interactive problem's pipes")?;
        Ok(Self {
            docker: docker.clone(),
            name,
            removed: false,
        })
    }

    /// Removes the volume; call once no container mounts it.
    pub async fn remove(&mut self) {
        if self.removed {
            return;
        }
        self.removed = true;
        let options = RemoveVolumeOptionsBuilder::new().force(true).build();
        if let Err(err) = self.docker.remove_volume(&self.name, Some(options)).await {
            tracing::warn!(volume = %self.name, error = %err, "cannot remove a pipes volume");
        }
    }
}

impl Drop for PipeVolume {
    fn drop(&mut self) {
        if self.removed {
            return;
        }
        let (docker, name) = (self.docker.clone(), self.name.clone());
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                let options = RemoveVolumeOptionsBuilder::new().force(true).build();
                let _ = docker.remove_volume(&name, Some(options)).await;
            });
        }
    }
}
