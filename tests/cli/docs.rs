//! `sprawl completions SHELL` and `sprawl man`: generated from the command-line definition, so
//! these check that each names sprawl, its subcommands and real flags.

use crate::util::{run, TestEnv};

#[test]
fn every_shell_gets_a_completion_script_naming_sprawl_and_its_flags() {
    let env = TestEnv::new();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = run(env.sprawl().args(["completions", shell]));
        out.code(0);
        assert!(out.stdout.contains("sprawl"), "{shell}: {}", out.stdout);
        for flag in ["no-redact", "no-progress", "min-confidence"] {
            assert!(out.stdout.contains(flag), "{shell} lacks --{flag}");
        }
        assert!(out.stderr.is_empty(), "{shell}: {}", out.stderr);
    }
}

#[test]
fn bash_completion_offers_the_subcommands() {
    let out = run(TestEnv::new().sprawl().args(["completions", "bash"]));
    out.code(0);
    for sub in ["scan", "git", "rules", "completions", "man", "inventory"] {
        assert!(out.stdout.contains(sub), "no {sub}");
    }
}

#[test]
fn an_unknown_shell_is_a_usage_error() {
    let out = run(TestEnv::new().sprawl().args(["completions", "tcsh"]));
    out.code(2);
    assert!(out.stderr.contains("tcsh"), "{}", out.stderr);
}

#[test]
fn the_man_page_is_roff_with_a_title_and_every_subcommand() {
    let out = run(TestEnv::new().sprawl().arg("man"));
    out.code(0);
    let page = &out.stdout;
    let title = page
        .lines()
        .find(|line| line.starts_with(".TH "))
        .unwrap_or_else(|| panic!("no .TH header: {page}"));
    assert!(title.starts_with(".TH sprawl 1"), "{title}");
    assert!(page.contains(".SH NAME"), "{page}");
    for section in [
        "SPRAWL SCAN",
        "SPRAWL GIT",
        "SPRAWL RULES LIST",
        "SPRAWL RULES CHECK",
        "SPRAWL INVENTORY",
        "SPRAWL COMPLETIONS",
        "SPRAWL MAN",
    ] {
        assert!(page.contains(&format!(".SH \"{section}\"")), "no {section}");
    }
    // Flags are roff-escaped: `\-\-no\-redact`.
    assert!(page.contains(r"\-\-no\-redact"), "{page}");
}
