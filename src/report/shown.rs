//! What a report may show of text that came with a finding rather than being the finding: a
//! commit's message. A developer who pastes a token into a commit message leaks it there too,
//! and the report prints that message beside every finding of the commit; unless `--no-redact`,
//! each secret in it is redacted as findings are.
//!
//! A message is masked where the rules find a secret in it (the full matcher, so decoded text
//! too), and wherever it holds the secret of any finding of the report (a password that no rule
//! would recognise out of its assignment). Each commit's message is worked out once, and the
//! findings' secrets are looked for with one automaton: the cost is linear in the messages and
//! the secrets, however many findings share a commit.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use aho_corasick::{AhoCorasick, MatchKind};

use crate::engine::Matcher;
use crate::finding::Finding;
use crate::redact::redacted;
use crate::rules::RuleSet;

/// Secrets shorter than this are not looked for in messages: a short password would mask
/// ordinary words.
const MIN_MASKED: usize = 6;

/// How a report shows secrets and the text around findings.
#[derive(Debug, Clone, Default)]
pub(crate) struct Shown {
    redact: bool,
    /// Each commit's message as it may be shown, by commit id (only when redacting).
    messages: HashMap<String, String>,
    /// The secrets of the report's history findings (only when redacting).
    secrets: Option<Arc<KnownSecrets>>,
}

impl Shown {
    /// For the findings of a report: secrets redacted if `redact`, and then each commit's
    /// message masked where `rules` or the findings' secrets say it holds a secret.
    pub(crate) fn new(findings: &[Finding], rules: &RuleSet, redact: bool) -> Shown {
        let mut shown = Shown {
            redact,
            messages: HashMap::new(),
            secrets: None,
        };
        if !redact {
            return shown;
        }
        let secrets = KnownSecrets::of(findings);
        let mut matcher = Matcher::new(rules);
        shown.secrets = Some(Arc::new(secrets.clone()));
        for finding in findings {
            let Some(git) = finding.provenance.commit() else {
                continue;
            };
            let commit = &git.commit;
            if !shown.messages.contains_key(&commit.id) {
                let masked = masked(&commit.summary, &mut matcher, &secrets);
                shown.messages.insert(commit.id.clone(), masked);
            }
        }
        shown
    }

    /// Whether secrets are redacted.
    pub(crate) fn redact(&self) -> bool {
        self.redact
    }

    /// `text` with the secret of any history finding of the report redacted in it (unchanged
    /// when not redacting).
    pub(crate) fn mask_known<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let Some(secrets) = &self.secrets else {
            return Cow::Borrowed(text);
        };
        let ranges = secrets.ranges(text.as_bytes());
        match ranges.is_empty() {
            true => Cow::Borrowed(text),
            false => Cow::Owned(mask(text, ranges)),
        }
    }

    /// The message of the commit `id`, whose summary is `summary`, as it may be shown.
    pub(crate) fn message<'a>(&'a self, id: &str, summary: &'a str) -> &'a str {
        self.messages.get(id).map_or(summary, String::as_str)
    }
}

/// The secrets of a report's findings, long enough to look for in other text.
#[derive(Debug, Clone)]
struct KnownSecrets(Option<AhoCorasick>);

impl KnownSecrets {
    fn of(findings: &[Finding]) -> KnownSecrets {
        let mut secrets: Vec<&[u8]> = findings
            .iter()
            .filter(|finding| finding.provenance.commit().is_some())
            .flat_map(|finding| {
                std::iter::once(&finding.secret[..]).chain(finding.paired_id.as_deref())
            })
            .filter(|secret| secret.len() >= MIN_MASKED)
            .collect();
        secrets.sort_unstable();
        secrets.dedup();
        if secrets.is_empty() {
            return KnownSecrets(None);
        }
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(secrets)
            .ok();
        KnownSecrets(automaton)
    }

