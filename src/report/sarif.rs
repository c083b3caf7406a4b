//! `sarif`: SARIF 2.1.0, one run, for GitHub code scanning and other SARIF consumers.
//!
//! Locations are relative to the `%SRCROOT%` base, the folder sprawl ran in, so uploads line up
//! with the repository when sprawl runs at its root; paths outside that folder are written as
//! absolute `file://` URIs. Paths are resolved against that folder first (`.` and `..` removed),
//! so `sprawl scan ../x` never yields a relative URI that climbs out of `%SRCROOT%`. Levels
//! follow confidence (high: error, medium: warning, low: note). `partialFingerprints` carries the
//! finding's fingerprint, so code scanning tracks a secret across moves.
//!
//! Rule files are written by users, so their free text is checked before it lands in fields with
//! a syntax: a reference becomes `helpUri` (and a Markdown link) only when it is a well-formed
//! http(s) URL, and tags are trimmed, de-duplicated (SARIF requires distinct tags) and capped at
//! what GitHub keeps. The output passes Microsoft's SARIF validator with GitHub's rules
//! (`.ci/validate-sarif.sh`).

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf, Prefix};

use serde::Serialize;
use serde_json::{json, Value};

use super::{Report, Shown};
use crate::finding::Finding;
use crate::rules::{is_web_url, Confidence, Remediation, Rule, RuleSet};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/sprawl-scanner/sprawl";
const SRCROOT: &str = "%SRCROOT%";
/// GitHub code scanning keeps the first 10 tags of a rule and rejects a file with more than 20.
const MAX_TAGS: usize = 10;
const ROTATE: &str =
    "Rotate the credential first: removing it from the code, or from history, does not make it safe.";

/// Writes the SARIF log, pretty-printed, with a final newline. Results are built one at a time
/// as they are written, so a log of many findings is never held in memory as a whole.
pub(crate) fn write(report: &Report<'_>, shown: &Shown, out: &mut dyn Write) -> io::Result<()> {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"));
    let base = match report.root {
        Some(root) => cwd.join(root),
        None => cwd,
    };
    let base = normalize(&base);
    let log = sarif_log(report.findings, report.rules, shown, &base);
    serde_json::to_writer_pretty(&mut *out, &log)?;
    out.write_all(b"\n")
}

/// The SARIF log; its fields in the order of a JSON object's sorted keys.
#[derive(Serialize)]
struct SarifLog<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    runs: [SarifRun<'a>; 1],
    version: &'static str,
}

/// The one run.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRun<'a> {
    column_kind: &'static str,
    original_uri_base_ids: Value,
    results: Results<'a>,
    tool: Value,
}

/// The findings, each turned into a SARIF result when it is serialized.
struct Results<'a> {
    findings: &'a [Finding],
    index_of: BTreeMap<&'a str, usize>,
    shown: &'a Shown,
    base: &'a Path,
}

impl Serialize for Results<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.findings.iter().map(|finding| {
            result(
                finding,
                self.index_of.get(finding.rule_id.as_str()).copied(),
                self.shown,
                self.base,
            )
        }))
    }
}

fn sarif_log<'a>(
    findings: &'a [Finding],
    rules: &'a RuleSet,
    shown: &'a Shown,
    base: &'a Path,
) -> SarifLog<'a> {
    // The rules that fired, by id, each with its index in `tool.driver.rules`.
    let fired: BTreeMap<&str, &Rule> = findings
        .iter()
        .filter_map(|finding| rules.find(&finding.rule_id))
        .map(|rule| (rule.id.as_str(), rule))
        .collect();
    let index_of: BTreeMap<&str, usize> =
        fired.keys().enumerate().map(|(i, id)| (*id, i)).collect();
    let rules: Vec<Value> = fired
        .values()
        .map(|rule| rule_descriptor(rule, rules.remediation(rule)))
        .collect();
    SarifLog {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [SarifRun {
            column_kind: "unicodeCodePoints",
            tool: json!({
                "driver": {
                    "name": "sprawl",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": INFORMATION_URI,
                    "rules": rules,
                }
            }),
            original_uri_base_ids: json!({
                SRCROOT: { "uri": directory_uri(base) }
            }),
            results: Results {
                findings,
                index_of,
                shown,
                base,
            },
        }],
    }
}

