//! Finds the secrets in one blob: prefilter, then each picked rule's regex, then the gates.
//!
//! Order of work for a blob: the prefilter picks the rules whose keywords occur; each picked
//! rule's regex runs over the blob; the secret group is cut out of each match; a candidate is
//! dropped when it is empty, below the rule's entropy bound, or allowed by the rule. Matches whose
//! secrets overlap are then collapsed to one: within a rule that removes repeats, across rules it
//! keeps the most specific report of a secret (a GitHub token assigned to `token = ...` is the
//! GitHub rule's finding, not also a generic one). The winner is the higher confidence, then the
//! longer secret, then the rule loaded first.

use std::collections::BTreeMap;
use std::ops::Range;

use super::entropy::shannon;
use super::filters::{self, Filter};
use super::prefilter::Candidates;
use crate::rules::{Rule, RuleSet, SecretGroup};

/// A secret confirmed in a blob, before it is placed in lines and tied to its source.
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    /// Index of the rule in the [`RuleSet`].
    pub rule: usize,
    /// Byte range of the secret in the blob.
    pub secret: Range<usize>,
    /// Shannon entropy of the secret, bits per byte.
    pub entropy: f64,
}

/// Why the matcher dropped a candidate (see `--explain`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DropReason {
    /// The secret's entropy is below the rule's `min_entropy`.
    Entropy {
        /// The secret's entropy.
        entropy: f64,
        /// The rule's bound.
        min: f64,
    },
    /// The rule's own allow list (regexes or stopwords) matched the secret.
    RuleAllow,
    /// Another match over the same bytes won (higher confidence, longer secret, earlier rule).
    Overlap {
        /// Index of the rule whose match was kept.
        winner: usize,
    },
    /// One of the rule's noise filters took the secret for a placeholder, reference or the like
    /// (counted with the rule's allow list).
    Filter(Filter),
}

impl DropReason {
    /// Index into [`DropCounts`].
    fn slot(self) -> usize {
        match self {
            DropReason::Entropy { .. } => 0,
            DropReason::RuleAllow => 1,
            DropReason::Overlap { .. } => 2,
            DropReason::Filter(_) => 1,
        }
    }
}

/// A candidate the matcher dropped, kept only when explaining.
#[derive(Debug, Clone, PartialEq)]
pub struct Dropped {
    /// Index of the rule in the [`RuleSet`].
    pub rule: usize,
    /// Byte range of the secret in the blob.
    pub secret: Range<usize>,
    /// Why.
    pub reason: DropReason,
}

/// How many candidates were dropped, by reason: entropy, the rule's allow list, overlap.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DropCounts {
    /// Below `min_entropy`.
    pub entropy: u64,
    /// Allowed by the rule (its allow list or its filters).
    pub rule_allow: u64,
    /// Lost to an overlapping match.
    pub overlap: u64,
}

impl DropCounts {
    fn add(&mut self, reason: DropReason) {
        match reason.slot() {
            0 => self.entropy += 1,
            1 => self.rule_allow += 1,
            _ => self.overlap += 1,
        }
    }

    /// The counts added since `earlier` was taken.
    pub fn since(self, earlier: DropCounts) -> DropCounts {
        DropCounts {
            entropy: self.entropy - earlier.entropy,
            rule_allow: self.rule_allow - earlier.rule_allow,
            overlap: self.overlap - earlier.overlap,
        }
    }

    /// Adds another matcher's counts.
    pub fn merge(&mut self, other: DropCounts) {
        self.entropy += other.entropy;
        self.rule_allow += other.rule_allow;
        self.overlap += other.overlap;
    }
}

/// Per-thread matching state: the shared rules plus reusable scratch space.
#[derive(Debug)]
pub struct Matcher<'r> {
    rules: &'r RuleSet,
    candidates: Candidates,
    drops: Drops,
}

/// What the matcher dropped: always counted, kept one by one only when explaining.
#[derive(Debug, Default)]
struct Drops {
    explain: bool,
    kept: Vec<Dropped>,
    counts: DropCounts,
}

impl Drops {
    fn record(&mut self, rule: usize, secret: Range<usize>, reason: DropReason) {
        self.counts.add(reason);
        if self.explain {
            self.kept.push(Dropped {
                rule,
                secret,
                reason,
            });
        }
    }
}

