//! A compiled rule: the checked, ready-to-run form of a [`RuleSyntax`].
//!
//! Compilation checks everything a rule file can get wrong (the id's shape, lowercase keywords,
//! the regex, the entropy bound, the allow regexes) and reports every problem of a rule at once,
//! so a user fixing a rule file sees the whole list, not one error per run.

use std::fmt;

use std::sync::OnceLock;

use regex::bytes::{Regex, RegexBuilder};
use serde::{Deserialize, Serialize};

use super::pattern::{PatternFacts, SecretGroup};
use super::syntax::{Example, RuleSyntax};
use super::vocabulary::{Check, Filter};

/// Upper bound on the compiled size of one regex, so a hostile or careless pattern cannot make
/// sprawl allocate without limit.
const REGEX_SIZE_LIMIT: usize = 8 << 20;

/// How sure a match of a rule is to be a real secret.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Deserialize,
    Serialize,
    Default,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// Often a real secret, often not: worth a look.
    #[default]
    Low,
    /// Usually a real secret.
    Medium,
    /// Almost always a real secret: the format is distinctive.
    High,
}

impl Confidence {
    /// The lowercase name used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

impl fmt::Display for Confidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A compiled rule, shared read-only by every scanning thread.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Dotted lowercase identifier (`github.pat`).
    pub id: String,
    /// Short human name.
    pub(crate) name: String,
    /// What the rule finds.
    pub(crate) description: String,
    /// The pattern as written.
    pub(crate) pattern: String,
    /// Lowercase keywords for the prefilter (none for some rules with `paths`).
    pub(crate) keywords: Vec<String>,
    /// The path regexes as written: the rule runs only on files whose path matches one.
    pub(crate) paths: Vec<String>,
    /// Minimum Shannon entropy of the secret, bits per byte.
    pub(crate) min_entropy: Option<f64>,
    /// How sure a match is to be real.
    pub(crate) confidence: Confidence,
    /// Free-form labels.
    pub(crate) tags: Vec<String>,
    /// Links to the provider's description of the format.
    pub(crate) references: Vec<String>,
    /// Texts that must produce a finding of this rule.
    pub examples: Vec<Example>,
    /// Texts that must produce no finding of this rule.
    pub(crate) negative_examples: Vec<Example>,
    /// Where the rule was defined: a file path, or `built-in rules/NAME.yml`.
    pub(crate) origin: String,
    /// An offline check every secret must pass.
    pub(crate) check: Option<Check>,
    /// Noise filters run on each candidate, in this order.
    pub(crate) filters: Vec<Filter>,
    /// When the `name:` line of the rule file goes on past the name in a YAML comment (`name:
    /// PKCS #8 key` loads as `PKCS`): that comment, for `sprawl rules check` to refuse.
    pub(crate) name_comment: Option<String>,
    /// The remediation entry for this rule's family in the rule's own file, if it has one (see
    /// [`super::RuleSet::remediation`] for the entry that applies).
    pub(crate) remediation: Option<std::sync::Arc<super::Remediation>>,
    /// Built on first use for built-in rules (only rules whose keywords occur ever need it), at
    /// load time for the user's (so a pattern too large to compile is reported at once).
    regex: OnceLock<Regex>,
    secret_group: SecretGroup,
    /// The longest match the pattern can make, in bytes (`None`: unbounded).
    max_len: Option<usize>,
    /// Whether a match can hold a newline other than as its first or last byte (else every
    /// match lies within one line, with at most the newlines around it).
    spans_lines: bool,
    /// The group named `id`: an identifier reported with the secret (an AWS key id).
    id_group: Option<usize>,
    allow_regexes: Regexes,
    /// Lowercased stopwords.
    allow_stopwords: Vec<String>,
    /// `paths`, compiled.
    path_regexes: Regexes,
    /// `allow.paths`, compiled.
    allow_paths: Regexes,
}

/// A problem with one rule, naming where the rule came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    /// The file the rule came from.
    pub origin: String,
    /// The rule's id, as written (possibly invalid).
    pub rule_id: String,
    /// What is wrong.
    pub problem: String,
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: rule `{}`: {}",
            self.origin, self.rule_id, self.problem
        )
    }
}

impl std::error::Error for RuleError {}

/// When a rule's regex is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Compile {
    /// At load time: every error, a too-large pattern included, is reported at once.
    Now,
    /// On first use; the pattern's syntax is still checked at load time. For the built-in rules,
    /// which tests compile in full, so start-up costs only what a scan needs.
    OnFirstUse,
}

