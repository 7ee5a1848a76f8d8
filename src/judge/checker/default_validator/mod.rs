//! The ICPC / Kattis default output validator: compares a team's output with
//! the judge's answer token by token, as the Kattis problem package format
//! specifies and as Kattis problemtools' `default_validator.cc` behaves.
//!
//! Behaviour that the spec leaves open follows problemtools:
//! - Whitespace is the C locale's `isspace` set: space, `\t`, `\n`, `\v`,
//!   `\f`, `\r`. Everything else, including non-ASCII bytes, is token text.
//! - Case-insensitive comparison folds ASCII letters only (`strcasecmp` in
//!   the C locale); other bytes must match exactly.
//! - With `space_change_sensitive`, every whitespace byte of the answer must
//!   be matched by the same byte in the output, and the output may contain no
//!   whitespace the answer lacks. Trailing whitespace is included, so an
//!   answer ending in `\n` requires the output to end in exactly one `\n`,
//!   and an output with a trailing `\n` is rejected against an answer without
//!   one. Without the flag all runs of whitespace, including trailing ones
//!   and empty lines, are equivalent.
//! - Float comparison applies only when a tolerance flag is given and the
//!   *judge* token parses as a finite float the way C's `strtod` would
//!   (decimal or hexadecimal, with nothing left over). Judge tokens such as
//!   `nan`, `inf` or `1e999` are not finite floats, so they are compared as
//!   strings: a team printing `NaN` matches a judge `nan` case-insensitively.
//!   When the judge token is a float, the team token must be a finite float
//!   too, so `nan`/`inf` from the team are wrong answers.
//! - A team value is accepted if `|judge - team| <= absolute tolerance` or
//!   `|judge - team| <= relative tolerance * |judge|`.
//!
//! Deliberate differences from problemtools:
//! - Tokens are compared as whole byte strings; problemtools compares C
//!   strings and so ignores anything after a NUL byte inside a token.
//! - A negative tolerance is rejected as invalid; problemtools accepts it and
//!   then silently never uses it.
//! - A difference that overflows to infinity is always rejected; problemtools
//!   would accept it if `relative tolerance * |judge|` also overflowed.
//! - Messages are one line in CodeRank's style rather than problemtools'.

mod floats;

use std::fmt::Write as _;
use std::str::FromStr;

use floats::{describe_tolerances, parse_c_float, within_tolerance};

/// Settings of the default validator, parsed from a package's
/// `validator_flags`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ValidatorFlags {
    /// Compare string tokens with ASCII letter case significant.
    pub case_sensitive: bool,
    /// Require whitespace to match byte for byte.
    pub space_change_sensitive: bool,
    /// Largest accepted absolute difference of float tokens.
    pub float_absolute_tolerance: Option<f64>,
    /// Largest accepted difference of float tokens relative to the judge's value.
    pub float_relative_tolerance: Option<f64>,
}

/// A `validator_flags` string the default validator cannot run with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FlagError {
    /// A word that is not one of the default validator's flags.
    #[error("unknown default validator flag {0:?}")]
    UnknownFlag(String),
    /// A tolerance flag at the end of the string, with no number after it.
    #[error("validator flag {flag} needs a number after it")]
    MissingValue {
        /// The flag that lacks its value.
        flag: &'static str,
    },
    /// A tolerance flag followed by something that is not a finite,
    /// non-negative number.
    #[error("validator flag {flag} needs a finite non-negative number, got {value:?}")]
    InvalidValue {
        /// The flag whose value is bad.
        flag: &'static str,
        /// The word found where the number should be.
        value: String,
    },
}

impl ValidatorFlags {
    /// Parses whitespace-separated flags. Later flags override earlier ones,
    /// as they do on problemtools' command line; `float_tolerance E` sets both
    /// tolerances.
    pub fn parse(flags: &str) -> Result<Self, FlagError> {
        let mut parsed = ValidatorFlags::default();
        let mut words = flags.split_ascii_whitespace();
        while let Some(word) = words.next() {
            match word {
                "case_sensitive" => parsed.case_sensitive = true,
                "space_change_sensitive" => parsed.space_change_sensitive = true,
                "float_absolute_tolerance" => {
                    let tol = tolerance_value("float_absolute_tolerance", words.next())?;
                    parsed.float_absolute_tolerance = Some(tol);
                }
                "float_relative_tolerance" => {
                    let tol = tolerance_value("float_relative_tolerance", words.next())?;
                    parsed.float_relative_tolerance = Some(tol);
                }
                "float_tolerance" => {
                    let tol = tolerance_value("float_tolerance", words.next())?;
                    parsed.float_absolute_tolerance = Some(tol);
                    parsed.float_relative_tolerance = Some(tol);
                }
                other => return Err(FlagError::UnknownFlag(other.to_owned())),
            }
        }
        Ok(parsed)
    }

    /// Whether float tokens get tolerance comparison at all.
    pub fn uses_floats(&self) -> bool {
        self.float_absolute_tolerance.is_some() || self.float_relative_tolerance.is_some()
    }
}

impl FromStr for ValidatorFlags {
    type Err = FlagError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ValidatorFlags::parse(s)
    }
}

fn tolerance_value(flag: &'static str, word: Option<&str>) -> Result<f64, FlagError> {
    let word = word.ok_or(FlagError::MissingValue { flag })?;
    match parse_c_float(word.as_bytes()) {
        Some(v) if v >= 0.0 => Ok(v),
        _ => Err(FlagError::InvalidValue {
            flag,
            value: word.to_owned(),
        }),
    }
}

/// What the default validator decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The output matches the answer.
    Accepted,
    /// The output does not match; `message` is a one-line judge message such
    /// as `wrong answer: line 3: expected '5', got '6'`, where the line is
    /// the 1-based line of the team output.
    WrongAnswer {
        /// The judge message.
        message: String,
    },
}

