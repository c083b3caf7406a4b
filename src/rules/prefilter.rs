//! The keyword prefilter: one pass of an Aho-Corasick automaton over a blob decides which rules'
//! regexes are worth running on it, and where.
//!
//! Every rule names lowercase keywords, at least one of which appears in each of its matches.
//! The automaton matches them ASCII case-insensitively, so no lowercased copy of the input is
//! made, and reports every occurrence, so a keyword that sits inside another (`sk_` in
//! `sk_live_`) is not lost. This pass touches every byte of every blob, so it runs on a DFA of
//! our own with a tight inner loop ([`super::keywords`]); a keyword set too large for that table
//! runs on the `aho-corasick` crate's automaton instead.
//!
//! Where each keyword occurs is kept, so the matcher can run a rule's regex only in windows
//! around its keywords (see `Candidates::windows`) instead of over the whole blob. A keyword that
//! occurs more than [`MAX_HITS_PER_KEYWORD`] times in one blob stops being recorded one by one:
//! its rules then run over the whole blob, which bounds the memory a hostile blob can claim.
//!
//! It lives with the rules because it is the compiled form of their keywords, as a [`Rule`]'s
//! regex is the compiled form of its pattern: a [`super::RuleSet`] builds it once and every
//! scanning thread shares it by reference. The matcher only asks it for [`Candidates`].

use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

use super::keywords::KeywordDfa;
use super::rule::Rule;

/// Beyond this many occurrences of one keyword in one blob, its positions are not recorded and
/// its rules run over the whole blob.
pub(crate) const MAX_HITS_PER_KEYWORD: usize = 4096;

/// Context kept past a window's end so that look-around assertions (`\b`, `$`) at the last
/// position of a match see the same bytes as over the whole blob (a UTF-8 character is at most
/// four bytes).
const LOOK_AROUND: usize = 4;

/// The automaton over every distinct keyword, and which rules each keyword stands for.
#[derive(Debug)]
pub struct Prefilter {
    automaton: Option<Automaton>,
    rule_count: usize,
    /// For each automaton pattern (a distinct keyword), the indices of the rules that name it.
    rules_by_keyword: Vec<Vec<usize>>,
    /// For each rule, the automaton patterns of its keywords.
    keywords_by_rule: Vec<Vec<usize>>,
    /// The length of the longest keyword, in bytes.
    longest_keyword: usize,
}

impl Prefilter {
    /// Builds the automaton for `rules`. Fails only when the keywords are too many to fit in
    /// one automaton (with the message of the automaton builder).
    pub(crate) fn new(rules: &[Rule]) -> Result<Prefilter, String> {
        let mut keywords: Vec<&str> = Vec::new();
        let mut rules_by_keyword: Vec<Vec<usize>> = Vec::new();
        let mut keywords_by_rule: Vec<Vec<usize>> = vec![Vec::new(); rules.len()];
        // Rules with `paths` are picked by path, not here (see `RuleSet::path_scoped`).
        for (index, rule) in rules
            .iter()
            .enumerate()
            .filter(|(_, r)| !r.is_path_scoped())
        {
            for keyword in &rule.keywords {
                let at = match keywords.iter().position(|known| known == keyword) {
                    Some(at) => at,
                    None => {
                        keywords.push(keyword);
                        rules_by_keyword.push(Vec::new());
                        keywords.len() - 1
                    }
                };
                if !rules_by_keyword[at].contains(&index) {
                    rules_by_keyword[at].push(index);
                    keywords_by_rule[index].push(at);
                }
            }
        }
        let automaton = if keywords.is_empty() {
            None
        } else if let Some(dfa) = KeywordDfa::new(&keywords) {
            Some(Automaton::Dfa(Box::new(dfa)))
        } else {
            let mut builder = AhoCorasickBuilder::new();
            builder
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::Standard);
            // A DFA too large to build (a huge user rule set) falls back to the crate's choice.
            let built = builder
                .kind(Some(AhoCorasickKind::DFA))
                .build(&keywords)
                .or_else(|_| builder.kind(None).build(&keywords))
                .map_err(|err| {
                    format!("the keywords of all rules do not fit in one automaton: {err}")
                })?;
            Some(Automaton::Crate(built))
        };
        let longest_keyword = keywords
            .iter()
            .map(|keyword| keyword.len())
            .max()
            .unwrap_or(0);
        Ok(Prefilter {
            longest_keyword,
            automaton,
            rule_count: rules.len(),
            rules_by_keyword,
            keywords_by_rule,
        })
    }

    /// Marks in `out` every rule whose keyword occurs in `haystack`, and where.
    pub fn candidates(&self, haystack: &[u8], out: &mut Candidates) {
        self.candidates_in(haystack, std::slice::from_ref(&(0..haystack.len())), out);
    }

    /// [`Prefilter::candidates`] for the keywords that occur inside `areas` of `haystack`
    /// (ascending, disjoint ranges); positions are still the haystack's.
    pub(crate) fn candidates_in(
        &self,
        haystack: &[u8],
        areas: &[Range<usize>],
        out: &mut Candidates,
    ) {
        out.reset(self.rule_count, self.rules_by_keyword.len());
        let Some(automaton) = &self.automaton else {
            return;
        };
        let mut record = |keyword: usize, start: usize| {
            if out.hits[keyword].is_empty() {
                out.touched.push(keyword);
                for &rule in &self.rules_by_keyword[keyword] {
                    out.insert(rule);
                }
            }
            out.hits[keyword].record(start);
        };
        for area in areas {
            let bytes = &haystack[area.clone()];
            match automaton {
                Automaton::Dfa(dfa) => dfa.find(bytes, |keyword, start| {
                    record(keyword as usize, area.start + start)
                }),
                Automaton::Crate(automaton) => {
                    for hit in automaton.find_overlapping_iter(bytes) {
                        record(hit.pattern().as_usize(), area.start + hit.start());
                    }
                }
            }
        }
        out.rules.sort_unstable();
    }

    /// The length of the longest keyword.
    pub(crate) fn longest_keyword(&self) -> usize {
        self.longest_keyword
    }

    /// The number of distinct keywords in the automaton.
    #[cfg(test)]
    pub(crate) fn keyword_count(&self) -> usize {
        self.rules_by_keyword.len()
    }

    /// The automaton patterns of rule `rule`'s keywords.
    fn keywords_of(&self, rule: usize) -> &[usize] {
        &self.keywords_by_rule[rule]
    }
}

