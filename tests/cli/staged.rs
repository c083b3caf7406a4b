//! `sprawl git --staged` as hooks call it: paths handed over with nothing staged, paths that
//! exist nowhere, bare repositories, and the real `pre-commit` framework running the hook this
//! repository ships (`.pre-commit-hooks.yaml`). Also `sprawl git URL`, which a new user tries.

use std::path::Path;
use std::process::Command as Process;

use git2::{Repository, Signature};
use sprawl::report::JsonReport;

use crate::util::{run, token, Run, TestEnv};

/// A repository at the scan root with `files` committed, HEAD on `main`.
fn committed(env: &TestEnv, files: &[(&str, String)]) -> Repository {
    let repo = Repository::init(env.root()).unwrap();
    for (path, text) in files {
        env.create(path, text);
    }
    let mut index = repo.index().unwrap();
    for (path, _) in files {
        index.add_path(Path::new(path)).unwrap();
    }
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let who = Signature::now("Ada", "ada@example.com").unwrap();
    repo.commit(Some("HEAD"), &who, &who, "initial", &tree, &[])
        .unwrap();
    drop(tree);
    repo
}

/// `sprawl git --staged --format json ARGS` in `dir`, with the test rules and no config.
fn staged(env: &TestEnv, dir: &Path, args: &[&str]) -> (JsonReport, Run) {
    let run = run(env
        .sprawl()
        .current_dir(dir)
        .args([
            "git",
            "--staged",
            "--no-config",
            "--format",
            "json",
            "--rules",
        ])
        .arg(env.rules_file())
        .args(args));
    (run.json(), run)
}

fn lines_of(report: &JsonReport) -> Vec<(String, usize)> {
    report
        .findings
        .iter()
        .map(|f| (f.path.clone(), f.line))
        .collect()
}

#[test]
fn a_path_handed_over_with_nothing_staged_is_scanned_whole_from_the_work_tree() {
    // `pre-commit run --all-files` hands over every tracked file, none of them staged.
    let env = TestEnv::new();
    committed(
        &env,
        &[("app.env", format!("host = a\nTOKEN = {}\n", token(1)))],
    );
    env.create("new/untracked.env", format!("T = {}\n", token(2)));
    let (report, run) = staged(&env, env.root(), &["--", "app.env", "new/untracked.env"]);
    run.code(1);
    assert_eq!(
        lines_of(&report),
        [("app.env".into(), 2), ("new/untracked.env".into(), 1)]
    );
    // With nothing handed over, only what is staged counts: nothing is.
    let (report, run) = staged(&env, env.root(), &[]);
    run.code(0);
    assert!(report.findings.is_empty());
    // A file changed in the work tree but not staged is read as it is on disk.
    env.create(
        "app.env",
        format!("host = a\nmoved\nTOKEN = {}\n", token(1)),
    );
    let (report, _) = staged(&env, env.root(), &["--", "app.env"]);
    assert_eq!(lines_of(&report), [("app.env".into(), 3)]);
}

