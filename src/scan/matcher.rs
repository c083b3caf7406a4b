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

/// Per-thread matching state: the shared rules plus reusable scratch space.
#[derive(Debug)]
pub struct Matcher<'r> {
    rules: &'r RuleSet,
    candidates: Candidates,
}

impl<'r> Matcher<'r> {
    /// A matcher over `rules`; make one per thread.
    pub fn new(rules: &'r RuleSet) -> Matcher<'r> {
        Matcher {
            rules,
            candidates: Candidates::default(),
        }
    }

    /// The rules this matcher runs.
    pub fn rules(&self) -> &'r RuleSet {
        self.rules
    }

    /// Every secret in `haystack`, ordered by position, then by rule.
    pub fn find(&mut self, haystack: &[u8]) -> Vec<Match> {
        self.rules
            .prefilter()
            .candidates(haystack, &mut self.candidates);
        let mut found = Vec::new();
        for &index in self.candidates.rules() {
            let rule = self.rules.rule(index);
            for secret in secrets_of(rule, haystack) {
                if let Some(entropy) = gate(rule, &haystack[secret.clone()]) {
                    found.push(Match {
                        rule: index,
                        secret,
                        entropy,
                    });
                }
            }
        }
        collapse_overlaps(found, self.rules)
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

/// The entropy of a secret that passes the rule's gates, or `None` if it is dropped.
fn gate(rule: &Rule, secret: &[u8]) -> Option<f64> {
    if secret.is_empty() {
        return None;
    }
    let entropy = shannon(secret);
    if rule.min_entropy.is_some_and(|min| entropy < min) {
        return None;
    }
    if rule.allows(secret) {
        return None;
    }
    Some(entropy)
}

/// Keeps one match per overlapping group of secrets (see the module header for which).
fn collapse_overlaps(mut found: Vec<Match>, rules: &RuleSet) -> Vec<Match> {
    if found.len() < 2 {
        return found;
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
    for candidate in found {
        let Range { start, end } = candidate.secret;
        let before = accepted.range(..=start).next_back();
        let after = accepted.range(start..).next();
        let overlaps = before.is_some_and(|(_, m)| m.secret.end > start)
            || after.is_some_and(|(_, m)| m.secret.start < end);
        if !overlaps {
            accepted.insert(start, candidate);
        }
    }
    accepted.into_values().collect()
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
    fn keywords_are_case_insensitive_but_patterns_decide() {
        let rules = rule_set(TOKEN);
        // The keyword hits in any case; the pattern itself is case-sensitive.
        assert!(found(&rules, "TOK_a1b2c3d4e5").is_empty());
    }
}
