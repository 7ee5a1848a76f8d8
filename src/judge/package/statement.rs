//! The package's statements: `problem.<lang>.{md,tex,pdf}` (or a bare `problem.{md,tex,pdf}`)
//! in the 2023-07/2025-09 `statement/` folder or the legacy `problem_statement/` one.
//!
//! One statement is kept per language. Within a language Markdown beats LaTeX beats PDF (as
//! the problem page shows Markdown and LaTeX as HTML and a PDF only as a download), a file
//! named with its language beats a bare one, and `statement/` beats `problem_statement/`. A
//! bare file is in the package's default language: the only language of a `name` map, else `en`.

use std::collections::BTreeMap;

use super::files::{file_name_lossy, visible_entries};
use super::*;

/// The statement folders, newest format first.
pub const STATEMENT_FOLDERS: [&str; 2] = ["statement", "problem_statement"];

/// A statement source (Markdown or LaTeX) larger than this is refused: real ones are a few KiB.
pub const MAX_STATEMENT_SOURCE_BYTES: u64 = 1 << 20;

/// Reads every language's statement, sorted by language code.
pub(super) fn read_statements(root: &Path, name: &ProblemName) -> Result<Vec<Statement>, PackageError> {
    let default_language = match name {
        ProblemName::ByLanguage(names) if names.len() == 1 => names.keys().next().cloned(),
        _ => None,
    }
    .unwrap_or_else(|| "en".to_owned());
    // language → (rank, format, path); the lowest rank wins.
    let mut best: BTreeMap<String, ((StatementFormat, bool, usize), PathBuf)> = BTreeMap::new();
    for (folder_rank, folder) in STATEMENT_FOLDERS.iter().enumerate() {
        let dir = root.join(folder);
        if !dir.is_dir() {
            continue;
        }
        for path in visible_entries(&dir)? {
            if !path.is_file() {
                continue;
            }
            let Some((language, format)) = parse_file_name(&file_name_lossy(&path)) else {
                continue;
            };
            let bare = language.is_none();
            let language = language.unwrap_or_else(|| default_language.clone());
            let rank = (format, bare, folder_rank);
            if best.get(&language).is_none_or(|(known, _)| rank < *known) {
                best.insert(language, (rank, path));
            }
        }
    }
    best.into_iter()
        .map(|(language, ((format, _, _), path))| {
            let source = match format {
                StatementFormat::Pdf => String::new(),
                StatementFormat::Markdown | StatementFormat::Latex => read_source(&path)?,
            };
            Ok(Statement {
                language,
                format,
                source,
                path,
            })
        })
        .collect()
}

/// `problem.sv.md` → (`Some("sv")`, Markdown); `problem.tex` → (`None`, LaTeX); anything else
/// (other names, or a language code that is not one) → `None`.
pub(super) fn parse_file_name(file_name: &str) -> Option<(Option<String>, StatementFormat)> {
    let rest = file_name.strip_prefix("problem.")?;
    let (stem, extension) = match rest.rsplit_once('.') {
        Some((language, extension)) => (Some(language), extension),
        None => (None, rest),
    };
    let format = match extension {
        "md" => StatementFormat::Markdown,
        "tex" => StatementFormat::Latex,
        "pdf" => StatementFormat::Pdf,
        _ => return None,
    };
    match stem {
        None => Some((None, format)),
        Some(language) if is_language_code(language) => Some((Some(language.to_owned()), format)),
        Some(_) => None,
    }
}

/// A BCP 47-like tag as packages use them: `en`, `sv`, `pt-BR`, `zh-Hant`.
pub fn is_language_code(code: &str) -> bool {
    let mut parts = code.split('-');
    let primary = parts.next().unwrap_or_default();
    (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_lowercase())
        && code.len() <= 16
        && parts.all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric()))
}

