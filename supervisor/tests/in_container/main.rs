//! The supervisor inside a real judge container, started with the flags the engine uses, and
//! driven over stdin and stdout exactly as the worker drives it. Needs the Docker engine and the
//! `coderank-judge-c-cpp:1` image (`scripts/bootstrap` builds both).

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod harness;

use coderank_supervisor::protocol::{Limits, RunRequest, Termination, Workdir};
use harness::{compiled, limits, run, sandbox, stdout, test};

#[test]
fn a_program_compiles_once_and_answers_every_test_with_measurements() {
    let mut sandbox = compiled(512);
    for (a, b) in [(1, 2), (-5, 5), (1_000_000_000, 1_000_000_000)] {
        let output = test(&mut sandbox, &format!("sum {a} {b}\n"));
        assert_eq!(output.result.termination, Termination::Exited);
        assert_eq!(output.result.exit_code, Some(0));
        assert_eq!(stdout(&output), (a + b).to_string());
        assert!(
            output.result.peak_kb > 0 && output.result.peak_kb < 64 * 1024,
            "{:?}",
            output.result
        );
    }
}

#[test]
fn an_infinite_loop_ends_at_the_cpu_limit() {
    let mut sandbox = compiled(512);
    let generous_wall = Limits {
        wall_ms: 20_000,
        ..limits()
    };
    let output = run(
        &mut sandbox,
        &["/work/main"],
        Workdir::Scratch,
        generous_wall,
        "spin",
    );
    assert_eq!(
        output.result.termination,
        Termination::CpuLimit,
        "{:?}",
        output.result
    );
    // Stopped at the limit, not at some multiple of it. (The kernel counts RLIMIT_CPU with its
    // own clock; under load rusage may report somewhat less than the limit at SIGXCPU.) Two
    // stops race, both at the limit: the kernel's SIGXCPU (RLIMIT_CPU) and the supervisor's
    // SIGKILL once its sampling of the cgroup's counter sees the limit passed; either may come
    // first (a CI run saw SIGKILL at 1001 ms).
    assert!(output.result.cpu_ms < 1500, "{:?}", output.result);
    assert!(
        matches!(output.result.signal, Some(libc::SIGXCPU | libc::SIGKILL)),
        "{:?}",
        output.result
    );
}

#[test]
fn sleeping_forever_ends_at_the_wall_limit() {
    let mut sandbox = compiled(512);
    let output = test(&mut sandbox, "sleep");
    assert_eq!(
        output.result.termination,
        Termination::WallLimit,
        "{:?}",
        output.result
    );
    assert!(
        output.result.wall_ms >= 3000 && output.result.cpu_ms < 100,
        "{:?}",
        output.result
    );
}

#[test]
fn a_memory_bomb_ends_at_the_memory_limit() {
    let mut sandbox = compiled(320);
    let output = test(&mut sandbox, "alloc 1024");
    assert_eq!(
        output.result.termination,
        Termination::MemoryLimit,
        "{:?}",
        output.result
    );
    let within = test(&mut sandbox, "alloc 64");
    assert_eq!(stdout(&within), "allocated", "{:?}", within.result);
    assert_eq!(within.result.termination, Termination::Exited);
}

#[test]
fn memory_kept_in_the_kernel_s_buffers_is_the_program_s_memory() {
    // Socket buffers and System V message queues are charged to the cgroup as kernel memory,
    // not as the heap: 320 MiB there passes a 256 MiB limit as surely as a heap would.
    // A sandbox of its own per kind, and the run within the limit first: what a killed run
    // kept is freed after it, partly only after an RCU grace period, and a run that starts
    // meanwhile measures from a higher point.
    for stash in ["sockets", "queues"] {
        let mut sandbox = compiled(1024);
        let within = test(&mut sandbox, &format!("{stash} 48"));
        assert_eq!(stdout(&within), "48", "{stash}: {:?}", within.result);
        assert_eq!(within.result.termination, Termination::Exited);
        assert!(
            within.result.peak_kb >= 48 * 1024,
            "{stash}: 48 MiB kept in the kernel, {} KiB counted",
            within.result.peak_kb
        );
        let over = test(&mut sandbox, &format!("{stash} 320"));
        assert_eq!(
            over.result.termination,
            Termination::MemoryLimit,
            "{stash}: {:?}",
            over.result
        );
    }
}

#[test]
fn an_output_flood_ends_at_the_output_limit() {
    let mut sandbox = compiled(512);
    let output = test(&mut sandbox, "flood");
    assert_eq!(
        output.result.termination,
        Termination::OutputLimit,
        "{:?}",
        output.result
    );
    assert_eq!(output.stdout.len(), 1 << 20);
}

#[test]
fn a_fork_bomb_is_contained_and_the_next_test_still_runs() {
    let mut sandbox = compiled(512);
    let output = test(&mut sandbox, "forkbomb");
    assert!(
        matches!(
            output.result.termination,
            Termination::CpuLimit | Termination::WallLimit
        ),
        "{:?}",
        output.result
    );
    let next = test(&mut sandbox, "sum 2 3");
    assert_eq!(stdout(&next), "5", "{:?}", next.result);
    assert_eq!(
        stdout(&test(&mut sandbox, "count")),
        "0",
        "processes survived the fork bomb"
    );
}

