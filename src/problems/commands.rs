//! `coderank problem import` and `coderank problem export`.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;

use super::{
    cache::TestDataCache,
    export,
    fields::TimeLimitMs,
    import::{self, ImportError, ImportOptions, KnownTimeLimit},
    records,
};
use crate::{
    config::{DatabaseConfig, DockerConfig, ProblemsConfig, StorageConfig},
    docker::DockerEngine,
    judge::{
        engine::JudgeOptions,
        languages::Languages,
        package::ProblemPackage,
        reference::{self, Python},
        sandbox,
    },
};

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// A package folder, a zip of one, or a folder of package folders (each is imported).
    pub path: PathBuf,
    /// Publish at once.
    #[arg(long)]
    pub publish: bool,
    /// The slug (one package only); by default the package folder's name.
    #[arg(long)]
    pub slug: Option<String>,
    /// Skip packages whose slug is taken instead of failing.
    #[arg(long)]
    pub skip_existing: bool,
    /// The time limit in seconds, over any a package gives. Without it, a package that gives
    /// none has one derived here first, from its accepted submissions (Docker needed).
    #[arg(long, value_name = "SECONDS")]
    pub time_limit: Option<f64>,
    /// Which Python runs `.py` submissions while deriving a limit: PyPy 3 (as problemtools) or
    /// CPython.
    #[arg(long, value_enum, default_value_t = Python::Pypy)]
    pub python: Python,
    /// The supervisor binary, for deriving limits; default: coderank-supervisor beside this
    /// executable.
    #[arg(long, env = "CODERANK_SUPERVISOR")]
    pub supervisor: Option<PathBuf>,
    #[command(flatten)]
    pub docker: DockerConfig,
    #[command(flatten)]
    pub database: DatabaseConfig,
    #[command(flatten)]
    pub storage: StorageConfig,
    #[command(flatten)]
    pub problems: ProblemsConfig,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    pub slug: String,
    /// The zip to write.
    pub out: PathBuf,
    #[command(flatten)]
    pub database: DatabaseConfig,
    #[command(flatten)]
    pub storage: StorageConfig,
    #[command(flatten)]
    pub problems: ProblemsConfig,
}

pub async fn import(args: ImportArgs) -> anyhow::Result<()> {
    let db = crate::db::connect(&args.database).await?;
    crate::db::migrate(&db).await?;
    let store = crate::storage::open(&args.storage).await?;
    let packages = if args.path.is_dir() && !args.path.join("problem.yaml").exists() {
        let mut found: Vec<PathBuf> = std::fs::read_dir(&args.path)?
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| path.join("problem.yaml").exists())
            .collect();
        found.sort();
        anyhow::ensure!(
            !found.is_empty(),
            "{}: no problem packages in it",
            args.path.display()
        );
        anyhow::ensure!(
            args.slug.is_none() || found.len() == 1,
            "--slug needs a single package"
        );
        found
    } else {
        vec![args.path.clone()]
    };
    let given = args
        .time_limit
        .map(|seconds| {
            TimeLimitMs::from_seconds(seconds).map(|limit| KnownTimeLimit {
                limit,
                source: "given (--time-limit)".to_owned(),
            })
        })
        .transpose()
        .map_err(|err| anyhow::anyhow!("--time-limit: {err}"))?;
    let mut deriver = None;
    for package in packages {
        let mut options = ImportOptions {
            slug: args.slug.clone(),
            publish: args.publish,
            author: None,
            time_limit: given.clone(),
        };
        let zip = if package.is_dir() {
            None
        } else {
            Some(std::fs::read(&package).with_context(|| format!("cannot read {}", package.display()))?)
        };
        if options.time_limit.is_none() {
            let scratch = tempfile::tempdir()?;
            let root = match &zip {
                Some(zip) => import::unpack_zip(zip, scratch.path(), &args.problems)
                    .map_err(|err| anyhow::anyhow!("{}: {err}", package.display()))?,
                None => package.clone(),
            };
            let read = ProblemPackage::load(&root)
                .with_context(|| format!("cannot read the problem {}", package.display()))?;
            if read.time_limit.is_none() {
                if deriver.is_none() {
                    deriver = Some(Deriver::new(&args).await?);
                }
                if let Some(deriver) = &deriver {
                    let known = deriver
                        .derive(&read)
                        .await
                        .with_context(|| format!("{}: no time limit", package.display()))?;
                    println!("{}: time limit {}", package.display(), known.source);
                    options.time_limit = Some(known);
                }
            }
        }
        let result = match zip {
            None => import::import_dir(&db, &store, &args.problems, &package, options).await,
            Some(zip) => import::import_zip(&db, &store, &args.problems, zip.into(), options).await,
        };
        match result {
            Ok(problem) => println!(
                "imported {} as {} ({})",
                package.display(),
                problem.slug,
                if problem.published {
                    "published"
                } else {
                    "not published"
                }
            ),
            Err(ImportError::SlugTaken(slug)) if args.skip_existing => {
                println!("skipped {}: {slug} exists", package.display());
            }
            Err(err) => anyhow::bail!("{}: {err}", package.display()),
        }
    }
    Ok(())
}

/// What `problem import` derives missing time limits with, made at the first package that
/// needs one.
struct Deriver {
    docker: bollard::Docker,
    options: JudgeOptions,
    python: Python,
}

impl Deriver {
    async fn new(args: &ImportArgs) -> anyhow::Result<Self> {
        let supervisor = sandbox::read_supervisor(args.supervisor.clone())?;
        let docker = DockerEngine::new(&args.docker)?.client().await?;
        Ok(Self {
            docker,
            options: JudgeOptions::new(supervisor),
            python: args.python,
        })
    }

    async fn derive(&self, package: &ProblemPackage) -> anyhow::Result<KnownTimeLimit> {
        let derived = reference::derive(
            &self.docker,
            package,
            Languages::table(),
            &self.options,
            self.python,
        )
        .await
        .map_err(|err| anyhow::anyhow!("{err:#}, or pass --time-limit"))?;
        let limit =
            TimeLimitMs::from_seconds(derived.seconds).map_err(|err| anyhow::anyhow!("{derived}: {err}"))?;
        Ok(KnownTimeLimit {
            limit,
            source: derived.to_string(),
        })
    }
}

pub async fn export(args: ExportArgs) -> anyhow::Result<()> {
    let db = crate::db::connect(&args.database).await?;
    let store = crate::storage::open(&args.storage).await?;
    let problem = records::find(&db, &args.slug)
        .await?
        .with_context(|| format!("no problem has the slug {:?}", args.slug))?;
    let cache = TestDataCache::new(
        args.problems.cache_dir.clone(),
        args.problems.cache_max_bytes,
        store,
    );
    let zip = export::export_zip(&db, &cache, &problem).await?;
    std::fs::write(&args.out, &zip).with_context(|| format!("cannot write {}", args.out.display()))?;
    println!(
        "exported {} to {} ({} bytes)",
        problem.slug,
        args.out.display(),
        zip.len()
    );
    Ok(())
}
