//! `sprawl rules list`, `sprawl rules check`, `--version` and `scan --help`.

use crate::util::{run, TestEnv};

/// The line of `listing` for rule `id`, its columns split on runs of two or more spaces.
fn columns<'a>(listing: &'a str, id: &str) -> Vec<&'a str> {
    let line = listing
        .lines()
        .find(|line| line.split_whitespace().next() == Some(id))
        .unwrap_or_else(|| panic!("no line for {id} in\n{listing}"));
    regex::Regex::new(" {2,}").unwrap().split(line).collect()
}

#[test]
fn rules_list_shows_built_in_and_user_rules() {
    let env = TestEnv::new();
    let run = run(env
        .sprawl()
        .args(["rules", "list", "--rules"])
        .arg(env.rules_file()));
    run.code(0);
    assert_eq!(
        columns(&run.stdout, "ID"),
        ["ID", "NAME", "CONFIDENCE", "KEYWORDS"]
    );
    assert_eq!(
        columns(&run.stdout, "github.pat"),
        [
            "github.pat",
            "GitHub personal access token (classic)",
            "high",
            "ghp_"
        ]
    );
    assert_eq!(
        columns(&run.stdout, "test.token"),
        ["test.token", "Test token", "high", "sprawltest_"]
    );
    assert_eq!(
        columns(&run.stdout, "test.hushword"),
        ["test.hushword", "Test hushword", "medium", "hushword"]
    );
    assert_eq!(
        columns(&run.stdout, "test.unused"),
        ["test.unused", "Test unused", "low", "neverfires_, nofire_"]
    );
    // Built-in rules come first, then the user's in file order.
    let ids: Vec<&str> = run
        .stdout
        .lines()
        .skip(1)
        .filter_map(|line| line.split_whitespace().next())
        .collect();
    assert_eq!(
        ids[ids.len() - 4..],
        ["test.token", "test.hushword", "test.blob", "test.unused"]
    );
}

#[test]
fn rules_list_without_user_rules_shows_the_built_ins_only() {
    let env = TestEnv::new();
    let run = run(env.sprawl().args(["rules", "list"]));
    run.code(0);
    assert!(run.stdout.contains("\ngithub.pat "), "{run:?}");
    assert!(!run.stdout.contains("test."), "{run:?}");
}

#[test]
fn the_built_in_pack_holds_at_least_200_rules_each_with_a_reference_and_negative_examples() {
    let env = TestEnv::new();
    let listed = run(env.sprawl().args(["rules", "list"]));
    listed.code(0);
    // A header line, then one line per rule.
    let ids: Vec<&str> = listed
        .stdout
        .lines()
        .skip(1)
        .filter_map(|line| line.split_whitespace().next())
        .collect();
    assert!(ids.len() >= 200, "only {} built-in rules", ids.len());
    for id in [
        "aws.access-key-pair",
        "azure.storage-connection-string",
        "age.secret-key",
    ] {
        assert!(ids.contains(&id), "{id} is missing");
    }
    for id in ids.iter().step_by(17) {
        let shown = run(env.sprawl().args(["rules", "show", id]));
        shown.code(0);
        assert!(shown.stdout.contains("https://"), "{id} has no reference");
        assert!(
            !shown.stdout.contains("\nnegative_examples:  none"),
            "{id} has no negative example"
        );
    }
}

#[test]
fn rules_check_passes_when_every_example_does() {
    let env = TestEnv::new();
    let run = run(env
        .sprawl()
        .args(["rules", "check", "--rules"])
        .arg(env.rules_file()));
    run.code(0);
    assert_eq!(run.stdout, "");
    assert!(run.stderr.ends_with(": all pass\n"), "{run:?}");
}

