//! The scan stage of a history scan: every blob once, and what each yielded.
//!
//! Blobs are scanned without their path (a blob's findings depend on its bytes only; the path
//! is attached when findings are placed), so the packs can be read in delta order beside the
//! walk. What each blob yielded is kept by id until the walk says where it was introduced: for
//! most blobs only their size, the rest (findings, warnings, dropped candidates) boxed.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, OnceLock};

use git2::{ErrorCode, Oid};

use super::super::cache::{Added, BlobCache, CacheUse, Entry};
use super::super::{BlobScanner, Explanation};
use crate::config::ScanConfig;
use crate::engine::{Changed, Outcome};
use crate::finding::Finding;
use crate::progress::Progress;
use crate::rules::Rule;
use crate::shard::Shard;
use crate::source::git::ids::{self, IdMap, IdSet, RawId};
use crate::source::git::pack::{Pack, PackBlob, PackLimits};
use crate::source::git::{BlobReader, History};
use crate::source::read::is_binary;
use crate::source::{Blob, SkipReason, SourceError};
use crate::stats::Stats;

/// What one blob yielded.
#[derive(Debug)]
pub(super) enum BlobResult {
    /// Scanned: its size, and anything besides (most blobs hold nothing).
    Scanned {
        bytes: u64,
        found: Option<Box<Found>>,
    },
    /// Known from the cache, not read (boxed: an entry's counts are large, and every blob of a
    /// history has a result).
    Cached(Box<Entry>),
    /// Left out unread.
    Skipped(SkipReason),
    /// Not in the repository (a partial clone's missing blob).
    Missing,
    /// Could not be read.
    Failed(String),
}

/// What scanning a blob found besides its size. Paths in it are relative to the blob (empty
/// for the blob itself, `!inner` inside an archive) until the blob's place is known.
#[derive(Debug, Default)]
pub(super) struct Found {
    pub(super) findings: Vec<Finding>,
    pub(super) warnings: Vec<SourceError>,
    pub(super) explained: Vec<Explanation>,
    /// What scanning it added to the stats (dropped candidates, archives opened...).
    pub(super) added: Stats,
}

/// What the scan stage yielded, by blob id.
#[derive(Debug, Default)]
pub(super) struct Scanned {
    pub(super) results: IdMap<BlobResult>,
    /// Packs or objects that could not be read as wholes (their blobs were then read one by one).
    pub(super) problems: Vec<String>,
}

/// Whether the walk that runs beside a pack scan is done, and, for a shard, which blobs the
/// walk found to be the shard's; see [`scan_packs`].
#[derive(Debug, Default)]
pub(super) struct WalkGate {
    done: Mutex<bool>,
    opened: Condvar,
    owned: OnceLock<IdSet>,
}

impl WalkGate {
    /// Lets every waiting thread go, now and from now on.
    pub(super) fn open(&self) {
        *self.done.lock().unwrap_or_else(|e| e.into_inner()) = true;
        self.opened.notify_all();
    }

    /// Blocks until [`WalkGate::open`].
    fn wait(&self) {
        let mut done = self.done.lock().unwrap_or_else(|e| e.into_inner());
        while !*done {
            done = self.opened.wait(done).unwrap_or_else(|e| e.into_inner());
        }
    }

    /// For a shard, once the walk is done: the blobs whose first path falls to the shard. From
    /// then on the scan skips the others.
    pub(super) fn walked_to(&self, owned: IdSet) {
        let _ = self.owned.set(owned);
    }

    /// The blobs the walk found to be the shard's, if it did.
    pub(super) fn into_owned(self) -> Option<IdSet> {
        self.owned.into_inner()
    }

    /// Whether a blob is to be scanned: until a shard's walk is done, any blob may be the
    /// shard's, and is scanned on the core the walk leaves idle.
    fn wants(&self, oid: &RawId) -> bool {
        self.owned.get().is_none_or(|owned| owned.contains(oid))
    }
}

/// The blobs of `history` whose first path falls to `shard`.
pub(super) fn owned_by(shard: Shard, history: &History) -> IdSet {
    first_path_is(history, |path| shard.owns(path.as_bytes()))
}

/// The blobs of `history` whose first path `judge` accepts. Judged once per path: most paths
/// are the first path of many blobs.
fn first_path_is(history: &History, judge: impl Fn(&str) -> bool) -> IdSet {
    let accepted: Vec<bool> = history.paths.iter().map(|path| judge(path)).collect();
    history
        .blobs
        .iter()
        .filter(|blob| accepted[blob.first.path as usize])
        .map(|blob| ids::raw(blob.oid))
        .collect()
}

/// The blobs whose findings depend on their path (a rule with `paths` or `allow.paths` matches
/// their first path): the packs' pass reads every blob as text of no known file, so these are
/// read again, at their first path, by [`scan_the_rest`] (and left out of the cache).
pub(super) fn read_at_their_path(config: &ScanConfig, history: &History) -> IdSet {
    if !config.rules.rules().iter().any(Rule::has_paths) {
        return IdSet::default();
    }
    first_path_is(history, |path| config.rules.reads_path(path))
}

