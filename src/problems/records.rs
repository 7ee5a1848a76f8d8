//! Problems, test cases and problem files as rows, and the queries on them.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgExecutor;
use utoipa::ToSchema;
use uuid::Uuid;

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
    pub time_limit_ms: i32,
    pub memory_mb: i32,
    pub output_mb: i32,
    /// `default` (the ICPC default output validator) or `custom` (the problem's own validator).
    pub checker: String,
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
    /// `sample` or `secret`.
    pub kind: String,
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

/// Whether `text` is a valid slug: lowercase letters, digits and inner dashes, at most 64.
pub fn is_slug(text: &str) -> bool {
    let bytes = text.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 64
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        && bytes[0] != b'-'
        && bytes[bytes.len() - 1] != b'-'
}

/// A slug made from any name: lowercase, runs of other characters become one dash.
pub fn slugify(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    slug.chars()
        .take(64)
        .collect::<String>()
        .trim_end_matches('-')
        .to_owned()
}

#[tracing::instrument(skip(db))]
pub async fn find(db: impl PgExecutor<'_>, slug: &str) -> sqlx::Result<Option<Problem>> {
    sqlx::query_as!(Problem, "SELECT * FROM problems WHERE slug = $1", slug)
        .fetch_optional(db)
        .await
}

#[tracing::instrument(skip(db))]
pub async fn test_cases(db: impl PgExecutor<'_>, problem_id: Uuid) -> sqlx::Result<Vec<TestCaseRecord>> {
    sqlx::query_as!(
        TestCaseRecord,
        r#"SELECT id, kind, group_path, name, ordinal, input_sha256, input_size, answer_sha256, answer_size
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
        r#"SELECT * FROM problems
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_made_from_names_and_checked() {
        assert_eq!(slugify("A + B"), "a-b");
        assert_eq!(slugify("  Big_Sum 2 "), "big-sum-2");
        assert_eq!(slugify("ÄÖ"), "");
        assert!(is_slug("aplusb") && is_slug("a-1"));
        for bad in ["", "-a", "a-", "A", "a_b", &"x".repeat(65)] {
            assert!(!is_slug(bad), "{bad:?}");
        }
        assert!(is_slug(&slugify(&"long name ".repeat(20))));
    }
}