fn read_source(path: &Path) -> Result<String, PackageError> {
    let io_err = |source| PackageError::Io {
        path: path.to_path_buf(),
        source,
    };
    let size = fs::metadata(path).map_err(io_err)?.len();
    if size > MAX_STATEMENT_SOURCE_BYTES {
        return Err(PackageError::StatementTooLarge {
            path: path.to_path_buf(),
            size,
            limit: MAX_STATEMENT_SOURCE_BYTES,
        });
    }
    match fs::read_to_string(path) {
        Ok(source) => Ok(source),
        Err(e) if e.kind() == io::ErrorKind::InvalidData => Err(PackageError::NotUtf8 {
            path: path.to_path_buf(),
        }),
        Err(source) => Err(io_err(source)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn package(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("tempdir");
        for (rel, contents) in files {
            let path = dir.path().join(rel);
            fs::create_dir_all(path.parent().expect("has parent")).expect("mkdir");
            fs::write(path, contents).expect("write");
        }
        dir
    }

    fn read(files: &[(&str, &str)], name: &ProblemName) -> Vec<(String, StatementFormat, String)> {
        let dir = package(files);
        read_statements(dir.path(), name)
            .expect("statements read")
            .into_iter()
            .map(|s| {
                let rel = s
                    .path
                    .strip_prefix(dir.path())
                    .expect("inside")
                    .to_string_lossy()
                    .into_owned();
                (s.language, s.format, rel)
            })
            .collect()
    }

    fn single() -> ProblemName {
        ProblemName::Single("Hello".to_owned())
    }

    fn entry(language: &str, format: StatementFormat, path: &str) -> (String, StatementFormat, String) {
        (language.to_owned(), format, path.to_owned())
    }

    #[test]
    fn the_2025_09_statement_folder_is_read_in_every_language() {
        let found = read(
            &[
                ("statement/problem.en.md", "# Hi"),
                ("statement/problem.sv.tex", "\\problemname{Hej}"),
                ("statement/problem.pt-BR.pdf", "%PDF"),
                ("statement/circle.png", "png"),
                ("statement/problem.notalanguage.md", "x"),
            ],
            &single(),
        );
        assert_eq!(
            found,
            [
                entry("en", StatementFormat::Markdown, "statement/problem.en.md"),
                entry("pt-BR", StatementFormat::Pdf, "statement/problem.pt-BR.pdf"),
                entry("sv", StatementFormat::Latex, "statement/problem.sv.tex"),
            ]
        );
    }

    #[test]
    fn the_legacy_problem_statement_folder_is_read_and_a_bare_file_is_the_default_language() {
        let found = read(
            &[
                ("problem_statement/problem.tex", "x"),
                ("problem_statement/problem.de.tex", "y"),
            ],
            &single(),
        );
        assert_eq!(
            found,
            [
                entry("de", StatementFormat::Latex, "problem_statement/problem.de.tex"),
                entry("en", StatementFormat::Latex, "problem_statement/problem.tex"),
            ]
        );
        // A name in one language makes that the default language.
        let swedish = ProblemName::ByLanguage(BTreeMap::from([("sv".to_owned(), "Hej".to_owned())]));
        assert_eq!(
            read(&[("problem_statement/problem.md", "x")], &swedish),
            [entry(
                "sv",
                StatementFormat::Markdown,
                "problem_statement/problem.md"
            )]
        );
    }

    #[test]
    fn within_a_language_markdown_beats_latex_beats_pdf_and_a_named_file_beats_a_bare_one() {
        let found = read(
            &[
                ("problem_statement/problem.en.tex", "tex"),
                ("statement/problem.en.pdf", "pdf"),
                ("problem_statement/problem.en.md", "named"),
                ("statement/problem.md", "bare"),
            ],
            &single(),
        );
        assert_eq!(
            found,
            [entry(
                "en",
                StatementFormat::Markdown,
                "problem_statement/problem.en.md"
            )]
        );
        let found = read(
            &[
                ("statement/problem.en.md", "new"),
                ("problem_statement/problem.en.md", "old"),
            ],
            &single(),
        );
        assert_eq!(
            found,
            [entry("en", StatementFormat::Markdown, "statement/problem.en.md")]
        );
    }

    #[test]
    fn a_package_without_statement_files_has_no_statements_and_sources_are_read() {
        assert!(read(&[("statement/figure.png", "png")], &single()).is_empty());
        let dir = package(&[
            ("statement/problem.en.md", "# Hello\n"),
            ("statement/problem.sv.pdf", "%PDF"),
        ]);
        let statements = read_statements(dir.path(), &single()).expect("read");
        assert_eq!(statements[0].source, "# Hello\n");
        assert_eq!(statements[1].source, "", "a PDF has no text source");
    }

    #[test]
    fn a_statement_that_is_too_large_or_not_utf8_is_refused_naming_it() {
        let big = "x".repeat(MAX_STATEMENT_SOURCE_BYTES as usize + 1);
        let dir = package(&[("statement/problem.en.md", &big)]);
        let err = read_statements(dir.path(), &single()).expect_err("too large");
        assert!(err.to_string().contains("statement/problem.en.md"), "{err}");
        assert!(matches!(err, PackageError::StatementTooLarge { .. }));

        let dir = package(&[]);
        fs::create_dir_all(dir.path().join("statement")).expect("mkdir");
        fs::write(dir.path().join("statement/problem.sv.tex"), [0xff, 0xfe]).expect("write");
        let err = read_statements(dir.path(), &single()).expect_err("not utf8");
        assert!(matches!(err, PackageError::NotUtf8 { .. }), "{err}");
    }

    #[test]
    fn language_codes_are_recognised() {
        for code in ["en", "sv", "pt-BR", "zh-Hant", "fil"] {
            assert!(is_language_code(code), "{code}");
        }
        for code in ["", "e", "EN", "english", "en-", "en_US", "../x"] {
            assert!(!is_language_code(code), "{code}");
        }
    }
}
