//! Drives sources into the matcher and gathers what they yield.
//!
//! Files and folders (`files`) are read by the walker's threads, each with its own worker
//! (matcher and scratch space, no locks on the hot path) that merges its results once, when its
//! thread is done. git history (`history`) is planned once and its blobs scanned in parallel,
//! one repository handle per thread. Either way findings come out sorted, so the output is the
//! same at every thread count.
//!
//! Every input goes through `BlobScanner::scan_input`, which opens archives and documents
//! (unless `--no-archives`) and scans each text blob inside, so a file, standard input and a git
//! blob are expanded the same way.

mod baseline;
mod cache;
mod chunked;
mod files;
mod history;
mod staged;

use crate::config::{ScanConfig, Target};
use crate::context::DemotePolicy;
use crate::engine::{Changed, DropReason, Matcher, Outcome, RangeIndex};
use crate::finding::{place_in_document, Finding, FindingPath, LineIndex, Lines};
use crate::progress::Progress;
use crate::rules::RuleSet;
use crate::source::{
    self, ArchiveLimits, Blob, Embedded, EntryPath, Placed, SkipReason, SourceError,
};
use crate::stats::Stats;
use crate::suppress::{Suppression, Suppressor};
use chunked::Part;

pub(crate) use cache::CacheUse;
pub(crate) use chunked::StreamOut;
pub use history::HistoryError;

/// What a scan found.
#[derive(Debug, Default)]
pub struct ScanResult {
    /// Findings, sorted (by path, line, column and rule; history scans by commit first).
    pub(crate) findings: Vec<Finding>,
    /// Counts and elapsed time.
    pub stats: Stats,
    /// Inputs that could not be read, sorted by path.
    pub(crate) errors: Vec<SourceError>,
    /// What the user must hear that does not make the scan fail, sorted by path: archives that
    /// were read but are hostile or broken (a bomb, a truncated stream, an encrypted entry), a
    /// spent decode budget, inline allows that allow nothing, expired and stale baseline
    /// entries. Unlike errors, they do not change the exit code.
    pub(crate) warnings: Vec<SourceError>,
    /// Skipped inputs with their reasons, sorted by path (only collected when asked for).
    pub(crate) skipped: Vec<(String, SkipReason)>,
    /// Things the user should know that are not errors (a shallow clone's cut history).
    pub(crate) notes: Vec<String>,
    /// The folder finding paths are relative to, when it is not the current one (the work tree
    /// of a history scan).
    pub(crate) root: Option<std::path::PathBuf>,
    /// With `--explain`: every dropped candidate and suppressed finding, sorted by place.
    pub(crate) explained: Vec<Explanation>,
    /// For `--write-baseline` of a history scan: every place of every reported secret, so that
    /// the baseline acknowledges each path it sits at, not only the oldest.
    pub(crate) all_places: Vec<Finding>,
    /// With `sprawl git --cache`: what the cache saved, and what was wrong with it.
    pub(crate) cache: Option<CacheUse>,
}

