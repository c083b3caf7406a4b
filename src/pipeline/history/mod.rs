//! Scanning git: a whole history (or a branch, or a range) in three stages, or the staged index
//! against HEAD ([`super::staged`]).
//!
//! 1. **Walk** ([`git::walk`]): which blobs the selected commits introduce, each at the oldest
//!    commit and path that introduced it, the later places counted. Commit messages are scanned
//!    as the commits are read.
//! 2. **Scan** ([`blobs`]): every blob once. The repository's packs are read as wholes, in delta
//!    order ([`git::pack`]): a blob stored as a delta of a blob that held nothing is searched only
//!    where the two differ ([`crate::engine::Matcher::find_changed`]). For a whole history or a
//!    branch, this runs beside the walk, so scanning starts with the first blob; what the packs
//!    do not hold (loose objects, the blobs of a range) is then read one by one through libgit2.
//! 3. **Attribute** ([`attribute`]): each finding at the places its blob was introduced, then one
//!    finding per secret at the oldest of them.
//!
//! A secret is identified by its rule and fingerprint. The same secret in many blobs (a file
//! edited around an unchanged line), at many paths, or in many commits is one finding, reported
//! at the oldest commit (then path, line) that introduced it, with `occurrences` counting the
//! other places. For a range, a place is dropped when the same path already held the secret
//! just before the range, so a pull request is judged by what it adds.
//!
//! With `--shard K/N` every shard walks the whole history (so all agree on where each blob was
//! first introduced) and scans the blobs whose first path falls to it: the versions of one file
//! are stored as deltas of each other, so a shard still reads most of its blobs from a base it
//! scanned itself. Until the walk is done no blob's first path is known, so the core the walk
//! leaves free scans blobs as an unsharded scan would, and what turns out not to be the shard's
//! is dropped. With `--cache` a blob the cache knows (clean or skipped under the same rules
//! and settings) is not scanned again.

mod attribute;
mod blobs;

use std::path::Path;

use git2::Repository;

use super::cache::{self, BlobCache, CacheUse};
use super::staged::scan_staged;
use super::ScanResult;
use crate::config::{GitMode, ScanConfig};
use crate::progress::Progress;
use crate::source::git::pack::Pack;
use crate::source::git::{self, GitError, History, Selection};

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
    // Every mode reads objects libgit2 would hash again and cache: a history's packs, or every
    // tree of HEAD that a staged check compares with the index (half its time, unchecked).
    git::read_without_checks();
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

/// How the stages of one history scan fit together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Schedule {
    /// The packs are scanned whole while the history is walked (a whole history or a branch,
    /// sharded or not).
    Beside,
    /// The walk comes first, then its blobs are read one by one (a range: a few commits of a
    /// long history, whose packs would mostly hold blobs outside it).
    OneByOne,
}