#[test]
fn a_path_that_exists_nowhere_is_an_error_and_the_others_are_still_scanned() {
    let env = TestEnv::new();
    committed(&env, &[("sub/app.env", format!("TOKEN = {}\n", token(1)))]);
    let (report, run) = staged(&env, env.root(), &["--", "sub/app.env", "nope.env"]);
    run.code(2);
    assert_eq!(lines_of(&report), [("sub/app.env".into(), 1)]);
    assert!(
        run.stderr
            .contains("sprawl: error: nope.env: no such file in the work tree or the index\n"),
        "{}",
        run.stderr
    );
    // From a subfolder, paths are relative to it; a root-relative path gets a hint.
    let (report, run) = staged(&env, &env.path("sub"), &["--", "app.env"]);
    run.code(1);
    assert_eq!(lines_of(&report), [("sub/app.env".into(), 1)]);
    let (_, run) = staged(&env, &env.path("sub"), &["--", "sub/app.env"]);
    run.code(2);
    assert!(
        run.stderr.contains("sub/app.env: no such file in the work tree or the index (paths are taken from the current folder; this one exists from the repository's root"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_indexed_file_gone_from_the_work_tree_is_scanned_from_the_index() {
    let env = TestEnv::new();
    committed(&env, &[("app.env", format!("TOKEN = {}\n", token(1)))]);
    std::fs::remove_file(env.path("app.env")).unwrap();
    let (report, run) = staged(&env, env.root(), &["--", "app.env"]);
    run.code(1);
    assert_eq!(lines_of(&report), [("app.env".into(), 1)]);
    // Staged for deletion: nothing to scan, and it says so.
    let repo = Repository::open(env.root()).unwrap();
    let mut index = repo.index().unwrap();
    index.remove_path(Path::new("app.env")).unwrap();
    index.write().unwrap();
    let (report, run) = staged(&env, env.root(), &["--", "app.env"]);
    run.code(0);
    assert!(report.findings.is_empty());
    assert!(
        run.stderr
            .contains("sprawl: note: app.env: staged for deletion: nothing to scan"),
        "{}",
        run.stderr
    );
}

#[test]
fn staged_in_a_bare_repository_is_an_error() {
    let env = TestEnv::new();
    committed(&env, &[("app.env", "clean\n".into())]);
    let bare = env.aux_path("bare.git");
    Repository::init_bare(&bare).unwrap();
    for args in [vec![], vec!["--", "app.env"]] {
        let (_, run) = (
            (),
            run(env
                .sprawl()
                .args(["git", "--staged", "--no-config"])
                .arg(&bare)
                .args(&args)),
        );
        run.code(2);
        assert!(
            run.stderr.starts_with("sprawl: error: cannot scan the staged changes: a bare repository has no work tree and no index"),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn a_remote_url_is_not_cloned_but_the_user_is_told_to_clone_it() {
    let env = TestEnv::new();
    for url in [
        "https://github.com/acme/app.git",
        "git@github.com:acme/app.git",
    ] {
        let run = run(env.sprawl().args(["git", url]));
        run.code(2);
        assert!(
            run.stderr.starts_with(&format!(
                "sprawl: error: {url} is a remote repository: sprawl never touches the network, so clone it first"
            )) && run.stderr.contains(&format!("git clone --mirror {url} repo.git")),
            "{}",
            run.stderr
        );
    }
}

// The real pre-commit framework.

/// `pre-commit` if it is installed. CI installs it (`.ci/run`) and sets
/// `SPRAWL_REQUIRE_PRE_COMMIT`, so that there a missing framework fails the test instead of
/// skipping it.
fn pre_commit() -> Option<&'static str> {
    let found = Process::new("pre-commit")
        .arg("--version")
        .output()
        .is_ok_and(|out| out.status.success());
    if !found && std::env::var_os("SPRAWL_REQUIRE_PRE_COMMIT").is_some() {
        panic!("pre-commit is not installed (pip install pre-commit)");
    }
    found.then_some("pre-commit")
}

/// The hook this repository ships, with `sprawl` replaced by the binary under test and the
/// test rules added: the same arguments and file passing as the published hook.
fn hook_config(env: &TestEnv) -> String {
    let hooks = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml"),
    )
    .unwrap();
    let entry = hooks
        .lines()
        .find_map(|line| line.trim().strip_prefix("entry: "))
        .expect("the hook has an entry");
    let args = entry
        .strip_prefix("sprawl ")
        .expect("the entry runs sprawl");
    let args = args.replace(
        "--staged",
        &format!(
            "--staged --no-config --rules {}",
            env.rules_file().display()
        ),
    );
    assert!(hooks.contains("pass_filenames: true"), "{hooks}");
    format!(
        "repos:\n  - repo: local\n    hooks:\n      - id: sprawl\n        name: sprawl\n        entry: {} {args}\n        language: system\n        pass_filenames: true\n        require_serial: true\n",
        crate::util::SPRAWL
    )
}

/// Runs `program args` in the scan root with a private pre-commit home and git identity.
fn sh(env: &TestEnv, program: &str, args: &[&str]) -> Run {
    let output = Process::new(program)
        .args(args)
        .current_dir(env.root())
        .env("PRE_COMMIT_HOME", env.aux_path("pre-commit-home"))
        .env("GIT_AUTHOR_NAME", "Ada")
        .env("GIT_AUTHOR_EMAIL", "ada@example.com")
        .env("GIT_COMMITTER_NAME", "Ada")
        .env("GIT_COMMITTER_EMAIL", "ada@example.com")
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .output()
        .unwrap();
    Run::from(output)
}

#[test]
fn the_pre_commit_hook_fails_on_secrets_under_all_files_and_on_commit() {
    let Some(pre_commit) = pre_commit() else {
        eprintln!("pre-commit is not installed: skipped");
        return;
    };
    let env = TestEnv::new();
    sh(&env, "git", &["init", "-q", "-b", "main"]).code(0);
    env.create(".pre-commit-config.yaml", hook_config(&env));
    env.create("app/settings.env", format!("TOKEN = {}\n", token(1)));
    env.create("README.md", "# demo\n");
    sh(&env, "git", &["add", "."]).code(0);
    // Committed without the hook: the secret is in the repository.
    sh(&env, "git", &["commit", "-q", "-m", "initial"]).code(0);

    // What pre-commit.ci and CI actions run: every file handed over, none staged.
    let all = sh(&env, pre_commit, &["run", "--all-files"]);
    assert_eq!(all.code, Some(1), "{all:?}");
    assert!(
        all.stdout.contains("app/settings.env:1:9"),
        "{}",
        all.stdout
    );

    // A commit that adds a clean file passes; one that adds a secret is stopped.
    sh(&env, pre_commit, &["install"]).code(0);
    env.create("docs/notes.md", "nothing secret\n");
    sh(&env, "git", &["add", "docs/notes.md"]).code(0);
    let clean = sh(&env, "git", &["commit", "-q", "-m", "notes"]);
    assert_eq!(clean.code, Some(0), "{clean:?}");
    env.create("app/new.env", format!("KEY = {}\n", token(2)));
    sh(&env, "git", &["add", "app/new.env"]).code(0);
    let stopped = sh(&env, "git", &["commit", "-q", "-m", "leak"]);
    assert_ne!(stopped.code, Some(0), "{stopped:?}");
    // git runs the hook with its output on standard error.
    assert!(stopped.stderr.contains("app/new.env:1:7"), "{stopped:?}");
    let head = sh(&env, "git", &["log", "--format=%s"]);
    assert_eq!(head.stdout, "notes\ninitial\n");
    // A file handed over by name (`pre-commit run --files`) that is not staged is read from
    // the work tree; one that does not exist fails the hook.
    env.create("app/later.env", format!("KEY = {}\n", token(3)));
    let named = sh(&env, pre_commit, &["run", "--files", "app/later.env"]);
    assert_eq!(named.code, Some(1), "{named:?}");
    assert!(named.stdout.contains("app/later.env:1:7"), "{named:?}");
}