/// A rule's `reportingDescriptor`: its help says what it finds and, from its family's
/// remediation entry, how to revoke the secret and where it belongs instead.
fn rule_descriptor(rule: &Rule, remediation: Option<&Remediation>) -> Value {
    let description = if rule.description.trim().is_empty() {
        format!("Finds {}.", rule.name.trim())
    } else {
        sentence(rule.description.trim())
    };
    let mut markdown = format!("**{}**\n\n{}\n", rule.name.trim(), description);
    let references: Vec<&str> = rule
        .references
        .iter()
        .map(|reference| reference.trim())
        .filter(|reference| !reference.is_empty())
        .collect();
    if !references.is_empty() {
        markdown.push_str("\nReferences:\n");
        for reference in &references {
            if is_web_url(reference) {
                markdown.push_str(&format!("- <{reference}>\n"));
            } else {
                markdown.push_str(&format!("- {reference}\n"));
            }
        }
    }
    let mut text = format!("{description} {ROTATE}");
    match remediation {
        Some(entry) => {
            markdown.push_str(&format!(
                "\n**Remediation.** {ROTATE}\n\n{}\n",
                entry.rotate
            ));
            markdown.push_str("\nRevoke or rotate it:\n");
            for reference in &entry.references {
                markdown.push_str(&format!("- <{reference}>\n"));
            }
            let instead = entry.instead_text();
            markdown.push_str(&format!("\n**Where it belongs instead.** {instead}\n"));
            text.push_str(&format!(
                " {} (See {}.) Instead: {instead}",
                sentence(&entry.rotate),
                entry.references.join(", ")
            ));
        }
        None => markdown.push_str(&format!("\n{ROTATE}\n")),
    }
    let mut descriptor = json!({
        "id": rule.id,
        "shortDescription": { "text": sentence(rule.name.trim()) },
        "fullDescription": { "text": description },
        "help": {
            "text": text,
            "markdown": markdown,
        },
        "defaultConfiguration": { "level": level(rule.confidence) },
        "properties": {
            "tags": tags(rule),
            "precision": precision(rule.confidence),
            "security-severity": security_severity(rule.confidence),
        }
    });
    // A name of punctuation only has no identifier in it; SARIF's `name` is optional.
    let name = pascal_case(&rule.name);
    if !name.is_empty() {
        descriptor["name"] = json!(name);
    }
    if let Some(url) = references.iter().find(|reference| is_web_url(reference)) {
        descriptor["helpUri"] = json!(url);
    }
    descriptor
}