/// The path a blob is scanned under before its place is known.
const UNPLACED: &str = "";

/// One thread's scanning state; what it scanned is handed to the shared results when it is
/// dropped.
struct Thread<'a> {
    scanner: BlobScanner<'a>,
    results: Vec<(RawId, BlobResult)>,
    shared: &'a Mutex<Vec<(RawId, BlobResult)>>,
}

impl Drop for Thread<'_> {
    fn drop(&mut self) {
        let mut shared = self.shared.lock().unwrap_or_else(|e| e.into_inner());
        shared.append(&mut self.results);
    }
}

/// Scans every blob of `packs` (a repository's), in delta order, while `gate`'s walk runs. For a
/// shard, once the walk says which blobs are the shard's, only those are scanned (the rest are
/// still rebuilt when blobs are stored against them); what was scanned before that and is not
/// the shard's is for the caller to drop.
pub(super) fn scan_packs(
    config: &ScanConfig,
    packs: &[Pack],
    gate: Option<&WalkGate>,
    cache: Option<&BlobCache>,
    progress: &Progress,
) -> Scanned {
    let total: usize = packs.iter().map(Pack::blob_count).sum();
    progress.set_total(total as u64);
    let limits = PackLimits {
        max_blob: config.max_file_size.min(MAX_REBUILT_BLOB),
        max_chain_bytes: MAX_CHAIN_BYTES,
    };
    let wants = |oid: &RawId| gate.is_none_or(|gate| gate.wants(oid));
    let shared = Mutex::new(Vec::new());
    let run = || {
        let mut problems = Vec::new();
        for pack in packs {
            problems.extend(pack.traverse(
                limits,
                || {
                    // The last thread waits while the walk runs beside the scan: the walk is
                    // one thread on the critical path, and with as many scanning threads as
                    // cores it would get a fraction of one.
                    let last = config.threads.checked_sub(1).filter(|&last| last > 0);
                    if let (Some(gate), Some(last)) = (gate, last) {
                        if rayon::current_thread_index() == Some(last) {
                            gate.wait();
                        }
                    }
                    Thread {
                        scanner: BlobScanner::new(config).without_demotion(),
                        results: Vec::new(),
                        shared: &shared,
                    }
                },
                |thread, blob: PackBlob<'_, Outcome>| {
                    let oid = *blob.id;
                    if !wants(&oid) {
                        return Outcome::default();
                    }
                    if let Some(entry) = cache.and_then(|cache| cache.get(&oid)) {
                        progress.record(0, 0);
                        thread
                            .results
                            .push((oid, BlobResult::Cached(Box::new(entry.clone()))));
                        return Outcome::default();
                    }
                    let changed = blob
                        .base
                        .as_ref()
                        .filter(|base| base.verdict.clean && !config.explain && !config.whole_blobs)
                        .map(|base| Changed {
                            ranges: &base.changes.ranges,
                            base_keywords: &base.verdict.keywords,
                        });
                    let (result, outcome) =
                        scan_bytes(thread, config, UNPLACED, blob.bytes, changed);
                    record_progress(progress, &result);
                    thread.results.push((oid, result));
                    outcome
                },
            ));
        }
        problems
    };
    let traversal_problems = match rayon::ThreadPoolBuilder::new()
        .num_threads(config.threads)
        .build()
    {
        Ok(pool) => pool.install(run),
        Err(_) => run(),
    };
    Scanned {
        results: shared
            .into_inner()
            .unwrap_or_else(|e| e.into_inner())
            .into_iter()
            .collect(),
        problems: traversal_problems,
    }
}

/// The largest blob the pack traversal rebuilds in memory; larger ones (rare in a history) are
/// read one by one afterwards, as blobs outside the packs are.
const MAX_REBUILT_BLOB: u64 = 64 << 20;

/// The most bytes of bases one thread holds while it walks down a chain of deltas.
const MAX_CHAIN_BYTES: u64 = 256 << 20;

/// Scans one blob's bytes: unless binary, whole or where `changed` says.
fn scan_bytes(
    thread: &mut Thread<'_>,
    config: &ScanConfig,
    path: &str,
    bytes: &[u8],
    changed: Option<Changed<'_>>,
) -> (BlobResult, Outcome) {
    if is_binary(bytes, config.archives.is_some()) {
        return (BlobResult::Skipped(SkipReason::Binary), Outcome::default());
    }
    let mut found = Found::default();
    let blob = Blob { path, bytes };
    let (findings, outcome) = thread.scanner.scan_changed(
        blob,
        changed,
        &mut found.added,
        &mut found.explained,
        &mut found.warnings,
    );
    found.findings = findings;
    let quiet = found.findings.is_empty()
        && found.warnings.is_empty()
        && found.explained.is_empty()
        && found.added == Stats::default();
    let result = BlobResult::Scanned {
        bytes: bytes.len() as u64,
        found: (!quiet).then(|| Box::new(found)),
    };
    (result, outcome)
}

fn record_progress(progress: &Progress, result: &BlobResult) {
    match result {
        BlobResult::Scanned { bytes, found } => progress.record(
            *bytes,
            found.as_ref().map_or(0, |found| found.findings.len()),
        ),
        _ => progress.record(0, 0),
    }
}