/// The automaton the keywords are compiled to.
#[derive(Debug)]
enum Automaton {
    /// Ours, for keyword sets whose table fits ([`KeywordDfa`]).
    Dfa(Box<KeywordDfa>),
    /// The `aho-corasick` crate's, for larger ones.
    Crate(AhoCorasick),
}

/// Where one keyword occurred in a blob.
#[derive(Debug, Clone, Default)]
struct KeywordHits {
    /// Byte offsets where the keyword starts, ascending, until there are too many to record.
    starts: Vec<usize>,
    /// It occurred more than [`MAX_HITS_PER_KEYWORD`] times.
    dense: bool,
}

impl KeywordHits {
    fn is_empty(&self) -> bool {
        self.starts.is_empty() && !self.dense
    }

    fn record(&mut self, start: usize) {
        if self.dense {
            return;
        }
        if self.starts.len() == MAX_HITS_PER_KEYWORD {
            self.dense = true;
            self.starts = Vec::new();
        } else {
            self.starts.push(start);
        }
    }
}

/// The rules picked for one blob and where their keywords occur, reused across blobs to avoid
/// allocation.
#[derive(Debug, Default)]
pub struct Candidates {
    hits: Vec<KeywordHits>,
    /// The keywords seen in this blob, so a reset costs what the blob held, not the rule count.
    touched: Vec<usize>,
    picked: Vec<bool>,
    rules: Vec<usize>,
    /// Scratch space for [`Candidates::windows`].
    starts: Vec<usize>,
}

impl Candidates {
    fn reset(&mut self, rule_count: usize, keyword_count: usize) {
        for keyword in self.touched.drain(..) {
            let hits = &mut self.hits[keyword];
            hits.starts.clear();
            hits.dense = false;
        }
        self.hits.resize_with(keyword_count, KeywordHits::default);
        for &rule in &self.rules {
            self.picked[rule] = false;
        }
        self.picked.resize(rule_count, false);
        self.rules.clear();
    }

    fn insert(&mut self, rule: usize) {
        if !self.picked[rule] {
            self.picked[rule] = true;
            self.rules.push(rule);
        }
    }

    /// The picked rules' indices, ascending.
    pub fn rules(&self) -> &[usize] {
        &self.rules
    }

    /// Picks rule `rule` as if its keywords had occurred somewhere (its windows are then the
    /// whole blob unless hits were recorded); call [`Candidates::sort`] after the last one.
    pub(crate) fn pick(&mut self, rule: usize) {
        self.insert(rule);
    }

    /// Puts the picked rules back in ascending order after [`Candidates::pick`].
    pub(crate) fn sort(&mut self) {
        self.rules.sort_unstable();
    }