fn scan_history(
    config: &ScanConfig,
    repo: &Repository,
    selection: &Selection,
    all_occurrences: bool,
    list_skipped: bool,
    progress: &Progress,
) -> Result<ScanResult, GitError> {
    // A revision that does not resolve fails the scan before anything is read.
    git::check_selection(repo, selection)?;
    let git_dir = repo.path().to_path_buf();
    let schedule = match selection {
        Selection::Range { .. } => Schedule::OneByOne,
        _ => Schedule::Beside,
    };
    // Later places are kept, not only counted, wherever a place can change the answer: listing
    // them, a range's before-check, and path-keyed suppression (baselines, rule paths).
    let suppressor = &config.suppressor;
    let keep_places = all_occurrences
        || matches!(selection, Selection::Range { .. })
        || config.write_baseline.is_some()
        || suppressor.baseline.is_some()
        || !suppressor.rule_scopes.is_empty();
    // Explanations are not cached: with --explain every blob is read.
    let mut cache = config
        .cache
        .as_ref()
        .filter(|_| !config.explain)
        .map(|dir| {
            let mut usage = CacheUse::default();
            let cache = BlobCache::open(dir, &git_dir, cache::key_of(config), &mut usage);
            (cache, usage)
        });
    let blob_cache = cache.as_ref().map(|(cache, _)| cache);
    // The packs are opened once: the walk reads commits and trees from them, the scan blobs.
    let (packs, pack_problems) = Pack::open_all(&git_dir.join("objects"));
    // The walk also works out which blobs must be read again at their path, while the packs
    // are still being scanned.
    let walk = || {
        walk_history(config, &git_dir, &packs, selection, keep_places).map(|walked| {
            let placed = blobs::read_at_their_path(config, &walked.history);
            (walked, placed)
        })
    };
    let gate = blobs::WalkGate::default();
    let (walked, mut scanned) = match schedule {
        Schedule::Beside => {
            std::thread::scope(|scope| {
                let walker = scope.spawn(|| {
                    // Opened however the walk ends, a panic included.
                    struct Opens<'g>(&'g blobs::WalkGate);
                    impl Drop for Opens<'_> {
                        fn drop(&mut self) {
                            self.0.open();
                        }
                    }
                    let _opens = Opens(&gate);
                    let walked = walk();
                    if let (Some(shard), Ok((walked, _))) = (config.shard, &walked) {
                        gate.walked_to(blobs::owned_by(shard, &walked.history));
                    }
                    walked
                });
                let scanned = blobs::scan_packs(config, &packs, Some(&gate), blob_cache, progress);
                let walked = walker
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                (walked, scanned)
            })
        }
        Schedule::OneByOne => (walk(), blobs::Scanned::default()),
    };
    let (walked, placed) = walked?;
    if let Some(owned) = gate.into_owned() {
        // What was scanned before the walk said which blobs are this shard's.
        scanned.results.retain(|oid, _| owned.contains(oid));
    }
    scanned.problems.extend(pack_problems);
    drop(packs);
    for id in &placed {
        scanned.results.remove(id);
    }
    blobs::scan_the_rest(
        config,
        &git_dir,
        &walked.history,
        &placed,
        &mut scanned,
        blob_cache,
        progress,
    );
    if let Some((cache, usage)) = &mut cache {
        blobs::remember(cache, usage, &walked.history, &placed, &scanned);
    }
    let mut result =
        attribute::report(config, repo, walked, scanned, all_occurrences, list_skipped);
    result.cache = cache.map(|(_, usage)| usage);
    Ok(result)
}

/// The walk, with the findings of the commit messages it read.
pub(super) struct Walked {
    history: History,
    /// Each commit message that held a finding: the commit, and its findings.
    messages: Vec<(git2::Oid, Vec<crate::finding::Finding>)>,
}

/// Walks the history of the repository at `git_dir` (on its own handle, so it can run beside
/// the scan), scanning each commit message it reads.
fn walk_history(
    config: &ScanConfig,
    git_dir: &Path,
    packs: &[Pack],
    selection: &Selection,
    keep_later_places: bool,
) -> Result<Walked, GitError> {
    let repo = Repository::open(git_dir).map_err(|err| GitError::NotARepository {
        path: git_dir.to_path_buf(),
        message: err.message().to_string(),
    })?;
    let include = |path: &str| config.paths.admits_relative(path);
    let mut scanner = super::BlobScanner::new(config);
    let mut messages = Vec::new();
    let mut on_commit = |commit: &git::CommitRead<'_>| {
        let owned = config
            .shard
            .is_none_or(|shard| shard.owns(commit.id.as_bytes()));
        if !owned {
            return;
        }
        let blob = crate::source::Blob {
            path: attribute::MESSAGE_PATH,
            bytes: commit.message,
        };
        let mut ignored = crate::stats::Stats::default();
        let findings = scanner.scan(blob, &mut ignored, &mut Vec::new(), &mut Vec::new());
        if !findings.is_empty() {
            messages.push((commit.id, findings));
        }
    };
    let history = git::walk_in(
        &repo,
        packs,
        selection,
        git::WalkOptions {
            keep_later_places,
            include: &include,
            on_commit: &mut on_commit,
        },
    )?;
    Ok(Walked { history, messages })
}
