//! Drives sources into the matcher and gathers what they yield.
//!
//! Files and folders ([`files`]) are read by the walker's threads, each with its own worker
//! (matcher and scratch space, no locks on the hot path) that merges its results once, when its
//! thread is done. git history ([`history`]) is planned once and its blobs scanned in parallel,
//! one repository handle per thread. Either way findings come out sorted, so the output is the
//! same at every thread count.
//!
//! Every input goes through `BlobScanner::scan_input`, which opens archives and documents
//! (unless `--no-archives`) and scans each text blob inside, so a file, standard input and a git
//! blob are expanded the same way.

mod cache;
mod files;
mod history;
mod staged;

use crate::config::{ScanConfig, Target};
use crate::finding::{Finding, Lines};
use crate::progress::Progress;
use crate::rules::RuleSet;
use crate::scan::{DropReason, Matcher, RangeIndex};
use crate::source::{self, ArchiveLimits, Blob, SkipReason, SourceError};
use crate::stats::Stats;
use crate::suppress::{Suppression, Suppressor};

pub use cache::{default_cache_dir, CacheUse};
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
    /// Archives that were read but are hostile or broken (a bomb, a truncated stream, an
    /// encrypted entry), sorted by path. Unlike errors, they do not change the exit code.
    pub warnings: Vec<SourceError>,
    /// Skipped inputs with their reasons, sorted by path (only collected when asked for).
    pub skipped: Vec<(String, SkipReason)>,
    /// Things the user should know that are not errors (a shallow clone's cut history).
    pub notes: Vec<String>,
    /// The folder finding paths are relative to, when it is not the current one (the work tree
    /// of a history scan).
    pub root: Option<std::path::PathBuf>,
    /// With `--explain`: every dropped candidate and suppressed finding, sorted by place.
    pub explained: Vec<Explanation>,
    /// For `--write-baseline` of a history scan: every place of every reported secret, so that
    /// the baseline acknowledges each path it sits at, not only the oldest.
    pub all_places: Vec<Finding>,
    /// With `sprawl git --cache`: what the cache saved, and what was wrong with it.
    pub cache: Option<CacheUse>,
}

/// A candidate that was not reported, and why (`--explain`).
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    /// Where it was.
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based byte column.
    pub column: usize,
    /// The rule that matched.
    pub rule_id: String,
    /// The candidate secret (redacted when shown, like findings).
    pub secret: Vec<u8>,
    /// What dropped it.
    pub reason: String,
}

impl Explanation {
    fn of(finding: &Finding, reason: Suppression) -> Explanation {
        Explanation {
            path: finding.path.clone(),
            line: finding.line,
            column: finding.column,
            rule_id: finding.rule_id.clone(),
            secret: finding.secret.clone(),
            reason: reason.phrase().to_string(),
        }
    }
}

/// One thread's matcher plus the content stage of suppression, counting what it drops.
pub(crate) struct BlobScanner<'a> {
    matcher: Matcher<'a>,
    suppressor: &'a Suppressor,
    explain: bool,
    archives: Option<&'a ArchiveLimits>,
}

