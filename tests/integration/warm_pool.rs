//! The warm pool of sandboxes (`judge::sandbox::WarmPool`) with real containers: a judging
//! takes a pre-started sandbox and the pool is refilled once it is done (at once, or through
//! a teardown tracker as a worker does); nothing a hostile program leaves in
//! its sandbox reaches the next judging; a pooled sandbox that died while waiting gives way to
//! a fresh one; closing the pool (what a worker does at shutdown) removes all it holds; a new
//! pool starts the shapes the one before it remembered.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use bollard::query_parameters::{InspectContainerOptions, KillContainerOptions};
use coderank::judge::{
    engine::{self, JudgeOptions},
    languages::Languages,
    package::ProblemPackage,
    sandbox::{read_supervisor, remembered_in, PoolSize, Takes, WarmPool},
    seccomp,
    source::Source,
    verdict::Verdict,
};

use crate::helpers::{eventually, services};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const APLUSB_PY: &str = "a, b = map(int, input().split())\nprint(a + b)\n";

fn docker() -> bollard::Docker {
    let host = services().docker_host;
    let path = host.strip_prefix("unix://").unwrap_or("/var/run/docker.sock");
    bollard::Docker::connect_with_unix(path, 120, bollard::API_DEFAULT_VERSION).expect("docker")
}

/// A pool of `size` per shape, and judging options that use it.
fn pool(docker: &bollard::Docker, size: usize) -> (WarmPool, JudgeOptions) {
    let shapes = 8;
    sized_pool(
        docker,
        PoolSize {
            per_shape: size,
            shapes,
        },
    )
}

fn sized_pool(docker: &bollard::Docker, size: PoolSize) -> (WarmPool, JudgeOptions) {
    let supervisor: Arc<[u8]> = read_supervisor(std::env::var_os("CODERANK_SUPERVISOR").map(Into::into))
        .expect("the supervisor (CODERANK_SUPERVISOR)");
    let pool = WarmPool::new(docker.clone(), Arc::clone(&supervisor), None, size);
    let mut options = JudgeOptions::new(supervisor);
    options.pool = Some(pool.clone());
    (pool, options)
}

async fn judge_python(docker: &bollard::Docker, options: &JudgeOptions, source: &str) -> Verdict {
    let package = ProblemPackage::load(format!("{ROOT}/problems/aplusb")).expect("aplusb");
    let language = Languages::table().get("python3").expect("python3");
    let source = Source::file("main.py", source);
    let report = engine::judge(docker, &package, language, &source, options, |_| {})
        .await
        .expect("a judging");
    report.verdict
}

