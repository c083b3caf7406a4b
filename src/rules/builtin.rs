//! The rules shipped inside the binary: every `rules/*.yml` file, embedded at build time by
//! `build.rs`.

use super::load::{parse_rule_file_compiling, LoadError};
use super::rule::{Compile, Rule};

include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));

/// The embedded rule files, as (file name, YAML text), in name order.
pub fn files() -> &'static [(&'static str, &'static str)] {
    FILES
}

/// Parses every built-in rule, checking its syntax; each regex is compiled on first use. A
/// failure here is a bug in sprawl, caught by tests (which also compile every regex).
pub fn load() -> Result<Vec<Rule>, LoadError> {
    let mut rules = Vec::new();
    let mut errors = Vec::new();
    for (name, text) in FILES {
        match parse_rule_file_compiling(
            text,
            &format!("built-in rules/{name}"),
            Compile::OnFirstUse,
        ) {
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
        let embedded: Vec<String> = files().iter().map(|(name, _)| name.to_string()).collect();
        assert_eq!(embedded, on_disk);
        assert!(!embedded.is_empty());
    }

    #[test]
    fn built_in_rules_load_compile_and_have_unique_ids() {
        let rules = load().unwrap_or_else(|err| panic!("{err}"));
        for rule in &rules {
            // Compiles the regexes that are otherwise built on first use.
            let _ = rule.regex();
            let _ = rule.applies_to("") || rule.allows_path("");
        }
        crate::rules::RuleSet::new(rules).unwrap_or_else(|err| panic!("{err}"));
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
