//! Incremental and sharded scans: `sprawl git --cache`, `--shard K/N` with `sprawl merge`, and
//! the same findings in the same order at every thread count.
//!
//! The history fixture is built with git2 (fixed signatures and times): every blob holds a
//! `test.token` of its own, so the findings of a shard name exactly the blobs it scanned, and a
//! `github.pat` shared by several blobs, commits and paths, so merging has to pick the oldest
//! place and add up the places every shard saw. Blobs without secrets surround them.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use git2::{Index, Oid, Repository, RepositoryInitOptions, Signature, Time};
use serde_json::Value;
use sprawl::report::JsonReport;

use crate::util::{github_pat, index_entry, run, token, Run, TestEnv, SPRAWL};

/// 2024-03-01T11:00:00Z.
const EPOCH: i64 = 1_709_290_800;

/// A repository built commit by commit on `main`, with the test rule file beside it.
struct History {
    env: TestEnv,
    repo: Repository,
    clock: i64,
}

impl History {
    fn new() -> History {
        let env = TestEnv::new();
        let mut options = RepositoryInitOptions::new();
        options.initial_head("main");
        let repo = Repository::init_opts(env.root(), &options).unwrap();
        History {
            env,
            repo,
            clock: 0,
        }
    }

    /// Commits `changes` (path, content) on top of `main`.
    fn commit(&mut self, changes: &[(String, String)]) -> Oid {
        let parent = self
            .repo
            .refname_to_id("refs/heads/main")
            .ok()
            .map(|id| self.repo.find_commit(id).unwrap());
        let mut index = Index::new().unwrap();
        if let Some(parent) = &parent {
            index.read_tree(&parent.tree().unwrap()).unwrap();
        }
        for (path, text) in changes {
            let id = self.repo.blob(text.as_bytes()).unwrap();
            index.add(&index_entry(path, id, text.len())).unwrap();
        }
        let tree = self
            .repo
            .find_tree(index.write_tree_to(&self.repo).unwrap())
            .unwrap();
        let who =
            Signature::new("Ada", "ada@example.com", &Time::new(EPOCH + self.clock, 0)).unwrap();
        self.clock += 3600;
        let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
        self.repo
            .commit(
                Some("refs/heads/main"),
                &who,
                &who,
                "change",
                &tree,
                &parents,
            )
            .unwrap()
    }

    /// `sprawl git --no-config --rules aux/rules.yml --format json ARGS`, run in the root.
    fn git(&self, args: &[&str]) -> Run {
        let mut cmd = self.env.sprawl();
        cmd.args(["git", "--no-config", "--format", "json", "--rules"])
            .arg(self.env.rules_file())
            .args(args);
        run(&mut cmd)
    }
}

/// Clean source text for file `file` at `version`.
fn clean(file: usize, version: usize) -> String {
    format!("fn f{file}() -> u32 {{\n    {version}\n}}\n")
}

/// A history of 6 commits over 10 files. Commit `c` rewrites files `c..c+4` (mod 10); every
/// other version of a file holds a token of its own (seeded by file and version), and files 2,
/// 5 and 7 hold the same GitHub token from the commit that first writes them with a token.
fn history() -> History {
    let mut history = History::new();
    for commit in 0..6 {
        let changes: Vec<(String, String)> = (commit..commit + 4)
            .map(|file| file % 10)
            .map(|file| {
                let mut text = clean(file, commit);
                if (file + commit) % 2 == 0 {
                    let seed = (file * 100 + commit) as u64;
                    text.push_str(&format!("token = {}\n", token(seed)));
                }
                if [2, 5, 7].contains(&file) {
                    text.push_str(&format!("pat = {}\n", github_pat(77)));
                }
                (format!("src/file{file}.rs"), text)
            })
            .collect();
        history.commit(&changes);
    }
    history
}

/// The report as JSON with the one field that differs between equal runs (the time) removed.
fn comparable(run: &Run) -> Value {
    let mut value: Value = serde_json::from_str(&run.stdout).unwrap_or_else(|err| {
        panic!(
            "not JSON: {err}\n--- stdout\n{}\n--- stderr\n{}",
            run.stdout, run.stderr
        )
    });
    value["stats"]
        .as_object_mut()
        .expect("a stats object")
        .remove("elapsed_seconds");
    value
}

