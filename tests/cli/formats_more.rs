//! The `csv` and `junit` formats: parsed back (with the `csv` crate and quick-xml's reader) and
//! checked against the `json` report of the same scan, plus snapshots of a small fixture.

use quick_xml::events::Event;
use quick_xml::Reader;

use crate::util::{hushword, run, token, TestEnv};

/// The CSV header, the `json` finding record's fields in order.
const CSV_HEADER: [&str; 23] = [
    "rule_id",
    "rule_name",
    "path",
    "archive",
    "line",
    "column",
    "end_line",
    "end_column",
    "secret",
    "paired_id",
    "fingerprint",
    "entropy",
    "confidence",
    "demoted_from",
    "demoted_reason",
    "part",
    "commit",
    "author",
    "email",
    "date",
    "message",
    "occurrences",
    "encoding",
];

/// Two files with findings, one of them named with a comma and a quote (CSV and XML both have to
/// escape it), and a clean file.
fn plant_fixture(env: &TestEnv) {
    env.create(
        "app/settings.py",
        format!(
            "DEBUG = False\nx = \"{}\"\nhushword = \"{}\"\n",
            token(200),
            hushword(201, 16)
        ),
    );
    env.create("we\"ird,<name>&.env", format!("VALUE={}\n", token(202)));
    env.create("README.md", "# nothing to see\n");
}

/// Standard output of `scan --format <format> -j 1 <args> .`, which must exit with `code`.
fn scan(env: &TestEnv, format: &str, args: &[&str], code: i32) -> String {
    let run = run(env
        .scan()
        .args(["--format", format, "-j", "1"])
        .args(args)
        .arg("."));
    run.code(code);
    run.stdout
}

/// The cell a CSV column must hold for a finding: the JSON field of the same name, as text,
/// empty when the field is absent, a list joined by `>` (the chain of encodings). Read from the JSON by name, not rebuilt from the record
/// type, so a column wired to the wrong field fails here.
fn expected_cell(finding: &serde_json::Value, column: &str) -> String {
    // The columns made of a JSON object's fields.
    let text = |value: &serde_json::Value| value.as_str().unwrap_or_default().to_string();
    match column {
        "demoted_from" => return text(&finding["demoted"]["from"]),
        "demoted_reason" if finding["demoted"].is_object() => {
            let demoted = &finding["demoted"];
            return format!(
                "{}: {}",
                text(&demoted["reason"]),
                text(&demoted["evidence"])
            );
        }
        "part" if finding["part"].is_object() => {
            let part = &finding["part"];
            return format!(
                "{}:{}:{}",
                text(&part["name"]),
                part["line"],
                part["column"]
            );
        }
        "demoted_reason" | "part" => return String::new(),
        _ => {}
    }
    match &finding[column] {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(text) => text.clone(),
        serde_json::Value::Array(items) => items
            .iter()
            .map(|item| item.as_str().unwrap_or_default())
            .collect::<Vec<_>>()
            .join(">"),
        other => other.to_string(),
    }
}

