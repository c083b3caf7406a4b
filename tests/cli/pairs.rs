//! Secrets found with their identifier: an AWS access key id and its secret key near each other
//! are one finding, the secret key carrying the key id, shown redacted like the secret.

use crate::util::{run, Fake, TestEnv};

/// A fake AWS access key id: `AKIA` then 16 base32 characters.
fn key_id(seed: u64) -> String {
    let base32 = |c: char| match c {
        'A'..='Z' => c,
        _ => (b'2' + (c as u8) % 6) as char,
    };
    let tail: String = Fake::new(seed)
        .alphanumeric(16)
        .to_ascii_uppercase()
        .chars()
        .map(base32)
        .collect();
    format!("AKIA{tail}")
}

/// A fake AWS secret access key: 40 characters of the base64 alphabet.
fn secret_key(seed: u64) -> String {
    let mut key = Fake::new(seed).alphanumeric(40);
    key.replace_range(10..11, "/");
    key
}

#[test]
fn an_aws_key_pair_is_one_finding_and_its_key_id_is_listed_at_its_own_line() {
    let env = TestEnv::new();
    let (id, secret, lone) = (key_id(1), secret_key(2), key_id(3));
    env.create(
        "credentials",
        format!(
            "[default]\naws_access_key_id = {id}\naws_secret_access_key = {secret}\n\n[other]\naws_access_key_id = {lone}\n"
        ),
    );
    let (report, code) = env.report(&["--no-redact"], &["credentials"]);
    assert_eq!(code, 1);
    let found: Vec<(&str, usize, &str, Option<&str>)> = report
        .findings
        .iter()
        .map(|f| {
            (
                f.rule_id.as_str(),
                f.line,
                f.secret.as_str(),
                f.paired_id.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        found,
        vec![
            ("aws.access-key-id", 2, id.as_str(), None),
            ("aws.access-key-pair", 3, secret.as_str(), Some(id.as_str())),
            ("aws.access-key-id", 6, lone.as_str(), None),
        ]
    );
}

#[test]
fn the_paired_key_id_is_redacted_like_the_secret() {
    let env = TestEnv::new();
    let (id, secret) = (key_id(4), secret_key(5));
    env.create(
        "keys.csv",
        format!("User,Access key ID,Secret access key\nci,{id},{secret}\n"),
    );
    let text = run(env.scan().arg("keys.csv"));
    text.code(1);
    assert!(
        text.stdout.contains(&format!(
            "aws.access-key-pair  {}… (with AKIA…)",
            &secret[..4]
        )),
        "{}",
        text.stdout
    );
    assert!(
        !text.stdout.contains(&id) && !text.stdout.contains(&secret),
        "{}",
        text.stdout
    );
    let (report, _) = env.report(&[], &["keys.csv"]);
    let rules: Vec<&str> = report.findings.iter().map(|f| f.rule_id.as_str()).collect();
    assert_eq!(rules, ["aws.access-key-id", "aws.access-key-pair"]);
    assert_eq!(report.findings[0].secret, "AKIA…");
    assert_eq!(report.findings[1].paired_id.as_deref(), Some("AKIA…"));
    let sarif = run(env.scan().args(["--format", "sarif", "keys.csv"]));
    let log: serde_json::Value = serde_json::from_str(&sarif.stdout).unwrap();
    assert_eq!(
        log["runs"][0]["results"][1]["properties"]["pairedId"],
        "AKIA…"
    );
}