/// `(read, from cache)` from the cache line of a run's standard error.
#[track_caller]
fn cache_counts(run: &Run) -> (u64, u64) {
    let line = run
        .stderr
        .lines()
        .find(|line| line.starts_with("sprawl: cache: "))
        .unwrap_or_else(|| panic!("no cache line in:\n{}", run.stderr));
    let numbers: Vec<u64> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter(|part| !part.is_empty())
        .map(|part| part.parse().unwrap())
        .collect();
    (numbers[0], numbers[1])
}

/// How many distinct blobs hold a finding in `history` (every place of every secret).
fn blobs_with_findings(history: &History) -> usize {
    let all = history.git(&["--all-occurrences"]);
    let report = all.code(1).json();
    let mut blobs = BTreeSet::new();
    for finding in &report.findings {
        let commit = history
            .repo
            .find_commit(Oid::from_str(finding.commit.as_ref().unwrap()).unwrap())
            .unwrap();
        let entry = commit
            .tree()
            .unwrap()
            .get_path(Path::new(&finding.path))
            .unwrap();
        blobs.insert(entry.id());
    }
    blobs.len()
}

fn cache_file(dir: &Path) -> PathBuf {
    let files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "sprawlcache"))
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    files[0].clone()
}

#[test]
fn a_second_cached_history_scan_reads_only_the_blobs_that_held_findings() {
    let mut history = history();
    let cache = history.env.aux_path("cache");
    let cache_arg = format!("--cache={}", cache.display());
    let fresh = history.git(&[]);
    fresh.code(1);
    let total = fresh.json().stats.files_scanned;

    let first = history.git(&[&cache_arg]);
    assert_eq!(cache_counts(first.code(1)), (total, 0));
    let second = history.git(&[&cache_arg]);
    let dirty = blobs_with_findings(&history) as u64;
    assert!(dirty > 0 && dirty < total, "{dirty} of {total}");
    assert_eq!(cache_counts(second.code(1)), (dirty, total - dirty));
    assert_eq!(comparable(&first), comparable(&fresh));
    assert_eq!(comparable(&second), comparable(&fresh));

    // New commits cost what they add: two new clean blobs are read, the rest is known.
    history.commit(&[
        ("src/new_a.rs".into(), clean(100, 0)),
        ("src/new_b.rs".into(), clean(101, 0)),
    ]);
    let third = history.git(&[&cache_arg]);
    assert_eq!(cache_counts(third.code(1)), (dirty + 2, total - dirty));
    assert_eq!(comparable(&third), comparable(&history.git(&[])));
}

#[test]
fn a_clean_history_is_not_read_again() {
    let mut history = History::new();
    for commit in 0..3 {
        history.commit(&[
            (format!("a{commit}.rs"), clean(commit, 0)),
            ("b.rs".into(), clean(9, commit)),
        ]);
    }
    let cache_arg = format!("--cache={}", history.env.aux_path("cache").display());
    assert_eq!(cache_counts(history.git(&[&cache_arg]).code(0)), (6, 0));
    let again = history.git(&[&cache_arg]);
    assert_eq!(cache_counts(again.code(0)), (0, 6));
    assert_eq!(again.json().stats.files_scanned, 6);
}

