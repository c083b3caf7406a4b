//! Encoded secrets: base64, hex and percent-encoded text decoded and scanned again, each finding
//! placed on the encoded text and saying how it was encoded; `--no-decode`, `--decode-depth`
//! and the config's `decode` section.
//!
//! Every encoded fixture is built here from the generated secrets of [`crate::util`], with the
//! `base64` crate as an encoder independent of sprawl's decoder.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use sprawl::engine::Encoding;
use sprawl::report::{FindingRecord, JsonReport};

use crate::util::{hushword, only_finding, run, token, TestEnv};

fn b64(text: &str) -> String {
    STANDARD.encode(text)
}

/// The finding of `rule` in `report`; panics unless there is exactly one.
#[track_caller]
fn finding<'r>(report: &'r JsonReport, rule: &str) -> &'r FindingRecord {
    let found: Vec<&FindingRecord> = report
        .findings
        .iter()
        .filter(|finding| finding.rule_id == rule)
        .collect();
    assert_eq!(found.len(), 1, "{:#?}", report.findings);
    found[0]
}

/// 1-based byte column of `needle` in `line`.
fn column_of(line: &str, needle: &str) -> usize {
    line.find(needle).expect("the needle is on the line") + 1
}

#[test]
fn kubernetes_secret_data_is_decoded_and_placed_on_its_base64() {
    let env = TestEnv::new();
    let password = hushword(1, 18);
    let (password_b64, token_b64) = (b64(&password), b64(&token(2)));
    let password_line = format!("  db-password: {password_b64}");
    let token_line = format!("  api-token: {token_b64}");
    env.create(
        "k8s/secret.yaml",
        format!(
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\ntype: Opaque\ndata:\n{password_line}\n{token_line}\n"
        ),
    );
    // The same token in clear elsewhere: its fingerprint is the decoded one's.
    env.create("plain.env", format!("TOKEN={}\n", token(2)));
    let (report, code) = env.report(&["--no-redact"], &["."]);
    assert_eq!(code, 1);
    assert_eq!(report.findings.len(), 3, "{:#?}", report.findings);

    let pass = finding(&report, "generic.password");
    assert_eq!(pass.path, "k8s/secret.yaml");
    assert_eq!(pass.secret, password);
    assert_eq!(pass.encoding, vec![Encoding::Base64]);
    assert_eq!(
        (pass.line, pass.column),
        (7, column_of(&password_line, &password_b64))
    );

    let decoded: Vec<&FindingRecord> = report
        .findings
        .iter()
        .filter(|f| f.rule_id == "test.token")
        .collect();
    assert_eq!(decoded.len(), 2, "{:#?}", report.findings);
    // Sorted by path: the Secret, then the file with the token in clear.
    let (encoded, plain) = (decoded[0], decoded[1]);
    assert_eq!(encoded.path, "k8s/secret.yaml");
    assert_eq!(encoded.line, 8);
    assert_eq!(encoded.column, column_of(&token_line, &token_b64));
    assert!(encoded.end_column <= encoded.column + token_b64.len());
    assert_eq!(encoded.secret, token(2));
    assert_eq!(encoded.fingerprint, plain.fingerprint);
    assert!(plain.encoding.is_empty());
}

#[test]
fn a_basic_auth_header_reports_the_decoded_password() {
    let env = TestEnv::new();
    let password = hushword(3, 16);
    let header = b64(&format!("deploy:{password}"));
    env.create(
        "deploy.sh",
        format!("#!/bin/sh\ncurl -fsS -H \"Authorization: Basic {header}\" https://ci.acme.internal/api\n"),
    );
    let (report, code) = env.report(&["--no-redact"], &["."]);
    assert_eq!(code, 1);
    let found = only_finding(&report);
    assert_eq!(found.rule_id, "http.basic-auth-header");
    assert_eq!(found.secret, password);
    assert_eq!(found.encoding, vec![Encoding::Base64]);
    assert_eq!(found.line, 2);
    // The password sits after `deploy:`, so its base64 starts inside the encoded text.
    let start = column_of("curl -fsS -H \"Authorization: Basic ", "Basic ") + 6;
    assert!(found.column > start && found.end_column <= start + header.len());
}

#[test]
fn a_percent_encoded_password_in_a_url_is_reported_decoded() {
    let env = TestEnv::new();
    let password = format!("{}@{}#", hushword(4, 8), hushword(5, 8));
    let encoded = password.replace('@', "%40").replace('#', "%23");
    let line = format!("DATABASE_URL=postgres://billing:{encoded}@db.internal:5432/billing");
    env.create("app.env", format!("{line}\n"));
    let (report, code) = env.report(&["--no-redact"], &["."]);
    assert_eq!(code, 1);
    let found = only_finding(&report);
    assert_eq!(found.rule_id, "database.connection-url");
    assert_eq!(found.secret, password);
    assert_eq!(found.encoding, vec![Encoding::Percent]);
    assert_eq!(found.column, column_of(&line, &encoded));
    assert_eq!(found.end_column, found.column + encoded.len());
}