/// A candidate that was not reported, and why (`--explain`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Explanation {
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
            path: finding.path.to_string(),
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
    /// How long inputs are cut into windows ([`BlobScanner::scan_reader`]).
    windows: chunked::Windows,
    demote: DemotePolicy,
    /// The folders named on the command line, as paths are shown: what a finding's place says
    /// is judged below them (`/home/ci/test-app/src/x.rs` is not in a test folder).
    roots: Vec<std::path::PathBuf>,
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
            windows: chunked::Windows::for_rules(&config.rules),
            demote: config.demote,
            roots: scanned_folders(&config.target),
        }
    }

    /// A scanner that leaves confidence as the rules give it: for blobs scanned before their
    /// place is known (a history scan demotes each finding where it places it).
    pub(crate) fn without_demotion(mut self) -> BlobScanner<'a> {
        self.demote = DemotePolicy {
            test_fixtures: false,
            documentation: false,
        };
        self
    }

    /// `path` below the folder named on the command line that holds it, if any.
    fn below_root<'p>(&self, path: &'p str) -> &'p str {
        self.roots
            .iter()
            .filter_map(|root| std::path::Path::new(path).strip_prefix(root).ok())
            .filter_map(|rest| rest.to_str())
            .min_by_key(|rest| rest.len())
            .unwrap_or(path)
    }

    /// [`BlobScanner::scan`] for an input: when it is an archive or a document, every text blob
    /// inside it is scanned instead, its findings placed at `outer!inner` (a [`FindingPath`] of
    /// the outer file and the place inside it); a notebook's cells are placed back in the notebook's own
    /// lines, the cell kept as the finding's `part`. What was opened is counted in `stats`;
    /// warnings about hostile or broken archives, spent decode budgets and inline allows that
    /// allow nothing go to `warnings` (those about the files inside an archive summarised past a
    /// few).
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
        let mut inner_warnings = Vec::new();
        let mut document_lines = DocumentLines::default();
        let expansion = source::expand_placed(blob, limits, &mut |inner, placed| {
            let scope = Scope::Entry(placed.path);
            let mut found = self.scan_in(inner, scope, stats, explained, &mut inner_warnings);
            document_lines.place(&mut found, inner.bytes, placed.embedded);
            findings.append(&mut found);
        });
        stats.archives.merge(expansion.counts);
        warnings.extend(expansion.warnings);
        if expansion.counts.opened > 0 {
            inner_warnings = summarised_inner_warnings(blob.path, inner_warnings);
        }
        warnings.append(&mut inner_warnings);
        findings
    }

    /// [`BlobScanner::scan_input`] of a whole input, counted as scanned in `result`, its findings
    /// passed through the place stage of suppression too: what a scan reports of one file or
    /// one staged blob. What it warns of or drops goes to `result`.
    pub(crate) fn scan_whole(&mut self, blob: Blob<'_>, result: &mut ScanResult) -> Vec<Finding> {
        result.stats.files_scanned += 1;
        result.stats.bytes_scanned += blob.bytes.len() as u64;
        let mut found = self.scan_input(
            blob,
            &mut result.stats,
            &mut result.explained,
            &mut result.warnings,
        );
        let explained = self.explain.then_some(&mut result.explained);
        suppress_by_place(&mut found, self.suppressor, &mut result.stats, explained);
        found
    }

    /// [`BlobScanner::scan_input`] for a blob that differs from a clean base only where
    /// `changed` says (see [`Matcher::find_changed`]); with `None`, or when the blob is not
    /// plain text (an archive, a notebook, UTF-16), the whole of it is scanned. Returns the
    /// findings and what a blob stored against this one needs to know; it is clean only for
    /// plain text that held nothing.
    pub(crate) fn scan_changed(
        &mut self,
        blob: Blob<'_>,
        changed: Option<Changed<'_>>,
        stats: &mut Stats,
        explained: &mut Vec<Explanation>,
        warnings: &mut Vec<SourceError>,
    ) -> (Vec<Finding>, Outcome) {
        let plain = !source::is_expanded(blob.bytes) && !source::is_utf16_text(blob.bytes);
        if !plain {
            let findings = self.scan_input(blob, stats, explained, warnings);
            return (findings, Outcome::default());
        }
        let scope = changed.map_or(Scope::File, Scope::Changed);
        let findings = self.scan_part(blob, scope, &Part::whole(), stats, explained, warnings);
        (findings, self.matcher.outcome().clone())
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
        self.scan_in(blob, Scope::File, stats, explained, warnings)
    }

    /// [`BlobScanner::scan`] of `blob` in `scope` (a file of its own, or a text inside one).
    fn scan_in(
        &mut self,
        blob: Blob<'_>,
        scope: Scope<'_>,
        stats: &mut Stats,
        explained: &mut Vec<Explanation>,
        warnings: &mut Vec<SourceError>,
    ) -> Vec<Finding> {
        let decoded = source::decode_utf16(blob.bytes);
        let blob = Blob {
            bytes: &decoded,
            ..blob
        };
        self.scan_part(blob, scope, &Part::whole(), stats, explained, warnings)
    }

    /// [`BlobScanner::scan`] of the part of `blob` that `part` owns, placed in its input, in
    /// `scope`.
    fn scan_part(
        &mut self,
        blob: Blob<'_>,
        scope: Scope<'_>,
        part: &Part,
        stats: &mut Stats,
        explained: &mut Vec<Explanation>,
        warnings: &mut Vec<SourceError>,
    ) -> Vec<Finding> {
        // A window's drops are kept one by one, to count only those it owns.
        self.matcher.explain(self.explain || part.is_window());
        let counted = self.matcher.counts();
        let mut findings = match scope {
            Scope::Changed(changed) => {
                let matches = self.matcher.find_changed(blob.bytes, changed);
                place_matches(self.matcher.rules(), blob, &matches)
            }
            Scope::File => findings_in(&mut self.matcher, blob),
            Scope::Entry(path) => findings_at(&mut self.matcher, blob, path),
        };
        findings.retain(|finding| part.owns(finding.offset));
        let rules = self.matcher.rules();
        let place = self.below_root(blob.path);
        for finding in &mut findings {
            if let Some(rule) = rules.find(&finding.rule_id) {
                self.demote.apply(finding, rule, place);
            }
        }
        if part.is_window() {
            let owned: Vec<_> = self
                .matcher
                .take_dropped()
                .into_iter()
                .filter(|drop| part.owns(drop.secret.start))
                .collect();
            for drop in &owned {
                stats.dropped.add(drop.reason);
            }
            if self.explain {
                explained.extend(explain_dropped(self.matcher.rules(), blob, owned, part));
            }
        } else {
            stats.dropped.merge(self.matcher.counts().since(counted));
            if self.explain {
                let dropped = self.matcher.take_dropped();
                explained.extend(explain_dropped(self.matcher.rules(), blob, dropped, part));
            }
        }
        if let Some(at) = self.matcher.decode_fell_short() {
            warnings.push(decode_budget_warning(
                blob.path,
                part.line_of(blob.bytes, at),
                self.matcher.decode_limits().max_size,
            ));
        }
        for finding in &mut findings {
            part.place(finding);
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
        for finding in &mut findings {
            if let Some(message) = content.misspelt_allow(finding) {
                warnings.push(SourceError {
                    path: finding.path.to_string(),
                    message,
                });
            }
            finding.offset = part.offset(finding.offset);
        }
        findings
    }
}

