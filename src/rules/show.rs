//! Picking rules out of a set and describing one of them: what `sprawl rules list --id/--tag`
//! and `sprawl rules show` print.
//!
//! Kept apart from the commands in `run.rs` so the choosing and the wording can be tested without
//! running the binary; nothing here writes anywhere.

use std::fmt::{self, Write as _};

use super::remediation::Remediation;
use super::rule::Rule;
use super::set::RuleSet;
use super::syntax::Example;

/// Which rules `sprawl rules list` prints. An empty filter picks every rule.
#[derive(Debug, Clone, Default)]
pub(crate) struct RuleFilter {
    /// A substring of the id, or a glob over the whole id when it holds `*` or `?`.
    pub id: Option<String>,
    /// The rule must carry at least one of these tags (any of them, not all).
    pub tags: Vec<String>,
}

impl RuleFilter {
    /// Whether `rule` passes both the id and the tag test.
    pub(crate) fn matches(&self, rule: &Rule) -> bool {
        let id_ok = match &self.id {
            None => true,
            Some(pattern) if pattern.contains(['*', '?']) => glob_matches(pattern, &rule.id),
            Some(pattern) => rule.id.contains(pattern.as_str()),
        };
        id_ok && (self.tags.is_empty() || rule.tags.iter().any(|tag| self.tags.contains(tag)))
    }
}

/// `*` matches any run of characters, `?` one character; everything else matches itself.
fn glob_matches(pattern: &str, text: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let text: Vec<char> = text.chars().collect();
    // Classic greedy match with one backtrack point: the last `*` seen.
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && (pattern[p] == '?' || pattern[p] == text[t]) {
            p += 1;
            t += 1;
        } else if p < pattern.len() && pattern[p] == '*' {
            star = Some((p, t));
            p += 1;
        } else if let Some((star_p, star_t)) = star {
            p = star_p + 1;
            t = star_t + 1;
            star = Some((star_p, star_t + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&c| c == '*')
}

/// An id that names no loaded rule, with the ids of the same family (the part before the first
/// dot) as suggestions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UnknownRule {
    /// The id asked for.
    pub id: String,
    /// Loaded ids sharing its family, in load order.
    pub suggestions: Vec<String>,
}

impl UnknownRule {
    /// The error for `id` not being in `rules`.
    pub(crate) fn new(rules: &RuleSet, id: &str) -> UnknownRule {
        UnknownRule {
            id: id.to_string(),
            suggestions: similar_ids(id, rules.rules().iter().map(|rule| rule.id.as_str())),
        }
    }
}

/// The ids of `known` that `id` was probably meant to be: those a typo or two away (closest
/// first), else those of its family (the part before the first dot), in the order given.
pub(crate) fn similar_ids<'a>(
    id: &str,
    known: impl Iterator<Item = &'a str> + Clone,
) -> Vec<String> {
    // One edit per five characters, at least one: `github.patt` is `github.pat`, `aws.key` is
    // not `gcp.key`.
    let reach = (id.chars().count() / 5).max(1);
    let mut close: Vec<(usize, &str)> = known
        .clone()
        .map(|other| (strsim::levenshtein(id, other), other))
        .filter(|&(distance, _)| distance <= reach)
        .collect();
    close.sort_by_key(|&(distance, _)| distance);
    if !close.is_empty() {
        return close
            .into_iter()
            .map(|(_, other)| other.to_string())
            .collect();
    }
    let family = id.split('.').next().unwrap_or(id);
    known
        .filter(|other| other.split('.').next() == Some(family))
        .map(str::to_string)
        .collect()
}

impl fmt::Display for UnknownRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "no rule has the id `{}`", self.id)?;
        if self.suggestions.is_empty() {
            write!(f, " (`sprawl rules list` shows every id)")
        } else {
            write!(f, "; did you mean {}?", self.suggestions.join(", "))
        }
    }
}

impl std::error::Error for UnknownRule {}