#[test]
fn a_base64_env_file_in_a_ci_variable_is_scanned_line_by_line() {
    let env = TestEnv::new();
    let dotenv = format!(
        "# production\nAPP_TOKEN={}\nOTHER=1\nhushword = \"{}\"\n",
        token(6),
        hushword(7, 14)
    );
    let encoded = b64(&dotenv);
    env.create(
        ".gitlab-ci.yml",
        format!("variables:\n  ENV_FILE_B64: \"{encoded}\"\n"),
    );
    let (report, code) = env.report(&["--no-redact"], &["."]);
    assert_eq!(code, 1);
    let ids: Vec<&str> = report.findings.iter().map(|f| f.rule_id.as_str()).collect();
    assert_eq!(
        ids,
        ["test.token", "test.hushword"],
        "{:#?}",
        report.findings
    );
    let start = column_of("  ENV_FILE_B64: \"", "\"") + 1;
    for found in &report.findings {
        assert_eq!(found.line, 2);
        assert_eq!(found.encoding, vec![Encoding::Base64]);
        assert!(found.column > start && found.end_column <= start + encoded.len());
        // The columns point at the part of the base64 that carries the secret.
        let from = (found.column - start) / 4 * 4;
        let to = ((found.end_column - start).div_ceil(4) * 4).min(encoded.len());
        let part = STANDARD.decode(&encoded[from..to]).unwrap();
        assert!(String::from_utf8_lossy(&part).contains(&found.secret));
    }
    assert_eq!(report.findings[0].secret, token(6));
}

#[test]
fn base64_of_base64_needs_depth_two() {
    let env = TestEnv::new();
    env.create("blob.txt", format!("payload {}\n", b64(&b64(&token(8)))));
    let (report, _) = env.report(&[], &["."]);
    assert_eq!(
        only_finding(&report).encoding,
        vec![Encoding::Base64, Encoding::Base64]
    );
    let (report, code) = env.report(&["--decode-depth", "1"], &["."]);
    assert_eq!(code, 0);
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
}

#[test]
fn decoding_is_off_with_no_decode_depth_zero_or_the_config() {
    let env = TestEnv::new();
    env.create(
        "secret.yaml",
        // A key name no generic rule reads as a credential, so only decoding can find it.
        format!("data:\n  payload: {}\n", b64(&token(9))),
    );
    let (report, code) = env.report(&[], &["."]);
    assert_eq!(code, 1);
    assert_eq!(only_finding(&report).encoding, vec![Encoding::Base64]);
    for args in [&["--no-decode"][..], &["--decode-depth", "0"]] {
        let (report, out) = env.scan_json(args);
        out.code(0);
        assert!(
            report.findings.is_empty(),
            "{args:?}: {:#?}",
            report.findings
        );
    }
    let config = env.create_aux("off.yml", "decode:\n  enabled: false\n");
    let off = run(env
        .sprawl()
        .args(["scan", "--format", "json", "--rules"])
        .arg(env.rules_file())
        .arg("--config")
        .arg(&config));
    off.code(0);
    // The flag wins over the config.
    let on = run(env
        .sprawl()
        .args(["scan", "--format", "json", "--decode-depth", "1", "--rules"])
        .arg(env.rules_file())
        .arg("--config")
        .arg(&config));
    on.code(1);
}

#[test]
fn bad_decode_settings_name_the_flag_or_the_config_line() {
    let env = TestEnv::new();
    let out = run(env.scan().args(["--decode-depth", "9", "."]));
    out.code(2);
    assert!(out.stderr.contains("--decode-depth"), "{}", out.stderr);
    let config = env.create_aux(
        "bad.yml",
        "min_confidence: low\ndecode:\n  max_size: lots\n",
    );
    let out = run(env
        .sprawl()
        .args(["scan", "--config"])
        .arg(&config)
        .arg("."));
    out.code(2);
    assert!(
        out.stderr.contains("bad.yml:3:") && out.stderr.contains("decode.max_size"),
        "{}",
        out.stderr
    );
}

