//! `coderank languages` (each language with the compiler version its image really holds) and
//! `coderank images build`.

use std::{io::Write, path::PathBuf, time::Duration};

use anyhow::Context;
use clap::Args;
use futures::{stream, StreamExt};
use serde::Serialize;

use crate::{
    config::DockerConfig,
    docker::DockerEngine,
    judge::{
        images,
        languages::{Language, Languages, BASE_IMAGE},
    },
};

#[derive(Debug, Args)]
pub struct LanguagesArgs {
    /// Print one JSON array instead of a table.
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub docker: DockerConfig,
}

#[derive(Debug, Serialize)]
struct LanguageReport<'a> {
    id: &'a str,
    name: &'a str,
    extensions: &'a [String],
    image: &'a str,
    /// First line the version command printed, or `null` when it could not run.
    version: Option<String>,
    /// Why the version is missing.
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// `coderank languages`: every language with the compiler version its image really holds.
pub async fn languages(args: LanguagesArgs) -> anyhow::Result<()> {
    let table = Languages::table();
    let docker = DockerEngine::new(&args.docker)?.client().await?;
    let reports: Vec<LanguageReport> = stream::iter(table.iter())
        .map(|language| {
            let docker = docker.clone();
            async move { probe(&docker, language).await }
        })
        .buffered(4)
        .collect()
        .await;
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &reports)?;
        writeln!(out)?;
        return Ok(());
    }
    writeln!(out, "{:<11} {:<26} {:<28} VERSION", "ID", "NAME", "IMAGE")?;
    for report in &reports {
        let version = match (&report.version, &report.error) {
            (Some(version), _) => version.clone(),
            (None, Some(error)) => format!("unavailable: {error}"),
            (None, None) => "unavailable".to_owned(),
        };
        writeln!(
            out,
            "{:<11} {:<26} {:<28} {version}",
            report.id, report.name, report.image
        )?;
    }
    Ok(())
}

async fn probe<'a>(docker: &bollard::Docker, language: &'a Language) -> LanguageReport<'a> {
    let outcome = match images::exists(docker, &language.image).await {
        Ok(false) => Err(format!(
            "image missing: run `coderank images build {}`",
            language.id
        )),
        Err(err) => Err(format!("{err:#}")),
        Ok(true) => images::run_once(
            docker,
            &language.image,
            &language.version,
            Duration::from_secs(60),
        )
        .await
        .map_err(|err| format!("{err:#}"))
        .and_then(|output| {
            let first = output.text.lines().map(str::trim).find(|line| !line.is_empty());
            match (output.exit_code, first) {
                (0, Some(line)) => Ok(line.to_owned()),
                (code, _) => Err(format!("version command exited with {code}")),
            }
        }),
    };
    let (version, error) = match outcome {
        Ok(version) => (Some(version), None),
        Err(error) => (None, Some(error)),
    };
    LanguageReport {
        id: language.id.as_str(),
        name: &language.name,
        extensions: &language.extensions,
        image: &language.image,
        version,
        error,
    }
}

#[derive(Debug, Args)]
pub struct ImagesBuildArgs {
    /// Languages whose images to build (default: all).
    pub languages: Vec<String>,

    /// Build only images that do not exist yet.
    #[arg(long)]
    pub missing: bool,

    /// Folder holding one Dockerfile folder per image family.
    #[arg(long, env = "CODERANK_IMAGES_DIR", default_value = "judge-images")]
    pub images_dir: PathBuf,

    #[command(flatten)]
    pub docker: DockerConfig,
}

/// `coderank images build`: builds the base image, then each requested language image, printing
/// the build's steps as it goes.
pub async fn build_images(args: ImagesBuildArgs) -> anyhow::Result<()> {
    let table = Languages::table();
    let mut wanted: Vec<&str> = if args.languages.is_empty() {
        table.images()
    } else {
        let mut images = Vec::new();
        for id in &args.languages {
            let image = table.get(id)?.image.as_str();
            if !images.contains(&image) {
                images.push(image);
            }
        }
        images
    };
    let docker = DockerEngine::new(&args.docker)?.client().await?;
    if args.missing {
        let mut missing = Vec::new();
        for image in wanted {
            if !images::exists(&docker, image).await? {
                missing.push(image);
            }
        }
        wanted = missing;
        if wanted.is_empty() {
            println!("every judge image is present");
            return Ok(());
        }
    }
    // Every family image is built FROM the base, so the base goes first; with --missing it is
    // rebuilt only when it is missing itself.
    if !args.missing || !images::exists(&docker, BASE_IMAGE).await? {
        wanted.insert(0, BASE_IMAGE);
    }
    let total = wanted.len();
    for (index, image) in wanted.iter().enumerate() {
        println!("[{}/{total}] building {image}", index + 1);
        let started = std::time::Instant::now();
        images::build(&docker, &args.images_dir, image, |line| {
            if line.starts_with("Step ") {
                println!("    {line}");
            }
        })
        .await
        .with_context(|| format!("see {} for the Dockerfile", args.images_dir.display()))?;
        println!(
            "[{}/{total}] built {image} in {:.1} s",
            index + 1,
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}
