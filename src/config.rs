//! The checked configuration of a scan, built from the command line and `.sprawl.yml`.
//!
//! This is the only module that reads clap types. Everything it hands out (the rule set, walk
//! options, excludes, report options) is validated here, so the engine below never meets a bad
//! value, and every error names the flag, file, line or field at fault.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::Deserialize;

use crate::cli::{ColorArg, FormatArg, RuleSourceArgs, ScanArgs};
use crate::report::{ColorChoice, Format, ReportOptions};
use crate::rules::{self, RuleSet};
use crate::source::{Excludes, WalkOptions};
use crate::yaml::parse_yaml;

/// The name of the config file looked for at the scan root.
pub const CONFIG_FILE_NAME: &str = ".sprawl.yml";

/// What a scan reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A file or folder.
    Path(PathBuf),
    /// Standard input (`-`).
    Stdin,
}

/// How much sprawl says on standard error besides findings and errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verbosity {
    /// Nothing but errors.
    Quiet,
    /// A summary line.
    Normal,
    /// The summary, the config used, and every skipped file.
    Verbose,
}

/// A validated scan configuration.
#[derive(Debug)]
pub struct ScanConfig {
    /// What to scan, in command-line order.
    pub inputs: Vec<Input>,
    /// Walk options.
    pub walk: WalkOptions,
    /// Paths left out by the config file.
    pub excludes: Option<Excludes>,
    /// The config file in use, if any.
    pub config_file: Option<PathBuf>,
    /// Every rule, built-in and the user's.
    pub rules: RuleSet,
    /// How to write the report.
    pub report: ReportOptions,
    /// Where to write it (standard output if `None`).
    pub output: Option<PathBuf>,
    /// The exit code when secrets are found.
    pub exit_code: u8,
    /// How chatty to be.
    pub verbosity: Verbosity,
}

/// `.sprawl.yml`, as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// Gitignore-style globs, relative to the config file's folder, of paths not to scan.
    #[serde(default)]
    pub exclude_paths: Vec<String>,
}

impl ScanConfig {
    /// Checks the arguments of `sprawl scan`, finds and reads the config file, and loads the
    /// rules.
    pub fn from_args(args: &ScanArgs) -> Result<ScanConfig> {
        let inputs = inputs_of(&args.paths)?;
        let max_file_size = parse_size(&args.max_file_size)
            .with_context(|| format!("invalid --max-file-size `{}`", args.max_file_size))?;
        let threads = match args.threads {
            Some(0) => bail!("--threads must be at least 1"),
            Some(n) => n,
            None => std::thread::available_parallelism().map_or(1, |n| n.get()),
        };
        let config_file = if args.no_config {
            None
        } else if let Some(path) = &args.config {
            Some(path.clone())
        } else {
            discover_config(&scan_root(&inputs))
        };
        let file = match &config_file {
            Some(path) => read_config_file(path)?,
            None => ConfigFile::default(),
        };
        let excludes = match (&config_file, file.exclude_paths.is_empty()) {
            (Some(path), false) => {
                let base = path.parent().unwrap_or(Path::new("."));
                let base = if base.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    base
                };
                Some(
                    Excludes::new(base, &file.exclude_paths)
                        .map_err(anyhow::Error::msg)
                        .with_context(|| format!("{}: field `exclude_paths`", path.display()))?,
                )
            }
            _ => None,
        };
        Ok(ScanConfig {
            inputs,
            walk: WalkOptions {
                respect_ignore_files: !args.no_ignore,
                follow_symlinks: args.follow_symlinks,
                max_file_size,
                threads,
            },
            excludes,
            config_file,
            rules: load_rules(&args.rules)?,
            report: ReportOptions {
                format: format_of(args.format),
                redact: !args.no_redact,
                color: color_of(args.color),
            },
            output: args.output.clone(),
            exit_code: args.exit_code,
            verbosity: if args.quiet {
                Verbosity::Quiet
            } else if args.verbose {
                Verbosity::Verbose
            } else {
                Verbosity::Normal
            },
        })
    }
}

/// The built-in rules plus every file or folder given with `--rules`.
pub fn load_rules(args: &RuleSourceArgs) -> Result<RuleSet> {
    let mut all =
        rules::builtin::load().context("the built-in rules are invalid (a bug in sprawl)")?;
    for path in &args.rule_paths {
        let mut more = rules::load_path(path)?;
        all.append(&mut more);
    }
    Ok(RuleSet::new(all)?)
}

fn inputs_of(paths: &[PathBuf]) -> Result<Vec<Input>> {
    let mut inputs = Vec::with_capacity(paths.len());
    for path in paths {
        if path.as_os_str() == "-" {
            if inputs.contains(&Input::Stdin) {
                bail!("`-` (standard input) is given more than once");
            }
            inputs.push(Input::Stdin);
        } else if std::fs::symlink_metadata(path).is_err() {
            bail!("{}: no such file or folder", path.display());
        } else {
            inputs.push(Input::Path(path.clone()));
        }
    }
    Ok(inputs)
}

