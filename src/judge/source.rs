//! A submission's code: one file, or a folder of files (the ICPC package format allows both
//! under `submissions/<verdict>/`), and how it becomes the files, compile command and run
//! command of a sandbox. README "Multi-file submissions" states the rules; the per-language
//! parts are the `[languages.files]` tables of `judge-images/languages.toml`.

use std::{
    fs,
    path::{Component, Path},
};

use super::languages::{FileRules, Language, LanguageError, Languages};

/// Most files a folder submission may hold.
pub const MAX_FILES: usize = 100;
/// Most bytes all files of a folder submission may hold together.
pub const MAX_TOTAL_BYTES: u64 = 10 << 20;
/// Deepest folder nesting of a folder submission.
pub const MAX_DEPTH: usize = 8;

/// One file of a folder submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Its path relative to the folder, `/`-separated, every part a plain name.
    pub name: String,
    pub body: Vec<u8>,
}

/// The code of a submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// One file, saved as the language's `source_file` and compiled and run as its row says.
    File { name: String, body: Vec<u8> },
    /// A folder: every file keeps its relative name inside `/work`.
    Folder(Vec<SourceFile>),
}

#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("cannot read {path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("{path}: symbolic links are not allowed in a submission folder")]
    Symlink { path: String },
    #[error("{path}: not a regular file or folder")]
    Special { path: String },
    #[error(
        "{path}: {name:?} is not a plain file name (no absolute paths, `..`, or names starting with `.`)"
    )]
    BadName { path: String, name: String },
    #[error("{path}: more than {MAX_FILES} files")]
    TooManyFiles { path: String },
    #[error("{path}: more than {} MiB in all", MAX_TOTAL_BYTES >> 20)]
    TooLarge { path: String },
    #[error("{path}: folders nested deeper than {MAX_DEPTH}")]
    TooDeep { path: String },
    #[error("{path}: the folder holds no file")]
    Empty { path: String },
    #[error("no file in a known language among {files}; pass --lang")]
    NoLanguage { files: String },
    #[error("the files disagree on the language ({found}); pass --lang")]
    MixedLanguages { found: String },
    #[error("{language} takes single files only, not a folder")]
    SingleFileOnly { language: String },
    #[error("no {language} source (.{extensions}) among {files}")]
    NoSources {
        language: String,
        extensions: String,
        files: String,
    },
    #[error("cannot tell which {language} file is the program: name it main.{extension}, or have exactly one file with a line starting with {idioms} (found {found})")]
    NoEntry {
        language: String,
        extension: String,
        idioms: String,
        found: String,
    },
    #[error(transparent)]
    Language(#[from] LanguageError),
}

/// What goes into the sandbox: files for `/work`, then the commands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Build<'a> {
    /// (relative name inside `/work`, content).
    pub files: Vec<(&'a str, &'a [u8])>,
    pub compile: Option<Vec<String>>,
    pub run: Vec<String>,
}

impl Source {
    /// One file as given, for callers that hold the code in memory.
    pub fn file(name: &str, body: impl Into<Vec<u8>>) -> Self {
        Self::File {
            name: name.to_owned(),
            body: body.into(),
        }
    }

    /// Reads a file (following a symlink, as any file argument) or a folder, whose hidden
    /// entries are skipped and whose other contents may hold no symlink, special file, name
    /// that is not plain, or more than the limits above.
    pub fn read(path: &Path) -> Result<Self, SourceError> {
        let shown = path.display().to_string();
        let io = |source| SourceError::Io {
            path: shown.clone(),
            source,
        };
        if !fs::metadata(path).map_err(io)?.is_dir() {
            let name = path
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default();
            return Ok(Self::File {
                name,
                body: fs::read(path).map_err(io)?,
            });
        }
        let mut files = Vec::new();
        let mut total = 0;
        read_folder(path, "", 0, &mut files, &mut total)?;
        if files.is_empty() {
            return Err(SourceError::Empty { path: shown });
        }
        files.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(Self::Folder(files))
    }

    /// The language its file names say: the extension of a single file (see
    /// [`Languages::for_path`]); for a folder, that of every file in a known language, which
    /// must agree (headers and other files are ignored).
    pub fn language<'t>(&self, table: &'t Languages) -> Result<&'t Language, SourceError> {
        let files = match self {
            Self::File { name, .. } => return Ok(table.for_path(Path::new(name))?),
            Self::Folder(files) => files,
        };
        let mut found: Vec<(&str, &Language)> = Vec::new();
        for file in files {
            if let Ok(language) = table.for_path(Path::new(&file.name)) {
                if !found.iter().any(|(_, seen)| seen.id == language.id) {
                    found.push((&file.name, language));
                }
            }
        }
        match found.as_slice() {
            [] => Err(SourceError::NoLanguage {
                files: names(files.iter()),
            }),
            [(_, language)] => Ok(language),
            several => Err(SourceError::MixedLanguages {
                found: several
                    .iter()
                    .map(|(name, language)| format!("{name} is {}", language.id))
                    .collect::<Vec<_>>()
                    .join(", "),
            }),
        }
    }

    /// The files, compile command and run command for `language`.
    pub fn build<'s>(&'s self, language: &'s Language) -> Result<Build<'s>, SourceError> {
        let files = match self {
            Self::File { body, .. } => {
                return Ok(Build {
                    files: vec![(language.source_file.as_str(), body.as_slice())],
                    compile: language.compile.clone(),
                    run: language.run.clone(),
                })
            }
            Self::Folder(files) => files,
        };
        let rules = language
            .files
            .as_ref()
            .ok_or_else(|| SourceError::SingleFileOnly {
                language: language.id.to_string(),
            })?;
        let sources: Vec<&SourceFile> = files
            .iter()
            .filter(|file| rules.sources.iter().any(|ext| has_extension(&file.name, ext)))
            .collect();
        if sources.is_empty() {
            return Err(SourceError::NoSources {
                language: language.id.to_string(),
                extensions: rules.sources.join(", ."),
                files: names(files.iter()),
            });
        }
        let entry = match &rules.entry {
            None => "",
            Some(idioms) => entry_file(language, rules, idioms, &sources)?,
        };
        let source_names: Vec<&str> = sources.iter().map(|file| file.name.as_str()).collect();
        Ok(Build {
            files: files
                .iter()
                .map(|file| (file.name.as_str(), file.body.as_slice()))
                .collect(),
            compile: rules
                .compile
                .as_ref()
                .map(|template| expand(template, &source_names, entry)),
            run: expand(rules.run.as_ref().unwrap_or(&language.run), &source_names, entry),
        })
    }
}

