//! Drives sources into the matcher: one worker per thread, each with its own matcher and
//! scratch space (no locks on the hot path), merging its results into the shared collection once,
//! when its thread is done. Findings come out sorted by path, position and rule, so the output
//! is the same at every thread count.

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Instant;

use crate::config::{Input, ScanConfig};
use crate::finding::{Finding, Lines};
use crate::rules::RuleSet;
use crate::scan::Matcher;
use crate::source::{self, Blob, Sink, SkipReason, SourceError};
use crate::stats::Stats;

/// What a scan found.
#[derive(Debug, Default)]
pub struct ScanResult {
    /// Findings sorted by path, line, column and rule id.
    pub findings: Vec<Finding>,
    /// Counts and elapsed time.
    pub stats: Stats,
    /// Inputs that could not be read, sorted by path.
    pub errors: Vec<SourceError>,
    /// Skipped inputs with their reasons, sorted by path (only collected when asked for).
    pub skipped: Vec<(String, SkipReason)>,
}

/// Scans every input of `config`. Unreadable inputs are collected as errors; the scan goes on.
pub fn scan(config: &ScanConfig, list_skipped: bool) -> ScanResult {
    let started = Instant::now();
    let shared = Mutex::new(ScanResult::default());
    let make_worker = || Worker::new(&config.rules, &shared, list_skipped);
    let paths: Vec<PathBuf> = config
        .inputs
        .iter()
        .filter_map(|input| match input {
            Input::Path(path) => Some(path.clone()),
            Input::Stdin => None,
        })
        .collect();
    if config.inputs.contains(&Input::Stdin) {
        let mut worker = make_worker();
        source::read_stdin(config.walk.max_file_size, &mut worker);
    }
    source::walk(&paths, &config.walk, config.excludes.as_ref(), make_worker);
    let mut result = shared
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    result.findings.sort_by(|a, b| {
        (&a.path, a.line, a.column, &a.rule_id).cmp(&(&b.path, b.line, b.column, &b.rule_id))
    });
    result.errors.sort_by(|a, b| a.path.cmp(&b.path));
    result.skipped.sort();
    result.stats.elapsed = started.elapsed();
    result
}

/// The findings in one blob.
pub fn findings_in(matcher: &mut Matcher<'_>, blob: Blob<'_>) -> Vec<Finding> {
    let rules = matcher.rules();
    let matches = matcher.find(blob.bytes);
    let mut lines = Lines::new(blob.bytes);
    matches
        .iter()
        .map(|found| {
            Finding::new(
                rules.rule(found.rule),
                found,
                blob.bytes,
                &mut lines,
                blob.path,
            )
        })
        .collect()
}

/// One thread's scanning state.
struct Worker<'a> {
    matcher: Matcher<'a>,
    local: ScanResult,
    shared: &'a Mutex<ScanResult>,
    list_skipped: bool,
}

impl<'a> Worker<'a> {
    fn new(rules: &'a RuleSet, shared: &'a Mutex<ScanResult>, list_skipped: bool) -> Worker<'a> {
        Worker {
            matcher: Matcher::new(rules),
            local: ScanResult::default(),
            shared,
            list_skipped,
        }
    }
}

impl Sink for Worker<'_> {
    fn blob(&mut self, blob: Blob<'_>) {
        self.local.stats.files_scanned += 1;
        self.local.stats.bytes_scanned += blob.bytes.len() as u64;
        let mut found = findings_in(&mut self.matcher, blob);
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
        shared.skipped.extend(local.skipped);
        shared.stats.merge(&local.stats);
    }
}
