//! Judge integrity: what the sandbox's containers are made of, what sandboxes side by side
//! share, what a misbehaving validator gets, and what users can learn of the host. The hostile
//! programs themselves are reference submissions of `problems/hostile` and `problems/sandbox`,
//! judged by `problem verify` in `scripts/test`.

use std::{path::Path, process::Command};

use coderank::judge::{
    images::CONTAINER_LABEL,
    sandbox::{read_supervisor, Sandbox, SandboxSpec},
    seccomp,
};
use coderank_supervisor::protocol::{Limits, RunRequest, Workdir};
use serde_json::Value;

use crate::helpers::services;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn docker() -> bollard::Docker {
    let host = services().docker_host;
    let path = host.strip_prefix("unix://").unwrap_or("/var/run/docker.sock");
    bollard::Docker::connect_with_unix(path, 120, bollard::API_DEFAULT_VERSION).expect("docker")
}

fn spec() -> SandboxSpec {
    SandboxSpec {
        image: "coderank-judge-c-cpp:1".to_owned(),
        memory_mb: 512,
        tmp_mb: 64,
        shm_mb: 16,
        work_mb: 64,
        pids_limit: 64,
        cpuset: None,
        purpose: "test",
        seccomp: seccomp::base(),
        pipes_volume: None,
    }
}

fn run(argv: &[&str]) -> RunRequest {
    RunRequest {
        argv: argv.iter().map(|arg| (*arg).to_owned()).collect(),
        workdir: Workdir::Scratch,
        env: Vec::new(),
        stdin_len: 0,
        limits: Limits {
            cpu_ms: 2000,
            wall_ms: 5000,
            memory_kb: 64 * 1024,
            output_bytes: 1 << 20,
            stderr_bytes: 1 << 16,
            stack_kb: None,
        },
        files: Vec::new(),
        collect: Vec::new(),
        pipes: None,
        feedback: None,
    }
}

fn inspect(id: &str) -> Value {
    let output = Command::new("docker")
        .args(["inspect", id])
        .output()
        .expect("docker inspect");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let list: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    list[0].clone()
}

#[tokio::test]
async fn sandboxes_side_by_side_run_programs_under_uids_of_their_own_and_log_nothing() {
    let docker = docker();
    let supervisor =
        read_supervisor(std::env::var_os("CODERANK_SUPERVISOR").map(Into::into)).expect("supervisor");
    let mut first = Sandbox::start(&docker, &spec(), &supervisor)
        .await
        .expect("first sandbox");
    let mut second = Sandbox::start(&docker, &spec(), &supervisor)
        .await
        .expect("second sandbox");
    let deadline = std::time::Duration::from_secs(30);
    let mut uids = Vec::new();
    for sandbox in [&mut first, &mut second] {
        let ran = sandbox
            .run(run(&["id", "-u"]), b"", &[], deadline)
            .await
            .expect("id -u");
        let uid: u32 = String::from_utf8_lossy(&ran.stdout)
            .trim()
            .parse()
            .expect("a uid");
        assert_eq!(uid, sandbox.uid());
        assert!(
            uid >= 20_000,
            "a uid of the sandbox's own, not the images' judge user: {uid}"
        );
        uids.push(uid);

        let container = inspect(sandbox.id());
        let host = &container["HostConfig"];
        assert_eq!(host["LogConfig"]["Type"], "none", "{host}");
        let security = host["SecurityOpt"].to_string();
        assert!(
            security.contains("no-new-privileges") && security.contains("seccomp"),
            "{security}"
        );
        let capabilities = host["CapAdd"].to_string();
        assert!(!capabilities.contains("KILL"), "{capabilities}");
        assert_eq!(
            container["Config"]["Labels"]["coderank.uid"],
            uid.to_string(),
            "the uid is labelled, so the next sandbox picks another"
        );
        assert!(container["Config"]["Labels"].get(CONTAINER_LABEL).is_some());
        let tmpfs = host["Tmpfs"].to_string();
        assert!(
            tmpfs.contains("nr_inodes") && tmpfs.contains("/dev/shm"),
            "{tmpfs}"
        );
    }
    assert_ne!(uids[0], uids[1], "two sandboxes side by side share a uid");
    first.remove().await;
    second.remove().await;
}

