//! `sprawl merge`: the JSON (or JSONL) reports of several runs joined into one report.
//!
//! Two cases. The shards of one scan (`--shard K/N`, their JSON carries a `shard` section) are
//! joined as the unsharded scan would have reported: for history, one finding per secret at its
//! oldest place (the sections give each commit's position in the walk, which is the same in
//! every shard), counting the places every shard saw. Reports of separate scans are combined as
//! they are. Either way findings are deduplicated by fingerprint and place and sorted the way a
//! scan sorts them, errors and warnings are deduplicated, and counts are added up.
//!
//! Records are merged as records: secrets stay exactly as the shards wrote them (redacted unless
//! they ran with `--no-redact`), and JSON output is the very document one scan would write.
//! Other formats are rendered from the records, which hold no snippet: the text format then
//! shows the secret alone, and SARIF columns are the records' byte columns.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{bail, Context, Result};

use crate::finding::{
    Demotion, DocumentPlace, Finding, FindingPath, GitOrigin, Provenance, Snippet,
};
use crate::report::{
    ArchivesRecord, DroppedRecord, ErrorRecord, FindingRecord, JsonReport, ShardRecord,
    SkippedRecord, StatsRecord, SuppressedRecord, JSON_VERSION,
};
use crate::source::git::CommitInfo;

/// One report read back.
#[derive(Debug, Clone)]
pub struct Part {
    /// Where it was read from.
    pub source: PathBuf,
    /// Its findings.
    pub findings: Vec<FindingRecord>,
    /// Its counts (JSONL reports have none).
    pub stats: Option<StatsRecord>,
    /// Its errors.
    pub errors: Vec<ErrorRecord>,
    /// Its warnings.
    pub warnings: Vec<ErrorRecord>,
    /// The shard it covers, if it was written with `--shard`.
    pub shard: Option<ShardRecord>,
}

/// The merged report, and what the user should be warned of.
#[derive(Debug)]
pub struct Merged {
    /// One document, as a single scan writes it.
    pub report: JsonReport,
    /// Each reported commit's position in the walk of history, for shards of a history scan.
    pub commit_order: HashMap<String, usize>,
    /// Warnings (missing shards).
    pub warnings: Vec<String>,
}

/// Reads a JSON report, or a JSONL one (one finding per line). The error names the file, and
/// the line for JSONL.
pub fn read(path: &Path) -> Result<Part> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the report {}", path.display()))?;
    let part = |findings, stats, errors, warnings, shard| Part {
        source: path.to_path_buf(),
        findings,
        stats,
        errors,
        warnings,
        shard,
    };
    match serde_json::from_str::<JsonReport>(&text) {
        Ok(report) if report.version != JSON_VERSION => bail!(
            "{}: a version {} report; this sprawl reads version {JSON_VERSION}",
            path.display(),
            report.version
        ),
        Ok(report) => {
            check_archives(path, &report.findings)?;
            return Ok(part(
                report.findings,
                Some(report.stats),
                report.errors,
                report.warnings,
                report.shard,
            ));
        }
        Err(err) => match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(value) if value.get("runs").is_some() => bail!(
                "{}: a SARIF report; merge the shards' JSON reports (`--format json`) and ask \
                 for SARIF with `sprawl merge --format sarif`",
                path.display()
            ),
            Ok(value) if value.get("findings").is_some() => {
                bail!("{}: not a sprawl JSON report: {err}", path.display())
            }
            // Not one JSON document: JSONL, one finding per line (or something else, named
            // with its line below).
            _ => {}
        },
    }
    let mut findings = Vec::new();
    for (number, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let record = serde_json::from_str::<FindingRecord>(line).with_context(|| {
            format!(
                "{}:{}: neither a sprawl JSON report nor a JSONL finding",
                path.display(),
                number + 1
            )
        })?;
        findings.push(record);
    }
    check_archives(path, &findings)?;
    Ok(part(findings, None, Vec::new(), Vec::new(), None))
}

/// Fails unless each finding with an `archive` has a path that starts with it and a `!`: the
/// place inside the archive is the rest of the path.
fn check_archives(report: &Path, findings: &[FindingRecord]) -> Result<()> {
    for record in findings {
        if let Some(archive) = &record.archive {
            if path_of(record).inner().is_none() {
                bail!(
                    "{}: a finding at {} names the archive {archive}, which its path does not \
                     start with",
                    report.display(),
                    record.path
                );
            }
        }
    }
    Ok(())
}

