//! Suppression: every way a finding is dropped on purpose (config allow lists, rule switches and
//! overrides, path filters, limits, inline `sprawl:allow`, baselines), each shown next to the
//! case it must not hide, with the counts by reason in JSON `stats.suppressed`, the summary line
//! and `--explain`.
//!
//! Most fixtures put `.sprawl.yml` at the scan root, where sprawl finds it and where its globs
//! are rooted; the config file is then scanned too, so it never holds a whole secret (allow
//! regexes name a secret's prefix only). Secrets come from the generators in [`crate::util`].

use std::path::Path;

use assert_cmd::Command;
use git2::{Commit, Index, Oid, Repository, Signature, Time};
use serde_json::Value;
use sprawl::finding::fingerprint;
use sprawl::report::JsonReport;

use crate::util::index_entry;
use crate::util::{
    blob, github_pat, hushword, places, run, token, with_checksum, Fake, Run, TestEnv, BLOB_END,
};

// Helpers

/// `sprawl scan --rules aux/rules.yml`, reading `.sprawl.yml` from the scan root.
fn configured(env: &TestEnv) -> Command {
    let mut cmd = env.sprawl();
    cmd.arg("scan").arg("--rules").arg(env.rules_file());
    cmd
}

/// `configured()` with `--format json` and `args`, run; the report parsed, the run kept.
fn configured_json(env: &TestEnv, args: &[&str]) -> (JsonReport, Run) {
    let run = run(configured(env).args(["--format", "json"]).args(args));
    (run.json(), run)
}

/// `(path, line, rule_id)` of each finding, in report order.
fn found(report: &JsonReport) -> Vec<(String, usize, String)> {
    places(report)
        .into_iter()
        .map(|(path, line, _, rule)| (path, line, rule))
        .collect()
}

/// `(path, line, rule_id)` built from string slices, to compare with [`found`].
fn at(path: &str, line: usize, rule: &str) -> (String, usize, String) {
    (path.to_string(), line, rule.to_string())
}

/// The non-zero counts of JSON `stats.suppressed`, by key, in the order of the record.
fn suppressed(report: &JsonReport) -> Vec<(&'static str, u64)> {
    let s = &report.stats.suppressed;
    [
        ("allow", s.allow),
        ("inline", s.inline),
        ("rule_path", s.rule_path),
        ("confidence", s.confidence),
        ("baseline", s.baseline),
    ]
    .into_iter()
    .filter(|&(_, n)| n > 0)
    .collect()
}

/// The non-zero counts of JSON `stats.dropped` (the matcher's own gates), by key.
fn dropped(report: &JsonReport) -> Vec<(&'static str, u64)> {
    let d = &report.stats.dropped;
    [
        ("entropy", d.entropy),
        ("rule_allow", d.rule_allow),
        ("overlap", d.overlap),
        ("check", d.check),
        ("filter", d.filter),
    ]
    .into_iter()
    .filter(|&(_, n)| n > 0)
    .collect()
}

/// `len` alphanumerics from seed `seed`, to build secrets with a chosen word inside.
fn alnum(seed: u64, len: usize) -> String {
    Fake::new(seed).alphanumeric(len)
}

/// A `test.token` secret whose random part starts with `word`.
fn token_with(word: &str, seed: u64) -> String {
    format!("sprawltest_{word}{}", alnum(seed, 24 - word.len()))
}

/// A `github.pat` secret whose random part starts with `word`.
fn pat_with(word: &str, seed: u64) -> String {
    with_checksum("ghp_", &format!("{word}{}", alnum(seed, 30 - word.len())))
}

/// A `test.token` candidate the rule's entropy bound (3.0) drops: one repeated letter.
fn flat_token() -> String {
    format!("sprawltest_{}", "a".repeat(24))
}

/// A `github.pat` candidate the rule's entropy bound (3.0) drops.
fn flat_pat() -> String {
    format!("ghp_{}", "a".repeat(36))
}

/// Asserts that neither stream of `run` holds any of `secrets` whole.
#[track_caller]
fn no_secret_in_clear(run: &Run, secrets: &[&str]) {
    for secret in secrets {
        assert!(
            !run.stdout.contains(secret) && !run.stderr.contains(secret),
            "`{secret}` printed in clear\n--- stdout\n{}\n--- stderr\n{}",
            run.stdout,
            run.stderr
        );
    }
}

/// The summary line of standard error (the one after the findings that starts `sprawl: `
/// and tells what was scanned).
#[track_caller]
fn summary_line(run: &Run) -> &str {
    run.stderr
        .lines()
        .find(|line| line.starts_with("sprawl: ") && line.contains("; scanned "))
        .unwrap_or_else(|| panic!("no summary line\n--- stderr\n{}", run.stderr))
}

// Config allow lists, for every rule

#[test]
fn allow_secrets_drops_the_secret_it_matches_but_not_its_neighbour() {
    let env = TestEnv::new();
    let (allowed, kept) = (token(1), token(2));
    // A prefix only: the config file is scanned too and must not hold the whole secret.
    let prefix = &allowed[..19];
    assert!(
        !kept.starts_with(prefix),
        "the fixture needs distinct secrets"
    );
    env.create(".sprawl.yml", format!("allow:\n  secrets: ['^{prefix}']\n"));
    env.create("app.env", format!("A = {allowed}\nB = {kept}\n"));
    let (report, run) = configured_json(&env, &[]);
    run.code(1);
    assert_eq!(found(&report), [at("app.env", 2, "test.token")]);
    assert_eq!(suppressed(&report), [("allow", 1)]);
    assert_eq!(report.stats.findings, 1);
}

#[test]
fn allow_stopwords_match_inside_the_secret_in_any_case_and_not_elsewhere_on_the_line() {
    let env = TestEnv::new();
    env.create(".sprawl.yml", "allow:\n  stopwords: [dummy, FIXTURE]\n");
    env.create(
        "app.env",
        format!(
            "A = {}\nB = {}\ndummy_fixture = {}\n",
            token_with("DuMmY", 1),
            token_with("fixture", 2),
            token(3)
        ),
    );
    let (report, run) = configured_json(&env, &[]);
    run.code(1);
    // The stopwords on line 3 are in the variable name, not in the secret.
    assert_eq!(found(&report), [at("app.env", 3, "test.token")]);
    assert_eq!(suppressed(&report), [("allow", 2)]);
}