impl Rule {
    /// Checks and compiles a rule, returning every problem found in it.
    pub(crate) fn compile(
        syntax: RuleSyntax,
        origin: &str,
        when: Compile,
    ) -> Result<Rule, Vec<RuleError>> {
        let facts = PatternFacts::of(&syntax.pattern);
        Rule::checked(syntax, origin, when, facts)
    }

    /// A built-in rule, whose pattern's facts `build.rs` worked out: its regex is compiled on
    /// first use, and its pattern is not parsed at all until then.
    pub(crate) fn built_in(
        syntax: RuleSyntax,
        origin: &str,
        facts: PatternFacts,
    ) -> Result<Rule, Vec<RuleError>> {
        Rule::checked(syntax, origin, Compile::OnFirstUse, Ok(facts))
    }

    /// Checks every field of `syntax`, given what its pattern says (or why it does not parse).
    fn checked(
        syntax: RuleSyntax,
        origin: &str,
        when: Compile,
        facts: Result<PatternFacts, String>,
    ) -> Result<Rule, Vec<RuleError>> {
        let mut problems = Vec::new();
        let problem = |text: String| RuleError {
            origin: origin.to_string(),
            rule_id: syntax.id.clone(),
            problem: text,
        };
        if !is_valid_id(&syntax.id) {
            problems.push(problem(
                "id must be dotted lowercase: letters, digits and `-` in parts joined by `.` (like `github.pat`)".into(),
            ));
        }
        if syntax.name.trim().is_empty() {
            problems.push(problem("`name` is empty".into()));
        }
        if syntax.keywords.is_empty() && syntax.paths.is_empty() {
            problems.push(problem(
                "`keywords` needs at least one keyword (only a rule with `paths` may have none)"
                    .into(),
            ));
        }
        for keyword in &syntax.keywords {
            if keyword.is_empty() {
                problems.push(problem("a keyword is empty".into()));
            } else if keyword.chars().any(|c| c.is_uppercase()) {
                problems.push(problem(format!(
                    "keyword `{keyword}` must be lowercase (the prefilter ignores ASCII case)"
                )));
            }
        }
        for (i, word) in syntax.allow.stopwords.iter().enumerate() {
            if word.is_empty() {
                problems.push(problem(format!(
                    "`allow.stopwords[{i}]` is empty: it would drop every candidate"
                )));
            }
        }
        if let Some(bits) = syntax.min_entropy {
            if !(0.0..=8.0).contains(&bits) {
                problems.push(problem(format!(
                    "`min_entropy` is {bits}, but entropy per byte lies between 0 and 8"
                )));
            }
        }
        if syntax.examples.is_empty() {
            problems.push(problem(
                "`examples` needs at least one text the rule must find".into(),
            ));
        }
        let regex = OnceLock::new();
        let facts = match facts {
            Ok(facts) => Some(facts),
            Err(err) => {
                problems.push(problem(format!("`pattern` does not compile: {err}")));
                None
            }
        };
        if facts.is_some() && when == Compile::Now {
            match compile_regex(&syntax.pattern) {
                Ok(compiled) => {
                    let _ = regex.set(compiled);
                }
                Err(err) => problems.push(problem(format!("`pattern` does not compile: {err}"))),
            }
        }
        let mut regexes = |patterns: &[String], field: &str| {
            Regexes::new(patterns.to_vec(), field, when, &mut problems, &problem)
        };
        let allow_regexes = regexes(&syntax.allow.regexes, "allow.regexes");
        let paths = regexes(&syntax.paths, "paths");
        let allow_paths = regexes(&syntax.allow.paths, "allow.paths");
        let Some(PatternFacts {
            secret_group,
            max_len,
            spans_lines,
            id_group,
        }) = facts.filter(|_| problems.is_empty())
        else {
            return Err(problems);
        };
        Ok(Rule {
            id: syntax.id,
            name: syntax.name,
            description: syntax.description,
            pattern: syntax.pattern,
            keywords: syntax.keywords,
            paths: syntax.paths,
            min_entropy: syntax.min_entropy,
            confidence: syntax.confidence,
            tags: syntax.tags,
            references: syntax.references,
            examples: syntax.examples,
            negative_examples: syntax.negative_examples,
            origin: origin.to_string(),
            check: syntax.check,
            filters: syntax.filters,
            name_comment: None,
            remediation: None,
            regex,
            secret_group,
            max_len,
            spans_lines,
            id_group,
            allow_regexes,
            allow_stopwords: syntax
                .allow
                .stopwords
                .iter()
                .map(|word| word.to_ascii_lowercase())
                .collect(),
            path_regexes: paths,
            allow_paths,
        })
    }

