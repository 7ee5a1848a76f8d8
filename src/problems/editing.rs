//! Changes admins make to a stored problem's files: adding or replacing test cases, deleting
//! and reordering them, setting or removing a custom output validator. Each change is one
//! transaction under the writers' lock; objects it no longer needs are collected afterwards,
//! and objects it uploaded are collected again if it fails.

use bytes::Bytes;
use sqlx::{PgConnection, PgPool, Postgres, Transaction};
use uuid::Uuid;

use super::{
    fields::TestKind,
    objects::{self, Uploads},
};
use crate::judge::checker::default_validator::ValidatorFlags;
use crate::storage::SharedStore;

/// Folder of the validator uploaded through the API, inside `output_validators/`.
pub const VALIDATOR_DIR: &str = "output_validators/validator";

/// A test case to add, or to replace the one with the same kind, group and name.
#[derive(Debug, Clone)]
pub struct NewTest {
    pub kind: TestKind,
    pub group_path: String,
    pub name: String,
    pub input: Bytes,
    pub answer: Bytes,
}

/// Why an edit was refused.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    NotFound(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<sqlx::Error> for EditError {
    fn from(err: sqlx::Error) -> Self {
        Self::Internal(err.into())
    }
}

/// Checks a test name or group path: plain words separated by `/` (group only), no dots first.
pub fn check_test_path(what: &str, text: &str, allow_slash: bool) -> Result<(), EditError> {
    let valid_part = |part: &str| {
        !part.is_empty()
            && part.len() <= 100
            && !part.starts_with('.')
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    };
    let valid = if allow_slash {
        text.is_empty() || text.split('/').all(valid_part)
    } else {
        valid_part(text)
    };
    if valid {
        Ok(())
    } else {
        Err(EditError::Invalid(format!(
            "{what} {text:?} must be letters, digits, '-', '_' and '.' (not first){}",
            if allow_slash {
                ", folders separated by '/'"
            } else {
                ""
            }
        )))
    }
}

/// A transaction holding the writers' lock and problem `problem_id`'s row, so one writer at a
/// time edits a problem's test cases and validator: two additions of the same test case would
/// otherwise both find none to replace, and the second fail on the unique key. (`NO KEY`: new
/// submissions to the problem, which only reference it, do not wait.)
async fn begin_writing(db: &PgPool, problem_id: Uuid) -> Result<Transaction<'static, Postgres>, EditError> {
    let mut transaction = db.begin().await?;
    objects::lock_for_writing(&mut transaction).await?;
    sqlx::query!(
        "SELECT id FROM problems WHERE id = $1 FOR NO KEY UPDATE",
        problem_id
    )
    .fetch_optional(&mut *transaction)
    .await?;
    Ok(transaction)
}

/// After a change: collects the objects it replaced when it succeeded, or the ones it uploaded
/// when it failed.
async fn settle<T>(
    db: &PgPool,
    store: &SharedStore,
    result: Result<(T, Vec<String>), EditError>,
    uploads: Uploads,
) -> Result<T, EditError> {
    match result {
        Ok((value, replaced)) => {
            objects::collect(db, store, replaced).await;
            Ok(value)
        }
        Err(err) => {
            objects::collect(db, store, uploads.created).await;
            Err(err)
        }
    }
}

/// Adds or replaces test cases; answers how many there are now.
pub async fn upsert_tests(
    db: &PgPool,
    store: &SharedStore,
    problem_id: Uuid,
    tests: Vec<NewTest>,
) -> Result<usize, EditError> {
    let mut uploads = Uploads::default();
    let result = upsert_tests_in(db, store, problem_id, tests, &mut uploads).await;
    settle(db, store, result, uploads).await
}

async fn upsert_tests_in(
    db: &PgPool,
    store: &SharedStore,
    problem_id: Uuid,
    tests: Vec<NewTest>,
    uploads: &mut Uploads,
) -> Result<(usize, Vec<String>), EditError> {
    let mut transaction = begin_writing(db, problem_id).await?;
    let mut replaced = Vec::new();
    for test in tests {
        let old = sqlx::query!(
            r#"DELETE FROM test_cases WHERE problem_id = $1 AND kind = $2 AND group_path = $3 AND name = $4
               RETURNING ordinal, input_sha256, answer_sha256"#,
            problem_id,
            test.kind.as_str(),
            test.group_path,
            test.name,
        )
        .fetch_optional(&mut *transaction)
        .await?;
        let ordinal = match old {
            Some(old) => {
                replaced.extend([old.input_sha256, old.answer_sha256]);
                old.ordinal
            }
            None => sqlx::query_scalar!(
                r#"SELECT COALESCE(max(ordinal) + 1, 0) AS "next!" FROM test_cases WHERE problem_id = $1"#,
                problem_id
            )
            .fetch_one(&mut *transaction)
            .await?,
        };
        insert_test(&mut transaction, store, uploads, problem_id, test, ordinal).await?;
    }
    let count = renumber(&mut transaction, problem_id).await?;
    transaction.commit().await?;
    Ok((count, replaced))
}

