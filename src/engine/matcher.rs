//! Finds the secrets in one blob: prefilter, then each picked rule's regex, then the gates.
//!
//! Order of work for a blob: the prefilter picks the rules whose keywords occur; each picked
//! rule's regex runs over the blob, or, when the pattern's matches have a bounded length, only
//! in windows around its keywords (the same matches, found for a fraction of the bytes); the
//! secret group is cut out of each match; a candidate is dropped when it is empty, below the
//! rule's entropy bound, allowed by the rule, or failing the rule's offline check (and then no
//! other rule may report those bytes). Matches whose secrets overlap are then collapsed to one:
//! within a rule that removes repeats, across rules it keeps the most specific report of a
//! secret (a GitHub token assigned to `token = ...` is the GitHub rule's finding, not also a
//! generic one). The winner is the higher confidence, then a match with a paired identifier,
//! then a rule scoped to the file's format by its `paths`, then the longer secret, then the
//! rule loaded first.

mod encoded;

use std::collections::BTreeMap;
use std::ops::Range;

use serde::{Deserialize, Serialize};

use super::decode::{DecodeLimits, Decoded};
use super::entropy::shannon;
use super::filters;
use crate::rules::{
    contains_ignore_ascii_case, Candidates, Check, Filter, Rule, RuleSet, SecretGroup,
};

/// A secret confirmed in a blob, before it is placed in lines and tied to its source.
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    /// Index of the rule in the [`RuleSet`].
    pub(crate) rule: usize,
    /// Byte range of the secret in the blob.
    pub secret: Range<usize>,
    /// Shannon entropy of the secret, bits per byte.
    pub(crate) entropy: f64,
    /// For a secret found in decoded text: the secret, and how it was encoded (`secret` is then
    /// the range of its encoded text).
    pub decoded: Option<Box<Decoded>>,
    /// Byte range of the identifier that goes with the secret (the rule's `id` group), if any.
    pub(crate) paired: Option<Range<usize>>,
}

/// Why the matcher dropped a candidate (see `--explain`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum DropReason {
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
    /// The secret fails the rule's offline check (a checksum, a structure).
    Check(Check),
    /// One of the rule's noise filters took the secret for a placeholder, reference or the like.
    Filter(Filter),
}

/// A candidate the matcher dropped, kept only when explaining.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Dropped {
    /// Index of the rule in the [`RuleSet`].
    pub rule: usize,
    /// Byte range of the secret in the blob.
    pub secret: Range<usize>,
    /// Why.
    pub reason: DropReason,
}

/// How many candidates were dropped, one count per kind of [`DropReason`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DropCounts {
    /// Below `min_entropy`.
    #[serde(default)]
    pub entropy: u64,
    /// Allowed by the rule's own allow list.
    #[serde(default)]
    pub rule_allow: u64,
    /// Lost to an overlapping match.
    #[serde(default)]
    pub overlap: u64,
    /// Failed the rule's check.
    #[serde(default)]
    pub check: u64,
    /// Taken by one of the rule's noise filters.
    #[serde(default)]
    pub filter: u64,
}

impl DropCounts {
    /// Counts one dropped candidate.
    pub(crate) fn add(&mut self, reason: DropReason) {
        let count = match reason {
            DropReason::Entropy { .. } => &mut self.entropy,
            DropReason::RuleAllow => &mut self.rule_allow,
            DropReason::Overlap { .. } => &mut self.overlap,
            DropReason::Check(_) => &mut self.check,
            DropReason::Filter(_) => &mut self.filter,
        };
        *count += 1;
    }

    /// The counts added since `earlier` was taken.
    pub(crate) fn since(self, earlier: DropCounts) -> DropCounts {
        let DropCounts {
            entropy,
            rule_allow,
            overlap,
            check,
            filter,
        } = earlier;
        DropCounts {
            entropy: self.entropy - entropy,
            rule_allow: self.rule_allow - rule_allow,
            overlap: self.overlap - overlap,
            check: self.check - check,
            filter: self.filter - filter,
        }
    }

    /// Adds another matcher's counts.
    pub(crate) fn merge(&mut self, other: DropCounts) {
        let DropCounts {
            entropy,
            rule_allow,
            overlap,
            check,
            filter,
        } = other;
        self.entropy += entropy;
        self.rule_allow += rule_allow;
        self.overlap += overlap;
        self.check += check;
        self.filter += filter;
    }

