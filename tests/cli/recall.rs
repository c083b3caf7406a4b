//! What real leaks look like (issue 14): weak passwords in files whose format says they are
//! credentials, application secrets, credentials of developer tools, and findings lowered to low
//! confidence, with the reason, in test code and documentation. The secrets are built at run
//! time; the weak passwords are common words, which is the point.

use crate::util::{github_pat, run, token, Fake, TestEnv};
use sprawl::report::JsonReport;

/// `(path, line, rule_id, confidence)` of each finding.
fn found(report: &JsonReport) -> Vec<(String, usize, String, String)> {
    report
        .findings
        .iter()
        .map(|f| {
            (
                f.path.clone(),
                f.line,
                f.rule_id.clone(),
                f.confidence.as_str().to_string(),
            )
        })
        .collect()
}

/// A demotion as `(from, reason, evidence)`.
type Lowered = (String, String, String);

fn row(path: &str, line: usize, rule: &str, confidence: &str) -> (String, usize, String, String) {
    (path.into(), line, rule.into(), confidence.into())
}

/// `sprawl scan --no-config --format json ARGS` with the built-in rules only.
fn scan_builtin(env: &TestEnv, args: &[&str]) -> (JsonReport, crate::util::Run) {
    let run = run(env
        .sprawl()
        .args(["scan", "--no-config", "--format", "json"])
        .args(args));
    (run.json(), run)
}

#[test]
fn weak_passwords_are_findings_where_the_file_format_says_they_are_credentials() {
    let env = TestEnv::new();
    env.create(".env", "APP_ENV=production\nDB_PASSWORD=admin\n");
    env.create("home/.pgpass", "db.internal:6543:ledger:app:pass123\n");
    env.create(
        "home/.netrc",
        "machine ftp.acme.io login backup password root\n",
    );
    env.create(
        "wp-config.php",
        "<?php\ndefine( 'DB_USER', 'wp' );\ndefine( 'DB_PASSWORD', 'Summer2023!' );\n",
    );
    env.create(
        "docker-compose.yml",
        "services:\n  db:\n    environment:\n      POSTGRES_PASSWORD: postgres\n",
    );
    env.create(
        "inventory.ini",
        concat!(
            "[web]\nweb1 ansible_host=10.0.0.5 ansible_ssh_pass=",
            "toor\n"
        ),
    );
    // The same weak words in code and in copies for a reader to fill in are not credentials.
    env.create("src/db.py", "password = \"admin\"\n");
    env.create(".env.example", "DB_PASSWORD=admin\n");
    env.create("config/settings.ini", "[db]\npassword = changeme\n");
    let (report, run) = scan_builtin(&env, &["."]);
    run.code(1);
    assert_eq!(
        found(&report),
        [
            row(".env", 2, "config-file.password", "medium"),
            row(
                "docker-compose.yml",
                4,
                "config-file.yaml-password",
                "medium"
            ),
            row("home/.netrc", 1, "netrc.file-password", "medium"),
            row("home/.pgpass", 1, "pgpass.file-password", "medium"),
            row("inventory.ini", 2, "config-file.ansible-password", "medium"),
            row("wp-config.php", 3, "wordpress.db-password", "medium"),
        ]
    );
}