#[test]
fn the_default_cache_folder_is_under_xdg_cache_home() {
    let history = history();
    let xdg = history.env.aux_path("xdg");
    let mut cmd = history.env.sprawl();
    cmd.env("XDG_CACHE_HOME", &xdg)
        .args(["git", "--no-config", "--cache", "-q"]);
    run(&mut cmd).code(1);
    let file = cache_file(&xdg.join("sprawl"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{mode:o}");
    }
    let bytes = std::fs::read(&file).unwrap();
    let secret = github_pat(77);
    assert!(
        !bytes
            .windows(secret.len())
            .any(|window| window == secret.as_bytes()),
        "the cache holds a secret"
    );
}

#[test]
fn a_change_to_the_rules_or_settings_invalidates_the_cache() {
    let history = history();
    let cache_arg = format!("--cache={}", history.env.aux_path("cache").display());
    let total = history.git(&[]).json().stats.files_scanned;
    history.git(&[&cache_arg]).code(1);
    assert_eq!(
        cache_counts(&history.git(&[&cache_arg])).0,
        blobs_with_findings(&history) as u64
    );
    // The rule file gains a rule that fires in blobs the cache knows as clean.
    history.env.create_aux(
        "rules.yml",
        format!(
            "{}{}",
            crate::util::test_rules_yaml(),
            r#"  - id: test.fnzero
    name: Function returning zero
    pattern: '(?P<secret>fn f[0-9]+\(\) -> u32 \{\n    0)'
    keywords: [fn f]
    confidence: low
    examples: ["fn f1() -> u32 {\n    0"]
"#
        ),
    );
    let changed = history.git(&[&cache_arg]);
    assert_eq!(cache_counts(changed.code(1)), (total, 0));
    assert!(
        changed.stderr.contains("started afresh"),
        "{}",
        changed.stderr
    );
    let uncached = history.git(&[]);
    assert_eq!(comparable(&changed), comparable(&uncached));
    assert!(uncached
        .json()
        .findings
        .iter()
        .any(|finding| finding.rule_id == "test.fnzero"));
    // So does a setting that changes what a blob yields.
    let smaller = history.git(&[&cache_arg, "--max-file-size", "1M"]);
    assert_eq!(cache_counts(smaller.code(1)), (total, 0));
}

#[test]
fn a_corrupt_or_foreign_cache_is_ignored_with_a_warning() {
    let history = history();
    let dir = history.env.aux_path("cache");
    let cache_arg = format!("--cache={}", dir.display());
    let fresh = history.git(&[]);
    let total = fresh.json().stats.files_scanned;
    history.git(&[&cache_arg]).code(1);
    let file = cache_file(&dir);
    let mut bytes = std::fs::read(&file).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    std::fs::write(&file, &bytes).unwrap();

    let corrupt = history.git(&[&cache_arg]);
    // Findings still decide the exit code: a bad cache is a warning, not an error.
    corrupt.code(1);
    assert!(
        corrupt
            .stderr
            .contains("sprawl: warning: ignoring the cache")
            && corrupt.stderr.contains("checksum"),
        "{}",
        corrupt.stderr
    );
    assert_eq!(cache_counts(&corrupt), (total, 0));
    assert_eq!(comparable(&corrupt), comparable(&fresh));

    std::fs::write(
        &file,
        b"not a cache at all, but long enough to hold a checksum",
    )
    .unwrap();
    let foreign = history.git(&[&cache_arg]);
    foreign.code(1);
    assert!(
        foreign.stderr.contains("not a sprawl cache file"),
        "{}",
        foreign.stderr
    );
    // The scan wrote a sound cache again.
    let healed = history.git(&[&cache_arg]);
    assert!(!healed.stderr.contains("warning"), "{}", healed.stderr);
    assert_eq!(cache_counts(&healed).1 + cache_counts(&healed).0, total);
    assert!(cache_counts(&healed).1 > 0);
}

/// Every `(commit, path, rule, fingerprint)` place a report lists.
fn listed(report: &JsonReport) -> Vec<(Option<String>, String, String, String)> {
    report
        .findings
        .iter()
        .map(|f| {
            (
                f.commit.clone(),
                f.path.clone(),
                f.rule_id.clone(),
                f.fingerprint.clone(),
            )
        })
        .collect()
}

/// Runs `command` (which writes JSON to standard output) for shards 1..=count, saving each
/// report in `dir`; returns the reports' paths.
fn run_shards(
    dir: &Path,
    count: u32,
    command: impl Fn(&str) -> Run,
    code: impl Fn(&Run) -> bool,
) -> Vec<PathBuf> {
    (1..=count)
        .map(|index| {
            let shard = format!("{index}/{count}");
            let run = command(&shard);
            assert!(code(&run), "shard {shard}: {:?}\n{}", run.code, run.stderr);
            let path = dir.join(format!("shard-{index}-of-{count}.json"));
            std::fs::write(&path, &run.stdout).unwrap();
            path
        })
        .collect()
}

fn merge(cwd: &Path, args: &[&str], reports: &[PathBuf]) -> Run {
    let mut cmd = assert_cmd::Command::new(SPRAWL);
    cmd.current_dir(cwd).arg("merge").args(args).args(reports);
    run(&mut cmd)
}

fn found_or_clean(run: &Run) -> bool {
    matches!(run.code, Some(0 | 1))
}

#[test]
fn history_shards_cover_every_blob_once_and_merge_into_the_unsharded_report() {
    let history = history();
    let out = history.env.aux_path("reports");
    std::fs::create_dir_all(&out).unwrap();
    let whole = history.git(&[]);
    let every_place = history.git(&["--all-occurrences"]).json();
    for count in [1, 2, 3, 5] {
        let reports = run_shards(
            &out,
            count,
            |shard| history.git(&["--shard", shard, "--all-occurrences"]),
            found_or_clean,
        );
        // Each blob's own token is found by exactly one shard, and the blob counts add up.
        let mut seen = Vec::new();
        let mut scanned = 0;
        for path in &reports {
            let report: JsonReport =
                serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
            scanned += report.stats.files_scanned;
            seen.extend(listed(&report));
        }
        assert_eq!(scanned, every_place.stats.files_scanned, "{count} shards");
        let mut expected = listed(&every_place);
        expected.sort();
        seen.sort();
        assert_eq!(seen, expected, "{count} shards");

        let merged = merge(history.env.root(), &["--all-occurrences"], &reports);
        assert_eq!(
            comparable(merged.code(1)),
            comparable(&history.git(&["--all-occurrences"])),
            "{count} shards, all occurrences"
        );

        let reports = run_shards(
            &out,
            count,
            |shard| history.git(&["--shard", shard]),
            found_or_clean,
        );
        let merged = merge(history.env.root(), &[], &reports);
        assert_eq!(
            comparable(merged.code(1)),
            comparable(&whole),
            "{count} shards"
        );
    }
}

/// A folder of files, each with a token of its own, some with the same GitHub token.
fn tree(env: &TestEnv) {
    for file in 0..40 {
        let mut text = clean(file, 0);
        if file % 3 == 0 {
            text.push_str(&format!("token = {}\n", token(file as u64)));
        }
        if file % 7 == 0 {
            text.push_str(&format!("pat = {}\n", github_pat(5)));
        }
        env.create(&format!("dir{}/file{file}.rs", file % 4), text);
    }
}

fn scan_json(env: &TestEnv, args: &[&str]) -> Run {
    run(env.scan().args(["--format", "json"]).args(args))
}

#[test]
fn directory_shards_cover_every_file_once_and_merge_into_the_unsharded_report() {
    let env = TestEnv::new();
    tree(&env);
    let out = env.aux_path("reports");
    std::fs::create_dir_all(&out).unwrap();
    let whole = scan_json(&env, &[]);
    let files = whole.code(1).json().stats.files_scanned;
    assert_eq!(files, 40);
    for count in [1, 2, 4, 7] {
        let reports = run_shards(
            &out,
            count,
            |shard| scan_json(&env, &["--shard", shard]),
            found_or_clean,
        );
        let mut scanned = 0;
        let mut seen = Vec::new();
        for path in &reports {
            let report: JsonReport =
                serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
            scanned += report.stats.files_scanned;
            seen.extend(listed(&report));
        }
        assert_eq!(scanned, files, "{count} shards");
        let mut expected = listed(&whole.json());
        expected.sort();
        seen.sort();
        assert_eq!(seen, expected, "{count} shards");
        let merged = merge(env.root(), &[], &reports);
        assert_eq!(comparable(merged.code(1)), comparable(&whole), "{count}");
    }
}

#[test]
fn merge_writes_any_format_and_reads_jsonl() {
    let env = TestEnv::new();
    tree(&env);
    let out = env.aux_path("reports");
    std::fs::create_dir_all(&out).unwrap();
    let whole_jsonl = run(env.scan().args(["--format", "jsonl"]));
    let parts: Vec<PathBuf> = (1..=3)
        .map(|index| {
            let shard = format!("{index}/3");
            let run = run(env.scan().args(["--format", "jsonl", "--shard", &shard]));
            let path = out.join(format!("part-{index}.jsonl"));
            std::fs::write(&path, &run.stdout).unwrap();
            path
        })
        .collect();
    let merged = merge(env.root(), &["--format", "jsonl"], &parts);
    assert_eq!(merged.code(1).stdout, whole_jsonl.stdout);

    let sarif = merge(env.root(), &["--format", "sarif"], &parts);
    let log: Value = serde_json::from_str(&sarif.code(1).stdout).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), whole_jsonl.stdout.lines().count());

    let text = merge(env.root(), &["--format", "text"], &parts);
    assert!(
        text.code(1).stdout.contains("dir0/file0.rs"),
        "{}",
        text.stdout
    );
}

