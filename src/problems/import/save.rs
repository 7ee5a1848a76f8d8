//! Saving a staged package: objects uploaded and rows inserted in one transaction, under the
//! writers' lock; the uploads undone if anything fails.

use std::path::Path;

use bytes::Bytes;
use sqlx::PgPool;

use super::{stage::Staged, ImportError, ImportOptions};
use crate::{
    problems::{
        editing::{insert_file, insert_test, NewTest},
        fields::Slug,
        objects::{self, Uploads},
        records::{self, NewProblem, Problem},
        statements::{self, StatementRow},
        time_limits,
    },
    storage::SharedStore,
};

/// Uploads the files and inserts the rows in one transaction; undoes the uploads on failure.
pub(super) async fn save(
    db: &PgPool,
    store: &SharedStore,
    staged: Staged,
    statements: &[StatementRow],
    slug: &Slug,
    options: &ImportOptions,
) -> Result<Problem, ImportError> {
    let mut uploads = Uploads::default();
    let result = write(db, store, &staged, statements, slug, options, &mut uploads).await;
    if result.is_err() {
        objects::collect(db, store, uploads.created).await;
    }
    result
}

async fn write(
    db: &PgPool,
    store: &SharedStore,
    staged: &Staged,
    statements: &[StatementRow],
    slug: &Slug,
    options: &ImportOptions,
    uploads: &mut Uploads,
) -> Result<Problem, ImportError> {
    let mut transaction = db.begin().await?;
    objects::lock_for_writing(&mut transaction).await?;
    let new = NewProblem {
        slug,
        title: &staged.title,
        statement: &staged.statement,
        statement_format: staged.statement_format,
        statement_path: &staged.statement_path,
        time_limit: staged.time_limit,
        time_limit_source: &staged.time_limit_source,
        memory: staged.memory,
        output: staged.output,
        checker: staged.checker,
        validator_flags: &staged.validator_flags,
        tags: &staged.tags,
        difficulty: None,
        // Unpublishable until its limit is known (see `time_limits`).
        published: options.publish && staged.time_limit.is_some(),
        author: options.author,
        package_yaml: &staged.package_yaml,
    };
    let Some(problem) = records::insert(&mut *transaction, &new).await? else {
        return Err(ImportError::SlugTaken(slug.to_string()));
    };
    let problem_id = problem.id;
    for statement in statements {
        statements::insert(&mut *transaction, problem_id, statement).await?;
    }
    if let Some(max_score) = staged.scoring {
        records::set_scoring(&mut *transaction, problem_id, max_score).await?;
    }
    for (ordinal, test) in staged.tests.iter().enumerate() {
        let test_case = NewTest {
            kind: test.kind,
            group_path: test.group_path.clone(),
            name: test.name.clone(),
            input: read(&test.input).await?,
            answer: read(&test.answer).await?,
        };
        insert_test(
            &mut transaction,
            store,
            uploads,
            problem_id,
            test_case,
            ordinal as i32,
        )
        .await?;
    }
    for (path, absolute) in &staged.files {
        insert_file(
            &mut transaction,
            store,
            uploads,
            problem_id,
            path,
            read(absolute).await?,
        )
        .await?;
    }
    if staged.time_limit.is_none() {
        time_limits::enqueue(&mut *transaction, problem_id).await?;
    }
    transaction.commit().await?;
    tracing::info!(
        %slug,
        tests = staged.tests.len(),
        files = staged.files.len(),
        "imported a problem"
    );
    Ok(problem)
}

async fn read(path: &Path) -> Result<Bytes, ImportError> {
    Ok(Bytes::from(tokio::fs::read(path).await?))
}
