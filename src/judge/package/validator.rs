//! The package's output validator: how it validates (default or custom, with which flags), and
//! where a custom validator's sources are and in which protocol (testlib or Kattis) it speaks.

use super::files::{files_below, visible_entries, MAX_SCANNED_SOURCE_BYTES};
use super::*;

pub(super) fn read_validation(
    root: &Path,
    yaml_path: &Path,
    raw: &RawProblemYaml,
    format: PackageFormat,
    warnings: &mut Vec<PackageWarning>,
) -> Result<Validation, PackageError> {
    let custom = match raw.validation.as_deref() {
        Some(value) => {
            let unknown = || PackageError::UnknownValidation {
                path: yaml_path.to_path_buf(),
                value: value.to_owned(),
            };
            let mut words = value.split_whitespace();
            let custom = match words.next() {
                Some("default") => false,
                Some("custom") => true,
                _ => return Err(unknown()),
            };
            for modifier in words {
                match modifier {
                    "interactive" | "multi-pass" | "score" => {}
                    _ => return Err(unknown()),
                }
            }
            custom
        }
        None => match format {
            PackageFormat::Legacy => false,
            PackageFormat::V2023_07 => find_output_validator(root)?.is_some(),
        },
    };

    if custom {
        let validator = find_output_validator(root)?.ok_or_else(|| PackageError::MissingOutputValidator {
            path: root.to_path_buf(),
        })?;
        Ok(Validation::Custom(validator))
    } else {
        if let Some(unused) = find_output_validator(root)? {
            warnings.push(PackageWarning::UnusedOutputValidator { path: unused.path });
        }
        Ok(Validation::Default)
    }
}

/// Finds the package's validator program: the 2023-07 `output_validator/`
/// directory, else the single program in legacy `output_validators/`. Several
/// loose files directly in `output_validators/` are taken as one program
/// (a checker plus its headers), since that is how such packages are
/// commonly laid out even though the legacy spec would call them separate
/// programs.
fn find_output_validator(root: &Path) -> Result<Option<OutputValidator>, PackageError> {
    let modern = root.join("output_validator");
    if modern.is_dir() {
        return describe_validator(modern).map(Some);
    }
    let legacy = root.join("output_validators");
    if !legacy.is_dir() {
        return Ok(None);
    }
    let entries = visible_entries(&legacy)?;
    match entries.as_slice() {
        [] => Ok(None),
        [only] => describe_validator(only.clone()).map(Some),
        several if several.iter().all(|p| p.is_file()) => describe_validator(legacy).map(Some),
        _ => Err(PackageError::MultipleOutputValidators { path: legacy }),
    }
}

/// An empty file of this name beside a checker declares testlib's calling convention.
pub const TESTLIB_MARKER: &str = "testlib-protocol";

fn describe_validator(path: PathBuf) -> Result<OutputValidator, PackageError> {
    let sources = if path.is_dir() {
        files_below(&path)?
    } else {
        vec![path.clone()]
    };
    let mut kind = ValidatorKind::Kattis;
    for source in &sources {
        // A checker written to testlib's calling convention without testlib.h itself says so
        // with an empty marker file (testlib.h is not always at hand).
        let marker = source.file_name().is_some_and(|name| name == TESTLIB_MARKER);
        if marker || includes_testlib(source)? {
            kind = ValidatorKind::Testlib;
            break;
        }
    }
    Ok(OutputValidator { path, kind, sources })
}

fn includes_testlib(path: &Path) -> Result<bool, PackageError> {
    let io_err = |source| PackageError::Io {
        path: path.to_path_buf(),
        source,
    };
    if fs::metadata(path).map_err(io_err)?.len() > MAX_SCANNED_SOURCE_BYTES {
        return Ok(false);
    }
    let bytes = fs::read(path).map_err(io_err)?;
    Ok(bytes.split(|&b| b == b'\n').any(is_testlib_include))
}

/// Matches `#include "testlib.h"` and `#include <testlib.h>` with the
/// spacing the C preprocessor allows, e.g. `#  include<testlib.h>`.
pub(super) fn is_testlib_include(line: &[u8]) -> bool {
    let rest = line.trim_ascii_start();
    let Some(rest) = rest.strip_prefix(b"#") else {
        return false;
    };
    let Some(rest) = rest.trim_ascii_start().strip_prefix(b"include") else {
        return false;
    };
    let rest = rest.trim_ascii_start();
    rest.starts_with(b"\"testlib.h\"") || rest.starts_with(b"<testlib.h>")
}
