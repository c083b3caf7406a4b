//! The report formats (text, json, jsonl, sarif), where they go (`-o`, a closed pipe), colour,
//! and snapshots of the machine-readable ones.

use std::collections::BTreeSet;

use serde_json::Value;
use sprawl::report::{FindingRecord, JsonReport};

use crate::util::{hushword, run, token, TestEnv, SPRAWL};

/// `a.txt` with one token, `b/c.txt` with a hushword and a token on its last line (no newline).
fn plant_two_files(env: &TestEnv) {
    env.create("a.txt", format!("one\nx = {}\n", token(1)));
    env.create(
        "b/c.txt",
        format!("hushword = \"{}\"\nend {}", hushword(2, 12), token(2)),
    );
}

#[test]
fn text_groups_findings_by_file() {
    let env = TestEnv::new();
    plant_two_files(&env);
    let hush = hushword(2, 12);
    let run = run(env.scan().arg("."));
    run.code(1);
    let expected = format!(
        "\
a.txt (1 finding)
  a.txt:2:5  test.token  spra…  (Test token, high confidence)
      x = spra…

b/c.txt (2 findings)
  b/c.txt:1:13  test.hushword  {shown}  (Test hushword, medium confidence)
      hushword = \"{shown}\"
  b/c.txt:2:5  test.token  spra…  (Test token, high confidence)
      end spra…
",
        shown = format!("{}…", &hush[..3])
    );
    assert_eq!(run.stdout, expected);
}

/// `plant_two_files` plus a binary file, an oversized one (under `-max-file-size 1K`) and, on
/// unix, a symlink: something skipped for each reason a walk can give.
fn plant_skips(env: &TestEnv) {
    plant_two_files(env);
    env.create("logo.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    env.create("big.log", ".".repeat(2000));
    #[cfg(unix)]
    std::os::unix::fs::symlink("a.txt", env.path("link.txt")).unwrap();
}

#[test]
fn text_summary_counts_files_skips_and_findings() {
    let env = TestEnv::new();
    plant_skips(&env);
    let bytes = std::fs::metadata(env.path("a.txt")).unwrap().len()
        + std::fs::metadata(env.path("b/c.txt")).unwrap().len();
    let run = run(env.scan().args(["--max-file-size", "1K", "."]));
    run.code(1);
    let skipped = if cfg!(unix) {
        "skipped 3 (1 binary, 1 too large, 1 symlink)"
    } else {
        "skipped 2 (1 binary, 1 too large)"
    };
    let pattern = format!(
        r"^sprawl: 3 findings \(2 high, 1 medium\) in 2 files; scanned 2 files \({bytes} B\) in \d+\.\d\d s(?:, \d+(?:\.\d)? (?:B|KiB|MiB|GiB)/s)?; {}\n$",
        regex::escape(skipped)
    );
    assert!(
        regex::Regex::new(&pattern).unwrap().is_match(&run.stderr),
        "{pattern}\n{run:?}"
    );
}

#[test]
fn quiet_prints_findings_but_no_summary() {
    let env = TestEnv::new();
    plant_two_files(&env);
    let run = run(env.scan().args(["-q", "."]));
    run.code(1);
    assert_eq!(run.stderr, "");
    assert!(run.stdout.starts_with("a.txt (1 finding)\n"), "{run:?}");
}

#[test]
fn verbose_lists_skipped_files_and_the_config_used() {
    let env = TestEnv::new();
    plant_skips(&env);
    let run = run(env.scan().args(["-v", "--max-file-size", "1K", "."]));
    run.code(1);
    let rules = rule_count(&env);
    let mut expected = vec![
        "sprawl: no config file".to_string(),
        format!("sprawl: {rules} rules loaded"),
        "sprawl: skipped big.log (too large)".to_string(),
    ];
    if cfg!(unix) {
        expected.push("sprawl: skipped link.txt (symlink)".to_string());
    }
    expected.push("sprawl: skipped logo.png (binary)".to_string());
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines[..expected.len()], expected, "{run:?}");
    assert!(
        lines[expected.len()].starts_with("sprawl: 3 findings"),
        "{run:?}"
    );
}

/// The number of rules `sprawl rules list --rules aux/rules.yml` lists.
fn rule_count(env: &TestEnv) -> usize {
    let run = run(env
        .sprawl()
        .args(["rules", "list", "--rules"])
        .arg(env.rules_file()));
    run.code(0);
    run.stdout.lines().count() - 1
}

#[test]
fn color_always_paints_and_never_does_not() {
    let env = TestEnv::new();
    plant_two_files(&env);
    let always = run(env.scan().args(["--color", "always", "."]));
    always.code(1);
    assert!(always.stdout.contains("\x1b["), "{always:?}");
    // The path is painted, and the masked secret.
    assert!(always.stdout.contains("a.txt\x1b[0m"), "{always:?}");
    for args in [&["--color", "never"][..], &["--color", "auto"], &[]] {
        let plain = run(env.scan().args(args).arg(".").env("NO_COLOR", "1"));
        assert!(!plain.stdout.contains('\x1b'), "{args:?} {plain:?}");
        let plain = run(env.scan().args(args).arg("."));
        assert!(!plain.stdout.contains('\x1b'), "{args:?} {plain:?}");
    }
}

