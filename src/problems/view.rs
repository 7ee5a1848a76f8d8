//! What a user may see of the problem set: the listing and one problem with its samples, the
//! same for the API and the web pages. Unpublished and archived problems are seen by admins
//! only; users get samples, never secret data.

use std::collections::HashSet;

use serde::Serialize;
use sqlx::PgPool;
use utoipa::ToSchema;

use super::{
    cache::TestDataCache,
    fields::TestKind,
    records::{self, Problem},
    statements::{self, latex::RenderError, Folder, LocalizedStatement, ServedFile},
};

/// Where the API serves a problem's statement files (`{API_PROBLEMS}/{slug}/statement/…`).
pub const API_PROBLEMS: &str = "/api/v1/problems";

/// How much of a sample is shown.
const SAMPLE_SHOWN_BYTES: usize = 64 * 1024;

/// Why a view could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ViewError {
    #[error("no problem {0:?}")]
    NotFound(String),
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<sqlx::Error> for ViewError {
    fn from(err: sqlx::Error) -> Self {
        Self::Internal(err.into())
    }
}

/// A statement the author's LaTeX made impossible is their fault; pandoc missing is ours.
impl From<RenderError> for ViewError {
    fn from(err: RenderError) -> Self {
        match err {
            RenderError::Refused(reason) => Self::Invalid(reason),
            err @ RenderError::Unavailable(_) => Self::Internal(err.into()),
        }
    }
}

/// Who is looking.
#[derive(Debug, Clone, Copy)]
pub struct Audience {
    /// Admins see every problem, published or not.
    pub admin: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemSummary {
    pub slug: String,
    pub title: String,
    pub tags: Vec<String>,
    pub difficulty: Option<i32>,
    /// Null until known (unpublished problems only; see `time_limit_source`).
    pub time_limit_ms: Option<i32>,
    pub memory_mb: i32,
    /// Present for admins only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<bool>,
    /// For a signed-in caller: whether they solved it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub solved: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemPage {
    pub items: Vec<ProblemSummary>,
    pub page: u32,
    pub per_page: u32,
    pub total: i64,
}

/// What to list.
#[derive(Debug, Default)]
pub struct ListRequest<'a> {
    /// Words to find in the title.
    pub search: Option<&'a str>,
    pub tag: Option<&'a str>,
    /// 1-based.
    pub page: Option<u32>,
    /// 1 to 100 (default 20).
    pub per_page: Option<u32>,
    /// The slugs the caller solved, for a signed-in caller.
    pub solved: Option<HashSet<String>>,
}

/// Published problems (every problem for admins), newest first, a page at a time.
pub async fn listing(
    db: &PgPool,
    audience: Audience,
    request: ListRequest<'_>,
) -> Result<ProblemPage, ViewError> {
    let page = request.page.unwrap_or(1);
    let per_page = request.per_page.unwrap_or(20);
    if page == 0 || !(1..=100).contains(&per_page) {
        return Err(ViewError::Invalid(
            "page must be at least 1 and per_page 1 to 100".to_owned(),
        ));
    }
    let search = request.search.map(str::trim).filter(|text| !text.is_empty());
    let listing = records::list(
        db,
        audience.admin,
        search,
        request.tag,
        i64::from(per_page),
        i64::from(page - 1) * i64::from(per_page),
    )
    .await?;
    let solved = request.solved;
    Ok(ProblemPage {
        items: listing
            .problems
            .into_iter()
            .map(|problem| ProblemSummary {
                published: audience.admin.then_some(problem.published),
                solved: solved.as_ref().map(|solved| solved.contains(&problem.slug)),
                slug: problem.slug,
                title: problem.title,
                tags: problem.tags,
                difficulty: problem.difficulty,
                time_limit_ms: problem.time_limit_ms,
                memory_mb: problem.memory_mb,
            })
            .collect(),
        page,
        per_page,
        total: listing.total,
    })
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Sample {
    pub name: String,
    pub input: String,
    pub answer: String,
    /// Whether input or answer was cut at 64 KiB.
    pub truncated: bool,
    /// An interactive sample's exchange (its `.interaction` file: lines starting `<` are the
    /// validator's, `>` the program's), shown instead of input and answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interaction: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemDetail {
    #[serde(flatten)]
    pub problem: Problem,
    pub samples: Vec<Sample>,
    /// The languages of the statement, as in `statements`.
    pub languages: Vec<String>,
    /// The statement in each language, sorted by language code (`statement` above is the one
    /// admins edit, as its source).
    pub statements: Vec<LocalizedStatement>,
    /// How many test cases judge a submission (samples included).
    pub test_count: usize,
}

/// A problem the audience may see, or [`ViewError::NotFound`].
pub async fn visible(db: &PgPool, audience: Audience, slug: &str) -> Result<Problem, ViewError> {
    match records::find(db, slug).await? {
        Some(problem) if audience.admin || (problem.published && problem.archived_at.is_none()) => {
            Ok(problem)
        }
        _ => Err(ViewError::NotFound(slug.to_owned())),
    }
}

/// One problem with its samples.
pub async fn detail(
    db: &PgPool,
    cache: &TestDataCache,
    audience: Audience,
    slug: &str,
) -> Result<ProblemDetail, ViewError> {
    let problem = visible(db, audience, slug).await?;
    let tests = records::test_cases(db, problem.id).await?;
    let files = records::files(db, problem.id).await?;
    let mut samples = Vec::new();
    for test in tests.iter().filter(|test| test.kind == TestKind::Sample) {
        let (input, input_cut) = shown(cache, &test.input_sha256).await?;
        let (answer, answer_cut) = shown(cache, &test.answer_sha256).await?;
        let interaction_path = format!("data/{}.interaction", test.package_name());
        let (interaction, interaction_cut) = match files.iter().find(|file| file.path == interaction_path) {
            Some(file) => {
                let (text, cut) = shown(cache, &file.sha256).await?;
                (Some(text), cut)
            }
            None => (None, false),
        };
        samples.push(Sample {
            name: test.package_name(),
            input,
            answer,
            truncated: input_cut || answer_cut || interaction_cut,
            interaction,
        });
    }
    let statements = statements::localized(db, &problem, &format!("{API_PROBLEMS}/{}", problem.slug)).await?;
    Ok(ProblemDetail {
        languages: statements.iter().map(|s| s.language.clone()).collect(),
        statements,
        problem,
        samples,
        test_count: tests.len(),
    })
}

/// The start of a stored file as text (at most 64 KiB), and whether it was cut.
pub async fn shown(cache: &TestDataCache, sha: &str) -> anyhow::Result<(String, bool)> {
    let path = cache.get(sha).await?;
    let bytes = tokio::fs::read(&path).await?;
    let cut = bytes.len() > SAMPLE_SHOWN_BYTES;
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(SAMPLE_SHOWN_BYTES)]).into_owned();
    Ok((text, cut))
}

/// The statement file or attachment `name` of problem `slug`, if the audience may see the
/// problem ([`ViewError::NotFound`] otherwise, as for the problem itself).
pub async fn statement_file(
    db: &PgPool,
    cache: &TestDataCache,
    audience: Audience,
    slug: &str,
    folder: Folder,
    name: &str,
) -> Result<ServedFile, ViewError> {
    let problem = visible(db, audience, slug).await?;
    statements::file(db, cache, &problem, folder, name)
        .await?
        .ok_or_else(|| ViewError::NotFound(format!("{slug}: no statement file {name:?}")))
}