    /// Whether nothing was dropped.
    pub(crate) fn is_empty(&self) -> bool {
        *self == DropCounts::default()
    }
}

/// Per-thread matching state: the shared rules plus reusable scratch space.
#[derive(Debug)]
pub struct Matcher<'r> {
    rules: &'r RuleSet,
    candidates: Candidates,
    /// The rules to run on the current blob, ascending.
    picked: Vec<usize>,
    windows: Vec<Range<usize>>,
    drops: Drops,
    decode: DecodeLimits,
    /// The path rules' `paths` are matched against for the current blob (empty: no file).
    path: String,
    /// What the last search saw, for a search of a blob stored against that one.
    outcome: Outcome,
    /// Where the last [`Matcher::find`] ran out of decode budget, if it did.
    decode_short_at: Option<usize>,
}

/// A set of rules, by index.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct RuleMask {
    words: Vec<u64>,
}

impl RuleMask {
    /// Adds rule `rule`.
    pub(crate) fn insert(&mut self, rule: usize) {
        let word = rule / 64;
        if self.words.len() <= word {
            self.words.resize(word + 1, 0);
        }
        self.words[word] |= 1 << (rule % 64);
    }

    /// The rules in the set, ascending.
    pub(crate) fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(at, &word)| {
            (0..64)
                .filter(move |bit| word & (1 << bit) != 0)
                .map(move |bit| at * 64 + bit)
        })
    }

    /// Empties the set.
    pub(crate) fn clear(&mut self) {
        self.words.clear();
    }
}

/// What a search of one blob saw beyond its matches: what a later search of a blob that differs
/// from it only in places needs to know (see [`Matcher::find_changed`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Outcome {
    /// The blob was searched whole (or where it changed, from a clean base) and nothing in it
    /// came near a finding: no match kept, none lost to another match or to a failed check. Each
    /// candidate was dropped by a gate of its own rule (entropy, allow list, filter), which looks
    /// no further than the candidate's line.
    pub clean: bool,
    /// The rules whose keywords occur in the blob (or a superset of them).
    pub keywords: RuleMask,
}

/// A blob stored as a delta of a clean blob, for [`Matcher::find_changed`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Changed<'a> {
    /// Where the blob differs from its base: ascending ranges of the blob, an empty range being
    /// a point where the base had something else (a deletion).
    pub ranges: &'a [Range<usize>],
    /// The base's [`Outcome::keywords`].
    pub base_keywords: &'a RuleMask,
}

/// The bytes past a match that look-around assertions may read (a UTF-8 character).
const LOOK_AROUND: usize = 4;