    /// The rule's family: its id up to the first dot (`github` for `github.pat`).
    pub fn family(&self) -> &str {
        self.id.split('.').next().unwrap_or(&self.id)
    }

    /// Whether the rule runs on a file at `path`: it names no `paths`, or one matches. `path` is
    /// the file's path with `/` separators; inside an archive or a notebook, its place inside
    /// (what follows the last `!`).
    pub(crate) fn applies_to(&self, path: &str) -> bool {
        !self.is_path_scoped() || self.path_regexes.any_match(path.as_bytes())
    }

    /// Whether the rule names `paths`, so that it runs only on the files they match.
    pub(crate) fn is_path_scoped(&self) -> bool {
        !self.paths.is_empty()
    }

    /// Whether the rule's `allow.paths` drop its candidates in a file at `path` (as in
    /// [`Rule::applies_to`]).
    pub(crate) fn allows_path(&self, path: &str) -> bool {
        !self.allow_paths.is_empty() && self.allow_paths.any_match(path.as_bytes())
    }

    /// Whether what the rule finds in a file at `path` can differ from what it finds in the
    /// same text with no path: it names `paths` that match, or `allow.paths` that do.
    pub(crate) fn reads_path(&self, path: &str) -> bool {
        (self.is_path_scoped() && self.applies_to(path)) || self.allows_path(path)
    }

    /// Whether the rule's findings depend on the path of the file at all.
    pub(crate) fn has_paths(&self) -> bool {
        self.is_path_scoped() || !self.allow_paths.is_empty()
    }

    /// The compiled pattern, built on first use for lazily compiled rules.
    ///
    /// # Panics
    ///
    /// If a lazily compiled pattern does not compile: only built-in rules are compiled lazily,
    /// and a test compiles every one of them.
    pub(crate) fn regex(&self) -> &Regex {
        self.regex.get_or_init(|| {
            compile_regex(&self.pattern)
                .unwrap_or_else(|err| panic!("built-in rule `{}` does not compile: {err}", self.id))
        })
    }

    /// The longest match the pattern can make, in bytes, or `None` if it has no bound. Every
    /// match holds a keyword, so with a bound the matcher searches only near keywords.
    pub(crate) fn max_len(&self) -> Option<usize> {
        self.max_len
    }

    /// Whether a match can hold a newline other than as its first or last byte; when not,
    /// every match lies within one line (with at most the newline before or after it), which
    /// bounds where the matcher must look for it.
    pub(crate) fn spans_lines(&self) -> bool {
        self.spans_lines
    }

    /// Which group of the pattern holds the secret.
    pub(crate) fn secret_group(&self) -> SecretGroup {
        self.secret_group
    }

    /// The group named `id`, if the pattern has one: an identifier that goes with the secret
    /// (an AWS access key id with its secret key), reported as part of the same finding.
    pub(crate) fn id_group(&self) -> Option<usize> {
        self.id_group
    }

    /// Whether this rule's own allow list drops `secret`: an allow regex matches it, or it
    /// contains a stopword (ASCII case-insensitive).
    pub(crate) fn allows(&self, secret: &[u8]) -> bool {
        self.allow_regexes.any_match(secret)
            || self
                .allow_stopwords
                .iter()
                .any(|word| contains_ignore_ascii_case(secret, word.as_bytes()))
    }
}

/// A list of regexes from a rule's field (`paths`, `allow.paths`, `allow.regexes`): checked when
/// the rule is loaded, compiled then too if the rule is compiled at once, else on first use:
/// most rules have none, and a scan that never needs a rule's list should not pay for it.
#[derive(Debug, Clone)]
struct Regexes {
    patterns: Vec<String>,
    compiled: OnceLock<Vec<Regex>>,
}

impl Regexes {
    fn new(
        patterns: Vec<String>,
        field: &str,
        when: Compile,
        problems: &mut Vec<RuleError>,
        problem: &dyn Fn(String) -> RuleError,
    ) -> Regexes {
        let regexes = Regexes {
            patterns,
            compiled: OnceLock::new(),
        };
        match when {
            Compile::Now => {
                let compiled = compile_all(&regexes.patterns, field, problems, problem);
                let _ = regexes.compiled.set(compiled);
            }
            Compile::OnFirstUse => {
                for (i, pattern) in regexes.patterns.iter().enumerate() {
                    if let Err(err) = super::pattern::check_syntax(pattern) {
                        problems.push(problem(format!("`{field}[{i}]` does not compile: {err}")));
                    }
                }
            }
        }
        regexes
    }

    fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// Whether any of the regexes matches `text`.
    ///
    /// # Panics
    ///
    /// If a pattern does not compile: only built-in rules are compiled lazily (their syntax is
    /// checked at load), and a test compiles every one of them.
    fn any_match(&self, text: &[u8]) -> bool {
        let compiled = self.compiled.get_or_init(|| {
            let compiled = self.patterns.iter().map(|pattern| {
                compile_regex(pattern).unwrap_or_else(|err| {
                    panic!("built-in pattern `{pattern}` does not compile: {err}")
                })
            });
            compiled.collect()
        });
        compiled.iter().any(|re| re.is_match(text))
    }
}

/// Compiles each of `patterns` (the rule field `field`), adding a problem for each that fails.
fn compile_all(
    patterns: &[String],
    field: &str,
    problems: &mut Vec<RuleError>,
    problem: &dyn Fn(String) -> RuleError,
) -> Vec<Regex> {
    let mut compiled = Vec::new();
    for (i, pattern) in patterns.iter().enumerate() {
        match compile_regex(pattern) {
            Ok(regex) => compiled.push(regex),
            Err(err) => problems.push(problem(format!("`{field}[{i}]` does not compile: {err}"))),
        }
    }
    compiled
}

fn compile_regex(pattern: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(pattern)
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_SIZE_LIMIT)
        .build()
}