/// The entry file: the top-level source named `main.EXT` (any case), else the only source,
/// else the only source with a line starting (after indentation) with one of `idioms`.
fn entry_file<'s>(
    language: &Language,
    rules: &FileRules,
    idioms: &[String],
    sources: &[&'s SourceFile],
) -> Result<&'s str, SourceError> {
    let is_main = |file: &&&SourceFile| {
        !file.name.contains('/')
            && file
                .name
                .split('.')
                .next()
                .is_some_and(|stem| stem.eq_ignore_ascii_case("main"))
    };
    if let Some(main) = sources.iter().find(is_main) {
        return Ok(&main.name);
    }
    if let [only] = sources {
        return Ok(&only.name);
    }
    let marked: Vec<&&SourceFile> = sources
        .iter()
        .filter(|file| {
            String::from_utf8_lossy(&file.body).lines().any(|line| {
                idioms
                    .iter()
                    .any(|idiom| line.trim_start().starts_with(idiom.as_str()))
            })
        })
        .collect();
    match marked.as_slice() {
        [only] => Ok(&only.name),
        found => Err(SourceError::NoEntry {
            language: language.id.to_string(),
            extension: rules.sources.first().cloned().unwrap_or_default(),
            idioms: idioms
                .iter()
                .map(|idiom| format!("`{idiom}`"))
                .collect::<Vec<_>>()
                .join(" or "),
            found: if found.is_empty() {
                "none".to_owned()
            } else {
                names(found.iter().map(|file| **file))
            },
        }),
    }
}

/// A command of the table with `{sources}` (an argument of its own) replaced by every source
/// file and `{entry}` by the entry file.
fn expand(template: &[String], sources: &[&str], entry: &str) -> Vec<String> {
    let mut argv = Vec::new();
    for arg in template {
        if arg == "{sources}" {
            argv.extend(sources.iter().map(|name| (*name).to_owned()));
        } else {
            argv.push(arg.replace("{entry}", entry));
        }
    }
    argv
}

fn has_extension(name: &str, extension: &str) -> bool {
    Path::new(name)
        .extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case(extension))
}

fn names<'f>(files: impl Iterator<Item = &'f SourceFile>) -> String {
    files
        .map(|file| file.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether `name` is one plain component: not empty, `.`, `..` or hidden, no separator.
fn is_plain(name: &str) -> bool {
    let mut components = Path::new(name).components();
    matches!(components.next(), Some(Component::Normal(_)))
        && components.next().is_none()
        && !name.starts_with('.')
        && !name.contains(['/', '\\', '\0'])
}

fn read_folder(
    dir: &Path,
    prefix: &str,
    depth: usize,
    files: &mut Vec<SourceFile>,
    total: &mut u64,
) -> Result<(), SourceError> {
    let shown = |path: &Path| path.display().to_string();
    if depth > MAX_DEPTH {
        return Err(SourceError::TooDeep { path: shown(dir) });
    }
    let io = |path: &Path| {
        let path = shown(path);
        move |source| SourceError::Io { path, source }
    };
    for entry in fs::read_dir(dir).map_err(io(dir))? {
        let entry = entry.map_err(io(dir))?;
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        // Hidden entries (.git, .DS_Store) are not part of a submission, as everywhere in a
        // package; nor can they then clash with the judge's own hidden files in /work.
        if name.starts_with('.') {
            continue;
        }
        if !is_plain(&name) {
            return Err(SourceError::BadName {
                path: shown(&path),
                name,
            });
        }
        let relative = format!("{prefix}{name}");
        let kind = entry.file_type().map_err(io(&path))?;
        if kind.is_symlink() {
            return Err(SourceError::Symlink { path: shown(&path) });
        } else if kind.is_dir() {
            read_folder(&path, &format!("{relative}/"), depth + 1, files, total)?;
        } else if kind.is_file() {
            if files.len() == MAX_FILES {
                return Err(SourceError::TooManyFiles { path: shown(dir) });
            }
            *total += entry.metadata().map_err(io(&path))?.len();
            if *total > MAX_TOTAL_BYTES {
                return Err(SourceError::TooLarge { path: shown(dir) });
            }
            let body = fs::read(&path).map_err(io(&path))?;
            files.push(SourceFile { name: relative, body });
        } else {
            return Err(SourceError::Special { path: shown(&path) });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