#[test]
fn text_and_sarif_say_how_the_secret_was_encoded() {
    let env = TestEnv::new();
    env.create("a.txt", format!("x = {}\n", b64(&token(10))));
    let text = run(env.scan().arg("a.txt"));
    text.code(1);
    assert!(
        text.stdout.contains("decoded from base64"),
        "{}",
        text.stdout
    );
    let sarif = run(env.scan().args(["--format", "sarif", "a.txt"])).json_value();
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(
        result["properties"]["encoding"],
        serde_json::json!(["base64"])
    );
    assert!(result["message"]["text"]
        .as_str()
        .unwrap()
        .contains("decoded base64"));
}

#[test]
fn a_decoded_finding_shows_its_line_as_it_is_in_the_file_masked_and_says_what_was_decoded() {
    let env = TestEnv::new();
    let secret = token(7);
    let encoded = b64(&secret);
    env.create("app.env", format!("JWT_SECRET={encoded}\n"));
    let run = run(env.scan().arg("app.env"));
    run.code(1);
    let lines: Vec<&str> = run.stdout.lines().collect();
    // The header names the decoded secret (masked) and the encoding ...
    assert!(
        lines[1].contains(&format!("{}…", &secret[..4]))
            && lines[1].ends_with("decoded from base64)"),
        "{}",
        run.stdout
    );
    // ... the line is the file's, its encoded text masked (padding past the secret's
    // characters stays): no decoded text in it.
    let (masked, tail) = lines[2].trim().split_once('…').unwrap();
    assert_eq!(masked, format!("JWT_SECRET={}", &encoded[..4]));
    assert!(encoded.ends_with(tail) && tail.len() < 4, "{}", lines[2]);
    // Whole with --no-redact: still the text of the file.
    let whole = crate::util::run(env.scan().args(["--no-redact", "app.env"]));
    let lines: Vec<&str> = whole.stdout.lines().collect();
    assert!(lines[1].contains(&secret), "{}", whole.stdout);
    assert_eq!(lines[2].trim(), format!("JWT_SECRET={encoded}"));
}

#[test]
fn a_secret_inside_a_base64_value_is_masked_within_the_encoded_text() {
    // A Docker `auth` value: base64 of `user:password`, the password's base64 starting inside
    // the encoded text. The line must not mix encoded and decoded text.
    let env = TestEnv::new();
    let auth = b64(&format!("deploy:{}", token(8)));
    env.create(
        "config.json",
        format!("{{\"auths\": {{\"registry.example.com\": {{\"auth\": \"{auth}\"}}}}}}\n"),
    );
    let run = run(env.scan().arg("config.json"));
    run.code(1);
    let snippet = run.stdout.lines().nth(2).unwrap().trim().to_string();
    assert!(
        !snippet.contains("deploy:") && !snippet.contains("sprawltest"),
        "{snippet}"
    );
    // What is shown of the value is a prefix of the base64 as written, then the mask.
    let shown = snippet
        .split("\"auth\": \"")
        .nth(1)
        .unwrap()
        .split('…')
        .next()
        .unwrap();
    assert!(auth.starts_with(shown), "{snippet} vs {auth}");
}

#[test]
fn a_spent_decode_budget_is_a_warning_naming_the_file_and_line() {
    let env = TestEnv::new();
    // Lines of short base64 text spend the budget before the encoded token is reached.
    let filler = format!("note: {}\n", b64("nothing to see in this line"));
    let lines = 3_000;
    env.create(
        "notes.txt",
        format!("{}x = {}\n", filler.repeat(lines), b64(&token(11))),
    );
    env.create("small.txt", format!("x = {}\n", b64(&token(12))));
    let config = env.create_aux("budget.yml", "decode:\n  max_size: 32KiB\n");
    let out = run(env
        .sprawl()
        .args(["scan", "--format", "json", "--rules"])
        .arg(env.rules_file())
        .arg("--config")
        .arg(&config)
        .arg("."));
    out.code(1);
    let report = out.json();
    assert_eq!(crate::util::finding_paths(&report), ["small.txt"]);
    assert_eq!(report.warnings.len(), 1, "{:#?}", report.warnings);
    let warning = &report.warnings[0];
    assert_eq!(warning.path, "notes.txt");
    assert!(
        warning.message.contains("decode budget (32 KiB")
            && warning.message.contains("from line 964 on")
            && !warning.message.contains(&token(11)),
        "{}",
        warning.message
    );
    assert!(
        out.stderr
            .contains("sprawl: warning: notes.txt: the decode budget")
            && out.stderr.contains("; 1 warning"),
        "{}",
        out.stderr
    );
    // With the default budget the same file is read whole and its token found.
    let (report, code) = env.report(&[], &["notes.txt"]);
    assert_eq!(code, 1);
    assert!(report.warnings.is_empty(), "{:#?}", report.warnings);
    assert_eq!(report.findings.len(), 1);
}