/// `a.b-c.d`: parts of lowercase letters, digits and inner dashes, joined by dots.
fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.split('.').all(|part| {
            !part.is_empty()
                && !part.starts_with('-')
                && !part.ends_with('-')
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}

/// Whether `haystack` contains `needle` (already lowercase), ignoring ASCII case. Candidates
/// are found by the needle's first byte in either case (memchr), so a long haystack costs one
/// fast pass plus a comparison where that byte occurs.
pub(crate) fn contains_ignore_ascii_case(haystack: &[u8], needle: &[u8]) -> bool {
    let Some(&first) = needle.first() else {
        return true;
    };
    let last_start = match haystack.len().checked_sub(needle.len()) {
        Some(last) => last,
        None => return false,
    };
    memchr::memchr2_iter(first, first.to_ascii_uppercase(), &haystack[..=last_start])
        .any(|at| haystack[at..at + needle.len()].eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::syntax::RuleFileSyntax;
    use crate::yaml::parse_yaml;

    fn compile_one(yaml: &str) -> Result<Rule, Vec<RuleError>> {
        let mut file: RuleFileSyntax = parse_yaml(yaml).expect("test YAML parses");
        Rule::compile(file.rules.remove(0), "test.yml", Compile::Now)
    }

    const BASE: &str = "rules:\n  - id: test.token\n    name: Test token\n    confidence: high\n    examples: ['tok_abc']\n";

    #[test]
    fn secret_group_prefers_the_named_group_then_group_one() {
        let named = compile_one(&format!(
            "{BASE}    keywords: [tok_]\n    pattern: '(tok)_(?P<secret>\\w+)'\n"
        ))
        .unwrap();
        assert_eq!(named.secret_group(), SecretGroup::Group(2));
        let first = compile_one(&format!(
            "{BASE}    keywords: [tok_]\n    pattern: 'tok_(\\w+)'\n"
        ))
        .unwrap();
        assert_eq!(first.secret_group(), SecretGroup::Group(1));
        let whole = compile_one(&format!(
            "{BASE}    keywords: [tok_]\n    pattern: 'tok_\\w+'\n"
        ))
        .unwrap();
        assert_eq!(whole.secret_group(), SecretGroup::WholeMatch);
    }

    #[test]
    fn every_problem_of_a_rule_is_reported() {
        let yaml = "rules:\n  - id: Bad_Id\n    name: ''\n    confidence: high\n    keywords: [Tok]\n    pattern: '(unclosed'\n    min_entropy: 9\n";
        let problems = compile_one(yaml).unwrap_err();
        let text: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(problems.len(), 6, "{text:#?}");
        assert!(text
            .iter()
            .all(|t| t.starts_with("test.yml: rule `Bad_Id`: ")));
        for needle in [
            "dotted lowercase",
            "`name`",
            "lowercase",
            "does not compile",
            "min_entropy",
            "examples",
        ] {
            assert!(
                text.iter().any(|t| t.contains(needle)),
                "missing {needle}: {text:#?}"
            );
        }
    }

    #[test]
    fn a_huge_regex_is_refused_not_compiled() {
        let yaml = format!(
            "{BASE}    keywords: [tok_]\n    pattern: 'tok_\\w{{1000}}\\w{{1000}}\\w{{1000}}'\n"
        );
        let problems = compile_one(&yaml).unwrap_err();
        assert!(
            problems[0].problem.contains("does not compile"),
            "{problems:?}"
        );
    }

    #[test]
    fn a_lazy_rule_checks_syntax_at_load_and_compiles_on_first_use() {
        let yaml = format!("{BASE}    keywords: [tok_]\n    pattern: '(tok)_(?P<secret>\\w+)'\n");
        let mut file: RuleFileSyntax = parse_yaml(&yaml).unwrap();
        let rule = Rule::compile(file.rules.remove(0), "t.yml", Compile::OnFirstUse).unwrap();
        assert!(rule.regex.get().is_none());
        assert_eq!(rule.secret_group(), SecretGroup::Group(2));
        assert!(rule.regex().is_match(b"tok_abc"));
        let bad = format!("{BASE}    keywords: [tok_]\n    pattern: '(tok'\n");
        let mut file: RuleFileSyntax = parse_yaml(&bad).unwrap();
        assert!(Rule::compile(file.rules.remove(0), "t.yml", Compile::OnFirstUse).is_err());
    }

    #[test]
    fn ids_are_dotted_lowercase() {
        for good in ["aws.access-key-id", "github.pat", "a", "x1.y2-z3"] {
            assert!(is_valid_id(good), "{good}");
        }
        for bad in ["", "A.b", "a..b", "a.-b", "a b", "a_b", ".a", "a."] {
            assert!(!is_valid_id(bad), "{bad}");
        }
    }

    #[test]
    fn contains_ignoring_case_finds_the_needle_anywhere() {
        assert!(contains_ignore_ascii_case(b"Hello World", b"world"));
        assert!(contains_ignore_ascii_case(b"WORLD", b"world"));
        assert!(contains_ignore_ascii_case(b"x", b""));
        assert!(!contains_ignore_ascii_case(b"worl", b"world"));
        assert!(!contains_ignore_ascii_case(b"", b"w"));
        assert!(contains_ignore_ascii_case(b"ab:c:", b"c:"));
    }

    #[test]
    fn an_empty_stopword_is_a_problem_not_a_rule_that_drops_everything() {
        let yaml = format!("{BASE}    keywords: [tok_]\n    pattern: 'tok_\\w+'\n    allow:\n      stopwords: [ok, '']\n");
        let problems = compile_one(&yaml).unwrap_err();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0]
            .to_string()
            .contains("`allow.stopwords[1]` is empty"));
    }

    #[test]
    fn allows_by_regex_and_by_stopword_ignoring_case() {
        let yaml = format!("{BASE}    keywords: [tok_]\n    pattern: 'tok_\\w+'\n    allow:\n      regexes: ['^tok_0+$']\n      stopwords: [example]\n");
        let rule = compile_one(&yaml).unwrap();
        assert!(rule.allows(b"tok_0000"));
        assert!(rule.allows(b"tok_EXAMPLEabc"));
        assert!(!rule.allows(b"tok_a1b2c3"));
    }

    #[test]
    fn a_rule_spans_lines_only_if_a_match_can_hold_a_newline() {
        let spans = |pattern: &str| {
            let yaml = format!(
                "rules:\n  - id: t.r\n    name: R\n    keywords: [a]\n    pattern: '{pattern}'\n    confidence: low\n    examples: [x]\n"
            );
            crate::rules::parse_rule_file(&yaml, "t.yml").unwrap()[0].spans_lines()
        };
        assert!(!spans("a[^\\n]+"));
        assert!(!spans("a.b"));
        assert!(!spans("a[ \\t]{0,4}=\\w+$"));
        assert!(spans("a\\s*b"));
        assert!(spans("(?s)a.b"));
        assert!(spans("a\\nb"));
        assert!(spans("a(?:x|\\r?\\n)b"));
        // A newline taken only as the first or last byte keeps a match on its line.
        assert!(!spans("(?:^|[^a-z])a[a-z]+(?:[^a-z]|$)"));
        assert!(!spans("a[0-9]+\\s"));
        assert!(spans("a[0-9]+\\s\\s"));
        assert!(spans("\\s*a"));
    }
}
