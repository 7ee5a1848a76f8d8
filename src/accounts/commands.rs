//! `coderank user …` and `coderank auth …`: account administration from the shell, for the
//! first admin and for installations without a web console at hand.

use std::{io::Read, time::Duration};

use anyhow::Context;
use clap::{Args, Subcommand};

use super::{
    keys::KeyRing,
    passwords, recovery,
    users::{self, CreateError, DisplayName, Email, NewPassword, Role},
};
use crate::config::DatabaseConfig;

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user (a local account when a password is given on stdin).
    Create(CreateArgs),
    /// List every user.
    List(ListArgs),
    /// Make a user an admin, or a plain user again.
    SetRole(SetRoleArgs),
    /// Set a user's judging priority, 0 (everyone's default) to 100: a premium user's fresh
    /// submissions are judged before earlier ones of users with a lower priority.
    SetPriority(SetPriorityArgs),
    /// Print a one-time link that lets its holder set the user's password (valid for an hour;
    /// using it ends all the user's sessions). Hand it over yourself: no e-mail is sent.
    ResetLink(ResetLinkArgs),
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    #[arg(long)]
    pub email: String,
    /// Display name; the part of the e-mail before `@` when not given.
    #[arg(long)]
    pub name: Option<String>,
    /// Make the user an admin.
    #[arg(long)]
    pub admin: bool,
    /// Read the password from standard input (its first line), e.g. `echo "$PW" | coderank …`.
    #[arg(long)]
    pub password_stdin: bool,
    /// Succeed without changing anything when the e-mail already has an account.
    #[arg(long)]
    pub exists_ok: bool,
    #[command(flatten)]
    pub database: DatabaseConfig,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Print JSON lines instead of a table.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub database: DatabaseConfig,
}

#[derive(Debug, Args)]
pub struct SetRoleArgs {
    pub email: String,
    pub role: Role,
    #[command(flatten)]
    pub database: DatabaseConfig,
}

#[derive(Debug, Args)]
pub struct SetPriorityArgs {
    pub email: String,
    /// 0 (everyone's default) to 100.
    #[arg(allow_negative_numbers = true, value_parser = clap::value_parser!(i32).range(0..=users::MAX_PRIORITY as i64))]
    pub priority: i32,
    #[command(flatten)]
    pub database: DatabaseConfig,
}

#[derive(Debug, Args)]
pub struct ResetLinkArgs {
    /// The user: their e-mail address or their id.
    pub user: String,
    /// The URL users reach CodeRank at; the link is built on it.
    #[arg(long, env = "CODERANK_PUBLIC_URL", default_value = "http://127.0.0.1:8080")]
    pub public_url: url::Url,
    #[command(flatten)]
    pub database: DatabaseConfig,
}

#[derive(Debug, Subcommand)]
pub enum AuthCommand {
    /// Sign new access tokens with a new key; tokens signed by the old one stay valid until
    /// they expire.
    RotateKey(RotateKeyArgs),
}

#[derive(Debug, Args)]
pub struct RotateKeyArgs {
    /// How long tokens signed by the retired key keep working: the access-token lifetime.
    #[arg(long, env = "CODERANK_ACCESS_TOKEN_TTL_SECS", default_value_t = 900)]
    pub access_token_ttl_secs: u64,
    #[command(flatten)]
    pub database: DatabaseConfig,
}

pub async fn user(command: UserCommand) -> anyhow::Result<()> {
    match command {
        UserCommand::Create(args) => create(args).await,
        UserCommand::List(args) => list(args).await,
        UserCommand::SetRole(args) => {
            let change = users::Change {
                role: Some(args.role),
                ..Default::default()
            };
            change_user(&args.database, &args.email, change).await?;
            println!("{} is now {}", args.email.trim(), args.role.as_str());
            Ok(())
        }
        UserCommand::SetPriority(args) => {
            let change = users::Change {
                priority: Some(args.priority),
                ..Default::default()
            };
            change_user(&args.database, &args.email, change).await?;
            println!("{} now has priority {}", args.email.trim(), args.priority);
            Ok(())
        }
        UserCommand::ResetLink(args) => reset_link(args).await,
    }
}

