//! A problem's statements: one per language, as read from the package at import
//! ([`crate::judge::package::statement`]), stored as rows of `problem_statements`, shown by the
//! API and the problem page; and the files beside them (images, PDFs, `attachments/`), served
//! to whoever may see the problem.
//!
//! - Markdown is stored as source and rendered when shown (`web::markdown`).
//! - LaTeX is rendered by pandoc at import ([`latex`]); a statement pandoc cannot render
//!   refuses the import, so contestants never see LaTeX source. Its HTML passes [`html`]'s
//!   sanitizer each time it is shown, which also points its images at the served files.
//! - A PDF is offered as a download.
//!
//! The statement admins edit (`problems.statement`) is the row whose `path` is the problem's
//! `statement_path`; its other languages are edited by importing the package again.

pub mod html;
pub mod latex;

use std::path::PathBuf;

use serde::Serialize;
use sqlx::{PgExecutor, PgPool};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{cache::TestDataCache, records::Problem};
use crate::judge::package::statement::STATEMENT_FOLDERS;

/// A file next to the statement (an image, a PDF) or in `attachments/` larger than this is
/// refused at import.
pub const MAX_STATEMENT_FILE_BYTES: u64 = 16 << 20;

/// Where a package keeps files for contestants that are not part of the statement's text.
pub const ATTACHMENTS_FOLDER: &str = "attachments";

/// One language's statement as stored.
#[derive(Debug, Clone)]
pub struct StatementRow {
    pub language: String,
    pub title: String,
    /// `markdown`, `latex` or `pdf`.
    pub format: String,
    /// The source file's path in the package.
    pub path: String,
    pub source: String,
    /// pandoc's HTML of a LaTeX statement, unsanitized.
    pub html: Option<String>,
}

/// One language's statement, as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct LocalizedStatement {
    /// Language code, e.g. `en`, `sv`.
    pub language: String,
    /// The problem's name in this language.
    pub title: String,
    /// `markdown`, `latex` (shown as `html`) or `pdf` (a download at `pdf_url`).
    pub format: String,
    /// The Markdown source of a Markdown statement; relative image paths resolve under
    /// `files_url`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub markdown: Option<String>,
    /// A LaTeX statement rendered to HTML (math as MathML) and sanitized, images pointing at
    /// `files_url`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub html: Option<String>,
    /// Where a PDF statement is served.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pdf_url: Option<String>,
    /// The URL under which the statement's images and other files are served.
    pub files_url: String,
}

#[tracing::instrument(skip(db))]
pub async fn rows(db: impl PgExecutor<'_>, problem_id: Uuid) -> sqlx::Result<Vec<StatementRow>> {
    sqlx::query_as!(
        StatementRow,
        "SELECT language, title, format, path, source, html FROM problem_statements
         WHERE problem_id = $1 ORDER BY language",
        problem_id
    )
    .fetch_all(db)
    .await
}

