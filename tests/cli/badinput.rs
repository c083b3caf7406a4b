//! Hostile and broken input: whatever sprawl meets, it finishes, names what it could not read,
//! keeps every finding it could make, and exits with a code that tells the truth (0 clean, 1
//! findings, 2 an error, findings still printed). Each test asserts that exact outcome.
//!
//! Neighbouring suites cover some cases already: `scan.rs` a missing path and bad rule files,
//! `walk.rs` symlinks, binary and oversized files, `git.rs` a shallow clone, a corrupt loose
//! object and a folder that is not a repository, `suppress.rs` malformed baselines and configs.

use std::path::Path;

use git2::{Repository, Signature};

use crate::util::{places, run, token, Run, TestEnv};

/// A line holding the `test.token` secret of `seed`.
fn secret_line(seed: u64) -> String {
    format!("x = {}\n", token(seed))
}

/// No panic message and no backtrace in what sprawl printed.
#[track_caller]
fn no_panic(run: &Run) {
    assert!(
        !run.stderr.contains("panicked") && !run.stderr.contains("RUST_BACKTRACE"),
        "{run:?}"
    );
}

/// `(path, line, column)` of each finding.
fn spots(report: &sprawl::report::JsonReport) -> Vec<(String, usize, usize)> {
    places(report)
        .into_iter()
        .map(|(path, line, column, _)| (path, line, column))
        .collect()
}

fn at(path: &str, line: usize, column: usize) -> (String, usize, usize) {
    (path.to_string(), line, column)
}

// Content.

#[test]
fn invalid_utf8_around_a_secret_does_not_hide_it() {
    let env = TestEnv::new();
    let mut bytes = b"\xc3\x28 \xed\xa0\x80\xf8\x88\x80\x80\x80 ".to_vec();
    bytes.extend(secret_line(1).as_bytes());
    bytes.extend(b"\xc0\xaf y = ");
    bytes.extend(token(2).as_bytes());
    env.create("broken.txt", &bytes);
    let (report, run) = env.scan_json(&["."]);
    run.code(1);
    no_panic(&run);
    assert_eq!(
        spots(&report),
        [at("broken.txt", 1, 17), at("broken.txt", 2, 8)]
    );
    assert_eq!(report.findings[1].secret, format!("{}…", &token(2)[..4]));
}

#[test]
fn a_nul_byte_in_the_first_8_kib_makes_a_file_binary_and_later_it_does_not() {
    let env = TestEnv::new();
    env.create("early.bin", format!("\0{}", secret_line(1)));
    let mut late = "a".repeat(8 * 1024);
    late.push('\0');
    late.push('\n');
    late.push_str(&secret_line(2));
    env.create("late.txt", late);
    let (report, code) = env.report(&[], &["."]);
    assert_eq!(code, 1);
    assert_eq!(spots(&report), [at("late.txt", 2, 5)]);
    assert_eq!(report.stats.skipped.binary, 1);
}

/// `text` in UTF-16 with a byte order mark, little- or big-endian.
fn utf16(text: &str, little: bool) -> Vec<u8> {
    let mut bytes = if little {
        vec![0xff, 0xfe]
    } else {
        vec![0xfe, 0xff]
    };
    for unit in text.encode_utf16() {
        bytes.extend(if little {
            unit.to_le_bytes()
        } else {
            unit.to_be_bytes()
        });
    }
    bytes
}

#[test]
fn utf16_files_with_a_bom_are_decoded_and_their_secrets_found_on_their_lines() {
    let env = TestEnv::new();
    let text = format!(
        "Windows Registry\r\n\"caf\u{e9}\"=\"1\"\r\n{}",
        secret_line(1)
    );
    env.create("le.reg", utf16(&text, true));
    env.create("be.reg", utf16(&text, false));
    // Without a BOM, UTF-16 is not guessed: it is binary like any file with NULs.
    env.create("nobom.txt", &utf16(&text, true)[2..]);
    let (report, code) = env.report(&["--no-redact"], &["."]);
    assert_eq!(code, 1);
    assert_eq!(spots(&report), [at("be.reg", 3, 5), at("le.reg", 3, 5)]);
    assert!(report.findings.iter().all(|f| f.secret == token(1)));
    assert_eq!(report.stats.skipped.binary, 1);
}

