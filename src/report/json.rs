//! `json` (one document) and `jsonl` (one finding per line). The record types derive both
//! `Serialize` and `Deserialize`, so tests and other tools can read a report back into types.

use std::io::{self, Write};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Report, Shown};
use crate::engine::Encoding;
use crate::finding::{Context, Demotion, DocumentPlace, Finding};
use crate::rules::Confidence;
use crate::source::{SkipReason, SourceError};
use crate::stats::Stats;
use crate::suppress::Suppression;

/// The version of the JSON document's shape; raised when a field changes meaning or goes away.
pub const JSON_VERSION: u32 = 1;

/// The JSON Schema (draft 2020-12) of the `json` document, generated from [`JsonReport`]; its
/// `$defs` hold `FindingRecord`, the shape of each `jsonl` line. The repository keeps a copy in
/// `schema/sprawl-report.v{JSON_VERSION}.json`, which a test keeps in step with these types.
pub fn schema() -> serde_json::Value {
    let mut schema = schemars::schema_for!(JsonReport).to_value();
    schema["$id"] = serde_json::Value::String(format!(
        "https://github.com/sprawl-scanner/sprawl/schema/sprawl-report.v{JSON_VERSION}.json"
    ));
    schema
}

/// The `json` document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct JsonReport {
    /// [`JSON_VERSION`].
    pub version: u32,
    /// Every finding, sorted by path, line, column and rule.
    pub findings: Vec<FindingRecord>,
    /// Counts.
    pub stats: StatsRecord,
    /// Inputs that could not be read.
    pub errors: Vec<ErrorRecord>,
    /// Warnings, each naming the file they concern: archives that are hostile or broken (a
    /// bomb, a truncated stream, an encrypted entry) or too large to open, a spent decode
    /// budget, inline allows that name no loaded rule, expired and stale baseline entries;
    /// present only when there are some.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<ErrorRecord>,
    /// With `--shard`: which part of the scan this report covers; present only then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<ShardRecord>,
}

/// The part of a sharded scan a report covers, and what `sprawl merge` needs to join the parts
/// as one scan would have reported them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ShardRecord {
    /// This shard, 1-based.
    pub index: u32,
    /// How many shards the scan was split into.
    pub count: u32,
    /// History scans: each reported commit's position in the walk of history (oldest first),
    /// the same in every shard, by which a merge finds the oldest place of a secret.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub commit_order: std::collections::BTreeMap<String, usize>,
}

/// One finding, in `json` and `jsonl`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FindingRecord {
    /// The rule's id.
    pub rule_id: String,
    /// The rule's human name.
    pub rule_name: String,
    /// The path as shown to the user; inside an archive `outer.zip!inner/file.env`.
    pub path: String,
    /// Inside an archive: the outer file (on disk or in git) that `path` starts with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archive: Option<String>,
    /// 1-based line of the secret's start.
    pub line: usize,
    /// 1-based byte column of the secret's start.
    pub column: usize,
    /// 1-based line of the secret's end.
    pub end_line: usize,
    /// 1-based byte column just past the secret's end.
    pub end_column: usize,
    /// The secret, redacted unless `--no-redact`.
    pub secret: String,
    /// The identifier found with the secret (an AWS access key id with its secret key), redacted
    /// unless `--no-redact`; present only for rules that pair one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paired_id: Option<String>,
    /// Hex SHA-256 of the rule id and the secret.
    pub fingerprint: String,
    /// Shannon entropy of the secret, bits per byte.
    pub entropy: f64,
    /// `low`, `medium` or `high`.
    pub confidence: Confidence,
    /// Present when the finding's place lowered its confidence to low (a test folder,
    /// documentation): the rule's own confidence, why, and the part of the path that says so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub demoted: Option<DemotionRecord>,
    /// In a notebook: the cell or output the secret is in, and its line and column there
    /// (`line` and `column` are the notebook file's own).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part: Option<PartRecord>,
    /// History scans: the id of the oldest commit that introduced the secret at this path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// History scans: the commit's author name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// History scans: the commit's author email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// History scans: the commit's author date, RFC 3339.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// History scans: the first line of the commit message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// History scans: how many other places (commit and path, or line) hold the same secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occurrences: Option<usize>,
    /// A secret found in decoded text: the encodings undone to reach it, outermost first
    /// (`["base64", "hex"]`: hex text that was base64-encoded). Its position is that of the
    /// encoded text; `secret` and `fingerprint` are the decoded secret's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub encoding: Vec<Encoding>,
}