/// Reads and scans, one by one through libgit2, each walked blob the packs did not yield (loose
/// objects, blobs over the size limit, everything for a range), that this shard owns.
pub(super) fn scan_the_rest(
    config: &ScanConfig,
    git_dir: &Path,
    history: &History,
    placed: &IdSet,
    scanned: &mut Scanned,
    cache: Option<&BlobCache>,
    progress: &Progress,
) {
    let rest: Vec<u32> = (0..history.blobs.len() as u32)
        .filter(|&blob| {
            let oid = ids::raw(history.blobs[blob as usize].oid);
            !scanned.results.contains_key(&oid)
                && config
                    .shard
                    .is_none_or(|shard| shard.owns(history.first_path(blob).as_bytes()))
        })
        .collect();
    if rest.is_empty() {
        return;
    }
    progress.set_total(scanned.results.len() as u64 + rest.len() as u64);
    let next = AtomicUsize::new(0);
    let shared = Mutex::new(Vec::new());
    let work = |_: rayon::BroadcastContext<'_>| {
        let reader = BlobReader::open(git_dir);
        let mut thread = Thread {
            scanner: BlobScanner::new(config).without_demotion(),
            results: Vec::new(),
            shared: &shared,
        };
        loop {
            let at = next.fetch_add(1, Ordering::Relaxed);
            let Some(&blob) = rest.get(at) else {
                break;
            };
            let oid = history.blobs[blob as usize].oid;
            let raw = ids::raw(oid);
            let path = match placed.contains(&raw) {
                true => history.first_path(blob),
                false => UNPLACED,
            };
            let cached = cache
                .filter(|_| path == UNPLACED)
                .and_then(|cache| cache.get(&raw));
            let result = match (&reader, cached) {
                (_, Some(entry)) => BlobResult::Cached(Box::new(entry.clone())),
                (Ok(reader), None) => read_and_scan(reader, &mut thread, config, oid, path),
                (Err(err), None) => BlobResult::Failed(err.to_string()),
            };
            record_progress(progress, &result);
            thread.results.push((raw, result));
        }
    };
    match rayon::ThreadPoolBuilder::new()
        .num_threads(config.threads)
        .build()
    {
        Ok(pool) => {
            pool.broadcast(work);
        }
        Err(_) => {
            rayon::broadcast(work);
        }
    }
    scanned
        .results
        .extend(shared.into_inner().unwrap_or_else(|e| e.into_inner()));
}

fn read_and_scan(
    reader: &BlobReader,
    thread: &mut Thread<'_>,
    config: &ScanConfig,
    oid: Oid,
    path: &str,
) -> BlobResult {
    match reader.read(oid, config.max_file_size, config.archives.is_some()) {
        Ok(read) => match read.into_text() {
            Ok(blob) => scan_bytes(thread, config, path, blob.content(), None).0,
            Err(reason) => BlobResult::Skipped(reason),
        },
        Err(err) if err.code() == ErrorCode::NotFound => BlobResult::Missing,
        Err(err) => BlobResult::Failed(format!("cannot read: {}", err.message())),
    }
}

/// Records in `cache` what each walked blob read in this scan yielded, if it can be kept (it held
/// no finding and no warning), counts what was read, and writes the cache.
pub(super) fn remember(
    cache: &mut BlobCache,
    usage: &mut CacheUse,
    history: &History,
    placed: &IdSet,
    scanned: &Scanned,
) {
    for blob in &history.blobs {
        let raw = ids::raw(blob.oid);
        // What a blob read at its path yielded is not what the blob yields elsewhere.
        if placed.contains(&raw) {
            continue;
        }
        let entry = match scanned.results.get(&raw) {
            None | Some(BlobResult::Missing | BlobResult::Failed(_)) => continue,
            Some(BlobResult::Cached(_)) => {
                usage.from_cache += 1;
                continue;
            }
            Some(BlobResult::Scanned { bytes, found }) => match found {
                None => Some(Entry::Clean {
                    bytes: *bytes,
                    added: Added::default(),
                }),
                Some(found) if found.findings.is_empty() && found.warnings.is_empty() => {
                    Some(Entry::Clean {
                        bytes: *bytes,
                        added: Added::of(&found.added),
                    })
                }
                Some(_) => None,
            },
            Some(BlobResult::Skipped(reason)) => Some(Entry::Skipped(*reason)),
        };
        usage.read += 1;
        if let Some(entry) = entry {
            cache.insert(blob.oid.as_bytes(), entry);
        }
    }
    if let Err(err) = cache.save() {
        usage.warnings.push(format!(
            "cannot write the cache {}: {err}",
            usage.file.display()
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_blob_result_stays_small_as_every_blob_of_a_history_has_one() {
        // ansible's 155,000 blobs each keep one until the findings are placed: an entry's counts
        // held inline made every result several times larger and the scan 30 MB heavier.
        let size = std::mem::size_of::<BlobResult>();
        assert!(size <= 32, "a BlobResult takes {size} bytes");
    }
}