#[test]
fn an_orphan_daemon_is_killed_when_the_main_process_ends() {
    let mut sandbox = compiled(512);
    let output = test(&mut sandbox, "daemon");
    assert_eq!(stdout(&output), "ok");
    assert_eq!(output.result.termination, Termination::Exited);
    // The daemon, and its parent too when that had not yet exited.
    assert!(
        (1..=3).contains(&output.result.leftover_processes),
        "{:?}",
        output.result
    );
    assert_eq!(stdout(&test(&mut sandbox, "count")), "0", "the daemon survived");
}

#[test]
fn the_program_is_not_root_cannot_signal_the_supervisor_or_write_system_dirs() {
    let mut sandbox = compiled(512);
    let output = stdout(&test(&mut sandbox, "escape"));
    assert!(output.contains("uid=10001 euid=10001"), "{output}");
    assert!(output.contains("kill1=EPERM"), "{output}");
    assert!(output.contains("usr=EROFS etc=EROFS root=EROFS"), "{output}");
    assert!(output.contains("environ_secret=no"), "{output}");
}

#[test]
fn nothing_carries_over_from_one_test_to_the_next() {
    let mut sandbox = compiled(512);
    for _ in 0..3 {
        assert_eq!(stdout(&test(&mut sandbox, "marker")), "fresh");
    }
}

#[test]
fn what_a_compile_step_leaves_in_tmp_is_gone_for_the_next_test() {
    let mut sandbox = sandbox(256);
    // The scratch directory for the next test is made as soon as a run ends; a compile step
    // (a run in /work) coming between must not leave anything in it.
    let list = ["sh", "-c", "ls -A . /tmp"];
    run(&mut sandbox, &list, Workdir::Scratch, limits(), "");
    let leave = ["sh", "-c", "touch /tmp/box/left /tmp/left && echo done"];
    let compile = run(&mut sandbox, &leave, Workdir::Work, limits(), "");
    assert_eq!(stdout(&compile), "done", "{:?}", compile.result);
    let listed = stdout(&run(&mut sandbox, &list, Workdir::Scratch, limits(), ""));
    assert!(!listed.contains("left"), "{listed}");
}

#[test]
fn system_v_ipc_objects_do_not_outlive_a_test() {
    let mut sandbox = compiled(512);
    for _ in 0..3 {
        assert_eq!(stdout(&test(&mut sandbox, "ipc")), "fresh");
    }
}

#[test]
fn the_compiled_program_cannot_be_changed_after_sealing() {
    let mut sandbox = compiled(512);
    assert_eq!(stdout(&test(&mut sandbox, "modify")), "main=EACCES new=EACCES");
}

#[test]
fn deep_recursion_is_allowed_because_the_stack_is_the_memory_limit() {
    let mut sandbox = compiled(512);
    let output = test(&mut sandbox, "recurse 1000000");
    assert_eq!(
        output.result.termination,
        Termination::Exited,
        "{:?}",
        output.result
    );
    assert_eq!(stdout(&output), "1000000");
}

#[test]
fn the_scratch_disk_is_capped() {
    let mut sandbox = compiled(512);
    let output = stdout(&test(&mut sandbox, "fill"));
    assert!(output.starts_with("ENOSPC after "), "{output}");
    assert_eq!(
        stdout(&test(&mut sandbox, "marker")),
        "fresh",
        "the full disk was not emptied"
    );
}

#[test]
fn exit_codes_and_signals_are_reported() {
    let mut sandbox = compiled(512);
    let exited = test(&mut sandbox, "exit 3");
    assert_eq!(
        (exited.result.termination, exited.result.exit_code),
        (Termination::Exited, Some(3))
    );
    let crashed = test(&mut sandbox, "segv");
    assert_eq!(crashed.result.termination, Termination::Signaled);
    assert_eq!(crashed.result.signal, Some(libc::SIGSEGV));
}

#[test]
fn standard_error_is_capped_but_the_program_is_not_blocked() {
    let mut sandbox = compiled(512);
    let output = test(&mut sandbox, "stderr 100000");
    assert_eq!(stdout(&output), "done");
    assert_eq!(output.stderr.len(), 4096);
    assert!(output.result.stderr_truncated);
}

#[test]
fn a_missing_program_is_a_spawn_failure_not_a_crash() {
    let mut sandbox = sandbox(256);
    let output = run(
        &mut sandbox,
        &["/work/nothing-here"],
        Workdir::Scratch,
        limits(),
        "",
    );
    assert_eq!(output.result.termination, Termination::SpawnFailed);
    assert!(output.result.message.is_some());
    let again = run(&mut sandbox, &["true"], Workdir::Scratch, limits(), "");
    assert_eq!(again.result.termination, Termination::Exited);
}

#[test]
fn given_files_are_read_only_and_collected_files_come_back_but_never_through_a_symlink() {
    let mut sandbox = compiled(512);
    let request = RunRequest {
        argv: vec!["/work/main".into()],
        workdir: Workdir::Scratch,
        env: Vec::new(),
        stdin_len: 0,
        limits: limits(),
        pipes: None,
        feedback: None,
        files: Vec::new(),
        collect: vec!["note.txt".into(), "link.txt".into(), "missing.txt".into()],
    };
    let output = sandbox
        .session
        .run(request, b"files", &[("given.txt", b"judge data\n")])
        .expect("run");
    assert_eq!(stdout(&output), "given=judge data\nchange=EACCES");
    assert_eq!(
        output.collected,
        vec![("note.txt".to_owned(), b"hello from the program\n".to_vec())]
    );
}