/// How far the judgement of a match can look beyond its own bytes: the noise filters read up to
/// [`around::CONTEXT`](super::around::CONTEXT) bytes of its line on each side, look-around assertions a few bytes.
const JUDGED_CONTEXT: usize = super::around::CONTEXT + 4;

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
            picked: Vec::new(),
            windows: Vec::new(),
            drops: Drops::default(),
            decode: DecodeLimits::default(),
            path: String::new(),
            outcome: Outcome::default(),
            decode_short_at: None,
        }
    }

    /// Decodes encoded text in the next [`Matcher::find`] calls within `limits` (on by default,
    /// with [`DecodeLimits::default`]).
    pub fn decode(&mut self, limits: DecodeLimits) {
        self.decode = limits;
    }

    /// How encoded text is decoded.
    pub(crate) fn decode_limits(&self) -> DecodeLimits {
        self.decode
    }

    /// Keeps every dropped candidate of the next [`Matcher::find`] calls, for
    /// [`Matcher::take_dropped`].
    pub(crate) fn explain(&mut self, on: bool) {
        self.drops.explain = on;
    }

    /// The rules this matcher runs.
    pub(crate) fn rules(&self) -> &'r RuleSet {
        self.rules
    }

    /// Candidates dropped so far, by reason.
    pub(crate) fn counts(&self) -> DropCounts {
        self.drops.counts
    }

    /// The candidates dropped by the last [`Matcher::find`] (only when explaining).
    pub(crate) fn take_dropped(&mut self) -> Vec<Dropped> {
        std::mem::take(&mut self.drops.kept)
    }

    /// Every secret in `haystack`, text of no known file (so rules with `paths` do not run),
    /// ordered by position, then by rule; those in its encoded text too (see `decode`).
    pub fn find(&mut self, haystack: &[u8]) -> Vec<Match> {
        self.find_in_file("", haystack)
    }

    /// [`Matcher::find`] for the content of the file at `path`: rules with `paths` run when
    /// one of them matches it, and a rule's `allow.paths` drop its candidates. For a text inside
    /// an archive or notebook, `path` is its own name there (`inner/.env`, not
    /// `outer.zip!inner/.env`).
    pub(crate) fn find_in_file(&mut self, path: &str, haystack: &[u8]) -> Vec<Match> {
        self.drops.kept.clear();
        self.path.clear();
        self.path
            .extend(path.chars().map(|c| if c == '\\' { '/' } else { c }));
        let before = self.drops.counts;
        let plain = self.find_plain(haystack, None);
        self.note_keywords(None);
        let (found, short_at) = encoded::search(self, haystack, plain);
        self.decode_short_at = short_at;
        self.settle(&found, before);
        found
    }

    /// The secrets of a blob that differs from a clean base (see [`Outcome::clean`]) only in
    /// `changed.ranges`: the same matches [`Matcher::find`] gives, found by looking only near
    /// the changes.
    ///
    /// Why that is enough: the base held no match and no candidate that lost to another, so
    /// every candidate it held was dropped by its own rule's gates, which look no further than
    /// the candidate's line ([`JUDGED_CONTEXT`] bytes of it at most) and a few bytes around it.
    /// A match here must therefore differ from everything the base held in its bytes or in
    /// what its gates read: it touches a changed line, or, for a rule whose matches can span
    /// lines, comes within [`JUDGED_CONTEXT`] of a change. Its keyword is then on a changed line
    /// or, for such a rule, at most its longest match further. So keywords are looked for on
    /// the changed lines, and that much further around each change for the multi-line rules
    /// whose keywords the base held (any other rule's keyword in this blob must itself touch a
    /// change); a multi-line rule whose matches are unbounded runs over the whole blob whenever
    /// its keyword occurs, as in [`Matcher::find`]. Encoded text is decoded on the changed
    /// lines.
    pub(crate) fn find_changed(&mut self, haystack: &[u8], changed: Changed<'_>) -> Vec<Match> {
        self.drops.kept.clear();
        // Text of no known file: rules with `paths` do not run.
        self.path.clear();
        let before = self.drops.counts;
        let lines = changed_lines(haystack, changed.ranges);
        let areas = match self.multi_line_reach(changed.base_keywords) {
            Some(reach) => merge_areas(&lines, &areas_around(haystack, changed.ranges, reach)),
            None => lines.clone(),
        };
        let plain = self.find_plain(haystack, Some((&areas, changed.base_keywords)));
        self.note_keywords(Some(changed.base_keywords));
        let (found, short_at) = encoded::search_in(self, haystack, &lines, plain);
        self.decode_short_at = short_at;
        self.settle(&found, before);
        found
    }

    /// How far from a change a keyword of a bounded multi-line rule whose keywords the base
    /// held must be looked for: the judged context, plus the longest such rule's longest match,
    /// plus a keyword's length. `None` when the base held no such rule's keyword.
    fn multi_line_reach(&self, base_keywords: &RuleMask) -> Option<usize> {
        let longest_match = base_keywords
            .iter()
            .map(|rule| self.rules.rule(rule))
            .filter(|rule| rule.spans_lines())
            .filter_map(|rule| rule.max_len())
            .max()?;
        Some(JUDGED_CONTEXT + longest_match + self.rules.prefilter().longest_keyword())
    }

    /// Records whether a search that found `found` left its blob clean, given the drop counts
    /// as they were before it.
    fn settle(&mut self, found: &[Match], before: DropCounts) {
        let after = self.drops.counts;
        // A blob whose encoded text was not all decoded may hold what a search of its changes
        // alone would never see: not clean.
        self.outcome.clean = found.is_empty()
            && after.overlap == before.overlap
            && after.check == before.check
            && self.decode_short_at.is_none();
    }

    /// Records which rules' keywords the plain pass just saw; `carried`, those of a changed
    /// blob's base, are kept too (they may still occur where the blob did not change).
    fn note_keywords(&mut self, carried: Option<&RuleMask>) {
        let keywords = &mut self.outcome.keywords;
        keywords.clear();
        for &rule in self.candidates.rules() {
            keywords.insert(rule);
        }
        if let Some(carried) = carried {
            for rule in carried.iter() {
                keywords.insert(rule);
            }
        }
    }

    /// What the last [`Matcher::find`] or [`Matcher::find_changed`] saw.
    pub(crate) fn outcome(&self) -> &Outcome {
        &self.outcome
    }

    /// The offset of the first encoded text that the last search did not decode because the
    /// haystack's decode budget ([`DecodeLimits::max_size`]) was spent, if any: secrets in it,
    /// or after it, may have been missed.
    pub(crate) fn decode_fell_short(&self) -> Option<usize> {
        self.decode_short_at
    }

    /// [`Matcher::find_plain`] for decoded text: what it drops is neither counted nor kept,
    /// since its ranges are not the blob's.
    pub(super) fn find_quiet(&mut self, haystack: &[u8]) -> Vec<Match> {
        let (explain, counts) = (self.drops.explain, self.drops.counts);
        self.drops.explain = false;
        let found = self.find_plain(haystack, None);
        self.drops.explain = explain;
        self.drops.counts = counts;
        found
    }

    /// The secrets in `haystack` itself, ordered by position, then by rule. With `near`, only
    /// keywords inside its areas are looked for, and the unbounded rules of its mask are picked
    /// as if their keywords had occurred (see [`Matcher::find_changed`]).
    fn find_plain(
        &mut self,
        haystack: &[u8],
        near: Option<(&[Range<usize>], &RuleMask)>,
    ) -> Vec<Match> {
        self.pick_rules(haystack, near);
        let mut found = Vec::new();
        // Secrets that failed their rule's offline check, with that rule: a token that fails its
        // checksum is a test value or a typo, and must not come back as a generic secret.
        let mut failed_checks: Vec<(Range<usize>, usize)> = Vec::new();
        for picked in 0..self.picked.len() {
            let index = self.picked[picked];
            let rule = self.rules.rule(index);
            if rule.is_path_scoped() {
                self.windows.clear();
                self.windows.push(0..haystack.len());
            } else {
                self.candidates.windows(
                    self.rules.prefilter(),
                    index,
                    rule.max_len(),
                    rule.spans_lines(),
                    haystack,
                    &mut self.windows,
                );
            }
            let path_allowed = rule.allows_path(&self.path);
            for secret in self
                .windows
                .iter()
                .flat_map(|w| secrets_of(rule, haystack, w.clone()))
            {
                let (secret, paired) = secret;
                if path_allowed {
                    self.drops.record(index, secret, DropReason::RuleAllow);
                    continue;
                }
                match gate(rule, haystack, secret.clone()) {
                    Gate::Pass(entropy) => found.push(Match {
                        rule: index,
                        secret,
                        entropy,
                        decoded: None,
                        paired,
                    }),
                    Gate::Drop(reason) => {
                        if matches!(reason, DropReason::Check(_)) {
                            failed_checks.push((secret.clone(), index));
                        }
                        self.drops.record(index, secret, reason);
                    }
                    Gate::Empty => {}
                }
            }
        }
        if !failed_checks.is_empty() {
            found.retain(|m| {
                let claimed = failed_checks.iter().find(|(range, rule)| {
                    *rule != m.rule && range.start < m.secret.end && m.secret.start < range.end
                });
                if let Some(&(_, winner)) = claimed {
                    self.drops
                        .record(m.rule, m.secret.clone(), DropReason::Overlap { winner });
                }
                claimed.is_none()
            });
        }
        let (kept, lost) = collapse_overlaps(found, self.rules);
        for (lost, winner) in lost {
            self.drops
                .record(lost.rule, lost.secret, DropReason::Overlap { winner });
        }
        kept
    }
}