/// The folder a scan is rooted at: the first folder given, else the current one.
fn scan_root(inputs: &[Input]) -> PathBuf {
    inputs
        .iter()
        .find_map(|input| match input {
            Input::Path(path) if path.is_dir() => Some(path.clone()),
            _ => None,
        })
        .unwrap_or_else(|| PathBuf::from("."))
}

/// `.sprawl.yml` at `root`, or in a folder above it up to the root of the git repository that
/// holds it.
fn discover_config(root: &Path) -> Option<PathBuf> {
    let root = std::path::absolute(root).ok()?;
    let in_repo = root.ancestors().any(|dir| dir.join(".git").exists());
    for dir in root.ancestors() {
        let candidate = dir.join(CONFIG_FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        if !in_repo || dir.join(".git").exists() {
            break;
        }
    }
    None
}

/// Reads and parses a config file; errors name the file, line and field.
pub fn read_config_file(path: &Path) -> Result<ConfigFile> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read config file {}", path.display()))?;
    if text.trim().is_empty() {
        return Ok(ConfigFile::default());
    }
    parse_yaml(&text).map_err(|err| match err.line {
        Some(line) => anyhow::anyhow!("{}:{line}: invalid config: {}", path.display(), err.message),
        None => anyhow::anyhow!("{}: invalid config: {}", path.display(), err.message),
    })
}

/// Parses a size: plain bytes, or a number with a unit. K, M, G, KiB, MiB, GiB are powers of
/// 1024; KB, MB, GB are powers of 1000. Case does not matter; a fraction is allowed (`1.5G`).
pub fn parse_size(text: &str) -> Result<u64> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number
        .parse()
        .ok()
        .filter(|n: &f64| n.is_finite())
        .with_context(|| format!("`{text}` does not start with a number"))?;
    let multiplier: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kib" => 1 << 10,
        "m" | "mib" => 1 << 20,
        "g" | "gib" => 1 << 30,
        "kb" => 1_000,
        "mb" => 1_000_000,
        "gb" => 1_000_000_000,
        other => bail!("unknown unit `{other}` (use K, M, G, KiB, MiB, GiB, KB, MB or GB)"),
    };
    let bytes = number * multiplier as f64;
    if bytes > u64::MAX as f64 {
        bail!("`{text}` is too large");
    }
    Ok(bytes as u64)
}

fn format_of(arg: FormatArg) -> Format {
    match arg {
        FormatArg::Text => Format::Text,
        FormatArg::Json => Format::Json,
        FormatArg::Jsonl => Format::Jsonl,
        FormatArg::Sarif => Format::Sarif,
    }
}

fn color_of(arg: ColorArg) -> ColorChoice {
    match arg {
        ColorArg::Auto => ColorChoice::Auto,
        ColorArg::Always => ColorChoice::Always,
        ColorArg::Never => ColorChoice::Never,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_take_binary_and_decimal_units() {
        assert_eq!(parse_size("123").unwrap(), 123);
        assert_eq!(parse_size("25MiB").unwrap(), 25 << 20);
        assert_eq!(parse_size("10MB").unwrap(), 10_000_000);
        assert_eq!(parse_size("1G").unwrap(), 1 << 30);
        assert_eq!(parse_size("1g").unwrap(), 1 << 30);
        assert_eq!(parse_size("512k").unwrap(), 512 << 10);
        assert_eq!(parse_size("1.5K").unwrap(), 1536);
        assert_eq!(parse_size("0").unwrap(), 0);
    }

    #[test]
    fn bad_sizes_say_why() {
        assert!(parse_size("ten")
            .unwrap_err()
            .to_string()
            .contains("number"));
        assert!(parse_size("10 parsecs")
            .unwrap_err()
            .to_string()
            .contains("unit"));
        assert!(parse_size("").is_err());
        assert!(parse_size("1e400").is_err());
    }

    #[test]
    fn config_errors_name_file_line_and_field() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(CONFIG_FILE_NAME);
        std::fs::write(&path, "exclude_paths: [a]\nexclude_path: [b]\n").unwrap();
        let err = read_config_file(&path).unwrap_err().to_string();
        assert!(err.contains(".sprawl.yml:2:"), "{err}");
        assert!(err.contains("exclude_path"), "{err}");
    }

    #[test]
    fn config_is_found_at_the_root_or_up_to_the_repository_root() {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().join("repo");
        let deep = repo.join("a/b");
        std::fs::create_dir_all(&deep).unwrap();
        std::fs::create_dir(repo.join(".git")).unwrap();
        assert_eq!(discover_config(&deep), None);
        std::fs::write(repo.join(CONFIG_FILE_NAME), "").unwrap();
        assert_eq!(discover_config(&deep), Some(repo.join(CONFIG_FILE_NAME)));
        std::fs::write(deep.join(CONFIG_FILE_NAME), "").unwrap();
        assert_eq!(discover_config(&deep), Some(deep.join(CONFIG_FILE_NAME)));
        // Outside a repository only the root itself is looked at.
        let loose = dir.path().join("loose/x");
        std::fs::create_dir_all(&loose).unwrap();
        std::fs::write(dir.path().join("loose").join(CONFIG_FILE_NAME), "").unwrap();
        assert_eq!(discover_config(&loose), None);
    }
}
