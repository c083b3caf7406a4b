//! Drives sources into the matcher and gathers what they yield.
//!
//! Files and folders ([`files`]) are read by the walker's threads, each with its own worker
//! (matcher and scratch space, no locks on the hot path) that merges its results once, when its
//! thread is done. git history ([`history`]) is planned once and its blobs scanned in parallel,
//! one repository handle per thread. Either way findings come out sorted, so the output is the
//! same at every thread count.

mod files;
mod history;

use crate::config::{ScanConfig, Target};
use crate::finding::{Finding, Lines};
use crate::scan::Matcher;
use crate::source::{Blob, SkipReason, SourceError};
use crate::stats::Stats;

pub use history::HistoryError;

/// What a scan found.
#[derive(Debug, Default)]
pub struct ScanResult {
    /// Findings, sorted (by path, line, column and rule; history scans by commit first).
    pub findings: Vec<Finding>,
    /// Counts and elapsed time.
    pub stats: Stats,
    /// Inputs that could not be read, sorted by path.
    pub errors: Vec<SourceError>,
    /// Skipped inputs with their reasons, sorted by path (only collected when asked for).
    pub skipped: Vec<(String, SkipReason)>,
    /// Things the user should know that are not errors (a shallow clone's cut history).
    pub notes: Vec<String>,
}

/// Scans the target of `config`. Unreadable inputs are collected as errors and the scan goes
/// on; only a target that cannot be opened at all (not a repository) fails the whole scan.
pub fn scan(config: &ScanConfig, list_skipped: bool) -> Result<ScanResult, HistoryError> {
    let started = std::time::Instant::now();
    let mut result = match &config.target {
        Target::Files { inputs, walk } => files::scan(config, inputs, walk, list_skipped),
        Target::Git { repo, mode } => history::scan(config, repo, mode, list_skipped)?,
    };
    result.errors.sort_by(|a, b| a.path.cmp(&b.path));
    result.skipped.sort();
    result.stats.elapsed = started.elapsed();
    Ok(result)
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

/// Findings sorted by path, line, column and rule id.
fn sort_by_place(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        (&a.path, a.line, a.column, &a.rule_id).cmp(&(&b.path, b.line, b.column, &b.rule_id))
    });
}