#[test]
fn allow_lines_match_the_whole_line_not_only_the_secret() {
    let env = TestEnv::new();
    // Anchored at both ends: it can only match a whole line, around the secret.
    env.create(
        ".sprawl.yml",
        "allow:\n  lines: ['^fixture_key = \\S+  # test fixture$']\n",
    );
    env.create(
        "keys.py",
        format!(
            "fixture_key = {}  # test fixture\nfixture_key = {}  # test fixture, not really\nreal_key = {}\n",
            token(1),
            token(2),
            token(3)
        ),
    );
    let (report, run) = configured_json(&env, &[]);
    run.code(1);
    assert_eq!(
        found(&report),
        [
            at("keys.py", 2, "test.token"),
            at("keys.py", 3, "test.token")
        ]
    );
    assert_eq!(suppressed(&report), [("allow", 1)]);
}

// Config allow lists, for one rule

#[test]
fn rule_allow_secrets_drop_only_that_rules_findings() {
    let env = TestEnv::new();
    // The regex matches both secrets; only the test.token finding is dropped.
    env.create(
        ".sprawl.yml",
        "rules:\n  overrides:\n    test.token:\n      allow:\n        secrets: ['^(sprawltest|ghp)_']\n",
    );
    env.create(
        "app.env",
        format!("A = {}\nB = {}\n", token(1), github_pat(1)),
    );
    let (report, run) = configured_json(&env, &[]);
    run.code(1);
    assert_eq!(found(&report), [at("app.env", 2, "github.pat")]);
    assert_eq!(suppressed(&report), [("allow", 1)]);
}

#[test]
fn rule_allow_stopwords_drop_only_that_rules_findings() {
    let env = TestEnv::new();
    env.create(
        ".sprawl.yml",
        "rules:\n  overrides:\n    test.token:\n      allow:\n        stopwords: [SAMPLE]\n",
    );
    env.create(
        "app.env",
        format!(
            "A = {}\nB = {}\nC = {}\n",
            token_with("Sample", 1),
            pat_with("Sample", 2),
            token(3)
        ),
    );
    let (report, run) = configured_json(&env, &[]);
    run.code(1);
    assert_eq!(
        found(&report),
        [
            at("app.env", 2, "github.pat"),
            at("app.env", 3, "test.token")
        ]
    );
    assert_eq!(suppressed(&report), [("allow", 1)]);
}

#[test]
fn rule_allow_lines_drop_only_that_rules_findings_on_the_line() {
    let env = TestEnv::new();
    env.create(
        ".sprawl.yml",
        "rules:\n  overrides:\n    test.token:\n      allow:\n        lines: ['# legacy-fixture$']\n",
    );
    env.create(
        "app.env",
        format!(
            "A = {} B = {} # legacy-fixture\nC = {}\n",
            token(1),
            github_pat(1),
            token(2)
        ),
    );
    let (report, run) = configured_json(&env, &[]);
    run.code(1);
    assert_eq!(
        found(&report),
        [
            at("app.env", 1, "github.pat"),
            at("app.env", 2, "test.token")
        ]
    );
    assert_eq!(suppressed(&report), [("allow", 1)]);
}

// Which rules run, and how

/// A token, a hushword and a GitHub token, one per line of `app.env`.
fn three_rules_fixture(env: &TestEnv) {
    env.create(
        "app.env",
        format!(
            "A = {}\nhushword = \"{}\"\nC = {}\n",
            token(1),
            hushword(1, 16),
            github_pat(1)
        ),
    );
}

#[test]
fn rules_disable_stops_those_rules_and_no_other() {
    let env = TestEnv::new();
    three_rules_fixture(&env);
    env.create(".sprawl.yml", "rules:\n  disable: [test.token]\n");
    let (report, run) = configured_json(&env, &[]);
    run.code(1);
    assert_eq!(
        found(&report),
        [
            at("app.env", 2, "test.hushword"),
            at("app.env", 3, "github.pat")
        ]
    );
    // A rule that does not run finds nothing: nothing is suppressed.
    assert_eq!(suppressed(&report), []);
}

#[test]
fn rules_only_runs_those_rules_and_they_still_report() {
    let env = TestEnv::new();
    three_rules_fixture(&env);
    env.create(
        ".sprawl.yml",
        "rules:\n  only: [test.token, test.hushword]\n",
    );
    let (report, run) = configured_json(&env, &[]);
    run.code(1);
    assert_eq!(
        found(&report),
        [
            at("app.env", 1, "test.token"),
            at("app.env", 2, "test.hushword")
        ]
    );
    assert_eq!(report.stats.rules, 2);
}

#[test]
fn rules_files_load_extra_rules_relative_to_the_config_file() {
    let env = TestEnv::new();
    let extra = format!("sprawlextra_{}", alnum(7, 20));
    // The config and its rule file sit in `sub`, and sprawl runs from the root: the path is
    // taken relative to the config, not to the current folder. The rule file holds an example
    // secret, so the config leaves it out of the scan.
    env.create(
        "sub/.sprawl.yml",
        "exclude_paths: [/ci/]\nrules:\n  files: [ci/extra.yml]\n",
    );
    env.create(
        "sub/ci/extra.yml",
        format!(
            "rules:\n  - id: test.extra\n    name: Test extra\n    pattern: '\\b(?P<secret>sprawlextra_[A-Za-z0-9]{{20}})\\b'\n    keywords: [sprawlextra_]\n    confidence: high\n    examples: ['sprawlextra_{}']\n",
            alnum(8, 20)
        ),
    );
    env.create("sub/app.env", format!("A = {extra}\nB = {}\n", token(1)));
    let (report, run) = configured_json(&env, &["sub"]);
    run.code(1);
    assert_eq!(
        found(&report),
        [
            at("sub/app.env", 1, "test.extra"),
            at("sub/app.env", 2, "test.token")
        ]
    );
}

#[test]
fn min_entropy_override_replaces_only_that_rules_bound() {
    let env = TestEnv::new();
    env.create(
        "app.env",
        format!("A = {}\nB = {}\n", flat_token(), flat_pat()),
    );
    // By default both rules drop their flat candidate (see the `--explain` test); lowered for
    // test.token, its candidate is reported while github.pat keeps its own bound.
    env.create(
        ".sprawl.yml",
        "rules:\n  overrides:\n    test.token:\n      min_entropy: 1.0\n",
    );
    let (report, run) = configured_json(&env, &[]);
    run.code(1);
    assert_eq!(found(&report), [at("app.env", 1, "test.token")]);
    assert_eq!(dropped(&report), [("entropy", 1)]);
}

