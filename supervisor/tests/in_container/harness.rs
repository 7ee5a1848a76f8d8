//! The harness of the in-container tests: a judge container started the way the engine starts
//! it, the supervisor handed over on stdin, and the runs the tests ask of it.

use std::{
    io::Write,
    process::{Child, ChildStdin, ChildStdout, Command, Stdio},
};

use coderank_supervisor::{
    protocol::{Limits, RunRequest, Termination, Workdir},
    session::{RunOutput, Session},
};

pub const IMAGE: &str = "coderank-judge-c-cpp:1";

pub struct Sandbox {
    child: Child,
    pub session: Session<ChildStdout, ChildStdin>,
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts a container the way the engine does and hands the supervisor over on stdin.
pub fn sandbox(memory_mb: u64) -> Sandbox {
    let binary = std::fs::read(env!("CARGO_BIN_EXE_coderank-supervisor")).expect("supervisor binary");
    let block = 64 * 1024;
    let blocks = binary.len().div_ceil(block);
    let memory = format!("{memory_mb}m");
    let loader = format!(
        "dd of=/tmp/.coderank-supervisor bs={block} count={blocks} iflag=fullblock 2>/dev/null \
         && chmod 700 /tmp/.coderank-supervisor && exec /tmp/.coderank-supervisor"
    );
    let mut child = Command::new("docker")
        .args([
            "run",
            "--rm",
            "-i",
            "--network",
            "none",
            "--read-only",
            "--user",
            "0:0",
        ])
        .args([
            "--tmpfs",
            "/tmp:rw,exec,size=64m,mode=1777",
            "--tmpfs",
            "/work:rw,exec,size=64m,uid=10001,gid=10001,mode=755",
        ])
        .args([
            "--cap-drop",
            "ALL",
            "--cap-add",
            "SETUID",
            "--cap-add",
            "SETGID",
            "--cap-add",
            "KILL",
        ])
        .args([
            "--cap-add",
            "CHOWN",
            "--cap-add",
            "FOWNER",
            "--cap-add",
            "DAC_OVERRIDE",
        ])
        .args([
            "--security-opt",
            "no-new-privileges",
            "--pids-limit",
            "64",
            "--cpus",
            "1",
        ])
        .args([
            "--memory",
            &memory,
            "--memory-swap",
            &memory,
            "--label",
            "coderank=supervisor-test",
        ])
        .args([IMAGE, "sh", "-c", &loader])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("docker run");
    let mut stdin = child.stdin.take().expect("stdin");
    let mut padded = binary;
    padded.resize(blocks * block, 0);
    stdin.write_all(&padded).expect("send the supervisor");
    let stdout = child.stdout.take().expect("stdout");
    let session = Session::start(stdout, stdin).expect("hello");
    Sandbox { child, session }
}

pub fn limits() -> Limits {
    Limits {
        cpu_ms: 1000,
        wall_ms: 3000,
        memory_kb: 256 * 1024,
        output_bytes: 1 << 20,
        stderr_bytes: 4096,
        stack_kb: None,
    }
}

pub fn run(sandbox: &mut Sandbox, argv: &[&str], workdir: Workdir, limits: Limits, stdin: &str) -> RunOutput {
    let request = RunRequest {
        argv: argv.iter().map(|s| s.to_string()).collect(),
        workdir,
        env: Vec::new(),
        stdin_len: 0,
        limits,
        files: Vec::new(),
        collect: Vec::new(),
        pipes: None,
        feedback: None,
    };
    sandbox.session.run(request, stdin.as_bytes(), &[]).expect("run")
}

/// A sandbox with the toolbox compiled and `/work` sealed, as after a submission's compile step.
pub fn compiled(memory_mb: u64) -> Sandbox {
    let mut sandbox = sandbox(memory_mb);
    sandbox
        .session
        .write_file("main.c", include_bytes!("toolbox.c"), false)
        .expect("write");
    let compile = Limits {
        cpu_ms: 20_000,
        wall_ms: 60_000,
        ..limits()
    };
    let output = run(
        &mut sandbox,
        &["gcc", "-O2", "-o", "main", "main.c"],
        Workdir::Work,
        compile,
        "",
    );
    assert_eq!(
        output.result.termination,
        Termination::Exited,
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        output.result.exit_code,
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    sandbox.session.seal().expect("seal");
    sandbox
}

pub fn test(sandbox: &mut Sandbox, input: &str) -> RunOutput {
    run(sandbox, &["/work/main"], Workdir::Scratch, limits(), input)
}

pub fn stdout(output: &RunOutput) -> String {
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}
