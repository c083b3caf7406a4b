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
