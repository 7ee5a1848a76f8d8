//! The `coderank` binary: parses the command line and hands over to the library.

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = coderank::cli::Cli::parse_with_env_file();
    if let Err(err) = coderank::telemetry::init(&cli.log) {
        eprintln!("error: {err:#}");
        return ExitCode::FAILURE;
    }
    match coderank::cli::run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