fn coderank_judge(problem: &Path, submission: &Path) -> Value {
    let output = Command::new(env!("CARGO_BIN_EXE_coderank"))
        .args(["judge", "--json"])
        .arg(problem)
        .arg(submission)
        .current_dir(ROOT)
        .output()
        .expect("run coderank");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("one JSON object")
}

/// A+B with a Kattis validator that turns `judgemessage.txt` into a FIFO before accepting.
fn fifo_validator_package() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    std::fs::write(
        root.join("problem.yaml"),
        "name: FIFO validator\nvalidation: custom\nlimits:\n  time_limit: 1\n",
    )
    .expect("problem.yaml");
    for (folder, name, text) in [("sample", "1", "1 2\n"), ("secret", "1", "2 3\n")] {
        std::fs::create_dir_all(root.join("data").join(folder)).expect("mkdir");
        std::fs::write(root.join(format!("data/{folder}/{name}.in")), text).expect("in");
        std::fs::write(root.join(format!("data/{folder}/{name}.ans")), "0\n").expect("ans");
    }
    let validator = root.join("output_validators/fifo");
    std::fs::create_dir_all(&validator).expect("mkdir");
    std::fs::write(
        validator.join("validate.c"),
        "#include <stdio.h>\n#include <sys/stat.h>\n\
         int main(int argc, char **argv) {\n\
           char path[4096];\n\
           snprintf(path, sizeof path, \"%s/judgemessage.txt\", argc > 3 ? argv[3] : \".\");\n\
           mkfifo(path, 0644);\n\
           return 42;\n\
         }\n",
    )
    .expect("validator");
    dir
}

#[test]
fn a_validator_that_leaves_judgemessage_as_a_fifo_is_an_internal_error_not_a_hang() {
    let package = fifo_validator_package();
    let submission = Path::new(ROOT).join("problems/aplusb/submissions/accepted/aplusb.c");
    let report = coderank_judge(package.path(), &submission);
    assert_eq!(report["verdict"], "IE", "{report}");
    let message = report["tests"][0]["checker_message"].as_str().unwrap_or_default();
    assert!(message.contains("judgemessage.txt"), "{report}");
}

#[test]
fn a_compile_log_and_a_program_s_output_show_no_host_path() {
    let report = coderank_judge(
        &Path::new(ROOT).join("problems/hostile"),
        &Path::new(ROOT).join("problems/hostile/submissions/compile_error/include_mountinfo.rs"),
    );
    assert_eq!(report["verdict"], "CE", "{report}");
    let log = report["compile"]["output"].as_str().expect("a compile log");
    assert!(log.contains("overlay"), "the log holds the mount table: {log}");
    for host in ["/var/lib/docker", "overlay2", "upperdir=/", "lowerdir=/"] {
        assert!(!log.contains(host), "{host} in the compile log: {log}");
    }

    let dir = tempfile::tempdir().expect("temp dir");
    let source = dir.path().join("mounts.py");
    std::fs::write(&source, "print(open('/proc/self/mountinfo').read())\n").expect("source");
    let report = coderank_judge(&Path::new(ROOT).join("problems/hostile"), &source);
    assert_eq!(report["verdict"], "WA", "{report}");
    let shown = report["tests"][0]["output"]
        .as_str()
        .expect("the sample's output");
    assert!(
        shown.contains("overlay") && !shown.contains("overlay2"),
        "{shown}"
    );
}

#[test]
fn the_seccomp_profile_of_every_language_is_valid_json_docker_accepts() {
    let table = coderank::judge::languages::Languages::builtin().expect("table");
    for language in table.iter() {
        let profile: Value = serde_json::from_str(&seccomp::for_language(language)).expect("JSON");
        assert_eq!(profile["defaultAction"], "SCMP_ACT_ERRNO", "{}", language.id);
    }
    // Docker parses the profile when it creates a container: an invalid one is refused there.
    let file = tempfile::NamedTempFile::new().expect("temp file");
    std::fs::write(file.path(), seccomp::base().as_bytes()).expect("write");
    let status = Command::new("docker")
        .args(["run", "--rm", "--network", "none", "--log-driver", "none"])
        .arg("--security-opt")
        .arg(format!("seccomp={}", file.path().display()))
        .args(["coderank-judge-c-cpp:1", "true"])
        .status()
        .expect("docker run");
    assert!(status.success());
}
