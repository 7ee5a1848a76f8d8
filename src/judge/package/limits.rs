//! Limits and the time limit of a package, from problem.yaml and the legacy files that carry them.

use super::{files::read_optional_lossy, *};

/// The limits of a `format` package whose `problem.yaml` sets none.
pub(super) fn defaults(format: PackageFormat) -> Limits {
    let (time_multiplier, time_safety_margin) = match format {
        PackageFormat::Legacy => (5.0, 2.0),
        PackageFormat::V2023_07 => (2.0, 1.5),
    };
    Limits {
        time_multiplier,
        time_safety_margin,
        memory_mib: 1024,
        output_mib: 8,
        compilation_time_secs: 60.0,
        compilation_memory_mib: 2048,
    }
}

pub(super) fn read_limits(
    raw: &RawLimits,
    format: PackageFormat,
    yaml_path: &Path,
) -> Result<Limits, PackageError> {
    let default = defaults(format);
    let multipliers = raw.time_multipliers.as_ref();
    let time_multiplier = multipliers
        .and_then(|m| m.ac_to_time_limit)
        .or(raw.time_multiplier)
        .unwrap_or(default.time_multiplier);
    let time_safety_margin = multipliers
        .and_then(|m| m.time_limit_to_tle)
        .or(raw.time_safety_margin)
        .unwrap_or(default.time_safety_margin);
    let compilation_time_secs = raw.compilation_time.unwrap_or(default.compilation_time_secs);

    for (key, value) in [
        ("time_multiplier", time_multiplier),
        ("time_safety_margin", time_safety_margin),
        ("compilation_time", compilation_time_secs),
    ] {
        positive(value, yaml_path, key)?;
    }
    let mib = |value: Option<u64>, default: u64, key: &'static str| match value {
        Some(0) => Err(PackageError::InvalidLimit {
            path: yaml_path.to_path_buf(),
            key,
            value: "0".to_owned(),
        }),
        Some(v) => Ok(v),
        None => Ok(default),
    };
    Ok(Limits {
        time_multiplier,
        time_safety_margin,
        memory_mib: mib(raw.memory, default.memory_mib, "memory")?,
        output_mib: mib(raw.output, default.output_mib, "output")?,
        compilation_time_secs,
        compilation_memory_mib: mib(
            raw.compilation_memory,
            default.compilation_memory_mib,
            "compilation_memory",
        )?,
    })
}

fn positive(value: f64, path: &Path, key: &'static str) -> Result<f64, PackageError> {
    if value.is_finite() && value > 0.0 {
        Ok(value)
    } else {
        Err(PackageError::InvalidLimit {
            path: path.to_path_buf(),
            key,
            value: value.to_string(),
        })
    }
}

// ---------------------------------------------------------------------------
// time limit

pub(super) fn read_time_limit(
    root: &Path,
    from_yaml: Option<f64>,
    yaml_path: &Path,
) -> Result<Option<TimeLimit>, PackageError> {
    if let Some(seconds) = from_yaml {
        return Ok(Some(TimeLimit {
            seconds: positive(seconds, yaml_path, "time_limit")?,
            source: TimeLimitSource::ProblemYaml,
        }));
    }

    let timelimit_path = root.join(".timelimit");
    if let Some(text) = read_optional_lossy(&timelimit_path)? {
        return Ok(Some(TimeLimit {
            seconds: parse_seconds(text.trim(), &timelimit_path, "timelimit")?,
            source: TimeLimitSource::TimelimitFile,
        }));
    }

    let ini_path = root.join("domjudge-problem.ini");
    if let Some(text) = read_optional_lossy(&ini_path)? {
        if let Some(value) = domjudge_timelimit(&text) {
            return Ok(Some(TimeLimit {
                seconds: parse_seconds(value, &ini_path, "timelimit")?,
                source: TimeLimitSource::DomjudgeIni,
            }));
        }
    }
    Ok(None)
}

/// The value of the last `timelimit` line, unquoted. DOMjudge writes these
/// files with PHP-style ini syntax, so the value may be wrapped in single or
/// double quotes, and a later line overrides an earlier one.
fn domjudge_timelimit(ini: &str) -> Option<&str> {
    ini.lines()
        .filter_map(|line| {
            let (key, value) = line.split_once('=')?;
            if !key.trim().eq_ignore_ascii_case("timelimit") {
                return None;
            }
            let value = value.trim();
            let unquoted = ['\'', '"'].into_iter().find_map(|q| {
                value
                    .strip_prefix(q)
                    .and_then(|v| v.strip_suffix(q))
                    .map(str::trim)
            });
            Some(unquoted.unwrap_or(value))
        })
        .next_back()
}

fn parse_seconds(text: &str, path: &Path, key: &'static str) -> Result<f64, PackageError> {
    let invalid = || PackageError::InvalidLimit {
        path: path.to_path_buf(),
        key,
        value: text.to_owned(),
    };
    let value: f64 = text.parse().map_err(|_| invalid())?;
    positive(value, path, key).map_err(|_| invalid())
}

// ---------------------------------------------------------------------------
// validation