#[test]
fn rules_check_lists_every_failing_example() {
    let env = TestEnv::new();
    let bad = env.create_aux(
        "weak.yml",
        "rules:\n  - id: test.weak\n    name: Weak\n    pattern: 'weak_[0-9]{6}'\n    keywords: [weak_]\n    confidence: low\n    examples: ['no keyword in here']\n    negative_examples: ['weak_123456']\n",
    );
    let run = run(env
        .sprawl()
        .args(["rules", "check", "--rules"])
        .arg(env.rules_file())
        .arg("--rules")
        .arg(&bad));
    run.code(1);
    let prefix = format!("{}: rule `test.weak`: ", bad.display());
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{run:?}");
    assert_eq!(
        lines[0],
        format!("{prefix}example 1 is not found: none of its keywords [\"weak_\"] occurs in it")
    );
    assert_eq!(
        lines[1],
        format!("{prefix}negative example 1 is found: \"weak_123456\"")
    );
    assert!(run.stderr.ends_with(": 2 failing\n"), "{run:?}");
}

#[test]
fn rules_check_with_an_invalid_rule_file_exits_2() {
    let env = TestEnv::new();
    let bad = env.create_aux("bad.yml", "rules:\n  - id: test.bad\n");
    let run = run(env.sprawl().args(["rules", "check", "--rules"]).arg(&bad));
    run.code(2);
    assert!(
        run.stderr
            .starts_with(&format!("sprawl: error: {}", bad.display())),
        "{run:?}"
    );
}