    /// The parts of `haystack` in which rule `rule` can match, given that every match holds
    /// one of its keywords, is at most `max_len` bytes long (`None`: unbounded) and, unless
    /// `spans_lines`, lies within one line (taking at most the newline before it and the one
    /// that ends it). Each range is where a search starts and ends; the
    /// bytes before the start are context only, so searches must be run with the whole blob in
    /// view (see `Matcher`). Ranges are disjoint and ascending. One range covering the whole
    /// blob when the windows would cover most of it anyway, when a match can be unbounded and
    /// span lines, or when a keyword occurred too often to record.
    ///
    /// The work is linear in the blob: hits are taken in order, and the line around each is
    /// looked for only between the previous line found and a bounded match's reach.
    pub(crate) fn windows(
        &mut self,
        prefilter: &Prefilter,
        rule: usize,
        max_len: Option<usize>,
        spans_lines: bool,
        haystack: &[u8],
        out: &mut Vec<Range<usize>>,
    ) {
        out.clear();
        let len = haystack.len();
        let whole = 0..len;
        let max_len = max_len.filter(|&max| max < len / 2);
        if max_len.is_none() && spans_lines {
            out.push(whole);
            return;
        }
        self.starts.clear();
        for &keyword in prefilter.keywords_of(rule) {
            let hits = &self.hits[keyword];
            if hits.dense {
                out.push(whole);
                return;
            }
            self.starts.extend_from_slice(&hits.starts);
        }
        self.starts.sort_unstable();
        // The line of the last hit: its start, and its end when that was found (a bounded
        // match's reach may end before it).
        let mut line_start = 0;
        let mut line_end: Option<usize> = None;
        for &start in &self.starts {
            let (mut low, mut high) = match max_len {
                Some(max) => (
                    start.saturating_sub(max),
                    (start + max + LOOK_AROUND).min(len),
                ),
                None => (0, len),
            };
            if !spans_lines {
                if line_end.is_none_or(|end| start >= end) {
                    // Back to the previous newline, no further than the reach or the end of the
                    // last line found (each byte is looked at once over all hits).
                    let floor = low.max(line_end.filter(|&end| end <= start).unwrap_or(0));
                    line_start = memchr::memrchr(b'\n', &haystack[floor..start])
                        .map_or(floor, |at| floor + at + 1);
                    line_end = memchr::memchr(b'\n', &haystack[start..high])
                        .map(|at| start + at + 1)
                        .or((high == len).then_some(len));
                }
                // The newline before the line may start a match; a few bytes past its end are
                // context for assertions.
                low = low.max(line_start.saturating_sub(1));
                high = high.min(line_end.map_or(high, |end| (end + LOOK_AROUND).min(len)));
            }
            let window = low..high;
            match out.last_mut() {
                Some(last) if window.start <= last.end => last.end = last.end.max(window.end),
                _ => out.push(window),
            }
        }
        let covered: usize = out.iter().map(|window| window.len()).sum();
        if covered > len / 2 {
            out.clear();
            out.push(whole);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::parse_rule_file;

    fn rules(keyword_lists: &[&str]) -> Vec<Rule> {
        let mut yaml = String::from("rules:\n");
        for (i, keywords) in keyword_lists.iter().enumerate() {
            yaml.push_str(&format!(
                "  - id: r.n{i}\n    name: R{i}\n    pattern: x\n    keywords: {keywords}\n    confidence: low\n    examples: [x]\n"
            ));
        }
        parse_rule_file(&yaml, "test.yml").unwrap()
    }

    fn picked(prefilter: &Prefilter, text: &str) -> Vec<usize> {
        let mut out = Candidates::default();
        prefilter.candidates(text.as_bytes(), &mut out);
        out.rules().to_vec()
    }

    #[test]
    fn keywords_match_ignoring_ascii_case() {
        let prefilter = Prefilter::new(&rules(&["[ghp_]", "[akia]"])).unwrap();
        assert_eq!(picked(&prefilter, "token = GHP_abc"), vec![0]);
        assert_eq!(picked(&prefilter, "AKIA and ghp_"), vec![0, 1]);
        assert_eq!(picked(&prefilter, "nothing here"), Vec::<usize>::new());
    }

    #[test]
    fn a_keyword_inside_another_is_not_lost() {
        let prefilter = Prefilter::new(&rules(&["[sk_live_]", "[sk_]", "[live]"])).unwrap();
        assert_eq!(picked(&prefilter, "x sk_live_123"), vec![0, 1, 2]);
        assert_eq!(picked(&prefilter, "x sk_test_123"), vec![1]);
    }

    #[test]
    fn a_keyword_shared_by_rules_picks_them_all() {
        let prefilter =
            Prefilter::new(&rules(&["[password]", "[password, passwd]", "[pwd]"])).unwrap();
        assert_eq!(prefilter.keyword_count(), 3);
        assert_eq!(picked(&prefilter, "PassWord: x"), vec![0, 1]);
        assert_eq!(picked(&prefilter, "passwd pwd"), vec![1, 2]);
    }

    #[test]
    fn no_rules_pick_nothing() {
        let prefilter = Prefilter::new(&[]).unwrap();
        assert!(picked(&prefilter, "password").is_empty());
    }
}
