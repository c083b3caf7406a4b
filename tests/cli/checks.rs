//! Offline checks (`check:` in a rule): a candidate that fails its rule's check is not reported,
//! and `--explain` names the check.

use crate::util::{github_pat, run, TestEnv};

/// `token` with its first random character changed, so its checksum no longer matches.
fn broken(token: &str) -> String {
    let changed = if &token[4..5] == "Q" { "R" } else { "Q" };
    format!("{}{changed}{}", &token[..4], &token[5..])
}

#[test]
fn a_github_token_with_a_broken_checksum_is_dropped_and_explained() {
    let env = TestEnv::new();
    let (good, bad) = (github_pat(21), broken(&github_pat(22)));
    env.create("app.env", format!("GOOD={good}\nBAD={bad}\n"));
    let run = run(env
        .scan()
        .args(["--format", "json", "--no-redact", "--explain", "app.env"]));
    run.code(1);
    let report = run.json();
    let found: Vec<(&str, usize, &str)> = report
        .findings
        .iter()
        .map(|f| (f.rule_id.as_str(), f.line, f.secret.as_str()))
        .collect();
    assert_eq!(found, vec![("github.pat", 1, good.as_str())]);
    assert_eq!(report.stats.dropped.check, 1);
    let explained =
        format!("app.env:2:5 github.pat {bad}: dropped: fails the rule's `crc32-base62` check");
    assert!(run.stderr.contains(&explained), "{}", run.stderr);
    assert!(
        run.stderr.contains("not the CRC32 of the rest"),
        "{}",
        run.stderr
    );
}

#[test]
fn rules_check_names_the_check_that_drops_an_example() {
    let env = TestEnv::new();
    let rules = env.create_aux(
        "gh.yml",
        format!(
            "rules:\n  - id: mine.gh\n    name: Mine\n    keywords: [ghp_]\n    pattern: '\\b(?P<secret>ghp_[A-Za-z0-9]{{36}})\\b'\n    confidence: high\n    check: crc32-base62\n    examples: ['t = {}']\n    negative_examples: ['t = {}']\n",
            broken(&github_pat(5)),
            broken(&github_pat(6)),
        ),
    );
    let run = run(env.sprawl().args(["rules", "check", "--rules"]).arg(&rules));
    run.code(1);
    assert!(
        run.stdout
            .contains("rule `mine.gh`: example 1 is not found: the secret fails the rule's `crc32-base62` check"),
        "{run:?}"
    );
    assert!(!run.stdout.contains("negative example"), "{run:?}");
}