#[test]
fn confidence_override_changes_the_reported_confidence_and_meets_the_threshold() {
    let env = TestEnv::new();
    three_rules_fixture(&env);
    // test.token goes down below the threshold, test.hushword (medium) goes up and is
    // reported as high; github.pat keeps its own.
    env.create(
        ".sprawl.yml",
        "min_confidence: medium\nrules:\n  overrides:\n    test.token:\n      confidence: low\n    test.hushword:\n      confidence: high\n",
    );
    let (report, run) = configured_json(&env, &[]);
    run.code(1);
    let confidences: Vec<(usize, String, &str)> = report
        .findings
        .iter()
        .map(|f| (f.line, f.rule_id.clone(), f.confidence.as_str()))
        .collect();
    assert_eq!(
        confidences,
        [
            (2, "test.hushword".to_string(), "high"),
            (3, "github.pat".to_string(), "high"),
        ]
    );
    assert_eq!(suppressed(&report), [("confidence", 1)]);
}

#[test]
fn rule_paths_limit_one_rule_to_some_paths_and_leave_other_rules_alone() {
    let env = TestEnv::new();
    env.create(
        ".sprawl.yml",
        "rules:\n  overrides:\n    test.token:\n      paths: [src/]\n      exclude_paths: [src/vendored/]\n",
    );
    env.create("src/app.env", format!("A = {}\n", token(1)));
    env.create("src/vendored/lib.env", format!("A = {}\n", token(2)));
    env.create(
        "docs/guide.md",
        format!("A = {}\nB = {}\n", token(3), github_pat(3)),
    );
    let (report, run) = configured_json(&env, &[]);
    run.code(1);
    assert_eq!(
        found(&report),
        [
            at("docs/guide.md", 2, "github.pat"),
            at("src/app.env", 1, "test.token")
        ]
    );
    assert_eq!(suppressed(&report), [("rule_path", 2)]);
}

// What is scanned

#[test]
fn exclude_paths_leave_files_unscanned_but_not_their_namesakes_elsewhere() {
    let env = TestEnv::new();
    env.create(".sprawl.yml", "exclude_paths: [/fixtures/]\n");
    env.create("fixtures/a.env", format!("A = {}\n", token(1)));
    env.create("lib/fixtures/b.env", format!("A = {}\n", token(2)));
    env.create("fixtures.env", format!("A = {}\n", token(3)));
    let (report, run) = configured_json(&env, &[]);
    run.code(1);
    assert_eq!(
        found(&report),
        [
            at("fixtures.env", 1, "test.token"),
            at("lib/fixtures/b.env", 1, "test.token")
        ]
    );
    // Left out, not suppressed: the file is never read.
    assert_eq!(
        report.stats.files_scanned, 3,
        ".sprawl.yml and the two kept"
    );
    assert_eq!(suppressed(&report), []);
}

#[test]
fn include_paths_scan_only_those_files() {
    let env = TestEnv::new();
    env.create(".sprawl.yml", "include_paths: [src/]\n");
    env.create("src/app.env", format!("A = {}\n", token(1)));
    env.create("docs/guide.md", format!("A = {}\n", token(2)));
    let (report, run) = configured_json(&env, &[]);
    run.code(1);
    assert_eq!(found(&report), [at("src/app.env", 1, "test.token")]);
    assert_eq!(report.stats.files_scanned, 1);
    // Left out is not suppressed, and the summary says nothing about it.
    assert_eq!(suppressed(&report), []);
    assert!(!summary_line(&run).contains("suppressed"), "{}", run.stderr);
}

#[test]
fn max_file_size_in_the_config_skips_larger_files_and_the_flag_wins() {
    let env = TestEnv::new();
    env.create(".sprawl.yml", "max_file_size: 100\n");
    env.create("small.env", format!("A = {}\n", token(1)));
    env.create(
        "large.env",
        format!("A = {}\n{}\n", token(2), "#".repeat(200)),
    );
    let (report, run) = configured_json(&env, &[]);
    run.code(1);
    assert_eq!(found(&report), [at("small.env", 1, "test.token")]);
    assert_eq!(report.stats.skipped.too_large, 1);
    let (report, run) = configured_json(&env, &["--max-file-size", "1K"]);
    run.code(1);
    assert_eq!(
        found(&report),
        [
            at("large.env", 1, "test.token"),
            at("small.env", 1, "test.token")
        ]
    );
    assert_eq!(report.stats.skipped.too_large, 0);
}

#[test]
fn min_confidence_in_the_config_drops_lower_findings_and_the_flag_wins() {
    let env = TestEnv::new();
    three_rules_fixture(&env);
    env.create(".sprawl.yml", "min_confidence: high\n");
    let (report, run) = configured_json(&env, &[]);
    run.code(1);
    assert_eq!(
        found(&report),
        [
            at("app.env", 1, "test.token"),
            at("app.env", 3, "github.pat")
        ]
    );
    assert_eq!(suppressed(&report), [("confidence", 1)]);
    let (report, run) = configured_json(&env, &["--min-confidence", "low"]);
    run.code(1);
    assert_eq!(report.findings.len(), 3);
    assert_eq!(suppressed(&report), []);
}

// Inline allows

#[test]
fn inline_allow_on_the_same_line_works_in_every_comment_syntax() {
    let env = TestEnv::new();
    let lines = [
        format!("a = {} # sprawl:allow", token(1)),
        format!("b = {} // sprawl:allow", token(2)),
        format!("c = {} /* sprawl:allow */", token(3)),
        format!("d = {} -- sprawl:allow", token(4)),
        format!("<e>{}</e> <!-- sprawl:allow -->", token(5)),
        format!("f = {} ; sprawl:allow", token(6)),
        format!("g = {}", token(7)),
        format!("h = {} # allowed by nobody", token(8)),
    ];
    env.create("mixed.txt", lines.join("\n") + "\n");
    let (report, code) = env.report(&[], &["."]);
    assert_eq!(code, 1);
    assert_eq!(
        found(&report),
        [
            at("mixed.txt", 7, "test.token"),
            at("mixed.txt", 8, "test.token")
        ]
    );
    assert_eq!(suppressed(&report), [("inline", 6)]);
}

#[test]
fn inline_allow_alone_on_the_line_before_silences_the_next_line_only_not_two_lines_below() {
    let env = TestEnv::new();
    let lines = [
        "# sprawl:allow".to_string(),
        format!("a = {}", token(1)),
        format!("b = {}", token(2)),
        "    // sprawl:allow".to_string(),
        format!("    c = {}", token(3)),
        "<!-- sprawl:allow -->".to_string(),
        format!("<d>{}</d>", token(4)),
        "; sprawl:allow".to_string(),
        format!("e = {}", token(5)),
        "/* sprawl:allow */".to_string(),
        format!("h = {}", token(8)),
        "-- sprawl:allow".to_string(),
        format!("i = {}", token(9)),
        // Code before the marker: it allows its own line, not the next one.
        "x = 1 # sprawl:allow".to_string(),
        format!("f = {}", token(6)),
        // Two lines above does not count.
        "# sprawl:allow".to_string(),
        String::new(),
        format!("g = {}", token(7)),
    ];
    env.create("before.txt", lines.join("\n") + "\n");
    let (report, code) = env.report(&[], &["."]);
    assert_eq!(code, 1);
    assert_eq!(
        found(&report),
        [
            at("before.txt", 3, "test.token"),
            at("before.txt", 15, "test.token"),
            at("before.txt", 18, "test.token"),
        ]
    );
    assert_eq!(suppressed(&report), [("inline", 6)]);
}

