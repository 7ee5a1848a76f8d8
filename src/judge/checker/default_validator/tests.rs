//! Tests of the default validator: flags, tokens, numbers within tolerance, C float parsing.

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
