//! Baselines: findings acknowledged once, so that a scan fails only on new ones.
//!
//! An entry is keyed by rule id, fingerprint (a hash of the secret) and path, never by line: it
//! still matches after lines move, the file is reformatted or history is rebased, while a
//! different secret on the same line, or the same secret in another file, is reported. The file
//! is JSON, sorted, without timestamps and without any secret in clear, so it changes only when
//! findings change and merges cleanly. An entry may carry a `reason` and an `expires` date
//! (YYYY-MM-DD) from which on it no longer suppresses.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use time::{format_description::well_known::Iso8601, Date};

use crate::finding::Finding;
use crate::output::OutputFile;

/// The version of the baseline file's shape.
pub(crate) const BASELINE_VERSION: u32 = 1;

/// A baseline file, as written.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineFile {
    /// `BASELINE_VERSION`.
    pub version: u32,
    /// Acknowledged findings, sorted by path, rule and fingerprint.
    pub(crate) entries: Vec<BaselineEntry>,
}

/// One acknowledged finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct BaselineEntry {
    /// Where the secret is.
    pub path: String,
    /// The rule that found it.
    pub rule_id: String,
    /// The finding's fingerprint.
    pub fingerprint: String,
    /// Why it is acknowledged (kept when the baseline is rewritten).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The date (YYYY-MM-DD) from which the entry no longer suppresses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
}

/// A loaded baseline: the entries that still suppress, and which entries the scan met, so that
/// it can say which ones expired on a finding and which ones no finding needs any more.
#[derive(Debug, Clone, Default)]
pub struct Baseline {
    /// The file, for messages.
    path: PathBuf,
    /// Every entry, in file order.
    entries: Vec<BaselineEntry>,
    /// Entry index by (path, rule id, fingerprint).
    index: HashMap<(String, String, String), usize>,
    /// Per entry: whether it is past its `expires` date.
    expired_flags: Vec<bool>,
    /// Per entry: whether a finding of this scan matched it (shared by the scanning threads).
    met: Arc<[AtomicBool]>,
    /// Entries past their `expires` date.
    pub expired: usize,
}

/// What a baseline has to say once the scan is over.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct BaselineReport {
    /// Entries that expired while their finding is still there: it is reported again.
    pub expired_met: Vec<BaselineEntry>,
    /// Entries no finding matched, among those the scan could have met.
    pub stale: Vec<BaselineEntry>,
}

impl BaselineFile {
    /// Reads and checks a baseline file. Errors name the file, and the line or entry at fault.
    pub fn read(path: &Path) -> Result<BaselineFile> {
        let text = crate::source::read_regular_file(path)
            .with_context(|| format!("cannot read baseline {}", path.display()))?;
        let file: BaselineFile = serde_json::from_str(&text).map_err(|err| {
            anyhow::anyhow!("{}:{}: invalid baseline: {err}", path.display(), err.line())
        })?;
        if file.version != BASELINE_VERSION {
            bail!(
                "{}: baseline version {} is not supported (expected {BASELINE_VERSION})",
                path.display(),
                file.version
            );
        }
        for (index, entry) in file.entries.iter().enumerate() {
            if let Some(expires) = &entry.expires {
                parse_date(expires).with_context(|| {
                    format!(
                        "{}: entries[{index}].expires: `{expires}` is not a YYYY-MM-DD date",
                        path.display()
                    )
                })?;
            }
        }
        Ok(file)
    }

