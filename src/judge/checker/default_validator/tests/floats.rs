//! Floats under a tolerance: which values pass, which tokens are floats at all, and the messages.

use super::*;

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
