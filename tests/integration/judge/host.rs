//! The judge on its host: a judging pinned to CPUs, a bad CPU list refused, and the containers of
//! a dead `coderank` process reaped while a live one's stay.

use super::*;

/// A package whose one test's answer is the last CPU of this machine, and a program that prints
/// the CPUs it may run on (from the kernel, which the container's cpuset bounds).
fn cpus_package() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let cpus = std::thread::available_parallelism().map_or(1, usize::from);
    let last = (cpus - 1).to_string();
    std::fs::write(
        root.join("problem.yaml"),
        "name: Allowed CPUs\nlimits:\n  time_limit: 2\n  memory: 256\n",
    )
    .expect("problem.yaml");
    std::fs::create_dir_all(root.join("data/sample")).expect("mkdir");
    std::fs::write(root.join("data/sample/1.in"), "").expect("input");
    std::fs::write(root.join("data/sample/1.ans"), format!("{last}\n")).expect("answer");
    std::fs::write(
        root.join("cpus.py"),
        "for line in open('/proc/self/status'):\n    if line.startswith('Cpus_allowed_list:'):\n        print(line.split()[1])\n",
    )
    .expect("source");
    (dir, last)
}

#[test]
fn a_judging_pinned_with_cpus_runs_only_on_those_cpus() {
    let (package, last) = cpus_package();
    let dir = package.path().to_str().expect("utf-8");
    let source = format!("{dir}/cpus.py");
    let run = |extra: &[&str]| {
        let mut args = vec!["judge", "--json"];
        args.extend_from_slice(extra);
        args.extend([dir, source.as_str()]);
        let output = coderank(&args);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_slice::<Value>(&output.stdout).expect("one JSON object")
    };
    let pinned = run(&["--cpus", &last]);
    assert_eq!(pinned["verdict"], "AC", "{pinned}");
    if last != "0" {
        // Unpinned, the program may run on every CPU, so the same answer is wrong.
        let unpinned = run(&[]);
        assert_eq!(unpinned["verdict"], "WA", "{unpinned}");
    }
}

#[test]
fn a_malformed_or_missing_cpu_list_is_a_clear_error() {
    let judge_with = |cpus: &str| {
        coderank(&[
            "judge",
            "--cpus",
            cpus,
            "problems/aplusb",
            "problems/aplusb/submissions/accepted/aplusb.c",
        ])
    };
    let backwards = judge_with("3-1");
    assert!(!backwards.status.success());
    assert!(
        String::from_utf8_lossy(&backwards.stderr)
            .contains("invalid CPU list \"3-1\": the range 3-1 runs backwards"),
        "{}",
        String::from_utf8_lossy(&backwards.stderr)
    );
    let missing = judge_with("1000");
    assert!(!missing.status.success());
    assert!(
        String::from_utf8_lossy(&missing.stderr).contains("--cpus 1000: the Docker host has"),
        "{}",
        String::from_utf8_lossy(&missing.stderr)
    );
}

/// Creates a stopped container labelled as owned by `pid` on this host (and pid namespace), and
/// answers its id.
fn labelled_container(pid: u32) -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").expect("hostname");
    let namespace = std::fs::read_link("/proc/self/ns/pid").expect("pid namespace");
    let owner = format!("{} {}", host.trim(), namespace.display());
    let output = Command::new("docker")
        .args(["create", "--label", "coderank=leftover-test"])
        .args(["--label", &format!("coderank.owner-host={owner}")])
        .args(["--label", &format!("coderank.owner-pid={pid}")])
        .args(["coderank-judge-c-cpp:1", "true"])
        .output()
        .expect("docker create");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

fn container_exists(id: &str) -> bool {
    Command::new("docker")
        .args(["inspect", id])
        .output()
        .expect("docker inspect")
        .status
        .success()
}

#[test]
fn containers_of_a_dead_process_are_reaped_and_those_of_a_live_one_stay() {
    let mut finished = Command::new("true").spawn().expect("spawn");
    let dead_pid = finished.id();
    finished.wait().expect("wait");
    let orphan = labelled_container(dead_pid);
    let alive = labelled_container(std::process::id());

    judge("aplusb", "accepted/aplusb.c", &[]);
    assert!(
        !container_exists(&orphan),
        "the dead process's container was not reaped"
    );
    assert!(container_exists(&alive), "a live process's container was removed");
    Command::new("docker")
        .args(["rm", "-f", &alive])
        .output()
        .expect("docker rm");
}