/// `auto` colours a terminal unless NO_COLOR is set. The terminal comes from util-linux
/// `script`, which runs a command on a pseudo-terminal.
#[cfg(target_os = "linux")]
#[test]
fn no_color_turns_auto_colour_off_on_a_terminal() {
    let env = TestEnv::new();
    plant_two_files(&env);
    let command = format!(
        "'{SPRAWL}' scan --no-config --no-progress --rules '{}' a.txt",
        env.rules_file().display()
    );
    assert!(
        std::process::Command::new("script")
            .arg("--version")
            .output()
            .is_ok(),
        "this test needs `script` from util-linux to run sprawl on a terminal"
    );
    let on_terminal = |no_color: Option<&str>| {
        let mut cmd = assert_cmd::Command::new("script");
        cmd.args(["-qec", &command, "/dev/null"])
            .current_dir(env.root())
            .env_remove("NO_COLOR");
        if let Some(value) = no_color {
            cmd.env("NO_COLOR", value);
        }
        run(&mut cmd)
    };
    let coloured = on_terminal(None);
    assert!(
        coloured.stdout.contains("\x1b["),
        "auto should colour a terminal: {coloured:?}"
    );
    let plain = on_terminal(Some("1"));
    assert!(plain.stdout.contains("a.txt:2:5"), "{plain:?}");
    assert!(!plain.stdout.contains('\x1b'), "{plain:?}");
}

#[test]
fn json_report_has_version_findings_and_stats() {
    let env = TestEnv::new();
    plant_skips(&env);
    let (report, code) = env.report(&["--max-file-size", "1K"], &["."]);
    assert_eq!(code, 1);
    assert_eq!(report.version, 1);
    let a = &report.findings[0];
    assert_eq!(
        (a.rule_id.as_str(), a.rule_name.as_str(), a.path.as_str()),
        ("test.token", "Test token", "a.txt")
    );
    assert_eq!((a.line, a.column, a.end_line, a.end_column), (2, 5, 2, 40));
    assert_eq!(a.secret, "spra…");
    assert_eq!(serde_json::to_value(a.confidence).unwrap(), "high");
    assert!(a.entropy > 3.0 && a.entropy <= 8.0, "{}", a.entropy);
    let rules: Vec<&str> = report.findings.iter().map(|f| f.rule_id.as_str()).collect();
    assert_eq!(rules, ["test.token", "test.hushword", "test.token"]);

    let stats = &report.stats;
    assert_eq!(stats.files_scanned, 2);
    let bytes = std::fs::metadata(env.path("a.txt")).unwrap().len()
        + std::fs::metadata(env.path("b/c.txt")).unwrap().len();
    assert_eq!(stats.bytes_scanned, bytes);
    assert_eq!(
        (
            stats.skipped.binary,
            stats.skipped.too_large,
            stats.skipped.special
        ),
        (1, 1, 0)
    );
    assert_eq!(stats.skipped.symlink, u64::from(cfg!(unix)));
    assert_eq!((stats.findings, stats.errors), (3, 0));
    assert_eq!(stats.rules, rule_count(&env));
    assert!(stats.elapsed_seconds >= 0.0);
    assert!(report.errors.is_empty());
}

#[test]
fn an_empty_json_report_is_still_a_document() {
    let env = TestEnv::new();
    env.create("clean.txt", "nothing\n");
    let (report, code) = env.report(&[], &["."]);
    assert_eq!(code, 0);
    assert!(report.findings.is_empty() && report.errors.is_empty());
    assert_eq!(report.stats.files_scanned, 1);
}

#[test]
fn jsonl_has_one_finding_per_line_with_the_json_fields() {
    let env = TestEnv::new();
    plant_two_files(&env);
    let (report, _) = env.report(&[], &["."]);
    let run = run(env.scan().args(["--format", "jsonl", "."]));
    run.code(1);
    assert!(run.stdout.ends_with('\n'));
    let records: Vec<FindingRecord> = run
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|err| panic!("{err}: {line:?}")))
        .collect();
    assert_eq!(records, report.findings);
    assert_eq!(records.len(), 3);
}

#[test]
fn jsonl_is_empty_when_nothing_is_found() {
    let env = TestEnv::new();
    env.create("clean.txt", "nothing\n");
    let run = run(env.scan().args(["--format", "jsonl", "."]));
    run.code(0);
    assert_eq!(run.stdout, "");
}