#[test]
fn application_secrets_are_found_in_the_files_frameworks_keep_them_in() {
    let env = TestEnv::new();
    let mut fake = Fake::new(14_002);
    let master_key: String = fake
        .alphanumeric(64)
        .bytes()
        .filter(u8::is_ascii_hexdigit)
        .map(|b| b.to_ascii_lowercase() as char)
        .chain(std::iter::repeat('7'))
        .take(32)
        .collect();
    env.create("config/master.key", format!("{master_key}\n"));
    env.create(
        "mysite/settings.py",
        format!("DEBUG = False\nSECRET_KEY = '{}'\n", fake.alphanumeric(50)),
    );
    env.create(
        ".env",
        format!("APP_KEY=base64:{}=\n", fake.alphanumeric(43)),
    );
    env.create(
        "wp-config.php",
        format!("define('AUTH_KEY',         '{}');\n", fake.alphanumeric(64)),
    );
    env.create(
        "server.js",
        format!(
            "app.use(session({{\n  secret: '{}',\n  resave: false\n}}));\n",
            fake.alphanumeric(20)
        ),
    );
    // The key file of another name, and a settings module reading the environment.
    env.create("config/storage.key", format!("{master_key}\n"));
    env.create(
        "mysite/prod_settings.py",
        "SECRET_KEY = os.environ[\"SECRET_KEY\"]\n",
    );
    let (report, run) = scan_builtin(&env, &["."]);
    run.code(1);
    let rules: Vec<(String, String)> = report
        .findings
        .iter()
        .map(|f| (f.path.clone(), f.rule_id.clone()))
        .collect();
    assert_eq!(
        rules,
        [
            (".env".into(), "app-secret.laravel-app-key".into()),
            (
                "config/master.key".into(),
                "app-secret.rails-master-key".into()
            ),
            (
                "mysite/settings.py".into(),
                "app-secret.django-secret-key".into()
            ),
            (
                "server.js".into(),
                "app-secret.express-session-secret".into()
            ),
            ("wp-config.php".into(), "wordpress.auth-key".into()),
        ]
    );
}

#[test]
fn credentials_kept_by_desktop_and_developer_tools_are_found() {
    let env = TestEnv::new();
    env.create(
        "AppData/FileZilla/sitemanager.xml",
        "<Server>\n  <Host>ftp.acme.io</Host>\n  <User>bob</User>\n  <Pass encoding=\"base64\">U3VtbWVyMjAyMyE=</Pass>\n</Server>\n",
    );
    env.create(
        ".vscode/sftp.json",
        "{\n  \"host\": \"web1.acme.io\",\n  \"username\": \"deploy\",\n  \"password\": \"deploy\"\n}\n",
    );
    env.create(
        ".config/rclone/rclone.conf",
        "[nas]\ntype = sftp\nhost = nas.home\npass = UNE3bW9aWDlQd0tkN1J2QjNu\n",
    );
    env.create(
        "Downloads/Chrome Passwords.csv",
        "name,url,username,password,note\nacme,https://acme.io/login,bob,hunter22,\n",
    );
    env.create(
        "etc/shadow",
        "daemon:*:19500:0:99999:7:::\nroot:$1$Tq8Lm2Xz$Kd7RvB3nC6yH1jF5gS0aZ/:19500:0:99999:7:::\n",
    );
    env.create(
        "dump.sql",
        format!(
            "INSERT INTO `users` VALUES (1,'admin','$2y$10${}');\n",
            Fake::new(14_003).alphanumeric(53)
        ),
    );
    env.create(
        ".bash_history",
        "ls\nmysql -u root -proot shop\nsshpass -p 'hunter22' ssh root@10.0.0.5\n",
    );
    let (report, run) = scan_builtin(&env, &["."]);
    run.code(1);
    let rules: Vec<(String, usize, String)> = report
        .findings
        .iter()
        .map(|f| (f.path.clone(), f.line, f.rule_id.clone()))
        .collect();
    assert_eq!(
        rules,
        [
            (
                ".bash_history".into(),
                2,
                "command-line.password-flag".into()
            ),
            (
                ".bash_history".into(),
                3,
                "command-line.password-flag".into()
            ),
            (
                ".config/rclone/rclone.conf".into(),
                4,
                "rclone.secret".into()
            ),
            (".vscode/sftp.json".into(), 4, "sftp-config.password".into()),
            (
                "AppData/FileZilla/sitemanager.xml".into(),
                4,
                "filezilla.password".into()
            ),
            (
                "Downloads/Chrome Passwords.csv".into(),
                2,
                "browser-export.login-url-second".into()
            ),
            ("dump.sql".into(), 1, "password-hash.sql-dump".into()),
            ("etc/shadow".into(), 2, "password-hash.shadow".into()),
        ]
    );
}

