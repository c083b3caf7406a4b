//! Unified diffs on standard input: only added lines are scanned, each reported at the new
//! file's path and line; `--diff` forces it, `--no-diff` scans the diff as text.

use git2::{Repository, Signature};

use crate::util::{places, run, token, Run, TestEnv};

/// A diff that changes `conf/app.env`: removes a secret (seed 1), keeps one as context (seed
/// 2), adds one on new line 4 (seed 3); and deletes `old.env`, which held a secret (seed 4).
fn diff() -> String {
    format!(
        "diff --git a/conf/app.env b/conf/app.env\nindex 1111111..2222222 100644\n--- a/conf/app.env\n+++ b/conf/app.env\n@@ -1,3 +1,4 @@\n host = a\n-OLD = {}\n KEEP = {}\n+port = 80\n+NEW = {}\ndiff --git a/old.env b/old.env\ndeleted file mode 100644\n--- a/old.env\n+++ /dev/null\n@@ -1 +0,0 @@\n-GONE = {}\n",
        token(1),
        token(2),
        token(3),
        token(4)
    )
}

fn scan_stdin(env: &TestEnv, args: &[&str], input: String) -> Run {
    run(env
        .scan()
        .args(["--format", "json"])
        .args(args)
        .write_stdin(input))
}

#[test]
fn a_diff_on_standard_input_reports_only_added_lines_at_the_new_files_lines() {
    let env = TestEnv::new();
    let run = scan_stdin(&env, &["-"], diff());
    run.code(1);
    let report = run.json();
    assert_eq!(
        places(&report),
        [("conf/app.env".into(), 4, 7, "test.token".into())]
    );
    assert_eq!(report.findings[0].secret, format!("{}…", &token(3)[..4]));
    assert_eq!(report.stats.files_scanned, 1);
    assert!(
        run.stderr.contains(
            "sprawl: note: standard input is a unified diff: only the lines it adds are scanned"
        ),
        "{}",
        run.stderr
    );
    // `--diff` reads standard input without `-`, and says nothing about recognising it.
    let forced = scan_stdin(&env, &["--diff"], diff());
    forced.code(1);
    assert_eq!(places(&forced.json()), places(&report));
    assert!(!forced.stderr.contains("note:"), "{}", forced.stderr);
    // `--no-diff` scans every line of it as text, at the diff's own lines.
    let text = scan_stdin(&env, &["--no-diff", "-"], diff());
    text.code(1);
    let lines: Vec<usize> = text.json().findings.iter().map(|f| f.line).collect();
    assert_eq!(lines, [7, 8, 10, 16]);
}

#[test]
fn an_inline_allow_on_a_context_line_before_an_added_line_applies() {
    let env = TestEnv::new();
    let diff = format!(
        "--- a/x.env\n+++ b/x.env\n@@ -1,1 +1,2 @@\n # sprawl:allow test fixture\n+T = {}\n",
        token(5)
    );
    let run = scan_stdin(&env, &["-"], diff);
    run.code(0);
    assert_eq!(run.json().stats.suppressed.inline, 1);
}

#[test]
fn diff_with_a_folder_is_refused_and_an_empty_diff_is_a_warning() {
    let env = TestEnv::new();
    let refused = run(env.scan().args(["--diff", "."]));
    refused.code(2);
    assert!(
        refused
            .stderr
            .starts_with("sprawl: error: --diff reads a diff from standard input only"),
        "{}",
        refused.stderr
    );
    let empty = scan_stdin(&env, &["--diff"], format!("T = {}\n", token(1)));
    empty.code(0);
    assert!(
        empty
            .stderr
            .contains("--diff was given, but standard input holds no hunk"),
        "{}",
        empty.stderr
    );
}

#[test]
fn the_output_of_git_diff_and_git_show_is_read_as_git_writes_it() {
    let env = TestEnv::new();
    let repo = Repository::init(env.root()).unwrap();
    let who = Signature::now("Ada", "ada@example.com").unwrap();
    let mut parent = None;
    for (text, message) in [
        (format!("a = 1\nOLD = {}\n", token(1)), "first"),
        (format!("a = 1\nb = 2\nNEW = {}\n", token(2)), "second"),
    ] {
        env.create("app/settings.env", &text);
        let mut index = repo.index().unwrap();
        index
            .add_path(std::path::Path::new("app/settings.env"))
            .unwrap();
        index.write().unwrap();
        let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
        let parents: Vec<git2::Commit<'_>> = parent
            .iter()
            .map(|id| repo.find_commit(*id).unwrap())
            .collect();
        let parents: Vec<&git2::Commit<'_>> = parents.iter().collect();
        parent = Some(
            repo.commit(Some("HEAD"), &who, &who, message, &tree, &parents)
                .unwrap(),
        );
    }
    // What `git show` prints for the second commit, built with git2's own patch writer.
    let head = repo.find_commit(parent.unwrap()).unwrap();
    let diff = repo
        .diff_tree_to_tree(
            Some(&head.parent(0).unwrap().tree().unwrap()),
            Some(&head.tree().unwrap()),
            None,
        )
        .unwrap();
    let mut patch = format!(
        "commit {}\nAuthor: Ada <ada@example.com>\n\n    second\n\n",
        head.id()
    );
    diff.print(git2::DiffFormat::Patch, |_, _, line| {
        if matches!(line.origin(), '+' | '-' | ' ') {
            patch.push(line.origin());
        }
        patch.push_str(std::str::from_utf8(line.content()).unwrap());
        true
    })
    .unwrap();
    let run = scan_stdin(&env, &["-"], patch);
    run.code(1);
    assert_eq!(
        places(&run.json()),
        [("app/settings.env".into(), 3, 7, "test.token".into())]
    );
}

#[test]
fn the_configs_paths_apply_to_the_files_a_diff_names() {
    let env = TestEnv::new();
    env.create(".sprawl.yml", "exclude_paths: [conf/]\n");
    let run = run(env
        .sprawl()
        .args(["scan", "--format", "json", "--rules"])
        .arg(env.rules_file())
        .arg("-")
        .write_stdin(diff()));
    run.code(0);
    assert!(run.json().findings.is_empty());
    // A note is not an error: --quiet leaves it out.
    let quiet = scan_stdin(&env, &["-q", "-"], diff());
    quiet.code(1);
    assert!(!quiet.stderr.contains("note:"), "{}", quiet.stderr);
}