impl<'a> BlobScanner<'a> {
    pub(crate) fn new(config: &'a ScanConfig) -> BlobScanner<'a> {
        let mut matcher = Matcher::new(&config.rules);
        matcher.explain(config.explain);
        matcher.decode(config.decode);
        BlobScanner {
            matcher,
            suppressor: &config.suppressor,
            explain: config.explain,
            archives: config.archives.as_ref(),
        }
    }

    /// Whether archives are opened (sources then read them rather than skip them as binary).
    pub(crate) fn opens_archives(&self) -> bool {
        self.archives.is_some()
    }

    /// [`BlobScanner::scan`] for an input: when it is an archive or a document, every text blob
    /// inside it is scanned instead, its findings placed at `outer!inner` (with
    /// [`Finding::outer_len`] set). What was opened is counted in `stats`; warnings about
    /// hostile or broken archives go to `warnings`.
    pub(crate) fn scan_input(
        &mut self,
        blob: Blob<'_>,
        stats: &mut Stats,
        explained: &mut Vec<Explanation>,
        warnings: &mut Vec<SourceError>,
    ) -> Vec<Finding> {
        let Some(limits) = self.archives else {
            return self.scan(blob, stats, explained, warnings);
        };
        let mut findings = Vec::new();
        let mut decode_warnings = Vec::new();
        let expansion = source::expand(blob, limits, &mut |inner| {
            let mut found = self.scan(inner, stats, explained, &mut decode_warnings);
            if inner.path.len() > blob.path.len() {
                for finding in &mut found {
                    finding.outer_len = Some(blob.path.len());
                }
            }
            findings.append(&mut found);
        });
        stats.archives.merge(expansion.counts);
        warnings.extend(expansion.warnings);
        warnings.extend(summarised_decode_warnings(blob.path, decode_warnings));
        findings
    }

    /// The findings of `blob` that no allow list or inline comment suppresses; what was dropped
    /// is counted in `stats` and, when explaining, listed in `explained`. Running out of the
    /// decode budget is a warning naming the blob.
    pub(crate) fn scan(
        &mut self,
        blob: Blob<'_>,
        stats: &mut Stats,
        explained: &mut Vec<Explanation>,
        warnings: &mut Vec<SourceError>,
    ) -> Vec<Finding> {
        let decoded = source::decode_utf16(blob.bytes);
        let blob = Blob {
            bytes: &decoded,
            ..blob
        };
        let counted = self.matcher.counts();
        let mut findings = findings_in(&mut self.matcher, blob);
        stats.dropped.merge(self.matcher.counts().since(counted));
        if let Some(at) = self.matcher.decode_fell_short() {
            warnings.push(decode_budget_warning(
                blob,
                at,
                self.matcher.decode_limits().max_size,
            ));
        }
        if self.explain {
            let dropped = self.matcher.take_dropped();
            explained.extend(explain_dropped(self.matcher.rules(), blob, dropped));
        }
        let mut content = self.suppressor.content_stage(blob.bytes);
        findings.retain(|finding| match content.check(finding) {
            Some(reason) => {
                stats.add_suppressed(reason);
                if self.explain {
                    explained.push(Explanation::of(finding, reason));
                }
                false
            }
            None => true,
        });
        findings
    }
}

/// The warning for a blob whose decode budget ran out at byte `at`.
fn decode_budget_warning(blob: Blob<'_>, at: usize, budget: usize) -> SourceError {
    let line = 1 + memchr::memchr_iter(b'\n', &blob.bytes[..at.min(blob.bytes.len())]).count();
    SourceError {
        path: blob.path.to_string(),
        message: format!(
            "the decode budget ({} of decoded text per file, `decode.max_size`) ran out: encoded \
             text from line {line} on was not all decoded, and secrets in it may be missed",
            source::human_size(budget as u64)
        ),
    }
}

/// The decode budget warnings of the files inside one input: the first few, then one that
/// counts the rest, as archive warnings are (an archive of thousands of such files must not print
/// thousands of lines).
fn summarised_decode_warnings(outer: &str, mut warnings: Vec<SourceError>) -> Vec<SourceError> {
    let listed = source::WARNINGS_LISTED;
    if warnings.len() > listed + 1 {
        let rest = warnings.len() - listed;
        warnings.truncate(listed);
        warnings.push(SourceError {
            path: outer.to_string(),
            message: format!(
                "{rest} more files inside it ran out of the decode budget, not listed"
            ),
        });
    }
    warnings
}

/// Drops the findings that the place stage of suppression (rule paths, confidence, baseline)
/// suppresses, counting them.
pub(crate) fn suppress_by_place(
    findings: &mut Vec<Finding>,
    suppressor: &Suppressor,
    stats: &mut Stats,
    mut explained: Option<&mut Vec<Explanation>>,
) {
    findings
        .retain(|finding| passes_place_stage(finding, suppressor, stats, explained.as_deref_mut()));
}

/// Whether the place stage keeps `finding`; a suppressed one is counted (and explained).
pub(crate) fn passes_place_stage(
    finding: &Finding,
    suppressor: &Suppressor,
    stats: &mut Stats,
    explained: Option<&mut Vec<Explanation>>,
) -> bool {
    let Some(reason) = suppressor.by_place(finding) else {
        return true;
    };
    stats.add_suppressed(reason);
    if let Some(explained) = explained {
        explained.push(Explanation::of(finding, reason));
    }
    false
}

/// Places the matcher's dropped candidates and says why each was dropped.
fn explain_dropped(
    rules: &RuleSet,
    blob: Blob<'_>,
    mut dropped: Vec<crate::scan::Dropped>,
) -> Vec<Explanation> {
    dropped.sort_by_key(|drop| drop.secret.start);
    let mut lines = Lines::new(blob.bytes);
    dropped
        .into_iter()
        .map(|drop| {
            let at = lines.locate(drop.secret.start);
            let reason = match drop.reason {
                DropReason::Entropy { entropy, min } => {
                    format!("entropy {entropy:.2} below the rule's min_entropy {min}")
                }
                DropReason::RuleAllow => "the rule's allow list".to_string(),
                DropReason::Filter(filter) => format!("the rule's `{filter}` filter"),
                DropReason::Overlap { winner } => {
                    format!("overlaps a finding of {}", rules.rule(winner).id)
                }
                DropReason::Check(check) => {
                    format!("fails the rule's `{check}` check: {}", check.failure())
                }
            };
            Explanation {
                path: blob.path.to_string(),
                line: at.line,
                column: at.column,
                rule_id: rules.rule(drop.rule).id.clone(),
                secret: blob.bytes[drop.secret].to_vec(),
                reason,
            }
        })
        .collect()
}

/// Scans the target of `config`. Unreadable inputs are collected as errors and the scan goes
/// on; only a target that cannot be opened at all (not a repository) fails the whole scan.
pub fn scan(config: &ScanConfig, list_skipped: bool) -> Result<ScanResult, HistoryError> {
    scan_with_progress(config, list_skipped, &Progress::hidden())
}

/// [`scan`], recording each input done in `progress`.
pub fn scan_with_progress(
    config: &ScanConfig,
    list_skipped: bool,
    progress: &Progress,
) -> Result<ScanResult, HistoryError> {
    let started = std::time::Instant::now();
    let mut result = match &config.target {
        Target::Files { inputs, walk } => files::scan(config, inputs, walk, list_skipped, progress),
        Target::Git { repo, mode } => history::scan(config, repo, mode, list_skipped, progress)?,
    };
    result.errors.sort_by(|a, b| a.path.cmp(&b.path));
    result.warnings.sort_by(|a, b| a.path.cmp(&b.path));
    result.explained.sort_by(|a, b| {
        (&a.path, a.line, a.column, &a.rule_id).cmp(&(&b.path, b.line, b.column, &b.rule_id))
    });
    result.skipped.sort();
    result.stats.elapsed = started.elapsed();
    Ok(result)
}

/// The fingerprints of the secrets in `bytes` (shown as `path`), inside its archives too when
/// `archives` are opened: what a file held before a change, to report only what the change adds.
fn fingerprints_in(
    matcher: &mut Matcher<'_>,
    path: &str,
    bytes: &[u8],
    archives: Option<&ArchiveLimits>,
) -> std::collections::HashSet<String> {
    let mut fingerprints = std::collections::HashSet::new();
    let mut collect = |blob: Blob<'_>| {
        let decoded = source::decode_utf16(blob.bytes);
        let blob = Blob {
            bytes: &decoded,
            ..blob
        };
        fingerprints.extend(
            findings_in(matcher, blob)
                .into_iter()
                .map(|finding| finding.fingerprint),
        );
    };
    let blob = Blob { path, bytes };
    match archives {
        Some(limits) => {
            source::expand(blob, limits, &mut collect);
        }
        None => collect(blob),
    }
    fingerprints
}

/// The findings in one blob.
pub fn findings_in(matcher: &mut Matcher<'_>, blob: Blob<'_>) -> Vec<Finding> {
    let rules = matcher.rules();
    let matches = matcher.find(blob.bytes);
    // Every secret and paired identifier, so that snippets mask them all.
    let secrets = RangeIndex::new(
        matches
            .iter()
            .flat_map(|found| std::iter::once(found.secret.clone()).chain(found.paired.clone())),
    );
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
                &secrets,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_budget_warnings_inside_one_input_are_summarised() {
        let warning = |n: usize| SourceError {
            path: format!("a.zip!{n}.txt"),
            message: "the decode budget ran out".into(),
        };
        let few: Vec<SourceError> = (0..11).map(warning).collect();
        assert_eq!(summarised_decode_warnings("a.zip", few).len(), 11);
        let many: Vec<SourceError> = (0..500).map(warning).collect();
        let out = summarised_decode_warnings("a.zip", many);
        assert_eq!(out.len(), 11);
        assert_eq!(out[10].path, "a.zip");
        assert_eq!(
            out[10].message,
            "490 more files inside it ran out of the decode budget, not listed"
        );
    }
}
