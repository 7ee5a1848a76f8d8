//! The warm pool: sandboxes started before a judging needs them, so that a judging begins with
//! its container created, started, and its supervisor loaded and greeting, instead of waiting
//! for all that (the most of a short judging's time).
//!
//! A pooled sandbox is exactly the sandbox [`Sandbox::start_on`] would make for the judging:
//! the pool is keyed by everything the container is created with (image, memory, tmpfs sizes,
//! pids, CPUs, seccomp profile, runtime), so no limit has to be changed after the fact and a
//! problem with other limits simply has a pool of its own. With slots pinned to CPUs, the
//! CPU set is part of the key, which makes the pools per language and slot.
//!
//! Each sandbox is used by one judging and then removed (the judging removes it, as it would a
//! fresh one): nothing a program leaves behind — files, processes, a changed `/tmp` — outlives
//! its judging. The judging then tops its shape's pool up ([`WarmPool::top_up`]): after it,
//! not while it runs, so that starting a container (CPU-heavy in the engine) does not slow the
//! judging's own tests on a small machine. At most [`FILLERS`] starts run at a time, each within
//! [`START_TIME`]; a start that fails is not retried (the next top-up asks again). A sandbox
//! that died while waiting is found out by the judging's first exchange, which then starts a
//! fresh one (see `program`). Sandboxes that need something of their judging at
//! creation — an interactive judging's FIFO volume — are never pooled.
//!
//! A pool that remembers ([`WarmPool::recall`]) writes its shapes to a file whenever they change,
//! and starts the ones written there by the worker before it: a restarted worker has its
//! sandboxes ready before its first judging, not after it (see `recall`).
//!
//! Pool containers are labelled `coderank=pool` with their owner process, so that a worker's
//! start reaps those of a dead worker (`images::reap_leftovers`), and [`WarmPool::close`]
//! removes every one at shutdown.

mod recall;

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    sync::{Arc, Mutex, MutexGuard, OnceLock},
    time::Duration,
};

use bollard::Docker;
use tokio::sync::Semaphore;

pub use self::recall::file_in as remembered_in;
use super::{Sandbox, SandboxSpec};
use crate::telemetry::metrics;

/// The `coderank` label value of a pool's containers.
pub const POOL_PURPOSE: &str = "pool";
/// Sandboxes being started at once to refill the pool: few, so refilling does not crowd out
/// the judgings on a small machine.
const FILLERS: usize = 2;
/// Time for a pool sandbox to start.
const START_TIME: Duration = Duration::from_secs(60);

/// What a sandbox is created with; sandboxes of one shape are interchangeable.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Shape {
    made: Made,
    seccomp: Arc<str>,
}

/// A shape's image and sizes: all of it but the seccomp profile (which `recall` writes as its
/// hash).
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
struct Made {
    image: String,
    memory_mb: u64,
    tmp_mb: u64,
    shm_mb: u64,
    work_mb: u64,
    pids_limit: i64,
    cpuset: Option<String>,
}

impl Shape {
    fn of(spec: &SandboxSpec) -> Self {
        let made = Made {
            image: spec.image.clone(),
            memory_mb: spec.memory_mb,
            tmp_mb: spec.tmp_mb,
            shm_mb: spec.shm_mb,
            work_mb: spec.work_mb,
            pids_limit: spec.pids_limit,
            cpuset: spec.cpuset.as_ref().map(ToString::to_string),
        };
        Self {
            made,
            seccomp: Arc::clone(&spec.seccomp),
        }
    }
}

/// How much a pool keeps ready: `per_shape` sandboxes of each of at most `shapes` shapes (the
/// most recently used: past that, the least recently used shape's sandboxes are removed, so
/// problems with unusual limits do not pile up idle containers), so at most
/// `per_shape × shapes` idle containers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolSize {
    pub per_shape: usize,
    pub shapes: usize,
}

/// A worker's warm pool; cheap to clone (every slot holds the same one).
#[derive(Clone)]
pub struct WarmPool {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for WarmPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WarmPool")
            .field("size", &self.inner.size)
            .field("runtime", &self.inner.runtime)
            .finish_non_exhaustive()
    }
}

struct Inner {
    docker: Docker,
    supervisor: Arc<[u8]>,
    /// The OCI runtime the pool's sandboxes run under (`None`: the engine's default).
    runtime: Option<String>,
    size: PoolSize,
    /// The file the pool's shapes are written to when they change (see [`WarmPool::recall`]).
    memory: OnceLock<PathBuf>,
    /// Permits to start a sandbox; [`WarmPool::close`] takes them all to wait for starts in
    /// flight.
    fillers: Semaphore,
    state: Mutex<State>,
}

