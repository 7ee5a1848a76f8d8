//! The vocabulary of Judge0 CE, for the Judge0-compatible API (`src/http/judge0/`): which
//! CodeRank language each Judge0 language id names, Judge0's statuses and how a run's outcome
//! reads as one, the limits a request may ask for, and callbacks ([`callback`] sends one,
//! [`outbox`] keeps those waiting).
//!
//! A Judge0 submission is a playground run ([`super::playground`]) with a spec of its own
//! ([`super::execution::RunSpec`]): recorded in `runs`, judged by the workers, its token the
//! run's id.

pub mod callback;
mod limits;
pub mod outbox;

pub use limits::{check_limits, LimitRequest};

use super::{
    execution::{RunResult, TestRun},
    playground::RunStatus,
};

/// A Judge0 CE language id and the CodeRank language it runs. Names are Judge0's, with the
/// versions of CodeRank's judge images.
pub const LANGUAGES: [(u32, &str, &str); 12] = [
    (50, "c", "C (GCC 12)"),
    (51, "csharp", "C# (Mono 6.8)"),
    (54, "cpp", "C++ (GCC 12, C++20)"),
    (60, "go", "Go (1.19)"),
    (61, "haskell", "Haskell (GHC 9.0)"),
    (62, "java", "Java (OpenJDK 17)"),
    (63, "javascript", "JavaScript (Node.js 18)"),
    (71, "python3", "Python (3.11)"),
    (72, "ruby", "Ruby (3.1)"),
    (73, "rust", "Rust (1.63)"),
    (78, "kotlin", "Kotlin (JVM)"),
    // Judge0 CE has no PyPy; an id of CodeRank's own, outside Judge0's range.
    (1001, "pypy3", "Python (PyPy 7.3, Python 3.9)"),
];

/// The CodeRank language a Judge0 id names.
pub fn language_of(judge0_id: u32) -> Option<&'static str> {
    LANGUAGES
        .iter()
        .find(|(id, _, _)| *id == judge0_id)
        .map(|(_, language, _)| *language)
}

/// The Judge0 id of a CodeRank language.
pub fn judge0_id_of(language: &str) -> Option<u32> {
    LANGUAGES
        .iter()
        .find(|(_, name, _)| *name == language)
        .map(|(id, _, _)| *id)
}

/// Judge0's statuses, by id.
pub const STATUSES: [(u8, &str); 14] = [
    (1, "In Queue"),
    (2, "Processing"),
    (3, "Accepted"),
    (4, "Wrong Answer"),
    (5, "Time Limit Exceeded"),
    (6, "Compilation Error"),
    (7, "Runtime Error (SIGSEGV)"),
    (8, "Runtime Error (SIGXFSZ)"),
    (9, "Runtime Error (SIGFPE)"),
    (10, "Runtime Error (SIGABRT)"),
    (11, "Runtime Error (NZEC)"),
    (12, "Runtime Error (Other)"),
    (13, "Internal Error"),
    (14, "Exec Format Error"),
];

/// A Judge0 status: its id and description.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Status {
    pub id: u8,
    pub description: &'static str,
}

impl Status {
    fn of(id: u8) -> Self {
        let description = STATUSES
            .iter()
            .find(|(known, _)| *known == id)
            .map_or("Internal Error", |(_, description)| description);
        Self { id, description }
    }
}

/// The status of a run, and Judge0's `message` for it.
pub fn status_of(status: RunStatus, result: Option<&RunResult>) -> (Status, Option<String>) {
    match (status, result) {
        (RunStatus::Queued, _) => (Status::of(1), None),
        (RunStatus::Running, _) | (RunStatus::Finished, None) => (Status::of(2), None),
        (RunStatus::Finished, Some(result)) => outcome(&result.status, result.signal, result.exit_code),
    }
}

/// The status of one test of a run with several.
pub fn test_status(test: &TestRun) -> (Status, Option<String>) {
    outcome(&test.status, test.signal, test.exit_code)
}

/// Judge0's reading of an outcome: run-time errors split by signal as Judge0 (isolate) reports
/// them; an output over `max_file_size` is SIGXFSZ there, and memory over the limit kills the
/// program (Other).
fn outcome(status: &str, signal: Option<i32>, exit_code: Option<i32>) -> (Status, Option<String>) {
    let (id, message) = match status {
        "OK" | "AC" => (3, None),
        "WA" => (4, None),
        "TLE" => (5, Some("Time limit exceeded".to_owned())),
        "CE" => (6, None),
        "OLE" => (8, Some("Output limit exceeded".to_owned())),
        "MLE" => (12, Some("Memory limit exceeded".to_owned())),
        "RE" => match signal {
            Some(signal) => {
                let id = match signal {
                    11 => 7,
                    25 => 8,
                    8 => 9,
                    6 => 10,
                    _ => 12,
                };
                (id, Some(format!("Caught fatal signal {signal}")))
            }
            None => (
                11,
                Some(format!("Exited with error status {}", exit_code.unwrap_or(1))),
            ),
        },
        _ => (13, None),
    };
    (Status::of(id), message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runtime_errors_split_by_signal_as_judge0_has_them() {
        let re = |signal, exit| outcome("RE", signal, exit).0.id;
        assert_eq!(re(Some(11), None), 7);
        assert_eq!(re(Some(25), None), 8);
        assert_eq!(re(Some(8), None), 9);
        assert_eq!(re(Some(6), None), 10);
        assert_eq!(re(None, Some(3)), 11);
        assert_eq!(re(Some(9), None), 12);
        assert_eq!(outcome("TLE", None, None).0.description, "Time Limit Exceeded");
        assert_eq!(outcome("IE", None, None).0.id, 13);
    }

    #[test]
    fn every_mapped_language_is_one_of_coderanks() {
        let table = crate::judge::languages::Languages::table();
        for (id, language, _) in LANGUAGES {
            assert!(table.get(language).is_ok(), "{id} maps to unknown {language}");
            assert_eq!(language_of(id), Some(language));
        }
    }
}