/// `security` and `secret` (GitHub files results tagged `security` as security alerts), then the
/// rule's own tags: trimmed, without empties or repeats, at most [`MAX_TAGS`] in all.
fn tags(rule: &Rule) -> Vec<&str> {
    let mut tags = vec!["security", "secret"];
    for tag in rule.tags.iter().map(|tag| tag.trim()) {
        if !tag.is_empty() && !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    tags.truncate(MAX_TAGS);
    tags
}

fn result(finding: &Finding, rule_index: Option<usize>, shown: &Shown, base: &Path) -> Value {
    let redact = shown.redact();
    let (uri, relative) = artifact_uri(finding.outer_path(), base);
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
                    "startColumn": finding.char_columns.0,
                    "endLine": finding.end_line,
                    "endColumn": finding.char_columns.1,
                }
            }
        }],
        "partialFingerprints": { "secretFingerprint/v1": finding.fingerprint },
    });
    if let Some(index) = rule_index {
        result["ruleIndex"] = json!(index);
    }
    // History findings: the commit that introduced the secret, as in `json`.
    if let Some(git) = finding.provenance.commit() {
        let commit = &git.commit;
        result["properties"] = json!({
            "commit": commit.id,
            "author": commit.author,
            "email": commit.email,
            "date": commit.date,
            "message": shown.message(&commit.id, &commit.summary),
            "occurrences": git.occurrences,
        });
    }
    // A decoded secret: the region is its encoded text; say how it was encoded.
    if !finding.encoding.is_empty() {
        let chain = super::encoding_chain(&finding.encoding);
        let text = result["message"]["text"].as_str().unwrap_or_default();
        result["message"]["text"] = json!(format!("{text} Found in decoded {chain} text."));
        result["properties"]["encoding"] = json!(finding.encoding);
    }
    // Inside an archive the location is the archive, the file the repository holds; the place
    // inside it, whose line and columns the region gives, is named in the message and properties.
    if let Some(inner) = finding.inner_path() {
        let text = result["message"]["text"].as_str().unwrap_or_default();
        let text = format!(
            "{text} Inside the archive at `{inner}`, line {}.",
            finding.line
        );
        result["message"]["text"] = json!(text);
        result["properties"]["innerPath"] = json!(inner);
    }
    // A confidence lowered by the finding's place (a test folder, documentation): the level
    // follows the lowered confidence; the rule's own and the reason are kept.
    if let Some(demoted) = &finding.demoted {
        result["properties"]["demoted"] = json!({
            "from": demoted.from.as_str(),
            "reason": demoted.context.as_str(),
            "evidence": demoted.evidence,
        });
    }
    // In a notebook the region is the notebook file's own; the cell is named as well.
    if let Some(part) = &finding.part {
        let text = result["message"]["text"].as_str().unwrap_or_default();
        let text = format!("{text} In `{}`, line {}.", part.name, part.line);
        result["message"]["text"] = json!(text);
        result["properties"]["part"] = json!({
            "name": part.name,
            "line": part.line,
            "column": part.column,
        });
    }
    // A secret found with its identifier (an AWS key id): the identifier, shown like the secret.
    if let Some(paired) = finding.shown_paired_id(redact) {
        result["properties"]["pairedId"] = json!(paired);
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

/// The URI of a finding's path, and whether it is relative to `%SRCROOT%` (`base`, which must be
/// absolute and normalized). The path is resolved against `base` first, so `./a`, `../repo/a` and
/// `/abs/repo/a` all name `a` when `base` is `/abs/repo`.
fn artifact_uri(path: &str, base: &Path) -> (String, bool) {
    let path = normalize(&base.join(path));
    match path.strip_prefix(base) {
        Ok(inside) => (relative_uri(inside), true),
        Err(_) => (file_uri(&path), false),
    }
}

/// `path` without `.` components and with each `..` taken back, without touching the file
/// system (a symlink followed by `..` is not resolved; sprawl reports paths as given).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                // `/..` is `/`.
                Some(Component::RootDir | Component::Prefix(_)) => {}
                // A relative path keeps the `..` it cannot take back.
                Some(Component::ParentDir | Component::CurDir) | None => out.push(".."),
            },
            other => out.push(other),
        }
    }
    out
}

/// A relative reference: the path's segments, percent-encoded, joined by `/`.
fn relative_uri(path: &Path) -> String {
    let segments: Vec<String> = path
        .components()
        .map(|component| encode_segment(component.as_os_str()))
        .collect();
    segments.join("/")
}

/// An absolute `file://` URI: `file:///tmp/a%20b`, `file:///C:/src/a`, `file://server/share/a`.
fn file_uri(path: &Path) -> String {
    let mut uri = String::from("file://");
    for component in path.components() {
        match component {
            Component::Prefix(prefix) => match prefix.kind() {
                Prefix::Disk(letter) | Prefix::VerbatimDisk(letter) => {
                    uri.push('/');
                    uri.push(char::from(letter));
                    uri.push(':');
                }
                Prefix::UNC(server, share) | Prefix::VerbatimUNC(server, share) => {
                    uri.push_str(&encode_segment(server));
                    uri.push('/');
                    uri.push_str(&encode_segment(share));
                }
                _ => {
                    uri.push('/');
                    uri.push_str(&encode_segment(prefix.as_os_str()));
                }
            },
            Component::RootDir => {}
            other => {
                uri.push('/');
                uri.push_str(&encode_segment(other.as_os_str()));
            }
        }
    }
    if uri.len() == "file://".len() {
        uri.push('/');
    }
    uri
}

