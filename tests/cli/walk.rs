//! What the walk reads and what it leaves out: hidden files, ignore files, `.git`, binary and
//! oversized files, symlinks, several roots, standard input, and thread counts.

use crate::util::{finding_paths, places, run, token, TestEnv};

/// A line holding a fresh `test.token` secret.
fn secret_line(seed: u64) -> String {
    format!("x = {}\n", token(seed))
}

#[test]
fn hidden_files_are_scanned() {
    let env = TestEnv::new();
    env.create(".env", secret_line(1));
    env.create(".config/app/settings", secret_line(2));
    let (report, code) = env.report(&[], &["."]);
    assert_eq!(code, 1);
    assert_eq!(finding_paths(&report), [".config/app/settings", ".env"]);
}

#[test]
fn gitignore_is_honoured_outside_a_git_repository() {
    let env = TestEnv::new();
    assert!(
        !env.root().ancestors().any(|dir| dir.join(".git").exists()),
        "the temp folder must not sit inside a git repository for this test"
    );
    env.create(".gitignore", "ignored.txt\nbuild/\n");
    env.create("ignored.txt", secret_line(1));
    env.create("build/out.txt", secret_line(2));
    env.create("kept.txt", secret_line(3));
    let (report, run) = env.scan_json(&["."]);
    run.code(1);
    assert_eq!(finding_paths(&report), ["kept.txt"]);
    assert_eq!(report.stats.files_scanned, 2, "kept.txt and .gitignore");
    // What the ignore files left out is counted, an ignored folder once, and said.
    assert_eq!(report.stats.skipped.ignored, 2, "ignored.txt and build/");
    assert!(
        run.stderr
            .contains("skipped 2 (2 ignored by .gitignore/.ignore: --no-ignore scans them)"),
        "{}",
        run.stderr
    );
}

#[test]
fn no_ignore_scans_ignored_files() {
    let env = TestEnv::new();
    env.create(".gitignore", "ignored.txt\nbuild/\n");
    env.create(".ignore", "private.txt\n");
    env.create("ignored.txt", secret_line(1));
    env.create("build/out.txt", secret_line(2));
    env.create("private.txt", secret_line(3));
    let (report, code) = env.report(&["--no-ignore"], &["."]);
    assert_eq!(code, 1);
    assert_eq!(
        finding_paths(&report),
        ["build/out.txt", "ignored.txt", "private.txt"]
    );
    assert_eq!(report.stats.skipped.ignored, 0);
}

#[test]
fn dot_ignore_files_are_honoured() {
    let env = TestEnv::new();
    env.create(".ignore", "private.txt\n");
    env.create("sub/.ignore", "*.local\n");
    env.create("private.txt", secret_line(1));
    env.create("sub/dev.local", secret_line(2));
    env.create("sub/kept.txt", secret_line(3));
    let (report, code) = env.report(&[], &["."]);
    assert_eq!(code, 1);
    assert_eq!(finding_paths(&report), ["sub/kept.txt"]);
    assert_eq!(
        report.stats.skipped.ignored, 2,
        "private.txt and sub/dev.local"
    );
}

#[test]
fn git_info_exclude_is_honoured() {
    let env = TestEnv::new();
    env.create(".git/HEAD", "ref: refs/heads/main\n");
    env.create(".git/info/exclude", "local-notes.txt\n");
    env.create("local-notes.txt", secret_line(1));
    env.create("kept.txt", secret_line(2));
    let (report, code) = env.report(&[], &["."]);
    assert_eq!(code, 1);
    assert_eq!(finding_paths(&report), ["kept.txt"]);
}

/// A git repository's insides: a secret in its config, in its logs, and in a nested repository.
fn plant_git_internals(env: &TestEnv) {
    env.create(".git/HEAD", "ref: refs/heads/main\n");
    env.create(
        ".git/config",
        format!(
            "[remote \"origin\"]\n\turl = https://{}@example.com/x.git\n",
            token(1)
        ),
    );
    env.create(".git/logs/HEAD", secret_line(2));
    env.create("sub/.git/config", secret_line(3));
    env.create("kept.txt", secret_line(4));
}

