//! All loaded rules together with the keyword prefilter that picks which of them to run.

use std::collections::HashMap;
use std::sync::Arc;

use super::load::LoadError;
use super::prefilter::Prefilter;
use super::remediation::{self, Remediation};
use super::rule::{Rule, RuleError};

/// Every rule of a scan and the prefilter over their keywords. Built once, shared by reference.
#[derive(Debug)]
pub struct RuleSet {
    rules: Vec<Rule>,
    prefilter: Prefilter,
    /// Each family's remediation entry: the first loaded file's that has one.
    remediation: HashMap<String, Arc<Remediation>>,
    /// Rules with `paths`: the prefilter leaves them out (their keywords would be looked for in
    /// every file, though they run on few); each runs on a file its paths match, when one of its
    /// keywords, if it has any, is in it.
    path_scoped: Vec<usize>,
}

impl RuleSet {
    /// Builds the set, refusing duplicate ids (naming both places that define the id).
    pub fn new(rules: Vec<Rule>) -> Result<RuleSet, LoadError> {
        let mut seen: HashMap<&str, &str> = HashMap::new();
        let mut errors = Vec::new();
        for rule in &rules {
            if let Some(first) = seen.insert(&rule.id, &rule.origin) {
                errors.push(RuleError {
                    origin: rule.origin.clone(),
                    rule_id: rule.id.clone(),
                    problem: format!("duplicate id: already defined in {first}"),
                });
            }
        }
        if !errors.is_empty() {
            return Err(LoadError::Rules(errors));
        }
        let prefilter = Prefilter::new(&rules).map_err(|problem| {
            LoadError::Rules(vec![RuleError {
                origin: "the loaded rules".into(),
                rule_id: "*".into(),
                problem,
            }])
        })?;
        let mut families: HashMap<String, Arc<Remediation>> = HashMap::new();
        for rule in &rules {
            if let Some(entry) = &rule.remediation {
                families
                    .entry(entry.family.clone())
                    .or_insert_with(|| entry.clone());
            }
        }
        let path_scoped = rules
            .iter()
            .enumerate()
            .filter(|(_, rule)| rule.is_path_scoped())
            .map(|(index, _)| index)
            .collect();
        Ok(RuleSet {
            rules,
            prefilter,
            remediation: families,
            path_scoped,
        })
    }

    /// The rules, in load order (built-in first, then the user's).
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The rule at `index` (an index handed out by the prefilter or matcher).
    pub(crate) fn rule(&self, index: usize) -> &Rule {
        &self.rules[index]
    }

    /// The keyword prefilter.
    pub fn prefilter(&self) -> &Prefilter {
        &self.prefilter
    }

    /// The rules with `paths`, by index (the prefilter does not pick them).
    pub(crate) fn path_scoped(&self) -> &[usize] {
        &self.path_scoped
    }

    /// Whether the findings in a file at `path` can differ from those in the same text with no
    /// path (see [`Rule::reads_path`]).
    pub(crate) fn reads_path(&self, path: &str) -> bool {
        self.rules
            .iter()
            .filter(|rule| rule.has_paths())
            .any(|rule| rule.reads_path(path))
    }

    /// Looks a rule up by id.
    pub(crate) fn find(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|rule| rule.id == id)
    }

    /// What to do about a leak of a secret `rule` finds: the entry for its family in its own
    /// file, else the one another loaded file gives for the family (a user's `github.*` rule
    /// takes the built-in `github` entry); `None` if no file has one.
    pub fn remediation<'a>(&'a self, rule: &'a Rule) -> Option<&'a Remediation> {
        rule.remediation
            .as_deref()
            .or_else(|| self.remediation.get(rule.family()).map(Arc::as_ref))
    }

    /// One problem per family of the loaded rules that has no remediation entry in any file.
    pub(crate) fn missing_remediation(&self) -> Vec<RuleError> {
        remediation::missing(&self.rules, &|family| self.remediation.contains_key(family))
    }

    /// The number of rules.
    pub(crate) fn len(&self) -> usize {
        self.rules.len()
    }
}