#[test]
fn version_flag_prints_the_version() {
    let env = TestEnv::new();
    let run = run(env.sprawl().arg("--version"));
    run.code(0);
    assert_eq!(
        run.stdout,
        format!("sprawl {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn scan_help_mentions_every_flag() {
    let env = TestEnv::new();
    let run = run(env.sprawl().args(["scan", "--help"]));
    run.code(0);
    for flag in [
        "[PATH]...",
        "--format <FORMAT>",
        "-o, --output <FILE>",
        "--rules <PATH>",
        "--config <FILE>",
        "--no-config",
        "--no-ignore",
        "--max-file-size <SIZE>",
        "--follow-symlinks",
        "-j, --threads <N>",
        "--no-redact",
        "--exit-code <N>",
        "--color <COLOR>",
        "-q, --quiet",
        "-v, --verbose",
        "-h, --help",
    ] {
        assert!(
            run.stdout.contains(flag),
            "{flag} missing from\n{}",
            run.stdout
        );
    }
    // And no flag defined since is left out of the help.
    let cli = <sprawl::cli::Cli as clap::CommandFactory>::command();
    let scan = cli.find_subcommand("scan").unwrap();
    for arg in scan.get_arguments() {
        if let Some(long) = arg.get_long() {
            let flag = format!("--{long}");
            assert!(
                run.stdout.contains(&flag),
                "{flag} missing from\n{}",
                run.stdout
            );
        }
    }
}

#[test]
fn rules_list_filters_by_id_glob_keeping_the_columns_aligned() {
    let env = TestEnv::new();
    let run = run(env.sprawl().args(["rules", "list", "--id", "github.*"]));
    run.code(0);
    assert_eq!(
        run.stdout,
        "\
ID                             NAME                                       CONFIDENCE  KEYWORDS
github.pat                     GitHub personal access token (classic)     high        ghp_
github.fine-grained-pat        GitHub fine-grained personal access token  high        github_pat_
github.oauth-token             GitHub OAuth access token                  high        gho_
github.user-to-server-token    GitHub App user access token               high        ghu_
github.server-to-server-token  GitHub App installation access token       high        ghs_
github.refresh-token           GitHub App refresh token                   high        ghr_
github.refresh-token-long      GitHub App refresh token (long form)       high        ghr_
"
    );
}

#[test]
fn rules_list_filters_by_id_substring_and_by_any_of_the_tags() {
    let env = TestEnv::new();
    let by_id = run(env
        .sprawl()
        .args(["rules", "list", "--id", "hush", "--rules"])
        .arg(env.rules_file()));
    by_id.code(0);
    assert_eq!(
        by_id.stdout,
        "\
ID             NAME           CONFIDENCE  KEYWORDS
test.hushword  Test hushword  medium      hushword
"
    );
    let by_tag = run(env
        .sprawl()
        .args(["rules", "list", "--tag", "test", "--tag", "aws", "--rules"])
        .arg(env.rules_file()));
    by_tag.code(0);
    assert_eq!(
        by_tag.stdout,
        "\
ID                      NAME                               CONFIDENCE  KEYWORDS
aws.access-key-id       AWS access key ID                  high        akia, asia, abia, acca
aws.secret-access-key   AWS secret access key              high        secret, akia, asia, abia, acca
aws.access-key-pair     AWS access key pair                high        akia, asia, abia, acca
aws.session-token       AWS session token                  high        session_token, sessiontoken, session-token, session.token, security_token, securitytoken, security-token
aws.session-token-body  AWS session token (by its format)  high        b3jpz2lux2vj, zxivyxdz
boto.secret             Boto or gsutil credential (.boto)  medium      secret_access_key, refresh_token, key_file_password, proxy_pass
test.token              Test token                         high        sprawltest_
"
    );
}

#[test]
fn rules_list_with_no_match_prints_nothing_and_exits_0() {
    let env = TestEnv::new();
    let run = run(env
        .sprawl()
        .args(["rules", "list", "--id", "github.*", "--tag", "aws"]));
    run.code(0);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "sprawl: no rule matches the given --id and --tag\n"
    );
}

#[test]
fn rules_show_prints_every_field_of_a_built_in_rule() {
    let env = TestEnv::new();
    let run = run(env.sprawl().args(["rules", "show", "github.pat"]));
    run.code(0);
    // The rule's own example, read from the embedded rules rather than written here, so that
    // this file holds no live-looking token for the self-scan to find.
    let rules = sprawl::rules::builtin::load().expect("built-in rules load");
    let rule = rules
        .iter()
        .find(|rule| rule.id == "github.pat")
        .expect("github.pat exists");
    let example = format!("  - {}", rule.examples[0].text());
    let mut expected = vec![example.as_str()];
    for line in [
        "id:                 github.pat",
        "name:               GitHub personal access token (classic)",
        "confidence:         high",
        "tags:               vcs, github",
        "keywords:           ghp_",
        "min_entropy:        3.0",
        "check:              crc32-base62",
        "origin:             built-in rules/github.yml",
        r"pattern:            \b(?P<secret>ghp_[A-Za-z0-9]{36})\b",
        "description:",
        "  A classic personal access token: `ghp_` then 36 base62 characters, the last 6 of which are a CRC32 checksum. It acts as the user who made it, with the scopes it was given.",
        "references:",
        "  - https://github.blog/engineering/platform-security/behind-githubs-new-authentication-token-formats/",
        "examples:",
        "negative_examples:",
        "  - GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    ] {
        expected.push(line);
    }
    for line in expected {
        assert!(
            run.stdout.lines().any(|l| l == line),
            "missing {line:?} in\n{}",
            run.stdout
        );
    }
    assert!(run.stdout.starts_with("id:  "), "{run:?}");
}

#[test]
fn rules_show_prints_a_user_rule_with_its_file_as_origin() {
    let env = TestEnv::new();
    let run = run(env
        .sprawl()
        .args(["rules", "show", "test.token", "--rules"])
        .arg(env.rules_file()));
    run.code(0);
    for line in [
        "id:                 test.token".to_string(),
        "name:               Test token".to_string(),
        "confidence:         high".to_string(),
        "tags:               test".to_string(),
        "keywords:           sprawltest_".to_string(),
        "min_entropy:        3.0".to_string(),
        format!("origin:             {}", env.rules_file().display()),
        "  A made-up token that sprawl's integration tests plant".to_string(),
        "  - https://example.com/sprawl/test-token".to_string(),
        format!("  - x = {}", crate::util::token(9_001)),
        format!("  - sprawltest_{}", "a".repeat(24)),
    ] {
        assert!(
            run.stdout.lines().any(|l| l == line),
            "missing {line:?} in\n{}",
            run.stdout
        );
    }
    // A rule with no description, tags or negative examples says so.
    let bare = crate::util::run(
        env.sprawl()
            .args(["rules", "show", "test.unused", "--rules"])
            .arg(env.rules_file()),
    );
    bare.code(0);
    for line in [
        "tags:               none",
        "min_entropy:        none",
        "description:        none",
        "negative_examples:  none",
    ] {
        assert!(bare.stdout.lines().any(|l| l == line), "{bare:?}");
    }
}

#[test]
fn rules_show_of_an_unknown_id_exits_2_suggesting_its_family() {
    let env = TestEnv::new();
    let run = run(env
        .sprawl()
        .args(["rules", "show", "test.tokn", "--rules"])
        .arg(env.rules_file()));
    run.code(2);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "sprawl: error: no rule has the id `test.tokn`; did you mean test.token?\n"
    );
    // Nothing close: the ids of its family.
    let family = crate::util::run(
        env.sprawl()
            .args(["rules", "show", "test.secret", "--rules"])
            .arg(env.rules_file()),
    );
    assert_eq!(
        family.stderr,
        "sprawl: error: no rule has the id `test.secret`; did you mean test.token, test.hushword, test.blob, test.unused?\n"
    );
    let unrelated = crate::util::run(env.sprawl().args(["rules", "show", "nosuch"]));
    unrelated.code(2);
    assert_eq!(
        unrelated.stderr,
        "sprawl: error: no rule has the id `nosuch` (`sprawl rules list` shows every id)\n"
    );
}