#[test]
fn git_internals_are_never_scanned() {
    let env = TestEnv::new();
    plant_git_internals(&env);
    for args in [
        &["."][..],
        &["--no-ignore", "."],
        &["--follow-symlinks", "."],
    ] {
        let (report, run) = env.scan_json(args);
        run.code(1);
        assert_eq!(finding_paths(&report), ["kept.txt"], "{args:?}");
    }
    let (report, code) = env.report(&[], &["sub"]);
    assert_eq!(code, 0);
    assert!(report.findings.is_empty(), "{:?}", report.findings);
}

/// The walk's contract says `.git` folders are never entered; a `.git` folder named as a root
/// bypasses the walker's entry filter, as roots do.
#[test]
fn a_git_folder_named_on_the_command_line_is_not_entered() {
    let env = TestEnv::new();
    plant_git_internals(&env);
    for root in [".git", "sub/.git", ".git/config", "./sub/.git/config"] {
        let (report, run) = env.scan_json(&[root]);
        assert!(report.findings.is_empty(), "{root}: {run:?}");
        run.code(0);
    }
}

#[test]
fn binary_files_are_skipped_and_counted() {
    let env = TestEnv::new();
    let mut binary = secret_line(1).into_bytes();
    binary.extend_from_slice(b"\0\x01\x02 rest of the binary");
    env.create("image.bin", &binary);
    // A NUL past the first 8 KiB does not make a file binary.
    let mut late = secret_line(2).into_bytes();
    late.extend(std::iter::repeat_n(b'.', 9 * 1024));
    late.push(0);
    env.create("late-nul.txt", &late);
    let (report, code) = env.report(&[], &["."]);
    assert_eq!(code, 1);
    assert_eq!(finding_paths(&report), ["late-nul.txt"]);
    assert_eq!(report.stats.skipped.binary, 1);
    assert_eq!(report.stats.files_scanned, 1);
}

#[test]
fn oversized_files_are_skipped_and_counted() {
    let env = TestEnv::new();
    env.create("exactly-ten", "0123456789");
    env.create("big.txt", secret_line(1));
    let (report, code) = env.report(&["--max-file-size", "10"], &["."]);
    assert_eq!(code, 0);
    assert!(report.findings.is_empty(), "{:?}", report.findings);
    assert_eq!(report.stats.skipped.too_large, 1);
    assert_eq!(
        report.stats.files_scanned, 1,
        "a file at the limit is scanned"
    );
    assert_eq!(report.stats.bytes_scanned, 10);
}

#[test]
fn sizes_take_binary_and_decimal_units() {
    let env = TestEnv::new();
    // 1010 bytes: within 1K (1024 bytes), over 1KB (1000 bytes).
    let mut text = secret_line(1);
    text.push_str(&".".repeat(1010 - text.len()));
    env.create("kilo.txt", &text);
    for (size, found, too_large) in [
        ("1K", 1, 0),
        ("1KiB", 1, 0),
        ("1k", 1, 0),
        ("1KB", 0, 1),
        ("10MB", 1, 0),
        ("1009", 0, 1),
        ("1010", 1, 0),
    ] {
        let (report, run) = env.scan_json(&["--max-file-size", size, "."]);
        assert_eq!(report.findings.len(), found, "{size}: {run:?}");
        assert_eq!(report.stats.skipped.too_large, too_large, "{size}: {run:?}");
    }
}

#[test]
fn a_file_named_on_the_command_line_is_held_to_the_limits() {
    let env = TestEnv::new();
    env.create("big.txt", secret_line(1));
    let mut binary = secret_line(2).into_bytes();
    binary.push(0);
    env.create("blob.bin", &binary);
    let (report, code) = env.report(&["--max-file-size", "10"], &["big.txt"]);
    assert_eq!(code, 0);
    assert_eq!(
        (report.findings.len(), report.stats.skipped.too_large),
        (0, 1)
    );
    let (report, code) = env.report(&[], &["blob.bin"]);
    assert_eq!(code, 0);
    assert_eq!((report.findings.len(), report.stats.skipped.binary), (0, 1));
}