/// Why a finding's confidence is lower than its rule's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DemotionRecord {
    /// The rule's own confidence.
    pub from: Confidence,
    /// `test-fixture` (test code or test data) or `documentation`.
    pub reason: Context,
    /// The part of the path that says so: `tests/`, `token_test.go`, `README.md`.
    pub evidence: String,
}

impl From<&Demotion> for DemotionRecord {
    fn from(demotion: &Demotion) -> DemotionRecord {
        DemotionRecord {
            from: demotion.from,
            reason: demotion.context,
            evidence: demotion.evidence.clone(),
        }
    }
}

impl From<&DemotionRecord> for Demotion {
    fn from(record: &DemotionRecord) -> Demotion {
        Demotion {
            from: record.from,
            context: record.reason,
            evidence: record.evidence.clone(),
        }
    }
}

/// The place of a finding inside a document turned into texts (a notebook's cell or output).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PartRecord {
    /// `cell-3`, `cell-3/output-1`, `metadata`: cells and outputs counted from 1.
    pub name: String,
    /// 1-based line in that cell or output, as the notebook shows it.
    pub line: usize,
    /// 1-based byte column there.
    pub column: usize,
}

impl From<&DocumentPlace> for PartRecord {
    fn from(part: &DocumentPlace) -> PartRecord {
        PartRecord {
            name: part.name.clone(),
            line: part.line,
            column: part.column,
        }
    }
}

impl From<&PartRecord> for DocumentPlace {
    fn from(record: &PartRecord) -> DocumentPlace {
        DocumentPlace {
            name: record.name.clone(),
            line: record.line,
            column: record.column,
        }
    }
}

/// Counts, in `json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StatsRecord {
    /// Inputs scanned.
    pub files_scanned: u64,
    /// Bytes scanned.
    pub bytes_scanned: u64,
    /// Inputs skipped, by reason.
    pub skipped: SkippedRecord,
    /// Findings reported.
    pub findings: usize,
    /// Inputs that could not be read.
    pub errors: usize,
    /// Rules run.
    pub rules: usize,
    /// Wall time, in seconds.
    pub elapsed_seconds: f64,
    /// Findings suppressed, by reason.
    pub suppressed: SuppressedRecord,
    /// Candidates the matcher dropped, by reason.
    pub dropped: DroppedRecord,
    /// History scans: commits walked (and `files_scanned` counts blobs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commits: Option<u64>,
    /// Archives and documents opened, and what was inside them.
    #[serde(default)]
    pub archives: ArchivesRecord,
}

/// Archives, in `json` stats. An archive is also one of `files_scanned`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ArchivesRecord {
    /// Archives, compressed streams, documents and notebooks opened, nested ones included.
    pub opened: u64,
    /// Text files found inside them and scanned.
    pub entries_scanned: u64,
    /// Entries left out: binary, too large, encrypted, too deep, or cut off by a limit.
    pub entries_skipped: u64,
    /// Warnings given (see the report's `warnings`).
    pub warnings: u64,
}

/// Skipped inputs by reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SkippedRecord {
    /// A NUL byte in the first 8 KiB.
    pub binary: u64,
    /// Over the size limit.
    pub too_large: u64,
    /// Symbolic links not followed.
    pub symlink: u64,
    /// FIFOs, sockets, devices.
    pub special: u64,
    /// git submodules (not followed).
    pub submodule: u64,
    /// Files and folders left out by `.gitignore`, `.ignore` or `.git/info/exclude` (a folder
    /// counts once); absent in reports written before sprawl counted them.
    #[serde(default)]
    pub ignored: u64,
}

