//! The checked configuration of `sprawl inventory`: what each input is (a repository or a
//! folder), the scan configuration of each, and how to write the result.
//!
//! Each input gets its own [`ScanConfig`], built as `sprawl git` or `sprawl scan` builds one
//! and rooted at the input, so every repository is scanned under its own `.sprawl.yml` (its allow
//! lists, baseline and rule settings), as it is in its own CI.

use std::path::{Component, Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::{Args, FromArgMatches};
use git2::{Repository, RepositoryOpenFlags};

use super::{load_rules, read_limits, scan_root, GitMode, Input, ScanConfig, Target};
use crate::cli::{CommonArgs, InventoryArgs, InventoryFormatArg};
use crate::rules::RuleSet;
use crate::source::diff::DiffMode;
use crate::source::git::Selection;
use crate::source::WalkOptions;

/// The inventory's output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum InventoryFormat {
    /// One entry per secret with its places, for people.
    Text,
    /// The [`crate::inventory::InventoryReport`] document.
    Json,
    /// One self-contained HTML page.
    Html,
}

/// A validated `sprawl inventory`.
#[derive(Debug)]
pub(crate) struct InventoryConfig {
    /// Repositories and folders to scan, in command-line order, each once.
    pub inputs: Vec<InventoryInput>,
    /// Reports to read.
    pub reports: Vec<PathBuf>,
    /// The repository the reports come from, to check HEAD in and to name their places.
    pub report_repo: Option<InventoryInput>,
    /// The built-in rules and `--rules`: what reports are described with.
    pub rules: RuleSet,
    /// What the options did not do though asked (a `--rules` path that adds no rule), for
    /// standard error. Each input's own (its config's) are in its [`ScanConfig::warnings`].
    pub warnings: Vec<String>,
    /// The output format.
    pub format: InventoryFormat,
    /// Where to write (standard output if `None`).
    pub output: Option<PathBuf>,
    /// Redact secrets (always for HTML).
    pub redact: bool,
    /// The exit code when the inventory holds secrets.
    pub exit_code: u8,
    /// No summary on standard error.
    pub quiet: bool,
    /// No progress line.
    pub no_progress: bool,
}

/// One repository or folder to inventory.
#[derive(Debug)]
pub(crate) struct InventoryInput {
    /// What places in it are called: the path as given (`../api`), or the folder's name when the
    /// path is only `.` or `..`.
    pub name: String,
    /// The path as given.
    pub path: PathBuf,
    /// Whether it is a git repository (its history is scanned and its HEAD checked).
    pub is_repository: bool,
    /// How it is scanned.
    pub scan: ScanConfig,
}

impl InventoryConfig {
    /// Checks the arguments of `sprawl inventory`.
    pub(crate) fn from_args(args: &InventoryArgs) -> Result<InventoryConfig> {
        let format = match args.format {
            InventoryFormatArg::Text => InventoryFormat::Text,
            InventoryFormatArg::Json => InventoryFormat::Json,
            InventoryFormatArg::Html => InventoryFormat::Html,
        };
        if format == InventoryFormat::Html && args.no_redact {
            bail!(
                "--no-redact: the HTML inventory never holds secrets in clear (use --format json)"
            );
        }
        let mut paths = args.paths.clone();
        if paths.is_empty() && args.reports.is_empty() {
            paths.push(PathBuf::from("."));
        }
        let mut inputs: Vec<InventoryInput> = Vec::new();
        let mut seen = Vec::new();
        for path in &paths {
            let canonical = path
                .canonicalize()
                .with_context(|| format!("{}: no such file or folder", path.display()))?;
            if seen.contains(&canonical) {
                continue;
            }
            seen.push(canonical.clone());
            inputs.push(InventoryInput::new(args, path, &canonical)?);
        }
        let report_repo = match &args.report_repo {
            Some(path) => {
                let canonical = path
                    .canonicalize()
                    .with_context(|| format!("--report-repo {}: no such folder", path.display()))?;
                let input = InventoryInput::new(args, path, &canonical)?;
                if !input.is_repository {
                    bail!(
                        "--report-repo {}: not a git repository (give its work tree's root or a bare repository)",
                        path.display()
                    );
                }
                Some(input)
            }
            None => None,
        };
        for report in &args.reports {
            if !report.is_file() {
                bail!("--report {}: no such file", report.display());
            }
        }
        let (rules, warnings) = load_rules(&args.rules)?;
        Ok(InventoryConfig {
            inputs,
            reports: args.reports.clone(),
            report_repo,
            rules,
            warnings,
            format,
            output: args.output.clone(),
            redact: format == InventoryFormat::Html || !args.no_redact,
            exit_code: args.exit_code,
            quiet: args.quiet,
            no_progress: args.no_progress,
        })
    }
}