/// Merges `parts`; with `all_occurrences`, the shards of a history scan keep every place of
/// each secret. Fails when shards do not belong together.
pub fn merge(parts: Vec<Part>, all_occurrences: bool) -> Result<Merged> {
    let mut warnings = Vec::new();
    let sharded = check_shards(&parts, &mut warnings)?;
    let mut commit_order = HashMap::new();
    for part in &parts {
        if let Some(shard) = &part.shard {
            commit_order.extend(shard.commit_order.iter().map(|(id, &n)| (id.clone(), n)));
        }
    }
    let stats = add_stats(&parts, sharded);
    let errors = union(parts.iter().map(|part| &part.errors));
    let report_warnings = union(parts.iter().map(|part| &part.warnings));
    let history = sharded
        && parts
            .iter()
            .flat_map(|p| &p.findings)
            .any(|f| f.commit.is_some());
    if history {
        check_commit_orders(&parts)?;
    }
    let totals = if history {
        place_totals(&parts)
    } else {
        HashMap::new()
    };
    let mut findings: Vec<FindingRecord> = parts.into_iter().flat_map(|p| p.findings).collect();
    for finding in &mut findings {
        if let Some(total) = totals.get(&(finding.rule_id.clone(), finding.fingerprint.clone())) {
            finding.occurrences = Some(total - 1);
        }
    }
    let order = |finding: &FindingRecord| {
        finding
            .commit
            .as_ref()
            .and_then(|id| commit_order.get(id).copied())
            .unwrap_or(0)
    };
    findings.sort_by(|a, b| {
        (order(a), &a.path, a.line, a.column, &a.rule_id, &a.commit).cmp(&(
            order(b),
            &b.path,
            b.line,
            b.column,
            &b.rule_id,
            &b.commit,
        ))
    });
    let mut seen = HashSet::new();
    findings.retain(|f| {
        seen.insert((
            f.rule_id.clone(),
            f.fingerprint.clone(),
            f.path.clone(),
            f.line,
            f.column,
            f.commit.clone(),
        ))
    });
    if history && !all_occurrences {
        let mut secrets = HashSet::new();
        findings.retain(|f| secrets.insert((f.rule_id.clone(), f.fingerprint.clone())));
    }
    let mut stats = stats;
    stats.findings = findings.len();
    stats.errors = errors.len();
    Ok(Merged {
        report: JsonReport {
            version: JSON_VERSION,
            findings,
            stats,
            errors,
            warnings: report_warnings,
            shard: None,
        },
        commit_order,
        warnings,
    })
}

/// Whether `parts` are the shards of one scan (all of them carry a shard section, of the same
/// count, each index once); a mix of shards and other reports is refused.
fn check_shards(parts: &[Part], warnings: &mut Vec<String>) -> Result<bool> {
    let shards: Vec<(&Part, &ShardRecord)> = parts
        .iter()
        .filter_map(|part| part.shard.as_ref().map(|shard| (part, shard)))
        .collect();
    if shards.is_empty() {
        return Ok(false);
    }
    if let Some(other) = parts.iter().find(|part| part.shard.is_none()) {
        bail!(
            "{} is not a shard report, but {} is: merge the shards of one scan (each written \
             with --shard K/N --format json) on their own",
            other.source.display(),
            shards[0].0.source.display()
        );
    }
    let count = shards[0].1.count;
    let mut indices = BTreeSet::new();
    for (part, shard) in &shards {
        if shard.count != count {
            bail!(
                "{} is shard {}/{}, but {} is shard {}/{count}: they are not parts of one scan",
                part.source.display(),
                shard.index,
                shard.count,
                shards[0].0.source.display(),
                shards[0].1.index
            );
        }
        if !indices.insert(shard.index) {
            bail!(
                "shard {}/{count} is given twice (again in {})",
                shard.index,
                part.source.display()
            );
        }
    }
    let missing: Vec<String> = (1..=count)
        .filter(|index| !indices.contains(index))
        .map(|index| index.to_string())
        .collect();
    if !missing.is_empty() {
        warnings.push(format!(
            "shard {} of {count} not given: the merged report covers only part of the scan",
            missing.join(", ")
        ));
    }
    Ok(true)
}

