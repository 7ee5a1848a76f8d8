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

use std::fmt::Write as _;
use std::str::FromStr;

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

fn within_tolerance(judge: f64, team: f64, flags: &ValidatorFlags) -> bool {
    let diff = (judge - team).abs();
    // Two finite values can still differ by infinity (1e308 vs -1e308), and
    // an absurd relative tolerance times |judge| can also overflow to
    // infinity; without this check `inf <= inf` would accept.
    if !diff.is_finite() {
        return false;
    }
    flags.float_absolute_tolerance.is_some_and(|abs| diff <= abs)
        || flags
            .float_relative_tolerance
            .is_some_and(|rel| diff <= rel * judge.abs())
}

fn describe_tolerances(flags: &ValidatorFlags) -> String {
    let mut parts = Vec::new();
    if let Some(abs) = flags.float_absolute_tolerance {
        parts.push(format!("absolute tolerance {abs:e}"));
    }
    if let Some(rel) = flags.float_relative_tolerance {
        parts.push(format!("relative tolerance {rel:e}"));
    }
    parts.join(", ")
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

/// Parses a whole token as a finite float the way problemtools' `isfloat`
/// does with `sscanf("%lf%s")`: the entire token must be consumed, and
/// infinities and NaNs do not count.
fn parse_c_float(token: &[u8]) -> Option<f64> {
    let value = match std::str::from_utf8(token).ok()?.parse::<f64>() {
        Ok(v) => v,
        // Rust's parser lacks the hexadecimal form `strtod` accepts.
        Err(_) => parse_hex_float(token)?,
    };
    value.is_finite().then_some(value)
}

/// C99 hexadecimal floating constants such as `0x1.8p3`, `-0XAp-2` or
/// `0x.8`. Precision beyond 60 significant bits is dropped, which is far
/// below any tolerance a problem could use.
fn parse_hex_float(token: &[u8]) -> Option<f64> {
    let (negative, rest) = match token.split_first()? {
        (b'-', rest) => (true, rest),
        (b'+', rest) => (false, rest),
        _ => (false, token),
    };
    let rest = rest.strip_prefix(b"0x").or_else(|| rest.strip_prefix(b"0X"))?;

    let mut mantissa: u64 = 0;
    let mut exponent: i64 = 0;
    let mut digits = 0usize;
    let mut significant = 0usize;
    let mut seen_point = false;
    let mut i = 0;
    while let Some(&b) = rest.get(i) {
        if b == b'.' && !seen_point {
            seen_point = true;
        } else if let Some(d) = char::from(b).to_digit(16) {
            digits += 1;
            if significant < 15 {
                if mantissa != 0 || d != 0 {
                    significant += 1;
                }
                mantissa = mantissa * 16 + u64::from(d);
                if seen_point {
                    exponent -= 4;
                }
            } else if !seen_point {
                exponent += 4;
            }
        } else {
            break;
        }
        i += 1;
    }
    if digits == 0 {
        return None;
    }

    let rest = &rest[i..];
    if let Some((&p, exp_text)) = rest.split_first() {
        if p != b'p' && p != b'P' {
            return None;
        }
        let (exp_negative, exp_digits) = match exp_text.split_first()? {
            (b'-', d) => (true, d),
            (b'+', d) => (false, d),
            _ => (false, exp_text),
        };
        if exp_digits.is_empty() || !exp_digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        // Saturate: anything beyond a few thousand is 0 or infinity anyway.
        let mut e: i64 = 0;
        for &d in exp_digits {
            e = (e * 10 + i64::from(d - b'0')).min(100_000);
        }
        exponent += if exp_negative { -e } else { e };
    }

    // Scale in steps that stay within f64's normal range.
    let mut value = mantissa as f64;
    let mut remaining = exponent.clamp(-200_000, 200_000);
    while remaining != 0 && value != 0.0 && value.is_finite() {
        let step = remaining.clamp(-1000, 1000);
        value *= 2f64.powi(step as i32);
        remaining -= step;
    }
    Some(if negative { -value } else { value })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flags(s: &str) -> ValidatorFlags {
        ValidatorFlags::parse(s).expect("valid flags")
    }

    fn check(judge: &str, team: &str, flag_str: &str) -> Outcome {
        validate(judge.as_bytes(), team.as_bytes(), &flags(flag_str))
    }

    fn accepted(judge: &str, team: &str, flag_str: &str) -> bool {
        check(judge, team, flag_str).is_accepted()
    }

    fn message(judge: &str, team: &str, flag_str: &str) -> String {
        match check(judge, team, flag_str) {
            Outcome::WrongAnswer { message } => message,
            Outcome::Accepted => panic!("{team:?} should be rejected against {judge:?}"),
        }
    }

    // --- flags ---

    #[test]
    fn empty_flags_mean_lenient_exact_token_comparison() {
        assert_eq!(flags(""), ValidatorFlags::default());
        assert_eq!(flags("  \n\t "), ValidatorFlags::default());
        assert!(!flags("").uses_floats());
    }

    #[test]
    fn all_flags_parse_in_any_order() {
        let f = flags("space_change_sensitive float_relative_tolerance 1e-6 case_sensitive float_absolute_tolerance 0.5");
        assert!(f.case_sensitive && f.space_change_sensitive);
        assert_eq!(f.float_relative_tolerance, Some(1e-6));
        assert_eq!(f.float_absolute_tolerance, Some(0.5));
        assert!(f.uses_floats());
    }

    #[test]
    fn float_tolerance_sets_both_tolerances() {
        let f = flags("float_tolerance 1e-4");
        assert_eq!(f.float_absolute_tolerance, Some(1e-4));
        assert_eq!(f.float_relative_tolerance, Some(1e-4));
    }

    #[test]
    fn later_tolerance_flags_override_earlier_ones() {
        let f = flags("float_tolerance 1e-4 float_absolute_tolerance 2");
        assert_eq!(f.float_absolute_tolerance, Some(2.0));
        assert_eq!(f.float_relative_tolerance, Some(1e-4));
    }

    #[test]
    fn flags_may_be_separated_by_any_whitespace() {
        let f = flags("\tcase_sensitive\n float_absolute_tolerance\t\t1E-9 ");
        assert!(f.case_sensitive);
        assert_eq!(f.float_absolute_tolerance, Some(1e-9));
    }

    #[test]
    fn an_unknown_flag_is_an_error_naming_it() {
        let err = ValidatorFlags::parse("case_sensitive ignore_case").expect_err("unknown flag");
        assert_eq!(err, FlagError::UnknownFlag("ignore_case".to_owned()));
        assert!(err.to_string().contains("ignore_case"));
    }

    #[test]
    fn flags_are_case_sensitive_words() {
        assert!(ValidatorFlags::parse("CASE_SENSITIVE").is_err());
    }

    #[test]
    fn a_tolerance_without_a_value_is_an_error_naming_the_flag() {
        for flag in [
            "float_tolerance",
            "float_absolute_tolerance",
            "float_relative_tolerance",
        ] {
            let err = ValidatorFlags::parse(flag).expect_err("missing value");
            assert_eq!(
                err,
                FlagError::MissingValue {
                    flag: flag_name(flag)
                }
            );
            assert!(err.to_string().contains(flag));
        }
    }

    fn flag_name(flag: &str) -> &'static str {
        match flag {
            "float_tolerance" => "float_tolerance",
            "float_absolute_tolerance" => "float_absolute_tolerance",
            _ => "float_relative_tolerance",
        }
    }

    #[test]
    fn a_tolerance_with_a_non_numeric_value_is_an_error_naming_flag_and_value() {
        let err = ValidatorFlags::parse("float_relative_tolerance case_sensitive").expect_err("bad value");
        assert_eq!(
            err,
            FlagError::InvalidValue {
                flag: "float_relative_tolerance",
                value: "case_sensitive".to_owned()
            }
        );
        let text = err.to_string();
        assert!(text.contains("float_relative_tolerance") && text.contains("case_sensitive"));
    }

    #[test]
    fn infinite_nan_and_negative_tolerances_are_rejected() {
        for value in ["inf", "nan", "1e999", "-1", "1e-6x"] {
            let err =
                ValidatorFlags::parse(&format!("float_tolerance {value}")).expect_err("invalid tolerance");
            assert!(matches!(err, FlagError::InvalidValue { .. }), "{value}");
        }
    }

    #[test]
    fn flags_parse_through_from_str() {
        let f: ValidatorFlags = "case_sensitive".parse().expect("valid");
        assert!(f.case_sensitive);
    }

    // --- whitespace ---

    #[test]
    fn identical_output_is_accepted() {
        assert!(accepted("1 2 3\nhello\n", "1 2 3\nhello\n", ""));
        assert!(accepted("", "", ""));
    }

    #[test]
    fn whitespace_differences_are_ignored_unless_space_change_sensitive() {
        let judge = "1 2\n3\n";
        for team in [
            "1 2 3",
            "1\n2\n3\n\n\n",
            "  1\t2\r\n3  ",
            "1\x0b2\x0c3",
            "\n\n1 2 3",
        ] {
            assert!(accepted(judge, team, ""), "{team:?}");
        }
    }

    #[test]
    fn whitespace_only_output_matches_an_empty_answer_by_default() {
        for team in ["", " ", "\n", "\t\n \n"] {
            assert!(accepted("", team, ""), "{team:?}");
        }
        assert!(accepted("\n\n", "", ""));
    }

    #[test]
    fn space_change_sensitive_accepts_byte_identical_whitespace() {
        assert!(accepted(
            "1 2\n  3\r\n\n",
            "1 2\n  3\r\n\n",
            "space_change_sensitive"
        ));
    }

    #[test]
    fn space_change_sensitive_requires_the_same_trailing_newline() {
        let msg = message("42\n", "42", "space_change_sensitive");
        assert_eq!(
            msg,
            "wrong answer: line 1: space change error: expected newline, got end of output"
        );
        let msg = message("42", "42\n", "space_change_sensitive");
        assert_eq!(
            msg,
            "wrong answer: line 1: space change error: expected end of output, got newline"
        );
        let msg = message("42\n", "42\n\n", "space_change_sensitive");
        assert_eq!(
            msg,
            "wrong answer: line 2: space change error: expected end of output, got newline"
        );
    }

    #[test]
    fn space_change_sensitive_rejects_a_different_kind_of_whitespace() {
        let msg = message("1 2\n3 4\n", "1 2\n3\t4\n", "space_change_sensitive");
        assert_eq!(
            msg,
            "wrong answer: line 2: space change error: expected space, got tab"
        );
        assert!(!accepted("1\n", "1\r\n", "space_change_sensitive"));
    }

    #[test]
    fn space_change_sensitive_rejects_extra_or_missing_spaces() {
        let msg = message("1 2", "1  2", "space_change_sensitive");
        assert_eq!(
            msg,
            "wrong answer: line 1: space change error: expected '2', got space"
        );
        let msg = message("1  2", "1 2", "space_change_sensitive");
        assert_eq!(
            msg,
            "wrong answer: line 1: space change error: expected space, got '2'"
        );
        assert!(!accepted("1", " 1", "space_change_sensitive"));
        assert!(!accepted(" 1", "1", "space_change_sensitive"));
    }

    #[test]
    fn space_change_sensitive_still_compares_tokens_case_insensitively() {
        assert!(accepted("Yes\n", "YES\n", "space_change_sensitive"));
    }

    #[test]
    fn space_change_sensitive_on_an_empty_answer_accepts_only_empty_output() {
        assert!(accepted("", "", "space_change_sensitive"));
        for team in [" ", "\n", "\t", "0"] {
            assert!(!accepted("", team, "space_change_sensitive"), "{team:?}");
        }
    }

    #[test]
    fn non_ascii_whitespace_is_part_of_a_token() {
        // U+00A0 NO-BREAK SPACE is not whitespace in the C locale.
        assert!(!accepted("a b", "a\u{a0}b", ""));
        assert!(accepted("a\u{a0}b", "a\u{a0}b ", ""));
    }

    // --- strings and case ---

    #[test]
    fn case_is_ignored_unless_case_sensitive() {
        assert!(accepted("Yes\nPOSSIBLE", "yES\npossible", ""));
        let msg = message("Yes", "yes", "case_sensitive");
        assert_eq!(msg, "wrong answer: line 1: expected 'Yes', got 'yes'");
    }

    #[test]
    fn case_folding_touches_only_ascii_letters() {
        // strcasecmp in the C locale leaves multi-byte characters alone.
        assert!(!accepted("É", "é", ""));
        assert!(accepted("Émile", "ÉMILE", ""));
    }

    #[test]
    fn a_different_token_is_reported_with_the_team_line() {
        let msg = message("1\n2\n5\n", "1\n2\n6\n", "");
        assert_eq!(msg, "wrong answer: line 3: expected '5', got '6'");
        let msg = message("1 2 5", "\n\n1\n\n2 6", "");
        assert_eq!(msg, "wrong answer: line 5: expected '5', got '6'");
    }

    #[test]
    fn a_prefix_token_is_not_equal() {
        assert!(!accepted("abc", "ab", ""));
        assert!(!accepted("ab", "abc", ""));
        assert!(!accepted("1 2", "12", ""));
    }

    #[test]
    fn numbers_are_compared_as_strings_without_a_tolerance() {
        assert!(!accepted("1", "1.0", ""));
        assert!(!accepted("0.5", ".5", ""));
        assert!(!accepted("-0", "0", ""));
    }

    #[test]
    fn non_utf8_bytes_are_compared_exactly() {
        let judge = b"\xff\xfe ok";
        assert!(validate(judge, b"\xff\xfe\nOK", &flags("")).is_accepted());
        let outcome = validate(judge, b"\xff\xfd ok", &flags(""));
        assert!(!outcome.is_accepted());
    }

    #[test]
    fn a_nul_byte_inside_a_token_is_significant() {
        assert!(!accepted("ab\0c", "ab\0d", ""));
    }

    // --- missing and extra output ---

    #[test]
    fn missing_tokens_are_wrong_answer_team_output_ended_early() {
        let msg = message("1 2 3\n", "1 2\n", "");
        assert_eq!(msg, "wrong answer: line 2: team output ended early, expected '3'");
        assert_eq!(
            message("7", "", ""),
            "wrong answer: line 1: team output ended early, expected '7'"
        );
    }

    #[test]
    fn extra_tokens_are_wrong_answer_trailing_output() {
        let msg = message("1 2\n", "1 2\n\n3 4\n", "");
        assert_eq!(msg, "wrong answer: line 3: trailing output '3'");
        assert_eq!(message("", "x", ""), "wrong answer: line 1: trailing output 'x'");
    }

    // --- floats ---

    #[test]
    fn absolute_tolerance_accepts_values_within_it() {
        let f = "float_absolute_tolerance 0.01";
        assert!(accepted("1.00", "1.009", f));
        assert!(accepted("1.00", "0.995", f));
        // 1.01 - 1.00 is 0.010000000000000009 in binary floating point, just
        // over the limit, exactly as in problemtools' double arithmetic.
        assert!(!accepted("1.00", "1.01", f));
        assert!(accepted("100", "99.991", f));
        assert!(!accepted("1.00", "1.02", f));
    }

    #[test]
    fn relative_tolerance_is_relative_to_the_judge_value() {
        let f = "float_relative_tolerance 0.01";
        assert!(accepted("100", "101", f));
        assert!(accepted("100", "99", f));
        assert!(!accepted("100", "101.5", f));
        // 1% of the judge's 1 is 0.01, even though 1% of the team's 1.02 is larger.
        assert!(!accepted("1", "1.0101", f));
    }

    #[test]
    fn either_tolerance_is_enough() {
        let f = "float_absolute_tolerance 1e-6 float_relative_tolerance 1e-6";
        assert!(accepted("1e9", "1000000500", f)); // relative
        assert!(accepted("0", "0.0000005", f)); // absolute
        assert!(!accepted("0", "0.00001", f));
    }

    #[test]
    fn float_tolerance_accepts_by_either_measure() {
        assert!(accepted("1000", "1000.5", "float_tolerance 0.001"));
        assert!(accepted("0.0001", "0.0009", "float_tolerance 0.001"));
        assert!(!accepted("0.0001", "0.0012", "float_tolerance 0.001"));
    }

    #[test]
    fn with_only_a_relative_tolerance_zero_must_be_exact() {
        let f = "float_relative_tolerance 0.5";
        assert!(accepted("0", "0.0", f));
        assert!(accepted("0", "-0", f));
        assert!(!accepted("0", "1e-300", f));
    }

    #[test]
    fn float_formats_are_interchangeable_when_a_tolerance_is_set() {
        let f = "float_tolerance 1e-9";
        for team in ["1", "1.0", "1.", "+1", "1e0", "10E-1", "0x1", "0x1p0", "0X.8P1"] {
            assert!(accepted("1.000", team, f), "{team}");
        }
        assert!(accepted("-0.5", "-.5", f));
    }

    #[test]
    fn a_hexadecimal_judge_token_is_a_float() {
        assert!(accepted("0x10", "16", "float_absolute_tolerance 0"));
        assert!(accepted("0x1.8p3", "12", "float_absolute_tolerance 0"));
        assert!(accepted("-0x1p-2", "-0.25", "float_absolute_tolerance 0"));
    }

    #[test]
    fn the_team_token_must_be_a_float_when_the_judge_token_is() {
        let f = "float_tolerance 1e-6";
        assert_eq!(
            message("1.5", "abc", f),
            "wrong answer: line 1: expected a number like '1.5', got 'abc'"
        );
        for team in [
            "nan",
            "NaN",
            "inf",
            "-infinity",
            "1e999",
            "1.5x",
            "1,5",
            "0x",
            "0x1p",
            "",
        ] {
            assert!(!accepted("1.5", team, f), "{team:?}");
        }
    }

    #[test]
    fn judge_nan_and_inf_are_compared_as_strings() {
        let f = "float_tolerance 1e-6";
        assert!(accepted("nan", "NaN", f));
        assert!(accepted("inf", "INF", f));
        assert!(!accepted("inf", "infinity", f));
        assert!(!accepted("nan", "0", f));
        // 1e999 overflows to infinity, so it is not a float either.
        assert!(accepted("1e999", "1E999", f));
        assert!(!accepted("1e999", "1e998", f));
    }

    #[test]
    fn non_float_judge_tokens_are_compared_as_strings_even_with_a_tolerance() {
        let f = "float_tolerance 1e-6";
        assert!(accepted("YES 1.0", "yes 1.0000001", f));
        assert!(!accepted("YES 1.0", "YES! 1.0", f));
        assert!(!accepted("Yes", "yes", &format!("case_sensitive {f}")));
    }

    #[test]
    fn a_float_mismatch_message_shows_tokens_difference_and_tolerances() {
        let msg = message("1\n2.5\n", "1\n2.75\n", "float_absolute_tolerance 0.1");
        assert_eq!(
            msg,
            "wrong answer: line 2: expected '2.5', got '2.75' (difference 2.5e-1; absolute tolerance 1e-1)"
        );
    }

    #[test]
    fn an_overflowing_difference_is_rejected() {
        assert!(!accepted("1e308", "-1e308", "float_tolerance 1e300"));
    }

    #[test]
    fn tolerance_applies_per_token_across_many_tokens() {
        let judge = "0.333333 0.666667 1.000000";
        let team = "0.3333334 0.6666665 0.9999999";
        assert!(accepted(judge, team, "float_absolute_tolerance 1e-6"));
        assert!(!accepted(judge, team, "float_absolute_tolerance 1e-8"));
    }

    // --- messages ---

    #[test]
    fn long_tokens_are_truncated_in_messages() {
        let judge = "a".repeat(1000);
        let team = "b".repeat(1000);
        let msg = message(&judge, &team, "");
        assert!(msg.len() < 150, "{msg}");
        assert!(msg.contains(&format!("'{}...'", "a".repeat(MAX_QUOTED_BYTES))));
    }

    #[test]
    fn control_bytes_in_tokens_are_escaped_in_messages() {
        let msg = message("a", "a\0b", "");
        assert_eq!(msg, "wrong answer: line 1: expected 'a', got 'a\\u{0}b'");
    }

    #[test]
    fn invalid_utf8_in_messages_is_replaced_not_fatal() {
        match validate(b"x", b"\xff", &flags("")) {
            Outcome::WrongAnswer { message } => {
                assert_eq!(message, "wrong answer: line 1: expected 'x', got '\u{fffd}'");
            }
            Outcome::Accepted => panic!("should differ"),
        }
    }

    // --- scale ---

    #[test]
    fn multi_megabyte_outputs_are_validated() {
        let mut judge = Vec::new();
        for i in 0..1_000_000u32 {
            judge.extend_from_slice(format!("{i} {}.5\n", i / 3).as_bytes());
        }
        let mut team = judge.clone();
        assert!(validate(&judge, &team, &flags("float_tolerance 1e-6")).is_accepted());
        // Differ only in the final token so the whole input has to be scanned.
        let n = team.len();
        team[n - 2] = b'7';
        match validate(&judge, &team, &flags("")) {
            Outcome::WrongAnswer { message } => assert_eq!(
                message,
                "wrong answer: line 1000000: expected '333333.5', got '333333.7'"
            ),
            Outcome::Accepted => panic!("should differ"),
        }
    }

    // --- float parsing ---

    #[test]
    fn float_parsing_matches_strtod_on_whole_tokens() {
        let ok: [(&str, f64); 10] = [
            ("0", 0.0),
            ("-0.0", 0.0),
            (".5", 0.5),
            ("5.", 5.0),
            ("+2e3", 2000.0),
            ("1E-2", 0.01),
            ("0x1F", 31.0),
            ("0x.1", 0.0625),
            ("-0x1p+4", -16.0),
            ("1e-400", 0.0),
        ];
        for (text, value) in ok {
            assert_eq!(parse_c_float(text.as_bytes()), Some(value), "{text}");
        }
        for text in [
            "", ".", "e5", "1e", "1e+", "--1", "1.2.3", "0x", "0xg", "0x1p", "0x1.8q", "inf", "nan", "1_000",
            " 1",
        ] {
            assert_eq!(parse_c_float(text.as_bytes()), None, "{text:?}");
        }
    }

    #[test]
    fn long_hexadecimal_mantissas_keep_their_magnitude() {
        let v = parse_c_float(b"0x123456789abcdef0123p0").expect("hex float");
        let expected = 0x1234_5678_9abc_def0_u64 as f64 * 4096.0 + 291.0;
        assert!((v - expected).abs() / expected < 1e-15, "{v} vs {expected}");
        assert_eq!(parse_c_float(b"0x1p99999"), None);
        assert_eq!(parse_c_float(b"0x1p-99999"), Some(0.0));
    }
}
