//! `sprawl git`: history scanned once per unique blob, ranges, the staged index, and the
//! repositories that are not plain work trees (bare, shallow, corrupt).
//!
//! Every repository is built here with git2, commit by commit, with fixed signatures and fixed
//! times, so dates are the same on every run and ids are compared with what git2 returned
//! (never committed `.git` folders). Commits are written straight from in-memory indexes, so a
//! fixture needs no work tree unless the test is about one (staged, stash). Secrets come from
//! [`github_pat`], generated at run time, and sit on neutral `pat = ...` lines, so only the
//! built-in `github.pat` rule fires.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use git2::build::CheckoutBuilder;
use git2::{Commit, Index, Oid, Repository, RepositoryInitOptions, Signature, Time};
use sprawl::report::{FindingRecord, JsonReport};
use tempfile::TempDir;

use crate::util::index_entry;
use crate::util::{github_pat, run, Run};

/// 2024-03-01T11:00:00Z, the author time of every fixture's first commit; each later commit is
/// an hour on.
const EPOCH: i64 = 1_709_290_800;
/// Authors write from UTC+01:00, so reported dates carry an offset.
const AUTHOR_OFFSET_MINUTES: i32 = 60;
const AUTHOR: &str = "Ada Lovelace";
const EMAIL: &str = "ada@example.com";

/// Where `pat = <secret>` puts the secret: column 7, and 40 bytes on (`ghp_` + 36).
const COLUMN: usize = 7;
const END_COLUMN: usize = COLUMN + 40;

/// A line holding the secret of seed `seed`.
pub(crate) fn pat_line(seed: u64) -> String {
    format!("pat = {}", github_pat(seed))
}

/// The author date of the `n`th commit (0-based) of a fixture, as sprawl must report it.
pub(crate) fn date_of(n: i64) -> String {
    format!("2024-03-01T{:02}:00:00+01:00", 12 + n)
}

/// A repository in a temp folder, built commit by commit (also used by the inventory tests).
pub(crate) struct Fixture {
    dir: TempDir,
    repo: Repository,
    /// Commits made so far: the next one's time.
    clock: i64,
}

impl Fixture {
    /// A repository with a work tree; HEAD is the unborn branch `main`.
    pub(crate) fn new() -> Fixture {
        Fixture::init(false)
    }

    /// A bare repository; HEAD is the unborn branch `main`.
    pub(crate) fn bare() -> Fixture {
        Fixture::init(true)
    }

    fn init(bare: bool) -> Fixture {
        let dir = tempfile::Builder::new()
            .prefix("sprawl-git")
            .tempdir()
            .unwrap();
        let mut options = RepositoryInitOptions::new();
        options.bare(bare).initial_head("main");
        let repo = Repository::init_opts(dir.path(), &options).unwrap();
        Fixture {
            dir,
            repo,
            clock: 0,
        }
    }

    /// The work tree (or, bare, the repository itself).
    pub(crate) fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Commits `changes` (a path and its new content, or `None` to delete it) on top of the tip
    /// of `branch`, creating the branch if need be, and moves the branch to the new commit.
    pub(crate) fn commit(
        &mut self,
        branch: &str,
        message: &str,
        changes: &[(&str, Option<&str>)],
    ) -> Oid {
        let refname = format!("refs/heads/{branch}");
        let parent = self.repo.refname_to_id(&refname).ok();
        let id = self.commit_on(parent.as_slice(), message, changes);
        self.repo.reference(&refname, id, true, message).unwrap();
        id
    }

    /// Commits `changes` on top of the tree of the first of `parents`, moving no ref.
    pub(crate) fn commit_on(
        &mut self,
        parents: &[Oid],
        message: &str,
        changes: &[(&str, Option<&str>)],
    ) -> Oid {
        let parents: Vec<Commit<'_>> = parents
            .iter()
            .map(|id| self.repo.find_commit(*id).unwrap())
            .collect();
        let mut index = Index::new().unwrap();
        if let Some(first) = parents.first() {
            index.read_tree(&first.tree().unwrap()).unwrap();
        }
        for &(path, contents) in changes {
            match contents {
                Some(text) => {
                    let id = self.repo.blob(text.as_bytes()).unwrap();
                    index.add(&index_entry(path, id, text.len())).unwrap();
                }
                None => index.remove_path(Path::new(path)).unwrap(),
            }
        }
        let tree = self
            .repo
            .find_tree(index.write_tree_to(&self.repo).unwrap())
            .unwrap();
        let author = author_at(self.clock);
        // A committer unlike the author: findings must name the author.
        let committer = Signature::new(
            "Build Bot",
            "bot@example.com",
            &Time::new(EPOCH + self.clock * 3600 + 1800, 0),
        )
        .unwrap();
        self.clock += 1;
        let parents: Vec<&Commit<'_>> = parents.iter().collect();
        self.repo
            .commit(None, &author, &committer, message, &tree, &parents)
            .unwrap()
    }

    /// Points branch `name` at `at`.
    pub(crate) fn branch(&self, name: &str, at: Oid) {
        self.repo
            .reference(&format!("refs/heads/{name}"), at, true, "branch")
            .unwrap();
    }

    /// Makes the work tree and the index match HEAD.
    fn checkout(&self) {
        self.repo
            .checkout_head(Some(CheckoutBuilder::new().force()))
            .unwrap();
    }

    /// Writes `contents` to `rel` in the work tree, creating folders.
    fn write(&self, rel: &str, contents: &str) -> PathBuf {
        let path = self.root().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, contents).unwrap();
        path
    }

    /// Writes `contents` to `rel` and stages it.
    fn stage(&self, rel: &str, contents: &str) {
        self.write(rel, contents);
        let mut index = self.repo.index().unwrap();
        index.add_path(Path::new(rel)).unwrap();
        index.write().unwrap();
    }

    /// `sprawl git --no-config --format json --no-redact ARGS`, run in the root.
    fn scan(&self, args: &[&str]) -> (JsonReport, Run) {
        git_json(self.root(), args)
    }

    /// Overwrites loose object `id` with bytes that are not a zlib stream.
    fn corrupt(&self, id: Oid) {
        let object = self.loose_object(id);
        let mut permissions = std::fs::metadata(&object).unwrap().permissions();
        // Loose objects are read-only; a world-writable file in a temp folder is fine.
        #[allow(clippy::permissions_set_readonly_false)]
        permissions.set_readonly(false);
        std::fs::set_permissions(&object, permissions).unwrap();
        std::fs::write(&object, b"this is not a zlib stream at all").unwrap();
    }

    /// The file that holds loose object `id`.
    fn loose_object(&self, id: Oid) -> PathBuf {
        let hex = id.to_string();
        self.repo
            .path()
            .join("objects")
            .join(&hex[..2])
            .join(&hex[2..])
    }
}

/// The author of the `n`th commit.
fn author_at(n: i64) -> Signature<'static> {
    Signature::new(
        AUTHOR,
        EMAIL,
        &Time::new(EPOCH + n * 3600, AUTHOR_OFFSET_MINUTES),
    )
    .unwrap()
}

/// `sprawl` run in `cwd`.
fn sprawl(cwd: &Path) -> Command {
    let mut cmd = Command::cargo_bin("sprawl").unwrap();
    cmd.current_dir(cwd)
        .env_remove("NO_COLOR")
        .timeout(std::time::Duration::from_secs(20));
    cmd
}

/// `sprawl git --no-config ARGS` in `cwd`.
fn sprawl_git(cwd: &Path, args: &[&str]) -> Run {
    run(sprawl(cwd).args(["git", "--no-config"]).args(args))
}

/// `sprawl git --no-config --format json --no-redact ARGS` in `cwd`, its report parsed.
fn git_json(cwd: &Path, args: &[&str]) -> (JsonReport, Run) {
    let run = sprawl_git(cwd, &[&["--format", "json", "--no-redact"], args].concat());
    (run.json(), run)
}

