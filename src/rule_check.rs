//! `sprawl rules check`: every rule's examples run through the full matcher built from all
//! rules (prefilter, regex, secret group, entropy, allows, overlap resolution), as a scan would
//! run them. Every problem is listed, each saying why when it can: no keyword, no pattern match,
//! the entropy gate, the allow list, or another rule reporting the secret instead. A rule family
//! with no remediation entry in any loaded file is a problem too.
//!
//! It sits above the scanner, not inside `rules`: it drives the same matcher and finding
//! placement a scan uses, and the rules must not depend on what scans with them.

use crate::engine::entropy::shannon;
use crate::engine::filters::first_dropping;
use crate::engine::Matcher;
use crate::pipeline::findings_in;
use crate::rules::{contains_ignore_ascii_case, Example, Rule, RuleError, RuleSet, SecretGroup};
use crate::source::Blob;

/// The outcome of checking a rule set.
#[derive(Debug, Default)]
pub struct CheckReport {
    /// Rules checked.
    pub rules: usize,
    /// Examples and negative examples run.
    pub examples: usize,
    /// Every failing example.
    pub problems: Vec<RuleError>,
}

/// Runs every example and negative example of every rule in `rules`, and finds the rule
/// families that have no remediation entry.
pub fn check(rules: &RuleSet) -> CheckReport {
    let mut matcher = Matcher::new(rules);
    let mut report = CheckReport {
        rules: rules.len(),
        ..CheckReport::default()
    };
    for rule in rules.rules() {
        if let Some(comment) = &rule.name_comment {
            report.problems.push(problem(
                rule,
                format!(
                    "the name is cut short by a YAML comment: it loads as `{}` and `{comment}` is \
                     dropped as a comment; quote the whole name (`name: \"{} {comment}\"`)",
                    rule.name, rule.name
                ),
            ));
        }
        for (index, example) in rule.examples.iter().enumerate() {
            report.examples += 1;
            let found = found_by(&mut matcher, example);
            if !found.iter().any(|id| id == &rule.id) {
                let why = diagnose(rule, example, &found);
                report.problems.push(problem(
                    rule,
                    format!("example {} is not found: {why}", index + 1),
                ));
            }
        }
        for (index, example) in rule.negative_examples.iter().enumerate() {
            report.examples += 1;
            if found_by(&mut matcher, example)
                .iter()
                .any(|id| id == &rule.id)
            {
                report.problems.push(problem(
                    rule,
                    format!(
                        "negative example {} is found: {:?}{}",
                        index + 1,
                        example.text(),
                        in_file(example)
                    ),
                ));
            }
        }
    }
    report.problems.extend(rules.missing_remediation());
    report
}

/// ` (in FILE)` for an example given a path, else nothing.
fn in_file(example: &Example) -> String {
    match example {
        Example::Text(_) => String::new(),
        Example::InFile { path, .. } => format!(" (in {path})"),
    }
}

fn found_by(matcher: &mut Matcher<'_>, example: &Example) -> Vec<String> {
    let blob = Blob {
        path: example.path(),
        bytes: example.text().as_bytes(),
    };
    findings_in(matcher, blob)
        .into_iter()
        .map(|finding| finding.rule_id)
        .collect()
}

fn problem(rule: &Rule, text: String) -> RuleError {
    RuleError {
        origin: rule.origin.clone(),
        rule_id: rule.id.clone(),
        problem: text,
    }
}

