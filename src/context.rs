//! What a file's path says about the findings in it: a key under `tests/` or a password in a
//! README is still listed, but at low confidence, with the reason beside it.
//!
//! Vendored code carries test keys by the hundred (`openssl/test/certs/*.key`,
//! `libssh2/tests/keys/`, `rustls/tests/data/`), and documentation shows credential files with
//! values in them (a netrc entry with its password in a man page). Dropping them would
//! hide a real key pasted into a test; reporting them at the rule's confidence makes a CI gate
//! at `--min-confidence medium` fail on every vendored crate. So a finding in such a place keeps
//! everything but its confidence, which becomes low, and carries a [`Demotion`] that says from
//! what and why. The judgement is made on the path alone (folder and file names, cheap and the
//! same in every format), once per finding, after matching and before suppression, so that
//! `--min-confidence` sees the lowered confidence.

use crate::finding::{Context, Demotion, Finding};
use crate::rules::{Confidence, Rule};

/// Which contexts lower confidence (both, unless the config or `--no-demote` says otherwise).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemotePolicy {
    /// Findings in test code and test data.
    pub test_fixtures: bool,
    /// Findings of assignment and credential-file rules in documentation.
    pub documentation: bool,
}

impl Default for DemotePolicy {
    fn default() -> DemotePolicy {
        DemotePolicy {
            test_fixtures: true,
            documentation: true,
        }
    }
}

impl DemotePolicy {
    /// Nothing is demoted.
    pub const OFF: DemotePolicy = DemotePolicy {
        test_fixtures: false,
        documentation: false,
    };

    /// Lowers `finding` (of `rule`, in the file at `path`) to low confidence when its place
    /// calls for it and it is above low. `path` is the file's path as shown; inside an archive
    /// or notebook every level counts (`vendor/tests.zip!key.pem` is in a test folder).
    pub fn apply(&self, finding: &mut Finding, rule: &Rule, path: &str) {
        if finding.confidence == Confidence::Low || finding.demoted.is_some() {
            return;
        }
        let found = self
            .test_fixtures
            .then(|| test_evidence(path).map(|evidence| (Context::TestFixture, evidence)))
            .flatten()
            .or_else(|| {
                (self.documentation && is_context_rule(rule))
                    .then(|| documentation_evidence(path))
                    .flatten()
                    .map(|evidence| (Context::Documentation, evidence))
            });
        if let Some((context, evidence)) = found {
            finding.demoted = Some(Demotion {
                from: finding.confidence,
                context,
                evidence,
            });
            finding.confidence = Confidence::Low;
        }
    }
}

/// A rule that recognises a secret by where it is written rather than by its own format: it
/// lists noise filters (`generic.*`, credential files, connection strings).
fn is_context_rule(rule: &Rule) -> bool {
    !rule.filters.is_empty()
}

/// Words that make a folder test code or test data when they are one of its name's words
/// (`tests`, `integration-tests`, `aws-signing-test-suite`, `__fixtures__`).
const TEST_FOLDER_WORDS: &[&str] = &[
    "test",
    "tests",
    "testdata",
    "testing",
    "testfiles",
    "testcases",
    "testsuite",
    "testvectors",
    "unittest",
    "unittests",
    "fixture",
    "fixtures",
    "mock",
    "mocks",
    "spec",
    "specs",
    "example",
    "examples",
    "sample",
    "samples",
    "fuzz",
    "fuzzing",
    "e2e",
];

/// Words that make a file test code or test data (`foo_test.go`, `test_foo.py`, `foo.spec.ts`,
/// `FooTest.java`, `fixtures.json`).
const TEST_FILE_WORDS: &[&str] = &[
    "test", "tests", "spec", "specs", "fixture", "fixtures", "mock", "mocks", "testdata",
];