/// Where a history finding was introduced: commit, path, line, column, secret, occurrences.
type Place = (String, String, usize, usize, String, usize);

fn place(commit: Oid, path: &str, line: usize, secret_seed: u64, occurrences: usize) -> Place {
    (
        commit.to_string(),
        path.to_string(),
        line,
        COLUMN,
        github_pat(secret_seed),
        occurrences,
    )
}

/// The [`Place`] of every finding, in report order; each must be a `github.pat` history finding.
#[track_caller]
fn places(report: &JsonReport) -> Vec<Place> {
    report
        .findings
        .iter()
        .map(|f| {
            assert_eq!(f.rule_id, "github.pat", "{f:#?}");
            (
                f.commit.clone().expect("a history finding has a commit"),
                f.path.clone(),
                f.line,
                f.column,
                f.secret.clone(),
                f.occurrences.expect("a history finding has occurrences"),
            )
        })
        .collect()
}

/// `(path, line, column, secret)` of every finding of a staged scan, which names no commit.
#[track_caller]
fn staged_places(report: &JsonReport) -> Vec<(String, usize, usize, String)> {
    report
        .findings
        .iter()
        .map(|f| {
            assert_eq!(f.rule_id, "github.pat", "{f:#?}");
            assert_eq!(f.commit, None, "a staged finding has no commit: {f:#?}");
            (f.path.clone(), f.line, f.column, f.secret.clone())
        })
        .collect()
}

fn staged_place(path: &str, line: usize, secret_seed: u64) -> (String, usize, usize, String) {
    (path.to_string(), line, COLUMN, github_pat(secret_seed))
}

#[track_caller]
fn no_findings(report: &JsonReport) {
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
    assert_eq!(report.stats.findings, 0);
}

fn short(id: Oid) -> String {
    id.to_string()[..12].to_string()
}

// History: one finding per secret, at the oldest place.

#[test]
fn a_secret_added_then_deleted_is_found_once_at_the_adding_commit() {
    let mut fx = Fixture::new();
    fx.commit("main", "initial commit", &[("README.md", Some("# demo\n"))]);
    let added = fx.commit(
        "main",
        "add deploy config\n\nThe deploy script reads it.\n",
        &[("deploy.env", Some(&format!("# deploy\n{}\n", pat_line(1))))],
    );
    fx.commit("main", "remove the token", &[("deploy.env", None)]);

    let (report, run) = fx.scan(&[]);
    run.code(1);
    assert_eq!(places(&report), [place(added, "deploy.env", 2, 1, 0)]);
    let f = &report.findings[0];
    assert_eq!((f.end_line, f.end_column), (2, END_COLUMN));
    assert_eq!(f.author.as_deref(), Some(AUTHOR));
    assert_eq!(f.email.as_deref(), Some(EMAIL));
    assert_eq!(f.date.as_deref(), Some("2024-03-01T13:00:00+01:00"));
    assert_eq!(f.message.as_deref(), Some("add deploy config"));
    assert_eq!(report.stats.commits, Some(3));
    assert_eq!(report.stats.files_scanned, 2, "README and deploy.env");
    assert_eq!(report.stats.findings, 1);
}

#[test]
fn a_rotated_secret_is_found_at_each_commit() {
    let mut fx = Fixture::new();
    let first = fx.commit(
        "main",
        "add the api client",
        &[(
            "app.env",
            Some(&format!("host = example.com\n{}\nport = 80\n", pat_line(1))),
        )],
    );
    let rotated = fx.commit(
        "main",
        "rotate the token",
        &[(
            "app.env",
            Some(&format!("host = example.com\n{}\nport = 80\n", pat_line(2))),
        )],
    );

    let (report, run) = fx.scan(&[]);
    run.code(1);
    assert_eq!(
        places(&report),
        [
            place(first, "app.env", 2, 1, 0),
            place(rotated, "app.env", 2, 2, 0)
        ]
    );
    assert_ne!(
        report.findings[0].fingerprint,
        report.findings[1].fingerprint
    );
    assert_eq!(
        report.findings[1].message.as_deref(),
        Some("rotate the token")
    );
}

#[test]
fn a_renamed_file_is_one_finding_counting_the_rename() {
    let mut fx = Fixture::new();
    let contents = format!("{}\n", pat_line(1));
    let added = fx.commit("main", "add", &[("old/name.env", Some(&contents))]);
    let renamed = fx.commit(
        "main",
        "move",
        &[("old/name.env", None), ("new/name.env", Some(&contents))],
    );

    let (report, run) = fx.scan(&[]);
    run.code(1);
    assert_eq!(places(&report), [place(added, "old/name.env", 1, 1, 1)]);
    assert_eq!(report.stats.files_scanned, 1, "one blob, scanned once");

    let (report, run) = fx.scan(&["--all-occurrences"]);
    run.code(1);
    assert_eq!(
        places(&report),
        [
            place(added, "old/name.env", 1, 1, 1),
            place(renamed, "new/name.env", 1, 1, 1)
        ]
    );
}

#[test]
fn one_secret_at_many_paths_and_commits_is_one_finding() {
    let mut fx = Fixture::new();
    let file = |i: usize, rev: usize, workers: usize| {
        format!(
            "# service {i} rev {rev}\n{}\nworkers = {workers}\n",
            pat_line(1)
        )
    };
    let paths: Vec<String> = (1..=5).map(|i| format!("svc{i}/app.env")).collect();
    let mut ids = Vec::new();
    for (rev, message) in ["add services", "bump revision", "more workers"]
        .into_iter()
        .enumerate()
    {
        let contents: Vec<String> = (1..=5)
            .map(|i| file(i, rev.min(1), if rev == 2 { i * 10 } else { i }))
            .collect();
        let changes: Vec<(&str, Option<&str>)> = paths
            .iter()
            .zip(&contents)
            .map(|(path, text)| (path.as_str(), Some(text.as_str())))
            .collect();
        ids.push(fx.commit("main", message, &changes));
    }

    // 5 paths x 3 commits, every one a new blob with the same secret: 15 places.
    let (report, run) = fx.scan(&[]);
    run.code(1);
    assert_eq!(places(&report), [place(ids[0], "svc1/app.env", 2, 1, 14)]);
    assert_eq!(report.stats.files_scanned, 15);
    assert_eq!(report.stats.commits, Some(3));

    let (report, run) = fx.scan(&["--all-occurrences"]);
    run.code(1);
    let mut listed: Vec<(String, String)> = places(&report)
        .into_iter()
        .map(|(commit, path, line, _, _, occurrences)| {
            assert_eq!((line, occurrences), (2, 14));
            (commit, path)
        })
        .collect();
    listed.sort();
    listed.dedup();
    assert_eq!(listed.len(), 15, "each (commit, path) once: {listed:#?}");
}

