//! Scanning git: every distinct blob of the selected history once, in parallel, then one
//! finding per secret at the oldest place that introduced it; or the staged index against HEAD
//! ([`super::staged`]).
//!
//! A secret is identified by its rule and fingerprint. The same secret in many blobs (a file
//! edited around an unchanged line), at many paths, or in many commits is one finding, reported
//! at the oldest commit (then path, line) that introduced it, with `occurrences` counting the
//! other places. For a range, a place is dropped when the same path already held the secret
//! just before the range, so a pull request is judged by what it adds.
//!
//! With `--shard K/N` the whole history is still planned (so every shard numbers commits alike)
//! but only the shard's blobs are read. With `--cache` a blob the cache knows as clean (or
//! skipped) under the same rules and settings is not read at all: its outcome comes from the
//! cache ([`super::cache`]), and blobs read this time are added to it.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use git2::{Oid, Repository};
use std::sync::atomic::{AtomicUsize, Ordering};

use super::cache::{self, BlobCache, CacheUse, Entry};
use super::staged::scan_staged;
use super::{fingerprints_in, passes_place_stage, BlobScanner, Explanation, ScanResult};
use crate::config::{GitMode, ScanConfig};
use crate::finding::{Finding, GitOrigin};
use crate::progress::Progress;
use crate::scan::Matcher;
use crate::source::git::{self, BlobReader, GitError, Plan, PlannedBlob, Selection};
use crate::source::{ArchiveLimits, Blob, ReadOutcome, SkipReason, SourceError};
use crate::stats::Stats;

/// Why a git scan could not run at all.
pub type HistoryError = GitError;

/// Scans `repo` as `mode` says.
pub(super) fn scan(
    config: &ScanConfig,
    repo: &Path,
    mode: &GitMode,
    list_skipped: bool,
    progress: &Progress,
) -> Result<ScanResult, GitError> {
    let repo = git::open(repo)?;
    // Paths in history are relative to the work tree's root (a bare repository's folder).
    let root = repo.workdir().unwrap_or_else(|| repo.path()).to_path_buf();
    let include = |path: &str| config.paths.admits_relative(path);
    let mut result = match mode {
        GitMode::History {
            selection,
            all_occurrences,
        } => scan_history(
            config,
            &repo,
            selection,
            *all_occurrences,
            &include,
            list_skipped,
            progress,
        ),
        GitMode::Staged { paths } => {
            scan_staged(config, repo, paths, &include, list_skipped, progress)
        }
    }?;
    result.root = Some(root);
    Ok(result)
}

/// What became of one planned blob.
enum BlobOutcome {
    Scanned {
        bytes: u64,
        findings: Vec<Finding>,
        /// About the archives the blob is or holds.
        warnings: Vec<SourceError>,
        /// What scanning it added to the stats, for the cache.
        counts: cache::Counts,
    },
    Skipped(SkipReason),
    Failed(SourceError),
    /// Known from the cache, not read.
    Cached(Entry),
}