#[test]
fn inline_allow_with_a_rule_id_silences_only_that_rule_on_the_line() {
    let env = TestEnv::new();
    let lines = [
        // The other rule's finding on the same line is still reported.
        format!(
            "a = {} b = {} # sprawl:allow github.pat",
            token(1),
            github_pat(1)
        ),
        "# sprawl:allow test.token".to_string(),
        format!("c = {} d = {}", token(2), github_pat(2)),
        // Several ids, separated by a comma, then free text.
        format!(
            "e = {} f = {} # sprawl:allow test.token, github.pat rotated in #12",
            token(3),
            github_pat(3)
        ),
        // A misspelt id silences nothing rather than everything.
        format!(
            "g = {} h = {} # sprawl:allow github.ptt",
            token(4),
            github_pat(4)
        ),
    ];
    env.create("ids.txt", lines.join("\n") + "\n");
    let (report, code) = env.report(&[], &["."]);
    assert_eq!(code, 1);
    assert_eq!(
        found(&report),
        [
            at("ids.txt", 1, "test.token"),
            at("ids.txt", 3, "github.pat"),
            at("ids.txt", 5, "test.token"),
            at("ids.txt", 5, "github.pat"),
        ]
    );
    assert_eq!(suppressed(&report), [("inline", 4)]);
}

#[test]
fn inline_allow_on_the_line_before_a_multi_line_secret_silences_it() {
    let env = TestEnv::new();
    // The first block is allowed; the second has the marker inside it, before its last line,
    // which is not the line before its first line, so it is reported.
    let inner = blob(2).replacen(
        &format!("\n{BLOB_END}"),
        &format!("\n# sprawl:allow\n{BLOB_END}"),
        1,
    );
    assert_ne!(inner, blob(2));
    env.create(
        "keys.txt",
        format!("# sprawl:allow\nkey: {}\nother: {inner}\n", blob(1)),
    );
    let (report, code) = env.report(&[], &["."]);
    assert_eq!(code, 1);
    assert_eq!(found(&report), [at("keys.txt", 6, "test.blob")]);
    assert!(report.findings[0].end_line > 6);
    assert_eq!(suppressed(&report), [("inline", 1)]);
}

// Baselines

/// Three findings in two files: a token and a GitHub token in `config/settings.py` (lines 2
/// and 3), a token in `src/app.txt` (line 1).
fn baseline_fixture(env: &TestEnv) {
    env.create(
        "config/settings.py",
        format!(
            "import os\nTOKEN = \"{}\"\nPAT = \"{}\"\n",
            token(1),
            github_pat(1)
        ),
    );
    env.create("src/app.txt", format!("x = {}\n", token(2)));
}

/// One entry of a baseline written by hand: the finding it acknowledges, and extra fields
/// (`reason`, `expires`).
struct Ack {
    path: &'static str,
    rule_id: &'static str,
    secret: String,
    extra: &'static [(&'static str, &'static str)],
}

/// An [`Ack`] without extra fields.
fn ack(path: &'static str, rule_id: &'static str, secret: String) -> Ack {
    Ack {
        path,
        rule_id,
        secret,
        extra: &[],
    }
}

/// The findings of [`baseline_fixture`], sorted as a baseline sorts them.
fn fixture_findings() -> [Ack; 3] {
    [
        ack("config/settings.py", "github.pat", github_pat(1)),
        ack("config/settings.py", "test.token", token(1)),
        ack("src/app.txt", "test.token", token(2)),
    ]
}

/// A baseline file acknowledging `entries`, fingerprinted with the library's own function, so
/// that a test about reading a baseline needs no `--write-baseline` run of its own.
fn baseline_text(entries: &[Ack]) -> String {
    let entries: Vec<Value> = entries
        .iter()
        .map(|ack| {
            let mut entry = serde_json::json!({
                "path": ack.path,
                "rule_id": ack.rule_id,
                "fingerprint": fingerprint(ack.rule_id, ack.secret.as_bytes()),
            });
            for (key, value) in ack.extra {
                entry[*key] = Value::String(value.to_string());
            }
            entry
        })
        .collect();
    serde_json::to_string_pretty(&serde_json::json!({ "version": 1, "entries": entries })).unwrap()
}

/// [`baseline_text`] of every finding of [`baseline_fixture`].
fn fixture_baseline() -> String {
    baseline_text(&fixture_findings())
}

/// `scan --format json --write-baseline FILE ARGS` without a config.
fn write_baseline(env: &TestEnv, file: &Path, args: &[&str]) -> (JsonReport, Run) {
    let run = run(env
        .scan()
        .args(["--format", "json", "--write-baseline"])
        .arg(file)
        .args(args));
    (run.json(), run)
}

/// `scan --format json --baseline FILE ARGS` without a config.
fn with_baseline(env: &TestEnv, file: &Path, args: &[&str]) -> (JsonReport, Run) {
    let run = run(env
        .scan()
        .args(["--format", "json", "--baseline"])
        .arg(file)
        .args(args));
    (run.json(), run)
}

