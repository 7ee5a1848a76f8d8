//! Problems, test cases and problem files as rows, and the queries on them. Rows are written
//! only with the rulebook's types ([`super::fields`]), so nothing invalid reaches the table.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgExecutor;
use utoipa::ToSchema;
use uuid::Uuid;

use super::fields::{
    CheckerKind, Difficulty, MemoryMb, OutputMb, Slug, Tags, TestKind, TimeLimitMs, Title, ValidatorFlagsText,
};

/// A problem's row.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    pub id: Uuid,
    pub slug: String,
    pub title: String,
    /// Markdown, or LaTeX source (see `statement_format`).
    pub statement: String,
    /// `markdown` or `latex`.
    pub statement_format: String,
    /// Where the statement goes in an exported package.
    #[serde(skip)]
    pub statement_path: String,
    /// None until it is known: a package without one has it derived by the workers
    /// (`time_limit_source` is then `deriving`), and the problem cannot be published meanwhile.
    pub time_limit_ms: Option<i32>,
    /// How the limit was found: `problem.yaml`, `set by an admin`, `derived: slowest accepted
    /// 0.42 s (accepted/sol.py) × 5 → 3 s`, …
    pub time_limit_source: String,
    /// Why deriving the limit failed (admins only see unpublished problems, where this is set).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_limit_error: Option<String>,
    pub memory_mb: i32,
    pub output_mb: i32,
    /// `default` (the ICPC default output validator) or `custom` (the problem's own validator).
    pub checker: CheckerKind,
    pub validator_flags: String,
    pub published: bool,
    pub archived_at: Option<DateTime<Utc>>,
    pub author_id: Option<Uuid>,
    pub tags: Vec<String>,
    pub difficulty: Option<i32>,
    #[serde(skip)]
    pub package_yaml: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A test case's row. The hashes name objects in the store; they are shown to admins only.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TestCaseRecord {
    pub id: Uuid,
    /// `sample` (shown to users) or `secret`.
    pub kind: TestKind,
    /// Folders between `data/<kind>/` and the files, e.g. `group1`; empty for none.
    pub group_path: String,
    pub name: String,
    /// Position in the judging order (samples first).
    pub ordinal: i32,
    pub input_sha256: String,
    pub input_size: i64,
    pub answer_sha256: String,
    pub answer_size: i64,
}

impl TestCaseRecord {
    /// The path below `data/` without extension, e.g. `secret/group1/03`.
    pub fn package_name(&self) -> String {
        [self.kind.as_str(), self.group_path.as_str(), self.name.as_str()]
            .iter()
            .filter(|part| !part.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join("/")
    }
}

/// Any other file of the package.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProblemFile {
    /// Path in the package, e.g. `output_validators/check/check.cpp`.
    pub path: String,
    pub sha256: String,
    pub size: i64,
}

#[tracing::instrument(skip(db))]
pub async fn find(db: impl PgExecutor<'_>, slug: &str) -> sqlx::Result<Option<Problem>> {
    sqlx::query_as!(
        Problem,
        r#"SELECT id, slug, title, statement, statement_format, statement_path, time_limit_ms, time_limit_source,
               time_limit_error, memory_mb, output_mb, checker AS "checker: CheckerKind", validator_flags, published, archived_at, author_id,
               tags, difficulty, package_yaml, created_at, updated_at
           FROM problems WHERE slug = $1"#,
        slug
    )
    .fetch_optional(db)
    .await
}