/// The URI of a folder, ending in `/` as SARIF requires of a base URI.
fn directory_uri(dir: &Path) -> String {
    let mut uri = file_uri(dir);
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

/// Percent-encodes one path segment, keeping RFC 3986's unreserved characters. Every other byte
/// is encoded, `:` included, so a first segment like `a:b` cannot be read as a scheme.
fn encode_segment(segment: &OsStr) -> String {
    let bytes = segment.as_encoded_bytes();
    let mut out = String::with_capacity(bytes.len());
    for &byte in bytes {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(char::from(byte))
            }
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
    use crate::engine::Matcher;
    use crate::finding::{FindingPath, GitOrigin, Provenance};
    use crate::pipeline::findings_in;
    use crate::rules::parse_rule_file;
    use crate::source::git::CommitInfo;
    use crate::source::Blob;
    use std::sync::Arc;

    const RULES: &str = r#"
rules:
  - id: test.token
    name: Test token
    description: A test token
    pattern: '(?P<secret>tok_[a-z0-9]{8})'
    keywords: [tok_]
    confidence: high
    tags: [vcs, security, ' vcs ', '']
    references: [https://example.com/tokens, 'RFC 9999 section 2']
    examples: ['tok_abcd1234']
  - id: test.key
    name: "(PEM) key"
    pattern: '(?s)(?P<secret>BEGIN.+?END)'
    keywords: [begin]
    confidence: medium
    references: ['see the wiki', 'https://example.com/a b', https://example.com/keys]
    examples: ['BEGIN x END']
  - id: test.tagged
    name: Tagged
    pattern: 'tagged_[0-9]+'
    keywords: [tagged_]
    confidence: low
    tags: [a, b, c, d, e, f, g, h, i, j, k, l]
    examples: ['tagged_1']
  - id: test.dashes
    name: '---'
    pattern: 'dash_[0-9]+'
    keywords: [dash_]
    confidence: low
    examples: ['dash_1']
"#;

    fn rules() -> RuleSet {
        RuleSet::new(parse_rule_file(RULES, "test.yml").unwrap()).unwrap()
    }

    /// The finding of rule `id` in `text`, found by the whole matcher as in a scan.
    fn finding(rules: &RuleSet, id: &str, text: &str, path: &str) -> Finding {
        let blob = Blob {
            path,
            bytes: text.as_bytes(),
        };
        findings_in(&mut Matcher::new(rules), blob)
            .into_iter()
            .find(|finding| finding.rule_id == id)
            .unwrap_or_else(|| panic!("{id} finds nothing in {text:?}"))
    }

    fn log(rules: &RuleSet, findings: &[Finding], base: &str) -> Value {
        let shown = Shown::new(findings, rules, true);
        serde_json::to_value(sarif_log(findings, rules, &shown, Path::new(base))).unwrap()
    }

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
        assert_eq!(artifact_uri("a:b", base), ("a%3Ab".into(), true));
        assert_eq!(artifact_uri("<stdin>", base), ("%3Cstdin%3E".into(), true));
        assert_eq!(directory_uri(base), "file:///work/repo/");
        assert_eq!(directory_uri(Path::new("/")), "file:///");
    }

    #[test]
    fn dot_segments_are_resolved_before_paths_become_uris() {
        let base = Path::new("/work/repo/sub");
        assert_eq!(artifact_uri("./a/./b", base), ("a/b".into(), true));
        assert_eq!(artifact_uri("../sub/a", base), ("a".into(), true));
        assert_eq!(
            artifact_uri("../other/a", base),
            ("file:///work/repo/other/a".into(), false)
        );
        assert_eq!(
            artifact_uri("/work/x/../repo/sub/a", base),
            ("a".into(), true)
        );
        assert_eq!(normalize(Path::new("/../a/..")), PathBuf::from("/"));
        assert_eq!(
            normalize(Path::new("../a/../../b")),
            PathBuf::from("../../b")
        );
    }

    #[test]
    fn only_well_formed_web_urls_become_links() {
        assert!(is_web_url("https://example.com"));
        assert!(is_web_url("http://example.com/a/b?c=d&e=%2F#f"));
        assert!(!is_web_url("https://"));
        assert!(!is_web_url("https:///path"));
        assert!(!is_web_url("https://example.com/a b"));
        assert!(!is_web_url("https://example.com/100%"));
        assert!(!is_web_url("ftp://example.com"));
        assert!(!is_web_url("RFC 9999"));
    }

    #[test]
    fn rule_names_become_pascal_case() {
        assert_eq!(
            pascal_case("GitHub personal access token"),
            "GitHubPersonalAccessToken"
        );
        assert_eq!(pascal_case("AWS access key ID"), "AWSAccessKeyID");
        assert_eq!(pascal_case("private key (PEM)"), "PrivateKeyPEM");
        assert_eq!(pascal_case("---"), "");
    }

    #[test]
    fn descriptors_carry_what_code_scanning_requires() {
        let rules = rules();
        let token = rule_descriptor(rules.find("test.token").unwrap(), None);
        assert_eq!(token["name"], "TestToken");
        assert_eq!(token["shortDescription"]["text"], "Test token.");
        assert_eq!(token["fullDescription"]["text"], "A test token.");
        assert!(token["help"]["text"].as_str().unwrap().contains(ROTATE));
        assert_eq!(token["helpUri"], "https://example.com/tokens");
        assert_eq!(token["defaultConfiguration"]["level"], "error");
        assert_eq!(token["properties"]["security-severity"], "9.0");
        // Repeats, padding and empties are dropped: SARIF tags are a set.
        assert_eq!(
            token["properties"]["tags"],
            json!(["security", "secret", "vcs"])
        );
        let markdown = token["help"]["markdown"].as_str().unwrap();
        assert!(markdown.contains("- <https://example.com/tokens>\n"));
        assert!(markdown.contains("- RFC 9999 section 2\n"));

        // The first reference that is a well-formed URL is the help URI.
        let key = rule_descriptor(rules.find("test.key").unwrap(), None);
        assert_eq!(key["helpUri"], "https://example.com/keys");
        assert_eq!(key["fullDescription"]["text"], "Finds (PEM) key.");

        let tagged = rule_descriptor(rules.find("test.tagged").unwrap(), None);
        assert_eq!(
            tagged["properties"]["tags"].as_array().unwrap().len(),
            MAX_TAGS
        );
        assert!(tagged.get("helpUri").is_none());

        let dashes = rule_descriptor(rules.find("test.dashes").unwrap(), None);
        assert!(dashes.get("name").is_none());
    }

    #[test]
    fn help_says_how_to_revoke_and_where_the_secret_belongs_instead() {
        let yaml = format!(
            "remediation:\n  test:\n    rotate: Revoke it at the test console.\n    references: [https://example.com/revoke]\n    instead: Use short-lived tokens.\n{}",
            RULES.trim_start()
        );
        let rules = RuleSet::new(parse_rule_file(&yaml, "test.yml").unwrap()).unwrap();
        let rule = rules.find("test.token").unwrap();
        let token = rule_descriptor(rule, rules.remediation(rule));
        let markdown = token["help"]["markdown"].as_str().unwrap();
        assert!(
            markdown.ends_with(&format!(
                "\n**Remediation.** {ROTATE}\n\nRevoke it at the test console.\n\nRevoke or rotate it:\n- <https://example.com/revoke>\n\n**Where it belongs instead.** Use short-lived tokens. Otherwise: {}\n",
                crate::rules::SECRET_MANAGERS
            )),
            "{markdown}"
        );
        let text = token["help"]["text"].as_str().unwrap();
        assert!(
            text.contains("Revoke it at the test console. (See https://example.com/revoke.) Instead: Use short-lived tokens."),
            "{text}"
        );
        // The log built from findings takes each rule's entry from the rule set.
        let found = finding(&rules, "test.token", "tok_abcd1234", "a");
        let log = log(&rules, &[found], "/r");
        assert_eq!(log["runs"][0]["tool"]["driver"]["rules"][0], token);
    }

    #[test]
    fn results_point_at_the_rules_that_fired() {
        let rules = rules();
        let findings = [
            finding(
                &rules,
                "test.token",
                "x\nT = tok_abcd1234\n",
                "/work/repo/dir/a b.env",
            ),
            finding(&rules, "test.key", "BEGIN\nk\nEND\n", "k.pem"),
        ];
        let log = log(&rules, &findings, "/work/repo");
        assert_eq!(log["version"], "2.1.0");
        let run = &log["runs"][0];
        assert_eq!(
            run["originalUriBaseIds"][SRCROOT]["uri"],
            "file:///work/repo/"
        );
        let described: Vec<&str> = run["tool"]["driver"]["rules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|rule| rule["id"].as_str().unwrap())
            .collect();
        assert_eq!(described, ["test.key", "test.token"]);
        let results = run["results"].as_array().unwrap();
        for (result, finding) in results.iter().zip(&findings) {
            let index = result["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(described[index], finding.rule_id);
            assert_eq!(
                result["partialFingerprints"]["secretFingerprint/v1"],
                finding.fingerprint
            );
            assert!(result["message"]["text"].as_str().unwrap().ends_with('.'));
        }
        let token = &results[0];
        assert_eq!(token["level"], "error");
        let location = &token["locations"][0]["physicalLocation"];
        assert_eq!(
            location["artifactLocation"],
            json!({ "uri": "dir/a%20b.env", "uriBaseId": SRCROOT })
        );
        assert_eq!(
            location["region"],
            json!({ "startLine": 2, "startColumn": 5, "endLine": 2, "endColumn": 17 })
        );
        // Redacted by default.
        assert!(!token["message"]["text"]
            .as_str()
            .unwrap()
            .contains("tok_abcd1234"));
        let key = &results[1];
        assert_eq!(key["level"], "warning");
        assert_eq!(
            key["locations"][0]["physicalLocation"]["region"],
            json!({ "startLine": 1, "startColumn": 1, "endLine": 3, "endColumn": 4 })
        );
    }

    #[test]
    fn regions_count_code_points_not_bytes() {
        let rules = rules();
        let found = finding(&rules, "test.token", "naïve 日本 = tok_abcd1234", "u.txt");
        assert_eq!((found.column, found.end_column), (17, 29));
        let log = log(&rules, &[found], "/r");
        let run = &log["runs"][0];
        assert_eq!(run["columnKind"], "unicodeCodePoints");
        assert_eq!(
            run["results"][0]["locations"][0]["physicalLocation"]["region"],
            json!({ "startLine": 1, "startColumn": 12, "endLine": 1, "endColumn": 24 })
        );
    }

    #[test]
    fn history_results_name_the_commit() {
        let rules = rules();
        let mut found = finding(&rules, "test.token", "tok_abcd1234", "a");
        let plain = result(
            &found,
            Some(0),
            &Shown::new(&[], &rules, true),
            Path::new("/r"),
        );
        assert!(plain.get("properties").is_none());
        found.provenance = Provenance::History(GitOrigin {
            commit: Arc::new(CommitInfo {
                id: "0123abcd".into(),
                author: "A".into(),
                email: "a@example.com".into(),
                date: "2024-01-01T00:00:00+00:00".into(),
                summary: "add config".into(),
            }),
            order: 0,
            occurrences: 2,
        });
        let result = result(
            &found,
            Some(0),
            &Shown::new(&[], &rules, true),
            Path::new("/r"),
        );
        assert_eq!(
            result["properties"],
            json!({
                "commit": "0123abcd",
                "author": "A",
                "email": "a@example.com",
                "date": "2024-01-01T00:00:00+00:00",
                "message": "add config",
                "occurrences": 2
            })
        );
    }

    #[test]
    fn a_clean_scan_is_a_run_without_results_or_rules() {
        let log = log(&rules(), &[], "/work/repo");
        let run = &log["runs"][0];
        assert_eq!(run["results"], json!([]));
        assert_eq!(run["tool"]["driver"]["rules"], json!([]));
        assert_eq!(run["tool"]["driver"]["name"], "sprawl");
    }

    #[test]
    fn archive_results_point_at_the_archive_and_name_the_inner_path() {
        let rules = rules();
        let mut found = finding(
            &rules,
            "test.token",
            "x\nT = tok_abcd1234\n",
            "lib/app.jar!conf/a.env",
        );
        found.path = FindingPath::inside("lib/app.jar", "conf/a.env");
        let result = result(
            &found,
            Some(0),
            &Shown::new(&[], &rules, true),
            Path::new("/r"),
        );
        let location = &result["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uri"], "lib/app.jar");
        assert_eq!(location["region"]["startLine"], 2);
        assert_eq!(result["properties"]["innerPath"], "conf/a.env");
        let message = result["message"]["text"].as_str().unwrap();
        assert!(
            message.ends_with("Inside the archive at `conf/a.env`, line 2."),
            "{message}"
        );
    }
}
