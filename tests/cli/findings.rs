//! What a finding says: where the secret is (1-based lines, byte columns, end exclusive), its
//! fingerprint, and how much of the secret is shown.

use crate::util::{
    blob, github_pat, hushword, only_finding, run, token, TestEnv, BLOB_BEGIN, BLOB_END,
};

/// `(line, column, end_line, end_column)` of the only finding when `contents` is `file.txt`.
fn location_of(contents: &str) -> (usize, usize, usize, usize) {
    let env = TestEnv::new();
    env.create("file.txt", contents);
    let (report, code) = env.report(&[], &["file.txt"]);
    assert_eq!(code, 1);
    let f = only_finding(&report);
    (f.line, f.column, f.end_line, f.end_column)
}

#[test]
fn a_secret_mid_line_is_placed_in_bytes() {
    // `naïve` is 5 characters but 6 bytes: columns count bytes.
    let secret = token(1);
    assert_eq!(secret.len(), 35);
    let contents = format!("# header\nnaïve = \"{secret}\"; # trailing words\nlast\n");
    assert_eq!(location_of(&contents), (2, 11, 2, 46));
}

#[test]
fn a_secret_on_a_crlf_line_is_placed_without_the_cr() {
    let contents = format!("first\r\nvalue: {}\r\nlast\r\n", token(1));
    assert_eq!(location_of(&contents), (2, 8, 2, 43));
}

#[test]
fn a_crlf_line_shows_no_carriage_return_in_text() {
    let env = TestEnv::new();
    env.create(
        "file.txt",
        format!("first\r\nvalue: {}\r\nlast\r\n", token(1)),
    );
    let run = run(env.scan().arg("file.txt"));
    run.code(1);
    assert_eq!(
        run.stdout,
        "file.txt (1 finding)\n  file.txt:2:8  test.token  spra…  (Test token, high confidence)\n      value: spra…\n"
    );
}

#[test]
fn a_secret_on_the_last_line_without_newline_is_placed() {
    let contents = format!("a\nbb\nend {}", token(1));
    assert_eq!(location_of(&contents), (3, 5, 3, 40));
}

#[test]
fn a_multi_line_secret_ends_on_its_last_line() {
    let contents = format!("intro\npem: {}\nafter\n", blob(1));
    let end_column = BLOB_END.len() + 1;
    assert_eq!(location_of(&contents), (2, 6, 5, end_column));
}