/// The part of `path` that marks it as test code or test data, if any.
fn test_evidence(path: &str) -> Option<String> {
    let parts: Vec<&str> = path.split(['/', '\\', '!']).collect();
    let (file, folders) = parts.split_last()?;
    if let Some(folder) = folders
        .iter()
        .find(|folder| words(folder).any(|word| is_one_of(word, TEST_FOLDER_WORDS)))
    {
        return Some(format!("{folder}/"));
    }
    let stem = file.split('.').next().unwrap_or(file);
    // `foo.test.ts`, `foo.spec.js`: the word is a dotted part of the name.
    let dotted = file
        .split('.')
        .skip(1)
        .any(|part| is_one_of(part, &["test", "spec", "tests"]));
    (dotted || words(stem).any(|word| is_one_of(word, TEST_FILE_WORDS))).then(|| file.to_string())
}

/// File extensions of documentation.
const DOC_EXTENSIONS: &[&str] = &[
    "md", "markdown", "mdx", "rst", "adoc", "asciidoc", "pod", "texi", "texinfo", "rdoc", "ronn",
    "man", "mdown",
];

/// Folders of documentation.
const DOC_FOLDERS: &[&str] = &["doc", "docs", "man", "manual", "documentation"];

/// The part of `path` that marks it as documentation, if any.
fn documentation_evidence(path: &str) -> Option<String> {
    let parts: Vec<&str> = path.split(['/', '\\', '!']).collect();
    let (file, folders) = parts.split_last()?;
    let mut extensions = file.rsplit('.');
    let last = extensions.next().unwrap_or_default();
    // `foo.1`, `netrc.5`, `foo.1.in`: man pages by section number.
    let man_section = |ext: &str| ext.len() == 1 && ext.as_bytes()[0].is_ascii_digit();
    let section = if last == "in" {
        extensions.next()
    } else {
        Some(last)
    };
    // The name before a section is a word (`netrc.5`, `ssh-keygen.1`), not a version (`v1.2`).
    let name = extensions.next().unwrap_or_default();
    let named = extensions.next().is_none()
        && name.ends_with(|c: char| c.is_ascii_alphabetic())
        && name.len() > 2;
    if file.contains('.')
        && (is_one_of(last, DOC_EXTENSIONS) || (named && section.is_some_and(man_section)))
    {
        return Some(file.to_string());
    }
    folders
        .iter()
        .find(|folder| is_one_of(folder, DOC_FOLDERS))
        .map(|folder| format!("{folder}/"))
}

/// Whether `word` is one of `list`, ignoring ASCII case.
fn is_one_of(word: &str, list: &[&str]) -> bool {
    list.iter().any(|known| word.eq_ignore_ascii_case(known))
}

