//! Judging a package's own submissions as its authors did with Kattis problemtools, and the time
//! limit of a package that gives none, derived from them. One piece of code for every caller:
//! `problem verify`, `coderank judge`, `coderank problem import` and the workers' derivation
//! jobs.
//!
//! - `.py` submissions run with PyPy 3 unless [`Python::Cpython`] is asked for (problemtools runs
//!   Python 3 with PyPy); contestants still choose `python3` or `pypy3` themselves.
//! - The derived limit is problemtools': every accepted submission is judged on every test with
//!   a generous cut-off ([`PROVISIONAL_TIME_LIMIT_SECS`]), and the limit is the slowest test of
//!   the slowest one times `time_multiplier` (2025-09: `time_multipliers.ac_to_time_limit`),
//!   rounded up to whole seconds ([`derive_time_limit`]). Each `time_limit_exceeded` submission
//!   is then run with the limit times `time_safety_margin`; one that passes that is reported as
//!   a warning, as problemtools does, since a faster machine would accept it.

use std::fmt;

use anyhow::Context;

use super::{
    engine::{self, JudgeOptions, Report},
    languages::{Language, Languages},
    package::{derive_time_limit, ProblemPackage, Submission, TimeLimit, TimeLimitSource},
    source::Source,
    verdict::Verdict,
};

/// The cut-off of each test while the limit is being derived.
pub const PROVISIONAL_TIME_LIMIT_SECS: f64 = 10.0;

/// Which Python runs a package's `.py` submissions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Python {
    /// PyPy 3, as problemtools runs them.
    #[default]
    Pypy,
    /// CPython 3.
    Cpython,
}

/// The language of a package's submission: what its file names say, except that Python is
/// `python` (PyPy 3 by default, as problemtools).
pub fn language_for<'t>(
    source: &Source,
    table: &'t Languages,
    python: Python,
) -> anyhow::Result<&'t Language> {
    let language = source.language(table)?;
    if language.id.as_str() == "python3" && python == Python::Pypy {
        return Ok(table.get("pypy3")?);
    }
    Ok(language)
}

/// Judges one of a package's submissions, a file or a folder, in the language [`language_for`]
/// gives.
pub async fn judge_submission(
    docker: &bollard::Docker,
    package: &ProblemPackage,
    table: &Languages,
    options: &JudgeOptions,
    python: Python,
    submission: &Submission,
) -> anyhow::Result<Report> {
    let path = submission.path.clone();
    let source = tokio::task::spawn_blocking(move || Source::read(&path)).await??;
    let language = language_for(&source, table, python)?;
    engine::judge(docker, package, language, &source, options, |_| {}).await
}

/// A derived time limit and how it was found.
#[derive(Debug, Clone, PartialEq)]
pub struct Derived {
    /// The limit, whole seconds.
    pub seconds: f64,
    /// The slowest accepted submission's slowest test, CPU milliseconds.
    pub slowest_ms: u64,
    /// That submission, `accepted/NAME`.
    pub slowest: String,
    /// `time_multiplier` (or `time_multipliers.ac_to_time_limit`).
    pub multiplier: f64,
    /// `time_limit_exceeded` submissions that ran within the limit times the safety margin.
    pub warnings: Vec<String>,
}

impl fmt::Display for Derived {
    /// E.g. `derived: slowest accepted 0.42 s (accepted/sol.py) × 5 → 3 s`, then any warning.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "derived: slowest accepted {:.2} s ({}) × {} → {} s",
            self.slowest_ms as f64 / 1000.0,
            self.slowest,
            self.multiplier,
            self.seconds
        )?;
        for warning in &self.warnings {
            write!(f, "; warning: {warning}")?;
        }
        Ok(())
    }
}

/// Why a package's time limit cannot be derived before judging anything: it has no accepted
/// submission. `None` when it gives a limit or has one to derive it from.
pub fn underivable(package: &ProblemPackage) -> Option<String> {
    let accepted = package.submissions.iter().any(is_accepted);
    (package.time_limit.is_none() && !accepted).then(|| {
        "the package gives no time limit and has no accepted submission to derive one from: \
         add limits.time_limit to problem.yaml, or add a submission under submissions/accepted/"
            .to_owned()
    })
}

fn is_accepted(submission: &Submission) -> bool {
    submission.expected == [Verdict::Ac]
}