#[test]
fn edits_anywhere_in_a_large_folder_are_found_at_their_commit() {
    // The walk steps over the entries a folder's tree shares with its parent's at the start and
    // at the end: a change at the first entry, the last, in the middle, next to an insertion or
    // a deletion, or inside a subfolder that sorts last, must each be found where it happened.
    let mut fx = Fixture::new();
    let plain = |i: usize| format!("# file {i}\nnothing here\n");
    let secret = |seed: u64| format!("# changed\n{}\n", pat_line(seed));
    let name = |i: usize| format!("big/f{i:03}.txt");
    let first: Vec<(String, String)> = (0..200)
        .map(|i| (name(i), plain(i)))
        .chain([("big/zz/inner.txt".to_string(), plain(999))])
        .collect();
    let changes: Vec<(&str, Option<&str>)> = first
        .iter()
        .map(|(path, text)| (path.as_str(), Some(text.as_str())))
        .collect();
    fx.commit("main", "a large folder", &changes);
    let edits: [&[(&str, Option<u64>)]; 6] = [
        &[("big/f100.txt", Some(1))],
        &[("big/f000.txt", Some(2))],
        &[("big/f199.txt", Some(3))],
        &[("big/f150a.txt", Some(4)), ("big/f050.txt", Some(5))],
        &[("big/f120.txt", None), ("big/f121.txt", Some(6))],
        &[("big/zz/inner.txt", Some(7))],
    ];
    let mut expected = Vec::new();
    for (n, edit) in edits.iter().enumerate() {
        let texts: Vec<Option<String>> = edit.iter().map(|(_, seed)| seed.map(secret)).collect();
        let changes: Vec<(&str, Option<&str>)> = edit
            .iter()
            .zip(&texts)
            .map(|((path, _), text)| (*path, text.as_deref()))
            .collect();
        let id = fx.commit("main", &format!("edit {n}"), &changes);
        for (path, seed) in edit.iter() {
            if let Some(seed) = seed {
                expected.push(place(id, path, 2, *seed, 0));
            }
        }
    }
    let (report, run) = fx.scan(&["--all-occurrences"]);
    run.code(1);
    let mut found = places(&report);
    found.sort();
    expected.sort();
    assert_eq!(found, expected);
}

#[test]
fn a_file_edited_around_its_secret_is_one_finding() {
    let mut fx = Fixture::new();
    let line = pat_line(1);
    let added = fx.commit(
        "main",
        "add",
        &[("app.env", Some(&format!("a = 1\n{line}\nb = 2\n")))],
    );
    fx.commit(
        "main",
        "edit above",
        &[("app.env", Some(&format!("a = 10\n{line}\nb = 2\n")))],
    );
    fx.commit(
        "main",
        "edit around",
        &[(
            "app.env",
            Some(&format!("# header\na = 10\n{line}\nb = 20\n")),
        )],
    );

    let (report, run) = fx.scan(&[]);
    run.code(1);
    assert_eq!(places(&report), [place(added, "app.env", 2, 1, 2)]);
    assert_eq!(report.stats.files_scanned, 3, "three blobs");
}

// History: what refs reach.

#[test]
fn a_branch_never_merged_is_scanned() {
    let mut fx = Fixture::new();
    let base = fx.commit("main", "initial", &[("README.md", Some("# demo\n"))]);
    fx.branch("feature", base);
    let on_branch = fx.commit(
        "feature",
        "try the api",
        &[("feature.env", Some(&format!("{}\n", pat_line(1))))],
    );
    fx.commit("main", "docs", &[("README.md", Some("# demo\nmore\n"))]);

    let (report, run) = fx.scan(&[]);
    run.code(1);
    assert_eq!(places(&report), [place(on_branch, "feature.env", 1, 1, 0)]);
    assert_eq!(report.stats.commits, Some(3));
}

#[test]
fn a_secret_cleaned_up_inside_a_branch_before_merge_is_still_found() {
    let mut fx = Fixture::new();
    let base = fx.commit("main", "initial", &[("README.md", Some("# demo\n"))]);
    fx.branch("feature", base);
    let leaked = fx.commit(
        "feature",
        "wire the api",
        &[("config.env", Some(&format!("{}\n", pat_line(1))))],
    );
    let cleaned = "pat = ${GITHUB_TOKEN}\n";
    let cleanup = fx.commit(
        "feature",
        "read it from the env",
        &[("config.env", Some(cleaned))],
    );
    let main_tip = fx.commit("main", "docs", &[("README.md", Some("# demo\nmore\n"))]);
    let merge = fx.commit_on(
        &[main_tip, cleanup],
        "merge feature",
        &[("config.env", Some(cleaned))],
    );
    fx.branch("main", merge);
    fx.repo
        .find_reference("refs/heads/feature")
        .unwrap()
        .delete()
        .unwrap();

    for args in [&[][..], &["--branch", "main"][..]] {
        let (report, run) = fx.scan(args);
        run.code(1);
        assert_eq!(
            places(&report),
            [place(leaked, "config.env", 1, 1, 0)],
            "{args:?}"
        );
        assert_eq!(report.stats.commits, Some(5), "{args:?}");
    }
}

#[test]
fn a_secret_only_in_a_tag_is_found() {
    let mut fx = Fixture::new();
    let base = fx.commit("main", "initial", &[("README.md", Some("# demo\n"))]);
    // A release commit that no branch reaches, only an annotated tag.
    let tagged = fx.commit_on(
        &[base],
        "release build",
        &[("release.env", Some(&format!("{}\n", pat_line(1))))],
    );
    let object = fx.repo.find_object(tagged, None).unwrap();
    fx.repo
        .tag(
            "v0.1-rc",
            &object,
            &author_at(9),
            "release candidate",
            false,
        )
        .unwrap();

    let (report, run) = fx.scan(&[]);
    run.code(1);
    assert_eq!(places(&report), [place(tagged, "release.env", 1, 1, 0)]);

    let (report, run) = fx.scan(&["--branch", "main"]);
    run.code(0);
    no_findings(&report);
}

#[test]
fn a_secret_only_in_the_stash_is_found() {
    let mut fx = Fixture::new();
    fx.commit("main", "initial", &[("app.env", Some("port = 80\n"))]);
    fx.checkout();
    fx.write("app.env", &format!("port = 80\n{}\n", pat_line(1)));
    let stash = fx
        .repo
        .stash_save(&author_at(5), "try the api", None)
        .unwrap();
    assert_eq!(
        std::fs::read_to_string(fx.root().join("app.env")).unwrap(),
        "port = 80\n",
        "the stash took the change out of the work tree"
    );

    let (report, run) = fx.scan(&[]);
    run.code(1);
    assert_eq!(places(&report), [place(stash, "app.env", 2, 1, 0)]);
    assert_eq!(
        report.findings[0].message.as_deref(),
        Some("On main: try the api")
    );
}

#[test]
fn branch_scans_only_that_branch() {
    let mut fx = Fixture::new();
    let base = fx.commit("main", "initial", &[("README.md", Some("# demo\n"))]);
    let on_main = fx.commit(
        "main",
        "main token",
        &[("main.env", Some(&format!("{}\n", pat_line(1))))],
    );
    fx.branch("feature", base);
    let on_feature = fx.commit(
        "feature",
        "feature token",
        &[("feature.env", Some(&format!("{}\n", pat_line(2))))],
    );

    let (report, run) = fx.scan(&["--branch", "feature"]);
    run.code(1);
    assert_eq!(places(&report), [place(on_feature, "feature.env", 1, 2, 0)]);
    assert_eq!(report.stats.commits, Some(2));

    let (report, run) = fx.scan(&["--branch", "main"]);
    run.code(1);
    assert_eq!(places(&report), [place(on_main, "main.env", 1, 1, 0)]);
    assert_eq!(report.stats.commits, Some(2));

    let run = sprawl_git(fx.root(), &["--branch", "no-such-branch"]);
    run.code(2);
    assert!(run.stderr.contains("no-such-branch"), "{}", run.stderr);
}

// Ranges: what the commits of A..B add.

/// Commits of [`range_fixture`], oldest first.
struct RangeCommits {
    base: Oid,
    api: Oid,
    tune: Oid,
    docs: Oid,
}

/// A legacy config file of ten lines, secret 3 on line 5; `edited` changes line 9.
fn legacy_config(edited: bool) -> String {
    let mut lines: Vec<String> = (1..=10).map(|i| format!("setting_{i} = {i}")).collect();
    lines[4] = pat_line(3);
    if edited {
        lines[8] = "setting_9 = nine".into();
    }
    lines.join("\n") + "\n"
}