impl Matcher<'_> {
    /// Fills `picked` with the rules to run on `haystack`: those whose keywords occur in it (the
    /// prefilter's pick), and those with `paths` that match the file's path and whose keywords,
    /// if any, occur in it (looked for here, in the few files such rules apply to).
    /// With `near`, the prefilter looks only inside its areas (see [`Matcher::find_plain`]).
    fn pick_rules(&mut self, haystack: &[u8], near: Option<(&[Range<usize>], &RuleMask)>) {
        let prefilter = self.rules.prefilter();
        match near {
            None => prefilter.candidates(haystack, &mut self.candidates),
            Some((areas, carried)) => {
                prefilter.candidates_in(haystack, areas, &mut self.candidates);
                for rule in carried.iter() {
                    let rule_of = self.rules.rule(rule);
                    if rule_of.max_len().is_none() && rule_of.spans_lines() {
                        self.candidates.pick(rule);
                    }
                }
                self.candidates.sort();
            }
        }
        self.picked.clear();
        self.picked.extend_from_slice(self.candidates.rules());
        let (rules, path) = (self.rules, self.path.as_str());
        if path.is_empty() {
            return;
        }
        let before = self.picked.len();
        self.picked
            .extend(rules.path_scoped().iter().copied().filter(|&index| {
                let rule = rules.rule(index);
                rule.applies_to(path)
                    && (rule.keywords.is_empty()
                        || rule.keywords.iter().any(|keyword| {
                            contains_ignore_ascii_case(haystack, keyword.as_bytes())
                        }))
            }));
        if self.picked.len() > before {
            self.picked.sort_unstable();
        }
    }
}