#[test]
fn merge_refuses_shards_that_do_not_belong_together() {
    let env = TestEnv::new();
    tree(&env);
    let out = env.aux_path("reports");
    std::fs::create_dir_all(&out).unwrap();
    let two = run_shards(
        &out,
        2,
        |shard| scan_json(&env, &["--shard", shard]),
        found_or_clean,
    );
    let three = run_shards(
        &out,
        3,
        |shard| scan_json(&env, &["--shard", shard]),
        found_or_clean,
    );
    let plain = out.join("plain.json");
    std::fs::write(&plain, scan_json(&env, &[]).stdout).unwrap();

    let mixed = merge(env.root(), &[], &[two[0].clone(), three[1].clone()]);
    assert!(
        mixed.code(2).stderr.contains("not parts of one scan"),
        "{}",
        mixed.stderr
    );
    let twice = merge(env.root(), &[], &[two[0].clone(), two[0].clone()]);
    assert!(
        twice.code(2).stderr.contains("given twice"),
        "{}",
        twice.stderr
    );
    let with_plain = merge(env.root(), &[], &[two[0].clone(), plain]);
    assert!(
        with_plain.code(2).stderr.contains("not a shard report"),
        "{}",
        with_plain.stderr
    );
    let missing = merge(env.root(), &[], &three[..2]);
    assert!(
        missing.stderr.contains("warning: shard 3 of 3 not given"),
        "{}",
        missing.stderr
    );
    let bad = out.join("bad.json");
    std::fs::write(&bad, "{\"findings\": 3}\n").unwrap();
    let broken = merge(env.root(), &[], &[bad]);
    assert!(
        broken.code(2).stderr.contains("bad.json"),
        "{}",
        broken.stderr
    );
}