impl Outcome {
    /// Whether this is [`Outcome::Accepted`].
    pub fn is_accepted(&self) -> bool {
        matches!(self, Outcome::Accepted)
    }
}

/// Compares `team_output` with `judge_answer` under `flags`.
///
/// Works directly on the byte slices without allocating per token, so it is
/// linear in the input size and suitable for outputs of tens of megabytes.
pub fn validate(judge_answer: &[u8], team_output: &[u8], flags: &ValidatorFlags) -> Outcome {
    let mut judge = Cursor::new(judge_answer);
    let mut team = Cursor::new(team_output);
    let use_floats = flags.uses_floats();

    loop {
        while let Some(expected) = judge.peek().filter(|&b| is_space(b)) {
            judge.advance();
            if flags.space_change_sensitive {
                let got = team.peek();
                if got != Some(expected) {
                    return wrong(
                        team.line,
                        format!(
                            "space change error: expected {}, got {}",
                            describe_byte(Some(expected)),
                            describe_byte(got)
                        ),
                    );
                }
                team.advance();
            }
        }
        while let Some(extra) = team.peek().filter(|&b| is_space(b)) {
            if flags.space_change_sensitive {
                let expected = match judge.peek_token() {
                    Some(token) => quote(token),
                    None => "end of output".to_owned(),
                };
                return wrong(
                    team.line,
                    format!(
                        "space change error: expected {expected}, got {}",
                        describe_byte(Some(extra))
                    ),
                );
            }
            team.advance();
        }

        let Some(judge_token) = judge.token() else {
            break;
        };
        let Some(team_token) = team.token() else {
            return wrong(
                team.line,
                format!("team output ended early, expected {}", quote(judge_token)),
            );
        };

        let judge_float = if use_floats {
            parse_c_float(judge_token)
        } else {
            None
        };
        if let Some(judge_value) = judge_float {
            let Some(team_value) = parse_c_float(team_token) else {
                return wrong(
                    team.line,
                    format!(
                        "expected a number like {}, got {}",
                        quote(judge_token),
                        quote(team_token)
                    ),
                );
            };
            if !within_tolerance(judge_value, team_value, flags) {
                return wrong(
                    team.line,
                    format!(
                        "expected {}, got {} (difference {:e}; {})",
                        quote(judge_token),
                        quote(team_token),
                        (judge_value - team_value).abs(),
                        describe_tolerances(flags)
                    ),
                );
            }
        } else {
            let equal = if flags.case_sensitive {
                judge_token == team_token
            } else {
                judge_token.eq_ignore_ascii_case(team_token)
            };
            if !equal {
                return wrong(
                    team.line,
                    format!("expected {}, got {}", quote(judge_token), quote(team_token)),
                );
            }
        }
    }

    // The loop only ends once all whitespace on both sides has been consumed,
    // so anything left in the team output is a token.
    if let Some(extra) = team.token() {
        return wrong(team.line, format!("trailing output {}", quote(extra)));
    }
    Outcome::Accepted
}

fn wrong(line: usize, detail: String) -> Outcome {
    Outcome::WrongAnswer {
        message: format!("wrong answer: line {line}: {detail}"),
    }
}

/// A read position in one of the two inputs, remembering the 1-based line it
/// is on so messages can point into the team output.
struct Cursor<'a> {
    data: &'a [u8],
    pos: usize,
    line: usize,
}

impl<'a> Cursor<'a> {
    fn new(data: &'a [u8]) -> Self {
        Cursor {
            data,
            pos: 0,
            line: 1,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.data.get(self.pos).copied()
    }

    fn advance(&mut self) {
        if self.peek() == Some(b'\n') {
            self.line += 1;
        }
        self.pos += 1;
    }

    /// The token starting at the current position, which callers ensure is
    /// not whitespace; `None` at the end of input.
    fn peek_token(&self) -> Option<&'a [u8]> {
        let rest = self.data.get(self.pos..).filter(|r| !r.is_empty())?;
        let len = rest.iter().position(|&b| is_space(b)).unwrap_or(rest.len());
        Some(&rest[..len])
    }

    fn token(&mut self) -> Option<&'a [u8]> {
        let token = self.peek_token()?;
        // Tokens never contain newlines, so the line count is unaffected.
        self.pos += token.len();
        Some(token)
    }
}

/// The C locale's `isspace`, which is what `operator>>` splits tokens on in
/// problemtools; note it includes `\v`, unlike `u8::is_ascii_whitespace`.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// Longest token prefix shown in a message; outputs can hold megabyte tokens.
const MAX_QUOTED_BYTES: usize = 40;

fn quote(token: &[u8]) -> String {
    let shown = &token[..token.len().min(MAX_QUOTED_BYTES)];
    let mut out = String::with_capacity(shown.len() + 5);
    out.push('\'');
    for c in String::from_utf8_lossy(shown).chars() {
        if c.is_control() {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    if token.len() > shown.len() {
        out.push_str("...");
    }
    out.push('\'');
    out
}

fn describe_byte(b: Option<u8>) -> String {
    match b {
        None => "end of output".to_owned(),
        Some(b' ') => "space".to_owned(),
        Some(b'\n') => "newline".to_owned(),
        Some(b'\t') => "tab".to_owned(),
        Some(b'\r') => "carriage return".to_owned(),
        Some(0x0b) => "vertical tab".to_owned(),
        Some(0x0c) => "form feed".to_owned(),
        Some(b) if b.is_ascii_graphic() => format!("'{}'", char::from(b)),
        Some(b) => format!("byte 0x{b:02x}"),
    }
}

#[cfg(test)]
mod tests;
