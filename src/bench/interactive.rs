//! The per-test cost of an interactive problem, beside that of a problem checked by its own
//! validator: A+B in C judged with [`TESTS`] tests, once with a Kattis validator that checks
//! each output afterwards and once with one that talks with the program through the FIFOs (see
//! `judge::interactive`). The time from the first test's start to the last test's end, over the
//! tests (the sandboxes' start and the compiles left out), median of [`ROUNDS`] judgings.

use std::time::Instant;

use bollard::Docker;

use crate::judge::{
    engine::{self, JudgeOptions, Progress},
    languages::Languages,
    package::ProblemPackage,
    source::Source,
    verdict::Verdict,
};

/// Tests per judging.
pub const TESTS: usize = 101;
/// Judgings per figure.
pub const ROUNDS: usize = 3;

const SUBMISSION_C: &str =
    "#include <stdio.h>\nint main(void) { long a, b; if (scanf(\"%ld %ld\", &a, &b) != 2) return 1; printf(\"%ld\\n\", a + b); return 0; }\n";

/// Kattis protocol, run after the program: compares its output with the answer.
const CHECKER_C: &str = "#include <stdio.h>\nint main(int argc, char **argv) {\n  long want, got; FILE *f = fopen(argv[2], \"r\");\n  if (!f || fscanf(f, \"%ld\", &want) != 1) return 1;\n  return scanf(\"%ld\", &got) == 1 && got == want ? 42 : 43;\n}\n";

/// Kattis protocol, interactive: tells the program a and b, reads its sum.
const INTERACTOR_C: &str = "#include <stdio.h>\nint main(int argc, char **argv) {\n  long a, b, got; FILE *f = fopen(argv[1], \"r\");\n  if (!f || fscanf(f, \"%ld %ld\", &a, &b) != 2) return 1;\n  printf(\"%ld %ld\\n\", a, b); fflush(stdout);\n  return scanf(\"%ld\", &got) == 1 && got == a + b ? 42 : 43;\n}\n";

/// Milliseconds per test: (checked afterwards, interactive).
pub async fn per_test_ms(docker: &Docker, options: &JudgeOptions) -> anyhow::Result<(f64, f64)> {
    let mut figures = Vec::new();
    for (validation, validator) in [("custom", CHECKER_C), ("custom interactive", INTERACTOR_C)] {
        let dir = package(validation, validator, TESTS)?;
        let package = ProblemPackage::load(dir.path())?;
        let mut per_test = Vec::new();
        for _ in 0..ROUNDS {
            let mut first_started = None;
            let mut last_finished = None;
            let report = engine::judge(
                docker,
                &package,
                Languages::table().get("c")?,
                &Source::file("aplusb.c", SUBMISSION_C),
                options,
                |progress| match progress {
                    Progress::Running { .. } if first_started.is_none() => {
                        first_started = Some(Instant::now())
                    }
                    Progress::Finished(_) => last_finished = Some(Instant::now()),
                    _ => {}
                },
            )
            .await?;
            anyhow::ensure!(
                report.verdict == Verdict::Ac,
                "A+B ({validation}) got {}",
                report.verdict
            );
            let (Some(first), Some(last)) = (first_started, last_finished) else {
                anyhow::bail!("no test ran");
            };
            per_test.push(last.duration_since(first).as_secs_f64() * 1000.0 / TESTS as f64);
        }
        per_test.sort_by(f64::total_cmp);
        figures.push(per_test[ROUNDS / 2]);
    }
    Ok((figures[0], figures[1]))
}

fn package(validation: &str, validator: &str, tests: usize) -> anyhow::Result<tempfile::TempDir> {
    let dir = tempfile::tempdir()?;
    let root = dir.path();
    std::fs::write(
        root.join("problem.yaml"),
        format!(
            "name: A plus B (bench)\nvalidation: {validation}\nlimits:\n  time_limit: 2\n  memory: 256\n"
        ),
    )?;
    let checker = root.join("output_validators/check");
    std::fs::create_dir_all(&checker)?;
    std::fs::write(checker.join("check.c"), validator)?;
    for index in 0..tests {
        let group = if index == 0 { "sample" } else { "secret" };
        let data = root.join("data").join(group);
        std::fs::create_dir_all(&data)?;
        let (a, b) = (index as i64 * 7 - 50, 1000 - index as i64);
        std::fs::write(data.join(format!("{index:04}.in")), format!("{a} {b}\n"))?;
        std::fs::write(data.join(format!("{index:04}.ans")), format!("{}\n", a + b))?;
    }
    Ok(dir)
}
