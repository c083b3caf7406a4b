//! The checked configuration of a scan, built from the command line and `.sprawl.yml`.
//!
//! This is the only module that reads clap types. Everything it hands out (the rule set, walk
//! options, excludes, report options) is validated here, so the engine below never meets a bad
//! value, and every error names the flag, file, line or field at fault.

mod defaults;
mod file;
mod inventory;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use regex::bytes::Regex;

use crate::cli::{
    ColorArg, CommonArgs, ConfidenceArg, FormatArg, GitArgs, RuleSourceArgs, ScanArgs,
};
use crate::context::DemotePolicy;
use crate::engine::DecodeLimits;
use crate::report::{ColorChoice, Format, ReportOptions};
use crate::rules::{self, Confidence, Rule, RuleSet};
use crate::shard::Shard;
use crate::source::diff::DiffMode;
use crate::source::git::Selection;
use crate::source::{ArchiveLimits, PathFilter, PathGlobs, ReadLimits, WalkOptions};
use crate::suppress::{AllowList, Baseline, BaselineFile, PathScope, Suppressor};
pub(crate) use defaults::default_cache_dir;
pub use defaults::CHUNK_SIZE;
#[cfg(test)]
pub(crate) use file::ConfigFile;
pub(crate) use file::{discover, AllowConfig, ArchivesConfig, LoadedConfig, RuleOverride};
pub(crate) use inventory::{InventoryConfig, InventoryFormat, InventoryInput};

/// The largest archive entry (and archive) opened when neither the command line nor the config
/// sets a file size limit (the config's `archives.max_entry_size` changes it too).
pub(crate) const DEFAULT_ARCHIVE_ENTRY_SIZE: u64 = 25 << 20;

/// The deepest `--archive-depth` allowed.
pub(crate) const MAX_ARCHIVE_DEPTH: u32 = 16;

/// The deepest `--decode-depth` allowed.
pub(crate) const MAX_DECODE_DEPTH: u32 = 4;

/// What a scan reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Input {
    /// A file or folder.
    Path(PathBuf),
    /// Standard input (`-`).
    Stdin,
}

/// How much sprawl says on standard error besides findings and errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verbosity {
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
    pub(crate) target: Target,
    /// Files and blobs larger than this many bytes are skipped (`u64::MAX`, the default: none
    /// is; long text is scanned in chunks).
    pub(crate) max_file_size: u64,
    /// How archives are opened; `None` with `--no-archives`.
    pub(crate) archives: Option<ArchiveLimits>,
    /// How encoded text is decoded (depth 0 with `--no-decode`).
    pub(crate) decode: DecodeLimits,
    /// Which places lower a finding's confidence (none with `--no-demote`).
    pub(crate) demote: DemotePolicy,
    /// Scanning threads.
    pub(crate) threads: usize,
    /// Paths the config file leaves out, or limits the scan to.
    pub(crate) paths: PathFilter,
    /// What drops findings after the matcher.
    pub(crate) suppressor: Suppressor,
    /// Write the findings as a baseline here (with the entries it held before, if any).
    pub(crate) write_baseline: Option<(PathBuf, Option<BaselineFile>)>,
    /// List dropped candidates and why.
    pub(crate) explain: bool,
    /// The config file in use, if any.
    pub(crate) config_file: Option<PathBuf>,
    /// Every rule, built-in and the user's.
    pub(crate) rules: RuleSet,
    /// How to write the report.
    pub(crate) report: ReportOptions,
    /// Where to write it (standard output if `None`).
    pub(crate) output: Option<PathBuf>,
    /// The exit code when secrets are found.
    pub(crate) exit_code: u8,
    /// How chatty to be.
    pub(crate) verbosity: Verbosity,
    /// With `--shard K/N`: the part of the files or blobs this run scans.
    pub(crate) shard: Option<Shard>,
    /// With `sprawl git --cache`: the folder of the blob cache.
    pub(crate) cache: Option<PathBuf>,
    /// What the user should hear about the configuration before the scan starts (a `--rules`
    /// folder that holds no rule file).
    pub(crate) warnings: Vec<String>,
    /// With `sprawl git --whole-blobs`: every blob of history is scanned whole.
    pub(crate) whole_blobs: bool,
    /// What the user should know about how the arguments were taken (a thread count lowered).
    pub(crate) notes: Vec<String>,
}

