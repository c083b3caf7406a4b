//! Archives, compressed files and documents: secrets inside them found at `outer!inner` with the
//! line in the inner file, in every format and in git history; hostile and broken archives named
//! in a warning while the scan goes on.
//!
//! Every archive is built here, in memory, with the secrets of [`crate::util`] at known inner
//! paths and lines. The hostile ones are built by hand where the libraries refuse to (a `..`
//! path in a tar header, the encrypted flag of a zip entry).

use std::io::{Cursor, Write};
use std::path::Path;

use git2::{Index, Repository, Signature, Time};
use serde_json::Value;
use sprawl::report::JsonReport;

use crate::util::{hushword, places, run, token, TestEnv};

// Archive builders

/// A zip of `entries` (a name ending in `/` is a folder), deflated.
fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    use zip::write::SimpleFileOptions;
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        if name.ends_with('/') {
            writer.add_directory(*name, options).unwrap();
        } else {
            writer.start_file(*name, options).unwrap();
            writer.write_all(data).unwrap();
        }
    }
    writer.finish().unwrap().into_inner()
}

/// A ustar tar of regular files. Names are written into the header as given: the tar crate
/// refuses `..`, hostile archives do not.
fn tar_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for (name, data) in entries {
        let mut header = tar::Header::new_ustar();
        header.as_mut_bytes()[..name.len()].copy_from_slice(name.as_bytes());
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_entry_type(tar::EntryType::Regular);
        header.set_cksum();
        builder.append(&header, *data).unwrap();
    }
    builder.into_inner().unwrap()
}

fn gzip_of(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

/// A docx whose body has one paragraph per item of `paragraphs`, each split into runs at `|`
/// (as editors split text), with `&` escaped.
fn docx_of(paragraphs: &[&str]) -> Vec<u8> {
    let mut body = String::new();
    for paragraph in paragraphs {
        body.push_str("<w:p><w:pPr><w:jc w:val=\"left\"/></w:pPr>");
        for run in paragraph.split('|') {
            let run = run.replace('&', "&amp;");
            body.push_str(&format!(
                "<w:r><w:rPr><w:b/></w:rPr><w:t xml:space=\"preserve\">{run}</w:t></w:r>"
            ));
        }
        body.push_str("</w:p>");
    }
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document \
         xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}\
         </w:body></w:document>"
    );
    zip_of(&[
        ("[Content_Types].xml", b"<?xml version=\"1.0\"?><Types/>"),
        ("_rels/.rels", b"<?xml version=\"1.0\"?><Relationships/>"),
        ("word/document.xml", document.as_bytes()),
    ])
}

/// Sets the "encrypted" flag of the zip's first entry, in its local and its central header, as
/// a zip tool encrypting it would (the zip crate writes no ZipCrypto).
fn encrypt_first_entry(archive: &mut [u8]) {
    assert_eq!(&archive[..4], b"PK\x03\x04");
    archive[6] |= 1;
    let central = archive
        .windows(4)
        .position(|window| window == b"PK\x01\x02")
        .unwrap();
    archive[central + 8] |= 1;
}

/// `TOKEN = <token(seed)>`: the secret at column 9.
fn token_line(seed: u64) -> String {
    format!("TOKEN = {}", token(seed))
}

/// A three-line `.env` with the token of `seed` on line 3, column 9.
fn env_file(seed: u64) -> String {
    format!("# settings\nDEBUG = false\n{}\n", token_line(seed))
}

/// `(path, line, column, rule)` of each finding with its `archive` field.
fn found(report: &JsonReport) -> Vec<(String, usize, usize, Option<String>)> {
    report
        .findings
        .iter()
        .map(|f| (f.path.clone(), f.line, f.column, f.archive.clone()))
        .collect()
}

fn warnings(report: &JsonReport) -> Vec<String> {
    report
        .warnings
        .iter()
        .map(|w| format!("{}: {}", w.path, w.message))
        .collect()
}

// Finding secrets inside

