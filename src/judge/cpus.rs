//! The CPUs a sandbox is pinned to. A worker runs several judging slots side by side and gives
//! each its own CPU (`--cpus`), so that one submission's time is not another's noise; without
//! a pin, a sandbox gets one CPU's worth of time on any CPU.

use std::{fmt, str::FromStr};

/// Highest CPU number accepted, far above any machine a judge runs on.
const MAX_CPU: u32 = 1023;

/// A CPU list in Docker's cpuset syntax (`1`, `0-3`, `0,2-3`), checked when it is parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CpuSet {
    text: String,
    /// The highest CPU the list names, to compare with the CPUs the Docker host has.
    highest: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid CPU list {given:?}: {why}; use Docker's cpuset syntax, e.g. 1, 0-3 or 0,2-3")]
pub struct CpuSetError {
    given: String,
    why: String,
}

impl CpuSet {
    /// The highest CPU the list names.
    pub fn highest(&self) -> u32 {
        self.highest
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl FromStr for CpuSet {
    type Err = CpuSetError;

    fn from_str(given: &str) -> Result<Self, Self::Err> {
        let fail = |why: String| CpuSetError {
            given: given.to_owned(),
            why,
        };
        let cpu = |text: &str| {
            let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
            match text.parse::<u32>() {
                Ok(n) if digits && n <= MAX_CPU => Ok(n),
                _ => Err(fail(format!("{text:?} is not a CPU number from 0 to {MAX_CPU}"))),
            }
        };
        let mut highest = 0;
        for part in given.split(',') {
            let last = match part.split_once('-') {
                None => cpu(part)?,
                Some((first, last)) => {
                    let (first, last) = (cpu(first)?, cpu(last)?);
                    if first > last {
                        return Err(fail(format!("the range {part} runs backwards")));
                    }
                    last
                }
            };
            highest = highest.max(last);
        }
        Ok(Self {
            text: given.to_owned(),
            highest,
        })
    }
}

impl fmt::Display for CpuSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docker_cpuset_lists_parse_and_know_their_highest_cpu() {
        for (text, highest) in [("1", 1), ("0-3", 3), ("0,2-3", 3), ("7,1", 7)] {
            let set: CpuSet = text.parse().expect(text);
            assert_eq!((set.as_str(), set.highest()), (text, highest));
        }
    }

    #[test]
    fn malformed_lists_are_refused_with_the_reason() {
        for (text, why) in [
            ("", "\"\" is not a CPU number"),
            ("a", "\"a\" is not a CPU number"),
            ("1,", "\"\" is not a CPU number"),
            ("-1", "\"\" is not a CPU number"),
            ("+1", "\"+1\" is not a CPU number"),
            ("3-1", "the range 3-1 runs backwards"),
            ("0-1-2", "\"1-2\" is not a CPU number"),
            ("5000", "\"5000\" is not a CPU number from 0 to 1023"),
        ] {
            let message = text.parse::<CpuSet>().expect_err(text).to_string();
            assert!(message.contains(why), "{text:?}: {message}");
            assert!(message.contains("Docker's cpuset syntax"), "{message}");
        }
    }
}
