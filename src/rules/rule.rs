//! A compiled rule: the checked, ready-to-run form of a [`RuleSyntax`].
//!
//! Compilation checks everything a rule file can get wrong (the id's shape, lowercase keywords,
//! the regex, the entropy bound, the allow regexes) and reports every problem of a rule at once,
//! so a user fixing a rule file sees the whole list, not one error per run.

use std::fmt;

use std::sync::OnceLock;

use regex::bytes::{Regex, RegexBuilder};
use regex_syntax::hir::{Class, Hir, HirKind};
use serde::{Deserialize, Serialize};

use super::syntax::{Example, RuleSyntax};
use crate::scan::Check;
use crate::scan::Filter;

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

/// Which capture group of a rule's pattern holds the secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretGroup {
    /// A group with this index (the one named `secret`, or group 1).
    Group(usize),
    /// The pattern has no groups: the whole match is the secret.
    WholeMatch,
}

/// A compiled rule, shared read-only by every scanning thread.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Dotted lowercase identifier (`github.pat`).
    pub id: String,
    /// Short human name.
    pub name: String,
    /// What the rule finds.
    pub description: String,
    /// The pattern as written.
    pub pattern: String,
    /// Lowercase keywords for the prefilter (none for some rules with `paths`).
    pub keywords: Vec<String>,
    /// The path regexes as written: the rule runs only on files whose path matches one.
    pub paths: Vec<String>,
    /// Minimum Shannon entropy of the secret, bits per byte.
    pub min_entropy: Option<f64>,
    /// How sure a match is to be real.
    pub confidence: Confidence,
    /// Free-form labels.
    pub tags: Vec<String>,
    /// Links to the provider's description of the format.
    pub references: Vec<String>,
    /// Texts that must produce a finding of this rule.
    pub examples: Vec<Example>,
    /// Texts that must produce no finding of this rule.
    pub negative_examples: Vec<Example>,
    /// Where the rule was defined: a file path, or `built-in rules/NAME.yml`.
    pub origin: String,
    /// An offline check every secret must pass.
    pub check: Option<Check>,
    /// Noise filters run on each candidate, in this order.
    pub filters: Vec<Filter>,
    /// When the `name:` line of the rule file goes on past the name in a YAML comment (`name:
    /// PKCS #8 key` loads as `PKCS`): that comment, for `sprawl rules check` to refuse.
    pub(crate) name_comment: Option<String>,
    /// The remediation entry for this rule's family in the rule's own file, if it has one (see
    /// [`super::RuleSet::remediation`] for the entry that applies).
    pub remediation: Option<std::sync::Arc<super::Remediation>>,
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
    allow_regexes: Vec<Regex>,
    /// Lowercased stopwords.
    allow_stopwords: Vec<String>,
    /// `paths` and `allow.paths`, compiled when first needed (as `regex`): most rules have
    /// none, and a scan that reads few of the files they name should not pay for the rest.
    path_patterns: PathPatterns,
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
pub enum Compile {
    /// At load time: every error, a too-large pattern included, is reported at once.
    Now,
    /// On first use; the pattern's syntax is still checked at load time. For the built-in rules,
    /// which tests compile in full, so start-up costs only what a scan needs.
    OnFirstUse,
}