impl<'r> Matcher<'r> {
    /// A matcher over `rules`; make one per thread.
    pub fn new(rules: &'r RuleSet) -> Matcher<'r> {
        Matcher {
            rules,
            candidates: Candidates::default(),
            drops: Drops::default(),
        }
    }

    /// Keeps every dropped candidate of the next [`Matcher::find`] calls, for
    /// [`Matcher::take_dropped`].
    pub fn explain(&mut self, on: bool) {
        self.drops.explain = on;
    }

    /// The rules this matcher runs.
    pub fn rules(&self) -> &'r RuleSet {
        self.rules
    }

    /// Candidates dropped so far, by reason.
    pub fn counts(&self) -> DropCounts {
        self.drops.counts
    }

    /// The candidates dropped by the last [`Matcher::find`] (only when explaining).
    pub fn take_dropped(&mut self) -> Vec<Dropped> {
        std::mem::take(&mut self.drops.kept)
    }

    /// Every secret in `haystack`, ordered by position, then by rule.
    pub fn find(&mut self, haystack: &[u8]) -> Vec<Match> {
        self.drops.kept.clear();
        self.rules
            .prefilter()
            .candidates(haystack, &mut self.candidates);
        let mut found = Vec::new();
        for &index in self.candidates.rules() {
            let rule = self.rules.rule(index);
            for secret in secrets_of(rule, haystack) {
                match gate(rule, haystack, secret.clone()) {
                    Gate::Pass(entropy) => found.push(Match {
                        rule: index,
                        secret,
                        entropy,
                    }),
                    Gate::Drop(reason) => self.drops.record(index, secret, reason),
                    Gate::Empty => {}
                }
            }
        }
        let (kept, lost) = collapse_overlaps(found, self.rules);
        for (lost, winner) in lost {
            self.drops
                .record(lost.rule, lost.secret, DropReason::Overlap { winner });
        }
        kept
    }
}

/// The byte range of the secret in each match of `rule`'s pattern.
fn secrets_of<'h>(rule: &'h Rule, haystack: &'h [u8]) -> impl Iterator<Item = Range<usize>> + 'h {
    let group = rule.secret_group();
    rule.regex()
        .captures_iter(haystack)
        .filter_map(move |caps| match group {
            SecretGroup::Group(index) => caps.get(index).map(|m| m.range()),
            SecretGroup::WholeMatch => caps.get(0).map(|m| m.range()),
        })
}

/// What a rule's gates say of a candidate.
enum Gate {
    /// Kept, with its entropy.
    Pass(f64),
    /// Dropped.
    Drop(DropReason),
    /// No secret at all (an empty group): not a candidate.
    Empty,
}

fn gate(rule: &Rule, haystack: &[u8], at: Range<usize>) -> Gate {
    let secret = &haystack[at.clone()];
    if secret.is_empty() {
        return Gate::Empty;
    }
    let entropy = shannon(secret);
    if let Some(min) = rule.min_entropy.filter(|&min| entropy < min) {
        return Gate::Drop(DropReason::Entropy { entropy, min });
    }
    if rule.allows(secret) {
        return Gate::Drop(DropReason::RuleAllow);
    }
    if let Some(filter) = filters::first_dropping(&rule.filters, haystack, at) {
        return Gate::Drop(DropReason::Filter(filter));
    }
    Gate::Pass(entropy)
}