/// Waits (at most a minute) until the pool holds `count` ready sandboxes; their ids.
async fn ready(pool: &WarmPool, count: usize) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let ids = pool.ready_ids();
        if ids.len() == count {
            return ids;
        }
        assert!(
            Instant::now() < deadline,
            "the pool holds {} sandboxes, not {count}",
            ids.len()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn exists(docker: &bollard::Docker, id: &str) -> bool {
    docker
        .inspect_container(id, None::<InspectContainerOptions>)
        .await
        .is_ok()
}

#[tokio::test]
async fn a_judging_takes_a_pre_started_sandbox_which_is_removed_and_replaced() {
    let docker = docker();
    let (pool, options) = pool(&docker, 1);
    // The first judging of a shape finds the pool empty and asks for it to be filled.
    assert_eq!(judge_python(&docker, &options, APLUSB_PY).await, Verdict::Ac);
    assert_eq!(pool.takes(), Takes { ready: 0, missed: 1 });
    let before = ready(&pool, 1).await;
    assert!(exists(&docker, &before[0]).await);

    assert_eq!(judge_python(&docker, &options, APLUSB_PY).await, Verdict::Ac);
    assert_eq!(pool.takes(), Takes { ready: 1, missed: 1 });
    assert!(
        !exists(&docker, &before[0]).await,
        "the pre-started sandbox was used and removed"
    );
    let after = ready(&pool, 1).await;
    assert_ne!(after, before, "the pool was refilled with a new sandbox");
    pool.close().await;
}

/// What a worker does: the judging hands its sandbox's removal and the pool's top-up to a
/// tracker and returns its report first; once the tracker is waited for, the used sandbox is
/// gone and a new one is being started for the next judging.
#[tokio::test]
async fn a_judging_with_a_teardown_tracker_removes_its_sandbox_and_tops_the_pool_up_there() {
    let docker = docker();
    let (pool, mut options) = pool(&docker, 1);
    assert_eq!(judge_python(&docker, &options, APLUSB_PY).await, Verdict::Ac);
    let before = ready(&pool, 1).await;

    let tracker = tokio_util::task::TaskTracker::new();
    options.teardown = Some(tracker.clone());
    assert_eq!(judge_python(&docker, &options, APLUSB_PY).await, Verdict::Ac);
    tracker.close();
    tokio::time::timeout(Duration::from_secs(60), tracker.wait())
        .await
        .expect("the teardown ends");
    assert!(
        !exists(&docker, &before[0]).await,
        "the used sandbox is removed once the teardown is done"
    );
    let after = ready(&pool, 1).await;
    assert_ne!(after, before, "the pool was topped up with a new sandbox");
    pool.close().await;
}

#[tokio::test]
async fn files_and_processes_a_program_leaves_behind_do_not_reach_the_next_judging() {
    let docker = docker();
    let (pool, options) = pool(&docker, 2);
    assert_eq!(judge_python(&docker, &options, APLUSB_PY).await, Verdict::Ac);
    ready(&pool, 2).await;
    // Leaves files in every writable place and a detached process named "left-behind", and
    // uses up pids (which a container keeps counting: its next program's pid would show it).
    let hostile = r#"
import os
for _ in range(250):
    if os.fork() == 0:
        os._exit(0)
    os.wait()
for path in ("/tmp/left-behind", "/dev/shm/left-behind", "/tmp/../tmp/.left-behind"):
    try:
        open(path, "w").write("x")
    except OSError:
        pass
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.execvp("sleep", ["left-behind", "1000"])
    os._exit(0)
a, b = map(int, input().split())
print(a + b)
"#;
    assert_eq!(judge_python(&docker, &options, hostile).await, Verdict::Ac);
    // Answers right only when it sees nothing of the hostile judging.
    let observer = r#"
import os
seen = []
for path in ("/tmp/left-behind", "/dev/shm/left-behind", "/tmp/.left-behind"):
    if os.path.exists(path):
        seen.append(path)
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        if b"left-behind" in open(f"/proc/{pid}/cmdline", "rb").read():
            seen.append(pid)
    except OSError:
        pass
if os.getpid() > 200:
    seen.append("pid %d" % os.getpid())
a, b = map(int, input().split())
print(a + b if not seen else -1)
"#;
    assert_eq!(judge_python(&docker, &options, observer).await, Verdict::Ac);
    pool.close().await;
}

#[tokio::test]
async fn a_pooled_sandbox_killed_while_waiting_gives_way_to_a_fresh_one() {
    let docker = docker();
    let (pool, options) = pool(&docker, 1);
    assert_eq!(judge_python(&docker, &options, APLUSB_PY).await, Verdict::Ac);
    let waiting = ready(&pool, 1).await;
    docker
        .kill_container(&waiting[0], None::<KillContainerOptions>)
        .await
        .expect("kill the waiting sandbox");

    assert_eq!(judge_python(&docker, &options, APLUSB_PY).await, Verdict::Ac);
    assert!(
        !exists(&docker, &waiting[0]).await,
        "the dead sandbox was removed"
    );
    let refilled = ready(&pool, 1).await;
    assert_ne!(refilled, waiting);
    pool.close().await;
}

#[tokio::test]
async fn closing_the_pool_removes_every_sandbox_it_holds_and_hands_out_no_more() {
    let docker = docker();
    let (pool, options) = pool(&docker, 2);
    assert_eq!(judge_python(&docker, &options, APLUSB_PY).await, Verdict::Ac);
    let held = ready(&pool, 2).await;
    pool.close().await;
    for id in &held {
        assert!(!exists(&docker, id).await, "{id} is left after closing");
    }
    // A judging after closing starts its own sandbox, and nothing is started for the pool.
    assert_eq!(judge_python(&docker, &options, APLUSB_PY).await, Verdict::Ac);
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(pool.ready_ids().is_empty());
}

/// With room for one shape, the judging of another shape (here: pinned to another CPU) drops
/// the first shape's ready sandbox: a worker keeps idle containers of its most recent shapes
/// only.
#[tokio::test]
async fn past_its_shapes_the_pool_removes_the_least_recently_used_ones() {
    let docker = docker();
    let (pool, mut options) = sized_pool(
        &docker,
        PoolSize {
            per_shape: 1,
            shapes: 1,
        },
    );
    options.cpuset = Some("0".parse().expect("a CPU set"));
    assert_eq!(judge_python(&docker, &options, APLUSB_PY).await, Verdict::Ac);
    let first = ready(&pool, 1).await;

    options.cpuset = Some("1".parse().expect("a CPU set"));
    assert_eq!(judge_python(&docker, &options, APLUSB_PY).await, Verdict::Ac);
    let second = ready(&pool, 1).await;
    assert_ne!(second, first, "the second shape's sandbox replaced the first's");
    assert!(
        eventually(Duration::from_secs(30), || async {
            !exists(&docker, &first[0]).await
        })
        .await,
        "the first shape's sandbox is removed"
    );
    // The second shape's sandbox is the one a judging of it takes.
    assert_eq!(judge_python(&docker, &options, APLUSB_PY).await, Verdict::Ac);
    assert_eq!(pool.takes(), Takes { ready: 1, missed: 2 });
    pool.close().await;
}

/// What a restarted worker does: the pool before it remembered its shapes in the cache
/// directory, so the new pool starts their sandboxes at once and the first judging takes one.
#[tokio::test]
async fn a_new_pool_starts_the_shapes_its_predecessor_used_before_any_judging() {
    let docker = docker();
    let scratch = tempfile::tempdir().expect("a cache directory");
    let file = remembered_in(scratch.path());
    let profiles: Vec<Arc<str>> = Languages::table().iter().map(seccomp::for_language).collect();

    let (first, options) = pool(&docker, 1);
    first.recall(file.clone(), &profiles);
    assert_eq!(judge_python(&docker, &options, APLUSB_PY).await, Verdict::Ac);
    ready(&first, 1).await;
    first.close().await;

    let (second, options) = pool(&docker, 1);
    second.recall(file, &profiles);
    let started = ready(&second, 1).await;
    assert_eq!(judge_python(&docker, &options, APLUSB_PY).await, Verdict::Ac);
    assert_eq!(
        second.takes(),
        Takes { ready: 1, missed: 0 },
        "the first judging took the sandbox started for it"
    );
    assert!(!exists(&docker, &started[0]).await, "used and removed");
    second.close().await;
}
