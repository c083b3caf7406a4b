//! The promises sprawl makes about itself, each checked against the real binary: it never
//! touches the network, it never prints a secret in clear unless asked (`--no-redact`), a
//! baseline holds fingerprints only, the report file is its owner's alone, and symbolic links
//! are not followed out of the scanned folder.

use std::path::Path;
use std::process::Command;

use git2::{Repository, Signature};

use crate::util::{blob, github_pat, hushword, run, token, TestEnv, SPRAWL};

/// Secrets of every kind in the scan root, committed to a repository there too; returns every
/// string that must never be printed (each secret, and what follows its shown prefix).
fn plant(env: &TestEnv) -> Vec<String> {
    let (token, hush, pat, blob) = (token(1), hushword(2, 14), github_pat(3), blob(4));
    let files = [
        (
            "app/settings.py",
            format!("x = {token}\nhushword = \"{hush}\"\n"),
        ),
        ("deploy/ci.txt", format!("uses {pat} today\n")),
        ("keys/test.blob", format!("{blob}\n")),
        // Below the test rule's entropy bound: a dropped candidate that --explain shows.
        ("low.txt", format!("y = sprawltest_{}\n", "ab".repeat(12))),
    ];
    let repo = Repository::init(env.root()).unwrap();
    let mut index = repo.index().unwrap();
    for (path, text) in &files {
        env.create(path, text);
        index.add_path(Path::new(path)).unwrap();
    }
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let who = Signature::new("t", "t@example.com", &git2::Time::new(1_700_000_000, 0)).unwrap();
    // The message holds a secret of the files and one of its own: both must be redacted where
    // reports show the message.
    let own = crate::util::token(99);
    let message = format!("add config, hushword {hush} and {own}");
    repo.commit(Some("HEAD"), &who, &who, &message, &tree, &[])
        .unwrap();
    let mut never = vec![token.clone(), hush.clone(), pat.clone(), own.clone()];
    never.push(own[4..].to_string());
    never.push(token[4..].to_string());
    never.push(hush[4..].to_string());
    never.push(pat[4..].to_string());
    never.extend(blob.lines().skip(1).take(2).map(str::to_string));
    never
}

/// Whether any of `never` is in `text`.
fn leaked<'a>(text: &str, never: &'a [String]) -> Option<&'a str> {
    never
        .iter()
        .find(|secret| text.contains(secret.as_str()))
        .map(String::as_str)
}

const FORMATS: [&str; 6] = ["text", "json", "jsonl", "sarif", "csv", "junit"];

#[test]
fn no_secret_is_printed_in_clear_in_any_format_log_or_file_unless_no_redact() {
    let env = TestEnv::new();
    let never = plant(&env);
    let out = env.aux_path("report.out");
    for format in FORMATS {
        for mode in ["scan", "git"] {
            for extra in [&["-v", "--explain"][..], &["--output"]] {
                let mut cmd = env.sprawl();
                cmd.args([mode, "--no-config", "--rules"])
                    .arg(env.rules_file())
                    .args(["--format", format])
                    .args(extra);
                if extra == ["--output"] {
                    cmd.arg(&out);
                }
                let done = run(cmd.arg("."));
                done.code(1);
                let file = std::fs::read_to_string(&out).unwrap_or_default();
                for text in [&done.stdout, &done.stderr, &file] {
                    assert_eq!(
                        leaked(text, &never),
                        None,
                        "{mode} {format} {extra:?}: {text}"
                    );
                }
                let _ = std::fs::remove_file(&out);
            }
        }
        // The same run shows them with --no-redact, so the check above can see a leak.
        let done = run(env
            .scan()
            .args(["--no-redact", "--explain", "--format", format, "."]));
        assert!(leaked(&done.stdout, &never).is_some(), "{format}");
    }
}

#[test]
fn a_written_baseline_holds_fingerprints_and_no_secret() {
    let env = TestEnv::new();
    let never = plant(&env);
    let baseline = env.aux_path("baseline.json");
    let done = run(env.scan().arg("--write-baseline").arg(&baseline).arg("."));
    done.code(0);
    let text = std::fs::read_to_string(&baseline).unwrap();
    assert_eq!(leaked(&text, &never), None, "{text}");
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let entries = value["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 4);
    for entry in entries {
        let keys: Vec<&str> = entry
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, ["fingerprint", "path", "rule_id"]);
        let fingerprint = entry["fingerprint"].as_str().unwrap();
        assert!(fingerprint.len() == 64 && fingerprint.bytes().all(|b| b.is_ascii_hexdigit()));
    }
}

#[cfg(unix)]
#[test]
fn the_report_file_is_created_and_kept_owner_only() {
    use std::os::unix::fs::PermissionsExt;

    let env = TestEnv::new();
    plant(&env);
    let out = env.aux_path("report.json");
    // An existing, world-readable file is replaced by an owner-only one.
    std::fs::write(&out, "old").unwrap();
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o644)).unwrap();
    for _ in 0..2 {
        let done = run(env
            .scan()
            .args(["--no-redact", "--format", "json", "--output"])
            .arg(&out)
            .arg("."));
        done.code(1);
        let mode = std::fs::metadata(&out).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{mode:o}");
        std::fs::remove_file(&out).unwrap();
    }
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_root_are_not_followed_by_default_in_a_folder_or_an_archive() {
    let env = TestEnv::new();
    let outside = env.create_aux("outside/secret.env", format!("x = {}\n", token(7)));
    std::os::unix::fs::symlink(&outside, env.path("link.env")).unwrap();
    std::os::unix::fs::symlink(env.aux_path("outside"), env.path("linked-dir")).unwrap();
    // A tar whose symlink entry points at the same file: archives are read in memory, links in
    // them are never resolved.
    let mut tar = tar::Builder::new(Vec::new());
    let mut header = tar::Header::new_ustar();
    header.set_entry_type(tar::EntryType::Symlink);
    header.set_size(0);
    header.set_mode(0o777);
    tar.append_link(&mut header, "escape.env", &outside)
        .unwrap();
    env.create("a.tar", tar.into_inner().unwrap());

    let (report, done) = env.scan_json(&["."]);
    done.code(0);
    assert!(report.findings.is_empty(), "{:?}", report.findings);
    assert_eq!(report.stats.skipped.symlink, 2);
    assert!(!done.stdout.contains("outside"), "{}", done.stdout);
}

