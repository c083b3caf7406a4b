//! Exit codes, and the errors behind exit code 2: bad arguments, bad rule files, inputs that
//! cannot be read. An error naming a file must name it.

use crate::util::{finding_paths, run, token, TestEnv};

#[test]
fn nothing_found_exits_0() {
    let env = TestEnv::new();
    // Near misses: the keyword without a full token, and a token of too little entropy.
    env.create(
        "notes.txt",
        format!("sprawltest_short\nx = sprawltest_{}\n", "a".repeat(24)),
    );
    let run = run(env.scan().arg("."));
    run.code(0);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr.starts_with("sprawl: no secrets found;"),
        "{run:?}"
    );
}

#[test]
fn a_finding_exits_1() {
    let env = TestEnv::new();
    env.create("app.cfg", format!("x = {}\n", token(1)));
    let run = run(env.scan().arg("."));
    run.code(1);
    assert!(run.stdout.contains("app.cfg:1:5  test.token"), "{run:?}");
}

#[test]
fn exit_code_flag_is_used_when_found_and_only_then() {
    let env = TestEnv::new();
    env.create("dirty/app.cfg", format!("x = {}\n", token(1)));
    env.create("clean/app.cfg", "nothing here\n");
    run(env.scan().args(["--exit-code", "7", "dirty"])).code(7);
    run(env.scan().args(["--exit-code", "7", "clean"])).code(0);
}

#[test]
fn a_missing_path_exits_2_and_is_named_and_the_other_folder_is_still_reported() {
    let env = TestEnv::new();
    env.create("app1/config.env", format!("x = {}\n", token(1)));
    let missing = env.aux_path("nope");
    let (report, run) = env.scan_json(&["app1", missing.to_str().unwrap()]);
    run.code(2);
    assert_eq!(finding_paths(&report), ["app1/config.env"]);
    assert_eq!(report.errors.len(), 1, "{:?}", report.errors);
    assert_eq!(report.errors[0].message, "no such file or folder");
    assert!(
        run.stderr.starts_with(&format!(
            "sprawl: error: {}: no such file or folder\n",
            missing.display()
        )),
        "{}",
        run.stderr
    );
}

#[test]
fn rules_file_with_bad_yaml_exits_2_naming_the_file() {
    let env = TestEnv::new();
    let bad = env.create_aux("broken.yml", "rules: [\n  - id: a.b\n");
    let run = run(env
        .sprawl()
        .arg("scan")
        .arg("--no-config")
        .arg("--rules")
        .arg(&bad));
    run.code(2);
    assert!(
        run.stderr
            .starts_with(&format!("sprawl: error: {}:", bad.display())),
        "{run:?}"
    );
    assert!(run.stderr.contains("invalid rule file"), "{run:?}");
}

#[test]
fn rules_file_with_an_unknown_field_names_the_file_line_and_field() {
    let env = TestEnv::new();
    let bad = env.create_aux(
        "typo.yml",
        "rules:\n  - id: test.typo\n    name: Typo\n    pattern: 'x'\n    keywords: [x]\n    confidence: high\n    examples: [x]\n    pattrn: y\n",
    );
    let run = run(env
        .sprawl()
        .arg("scan")
        .arg("--no-config")
        .arg("--rules")
        .arg(&bad));
    run.code(2);
    assert!(
        run.stderr
            .starts_with(&format!("sprawl: error: {}:8: ", bad.display())),
        "{run:?}"
    );
    assert!(run.stderr.contains("unknown field `pattrn`"), "{run:?}");
}

#[test]
fn rules_file_with_a_bad_regex_names_the_file_rule_and_problem() {
    let env = TestEnv::new();
    let bad = env.create_aux(
        "regex.yml",
        "rules:\n  - id: test.unclosed\n    name: Unclosed\n    pattern: 'tok_(\\w+'\n    keywords: [tok_]\n    confidence: high\n    examples: [tok_abc]\n",
    );
    let run = run(env
        .sprawl()
        .arg("scan")
        .arg("--no-config")
        .arg("--rules")
        .arg(&bad));
    run.code(2);
    assert!(
        run.stderr.starts_with(&format!(
            "sprawl: error: {}: rule `test.unclosed`: `pattern` does not compile",
            bad.display()
        )),
        "{run:?}"
    );
    assert!(run.stderr.contains("unclosed group"), "{run:?}");
}

#[test]
fn a_duplicate_rule_id_exits_2_naming_both_files() {
    let env = TestEnv::new();
    let rule = "rules:\n  - id: test.twice\n    name: Twice\n    pattern: 'twice_\\d+'\n    keywords: [twice_]\n    confidence: low\n    examples: [twice_1]\n";
    let first = env.create_aux("first.yml", rule);
    let second = env.create_aux("second.yml", rule);
    let run = run(env
        .sprawl()
        .args(["scan", "--no-config", "--rules"])
        .arg(&first)
        .arg("--rules")
        .arg(&second));
    run.code(2);
    assert_eq!(
        run.stderr,
        format!(
            "sprawl: error: {}: rule `test.twice`: duplicate id: already defined in {}\n",
            second.display(),
            first.display()
        )
    );
}