fn scan_history(
    config: &ScanConfig,
    repo: &Repository,
    selection: &Selection,
    all_occurrences: bool,
    include: &dyn Fn(&str) -> bool,
    list_skipped: bool,
    progress: &Progress,
) -> Result<ScanResult, GitError> {
    let is_range = matches!(selection, Selection::Range { .. });
    // Later places are kept, not only counted, wherever a place can change the answer: listing
    // them, a range's before-check, and path-keyed suppression (baselines, rule paths).
    let suppressor = &config.suppressor;
    let keep_places = all_occurrences
        || is_range
        || config.write_baseline.is_some()
        || suppressor.baseline.is_some()
        || !suppressor.rule_scopes.is_empty();
    let mut plan = git::enumerate(repo, selection, keep_places, include)?;
    let mut result = ScanResult {
        errors: std::mem::take(&mut plan.errors),
        ..ScanResult::default()
    };
    result.stats.commits = Some(plan.commits_walked);
    // Every shard plans the whole history (so commit order is the same in each) and scans its
    // own blobs; the plan's own counts are the first shard's to report, so merged stats add up.
    if let Some(shard) = config.shard {
        plan.blobs.retain(|blob| shard.owns(blob.oid.as_bytes()));
    }
    if config.shard.is_none_or(|shard| shard.index() == 1) {
        result
            .stats
            .add_skips(SkipReason::Submodule, plan.submodules);
        result.stats.add_skips(SkipReason::Symlink, plan.symlinks);
    }
    if plan.shallow {
        result.notes.push("the repository is a shallow clone: history before its boundary is not there and was not scanned".into());
    }
    if plan.submodules > 0 {
        result.notes.push(format!(
            "{} submodule entries were not followed (scan each submodule's repository on its own)",
            plan.submodules
        ));
    }
    progress.set_total(plan.blobs.len() as u64);
    // Explanations are not cached: with --explain every blob is read.
    let mut cache = config
        .cache
        .as_ref()
        .filter(|_| !config.explain)
        .map(|dir| {
            let mut usage = CacheUse::default();
            let cache = BlobCache::open(dir, repo.path(), cache::key_of(config), &mut usage);
            (cache, usage)
        });
    let scanned = scan_blobs(
        config,
        repo,
        &plan,
        cache.as_ref().map(|(cache, _)| cache),
        progress,
    );
    result.stats.merge(&scanned.stats);
    result.explained.extend(scanned.explained);
    let outcomes = scanned.outcomes;
    if let Some((cache, mut usage)) = cache.take() {
        remember(cache, &mut usage, &plan, &outcomes);
        result.cache = Some(usage);
    }
    let mut candidates: Vec<(Finding, usize, Option<&str>)> = Vec::new();
    for (planned, outcome) in plan.blobs.iter().zip(outcomes) {
        match outcome {
            BlobOutcome::Cached(entry) => {
                entry.add_to(&mut result.stats);
                if let (Entry::Skipped(reason), true) = (&entry, list_skipped) {
                    result.skipped.push((
                        format!("{} (blob {})", planned.first.path, planned.oid),
                        *reason,
                    ));
                }
            }
            BlobOutcome::Scanned {
                bytes,
                findings,
                warnings,
                ..
            } => {
                result.stats.files_scanned += 1;
                result.stats.bytes_scanned += bytes;
                result.warnings.extend(warnings);
                candidates.extend(places_of(&plan, planned, findings));
            }
            BlobOutcome::Skipped(reason) => {
                result.stats.add_skip(reason);
                if list_skipped {
                    result.skipped.push((
                        format!("{} (blob {})", planned.first.path, planned.oid),
                        reason,
                    ));
                }
            }
            BlobOutcome::Failed(error) => result.errors.push(error),
        }
    }
    if let Some(base) = plan.base_tree {
        let mut before = BeforeRange::new(repo, base, config);
        candidates.retain(|(finding, _, renamed_from)| {
            let path = renamed_from.unwrap_or(finding.outer_path());
            !before.held(path, &finding.fingerprint)
        });
    }
    let mut explained = config.explain.then_some(&mut result.explained);
    let candidates: Vec<(Finding, usize)> = candidates
        .into_iter()
        .filter(|(finding, _, _)| {
            passes_place_stage(
                finding,
                &config.suppressor,
                &mut result.stats,
                explained.as_deref_mut(),
            )
        })
        .map(|(finding, weight, _)| (finding, weight))
        .collect();
    if config.write_baseline.is_some() {
        result.all_places = candidates
            .iter()
            .map(|(finding, _)| finding.clone())
            .collect();
    }
    result.findings = one_per_secret(candidates, all_occurrences);
    Ok(result)
}

/// Records in `cache` what each blob read in this scan yielded, if it can be kept (it held no
/// finding and no warning), counts what was read, and writes the cache.
fn remember(mut cache: BlobCache, usage: &mut CacheUse, plan: &Plan, outcomes: &[BlobOutcome]) {
    for (planned, outcome) in plan.blobs.iter().zip(outcomes) {
        let entry = match outcome {
            BlobOutcome::Cached(_) => {
                usage.from_cache += 1;
                continue;
            }
            BlobOutcome::Scanned {
                bytes,
                findings,
                warnings,
                counts,
            } if findings.is_empty() && warnings.is_empty() => Some(Entry::Clean {
                bytes: *bytes,
                counts: *counts,
            }),
            BlobOutcome::Skipped(reason) => Some(Entry::Skipped(*reason)),
            BlobOutcome::Scanned { .. } | BlobOutcome::Failed(_) => None,
        };
        usage.read += 1;
        if let Some(entry) = entry {
            cache.insert(planned.oid.as_bytes(), &planned.first.path, entry);
        }
    }
    if let Err(err) = cache.save() {
        usage.warnings.push(format!(
            "cannot write the cache {}: {err}",
            usage.file.display()
        ));
    }
}