/// Where the blob handed to [`BlobScanner::scan_part`] sits, and so how it is searched.
#[derive(Clone, Copy)]
enum Scope<'b> {
    /// A file of its own (on disk, in git, standard input), searched whole.
    File,
    /// A text handed out by opening an input (an archive's entry, a notebook's cell, or the
    /// input itself when it is neither), searched whole: rules' `paths` are matched against its
    /// own name, and its findings are placed inside the input.
    Entry(&'b EntryPath),
    /// A plain text that differs from a clean base only where `Changed` says, searched only
    /// there (see [`Matcher::find_changed`]); its path is not known yet.
    Changed(Changed<'b>),
}

/// The folders a files scan names, as the walk shows paths under them (no leading `./`).
fn scanned_folders(target: &Target) -> Vec<std::path::PathBuf> {
    let Target::Files { inputs, .. } = target else {
        return Vec::new();
    };
    inputs
        .iter()
        .filter_map(|input| match input {
            crate::config::Input::Path(path) if path.is_dir() => Some(source::shown_path(path)),
            _ => None,
        })
        .filter(|shown| !shown.as_os_str().is_empty())
        .collect()
}

/// The warning for the input at `path` whose decode budget ran out at `line`.
fn decode_budget_warning(path: &str, line: usize, budget: usize) -> SourceError {
    SourceError {
        path: path.to_string(),
        message: format!(
            "the decode budget ({} of decoded text per file, `decode.max_size`) ran out: encoded \
             text from line {line} on was not all decoded, and secrets in it may be missed",
            source::human_size(budget as u64)
        ),
    }
}

/// The warnings about the files inside one input (a spent decode budget, a `sprawl:allow` that
/// names no loaded rule): the first few, then one that counts the rest, as archive warnings are
/// (an archive of thousands of such files must not print thousands of lines).
fn summarised_inner_warnings(outer: &str, mut warnings: Vec<SourceError>) -> Vec<SourceError> {
    let listed = source::WARNINGS_LISTED;
    if warnings.len() > listed + 1 {
        let rest = warnings.len() - listed;
        warnings.truncate(listed);
        warnings.push(SourceError {
            path: outer.to_string(),
            message: format!("{rest} more warnings about the files inside it, not listed"),
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

/// Places the matcher's dropped candidates (in `part`'s input) and says why each was dropped.
fn explain_dropped(
    rules: &RuleSet,
    blob: Blob<'_>,
    mut dropped: Vec<crate::engine::Dropped>,
    part: &Part,
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
            let mut explanation = Explanation {
                path: blob.path.to_string(),
                line: at.line,
                column: at.column,
                rule_id: rules.rule(drop.rule).id.clone(),
                secret: blob.bytes[drop.secret].to_vec(),
                reason,
            };
            part.place_explanation(&mut explanation);
            explanation
        })
        .collect()
}

/// Scans the target of `config`. Unreadable inputs are collected as errors and the scan goes
/// on; only a target that cannot be opened at all (not a repository) fails the whole scan.
pub fn scan(config: &ScanConfig, list_skipped: bool) -> Result<ScanResult, HistoryError> {
    scan_with_progress(config, list_skipped, &Progress::hidden())
}

/// [`scan`], recording each input done in `progress`.
pub(crate) fn scan_with_progress(
    config: &ScanConfig,
    list_skipped: bool,
    progress: &Progress,
) -> Result<ScanResult, HistoryError> {
    let started = std::time::Instant::now();
    let mut result = match &config.target {
        Target::Files { inputs, walk, diff } => {
            files::scan(config, inputs, (walk, *diff), list_skipped, progress)
        }
        Target::Git { repo, mode } => history::scan(config, repo, mode, list_skipped, progress)?,
    };
    result.warnings.extend(baseline::warnings(config));
    // A blob scanned again (at several places in history) warns once.
    let mut seen = std::collections::HashSet::new();
    result
        .warnings
        .retain(|warning| seen.insert((warning.path.clone(), warning.message.clone())));
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
    findings_in_input(matcher, path, bytes, archives)
        .into_iter()
        .map(|finding| finding.fingerprint)
        .collect()
}

/// Every finding in `bytes` (shown as `path`), inside its archives too when `archives` are
/// opened, before any suppression: what a blob holds, to compare with what a scan reported
/// elsewhere (the secrets a path held before a range, or still holds at HEAD).
pub(crate) fn findings_in_input(
    matcher: &mut Matcher<'_>,
    path: &str,
    bytes: &[u8],
    archives: Option<&ArchiveLimits>,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut document_lines = DocumentLines::default();
    let mut collect = |blob: Blob<'_>, placed: Option<Placed<'_>>| {
        let decoded = source::decode_utf16(blob.bytes);
        let decoded = Blob {
            bytes: &decoded,
            ..blob
        };
        let mut found = match placed {
            Some(placed) => findings_at(matcher, decoded, placed.path),
            None => findings_in(matcher, decoded),
        };
        // At the notebook's own lines, as a scan reports them.
        document_lines.place(&mut found, blob.bytes, placed.and_then(|at| at.embedded));
        findings.append(&mut found);
    };
    let blob = Blob { path, bytes };
    match archives {
        Some(limits) => {
            source::expand_placed(blob, limits, &mut |text, placed| {
                collect(text, Some(placed));
            });
        }
        None => collect(blob, None),
    }
    findings
}

/// The line starts of the notebook whose cells are being scanned, counted once per notebook
/// (its cells come one after another).
#[derive(Default)]
struct DocumentLines(Option<(String, LineIndex)>);

impl DocumentLines {
    /// Places `found`, the findings of the text `inner`, back in the notebook's own lines (the
    /// cell kept as each finding's `part`) when `embedded` says the text was cut out of one.
    fn place(&mut self, found: &mut [Finding], inner: &[u8], embedded: Option<Embedded<'_>>) {
        let Some(embedded) = embedded.filter(|_| !found.is_empty()) else {
            return;
        };
        let document: &str = embedded.document;
        if self.0.as_ref().is_none_or(|(path, _)| path != document) {
            self.0 = Some((document.to_string(), LineIndex::new(embedded.bytes)));
        }
        if let Some((_, lines)) = &mut self.0 {
            place_in_document(found, inner, &embedded, lines);
        }
    }
}

/// The findings in one blob, a file of its own at `blob.path`.
pub fn findings_in(matcher: &mut Matcher<'_>, blob: Blob<'_>) -> Vec<Finding> {
    let matches = matcher.find_in_file(blob.path, blob.bytes);
    place_matches(matcher.rules(), blob, &matches)
}

/// The findings in `blob`, a text at `path` inside an input: rules' `paths` are matched against
/// the innermost entry's own name, and the findings are placed at the outer input and the place
/// inside it (the input itself when `path` is the input's own).
fn findings_at(matcher: &mut Matcher<'_>, blob: Blob<'_>, path: &EntryPath) -> Vec<Finding> {
    let matches = matcher.find_in_file(path.entry(), blob.bytes);
    let mut findings = place_matches(matcher.rules(), blob, &matches);
    if path.within().is_some() {
        for finding in &mut findings {
            finding.path = FindingPath::from(path);
        }
    }
    findings
}

/// The findings of `matches`, placed in `blob`.
fn place_matches(
    rules: &RuleSet,
    blob: Blob<'_>,
    matches: &[crate::engine::Match],
) -> Vec<Finding> {
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
    use crate::rules::parse_rule_file;

    /// A zip archive of `files` (name, content), built in memory.
    fn zip_of(files: &[(&str, &str)]) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, content) in files {
            writer
                .start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            std::io::Write::write_all(&mut writer, content.as_bytes()).unwrap();
        }
        writer.finish().unwrap().into_inner()
    }

    #[test]
    fn findings_in_input_places_a_notebook_finding_at_the_notebooks_own_line() {
        let yaml = "rules:\n  - id: t.token\n    name: T\n    keywords: [tok_]\n    pattern: '\\btok_(?P<secret>[a-z0-9]{12})\\b'\n    confidence: high\n    examples: [x]\n";
        let rules = RuleSet::new(parse_rule_file(yaml, "t.yml").unwrap()).unwrap();
        let mut matcher = Matcher::new(&rules);
        // Built here, so that the file holds no literal for the self-scan to find.
        let secret = format!("tok_{}", "a1b2c3d4e5f6");
        let notebook = format!(
            "{{\n \"cells\": [\n  {{\n   \"cell_type\": \"code\",\n   \"source\": [\"import os\\n\", \"key = '{secret}'\\n\"]\n  }}\n ],\n \"nbformat\": 4\n}}\n"
        );
        let limits = ArchiveLimits::with_entry_size(1 << 20);
        let found = findings_in_input(&mut matcher, "nb.ipynb", notebook.as_bytes(), Some(&limits));
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].path, "nb.ipynb");
        // Line 5 of the file, as a scan reports it, not line 2 of the cell.
        assert_eq!(found[0].line, 5);
        let part = found[0].part.as_ref().expect("the cell is kept");
        assert_eq!((part.name.as_str(), part.line), ("cell-1", 2));
        // Inside an archive, the notebook's place keeps the archive as its outer file.
        let zip = zip_of(&[("nb/nb.ipynb", &notebook)]);
        let found = findings_in_input(&mut matcher, "n.zip", &zip, Some(&limits));
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].path, "n.zip!nb/nb.ipynb");
        assert_eq!(found[0].path.outer(), "n.zip");
        assert_eq!(found[0].path.inner(), Some("nb/nb.ipynb"));
        assert_eq!(found[0].line, 5);
    }

    #[test]
    fn rules_paths_see_an_entrys_own_name_and_findings_keep_the_outer_file() {
        let yaml = "rules:\n  - id: t.pw\n    name: P\n    keywords: [pw=]\n    pattern: 'pw=(\\S+)'\n    confidence: low\n    examples: [x]\n    allow:\n      paths: ['^fixtures/']\n";
        let rules = RuleSet::new(parse_rule_file(yaml, "t.yml").unwrap()).unwrap();
        let mut matcher = Matcher::new(&rules);
        let limits = ArchiveLimits::with_entry_size(1 << 20);
        let text = format!("pw={}\n", "Zq8vLr2mWx");
        // A `!` in a file's own name is part of it: the whole path is below `fixtures/`.
        let found = findings_in_input(&mut matcher, "fixtures/odd!name.env", text.as_bytes(), None);
        assert_eq!(found, [], "a file's name was cut at its `!`");
        // Inside an archive, rules see the entry's own name, and the finding keeps the archive.
        let zip = zip_of(&[("fixtures/a.env", &text), ("app/b!c.env", &text)]);
        let found = findings_in_input(&mut matcher, "fixtures/x!y.zip", &zip, Some(&limits));
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].path, "fixtures/x!y.zip!app/b!c.env");
        assert_eq!(found[0].path.outer(), "fixtures/x!y.zip");
        assert_eq!(found[0].path.inner(), Some("app/b!c.env"));
    }

    #[test]
    fn warnings_about_files_inside_one_input_are_summarised() {
        let warning = |n: usize| SourceError {
            path: format!("a.zip!{n}.txt"),
            message: "the decode budget ran out".into(),
        };
        let few: Vec<SourceError> = (0..11).map(warning).collect();
        assert_eq!(summarised_inner_warnings("a.zip", few).len(), 11);
        let many: Vec<SourceError> = (0..500).map(warning).collect();
        let out = summarised_inner_warnings("a.zip", many);
        assert_eq!(out.len(), 11);
        assert_eq!(out[10].path, "a.zip");
        assert_eq!(
            out[10].message,
            "490 more warnings about the files inside it, not listed"
        );
    }
}
