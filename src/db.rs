//! PostgreSQL: the connection pool and the embedded migrations.
//!
//! Migrations live in `migrations/` and are compiled into the binary, so a deployed `coderank`
//! can always bring its own schema up to date (`coderank migrate`, or `serve` at start). sqlx
//! takes an advisory lock while migrating, so several processes starting at once are safe.

use anyhow::Context;
use secrecy::ExposeSecret;
use sqlx::{
    migrate::Migrator,
    postgres::{PgConnectOptions, PgPoolOptions},
    PgPool,
};

use crate::config::DatabaseConfig;

pub static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// Builds the pool without connecting: connections are opened on first use, so a server can
/// start (and report itself not ready) while PostgreSQL is still coming up.
pub fn pool(config: &DatabaseConfig) -> anyhow::Result<PgPool> {
    let options: PgConnectOptions = config
        .url
        .expose_secret()
        .parse()
        .context("DATABASE_URL is not a valid PostgreSQL URL")?;
    Ok(PgPoolOptions::new()
        .max_connections(config.max_connections)
        .acquire_timeout(config.acquire_timeout())
        .connect_lazy_with(options))
}

/// Builds the pool and checks that the database answers.
pub async fn connect(config: &DatabaseConfig) -> anyhow::Result<PgPool> {
    let pool = pool(config)?;
    ping(&pool)
        .await
        .with_context(|| format!("cannot reach PostgreSQL at {}", describe(config)))?;
    Ok(pool)
}

/// One round trip to the database.
pub async fn ping(pool: &PgPool) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT 1").execute(pool).await.map(drop)
}

/// Applies pending migrations and answers how many it applied.
pub async fn migrate(pool: &PgPool) -> anyhow::Result<usize> {
    let before = applied_migrations(pool).await?;
    MIGRATOR
        .run(pool)
        .await
        .context("migrating the database failed")?;
    let after = applied_migrations(pool).await?;
    Ok(after.saturating_sub(before))
}

async fn applied_migrations(pool: &PgPool) -> anyhow::Result<usize> {
    let exists: bool = sqlx::query_scalar("SELECT to_regclass('_sqlx_migrations') IS NOT NULL")
        .fetch_one(pool)
        .await
        .context("cannot read the migration state")?;
    if !exists {
        return Ok(0);
    }
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM _sqlx_migrations WHERE success")
        .fetch_one(pool)
        .await
        .context("cannot read the migration state")?;
    Ok(usize::try_from(count).unwrap_or(0))
}

/// Host, port and database of the URL, without the credentials, for messages.
pub fn describe(config: &DatabaseConfig) -> String {
    match url::Url::parse(config.url.expose_secret()) {
        Ok(url) => format!(
            "{}:{}{}",
            url.host_str().unwrap_or("localhost"),
            url.port().unwrap_or(5432),
            url.path()
        ),
        Err(_) => "an unparsable DATABASE_URL".to_owned(),
    }
}

/// Stores a type as a text column through its `as_str` and `FromStr`: a typed enum (a verdict,
/// a status, a kind) read and written by `sqlx::query!` with a column override such as
/// `verdict AS "verdict: Verdict"`, so no code compares the column's strings.
#[macro_export]
macro_rules! text_column {
    ($type:ty) => {
        impl sqlx::Type<sqlx::Postgres> for $type {
            fn type_info() -> sqlx::postgres::PgTypeInfo {
                <String as sqlx::Type<sqlx::Postgres>>::type_info()
            }

            fn compatible(ty: &sqlx::postgres::PgTypeInfo) -> bool {
                <String as sqlx::Type<sqlx::Postgres>>::compatible(ty)
            }
        }

        impl<'r> sqlx::Decode<'r, sqlx::Postgres> for $type {
            fn decode(value: sqlx::postgres::PgValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
                let text = <&str as sqlx::Decode<sqlx::Postgres>>::decode(value)?;
                text.parse::<$type>().map_err(|err| err.to_string().into())
            }
        }

        impl sqlx::Encode<'_, sqlx::Postgres> for $type {
            fn encode_by_ref(
                &self,
                buf: &mut sqlx::postgres::PgArgumentBuffer,
            ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
                <&str as sqlx::Encode<sqlx::Postgres>>::encode_by_ref(&self.as_str(), buf)
            }
        }
    };
}