/// A baseline file read back as JSON.
fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn adopting_a_baseline_writes_sorted_fingerprints_without_secrets_then_reports_nothing() {
    let env = TestEnv::new();
    baseline_fixture(&env);
    let file = env.aux_path("baseline.json");
    let (report, run) = write_baseline(&env, &file, &[]);
    run.code(0);
    // The findings are still reported; the exit code says the scan is clean.
    assert_eq!(report.findings.len(), 3);
    assert!(
        run.stderr.contains(&format!(
            "sprawl: wrote {} (3 entries); findings in it are acknowledged from now on",
            file.display()
        )),
        "{}",
        run.stderr
    );
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.ends_with("}\n"));
    for Ack { secret, .. } in fixture_findings() {
        assert!(!text.contains(&secret), "{secret} in clear:\n{text}");
        // Not even the part after the prefix.
        assert!(!text.contains(&secret[12..]), "{secret} in part:\n{text}");
    }
    let json: Value = serde_json::from_str(&text).unwrap();
    let keys: Vec<&String> = json.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["entries", "version"]);
    assert_eq!(json["version"], 1);
    let entries: Vec<(String, String, String)> = json["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| {
            // No timestamps, no lines, no secrets: exactly these three fields.
            let mut keys: Vec<&String> = entry.as_object().unwrap().keys().collect();
            keys.sort();
            assert_eq!(keys, ["fingerprint", "path", "rule_id"]);
            let field = |name: &str| entry[name].as_str().unwrap().to_string();
            (field("path"), field("rule_id"), field("fingerprint"))
        })
        .collect();
    // Sorted by path, rule and fingerprint; the fingerprints are the report's.
    let expected: Vec<(String, String, String)> = fixture_findings()
        .into_iter()
        .map(|ack| {
            let fingerprint = fingerprint(ack.rule_id, ack.secret.as_bytes());
            assert!(report.findings.iter().any(|f| f.fingerprint == fingerprint));
            (ack.path.to_string(), ack.rule_id.to_string(), fingerprint)
        })
        .collect();
    assert_eq!(entries, expected);

    // Written again over the existing file, at another thread count: the same bytes.
    write_baseline(&env, &file, &["--threads", "1"]).1.code(0);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text);

    let (report, run) = with_baseline(&env, &file, &[]);
    run.code(0);
    assert_eq!(found(&report), []);
    assert_eq!(suppressed(&report), [("baseline", 3)]);
}

#[test]
fn baseline_still_matches_after_lines_move_and_the_file_is_reformatted() {
    let env = TestEnv::new();
    let file = env.create_aux("baseline.json", fixture_baseline());
    // Reformatted: other quotes, indentation, the secrets' order, other lines around them.
    env.create(
        "config/settings.py",
        format!(
            "def load():\n        pat   =   '{}'\n        # the token\n        token = '{}'\n        return token, pat\n",
            github_pat(1),
            token(1)
        ),
    );
    // Lines inserted above.
    env.create(
        "src/app.txt",
        format!("# header\n\nsome = 1\nother = 2\nx = {}\n", token(2)),
    );
    let (report, run) = with_baseline(&env, &file, &[]);
    run.code(0);
    assert_eq!(found(&report), []);
    assert_eq!(suppressed(&report), [("baseline", 3)]);
}

#[test]
fn baseline_reports_a_new_secret_on_an_acknowledged_line_and_a_known_secret_in_another_file() {
    let env = TestEnv::new();
    let file = env.create_aux("baseline.json", fixture_baseline());
    baseline_fixture(&env);
    env.create(
        "config/settings.py",
        format!(
            "import os\nTOKEN = \"{}\"; OTHER = \"{}\"\nPAT = \"{}\"\n",
            token(1),
            token(3),
            github_pat(1)
        ),
    );
    env.create("docs/copy.md", format!("TOKEN = \"{}\"\n", token(1)));
    let (report, run) = with_baseline(&env, &file, &["--no-redact"]);
    run.code(1);
    let reported: Vec<(String, usize, String)> = report
        .findings
        .iter()
        .map(|f| (f.path.clone(), f.line, f.secret.clone()))
        .collect();
    assert_eq!(
        reported,
        [
            ("config/settings.py".to_string(), 2, token(3)),
            ("docs/copy.md".to_string(), 1, token(1)),
        ]
    );
    assert_eq!(suppressed(&report), [("baseline", 3)]);
}

#[test]
fn baseline_entries_stop_suppressing_once_they_expire() {
    let env = TestEnv::new();
    baseline_fixture(&env);
    let [pat, settings_token, app_token] = fixture_findings();
    let file = env.create_aux(
        "baseline.json",
        baseline_text(&[
            pat,
            Ack {
                extra: &[("expires", "2999-12-31")],
                ..settings_token
            },
            Ack {
                extra: &[("expires", "2001-02-03")],
                ..app_token
            },
        ]),
    );
    let (report, run) = with_baseline(&env, &file, &[]);
    run.code(1);
    assert_eq!(found(&report), [at("src/app.txt", 1, "test.token")]);
    assert_eq!(suppressed(&report), [("baseline", 2)]);
    // The finding that came back says why, in the report and on standard error.
    let expected = "the entry for src/app.txt (test.token) expired on 2001-02-03, so its finding is reported again";
    assert_eq!(report.warnings.len(), 1, "{:?}", report.warnings);
    assert_eq!(report.warnings[0].path, file.display().to_string());
    assert!(
        report.warnings[0].message.starts_with(expected),
        "{:?}",
        report.warnings
    );
    assert!(
        run.stderr
            .contains(&format!("sprawl: warning: {}: {expected}", file.display())),
        "{}",
        run.stderr
    );
}

#[test]
fn baseline_entries_no_finding_matches_are_named_as_stale_within_what_was_scanned() {
    let env = TestEnv::new();
    baseline_fixture(&env);
    let [pat, settings_token, app_token] = fixture_findings();
    let gone = ack("src/old.txt", "test.token", token(9));
    let other_folder = ack("elsewhere/x.txt", "test.token", token(8));
    let file = env.create_aux(
        "baseline.json",
        baseline_text(&[pat, settings_token, app_token, gone, other_folder]),
    );
    // A scan of the whole folder: the entry of the removed file is stale, and so is the one of
    // a folder that does not exist under it (nothing there could match it).
    let (report, run) = with_baseline(&env, &file, &[]);
    run.code(0);
    assert_eq!(report.warnings.len(), 1, "{:?}", report.warnings);
    let message = &report.warnings[0].message;
    assert!(
        message.starts_with("2 entries match no finding of this scan")
            && message.contains("src/old.txt (test.token)")
            && message.contains("elsewhere/x.txt (test.token)")
            && message.contains(&format!("`--write-baseline {}`", file.display())),
        "{message}"
    );
    // A scan of one folder says nothing about entries elsewhere.
    let (report, run) = with_baseline(&env, &file, &["config"]);
    run.code(0);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    let (report, _) = with_baseline(&env, &file, &["src"]);
    assert_eq!(report.warnings.len(), 1, "{:?}", report.warnings);
    assert!(report.warnings[0]
        .message
        .starts_with("1 entry matches no finding"));
    // A finding hidden by the confidence threshold still meets its entry: not stale.
    let word = hushword(3, 14);
    env.create("config/hush.env", format!("hushword = \"{word}\"\n"));
    let [pat, settings_token, _] = fixture_findings();
    let hush = ack("config/hush.env", "test.hushword", word);
    let file = env.create_aux("hush.json", baseline_text(&[pat, settings_token, hush]));
    let (report, run) = with_baseline(&env, &file, &["config", "--min-confidence", "high"]);
    run.code(0);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
}

