//! The checked configuration of a scan, built from the command line and `.sprawl.yml`.
//!
//! This is the only module that reads clap types. Everything it hands out (the rule set, walk
//! options, excludes, report options) is validated here, so the engine below never meets a bad
//! value, and every error names the flag, file, line or field at fault.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::Deserialize;

use crate::cli::{ColorArg, CommonArgs, FormatArg, GitArgs, RuleSourceArgs, ScanArgs};
use crate::report::{ColorChoice, Format, ReportOptions};
use crate::rules::{self, RuleSet};
use crate::source::git::Selection;
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

/// A validated scan configuration, for `sprawl scan` and `sprawl git`.
#[derive(Debug)]
pub struct ScanConfig {
    /// What to scan.
    pub target: Target,
    /// Files and blobs larger than this many bytes are skipped.
    pub max_file_size: u64,
    /// Scanning threads.
    pub threads: usize,
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

/// What a scan reads.
#[derive(Debug, Clone)]
pub enum Target {
    /// Files, folders and standard input (`sprawl scan`).
    Files {
        /// In command-line order.
        inputs: Vec<Input>,
        /// How folders are walked.
        walk: WalkOptions,
    },
    /// A git repository (`sprawl git`).
    Git {
        /// The repository path as given.
        repo: PathBuf,
        /// History or staged index.
        mode: GitMode,
    },
}

/// What part of a repository to scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GitMode {
    /// Blobs introduced by the selected commits.
    History {
        /// Which commits.
        selection: Selection,
        /// Report every place a secret was introduced, not only the oldest.
        all_occurrences: bool,
    },
    /// The staged index against HEAD, limited to `paths` if any.
    Staged {
        /// Paths as given (relative to the current folder).
        paths: Vec<PathBuf>,
    },
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
    /// Checks the arguments of `sprawl scan`.
    pub fn from_scan_args(args: &ScanArgs) -> Result<ScanConfig> {
        let inputs = inputs_of(&args.paths)?;
        let root = scan_root(&inputs);
        ScanConfig::build(&args.options, &root, |max_file_size, threads| {
            Target::Files {
                inputs,
                walk: WalkOptions {
                    respect_ignore_files: !args.no_ignore,
                    follow_symlinks: args.follow_symlinks,
                    max_file_size,
                    threads,
                },
            }
        })
    }

    /// Checks the arguments of `sprawl git`.
    pub fn from_git_args(args: &GitArgs) -> Result<ScanConfig> {
        if std::fs::metadata(&args.repo).is_err() {
            bail!("{}: no such folder", args.repo.display());
        }
        let mode = if args.staged {
            GitMode::Staged {
                paths: args.pathspecs.clone(),
            }
        } else {
            let selection = if let Some(range) = &args.range {
                parse_range(range)?
            } else if let Some(since) = &args.since_commit {
                Selection::Range {
                    from: since.clone(),
                    to: "HEAD".into(),
                }
            } else if let Some(branch) = &args.branch {
                Selection::Branch(branch.clone())
            } else {
                Selection::All
            };
            GitMode::History {
                selection,
                all_occurrences: args.all_occurrences,
            }
        };
        ScanConfig::build(&args.options, &args.repo, |_, _| Target::Git {
            repo: args.repo.clone(),
            mode,
        })
    }

    /// The parts every scan shares: limits, config file, excludes, rules, report options.
    fn build(
        options: &CommonArgs,
        root: &Path,
        target: impl FnOnce(u64, usize) -> Target,
    ) -> Result<ScanConfig> {
        let max_file_size = parse_size(&options.max_file_size)
            .with_context(|| format!("invalid --max-file-size `{}`", options.max_file_size))?;
        let threads = match options.threads {
            Some(0) => bail!("--threads must be at least 1"),
            Some(n) => n,
            None => std::thread::available_parallelism().map_or(1, |n| n.get()),
        };
        let config_file = if options.no_config {
            None
        } else if let Some(path) = &options.config {
            Some(path.clone())
        } else {
            discover_config(root)
        };
        let file = match &config_file {
            Some(path) => read_config_file(path)?,
            None => ConfigFile::default(),
        };
        let excludes = match (&config_file, file.exclude_paths.is_empty()) {
            (Some(path), false) => Some(excludes_of(path, &file.exclude_paths)?),
            _ => None,
        };
        Ok(ScanConfig {
            target: target(max_file_size, threads),
            max_file_size,
            threads,
            excludes,
            config_file,
            rules: load_rules(&options.rules)?,
            report: ReportOptions {
                format: format_of(options.format),
                redact: !options.no_redact,
                color: color_of(options.color),
            },
            output: options.output.clone(),
            exit_code: options.exit_code,
            verbosity: if options.quiet {
                Verbosity::Quiet
            } else if options.verbose {
                Verbosity::Verbose
            } else {
                Verbosity::Normal
            },
        })
    }
}

/// The excludes of a config file, relative to the folder that holds it.
fn excludes_of(config_file: &Path, globs: &[String]) -> Result<Excludes> {
    let base = match config_file.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    Excludes::new(base, globs)
        .map_err(anyhow::Error::msg)
        .with_context(|| format!("{}: field `exclude_paths`", config_file.display()))
}

/// `A..B` (or `A...B`): the commits reachable from B and not from A. An empty B is HEAD.
fn parse_range(range: &str) -> Result<Selection> {
    let (from, to) = range
        .split_once("...")
        .or_else(|| range.split_once(".."))
        .with_context(|| format!("invalid --range `{range}`: expected A..B"))?;
    if from.is_empty() {
        bail!("invalid --range `{range}`: the start (A in A..B) is missing");
    }
    Ok(Selection::Range {
        from: from.to_string(),
        to: if to.is_empty() { "HEAD" } else { to }.to_string(),
    })
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
    fn ranges_take_two_or_three_dots_and_default_to_head() {
        let range = |from: &str, to: &str| Selection::Range {
            from: from.into(),
            to: to.into(),
        };
        assert_eq!(
            parse_range("main..feature").unwrap(),
            range("main", "feature")
        );
        assert_eq!(
            parse_range("main...feature").unwrap(),
            range("main", "feature")
        );
        assert_eq!(parse_range("v1.0..").unwrap(), range("v1.0", "HEAD"));
        assert!(parse_range("..x").is_err());
        assert!(parse_range("main").is_err());
    }

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