pub async fn auth(command: AuthCommand) -> anyhow::Result<()> {
    match command {
        AuthCommand::RotateKey(args) => {
            let db = crate::db::connect(&args.database).await?;
            let kid = KeyRing::new(db, Duration::from_secs(args.access_token_ttl_secs))
                .rotate()
                .await?;
            println!(
                "new signing key {kid}; the previous one verifies for {} s more",
                args.access_token_ttl_secs
            );
            Ok(())
        }
    }
}

async fn create(args: CreateArgs) -> anyhow::Result<()> {
    let email = Email::parse(&args.email).map_err(anyhow::Error::msg)?;
    let name = match &args.name {
        Some(name) => DisplayName::parse(name).map_err(anyhow::Error::msg)?,
        None => DisplayName::lossy(email.as_str().split('@').next().unwrap_or("user")),
    };
    let password_hash = if args.password_stdin {
        let mut input = String::new();
        std::io::stdin()
            .read_to_string(&mut input)
            .context("cannot read the password from standard input")?;
        let first_line = input.lines().next().unwrap_or_default();
        let password = NewPassword::parse(first_line).map_err(anyhow::Error::msg)?;
        Some(passwords::hash(password.0).await?)
    } else {
        None
    };
    let role = if args.admin { Role::Admin } else { Role::User };
    let db = crate::db::connect(&args.database).await?;
    crate::db::migrate(&db).await?;
    match users::create(&db, Some(&email), &name, role, password_hash.as_deref()).await {
        Ok(user) => {
            println!("created {} {} ({})", user.role.as_str(), email.as_str(), user.id);
            Ok(())
        }
        Err(CreateError::EmailTaken(_)) if args.exists_ok => {
            println!("{} already has an account; left as it is", email.as_str());
            Ok(())
        }
        Err(err) => Err(err.into()),
    }
}

async fn list(args: ListArgs) -> anyhow::Result<()> {
    let db = crate::db::connect(&args.database).await?;
    let all = users::list(&db).await?;
    if args.json {
        for user in &all {
            println!("{}", serde_json::to_string(user)?);
        }
        return Ok(());
    }
    println!(
        "{:<36}  {:<5}  {:<8}  {:>8}  {:<32}  NAME",
        "ID", "ROLE", "STATE", "PRIORITY", "EMAIL"
    );
    for user in &all {
        println!(
            "{:<36}  {:<5}  {:<8}  {:>8}  {:<32}  {}",
            user.id,
            user.role.as_str(),
            if user.disabled { "disabled" } else { "active" },
            user.priority,
            user.email.as_deref().unwrap_or("-"),
            user.display_name
        );
    }
    Ok(())
}

/// Applies an admin's change to the user with this e-mail.
async fn change_user(database: &DatabaseConfig, email: &str, change: users::Change) -> anyhow::Result<()> {
    let email = Email::parse(email).map_err(anyhow::Error::msg)?;
    let db = crate::db::connect(database).await?;
    let user = users::find_by_email(&db, &email)
        .await?
        .with_context(|| format!("no user has the e-mail {}", email.as_str()))?;
    users::update(&db, user.id, change).await?;
    Ok(())
}

async fn reset_link(args: ResetLinkArgs) -> anyhow::Result<()> {
    let db = crate::db::connect(&args.database).await?;
    let user = match args.user.parse::<uuid::Uuid>() {
        Ok(id) => users::find(&db, id).await?,
        Err(_) => {
            let email = Email::parse(&args.user).map_err(anyhow::Error::msg)?;
            users::find_by_email(&db, &email).await?
        }
    }
    .with_context(|| format!("no user has the e-mail or id {}", args.user))?;
    let link = recovery::issue_reset_link(&db, &args.public_url, user.id, None).await?;
    eprintln!(
        "a one-time link to set the password of {} ({}), valid until {}:",
        user.display_name,
        user.email.as_deref().unwrap_or("no e-mail"),
        link.expires_at.format("%Y-%m-%d %H:%M UTC")
    );
    println!("{}", link.url);
    Ok(())
}
