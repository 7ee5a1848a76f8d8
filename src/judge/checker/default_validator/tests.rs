//! Tests of the default validator: flags, whitespace, tokens and case, missing and extra
//! output, messages, scale; floats under a tolerance in `tests/floats.rs` (C float parsing is
//! tested beside the parser).

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
    let f = flags(
        "space_change_sensitive float_relative_tolerance 1e-6 case_sensitive float_absolute_tolerance 0.5",
    );
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
        let err = ValidatorFlags::parse(&format!("float_tolerance {value}")).expect_err("invalid tolerance");
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

mod floats;