/// Deletes one test case; false when the problem has no such case.
pub async fn delete_test(
    db: &PgPool,
    store: &SharedStore,
    problem_id: Uuid,
    id: Uuid,
) -> Result<bool, EditError> {
    let result = async {
        let mut transaction = begin_writing(db, problem_id).await?;
        let old = sqlx::query!(
            "DELETE FROM test_cases WHERE problem_id = $1 AND id = $2 RETURNING input_sha256, answer_sha256",
            problem_id,
            id
        )
        .fetch_optional(&mut *transaction)
        .await?;
        renumber(&mut transaction, problem_id).await?;
        transaction.commit().await?;
        Ok(match old {
            Some(old) => (true, vec![old.input_sha256, old.answer_sha256]),
            None => (false, Vec::new()),
        })
    }
    .await;
    settle(db, store, result, Uploads::default()).await
}

/// Puts the test cases in the order of `ids`, which must name each of them once. Samples stay
/// before secret cases whatever the order given.
pub async fn reorder_tests(db: &PgPool, problem_id: Uuid, ids: Vec<Uuid>) -> Result<(), EditError> {
    let mut transaction = begin_writing(db, problem_id).await?;
    let mut current = sqlx::query_scalar!("SELECT id FROM test_cases WHERE problem_id = $1", problem_id)
        .fetch_all(&mut *transaction)
        .await?;
    let mut given = ids.clone();
    current.sort();
    given.sort();
    if current != given {
        return Err(EditError::Invalid(format!(
            "ids must list each of the problem's {} test cases exactly once",
            current.len()
        )));
    }
    sqlx::query!(
        r#"UPDATE test_cases SET ordinal = (position.ordinal - 1)::int
           FROM unnest($2::uuid[]) WITH ORDINALITY AS position(id, ordinal)
           WHERE test_cases.problem_id = $1 AND test_cases.id = position.id"#,
        problem_id,
        &ids
    )
    .execute(&mut *transaction)
    .await?;
    renumber(&mut transaction, problem_id).await?;
    transaction.commit().await?;
    Ok(())
}

/// Uploads a test case's input and answer and inserts its row at `ordinal`. Imports and
/// edits both write test cases through here.
pub(super) async fn insert_test(
    transaction: &mut PgConnection,
    store: &SharedStore,
    uploads: &mut Uploads,
    problem_id: Uuid,
    test: NewTest,
    ordinal: i32,
) -> anyhow::Result<()> {
    let (input_size, answer_size) = (test.input.len() as i64, test.answer.len() as i64);
    let input_sha = uploads.put(store, test.input).await?;
    let answer_sha = uploads.put(store, test.answer).await?;
    sqlx::query!(
        r#"INSERT INTO test_cases (problem_id, kind, group_path, name, ordinal, input_sha256, input_size,
               answer_sha256, answer_size)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"#,
        problem_id,
        test.kind.as_str(),
        test.group_path,
        test.name,
        ordinal,
        input_sha,
        input_size,
        answer_sha,
        answer_size,
    )
    .execute(transaction)
    .await?;
    Ok(())
}

/// Uploads any other package file and inserts its row at `path`.
pub(super) async fn insert_file(
    transaction: &mut PgConnection,
    store: &SharedStore,
    uploads: &mut Uploads,
    problem_id: Uuid,
    path: &str,
    bytes: Bytes,
) -> anyhow::Result<()> {
    let size = bytes.len() as i64;
    let sha = uploads.put(store, bytes).await?;
    sqlx::query!(
        "INSERT INTO problem_files (problem_id, path, sha256, size) VALUES ($1, $2, $3, $4)",
        problem_id,
        path,
        sha,
        size
    )
    .execute(transaction)
    .await?;
    Ok(())
}