/// Findings suppressed, by reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SuppressedRecord {
    /// By an allow list of the config.
    pub allow: u64,
    /// By a `sprawl:allow` comment.
    pub inline: u64,
    /// Because the config limits the rule to other paths.
    pub rule_path: u64,
    /// Below the minimum confidence.
    pub confidence: u64,
    /// Acknowledged in the baseline.
    pub baseline: u64,
}

/// Candidates the matcher dropped, by reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DroppedRecord {
    /// Below the rule's `min_entropy`.
    pub entropy: u64,
    /// By the rule's own allow list.
    pub rule_allow: u64,
    /// Overlapping a finding of another rule (or the same rule).
    pub overlap: u64,
    /// Failing the rule's offline check (a checksum, a structure).
    #[serde(default)]
    pub check: u64,
    /// Taken by one of the rule's noise filters for a placeholder, a reference or the like.
    #[serde(default)]
    pub filter: u64,
}

/// An input that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorRecord {
    /// The path.
    pub path: String,
    /// What went wrong.
    pub message: String,
}

impl FindingRecord {
    /// The record for `finding`, its secret (and secrets in its commit's message) shown as
    /// `shown` says.
    pub(crate) fn new(finding: &Finding, shown: &Shown) -> FindingRecord {
        let redact = shown.redact();
        let git = finding.provenance.commit();
        FindingRecord {
            rule_id: finding.rule_id.clone(),
            rule_name: finding.rule_name.clone(),
            path: finding.path.to_string(),
            archive: finding
                .inner_path()
                .map(|_| finding.outer_path().to_string()),
            line: finding.line,
            column: finding.column,
            end_line: finding.end_line,
            end_column: finding.end_column,
            secret: finding.shown_secret(redact),
            paired_id: finding.shown_paired_id(redact),
            fingerprint: finding.fingerprint.clone(),
            entropy: (finding.entropy * 1000.0).round() / 1000.0,
            confidence: finding.confidence,
            demoted: finding.demoted.as_ref().map(DemotionRecord::from),
            part: finding.part.as_ref().map(PartRecord::from),
            commit: git.map(|git| git.commit.id.clone()),
            author: git.map(|git| git.commit.author.clone()),
            email: git.map(|git| git.commit.email.clone()),
            date: git.map(|git| git.commit.date.clone()),
            message: git.map(|git| {
                shown
                    .message(&git.commit.id, &git.commit.summary)
                    .to_string()
            }),
            occurrences: git.map(|git| git.occurrences),
            encoding: finding.encoding.clone(),
        }
    }
}

impl StatsRecord {
    fn new(report: &Report<'_>) -> StatsRecord {
        let stats: &Stats = report.stats;
        StatsRecord {
            files_scanned: stats.files_scanned,
            bytes_scanned: stats.bytes_scanned,
            skipped: SkippedRecord {
                binary: stats.skipped(SkipReason::Binary),
                too_large: stats.skipped(SkipReason::TooLarge),
                symlink: stats.skipped(SkipReason::Symlink),
                special: stats.skipped(SkipReason::Special),
                submodule: stats.skipped(SkipReason::Submodule),
                ignored: stats.skipped(SkipReason::Ignored),
            },
            findings: report.findings.len(),
            errors: report.errors.len(),
            rules: report.rules.len(),
            elapsed_seconds: (stats.elapsed.as_secs_f64() * 1000.0).round() / 1000.0,
            suppressed: SuppressedRecord {
                allow: stats.suppressed(Suppression::Allow),
                inline: stats.suppressed(Suppression::Inline),
                rule_path: stats.suppressed(Suppression::RulePath),
                confidence: stats.suppressed(Suppression::Confidence),
                baseline: stats.suppressed(Suppression::Baseline),
            },
            dropped: DroppedRecord {
                entropy: stats.dropped.entropy,
                rule_allow: stats.dropped.rule_allow,
                overlap: stats.dropped.overlap,
                check: stats.dropped.check,
                filter: stats.dropped.filter,
            },
            commits: stats.commits,
            archives: ArchivesRecord {
                opened: stats.archives.opened,
                entries_scanned: stats.archives.entries_scanned,
                entries_skipped: stats.archives.entries_skipped,
                warnings: stats.archives.warnings,
            },
        }
    }
}

