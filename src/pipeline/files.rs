//! Scanning files, folders and standard input with one worker per walker thread.

use std::path::PathBuf;
use std::sync::Mutex;

use super::{sort_by_place, suppress_by_place, BlobScanner, ScanResult, StreamOut};
use crate::config::{Input, ScanConfig};
use crate::progress::Progress;
use crate::source::diff::{DiffMode, Hunk};
use crate::source::{self, Blob, Sink, SkipReason, SourceError, WalkOptions};
use crate::suppress::Suppressor;

/// Scans every input: standard input first, then the walk of every path.
pub(super) fn scan(
    config: &ScanConfig,
    inputs: &[Input],
    (walk, diff): (&WalkOptions, DiffMode),
    list_skipped: bool,
    progress: &Progress,
) -> ScanResult {
    let shared = Mutex::new(ScanResult::default());
    let make_worker = || Worker::new(config, &shared, list_skipped, progress);
    let owns_stdin = config
        .shard
        .is_none_or(|shard| shard.owns(source::STDIN_PATH.as_bytes()));
    if inputs.contains(&Input::Stdin) && owns_stdin {
        let mut worker = make_worker();
        source::read_stdin(walk.read, config.max_file_size, diff, &mut worker);
    }
    let (paths, missing): (Vec<PathBuf>, Vec<PathBuf>) = inputs
        .iter()
        .filter_map(|input| match input {
            Input::Path(path) => Some(path.clone()),
            Input::Stdin => None,
        })
        .partition(|path| std::fs::symlink_metadata(path).is_ok());
    let ignored = source::walk(&paths, walk, &config.paths, make_worker);
    let mut result = shared
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    // Every shard walks every folder; the first one counts what the ignore files left out.
    if config.shard.is_none_or(|shard| shard.index() == 1) {
        result.stats.add_skips(SkipReason::Ignored, ignored);
    }
    result.errors.extend(missing.iter().map(|path| SourceError {
        path: path.display().to_string(),
        message: "no such file or folder".into(),
    }));
    sort_by_place(&mut result.findings);
    result
}

/// One thread's scanning state: a sink that scans what it is handed and merges its results into
/// `shared` when dropped.
pub(super) struct Worker<'a> {
    scanner: BlobScanner<'a>,
    paths: &'a crate::source::PathFilter,
    suppressor: &'a Suppressor,
    explain: bool,
    local: ScanResult,
    shared: &'a Mutex<ScanResult>,
    list_skipped: bool,
    progress: &'a Progress,
}

impl<'a> Worker<'a> {
    pub(super) fn new(
        config: &'a ScanConfig,
        shared: &'a Mutex<ScanResult>,
        list_skipped: bool,
        progress: &'a Progress,
    ) -> Worker<'a> {
        Worker {
            scanner: BlobScanner::new(config),
            paths: &config.paths,
            suppressor: &config.suppressor,
            explain: config.explain,
            local: ScanResult::default(),
            shared,
            list_skipped,
            progress,
        }
    }
}

impl Sink for Worker<'_> {
    fn stream(&mut self, path: &str, input: &mut dyn std::io::Read) {
        let local = &mut self.local;
        let mut found = Vec::new();
        let mut out = StreamOut {
            findings: &mut found,
            stats: &mut local.stats,
            explained: &mut local.explained,
            warnings: &mut local.warnings,
        };
        let read = self.scanner.scan_reader(path, 1, input, &mut out);
        let bytes = match read {
            Ok(bytes) => bytes,
            Err(err) => {
                local.errors.push(SourceError {
                    path: path.to_string(),
                    message: format!("cannot read (findings before the error are reported): {err}"),
                });
                0
            }
        };
        local.stats.files_scanned += 1;
        local.stats.bytes_scanned += bytes;
        let explained = self.explain.then_some(&mut local.explained);
        suppress_by_place(&mut found, self.suppressor, &mut local.stats, explained);
        self.progress.record(bytes, found.len());
        local.findings.append(&mut found);
    }

    fn warning(&mut self, warning: SourceError) {
        self.local.warnings.push(warning);
    }

    fn note(&mut self, note: String) {
        self.local.notes.push(note);
    }

    fn hunk(&mut self, hunk: &mut Hunk<'_>) {
        let path = hunk.path().to_string();
        // A diff names paths from its repository's root, as history does: the config's
        // excludes and includes apply to them as they do to a staged scan.
        if !self.paths.admits_relative(&path) {
            return;
        }
        let local = &mut self.local;
        let (mut found, mut explained) = (Vec::new(), Vec::new());
        let mut out = StreamOut {
            findings: &mut found,
            stats: &mut local.stats,
            explained: &mut explained,
            warnings: &mut local.warnings,
        };
        let first_line = hunk.first_line();
        let bytes = match self.scanner.scan_reader(&path, first_line, hunk, &mut out) {
            Ok(bytes) => bytes,
            Err(err) => {
                local.errors.push(SourceError {
                    path: path.clone(),
                    message: format!("cannot read the diff: {err}"),
                });
                0
            }
        };
        // Context lines are read for what they tell rules about the added ones, never reported.
        found.retain(|finding| hunk.adds(finding.line));
        explained.retain(|explanation| hunk.adds(explanation.line));
        local.explained.append(&mut explained);
        local.stats.files_scanned += u64::from(hunk.first_of_file());
        local.stats.bytes_scanned += bytes;
        let explained = self.explain.then_some(&mut local.explained);
        suppress_by_place(&mut found, self.suppressor, &mut local.stats, explained);
        self.progress.record(bytes, found.len());
        local.findings.append(&mut found);
    }

    fn blob(&mut self, blob: Blob<'_>) {
        let mut found = self.scanner.scan_whole(blob, &mut self.local);
        self.progress.record(blob.bytes.len() as u64, found.len());
        self.local.findings.append(&mut found);
    }

    fn skipped(&mut self, path: &str, reason: SkipReason) {
        self.local.stats.add_skip(reason);
        if self.list_skipped {
            self.local.skipped.push((path.to_string(), reason));
        }
    }

    fn error(&mut self, error: SourceError) {
        self.local.errors.push(error);
    }
}

impl Drop for Worker<'_> {
    fn drop(&mut self) {
        let local = std::mem::take(&mut self.local);
        let mut shared = self
            .shared
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        shared.findings.extend(local.findings);
        shared.errors.extend(local.errors);
        shared.warnings.extend(local.warnings);
        shared.skipped.extend(local.skipped);
        shared.notes.extend(local.notes);
        shared.explained.extend(local.explained);
        shared.stats.merge(&local.stats);
    }
}