#[test]
fn a_user_rule_cannot_take_a_built_in_id() {
    let env = TestEnv::new();
    let mine = env.create_aux(
        "mine.yml",
        "rules:\n  - id: github.pat\n    name: Mine\n    pattern: 'mine_\\d+'\n    keywords: [mine_]\n    confidence: low\n    examples: [mine_1]\n",
    );
    let run = run(env
        .sprawl()
        .args(["scan", "--no-config", "--rules"])
        .arg(&mine));
    run.code(2);
    assert!(
        run.stderr.contains(&format!(
            "{}: rule `github.pat`: duplicate id: already defined in built-in rules/",
            mine.display()
        )),
        "{run:?}"
    );
}

#[test]
fn an_unknown_flag_exits_2() {
    let env = TestEnv::new();
    let run = run(env.scan().arg("--no-such-flag"));
    run.code(2);
    // In sprawl's own error style, as every other error, with clap's usage after it.
    assert!(
        run.stderr
            .starts_with("sprawl: error: unexpected argument '--no-such-flag' found"),
        "{run:?}"
    );
    assert!(run.stderr.contains("Usage: sprawl scan"), "{run:?}");
    // Help and version are not errors.
    let help = crate::util::run(env.sprawl().args(["scan", "--help"]));
    help.code(0);
    assert!(help.stdout.contains("Usage: sprawl scan") && help.stderr.is_empty());
    crate::util::run(env.sprawl().arg("--version")).code(0);
}

#[test]
fn a_bad_max_file_size_exits_2() {
    let env = TestEnv::new();
    for (size, why) in [
        ("ten", "does not start with a number"),
        ("10 parsecs", "unknown unit"),
    ] {
        let run = run(env.scan().args(["--max-file-size", size]));
        run.code(2);
        assert!(
            run.stderr
                .starts_with(&format!("sprawl: error: invalid --max-file-size `{size}`")),
            "{run:?}"
        );
        assert!(run.stderr.contains(why), "{run:?}");
    }
}

#[test]
fn zero_threads_exits_2() {
    let env = TestEnv::new();
    let run = run(env.scan().args(["--threads", "0"]));
    run.code(2);
    assert_eq!(run.stderr, "sprawl: error: --threads must be at least 1\n");
}

#[cfg(unix)]
#[test]
fn an_unreadable_file_exits_2_and_is_named() {
    use std::os::unix::fs::PermissionsExt;

    let env = TestEnv::new();
    let locked = env.create("locked.txt", format!("x = {}\n", token(1)));
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&locked).is_err() {
        let run = run(env.scan().arg("."));
        run.code(2);
        assert!(
            run.stderr
                .contains("sprawl: error: locked.txt: cannot read: Permission denied"),
            "{run:?}"
        );
    } else {
        // Running as root (or with CAP_DAC_OVERRIDE): chmod 000 does not stop reads, so only
        // this assertion is skipped. The read failure below happens for every user.
    }
    #[cfg(target_os = "linux")]
    {
        // A regular file whose read fails for root too: offset 0 of a process's memory is never
        // mapped, so reading it gives EIO.
        let run = run(env.scan().arg("/proc/self/mem"));
        run.code(2);
        assert!(
            run.stderr
                .contains("sprawl: error: /proc/self/mem: cannot read: "),
            "{run:?}"
        );
    }
}

/// A dangling symlink, followed, fails to open: a read error that root cannot bypass.
#[cfg(unix)]
fn plant_secret_and_dangling_link(env: &TestEnv) {
    env.create("found.txt", format!("x = {}\n", token(1)));
    std::os::unix::fs::symlink("nowhere.txt", env.path("dangling")).unwrap();
}

#[cfg(unix)]
#[test]
fn an_error_wins_over_findings_which_are_still_printed() {
    let env = TestEnv::new();
    plant_secret_and_dangling_link(&env);
    let run = run(env
        .scan()
        .args(["--follow-symlinks", "--exit-code", "7", "."]));
    run.code(2);
    assert!(
        run.stdout
            .starts_with("found.txt (1 finding)\n  found.txt:1:5  test.token  spra…"),
        "{run:?}"
    );
    assert!(run.stderr.contains("sprawl: error: dangling: "), "{run:?}");
    assert!(
        run.stderr.contains("1 finding (1 high) in 1 file;") && run.stderr.ends_with("; 1 error\n"),
        "{run:?}"
    );
}

#[cfg(unix)]
#[test]
fn an_error_is_listed_in_json_errors_beside_the_findings() {
    let env = TestEnv::new();
    plant_secret_and_dangling_link(&env);
    let (report, code) = env.report(&["--follow-symlinks"], &["."]);
    assert_eq!(code, 2);
    assert_eq!(report.findings.len(), 1);
    assert_eq!(report.findings[0].path, "found.txt");
    assert_eq!(report.errors.len(), 1, "{:?}", report.errors);
    assert_eq!(report.errors[0].path, "dangling");
    assert!(
        report.errors[0]
            .message
            .contains("No such file or directory"),
        "{:?}",
        report.errors
    );
    assert_eq!(report.stats.errors, 1);
}
