//! The per-test cost of an interactive problem, beside that of a problem checked by its own
//! validator: A+B judged end to end with 1 and with [`TESTS`] tests, once with a Kattis
//! validator that checks the output afterwards and once with one that talks with the program
//! through the FIFOs (see `judge::interactive`); the difference over the extra tests is the
//! cost of one test (the sandboxes' start and the compiles cancel out).

use std::time::Instant;

use bollard::Docker;

use crate::judge::{
    engine::{self, JudgeOptions},
    languages::Languages,
    package::ProblemPackage,
    source::Source,
    verdict::Verdict,
};

/// Tests of the larger judging.
pub const TESTS: usize = 51;

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
        let mut seconds = Vec::new();
        for tests in [1, TESTS] {
            let dir = package(validation, validator, tests)?;
            let package = ProblemPackage::load(dir.path())?;
            let started = Instant::now();
            let report = engine::judge(
                docker,
                &package,
                Languages::table().get("c")?,
                &Source::file("aplusb.c", SUBMISSION_C),
                options,
                |_| {},
            )
            .await?;
            anyhow::ensure!(
                report.verdict == Verdict::Ac,
                "A+B ({validation}) got {}",
                report.verdict
            );
            seconds.push(started.elapsed().as_secs_f64());
        }
        figures.push((seconds[1] - seconds[0]) * 1000.0 / (TESTS - 1) as f64);
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
