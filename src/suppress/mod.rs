//! Suppression: findings the user has acknowledged, dropped after the matcher and counted by
//! reason.
//!
//! Two stages, because history scans report a blob's findings at several paths:
//! - [`Suppressor::by_content`] needs the blob: allow lists (the secret, stopwords, the whole
//!   line; global or per rule) and inline `sprawl:allow` comments;
//! - [`Suppressor::by_place`] needs only the finding's path and rule: rule path scopes, the
//!   confidence threshold and the baseline.

pub mod baseline;
pub mod inline;

use std::collections::{HashMap, HashSet};

use regex::bytes::Regex;

use crate::finding::Finding;
use crate::rules::Confidence;
use crate::source::PathGlobs;
pub use baseline::{Baseline, BaselineEntry, BaselineFile, BaselineReport};

/// Why a finding was suppressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Suppression {
    /// An allow list of the config (global or for the rule) matched.
    Allow,
    /// A `sprawl:allow` comment.
    Inline,
    /// The config limits the rule to other paths.
    RulePath,
    /// Below the minimum confidence.
    Confidence,
    /// Acknowledged in the baseline.
    Baseline,
}

impl Suppression {
    /// Every reason, in the order summaries list them.
    pub const ALL: [Suppression; 5] = [
        Suppression::Allow,
        Suppression::Inline,
        Suppression::RulePath,
        Suppression::Confidence,
        Suppression::Baseline,
    ];

    /// The snake_case name used in JSON stats.
    pub fn key(self) -> &'static str {
        match self {
            Suppression::Allow => "allow",
            Suppression::Inline => "inline",
            Suppression::RulePath => "rule_path",
            Suppression::Confidence => "confidence",
            Suppression::Baseline => "baseline",
        }
    }

    /// A phrase for people.
    pub fn phrase(self) -> &'static str {
        match self {
            Suppression::Allow => "allow list",
            Suppression::Inline => "inline allow",
            Suppression::RulePath => "rule not for this path",
            Suppression::Confidence => "below minimum confidence",
            Suppression::Baseline => "baseline",
        }
    }
}

/// Regexes and stopwords that drop a candidate.
#[derive(Debug, Clone, Default)]
pub struct AllowList {
    /// Matched against the secret.
    pub secrets: Vec<Regex>,
    /// Lowercase words; a secret containing one (ASCII case-insensitive) is dropped.
    pub stopwords: Vec<String>,
    /// Matched against the line holding the secret's start.
    pub lines: Vec<Regex>,
}

impl AllowList {
    /// Whether the list drops nothing.
    pub fn is_empty(&self) -> bool {
        self.secrets.is_empty() && self.stopwords.is_empty() && self.lines.is_empty()
    }

    fn allows(&self, secret: &[u8], line: &[u8]) -> bool {
        self.secrets.iter().any(|re| re.is_match(secret))
            || self.stopwords.iter().any(|word| {
                secret
                    .windows(word.len())
                    .any(|window| window.eq_ignore_ascii_case(word.as_bytes()))
            })
            || self.lines.iter().any(|re| re.is_match(line))
    }
}

/// Where a rule applies.
#[derive(Debug, Clone, Default)]
pub struct PathScope {
    /// If set, only paths these globs match.
    pub only: Option<PathGlobs>,
    /// Never paths these globs match.
    pub except: Option<PathGlobs>,
}

/// Everything that can suppress a finding, built once per scan.
#[derive(Debug, Clone)]
pub struct Suppressor {
    /// Allow lists for every rule.
    pub global: AllowList,
    /// Allow lists per rule id.
    pub rule_allows: HashMap<String, AllowList>,
    /// Path scopes per rule id.
    pub rule_scopes: HashMap<String, PathScope>,
    /// Findings below this are suppressed.
    pub min_confidence: Confidence,
    /// The baseline in use, if any.
    pub baseline: Option<Baseline>,
    /// Loaded rule ids, to read the ids in inline allows.
    pub rule_ids: HashSet<String>,
    /// Whether finding paths are relative to a repository root (history) rather than file
    /// system paths (a folder scan).
    pub repo_relative_paths: bool,
    /// Whether the inline markers of gitleaks and detect-secrets allow findings too.
    pub foreign_markers: bool,
}

impl Suppressor {
    /// A suppressor that suppresses nothing.
    pub fn none() -> Suppressor {
        Suppressor {
            global: AllowList::default(),
            rule_allows: HashMap::new(),
            rule_scopes: HashMap::new(),
            min_confidence: Confidence::Low,
            baseline: None,
            rule_ids: HashSet::new(),
            repo_relative_paths: false,
            foreign_markers: true,
        }
    }