#[test]
fn rewriting_a_baseline_keeps_reason_and_expires_of_entries_still_found() {
    let env = TestEnv::new();
    let [pat, settings_token, app_token] = fixture_findings();
    let file = env.create_aux(
        "baseline.json",
        baseline_text(&[
            Ack {
                extra: &[("reason", "gone soon")],
                ..pat
            },
            Ack {
                extra: &[
                    ("reason", "rotated, removal tracked in #123"),
                    ("expires", "2999-12-31"),
                ],
                ..settings_token
            },
            app_token,
        ]),
    );
    // The GitHub token is gone, a new token has appeared.
    env.create(
        "config/settings.py",
        format!("import os\nTOKEN = \"{}\"\n", token(1)),
    );
    env.create("src/app.txt", format!("x = {}\n", token(2)));
    env.create("new.txt", format!("y = {}\n", token(3)));
    write_baseline(&env, &file, &[]).1.code(0);
    let json = read_json(&file);
    let entries: Vec<(String, String, Option<String>, Option<String>)> = json["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| {
            let text = |name: &str| entry.get(name).and_then(Value::as_str).map(String::from);
            (
                text("path").unwrap(),
                text("rule_id").unwrap(),
                text("reason"),
                text("expires"),
            )
        })
        .collect();
    let entry = |path: &str, reason: Option<&str>, expires: Option<&str>| {
        (
            path.to_string(),
            "test.token".to_string(),
            reason.map(String::from),
            expires.map(String::from),
        )
    };
    assert_eq!(
        entries,
        [
            entry(
                "config/settings.py",
                Some("rotated, removal tracked in #123"),
                Some("2999-12-31")
            ),
            entry("new.txt", None, None),
            entry("src/app.txt", None, None),
        ]
    );
}

#[test]
fn config_baseline_is_used_and_no_baseline_ignores_it() {
    let env = TestEnv::new();
    baseline_fixture(&env);
    env.create(".sprawl.yml", "baseline: .sprawl-baseline.json\n");
    env.create(".sprawl-baseline.json", fixture_baseline());
    let (report, run) = configured_json(&env, &[]);
    run.code(0);
    assert_eq!(found(&report), []);
    assert_eq!(suppressed(&report), [("baseline", 3)]);
    let (report, run) = configured_json(&env, &["--no-baseline"]);
    run.code(1);
    assert_eq!(report.findings.len(), 3);
    assert_eq!(suppressed(&report), []);
}

#[test]
fn malformed_baselines_exit_2_naming_the_file_and_the_line_or_entry() {
    let env = TestEnv::new();
    baseline_fixture(&env);
    let file = env.aux_path("baseline.json");
    let wrong_field = concat!(
        "{\n",
        "  \"version\": 1,\n",
        "  \"entries\": [\n",
        "    {\n",
        "      \"path\": \"src/app.txt\",\n",
        "      \"rule_id\": \"test.token\",\n",
        "      \"fingerprint\": \"00\",\n",
        "      \"line\": 1\n",
        "    }\n",
        "  ]\n",
        "}\n"
    );
    let bad_date = r#"{"version": 1, "entries": [
        {"path": "a", "rule_id": "test.token", "fingerprint": "00"},
        {"path": "b", "rule_id": "test.token", "fingerprint": "00", "expires": "next week"}
    ]}"#;
    let cases = [
        ("not json\n", ":1: invalid baseline: "),
        (wrong_field, ":8: invalid baseline: unknown field `line`"),
        (
            bad_date,
            ": entries[1].expires: `next week` is not a YYYY-MM-DD date",
        ),
    ];
    for (text, problem) in cases {
        std::fs::write(&file, text).unwrap();
        let run = run(env.scan().arg("--baseline").arg(&file));
        run.code(2);
        let expected = format!("sprawl: error: {}{problem}", file.display());
        assert!(
            run.stderr.contains(&expected),
            "expected `{expected}` in\n{}",
            run.stderr
        );
        assert_eq!(run.stdout, "", "no report when the baseline cannot be read");
    }
}

// Baselines of history

/// 2024-03-01T11:00:00Z, the time of a fixture's first commit; each later one is an hour on.
const EPOCH: i64 = 1_709_290_800;

/// A repository at a test's scan root, built with git2 at fixed times.
struct History {
    repo: Repository,
    clock: i64,
}

impl History {
    fn init(root: &Path) -> History {
        let mut options = git2::RepositoryInitOptions::new();
        options.initial_head("main");
        History {
            repo: Repository::init_opts(root, &options).unwrap(),
            clock: 0,
        }
    }

    /// Commits `files` (path and content) on top of `parent` (a new root if `None`) and points
    /// `main` at the new commit.
    fn commit(&mut self, parent: Option<Oid>, message: &str, files: &[(&str, &str)]) -> Oid {
        let parent: Option<Commit<'_>> = parent.map(|id| self.repo.find_commit(id).unwrap());
        let mut index = Index::new().unwrap();
        if let Some(parent) = &parent {
            index.read_tree(&parent.tree().unwrap()).unwrap();
        }
        for (path, text) in files {
            let id = self.repo.blob(text.as_bytes()).unwrap();
            index.add(&index_entry(path, id, text.len())).unwrap();
        }
        let tree = self
            .repo
            .find_tree(index.write_tree_to(&self.repo).unwrap())
            .unwrap();
        let who = Signature::new(
            "Ada Lovelace",
            "ada@example.com",
            &Time::new(EPOCH + self.clock * 3600, 0),
        )
        .unwrap();
        self.clock += 1;
        let parents: Vec<&Commit<'_>> = parent.iter().collect();
        let id = self
            .repo
            .commit(None, &who, &who, message, &tree, &parents)
            .unwrap();
        self.repo
            .reference("refs/heads/main", id, true, message)
            .unwrap();
        id
    }
}

/// `sprawl git --no-config --format json ARGS .` at the scan root.
fn git_json(env: &TestEnv, args: &[&str]) -> (JsonReport, Run) {
    let run = run(env
        .sprawl()
        .args(["git", "--no-config", "--format", "json"])
        .args(args)
        .arg("."));
    (run.json(), run)
}