/// The judgings' asks for a sandbox so far ([`WarmPool::takes`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Takes {
    /// A sandbox was ready.
    pub ready: u64,
    /// None was: the judging started its own.
    pub missed: u64,
}

#[derive(Default)]
struct State {
    /// Set by [`WarmPool::close`]: nothing more is started or handed out.
    closed: bool,
    /// Counts top-ups (one after every judging), to tell the least recently used shape.
    clock: u64,
    /// What the judgings' asks found.
    takes: Takes,
    shapes: HashMap<Shape, Waiting>,
}

#[derive(Default)]
struct Waiting {
    ready: Vec<Sandbox>,
    /// Sandboxes being started for this shape.
    starting: usize,
    /// The clock at the last top-up.
    used: u64,
}

impl WarmPool {
    /// A pool keeping what `size` says ready (0 per shape: a pool that never holds any).
    pub fn new(docker: Docker, supervisor: Arc<[u8]>, runtime: Option<String>, size: PoolSize) -> Self {
        Self {
            inner: Arc::new(Inner {
                docker,
                supervisor,
                runtime,
                size,
                memory: OnceLock::new(),
                fillers: Semaphore::new(FILLERS),
                state: Mutex::default(),
            }),
        }
    }

    /// A ready sandbox made as `spec` says, if the pool holds one. `None` at once for what is
    /// never pooled. Nothing is started, added or marked used here: the judging tops the pool up
    /// when it is done ([`Self::top_up`]), which does all three.
    pub fn take(&self, spec: &SandboxSpec) -> Option<Sandbox> {
        if !self.pools(spec) {
            return None;
        }
        let mut state = self.inner.lock();
        let open = !state.closed;
        let waiting = state.shapes.get_mut(&Shape::of(spec)).filter(|_| open);
        let sandbox = waiting.and_then(|waiting| waiting.ready.pop());
        let (count, outcome) = match sandbox {
            Some(_) => (&mut state.takes.ready, "ready"),
            None => (&mut state.takes.missed, "missed"),
        };
        *count += 1;
        metrics::warm_pool_take(outcome);
        sandbox
    }

    /// The judgings' asks for a sandbox so far (of what is pooled), by what they found.
    pub fn takes(&self) -> Takes {
        self.inner.lock().takes
    }

    /// Starts, in the background, the sandboxes of the shapes remembered in `file` (by the
    /// worker before this one), and from now on writes this pool's shapes there whenever they
    /// change. `profiles` are the seccomp profiles of the current languages: a remembered shape
    /// is started with one of them, never with anything the file says (see `recall`). What a
    /// worker calls once, before its first judging.
    pub fn recall(&self, file: PathBuf, profiles: &[Arc<str>]) {
        let specs = recall::recall(&file, profiles);
        let count = specs.len().min(self.inner.size.shapes);
        // The most recently used shape is written first; it is topped up last, so it is the
        // one kept if the budget is smaller than the file.
        for spec in specs.iter().take(count).rev() {
            self.top_up(spec);
        }
        if count > 0 {
            tracing::info!(shapes = count, "starting the warm pool's remembered shapes");
        }
        let state = self.inner.lock();
        let file = self.inner.memory.get_or_init(|| file);
        remember(file, &state);
    }

    /// Starts, in the background, as many sandboxes made as `spec` says as its shape's pool
    /// lacks (ready or being started); what a judging calls once it is done with its sandbox.
    pub fn top_up(&self, spec: &SandboxSpec) {
        if !self.pools(spec) {
            return;
        }
        let shape = Shape::of(spec);
        let (to_start, evicted) = {
            let mut state = self.inner.lock();
            if state.closed {
                return;
            }
            state.clock += 1;
            let clock = state.clock;
            // Shapes are only ever dropped (below) when one is added.
            let changed = !state.shapes.contains_key(&shape);
            let waiting = state.shapes.entry(shape.clone()).or_default();
            waiting.used = clock;
            let to_start = self
                .inner
                .size
                .per_shape
                .saturating_sub(waiting.ready.len() + waiting.starting);
            waiting.starting += to_start;
            let evicted = evict(&mut state, self.inner.size.shapes);
            if let (true, Some(file)) = (changed, self.inner.memory.get()) {
                // Under the lock, so that the file's last writing is of the latest shapes.
                remember(file, &state);
            }
            (to_start, evicted)
        };
        for sandbox in evicted {
            tokio::spawn(remove(sandbox));
        }
        for _ in 0..to_start {
            self.fill(shape.clone(), spec.clone());
        }
    }

