//! `coderank problem import` and `coderank problem export`.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;

use super::{
    cache::TestDataCache,
    export,
    import::{self, ImportError, ImportOptions},
    records,
};
use crate::config::{DatabaseConfig, ProblemsConfig, StorageConfig};

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
    let options = ImportOptions {
        slug: args.slug.clone(),
        publish: args.publish,
        author: None,
    };
    for package in packages {
        let result = if package.is_dir() {
            import::import_dir(&db, &store, &args.problems, &package, options.clone()).await
        } else {
            let zip =
                std::fs::read(&package).with_context(|| format!("cannot read {}", package.display()))?;
            import::import_zip(&db, &store, &args.problems, zip.into(), options.clone()).await
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
