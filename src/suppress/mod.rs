//! Suppression: findings the user has acknowledged, dropped after the matcher and counted by
//! reason.
//!
//! Two stages, because history scans report a blob's findings at several paths:
//! - `Suppressor::content_stage` needs the blob: allow lists (the secret, stopwords, the whole
//!   line; global or per rule) and inline comments (`sprawl:allow`, and the markers of gitleaks
//!   and detect-secrets unless switched off). It works a line out once for
//!   all the findings on it, so a line of a million findings is read once, not a million times;
//! - `Suppressor::by_place` needs only the finding's path and rule: rule path scopes, the
//!   confidence threshold and the baseline.

pub mod baseline;
pub(crate) mod inline;

use std::collections::{HashMap, HashSet};

use regex::bytes::Regex;

use crate::finding::Finding;
use crate::rules::contains_ignore_ascii_case;
use crate::rules::Confidence;
use crate::source::PathGlobs;
pub(crate) use baseline::BaselineEntry;
pub use baseline::{Baseline, BaselineFile};

/// Why a finding was suppressed (named in snake_case where it is stored, as in JSON stats).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Suppression {
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
    pub(crate) const ALL: [Suppression; 5] = [
        Suppression::Allow,
        Suppression::Inline,
        Suppression::RulePath,
        Suppression::Confidence,
        Suppression::Baseline,
    ];

    /// A phrase for people.
    pub(crate) fn phrase(self) -> &'static str {
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
pub(crate) struct AllowList {
    /// Matched against the secret.
    pub secrets: Vec<Regex>,
    /// Lowercase words; a secret containing one (ASCII case-insensitive) is dropped.
    pub stopwords: Vec<String>,
    /// Matched against the line holding the secret's start.
    pub lines: Vec<Regex>,
}

impl AllowList {
    /// Whether the list drops nothing.
    pub(crate) fn is_empty(&self) -> bool {
        self.secrets.is_empty() && self.stopwords.is_empty() && self.lines.is_empty()
    }

    /// Whether the secret patterns or the stopwords drop `secret`.
    fn allows_secret(&self, secret: &[u8]) -> bool {
        self.secrets.iter().any(|re| re.is_match(secret))
            || self
                .stopwords
                .iter()
                .any(|word| contains_ignore_ascii_case(secret, word.as_bytes()))
    }

    /// Whether the line patterns drop what stands on `line`.
    fn allows_line(&self, line: &[u8]) -> bool {
        self.lines.iter().any(|re| re.is_match(line))
    }
}

/// Where a rule applies.
#[derive(Debug, Clone, Default)]
pub(crate) struct PathScope {
    /// If set, only paths these globs match.
    pub only: Option<PathGlobs>,
    /// Never paths these globs match.
    pub except: Option<PathGlobs>,
}

