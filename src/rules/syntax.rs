//! What a rule file says, before anything is checked or compiled.
//!
//! These types mirror the YAML one to one, with `deny_unknown_fields` so that a typo in a rule
//! file fails loudly instead of silently dropping a field. Nothing here is validated beyond what
//! serde checks; [`super::Rule::compile`] turns a [`RuleSyntax`] into a usable rule.

use serde::{Deserialize, Serialize};

use super::vocabulary::{Check, Filter};
use super::Confidence;

/// A rule file: a list of rules under `rules:`, and what to do about a leak of each of their
/// families under `remediation:`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RuleFileSyntax {
    /// How to revoke, rotate and store the secrets of each rule family (`github`), by family.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub remediation: std::collections::BTreeMap<String, RemediationSyntax>,
    /// The rules this file defines.
    pub rules: Vec<RuleSyntax>,
}

/// One rule as written in YAML.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RuleSyntax {
    /// Dotted lowercase identifier, unique across all loaded rules (`github.pat`).
    pub id: String,
    /// A short human name (`GitHub personal access token`).
    pub name: String,
    /// What the rule finds and why it matters.
    #[serde(default)]
    pub description: String,
    /// A `regex::bytes` pattern. The secret is the group named `secret`, else group 1, else the
    /// whole match.
    pub pattern: String,
    /// Lowercase literals, at least one of which appears in every match; the prefilter uses them.
    /// May be empty for a rule with `paths`, which then runs on every file those paths name.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Regexes matched against a file's path (see [`super::Rule::applies_to`]): when any are
    /// given, the rule runs only on files whose path matches one. For formats known by their
    /// file name (`.pgpass`, `config/master.key`, `sitemanager.xml`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub paths: Vec<String>,
    /// Minimum Shannon entropy of the secret, in bits per byte.
    #[serde(default)]
    pub min_entropy: Option<f64>,
    /// How sure a match of this rule is to be a real secret.
    pub confidence: Confidence,
    /// Free-form labels (`cloud`, `vcs`, `key`...).
    #[serde(default)]
    pub tags: Vec<String>,
    /// Links to the provider's own description of the format.
    #[serde(default)]
    pub references: Vec<String>,
    /// Texts that must each produce a finding of this rule.
    #[serde(default)]
    pub examples: Vec<Example>,
    /// Texts that must produce no finding of this rule.
    #[serde(default)]
    pub negative_examples: Vec<Example>,
    /// Candidates that this rule drops even though the pattern matched.
    #[serde(default)]
    pub allow: AllowSyntax,
    /// An offline check every secret must pass (`crc32-base62`, `jwt`, `pypi-macaroon`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check: Option<Check>,
    /// Noise filters run on each candidate (`placeholder`, `template`, ...).
    #[serde(default)]
    pub filters: Vec<Filter>,
}

/// An example text, alone or in a file of a given path (for rules whose `paths` or whose
/// confidence depend on the file: `{path: .pgpass, text: '...'}`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(untagged, deny_unknown_fields)]
pub enum Example {
    /// The text, scanned as a file named `example`.
    Text(String),
    /// The text, scanned as the file at `path`.
    InFile {
        /// The path the text is scanned at.
        path: String,
        /// The file's content.
        text: String,
    },
}

impl Example {
    /// The path an example without one is scanned at.
    pub(crate) const DEFAULT_PATH: &'static str = "example";

    /// The path the text is scanned at.
    pub(crate) fn path(&self) -> &str {
        match self {
            Example::Text(_) => Example::DEFAULT_PATH,
            Example::InFile { path, .. } => path,
        }
    }

    /// The text.
    pub fn text(&self) -> &str {
        match self {
            Example::Text(text) | Example::InFile { text, .. } => text,
        }
    }
}

/// Per-rule allows: a candidate secret matching any of these is dropped.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AllowSyntax {
    /// Regexes matched against the secret.
    #[serde(default)]
    pub regexes: Vec<String>,
    /// Words whose presence in the secret (ASCII case-insensitive) drops it.
    #[serde(default)]
    pub stopwords: Vec<String>,
    /// Regexes matched against the file's path; a candidate in a matching file is dropped
    /// (`.env.example` for a rule about `.env` files).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub paths: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse_yaml;

    #[test]
    fn unknown_field_is_rejected_with_its_name_and_line() {
        let text = "rules:\n  - id: a.b\n    name: A\n    pattern: x\n    keywords: [x]\n    confidence: high\n    pattrn: y\n";
        let err = parse_yaml::<RuleFileSyntax>(text).unwrap_err();
        assert!(err.message.contains("pattrn"), "{err}");
        assert_eq!(err.line, Some(7), "{err}");
    }

    #[test]
    fn bad_confidence_names_the_variants() {
        let text = "rules:\n  - id: a.b\n    name: A\n    pattern: x\n    keywords: [x]\n    confidence: certain\n";
        let err = parse_yaml::<RuleFileSyntax>(text).unwrap_err();
        assert!(err.message.contains("certain"), "{err}");
    }
}

/// One family's entry as written under `remediation:`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RemediationSyntax {
    /// How to revoke or rotate such a credential at the provider.
    pub rotate: String,
    /// The provider's pages about revoking or rotating it: http(s) URLs, at least one.
    pub references: Vec<String>,
    /// What is better still than a secret manager for this family, if anything.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub instead: String,
}
