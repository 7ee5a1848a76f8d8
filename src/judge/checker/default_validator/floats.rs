//! Floats in the default validator: a token read the way C's `strtod` reads it (decimal or
//! hexadecimal, finite, nothing left over), and the tolerances a team's value is held to.

use super::ValidatorFlags;

pub(super) fn within_tolerance(judge: f64, team: f64, flags: &ValidatorFlags) -> bool {
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

pub(super) fn describe_tolerances(flags: &ValidatorFlags) -> String {
    let mut parts = Vec::new();
    if let Some(abs) = flags.float_absolute_tolerance {
        parts.push(format!("absolute tolerance {abs:e}"));
    }
    if let Some(rel) = flags.float_relative_tolerance {
        parts.push(format!("relative tolerance {rel:e}"));
    }
    parts.join(", ")
}

/// Parses a whole token as a finite float the way problemtools' `isfloat`
/// does with `sscanf("%lf%s")`: the entire token must be consumed, and
/// infinities and NaNs do not count.
pub(super) fn parse_c_float(token: &[u8]) -> Option<f64> {
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
pub(super) fn parse_hex_float(token: &[u8]) -> Option<f64> {
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
