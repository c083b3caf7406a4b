//! Criterion benches of git scanning: enumeration of the blobs of a history (the walk), the whole
//! history scan (walk and packs read beside it), and the pre-commit case, a staged one-line
//! change in a repository with many files.
//!
//! The repository is generated here with git2 (fixed authors and dates, deterministic content),
//! so runs compare across commits. For a large real history, build one with
//! `../shared/bench/make-history.sh` and time `sprawl git` on it as a whole process.
//! Run with `cargo bench --bench history`.

use std::path::Path;

use clap::Parser;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use git2::{Repository, Signature, Time};
use sprawl::cli::{Cli, Command};
use sprawl::config::ScanConfig;
use sprawl::pipeline;
use sprawl::source::git::{self, Selection};

const FILES: usize = 400;
const COMMITS: usize = 60;
const FILES_PER_COMMIT: usize = 12;

/// Source-like text for file `index` at `version`.
fn content(index: usize, version: usize) -> String {
    let mut text = String::new();
    for line in 0..120 {
        text.push_str(&format!(
            "    let value_{line} = compute({index}, {version}) + offset_{line} * {}; // file {index}\n",
            (index * 31 + line * 7 + version) % 1000
        ));
    }
    text
}

fn commit_all(repo: &Repository, message: &str, when: i64) {
    let mut index = repo.index().expect("index");
    index
        .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
        .expect("add");
    index.write().expect("write index");
    let tree = repo
        .find_tree(index.write_tree().expect("tree"))
        .expect("tree");
    let signature =
        Signature::new("Bench", "bench@example.invalid", &Time::new(when, 0)).expect("sig");
    let parents: Vec<git2::Commit<'_>> = repo
        .head()
        .ok()
        .and_then(|head| head.peel_to_commit().ok())
        .into_iter()
        .collect();
    let parents: Vec<&git2::Commit<'_>> = parents.iter().collect();
    repo.commit(
        Some("HEAD"),
        &signature,
        &signature,
        message,
        &tree,
        &parents,
    )
    .expect("commit");
}

/// A repository of FILES files and COMMITS commits, each editing FILES_PER_COMMIT files.
fn build_repo(dir: &Path) -> Repository {
    let repo = Repository::init(dir).expect("init");
    for index in 0..FILES {
        std::fs::write(dir.join(format!("f{index:04}.rs")), content(index, 0)).expect("write");
    }
    commit_all(&repo, "initial", 1_700_000_000);
    for version in 1..COMMITS {
        for k in 0..FILES_PER_COMMIT {
            let index = (version * 37 + k * 101) % FILES;
            std::fs::write(dir.join(format!("f{index:04}.rs")), content(index, version))
                .expect("write");
        }
        commit_all(
            &repo,
            &format!("change {version}"),
            1_700_000_000 + version as i64 * 60,
        );
    }
    repo
}

/// Writes every object into one pack, as a clone or `git gc` leaves a repository, so the scan
/// reads blobs in delta order.
fn pack(repo: &Repository) {
    let mut builder = repo.packbuilder().expect("pack builder");
    let mut walk = repo.revwalk().expect("revwalk");
    walk.push_head().expect("head");
    builder.insert_walk(&mut walk).expect("insert");
    builder
        .write(&repo.path().join("objects").join("pack"), 0o644)
        .expect("write the pack");
}

fn config(args: &[&str]) -> ScanConfig {
    let cli = Cli::parse_from(args);
    match &cli.command {
        Command::Git(git) => ScanConfig::from_git_args(git).expect("config"),
        _ => unreachable!("a git command line"),
    }
}

fn bench_history(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = build_repo(dir.path());
    let path = dir.path().to_str().expect("utf-8 temp path");
    pack(&repo);
    let walk = |repo: &Repository| {
        let mut on_commit = |_: &git::CommitRead<'_>| {};
        git::walk(
            repo,
            &Selection::All,
            git::WalkOptions {
                keep_later_places: false,
                include: &|_| true,
                on_commit: &mut on_commit,
            },
        )
        .expect("walk")
    };
    let bytes: u64 = walk(&repo)
        .blobs
        .iter()
        .map(|blob| repo.find_blob(blob.oid).expect("blob").size() as u64)
        .sum();

    let mut group = c.benchmark_group("history");
    group.sample_size(20);
    group.bench_function("enumerate blobs", |b| b.iter(|| walk(&repo).blobs.len()));
    group.throughput(Throughput::Bytes(bytes));
    let whole = config(&["sprawl", "git", path, "--no-config", "-q"]);
    group.bench_function("scan every blob", |b| {
        b.iter(|| {
            pipeline::scan(&whole, false)
                .expect("scan")
                .stats
                .files_scanned
        })
    });
    group.finish();

    // The pre-commit case: one staged line in a repository of FILES files.
    std::fs::write(
        dir.path().join("f0001.rs"),
        format!("{}let extra = 1;\n", content(1, 999)),
    )
    .expect("write");
    let mut index = repo.index().expect("index");
    index.add_path(Path::new("f0001.rs")).expect("stage");
    index.write().expect("write index");
    let staged = config(&["sprawl", "git", path, "--staged", "--no-config", "-q"]);
    c.bench_function("staged one-file change", |b| {
        b.iter(|| {
            pipeline::scan(&staged, false)
                .expect("scan")
                .stats
                .files_scanned
        })
    });
}

criterion_group!(benches, bench_history);
criterion_main!(benches);