#[test]
fn a_zipped_env_is_found_at_its_inner_path_and_line() {
    let env = TestEnv::new();
    env.create(
        "backup.zip",
        zip_of(&[
            ("app/", b""),
            ("app/.env", env_file(1).as_bytes()),
            ("app/logo.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
        ]),
    );
    env.create("plain.env", env_file(2));
    let (report, code) = env.report(&[], &["."]);
    assert_eq!(code, 1);
    assert_eq!(
        found(&report),
        [
            (
                "backup.zip!app/.env".into(),
                3,
                9,
                Some("backup.zip".into())
            ),
            ("plain.env".into(), 3, 9, None),
        ]
    );
    assert_eq!(report.findings[0].rule_id, "test.token");
    let archives = &report.stats.archives;
    assert_eq!(
        (
            archives.opened,
            archives.entries_scanned,
            archives.entries_skipped
        ),
        (1, 1, 1)
    );
    // The archive is one scanned file, not a skipped binary one.
    assert_eq!(report.stats.files_scanned, 2);
    assert_eq!(report.stats.skipped.binary, 0);
    assert!(report.warnings.is_empty());
}

#[test]
fn a_tarball_and_a_zip_nested_in_it_are_opened() {
    let env = TestEnv::new();
    let bundle = zip_of(&[(
        "inner/secrets.env",
        format!("a\nb\nc\n{}\n", token_line(2)).as_bytes(),
    )]);
    let tarball = tar_of(&[
        (
            "./deploy/config.yml",
            format!("db:\n  {}\n", token_line(1)).as_bytes(),
        ),
        ("deploy/bundle.zip", &bundle),
    ]);
    env.create("deploy.tar.gz", gzip_of(&tarball));
    let (report, code) = env.report(&[], &["."]);
    assert_eq!(code, 1);
    assert_eq!(
        found(&report),
        [
            (
                "deploy.tar.gz!deploy/bundle.zip!inner/secrets.env".into(),
                4,
                9,
                Some("deploy.tar.gz".into())
            ),
            (
                "deploy.tar.gz!deploy/config.yml".into(),
                2,
                11,
                Some("deploy.tar.gz".into())
            ),
        ]
    );
    assert_eq!(report.stats.archives.opened, 2);
}

#[test]
fn a_jar_config_is_found_and_its_classes_are_skipped() {
    let env = TestEnv::new();
    let properties = format!("spring.datasource.url=jdbc:x\napi.token={}\n", token(3));
    env.create(
        "lib/service.jar",
        zip_of(&[
            ("META-INF/MANIFEST.MF", b"Manifest-Version: 1.0\n"),
            ("com/example/App.class", b"\xca\xfe\xba\xbe\0\0\0\x34"),
            (
                "BOOT-INF/classes/application.properties",
                properties.as_bytes(),
            ),
        ]),
    );
    let (report, code) = env.report(&[], &["."]);
    assert_eq!(code, 1);
    assert_eq!(
        found(&report),
        [(
            "lib/service.jar!BOOT-INF/classes/application.properties".into(),
            2,
            11,
            Some("lib/service.jar".into())
        )]
    );
    assert_eq!(report.stats.archives.entries_skipped, 1);
    assert_eq!(report.stats.archives.entries_scanned, 2);
}

#[test]
fn a_docx_paragraph_is_a_line_and_split_runs_are_joined() {
    let env = TestEnv::new();
    let secret = token(4);
    let (head, tail) = secret.split_at(15);
    let split = format!("Staging key: |{head}|{tail}| (rotate monthly)");
    env.create(
        "docs/handover.docx",
        docx_of(&["Handover", "", &split, "Q&A"]),
    );
    let (report, code) = env.report(&[], &["."]);
    assert_eq!(code, 1);
    assert_eq!(
        found(&report),
        [(
            "docs/handover.docx!word/document.xml".into(),
            3,
            14,
            Some("docs/handover.docx".into())
        )]
    );
}

#[test]
fn a_notebook_finding_is_placed_at_the_files_own_line_with_its_cell_beside() {
    let env = TestEnv::new();
    let hush = hushword(5, 16);
    let tok = token(6);
    let notebook = serde_json::json!({
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": ["# Load\n", "Reads the data."]},
            {"cell_type": "code", "execution_count": 1, "metadata": {},
             "source": ["import os\n", format!("hushword = \"{hush}\"\n"), "load()\n"],
             "outputs": [{"output_type": "stream", "name": "stdout",
                          "text": ["connecting\n", format!("using {tok}\n")]}]}
        ],
        "metadata": {"kernelspec": {"name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5
    });
    let text = serde_json::to_string_pretty(&notebook).unwrap();
    env.create("analysis.ipynb", &text);
    // Where each secret is in the file itself: its line, and the byte column of its start.
    let place_of = |needle: &str| {
        let (index, line) = text
            .lines()
            .enumerate()
            .find(|(_, line)| line.contains(needle))
            .expect("the secret is in the notebook");
        (index + 1, line.find(needle).unwrap() + 1)
    };
    let (hush_line, hush_column) = place_of(&hush);
    let (tok_line, tok_column) = place_of(&tok);
    let (report, code) = env.report(&[], &["."]);
    assert_eq!(code, 1);
    // serde_json writes keys in order, so the outputs come before the source in the file.
    assert!(tok_line < hush_line);
    assert_eq!(
        found(&report),
        [
            ("analysis.ipynb".into(), tok_line, tok_column, None),
            ("analysis.ipynb".into(), hush_line, hush_column, None),
        ]
    );
    let parts: Vec<(String, usize, usize)> = report
        .findings
        .iter()
        .map(|f| {
            let part = f.part.as_ref().expect("a notebook finding names its cell");
            (part.name.clone(), part.line, part.column)
        })
        .collect();
    assert_eq!(
        parts,
        [
            ("cell-2/output-1".to_string(), 2, 7),
            ("cell-2".to_string(), 2, 13)
        ]
    );
    assert_eq!(report.findings[1].rule_id, "test.hushword");
    // As raw JSON the quotes are escaped and the hushword rule cannot see the secret.
    let (raw, _) = env.report(&["--no-archives"], &["."]);
    assert_eq!(
        places(&raw).into_iter().map(|p| p.3).collect::<Vec<_>>(),
        ["test.token"]
    );
}

#[test]
fn standard_input_is_opened_too() {
    let env = TestEnv::new();
    let archive = zip_of(&[("app/.env", env_file(7).as_bytes())]);
    let run = run(env
        .scan()
        .args(["--format", "json", "-"])
        .write_stdin(archive));
    run.code(1);
    assert_eq!(
        found(&run.json()),
        [("<stdin>!app/.env".into(), 3, 9, Some("<stdin>".into()))]
    );
}

// Every output format

#[test]
fn every_format_names_the_inner_path_and_sarif_locates_the_archive() {
    let env = TestEnv::new();
    env.create(
        "backup.zip",
        zip_of(&[("app/.env", env_file(1).as_bytes())]),
    );

    let text = run(env.scan().args(["--color", "never", "."]));
    text.code(1);
    assert!(
        text.stdout
            .contains("  backup.zip!app/.env:3:9  test.token  spra…"),
        "{}",
        text.stdout
    );
    assert!(
        text.stderr.contains("opened 1 archive (1 file inside)"),
        "{}",
        text.stderr
    );

    let jsonl = run(env.scan().args(["--format", "jsonl", "."]));
    let line: Value = serde_json::from_str(jsonl.stdout.trim()).unwrap();
    assert_eq!(line["path"], "backup.zip!app/.env");
    assert_eq!(line["archive"], "backup.zip");
    assert_eq!(
        (line["line"].as_u64(), line["column"].as_u64()),
        (Some(3), Some(9))
    );

    let sarif = run(env.scan().args(["--format", "sarif", "."]));
    let result = &sarif.json_value()["runs"][0]["results"][0];
    let location = &result["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "backup.zip");
    assert_eq!(location["region"]["startLine"], 3);
    assert_eq!(result["properties"]["innerPath"], "app/.env");
    assert!(
        result["message"]["text"]
            .as_str()
            .unwrap()
            .contains("`app/.env`, line 3"),
        "{result}"
    );
}

#[test]
fn fingerprints_and_baselines_work_inside_archives() {
    let env = TestEnv::new();
    env.create(
        "backup.zip",
        zip_of(&[("app/.env", env_file(1).as_bytes())]),
    );
    env.create("plain.env", env_file(1));
    let (report, _) = env.report(&[], &["."]);
    assert_eq!(report.findings.len(), 2);
    // The same secret has the same fingerprint in an archive and out of it.
    assert_eq!(
        report.findings[0].fingerprint,
        report.findings[1].fingerprint
    );

    let baseline = env.aux_path("baseline.json");
    let baseline_arg = baseline.to_str().unwrap();
    run(env.scan().args(["--write-baseline", baseline_arg, "."])).code(0);
    let written = std::fs::read_to_string(&baseline).unwrap();
    assert!(written.contains("\"backup.zip!app/.env\""), "{written}");
    let (report, run) = env.scan_json(&["--baseline", baseline_arg, "."]);
    run.code(0);
    assert!(report.findings.is_empty());
    assert_eq!(report.stats.suppressed.baseline, 2);

    // A new secret in the archive is still reported.
    let changed = format!("{}{}\n", env_file(1), token_line(8));
    env.create("backup.zip", zip_of(&[("app/.env", changed.as_bytes())]));
    let (report, run) = env.scan_json(&["--baseline", baseline_arg, "."]);
    run.code(1);
    assert_eq!(
        found(&report),
        [(
            "backup.zip!app/.env".into(),
            4,
            9,
            Some("backup.zip".into())
        )]
    );
}

#[test]
fn rule_path_scopes_can_name_the_archive_and_inline_allows_work_inside() {
    let env = TestEnv::new();
    let allowed = format!("{} # sprawl:allow\n", token_line(10));
    env.create(
        "lib/vendor.jar",
        zip_of(&[("conf/app.properties", env_file(1).as_bytes())]),
    );
    env.create(
        "backup.zip",
        zip_of(&[
            ("app/.env", env_file(2).as_bytes()),
            ("app/test.env", allowed.as_bytes()),
        ]),
    );
    env.create(
        ".sprawl.yml",
        "rules:\n  overrides:\n    test.token:\n      exclude_paths: ['*.jar']\n",
    );
    let run = run(env
        .sprawl()
        .args(["scan", "--rules"])
        .arg(env.rules_file())
        .args(["--format", "json", "."]));
    run.code(1);
    let report = run.json();
    assert_eq!(
        found(&report),
        [(
            "backup.zip!app/.env".into(),
            3,
            9,
            Some("backup.zip".into())
        )]
    );
    assert_eq!(report.stats.suppressed.rule_path, 1);
    assert_eq!(report.stats.suppressed.inline, 1);
}

// Flags

#[test]
fn no_archives_skips_archives_as_binary() {
    let env = TestEnv::new();
    env.create(
        "backup.zip",
        zip_of(&[("app/.env", env_file(1).as_bytes())]),
    );
    let (report, code) = env.report(&["--no-archives"], &["."]);
    assert_eq!(code, 0);
    assert!(report.findings.is_empty());
    assert_eq!(report.stats.skipped.binary, 1);
    assert_eq!(report.stats.archives.opened, 0);
}

#[test]
fn archive_depth_bounds_nesting_with_a_warning() {
    let env = TestEnv::new();
    let inner = zip_of(&[("deep.env", env_file(1).as_bytes())]);
    let middle = zip_of(&[("inner.zip", &inner), ("top.env", env_file(2).as_bytes())]);
    env.create("outer.tgz", gzip_of(&tar_of(&[("middle.zip", &middle)])));

    let (report, code) = env.report(&[], &["."]);
    assert_eq!(code, 1);
    assert_eq!(report.findings.len(), 2);

    let (report, run) = env.scan_json(&["--archive-depth", "2", "."]);
    run.code(1);
    assert_eq!(
        found(&report),
        [(
            "outer.tgz!middle.zip!top.env".into(),
            3,
            9,
            Some("outer.tgz".into())
        )]
    );
    assert_eq!(
        warnings(&report),
        ["outer.tgz!middle.zip!inner.zip: a zip archive nested deeper than the archive depth limit (2): not opened"]
    );

    let bad = crate::util::run(env.scan().args(["--archive-depth", "0", "."]));
    bad.code(2);
    assert!(bad.stderr.contains("--archive-depth"), "{}", bad.stderr);
    assert!(bad.stderr.contains("--no-archives"), "{}", bad.stderr);
}

#[test]
fn config_limits_apply_and_bad_ones_name_their_field() {
    let env = TestEnv::new();
    let zeros = vec![b'z'; 5000];
    env.create(
        "logs.zip",
        zip_of(&[("a.log", &zeros), ("app.env", env_file(1).as_bytes())]),
    );
    env.create_aux(
        "limits.yml",
        "archives:\n  max_entry_size: 4K\n  max_entries: 10\n",
    );
    let config = env.aux_path("limits.yml");
    let mut cmd = env.sprawl();
    cmd.arg("scan")
        .arg("--rules")
        .arg(env.rules_file())
        .arg("--config")
        .arg(&config)
        .args(["--format", "json", "."]);
    let run_ok = run(&mut cmd);
    run_ok.code(1);
    let report = run_ok.json();
    assert_eq!(report.stats.archives.entries_skipped, 1);
    assert_eq!(report.findings.len(), 1);

    env.create_aux("limits.yml", "archives:\n  max_ratio: 0\n");
    let bad = run(&mut cmd);
    bad.code(2);
    assert!(
        bad.stderr
            .contains("field `archives.max_ratio`: must be at least 1"),
        "{}",
        bad.stderr
    );
}

// Hostile and broken archives: a warning naming the archive, the rest of the scan intact, and
// the exit code set by the findings alone.

#[test]
fn a_zip_bomb_entry_is_named_and_its_neighbours_scanned() {
    let env = TestEnv::new();
    let zeros = vec![0u8; 4 << 20];
    env.create(
        "bomb.zip",
        zip_of(&[("bomb.bin", &zeros), ("ok.env", env_file(1).as_bytes())]),
    );
    env.create("plain.env", env_file(2));
    let (report, run) = env.scan_json(&["."]);
    run.code(1);
    assert_eq!(
        found(&report).into_iter().map(|f| f.0).collect::<Vec<_>>(),
        ["bomb.zip!ok.env", "plain.env"]
    );
    let warned = warnings(&report);
    assert_eq!(warned.len(), 1, "{warned:?}");
    assert!(
        warned[0].starts_with("bomb.zip: entry `bomb.bin` declares 4194304 bytes")
            && warned[0].contains("(a zip bomb?)"),
        "{warned:?}"
    );
    assert_eq!(report.stats.archives.warnings, 1);
    assert!(
        run.stderr
            .contains("sprawl: warning: bomb.zip: entry `bomb.bin`"),
        "{}",
        run.stderr
    );
    assert!(report.errors.is_empty());
}

#[test]
fn a_gzip_bomb_is_stopped_at_the_ratio() {
    let env = TestEnv::new();
    env.create("dump.sql.gz", gzip_of(&vec![b'a'; 8 << 20]));
    env.create("plain.env", env_file(2));
    let (report, code) = env.report(&[], &["."]);
    assert_eq!(code, 1);
    assert_eq!(
        warnings(&report),
        ["dump.sql.gz: the gzip stream inflates to more than 100 times its compressed size (a zip bomb?): not scanned"]
    );
    assert_eq!(found(&report).len(), 1);
}

#[test]
fn a_tar_with_paths_out_of_the_archive_is_named_and_nothing_is_written() {
    let env = TestEnv::new();
    env.create(
        "evil.tar",
        tar_of(&[
            ("../../escape.env", env_file(1).as_bytes()),
            ("/etc/sprawl-abs.env", b"nothing\n"),
            ("fine.env", env_file(2).as_bytes()),
        ]),
    );
    let (report, code) = env.report(&[], &["."]);
    assert_eq!(code, 1);
    assert_eq!(
        found(&report).into_iter().map(|f| f.0).collect::<Vec<_>>(),
        ["evil.tar!../../escape.env", "evil.tar!fine.env"]
    );
    let warned = warnings(&report);
    assert_eq!(warned.len(), 2, "{warned:?}");
    assert!(warned[0]
        .starts_with("evil.tar: entry `../../escape.env` has a path that leaves the archive"));
    assert!(warned[1].starts_with("evil.tar: entry `/etc/sprawl-abs.env` has a path"));
    assert!(!env.root().join("../../escape.env").exists());
    assert!(!Path::new("/etc/sprawl-abs.env").exists());
}

#[test]
fn a_truncated_gzip_is_named_and_the_other_files_scanned() {
    let env = TestEnv::new();
    let notes: String = (0..3000)
        .map(|n| format!("note {n}: nothing here\n"))
        .collect();
    let full = gzip_of(notes.as_bytes());
    env.create("notes.txt.gz", &full[..full.len() / 2]);
    env.create("plain.env", env_file(2));
    let (report, code) = env.report(&[], &["."]);
    assert_eq!(code, 1);
    assert_eq!(found(&report), [("plain.env".into(), 3, 9, None)]);
    let warned = warnings(&report);
    assert_eq!(warned.len(), 1, "{warned:?}");
    assert!(
        warned[0].starts_with("notes.txt.gz: corrupt or truncated gzip stream"),
        "{warned:?}"
    );
}

#[test]
fn an_encrypted_zip_entry_is_named_and_the_others_scanned() {
    let env = TestEnv::new();
    let mut archive = zip_of(&[
        ("locked.env", env_file(1).as_bytes()),
        ("open.env", env_file(2).as_bytes()),
    ]);
    encrypt_first_entry(&mut archive);
    env.create("vault.zip", archive);
    let (report, code) = env.report(&[], &["."]);
    assert_eq!(code, 1);
    assert_eq!(
        found(&report).into_iter().map(|f| f.0).collect::<Vec<_>>(),
        ["vault.zip!open.env"]
    );
    assert_eq!(
        warnings(&report),
        ["vault.zip: entry `locked.env` is encrypted: not scanned"]
    );
}

#[test]
fn warnings_alone_leave_the_exit_code_clean() {
    let env = TestEnv::new();
    let full = gzip_of(&vec![b'x'; 100_000]);
    env.create("broken.gz", &full[..40]);
    let (report, run) = env.scan_json(&["."]);
    run.code(0);
    assert_eq!(report.warnings.len(), 1);
    assert!(report.errors.is_empty());
    let text = crate::util::run(env.scan().arg("."));
    text.code(0);
    assert!(
        text.stderr
            .contains("sprawl: warning: broken.gz: corrupt or truncated gzip stream"),
        "{}",
        text.stderr
    );
    assert!(text.stderr.contains("; 1 warning"), "{}", text.stderr);
}

// git

/// Commits `files` (path and bytes) on top of HEAD of `repo`, with a fixed author.
fn commit(repo: &Repository, message: &str, files: &[(&str, &[u8])]) -> git2::Oid {
    let parent = repo.head().ok().and_then(|head| head.peel_to_commit().ok());
    let mut index = Index::new().unwrap();
    if let Some(parent) = &parent {
        index.read_tree(&parent.tree().unwrap()).unwrap();
    }
    for (path, data) in files {
        let id = repo.blob(data).unwrap();
        index
            .add(&crate::util::index_entry(path, id, data.len()))
            .unwrap();
    }
    let tree = repo.find_tree(index.write_tree_to(repo).unwrap()).unwrap();
    let who = Signature::new("Ada", "ada@example.com", &Time::new(1_709_290_800, 0)).unwrap();
    let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
    repo.commit(Some("HEAD"), &who, &who, message, &tree, &parents)
        .unwrap()
}

fn git_json(env: &TestEnv, args: &[&str]) -> (JsonReport, crate::util::Run) {
    let run = run(env
        .sprawl()
        .args(["git", "--no-config", "--rules"])
        .arg(env.rules_file())
        .args(["--format", "json"])
        .args(args));
    (run.json(), run)
}

#[test]
fn an_archive_committed_to_git_is_opened_by_sprawl_git() {
    let env = TestEnv::new();
    let repo = Repository::init(env.root()).unwrap();
    commit(&repo, "Add readme", &[("README.md", b"# app\n")]);
    let backup = zip_of(&[("app/.env", env_file(1).as_bytes())]);
    let id = commit(&repo, "Add a backup", &[("ops/backup.zip", &backup)]);
    let (report, run) = git_json(&env, &[]);
    run.code(1);
    assert_eq!(
        found(&report),
        [(
            "ops/backup.zip!app/.env".into(),
            3,
            9,
            Some("ops/backup.zip".into())
        )]
    );
    assert_eq!(
        report.findings[0].commit.as_deref(),
        Some(id.to_string().as_str())
    );
    assert_eq!(report.stats.archives.opened, 1);

    let text = crate::util::run(
        env.sprawl()
            .args(["git", "--no-config", "--color", "never", "--rules"])
            .arg(env.rules_file()),
    );
    let short = &id.to_string()[..12];
    assert!(
        text.stdout
            .contains(&format!("git show {short}:ops/backup.zip")),
        "{}",
        text.stdout
    );

    let (report, run) = git_json(&env, &["--no-archives"]);
    run.code(0);
    assert!(report.findings.is_empty());
}

#[test]
fn a_range_reports_only_what_an_archive_gained() {
    let env = TestEnv::new();
    let repo = Repository::init(env.root()).unwrap();
    let first = zip_of(&[("app/.env", env_file(1).as_bytes())]);
    let base = commit(&repo, "Add a backup", &[("backup.zip", &first)]);
    let grown = format!("{}{}\n", env_file(1), token_line(9));
    let second = zip_of(&[("app/.env", grown.as_bytes())]);
    commit(&repo, "Grow the backup", &[("backup.zip", &second)]);
    let range = format!("{base}..HEAD");
    let (report, run) = git_json(&env, &["--range", &range]);
    run.code(1);
    assert_eq!(
        found(&report),
        [(
            "backup.zip!app/.env".into(),
            4,
            9,
            Some("backup.zip".into())
        )]
    );
}

#[test]
fn a_staged_archive_is_opened_by_the_pre_commit_check() {
    let env = TestEnv::new();
    let repo = Repository::init(env.root()).unwrap();
    commit(&repo, "Add readme", &[("README.md", b"# app\n")]);
    env.create(
        "backup.tgz",
        gzip_of(&tar_of(&[("app/.env", env_file(1).as_bytes())])),
    );
    let mut index = repo.index().unwrap();
    index.add_path(Path::new("backup.tgz")).unwrap();
    index.write().unwrap();
    let (report, run) = git_json(&env, &["--staged"]);
    run.code(1);
    assert_eq!(
        found(&report),
        [(
            "backup.tgz!app/.env".into(),
            3,
            9,
            Some("backup.tgz".into())
        )]
    );
}

#[test]
fn thousands_of_warnings_in_one_small_archive_are_summarised_even_quiet() {
    let env = TestEnv::new();
    // 16 x 16 x 16 zips nested past the depth limit, in a few tens of KB.
    let deepest = zip_of(&[("x.txt", b"nothing\n")]);
    let level = |inner: &[u8]| {
        let names: Vec<String> = (0..16).map(|n| format!("{n:02}.zip")).collect();
        let entries: Vec<(&str, &[u8])> = names.iter().map(|name| (name.as_str(), inner)).collect();
        zip_of(&entries)
    };
    let outer = level(&level(&level(&deepest)));
    assert!(outer.len() < 200_000, "{}", outer.len());
    env.create("nest.zip", &outer);
    env.create("app.env", env_file(1));
    let quiet = run(env.scan().args(["-q", "."]));
    quiet.code(1);
    let lines: Vec<&str> = quiet.stderr.lines().collect();
    assert_eq!(lines.len(), 11, "{}", quiet.stderr);
    // Sorted by path: the summary, naming the outer archive, comes first.
    assert_eq!(
        lines[0],
        "sprawl: warning: nest.zip: 4086 more warnings inside it, not listed: \
         4086 archives nested past the depth limit"
    );
    assert!(
        lines[1].starts_with(
            "sprawl: warning: nest.zip!00.zip!00.zip!00.zip: a zip archive nested deeper"
        ),
        "{}",
        quiet.stderr
    );
    let (report, out) = env.scan_json(&["."]);
    out.code(1);
    assert_eq!(report.warnings.len(), 11);
    assert_eq!(report.stats.archives.warnings, 11);
    assert!(out.stderr.ends_with("; 11 warnings\n"), "{}", out.stderr);
}