    /// Whether sandboxes made as `spec` says are pooled at all.
    fn pools(&self, spec: &SandboxSpec) -> bool {
        self.inner.size.per_shape > 0 && spec.pipes_volume.is_none()
    }

    /// The ids of the sandboxes ready now, of every shape.
    pub fn ready_ids(&self) -> Vec<String> {
        let state = self.inner.lock();
        let waiting = state.shapes.values().flat_map(|waiting| &waiting.ready);
        waiting.map(|sandbox| sandbox.id().to_owned()).collect()
    }

    /// Stops the pool: waits for the starts in flight (each has its deadline) and removes every
    /// sandbox it holds. Sandboxes already taken belong to their judgings.
    pub async fn close(&self) {
        self.inner.lock().closed = true;
        // Starts queued before this see `closed` and give their permits back at once; starts
        // in flight remove what they made.
        let permits = u32::try_from(FILLERS).unwrap_or(u32::MAX);
        let all = tokio::time::timeout(START_TIME * 2, self.inner.fillers.acquire_many(permits)).await;
        if all.is_err() {
            tracing::warn!("pool sandboxes were still starting at shutdown");
        }
        let ready: Vec<Sandbox> = {
            let mut state = self.inner.lock();
            state
                .shapes
                .drain()
                .flat_map(|(_, waiting)| waiting.ready)
                .collect()
        };
        futures::future::join_all(ready.into_iter().map(remove)).await;
    }

    /// Starts one sandbox of `shape` in the background and puts it in the pool.
    fn fill(&self, shape: Shape, spec: SandboxSpec) {
        let pool = self.clone();
        tokio::spawn(async move {
            let inner = &pool.inner;
            let Ok(_permit) = inner.fillers.acquire().await else {
                return;
            };
            let closed = inner.lock().closed;
            let started = match closed {
                true => None,
                false => pool.start(&spec).await,
            };
            let leftover = {
                let mut state = inner.lock();
                let closed = state.closed;
                match state.shapes.get_mut(&shape) {
                    Some(waiting) if !closed => {
                        waiting.starting = waiting.starting.saturating_sub(1);
                        started.and_then(|sandbox| {
                            waiting.ready.push(sandbox);
                            None
                        })
                    }
                    _ => started,
                }
            };
            // Removed while the permit is held, so that `close` waits for it.
            if let Some(sandbox) = leftover {
                remove(sandbox).await;
            }
        });
    }

    async fn start(&self, spec: &SandboxSpec) -> Option<Sandbox> {
        let spec = SandboxSpec {
            purpose: POOL_PURPOSE,
            ..spec.clone()
        };
        let inner = &self.inner;
        let starting = Sandbox::start_on(&inner.docker, &spec, &inner.supervisor, inner.runtime.as_deref());
        match tokio::time::timeout(START_TIME, starting).await {
            Ok(Ok(sandbox)) => Some(sandbox),
            Ok(Err(err)) => {
                tracing::warn!(error = %format!("{err:#}"), image = spec.image, "cannot start a pool sandbox");
                None
            }
            Err(_) => {
                tracing::warn!(image = spec.image, "a pool sandbox did not start in time");
                None
            }
        }
    }
}

impl Inner {
    /// The state; a panic elsewhere while holding it leaves nothing half-done worth refusing.
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Writes the shapes of `state` to `file`, the most recently used first; a failure only costs
/// the next worker its head start, so it is logged and judging goes on.
fn remember(file: &Path, state: &State) {
    let mut shapes: Vec<(&Shape, u64)> = state
        .shapes
        .iter()
        .map(|(shape, waiting)| (shape, waiting.used))
        .collect();
    shapes.sort_by_key(|(_, used)| std::cmp::Reverse(*used));
    if let Err(err) = recall::save(file, shapes.into_iter().map(|(shape, _)| shape)) {
        tracing::warn!(error = %format!("{err:#}"), "cannot remember the warm pool's shapes");
    }
}

/// Drops the least recently used shapes beyond `most` (at least one: the one just used),
/// handing back their sandboxes for removal.
fn evict(state: &mut State, most: usize) -> Vec<Sandbox> {
    let mut evicted = Vec::new();
    while state.shapes.len() > most.max(1) {
        let oldest = state
            .shapes
            .iter()
            .min_by_key(|(_, waiting)| waiting.used)
            .map(|(shape, _)| shape.clone());
        let Some(waiting) = oldest.and_then(|shape| state.shapes.remove(&shape)) else {
            break;
        };
        evicted.extend(waiting.ready);
    }
    evicted
}

async fn remove(mut sandbox: Sandbox) {
    sandbox.remove().await;
}