#[tracing::instrument(skip(db))]
pub async fn find_by_id(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Problem> {
    sqlx::query_as!(
        Problem,
        r#"SELECT id, slug, title, statement, statement_format, statement_path, time_limit_ms, time_limit_source,
               time_limit_error, memory_mb, output_mb, checker AS "checker: CheckerKind", validator_flags, published, archived_at, author_id,
               tags, difficulty, package_yaml, created_at, updated_at
           FROM problems WHERE id = $1"#,
        id
    )
    .fetch_one(db)
    .await
}

/// A problem to insert, every field checked by the rulebook.
pub struct NewProblem<'a> {
    pub slug: &'a Slug,
    pub title: &'a Title,
    /// Markdown, or LaTeX source.
    pub statement: &'a str,
    /// `markdown` or `latex`.
    pub statement_format: &'a str,
    pub statement_path: &'a str,
    /// None for a package whose limit the workers are to derive.
    pub time_limit: Option<TimeLimitMs>,
    /// How the limit was found (see [`Problem::time_limit_source`]).
    pub time_limit_source: &'a str,
    pub memory: MemoryMb,
    pub output: OutputMb,
    pub checker: CheckerKind,
    pub validator_flags: &'a ValidatorFlagsText,
    pub tags: &'a Tags,
    pub difficulty: Option<Difficulty>,
    pub published: bool,
    pub author: Option<Uuid>,
    /// The package's `problem.yaml` as imported (empty for a problem made through the API).
    pub package_yaml: &'a str,
}

/// Inserts a problem; `None` when its slug is taken.
#[tracing::instrument(skip_all)]
pub async fn insert(db: impl PgExecutor<'_>, new: &NewProblem<'_>) -> sqlx::Result<Option<Problem>> {
    sqlx::query_as!(
        Problem,
        r#"INSERT INTO problems (slug, title, statement, statement_format, statement_path, time_limit_ms,
               memory_mb, output_mb, checker, validator_flags, published, author_id, tags, difficulty, package_yaml,
               time_limit_source)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
           ON CONFLICT (slug) DO NOTHING
           RETURNING id, slug, title, statement, statement_format, statement_path, time_limit_ms, time_limit_source,
               time_limit_error, memory_mb, output_mb, checker AS "checker: CheckerKind", validator_flags, published, archived_at, author_id,
               tags, difficulty, package_yaml, created_at, updated_at"#,
        new.slug.as_str(),
        new.title.as_str(),
        new.statement,
        new.statement_format,
        new.statement_path,
        new.time_limit.map(TimeLimitMs::get),
        new.memory.get(),
        new.output.get(),
        new.checker.as_str(),
        new.validator_flags.as_str(),
        new.published,
        new.author,
        new.tags.as_slice(),
        new.difficulty.map(Difficulty::get),
        new.package_yaml,
        new.time_limit_source,
    )
    .fetch_optional(db)
    .await
}

