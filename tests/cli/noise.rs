//! The built-in key, connection-string, credential-file and generic rules over a tree of config
//! files in many formats, each holding real-looking secrets beside the noise that the rules'
//! filters drop (placeholders, templates, environment reads, UUIDs, values encrypted at rest).
//! The test names every line that must be reported, and no other.

use crate::util::{run, Fake, TestEnv};

/// A human-style password: a word, four random characters, a symbol.
fn human_password(fake: &mut Fake, word: &str) -> String {
    format!("{word}{}!", fake.alphanumeric(4))
}

/// An unencrypted OpenSSH private key block with a random body (the armour is assembled here so
/// the source holds no key-shaped text).
fn openssh_key(fake: &mut Fake) -> String {
    let armour = |edge: &str| format!("-----{edge} {} PRIVATE KEY-----", "OPENSSH");
    // `openssh-key-v1`, cipher `none`, KDF `none`, in base64: what every unencrypted key starts with.
    let magic = "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ";
    let body = format!("{magic}{}", fake.alphanumeric(238));
    let lines: Vec<&str> = body
        .as_bytes()
        .chunks(70)
        .map(|chunk| std::str::from_utf8(chunk).unwrap())
        .collect();
    format!(
        "{}\n{}\n{}\n",
        armour("BEGIN"),
        lines.join("\n"),
        armour("END")
    )
}

#[test]
fn config_files_in_many_formats_report_exactly_their_secrets() {
    let env = TestEnv::new();
    let mut fake = Fake::new(3_117);
    let uuid = "123e4567-e89b-12d3-a456-426614174000";
    env.create(
        ".env",
        format!(
            "DB_PASSWORD={}\n\
             API_KEY=YOUR_API_KEY\n\
             SECRET_KEY=${{SECRET_KEY}}\n\
             DATABASE_URL=postgres://app:{}@db.internal:5432/app\n\
             REDIS_URL=redis://:changeme@localhost:6379\n",
            human_password(&mut fake, "Harbor"),
            fake.alphanumeric(14),
        ),
    );
    env.create(
        "deploy/values.yaml",
        format!(
            "db:\n  password: \"{{{{ .Values.db.password }}}}\"\n  api_token: {}\n  \
             secret: ref+vault://secret/data/app#/key\n  token: {uuid}\n",
            fake.alphanumeric(32),
        ),
    );
    env.create(
        "settings.xml",
        format!(
            "<servers>\n  <server>\n    <password>${{env.MAVEN_PASSWORD}}</password>\n  </server>\n  \
             <server>\n    <password>{}</password>\n  </server>\n</servers>\n",
            human_password(&mut fake, "Lantern"),
        ),
    );
    env.create(
        "app/settings.py",
        format!(
            "import os\npassword = os.getenv(\"DB_PASSWORD\")\napi_key = \"{}\"\n",
            fake.alphanumeric(40),
        ),
    );
    env.create(
        "cmd/main.go",
        format!(
            "package main\n\nfunc main() {{\n\tdbPassword := \"{}\"\n\t_ = dbPassword\n}}\n",
            human_password(&mut fake, "Meadow"),
        ),
    );
    env.create(
        "home/.netrc",
        format!(
            "machine name login name password string\nmachine files.acme.net login ci password {pw}\n",
            pw = fake.alphanumeric(16),
        ),
    );
    env.create("home/.ssh/id_ed25519", openssh_key(&mut fake));
    env.create(
        "appsettings.json",
        format!(
            "{{\n  \"ConnectionStrings\": {{\n    \"Main\": \"Server=sql01;Database=erp;User Id=erp;Password={};\",\n    \
             \"Local\": \"Server=localhost;Database=erp;User Id=sa;Password=<YourStrong@Passw0rd>;\"\n  }}\n}}\n",
            human_password(&mut fake, "Copper"),
        ),
    );
    env.create(
        "Dockerfile",
        format!(
            "FROM alpine\nENV ADMIN_PASSWORD {}\nENV DB_PASSWORD_FILE /run/secrets/db\n",
            human_password(&mut fake, "Falcon"),
        ),
    );

    let output = run(env
        .sprawl()
        .args(["scan", "--no-config", "--format", "json", "."]));
    output.code(1);
    let report = output.json();
    let mut found: Vec<(String, usize, String)> = report
        .findings
        .iter()
        .map(|f| (f.path.clone(), f.line, f.rule_id.clone()))
        .collect();
    found.sort();
    let expected = [
        (".env", 1, "config-file.password"),
        (".env", 4, "database.connection-url"),
        ("Dockerfile", 2, "generic.dockerfile-env"),
        ("app/settings.py", 3, "generic.api-key"),
        ("appsettings.json", 3, "database.ado-net"),
        ("cmd/main.go", 4, "generic.password"),
        ("deploy/values.yaml", 3, "generic.api-key"),
        ("home/.netrc", 2, "netrc.file-password"),
        ("home/.ssh/id_ed25519", 2, "private-key.openssh"),
        ("settings.xml", 6, "maven.server-password"),
    ]
    .map(|(path, line, rule)| (path.to_string(), line, rule.to_string()));
    assert_eq!(found, expected, "{}", output.stdout);
}

#[test]
fn explain_names_the_filter_that_dropped_a_candidate() {
    let env = TestEnv::new();
    env.create(
        "config.yaml",
        "api_token: ref+vault://secret/data/app#/key\nDB_PASSWORD=changeme123\n",
    );
    let output = run(env
        .sprawl()
        .args(["scan", "--no-config", "--explain", "config.yaml"]));
    output.code(0);
    assert!(
        output.stderr.contains(
            "config.yaml:1:12 generic.api-key ref+…: dropped: the rule's `env-reference` filter"
        ),
        "{}",
        output.stderr
    );
    assert!(
        output.stderr.contains(
            "config.yaml:2:13 generic.password ch…: dropped: the rule's `placeholder` filter"
        ),
        "{}",
        output.stderr
    );
}

#[test]
fn rules_show_lists_a_rules_filters() {
    let env = TestEnv::new();
    let output = run(env.sprawl().args(["rules", "show", "database.redis-url"]));
    output.code(0);
    assert!(
        output
            .stdout
            .lines()
            .any(|l| l == "filters:            placeholder, template, env-reference"),
        "{}",
        output.stdout
    );
}