#[test]
fn a_utf16_file_in_git_and_in_a_zip_is_decoded_too() {
    let env = TestEnv::new();
    // Two secrets: history reports a secret once, where it first appears.
    let text = utf16(&format!("a\r\n{}", secret_line(3)), true);
    let inner = utf16(&format!("a\r\n{}", secret_line(4)), false);
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file("inner.txt", zip::write::SimpleFileOptions::default())
        .unwrap();
    std::io::Write::write_all(&mut zip, &inner).unwrap();
    let zip = zip.finish().unwrap().into_inner();
    let repo = commit_files(&env.path("repo"), &[("w.txt", &text), ("a.zip", &zip)]);
    let (report, run) = git_json(&env, repo.workdir().unwrap(), &[]);
    run.code(1);
    assert_eq!(
        spots(&report),
        [at("a.zip!inner.txt", 2, 5), at("w.txt", 2, 5)]
    );
}

#[test]
fn crlf_lines_count_like_lf_and_a_lone_cr_is_not_a_line_break() {
    let env = TestEnv::new();
    env.create(
        "crlf.txt",
        format!("a\r\nb\r\n{}", secret_line(1).replace('\n', "\r\n")),
    );
    // Old Mac line ends: like git and ripgrep, only LF ends a line, so all is line 1.
    env.create(
        "cr.txt",
        format!("a\rbb\r{}", secret_line(2).replace('\n', "\r")),
    );
    let (report, code) = env.report(&[], &["."]);
    assert_eq!(code, 1);
    assert_eq!(spots(&report), [at("cr.txt", 1, 10), at("crlf.txt", 3, 5)]);
    let text = run_text(&env);
    assert!(!text.contains('\r'), "{text:?}");
}

/// The text report of a scan of the root.
fn run_text(env: &TestEnv) -> String {
    run(env.scan().arg(".")).stdout
}

#[test]
fn secrets_in_one_long_line_are_found_at_their_byte_columns() {
    // 6 MiB: far above every internal buffer (the 8 KiB binary probe, read buffers), and still
    // fast. A line longer than a scan window is `a_line_longer_than_a_window_is_...` below.
    const LEN: usize = 6 << 20;
    let env = TestEnv::new();
    let mut line = Vec::with_capacity(LEN + 200);
    line.extend(token(1).as_bytes());
    line.push(b' ');
    line.resize(LEN / 2, b'a');
    line.extend(b" y = ");
    let middle = line.len();
    line.extend(token(2).as_bytes());
    line.push(b' ');
    line.resize(LEN, b'b');
    line.extend(b" z = ");
    let end = line.len();
    line.extend(token(3).as_bytes());
    env.create("long.txt", &line);
    let (report, code) = env.report(&[], &["."]);
    assert_eq!(code, 1);
    assert_eq!(
        spots(&report),
        [
            at("long.txt", 1, 1),
            at("long.txt", 1, middle + 1),
            at("long.txt", 1, end + 1)
        ]
    );
}

#[test]
fn a_line_longer_than_a_window_is_scanned_across_its_windows() {
    // 40 MiB on one line: past two window boundaries (files over 16 MiB are scanned in
    // windows), one secret straddling the first boundary and one at the very end.
    const LEN: usize = 40 << 20;
    let boundary = 16 << 20;
    let env = TestEnv::new();
    let mut line = Vec::with_capacity(LEN + 100);
    line.resize(boundary - 20, b'a');
    line.extend(b" x = ");
    let across = line.len();
    line.extend(token(1).as_bytes());
    line.push(b' ');
    line.resize(LEN, b'b');
    line.extend(b" z = ");
    let end = line.len();
    line.extend(token(2).as_bytes());
    env.create("huge.txt", &line);
    let (report, code) = env.report(&[], &["."]);
    assert_eq!(code, 1);
    assert_eq!(
        spots(&report),
        [at("huge.txt", 1, across + 1), at("huge.txt", 1, end + 1)]
    );
}