/// `base` holds secret 1 in keep.env and secret 3 in legacy.env; `api` adds secret 2 in api.env;
/// `tune` edits another line of keep.env and moves legacy.env (with an edit) to
/// config/legacy.env; `docs` touches only the README. HEAD is `main` at `docs`.
fn range_fixture() -> (Fixture, RangeCommits) {
    let mut fx = Fixture::new();
    let keep = |retries: usize| format!("# keep\n{}\nretries = {retries}\n", pat_line(1));
    let base = fx.commit(
        "main",
        "base",
        &[
            ("README.md", Some("# demo\n")),
            ("keep.env", Some(&keep(1))),
            ("legacy.env", Some(&legacy_config(false))),
        ],
    );
    let api = fx.commit(
        "main",
        "add the api client",
        &[("api.env", Some(&format!("{}\n", pat_line(2))))],
    );
    let tune = fx.commit(
        "main",
        "tune retries, move the legacy config",
        &[
            ("keep.env", Some(&keep(2))),
            ("legacy.env", None),
            ("config/legacy.env", Some(&legacy_config(true))),
        ],
    );
    let docs = fx.commit("main", "docs", &[("README.md", Some("# demo\nmore\n"))]);
    (
        fx,
        RangeCommits {
            base,
            api,
            tune,
            docs,
        },
    )
}

#[test]
fn the_range_fixture_holds_three_secrets_in_full_history() {
    // What the range tests below leave out is there to be found.
    let (fx, c) = range_fixture();
    let (report, run) = fx.scan(&[]);
    run.code(1);
    assert_eq!(
        places(&report),
        [
            place(c.base, "keep.env", 2, 1, 1),
            place(c.base, "legacy.env", 5, 3, 1),
            place(c.api, "api.env", 1, 2, 0),
        ]
    );
}

#[test]
fn a_range_reports_only_what_its_commits_add() {
    let (fx, c) = range_fixture();
    let range = format!("{}..{}", c.base, c.docs);
    let (report, run) = fx.scan(&["--range", &range]);
    run.code(1);
    // Not keep.env (edited on another line, its secret was there before the range), not
    // config/legacy.env (renamed inside the range, its secret was there before under the old
    // name): only what the range adds.
    assert_eq!(places(&report), [place(c.api, "api.env", 1, 2, 0)]);
    assert_eq!(report.stats.commits, Some(3));

    // Revisions by name; an empty end is HEAD.
    let (report, run) = fx.scan(&["--range", "main~3.."]);
    run.code(1);
    assert_eq!(places(&report), [place(c.api, "api.env", 1, 2, 0)]);
}

#[test]
fn a_range_that_includes_the_introducing_commit_reports_it_and_one_that_excludes_it_does_not() {
    let (fx, c) = range_fixture();
    let (report, run) = fx.scan(&["--range", &format!("{}..{}", c.base, c.api)]);
    run.code(1);
    assert_eq!(places(&report), [place(c.api, "api.env", 1, 2, 0)]);
    assert_eq!(report.stats.commits, Some(1));

    let (report, run) = fx.scan(&["--range", &format!("{}..{}", c.api, c.docs)]);
    run.code(0);
    no_findings(&report);
    assert_eq!(report.stats.commits, Some(2));
}

#[test]
fn since_commit_is_a_range_to_head() {
    let (fx, c) = range_fixture();
    let (report, run) = fx.scan(&["--since-commit", &c.base.to_string()]);
    run.code(1);
    assert_eq!(places(&report), [place(c.api, "api.env", 1, 2, 0)]);

    let (report, run) = fx.scan(&["--since-commit", &short(c.api)]);
    run.code(0);
    no_findings(&report);

    let (report, run) = fx.scan(&["--since-commit", &c.tune.to_string()]);
    run.code(0);
    assert_eq!(report.stats.commits, Some(1));
}

#[test]
fn a_range_does_not_report_a_secret_its_file_already_held() {
    let mut fx = Fixture::new();
    let old = pat_line(1);
    let base = fx.commit(
        "main",
        "base",
        &[("app.env", Some(&format!("host = a\n{old}\nport = 1\n")))],
    );
    fx.commit(
        "main",
        "change the port",
        &[("app.env", Some(&format!("host = a\n{old}\nport = 2\n")))],
    );
    let (report, run) = fx.scan(&["--range", &format!("{base}..HEAD")]);
    run.code(0);
    no_findings(&report);

    // A new secret in the same file is reported; the old one still is not.
    let added = fx.commit(
        "main",
        "a second token",
        &[(
            "app.env",
            Some(&format!("host = a\n{old}\nport = 2\n{}\n", pat_line(2))),
        )],
    );
    let (report, run) = fx.scan(&["--range", &format!("{base}..HEAD")]);
    run.code(1);
    assert_eq!(places(&report), [place(added, "app.env", 4, 2, 0)]);
}

#[test]
fn a_file_renamed_inside_a_range_keeps_its_old_secret_unreported() {
    let mut fx = Fixture::new();
    let plain = format!("{}\n", pat_line(4));
    let base = fx.commit(
        "main",
        "base",
        &[
            ("legacy.env", Some(&legacy_config(false))),
            ("plain.env", Some(&plain)),
        ],
    );
    // One file moved with an edit (a new blob), one moved as is (the same blob).
    let moved = fx.commit(
        "main",
        "move the configs",
        &[
            ("legacy.env", None),
            ("config/legacy.env", Some(&legacy_config(true))),
            ("plain.env", None),
            ("etc/plain.env", Some(&plain)),
        ],
    );
    let (report, run) = fx.scan(&["--range", &format!("{base}..{moved}")]);
    run.code(0);
    no_findings(&report);
    assert_eq!(report.stats.commits, Some(1));
    assert_eq!(
        report.stats.files_scanned, 2,
        "both moved blobs were scanned"
    );
}

#[test]
fn a_file_renamed_twice_inside_a_range_keeps_its_old_secret_unreported() {
    // Each move must be followed back to the path before the range, not only the last one:
    // etc/legacy.env comes from config/legacy.env, which comes from legacy.env.
    let mut fx = Fixture::new();
    let base = fx.commit(
        "main",
        "base",
        &[("legacy.env", Some(&legacy_config(false)))],
    );
    fx.commit(
        "main",
        "move the legacy config",
        &[
            ("legacy.env", None),
            ("config/legacy.env", Some(&legacy_config(true))),
        ],
    );
    fx.commit(
        "main",
        "move it again",
        &[
            ("config/legacy.env", None),
            ("etc/legacy.env", Some(&legacy_config(true))),
        ],
    );
    let (report, run) = fx.scan(&["--range", &format!("{base}..main")]);
    run.code(0);
    no_findings(&report);
}

#[test]
fn a_file_renamed_then_edited_inside_a_range_keeps_its_old_secret_unreported() {
    // The edit comes in a later commit than the move: the edited blob's path is the new one,
    // which did not exist before the range, but it is the same file.
    let mut fx = Fixture::new();
    let base = fx.commit(
        "main",
        "base",
        &[("legacy.env", Some(&legacy_config(false)))],
    );
    fx.commit(
        "main",
        "move the legacy config",
        &[
            ("legacy.env", None),
            ("config/legacy.env", Some(&legacy_config(false))),
        ],
    );
    fx.commit(
        "main",
        "edit it",
        &[("config/legacy.env", Some(&legacy_config(true)))],
    );
    let (report, run) = fx.scan(&["--range", &format!("{base}..main")]);
    run.code(0);
    no_findings(&report);
}

#[test]
fn a_range_with_an_unknown_revision_exits_2_naming_it() {
    let (fx, _) = range_fixture();
    for (flag, value, named) in [
        ("--range", "nosuchrev..HEAD", "nosuchrev"),
        ("--range", "HEAD~1..nosuchend", "nosuchend"),
        ("--since-commit", "nosuchbase", "nosuchbase"),
    ] {
        let run = sprawl_git(fx.root(), &["--format", "json", flag, value]);
        run.code(2);
        assert!(run.stderr.contains(named), "{flag} {value}: {}", run.stderr);
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
        assert_eq!(run.stdout, "", "{flag} {value}");
    }
}

