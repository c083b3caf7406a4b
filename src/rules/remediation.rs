//! Remediation: what to do about a leaked secret of a rule family, and where such a secret
//! belongs instead.
//!
//! A rule file carries a `remediation:` section beside its `rules:`, one entry per rule family
//! (the part of a rule id before its first dot: `github` for `github.pat`). Keeping it per
//! family and per file keeps the data small (one entry serves every rule of the family), next to
//! the rules it is about, and easy to keep complete: `sprawl rules check` fails for a family
//! that has rules and no entry in any loaded file ([`missing`]). An entry is checked when its
//! file loads: its family must own a rule in the same file (a misspelt family fails loudly), its
//! text must not be empty, and its references must be http(s) URLs, since reports turn them
//! into links.
//!
//! Where a secret belongs instead is much the same for every family (a secret manager, injected
//! into the environment at run time), so that advice is [`SECRET_MANAGERS`], shown with every
//! entry; an entry's own `instead` adds what is better still for its family (an IAM role instead
//! of a long-lived key, a CI system's own token).

use std::collections::BTreeMap;

use super::rule::{Rule, RuleError};
use super::syntax::RemediationSyntax;

/// Where any secret belongs instead of a file: shown with every remediation entry.
pub(crate) const SECRET_MANAGERS: &str =
    "Keep it out of code, config files and images: store it in a \
secret manager (HashiCorp Vault, AWS Secrets Manager or a KMS-encrypted SSM Parameter Store \
SecureString, GCP Secret Manager, Azure Key Vault) and inject it into the environment of the \
process that needs it at deploy or run time, so no file in a repository ever holds it.";

/// A checked remediation entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remediation {
    /// The rule family it covers (`github`).
    pub(crate) family: String,
    /// How to revoke or rotate such a credential.
    pub(crate) rotate: String,
    /// The provider's pages, http(s) URLs, the most useful first.
    pub references: Vec<String>,
    /// What is better still than a secret manager for this family; empty if nothing.
    pub instead: String,
    /// The file the entry was defined in.
    pub(crate) origin: String,
}

impl Remediation {
    /// Where such a secret belongs instead: the family's own advice, then [`SECRET_MANAGERS`].
    pub(crate) fn instead_text(&self) -> String {
        let own = self.instead.trim();
        if own.is_empty() {
            SECRET_MANAGERS.to_string()
        } else {
            format!("{own} Otherwise: {SECRET_MANAGERS}")
        }
    }
}