#[test]
fn a_million_short_lines_keep_their_line_numbers() {
    let env = TestEnv::new();
    let mut text = "a\n".repeat(1_000_000);
    text.push_str(&secret_line(1));
    text.push_str(&"b\n".repeat(10));
    env.create("lines.txt", text);
    let (report, code) = env.report(&[], &["."]);
    assert_eq!(code, 1);
    assert_eq!(spots(&report), [at("lines.txt", 1_000_001, 5)]);
}

#[test]
fn a_secret_at_byte_0_and_one_ending_at_the_last_byte_without_a_newline_are_found() {
    let env = TestEnv::new();
    env.create(
        "edges.txt",
        format!("{}\nmiddle\nz = {}", token(1), token(2)),
    );
    let (report, code) = env.report(&[], &["."]);
    assert_eq!(code, 1);
    assert_eq!(
        spots(&report),
        [at("edges.txt", 1, 1), at("edges.txt", 3, 5)]
    );
    assert_eq!(
        (report.findings[1].end_line, report.findings[1].end_column),
        (3, 5 + token(2).len())
    );
}

// The file system.

/// Whether this process can read what permissions forbid (root, CAP_DAC_OVERRIDE): then
/// `chmod 000` does not bite and the permission tests can only check that nothing breaks.
#[cfg(unix)]
fn permissions_do_not_bite(locked: &Path) -> bool {
    let bites = if locked.is_dir() {
        std::fs::read_dir(locked).is_err()
    } else {
        std::fs::read(locked).is_err()
    };
    if !bites {
        eprintln!("running with permission to read anything (root?): the denial is not tested");
    }
    !bites
}

#[cfg(unix)]
#[test]
fn an_unreadable_file_and_folder_are_named_and_the_rest_is_scanned() {
    use std::os::unix::fs::PermissionsExt;

    let env = TestEnv::new();
    env.create("ok.txt", secret_line(1));
    let file = env.create("locked.txt", secret_line(2));
    env.create("closed/inner.txt", secret_line(3));
    let folder = env.path("closed");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o000)).unwrap();
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o000)).unwrap();
    let (report, run) = env.scan_json(&["."]);
    // Open the folder again so that the temp dir can be removed.
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o755)).unwrap();
    no_panic(&run);
    if permissions_do_not_bite(&file) {
        run.code(1);
        assert_eq!(report.findings.len(), 3);
        return;
    }
    run.code(2);
    assert_eq!(spots(&report), [at("ok.txt", 1, 5)]);
    let errors: Vec<(&str, &str)> = report
        .errors
        .iter()
        .map(|e| (e.path.as_str(), e.message.as_str()))
        .collect();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert_eq!(errors[0].0, "closed");
    assert!(errors[0].1.contains("Permission denied"), "{errors:?}");
    assert_eq!(errors[1].0, "locked.txt");
    assert!(
        errors[1].1.starts_with("cannot read: Permission denied"),
        "{errors:?}"
    );
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_is_skipped_and_named_when_followed() {
    let env = TestEnv::new();
    env.create("a/found.txt", secret_line(1));
    std::os::unix::fs::symlink("..", env.path("a/up")).unwrap();
    std::os::unix::fs::symlink("self", env.path("self")).unwrap();

    let (report, code) = env.report(&[], &["."]);
    assert_eq!(code, 1);
    assert_eq!(spots(&report), [at("a/found.txt", 1, 5)]);
    assert_eq!(report.stats.skipped.symlink, 2);

    let (report, run) = env.scan_json(&["--follow-symlinks", "."]);
    no_panic(&run);
    run.code(2);
    assert_eq!(spots(&report), [at("a/found.txt", 1, 5)]);
    let errors: Vec<&str> = report.errors.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(errors, ["a/up", "self"], "{:?}", report.errors);
    assert!(
        report.errors[0].message.contains("loop"),
        "{:?}",
        report.errors
    );
}

