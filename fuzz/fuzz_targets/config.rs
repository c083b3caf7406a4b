//! The config loader: `.sprawl.yml` bytes -> parse -> every check `sprawl scan` makes of it
//! (sizes, globs, rule overrides, allow lists, the archive section). Errors are fine; a panic,
//! a hang or unbounded memory is not.

#![no_main]

use std::sync::OnceLock;

use clap::Parser;
use libfuzzer_sys::fuzz_target;
use sprawl::cli::{Cli, Command};
use sprawl::config::ScanConfig;

/// One folder per fuzzing process, holding the config file rewritten for each input.
fn dir() -> &'static tempfile::TempDir {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("a temp dir for the fuzzer"))
}

fuzz_target!(|data: &[u8]| {
    let dir = dir().path();
    let config = dir.join(".sprawl.yml");
    std::fs::write(&config, data).expect("the fuzzer's temp dir is writable");
    let cli = Cli::try_parse_from([
        "sprawl".as_ref(),
        "scan".as_ref(),
        "--config".as_ref(),
        config.as_os_str(),
        dir.as_os_str(),
    ])
    .expect("fixed arguments parse");
    let Command::Scan(args) = cli.command else {
        unreachable!("the arguments name `scan`");
    };
    let _ = ScanConfig::from_scan_args(&args);
});