/// Everything that can suppress a finding, built once per scan.
#[derive(Debug, Clone)]
pub(crate) struct Suppressor {
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
    pub(crate) fn none() -> Suppressor {
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

    /// The content stage (allow lists and inline comments) for the findings of `blob`, to be
    /// asked about in position order.
    pub(crate) fn content_stage<'s, 'b>(&'s self, blob: &'b [u8]) -> ContentStage<'s, 'b> {
        ContentStage {
            suppressor: self,
            blob,
            line: None,
        }
    }

    /// The warning for a finding at `finding.line` that a `sprawl:allow` naming the `unknown`
    /// ids (no loaded rule) did not silence, with the loaded ids they may have meant.
    fn misspelt_warning(&self, finding: &Finding, unknown: &[String]) -> String {
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
        format!(
            "line {}: `sprawl:allow {}` names no loaded rule{hint}, so it does not allow this {} \
             finding: fix the id, or write `sprawl:allow` alone to allow every rule on the line",
            finding.line,
            unknown.join(", "),
            finding.rule_id
        )
    }

    /// The place stage: rule path scopes, confidence, baseline. The baseline is asked first,
    /// whatever suppresses the finding, so that its entry counts as met.
    pub(crate) fn by_place(&self, finding: &Finding) -> Option<Suppression> {
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
                    || (finding.inner_path().is_some() && matches_path(globs, finding.outer_path()))
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

/// The content stage over one blob: allow lists and inline comments, with what it learnt about
/// the line of the last finding kept for the next one on that line.
#[derive(Debug)]
pub(crate) struct ContentStage<'s, 'b> {
    suppressor: &'s Suppressor,
    blob: &'b [u8],
    line: Option<LineFacts<'s>>,
}

/// What is known of one line: its markers, once asked, whether allow lists' line patterns match
/// it, and the rules already warned about a misspelt marker there.
#[derive(Debug)]
struct LineFacts<'s> {
    markers: inline::LineMarkers,
    global: Option<bool>,
    by_rule: Vec<(&'s str, bool)>,
    warned: Vec<String>,
}

impl<'s> ContentStage<'s, '_> {
    /// Why `finding` is suppressed by content, if it is. `finding.offset` locates the secret in
    /// the blob; findings must come in ascending offsets for the line to be reused.
    pub(crate) fn check(&mut self, finding: &Finding) -> Option<Suppression> {
        let suppressor = self.suppressor;
        let rule_allow = suppressor.rule_allows.get_key_value(&finding.rule_id);
        if suppressor.global.allows_secret(&finding.secret)
            || rule_allow.is_some_and(|(_, allow)| allow.allows_secret(&finding.secret))
        {
            return Some(Suppression::Allow);
        }
        let blob = self.blob;
        let facts = self.facts(finding.offset);
        let text = &blob[facts.markers.line.clone()];
        let text = text.strip_suffix(b"\r").unwrap_or(text);
        let global = &suppressor.global;
        let by_global = *facts.global.get_or_insert_with(|| global.allows_line(text));
        let by_rule = rule_allow.is_some_and(|(id, allow)| {
            match facts
                .by_rule
                .iter()
                .find(|(known, _)| *known == id.as_str())
            {
                Some(&(_, allowed)) => allowed,
                None => {
                    let allowed = allow.allows_line(text);
                    facts.by_rule.push((id.as_str(), allowed));
                    allowed
                }
            }
        });
        if by_global || by_rule {
            return Some(Suppression::Allow);
        }
        facts
            .markers
            .allows(&finding.rule_id)
            .then_some(Suppression::Inline)
    }

    /// The facts of the line holding `offset`, worked out unless it is the last one's line.
    fn facts(&mut self, offset: usize) -> &mut LineFacts<'s> {
        let elsewhere = self.line.as_ref().is_some_and(|facts| {
            let line = &facts.markers.line;
            offset < line.start || offset > line.end
        });
        if elsewhere {
            self.line = None;
        }
        let (blob, suppressor) = (self.blob, self.suppressor);
        self.line.get_or_insert_with(|| LineFacts {
            markers: inline::LineMarkers::at(
                blob,
                offset,
                &|id: &str| suppressor.rule_ids.contains(id),
                suppressor.foreign_markers,
            ),
            global: None,
            by_rule: Vec::new(),
            warned: Vec::new(),
        })
    }

    /// For a finding [`ContentStage::check`] kept: a warning when a `sprawl:allow` next to it
    /// names a rule id that is not loaded (a typo that made the comment silence nothing). Said
    /// once per line and rule, so a line of many findings gives one warning, not one for each.
    pub(crate) fn misspelt_allow(&mut self, finding: &Finding) -> Option<String> {
        let suppressor = self.suppressor;
        let facts = self.facts(finding.offset);
        let unknown = facts
            .markers
            .misspelt(&|id: &str| suppressor.rule_ids.contains(id))?;
        if facts.warned.contains(&finding.rule_id) {
            return None;
        }
        facts.warned.push(finding.rule_id.clone());
        Some(suppressor.misspelt_warning(finding, &unknown))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The findings of a `tok_` rule in `text`, as a scan places them.
    fn findings(text: &str) -> Vec<Finding> {
        let yaml = "rules:\n  - id: t.token\n    name: T\n    keywords: [tok_]\n    pattern: 'tok_[a-z0-9]{8}'\n    confidence: high\n    examples: [x]\n";
        let rules =
            crate::rules::RuleSet::new(crate::rules::parse_rule_file(yaml, "test.yml").unwrap())
                .unwrap();
        let blob = crate::source::Blob {
            path: "a.txt",
            bytes: text.as_bytes(),
        };
        crate::pipeline::findings_in(&mut crate::engine::Matcher::new(&rules), blob)
    }

    #[test]
    fn a_misspelt_marker_on_a_line_of_many_findings_is_one_warning() {
        let count = 10_000;
        let text = format!("{} # sprawl:allow t.tokn\n", "tok_a1b2c3d4 ".repeat(count));
        let found = findings(&text);
        assert_eq!(found.len(), count);
        let mut suppressor = Suppressor::none();
        suppressor.rule_ids.insert("t.token".into());
        let mut stage = suppressor.content_stage(text.as_bytes());
        assert!(found.iter().all(|finding| stage.check(finding).is_none()));
        let warnings: Vec<String> = found
            .iter()
            .filter_map(|finding| stage.misspelt_allow(finding))
            .collect();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].starts_with(
                "line 1: `sprawl:allow t.tokn` names no loaded rule (did you mean `t.token`?)"
            ),
            "{}",
            warnings[0]
        );
    }

    #[test]
    fn a_line_of_many_findings_is_read_once_for_its_marker_and_allow_patterns() {
        // 100,000 findings on one 1.3 MB line ending in a marker: each used to search the whole
        // line for it (hours); the line is now read once.
        let count = 100_000;
        let text = format!(
            "{} # sprawl:allow t.token\nnext tok_k3y9a7b2\n",
            "tok_a1b2c3d4 ".repeat(count)
        );
        let found = findings(&text);
        assert_eq!(found.len(), count + 1);
        let mut suppressor = Suppressor::none();
        suppressor.rule_ids.insert("t.token".into());
        let mut stage = suppressor.content_stage(text.as_bytes());
        let reasons: Vec<Option<Suppression>> = found.iter().map(|f| stage.check(f)).collect();
        assert!(reasons[..count]
            .iter()
            .all(|r| *r == Some(Suppression::Inline)));
        assert_eq!(reasons[count], None);
        // A line pattern of the allow list, also worked out once per line.
        suppressor.global.lines = vec![Regex::new("next").unwrap()];
        let mut stage = suppressor.content_stage(text.as_bytes());
        assert_eq!(stage.check(&found[count]), Some(Suppression::Allow));
        assert_eq!(stage.check(&found[count]), Some(Suppression::Allow));
    }

    #[test]
    fn allow_lists_match_secret_stopword_or_line() {
        let allow = AllowList {
            secrets: vec![Regex::new("^test_").unwrap()],
            stopwords: vec!["dummy".into()],
            lines: vec![Regex::new("NOSECRET").unwrap()],
        };
        assert!(allow.allows_secret(b"test_abc"));
        assert!(allow.allows_secret(b"abcDUMMYdef"));
        assert!(allow.allows_line(b"key = abc # NOSECRET"));
        assert!(!allow.allows_secret(b"real_abc"));
        assert!(!allow.allows_line(b"key = real_abc"));
    }
}