#[test]
fn git_baseline_survives_a_rebase_like_rewrite_and_still_reports_what_is_new() {
    let env = TestEnv::new();
    let mut git = History::init(env.root());
    let settings = format!("pat = {}\n", github_pat(1));
    let first = git.commit(None, "Add settings", &[("config/app.env", &settings)]);
    let tool = format!("export PAT={}\n", github_pat(2));
    let old_tip = git.commit(Some(first), "Add a tool", &[("tools/run.sh", &tool)]);
    let file = env.aux_path("baseline.json");
    let (report, run) = git_json(&env, &["--write-baseline", file.to_str().unwrap()]);
    run.code(0);
    assert_eq!(
        found(&report),
        [
            at("config/app.env", 1, "github.pat"),
            at("tools/run.sh", 1, "github.pat")
        ]
    );
    let json = read_json(&file);
    let paths: Vec<&str> = json["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["config/app.env", "tools/run.sh"]);
    let baseline = ["--baseline", file.to_str().unwrap()];
    let (report, run) = git_json(&env, &baseline);
    run.code(0);
    assert_eq!(found(&report), []);
    assert_eq!(suppressed(&report), [("baseline", 2)]);

    // Rewrite: the same content in new commits (a new root, other messages and times, the
    // secret's line moved down), and `main` moved to them; the old commits are unreachable.
    let readme = git.commit(None, "Start over", &[("README.md", "# app\n")]);
    let moved = format!("# settings\n\n  {}", settings);
    let rewritten = git.commit(
        Some(readme),
        "Add settings (rebased)",
        &[("config/app.env", &moved)],
    );
    let new_tip = git.commit(
        Some(rewritten),
        "Add a tool (rebased)",
        &[("tools/run.sh", &tool)],
    );
    assert_ne!(new_tip, old_tip);
    assert!(!git.repo.graph_descendant_of(new_tip, first).unwrap());
    let (report, run) = git_json(&env, &baseline);
    run.code(0);
    assert_eq!(found(&report), []);
    assert_eq!(suppressed(&report), [("baseline", 2)]);

    // A new secret on the acknowledged line and the same secret copied to another path are
    // reported; the acknowledged places stay quiet.
    git.commit(
        Some(new_tip),
        "More",
        &[
            (
                "config/app.env",
                &format!(
                    "# settings\n\n  pat = {} {}\n",
                    github_pat(1),
                    github_pat(3)
                ),
            ),
            ("docs/copy.md", &format!("pat: {}\n", github_pat(1))),
        ],
    );
    let (report, run) = git_json(&env, &["--no-redact", baseline[0], baseline[1]]);
    run.code(1);
    let reported: Vec<(String, usize, String)> = report
        .findings
        .iter()
        .map(|f| (f.path.clone(), f.line, f.secret.clone()))
        .collect();
    assert_eq!(
        reported,
        [
            ("config/app.env".to_string(), 3, github_pat(3)),
            ("docs/copy.md".to_string(), 1, github_pat(1)),
        ]
    );
}

#[test]
fn git_baseline_reports_an_acknowledged_file_copied_verbatim_to_another_path() {
    let env = TestEnv::new();
    let mut git = History::init(env.root());
    let settings = format!("pat = {}\n", github_pat(1));
    let first = git.commit(None, "Add settings", &[("config/app.env", &settings)]);
    // The same file at a second path: one finding, but the baseline acknowledges both paths.
    let second = git.commit(Some(first), "Keep a copy", &[("config/old.env", &settings)]);
    let file = env.aux_path("baseline.json");
    let (report, run) = git_json(&env, &["--write-baseline", file.to_str().unwrap()]);
    run.code(0);
    assert_eq!(found(&report), [at("config/app.env", 1, "github.pat")]);
    let json = read_json(&file);
    let paths: Vec<&str> = json["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["config/app.env", "config/old.env"]);
    // The very same file (the same blob) at a third path, which the baseline does not name.
    git.commit(
        Some(second),
        "Copy settings",
        &[("docs/app.env", &settings)],
    );
    let (report, run) = git_json(&env, &["--baseline", file.to_str().unwrap()]);
    run.code(1);
    assert_eq!(found(&report), [at("docs/app.env", 1, "github.pat")]);
    // One per acknowledged place, as `--write-baseline` counted them.
    assert_eq!(suppressed(&report), [("baseline", 2)]);
}

// --explain and the summary

/// A rule with its own allow list, for the `the rule's allow list` reason.
fn listed_rule() -> String {
    format!(
        "rules:
  - id: test.listed
    name: Test listed
    pattern: '\\b(?P<secret>sprawllisted_[A-Za-z0-9]{{16}})\\b'
    keywords: [sprawllisted_]
    confidence: high
    examples: ['sprawllisted_{}']
    allow:
      stopwords: [example]
",
        alnum(4, 16)
    )
}

/// One candidate per reason sprawl drops for, in `a.txt` (lines 1 to 7) and `b.txt` (line 1,
/// acknowledged in `aux/baseline.json`), and one finding that is reported (`a.txt` line 2).
/// Returns the candidate secrets, in that order.
fn explain_fixture(env: &TestEnv) -> Vec<String> {
    let allowed = token(10);
    env.create(
        ".sprawl.yml",
        format!(
            "allow:\n  secrets: ['^{}']\nmin_confidence: medium\nrules:\n  overrides:\n    test.hushword:\n      confidence: low\n    github.pat:\n      paths: [src/]\n",
            &allowed[..19]
        ),
    );
    env.create_aux("listed.yml", listed_rule());
    let secrets = vec![
        flat_token(),
        token(11),
        format!("sprawllisted_EXAMPLE{}", alnum(3, 9)),
        allowed,
        token(12),
        hushword(1, 16),
        github_pat(1),
        token(13),
    ];
    let lines = [
        format!("x = {}", secrets[0]),
        format!("hushword = \"{}\"", secrets[1]),
        format!("y = {}", secrets[2]),
        format!("z = {}", secrets[3]),
        format!("w = {} # sprawl:allow", secrets[4]),
        format!("hushword = \"{}\"", secrets[5]),
        format!("pat = {}", secrets[6]),
    ];
    env.create("a.txt", lines.join("\n") + "\n");
    env.create("b.txt", format!("v = {}\n", secrets[7]));
    env.create_aux(
        "baseline.json",
        baseline_text(&[ack("b.txt", "test.token", secrets[7].clone())]),
    );
    secrets
}

/// `explain_fixture`'s scan with `--explain`, the extra rule and the baseline, plus `args`.
fn explain_run(env: &TestEnv, args: &[&str]) -> (JsonReport, Run) {
    let run = run(configured(env)
        .arg("--rules")
        .arg(env.aux_path("listed.yml"))
        .arg("--baseline")
        .arg(env.aux_path("baseline.json"))
        .args(["--explain", "--format", "json"])
        .args(args));
    (run.json(), run)
}

/// The `--explain` lines of standard error.
fn explain_lines(run: &Run) -> Vec<&str> {
    run.stderr
        .lines()
        .filter(|line| line.starts_with("sprawl: explain: "))
        .collect()
}

#[test]
fn explain_lists_every_dropped_candidate_redacted_and_the_summary_counts_by_reason() {
    let env = TestEnv::new();
    let secrets = explain_fixture(&env);
    let (report, run) = explain_run(&env, &[]);
    run.code(1);
    assert_eq!(found(&report), [at("a.txt", 2, "test.token")]);
    assert_eq!(
        explain_lines(&run),
        [
            // The Shannon entropy of `sprawltest_` and 24 times `a`.
            "sprawl: explain: a.txt:1:5 test.token spra…: dropped: entropy 1.70 below the rule's min_entropy 3",
            "sprawl: explain: a.txt:2:13 test.hushword spra…: dropped: overlaps a finding of test.token",
            "sprawl: explain: a.txt:3:5 test.listed spra…: dropped: the rule's allow list",
            "sprawl: explain: a.txt:4:5 test.token spra…: dropped: allow list",
            "sprawl: explain: a.txt:5:5 test.token spra…: dropped: inline allow",
            &format!(
                "sprawl: explain: a.txt:6:13 test.hushword {}…: dropped: below minimum confidence",
                &secrets[5][..4]
            ),
            "sprawl: explain: a.txt:7:7 github.pat ghp_…: dropped: rule not for this path",
            "sprawl: explain: b.txt:1:5 test.token spra…: dropped: baseline",
        ]
    );
    let secrets: Vec<&str> = secrets.iter().map(String::as_str).collect();
    no_secret_in_clear(&run, &secrets);
    assert_eq!(
        suppressed(&report),
        [
            ("allow", 1),
            ("inline", 1),
            ("rule_path", 1),
            ("confidence", 1),
            ("baseline", 1)
        ]
    );
    assert_eq!(
        dropped(&report),
        [("entropy", 1), ("rule_allow", 1), ("overlap", 1)]
    );
    let summary = summary_line(&run);
    assert!(
        summary.starts_with("sprawl: 1 finding (1 high) in 1 file; scanned 3 files ("),
        "{summary}"
    );
    assert!(
        summary.ends_with(
            "; suppressed 5 (1 allow list, 1 inline allow, 1 rule not for this path, 1 below minimum confidence, 1 baseline)"
        ),
        "{summary}"
    );
}

#[test]
fn explain_shows_whole_secrets_only_with_no_redact() {
    let env = TestEnv::new();
    let secrets = explain_fixture(&env);
    let (_, run) = explain_run(&env, &["--no-redact"]);
    run.code(1);
    let lines = explain_lines(&run);
    assert_eq!(lines.len(), 8, "{}", run.stderr);
    // Every candidate is shown whole, the reported one (secrets[1]) as the overlap loser.
    for (line, secret) in lines.iter().zip(&secrets) {
        assert!(
            line.contains(&format!(" {secret}: dropped: ")),
            "{secret} not shown whole in {line}"
        );
    }
}

// Config errors

/// Runs `sprawl scan` with `config` as the root's `.sprawl.yml`; expects exit code 2, no
/// report, and an error naming the file and holding `expected` (line and field).
#[track_caller]
fn config_error(config: &str, expected: &[&str]) {
    let env = TestEnv::new();
    env.create("app.env", format!("A = {}\n", token(1)));
    env.create(".sprawl.yml", config);
    let run = run(&mut configured(&env));
    run.code(2);
    assert_eq!(run.stdout, "");
    assert!(run.stderr.starts_with("sprawl: error: "), "{}", run.stderr);
    for part in expected {
        assert!(
            run.stderr.contains(part),
            "expected `{part}` in\n{}",
            run.stderr
        );
    }
}

#[test]
fn config_unknown_field_names_the_file_line_and_field() {
    config_error(
        "exclude_paths: [vendor/]\nallow:\n  stopwords: [dummy]\n  secretz: ['^x']\n",
        &[
            ".sprawl.yml:4: invalid config:",
            "allow",
            "unknown field `secretz`",
        ],
    );
}

#[test]
fn config_unknown_rule_in_disable_names_the_file_line_and_field() {
    config_error(
        "rules:\n  disable:\n    - github.pat\n    - test.nosuch\n",
        &[
            ".sprawl.yml:4: field `rules.disable`:",
            "unknown rule `test.nosuch`",
        ],
    );
}

#[test]
fn config_unknown_rule_error_names_its_own_line_not_that_of_a_longer_id() {
    // `test.tok` is a typo of `test.token`, which stands on line 3: the error is on line 5.
    config_error(
        "rules:\n  overrides:\n    test.token:\n      min_entropy: 3.5\n  disable: [test.tok]\n",
        &[
            ".sprawl.yml:5: field `rules.disable`:",
            "unknown rule `test.tok`: did you mean",
            "`test.token`",
        ],
    );
}

#[test]
fn config_misspelt_rule_id_gets_a_did_you_mean() {
    config_error(
        "rules:\n  disable: [github.patt]\n",
        &[
            ".sprawl.yml:2: field `rules.disable`:",
            "unknown rule `github.patt`: did you mean `github.pat`?",
        ],
    );
}

#[test]
fn config_bad_allow_regex_names_the_file_line_and_field() {
    config_error(
        "allow:\n  secrets:\n    - '^ok_'\n    - '(unclosed'\n",
        &[".sprawl.yml:4: field `allow.secrets[1]`:", "unclosed group"],
    );
    config_error(
        "rules:\n  overrides:\n    test.token:\n      allow:\n        lines: ['[z-a]']\n",
        &[".sprawl.yml:5: field `rules.overrides.test.token.allow.lines[0]`:"],
    );
}

#[test]
fn config_bad_size_names_the_file_line_and_field() {
    config_error(
        "exclude_paths: [vendor/]\nmax_file_size: 10 parsecs\n",
        &[
            ".sprawl.yml:2: field `max_file_size`:",
            "unknown unit `parsecs`",
        ],
    );
}

#[test]
fn config_bad_size_is_an_error_even_when_the_flag_overrides_it() {
    // The flag wins over a good value; a bad value is still a broken config file, and a file
    // that fails on one command line and passes on another hides the typo.
    let env = TestEnv::new();
    env.create("app.env", format!("A = {}\n", token(1)));
    env.create(".sprawl.yml", "max_file_size: 10 parsecs\n");
    let run = run(configured(&env).args(["--max-file-size", "1M"]));
    run.code(2);
    assert!(
        run.stderr
            .contains(".sprawl.yml:1: field `max_file_size`: unknown unit `parsecs`"),
        "{}",
        run.stderr
    );
}
