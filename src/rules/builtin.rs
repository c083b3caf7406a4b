//! The rules shipped inside the binary: every `rules/*.yml` file, embedded at build time by
//! `build.rs`, which also reads each file ahead of time (as JSON, with its patterns' facts), so
//! that a start neither parses YAML nor the patterns.

use super::load::{parse_rule_file_compiling, read_rules, LoadError};
use super::pattern::{PatternFacts, SecretGroup};
use super::rule::{Compile, Rule};
use super::syntax::RuleFileSyntax;

include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));

/// One embedded rule file.
pub(crate) struct BuiltInFile {
    /// The file name in `rules/`.
    name: &'static str,
    /// The file as written.
    yaml: &'static str,
    /// The same file as JSON, unless it (or a pattern in it) did not parse at build time.
    json: Option<&'static str>,
    /// Each rule's pattern facts, in the file's order.
    facts: &'static [PatternFacts],
}

/// The embedded rule files, as (file name, YAML text), in name order.
pub(crate) fn files() -> impl ExactSizeIterator<Item = (&'static str, &'static str)> {
    FILES.iter().map(|file| (file.name, file.yaml))
}

/// Reads every built-in rule; each regex is compiled on first use. A failure here is a bug in
/// sprawl, caught by tests (which also compile every regex).
pub fn load() -> Result<Vec<Rule>, LoadError> {
    let mut rules = Vec::new();
    let mut errors = Vec::new();
    for file in FILES {
        match file.load() {
            Ok(mut more) => rules.append(&mut more),
            Err(LoadError::Rules(mut problems)) => errors.append(&mut problems),
            Err(other) => return Err(other),
        }
    }
    if errors.is_empty() {
        Ok(rules)
    } else {
        Err(LoadError::Rules(errors))
    }
}

impl BuiltInFile {
    fn load(&self) -> Result<Vec<Rule>, LoadError> {
        let origin = format!("built-in rules/{}", self.name);
        // What build.rs could not read is read (and its problem reported) as a user's file is.
        let read_ahead = self
            .json
            .and_then(|json| serde_json::from_str::<RuleFileSyntax>(json).ok())
            .filter(|file| file.rules.len() == self.facts.len());
        let Some(file) = read_ahead else {
            return parse_rule_file_compiling(self.yaml, &origin, Compile::OnFirstUse);
        };
        read_rules(file, self.yaml, &origin, |syntax, at| {
            Rule::built_in(syntax, &origin, self.facts[at])
        })
    }
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::load::is_rule_file_name;

    #[test]
    fn every_rule_file_in_the_folder_is_embedded() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| is_rule_file_name(path))
            .map(|path| path.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        on_disk.sort();
        let embedded: Vec<String> = files().map(|(name, _)| name.to_string()).collect();
        assert_eq!(embedded, on_disk);
        assert!(!embedded.is_empty());
    }

    #[test]
    fn built_in_rules_load_compile_and_have_unique_ids() {
        let rules = load().unwrap_or_else(|err| panic!("{err}"));
        for rule in &rules {
            // Compiles the regexes that are otherwise built on first use.
            let _ = rule.regex();
            // All three, not `||`: a rule without `paths` applies everywhere, and the allow
            // lists behind it must still compile.
            let _ = (rule.applies_to(""), rule.allows_path(""), rule.allows(b""));
        }
        crate::rules::RuleSet::new(rules).unwrap_or_else(|err| panic!("{err}"));
    }

    #[test]
    fn what_build_rs_read_ahead_is_what_the_yaml_says() {
        for file in FILES {
            let json = file
                .json
                .unwrap_or_else(|| panic!("{}: not read ahead", file.name));
            let from_json: RuleFileSyntax = serde_json::from_str(json).unwrap();
            let from_yaml: RuleFileSyntax = crate::yaml::parse_yaml(file.yaml).unwrap();
            assert_eq!(
                serde_json::to_value(&from_json).unwrap(),
                serde_json::to_value(&from_yaml).unwrap(),
                "{}",
                file.name
            );
            let facts: Vec<PatternFacts> = from_yaml
                .rules
                .iter()
                .map(|rule| PatternFacts::of(&rule.pattern).unwrap())
                .collect();
            assert_eq!(facts, file.facts, "{}", file.name);
        }
    }

    #[test]
    fn a_file_build_rs_could_not_read_is_read_and_reported_as_a_users_file_is() {
        let broken = BuiltInFile {
            name: "broken.yml",
            yaml: "rules:\n  - id: a.b\n    name: [unclosed\n",
            json: None,
            facts: &[],
        };
        let err = broken.load().unwrap_err().to_string();
        assert!(err.starts_with("built-in rules/broken.yml:"), "{err}");
        // Facts out of step with the JSON: the YAML is read instead, so nothing is misapplied.
        let yaml = "rules:\n  - id: a.b\n    name: A\n    pattern: 'a(?P<secret>b+)'\n    keywords: [a]\n    confidence: low\n    examples: [ab]\n";
        let json = r#"{"rules":[{"id":"a.b","name":"A","pattern":"a(?P<secret>b+)","keywords":["a"],"confidence":"low","examples":["ab"]}]}"#;
        let stale = BuiltInFile {
            name: "stale.yml",
            yaml,
            json: Some(json),
            facts: &[],
        };
        let rules = stale.load().unwrap();
        assert_eq!(rules[0].secret_group(), SecretGroup::Group(1));
        assert_eq!(rules[0].origin, "built-in rules/stale.yml");
    }

    #[test]
    fn every_built_in_rule_has_a_reference_and_a_negative_example() {
        let rules = load().unwrap_or_else(|err| panic!("{err}"));
        let lacking: Vec<&str> = rules
            .iter()
            .filter(|rule| {
                rule.references.is_empty()
                    || rule.negative_examples.is_empty()
                    || rule.description.trim().is_empty()
            })
            .map(|rule| rule.id.as_str())
            .collect();
        assert!(
            lacking.is_empty(),
            "rules lacking a reference, a negative example or a description: {lacking:?}"
        );
    }
}