/// What the scanning threads produced: each blob's outcome in plan order, and the counts and
/// explanations of the content stage.
struct Scanned {
    outcomes: Vec<BlobOutcome>,
    stats: Stats,
    explained: Vec<Explanation>,
}

/// Blobs a thread claims at a time: enough to keep the shared counter cold, few enough that
/// threads finish together.
const CLAIM: usize = 16;

/// Reads and scans every planned blob in parallel. Each thread of the pool opens its own
/// repository handle and matcher once, then claims blobs in small batches from a shared counter
/// until none are left; outcomes are put back in plan order.
fn scan_blobs(
    config: &ScanConfig,
    repo: &Repository,
    plan: &Plan,
    cache: Option<&BlobCache>,
    progress: &Progress,
) -> Scanned {
    let git_dir = repo.path().to_path_buf();
    let next = AtomicUsize::new(0);
    let total = plan.blobs.len();
    let work = |_: rayon::BroadcastContext<'_>| {
        let reader = BlobReader::open(&git_dir);
        let mut scanner = BlobScanner::new(config);
        let mut stats = Stats::default();
        let mut explained = Vec::new();
        let mut outcomes = Vec::new();
        loop {
            let start = next.fetch_add(CLAIM, Ordering::Relaxed);
            if start >= total {
                break;
            }
            for index in start..(start + CLAIM).min(total) {
                let planned = &plan.blobs[index];
                let cached =
                    cache.and_then(|cache| cache.get(planned.oid.as_bytes(), &planned.first.path));
                let outcome = match (&reader, cached) {
                    (_, Some(entry)) => BlobOutcome::Cached(entry.clone()),
                    (Ok(reader), None) => scan_blob(
                        reader,
                        &mut scanner,
                        planned,
                        config.max_file_size,
                        &mut stats,
                        &mut explained,
                    ),
                    (Err(err), None) => BlobOutcome::Failed(SourceError {
                        path: planned.first.path.clone(),
                        message: err.to_string(),
                    }),
                };
                match &outcome {
                    BlobOutcome::Scanned {
                        bytes, findings, ..
                    } => progress.record(*bytes, findings.len()),
                    BlobOutcome::Cached(Entry::Clean { bytes, .. }) => progress.record(*bytes, 0),
                    BlobOutcome::Skipped(_)
                    | BlobOutcome::Failed(_)
                    | BlobOutcome::Cached(Entry::Skipped(_)) => progress.record(0, 0),
                }
                outcomes.push((index, outcome));
            }
        }
        (outcomes, stats, explained)
    };
    let parts = match rayon::ThreadPoolBuilder::new()
        .num_threads(config.threads)
        .build()
    {
        Ok(pool) => pool.broadcast(work),
        Err(_) => rayon::broadcast(work),
    };
    let mut slots: Vec<Option<BlobOutcome>> = (0..total).map(|_| None).collect();
    let mut scanned = Scanned {
        outcomes: Vec::with_capacity(total),
        stats: Stats::default(),
        explained: Vec::new(),
    };
    for (outcomes, stats, explained) in parts {
        for (index, outcome) in outcomes {
            slots[index] = Some(outcome);
        }
        scanned.stats.merge(&stats);
        scanned.explained.extend(explained);
    }
    scanned.outcomes = slots
        .into_iter()
        .map(|slot| slot.expect("every blob index is claimed exactly once"))
        .collect();
    scanned
}

fn scan_blob(
    reader: &BlobReader,
    scanner: &mut BlobScanner<'_>,
    planned: &PlannedBlob,
    max_size: u64,
    stats: &mut Stats,
    explained: &mut Vec<Explanation>,
) -> BlobOutcome {
    match reader.read(planned.oid, max_size, scanner.opens_archives()) {
        Ok((ReadOutcome::Text, Some(blob))) => {
            let content = Blob {
                path: &planned.first.path,
                bytes: blob.content(),
            };
            let mut warnings = Vec::new();
            let mut added = Stats::default();
            let findings = scanner.scan_input(content, &mut added, explained, &mut warnings);
            stats.merge(&added);
            BlobOutcome::Scanned {
                bytes: blob.size() as u64,
                findings,
                warnings,
                counts: cache::counts_of(&added),
            }
        }
        Ok((ReadOutcome::Binary, _)) => BlobOutcome::Skipped(SkipReason::Binary),
        Ok((ReadOutcome::TooLarge, _)) => BlobOutcome::Skipped(SkipReason::TooLarge),
        Ok((ReadOutcome::Text, None)) => unreachable!("a text blob is returned with its content"),
        Err(err) => BlobOutcome::Failed(SourceError {
            path: format!("{} (blob {})", planned.first.path, planned.oid),
            message: format!("cannot read: {}", err.message()),
        }),
    }
}