#[cfg(unix)]
#[test]
fn fifos_sockets_and_devices_are_never_opened_so_the_scan_never_blocks() {
    use std::os::unix::fs::symlink;

    let env = TestEnv::new();
    env.create("found.txt", secret_line(1));
    let fifo = env.path("pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let _socket = std::os::unix::net::UnixListener::bind(env.path("sock")).unwrap();
    symlink("/dev/zero", env.path("zero")).unwrap();
    symlink("/dev/tty", env.path("tty")).unwrap();

    // Followed links lead to devices: they are not read either. A read of the FIFO or of
    // /dev/zero would block or never end; the 20 s timeout of every run turns that into a
    // failure.
    let (report, code) = env.report(&["--follow-symlinks"], &["."]);
    assert_eq!(code, 1);
    assert_eq!(spots(&report), [at("found.txt", 1, 5)]);
    assert_eq!(report.stats.skipped.special, 4);

    // Named on the command line, too.
    let (report, run) = env.scan_json(&["pipe", "/dev/zero", "found.txt"]);
    run.code(1);
    assert_eq!(report.stats.skipped.special, 2);
    assert_eq!(report.findings.len(), 1);
}

#[test]
fn many_files_in_one_folder_are_all_scanned() {
    const FILES: usize = 20_000;
    let env = TestEnv::new();
    let dir = env.path("many");
    std::fs::create_dir(&dir).unwrap();
    for n in 0..FILES {
        std::fs::write(dir.join(format!("f{n:05}.txt")), "nothing here\n").unwrap();
    }
    std::fs::write(dir.join("f19999.txt"), secret_line(1)).unwrap();
    let (report, code) = env.report(&[], &["."]);
    assert_eq!(code, 1);
    assert_eq!(spots(&report), [at("many/f19999.txt", 1, 5)]);
    assert_eq!(report.stats.files_scanned, FILES as u64);
}

#[cfg(unix)]
#[test]
fn a_path_that_is_not_utf8_is_scanned_and_shown_lossily() {
    use std::os::unix::ffi::OsStrExt;

    let env = TestEnv::new();
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.txt");
    std::fs::write(env.root().join(name), secret_line(1)).unwrap();
    let (report, code) = env.report(&[], &["."]);
    assert_eq!(code, 1);
    assert_eq!(spots(&report), [at("caf\u{FFFD}.txt", 1, 5)]);
    let text = run_text(&env);
    assert!(text.starts_with("caf\u{FFFD}.txt (1 finding)\n"), "{text}");
}

#[test]
fn a_path_that_does_not_exist_exits_2_naming_it_and_the_others_are_still_reported() {
    // A typo in a path must not pass as a clean scan of the rest (exit 2), and the findings of
    // the rest are not lost either (`sprawl scan app1 /nope`).
    let env = TestEnv::new();
    env.create("found.txt", secret_line(1));
    let done = run(env.scan().args(["found.txt", "no/such.txt"]));
    no_panic(&done);
    done.code(2);
    assert!(
        done.stdout.starts_with("found.txt (1 finding)\n"),
        "{}",
        done.stdout
    );
    assert!(
        done.stderr
            .starts_with("sprawl: error: no/such.txt: no such file or folder\n"),
        "{}",
        done.stderr
    );
}

// Git.

/// A repository at `dir` with one commit holding `files`.
fn commit_files(dir: &Path, files: &[(&str, &[u8])]) -> Repository {
    let repo = Repository::init(dir).unwrap();
    {
        let mut index = repo.index().unwrap();
        for (path, bytes) in files {
            let full = dir.join(path);
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(&full, bytes).unwrap();
            index.add_path(Path::new(path)).unwrap();
        }
        index.write().unwrap();
        let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
        let who = Signature::new("t", "t@example.com", &git2::Time::new(1_700_000_000, 0)).unwrap();
        repo.commit(Some("HEAD"), &who, &who, "add", &tree, &[])
            .unwrap();
    }
    repo
}

/// `sprawl git --format json` of `repo` with the test rules.
fn git_json(env: &TestEnv, repo: &Path, args: &[&str]) -> (sprawl::report::JsonReport, Run) {
    let done = run(env
        .sprawl()
        .args(["git", "--no-config", "--format", "json", "--rules"])
        .arg(env.rules_file())
        .args(args)
        .arg(repo));
    no_panic(&done);
    (done.json(), done)
}

/// The loose object file of `id`.
fn loose_object(repo: &Repository, id: git2::Oid) -> std::path::PathBuf {
    let hex = id.to_string();
    repo.path().join("objects").join(&hex[..2]).join(&hex[2..])
}

#[test]
fn a_missing_blob_referenced_by_a_tree_is_named_and_the_rest_is_scanned() {
    let env = TestEnv::new();
    let gone = secret_line(1);
    let repo = commit_files(
        &env.path("repo"),
        &[
            ("gone.env", gone.as_bytes()),
            ("kept.env", secret_line(2).as_bytes()),
        ],
    );
    let id = repo.blob(gone.as_bytes()).unwrap();
    std::fs::remove_file(loose_object(&repo, id)).unwrap();
    let (report, run) = git_json(&env, repo.workdir().unwrap(), &[]);
    run.code(2);
    assert_eq!(spots(&report), [at("kept.env", 1, 5)]);
    assert_eq!(report.errors.len(), 1, "{:?}", report.errors);
    assert!(
        report.errors[0].path.contains("gone.env"),
        "{:?}",
        report.errors
    );
    assert!(
        report.errors[0].path.contains(&id.to_string())
            || report.errors[0].message.contains(&id.to_string()),
        "{:?}",
        report.errors
    );
}

/// `git` run in `dir`, without the user's or the system's config.
fn git(dir: &Path, args: &[&str]) {
    let output = std::process::Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
}

#[test]
fn a_truncated_pack_is_an_error_naming_what_could_not_be_read_and_never_a_panic() {
    let env = TestEnv::new();
    let repo = commit_files(
        &env.path("repo"),
        &[
            ("a.env", secret_line(1).as_bytes()),
            ("b.env", "b\n".repeat(5000).as_bytes()),
        ],
    );
    let dir = repo.workdir().unwrap().to_path_buf();
    git(&dir, &["repack", "-a", "-d", "-q"]);
    let pack = std::fs::read_dir(repo.path().join("objects/pack"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .find(|path| path.extension().is_some_and(|ext| ext == "pack"))
        .unwrap();
    let bytes = std::fs::read(&pack).unwrap();
    let mut permissions = std::fs::metadata(&pack).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    permissions.set_readonly(false);
    std::fs::set_permissions(&pack, permissions).unwrap();
    std::fs::write(&pack, &bytes[..bytes.len() / 2]).unwrap();
    let (report, run) = git_json(&env, &dir, &[]);
    run.code(2);
    assert!(report.findings.is_empty(), "{:?}", report.findings);
    assert!(!run.stderr.is_empty());
    assert!(run.stderr.starts_with("sprawl: error: "), "{}", run.stderr);
}

#[test]
fn ten_thousand_refs_to_one_commit_give_one_finding() {
    let env = TestEnv::new();
    let repo = commit_files(&env.path("repo"), &[("a.env", secret_line(1).as_bytes())]);
    let head = repo.head().unwrap().target().unwrap();
    let mut packed = String::from("# pack-refs with: peeled fully-peeled sorted \n");
    let mut names: Vec<String> = (0..10_000).map(|n| format!("refs/tags/t{n:05}")).collect();
    names.sort();
    for name in names {
        packed.push_str(&format!("{head} {name}\n"));
    }
    std::fs::write(repo.path().join("packed-refs"), packed).unwrap();
    assert_eq!(repo.references().unwrap().count(), 10_001);
    let (report, run) = git_json(&env, repo.workdir().unwrap(), &[]);
    run.code(1);
    assert_eq!(spots(&report), [at("a.env", 1, 5)]);
    assert_eq!(report.stats.commits, Some(1));
}

// Configuration and rules.

/// `sprawl scan` of the root with `args`, which must fail with exit code 2 and this message.
#[track_caller]
fn fails_with(env: &TestEnv, args: &[&str], expected: &str) {
    let done = run(env.sprawl().arg("scan").args(args).arg("."));
    no_panic(&done);
    done.code(2);
    assert_eq!(done.stdout, "");
    assert!(done.stderr.contains(expected), "{done:?}");
}

#[test]
fn invalid_yaml_in_a_config_names_the_file_and_line() {
    let env = TestEnv::new();
    let config = env.create_aux("bad.yml", "exclude_paths:\n  - a\n  b: [\n");
    let config = config.to_str().unwrap();
    fails_with(
        &env,
        &["--config", config],
        &format!("sprawl: error: {config}:3: invalid config: "),
    );
}

#[test]
fn a_regex_too_large_names_the_file_and_rule() {
    let env = TestEnv::new();
    let rules = env.create_aux(
        "huge.yml",
        "rules:\n  - id: huge.rule\n    name: Huge\n    pattern: '(?:\\w{100}){100}'\n    keywords: [x]\n    confidence: low\n    examples: ['x']\n",
    );
    let rules = rules.to_str().unwrap();
    fails_with(
        &env,
        &["--no-config", "--rules", rules],
        &format!(
            "sprawl: error: {rules}: rule `huge.rule`: `pattern` does not compile: Compiled \
             regex exceeds size limit"
        ),
    );
}

#[test]
fn an_empty_rule_file_adds_no_rules_and_the_built_in_ones_still_run() {
    let env = TestEnv::new();
    let empty = env.create_aux("empty.yml", "rules: []\n");
    env.create("found.txt", secret_line(1));
    let done = run(env
        .sprawl()
        .args(["scan", "--no-config", "--format", "json", "--rules"])
        .arg(&empty)
        .arg("."));
    done.code(0);
    assert!(done.json().stats.rules > 0);
}

#[test]
fn a_baseline_that_is_not_json_names_the_file_and_line() {
    let env = TestEnv::new();
    let baseline = env.create_aux("baseline.json", "{\n  \"version\": 1,\n  oops\n}\n");
    let baseline = baseline.to_str().unwrap();
    fails_with(
        &env,
        &["--no-config", "--baseline", baseline],
        &format!("sprawl: error: {baseline}:3: invalid baseline: "),
    );
}

#[cfg(unix)]
#[test]
fn a_config_naming_a_fifo_or_a_device_fails_at_once_instead_of_blocking() {
    let env = TestEnv::new();
    let fifo = env.aux_path("rules-pipe.yml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let config = env.create_aux(
        ".sprawl.yml",
        "min_confidence: low\nrules:\n  files: [rules-pipe.yml]\n",
    );
    let config = config.to_str().unwrap();
    fails_with(
        &env,
        &["--config", config],
        &format!("sprawl: error: {config}:3: field `rules.files`: `rules-pipe.yml` is not a regular file"),
    );
    let config = env.create_aux(".sprawl.yml", "baseline: /dev/zero\n");
    let config = config.to_str().unwrap();
    fails_with(
        &env,
        &["--config", config],
        &format!("sprawl: error: {config}:1: field `baseline`: `/dev/zero` is not a regular file"),
    );
    // Named on the command line, a device is refused too (a pipe is read: `--rules <(...)`).
    fails_with(
        &env,
        &["--no-config", "--rules", "/dev/zero"],
        "sprawl: error: cannot read rules from /dev/zero: is not a regular file",
    );
    fails_with(
        &env,
        &["--config", "/dev/zero"],
        "/dev/zero: is not a regular file",
    );
}
