//! Inline markers: a `sprawl:allow` that names no loaded rule says so, and the markers of
//! gitleaks and detect-secrets allow findings unless the config switches them off.

use crate::util::{run, token, TestEnv};

#[test]
fn a_misspelt_id_in_sprawl_allow_is_a_warning_with_a_suggestion() {
    let env = TestEnv::new();
    env.create(
        "app.env",
        format!("a = 1\nTOKEN = {} # sprawl:allow test.tokn\n", token(1)),
    );
    let (report, run) = env.scan_json(&[]);
    run.code(1);
    assert_eq!(report.findings.len(), 1);
    let expected = "line 2: `sprawl:allow test.tokn` names no loaded rule (did you mean `test.token`?), so it does not allow this test.token finding";
    assert_eq!(report.warnings.len(), 1, "{:?}", report.warnings);
    assert_eq!(report.warnings[0].path, "app.env");
    assert!(
        report.warnings[0].message.starts_with(expected),
        "{:?}",
        report.warnings
    );
    assert!(
        run.stderr
            .contains(&format!("sprawl: warning: app.env: {expected}")),
        "{}",
        run.stderr
    );
    // The right id allows it, without a word.
    env.create(
        "app.env",
        format!("TOKEN = {} # sprawl:allow test.token\n", token(1)),
    );
    let (report, run) = env.scan_json(&[]);
    run.code(0);
    assert!(report.warnings.is_empty() && !run.stderr.contains("warning"));
}

#[test]
fn gitleaks_and_detect_secrets_markers_allow_findings_by_default() {
    let env = TestEnv::new();
    env.create(
        "app.py",
        format!(
            "A = \"{}\"  # gitleaks:allow\nB = \"{}\"  # pragma: allowlist secret\n# pragma: allowlist nextline secret\nC = \"{}\"\nD = \"{}\"\n",
            token(1),
            token(2),
            token(3),
            token(4)
        ),
    );
    let (report, code) = env.report(&[], &["."]);
    assert_eq!(code, 1);
    let lines: Vec<usize> = report.findings.iter().map(|f| f.line).collect();
    assert_eq!(lines, [5]);
    assert_eq!(report.stats.suppressed.inline, 3);
    // Switched off in the config, they are plain comments.
    env.create(".sprawl.yml", "foreign_allow_markers: false\n");
    let run = run(env
        .sprawl()
        .args(["scan", "--format", "json", "--rules"])
        .arg(env.rules_file()));
    run.code(1);
    let lines: Vec<usize> = run.json().findings.iter().map(|f| f.line).collect();
    assert_eq!(lines, [1, 2, 4, 5]);
}