#[tracing::instrument(skip_all)]
pub async fn insert(db: impl PgExecutor<'_>, problem_id: Uuid, row: &StatementRow) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO problem_statements (problem_id, language, title, format, path, source, html)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        problem_id,
        row.language,
        row.title,
        row.format,
        row.path,
        row.source,
        row.html,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// After an admin edits the statement in `problems.statement`: the row of that file follows.
#[tracing::instrument(skip_all)]
pub async fn edited(
    db: impl PgExecutor<'_>,
    problem: &Problem,
    source: &str,
    html: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE problem_statements SET source = $3, html = $4 WHERE problem_id = $1 AND path = $2",
        problem.id,
        problem.statement_path,
        source,
        html,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// What to store for an admin's edit `source` of the statement in `problems.statement`: for a
/// LaTeX statement, pandoc's HTML of it ([`latex::RenderError::Refused`] naming the file if
/// pandoc cannot render it); `None` for Markdown, rendered when shown.
pub async fn render_edit(problem: &Problem, source: &str) -> Result<Option<String>, latex::RenderError> {
    if problem.statement_format != "latex" {
        return Ok(None);
    }
    match latex::to_html(source).await {
        Ok(html) => Ok(Some(html)),
        Err(latex::RenderError::Refused(reason)) => Err(latex::RenderError::Refused(format!(
            "{}: cannot render this LaTeX statement: {reason}",
            problem.statement_path
        ))),
        Err(err) => Err(err),
    }
}

/// The statements of `problem` in every language, its files served under `files_base`
/// (`…/problems/{slug}`). A problem made through the API, or imported before statements were
/// stored per language, has one: `problems.statement` in English.
pub async fn localized(
    db: &PgPool,
    problem: &Problem,
    files_base: &str,
) -> sqlx::Result<Vec<LocalizedStatement>> {
    let mut rows = rows(db, problem.id).await?;
    if rows.is_empty() {
        rows.push(StatementRow {
            language: "en".to_owned(),
            title: problem.title.clone(),
            format: problem.statement_format.clone(),
            path: problem.statement_path.clone(),
            source: problem.statement.clone(),
            html: None,
        });
    }
    let files_url = format!("{files_base}/statement");
    Ok(rows
        .into_iter()
        .map(|row| {
            // The edited text is the row of the problem, which the statement row follows.
            let source = if row.path == problem.statement_path {
                problem.statement.clone()
            } else {
                row.source
            };
            let file_name = row.path.rsplit('/').next().unwrap_or_default();
            LocalizedStatement {
                markdown: (row.format == "markdown").then_some(source),
                html: match row.format.as_str() {
                    "latex" => Some(match &row.html {
                        Some(html) => html::sanitize(html, &files_url),
                        None => "<p>This LaTeX statement has not been rendered: an admin must import the package again.</p>".to_owned(),
                    }),
                    _ => None,
                },
                pdf_url: (row.format == "pdf").then(|| format!("{files_url}/{file_name}")),
                files_url: files_url.clone(),
                language: row.language,
                title: row.title,
                format: row.format,
            }
        })
        .collect())
}

/// Which of the problem's files a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Folder {
    /// `…/statement/{name}`: an image or PDF in `statement/` or `problem_statement/`.
    Statement,
    /// `…/attachments/{name}`: a file of `attachments/`.
    Attachments,
}

/// A served file: where the cache keeps it, and how to answer with it.
#[derive(Debug)]
pub struct ServedFile {
    pub path: PathBuf,
    pub content_type: &'static str,
    /// Offered for download rather than shown (anything not an image, a PDF or text).
    pub download: bool,
    pub name: String,
}

/// Image (and PDF) types shown in the page; the rest of a statement folder (its LaTeX and
/// Markdown sources, macros) is not served.
const SHOWN: &[(&str, &str)] = &[
    ("png", "image/png"),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("gif", "image/gif"),
    ("svg", "image/svg+xml"),
    ("webp", "image/webp"),
    ("pdf", "application/pdf"),
];

/// Extensions tried for `\includegraphics{circle}`, which names an image without one.
const IMPLIED: &[&str] = &["png", "jpg", "jpeg", "svg", "gif", "pdf"];

/// The file `name` of `folder` of `problem`, if it has one that is served (the caller has
/// checked that its audience may see the problem: `view::statement_file`).
pub async fn file(
    db: &PgPool,
    cache: &TestDataCache,
    problem: &Problem,
    folder: Folder,
    name: &str,
) -> anyhow::Result<Option<ServedFile>> {
    let plain = !name.is_empty() && !name.starts_with('.') && !name.contains(['/', '\\']);
    if !plain {
        return Ok(None);
    }
    let names: Vec<String> = if name.contains('.') || folder == Folder::Attachments {
        vec![name.to_owned()]
    } else {
        IMPLIED
            .iter()
            .map(|extension| format!("{name}.{extension}"))
            .collect()
    };
    let folders: &[&str] = match folder {
        Folder::Statement => &STATEMENT_FOLDERS,
        Folder::Attachments => &[ATTACHMENTS_FOLDER],
    };
    let mut candidates = Vec::new();
    for folder_name in folders {
        for name in &names {
            candidates.push(format!("{folder_name}/{name}"));
        }
    }
    let found = sqlx::query!(
        "SELECT path, sha256 FROM problem_files WHERE problem_id = $1 AND path = ANY($2)",
        problem.id,
        &candidates
    )
    .fetch_all(db)
    .await?;
    let Some((path, sha)) = candidates.iter().find_map(|candidate| {
        found
            .iter()
            .find(|row| &row.path == candidate)
            .map(|row| (row.path.clone(), row.sha256.clone()))
    }) else {
        return Ok(None);
    };
    let file_name = path.rsplit('/').next().unwrap_or_default().to_owned();
    let extension = file_name
        .rsplit_once('.')
        .map(|(_, extension)| extension.to_ascii_lowercase())
        .unwrap_or_default();
    let shown = SHOWN
        .iter()
        .find(|(known, _)| *known == extension)
        .map(|(_, kind)| *kind);
    let (content_type, download) = match (folder, shown) {
        (_, Some(kind)) => (kind, false),
        (Folder::Attachments, None) if extension == "txt" => ("text/plain; charset=utf-8", false),
        (Folder::Attachments, None) => ("application/octet-stream", true),
        (Folder::Statement, None) => return Ok(None),
    };
    Ok(Some(ServedFile {
        path: cache.get(&sha).await?,
        content_type,
        download,
        name: file_name,
    }))
}

/// Whether `path` (in the package) is served to contestants, so is held to
/// [`MAX_STATEMENT_FILE_BYTES`] at import.
pub fn is_served(path: &str) -> bool {
    path.split_once('/').is_some_and(|(folder, rest)| {
        (STATEMENT_FOLDERS.contains(&folder) || folder == ATTACHMENTS_FOLDER) && !rest.contains('/')
    })
}
