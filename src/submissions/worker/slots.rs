//! A worker's judging slots: at most one job each at a time, slot k pinned to CPU k when the
//! machine has that many. apalis bounds how many messages are handled at once; the slots also
//! outlive an apalis worker rebuilt after a broker failure, so a judging in flight keeps its
//! slot (and its CPU) until it ends.

use std::sync::{Arc, Mutex};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The free slots of a worker.
#[derive(Clone)]
pub(super) struct Slots {
    permits: Arc<Semaphore>,
    free: Arc<Mutex<Vec<usize>>>,
    /// CPUs of the machine when slots are pinned.
    cpus: Option<usize>,
}

/// A slot in use; it is free again when dropped.
pub(super) struct Slot {
    pub index: usize,
    /// The CPU it is pinned to, if any.
    pub cpuset: Option<String>,
    free: Arc<Mutex<Vec<usize>>>,
    _permit: OwnedSemaphorePermit,
}

impl Slots {
    pub fn new(slots: usize, cpus: Option<usize>) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(slots)),
            free: Arc::new(Mutex::new((0..slots).rev().collect())),
            cpus,
        }
    }

    /// Waits for a free slot; `None` once the slots are closed.
    pub async fn take(&self) -> Option<Slot> {
        let permit = Arc::clone(&self.permits).acquire_owned().await.ok()?;
        let index = self.free.lock().ok()?.pop()?;
        let cpuset = self.cpus.filter(|&cpus| index < cpus).map(|_| index.to_string());
        Some(Slot {
            index,
            cpuset,
            free: Arc::clone(&self.free),
            _permit: permit,
        })
    }

    /// Waits until all `slots` are free, then closes them.
    pub async fn drain(&self, slots: usize) {
        if let Ok(all) = self.permits.acquire_many(slots as u32).await {
            all.forget();
        }
        self.permits.close();
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        if let Ok(mut free) = self.free.lock() {
            free.push(self.index);
        }
    }
}