/// Everything known about `rule`, one `field: value` per line; list fields, the description and
/// the remediation for its family (`None` if no loaded file has one) follow on indented lines.
/// Examples are printed as written: they are fake by design.
pub(crate) fn describe(rule: &Rule, remediation: Option<&Remediation>) -> String {
    let mut out = String::new();
    let mut field = |name: &str, value: &str| {
        // Writing to a String cannot fail.
        let _ = writeln!(out, "{:<LABEL_WIDTH$}{value}", format!("{name}:"));
    };
    field("id", &rule.id);
    field("name", &rule.name);
    field("confidence", rule.confidence.as_str());
    field("tags", &join_or_none(&rule.tags));
    if rule.keywords.is_empty() {
        field("keywords", "none");
    } else {
        field("keywords", &super::list::shown_keywords(&rule.keywords));
    }
    if !rule.paths.is_empty() {
        field("paths", &rule.paths.join(", "));
    }
    let entropy = rule
        .min_entropy
        .map_or_else(|| "none".to_string(), |bits| format!("{bits:?}"));
    field("min_entropy", &entropy);
    field("check", rule.check.map_or("none", |check| check.name()));
    let filters: Vec<String> = rule.filters.iter().map(|f| f.to_string()).collect();
    field("filters", &join_or_none(&filters));
    field("origin", &rule.origin);
    field("pattern", &rule.pattern);
    if rule.description.trim().is_empty() {
        let _ = writeln!(out, "{:<LABEL_WIDTH$}none", "description:");
    } else {
        let _ = writeln!(out, "description:");
        for line in rule.description.trim_end().lines() {
            let _ = writeln!(out, "  {line}");
        }
    }
    block(&mut out, "references", &rule.references);
    block(&mut out, "examples", &shown_examples(&rule.examples));
    block(
        &mut out,
        "negative_examples",
        &shown_examples(&rule.negative_examples),
    );
    describe_remediation(&mut out, rule, remediation);
    out
}

/// The width remediation text is wrapped to, indent included.
const WRAP_WIDTH: usize = 96;

/// `remediation:` with how to rotate, the provider's pages and where the secret belongs
/// instead, each wrapped; where the entry comes from when it is not the rule's own file.
fn describe_remediation(out: &mut String, rule: &Rule, remediation: Option<&Remediation>) {
    let Some(entry) = remediation else {
        let _ = writeln!(
            out,
            "{:<LABEL_WIDTH$}none for the family `{}` (`sprawl rules check` fails)",
            "remediation:",
            rule.family()
        );
        return;
    };
    let _ = writeln!(out, "remediation:");
    let _ = writeln!(out, "  rotate:");
    wrapped(out, &entry.rotate, "    ");
    let _ = writeln!(out, "  references:");
    for reference in &entry.references {
        let _ = writeln!(out, "    - {reference}");
    }
    let _ = writeln!(out, "  instead:");
    wrapped(out, &entry.instead_text(), "    ");
    if entry.origin != rule.origin {
        let _ = writeln!(out, "  from:             {}", entry.origin);
    }
}

/// `text` as lines of at most [`WRAP_WIDTH`] characters (a longer word stays whole), each
/// starting with `indent`.
fn wrapped(out: &mut String, text: &str, indent: &str) {
    for paragraph in text.lines() {
        let mut line = String::from(indent);
        for word in paragraph.split_whitespace() {
            let fits = line.len() == indent.len()
                || line.chars().count() + 1 + word.chars().count() <= WRAP_WIDTH;
            if !fits {
                let _ = writeln!(out, "{line}");
                line = String::from(indent);
            }
            if line.len() > indent.len() {
                line.push(' ');
            }
            line.push_str(word);
        }
        let _ = writeln!(out, "{line}");
    }
}

/// Examples as shown: the text, preceded by `in PATH:` on its own line when it has a path.
fn shown_examples(examples: &[Example]) -> Vec<String> {
    examples
        .iter()
        .map(|example| match example {
            Example::Text(text) => text.clone(),
            Example::InFile { path, text } => format!("in {path}:\n{text}"),
        })
        .collect()
}

/// Labels are padded to this width so values line up.
const LABEL_WIDTH: usize = 20;

fn join_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_string()
    } else {
        items.join(", ")
    }
}