    fn ranges(&self, text: &[u8]) -> Vec<Range<usize>> {
        self.0
            .iter()
            .flat_map(|automaton| automaton.find_iter(text).map(|found| found.range()))
            .collect()
    }
}

/// `text` with every secret the matcher or `secrets` find in it redacted.
fn masked(text: &str, matcher: &mut Matcher<'_>, secrets: &KnownSecrets) -> String {
    let bytes = text.as_bytes();
    let ranges: Vec<Range<usize>> = matcher
        .find(bytes)
        .into_iter()
        .flat_map(|found| std::iter::once(found.secret).chain(found.paired))
        .chain(secrets.ranges(bytes))
        .collect();
    mask(text, ranges)
}

/// `text` with each of `ranges` (byte ranges, in any order, possibly overlapping) redacted.
fn mask(text: &str, mut ranges: Vec<Range<usize>>) -> String {
    let bytes = text.as_bytes();
    if ranges.is_empty() {
        return text.to_string();
    }
    ranges.sort_by_key(|range| range.start);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for range in ranges {
        if range.end <= at {
            continue;
        }
        let start = range.start.max(at);
        out.push_str(&String::from_utf8_lossy(&bytes[at..start]));
        out.push_str(&redacted(&String::from_utf8_lossy(
            &bytes[start..range.end],
        )));
        at = range.end;
    }
    out.push_str(&String::from_utf8_lossy(&bytes[at..]));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{GitOrigin, Provenance};
    use crate::pipeline::findings_in;
    use crate::rules::parse_rule_file;
    use crate::source::git::CommitInfo;
    use crate::source::Blob;
    use std::sync::Arc;

    fn rules() -> RuleSet {
        let yaml = "rules:\n  - id: t.token\n    name: T\n    keywords: [tok_]\n    pattern: 'tok_[a-z0-9]{12}'\n    confidence: high\n    examples: [x]\n  - id: t.pass\n    name: P\n    keywords: ['pass=']\n    pattern: 'pass=(\\S{8,})'\n    confidence: low\n    examples: [x]\n";
        RuleSet::new(parse_rule_file(yaml, "test.yml").unwrap()).unwrap()
    }

    /// The findings of `text`, as found in a commit whose message is `summary`.
    fn in_commit(rules: &RuleSet, text: &str, id: &str, summary: &str) -> Vec<Finding> {
        let commit = Arc::new(CommitInfo {
            id: id.into(),
            author: "a".into(),
            email: "a@example.com".into(),
            date: "2024-01-01T00:00:00+00:00".into(),
            summary: summary.into(),
        });
        let blob = Blob {
            path: "a.env",
            bytes: text.as_bytes(),
        };
        let mut found = findings_in(&mut Matcher::new(rules), blob);
        for finding in &mut found {
            finding.provenance = Provenance::History(GitOrigin {
                commit: commit.clone(),
                order: 0,
                occurrences: 0,
            });
        }
        found
    }

    #[test]
    fn messages_are_masked_where_a_rule_or_a_found_secret_says_so() {
        let rules = rules();
        let mut findings = in_commit(
            &rules,
            "pass=Wd4kLp9vQz2x\n",
            "c1",
            "oops, tok_a1b2c3d4e5f6 and Wd4kLp9vQz2x again",
        );
        findings.extend(in_commit(&rules, "x\npass=Zq8vLm2Tr9xK\n", "c2", "fine"));
        let shown = Shown::new(&findings, &rules, true);
        assert_eq!(shown.message("c1", "unused"), "oops, tok_… and Wd4… again");
        assert_eq!(shown.message("c2", "unused"), "fine");
        // Other text, a snippet line, is masked where it holds a found secret.
        assert_eq!(shown.mask_known("see Wd4kLp9vQz2x"), "see Wd4…");
        assert_eq!(shown.mask_known("nothing here"), "nothing here");
        // Without redaction the message is shown as it is.
        let whole = Shown::new(&findings, &rules, false);
        assert_eq!(whole.message("c1", "as written"), "as written");
    }
}