#[test]
fn the_fingerprint_stays_when_the_secret_moves() {
    let env = TestEnv::new();
    let secret = token(1);
    env.create("a.txt", format!("x = {secret}\n"));
    let (first, _) = env.report(&[], &["."]);
    std::fs::remove_file(env.path("a.txt")).unwrap();
    env.create(
        "elsewhere/b.cfg",
        format!("one\ntwo\nthree\n    moved: {secret} # now here\n"),
    );
    let (second, code) = env.report(&[], &["."]);
    assert_eq!(code, 1);
    let (before, after) = (only_finding(&first), only_finding(&second));
    assert_eq!((after.path.as_str(), after.line), ("elsewhere/b.cfg", 4));
    assert_eq!(before.fingerprint, after.fingerprint);
    assert_eq!(before.fingerprint.len(), 64);
    assert!(before
        .fingerprint
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
}

#[test]
fn the_fingerprint_differs_for_another_secret() {
    let env = TestEnv::new();
    env.create("a.txt", format!("x = {}\n", token(1)));
    env.create("b.txt", format!("x = {}\n", token(2)));
    env.create("c.txt", format!("x = {}\n", token(1)));
    let (report, code) = env.report(&[], &["."]);
    assert_eq!(code, 1);
    let prints: Vec<&str> = report
        .findings
        .iter()
        .map(|f| f.fingerprint.as_str())
        .collect();
    assert_eq!(prints.len(), 3);
    assert_ne!(prints[0], prints[1]);
    assert_eq!(prints[0], prints[2]);
}

/// A fixture with one secret of each kind; returns the secrets and the parts of them that must
/// never be printed when redacting.
fn plant_every_kind(env: &TestEnv) -> Vec<String> {
    let token = token(1);
    let short = hushword(2, 12);
    let pat = github_pat(3);
    let blob = blob(4);
    env.create(
        "app/settings.py",
        format!("x = {token}\nhushword = \"{short}\"\n"),
    );
    env.create("deploy/ci.txt", format!("the deploy uses {pat} today\n"));
    env.create("keys/test.blob", format!("{blob}\n"));
    let mut never = vec![token.clone(), short.clone(), pat.clone(), blob.clone()];
    // What follows the shown prefix, and each line of the multi-line secret's body.
    never.push(token[4..].to_string());
    never.push(short[3..].to_string());
    never.push(pat[4..].to_string());
    never.extend(blob.lines().skip(1).take(2).map(str::to_string));
    never
}

#[test]
fn secrets_are_redacted_by_default_in_every_format() {
    let env = TestEnv::new();
    let never = plant_every_kind(&env);
    for format in ["text", "json", "jsonl", "sarif"] {
        for extra in [&[][..], &["-v"], &["--color", "always"]] {
            let run = run(env.scan().args(["--format", format]).args(extra).arg("."));
            run.code(1);
            for secret in &never {
                assert!(
                    !run.stdout.contains(secret.as_str()) && !run.stderr.contains(secret.as_str()),
                    "{format} {extra:?} shows {secret:?}:\n{run:?}"
                );
            }
        }
    }
}

#[test]
fn redaction_shows_at_most_the_first_four_characters() {
    let env = TestEnv::new();
    plant_every_kind(&env);
    let short = hushword(2, 12);
    let (report, code) = env.report(&[], &["."]);
    assert_eq!(code, 1);
    let shown: Vec<(&str, &str)> = report
        .findings
        .iter()
        .map(|f| (f.rule_id.as_str(), f.secret.as_str()))
        .collect();
    assert_eq!(
        shown,
        [
            ("test.token", "spra…"),
            // 12 characters: a quarter of them is shown.
            ("test.hushword", &*format!("{}…", &short[..3])),
            ("github.pat", "ghp_…"),
            ("test.blob", "----…"),
        ]
    );
}

#[test]
fn no_redact_shows_secrets_whole() {
    let env = TestEnv::new();
    plant_every_kind(&env);
    let secrets = [token(1), hushword(2, 12), github_pat(3), blob(4)];
    let (report, code) = env.report(&["--no-redact"], &["."]);
    assert_eq!(code, 1);
    let shown: Vec<&str> = report.findings.iter().map(|f| f.secret.as_str()).collect();
    assert_eq!(
        shown,
        secrets.iter().map(String::as_str).collect::<Vec<_>>()
    );

    let text = run(env.scan().args(["--no-redact", "."]));
    text.code(1);
    for secret in &secrets[..3] {
        assert!(text.stdout.contains(secret.as_str()), "{secret}: {text:?}");
    }
    // Text shows the line a secret starts on: a multi-line secret's first line.
    assert!(
        text.stdout.contains(&format!("      {BLOB_BEGIN}\n")),
        "{text:?}"
    );
}

#[test]
fn two_secrets_on_one_line_are_both_masked_in_text() {
    let env = TestEnv::new();
    let (first, second) = (token(1), token(2));
    env.create("pair.env", format!("A={first} B={second}\n"));
    let run = run(env.scan().arg("pair.env"));
    run.code(1);
    for secret in [&first, &second] {
        assert!(
            !run.stdout.contains(secret.as_str()),
            "the text report shows {secret} in clear:\n{}",
            run.stdout
        );
    }
    assert_eq!(
        run.stdout.matches("      A=spra… B=spra…\n").count(),
        2,
        "{}",
        run.stdout
    );
}