/// `name:` then each item on its own `  - ` line, later lines of an item indented to match.
fn block(out: &mut String, name: &str, items: &[String]) {
    let items: Vec<&String> = items.iter().filter(|item| !item.is_empty()).collect();
    if items.is_empty() {
        let _ = writeln!(out, "{:<LABEL_WIDTH$}none", format!("{name}:"));
        return;
    }
    let _ = writeln!(out, "{name}:");
    for item in items {
        let mut lines = item.trim_end_matches('\n').lines();
        let _ = writeln!(out, "  - {}", lines.next().unwrap_or(""));
        for line in lines {
            let _ = writeln!(out, "    {line}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::parse_rule_file;

    fn set() -> RuleSet {
        let yaml = "rules:\n  - id: acme.key\n    name: Acme key\n    pattern: 'acme_[a-z]{8}'\n    keywords: [acme_]\n    confidence: high\n    tags: [saas, acme]\n    examples: ['acme_abcdefgh']\n  - id: acme.webhook\n    name: Acme webhook\n    pattern: 'hook_[a-z]{8}'\n    keywords: [hook_]\n    confidence: low\n    examples: ['hook_abcdefgh']\n  - id: other.key\n    name: Other\n    pattern: 'oth_[a-z]{8}'\n    keywords: [oth_]\n    confidence: medium\n    tags: [saas]\n    examples: ['oth_abcdefgh']\n";
        RuleSet::new(parse_rule_file(yaml, "t.yml").unwrap()).unwrap()
    }

    fn picked(filter: &RuleFilter) -> Vec<String> {
        set()
            .rules()
            .iter()
            .filter(|rule| filter.matches(rule))
            .map(|rule| rule.id.clone())
            .collect()
    }

    #[test]
    fn id_filter_is_a_substring_or_a_glob() {
        let by = |id: &str| RuleFilter {
            id: Some(id.into()),
            tags: vec![],
        };
        assert_eq!(picked(&by("key")), ["acme.key", "other.key"]);
        assert_eq!(picked(&by("acme.*")), ["acme.key", "acme.webhook"]);
        assert_eq!(picked(&by("*.key")), ["acme.key", "other.key"]);
        assert_eq!(picked(&by("acme.?ey")), ["acme.key"]);
        assert!(picked(&by("acme")).len() == 2);
        assert!(picked(&by("acme*x")).is_empty());
    }

    #[test]
    fn tag_filter_takes_any_of_the_tags() {
        let by = |tags: &[&str]| RuleFilter {
            id: None,
            tags: tags.iter().map(|t| t.to_string()).collect(),
        };
        assert_eq!(picked(&by(&["acme"])), ["acme.key"]);
        assert_eq!(picked(&by(&["acme", "saas"])), ["acme.key", "other.key"]);
        assert!(picked(&by(&["none"])).is_empty());
        assert_eq!(picked(&RuleFilter::default()).len(), 3);
    }

    #[test]
    fn unknown_id_suggests_its_family() {
        let err = UnknownRule::new(&set(), "acme.token");
        assert_eq!(
            err.to_string(),
            "no rule has the id `acme.token`; did you mean acme.key, acme.webhook?"
        );
        let none = UnknownRule::new(&set(), "zzz");
        assert!(none.suggestions.is_empty());
    }

    #[test]
    fn a_typo_suggests_the_id_it_is_closest_to() {
        let ids = ["github.pat", "github.oauth", "gitlab.pat", "aws.secret-key"];
        assert_eq!(
            similar_ids("github.patt", ids.iter().copied()),
            ["github.pat"]
        );
        assert_eq!(
            similar_ids("github.ptt", ids.iter().copied()),
            ["github.pat"]
        );
        // Nothing close: the family.
        assert_eq!(
            similar_ids("github.token", ids.iter().copied()),
            ["github.pat", "github.oauth"]
        );
        assert!(similar_ids("slack.bot", ids.iter().copied()).is_empty());
    }

    #[test]
    fn describe_lists_every_field() {
        let set = set();
        let text = describe(set.find("acme.key").unwrap(), None);
        assert!(text.starts_with("id:                 acme.key\n"), "{text}");
        assert!(
            text.contains("\ntags:               saas, acme\n"),
            "{text}"
        );
        assert!(text.contains("\nmin_entropy:        none\n"), "{text}");
        assert!(text.contains("\ncheck:              none\n"), "{text}");
        assert!(text.contains("\nfilters:            none\n"), "{text}");
        assert!(text.contains("\norigin:             t.yml\n"), "{text}");
        assert!(text.contains("\nexamples:\n  - acme_abcdefgh\n"), "{text}");
        assert!(text.contains("\nnegative_examples:  none\n"), "{text}");
        assert!(
            text.ends_with(
                "\nremediation:        none for the family `acme` (`sprawl rules check` fails)\n"
            ),
            "{text}"
        );
    }

    #[test]
    fn describe_shows_the_remediation_wrapped_and_where_it_comes_from() {
        let entry = Remediation {
            family: "acme".into(),
            rotate: format!("Revoke the key {}then issue a new one.", "and ".repeat(30)),
            references: vec!["https://acme.example/keys".into()],
            instead: "Use workload identity.".into(),
            origin: "acme-remediation.yml".into(),
        };
        let set = set();
        let text = describe(set.find("acme.key").unwrap(), Some(&entry));
        let section = &text[text.find("\nremediation:\n").unwrap()..];
        assert!(
            section.starts_with("\nremediation:\n  rotate:\n    Revoke the key and"),
            "{section}"
        );
        assert!(
            section
                .lines()
                .all(|line| line.chars().count() <= WRAP_WIDTH),
            "{section}"
        );
        assert!(section.contains("\n  references:\n    - https://acme.example/keys\n  instead:\n    Use workload identity. Otherwise: Keep it out of code"), "{section}");
        assert!(
            section.ends_with("\n  from:             acme-remediation.yml\n"),
            "{section}"
        );
    }
}
