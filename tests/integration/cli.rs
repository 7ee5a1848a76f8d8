//! The binary as a user meets it: help, a clear error for bad settings, and a clean stop.

use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use crate::helpers::{fresh_database, services};

fn coderank() -> Command {
    Command::new(env!("CARGO_BIN_EXE_coderank"))
}

#[test]
fn help_names_every_subcommand_and_each_has_its_own_help() {
    let output = coderank().arg("--help").output().expect("run");
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    for subcommand in ["serve", "migrate"] {
        assert!(help.contains(subcommand), "{help}");
        let output = coderank().args([subcommand, "--help"]).output().expect("run");
        assert!(output.status.success(), "{subcommand} --help failed");
    }
    let serve = String::from_utf8_lossy(&coderank().args(["serve", "--help"]).output().expect("run").stdout)
        .into_owned();
    for setting in ["CODERANK_BIND", "DATABASE_URL", "S3_ENDPOINT", "DOCKER_HOST"] {
        assert!(serve.contains(setting), "serve --help does not mention {setting}");
    }
}

#[test]
fn a_named_env_file_that_does_not_exist_is_an_error() {
    let output = coderank()
        .args(["--env-file", "/nonexistent/coderank.env", "migrate"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("cannot read env file /nonexistent/coderank.env")
    );
}

#[test]
fn a_malformed_setting_is_rejected_with_the_setting_named() {
    let output = coderank()
        .args(["serve", "--bind", "not-an-address"])
        .output()
        .expect("run");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("--bind"));
}

#[tokio::test]
async fn serve_stops_cleanly_on_ctrl_c() {
    let database = fresh_database(&services()).await;
    let mut child = coderank()
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env("DATABASE_URL", &database)
        .env("CODERANK_LOG_FORMAT", "text")
        .stderr(Stdio::piped())
        .spawn()
        .expect("start serve");
    let stderr = child.stderr.take().expect("stderr");
    let reader = tokio::task::spawn_blocking(move || {
        let mut lines = BufReader::new(stderr).lines();
        let mut seen = Vec::new();
        for line in lines.by_ref() {
            let line = line.expect("utf-8 log");
            if let Some(rest) = line.split("address=").nth(1) {
                return (rest.split_whitespace().next().map(str::to_owned), lines);
            }
            seen.push(line);
        }
        panic!("serve exited without listening: {seen:?}");
    });
    let Ok(read) = tokio::time::timeout(Duration::from_secs(60), reader).await else {
        let _ = child.kill();
        panic!("serve did not report its address within 60 s");
    };
    let (address, lines) = read.expect("reader");
    let address = address.expect("an address");
    let body = reqwest::get(format!("http://{address}/healthz"))
        .await
        .expect("healthz")
        .status();
    assert_eq!(body, 200);

    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill -INT");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "serve did not stop within 10 s of Ctrl-C"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "serve exited with {status}");
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(
        rest.iter().any(|line| line.contains("Ctrl-C received")),
        "{rest:?}"
    );
}

/// Settings that hold secrets, each with a value no help or error may print.
const SECRETS: [(&str, &str); 4] = [
    (
        "DATABASE_URL",
        "postgres://coderank:db-password-7f3a@127.0.0.1:1/coderank",
    ),
    ("S3_SECRET_ACCESS_KEY", "s3-secret-9c2e"),
    ("CODERANK_OAUTH_GITHUB_CLIENT_SECRET", "oauth-secret-4b1d"),
    ("CODERANK_OAUTH_FACEBOOK_CLIENT_SECRET", "oauth-secret-8e6f"),
];

/// The binary with every secret setting set, and no env file to read.
fn coderank_with_secrets() -> Command {
    let mut command = coderank();
    command
        .current_dir(std::env::temp_dir())
        .env("CODERANK_ENV_FILE", "/dev/null")
        .env("CODERANK_OAUTH_PROVIDERS", "github,facebook")
        .env("CODERANK_OAUTH_GITHUB_CLIENT_ID", "gh")
        .env("CODERANK_OAUTH_FACEBOOK_CLIENT_ID", "fb");
    for (name, value) in SECRETS {
        command.env(name, value);
    }
    command
}

fn assert_no_secret(what: &str, text: &str) {
    for (name, value) in SECRETS {
        let password = value.split([':', '@']).nth(2).unwrap_or(value);
        assert!(
            !text.contains(value) && !text.contains(password),
            "{what} prints {name}:\n{text}"
        );
    }
}

/// The subcommands a help text lists under `Commands:`.
fn subcommands(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|line| !line.starts_with("Commands:"))
        .skip(1)
        .take_while(|line| line.starts_with("  "))
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_owned)
        .collect()
}

#[test]
fn no_help_of_any_subcommand_prints_a_secret_from_the_environment() {
    let mut pending = vec![Vec::<String>::new()];
    let mut seen = 0;
    while let Some(path) = pending.pop() {
        let output = coderank_with_secrets()
            .args(&path)
            .arg("--help")
            .output()
            .expect("run");
        let help = String::from_utf8_lossy(&output.stdout).into_owned();
        assert!(output.status.success(), "{path:?} --help failed: {help}");
        assert_no_secret(&format!("coderank {} --help", path.join(" ")), &help);
        assert_no_secret("stderr", &String::from_utf8_lossy(&output.stderr));
        seen += 1;
        for name in subcommands(&help) {
            let mut deeper = path.clone();
            deeper.push(name);
            pending.push(deeper);
        }
    }
    assert!(seen > 15, "only {seen} help texts were read");
    let serve = coderank_with_secrets()
        .args(["serve", "--help"])
        .output()
        .expect("run");
    let serve = String::from_utf8_lossy(&serve.stdout);
    assert!(
        serve.contains("DATABASE_URL") && serve.contains("S3_SECRET_ACCESS_KEY"),
        "{serve}"
    );
}

#[test]
fn a_database_that_cannot_be_reached_is_named_without_its_password() {
    for command in [&["migrate"][..], &["user", "list"], &["auth", "rotate-key"]] {
        let output = coderank_with_secrets()
            .args(command)
            .env("DATABASE_ACQUIRE_TIMEOUT_MS", "500")
            .output()
            .expect("run");
        assert!(!output.status.success(), "{command:?} succeeded");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("127.0.0.1:1/coderank"), "{command:?}: {stderr}");
        assert_no_secret(&format!("{command:?} failing"), &stderr);
        assert_no_secret(
            &format!("{command:?} failing"),
            &String::from_utf8_lossy(&output.stdout),
        );
    }
}