/// The byte range of the secret in each match of `rule`'s pattern that starts in `window`, and
/// of its `id` group.
///
/// The search sees the blob up to the window's end, and the bytes before its start as context,
/// so look-around assertions at the window's edges judge the same bytes as over the whole blob
/// (the prefilter keeps a few bytes past the last possible match end for that).
fn secrets_of<'h>(
    rule: &'h Rule,
    haystack: &'h [u8],
    window: Range<usize>,
) -> impl Iterator<Item = (Range<usize>, Option<Range<usize>>)> + 'h {
    let group = rule.secret_group();
    let id_group = rule.id_group();
    let regex = rule.regex();
    let visible = &haystack[..window.end];
    let mut at = window.start;
    std::iter::from_fn(move || {
        while at <= visible.len() {
            let caps = regex.captures_at(visible, at)?;
            let whole = caps.get(0)?.range();
            // A match that ends within a few bytes of a cut the window made may only match
            // because the bytes after it are out of view: a real one holds a keyword whose own
            // window reaches further, so it is found there.
            if whole.end + LOOK_AROUND > window.end && window.end < haystack.len() {
                return None;
            }
            // An empty match moves on by one byte, as `captures_iter` does.
            at = if whole.is_empty() {
                whole.end + 1
            } else {
                whole.end
            };
            let secret = match group {
                SecretGroup::Group(index) => caps.get(index).map(|m| m.range()),
                SecretGroup::WholeMatch => Some(whole),
            };
            if let Some(secret) = secret {
                let paired = id_group
                    .and_then(|index| caps.get(index))
                    .map(|m| m.range());
                return Some((secret, paired));
            }
        }
        None
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
    if let Some(check) = rule.check.filter(|check| !check.passes(secret)) {
        return Gate::Drop(DropReason::Check(check));
    }
    if let Some(filter) = filters::first_dropping(&rule.filters, haystack, at) {
        return Gate::Drop(DropReason::Filter(filter));
    }
    Gate::Pass(entropy)
}

/// Keeps one match per overlapping group of secrets (see the module header for which); returns
/// the kept matches in position order, and the others with the rule that beat each. A match
/// with a paired identifier wins ties of confidence over the same secret alone, so an AWS secret
/// key found with its key id is one pair finding; the key id, on its own line, is still reported
/// by its own rule, so that the line holding it is listed too.
fn collapse_overlaps(mut found: Vec<Match>, rules: &RuleSet) -> (Vec<Match>, Vec<(Match, usize)>) {
    if found.len() < 2 {
        return (found, Vec::new());
    }
    found.sort_by(|a, b| {
        let (rule_a, rule_b) = (rules.rule(a.rule), rules.rule(b.rule));
        rule_b
            .confidence
            .cmp(&rule_a.confidence)
            .then(b.paired.is_some().cmp(&a.paired.is_some()))
            .then(rule_b.is_path_scoped().cmp(&rule_a.is_path_scoped()))
            .then(b.secret.len().cmp(&a.secret.len()))
            .then(a.rule.cmp(&b.rule))
            .then(a.secret.start.cmp(&b.secret.start))
    });
    // The bytes taken by accepted matches are disjoint ranges, keyed by start, each with its
    // rule: a new range overlaps one exactly when its nearest neighbour on either side reaches
    // into it.
    let mut taken: BTreeMap<usize, (usize, usize)> = BTreeMap::new();
    let mut kept = Vec::new();
    let mut lost = Vec::new();
    for candidate in found {
        match taken_by(&taken, &candidate.secret) {
            Some(winner) => lost.push((candidate, winner)),
            None => {
                taken.insert(
                    candidate.secret.start,
                    (candidate.secret.end, candidate.rule),
                );
                kept.push(candidate);
            }
        }
    }
    kept.sort_by_key(|found| found.secret.start);
    (kept, lost)
}

/// The rule of the taken range that overlaps `range`, if any.
fn taken_by(taken: &BTreeMap<usize, (usize, usize)>, range: &Range<usize>) -> Option<usize> {
    let before = taken
        .range(..=range.start)
        .next_back()
        .filter(|(_, &(end, _))| end > range.start);
    let after = taken
        .range(range.start..)
        .next()
        .filter(|(&start, _)| start < range.end);
    before.or(after).map(|(_, &(_, rule))| rule)
}

/// The parts of `haystack` within `reach` bytes of a change, widened to whole lines: ascending,
/// disjoint, merged.
fn areas_around(haystack: &[u8], changes: &[Range<usize>], reach: usize) -> Vec<Range<usize>> {
    let mut areas: Vec<Range<usize>> = Vec::new();
    for change in changes {
        let start = line_start(haystack, change.start.saturating_sub(reach));
        let end = line_end(haystack, change.end.saturating_add(reach));
        match areas.last_mut() {
            Some(last) if start <= last.end => last.end = last.end.max(end),
            _ => areas.push(start..end),
        }
    }
    areas
}

/// Two lists of ascending areas merged into one.
fn merge_areas(a: &[Range<usize>], b: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut all: Vec<Range<usize>> = a.iter().chain(b).cloned().collect();
    all.sort_unstable_by_key(|area| area.start);
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(all.len());
    for area in all {
        match merged.last_mut() {
            Some(last) if area.start <= last.end => last.end = last.end.max(area.end),
            _ => merged.push(area),
        }
    }
    merged
}

/// The lines of `haystack` that a change touches (a point between two lines touches both):
/// ascending, disjoint, merged.
fn changed_lines(haystack: &[u8], changes: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut lines: Vec<Range<usize>> = Vec::new();
    for change in changes {
        let start = line_start(haystack, change.start.saturating_sub(1));
        let end = line_end(haystack, change.end.saturating_add(1));
        match lines.last_mut() {
            Some(last) if start <= last.end => last.end = last.end.max(end),
            _ => lines.push(start..end),
        }
    }
    lines
}

/// The start of the line holding byte `at` (clamped to the haystack).
fn line_start(haystack: &[u8], at: usize) -> usize {
    let at = at.min(haystack.len());
    memchr::memrchr(b'\n', &haystack[..at]).map_or(0, |newline| newline + 1)
}

/// Just past the end of the line holding byte `at`, its newline included.
fn line_end(haystack: &[u8], at: usize) -> usize {
    let at = at.min(haystack.len());
    memchr::memchr(b'\n', &haystack[at..]).map_or(haystack.len(), |newline| at + newline + 1)
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

    /// The raw secrets of `rule` over the whole blob, as the regex crate iterates them.
    fn whole_blob_secrets(rule: &Rule, text: &[u8]) -> Vec<Range<usize>> {
        rule.regex()
            .captures_iter(text)
            .filter_map(|caps| caps.name("secret").or(caps.get(0)).map(|m| m.range()))
            .collect()
    }

    #[test]
    fn searching_near_keywords_finds_what_a_whole_blob_search_finds() {
        let rules = rule_set(concat!(
            "  - id: t.bounded\n    name: B\n    keywords: [tok_]\n",
            "    pattern: '\\btok_(?P<secret>[a-z0-9]{4,12})\\b'\n    confidence: high\n    examples: [x]\n",
            "  - id: t.assign\n    name: A\n    keywords: [token, passwd]\n",
            "    pattern: '(?i)(?:token|passwd)\\s{0,2}=\\s{0,2}(?P<secret>\\w{1,10})$'\n",
            "    confidence: low\n    examples: [x]\n",
            "  - id: t.line\n    name: L\n    keywords: [tok_, passwd]\n",
            "    pattern: '(?m)(?:^|[^a-z])(?:tok_|passwd=)(?P<secret>[a-z0-9_]+)(?:[^a-z0-9_]|$)'\n",
            "    confidence: low\n    examples: [x]\n",
        ));
        let pieces: [&[u8]; 12] = [
            b"tok_",
            b"TOKEN",
            b" = ",
            b"passwd=",
            b"a1b2",
            b"c3d4e5f6",
            b"\n",
            b" ",
            b"x",
            "\u{e9}".as_bytes(),
            b"_",
            b"0123456789abcdef",
        ];
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut checked = 0;
        for _ in 0..400 {
            let mut text = Vec::new();
            while text.len() < 600 {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                text.extend_from_slice(pieces[(state % pieces.len() as u64) as usize]);
            }
            let mut matcher = Matcher::new(&rules);
            rules.prefilter().candidates(&text, &mut matcher.candidates);
            for &index in matcher.candidates.rules().to_vec().iter() {
                let rule = rules.rule(index);
                matcher.candidates.windows(
                    rules.prefilter(),
                    index,
                    rule.max_len(),
                    rule.spans_lines(),
                    &text,
                    &mut matcher.windows,
                );
                let windowed: Vec<Range<usize>> = matcher
                    .windows
                    .iter()
                    .flat_map(|w| secrets_of(rule, &text, w.clone()))
                    .map(|(secret, _)| secret)
                    .collect();
                assert_eq!(
                    windowed,
                    whole_blob_secrets(rule, &text),
                    "rule {} on {:?}",
                    rule.id,
                    String::from_utf8_lossy(&text)
                );
                checked +=
                    usize::from(matcher.windows.len() > 1 || matcher.windows[0].len() < text.len());
            }
        }
        // The windows were really narrower than the blob in most cases.
        assert!(checked > 100, "only {checked} windowed searches");
    }

    #[test]
    fn a_pair_is_one_match_and_its_id_is_reported_at_its_own_place_too() {
        let id = "  - id: t.id\n    name: I\n    keywords: [kid]\n    pattern: '\\b(?P<secret>KID[0-9]{4})\\b'\n    confidence: high\n    examples: [x]\n";
        let key = "  - id: t.key\n    name: K\n    keywords: [key=]\n    pattern: 'key=(?P<secret>[a-z]{8})'\n    confidence: high\n    examples: [x]\n";
        let pair = "  - id: t.pair\n    name: P\n    keywords: [kid]\n    pattern: '(?s)\\b(?P<id>KID[0-9]{4})\\b.{0,40}?key=(?P<secret>[a-z]{8})'\n    confidence: high\n    examples: [x]\n";
        // The pair rule is loaded last, yet wins the secret; the id is reported where it is.
        let rules = rule_set(&format!("{id}{key}{pair}"));
        let text = "KID1234\nkey=abcdefgh\nKID5678 alone";
        let found = Matcher::new(&rules).find(text.as_bytes());
        let shown: Vec<(&str, &str, Option<&str>)> = found
            .iter()
            .map(|m| {
                let paired = m.paired.clone().map(|range| &text[range]);
                (
                    rules.rule(m.rule).id.as_str(),
                    &text[m.secret.clone()],
                    paired,
                )
            })
            .collect();
        assert_eq!(
            shown,
            vec![
                ("t.id", "KID1234", None),
                ("t.pair", "abcdefgh", Some("KID1234")),
                ("t.id", "KID5678", None),
            ]
        );
    }

    #[test]
    fn a_token_that_fails_its_check_is_not_reported_by_another_rule() {
        let checked = "  - id: t.checked\n    name: C\n    keywords: [tok_]\n    pattern: 'tok_[A-Za-z0-9]{36}'\n    check: crc32-base62\n    confidence: high\n    examples: [x]\n";
        let rules = rule_set(&format!("{GENERIC}{checked}"));
        let broken = format!("tok_{}", "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC2dF4gH6");
        let mut matcher = Matcher::new(&rules);
        matcher.explain(true);
        assert!(matcher
            .find(format!("token = {broken}").as_bytes())
            .is_empty());
        let reasons: Vec<DropReason> = matcher.take_dropped().iter().map(|d| d.reason).collect();
        assert!(matches!(reasons[0], DropReason::Check(_)), "{reasons:?}");
        assert_eq!(reasons[1], DropReason::Overlap { winner: 1 });
        // Elsewhere the generic rule still reports what it finds.
        assert_eq!(
            found(&rules, "token = hunter2"),
            vec![("t.generic".into(), "hunter2".into())]
        );
    }

    #[test]
    fn a_rule_with_paths_runs_only_on_its_files_and_wins_ties_there() {
        let scoped = "  - id: t.envfile\n    name: E\n    pattern: 'pw=(\\S+)'\n    paths: ['(?:^|/)\\.env$']\n    confidence: low\n    examples: [x]\n    allow:\n      paths: ['sample']\n";
        let any = "  - id: t.any\n    name: A\n    keywords: [pw=]\n    pattern: 'pw=(\\S+)'\n    confidence: low\n    examples: [x]\n";
        // The scoped rule is loaded first here, so only its `paths` can make it win the tie.
        let rules = rule_set(&format!("{any}{scoped}"));
        let ids = |matcher: &mut Matcher<'_>, path: &str| -> Vec<String> {
            matcher
                .find_in_file(path, b"pw=hunter22")
                .iter()
                .map(|m| rules.rule(m.rule).id.clone())
                .collect()
        };
        let mut matcher = Matcher::new(&rules);
        matcher.explain(true);
        assert_eq!(ids(&mut matcher, "app/.env"), ["t.envfile"]);
        assert_eq!(ids(&mut matcher, "C:\\app\\.env"), ["t.envfile"]);
        assert_eq!(ids(&mut matcher, "app/main.py"), ["t.any"]);
        assert_eq!(ids(&mut matcher, ""), ["t.any"]);
        // `allow.paths` drops the candidate, and says so when explaining.
        assert_eq!(ids(&mut matcher, "sample/.env"), ["t.any"]);
        let reasons: Vec<DropReason> = matcher.take_dropped().iter().map(|d| d.reason).collect();
        assert!(reasons.contains(&DropReason::RuleAllow), "{reasons:?}");
    }

    #[test]
    fn a_filter_drop_is_counted_as_its_own_reason_not_as_the_allow_list() {
        let filtered = "  - id: t.pw\n    name: P\n    keywords: [pw=]\n    pattern: 'pw=(\\S+)'\n    confidence: low\n    filters: [placeholder]\n    examples: [x]\n";
        let rules = rule_set(&format!("{TOKEN}{filtered}"));
        let mut matcher = Matcher::new(&rules);
        assert!(matcher.find(b"pw=changeme\ntok_a1b2example9\n").is_empty());
        assert_eq!(
            matcher.counts(),
            DropCounts {
                rule_allow: 1,
                filter: 1,
                ..DropCounts::default()
            }
        );
    }

    #[test]
    fn each_drop_reason_has_its_own_count() {
        let reasons = [
            DropReason::Entropy {
                entropy: 1.0,
                min: 2.0,
            },
            DropReason::RuleAllow,
            DropReason::Overlap { winner: 0 },
            DropReason::Check(Check::Crc32Base62),
            DropReason::Filter(Filter::Placeholder),
        ];
        let mut counts = DropCounts::default();
        for (times, reason) in reasons.into_iter().enumerate() {
            for _ in 0..=times {
                counts.add(reason);
            }
        }
        let expected = DropCounts {
            entropy: 1,
            rule_allow: 2,
            overlap: 3,
            check: 4,
            filter: 5,
        };
        assert_eq!(counts, expected);
        assert_eq!(counts.since(DropCounts::default()), expected);
        let mut twice = expected;
        twice.merge(expected);
        assert_eq!(twice.since(expected), expected);
    }

    #[test]
    fn keywords_are_case_insensitive_but_patterns_decide() {
        let rules = rule_set(TOKEN);
        // The keyword hits in any case; the pattern itself is case-sensitive.
        assert!(found(&rules, "TOK_a1b2c3d4e5").is_empty());
    }
}