impl Rule {
    /// Checks and compiles a rule, returning every problem found in it.
    pub fn compile(
        syntax: RuleSyntax,
        origin: &str,
        when: Compile,
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
        let hir = match parse_pattern(&syntax.pattern) {
            Ok(hir) => Some(hir),
            Err(err) => {
                problems.push(problem(format!("`pattern` does not compile: {err}")));
                None
            }
        };
        if hir.is_some() && when == Compile::Now {
            match compile_regex(&syntax.pattern) {
                Ok(compiled) => {
                    let _ = regex.set(compiled);
                }
                Err(err) => problems.push(problem(format!("`pattern` does not compile: {err}"))),
            }
        }
        let allow_regexes = compile_all(
            &syntax.allow.regexes,
            "allow.regexes",
            &mut problems,
            &problem,
        );
        let path_patterns = PathPatterns::new(
            syntax.paths.clone(),
            syntax.allow.paths.clone(),
            when,
            &mut problems,
            &problem,
        );
        let Some(hir) = hir.filter(|_| problems.is_empty()) else {
            return Err(problems);
        };
        let secret_group = secret_group_of(&hir);
        let max_len = hir.properties().maximum_len();
        let spans_lines = can_match_newline_inside(&hir);
        let id_group = capture_groups(&hir)
            .into_iter()
            .find(|(_, name)| *name == Some("id"))
            .map(|(index, _)| index as usize);
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
            path_patterns,
        })
    }

    /// The rule's family: its id up to the first dot (`github` for `github.pat`).
    pub fn family(&self) -> &str {
        self.id.split('.').next().unwrap_or(&self.id)
    }

    /// Whether the rule runs on a file at `path`: it names no `paths`, or one matches. `path` is
    /// the file's path with `/` separators; inside an archive or a notebook, its place inside
    /// (what follows the last `!`).
    pub fn applies_to(&self, path: &str) -> bool {
        !self.is_path_scoped() || self.path_patterns.paths().any_match(path)
    }

    /// Whether the rule names `paths`, so that it runs only on the files they match.
    pub fn is_path_scoped(&self) -> bool {
        !self.paths.is_empty()
    }

    /// Whether the rule's `allow.paths` drop its candidates in a file at `path` (as in
    /// [`Rule::applies_to`]).
    pub fn allows_path(&self, path: &str) -> bool {
        !self.path_patterns.allow.is_empty() && self.path_patterns.allowed().any_match(path)
    }

    /// Whether what the rule finds in a file at `path` can differ from what it finds in the
    /// same text with no path: it names `paths` that match, or `allow.paths` that do.
    pub fn reads_path(&self, path: &str) -> bool {
        (self.is_path_scoped() && self.applies_to(path)) || self.allows_path(path)
    }

    /// Whether the rule's findings depend on the path of the file at all.
    pub fn has_paths(&self) -> bool {
        self.is_path_scoped() || !self.path_patterns.allow.is_empty()
    }

    /// The compiled pattern, built on first use for lazily compiled rules.
    ///
    /// # Panics
    ///
    /// If a lazily compiled pattern does not compile: only built-in rules are compiled lazily,
    /// and a test compiles every one of them.
    pub fn regex(&self) -> &Regex {
        self.regex.get_or_init(|| {
            compile_regex(&self.pattern)
                .unwrap_or_else(|err| panic!("built-in rule `{}` does not compile: {err}", self.id))
        })
    }

    /// The longest match the pattern can make, in bytes, or `None` if it has no bound. Every
    /// match holds a keyword, so with a bound the matcher searches only near keywords.
    pub fn max_len(&self) -> Option<usize> {
        self.max_len
    }

    /// Whether a match can hold a newline other than as its first or last byte; when not,
    /// every match lies within one line (with at most the newline before or after it), which
    /// bounds where the matcher must look for it.
    pub fn spans_lines(&self) -> bool {
        self.spans_lines
    }

    /// Which group of the pattern holds the secret.
    pub fn secret_group(&self) -> SecretGroup {
        self.secret_group
    }

    /// The group named `id`, if the pattern has one: an identifier that goes with the secret
    /// (an AWS access key id with its secret key), reported as part of the same finding.
    pub fn id_group(&self) -> Option<usize> {
        self.id_group
    }

    /// Whether this rule's own allow list drops `secret`: an allow regex matches it, or it
    /// contains a stopword (ASCII case-insensitive).
    pub fn allows(&self, secret: &[u8]) -> bool {
        self.allow_regexes.iter().any(|re| re.is_match(secret))
            || self
                .allow_stopwords
                .iter()
                .any(|word| contains_ignore_ascii_case(secret, word.as_bytes()))
    }
}

/// A rule's `paths` and `allow.paths`: checked when the rule is loaded, compiled on first use
/// unless the rule is compiled at once.
#[derive(Debug, Clone)]
struct PathPatterns {
    paths: Vec<String>,
    allow: Vec<String>,
    compiled: OnceLock<(CompiledPaths, CompiledPaths)>,
}

/// Compiled path regexes.
#[derive(Debug, Clone, Default)]
struct CompiledPaths(Vec<Regex>);

impl CompiledPaths {
    fn any_match(&self, path: &str) -> bool {
        self.0.iter().any(|re| re.is_match(path.as_bytes()))
    }
}

impl PathPatterns {
    fn new(
        paths: Vec<String>,
        allow: Vec<String>,
        when: Compile,
        problems: &mut Vec<RuleError>,
        problem: &dyn Fn(String) -> RuleError,
    ) -> PathPatterns {
        let patterns = PathPatterns {
            paths,
            allow,
            compiled: OnceLock::new(),
        };
        let fields = [("paths", &patterns.paths), ("allow.paths", &patterns.allow)];
        for (field, list) in fields {
            for (i, pattern) in list.iter().enumerate() {
                if let Err(err) = parse_pattern(pattern) {
                    problems.push(problem(format!("`{field}[{i}]` does not compile: {err}")));
                }
            }
        }
        if when == Compile::Now {
            let paths = compile_all(&patterns.paths, "paths", problems, problem);
            let allow = compile_all(&patterns.allow, "allow.paths", problems, problem);
            let _ = patterns
                .compiled
                .set((CompiledPaths(paths), CompiledPaths(allow)));
        }
        patterns
    }

