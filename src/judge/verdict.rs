//! Judge verdicts and the verdicts a problem package expects of its own
//! reference submissions, keyed by the ICPC `submissions/<folder>` names.

use std::fmt;
use std::str::FromStr;

use coderank_supervisor::protocol::Termination;
use serde::{Deserialize, Serialize};

/// The outcome of judging one submission (or one test case of it).
///
/// Serialised as the short upper-case codes judges and scoreboards use
/// (`"AC"`, `"WA"`, ...), which is also what `Display` and `FromStr` speak.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "UPPERCASE")]
pub enum Verdict {
    /// Accepted.
    Ac,
    /// Wrong answer.
    Wa,
    /// Time limit exceeded.
    Tle,
    /// Memory limit exceeded.
    Mle,
    /// Run-time error (crash or non-zero exit).
    Re,
    /// Compile error.
    Ce,
    /// Output limit exceeded.
    Ole,
    /// Internal error: the judge, not the submission, is at fault.
    Ie,
}

impl Verdict {
    /// Every verdict, in declaration order.
    pub const ALL: [Verdict; 8] = [
        Verdict::Ac,
        Verdict::Wa,
        Verdict::Tle,
        Verdict::Mle,
        Verdict::Re,
        Verdict::Ce,
        Verdict::Ole,
        Verdict::Ie,
    ];

    /// The short code, e.g. `"TLE"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Verdict::Ac => "AC",
            Verdict::Wa => "WA",
            Verdict::Tle => "TLE",
            Verdict::Mle => "MLE",
            Verdict::Re => "RE",
            Verdict::Ce => "CE",
            Verdict::Ole => "OLE",
            Verdict::Ie => "IE",
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A string that is not one of the verdict codes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown verdict {0:?} (expected one of AC, WA, TLE, MLE, RE, CE, OLE, IE)")]
pub struct ParseVerdictError(pub String);

impl FromStr for Verdict {
    type Err = ParseVerdictError;

    /// Accepts the codes in any letter case, because hand-written package
    /// metadata and CLI arguments are not consistent about it.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Verdict::ALL
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| ParseVerdictError(s.to_owned()))
    }
}

/// The verdicts a reference submission stored under
/// `submissions/<folder>/` may receive for the package to be consistent, or
/// `None` for a folder name this judge does not know.
///
/// `run_time_error` also allows MLE because a program that exhausts its
/// memory usually dies with a crash, and which of the two a sandbox reports
/// depends on the language runtime.
pub fn expected_verdicts(folder: &str) -> Option<&'static [Verdict]> {
    Some(match folder {
        "accepted" => &[Verdict::Ac],
        // A scoring problem's submission that scores less than full: `problem verify` checks
        // its score; its verdict is AC as problemtools expects of it.
        "partially_accepted" => &[Verdict::Ac],
        "wrong_answer" => &[Verdict::Wa],
        "time_limit_exceeded" => &[Verdict::Tle],
        "run_time_error" => &[Verdict::Re, Verdict::Mle],
        "memory_limit_exceeded" => &[Verdict::Mle],
        "output_limit_exceeded" => &[Verdict::Ole],
        "compile_error" => &[Verdict::Ce],
        _ => return None,
    })
}

/// The verdict of one run, before any checking of its output.
pub fn test_verdict(termination: Termination, exit_code: Option<i32>) -> Option<Verdict> {
    match termination {
        Termination::OutputLimit => Some(Verdict::Ole),
        Termination::WallLimit | Termination::CpuLimit => Some(Verdict::Tle),
        Termination::MemoryLimit => Some(Verdict::Mle),
        Termination::Signaled | Termination::SpawnFailed => Some(Verdict::Re),
        Termination::Exited if exit_code != Some(0) => Some(Verdict::Re),
        Termination::Exited => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_verdict_serialises_as_its_upper_case_code() {
        let json: Vec<String> = Verdict::ALL
            .iter()
            .map(|v| serde_norway::to_string(v).expect("serialise"))
            .map(|s| s.trim().to_owned())
            .collect();
        assert_eq!(json, ["AC", "WA", "TLE", "MLE", "RE", "CE", "OLE", "IE"]);
    }

    #[test]
    fn every_verdict_deserialises_from_its_code() {
        for v in Verdict::ALL {
            let back: Verdict = serde_norway::from_str(v.as_str()).expect("deserialise");
            assert_eq!(back, v);
        }
    }

    #[test]
    fn deserialising_a_lower_case_code_fails_because_the_wire_format_is_exact() {
        assert!(serde_norway::from_str::<Verdict>("ac").is_err());
    }

    #[test]
    fn display_and_from_str_round_trip() {
        for v in Verdict::ALL {
            assert_eq!(v.to_string().parse::<Verdict>(), Ok(v));
        }
    }

    #[test]
    fn from_str_ignores_letter_case() {
        assert_eq!("tle".parse::<Verdict>(), Ok(Verdict::Tle));
        assert_eq!("Ole".parse::<Verdict>(), Ok(Verdict::Ole));
    }

    #[test]
    fn from_str_rejects_unknown_codes_and_names_them() {
        let err = "PE".parse::<Verdict>().expect_err("PE is not a verdict here");
        assert_eq!(err, ParseVerdictError("PE".to_owned()));
        assert!(err.to_string().contains("\"PE\""));
        assert!("".parse::<Verdict>().is_err());
        assert!(" AC".parse::<Verdict>().is_err());
    }

    #[test]
    fn submission_folders_map_to_their_verdicts() {
        let cases: [(&str, &[Verdict]); 7] = [
            ("accepted", &[Verdict::Ac]),
            ("wrong_answer", &[Verdict::Wa]),
            ("time_limit_exceeded", &[Verdict::Tle]),
            ("run_time_error", &[Verdict::Re, Verdict::Mle]),
            ("memory_limit_exceeded", &[Verdict::Mle]),
            ("output_limit_exceeded", &[Verdict::Ole]),
            ("compile_error", &[Verdict::Ce]),
        ];
        for (folder, verdicts) in cases {
            assert_eq!(expected_verdicts(folder), Some(verdicts), "{folder}");
        }
    }

    #[test]
    fn unknown_submission_folders_map_to_none() {
        for folder in ["", "Accepted", "rejected", "brute_force", "accepted/"] {
            assert_eq!(expected_verdicts(folder), None, "{folder}");
        }
    }
}
