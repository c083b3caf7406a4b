//! The `sprawl` binary: parse the command line, run it, map the outcome to an exit code.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = sprawl::cli::Cli::parse();
    match sprawl::run::run(&cli) {
        Ok(outcome) => ExitCode::from(outcome.exit_code()),
        Err(err) => {
            eprintln!("sprawl: error: {err:#}");
            ExitCode::from(2)
        }
    }
}