fn parse_csv(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader
        .records()
        .map(|row| row.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

#[test]
fn csv_rows_hold_the_json_finding_fields() {
    let env = TestEnv::new();
    plant_fixture(&env);
    let json: serde_json::Value = serde_json::from_str(&scan(&env, "json", &[], 1)).unwrap();
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 3, "{json:#}");
    let (header, rows) = parse_csv(&scan(&env, "csv", &[], 1));
    assert_eq!(header, CSV_HEADER);
    let expected: Vec<Vec<String>> = findings
        .iter()
        .map(|finding| {
            CSV_HEADER
                .iter()
                .map(|column| expected_cell(finding, column))
                .collect()
        })
        .collect();
    assert_eq!(rows, expected);
    assert!(rows.iter().any(|row| row[2] == "we\"ird,<name>&.env"));
    assert!(
        rows.iter().all(|row| !row[8].contains("sprawltest_")),
        "{rows:?}"
    );
}

#[test]
fn csv_no_redact_shows_secrets_whole() {
    let env = TestEnv::new();
    plant_fixture(&env);
    let (_, rows) = parse_csv(&scan(&env, "csv", &["--no-redact"], 1));
    let secrets: Vec<&str> = rows.iter().map(|row| row[8].as_str()).collect();
    assert!(secrets.contains(&token(200).as_str()), "{secrets:?}");
    assert!(secrets.contains(&hushword(201, 16).as_str()), "{secrets:?}");
}

#[test]
fn csv_with_no_findings_is_the_header_alone() {
    let env = TestEnv::new();
    env.create("README.md", "# nothing to see\n");
    let stdout = scan(&env, "csv", &[], 0);
    assert_eq!(stdout, format!("{}\n", CSV_HEADER.join(",")));
}

/// What a JUnit document holds, as read back by quick-xml.
#[derive(Debug, Default)]
struct Junit {
    suites: usize,
    testcases: usize,
    /// `(message attribute, body)` of each `failure`.
    failures: Vec<(String, String)>,
}

fn parse_junit(xml: &str) -> Junit {
    let mut reader = Reader::from_str(xml);
    let mut junit = Junit::default();
    let mut in_failure = false;
    loop {
        match reader.read_event().unwrap() {
            Event::Start(tag) | Event::Empty(tag) => match tag.name().as_ref() {
                b"testsuite" => junit.suites += 1,
                b"testcase" => junit.testcases += 1,
                b"failure" => {
                    let message = tag
                        .try_get_attribute("message")
                        .unwrap()
                        .expect("failure has a message")
                        .unescape_value()
                        .unwrap()
                        .into_owned();
                    junit.failures.push((message, String::new()));
                    in_failure = true;
                }
                _ => {}
            },
            Event::Text(text) if in_failure => {
                let body = text.unescape().unwrap();
                junit.failures.last_mut().unwrap().1.push_str(&body);
            }
            Event::End(tag) if tag.name().as_ref() == b"failure" => in_failure = false,
            Event::Eof => break,
            _ => {}
        }
    }
    junit
}

#[test]
fn junit_fails_one_testcase_per_finding_with_the_secret_redacted() {
    let env = TestEnv::new();
    plant_fixture(&env);
    let (report, _) = env.report(&["-j", "1"], &["."]);
    let junit = parse_junit(&scan(&env, "junit", &[], 1));
    assert_eq!(junit.suites, 1);
    assert_eq!(junit.testcases, 3);
    assert_eq!(junit.failures.len(), 3);
    for (finding, (message, body)) in report.findings.iter().zip(&junit.failures) {
        assert!(message.contains(&finding.rule_id), "{message}");
        assert!(message.contains(&finding.path), "{message}");
        assert!(
            message.contains(&format!("line {}", finding.line)),
            "{message}"
        );
        assert!(body.contains(&finding.secret), "{body}");
    }
    let all = format!("{junit:?}");
    for secret in [token(200), hushword(201, 16), token(202)] {
        assert!(!all.contains(&secret), "{all}");
    }
}

#[test]
fn junit_no_redact_shows_secrets_whole() {
    let env = TestEnv::new();
    plant_fixture(&env);
    let junit = parse_junit(&scan(&env, "junit", &["--no-redact"], 1));
    let bodies: String = junit
        .failures
        .iter()
        .map(|(_, body)| body.as_str())
        .collect();
    for secret in [token(200), hushword(201, 16), token(202)] {
        assert!(bodies.contains(&secret), "{bodies}");
    }
}

#[test]
fn junit_with_no_findings_is_one_passing_testcase() {
    let env = TestEnv::new();
    env.create("README.md", "# nothing to see\n");
    let junit = parse_junit(&scan(&env, "junit", &[], 0));
    assert_eq!((junit.suites, junit.testcases), (1, 1));
    assert!(junit.failures.is_empty());
}

#[test]
fn csv_snapshot() {
    let env = TestEnv::new();
    plant_fixture(&env);
    insta::assert_snapshot!("csv_report", scan(&env, "csv", &[], 1));
}

#[test]
fn junit_snapshot() {
    let env = TestEnv::new();
    plant_fixture(&env);
    let xml = scan(&env, "junit", &[], 1);
    let elapsed = regex::Regex::new(r#"time="\d+\.\d+""#).unwrap();
    insta::assert_snapshot!(
        "junit_report",
        elapsed.replace_all(&xml, r#"time="[elapsed]""#)
    );
}
