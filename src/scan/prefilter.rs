//! The keyword prefilter: one pass of an Aho-Corasick automaton over a blob decides which rules'
//! regexes are worth running on it.
//!
//! Every rule names lowercase keywords, at least one of which appears in each of its matches.
//! The automaton matches them ASCII case-insensitively, so no lowercased copy of the input is
//! made, and with overlapping matches, so a keyword that sits inside another (`sk_` in
//! `sk_live_`) is not lost. The pass stops early once every keyword has been seen.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::rules::Rule;

/// The automaton over every distinct keyword, and which rules each keyword stands for.
#[derive(Debug)]
pub struct Prefilter {
    automaton: Option<AhoCorasick>,
    rule_count: usize,
    /// For each automaton pattern (a distinct keyword), the indices of the rules that name it.
    rules_by_keyword: Vec<Vec<usize>>,
}

impl Prefilter {
    /// Builds the automaton for `rules`.
    pub fn new(rules: &[Rule]) -> Prefilter {
        let mut keywords: Vec<&str> = Vec::new();
        let mut rules_by_keyword: Vec<Vec<usize>> = Vec::new();
        for (index, rule) in rules.iter().enumerate() {
            for keyword in &rule.keywords {
                match keywords.iter().position(|known| known == keyword) {
                    Some(at) => {
                        if !rules_by_keyword[at].contains(&index) {
                            rules_by_keyword[at].push(index);
                        }
                    }
                    None => {
                        keywords.push(keyword);
                        rules_by_keyword.push(vec![index]);
                    }
                }
            }
        }
        let automaton = (!keywords.is_empty()).then(|| {
            AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::Standard)
                .build(&keywords)
                .expect("an automaton of literal keywords always builds")
        });
        Prefilter {
            automaton,
            rule_count: rules.len(),
            rules_by_keyword,
        }
    }

    /// Marks in `out` every rule whose keyword occurs in `haystack`.
    pub fn candidates(&self, haystack: &[u8], out: &mut Candidates) {
        out.reset(self.rule_count, self.rules_by_keyword.len());
        let Some(automaton) = &self.automaton else {
            return;
        };
        let mut keywords_left = self.rules_by_keyword.len();
        for hit in automaton.find_overlapping_iter(haystack) {
            let keyword = hit.pattern().as_usize();
            if out.keyword_seen[keyword] {
                continue;
            }
            out.keyword_seen[keyword] = true;
            for &rule in &self.rules_by_keyword[keyword] {
                out.insert(rule);
            }
            keywords_left -= 1;
            if keywords_left == 0 {
                break;
            }
        }
        out.rules.sort_unstable();
    }

    /// The number of distinct keywords in the automaton.
    pub fn keyword_count(&self) -> usize {
        self.rules_by_keyword.len()
    }
}

/// The rules picked for one blob, reused across blobs to avoid allocation.
#[derive(Debug, Default)]
pub struct Candidates {
    keyword_seen: Vec<bool>,
    picked: Vec<bool>,
    rules: Vec<usize>,
}

impl Candidates {
    fn reset(&mut self, rule_count: usize, keyword_count: usize) {
        self.keyword_seen.clear();
        self.keyword_seen.resize(keyword_count, false);
        self.picked.clear();
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
        let prefilter = Prefilter::new(&rules(&["[ghp_]", "[akia]"]));
        assert_eq!(picked(&prefilter, "token = GHP_abc"), vec![0]);
        assert_eq!(picked(&prefilter, "AKIA and ghp_"), vec![0, 1]);
        assert_eq!(picked(&prefilter, "nothing here"), Vec::<usize>::new());
    }

    #[test]
    fn a_keyword_inside_another_is_not_lost() {
        let prefilter = Prefilter::new(&rules(&["[sk_live_]", "[sk_]", "[live]"]));
        assert_eq!(picked(&prefilter, "x sk_live_123"), vec![0, 1, 2]);
        assert_eq!(picked(&prefilter, "x sk_test_123"), vec![1]);
    }

    #[test]
    fn a_keyword_shared_by_rules_picks_them_all() {
        let prefilter = Prefilter::new(&rules(&["[password]", "[password, passwd]", "[pwd]"]));
        assert_eq!(prefilter.keyword_count(), 3);
        assert_eq!(picked(&prefilter, "PassWord: x"), vec![0, 1]);
        assert_eq!(picked(&prefilter, "passwd pwd"), vec![1, 2]);
    }

    #[test]
    fn no_rules_pick_nothing() {
        let prefilter = Prefilter::new(&[]);
        assert!(picked(&prefilter, "password").is_empty());
    }
}