/// Checks the `remediation:` section of the file `origin` against the rules it defines, and
/// hands each rule the entry of its family, if the file has one. Every problem is returned.
pub(crate) fn attach(
    section: BTreeMap<String, RemediationSyntax>,
    rules: &mut [Rule],
    origin: &str,
) -> Result<(), Vec<RuleError>> {
    let mut problems = Vec::new();
    for (family, syntax) in section {
        let problem = |text: String| RuleError {
            origin: origin.to_string(),
            rule_id: family.clone(),
            problem: format!("remediation entry: {text}"),
        };
        if !rules.iter().any(|rule| rule.family() == family) {
            let mut families: Vec<&str> = rules.iter().map(Rule::family).collect();
            families.dedup();
            problems.push(problem(format!(
                "no rule of this file belongs to the family `{family}` (its families: {})",
                if families.is_empty() {
                    "none".to_string()
                } else {
                    families.join(", ")
                }
            )));
            continue;
        }
        let before = problems.len();
        if syntax.rotate.trim().is_empty() {
            problems.push(problem(
                "`rotate` is empty: say how to revoke or rotate such a credential".into(),
            ));
        }
        if syntax.references.is_empty() {
            problems.push(problem(
                "`references` needs the provider's page on revoking or rotating it".into(),
            ));
        }
        for reference in &syntax.references {
            if !is_web_url(reference.trim()) {
                problems.push(problem(format!(
                    "reference `{reference}` is not an http(s) URL"
                )));
            }
        }
        if problems.len() > before {
            continue;
        }
        let entry = std::sync::Arc::new(Remediation {
            rotate: syntax.rotate.trim().to_string(),
            references: syntax
                .references
                .iter()
                .map(|reference| reference.trim().to_string())
                .collect(),
            instead: syntax.instead.trim().to_string(),
            origin: origin.to_string(),
            family,
        });
        for rule in rules
            .iter_mut()
            .filter(|rule| rule.family() == entry.family)
        {
            rule.remediation = Some(entry.clone());
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// The families of `rules` that have no remediation entry, for `sprawl rules check`: one
/// problem per family, named at its first rule. `covered` says whether a family has an entry in
/// any loaded file.
pub(crate) fn missing(rules: &[Rule], covered: &dyn Fn(&str) -> bool) -> Vec<RuleError> {
    let mut seen = std::collections::HashSet::new();
    rules
        .iter()
        .filter(|rule| seen.insert(rule.family()) && !covered(rule.family()))
        .map(|rule| RuleError {
            origin: rule.origin.clone(),
            rule_id: rule.id.clone(),
            problem: format!(
                "the family `{}` has no remediation entry: add one under `remediation:` in a \
                 rule file (`{}:` with `rotate:` and `references:`; see rules/README.md)",
                rule.family(),
                rule.family()
            ),
        })
        .collect()
}

/// Whether `text` is an absolute http(s) URL made only of characters RFC 3986 allows (a `%`
/// followed by two hex digits), with a host: what SARIF's `helpUri` (format `uri`) accepts and
/// what reports may turn into a link. Rule references are free text; anything else is shown as
/// text.
pub(crate) fn is_web_url(text: &str) -> bool {
    let Some(rest) = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"))
    else {
        return false;
    };
    let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    if host_end == 0 {
        return false;
    }
    let bytes = text.as_bytes();
    bytes.iter().enumerate().all(|(at, &byte)| match byte {
        b'%' => bytes
            .get(at + 1..at + 3)
            .is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit)),
        _ => byte.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=".contains(&byte),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{parse_rule_file, LoadError};

    const RULE: &str = "  - id: acme.key\n    name: Acme key\n    pattern: 'acme_[a-z0-9]{8}'\n    keywords: [acme_]\n    confidence: high\n    examples: ['acme_a1b2c3d4']\n";

    fn load(section: &str) -> Result<Vec<Rule>, LoadError> {
        parse_rule_file(&format!("{section}rules:\n{RULE}"), "acme.yml")
    }

    #[test]
    fn an_entry_is_attached_to_every_rule_of_its_family() {
        let rules = load("remediation:\n  acme:\n    rotate: Revoke it in the console.\n    references: [https://acme.example/keys]\n    instead: Use workload identity.\n").unwrap();
        let entry = rules[0].remediation.as_deref().unwrap();
        assert_eq!(entry.family, "acme");
        assert_eq!(entry.rotate, "Revoke it in the console.");
        assert_eq!(entry.references, ["https://acme.example/keys"]);
        assert_eq!(entry.origin, "acme.yml");
        assert!(entry
            .instead_text()
            .starts_with("Use workload identity. Otherwise: "));
        assert!(entry.instead_text().contains("Azure Key Vault"));
    }

    #[test]
    fn a_file_without_a_section_loads_with_no_entry() {
        let rules = load("").unwrap();
        assert!(rules[0].remediation.is_none());
    }

    #[test]
    fn every_problem_of_a_section_is_reported_naming_the_file_and_family() {
        let err = load("remediation:\n  acme:\n    rotate: ' '\n    references: ['javascript:alert(1)', 'see the wiki']\n  acne:\n    rotate: x\n    references: [https://acme.example]\n").unwrap_err();
        let text = err.to_string();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 4, "{text}");
        assert_eq!(lines[0], "acme.yml: rule `acme`: remediation entry: `rotate` is empty: say how to revoke or rotate such a credential");
        assert!(lines[1].contains("`javascript:alert(1)` is not an http(s) URL"));
        assert!(lines[2].contains("`see the wiki` is not an http(s) URL"));
        assert!(lines[3].starts_with("acme.yml: rule `acne`: remediation entry: no rule of this file belongs to the family `acne` (its families: acme)"), "{text}");
    }

    #[test]
    fn an_unknown_field_in_an_entry_is_refused() {
        let err = load("remediation:\n  acme:\n    rotate: x\n    references: [https://acme.example]\n    revoke_url: https://acme.example\n").unwrap_err();
        assert!(err.to_string().contains("revoke_url"), "{err}");
    }

    #[test]
    fn missing_names_each_uncovered_family_once_at_its_first_rule() {
        let rules = parse_rule_file(
            &format!("rules:\n{RULE}{}", RULE.replace("acme.key", "acme.other")),
            "acme.yml",
        )
        .unwrap();
        let problems = missing(&rules, &|_| false);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].rule_id, "acme.key");
        assert!(problems[0]
            .problem
            .contains("the family `acme` has no remediation entry"));
        assert!(missing(&rules, &|family| family == "acme").is_empty());
    }

    #[test]
    fn web_urls_are_absolute_http_with_a_host_and_no_stray_characters() {
        assert!(is_web_url("https://docs.github.com/en/a#b"));
        assert!(is_web_url("http://wiki.internal/runbooks/acme?x=1"));
        assert!(!is_web_url("https:///path"));
        assert!(!is_web_url("ftp://example.com"));
        assert!(!is_web_url("https://example.com/a b"));
        assert!(!is_web_url("https://example.com/\"onmouseover=x"));
        assert!(!is_web_url("https://example.com/%zz"));
    }
}