/// Refuses history shards that cannot be ordered: every commit they report must have a place
/// in the walk.
fn check_commit_orders(parts: &[Part]) -> Result<()> {
    for part in parts {
        let known = part
            .shard
            .as_ref()
            .map(|shard| &shard.commit_order)
            .filter(|order| !order.is_empty());
        for finding in &part.findings {
            if let Some(commit) = &finding.commit {
                if !known.is_some_and(|order| order.contains_key(commit)) {
                    bail!(
                        "{}: commit {commit} has no place in the shard's commit_order",
                        part.source.display()
                    );
                }
            }
        }
    }
    Ok(())
}

/// For the shards of a history scan: how many places hold each secret (rule and fingerprint)
/// in all. Each shard counts the places of its own blobs, and every blob is in one shard.
fn place_totals(parts: &[Part]) -> HashMap<(String, String), usize> {
    let mut totals: HashMap<(String, String), usize> = HashMap::new();
    for part in parts {
        let mut counted = HashSet::new();
        for finding in &part.findings {
            let secret = (finding.rule_id.clone(), finding.fingerprint.clone());
            if counted.insert(secret.clone()) {
                *totals.entry(secret).or_default() += finding.occurrences.unwrap_or(0) + 1;
            }
        }
    }
    totals
}

/// Errors or warnings of every part, each once, sorted by path.
fn union<'a>(lists: impl Iterator<Item = &'a Vec<ErrorRecord>>) -> Vec<ErrorRecord> {
    let mut seen = HashSet::new();
    let mut all: Vec<ErrorRecord> = lists
        .flatten()
        .filter(|record| seen.insert((record.path.clone(), record.message.clone())))
        .cloned()
        .collect();
    all.sort_by(|a, b| (&a.path, &a.message).cmp(&(&b.path, &b.message)));
    all
}

/// The parts' counts added up. Shards of one scan walked the same commits and ran the same
/// rules at the same time, so those are not added but taken once (as is the longest time).
fn add_stats(parts: &[Part], sharded: bool) -> StatsRecord {
    let mut total = empty_stats();
    for stats in parts.iter().filter_map(|part| part.stats.as_ref()) {
        total.files_scanned += stats.files_scanned;
        total.bytes_scanned += stats.bytes_scanned;
        let (s, t) = (&stats.skipped, &mut total.skipped);
        t.binary += s.binary;
        t.too_large += s.too_large;
        t.symlink += s.symlink;
        t.special += s.special;
        t.submodule += s.submodule;
        t.ignored += s.ignored;
        let (s, t) = (&stats.suppressed, &mut total.suppressed);
        t.allow += s.allow;
        t.inline += s.inline;
        t.rule_path += s.rule_path;
        t.confidence += s.confidence;
        t.baseline += s.baseline;
        let (s, t) = (&stats.dropped, &mut total.dropped);
        t.entropy += s.entropy;
        t.rule_allow += s.rule_allow;
        t.overlap += s.overlap;
        t.check += s.check;
        t.filter += s.filter;
        let (s, t) = (&stats.archives, &mut total.archives);
        t.opened += s.opened;
        t.entries_scanned += s.entries_scanned;
        t.entries_skipped += s.entries_skipped;
        t.warnings += s.warnings;
        total.rules = total.rules.max(stats.rules);
        total.elapsed_seconds = total.elapsed_seconds.max(stats.elapsed_seconds);
        total.commits = match (total.commits, stats.commits) {
            (Some(a), Some(b)) if sharded => Some(a.max(b)),
            (Some(a), Some(b)) => Some(a + b),
            (a, b) => a.or(b),
        };
    }
    total
}

fn empty_stats() -> StatsRecord {
    StatsRecord {
        files_scanned: 0,
        bytes_scanned: 0,
        skipped: SkippedRecord {
            binary: 0,
            too_large: 0,
            symlink: 0,
            special: 0,
            submodule: 0,
            ignored: 0,
        },
        findings: 0,
        errors: 0,
        rules: 0,
        elapsed_seconds: 0.0,
        suppressed: SuppressedRecord {
            allow: 0,
            inline: 0,
            rule_path: 0,
            confidence: 0,
            baseline: 0,
        },
        dropped: DroppedRecord {
            entropy: 0,
            rule_allow: 0,
            overlap: 0,
            check: 0,
            filter: 0,
        },
        commits: None,
        archives: ArchivesRecord::default(),
    }
}

