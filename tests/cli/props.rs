//! Property tests of the invariants the fuzz targets (`fuzz/`) check, kept to few cases so the
//! suite stays fast: the matcher never panics, every finding lies inside its input, line and
//! column agree with the byte offset, and the same content gives the same findings as a file,
//! through standard input and as a git blob. The seed is fixed, so every run tries the same
//! inputs; fuzzing is where new ones are found.

use std::sync::OnceLock;

use git2::{Repository, Signature};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};
use sprawl::engine::Matcher;
use sprawl::pipeline::findings_in;
use sprawl::report::JsonReport;
use sprawl::rules::{builtin, parse_rule_file, RuleSet};
use sprawl::source::Blob;

use crate::util::{blob, github_pat, hushword, run, test_rules_yaml, token, TestEnv};

/// The built-in rules and the test rules, built once.
fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| {
        let mut rules = builtin::load().unwrap();
        rules.extend(parse_rule_file(&test_rules_yaml(), "test.yml").unwrap());
        RuleSet::new(rules).unwrap()
    })
}

fn config(cases: u32) -> Config {
    Config {
        cases,
        failure_persistence: None,
        rng_seed: RngSeed::Fixed(0x5EC2E7),
        ..Config::default()
    }
}

/// One piece of an input: noise, a line break of any style, a keyword without a secret, or a
/// secret of a built-in or test rule.
fn piece() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => prop::collection::vec(any::<u8>(), 0..24),
        2 => prop::sample::select(vec!["\n", "\r\n", "\r", " ", "\t", "=", "\"", "\u{e9}"])
            .prop_map(|text| text.as_bytes().to_vec()),
        1 => prop::sample::select(vec!["ghp_", "sprawltest_", "hushword = \"", "password="])
            .prop_map(|text| text.as_bytes().to_vec()),
        2 => (0u64..1000, 0usize..4).prop_map(|(seed, kind)| match kind {
            0 => github_pat(seed),
            1 => token(seed),
            2 => format!("hushword = \"{}\"", hushword(seed, 16)),
            _ => blob(seed),
        }
        .into_bytes()),
    ]
}

/// An input made of up to `max` pieces.
fn content(max: usize) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(piece(), 0..max).prop_map(|pieces| pieces.concat())
}

/// The 1-based line and byte column of `offset`, counted the slow way.
fn line_and_column(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset];
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |at| at + 1);
    (line, offset - line_start + 1)
}

proptest! {
    #![proptest_config(config(96))]

    #[test]
    fn findings_lie_inside_the_input_where_their_line_and_column_say(bytes in content(24)) {
        let mut matcher = Matcher::new(rules());
        let findings = findings_in(&mut matcher, Blob { path: "p", bytes: &bytes });
        for finding in &findings {
            let end = finding.offset + finding.secret.len();
            prop_assert!(end <= bytes.len());
            prop_assert_eq!(&bytes[finding.offset..end], &finding.secret[..]);
            let (line, column) = line_and_column(&bytes, finding.offset);
            prop_assert_eq!((finding.line, finding.column), (line, column));
            let (end_line, end_column) = line_and_column(&bytes, end);
            prop_assert_eq!((finding.end_line, finding.end_column), (end_line, end_column));
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic_the_matcher(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let mut matcher = Matcher::new(rules());
        let findings = findings_in(&mut matcher, Blob { path: "p", bytes: &bytes });
        prop_assert!(findings.iter().all(|f| f.offset + f.secret.len() <= bytes.len()));
    }
}

/// What identifies a finding apart from the path it was reached by.
type Key = (String, usize, usize, usize, usize, String);

fn keys(report: &JsonReport) -> Vec<Key> {
    report
        .findings
        .iter()
        .map(|f| {
            (
                f.rule_id.clone(),
                f.line,
                f.column,
                f.end_line,
                f.end_column,
                f.fingerprint.clone(),
            )
        })
        .collect()
}

/// The findings of `bytes` as a file, through standard input and as a committed blob.
fn three_ways(bytes: &[u8]) -> [Vec<Key>; 3] {
    let env = TestEnv::new();
    let repo_dir = env.path("repo");
    env.create("repo/content.txt", bytes);
    let (as_file, file_run) = env.scan_json(&["repo/content.txt"]);
    let stdin_run = run(env
        .scan()
        .args(["--format", "json", "-"])
        .write_stdin(bytes.to_vec()));

    let repo = Repository::init(&repo_dir).unwrap();
    let mut index = repo.index().unwrap();
    index.add_path(std::path::Path::new("content.txt")).unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let who = Signature::new("t", "t@example.com", &git2::Time::new(1_700_000_000, 0)).unwrap();
    repo.commit(Some("HEAD"), &who, &who, "add", &tree, &[])
        .unwrap();
    let git_run = run(env
        .sprawl()
        .args(["git", "--no-config", "--format", "json", "--rules"])
        .arg(env.rules_file())
        .arg(&repo_dir));
    for (what, done) in [
        ("file", &file_run),
        ("stdin", &stdin_run),
        ("git", &git_run),
    ] {
        assert!(
            matches!(done.code, Some(0 | 1)),
            "{what}: {:?}\n{}",
            done.code,
            done.stderr
        );
    }
    [
        keys(&as_file),
        keys(&stdin_run.json()),
        keys(&git_run.json()),
    ]
}

proptest! {
    #![proptest_config(config(6))]

    #[test]
    fn a_file_standard_input_and_a_git_blob_give_the_same_findings(bytes in content(16)) {
        let [file, stdin, git] = three_ways(&bytes);
        prop_assert_eq!(&file, &stdin);
        prop_assert_eq!(&file, &git);
    }
}

/// The three ways agree on a fixed input that does hold secrets, so the property above is not
/// passing on empty reports alone.
#[test]
fn the_three_ways_agree_on_an_input_with_secrets() {
    let text = format!(
        "{}\r\nx\r{}\n\u{e9}hushword = \"{}\"",
        github_pat(3),
        token(4),
        hushword(5, 16)
    );
    let [file, stdin, git] = three_ways(text.as_bytes());
    assert_eq!(file.len(), 3, "{file:#?}");
    assert_eq!(file, stdin);
    assert_eq!(file, git);
}