/// The network system calls `command` made, as strace saw them (every process it started
/// included).
fn network_calls(command: &mut Command) -> String {
    let log = tempfile::NamedTempFile::new().unwrap();
    let status = Command::new("strace")
        .args([
            "-f",
            "-qq",
            "-e",
            "trace=%network",
            "-e",
            "signal=none",
            "-o",
        ])
        .arg(log.path())
        .arg(command.get_program())
        .args(command.get_args())
        .current_dir(command.get_current_dir().unwrap_or(Path::new(".")))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap_or_else(|err| {
            panic!("strace is needed for this test (apt-get install strace): {err}")
        });
    assert!(status.code().is_some(), "killed: {status:?}");
    std::fs::read_to_string(log.path()).unwrap()
}

#[cfg(target_os = "linux")]
#[test]
fn sprawl_makes_no_network_system_call() {
    // The check itself sees a socket: bash opening /dev/tcp makes one (the connection to a
    // closed local port fails, nothing leaves the machine).
    let control =
        network_calls(Command::new("bash").args(["-c", "exec 3<>/dev/tcp/127.0.0.1/9 || true"]));
    assert!(
        control.contains("socket("),
        "strace saw no socket: {control:?}"
    );

    let env = TestEnv::new();
    plant(&env);
    env.create("nested.zip", zip_with_secret());
    let rules = env.rules_file();
    let runs: [&[&str]; 5] = [
        &["scan", "--no-config", "--format", "sarif", "."],
        &["git", "--no-config", "--format", "json", "."],
        &["git", "--no-config", "--staged", "."],
        &["rules", "check"],
        &["rules", "list"],
    ];
    for args in runs {
        let mut cmd = Command::new(SPRAWL);
        cmd.args(args).current_dir(env.root());
        if args[0] != "rules" || args[1] == "check" {
            cmd.arg("--rules").arg(&rules);
        }
        let calls = network_calls(&mut cmd);
        assert_eq!(calls, "", "sprawl {args:?} made network calls");
    }
}

fn zip_with_secret() -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file("inner.env", zip::write::SimpleFileOptions::default())
        .unwrap();
    std::io::Write::write_all(&mut zip, format!("x = {}\n", token(9)).as_bytes()).unwrap();
    zip.finish().unwrap().into_inner()
}

#[cfg(unix)]
#[test]
fn names_from_files_archives_and_commits_cannot_drive_the_terminal_or_forge_lines() {
    let env = TestEnv::new();
    let evil = "evil\u{1b}[2J\nsprawl: forged\u{202e}.env";
    env.create(evil, format!("x = {}\n", token(1)));
    let entry = format!("../\u{1b}]0;title\u{7}{}", "in.env");
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file(entry.as_str(), zip::write::SimpleFileOptions::default())
        .unwrap();
    std::io::Write::write_all(&mut zip, format!("y = {}\n", token(2)).as_bytes()).unwrap();
    env.create("a.zip", zip.finish().unwrap().into_inner());
    let repo = Repository::init(env.root()).unwrap();
    let mut index = repo.index().unwrap();
    index.add_path(Path::new(evil)).unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let who = Signature::new(
        "Mallory\u{1b}[2J",
        "m@example.com",
        &git2::Time::new(1_700_000_000, 0),
    )
    .unwrap();
    repo.commit(Some("HEAD"), &who, &who, "add\u{1b}[31m it", &tree, &[])
        .unwrap();
    for mode in ["scan", "git"] {
        let done = run(env
            .sprawl()
            .args([mode, "--no-config", "--rules"])
            .arg(env.rules_file())
            .arg("."));
        done.code(1);
        for text in [&done.stdout, &done.stderr] {
            assert!(
                !text.contains('\u{1b}') && !text.contains('\u{7}') && !text.contains('\u{202e}'),
                "{mode}: {text:?}"
            );
            // Every line is one sprawl wrote: none starts with a forged prefix.
            assert!(
                !text.lines().any(|line| line.starts_with("sprawl: forged")),
                "{mode}: {text}"
            );
        }
    }
    // `git show` is given the exact path, escaped so that it prints safely.
    let done = run(env
        .sprawl()
        .args(["git", "--no-config", "--rules"])
        .arg(env.rules_file())
        .arg("."));
    assert!(
        done.stdout.contains("git show $'") && done.stdout.contains(":evil\\x1b[2J\\x0asprawl"),
        "{}",
        done.stdout
    );
}

#[test]
fn csv_cells_that_look_like_formulas_are_written_as_text() {
    let env = TestEnv::new();
    env.create("=HYPERLINK(1).env", format!("x = {}\n", token(1)));
    let done = run(env.scan().args(["--format", "csv", "."]));
    done.code(1);
    let mut reader = csv::Reader::from_reader(done.stdout.as_bytes());
    let row = reader.records().next().unwrap().unwrap();
    assert_eq!(&row[2], "'=HYPERLINK(1).env");
}