/// Marks a problem as scoring, with its maximum score (`None`: unbounded).
#[tracing::instrument(skip_all)]
pub async fn set_scoring(db: impl PgExecutor<'_>, id: Uuid, max_score: Option<f64>) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE problems SET scoring = true, max_score = $2 WHERE id = $1",
        id,
        max_score
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Changes to a problem's fields; `None` leaves a field as it is.
#[derive(Debug, Default)]
pub struct Changes {
    pub title: Option<Title>,
    pub statement: Option<String>,
    /// Set by an admin: recorded as such, and any derivation's failure forgotten.
    pub time_limit: Option<TimeLimitMs>,
    pub memory: Option<MemoryMb>,
    pub output: Option<OutputMb>,
    pub validator_flags: Option<ValidatorFlagsText>,
    pub tags: Option<Tags>,
    pub difficulty: Option<Difficulty>,
    pub published: Option<bool>,
}

#[tracing::instrument(skip_all)]
pub async fn update(db: impl PgExecutor<'_>, id: Uuid, changes: &Changes) -> sqlx::Result<Problem> {
    sqlx::query_as!(
        Problem,
        r#"UPDATE problems SET
               title = COALESCE($2, title), statement = COALESCE($3, statement),
               time_limit_ms = COALESCE($4, time_limit_ms),
               time_limit_source = CASE WHEN $4::integer IS NULL THEN time_limit_source ELSE 'set by an admin' END,
               time_limit_error = CASE WHEN $4::integer IS NULL THEN time_limit_error END,
               memory_mb = COALESCE($5, memory_mb),
               output_mb = COALESCE($6, output_mb), validator_flags = COALESCE($7, validator_flags),
               tags = COALESCE($8, tags), difficulty = COALESCE($9, difficulty),
               published = COALESCE($10, published)
           WHERE id = $1
           RETURNING id, slug, title, statement, statement_format, statement_path, time_limit_ms, time_limit_source,
               time_limit_error, memory_mb, output_mb, checker AS "checker: CheckerKind", validator_flags, published, archived_at, author_id,
               tags, difficulty, package_yaml, created_at, updated_at"#,
        id,
        changes.title.as_ref().map(Title::as_str),
        changes.statement.as_deref(),
        changes.time_limit.map(TimeLimitMs::get),
        changes.memory.map(MemoryMb::get),
        changes.output.map(OutputMb::get),
        changes.validator_flags.as_ref().map(ValidatorFlagsText::as_str),
        changes.tags.as_ref().map(Tags::as_slice),
        changes.difficulty.map(Difficulty::get),
        changes.published,
    )
    .fetch_one(db)
    .await
}

#[tracing::instrument(skip(db))]
pub async fn test_cases(db: impl PgExecutor<'_>, problem_id: Uuid) -> sqlx::Result<Vec<TestCaseRecord>> {
    sqlx::query_as!(
        TestCaseRecord,
        r#"SELECT id, kind AS "kind: TestKind", group_path, name, ordinal, input_sha256, input_size,
               answer_sha256, answer_size
           FROM test_cases WHERE problem_id = $1 ORDER BY ordinal"#,
        problem_id
    )
    .fetch_all(db)
    .await
}

#[tracing::instrument(skip(db))]
pub async fn files(db: impl PgExecutor<'_>, problem_id: Uuid) -> sqlx::Result<Vec<ProblemFile>> {
    sqlx::query_as!(
        ProblemFile,
        "SELECT path, sha256, size FROM problem_files WHERE problem_id = $1 ORDER BY path",
        problem_id
    )
    .fetch_all(db)
    .await
}

/// A page of the problems users may see, newest first.
pub struct Listing {
    pub problems: Vec<Problem>,
    pub total: i64,
}

/// Published, unarchived problems (every problem for admins), filtered by a title search and a
/// tag, newest first.
#[tracing::instrument(skip(db))]
pub async fn list(
    db: impl PgExecutor<'_> + Copy,
    include_unpublished: bool,
    search: Option<&str>,
    tag: Option<&str>,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Listing> {
    let pattern = search.map(|text| {
        format!(
            "%{}%",
            text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
        )
    });
    let problems = sqlx::query_as!(
        Problem,
        r#"SELECT id, slug, title, statement, statement_format, statement_path, time_limit_ms, time_limit_source,
               time_limit_error, memory_mb, output_mb, checker AS "checker: CheckerKind", validator_flags, published, archived_at, author_id,
               tags, difficulty, package_yaml, created_at, updated_at
           FROM problems
           WHERE ($1 OR (published AND archived_at IS NULL))
             AND ($2::text IS NULL OR title ILIKE $2)
             AND ($3::text IS NULL OR $3 = ANY (tags))
           ORDER BY created_at DESC, slug
           LIMIT $4 OFFSET $5"#,
        include_unpublished,
        pattern,
        tag,
        limit,
        offset,
    )
    .fetch_all(db)
    .await?;
    let total = sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM problems
           WHERE ($1 OR (published AND archived_at IS NULL))
             AND ($2::text IS NULL OR title ILIKE $2)
             AND ($3::text IS NULL OR $3 = ANY (tags))"#,
        include_unpublished,
        pattern,
        tag,
    )
    .fetch_one(db)
    .await?;
    Ok(Listing { problems, total })
}

/// Every object hash a problem references, for collecting them after it changes or goes.
#[tracing::instrument(skip(db))]
pub async fn object_hashes(db: impl PgExecutor<'_>, problem_id: Uuid) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar!(
        r#"SELECT input_sha256 AS "sha!" FROM test_cases WHERE problem_id = $1
           UNION SELECT answer_sha256 FROM test_cases WHERE problem_id = $1
           UNION SELECT sha256 FROM problem_files WHERE problem_id = $1"#,
        problem_id
    )
    .fetch_all(db)
    .await
}
