//! What a judge worker needs before it may claim a job: PostgreSQL, the queue's broker, the
//! object store, the Docker engine, every judge image of the language table, and the
//! supervisor binary.
//!
//! `coderank worker --check` prints each finding and answers OK or names what is missing. A
//! worker runs the same check before its slots claim anything and keeps its slots idle until
//! it passes, so a worker host without images (or cut off from S3) never claims a job only to
//! fail it; it logs what is missing meanwhile, and `/readyz` of the API names a queue that no
//! live worker serves.

use std::{collections::BTreeMap, future::Future, path::PathBuf, sync::Arc, time::Duration};

use sqlx::PgPool;

use crate::{
    docker::DockerEngine,
    judge::{images, languages::Languages, sandbox},
    storage::SharedStore,
    submissions::broker::{self, Broker},
};

/// How long each finding may take.
const CHECK_TIMEOUT: Duration = Duration::from_secs(10);

/// One thing a worker needs, and whether it has it.
#[derive(Debug, Clone)]
pub struct Finding {
    pub what: &'static str,
    pub ok: bool,
    /// Where it was looked for, or what is missing and how to get it.
    pub detail: String,
}

/// Everything a worker needs, checked at once.
#[derive(Debug, Clone)]
pub struct Findings(pub Vec<Finding>);

impl Findings {
    pub fn ok(&self) -> bool {
        self.0.iter().all(|finding| finding.ok)
    }

    /// One line naming everything missing, for logs and errors.
    pub fn missing(&self) -> String {
        self.0
            .iter()
            .filter(|finding| !finding.ok)
            .map(|finding| format!("{}: {}", finding.what, finding.detail))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// A line per finding, for `coderank worker --check`.
    pub fn report(&self) -> String {
        let mut text = String::new();
        for finding in &self.0 {
            let mark = if finding.ok { "ok     " } else { "MISSING" };
            text.push_str(&format!("{mark} {:<12} {}\n", finding.what, finding.detail));
        }
        text.push_str(if self.ok() { "OK\n" } else { "NOT READY\n" });
        text
    }
}

/// What the check looks at.
pub struct Needs<'a> {
    pub db: &'a PgPool,
    pub broker: &'a Broker,
    pub store: &'a SharedStore,
    pub docker: &'a DockerEngine,
    pub supervisor: Option<PathBuf>,
}

/// Checks everything, each within [`CHECK_TIMEOUT`]; the supervisor's bytes come back when it
/// was readable, so the caller does not read it twice.
pub async fn run(needs: Needs<'_>) -> (Findings, Option<Arc<[u8]>>) {
    let supervisor_path = needs.supervisor.clone();
    let store_target = needs.store.describe();
    let broker_target = broker::describe(needs.broker);
    let (postgres, queue, storage, docker, supervisor) = tokio::join!(
        finding("postgres", "PostgreSQL answers", async {
            crate::db::ping(needs.db).await.map_err(|err| err.to_string())
        }),
        // PostgreSQL's queue lives in the database checked above.
        finding("broker", &broker_target, async {
            broker::ping(needs.broker).await.unwrap_or(Ok(()))
        }),
        finding("storage", &store_target, async {
            needs.store.check().await.map_err(|err| err.to_string())
        }),
        docker_and_images(needs.docker),
        tokio::task::spawn_blocking(move || sandbox::read_supervisor(supervisor_path)),
    );
    let (engine, images) = docker;
    let (supervisor, bytes) = match supervisor {
        Ok(Ok(bytes)) if !bytes.is_empty() => (
            Finding {
                what: "supervisor",
                ok: true,
                detail: format!("{} bytes", bytes.len()),
            },
            Some(bytes),
        ),
        Ok(Ok(_)) => (
            missing("supervisor", "the supervisor binary is empty".to_owned()),
            None,
        ),
        Ok(Err(err)) => (missing("supervisor", format!("{err:#}")), None),
        Err(err) => (missing("supervisor", err.to_string()), None),
    };
    (
        Findings(vec![postgres, queue, storage, engine, images, supervisor]),
        bytes,
    )
}

/// The engine, then every judge image the language table names.
async fn docker_and_images(docker: &DockerEngine) -> (Finding, Finding) {
    let engine = finding("docker", docker.host(), async {
        docker.ping().await.map_err(|err| format!("{err:#}"))
    })
    .await;
    if !engine.ok {
        return (
            engine,
            missing("images", "not checked: no Docker engine".to_owned()),
        );
    }
    let images = match tokio::time::timeout(CHECK_TIMEOUT, missing_images(docker)).await {
        Ok(Ok(missing_list)) if missing_list.is_empty() => Finding {
            what: "images",
            ok: true,
            detail: "every judge image of the language table is built".to_owned(),
        },
        Ok(Ok(missing_list)) => missing(
            "images",
            format!(
                "not built: {}; build them with `coderank images build --missing`",
                missing_list.join(", ")
            ),
        ),
        Ok(Err(err)) => missing("images", format!("{err:#}")),
        Err(_) => missing("images", timed_out()),
    };
    (engine, images)
}

/// Judge images that the engine lacks, each with the languages that need it.
async fn missing_images(docker: &DockerEngine) -> anyhow::Result<Vec<String>> {
    let client = docker.client().await?;
    let mut needed: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let languages = Languages::table();
    for language in languages.iter() {
        needed
            .entry(&language.image)
            .or_default()
            .push(language.id.as_str());
    }
    let mut missing_list = Vec::new();
    for (image, languages) in needed {
        if !images::exists(&client, image).await? {
            missing_list.push(format!("{image} ({})", languages.join(", ")));
        }
    }
    Ok(missing_list)
}

async fn finding(
    what: &'static str,
    target: &str,
    probe: impl Future<Output = Result<(), String>>,
) -> Finding {
    match tokio::time::timeout(CHECK_TIMEOUT, probe).await {
        Ok(Ok(())) => Finding {
            what,
            ok: true,
            detail: target.to_owned(),
        },
        Ok(Err(err)) => missing(what, format!("{target}: {err}")),
        Err(_) => missing(what, format!("{target}: {}", timed_out())),
    }
}

fn missing(what: &'static str, detail: String) -> Finding {
    Finding {
        what,
        ok: false,
        detail,
    }
}

fn timed_out() -> String {
    format!("no answer within {} s", CHECK_TIMEOUT.as_secs())
}
