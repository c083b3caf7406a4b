//! The `sprawl` binary: parse the command line, run it, map the outcome to an exit code.

use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::Parser;

fn main() -> ExitCode {
    let cli = match sprawl::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => return usage_error(&err),
    };
    match sprawl::run::run(&cli) {
        Ok(outcome) => ExitCode::from(outcome.exit_code()),
        Err(err) => {
            eprintln!("sprawl: error: {err:#}");
            ExitCode::from(2)
        }
    }
}

/// `--help` and `--version` as clap prints them (exit 0); a bad command line in sprawl's own
/// error style (`sprawl: error: ...`, then clap's usage and tip), exit 2.
fn usage_error(err: &clap::Error) -> ExitCode {
    if matches!(
        err.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let _ = err.print();
        return ExitCode::from(if err.use_stderr() { 2 } else { 0 });
    }
    // Rendered without colour, clap's message starts with `error: `.
    eprint!("sprawl: {}", err.render());
    ExitCode::from(2)
}
