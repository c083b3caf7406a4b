//! Gathering places into secrets: findings of scans and reports, and inventories read back, are
//! folded into one entry per secret (rule and fingerprint) with one place per repository and
//! path, then each secret's status, first and last sighting and removal are worked out.
//!
//! Everything is keyed in sorted maps, so the result is the same whatever order the inputs
//! arrive in, and each finding costs a map lookup: the whole fold is linear in the findings
//! (times a logarithm), never quadratic.

use std::collections::{BTreeMap, BTreeSet};

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::presence::AtHead;
use super::record::{
    CommitRecord, InventoryReport, OccurrenceRecord, PlaceRecord, RemediationRecord, RuleRecord,
    SecretRecord, SeenRecord, SourceRecord, Status, SummaryRecord, INVENTORY_VERSION,
};
use crate::redact::redacted;
use crate::report::{ErrorRecord, FindingRecord};
use crate::rules::{Confidence, Rule, RuleSet};

/// Where a finding's place stands, as its source can tell.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Standing<'a> {
    /// Found in files on disk: present.
    Files,
    /// Found in a repository's history; HEAD's answer for its path.
    Head(&'a AtHead),
    /// From a report of a history scan whose repository is not at hand.
    Unknown,
}

/// The inventory being built.
#[derive(Debug)]
pub(crate) struct Collector {
    redact: bool,
    secrets: BTreeMap<(String, String), Parts>,
    rules: BTreeMap<String, RuleRecord>,
    sources: Vec<SourceRecord>,
    errors: Vec<ErrorRecord>,
    warnings: Vec<ErrorRecord>,
}

/// One secret while places are being added.
#[derive(Debug)]
struct Parts {
    rule_name: String,
    confidence: Confidence,
    secret: String,
    paired_id: Option<String>,
    places: BTreeMap<(String, String), PlaceRecord>,
}