// The staged index.

/// A work tree at a first commit: README.md and app.env, which holds secret 1 on line 2.
fn staged_fixture() -> Fixture {
    let mut fx = Fixture::new();
    fx.commit(
        "main",
        "initial",
        &[
            ("README.md", Some("# demo\n")),
            ("app.env", Some(&format!("host = a\n{}\n", pat_line(1)))),
        ],
    );
    fx.checkout();
    fx
}

#[test]
fn staged_content_counts_not_the_work_tree() {
    let fx = staged_fixture();
    fx.stage("staged.env", &format!("# staged\n{}\n", pat_line(2)));
    // Untracked, and a tracked file changed but not staged.
    fx.write("untracked.env", &format!("{}\n", pat_line(3)));
    fx.write("README.md", &format!("# demo\n{}\n", pat_line(4)));
    // Partly staged: the staged version has secret 5 on line 3; the work tree then moves it
    // down and adds secret 6.
    fx.stage("partial.env", &format!("one\ntwo\n{}\n", pat_line(5)));
    fx.write(
        "partial.env",
        &format!("zero\nextra\none\ntwo\n{}\n{}\n", pat_line(5), pat_line(6)),
    );

    let (report, run) = fx.scan(&["--staged"]);
    run.code(1);
    assert_eq!(
        staged_places(&report),
        [
            staged_place("partial.env", 3, 5),
            staged_place("staged.env", 2, 2)
        ]
    );
    assert_eq!(report.stats.files_scanned, 2);
}

#[test]
fn staged_edit_of_a_file_with_a_secret_in_head_reports_only_new_secrets() {
    let fx = staged_fixture();
    fx.stage("app.env", &format!("host = b\n{}\n", pat_line(1)));
    let (report, run) = fx.scan(&["--staged"]);
    run.code(0);
    no_findings(&report);
    assert_eq!(report.stats.files_scanned, 1);

    fx.stage(
        "app.env",
        &format!("host = b\n{}\nport = 1\n{}\n", pat_line(1), pat_line(2)),
    );
    let (report, run) = fx.scan(&["--staged"]);
    run.code(1);
    assert_eq!(staged_places(&report), [staged_place("app.env", 4, 2)]);
}

#[test]
fn staged_paths_limit_the_scan_from_the_root_and_a_subfolder() {
    let fx = staged_fixture();
    fx.stage("a/x.env", &format!("{}\n", pat_line(2)));
    fx.stage("b/y.env", &format!("{}\n", pat_line(3)));

    let (report, run) = fx.scan(&["--staged"]);
    run.code(1);
    assert_eq!(
        staged_places(&report),
        [staged_place("a/x.env", 1, 2), staged_place("b/y.env", 1, 3)]
    );

    let (report, run) = fx.scan(&["--staged", "--", "a/x.env"]);
    run.code(1);
    assert_eq!(staged_places(&report), [staged_place("a/x.env", 1, 2)]);

    // Paths are relative to the current folder, as pre-commit passes them.
    let sub = fx.root().join("a");
    let (report, run) = git_json(&sub, &["--staged", "--", "x.env"]);
    run.code(1);
    assert_eq!(staged_places(&report), [staged_place("a/x.env", 1, 2)]);

    let (report, run) = git_json(&sub, &["--staged", "--", "./x.env"]);
    run.code(1);
    assert_eq!(staged_places(&report), [staged_place("a/x.env", 1, 2)]);

    // A path that holds nothing staged.
    let (report, run) = fx.scan(&["--staged", "--", "README.md"]);
    run.code(0);
    no_findings(&report);
}

#[test]
fn staged_paths_may_climb_out_of_the_current_folder() {
    // `../b/y.env` from `a/` is `b/y.env` in the index; looked up as `a/../b/y.env` it would
    // match nothing and the scan would pass clean.
    let fx = staged_fixture();
    fx.stage("a/x.env", &format!("{}\n", pat_line(2)));
    fx.stage("b/y.env", &format!("{}\n", pat_line(3)));
    let (report, run) = git_json(&fx.root().join("a"), &["--staged", "--", "../b/y.env"]);
    run.code(1);
    assert_eq!(staged_places(&report), [staged_place("b/y.env", 1, 3)]);
}

#[test]
fn a_staged_rename_limited_to_its_new_path_adds_no_secret() {
    // pre-commit passes the new path of a rename, not the old one; the old path must still be
    // seen for rename detection, or the moved file's old secret looks new.
    let fx = staged_fixture();
    std::fs::rename(fx.root().join("app.env"), fx.root().join("moved.env")).unwrap();
    let mut index = fx.repo.index().unwrap();
    index.remove_path(Path::new("app.env")).unwrap();
    index.add_path(Path::new("moved.env")).unwrap();
    index.write().unwrap();

    let (report, run) = fx.scan(&["--staged"]);
    run.code(0);
    no_findings(&report);

    let (report, run) = fx.scan(&["--staged", "--", "moved.env"]);
    run.code(0);
    no_findings(&report);
}

#[test]
fn staged_in_an_unborn_repository() {
    let fx = Fixture::new();
    fx.stage("first.env", &format!("host = a\n{}\n", pat_line(1)));
    let (report, run) = fx.scan(&["--staged"]);
    run.code(1);
    assert_eq!(staged_places(&report), [staged_place("first.env", 2, 1)]);
}

// Repositories that are not plain work trees.

#[test]
fn a_bare_repository_is_scanned() {
    let mut fx = Fixture::bare();
    fx.commit("main", "initial", &[("README.md", Some("# demo\n"))]);
    let added = fx.commit(
        "main",
        "add",
        &[("srv/app.env", Some(&format!("{}\n", pat_line(1))))],
    );
    assert!(fx.repo.is_bare());
    let elsewhere = tempfile::tempdir().unwrap();
    let repo = fx.root().to_str().unwrap();
    let (report, run) = git_json(elsewhere.path(), &[repo]);
    run.code(1);
    assert_eq!(places(&report), [place(added, "srv/app.env", 1, 1, 0)]);
    assert_eq!(report.stats.commits, Some(2));
}