/// Why `rule` does not report `example`, stage by stage.
fn diagnose(rule: &Rule, example: &Example, found_by_others: &[String]) -> String {
    let bytes = example.text().as_bytes();
    if !rule.applies_to(example.path()) {
        return format!(
            "the rule's paths {:?} do not match the example's path `{}` (give it one: `{{path: ..., text: ...}}`)",
            rule.paths,
            example.path()
        );
    }
    if rule.allows_path(example.path()) {
        return format!(
            "the rule's `allow.paths` drop candidates in the example's path `{}`",
            example.path()
        );
    }
    if !rule.keywords.is_empty()
        && !rule
            .keywords
            .iter()
            .any(|keyword| contains_ignore_ascii_case(bytes, keyword.as_bytes()))
    {
        return format!("none of its keywords {:?} occurs in it", rule.keywords);
    }
    let Some(captures) = rule.regex().captures(bytes) else {
        return "the pattern does not match it".into();
    };
    let group = match rule.secret_group() {
        SecretGroup::Group(index) => index,
        SecretGroup::WholeMatch => 0,
    };
    let Some(secret) = captures.get(group) else {
        return "the pattern matches but its secret group is empty".into();
    };
    let entropy = shannon(secret.as_bytes());
    if let Some(min) = rule.min_entropy.filter(|&min| entropy < min) {
        return format!("the secret's entropy {entropy:.2} is below min_entropy {min}");
    }
    if rule.allows(secret.as_bytes()) {
        return "the rule's allow list drops the secret".into();
    }
    if let Some(check) = rule.check.filter(|check| !check.passes(secret.as_bytes())) {
        return format!(
            "the secret fails the rule's `{check}` check: {}",
            check.failure()
        );
    }
    if let Some(filter) = first_dropping(&rule.filters, bytes, secret.range()) {
        return format!("the rule's `{filter}` filter drops the secret");
    }
    if !found_by_others.is_empty() {
        return format!(
            "the secret is reported by {} instead (an overlapping match of higher confidence or longer secret wins)",
            found_by_others.join(", ")
        );
    }
    "no match survives".into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::parse_rule_file;

    /// The family `t`'s remediation entry, which the rules below need to pass.
    const REMEDIATION: &str =
        "remediation:\n  t:\n    rotate: Revoke it.\n    references: [https://t.example/revoke]\n";

    fn checked(yaml_rules: &str) -> Vec<String> {
        let text = format!("{REMEDIATION}rules:\n{yaml_rules}");
        let rules = parse_rule_file(&text, "mine.yml").unwrap();
        let report = check(&RuleSet::new(rules).unwrap());
        report.problems.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn every_built_in_rule_finds_its_examples_and_not_its_negative_examples() {
        let rules = RuleSet::new(crate::rules::builtin::load().unwrap()).unwrap();
        let report = check(&rules);
        let problems: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
        assert!(
            problems.is_empty(),
            "{} failing:\n{}",
            problems.len(),
            problems.join("\n")
        );
        assert!(report.examples >= 2 * report.rules);
    }

    #[test]
    fn passing_examples_give_no_problems() {
        let problems = checked("  - id: t.tok\n    name: T\n    keywords: [tok_]\n    pattern: 'tok_[a-z0-9]{6}'\n    confidence: high\n    examples: ['x = tok_a1b2c3']\n    negative_examples: ['tok_a1b2']\n");
        assert!(problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn every_failing_example_is_listed_with_its_reason() {
        let problems = checked(concat!(
            "  - id: t.tok\n    name: T\n    keywords: [tok_]\n    pattern: 'tok_([a-z0-9]{6})'\n    confidence: high\n    min_entropy: 2\n",
            "    examples: ['no keyword', 'tok_short', 'tok_aaaaaa', 'tok_xample']\n",
            "    negative_examples: ['tok_a1b2c3']\n",
            "    allow:\n      stopwords: [xample]\n",
        ));
        assert_eq!(problems.len(), 5, "{problems:#?}");
        assert!(problems[0]
            .contains("mine.yml: rule `t.tok`: example 1 is not found: none of its keywords"));
        assert!(problems[1].contains("example 2 is not found: the pattern does not match"));
        assert!(problems[2]
            .contains("example 3 is not found: the secret's entropy 0.00 is below min_entropy 2"));
        assert!(problems[3].contains("example 4 is not found: the rule's allow list drops"));
        assert!(problems[4].contains("negative example 1 is found: \"tok_a1b2c3\""));
    }

    #[test]
    fn a_name_cut_short_by_a_yaml_comment_is_a_problem() {
        let problems = checked("  - id: t.tok\n    name: Key #2 of two\n    keywords: [tok_]\n    pattern: 'tok_[a-z0-9]{6}'\n    confidence: high\n    examples: ['tok_a1b2c3']\n");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].contains("loads as `Key` and `#2 of two` is dropped")
                && problems[0].contains(r#"name: "Key #2 of two""#),
            "{problems:?}"
        );
    }

    #[test]
    fn an_example_taken_by_another_rule_names_that_rule() {
        let problems = checked(concat!(
            "  - id: t.generic\n    name: G\n    keywords: [key]\n    pattern: 'key=(\\S+)'\n    confidence: low\n    examples: ['key=tok_a1b2c3']\n",
            "  - id: t.tok\n    name: T\n    keywords: [tok_]\n    pattern: 'tok_[a-z0-9]{6}'\n    confidence: high\n    examples: ['tok_a1b2c3']\n",
        ));
        assert_eq!(problems.len(), 1, "{problems:#?}");
        assert!(
            problems[0].contains(
                "`t.generic`: example 1 is not found: the secret is reported by t.tok instead"
            ),
            "{problems:?}"
        );
    }

    #[test]
    fn a_family_without_remediation_fails_and_one_covered_by_another_file_passes() {
        let rule = |id: &str| {
            let word = id.replace('.', "");
            format!("  - id: {id}\n    name: T\n    keywords: [{word}_]\n    pattern: '{word}_[a-z0-9]{{6}}'\n    confidence: high\n    examples: ['{word}_a1b2c3']\n")
        };
        let bare = parse_rule_file(&format!("rules:\n{}", rule("u.tok")), "bare.yml").unwrap();
        let report = check(&RuleSet::new(bare).unwrap());
        let problems: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0]
                .starts_with("bare.yml: rule `u.tok`: the family `u` has no remediation entry"),
            "{problems:?}"
        );
        // A rule of family `t` in a file without a section takes the entry of another file.
        let mut rules = parse_rule_file(
            &format!("{REMEDIATION}rules:\n{}", rule("t.one")),
            "first.yml",
        )
        .unwrap();
        rules.extend(parse_rule_file(&format!("rules:\n{}", rule("t.two")), "second.yml").unwrap());
        let set = RuleSet::new(rules).unwrap();
        assert!(check(&set).problems.is_empty());
        let second = set.find("t.two").unwrap();
        assert!(second.remediation.is_none());
        assert_eq!(set.remediation(second).unwrap().origin, "first.yml");
    }
}