/// The fewest threads [`max_threads`] allows, whatever the cores.
const MIN_THREAD_CAP: usize = 64;

/// The most threads sprawl runs: the cores, but at least `MIN_THREAD_CAP`. The parallel walker's
/// threads wait for work by polling, so far more threads than cores spend the machine on
/// waiting (`-j 1024` on two cores took 39 s to scan 50 small files).
pub fn max_threads(cores: usize) -> usize {
    cores.max(MIN_THREAD_CAP)
}

/// The thread count for `asked` (`-j`, or the cores when not given) and a note when it had to be
/// lowered.
fn threads_of(asked: Option<usize>) -> Result<(usize, Option<String>)> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let cap = max_threads(cores);
    Ok(match asked {
        Some(0) => bail!("--threads must be at least 1"),
        Some(n) if n > cap => (
            cap,
            Some(format!(
                "--threads {n} is more than sprawl runs on {cores} cores: using {cap}"
            )),
        ),
        Some(n) => (n, None),
        None => (cores.min(cap), None),
    })
}

/// What a scan reads.
#[derive(Debug, Clone)]
pub(crate) enum Target {
    /// Files, folders and standard input (`sprawl scan`).
    Files {
        /// In command-line order.
        inputs: Vec<Input>,
        /// How folders are walked.
        walk: WalkOptions,
        /// Whether standard input is read as a unified diff.
        diff: DiffMode,
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
pub(crate) enum GitMode {
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

impl ScanConfig {
    /// Checks the arguments of `sprawl scan`.
    pub fn from_scan_args(args: &ScanArgs) -> Result<ScanConfig> {
        let diff = match (args.diff, args.no_diff) {
            (true, _) => DiffMode::Always,
            (false, true) => DiffMode::Never,
            (false, false) => DiffMode::Auto,
        };
        let default = if args.diff { "-" } else { "." };
        let paths = match args.paths.as_slice() {
            [] => vec![PathBuf::from(default)],
            paths => paths.to_vec(),
        };
        if args.diff && paths.iter().any(|path| path.as_os_str() != "-") {
            bail!(
                "--diff reads a diff from standard input only: pipe it in (`git diff | sprawl \
                 scan --diff`, `sprawl scan --diff < fix.patch`) and scan other paths apart"
            );
        }
        let inputs = inputs_of(&paths)?;
        let root = scan_root(&inputs);
        ScanConfig::build(&args.options, &root, |max_file_size, threads, archives| {
            Target::Files {
                inputs,
                walk: WalkOptions {
                    respect_ignore_files: !args.no_ignore,
                    follow_symlinks: args.follow_symlinks,
                    max_file_size,
                    read: read_limits(archives),
                    threads,
                },
                diff,
            }
        })
    }

    /// Checks the arguments of `sprawl git`.
    pub fn from_git_args(args: &GitArgs) -> Result<ScanConfig> {
        if std::fs::metadata(&args.repo).is_err() {
            if let Some(url) = remote_url(&args.repo) {
                bail!(
                    "{url} is a remote repository: sprawl never touches the network, so clone it \
                     first and scan the clone: `git clone --mirror {url} repo.git && sprawl git \
                     repo.git`"
                );
            }
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
        if args.staged && args.options.shard.is_some() {
            bail!("--shard splits a history scan; it does not apply to --staged");
        }
        let mut config = ScanConfig::build(&args.options, &args.repo, |_, _, _| Target::Git {
            repo: args.repo.clone(),
            mode,
        })?;
        config.whole_blobs = args.whole_blobs;
        config.cache = match &args.cache {
            None => None,
            Some(Some(dir)) => Some(dir.clone()),
            Some(None) => Some(default_cache_dir().context(
                "--cache: no cache folder: set XDG_CACHE_HOME or HOME, or give --cache=DIR",
            )?),
        };
        Ok(config)
    }

    /// The parts every scan shares: limits, config file, path filter, rules, suppression,
    /// report options. `target` gets the file size limit, the thread count and the archive
    /// limits (`None`: archives are not opened).
    fn build(
        options: &CommonArgs,
        root: &Path,
        target: impl FnOnce(u64, usize, Option<&ArchiveLimits>) -> Target,
    ) -> Result<ScanConfig> {
        let config = match (options.no_config, &options.config) {
            (true, _) => None,
            (false, Some(path)) => Some(LoadedConfig::read(path)?),
            (false, None) => discover(root)
                .map(|path| LoadedConfig::read(&path))
                .transpose()?,
        };
        let file = config
            .as_ref()
            .map(|config| &config.file)
            .cloned()
            .unwrap_or_default();
        // The config's size is checked even when the flag overrides it: a typo must not pass.
        if let (Some(size), Some(config)) = (&file.max_file_size, &config) {
            parse_size(size).map_err(|err| config.error("max_file_size", size, err))?;
        }
        let max_file_size = match (&options.max_file_size, &file.max_file_size, &config) {
            (Some(size), _, _) => Some(
                parse_size(size).with_context(|| format!("invalid --max-file-size `{size}`"))?,
            ),
            (None, Some(size), Some(config)) => {
                Some(parse_size(size).map_err(|err| config.error("max_file_size", size, err))?)
            }
            _ => None,
        };
        let (threads, threads_note) = threads_of(options.threads)?;
        let shard = options
            .shard
            .as_deref()
            .map(str::parse::<Shard>)
            .transpose()
            .map_err(|err| anyhow::anyhow!("invalid --shard {err}"))?;
        let archives = archives_of(
            options,
            config.as_ref(),
            max_file_size.unwrap_or(DEFAULT_ARCHIVE_ENTRY_SIZE),
        )?;
        let max_file_size = max_file_size.unwrap_or(u64::MAX);
        let decode = decode_of(options, config.as_ref())?;
        let demote = demote_of(options, config.as_ref());
        let mut warnings = Vec::new();
        let rules = rules_of(options, config.as_ref(), &mut warnings)?;
        let target = target(max_file_size, threads, archives.as_ref());
        let mut suppressor = suppressor_of(options, config.as_ref(), &rules)?;
        suppressor.repo_relative_paths = matches!(target, Target::Git { .. });
        let write_baseline = match &options.write_baseline {
            Some(path) if path.exists() => Some((path.clone(), Some(BaselineFile::read(path)?))),
            Some(path) => Some((path.clone(), None)),
            None => None,
        };
        Ok(ScanConfig {
            target,
            max_file_size,
            archives,
            decode,
            demote,
            threads,
            paths: PathFilter {
                exclude: globs_of(config.as_ref(), "exclude_paths", &file.exclude_paths)?,
                include: globs_of(config.as_ref(), "include_paths", &file.include_paths)?,
                shard,
            },
            suppressor,
            write_baseline,
            explain: options.explain,
            config_file: config.map(|config| config.path),
            rules,
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
            shard,
            cache: None,
            warnings,
            whole_blobs: false,
            notes: threads_note.into_iter().collect(),
        })
    }
}

/// What is read whole, streamed, or opened as an archive: text up to a chunk is read whole,
/// an archive up to its entry size limit (when archives are opened).
pub(crate) fn read_limits(archives: Option<&ArchiveLimits>) -> ReadLimits {
    ReadLimits {
        whole: CHUNK_SIZE as u64,
        archive: archives.map(|limits| limits.max_entry_size),
    }
}

/// The archive limits from `--no-archives`, `--archive-depth` and the config's `archives`
/// section (flags win), or `None` when archives are not opened. Entries (and archives read
/// whole to be opened) are held to `entry_size` (the file size limit, if one is set) unless the
/// config says otherwise.
fn archives_of(
    options: &CommonArgs,
    config: Option<&LoadedConfig>,
    entry_size: u64,
) -> Result<Option<ArchiveLimits>> {
    let mut limits = ArchiveLimits::with_entry_size(entry_size);
    let mut enabled = true;
    // The config is checked whole even where a flag wins: a typo must not hide behind a flag.
    if let Some(config) = config {
        let section = &config.file.archives;
        enabled = section.enabled != Some(false);
        apply_archives_config(&mut limits, section, config)?;
    }
    if let Some(depth) = options.archive_depth {
        limits.max_depth = checked_depth(depth).context("invalid --archive-depth")?;
    }
    Ok((enabled && !options.no_archives).then_some(limits))
}

/// The limits the config's `archives` section sets, each checked.
fn apply_archives_config(
    limits: &mut ArchiveLimits,
    section: &ArchivesConfig,
    config: &LoadedConfig,
) -> Result<()> {
    let error = |field: &str, value: &str, problem: &dyn std::fmt::Display| {
        config.error(&format!("archives.{field}"), value, problem)
    };
    let size = |field: &str, value: &Option<String>| -> Result<Option<u64>> {
        let Some(text) = value else {
            return Ok(None);
        };
        match parse_size(text) {
            Ok(0) => Err(error(field, text, &"must be at least 1 byte")),
            Ok(bytes) => Ok(Some(bytes)),
            Err(err) => Err(error(field, text, &err)),
        }
    };
    let count = |field: &str, value: Option<u64>| -> Result<Option<u64>> {
        match value {
            Some(0) => Err(error(field, field, &"must be at least 1")),
            other => Ok(other),
        }
    };
    if let Some(depth) = section.max_depth {
        limits.max_depth =
            checked_depth(depth).map_err(|err| error("max_depth", "max_depth", &err))?;
    }
    if let Some(total) = size("max_total_size", &section.max_total_size)? {
        limits.max_total_size = total;
    }
    if let Some(entry) = size("max_entry_size", &section.max_entry_size)? {
        limits.max_entry_size = entry;
    }
    if let Some(ratio) = count("max_ratio", section.max_ratio)? {
        limits.max_ratio = ratio;
    }
    if let Some(entries) = count("max_entries", section.max_entries)? {
        limits.max_entries = entries;
    }
    Ok(())
}

/// An archive depth between 1 and [`MAX_ARCHIVE_DEPTH`].
fn checked_depth(depth: u32) -> Result<u32> {
    match depth {
        0 => bail!("the depth must be at least 1 (use --no-archives not to open archives)"),
        depth if depth > MAX_ARCHIVE_DEPTH => {
            bail!("the depth is {depth}, but at most {MAX_ARCHIVE_DEPTH} levels are opened")
        }
        depth => Ok(depth),
    }
}

/// Which places lower confidence, from `--no-demote` and the config's `demote` section.
fn demote_of(options: &CommonArgs, config: Option<&LoadedConfig>) -> DemotePolicy {
    if options.no_demote {
        return DemotePolicy::OFF;
    }
    let mut policy = DemotePolicy::default();
    if let Some(section) = config.map(|config| &config.file.demote) {
        policy.test_fixtures = section.test_fixtures.unwrap_or(policy.test_fixtures);
        policy.documentation = section.documentation.unwrap_or(policy.documentation);
    }
    policy
}

/// The decoding limits from `--no-decode`, `--decode-depth` and the config's `decode` section
/// (flags win); depth 0 decodes nothing.
fn decode_of(options: &CommonArgs, config: Option<&LoadedConfig>) -> Result<DecodeLimits> {
    let mut limits = DecodeLimits::default();
    // The config is checked whole even where a flag wins: a typo must not hide behind a flag.
    if let Some(config) = config {
        let section = &config.file.decode;
        if let Some(depth) = section.max_depth {
            limits.max_depth = checked_decode_depth(depth)
                .map_err(|err| config.error("decode.max_depth", "max_depth", err))?;
        }
        if let Some(text) = &section.max_size {
            let bytes =
                parse_size(text).map_err(|err| config.error("decode.max_size", text, err))?;
            limits.max_size = usize::try_from(bytes).unwrap_or(usize::MAX);
        }
        if section.enabled == Some(false) {
            limits.max_depth = 0;
        }
    }
    if let Some(depth) = options.decode_depth {
        limits.max_depth = checked_decode_depth(depth).context("invalid --decode-depth")?;
    }
    if options.no_decode {
        limits.max_depth = 0;
    }
    Ok(limits)
}

/// A decoding depth of at most [`MAX_DECODE_DEPTH`].
fn checked_decode_depth(depth: u32) -> Result<u32> {
    if depth > MAX_DECODE_DEPTH {
        bail!("the depth is {depth}, but at most {MAX_DECODE_DEPTH} levels are decoded");
    }
    Ok(depth)
}

/// Gitignore-style globs of a config field, relative to the config file's folder.
fn globs_of(
    config: Option<&LoadedConfig>,
    field: &str,
    globs: &[String],
) -> Result<Option<PathGlobs>> {
    match config {
        Some(config) if !globs.is_empty() => PathGlobs::new(&config.dir, globs)
            .map(Some)
            .map_err(|err| config.error(field, globs.first().map_or("", String::as_str), err)),
        _ => Ok(None),
    }
}

/// The built-in rules, `--rules` and the config's `rules.files`, less disabled rules, with the
/// config's overrides applied.
fn rules_of(
    options: &CommonArgs,
    config: Option<&LoadedConfig>,
    warnings: &mut Vec<String>,
) -> Result<RuleSet> {
    let mut paths = options.rules.rule_paths.clone();
    if let Some(config) = config {
        for path in &config.file.rules.files {
            let full = config.dir.join(path);
            if !full.is_dir() {
                config.named_file("rules.files", path, &full)?;
            }
            paths.push(full);
        }
    }
    let mut all = collect_rules(&paths, warnings)?;
    let Some(config) = config else {
        return Ok(RuleSet::new(all)?);
    };
    let section = &config.file.rules;
    let known: HashSet<String> = all.iter().map(|rule| rule.id.clone()).collect();
    let check_ids = |field: &str, ids: &mut dyn Iterator<Item = &String>| -> Result<()> {
        for id in ids {
            if !known.contains(id) {
                let similar = rules::show::similar_ids(id, all.iter().map(|rule| rule.id.as_str()));
                let hint = match similar.as_slice() {
                    [] => "`sprawl rules list` shows every id".to_string(),
                    ids => format!("did you mean `{}`?", ids.join("`, `")),
                };
                return Err(config.error(field, id, format!("unknown rule `{id}`: {hint}")));
            }
        }
        Ok(())
    };
    check_ids("rules.disable", &mut section.disable.iter())?;
    check_ids("rules.only", &mut section.only.iter())?;
    check_ids("rules.overrides", &mut section.overrides.keys())?;
    all.retain(|rule| {
        !section.disable.contains(&rule.id)
            && (section.only.is_empty() || section.only.contains(&rule.id))
    });
    for rule in &mut all {
        if let Some(change) = section.overrides.get(&rule.id) {
            apply_override(rule, change).map_err(|err| {
                config.error(&format!("rules.overrides.{}", rule.id), &rule.id, err)
            })?;
        }
    }
    Ok(RuleSet::new(all)?)
}

fn apply_override(rule: &mut Rule, change: &RuleOverride) -> Result<()> {
    if let Some(bits) = change.min_entropy {
        if !(0.0..=8.0).contains(&bits) {
            bail!("min_entropy is {bits}, but entropy per byte lies between 0 and 8");
        }
        rule.min_entropy = Some(bits);
    }
    if let Some(confidence) = change.confidence {
        rule.confidence = confidence;
    }
    Ok(())
}

/// Allow lists, rule path scopes, minimum confidence and baseline, from the config and flags.
fn suppressor_of(
    options: &CommonArgs,
    config: Option<&LoadedConfig>,
    rules: &RuleSet,
) -> Result<Suppressor> {
    let mut suppressor = Suppressor::none();
    suppressor.rule_ids = rules.rules().iter().map(|rule| rule.id.clone()).collect();
    if let Some(config) = config {
        suppressor.foreign_markers = config.file.foreign_allow_markers != Some(false);
        suppressor.global = allow_list_of(config, "allow", &config.file.allow)?;
        for (id, change) in &config.file.rules.overrides {
            let field = format!("rules.overrides.{id}");
            let allow = allow_list_of(config, &format!("{field}.allow"), &change.allow)?;
            if !allow.is_empty() {
                suppressor.rule_allows.insert(id.clone(), allow);
            }
            let scope = PathScope {
                only: globs_of(Some(config), &format!("{field}.paths"), &change.paths)?,
                except: globs_of(
                    Some(config),
                    &format!("{field}.exclude_paths"),
                    &change.exclude_paths,
                )?,
            };
            if scope.only.is_some() || scope.except.is_some() {
                suppressor.rule_scopes.insert(id.clone(), scope);
            }
        }
    }
    suppressor.min_confidence = match (
        options.min_confidence,
        config.and_then(|c| c.file.min_confidence),
    ) {
        (Some(level), _) => confidence_of(level),
        (None, Some(level)) => level,
        (None, None) => Confidence::Low,
    };
    // Writing a baseline records every current finding, so no baseline applies while doing it.
    let baseline_path = match (
        &options.baseline,
        options.no_baseline || options.write_baseline.is_some(),
    ) {
        (_, true) => None,
        (Some(path), false) => Some(path.clone()),
        (None, false) => config.and_then(|c| c.file.baseline.as_ref().map(|path| c.dir.join(path))),
    };
    if let (Some(path), Some(config), None) = (&baseline_path, config, &options.baseline) {
        if let Some(named) = &config.file.baseline {
            config.named_file("baseline", named, path)?;
        }
    }
    if let Some(path) = baseline_path {
        suppressor.baseline = Some(Baseline::new(
            &BaselineFile::read(&path)?,
            &path,
            crate::suppress::baseline::today(),
        ));
    }
    Ok(suppressor)
}

fn allow_list_of(config: &LoadedConfig, field: &str, allow: &AllowConfig) -> Result<AllowList> {
    let compile = |kind: &str, patterns: &[String]| -> Result<Vec<Regex>> {
        patterns
            .iter()
            .enumerate()
            .map(|(i, pattern)| {
                Regex::new(pattern)
                    .map_err(|err| config.error(&format!("{field}.{kind}[{i}]"), pattern, err))
            })
            .collect()
    };
    if let Some(i) = allow.stopwords.iter().position(String::is_empty) {
        return Err(config.error(
            &format!("{field}.stopwords[{i}]"),
            "",
            "an empty stopword would drop every finding",
        ));
    }
    Ok(AllowList {
        secrets: compile("secrets", &allow.secrets)?,
        stopwords: allow
            .stopwords
            .iter()
            .map(|word| word.to_ascii_lowercase())
            .collect(),
        lines: compile("lines", &allow.lines)?,
    })
}

/// `path` as a remote repository's URL (`https://host/repo.git`, `ssh://...`, `git@host:repo`),
/// if it is written as one.
fn remote_url(path: &Path) -> Option<&str> {
    let text = path.to_str()?;
    let scheme = [
        "https://",
        "http://",
        "ssh://",
        "git://",
        "git+ssh://",
        "ftp://",
        "ftps://",
    ]
    .iter()
    .any(|scheme| text.starts_with(scheme));
    // scp-like syntax: `user@host:path`, with no slash before the colon.
    let scp = text
        .split_once(':')
        .is_some_and(|(host, _)| host.contains('@') && !host.contains('/'));
    (scheme || scp).then_some(text)
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

/// The built-in rules plus every file or folder given with `--rules`, and a warning for each
/// of those that added no rule.
pub(crate) fn load_rules(args: &RuleSourceArgs) -> Result<(RuleSet, Vec<String>)> {
    let mut warnings = Vec::new();
    let rules = RuleSet::new(collect_rules(&args.rule_paths, &mut warnings)?)?;
    Ok((rules, warnings))
}

/// The built-in rules, then those of each rule file or folder in `paths`. A path that adds no
/// rule (a folder without `*.yml` files, a file with an empty list) gets a warning: the user
/// meant to add rules, and a scan without them must not look like a scan with them.
fn collect_rules(paths: &[PathBuf], warnings: &mut Vec<String>) -> Result<Vec<Rule>> {
    let mut all =
        rules::builtin::load().context("the built-in rules are invalid (a bug in sprawl)")?;
    for path in paths {
        let mut more = rules::load_path(path)?;
        if more.is_empty() {
            warnings.push(if path.is_dir() {
                format!(
                    "{}: no rule files (*.yml, *.yaml) directly in this folder, so no rule was \
                     added; give the rule files or the folder that holds them",
                    path.display()
                )
            } else {
                format!(
                    "{}: the file defines no rules, so none was added",
                    path.display()
                )
            });
        }
        all.append(&mut more);
    }
    Ok(all)
}

fn inputs_of(paths: &[PathBuf]) -> Result<Vec<Input>> {
    let mut inputs = Vec::with_capacity(paths.len());
    for path in paths {
        if path.as_os_str() == "-" {
            if inputs.contains(&Input::Stdin) {
                bail!("`-` (standard input) is given more than once");
            }
            inputs.push(Input::Stdin);
        } else {
            // A path that does not exist is reported by the scan, which goes on with the others
            // (and exits 2), as with any input that cannot be read.
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

/// Parses a size: plain bytes, or a number with a unit. K, M, G, KiB, MiB, GiB are powers of
/// 1024; KB, MB, GB are powers of 1000. Case does not matter; a fraction is allowed (`1.5G`).
pub(crate) fn parse_size(text: &str) -> Result<u64> {
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

/// The report format a `--format` value names.
pub(crate) fn format_of(arg: FormatArg) -> Format {
    match arg {
        FormatArg::Text => Format::Text,
        FormatArg::Json => Format::Json,
        FormatArg::Jsonl => Format::Jsonl,
        FormatArg::Sarif => Format::Sarif,
        FormatArg::Csv => Format::Csv,
        FormatArg::Junit => Format::Junit,
    }
}

fn confidence_of(arg: ConfidenceArg) -> Confidence {
    match arg {
        ConfidenceArg::Low => Confidence::Low,
        ConfidenceArg::Medium => Confidence::Medium,
        ConfidenceArg::High => Confidence::High,
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
    fn remote_urls_are_told_from_paths() {
        for url in [
            "https://github.com/acme/app.git",
            "ssh://git@example.com/app.git",
            "git@github.com:acme/app.git",
            "git://example.com/app",
        ] {
            assert_eq!(remote_url(Path::new(url)), Some(url));
        }
        for path in ["app", "./repos/app.git", "/srv/a@b/x:y", "C:/repos/app"] {
            assert_eq!(remote_url(Path::new(path)), None, "{path}");
        }
    }

    #[test]
    fn archive_depths_are_between_one_and_the_maximum() {
        assert_eq!(checked_depth(1).unwrap(), 1);
        assert_eq!(checked_depth(MAX_ARCHIVE_DEPTH).unwrap(), MAX_ARCHIVE_DEPTH);
        assert!(checked_depth(0)
            .unwrap_err()
            .to_string()
            .contains("--no-archives"));
        assert!(checked_depth(MAX_ARCHIVE_DEPTH + 1).is_err());
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
}