#[test]
fn bad_shards_are_refused_with_the_flag_named() {
    let env = TestEnv::new();
    for bad in ["0/3", "4/3", "1/0", "two/3", "3"] {
        let run = run(env.scan().args(["--shard", bad]));
        assert!(
            run.code(2).stderr.contains("--shard"),
            "{bad}: {}",
            run.stderr
        );
    }
}

#[test]
fn findings_and_their_order_do_not_depend_on_the_thread_count() {
    let history = history();
    let git_runs: Vec<Value> = ["1", "2", "8"]
        .iter()
        .map(|threads| comparable(history.git(&["-j", threads, "--all-occurrences"]).code(1)))
        .collect();
    assert!(!git_runs[0]["findings"].as_array().unwrap().is_empty());
    assert_eq!(git_runs[0], git_runs[1], "git -j1 and -j2");
    assert_eq!(git_runs[0], git_runs[2], "git -j1 and -j8");

    let env = TestEnv::new();
    tree(&env);
    let scan_runs: Vec<Value> = ["1", "2", "8"]
        .iter()
        .map(|threads| comparable(scan_json(&env, &["-j", threads]).code(1)))
        .collect();
    assert!(scan_runs[0]["findings"].as_array().unwrap().len() > 10);
    assert_eq!(scan_runs[0], scan_runs[1], "scan -j1 and -j2");
    assert_eq!(scan_runs[0], scan_runs[2], "scan -j1 and -j8");
}