    /// The content stage: allow lists and inline comments. `finding.offset` locates the secret
    /// in `blob`.
    pub fn by_content(&self, finding: &Finding, blob: &[u8]) -> Option<Suppression> {
        let rule_allow = self.rule_allows.get(&finding.rule_id);
        if !self.global.is_empty() || rule_allow.is_some() {
            let line = line_at(blob, finding.offset);
            if self.global.allows(&finding.secret, line)
                || rule_allow.is_some_and(|allow| allow.allows(&finding.secret, line))
            {
                return Some(Suppression::Allow);
            }
        }
        let is_rule = |id: &str| self.rule_ids.contains(id);
        if inline::allows(
            blob,
            finding.offset,
            &finding.rule_id,
            &is_rule,
            self.foreign_markers,
        ) {
            return Some(Suppression::Inline);
        }
        None
    }

    /// For a finding the content stage kept: a warning when a `sprawl:allow` next to it names a
    /// rule id that is not loaded (a typo that made the comment silence nothing).
    pub fn misspelt_allow(&self, finding: &Finding, blob: &[u8]) -> Option<String> {
        let is_rule = |id: &str| self.rule_ids.contains(id);
        let unknown = inline::misspelt(blob, finding.offset, &is_rule)?;
        let mut known: Vec<&str> = self.rule_ids.iter().map(String::as_str).collect();
        known.sort_unstable();
        let suggestions: Vec<String> = unknown
            .iter()
            .flat_map(|id| crate::rules::show::similar_ids(id, known.iter().copied()))
            .collect();
        let hint = match suggestions.as_slice() {
            [] => String::new(),
            ids => format!(" (did you mean `{}`?)", ids.join("`, `")),
        };
        Some(format!(
            "line {}: `sprawl:allow {}` names no loaded rule{hint}, so it does not allow this {} \
             finding: fix the id, or write `sprawl:allow` alone to allow every rule on the line",
            finding.line,
            unknown.join(", "),
            finding.rule_id
        ))
    }

    /// The place stage: rule path scopes, confidence, baseline. The baseline is asked first,
    /// whatever suppresses the finding, so that its entry counts as met.
    pub fn by_place(&self, finding: &Finding) -> Option<Suppression> {
        let in_baseline = self
            .baseline
            .as_ref()
            .is_some_and(|baseline| baseline.contains(finding));
        if let Some(scope) = self.rule_scopes.get(&finding.rule_id) {
            let matches_path = |globs: &PathGlobs, path: &str| {
                if self.repo_relative_paths {
                    globs.matches_relative(path)
                } else {
                    globs.matches(std::path::Path::new(path), false)
                }
            };
            // Inside an archive, a glob may name the archive (`*.jar`) or the whole place.
            let matches = |globs: &PathGlobs| {
                matches_path(globs, &finding.path)
                    || (finding.outer_len.is_some() && matches_path(globs, finding.outer_path()))
            };
            if scope.only.as_ref().is_some_and(|only| !matches(only))
                || scope.except.as_ref().is_some_and(matches)
            {
                return Some(Suppression::RulePath);
            }
        }
        if finding.confidence < self.min_confidence {
            return Some(Suppression::Confidence);
        }
        if in_baseline {
            return Some(Suppression::Baseline);
        }
        None
    }
}

/// The line of `blob` holding byte `offset`, without its line ending.
fn line_at(blob: &[u8], offset: usize) -> &[u8] {
    let offset = offset.min(blob.len());
    let start = memchr::memrchr(b'\n', &blob[..offset]).map_or(0, |at| at + 1);
    let end = memchr::memchr(b'\n', &blob[offset..]).map_or(blob.len(), |at| offset + at);
    let line = &blob[start..end];
    line.strip_suffix(b"\r").unwrap_or(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_at_finds_the_whole_line_without_its_ending() {
        let blob = b"one\r\ntwo three\nfour";
        assert_eq!(line_at(blob, 0), b"one");
        assert_eq!(line_at(blob, 9), b"two three");
        assert_eq!(line_at(blob, 17), b"four");
    }

    #[test]
    fn allow_lists_match_secret_stopword_or_line() {
        let allow = AllowList {
            secrets: vec![Regex::new("^test_").unwrap()],
            stopwords: vec!["dummy".into()],
            lines: vec![Regex::new("NOSECRET").unwrap()],
        };
        assert!(allow.allows(b"test_abc", b"x"));
        assert!(allow.allows(b"abcDUMMYdef", b"x"));
        assert!(allow.allows(b"abc", b"key = abc # NOSECRET"));
        assert!(!allow.allows(b"real_abc", b"key = real_abc"));
    }
}