/// A `git clone --depth 1` of `fx` in a new temp folder (git2 cannot make shallow clones).
pub(crate) fn shallow_clone(fx: &Fixture) -> TempDir {
    let clone = tempfile::Builder::new()
        .prefix("sprawl-shallow")
        .tempdir()
        .unwrap();
    let source = format!("file://{}", fx.root().display());
    let output = std::process::Command::new("git")
        .args(["clone", "--quiet", "--depth", "1", &source])
        .arg(clone.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    assert!(Repository::open(clone.path()).unwrap().is_shallow());
    clone
}

#[test]
fn a_shallow_clone_is_scanned_with_a_note_that_history_is_cut() {
    let mut fx = Fixture::new();
    fx.commit(
        "main",
        "old token",
        &[("old.env", Some(&format!("{}\n", pat_line(1))))],
    );
    fx.commit("main", "drop it", &[("old.env", None)]);

    // The old token is behind the boundary: nothing found, exit 0, and a note.
    let clean = shallow_clone(&fx);
    let (report, run) = git_json(clean.path(), &[]);
    run.code(0);
    no_findings(&report);
    assert_eq!(report.stats.commits, Some(1));
    assert!(run.stderr.contains("shallow clone"), "{}", run.stderr);

    let tip = fx.commit(
        "main",
        "new token",
        &[("app.env", Some(&format!("host = a\n{}\n", pat_line(2))))],
    );
    let leaky = shallow_clone(&fx);
    let (report, run) = git_json(leaky.path(), &[]);
    run.code(1);
    // The boundary commit introduces everything in its tree.
    assert_eq!(places(&report), [place(tip, "app.env", 2, 2, 0)]);
    assert_eq!(report.stats.commits, Some(1));
    assert!(run.stderr.contains("shallow clone"), "{}", run.stderr);
}

#[test]
fn a_corrupt_blob_is_reported_and_the_scan_goes_on() {
    let mut fx = Fixture::new();
    let broken = format!("{}\n", pat_line(1));
    let added = fx.commit(
        "main",
        "add",
        &[
            ("broken.env", Some(&broken)),
            ("fine.env", Some(&format!("{}\n", pat_line(2)))),
        ],
    );
    let blob = fx.repo.blob(broken.as_bytes()).unwrap();
    fx.corrupt(blob);

    let (report, run) = fx.scan(&[]);
    run.code(2);
    assert_eq!(places(&report), [place(added, "fine.env", 1, 2, 0)]);
    assert_eq!(report.errors.len(), 1, "{:#?}", report.errors);
    let error = &report.errors[0];
    assert!(error.path.contains("broken.env"), "{error:?}");
    assert!(error.path.contains(&blob.to_string()), "{error:?}");
    assert_eq!(report.stats.errors, 1);
    assert!(run.stderr.contains(&blob.to_string()), "{}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}

#[test]
fn not_a_repository_exits_2_without_panicking() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("file.env"), format!("{}\n", pat_line(1))).unwrap();
    let run = sprawl_git(dir.path(), &[]);
    run.code(2);
    assert!(
        run.stderr.contains("is not a git repository"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert_eq!(run.stdout, "");

    let run = sprawl_git(dir.path(), &["no/such/folder"]);
    run.code(2);
    assert!(run.stderr.contains("no/such/folder"), "{}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}

// The same answers as a file scan, and what the config says.

#[test]
fn a_blob_and_a_file_with_the_same_content_give_the_same_finding() {
    let mut fx = Fixture::new();
    // Multi-byte characters before the secret: columns count bytes either way.
    let contents = format!(
        "# Einrichtung\n\nnaïve café: \"{}\" # ok\nend\n",
        github_pat(1)
    );
    fx.commit("main", "add notes", &[("notes/setup.md", Some(&contents))]);
    fx.checkout();

    let run =
        run(sprawl(fx.root()).args(["scan", "--no-config", "--format", "json", "notes/setup.md"]));
    run.code(1);
    let file_report = run.json();
    let (blob_report, run) = fx.scan(&[]);
    run.code(1);
    let key = |f: &FindingRecord| {
        (
            f.rule_id.clone(),
            f.line,
            f.column,
            f.end_line,
            f.end_column,
            f.fingerprint.clone(),
        )
    };
    assert_eq!(file_report.findings.len(), 1, "{:#?}", file_report.findings);
    assert_eq!(blob_report.findings.len(), 1, "{:#?}", blob_report.findings);
    let (file, blob) = (&file_report.findings[0], &blob_report.findings[0]);
    assert_eq!(key(file), key(blob));
    assert_eq!((file.line, file.column), (3, 16));
    assert_eq!(file.path, blob.path);
    assert_eq!(file.commit, None);
}

#[test]
fn config_exclude_paths_apply_to_history_paths() {
    let mut fx = Fixture::new();
    fx.commit(
        "main",
        "vendor a library",
        &[
            ("vendor/lib/creds.env", Some(&format!("{}\n", pat_line(1)))),
            (
                "fixtures/sample.generated",
                Some(&format!("{}\n", pat_line(2))),
            ),
        ],
    );
    let kept = fx.commit(
        "main",
        "unvendor, add the app",
        &[
            ("vendor/lib/creds.env", None),
            ("app.env", Some(&format!("{}\n", pat_line(3)))),
        ],
    );
    let config = fx.write(
        ".sprawl.yml",
        "exclude_paths:\n  - vendor/\n  - '*.generated'\n",
    );

    let run = run(sprawl(fx.root())
        .args(["git", "--format", "json", "--no-redact", "--config"])
        .arg(&config));
    run.code(1);
    let report = run.json();
    assert_eq!(places(&report), [place(kept, "app.env", 1, 3, 0)]);
    assert_eq!(report.stats.files_scanned, 1);

    // Without the config all three are found.
    let (report, run) = fx.scan(&[]);
    run.code(1);
    assert_eq!(report.findings.len(), 3, "{:#?}", report.findings);
}

// Output.

#[test]
fn text_output_groups_by_commit_with_git_show_and_rotation_advice() {
    let mut fx = Fixture::new();
    let first = fx.commit(
        "main",
        "add service credentials\n\nbody text",
        &[
            ("a.env", Some(&format!("{}\n", pat_line(1)))),
            ("b/c.env", Some(&format!("host = a\n{}\n", pat_line(2)))),
        ],
    );
    let second = fx.commit(
        "main",
        "rotate and copy",
        &[
            ("a.env", Some(&format!("{}\n", pat_line(3)))),
            ("d.env", Some(&format!("host = a\n{}\n", pat_line(2)))),
        ],
    );

    let run = sprawl_git(fx.root(), &["--color", "never"]);
    run.code(1);
    let name = "(GitHub personal access token (classic), high confidence)";
    let expected = format!(
        "commit {first} (2 findings)  {d0}  {AUTHOR} <{EMAIL}>
    add service credentials
  a.env:1:7  github.pat  ghp_…  {name}
      pat = ghp_…
      git show {s0}:a.env
  b/c.env:2:7  github.pat  ghp_…  {name}
      pat = ghp_…
      git show {s0}:b/c.env  (1 more place)

commit {second} (1 finding)  {d1}  {AUTHOR} <{EMAIL}>
    rotate and copy
  a.env:1:7  github.pat  ghp_…  {name}
      pat = ghp_…
      git show {s1}:a.env
",
        d0 = date_of(0),
        d1 = date_of(1),
        s0 = short(first),
        s1 = short(second),
    );
    assert_eq!(run.stdout, expected);
    assert!(
        run.stderr.contains("rotate each credential"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("from 2 commits"), "{}", run.stderr);
}

#[test]
fn thread_count_does_not_change_the_findings() {
    let mut fx = Fixture::new();
    // 30 commits over 7 files; 10 secrets, most of them in several files and commits.
    for i in 0..30u64 {
        let path = format!("dir{}/file{}.env", i % 3, i % 7);
        let contents = format!(
            "rev = {i}\n{}\nfiller = {}\n{}\n",
            pat_line(i % 10),
            "x".repeat(i as usize),
            pat_line((i * 7 + 3) % 10)
        );
        fx.commit("main", &format!("commit {i}"), &[(&path, Some(&contents))]);
    }
    let (one, run) = fx.scan(&["-j", "1"]);
    run.code(1);
    let (four, run) = fx.scan(&["-j", "4"]);
    run.code(1);
    assert_eq!(one.findings.len(), 10, "{:#?}", one.findings);
    assert_eq!(one.findings, four.findings);
    assert_eq!(one.stats.files_scanned, 30);
    assert_eq!(one.stats.commits, Some(30));
    // Every commit adds one blob with two secrets: 60 places in all.
    let places: usize = places(&one).iter().map(|p| p.5 + 1).sum();
    assert_eq!(places, 60);
}

// Packed histories: what the pack traversal finds is what reading each blob whole finds.

/// A small deterministic generator for the edits of [`edited_history`].
struct Dice(u64);

impl Dice {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

/// Test rules besides the built-in ones: `test.pair`, a rule whose match spans lines within a
/// bound (a key id, then its secret on a later line), and `test.block`, one spanning any
/// number of lines.
fn pack_rules() -> String {
    concat!(
        "rules:\n",
        "  - id: test.pair\n    name: Test pair\n    keywords: [keyid]\n",
        "    pattern: '(?s)keyid = [a-z]{8}\\n.{0,120}?secret = (?P<secret>[A-Za-z0-9]{24})\\b'\n",
        "    confidence: high\n",
        "    examples: [\"keyid = abcdefgh\\nsecret = Zq3v9XkP2mW7rT4yB8nJ6cLd\"]\n",
        "  - id: test.block\n    name: Test block\n    keywords: ['begin block']\n",
        "    pattern: '(?s)BEGIN BLOCK\\n(?P<secret>[A-Za-z0-9\\n]{20,}?)\\nEND BLOCK'\n",
        "    confidence: high\n",
        "    examples: [\"BEGIN BLOCK\\nZq3v9XkP2mW7rT4yB8nJ6cLd\\nEND BLOCK\"]\n",
    )
    .to_string()
}

/// A history of many small edits to a few long files, on two branches with a merge: lines
/// inserted and deleted, secrets added whole, secrets typed in two commits (half, then the
/// rest), a key id whose secret arrives lines below it later, blocks opened and closed in
/// separate commits. Packed with deep delta chains, nearly every blob is a delta of another.
fn edited_history(fx: &mut Fixture) {
    let mut dice = Dice(7);
    let mut files: Vec<Vec<String>> = (0..3)
        .map(|f| {
            (0..120)
                .map(|n| format!("setting_{f}_{n} = value {n}"))
                .collect()
        })
        .collect();
    let mut seed = 100;
    let commit = |fx: &mut Fixture, branch: &str, files: &[Vec<String>], n: usize| {
        let texts: Vec<String> = files.iter().map(|lines| lines.join("\n") + "\n").collect();
        let changes: Vec<(String, Option<&str>)> = texts
            .iter()
            .enumerate()
            // `.txt` under `data/`: no built-in rule with `paths` or `allow.paths` matches, so
            // no blob is read again whole at its path and the search around changes is what
            // the comparison checks.
            .map(|(f, text)| (format!("data/file{f}.txt"), Some(text.as_str())))
            .collect();
        let changes: Vec<(&str, Option<&str>)> =
            changes.iter().map(|(p, t)| (p.as_str(), *t)).collect();
        fx.commit(branch, &format!("edit {n}"), &changes);
    };
    commit(fx, "main", &files, 0);
    for n in 1..60 {
        let branch = if n % 10 < 3 { "side" } else { "main" };
        if n % 10 == 0 {
            let side = fx.repo.refname_to_id("refs/heads/side").ok();
            let main = fx.repo.refname_to_id("refs/heads/main").unwrap();
            if let Some(side) = side {
                let merge = fx.commit_on(&[main, side], "merge side", &[]);
                fx.branch("main", merge);
            }
            fx.branch("side", fx.repo.refname_to_id("refs/heads/main").unwrap());
        }
        // Secrets live one commit: each is replaced by a longer clean line, so most blobs are
        // clean and packs keep clean blobs as the bases (git prefers the larger blob as a base)
        // of deltas that add a secret, often below a keyword the base already held.
        for line in files.iter_mut().flatten() {
            let body = line.len() == 24 && line.bytes().all(|b| b.is_ascii_alphanumeric());
            if line.starts_with("pat = ") || line.starts_with("secret = ") || body {
                *line = "retired = this value was rotated and now lives in the vault".into();
            }
        }
        let lines = &mut files[dice.below(3) as usize];
        let at = dice.below(lines.len() as u64) as usize;
        seed += 1;
        match dice.below(7) {
            0 => lines.insert(at, pat_line(seed)),
            1 => {
                let whole = pat_line(seed);
                let (half, _) = whole.split_at(25);
                lines.insert(at, half.to_string());
                commit(fx, branch, &files, n * 100);
                files.iter_mut().for_each(|f| {
                    if let Some(l) = f.iter_mut().find(|l| l.as_str() == half) {
                        *l = whole.clone();
                    }
                });
            }
            2 => {
                lines.insert(at, format!("keyid = {}", "abcdefgh"));
                lines.insert(at + 1, "zone = a".to_string());
                lines.insert(at + 2, "region = north".to_string());
                commit(fx, branch, &files, n * 100);
                let lines = files
                    .iter_mut()
                    .find(|f| f.contains(&"region = north".into()));
                let lines = lines.unwrap();
                let at = lines.iter().position(|l| l == "region = north").unwrap();
                lines[at] = format!("secret = {}", &crate::util::token(seed)[11..]);
                // Then the secret goes and the key id stays, on a longer line: packs keep the
                // larger blob whole and the other as a delta of it, so here a clean base that
                // holds the keyword and a delta that adds the secret below it.
                commit(fx, branch, &files, n * 100 + 1);
                let lines = files
                    .iter_mut()
                    .find(|f| f.iter().any(|l| l.starts_with("secret = ")));
                let lines = lines.unwrap();
                let at = lines
                    .iter()
                    .position(|l| l.starts_with("secret = "))
                    .unwrap();
                lines[at] =
                    "region = south (the secret moved to the vault, see the handbook)".into();
            }
            3 => {
                lines.insert(at, "BEGIN BLOCK".to_string());
                lines.insert(at + 1, crate::util::token(seed)[11..].to_string());
                commit(fx, branch, &files, n * 100);
                let lines = files.iter_mut().find(|f| f.contains(&"BEGIN BLOCK".into()));
                let lines = lines.unwrap();
                let at = lines.iter().position(|l| l == "BEGIN BLOCK").unwrap();
                lines.insert(at + 2, "END BLOCK".to_string());
            }
            4 if lines.len() > 10 => {
                lines.drain(at..(at + 3).min(lines.len()));
            }
            _ => lines[at] = format!("setting = changed {n}"),
        }
        commit(fx, branch, &files, n);
    }
}

/// Repacks every object of `repo` into one pack with long delta chains.
fn repack(repo: &Path) {
    let output = std::process::Command::new("git")
        .args(["repack", "-adf", "-q", "--window=50", "--depth=50"])
        .current_dir(repo)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let loose = std::fs::read_dir(repo.join("objects"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name().len() == 2)
        .count();
    assert_eq!(loose, 0, "every object is packed");
}

/// Every finding (with `--all-occurrences`, every place): rule, commit, path, line, column,
/// secret, sorted.
fn every_place(report: &JsonReport) -> Vec<(String, String, String, usize, usize, String)> {
    let mut all: Vec<_> = report
        .findings
        .iter()
        .map(|f| {
            (
                f.rule_id.clone(),
                f.commit.clone().unwrap(),
                f.path.clone(),
                f.line,
                f.column,
                f.secret.clone(),
            )
        })
        .collect();
    all.sort();
    all
}

#[test]
fn a_packed_history_gives_what_reading_each_blob_whole_gives() {
    let mut fx = Fixture::bare();
    edited_history(&mut fx);
    let rules = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(rules.path(), pack_rules()).unwrap();
    let rules = rules.path().to_str().unwrap();
    let args = ["--rules", rules, "--all-occurrences"];

    let (loose, run) = fx.scan(&args);
    run.code(1);
    repack(fx.root());
    let (packed, run) = fx.scan(&args);
    run.code(1);
    let (whole, run) = fx.scan(&[&args[..], &["--whole-blobs"]].concat());
    run.code(1);

    let found = every_place(&packed);
    for rule in ["github.pat", "test.pair", "test.block"] {
        assert!(
            found.iter().any(|p| p.0 == rule),
            "{rule} is planted and found: {found:#?}"
        );
    }
    // Each secret typed in two commits is found whole, never its first half.
    assert!(found.iter().all(|p| p.5.len() >= 24), "{found:#?}");
    assert_eq!(found, every_place(&whole));
    assert_eq!(found, every_place(&loose));
    assert_eq!(packed.stats.files_scanned, whole.stats.files_scanned);
}

#[test]
fn a_secret_in_a_commit_message_is_found() {
    let mut fx = Fixture::new();
    let commit = fx.commit(
        "main",
        &format!("deploy with\n\n{}\n", pat_line(1)),
        &[("README.md", Some("# demo\n"))],
    );
    let (report, run) = fx.scan(&[]);
    run.code(1);
    let finding = &report.findings[0];
    assert_eq!(report.findings.len(), 1, "{:#?}", report.findings);
    assert_eq!(finding.path, "<commit message>");
    assert_eq!(finding.commit.as_deref(), Some(commit.to_string().as_str()));
    assert_eq!(
        (finding.line, finding.secret.as_str()),
        (3, github_pat(1).as_str())
    );
}

#[test]
fn tags_that_point_at_a_blob_or_a_tree_are_scanned() {
    let mut fx = Fixture::new();
    fx.commit("main", "initial", &[("README.md", Some("# demo\n"))]);
    let blob = fx
        .repo
        .blob(format!("{}\n", pat_line(1)).as_bytes())
        .unwrap();
    fx.repo
        .reference("refs/tags/key", blob, false, "a lightweight tag of a blob")
        .unwrap();
    let mut index = Index::new().unwrap();
    let tree_blob = fx
        .repo
        .blob(format!("{}\n", pat_line(2)).as_bytes())
        .unwrap();
    index
        .add(&index_entry("deploy/app.env", tree_blob, 47))
        .unwrap();
    let tree = index.write_tree_to(&fx.repo).unwrap();
    let object = fx.repo.find_object(tree, None).unwrap();
    fx.repo
        .tag("snapshot", &object, &author_at(3), "a tree", false)
        .unwrap();

    let (report, run) = fx.scan(&[]);
    run.code(1);
    let mut found: Vec<(String, String)> = report
        .findings
        .iter()
        .map(|f| (f.path.clone(), f.secret.clone()))
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            ("deploy/app.env".to_string(), github_pat(2)),
            ("refs/tags/key".to_string(), github_pat(1)),
        ],
        "{:#?}",
        report.findings
    );
}

#[test]
fn a_blob_only_a_merge_commit_holds_is_found_at_the_merge() {
    let mut fx = Fixture::new();
    let base = fx.commit("main", "initial", &[("README.md", Some("# demo\n"))]);
    let left = fx.commit("main", "left", &[("a.txt", Some("left\n"))]);
    let right = fx.commit_on(&[base], "right", &[("b.txt", Some("right\n"))]);
    // The merge resolves by adding a file neither parent has.
    let merge = fx.commit_on(
        &[left, right],
        "merge",
        &[
            ("b.txt", Some("right\n")),
            ("resolved.env", Some(&format!("{}\n", pat_line(1)))),
        ],
    );
    fx.branch("main", merge);
    let (report, run) = fx.scan(&[]);
    run.code(1);
    assert_eq!(places(&report), [place(merge, "resolved.env", 1, 1, 0)]);
}

#[test]
fn a_corrupt_commit_is_reported_and_the_rest_of_history_is_scanned() {
    let mut fx = Fixture::new();
    fx.commit(
        "main",
        "old",
        &[("old.env", Some(&format!("{}\n", pat_line(1))))],
    );
    let broken = fx.commit("main", "middle", &[("mid.txt", Some("middle\n"))]);
    fx.commit(
        "main",
        "tip",
        &[("tip.env", Some(&format!("{}\n", pat_line(2))))],
    );
    fx.corrupt(broken);

    let (report, run) = fx.scan(&[]);
    run.code(2);
    let found: Vec<String> = report.findings.iter().map(|f| f.secret.clone()).collect();
    // The tip's secret is found; what lies behind the broken commit cannot be reached.
    assert!(found.contains(&github_pat(2)), "{:#?}", report.findings);
    assert!(
        report
            .errors
            .iter()
            .any(|e| e.path == format!("commit {}", short(broken))),
        "{:#?}",
        report.errors
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}

#[test]
fn a_partial_clone_warns_of_the_blobs_it_does_not_hold() {
    let mut fx = Fixture::new();
    fx.commit(
        "main",
        "old",
        &[("old.env", Some(&format!("{}\n", pat_line(1))))],
    );
    fx.commit(
        "main",
        "tip",
        &[("old.env", None), ("app.txt", Some("fine\n"))],
    );
    fx.repo
        .config()
        .unwrap()
        .set_bool("uploadpack.allowFilter", true)
        .unwrap();
    let clone = tempfile::tempdir().unwrap();
    let output = std::process::Command::new("git")
        .args(["clone", "--quiet", "--no-checkout", "--filter=blob:none"])
        .arg(format!("file://{}", fx.root().display()))
        .arg(clone.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");

    let (report, run) = git_json(clone.path(), &[]);
    run.code(0);
    no_findings(&report);
    assert!(
        run.stderr.contains("not in this partial clone"),
        "{}",
        run.stderr
    );
    assert!(!report.warnings.is_empty(), "{:#?}", report.warnings);
}

#[test]
fn shards_together_find_what_one_scan_finds() {
    let mut fx = Fixture::new();
    for i in 0..12u64 {
        let path = format!("svc{}/conf{}.env", i % 4, i % 3);
        fx.commit(
            "main",
            &format!("c{i}"),
            &[(&path, Some(&format!("{}\n", pat_line(i))))],
        );
    }
    repack(fx.repo.path());
    let (whole, run) = fx.scan(&["--all-occurrences"]);
    run.code(1);
    let mut sharded = Vec::new();
    for shard in ["1/3", "2/3", "3/3"] {
        let (part, run) = fx.scan(&["--all-occurrences", "--shard", shard]);
        assert!(matches!(run.code, Some(0 | 1)), "{}", run.stderr);
        assert!(
            part.findings.len() < whole.findings.len(),
            "a shard scans part"
        );
        sharded.extend(every_place(&part));
    }
    sharded.sort();
    assert_eq!(sharded, every_place(&whole));
}

#[test]
fn history_runs_rules_with_paths_at_each_blobs_path_and_demotes_by_place() {
    let mut fx = Fixture::bare();
    let weak = "user = \"bob:Summer2023!\"\n";
    let added = fx.commit(
        "main",
        "settings",
        &[
            ("home/me/.curlrc", Some(weak)),
            ("notes/curl.txt", Some(weak)),
            ("src/app.env", Some(&format!("{}\n", pat_line(6)))),
            (
                "tests/fixtures/app.env",
                Some(&format!("{}\n", pat_line(5))),
            ),
        ],
    );
    fx.commit("main", "more", &[("README.md", Some("# demo\n"))]);
    repack(fx.root());
    for args in [&[][..], &["--whole-blobs"][..]] {
        let (report, run) = fx.scan(args);
        run.code(1);
        let mut found: Vec<(String, String, String)> = report
            .findings
            .iter()
            .map(|f| {
                assert_eq!(f.commit.as_deref(), Some(added.to_string().as_str()));
                (
                    f.path.clone(),
                    f.rule_id.clone(),
                    format!("{:?}", f.confidence),
                )
            })
            .collect();
        found.sort();
        // The curlrc rule runs on the `.curlrc` only, not on the same text elsewhere; the
        // token in a test folder is lowered to low there, and only there.
        assert_eq!(
            found,
            [
                ("home/me/.curlrc", "command-line.curlrc-user", "Medium"),
                ("src/app.env", "github.pat", "High"),
                ("tests/fixtures/app.env", "github.pat", "Low"),
            ]
            .map(|(p, r, c)| (p.to_string(), r.to_string(), c.to_string())),
            "{args:?}: {:#?}",
            report.findings
        );
    }
}
