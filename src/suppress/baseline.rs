//! Baselines: findings acknowledged once, so that a scan fails only on new ones.
//!
//! An entry is keyed by rule id, fingerprint (a hash of the secret) and path, never by line: it
//! still matches after lines move, the file is reformatted or history is rebased, while a
//! different secret on the same line, or the same secret in another file, is reported. The file
//! is JSON, sorted, without timestamps and without any secret in clear, so it changes only when
//! findings change and merges cleanly. An entry may carry a `reason` and an `expires` date
//! (YYYY-MM-DD) from which on it no longer suppresses.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use time::{format_description::well_known::Iso8601, Date};

use crate::finding::Finding;
use crate::output::OutputFile;

/// The version of the baseline file's shape.
pub const BASELINE_VERSION: u32 = 1;

/// A baseline file, as written.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineFile {
    /// [`BASELINE_VERSION`].
    pub version: u32,
    /// Acknowledged findings, sorted by path, rule and fingerprint.
    pub entries: Vec<BaselineEntry>,
}

/// One acknowledged finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineEntry {
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

/// A loaded baseline: the entries that still suppress.
#[derive(Debug, Clone, Default)]
pub struct Baseline {
    active: HashSet<(String, String, String)>,
    /// Entries past their `expires` date.
    pub expired: usize,
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
    pub fn of(findings: &[Finding], previous: Option<&BaselineFile>) -> BaselineFile {
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
                    path: finding.path.clone(),
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
    /// The entries of `file` that have not expired on `today`.
    pub fn new(file: &BaselineFile, today: Date) -> Baseline {
        let mut baseline = Baseline::default();
        for entry in &file.entries {
            let expired = entry
                .expires
                .as_deref()
                .and_then(|date| parse_date(date).ok())
                .is_some_and(|expires| expires <= today);
            if expired {
                baseline.expired += 1;
            } else {
                baseline.active.insert((
                    entry.path.clone(),
                    entry.rule_id.clone(),
                    entry.fingerprint.clone(),
                ));
            }
        }
        baseline
    }

    /// Whether `finding` is acknowledged.
    pub fn contains(&self, finding: &Finding) -> bool {
        self.active.contains(&(
            finding.path.clone(),
            finding.rule_id.clone(),
            finding.fingerprint.clone(),
        ))
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
        let baseline = Baseline::new(&file, date!(2026 - 11 - 30));
        assert_eq!(baseline.expired, 1);
        assert_eq!(baseline.active.len(), 2);
        assert!(baseline
            .active
            .contains(&("a".into(), "r.x".into(), "f1".into())));
        assert!(!baseline
            .active
            .contains(&("b".into(), "r.x".into(), "f2".into())));
        // It expires on the day itself.
        let on_the_day = Baseline::new(&file, date!(2030 - 01 - 01));
        assert_eq!(on_the_day.expired, 2);
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