#[test]
fn keys_in_test_folders_are_listed_at_low_confidence_with_the_reason() {
    let env = TestEnv::new();
    let pat = github_pat(14_004);
    env.create(
        "tests/fixtures/config.json",
        format!("{{\"token\": \"{pat}\"}}\n"),
    );
    env.create("src/client_test.go", format!("const tok = \"{pat}\"\n"));
    env.create("src/config.json", format!("{{\"token\": \"{pat}\"}}\n"));
    let (report, run) = scan_builtin(&env, &["."]);
    run.code(1);
    let demoted: Vec<(String, String, Option<Lowered>)> = report
        .findings
        .iter()
        .map(|f| {
            (
                f.path.clone(),
                f.confidence.as_str().to_string(),
                f.demoted.as_ref().map(|d| {
                    (
                        d.from.as_str().to_string(),
                        d.reason.as_str().to_string(),
                        d.evidence.clone(),
                    )
                }),
            )
        })
        .collect();
    let lowered = |evidence: &str| {
        Some((
            "high".to_string(),
            "test-fixture".to_string(),
            evidence.to_string(),
        ))
    };
    assert_eq!(
        demoted,
        [
            (
                "src/client_test.go".into(),
                "low".into(),
                lowered("client_test.go")
            ),
            ("src/config.json".into(), "high".into(), None),
            (
                "tests/fixtures/config.json".into(),
                "low".into(),
                lowered("tests/")
            ),
        ]
    );
    // A gate at medium is quiet on the test code, and still fails on the real leak.
    let (gated, run) = scan_builtin(&env, &["--min-confidence", "medium", "."]);
    run.code(1);
    assert_eq!(
        found(&gated),
        [row("src/config.json", 1, "github.pat", "high")]
    );
    // The text report says why; `--no-demote` keeps the rule's confidence.
    let text = run_text(&env, &["tests"]);
    assert!(
        text.contains("low confidence, lowered from high: in test code or test data (fixtures/)"),
        "{text}"
    );
    let (kept, _) = scan_builtin(&env, &["--no-demote", "."]);
    assert!(kept
        .findings
        .iter()
        .all(|f| f.confidence.as_str() == "high" && f.demoted.is_none()));
}

fn run_text(env: &TestEnv, args: &[&str]) -> String {
    let out = run(env
        .sprawl()
        .args(["scan", "--no-config", "--color", "never"])
        .args(args));
    out.stdout
}

#[test]
fn the_folder_named_on_the_command_line_does_not_count_as_test_code() {
    // A CI workspace called `test-app`, scanned by its absolute path: its files are not test
    // code because of the name of the folder that holds the whole scan.
    let env = TestEnv::new();
    env.create(
        "test-app/src/config.json",
        format!("{{\"token\": \"{}\"}}\n", github_pat(14_005)),
    );
    let root = env.path("test-app");
    let (report, run) = scan_builtin(&env, &[root.to_str().unwrap()]);
    run.code(1);
    assert_eq!(report.findings[0].confidence.as_str(), "high");
    assert!(report.findings[0].demoted.is_none());
}

#[test]
fn credential_file_shapes_in_documentation_are_lowered_but_tokens_are_not() {
    let env = TestEnv::new();
    env.create(
        "man/netrc.5",
        "An entry reads:\n.nf\nmachine ftp.debian.org login anonymous password debian\n",
    );
    env.create(
        "README.md",
        format!("Use this token: {}\n", github_pat(14_006)),
    );
    let (report, run) = scan_builtin(&env, &["."]);
    run.code(1);
    assert_eq!(
        found(&report),
        [
            row("README.md", 1, "github.pat", "high"),
            row("man/netrc.5", 3, "netrc.password", "low"),
        ]
    );
    let reason = report.findings[1].demoted.as_ref().unwrap();
    assert_eq!(
        (reason.reason.as_str(), reason.evidence.as_str()),
        ("documentation", "netrc.5")
    );
}

