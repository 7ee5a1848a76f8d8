//! The language table: how each supported language is compiled and run, and in which image.
//!
//! The table is `judge-images/languages.toml`, compiled into the binary so that a deployed
//! `coderank` and the languages it offers never disagree. Language ids are part of the API and
//! the CLI (`--lang cpp`), so they are validated newtypes.

use std::{collections::BTreeSet, fmt};

use serde::{Deserialize, Serialize};

/// The table as shipped in this binary.
pub const BUILTIN_TABLE: &str = include_str!("../../judge-images/languages.toml");

/// The image every language image is built `FROM`, besides the Debian base.
pub const BASE_IMAGE: &str = "coderank-judge-base:1";

/// A language id: 1 to 32 characters of lowercase ASCII letters, digits, `_` and `-`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LanguageId(String);

impl LanguageId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for LanguageId {
    type Error = LanguageError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        let valid = (1..=32).contains(&value.len())
            && value
                .bytes()
                .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'_' | b'-'));
        if valid {
            Ok(Self(value))
        } else {
            Err(LanguageError::InvalidId(value))
        }
    }
}

impl From<LanguageId> for String {
    fn from(id: LanguageId) -> Self {
        id.0
    }
}

impl fmt::Display for LanguageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One row of the table. Commands are argv lists run without a shell in `/work`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Language {
    pub id: LanguageId,
    /// Shown to users, e.g. "C++20 (GCC 12)".
    pub name: String,
    /// File extensions, without the dot, that select this language.
    pub extensions: Vec<String>,
    /// Docker image tag that holds the toolchain.
    pub image: String,
    /// Name the submitted source is saved as inside the container.
    pub source_file: String,
    /// Compile step; absent for languages that need none.
    #[serde(default)]
    pub compile: Option<Vec<String>>,
    /// The compile step only checks the sources (an interpreter's syntax check) and builds
    /// nothing the run needs: it runs within the tests' memory limit, which the run (parsing
    /// the same sources) needs anyway, so the sandbox is made at the tests' size and never
    /// resized between the compile and the tests.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub check_only: bool,
    pub run: Vec<String>,
    /// Prints the compiler or interpreter version (on stdout or stderr).
    pub version: Vec<String>,
    /// How a folder of files is compiled and run; absent: single files only.
    #[serde(default)]
    pub files: Option<FileRules>,
    /// System calls this language needs beyond CodeRank's seccomp profile
    /// (`judge-images/seccomp.json`); see `judge::seccomp`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub seccomp_allow: Vec<String>,
}

/// The `[languages.files]` table: how a folder submission is compiled and run (README
/// "Multi-file submissions").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileRules {
    /// Extensions of the files that are compiled; the other files (headers, data) are only
    /// copied alongside.
    pub sources: Vec<String>,
    /// When present, one source is the program's entry: `main.EXT`, else the only source, else
    /// the only source with a line starting with one of these. Absent: the sources are compiled
    /// together and the compiler finds the entry.
    #[serde(default)]
    pub entry: Option<Vec<String>>,
    /// Compile step, with `{sources}` (an argument of its own) standing for every source and
    /// `{entry}` for the entry file; absent for languages that need none.
    #[serde(default)]
    pub compile: Option<Vec<String>>,
    /// Run step with `{entry}`; absent: the row's `run`.
    #[serde(default)]
    pub run: Option<Vec<String>>,
}

impl Language {
    /// The folder under `judge-images/` whose Dockerfile builds this language's image:
    /// `coderank-judge-c-cpp:1` is built from `judge-images/c-cpp`.
    pub fn image_family(&self) -> Option<&str> {
        image_family(&self.image)
    }
}

/// The `judge-images/` folder of an image tag named `coderank-judge-FAMILY:VERSION`.
pub fn image_family(image: &str) -> Option<&str> {
    let name = image.split(':').next()?;
    name.strip_prefix("coderank-judge-")
        .filter(|family| !family.is_empty())
}

#[derive(Debug, thiserror::Error)]
pub enum LanguageError {
    #[error("invalid language id {0:?}: use 1 to 32 of a-z, 0-9, '_' and '-'")]
    InvalidId(String),
    #[error("the language table is malformed: {0}")]
    Malformed(String),
    #[error("language {0:?} appears twice in the table")]
    Duplicate(String),
    #[error("language {id:?}: {problem}")]
    Incomplete { id: String, problem: &'static str },
    #[error("unknown language {given:?}; known: {known}")]
    Unknown { given: String, known: String },
    #[error("no language uses the extension {0:?}; pass --lang")]
    UnknownExtension(String),
}

/// Every language CodeRank can judge, in table order.
#[derive(Debug, Clone)]
pub struct Languages {
    list: Vec<Language>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    languages: Vec<Language>,
}

impl Languages {
    /// The table compiled into this binary, parsed once for the whole process. A table that
    /// does not parse is caught by the unit tests, so this cannot fail in a built binary; should
    /// it, the table is empty (every language unknown) and the error is logged.
    pub fn table() -> &'static Languages {
        static TABLE: std::sync::OnceLock<Languages> = std::sync::OnceLock::new();
        TABLE.get_or_init(|| {
            Self::parse(BUILTIN_TABLE).unwrap_or_else(|err| {
                tracing::error!(error = %err, "judge-images/languages.toml does not parse");
                Self { list: Vec::new() }
            })
        })
    }