impl Merged {
    /// The merged findings as [`Finding`]s, for the formats that are written from findings. The
    /// secret is the record's text (already redacted or not), the snippet that secret alone.
    pub fn findings(&self) -> Vec<Finding> {
        self.report
            .findings
            .iter()
            .map(|record| finding_of(record, &self.commit_order))
            .collect()
    }
}

/// A record's path, with its archive's part when it names one that the path starts with (as
/// [`read`] checks).
fn path_of(record: &FindingRecord) -> FindingPath {
    let inner = record.archive.as_deref().and_then(|archive| {
        let inner = record.path.strip_prefix(archive)?.strip_prefix('!')?;
        Some((archive, inner))
    });
    match inner {
        Some((archive, inner)) => FindingPath::inside(archive, inner),
        None => FindingPath::from(record.path.as_str()),
    }
}

fn finding_of(record: &FindingRecord, commit_order: &HashMap<String, usize>) -> Finding {
    let git = record.commit.as_ref().map(|id| GitOrigin {
        commit: Arc::new(CommitInfo {
            id: id.clone(),
            author: record.author.clone().unwrap_or_default(),
            email: record.email.clone().unwrap_or_default(),
            date: record.date.clone().unwrap_or_default(),
            summary: record.message.clone().unwrap_or_default(),
        }),
        order: commit_order.get(id).copied().unwrap_or(0),
        occurrences: record.occurrences.unwrap_or(0),
    });
    Finding {
        rule_id: record.rule_id.clone(),
        rule_name: record.rule_name.clone(),
        confidence: record.confidence,
        demoted: record.demoted.as_ref().map(Demotion::from),
        path: path_of(record),
        part: record.part.as_ref().map(DocumentPlace::from),
        line: record.line,
        column: record.column,
        end_line: record.end_line,
        end_column: record.end_column,
        char_columns: (record.column, record.end_column),
        offset: 0,
        secret: record.secret.clone().into_bytes(),
        paired_id: record.paired_id.clone().map(String::into_bytes),
        encoding: record.encoding.clone(),
        fingerprint: record.fingerprint.clone(),
        entropy: record.entropy,
        snippet: Snippet::of_secret(&record.secret),
        provenance: git.map_or(Provenance::Input, Provenance::History),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A JSONL finding at `path`, naming `archive` when given.
    fn jsonl(path: &str, archive: Option<&str>) -> String {
        let mut record = serde_json::json!({
            "rule_id": "t.token", "rule_name": "T", "path": path, "line": 1, "column": 1,
            "end_line": 1, "end_column": 9, "secret": "abcd…", "fingerprint": "00",
            "entropy": 3.0, "confidence": "high",
        });
        if let Some(archive) = archive {
            record["archive"] = archive.into();
        }
        format!("{record}\n")
    }

    fn read_jsonl(line: &str) -> Result<Part> {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("part.jsonl");
        std::fs::write(&file, line).unwrap();
        read(&file)
    }

    #[test]
    fn a_finding_in_an_archive_keeps_its_outer_and_inner_paths() {
        let part = read_jsonl(&jsonl("lib/a.zip!b.jar!c.env", Some("lib/a.zip"))).unwrap();
        let path = path_of(&part.findings[0]);
        assert_eq!(path.outer(), "lib/a.zip");
        assert_eq!(path.inner(), Some("b.jar!c.env"));
        let plain = read_jsonl(&jsonl("lib/a.env", None)).unwrap();
        assert_eq!(path_of(&plain.findings[0]).inner(), None);
    }

    #[test]
    fn an_archive_the_path_does_not_start_with_is_refused_not_a_panic() {
        for archive in [
            "lib/a.zip.longer-than-the-whole-path",
            "other.zip",
            "lib/a.zip!b",
        ] {
            let err = read_jsonl(&jsonl("lib/a.zip!b.env", Some(archive))).unwrap_err();
            assert!(
                format!("{err:#}").contains("which its path does not start with"),
                "{err:#}"
            );
        }
    }
}