impl Collector {
    /// An empty inventory; secrets read from reports are redacted if `redact` (those of scans
    /// come redacted as asked).
    pub(crate) fn new(redact: bool) -> Collector {
        Collector {
            redact,
            secrets: BTreeMap::new(),
            rules: BTreeMap::new(),
            sources: Vec::new(),
            errors: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// Records an input.
    pub(crate) fn add_source(&mut self, source: SourceRecord) {
        self.sources.push(source);
    }

    /// Records an error (or, with `warning`, a warning) of the source `name`.
    pub(crate) fn add_problem(&mut self, name: &str, record: &ErrorRecord, warning: bool) {
        let record = ErrorRecord {
            path: format!("{name}: {}", record.path),
            message: record.message.clone(),
        };
        if warning {
            self.warnings.push(record);
        } else {
            self.errors.push(record);
        }
    }

    /// Records a note about the source `name` as a whole (a shallow clone's cut history) as a
    /// warning naming the source.
    pub(crate) fn add_note(&mut self, name: &str, note: &str) {
        self.warnings.push(ErrorRecord {
            path: name.to_string(),
            message: note.to_string(),
        });
    }

    /// Describes the rule `id` from `rules` (its name and family's remediation), unless it is
    /// described already; a rule `rules` does not hold is described by `name` alone.
    pub(crate) fn add_rule(&mut self, id: &str, name: &str, rules: &RuleSet) {
        if self.rules.contains_key(id) {
            return;
        }
        let record = match rules.find(id) {
            Some(rule) => rule_record(rule, rules),
            None => RuleRecord {
                name: name.to_string(),
                family: id.split('.').next().unwrap_or(id).to_string(),
                remediation: None,
            },
        };
        self.rules.insert(id.to_string(), record);
    }

    /// Adds a finding at `repository`, its place standing as `standing` says.
    pub(crate) fn add_finding(
        &mut self,
        repository: &str,
        finding: &FindingRecord,
        standing: Standing<'_>,
    ) {
        let redact = self.redact;
        let parts = self
            .secrets
            .entry((finding.rule_id.clone(), finding.fingerprint.clone()))
            .or_insert_with(|| Parts {
                rule_name: finding.rule_name.clone(),
                confidence: finding.confidence,
                secret: shown(&finding.secret, redact),
                paired_id: finding.paired_id.as_deref().map(|id| shown(id, redact)),
                places: BTreeMap::new(),
            });
        let place = parts
            .places
            .entry((repository.to_string(), finding.path.clone()))
            .or_insert_with(|| PlaceRecord {
                repository: repository.to_string(),
                path: finding.path.clone(),
                archive: finding.archive.clone(),
                lines: Vec::new(),
                status: Status::Unknown,
                removed: None,
                commits: Vec::new(),
            });
        match &finding.commit {
            Some(id) => place.commits.push(OccurrenceRecord {
                commit: CommitRecord {
                    id: id.clone(),
                    date: finding.date.clone().unwrap_or_default(),
                    author: finding.author.clone().unwrap_or_default(),
                    email: finding.email.clone().unwrap_or_default(),
                    message: finding.message.clone().unwrap_or_default(),
                },
                line: finding.line,
                column: finding.column,
            }),
            None => place.lines.push(finding.line),
        }
        match standing {
            Standing::Files => place.status = Status::Present,
            Standing::Unknown => place.status = Status::Unknown,
            Standing::Head(AtHead::Present(lines)) => {
                place.status = Status::Present;
                place.lines.clone_from(lines);
            }
            Standing::Head(AtHead::Removed(commit)) => {
                place.status = Status::History;
                place.removed.clone_from(commit);
            }
        }
    }

    /// Adds an inventory read back: its sources, problems, rules and every place of every
    /// secret, joined with what is here already.
    pub(crate) fn add_inventory(&mut self, report: InventoryReport) {
        self.sources.extend(report.sources);
        self.errors.extend(report.errors);
        self.warnings.extend(report.warnings);
        for (id, rule) in report.rules {
            self.rules.entry(id).or_insert(rule);
        }
        let redact = self.redact;
        for secret in report.secrets {
            let parts = self
                .secrets
                .entry((secret.rule_id.clone(), secret.fingerprint.clone()))
                .or_insert_with(|| Parts {
                    rule_name: secret.rule_name.clone(),
                    confidence: secret.confidence,
                    secret: shown(&secret.secret, redact),
                    paired_id: secret.paired_id.as_deref().map(|id| shown(id, redact)),
                    places: BTreeMap::new(),
                });
            for place in secret.places {
                let key = (place.repository.clone(), place.path.clone());
                match parts.places.remove(&key) {
                    Some(known) => parts.places.insert(key, joined(known, place)),
                    None => parts.places.insert(key, place),
                };
            }
        }
    }

    /// The finished inventory: every place tidied, every secret's status and sightings worked
    /// out, secrets sorted, rules limited to those that found something.
    pub(crate) fn finish(self) -> InventoryReport {
        let mut secrets: Vec<SecretRecord> = self
            .secrets
            .into_iter()
            .map(|((rule_id, fingerprint), parts)| secret_of(rule_id, fingerprint, parts))
            .collect();
        secrets.sort_by(|a, b| {
            let seen = |secret: &SecretRecord| {
                secret
                    .first_seen
                    .as_ref()
                    .map_or(i64::MAX, |seen| timestamp(&seen.commit.date))
            };
            (
                a.status,
                std::cmp::Reverse(a.confidence),
                seen(a),
                &a.rule_id,
                &a.fingerprint,
            )
                .cmp(&(
                    b.status,
                    std::cmp::Reverse(b.confidence),
                    seen(b),
                    &b.rule_id,
                    &b.fingerprint,
                ))
        });
        let used: BTreeSet<&str> = secrets.iter().map(|s| s.rule_id.as_str()).collect();
        let rules = self
            .rules
            .into_iter()
            .filter(|(id, _)| used.contains(id.as_str()))
            .collect();
        let mut errors = self.errors;
        errors.sort_by(|a, b| (&a.path, &a.message).cmp(&(&b.path, &b.message)));
        errors.dedup();
        let mut warnings = self.warnings;
        warnings.sort_by(|a, b| (&a.path, &a.message).cmp(&(&b.path, &b.message)));
        warnings.dedup();
        InventoryReport {
            version: INVENTORY_VERSION,
            summary: summary_of(&secrets),
            sources: self.sources,
            secrets,
            rules,
            errors,
            warnings,
        }
    }
}

/// The record of a loaded rule, with its family's remediation.
fn rule_record(rule: &Rule, rules: &RuleSet) -> RuleRecord {
    RuleRecord {
        name: rule.name.clone(),
        family: rule.family().to_string(),
        remediation: rules.remediation(rule).map(|entry| RemediationRecord {
            rotate: entry.rotate.clone(),
            references: entry.references.clone(),
            instead: entry.instead_text(),
        }),
    }
}

/// A secret (or paired id) as a report may show it: redacted when asked, unless it already is.
/// A redacted secret is at most 4 characters and `…`; no secret a rule finds is that short.
pub(super) fn shown(text: &str, redact: bool) -> String {
    let already = text.ends_with('…') && text.chars().count() <= 5;
    if redact && !already {
        redacted(text)
    } else {
        text.to_string()
    }
}

/// The same place known twice (two inventories, or an inventory and a scan): every commit of
/// both, and the better-known standing (present over history over unknown).
fn joined(mut known: PlaceRecord, other: PlaceRecord) -> PlaceRecord {
    known.commits.extend(other.commits);
    let rank = |status: Status| match status {
        Status::Present => 0,
        Status::History => 1,
        Status::Unknown => 2,
    };
    if rank(other.status) < rank(known.status) {
        known.status = other.status;
        known.lines = other.lines;
        known.removed = other.removed;
    } else if other.status == known.status {
        known.lines.extend(other.lines);
        known.removed = known.removed.or(other.removed);
    }
    known
}

/// A secret's record from its places.
fn secret_of(rule_id: String, fingerprint: String, parts: Parts) -> SecretRecord {
    let places: Vec<PlaceRecord> = parts.places.into_values().map(tidy).collect();
    let status = if places.iter().any(|p| p.status == Status::Present) {
        Status::Present
    } else if places.iter().any(|p| p.status == Status::Unknown) {
        Status::Unknown
    } else {
        Status::History
    };
    let sightings = || {
        places.iter().flat_map(|place| {
            place
                .commits
                .iter()
                .map(move |occurrence| (place, &occurrence.commit))
        })
    };
    let key =
        |(_, commit): &(&PlaceRecord, &CommitRecord)| (timestamp(&commit.date), commit.id.clone());
    let seen = |(place, commit): (&PlaceRecord, &CommitRecord)| SeenRecord {
        repository: place.repository.clone(),
        path: place.path.clone(),
        commit: commit.clone(),
    };
    let first_seen = sightings().min_by_key(key).map(seen);
    let last_seen = sightings().max_by_key(key).map(seen);
    let removed = if status == Status::History && places.iter().all(|p| p.removed.is_some()) {
        places
            .iter()
            .filter_map(|place| place.removed.as_ref().map(|commit| (place, commit)))
            .max_by_key(key)
            .map(seen)
    } else {
        None
    };
    let repositories: BTreeSet<&str> = places.iter().map(|p| p.repository.as_str()).collect();
    SecretRecord {
        repositories: repositories.into_iter().map(str::to_string).collect(),
        rule_id,
        rule_name: parts.rule_name,
        confidence: parts.confidence,
        fingerprint,
        secret: parts.secret,
        paired_id: parts.paired_id,
        status,
        first_seen,
        last_seen,
        removed,
        places,
    }
}

/// A place with its commits oldest first and once each, and its lines: where it is present,
/// those found; else those of the newest commit.
fn tidy(mut place: PlaceRecord) -> PlaceRecord {
    place.commits.sort_by(|a, b| {
        (timestamp(&a.commit.date), &a.commit.id, a.line, a.column).cmp(&(
            timestamp(&b.commit.date),
            &b.commit.id,
            b.line,
            b.column,
        ))
    });
    place
        .commits
        .dedup_by(|a, b| a.commit.id == b.commit.id && a.line == b.line && a.column == b.column);
    if place.lines.is_empty() || place.status == Status::History {
        if let Some(newest) = place.commits.last().map(|o| o.commit.id.clone()) {
            place.lines = place
                .commits
                .iter()
                .filter(|o| o.commit.id == newest)
                .map(|o| o.line)
                .collect();
        }
    }
    place.lines.sort_unstable();
    place.lines.dedup();
    if place.status != Status::History {
        place.removed = None;
    }
    place
}

/// Seconds since the epoch of an RFC 3339 date; a date that does not parse sorts last.
pub(crate) fn timestamp(date: &str) -> i64 {
    OffsetDateTime::parse(date, &Rfc3339).map_or(i64::MAX, |at| at.unix_timestamp())
}

fn summary_of(secrets: &[SecretRecord]) -> SummaryRecord {
    let count = |test: &dyn Fn(&SecretRecord) -> bool| secrets.iter().filter(|s| test(s)).count();
    SummaryRecord {
        secrets: secrets.len(),
        present: count(&|s| s.status == Status::Present),
        history: count(&|s| s.status == Status::History),
        unknown: count(&|s| s.status == Status::Unknown),
        places: secrets.iter().map(|s| s.places.len()).sum(),
        high: count(&|s| s.confidence == Confidence::High),
        medium: count(&|s| s.confidence == Confidence::Medium),
        low: count(&|s| s.confidence == Confidence::Low),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(path: &str, commit: Option<(&str, &str)>, line: usize) -> FindingRecord {
        FindingRecord {
            rule_id: "acme.key".into(),
            rule_name: "Acme key".into(),
            path: path.into(),
            archive: None,
            line,
            column: 5,
            end_line: line,
            end_column: 25,
            // Built here, so that the file holds no literal for the self-scan to find.
            secret: format!("acme_{}", "0123456789abcdef"),
            paired_id: None,
            fingerprint: "f1".into(),
            entropy: 4.0,
            confidence: Confidence::High,
            demoted: None,
            part: None,
            commit: commit.map(|(id, _)| id.to_string()),
            author: commit.map(|_| "Ada".to_string()),
            email: commit.map(|_| "ada@example.com".to_string()),
            date: commit.map(|(_, date)| date.to_string()),
            message: commit.map(|_| "change".to_string()),
            occurrences: commit.map(|_| 0),
            encoding: Vec::new(),
        }
    }

    fn commit(id: &str, date: &str) -> CommitRecord {
        CommitRecord {
            id: id.into(),
            date: date.into(),
            author: "Ada".into(),
            email: "ada@example.com".into(),
            message: "change".into(),
        }
    }

    const DAY1: &str = "2024-03-01T12:00:00+01:00";
    const DAY2: &str = "2024-03-02T12:00:00+01:00";
    const DAY3: &str = "2024-03-03T12:00:00+01:00";

    #[test]
    fn one_secret_in_two_repositories_is_one_entry_with_a_place_in_each() {
        let mut collector = Collector::new(true);
        let removed = AtHead::Removed(Some(commit("c3", DAY3)));
        let present = AtHead::Present(vec![7]);
        collector.add_finding(
            "api",
            &record(".env", Some(("c2", DAY2)), 1),
            Standing::Head(&removed),
        );
        collector.add_finding(
            "app",
            &record("conf.py", Some(("c1", DAY1)), 3),
            Standing::Head(&present),
        );
        collector.add_finding(
            "app",
            &record("conf.py", Some(("c2", DAY2)), 4),
            Standing::Head(&present),
        );
        let report = collector.finish();
        assert_eq!(report.secrets.len(), 1);
        let secret = &report.secrets[0];
        assert_eq!(secret.status, Status::Present);
        assert_eq!(secret.secret, "acme…", "redacted");
        assert_eq!(secret.repositories, ["api", "app"]);
        assert_eq!(secret.first_seen.as_ref().unwrap().commit.id, "c1");
        assert_eq!(secret.first_seen.as_ref().unwrap().repository, "app");
        assert_eq!(secret.last_seen.as_ref().unwrap().commit.date, DAY2);
        assert!(secret.removed.is_none(), "still present at one place");
        let api = &secret.places[0];
        assert_eq!(
            (api.repository.as_str(), api.status),
            ("api", Status::History)
        );
        assert_eq!(api.removed.as_ref().unwrap().id, "c3");
        assert_eq!(api.lines, [1]);
        let app = &secret.places[1];
        assert_eq!(app.status, Status::Present);
        assert_eq!(app.lines, [7], "the line at HEAD");
        let ids: Vec<&str> = app.commits.iter().map(|o| o.commit.id.as_str()).collect();
        assert_eq!(ids, ["c1", "c2"]);
        assert_eq!(report.summary.present, 1);
        assert_eq!(report.summary.places, 2);
    }

    #[test]
    fn a_secret_removed_everywhere_has_its_last_removal() {
        let mut collector = Collector::new(true);
        let early = AtHead::Removed(Some(commit("c2", DAY2)));
        let late = AtHead::Removed(Some(commit("c3", DAY3)));
        collector.add_finding(
            "app",
            &record("a", Some(("c1", DAY1)), 1),
            Standing::Head(&early),
        );
        collector.add_finding(
            "app",
            &record("b", Some(("c1", DAY1)), 1),
            Standing::Head(&late),
        );
        let secret = &collector.finish().secrets[0];
        assert_eq!(secret.status, Status::History);
        let removed = secret.removed.as_ref().unwrap();
        assert_eq!(
            (removed.path.as_str(), removed.commit.id.as_str()),
            ("b", "c3")
        );
        // One place whose removal is unknown leaves the secret's removal unknown.
        let mut collector = Collector::new(true);
        let unknown = AtHead::Removed(None);
        collector.add_finding(
            "app",
            &record("a", Some(("c1", DAY1)), 1),
            Standing::Head(&early),
        );
        collector.add_finding(
            "app",
            &record("b", Some(("c1", DAY1)), 1),
            Standing::Head(&unknown),
        );
        assert!(collector.finish().secrets[0].removed.is_none());
    }

    #[test]
    fn present_secrets_come_first_then_by_confidence_then_oldest() {
        let mut collector = Collector::new(true);
        let gone = AtHead::Removed(None);
        let mut low = record("x", None, 1);
        low.fingerprint = "low".into();
        low.confidence = Confidence::Low;
        let mut old_history = record("y", Some(("c1", DAY1)), 1);
        old_history.fingerprint = "old".into();
        collector.add_finding("f", &low, Standing::Files);
        collector.add_finding("r", &old_history, Standing::Head(&gone));
        collector.add_finding("f", &record("z", None, 2), Standing::Files);
        let report = collector.finish();
        let order: Vec<&str> = report
            .secrets
            .iter()
            .map(|s| s.fingerprint.as_str())
            .collect();
        assert_eq!(order, ["f1", "low", "old"]);
        assert_eq!(report.summary.history, 1);
        assert_eq!((report.summary.high, report.summary.low), (2, 1));
    }

    #[test]
    fn secrets_from_reports_are_redacted_once_and_unknown_without_their_repository() {
        let mut collector = Collector::new(true);
        let mut already = record("a", Some(("c1", DAY1)), 1);
        already.secret = "acme…".into();
        already.fingerprint = "f2".into();
        collector.add_finding("r.json", &already, Standing::Unknown);
        collector.add_finding(
            "r.json",
            &record("b", Some(("c1", DAY1)), 1),
            Standing::Unknown,
        );
        let report = collector.finish();
        assert!(
            report.secrets.iter().all(|s| s.secret == "acme…"),
            "{report:#?}"
        );
        assert!(report.secrets.iter().all(|s| s.status == Status::Unknown));
        let mut clear = Collector::new(false);
        clear.add_finding("r.json", &record("b", None, 1), Standing::Files);
        assert_eq!(
            clear.finish().secrets[0].secret,
            format!("acme_{}", "0123456789abcdef")
        );
    }

    #[test]
    fn an_inventory_read_back_joins_places_and_keeps_the_better_standing() {
        let mut first = Collector::new(true);
        let gone = AtHead::Removed(None);
        first.add_finding(
            "app",
            &record("a", Some(("c1", DAY1)), 1),
            Standing::Head(&gone),
        );
        let first = first.finish();
        let mut second = Collector::new(true);
        let here = AtHead::Present(vec![2]);
        second.add_finding(
            "app",
            &record("a", Some(("c2", DAY2)), 2),
            Standing::Head(&here),
        );
        second.add_inventory(first.clone());
        let joined = second.finish();
        let place = &joined.secrets[0].places[0];
        assert_eq!(place.status, Status::Present);
        assert_eq!(place.commits.len(), 2);
        assert_eq!(place.lines, [2]);
        // Joining an inventory with itself changes nothing.
        let mut again = Collector::new(true);
        again.add_inventory(first.clone());
        again.add_inventory(first.clone());
        let mut twice = again.finish();
        twice.sources.clear();
        let mut once = first;
        once.sources.clear();
        assert_eq!(twice, once);
    }
}