#[test]
fn rules_from_a_folder_without_rule_files_is_a_warning_not_a_silent_no_op() {
    let env = TestEnv::new();
    env.create_aux("empty/README.txt", "rules live elsewhere\n");
    let folder = env.aux_path("empty");
    for args in [
        vec!["scan", "."],
        vec!["rules", "list"],
        vec!["rules", "check"],
    ] {
        let run = run(env.sprawl().args(&args).arg("--rules").arg(&folder));
        assert!(
            run.stderr.contains(&format!(
                "sprawl: warning: {}: no rule files (*.yml, *.yaml) directly in this folder, so no rule was added",
                folder.display()
            )),
            "{args:?}: {}",
            run.stderr
        );
    }
    // A folder that holds rules says nothing.
    let run = run(env
        .sprawl()
        .args(["rules", "list", "--rules"])
        .arg(env.aux_path("rules.yml")));
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
}

#[test]
fn rules_list_json_has_every_field_of_the_picked_rules() {
    let env = TestEnv::new();
    let run = run(env
        .sprawl()
        .args([
            "rules", "list", "--format", "json", "--id", "test.*", "--rules",
        ])
        .arg(env.rules_file()));
    run.code(0);
    let rules = run.json_value();
    let ids: Vec<&str> = rules
        .as_array()
        .unwrap()
        .iter()
        .map(|rule| rule["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        ["test.token", "test.hushword", "test.blob", "test.unused"]
    );
    let token = &rules[0];
    assert_eq!(token["name"], "Test token");
    assert_eq!(token["confidence"], "high");
    assert_eq!(token["keywords"][0], "sprawltest_");
    assert_eq!(token["min_entropy"], 3.0);
    assert_eq!(token["origin"], env.rules_file().display().to_string());
    assert_eq!(token["paths"], serde_json::json!([]));
    // A rule limited to some files says which.
    let scoped = crate::util::run(env.sprawl().args([
        "rules",
        "list",
        "--format",
        "json",
        "--id",
        "config-file.password",
    ]));
    scoped.code(0);
    let paths = &scoped.json_value()[0]["paths"];
    assert!(
        paths.as_array().is_some_and(|paths| !paths.is_empty()),
        "{paths}"
    );
}

#[test]
fn built_in_rule_names_are_whole_not_cut_by_a_yaml_comment() {
    let env = TestEnv::new();
    let run =
        run(env
            .sprawl()
            .args(["rules", "list", "--format", "json", "--id", "private-key.*"]));
    run.code(0);
    let names: Vec<String> = run
        .json_value()
        .as_array()
        .unwrap()
        .iter()
        .map(|rule| rule["name"].as_str().unwrap().to_string())
        .collect();
    assert!(
        names.contains(&"PKCS #8 private key (PEM)".to_string()),
        "{names:?}"
    );
    assert!(
        names.contains(&"RSA (PKCS #1) private key (PEM)".to_string()),
        "{names:?}"
    );
}

#[test]
fn rules_show_prints_the_remediation_of_the_rule_family() {
    let env = TestEnv::new();
    let run = run(env.sprawl().args(["rules", "show", "aws.access-key-id"]));
    run.code(0);
    let section = &run.stdout[run
        .stdout
        .find("\nremediation:\n")
        .unwrap_or_else(|| panic!("no remediation in\n{}", run.stdout))..];
    assert!(
        section.contains("\n  rotate:\n    Create a new access key"),
        "{section}"
    );
    assert!(
        section.contains(
            "\n  references:\n    - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html\n"
        ),
        "{section}"
    );
    assert!(
        section.contains("\n  instead:\n    No long-lived key at all"),
        "{section}"
    );
    assert!(section.contains("Azure Key Vault"), "{section}");
    // The entry is the rule's own file's, so no `from:` line.
    assert!(!section.contains("from:"), "{section}");
}

#[test]
fn rules_check_fails_for_a_user_family_without_remediation_and_passes_with_one() {
    let env = TestEnv::new();
    let rule = "  - id: acme.key\n    name: Acme key\n    pattern: 'acme_[a-z0-9]{8}'\n    keywords: [acme_]\n    confidence: high\n    examples: ['acme_a1b2c3d4']\n";
    let bare = env.create_aux("acme.yml", format!("rules:\n{rule}"));
    let failing = run(env.sprawl().args(["rules", "check", "--rules"]).arg(&bare));
    failing.code(1);
    assert_eq!(
        failing.stdout,
        format!(
            "{}: rule `acme.key`: the family `acme` has no remediation entry: add one under `remediation:` in a rule file (`acme:` with `rotate:` and `references:`; see rules/README.md)\n",
            bare.display()
        )
    );
    assert!(failing.stderr.ends_with(": 1 failing\n"), "{failing:?}");
    // A user's rule of a built-in family takes the built-in entry.
    let github = env.create_aux(
        "github-more.yml",
        "rules:\n  - id: github.internal\n    name: Internal\n    pattern: 'ghint_[a-z0-9]{8}'\n    keywords: [ghint_]\n    confidence: high\n    examples: ['ghint_a1b2c3d4']\n",
    );
    let complete = env.create_aux(
        "acme-complete.yml",
        format!("remediation:\n  acme:\n    rotate: Revoke it in the Acme console.\n    references: [https://acme.example/keys]\nrules:\n{rule}"),
    );
    let passing = run(env
        .sprawl()
        .args(["rules", "check", "--rules"])
        .arg(&complete)
        .arg("--rules")
        .arg(&github));
    passing.code(0);
    let shown = run(env
        .sprawl()
        .args(["rules", "show", "github.internal", "--rules"])
        .arg(&github));
    shown.code(0);
    assert!(
        shown
            .stdout
            .ends_with("  from:             built-in rules/github.yml\n"),
        "{shown:?}"
    );
}

/// The README's table of every built-in family's remediation pages, as the rule files give it.
fn remediation_table() -> String {
    let rules = sprawl::rules::RuleSet::new(sprawl::rules::builtin::load().unwrap()).unwrap();
    let mut families = std::collections::BTreeMap::new();
    for rule in rules.rules() {
        families
            .entry(rule.family().to_string())
            .or_insert_with(|| rules.remediation(rule).cloned());
    }
    let mut table = String::from(
        "| family | revoke or rotate: the provider's pages | better than a stored secret |\n| --- | --- | --- |\n",
    );
    for (family, entry) in families {
        let entry = entry.unwrap_or_else(|| panic!("the family `{family}` has no remediation"));
        let pages: Vec<String> = entry
            .references
            .iter()
            .map(|url| format!("<{url}>"))
            .collect();
        let better = if entry.instead.is_empty() {
            "a secret manager (see above)".to_string()
        } else {
            entry.instead.replace('|', "\\|")
        };
        table.push_str(&format!(
            "| `{family}` | {} | {better} |\n",
            pages.join("<br>")
        ));
    }
    table
}

#[test]
fn readme_lists_the_remediation_pages_of_every_built_in_family() {
    crate::util::check_readme_block("remediation-table", "rules/*.yml", &remediation_table());
}