/// Keeps one match per overlapping group of secrets (see the module header for which); returns
/// the kept matches in position order, and the others with the rule that beat each.
fn collapse_overlaps(mut found: Vec<Match>, rules: &RuleSet) -> (Vec<Match>, Vec<(Match, usize)>) {
    if found.len() < 2 {
        return (found, Vec::new());
    }
    found.sort_by(|a, b| {
        let (rule_a, rule_b) = (rules.rule(a.rule), rules.rule(b.rule));
        rule_b
            .confidence
            .cmp(&rule_a.confidence)
            .then(b.secret.len().cmp(&a.secret.len()))
            .then(a.rule.cmp(&b.rule))
            .then(a.secret.start.cmp(&b.secret.start))
    });
    // Accepted secrets are disjoint, keyed by start: a new one overlaps an accepted one exactly
    // when its nearest neighbour on either side reaches into it.
    let mut accepted: BTreeMap<usize, Match> = BTreeMap::new();
    let mut lost = Vec::new();
    for candidate in found {
        let Range { start, end } = candidate.secret;
        let before = accepted
            .range(..=start)
            .next_back()
            .filter(|(_, m)| m.secret.end > start);
        let after = accepted
            .range(start..)
            .next()
            .filter(|(_, m)| m.secret.start < end);
        match before.or(after) {
            Some((_, winner)) => {
                let winner = winner.rule;
                lost.push((candidate, winner));
            }
            None => {
                accepted.insert(start, candidate);
            }
        }
    }
    (accepted.into_values().collect(), lost)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::parse_rule_file;

    fn rule_set(yaml_rules: &str) -> RuleSet {
        let rules = parse_rule_file(&format!("rules:\n{yaml_rules}"), "test.yml").unwrap();
        RuleSet::new(rules).unwrap()
    }

    fn found(rules: &RuleSet, text: &str) -> Vec<(String, String)> {
        Matcher::new(rules)
            .find(text.as_bytes())
            .into_iter()
            .map(|m| (rules.rule(m.rule).id.clone(), text[m.secret].to_string()))
            .collect()
    }

    const TOKEN: &str = "  - id: t.token\n    name: T\n    keywords: [tok_]\n    pattern: 'tok_(?P<secret>[a-z0-9]{8,})'\n    confidence: high\n    min_entropy: 2.5\n    examples: [x]\n    allow:\n      stopwords: [example]\n";
    const GENERIC: &str = "  - id: t.generic\n    name: G\n    keywords: [token]\n    pattern: 'token\\s*=\\s*(\\S+)'\n    confidence: low\n    examples: [x]\n";

    #[test]
    fn finds_the_secret_group_and_skips_rules_without_keywords() {
        let rules = rule_set(TOKEN);
        assert_eq!(
            found(&rules, "a tok_a1b2c3d4e5 b"),
            vec![("t.token".into(), "a1b2c3d4e5".into())]
        );
        assert!(found(&rules, "no keyword a1b2c3d4e5").is_empty());
    }

    #[test]
    fn low_entropy_and_allowed_secrets_are_dropped() {
        let rules = rule_set(TOKEN);
        assert!(found(&rules, "tok_aaaaaaaaaa").is_empty());
        assert!(found(&rules, "tok_example12345").is_empty());
    }

    #[test]
    fn the_specific_rule_wins_over_the_generic_one_for_the_same_secret() {
        let rules = rule_set(&format!("{GENERIC}{TOKEN}"));
        assert_eq!(
            found(&rules, "token = tok_a1b2c3d4e5"),
            vec![("t.token".into(), "a1b2c3d4e5".into())]
        );
        assert_eq!(
            found(&rules, "token = hunter2"),
            vec![("t.generic".into(), "hunter2".into())]
        );
    }

    #[test]
    fn separate_secrets_are_all_kept_in_position_order() {
        let rules = rule_set(&format!("{GENERIC}{TOKEN}"));
        assert_eq!(
            found(&rules, "tok_zq9y8x7w6v\ntoken = hunter2\ntok_a1b2c3d4e5"),
            vec![
                ("t.token".into(), "zq9y8x7w6v".into()),
                ("t.generic".into(), "hunter2".into()),
                ("t.token".into(), "a1b2c3d4e5".into()),
            ]
        );
    }

    #[test]
    fn dropped_candidates_are_counted_and_kept_when_explaining() {
        let rules = rule_set(&format!("{GENERIC}{TOKEN}"));
        let mut matcher = Matcher::new(&rules);
        matcher.explain(true);
        let text = b"token = tok_a1b2c3d4e5\ntok_aaaaaaaaaa\ntok_example12345";
        assert_eq!(matcher.find(text).len(), 1);
        let counts = matcher.counts();
        assert_eq!(
            (counts.entropy, counts.rule_allow, counts.overlap),
            (1, 1, 1)
        );
        let reasons: Vec<DropReason> = matcher.take_dropped().iter().map(|d| d.reason).collect();
        assert!(
            matches!(reasons[0], DropReason::Entropy { min, .. } if min == 2.5),
            "{reasons:?}"
        );
        assert_eq!(reasons[1], DropReason::RuleAllow);
        assert_eq!(reasons[2], DropReason::Overlap { winner: 1 });
        // Without explaining, only the counts are kept.
        matcher.explain(false);
        matcher.find(text);
        assert!(matcher.take_dropped().is_empty());
        assert_eq!(matcher.counts().entropy, 2);
    }

    #[test]
    fn keywords_are_case_insensitive_but_patterns_decide() {
        let rules = rule_set(TOKEN);
        // The keyword hits in any case; the pattern itself is case-sensitive.
        assert!(found(&rules, "TOK_a1b2c3d4e5").is_empty());
    }
}