/// Numbers the cases 0, 1, … keeping their order but putting samples first; answers the count.
async fn renumber(transaction: &mut Transaction<'static, Postgres>, problem_id: Uuid) -> sqlx::Result<usize> {
    let done = sqlx::query!(
        r#"UPDATE test_cases SET ordinal = numbered.position
           FROM (SELECT id, (row_number() OVER (ORDER BY kind = 'secret', ordinal, group_path, name) - 1)::int AS position
                 FROM test_cases WHERE problem_id = $1) AS numbered
           WHERE test_cases.id = numbered.id"#,
        problem_id
    )
    .execute(&mut **transaction)
    .await?;
    Ok(done.rows_affected() as usize)
}

/// Makes `files` (name → source) the problem's custom output validator, replacing any other.
pub async fn set_validator(
    db: &PgPool,
    store: &SharedStore,
    problem_id: Uuid,
    files: Vec<(String, Bytes)>,
) -> Result<(), EditError> {
    if files.is_empty() {
        return Err(EditError::Invalid(
            "a validator needs at least one source file".to_owned(),
        ));
    }
    for (name, _) in &files {
        check_test_path("validator file", name, false)?;
    }
    let mut uploads = Uploads::default();
    let result = set_validator_in(db, store, problem_id, files, &mut uploads).await;
    settle(db, store, result, uploads).await
}

async fn set_validator_in(
    db: &PgPool,
    store: &SharedStore,
    problem_id: Uuid,
    files: Vec<(String, Bytes)>,
    uploads: &mut Uploads,
) -> Result<((), Vec<String>), EditError> {
    let mut transaction = begin_writing(db, problem_id).await?;
    let replaced = remove_validator_files(&mut transaction, problem_id).await?;
    for (name, bytes) in files {
        let path = format!("{VALIDATOR_DIR}/{name}");
        insert_file(&mut transaction, store, uploads, problem_id, &path, bytes).await?;
    }
    sqlx::query!("UPDATE problems SET checker = 'custom' WHERE id = $1", problem_id)
        .execute(&mut *transaction)
        .await?;
    transaction.commit().await?;
    Ok(((), replaced))
}

/// Goes back to the default validator, deleting the custom one.
pub async fn remove_validator(db: &PgPool, store: &SharedStore, problem_id: Uuid) -> Result<(), EditError> {
    let result = async {
        let mut transaction = begin_writing(db, problem_id).await?;
        let replaced = remove_validator_files(&mut transaction, problem_id).await?;
        // Flags meant for the custom validator may mean nothing to the default one; keep them
        // only if it accepts them, so the problem still judges and exports cleanly.
        let flags = sqlx::query_scalar!(
            "UPDATE problems SET checker = 'default' WHERE id = $1 RETURNING validator_flags",
            problem_id
        )
        .fetch_one(&mut *transaction)
        .await?;
        if ValidatorFlags::parse(&flags).is_err() {
            sqlx::query!(
                "UPDATE problems SET validator_flags = '' WHERE id = $1",
                problem_id
            )
            .execute(&mut *transaction)
            .await?;
        }
        transaction.commit().await?;
        Ok(((), replaced))
    }
    .await;
    settle(db, store, result, Uploads::default()).await
}

async fn remove_validator_files(
    transaction: &mut Transaction<'static, Postgres>,
    problem_id: Uuid,
) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar!(
        r#"DELETE FROM problem_files
           WHERE problem_id = $1 AND (path LIKE 'output_validators/%' OR path LIKE 'output_validator/%')
           RETURNING sha256"#,
        problem_id
    )
    .fetch_all(&mut **transaction)
    .await
}

/// Deletes a problem and collects its objects. A problem that other rows (submissions) still
/// reference is archived and unpublished instead; answers whether it was deleted.
pub async fn delete_problem(db: &PgPool, store: &SharedStore, problem_id: Uuid) -> Result<bool, EditError> {
    let hashes = super::records::object_hashes(db, problem_id).await?;
    let deleted = sqlx::query!("DELETE FROM problems WHERE id = $1", problem_id)
        .execute(db)
        .await;
    match deleted {
        Ok(_) => {
            objects::collect(db, store, hashes).await;
            Ok(true)
        }
        Err(sqlx::Error::Database(err)) if err.is_foreign_key_violation() => {
            sqlx::query!(
                "UPDATE problems SET archived_at = COALESCE(archived_at, now()), published = false WHERE id = $1",
                problem_id
            )
            .execute(db)
            .await?;
            Ok(false)
        }
        Err(err) => Err(err.into()),
    }
}
