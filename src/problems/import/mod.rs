//! Importing a problem package (a zip, or a directory) into rows and objects, all or nothing.
//!
//! A zip is unpacked into a temporary directory first, refusing what could escape it or
//! exhaust the disk: entry names that are not UTF-8, absolute or with `..`, symlinks, files over
//! the per-file cap, and more unpacked bytes in total than the package cap (the sizes written in
//! a zip are not trusted: reading stops at the cap). The directory is then read by
//! [`ProblemPackage::load`], which checks the format (`.in` without `.ans`, unknown validator
//! flags, …); LaTeX statements are rendered by pandoc (refused if they cannot be). Finally one transaction uploads the objects and inserts the rows; if anything
//! fails, nothing is committed and the objects this import created are deleted again.

use std::path::Path;

use bytes::Bytes;

use sqlx::PgPool;
use uuid::Uuid;

mod save;
mod stage;
mod unpack;

pub use unpack::tests_from_zip;

use super::{
    fields::{FieldError, Slug, TimeLimitMs},
    records::Problem,
    statements::{
        latex::{self, RenderError},
        StatementRow,
    },
};
use crate::{config::ProblemsConfig, judge::package::StatementFormat, storage::SharedStore};

/// Why an import failed. Each message names the file or setting at fault.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The upload is not a readable zip.
    #[error("{0}")]
    Malformed(String),
    /// The package breaks the format or a safety rule.
    #[error("{0}")]
    Invalid(String),
    /// A file, or the whole package, is over its cap.
    #[error("{0}")]
    TooLarge(String),
    /// Another problem has the slug.
    #[error("a problem with the slug {0:?} already exists")]
    SlugTaken(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

// Faults of the database, the staging disk or a blocking task are the server's, never the
// package's: each becomes `ImportError::Internal`.
internal_from!(ImportError: sqlx::Error, std::io::Error, tokio::task::JoinError);

/// What the importer decides beyond the package itself.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// The slug; by default made from the package's folder name, else its title.
    pub slug: Option<String>,
    /// Publish at once.
    pub publish: bool,
    /// The admin importing it.
    pub author: Option<Uuid>,
    /// A time limit found before importing (`coderank problem import` derives it, or takes
    /// `--time-limit`); wins over the package's. Without one, a package that gives none is
    /// saved without a limit, unpublished, and its derivation queued for the workers.
    pub time_limit: Option<KnownTimeLimit>,
}

/// A time limit and how it was found.
#[derive(Debug, Clone)]
pub struct KnownTimeLimit {
    pub limit: TimeLimitMs,
    /// E.g. `derived: slowest accepted 0.42 s (accepted/sol.py) × 5 → 3 s`.
    pub source: String,
}

/// Unpacks `zip` safely and imports the package in it.
pub async fn import_zip(
    db: &PgPool,
    store: &SharedStore,
    limits: &ProblemsConfig,
    zip: Bytes,
    options: ImportOptions,
) -> Result<Problem, ImportError> {
    let scratch = tempfile::tempdir()?;
    let target = scratch.path().to_path_buf();
    let limits_copy = limits.clone();
    let root = tokio::task::spawn_blocking(move || unpack::unpack(&zip, &target, &limits_copy)).await??;
    // Files at the top of the zip have no folder to name the problem: the scratch directory's
    // random name must not become the slug.
    let folder = if root == scratch.path() {
        None
    } else {
        folder_name(&root)
    };
    import_root(db, store, limits, &root, folder, options).await
}

/// Unpacks `zip` safely into `dest` (as [`import_zip`] does) and answers the package's root,
/// for reading a package before importing it.
pub fn unpack_zip(
    zip: &[u8],
    dest: &Path,
    limits: &ProblemsConfig,
) -> Result<std::path::PathBuf, ImportError> {
    unpack::unpack(zip, dest, limits)
}

/// Imports the package in directory `root`.
pub async fn import_dir(
    db: &PgPool,
    store: &SharedStore,
    limits: &ProblemsConfig,
    root: &Path,
    options: ImportOptions,
) -> Result<Problem, ImportError> {
    import_root(db, store, limits, root, folder_name(root), options).await
}

fn folder_name(root: &Path) -> Option<String> {
    root.file_name().map(|name| name.to_string_lossy().into_owned())
}

/// Imports the package in `root`; without a slug in `options`, the slug is made from `folder`,
/// else from the title.
async fn import_root(
    db: &PgPool,
    store: &SharedStore,
    limits: &ProblemsConfig,
    root: &Path,
    folder: Option<String>,
    options: ImportOptions,
) -> Result<Problem, ImportError> {
    let root_owned = root.to_path_buf();
    let limits_copy = limits.clone();
    let given = options.time_limit.clone();
    let staged = tokio::task::spawn_blocking(move || stage::stage(&root_owned, &limits_copy, given.as_ref()))
        .await??;
    let slug = match options.slug.as_deref() {
        Some(slug) => Slug::parse(slug)
            .map_err(|err: FieldError| ImportError::Invalid(format!("{err} (not {slug:?})")))?,
        None => folder
            .as_deref()
            .and_then(Slug::from_name)
            .or_else(|| Slug::from_name(staged.title.as_str()))
            .ok_or_else(|| {
                ImportError::Invalid(
                    "cannot make a slug from the package's folder or title: give one with slug=".to_owned(),
                )
            })?,
    };
    let statements = render(&staged.statements).await?;
    save::save(db, store, staged, &statements, &slug, &options).await
}

/// The statement rows to store: LaTeX rendered by pandoc, or the import refused naming the
/// file that could not be.
async fn render(staged: &[stage::StagedStatement]) -> Result<Vec<StatementRow>, ImportError> {
    let mut rows = Vec::with_capacity(staged.len());
    for statement in staged {
        let html = match statement.format {
            StatementFormat::Latex => {
                Some(latex::to_html(&statement.source).await.map_err(|err| match err {
                    RenderError::Refused(reason) => ImportError::Invalid(format!(
                        "{}: cannot render this LaTeX statement: {reason}",
                        statement.path
                    )),
                    RenderError::Unavailable(_) => ImportError::Internal(anyhow::Error::new(err)),
                })?)
            }
            StatementFormat::Markdown | StatementFormat::Pdf => None,
        };
        rows.push(StatementRow {
            language: statement.language.clone(),
            title: statement.title.as_str().to_owned(),
            format: statement.format.as_str().to_owned(),
            path: statement.path.clone(),
            source: statement.source.clone(),
            html,
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    use stage::keywords;

    #[test]
    fn keywords_are_read_in_both_formats() {
        assert_eq!(keywords("keywords: graphs  dp"), ["graphs", "dp"]);
        assert_eq!(keywords("keywords: [graphs, dp]"), ["graphs", "dp"]);
        assert!(keywords("name: x").is_empty());
        assert!(keywords(": not yaml [").is_empty());
    }
}
