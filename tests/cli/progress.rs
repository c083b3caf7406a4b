//! The progress line: drawn on standard error only when it is a terminal (outside CI, not
//! `--quiet`, not `--no-progress`); never in a pipe, which is how every other test runs.

use crate::util::{run, token, Run, TestEnv, SPRAWL};

/// Whether `text` holds what only the progress line prints: its rate followed by the findings
/// count (`12.00 KiB/s  1 finding`; the summary line's rate ends its clause).
fn shows_rate(text: &str) -> bool {
    regex::Regex::new(r"/s  \d+ finding")
        .unwrap()
        .is_match(text)
}

fn plant(env: &TestEnv) {
    for n in 0..20 {
        env.create(&format!("f{n}.txt"), format!("line {n}\n"));
    }
    env.create("secret.txt", format!("x = {}\n", token(1)));
}

#[test]
fn no_progress_is_drawn_when_standard_error_is_not_a_terminal() {
    let env = TestEnv::new();
    plant(&env);
    let out = run(env.scan().env_remove("CI").arg("."));
    out.code(1);
    assert!(!shows_rate(&out.stderr), "{}", out.stderr);
    assert!(!out.stderr.contains('\r'), "{:?}", out.stderr);
    assert!(!out.stderr.contains('\x1b'), "{:?}", out.stderr);
}

/// Runs `sprawl ARGS` on a pseudo-terminal with util-linux `script` (standard output and error
/// both come back in `stdout`), with `CI` unset unless `ci`.
#[cfg(target_os = "linux")]
fn on_terminal(env: &TestEnv, args: &str, ci: bool) -> Run {
    assert!(
        std::process::Command::new("script")
            .arg("--version")
            .output()
            .is_ok(),
        "this test needs `script` from util-linux to run sprawl on a terminal"
    );
    let command = format!("'{SPRAWL}' {args}");
    let mut cmd = assert_cmd::Command::new("script");
    cmd.args(["-qec", &command, "/dev/null"])
        .current_dir(env.root())
        .env_remove("CI");
    if ci {
        cmd.env("CI", "true");
    }
    run(&mut cmd)
}

#[cfg(target_os = "linux")]
#[test]
fn progress_is_drawn_on_a_terminal_and_cleared_before_the_report() {
    let env = TestEnv::new();
    plant(&env);
    let scan = format!(
        "scan --no-config --rules '{}' .",
        env.rules_file().display()
    );
    let shown = on_terminal(&env, &scan, false);
    assert!(shows_rate(&shown.stdout), "{shown:?}");
    assert!(shown.stdout.contains(" files "), "{shown:?}");
    // Cleared before the report: the finding's line is not glued to a progress line.
    let report_at = shown
        .stdout
        .find("secret.txt")
        .expect("the finding is reported");
    let last_progress = regex::Regex::new(r"/s  \d+ finding")
        .unwrap()
        .find_iter(&shown.stdout)
        .last()
        .unwrap()
        .start();
    assert!(last_progress < report_at, "{shown:?}");

    for quiet in ["--no-progress", "--quiet"] {
        let off = on_terminal(&env, &format!("{scan} {quiet}"), false);
        assert!(off.stdout.contains("secret.txt"), "{off:?}");
        assert!(!shows_rate(&off.stdout), "{quiet}: {off:?}");
    }
    let ci = on_terminal(&env, &scan, true);
    assert!(ci.stdout.contains("secret.txt"), "{ci:?}");
    assert!(!shows_rate(&ci.stdout), "CI: {ci:?}");
}

#[cfg(target_os = "linux")]
#[test]
fn history_progress_counts_blobs_on_a_terminal() {
    let env = TestEnv::new();
    let repo = git2::Repository::init(env.root()).unwrap();
    let blob = repo.blob(format!("x = {}\n", token(3)).as_bytes()).unwrap();
    let mut tree = repo.treebuilder(None).unwrap();
    tree.insert("secret.txt", blob, 0o100_644).unwrap();
    let tree = repo.find_tree(tree.write().unwrap()).unwrap();
    let who = git2::Signature::new("t", "t@example.com", &git2::Time::new(0, 0)).unwrap();
    repo.commit(Some("HEAD"), &who, &who, "add", &tree, &[])
        .unwrap();
    let git = format!("git --no-config --rules '{}' .", env.rules_file().display());
    let shown = on_terminal(&env, &git, false);
    assert!(shown.stdout.contains("secret.txt"), "{shown:?}");
    assert!(shows_rate(&shown.stdout), "{shown:?}");
    let off = on_terminal(&env, &format!("{git} --no-progress"), false);
    assert!(off.stdout.contains("secret.txt"), "{off:?}");
    assert!(!shows_rate(&off.stdout), "{off:?}");
}
