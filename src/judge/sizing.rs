//! How large and how long a judging may be: the sizes its sandbox is made with (memory,
//! tmpfs mounts) and its whole [`budget`] of time, from the package's limits and tests.

use std::time::Duration;

use coderank_supervisor::protocol::Limits;

use super::{
    checker, interactive,
    languages::Language,
    limits::{compile_limits, JudgeOptions, TestLimits, STDERR_BYTES, SUPERVISOR_MB},
    program::{ANSWER_GRACE, MAX_SANDBOXES, START_TIME},
    sandbox::SandboxSpec,
    seccomp,
};
use crate::judge::package::ProblemPackage;

/// Largest `/dev/shm`.
const SHM_MB: u64 = 64;
/// Smallest scratch `/tmp`, whatever the memory limit: compilers write there too.
const MIN_TMP_MB: u64 = 64;

/// The limits of `language`'s compile step in a judging of `package`: the package's compilation
/// limits, within the tests' memory limit when the step only checks the sources
/// ([`Language::check_only`]).
pub fn compile_limits_of(package: &ProblemPackage, language: &Language, limits: &TestLimits) -> Limits {
    let mut compile = compile_limits(package);
    if language.check_only {
        compile.memory_kb = compile.memory_kb.min(limits.memory_mb * 1024);
    }
    compile
}

/// The sizes a judging's sandbox is made with. The tests' memory cap of the container holds the
/// program's limit, the tmpfs mounts it may fill beyond that before the supervisor's sampling
/// stops it, the largest input (an in-memory file), the output the supervisor holds, and the
/// supervisor itself: so filling memory with files can never leave the supervisor without room.
pub fn sandbox_spec(
    package: &ProblemPackage,
    language: &Language,
    limits: &TestLimits,
    options: &JudgeOptions,
) -> (SandboxSpec, u64) {
    // Larger than the memory limit: a program that fills it has passed its memory, and its
    // files stay to be seen (MLE), instead of a write failing first under the limit.
    let tmp_mb = limits.memory_mb.max(MIN_TMP_MB) + 16;
    let shm_mb = limits.memory_mb.min(SHM_MB);
    let held_mb = largest_input_mb(package) + (limits.output_bytes + STDERR_BYTES).div_ceil(1 << 20);
    let tests_memory_mb = limits.memory_mb + tmp_mb + shm_mb + held_mb + SUPERVISOR_MB;
    // Room for the compile step too (lowered after it); a syntax check needs none beyond the
    // tests' (see `compile_limits_of`), so its sandbox is never resized.
    let compile_mb = compile_limits_of(package, language, limits)
        .memory_kb
        .div_ceil(1024);
    let spec = SandboxSpec {
        image: language.image.clone(),
        memory_mb: compile_mb.max(tests_memory_mb),
        tmp_mb,
        shm_mb,
        work_mb: 256,
        pids_limit: options.pids_limit,
        cpuset: options.cpuset.clone(),
        purpose: "judge",
        seccomp: seccomp::for_language(language),
        pipes_volume: options.pipes_volume.clone(),
    };
    (spec, tests_memory_mb)
}

/// The largest input or answer file of the package, in MiB, rounded up.
pub fn largest_input_mb(package: &ProblemPackage) -> u64 {
    let largest = package
        .test_cases
        .iter()
        .flat_map(|test| [&test.input, &test.answer])
        .filter_map(|path| std::fs::metadata(path).ok())
        .map(|metadata| metadata.len())
        .max()
        .unwrap_or(0);
    largest.div_ceil(1 << 20)
}

/// The most a judging of `package` may take: every sandbox start and compile it may need, and
/// every test with its check. Each exchange has a deadline of its own within this; this bounds
/// the whole, and how long a worker keeps a job's lease.
pub fn budget(package: &ProblemPackage) -> Duration {
    let Ok(limits) = TestLimits::of(package) else {
        return Duration::from_secs(60);
    };
    let compile = Duration::from_millis(compile_limits(package).wall_ms) + ANSWER_GRACE * 2;
    let starts = (START_TIME + compile) * (MAX_SANDBOXES + 1);
    let largest = largest_input_mb(package) << 20;
    let mut per_test = Duration::from_millis(limits.wall_ms())
        + ANSWER_GRACE
        + checker::custom::run_deadline(largest * 3)
        + super::limits::transfer_time(largest + limits.output_bytes);
    if package.interactive {
        per_test += interactive::CONNECT_TIME + Duration::from_millis(interactive::VALIDATOR_GRACE_MS);
    }
    per_test *= package.multi_pass.unwrap_or(1);
    starts + per_test * package.test_cases.len() as u32
}

#[cfg(test)]
mod tests {
    use std::{path::PathBuf, sync::Arc};

    use super::*;
    use crate::judge::languages::Languages;

    #[test]
    fn a_syntax_check_runs_within_the_tests_memory_in_a_sandbox_of_their_size() {
        let package = ProblemPackage::plan(PathBuf::from("/nowhere"), 1.0, 256, 8, Vec::new());
        let limits = TestLimits::of(&package).expect("limits");
        let options = JudgeOptions::new(Arc::from(Vec::new()));
        let languages = Languages::table();
        let compilation_mb = package.limits.compilation_memory_mib;

        let python = languages.get("python3").expect("python3");
        assert!(python.check_only);
        let (spec, tests_mb) = sandbox_spec(&package, python, &limits, &options);
        assert_eq!(spec.memory_mb, tests_mb, "made at the tests' size: never resized");
        assert_eq!(compile_limits_of(&package, python, &limits).memory_kb, 256 * 1024);

        let cpp = languages.get("cpp").expect("cpp");
        assert!(!cpp.check_only);
        let (spec, tests_mb) = sandbox_spec(&package, cpp, &limits, &options);
        assert!(tests_mb < compilation_mb);
        assert_eq!(
            spec.memory_mb, compilation_mb,
            "made for the compiler, lowered after it"
        );
        assert_eq!(
            compile_limits_of(&package, cpp, &limits).memory_kb,
            compilation_mb * 1024
        );
    }
}