impl From<&SourceError> for ErrorRecord {
    fn from(error: &SourceError) -> ErrorRecord {
        ErrorRecord {
            path: error.path.clone(),
            message: error.message.clone(),
        }
    }
}

/// The `json` document as it is written: [`JsonReport`]'s fields in its order, but each finding
/// turned into its record only as it is written, so a report of many findings is not held twice.
#[derive(Serialize)]
struct JsonReportOut<'r> {
    version: u32,
    findings: RecordsOut<'r>,
    stats: StatsRecord,
    errors: Vec<ErrorRecord>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    warnings: Vec<ErrorRecord>,
    #[serde(skip_serializing_if = "Option::is_none")]
    shard: Option<ShardRecord>,
}

/// Findings serialized as [`FindingRecord`]s, one at a time.
struct RecordsOut<'r> {
    findings: &'r [Finding],
    shown: &'r Shown,
}

impl Serialize for RecordsOut<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(
            self.findings
                .iter()
                .map(|finding| FindingRecord::new(finding, self.shown)),
        )
    }
}

impl<'r> JsonReportOut<'r> {
    fn new(report: &Report<'r>, shown: &'r Shown) -> JsonReportOut<'r> {
        JsonReportOut {
            version: JSON_VERSION,
            findings: RecordsOut {
                findings: report.findings,
                shown,
            },
            stats: StatsRecord::new(report),
            errors: report.errors.iter().map(ErrorRecord::from).collect(),
            warnings: report.warnings.iter().map(ErrorRecord::from).collect(),
            shard: report.shard.map(|shard| ShardRecord {
                index: shard.index(),
                count: shard.count(),
                commit_order: report
                    .findings
                    .iter()
                    .filter_map(|finding| finding.provenance.commit())
                    .map(|git| (git.commit.id.clone(), git.order))
                    .collect(),
            }),
        }
    }
}

/// Writes the `json` document, pretty-printed, with a final newline.
pub(crate) fn write(report: &Report<'_>, shown: &Shown, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &JsonReportOut::new(report, shown))?;
    out.write_all(b"\n")
}

/// Writes one compact JSON object per finding, each on its own line.
pub(crate) fn write_lines(
    report: &Report<'_>,
    shown: &Shown,
    out: &mut dyn Write,
) -> io::Result<()> {
    for finding in report.findings {
        serde_json::to_writer(&mut *out, &FindingRecord::new(finding, shown))?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Matcher;
    use crate::pipeline::findings_in;
    use crate::rules::{parse_rule_file, RuleSet};
    use crate::source::Blob;

    #[test]
    fn the_streamed_document_is_the_report_type_written_whole() {
        let yaml = "rules:\n  - id: t.token\n    name: T\n    keywords: [tok_]\n    pattern: 'tok_[a-z0-9]{8}'\n    confidence: high\n    examples: [x]\n";
        let rules = RuleSet::new(parse_rule_file(yaml, "test.yml").unwrap()).unwrap();
        let text = "a = tok_a1b2c3d4\nb = tok_z9y8x7w6\n";
        let blob = Blob {
            path: "a.env",
            bytes: text.as_bytes(),
        };
        let findings = findings_in(&mut Matcher::new(&rules), blob);
        let warnings = [SourceError {
            path: "a.zip".into(),
            message: "cut short".into(),
        }];
        for warnings in [&warnings[..], &[]] {
            let report = Report {
                findings: &findings,
                stats: &Stats::default(),
                errors: &[],
                warnings,
                rules: &rules,
                root: None,
                shard: None,
            };
            let mut written = Vec::new();
            let shown = Shown::new(&findings, &rules, true);
            write(&report, &shown, &mut written).unwrap();
            let read: JsonReport = serde_json::from_slice(&written).unwrap();
            assert_eq!(read.findings.len(), 2);
            assert_eq!(read.findings[1], FindingRecord::new(&findings[1], &shown));
            // Written again from the type itself: the same bytes, so fields, order and the
            // fields left out agree.
            let again = format!("{}\n", serde_json::to_string_pretty(&read).unwrap());
            assert_eq!(String::from_utf8(written).unwrap(), again);
        }
    }
}