    /// The entries for `findings`, keeping the `reason` and `expires` of entries of `previous`
    /// that are still found, sorted and without duplicates.
    pub(crate) fn of(findings: &[Finding], previous: Option<&BaselineFile>) -> BaselineFile {
        let kept: BTreeMap<(&str, &str, &str), &BaselineEntry> = previous
            .map(|file| {
                file.entries
                    .iter()
                    .map(|entry| {
                        (
                            (
                                entry.path.as_str(),
                                entry.rule_id.as_str(),
                                entry.fingerprint.as_str(),
                            ),
                            entry,
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let mut entries: Vec<BaselineEntry> = findings
            .iter()
            .map(|finding| {
                let old = kept.get(&(
                    finding.path.as_str(),
                    finding.rule_id.as_str(),
                    finding.fingerprint.as_str(),
                ));
                BaselineEntry {
                    path: finding.path.to_string(),
                    rule_id: finding.rule_id.clone(),
                    fingerprint: finding.fingerprint.clone(),
                    reason: old.and_then(|entry| entry.reason.clone()),
                    expires: old.and_then(|entry| entry.expires.clone()),
                }
            })
            .collect();
        entries.sort();
        entries.dedup_by(|a, b| {
            (&a.path, &a.rule_id, &a.fingerprint) == (&b.path, &b.rule_id, &b.fingerprint)
        });
        BaselineFile {
            version: BASELINE_VERSION,
            entries,
        }
    }

    /// Writes the file to `out`: pretty JSON with a final newline.
    pub fn write(&self, mut out: OutputFile) -> Result<()> {
        let mut text = serde_json::to_string_pretty(self).context("cannot encode the baseline")?;
        text.push('\n');
        out.writer()
            .write_all(text.as_bytes())
            .with_context(|| format!("cannot write baseline {}", out.path().display()))?;
        out.finish()
    }
}

impl Baseline {
    /// The baseline of `file`, read from `path`, with entries expired on `today` set apart.
    pub fn new(file: &BaselineFile, path: &Path, today: Date) -> Baseline {
        let mut baseline = Baseline {
            path: path.to_path_buf(),
            entries: file.entries.clone(),
            met: (0..file.entries.len())
                .map(|_| AtomicBool::new(false))
                .collect(),
            ..Baseline::default()
        };
        for (at, entry) in file.entries.iter().enumerate() {
            let expired = entry
                .expires
                .as_deref()
                .and_then(|date| parse_date(date).ok())
                .is_some_and(|expires| expires <= today);
            baseline.expired += usize::from(expired);
            baseline.expired_flags.push(expired);
            baseline.index.insert(
                (
                    entry.path.clone(),
                    entry.rule_id.clone(),
                    entry.fingerprint.clone(),
                ),
                at,
            );
        }
        baseline
    }

    /// Whether `finding` is acknowledged (by an entry that has not expired). Either way, the
    /// entry that matches it is marked as met.
    pub(crate) fn contains(&self, finding: &Finding) -> bool {
        let key = (
            finding.path.to_string(),
            finding.rule_id.clone(),
            finding.fingerprint.clone(),
        );
        let Some(&at) = self.index.get(&key) else {
            return false;
        };
        self.met[at].store(true, Ordering::Relaxed);
        !self.expired_flags[at]
    }

    /// The file the baseline was read from.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// After the scan: the expired entries a finding met, and the entries nothing met among
    /// those `in_scope` says the scan could have met.
    pub(crate) fn report(&self, in_scope: &dyn Fn(&BaselineEntry) -> bool) -> BaselineReport {
        let mut report = BaselineReport::default();
        for (at, entry) in self.entries.iter().enumerate() {
            let met = self.met[at].load(Ordering::Relaxed);
            if met && self.expired_flags[at] {
                report.expired_met.push(entry.clone());
            } else if !met && in_scope(entry) {
                report.stale.push(entry.clone());
            }
        }
        report
    }
}

fn parse_date(text: &str) -> Result<Date, time::error::Parse> {
    Date::parse(text, &Iso8601::DATE)
}

/// Today's date (UTC).
pub fn today() -> Date {
    time::OffsetDateTime::now_utc().date()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn entry(path: &str, fingerprint: &str, expires: Option<&str>) -> BaselineEntry {
        BaselineEntry {
            path: path.into(),
            rule_id: "r.x".into(),
            fingerprint: fingerprint.into(),
            reason: None,
            expires: expires.map(Into::into),
        }
    }

    fn finding(path: &str, fingerprint: &str) -> Finding {
        let rules = crate::rules::parse_rule_file(
            "rules:\n  - id: r.x\n    name: X\n    pattern: x\n    keywords: [x]\n    confidence: low\n    examples: [x]\n",
            "t.yml",
        )
        .unwrap();
        let found = crate::engine::Match {
            rule: 0,
            secret: 0..1,
            entropy: 0.0,
            decoded: None,
            paired: None,
        };
        let mut finding = Finding::new(
            &rules[0],
            &found,
            b"x",
            &mut crate::finding::Lines::new(b"x"),
            path,
            &crate::engine::RangeIndex::default(),
        );
        finding.fingerprint = fingerprint.into();
        finding
    }

    #[test]
    fn expired_entries_do_not_suppress() {
        let file = BaselineFile {
            version: 1,
            entries: vec![
                entry("a", "f1", Some("2030-01-01")),
                entry("b", "f2", Some("2020-01-01")),
                entry("c", "f3", None),
            ],
        };
        let baseline = Baseline::new(&file, Path::new("b.json"), date!(2026 - 11 - 30));
        assert_eq!(baseline.expired, 1);
        assert!(baseline.contains(&finding("a", "f1")));
        assert!(!baseline.contains(&finding("b", "f2")));
        assert!(baseline.contains(&finding("c", "f3")));
        assert!(!baseline.contains(&finding("c", "other")));
        // It expires on the day itself.
        let on_the_day = Baseline::new(&file, Path::new("b.json"), date!(2030 - 01 - 01));
        assert_eq!(on_the_day.expired, 2);
    }

    #[test]
    fn the_report_names_expired_entries_met_and_stale_ones_in_scope() {
        let file = BaselineFile {
            version: 1,
            entries: vec![
                entry("a", "f1", None),
                entry("b", "f2", Some("2020-01-01")),
                entry("c", "f3", None),
                entry("elsewhere/d", "f4", None),
            ],
        };
        let baseline = Baseline::new(&file, Path::new("b.json"), date!(2026 - 11 - 30));
        baseline.contains(&finding("a", "f1"));
        baseline.contains(&finding("b", "f2"));
        let report = baseline.report(&|entry| !entry.path.starts_with("elsewhere/"));
        assert_eq!(report.expired_met, [entry("b", "f2", Some("2020-01-01"))]);
        assert_eq!(report.stale, [entry("c", "f3", None)]);
    }

    #[test]
    fn bad_files_name_the_line_or_entry() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("baseline.json");
        std::fs::write(
            &path,
            "{\n  \"version\": 1,\n  \"entries\": [\n    {\"path\": 3}\n  ]\n}\n",
        )
        .unwrap();
        let err = BaselineFile::read(&path).unwrap_err().to_string();
        assert!(err.contains("baseline.json:4: invalid baseline"), "{err}");
        std::fs::write(&path, "not json").unwrap();
        assert!(BaselineFile::read(&path)
            .unwrap_err()
            .to_string()
            .contains("invalid baseline"));
        let bad_date = r#"{"version":1,"entries":[{"path":"a","rule_id":"r.x","fingerprint":"f","expires":"next week"}]}"#;
        std::fs::write(&path, bad_date).unwrap();
        let err = format!("{:#}", BaselineFile::read(&path).unwrap_err());
        assert!(err.contains("entries[0].expires"), "{err}");
    }
}