    /// Both lists, compiled.
    ///
    /// # Panics
    ///
    /// If a pattern does not compile: only built-in rules are compiled lazily (their syntax is
    /// checked at load), and a test compiles every one of them.
    fn compiled(&self) -> &(CompiledPaths, CompiledPaths) {
        self.compiled.get_or_init(|| {
            let build = |list: &[String]| {
                let compiled = list.iter().map(|pattern| {
                    compile_regex(pattern).unwrap_or_else(|err| {
                        panic!("built-in path pattern `{pattern}` does not compile: {err}")
                    })
                });
                CompiledPaths(compiled.collect())
            };
            (build(&self.paths), build(&self.allow))
        })
    }

    fn paths(&self) -> &CompiledPaths {
        &self.compiled().0
    }

    fn allowed(&self) -> &CompiledPaths {
        &self.compiled().1
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

/// Parses a pattern as `regex::bytes` does, without compiling it. The error is the parser's
/// message, which points at the offending part of the pattern.
fn parse_pattern(pattern: &str) -> Result<Hir, String> {
    regex_syntax::ParserBuilder::new()
        .utf8(false)
        .build()
        .parse(pattern)
        .map_err(|err| err.to_string())
}

/// The group named `secret`, else group 1, else the whole match.
fn secret_group_of(hir: &Hir) -> SecretGroup {
    let groups = capture_groups(hir);
    match groups.iter().find(|(_, name)| *name == Some("secret")) {
        Some(&(index, _)) => SecretGroup::Group(index as usize),
        None if !groups.is_empty() => SecretGroup::Group(1),
        None => SecretGroup::WholeMatch,
    }
}

/// Whether a match of `hir` can hold a newline byte other than as its first or last byte. A
/// pattern that ends in `(?:[^A-Za-z0-9]|$)` may take the newline that ends its line, and one
/// that starts with `(?:^|[^A-Za-z0-9])` the newline before it: that keeps it on its line.
fn can_match_newline_inside(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Capture(capture) => can_match_newline_inside(&capture.sub),
        HirKind::Concat(subs) => subs.iter().enumerate().any(|(at, sub)| {
            let edge = at == 0 || at + 1 == subs.len();
            !(edge && at_most_one_char(sub)) && can_match_newline(sub)
        }),
        _ => !at_most_one_char(hir) && can_match_newline(hir),
    }
}

/// Whether every match of `hir` is at most one character long.
fn at_most_one_char(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) | HirKind::Class(_) => true,
        HirKind::Literal(literal) => literal.0.len() <= 1,
        HirKind::Capture(capture) => at_most_one_char(&capture.sub),
        HirKind::Repetition(repetition) => {
            repetition.max.is_some_and(|max| max <= 1) && at_most_one_char(&repetition.sub)
        }
        HirKind::Alternation(subs) => subs.iter().all(at_most_one_char),
        HirKind::Concat(subs) => {
            subs.iter()
                .filter(|sub| !matches!(sub.kind(), HirKind::Empty | HirKind::Look(_)))
                .count()
                <= 1
                && subs.iter().all(at_most_one_char)
        }
    }
}

/// Whether any match of `hir` can hold a newline byte.
fn can_match_newline(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => false,
        HirKind::Literal(literal) => literal.0.contains(&b'\n'),
        HirKind::Class(Class::Unicode(class)) => class
            .ranges()
            .iter()
            .any(|range| range.start() <= '\n' && '\n' <= range.end()),
        HirKind::Class(Class::Bytes(class)) => class
            .ranges()
            .iter()
            .any(|range| range.start() <= b'\n' && b'\n' <= range.end()),
        HirKind::Repetition(repetition) => {
            repetition.max != Some(0) && can_match_newline(&repetition.sub)
        }
        HirKind::Capture(capture) => can_match_newline(&capture.sub),
        HirKind::Concat(subs) | HirKind::Alternation(subs) => subs.iter().any(can_match_newline),
    }
}

/// Every capture group of a pattern: its index and name.
fn capture_groups(hir: &Hir) -> Vec<(u32, Option<&str>)> {
    fn walk<'h>(hir: &'h Hir, groups: &mut Vec<(u32, Option<&'h str>)>) {
        match hir.kind() {
            HirKind::Capture(capture) => {
                groups.push((capture.index, capture.name.as_deref()));
                walk(&capture.sub, groups);
            }
            HirKind::Concat(subs) | HirKind::Alternation(subs) => {
                subs.iter().for_each(|sub| walk(sub, groups));
            }
            HirKind::Repetition(repetition) => walk(&repetition.sub, groups),
            HirKind::Empty | HirKind::Literal(_) | HirKind::Class(_) | HirKind::Look(_) => {}
        }
    }
    let mut groups = Vec::new();
    walk(hir, &mut groups);
    groups
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