/// Derives the time limit of `package` from its accepted submissions, on this machine (see the
/// module's documentation). Fails when there is no accepted submission, or when one is not
/// accepted even with the generous cut-off, naming it.
pub async fn derive(
    docker: &bollard::Docker,
    package: &ProblemPackage,
    table: &Languages,
    options: &JudgeOptions,
    python: Python,
) -> anyhow::Result<Derived> {
    if let Some(reason) = underivable(package) {
        anyhow::bail!("{reason}");
    }
    let mut options = options.clone();
    let provisional = with_limit(package, PROVISIONAL_TIME_LIMIT_SECS);
    options.all_tests = true;
    let mut slowest: Option<(u64, String)> = None;
    for submission in package.submissions.iter().filter(|s| is_accepted(s)) {
        let label = format!("{}/{}", submission.folder, submission.name);
        let report = judge_submission(docker, &provisional, table, &options, python, submission)
            .await
            .with_context(|| format!("cannot judge {label}"))?;
        anyhow::ensure!(
            report.verdict == Verdict::Ac,
            "{label} got {} (in {}) even with a {PROVISIONAL_TIME_LIMIT_SECS} s limit, so no time limit can be derived from it",
            report.verdict,
            report.language
        );
        if slowest.as_ref().is_none_or(|(ms, _)| report.time_ms > *ms) {
            slowest = Some((report.time_ms, label));
        }
    }
    let (slowest_ms, slowest) = slowest.context("no accepted submission was judged")?;
    let multiplier = package.limits.time_multiplier;
    let seconds = derive_time_limit(slowest_ms as f64 / 1000.0, multiplier);

    // A submission meant to exceed the limit must still exceed it with the safety margin.
    options.all_tests = false;
    let margin = with_limit(package, seconds * package.limits.time_safety_margin);
    let mut warnings = Vec::new();
    for submission in package
        .submissions
        .iter()
        .filter(|s| s.expected == [Verdict::Tle])
    {
        let report = judge_submission(docker, &margin, table, &options, python, submission).await?;
        if report.verdict == Verdict::Ac {
            warnings.push(format!(
                "{}/{} ran within {} s × time_safety_margin {}",
                submission.folder, submission.name, seconds, package.limits.time_safety_margin
            ));
        }
    }
    Ok(Derived {
        seconds,
        slowest_ms,
        slowest,
        multiplier,
        warnings,
    })
}

/// `package` with its time limit set to `seconds`, derived (or given) rather than read.
pub fn with_limit(package: &ProblemPackage, seconds: f64) -> ProblemPackage {
    let mut copy = package.clone();
    copy.time_limit = Some(TimeLimit {
        seconds,
        source: TimeLimitSource::Derived,
    });
    copy
}

#[cfg(test)]
mod tests {
    use super::*;

    fn derived(warnings: Vec<String>) -> Derived {
        Derived {
            seconds: 3.0,
            slowest_ms: 420,
            slowest: "accepted/sol.py".to_owned(),
            multiplier: 5.0,
            warnings,
        }
    }

    #[test]
    fn a_derived_limit_says_how_it_was_found() {
        assert_eq!(
            derived(Vec::new()).to_string(),
            "derived: slowest accepted 0.42 s (accepted/sol.py) × 5 → 3 s"
        );
        assert_eq!(
            derived(vec![
                "time_limit_exceeded/slow.py ran within 3 s × time_safety_margin 2".to_owned()
            ])
            .to_string(),
            "derived: slowest accepted 0.42 s (accepted/sol.py) × 5 → 3 s; \
             warning: time_limit_exceeded/slow.py ran within 3 s × time_safety_margin 2"
        );
    }

    #[test]
    fn python_runs_with_pypy_unless_cpython_is_asked_for() {
        let table = Languages::table();
        let source = Source::file("sol.py", b"print(1)\n");
        assert_eq!(
            language_for(&source, table, Python::Pypy).unwrap().id.as_str(),
            "pypy3"
        );
        assert_eq!(
            language_for(&source, table, Python::Cpython).unwrap().id.as_str(),
            "python3"
        );
        let c = Source::file("sol.c", b"int main(){}\n");
        assert_eq!(language_for(&c, table, Python::Pypy).unwrap().id.as_str(), "c");
    }

    #[test]
    fn a_package_without_a_limit_or_an_accepted_submission_names_both_ways_out() {
        let root = std::env::temp_dir();
        let mut package = ProblemPackage::plan(root, 1.0, 256, 8, Vec::new());
        assert_eq!(underivable(&package), None);
        package.time_limit = None;
        let reason = underivable(&package).expect("underivable");
        assert!(reason.contains("limits.time_limit"), "{reason}");
        assert!(reason.contains("submissions/accepted/"), "{reason}");
    }
}