/// Each finding of a blob at each place the blob was introduced, with the number of places it
/// stands for (more than one when later places were only counted, not kept) and the path it was
/// renamed from there, if any. A finding inside an archive keeps its place inside it:
/// `place!inner`.
fn places_of<'p>(
    plan: &Plan,
    planned: &'p PlannedBlob,
    findings: Vec<Finding>,
) -> Vec<(Finding, usize, Option<&'p str>)> {
    let unlisted = planned.places - 1 - planned.later.len();
    let mut out = Vec::with_capacity(findings.len() * (1 + planned.later.len()));
    for finding in findings {
        for (index, place) in std::iter::once(&planned.first)
            .chain(&planned.later)
            .enumerate()
        {
            let mut at = finding.clone();
            match finding.inner_path() {
                Some(inner) => {
                    at.path = format!("{}!{inner}", place.path);
                    at.outer_len = Some(place.path.len());
                }
                None => at.path.clone_from(&place.path),
            }
            at.git = Some(GitOrigin {
                commit: plan.commits[place.commit].clone(),
                order: place.commit,
                occurrences: 0,
            });
            let weight = if index == 0 { 1 + unlisted } else { 1 };
            out.push((at, weight, place.renamed_from.as_deref()));
        }
    }
    out
}

/// One finding per secret (rule and fingerprint), at its oldest place, counting the others; or,
/// with `all`, every place, each carrying the same count.
fn one_per_secret(candidates: Vec<(Finding, usize)>, all: bool) -> Vec<Finding> {
    let mut places: HashMap<(String, String), usize> = HashMap::new();
    for (finding, weight) in &candidates {
        *places
            .entry((finding.rule_id.clone(), finding.fingerprint.clone()))
            .or_default() += weight;
    }
    let mut findings: Vec<Finding> = candidates.into_iter().map(|(finding, _)| finding).collect();
    for finding in &mut findings {
        let total = places[&(finding.rule_id.clone(), finding.fingerprint.clone())];
        if let Some(git) = &mut finding.git {
            git.occurrences = total - 1;
        }
    }
    findings.sort_by(|a, b| history_order(a).cmp(&history_order(b)));
    if !all {
        let mut seen = HashSet::new();
        findings
            .retain(|finding| seen.insert((finding.rule_id.clone(), finding.fingerprint.clone())));
    }
    findings
}

/// Oldest commit first, then path, line, column and rule.
fn history_order(finding: &Finding) -> (usize, &str, usize, usize, &str) {
    (
        finding.git.as_ref().map_or(0, |git| git.order),
        &finding.path,
        finding.line,
        finding.column,
        &finding.rule_id,
    )
}

/// The secrets each path held just before a range, scanned on demand and remembered.
struct BeforeRange<'a> {
    repo: &'a Repository,
    tree: Option<git2::Tree<'a>>,
    matcher: Matcher<'a>,
    max_size: u64,
    archives: Option<&'a ArchiveLimits>,
    held: HashMap<String, HashSet<String>>,
}

impl<'a> BeforeRange<'a> {
    fn new(repo: &'a Repository, tree: Oid, config: &'a ScanConfig) -> BeforeRange<'a> {
        let mut matcher = Matcher::new(&config.rules);
        matcher.decode(config.decode);
        BeforeRange {
            repo,
            tree: repo.find_tree(tree).ok(),
            matcher,
            max_size: config.max_file_size,
            archives: config.archives.as_ref(),
            held: HashMap::new(),
        }
    }

    /// Whether `path` held the secret with `fingerprint` before the range.
    fn held(&mut self, path: &str, fingerprint: &str) -> bool {
        if !self.held.contains_key(path) {
            let fingerprints = self.fingerprints_at(path);
            self.held.insert(path.to_string(), fingerprints);
        }
        self.held[path].contains(fingerprint)
    }

    fn fingerprints_at(&mut self, path: &str) -> HashSet<String> {
        let Some(tree) = &self.tree else {
            return HashSet::new();
        };
        let Some(blob) = tree
            .get_path(Path::new(path))
            .ok()
            .and_then(|entry| self.repo.find_blob(entry.id()).ok())
            .filter(|blob| (blob.size() as u64) <= self.max_size)
        else {
            return HashSet::new();
        };
        fingerprints_in(&mut self.matcher, path, blob.content(), self.archives)
    }
}
