//! The `coderank` command line: one subcommand per process role.
//!
//! Settings come from flags, then the environment, then the env file that `scripts/bootstrap`
//! writes (`.env` in the working directory unless `--env-file` or `CODERANK_ENV_FILE` says
//! otherwise). Variables already in the environment win over the file.

use std::{ffi::OsString, path::PathBuf};

use anyhow::Context;
use clap::{Args, Parser, Subcommand};

use crate::config::{DatabaseConfig, LogConfig, ServeConfig};

#[derive(Debug, Parser)]
#[command(
    name = "coderank",
    version,
    about = "CodeRank, an online judge",
    propagate_version = true
)]
pub struct Cli {
    /// Env file to read settings from; a missing default file is fine, a missing named one is not.
    #[arg(long, env = "CODERANK_ENV_FILE", default_value = ".env", global = true)]
    pub env_file: PathBuf,

    #[command(flatten)]
    pub log: LogConfig,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP API (migrating the database first unless told not to).
    Serve(Box<ServeConfig>),
    /// Judge queued submissions (as many at once as --slots).
    Worker(Box<crate::config::WorkerConfig>),
    /// Apply pending database migrations and exit.
    Migrate(MigrateArgs),
    /// Measure the judge on this machine (per-test overhead, end-to-end judging, a baseline).
    Bench(crate::bench::judge::BenchArgs),
    /// Measure the whole submission path here (HTTP, queue, workers, verdicts, leaderboard),
    /// in a scratch database `coderank_bench`.
    BenchPipeline(Box<crate::bench::pipeline::PipelineArgs>),
    /// Judge one source file, or a folder of files, against a problem folder, with Docker alone.
    Judge(Box<crate::judge::commands::JudgeArgs>),
    /// List the languages CodeRank judges, with the versions their images really hold.
    Languages(crate::judge::commands::LanguagesArgs),
    /// Check problem packages.
    Problem {
        #[command(subcommand)]
        command: ProblemCommand,
    },
    /// Manage the judge images.
    Images {
        #[command(subcommand)]
        command: ImagesCommand,
    },
    /// Manage users.
    User {
        #[command(subcommand)]
        command: crate::accounts::commands::UserCommand,
    },
    /// Manage sign-in: signing keys.
    Auth {
        #[command(subcommand)]
        command: crate::accounts::commands::AuthCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum ProblemCommand {
    /// Judge every submission under submissions/ and check it gets the verdict its folder says.
    Verify(crate::judge::commands::VerifyArgs),
    /// Import problem packages (folders or zips) into the database and object store.
    Import(Box<crate::problems::commands::ImportArgs>),
    /// Export a problem as a package zip.
    Export(Box<crate::problems::commands::ExportArgs>),
}

#[derive(Debug, Subcommand)]
pub enum ImagesCommand {
    /// Build the judge images from judge-images/ (the base image first).
    Build(crate::judge::commands::ImagesBuildArgs),
}

#[derive(Debug, Args)]
pub struct MigrateArgs {
    #[command(flatten)]
    pub database: DatabaseConfig,
}

impl Cli {
    /// Loads the env file named on the command line (or the default one), then parses the
    /// arguments, so that values from the file count as environment variables for clap.
    pub fn parse_with_env_file() -> Self {
        let args: Vec<OsString> = std::env::args_os().collect();
        if let Err(err) = load_env_file(&args) {
            eprintln!("error: {err:#}");
            std::process::exit(2);
        }
        Self::parse_from(args)
    }
}

fn load_env_file(args: &[OsString]) -> anyhow::Result<()> {
    let named = named_env_file(args).or_else(|| std::env::var_os("CODERANK_ENV_FILE").map(PathBuf::from));
    let path = named.clone().unwrap_or_else(|| PathBuf::from(".env"));
    match dotenvy::from_path(&path) {
        Ok(()) => Ok(()),
        Err(dotenvy::Error::Io(err)) if err.kind() == std::io::ErrorKind::NotFound && named.is_none() => {
            Ok(())
        }
        Err(err) => Err(err).with_context(|| format!("cannot read env file {}", path.display())),
    }
}

/// The value of `--env-file PATH` or `--env-file=PATH`, read before clap runs.
fn named_env_file(args: &[OsString]) -> Option<PathBuf> {
    let mut iter = args.iter().skip(1);
    while let Some(arg) = iter.next() {
        let arg = arg.to_str()?;
        if arg == "--env-file" {
            return iter.next().map(PathBuf::from);
        }
        if let Some(value) = arg.strip_prefix("--env-file=") {
            return Some(PathBuf::from(value));
        }
    }
    None
}

/// Runs the chosen subcommand to completion.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(config) => crate::server::serve(*config).await,
        Command::Migrate(args) => {
            let pool = crate::db::connect(&args.database).await?;
            let applied = crate::db::migrate(&pool).await?;
            println!("database is up to date ({applied} migration(s) applied now)");
            Ok(())
        }
        Command::Worker(args) => crate::server::worker(*args).await,
        Command::Judge(args) => crate::judge::commands::judge(*args).await,
        Command::Bench(args) => crate::bench::judge::bench(args).await,
        Command::BenchPipeline(args) => {
            let args = *args;
            crate::bench::pipeline::pipeline(args.serve, args.burst, args.samples).await
        }
        Command::Languages(args) => crate::judge::commands::languages(args).await,
        Command::Problem {
            command: ProblemCommand::Verify(args),
        } => crate::judge::commands::verify(args).await,
        Command::Problem {
            command: ProblemCommand::Import(args),
        } => crate::problems::commands::import(*args).await,
        Command::Problem {
            command: ProblemCommand::Export(args),
        } => crate::problems::commands::export(*args).await,
        Command::Images {
            command: ImagesCommand::Build(args),
        } => crate::judge::commands::build_images(args).await,
        Command::User { command } => crate::accounts::commands::user(command).await,
        Command::Auth { command } => crate::accounts::commands::auth(command).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    #[test]
    fn the_env_file_is_found_in_both_flag_spellings() {
        assert_eq!(
            named_env_file(&args(&["coderank", "--env-file", "a.env", "serve"])),
            Some("a.env".into())
        );
        assert_eq!(
            named_env_file(&args(&["coderank", "serve", "--env-file=b.env"])),
            Some("b.env".into())
        );
        assert_eq!(named_env_file(&args(&["coderank", "serve"])), None);
    }

    #[test]
    fn every_subcommand_parses_with_defaults_alone() {
        Cli::try_parse_from(["coderank", "serve"]).expect("serve parses");
        Cli::try_parse_from(["coderank", "migrate"]).expect("migrate parses");
    }

    /// Every setting that can hold a secret (a password in a URL, a key, a client secret) hides
    /// its environment value from `--help`, in every subcommand that takes it.
    #[test]
    fn no_help_prints_the_value_of_a_secret_setting() {
        use clap::CommandFactory;
        fn walk(command: &clap::Command, path: &str, found: &mut Vec<String>) {
            for arg in command.get_arguments() {
                let Some(env) = arg.get_env().and_then(|env| env.to_str()) else {
                    continue;
                };
                // `CODERANK_RATE_PASSWORD` is a rate limit, not a password.
                let password = env.contains("PASSWORD") && !env.starts_with("CODERANK_RATE_");
                let secret = env == "DATABASE_URL" || env.contains("SECRET") || password;
                if secret && !arg.is_hide_env_values_set() {
                    found.push(format!("{path}: {env}"));
                }
            }
            for sub in command.get_subcommands() {
                walk(sub, &format!("{path} {}", sub.get_name()), found);
            }
        }
        let mut shown = Vec::new();
        walk(&Cli::command(), "coderank", &mut shown);
        assert!(shown.is_empty(), "--help would print these secrets: {shown:?}");
    }

    #[test]
    fn the_clap_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