#[test]
fn the_config_file_turns_each_kind_of_lowering_off() {
    let env = TestEnv::new();
    env.create("tests/app.env", format!("TOKEN={}\n", token(14_007)));
    env.create(".sprawl.yml", "demote:\n  test_fixtures: false\n");
    let with_config = |env: &TestEnv| {
        run(env
            .sprawl()
            .args(["scan", "--format", "json", "--rules"])
            .arg(env.rules_file())
            .arg("."))
    };
    let kept = with_config(&env);
    kept.code(1);
    assert_eq!(kept.json().findings[0].confidence.as_str(), "high");
    env.create(".sprawl.yml", "demote:\n  test_fixture: false\n");
    let bad = with_config(&env);
    bad.code(2);
    assert!(bad.stderr.contains("test_fixture"), "{}", bad.stderr);
}

#[test]
fn sarif_and_csv_carry_the_lowered_confidence_and_its_reason() {
    let env = TestEnv::new();
    env.create("testdata/keys.txt", format!("k = {}\n", token(14_008)));
    let sarif = run(env.scan().args(["--format", "sarif", "."]));
    let log = sarif.json_value();
    let result = &log["runs"][0]["results"][0];
    assert_eq!(result["level"], "note");
    assert_eq!(result["properties"]["demoted"]["from"], "high");
    assert_eq!(result["properties"]["demoted"]["reason"], "test-fixture");
    assert_eq!(result["properties"]["demoted"]["evidence"], "testdata/");
    let csv = run(env.scan().args(["--format", "csv", "."]));
    assert!(
        csv.stdout.contains(",low,high,test-fixture: testdata/,"),
        "{}",
        csv.stdout
    );
}

#[test]
fn a_rule_with_paths_runs_only_on_the_files_it_names_and_its_examples_carry_a_path() {
    let env = TestEnv::new();
    env.create_aux(
        "tool.yml",
        r#"remediation:
  acme:
    rotate: Change the password in the Acme tool.
    references: [https://example.com/acmetool]
rules:
  - id: acme.tool-password
    name: Acme tool password
    description: The password line of an Acme tool profile.
    pattern: '(?m)^pw=(?P<secret>\S+)$'
    paths: ['(?:^|/)\.acmetool$']
    confidence: medium
    references: [https://example.com/acmetool]
    examples:
      - {path: home/.acmetool, text: "pw=letmein\n"}
    negative_examples:
      - 'pw=letmein'
      - {path: home/.acmetool.bak, text: "pw=letmein\n"}
"#,
    );
    let check = run(env
        .sprawl()
        .args(["rules", "check", "--rules"])
        .arg(env.aux_path("tool.yml")));
    check.code(0);
    env.create("home/.acmetool", "pw=letmein\n");
    env.create("home/notes.txt", "pw=letmein\n");
    let found = run(env
        .sprawl()
        .args(["scan", "--no-config", "--format", "json", "--rules"])
        .arg(env.aux_path("tool.yml"))
        .arg("home"));
    found.code(1);
    let paths: Vec<String> = found
        .json()
        .findings
        .iter()
        .map(|f| f.path.clone())
        .collect();
    assert_eq!(paths, ["home/.acmetool"]);
    // An example without a path is scanned as the file `example`: the check says so.
    env.create_aux(
        "bad.yml",
        "remediation:\n  acme:\n    rotate: Change it.\n    references: [https://example.com/acmetool]\nrules:\n  - id: acme.x\n    name: X\n    pattern: 'pw=(\\S+)'\n    paths: ['\\.acmetool$']\n    confidence: low\n    examples: ['pw=letmein']\n",
    );
    let bad = run(env
        .sprawl()
        .args(["rules", "check", "--rules"])
        .arg(env.aux_path("bad.yml")));
    bad.code(1);
    assert!(
        bad.stdout
            .contains("do not match the example's path `example`"),
        "{}",
        bad.stdout
    );
}