impl InventoryInput {
    /// The input at `path` (which resolves to `canonical`), scanned as a repository if it is the
    /// root of one, else as files.
    fn new(args: &InventoryArgs, path: &Path, canonical: &Path) -> Result<InventoryInput> {
        let is_repository = canonical.is_dir()
            && Repository::open_ext(
                canonical,
                RepositoryOpenFlags::NO_SEARCH,
                std::iter::empty::<&std::ffi::OsStr>(),
            )
            .is_ok();
        let options = common_args(args)?;
        let scan = if is_repository {
            ScanConfig::build(&options, path, |_, _, _| Target::Git {
                repo: path.to_path_buf(),
                mode: GitMode::History {
                    selection: Selection::All,
                    all_occurrences: true,
                },
            })?
        } else {
            let inputs = vec![Input::Path(path.to_path_buf())];
            let root = scan_root(&inputs);
            ScanConfig::build(&options, &root, |max_file_size, threads, archives| {
                Target::Files {
                    inputs,
                    walk: WalkOptions {
                        respect_ignore_files: true,
                        follow_symlinks: false,
                        max_file_size,
                        read: read_limits(archives),
                        threads,
                    },
                    // Inputs are files and folders, never standard input.
                    diff: DiffMode::Never,
                }
            })?
        };
        Ok(InventoryInput {
            name: name_of(path, canonical),
            path: path.to_path_buf(),
            is_repository,
            scan,
        })
    }
}

/// The options `sprawl scan` would take for this inventory: clap's defaults for every flag
/// the inventory does not have, so a flag added to scans later starts at its default here too.
fn common_args(args: &InventoryArgs) -> Result<CommonArgs> {
    let command = CommonArgs::augment_args(clap::Command::new("sprawl"));
    let matches = command
        .try_get_matches_from(["sprawl"])
        .context("the scan options' defaults (a bug in sprawl)")?;
    let mut options =
        CommonArgs::from_arg_matches(&matches).context("the scan options' defaults")?;
    options.rules.rule_paths.clone_from(&args.rules.rule_paths);
    options.config.clone_from(&args.config);
    options.no_config = args.no_config;
    options.max_file_size.clone_from(&args.max_file_size);
    options.no_archives = args.no_archives;
    options.no_decode = args.no_decode;
    options.min_confidence = args.min_confidence;
    options.no_baseline = args.no_baseline;
    options.threads = args.threads;
    options.no_redact = args.no_redact;
    options.quiet = args.quiet;
    options.no_progress = args.no_progress;
    Ok(options)
}

/// What the places of an input are called: the path as given, without a trailing separator;
/// for `.` or `..` (which name no folder), the folder's own name.
fn name_of(path: &Path, canonical: &Path) -> String {
    let names_a_folder = path
        .components()
        .any(|component| matches!(component, Component::Normal(_)));
    let shown = if names_a_folder { path } else { canonical };
    let text = shown.display().to_string();
    match (names_a_folder, canonical.file_name()) {
        (false, Some(name)) => name.to_string_lossy().into_owned(),
        _ => {
            let trimmed = text.trim_end_matches(std::path::MAIN_SEPARATOR);
            if trimmed.is_empty() {
                text
            } else {
                trimmed.to_string()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_are_named_as_given_or_by_their_folder() {
        let canonical = Path::new("/srv/git/app");
        assert_eq!(name_of(Path::new("../app/"), canonical), "../app");
        assert_eq!(
            name_of(Path::new("repos/app.git"), canonical),
            "repos/app.git"
        );
        assert_eq!(name_of(Path::new("."), canonical), "app");
        assert_eq!(name_of(Path::new(".."), canonical), "app");
        assert_eq!(name_of(Path::new("/"), Path::new("/")), "/");
    }
}
