//! `sarif`: SARIF 2.1.0, one run, for GitHub code scanning and other SARIF consumers.
//!
//! Locations are relative to the `%SRCROOT%` base, the folder sprawl ran in, so uploads line up
//! with the repository when sprawl runs at its root; paths outside that folder are written as
//! absolute `file://` URIs. Levels follow confidence (high: error, medium: warning, low: note).
//! `partialFingerprints` carries the finding's fingerprint, so code scanning tracks a secret
//! across moves.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use super::Report;
use crate::finding::Finding;
use crate::rules::{Confidence, Rule};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/sprawl-scanner/sprawl";
const SRCROOT: &str = "%SRCROOT%";

/// Writes the SARIF log, pretty-printed, with a final newline.
pub fn write(report: &Report<'_>, redact: bool, out: &mut dyn Write) -> io::Result<()> {
    let base = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"));
    let log = sarif_log(report, redact, &base);
    serde_json::to_writer_pretty(&mut *out, &log)?;
    out.write_all(b"\n")
}

fn sarif_log(report: &Report<'_>, redact: bool, base: &Path) -> Value {
    // The rules that fired, by id, each with its index in `tool.driver.rules`.
    let fired: BTreeMap<&str, &Rule> = report
        .findings
        .iter()
        .filter_map(|finding| report.rules.find(&finding.rule_id))
        .map(|rule| (rule.id.as_str(), rule))
        .collect();
    let index_of: BTreeMap<&str, usize> =
        fired.keys().enumerate().map(|(i, id)| (*id, i)).collect();
    let rules: Vec<Value> = fired.values().map(|rule| rule_descriptor(rule)).collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|finding| {
            result(
                finding,
                index_of.get(finding.rule_id.as_str()).copied(),
                redact,
                base,
            )
        })
        .collect();
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "sprawl",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": INFORMATION_URI,
                    "rules": rules,
                }
            },
            "originalUriBaseIds": {
                SRCROOT: { "uri": directory_uri(base) }
            },
            "results": results,
        }]
    })
}

fn rule_descriptor(rule: &Rule) -> Value {
    let description = if rule.description.trim().is_empty() {
        format!("Finds {}.", rule.name)
    } else {
        sentence(rule.description.trim())
    };
    let mut markdown = format!("**{}**\n\n{}\n", rule.name, description);
    if !rule.references.is_empty() {
        markdown.push_str("\nReferences:\n");
        for reference in &rule.references {
            markdown.push_str(&format!("- <{reference}>\n"));
        }
    }
    markdown.push_str(
        "\nRotate the credential first: removing it from the code, or from history, does not make it safe.\n",
    );
    let mut tags = vec!["security".to_string(), "secret".to_string()];
    tags.extend(rule.tags.iter().cloned());
    let mut descriptor = json!({
        "id": rule.id,
        "name": pascal_case(&rule.name),
        "shortDescription": { "text": sentence(&rule.name) },
        "fullDescription": { "text": description },
        "help": {
            "text": format!("{description} Rotate the credential first: removing it from the code, or from history, does not make it safe."),
            "markdown": markdown,
        },
        "defaultConfiguration": { "level": level(rule.confidence) },
        "properties": {
            "tags": tags,
            "precision": precision(rule.confidence),
            "security-severity": security_severity(rule.confidence),
        }
    });
    if let Some(first) = rule.references.first() {
        descriptor["helpUri"] = json!(first);
    }
    descriptor
}

fn result(finding: &Finding, rule_index: Option<usize>, redact: bool, base: &Path) -> Value {
    let (uri, relative) = artifact_uri(&finding.path, base);
    let mut artifact = json!({ "uri": uri });
    if relative {
        artifact["uriBaseId"] = json!(SRCROOT);
    }
    let mut result = json!({
        "ruleId": finding.rule_id,
        "level": level(finding.confidence),
        "message": {
            "text": format!(
                "{} found: {} (rule {}, {} confidence).",
                finding.rule_name,
                finding.shown_secret(redact),
                finding.rule_id,
                finding.confidence
            )
        },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": artifact,
                "region": {
                    "startLine": finding.line,
                    "startColumn": finding.column,
                    "endLine": finding.end_line,
                    "endColumn": finding.end_column,
                }
            }
        }],
        "partialFingerprints": { "secretFingerprint/v1": finding.fingerprint },
    });
    if let Some(index) = rule_index {
        result["ruleIndex"] = json!(index);
    }
    result
}

fn level(confidence: Confidence) -> &'static str {
    match confidence {
        Confidence::High => "error",
        Confidence::Medium => "warning",
        Confidence::Low => "note",
    }
}

fn precision(confidence: Confidence) -> &'static str {
    match confidence {
        Confidence::High => "very-high",
        Confidence::Medium => "high",
        Confidence::Low => "medium",
    }
}

/// GitHub's scale: 9.0 and up is critical, 7.0 to 8.9 high, 4.0 to 6.9 medium.
fn security_severity(confidence: Confidence) -> &'static str {
    match confidence {
        Confidence::High => "9.0",
        Confidence::Medium => "7.5",
        Confidence::Low => "5.0",
    }
}

/// The URI of a finding's path, and whether it is relative to `%SRCROOT%`.
fn artifact_uri(path: &str, base: &Path) -> (String, bool) {
    let path = Path::new(path);
    if path.is_relative() {
        return (encode_path(path), true);
    }
    match path.strip_prefix(base) {
        Ok(inside) => (encode_path(inside), true),
        Err(_) => (format!("file://{}", encode_path(path)), false),
    }
}

fn directory_uri(dir: &Path) -> String {
    let mut uri = format!("file://{}", encode_path(dir));
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

/// Percent-encodes a path for a URI, keeping `/` and RFC 3986's unreserved characters.
fn encode_path(path: &Path) -> String {
    let text = path.to_string_lossy();
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(byte as char)
            }
            b'\\' if cfg!(windows) => out.push('/'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// `GitHub personal access token` -> `GitHubPersonalAccessToken`.
fn pascal_case(name: &str) -> String {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(|word| {
            let mut chars = word.chars();
            let first = chars.next().map(|c| c.to_ascii_uppercase());
            first.into_iter().chain(chars).collect::<String>()
        })
        .collect()
}

/// Text ending with a full stop, as SARIF messages should.
fn sentence(text: &str) -> String {
    if text.ends_with('.') {
        text.to_string()
    } else {
        format!("{text}.")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_to_the_base_and_encoded() {
        let base = Path::new("/work/repo");
        assert_eq!(
            artifact_uri("src/a b.py", base),
            ("src/a%20b.py".into(), true)
        );
        assert_eq!(
            artifact_uri("/work/repo/x/y.env", base),
            ("x/y.env".into(), true)
        );
        assert_eq!(
            artifact_uri("/etc/z#1", base),
            ("file:///etc/z%231".into(), false)
        );
        assert_eq!(directory_uri(base), "file:///work/repo/");
    }

    #[test]
    fn rule_names_become_pascal_case() {
        assert_eq!(
            pascal_case("GitHub personal access token"),
            "GitHubPersonalAccessToken"
        );
        assert_eq!(pascal_case("AWS access key ID"), "AWSAccessKeyID");
        assert_eq!(pascal_case("private key (PEM)"), "PrivateKeyPEM");
    }
}