#[cfg(unix)]
#[test]
fn symlinks_are_skipped_and_counted_unless_followed() {
    use std::os::unix::fs::symlink;

    let env = TestEnv::new();
    let outside_file = env.create_aux("outside/secret.txt", secret_line(1));
    env.create_aux("outside/dir/inner.txt", secret_line(2));
    symlink(&outside_file, env.path("file-link")).unwrap();
    symlink(env.aux_path("outside/dir"), env.path("dir-link")).unwrap();
    env.create("plain.txt", "nothing\n");

    let (report, code) = env.report(&[], &["."]);
    assert_eq!(code, 0);
    assert!(report.findings.is_empty(), "{:?}", report.findings);
    assert_eq!(report.stats.skipped.symlink, 2);

    let (report, code) = env.report(&["--follow-symlinks"], &["."]);
    assert_eq!(code, 1);
    assert_eq!(finding_paths(&report), ["dir-link/inner.txt", "file-link"]);
    assert_eq!(report.stats.skipped.symlink, 0);
}

#[cfg(unix)]
#[test]
fn verbose_lists_skipped_symlinks() {
    let env = TestEnv::new();
    std::os::unix::fs::symlink("plain.txt", env.path("link")).unwrap();
    env.create("plain.txt", "nothing\n");
    let run = run(env.scan().args(["-v", "."]));
    run.code(0);
    assert!(
        run.stderr.contains("sprawl: skipped link (symlink)\n"),
        "{run:?}"
    );
}

#[test]
fn several_paths_are_scanned_in_one_run() {
    let env = TestEnv::new();
    env.create("a/one.txt", secret_line(1));
    env.create("b/two.txt", secret_line(2));
    env.create("c/three.txt", secret_line(3));
    env.create("d/left-out.txt", secret_line(4));
    let (report, code) = env.report(&[], &["a", "c/three.txt", "b"]);
    assert_eq!(code, 1);
    assert_eq!(
        finding_paths(&report),
        ["a/one.txt", "b/two.txt", "c/three.txt"]
    );
    assert_eq!(report.stats.files_scanned, 3);
}

#[test]
fn stdin_is_scanned_as_dash() {
    let env = TestEnv::new();
    let secret = token(1);
    let run = run(env
        .scan()
        .args(["--format", "json", "-"])
        .write_stdin(format!("first line\nvalue {secret} end\n")));
    run.code(1);
    let report = run.json();
    assert_eq!(
        places(&report),
        [("<stdin>".to_string(), 2, 7, "test.token".to_string())]
    );
    assert_eq!(report.stats.files_scanned, 1);
}

#[test]
fn stdin_and_paths_are_scanned_together() {
    let env = TestEnv::new();
    env.create("file.txt", secret_line(1));
    let run = run(env
        .scan()
        .args(["--format", "json", "file.txt", "-"])
        .write_stdin(secret_line(2)));
    run.code(1);
    assert_eq!(finding_paths(&run.json()), ["<stdin>", "file.txt"]);
}

#[test]
fn stdin_is_held_to_the_limits() {
    let env = TestEnv::new();
    let run = run(env
        .scan()
        .args(["--format", "json", "--max-file-size", "10", "-"])
        .write_stdin(secret_line(1)));
    run.code(0);
    assert_eq!(run.json().stats.skipped.too_large, 1);
}

#[test]
fn thread_count_does_not_change_the_findings() {
    let env = TestEnv::new();
    let mut planted = 0;
    for i in 0..50u64 {
        let path = format!("d{}/e{}/f{i}.txt", i % 5, i % 3);
        let mut text = format!("file {i}\n");
        for j in 0..(i % 3) {
            text.push_str(&format!("line {j} {}\n", token(i * 10 + j)));
            planted += 1;
        }
        env.create(&path, text);
    }
    let (one, code) = env.report(&["-j", "1"], &["."]);
    assert_eq!(code, 1);
    let (four, code) = env.report(&["-j", "4"], &["."]);
    assert_eq!(code, 1);
    assert_eq!(one.findings.len(), planted);
    assert_eq!(one.findings, four.findings);
    assert_eq!(one.stats.files_scanned, 50);
    assert_eq!(
        (one.stats.files_scanned, one.stats.bytes_scanned),
        (four.stats.files_scanned, four.stats.bytes_scanned)
    );
}