    /// The table compiled into this binary, parsed afresh (for its tests).
    pub fn builtin() -> Result<Self, LanguageError> {
        Self::parse(BUILTIN_TABLE)
    }

    pub fn parse(text: &str) -> Result<Self, LanguageError> {
        let table: Table = toml::from_str(text).map_err(|err| LanguageError::Malformed(err.to_string()))?;
        let mut seen = BTreeSet::new();
        for language in &table.languages {
            let id = language.id.as_str();
            if !seen.insert(id) {
                return Err(LanguageError::Duplicate(id.to_owned()));
            }
            let incomplete = |problem| {
                Err(LanguageError::Incomplete {
                    id: id.to_owned(),
                    problem,
                })
            };
            if language.run.is_empty() || language.version.is_empty() {
                return incomplete("run and version must be non-empty commands");
            }
            if language.compile.as_ref().is_some_and(Vec::is_empty) {
                return incomplete("compile, when present, must be a non-empty command");
            }
            if language.image_family().is_none() {
                return incomplete("image must be named coderank-judge-FAMILY:VERSION");
            }
            if let Some(rules) = &language.files {
                if rules.sources.is_empty() || rules.compile.as_ref().is_some_and(Vec::is_empty) {
                    return incomplete("files needs sources, and compile, when present, must be non-empty");
                }
                let commands = rules.compile.iter().chain(&rules.run);
                let uses_entry = commands.flatten().any(|arg| arg.contains("{entry}"));
                if uses_entry && rules.entry.is_none() {
                    return incomplete("files uses {entry} but says no entry (files.entry)");
                }
            }
            let plain_name = !language.source_file.is_empty()
                && !language.source_file.contains('/')
                && !language.source_file.starts_with('.');
            if !plain_name {
                return incomplete("source_file must be a plain file name");
            }
            if language.seccomp_allow.iter().any(|name| !is_syscall_name(name)) {
                return incomplete("seccomp_allow must list system call names");
            }
        }
        Ok(Self {
            list: table.languages,
        })
    }

    pub fn iter(&self) -> impl Iterator<Item = &Language> {
        self.list.iter()
    }

    pub fn get(&self, id: &str) -> Result<&Language, LanguageError> {
        self.list
            .iter()
            .find(|language| language.id.as_str() == id)
            .ok_or_else(|| LanguageError::Unknown {
                given: id.to_owned(),
                known: self.ids().join(", "),
            })
    }

    /// The first language in table order that claims the extension (so `.py` is CPython).
    pub fn by_extension(&self, extension: &str) -> Result<&Language, LanguageError> {
        let extension = extension.trim_start_matches('.').to_ascii_lowercase();
        self.list
            .iter()
            .find(|language| language.extensions.contains(&extension))
            .ok_or(LanguageError::UnknownExtension(extension))
    }

    /// The language of a source file: from its extension, unless the name right before the
    /// extension is a language id that also takes that extension, which picks that language
    /// (`sol.pypy3.py` is PyPy, `sol.py` CPython).
    pub fn for_path(&self, path: &std::path::Path) -> Result<&Language, LanguageError> {
        let extension = path.extension().and_then(|e| e.to_str()).unwrap_or_default();
        let named = path
            .file_stem()
            .map(std::path::Path::new)
            .and_then(|stem| stem.extension())
            .and_then(|id| id.to_str())
            .and_then(|id| self.get(id).ok())
            .filter(|language| {
                language
                    .extensions
                    .iter()
                    .any(|e| e.eq_ignore_ascii_case(extension))
            });
        match named {
            Some(language) => Ok(language),
            None => self.by_extension(extension),
        }
    }

    pub fn ids(&self) -> Vec<&str> {
        self.list.iter().map(|language| language.id.as_str()).collect()
    }

    /// The image tags the table needs, each once, in table order.
    pub fn images(&self) -> Vec<&str> {
        let mut seen = BTreeSet::new();
        self.list
            .iter()
            .map(|l| l.image.as_str())
            .filter(|image| seen.insert(*image))
            .collect()
    }
}

/// Whether `name` looks like a system call name (lower-case letters, digits, underscores).
fn is_syscall_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

#[cfg(test)]
mod tests;