#[test]
fn sarif_describes_the_fired_rules_and_points_at_them() {
    let env = TestEnv::new();
    plant_two_files(&env);
    let (report, _) = env.report(&[], &["."]);
    let run = run(env.scan().args(["--format", "sarif", "."]));
    run.code(1);
    let sarif = run.json_value();
    assert_eq!(sarif["version"], "2.1.0");
    let runs = sarif["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let the_run = &runs[0];
    assert_eq!(the_run["tool"]["driver"]["name"], "sprawl");

    // Only the rules that fired are described: not test.blob, test.unused or the built-ins.
    let rules = the_run["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: BTreeSet<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, BTreeSet::from(["test.hushword", "test.token"]));
    assert_eq!(rules.len(), 2);

    let root = env.root().canonicalize().unwrap();
    assert_eq!(
        the_run["originalUriBaseIds"]["%SRCROOT%"]["uri"],
        format!("file://{}/", root.display())
    );

    let results = the_run["results"].as_array().unwrap();
    assert_eq!(results.len(), report.findings.len());
    for (result, finding) in results.iter().zip(&report.findings) {
        assert_eq!(result["ruleId"], finding.rule_id.as_str());
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], finding.rule_id.as_str(), "{result:#}");
        let location = &result["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uri"], finding.path.as_str());
        assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        let region = &location["region"];
        assert_eq!(
            [
                &region["startLine"],
                &region["startColumn"],
                &region["endLine"],
                &region["endColumn"]
            ],
            [
                &Value::from(finding.line),
                &Value::from(finding.column),
                &Value::from(finding.end_line),
                &Value::from(finding.end_column)
            ],
            "{result:#}"
        );
        let prints = result["partialFingerprints"].as_object().unwrap();
        assert!(
            prints.values().any(|v| v == finding.fingerprint.as_str()),
            "{result:#}"
        );
    }
}

#[test]
fn output_file_gets_the_report_and_stdout_nothing() {
    let env = TestEnv::new();
    plant_two_files(&env);
    let out = env.aux_path("report.json");
    let run = run(env
        .scan()
        .args(["--format", "json", "-o"])
        .arg(&out)
        .arg("."));
    run.code(1);
    assert_eq!(run.stdout, "");
    let report: JsonReport = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(report.findings.len(), 3);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{mode:o}");
    }
}

#[test]
fn output_file_for_text_has_no_colour() {
    let env = TestEnv::new();
    plant_two_files(&env);
    let out = env.aux_path("report.txt");
    let run = run(env.scan().arg("-o").arg(&out).arg("."));
    run.code(1);
    assert_eq!(run.stdout, "");
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with("a.txt (1 finding)\n"), "{text}");
    assert!(!text.contains('\x1b'));
}

/// `sprawl ... | head -c0`: the reader is gone before sprawl has written its report. The report
/// is made far larger than a pipe buffer, so the writes cannot all land before the reader goes.
#[cfg(unix)]
#[test]
fn a_closed_stdout_pipe_is_not_an_error() {
    let env = TestEnv::new();
    // 3000 findings (a report of hundreds of KiB in every format), spread over 30 files.
    let line = format!("x = {}\n", token(1));
    for i in 0..30 {
        env.create(&format!("many/{i}.txt"), line.repeat(100));
    }
    for format in ["text", "json", "jsonl", "sarif"] {
        let mut cmd = assert_cmd::Command::new("sh");
        cmd.current_dir(env.root())
            .arg("-c")
            .arg(r#"{ "$0" "$@"; echo "sprawl exited $?" >&2; } | head -c0"#)
            .arg(SPRAWL)
            .args(["scan", "--no-config", "--format", format, "--rules"])
            .arg(env.rules_file())
            .arg("many");
        let run = run(&mut cmd);
        assert!(
            run.stderr.ends_with("sprawl exited 1\n"),
            "{format}: {}",
            run.stderr
        );
        assert!(!run.stderr.contains("panicked"), "{format}: {}", run.stderr);
        assert!(!run.stderr.contains("error"), "{format}: {}", run.stderr);
    }
}

/// The fixed fixture the snapshots are taken of.
fn plant_snapshot_fixture(env: &TestEnv) {
    env.create(
        "app/settings.py",
        format!(
            "DEBUG = False\nx = \"{}\"\nhushword = \"{}\"\n",
            token(100),
            hushword(101, 16)
        ),
    );
    env.create(".env", format!("VALUE={}\n", token(102)));
    env.create("README.md", "# nothing to see\n");
}

#[test]
fn json_snapshot() {
    let env = TestEnv::new();
    plant_snapshot_fixture(&env);
    let run = run(env.scan().args(["--format", "json", "-j", "1", "."]));
    run.code(1);
    insta::assert_json_snapshot!("json_report", run.json_value(), {
        ".stats.elapsed_seconds" => "[elapsed]",
        // The built-in rule pack grows; the count is checked against `rules list` elsewhere.
        ".stats.rules" => "[rule count]",
    });
}

#[test]
fn sarif_snapshot() {
    let env = TestEnv::new();
    plant_snapshot_fixture(&env);
    let run = run(env.scan().args(["--format", "sarif", "-j", "1", "."]));
    run.code(1);
    insta::assert_json_snapshot!("sarif_log", run.json_value(), {
        ".runs[].originalUriBaseIds[\"%SRCROOT%\"].uri" => "[scan root]",
        ".runs[].tool.driver.version" => "[version]",
        ".runs[].tool.driver.semanticVersion" => "[version]",
    });
}