/// The words of a file or folder name: split at `-`, `_`, `.`, spaces, and where a lowercase
/// letter meets a capital (`UserServiceTest` is `User`, `Service`, `Test`).
fn words(name: &str) -> impl Iterator<Item = &str> {
    name.split(['-', '_', '.', ' '])
        .flat_map(|run| {
            let bytes = run.as_bytes();
            let mut cuts = vec![0];
            cuts.extend(
                (1..bytes.len()).filter(|&i| {
                    bytes[i - 1].is_ascii_lowercase() && bytes[i].is_ascii_uppercase()
                }),
            );
            cuts.push(bytes.len());
            cuts.windows(2)
                .map(|pair| &run[pair[0]..pair[1]])
                .collect::<Vec<_>>()
        })
        .filter(|word| !word.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_folders_and_test_files_are_test_fixtures() {
        for (path, evidence) in [
            ("openssl/test/certs/leaf.key", "test/"),
            ("libssh2/tests/keys/id_rsa", "tests/"),
            ("go/pkg/testdata/key.pem", "testdata/"),
            ("web/__fixtures__/user.json", "__fixtures__/"),
            ("crate/examples/server.rs", "examples/"),
            (
                "aws-sigv4/aws-signing-test-suite/v4/context.json",
                "aws-signing-test-suite/",
            ),
            ("app/spec/models/user_spec.rb", "spec/"),
            ("openssl/fuzz/dtlsserver.c", "fuzz/"),
            ("src/crypto/p_kem_test.cc", "p_kem_test.cc"),
            ("pkg/auth/token_test.go", "token_test.go"),
            ("tests.zip!id_rsa", "tests.zip/"),
            ("app/test_settings.py", "test_settings.py"),
            ("web/src/login.spec.ts", "login.spec.ts"),
            ("src/main/java/UserServiceTest.java", "UserServiceTest.java"),
            ("C:\\work\\tests\\key.pem", "tests/"),
        ] {
            assert_eq!(test_evidence(path).as_deref(), Some(evidence), "{path}");
        }
        for path in [
            "config/.env",
            "src/contest/latest.rs",
            "deploy/id_rsa",
            "attestation/key.pem",
            "example",
            "src/testament.txt",
        ] {
            assert_eq!(test_evidence(path), None, "{path}");
        }
    }

    /// The findings of `yaml_rules` in `text` at `path`, after `policy`: (rule, confidence,
    /// reason).
    fn demoted(yaml_rules: &str, text: &str, path: &str, policy: DemotePolicy) -> Vec<String> {
        let rules = crate::rules::RuleSet::new(
            crate::rules::parse_rule_file(&format!("rules:\n{yaml_rules}"), "t.yml").unwrap(),
        )
        .unwrap();
        let mut matcher = crate::engine::Matcher::new(&rules);
        let blob = crate::source::Blob {
            path,
            bytes: text.as_bytes(),
        };
        let mut findings = crate::pipeline::findings_in(&mut matcher, blob);
        for finding in &mut findings {
            let rule = rules.find(&finding.rule_id).unwrap();
            policy.apply(finding, rule, path);
        }
        findings
            .iter()
            .map(|f| {
                let why = f.demoted.as_ref().map_or("-".to_string(), |d| {
                    format!("{} from {} ({})", d.context, d.from, d.evidence)
                });
                format!("{} {} {why}", f.rule_id, f.confidence)
            })
            .collect()
    }

    const TOKEN: &str = "  - id: t.tok\n    name: T\n    keywords: [tok_]\n    pattern: 'tok_[a-z0-9]{8}'\n    confidence: high\n    examples: [x]\n";
    const ASSIGN: &str = "  - id: t.pw\n    name: P\n    keywords: [pw=]\n    pattern: 'pw=(\\S+)'\n    confidence: medium\n    filters: [template]\n    examples: [x]\n";
    const LOW: &str = "  - id: t.low\n    name: L\n    keywords: [low=]\n    pattern: 'low=(\\S+)'\n    confidence: low\n    examples: [x]\n";

    #[test]
    fn findings_are_lowered_by_their_place_with_the_reason() {
        let rules = format!("{TOKEN}{ASSIGN}{LOW}");
        let text = "tok_a1b2c3d4 pw=Kq9xL2mZ low=Zq8vLm2T";
        let on = DemotePolicy::default();
        assert_eq!(
            demoted(&rules, text, "tests/data.txt", on),
            [
                "t.tok low test-fixture from high (tests/)",
                "t.pw low test-fixture from medium (tests/)",
                "t.low low -",
            ]
        );
        // In documentation only the rule that matches an assignment is lowered.
        assert_eq!(
            demoted(&rules, text, "docs/setup.md", on),
            [
                "t.tok high -",
                "t.pw low documentation from medium (setup.md)",
                "t.low low -",
            ]
        );
        assert_eq!(
            demoted(&rules, text, "tests/data.txt", DemotePolicy::OFF),
            ["t.tok high -", "t.pw medium -", "t.low low -"]
        );
        assert_eq!(
            demoted(&rules, text, "src/data.txt", on),
            ["t.tok high -", "t.pw medium -", "t.low low -"]
        );
    }

    #[test]
    fn documentation_is_known_by_extension_man_section_and_folder() {
        for (path, evidence) in [
            ("README.md", "README.md"),
            ("guide/setup.rst", "setup.rst"),
            ("man/netrc.5", "netrc.5"),
            ("doc/curl.1.in", "curl.1.in"),
            ("docs/config.yml", "docs/"),
        ] {
            assert_eq!(
                documentation_evidence(path).as_deref(),
                Some(evidence),
                "{path}"
            );
        }
        for path in [
            ".netrc",
            "notes.txt",
            "config/app.env",
            "docker/.pgpass",
            "v1.2",
        ] {
            assert_eq!(documentation_evidence(path), None, "{path}");
        }
    }
}
