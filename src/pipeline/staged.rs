//! Scanning the staged index against HEAD: what a commit made now would add (the pre-commit
//! hook's scan), and the paths a hook hands over that have nothing staged.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use git2::Repository;

use super::files::Worker;
use super::{fingerprints_in, BlobScanner, ScanResult};
use crate::config::ScanConfig;
use crate::engine::Matcher;
use crate::progress::Progress;
use crate::source::git::{self, BlobRead, BlobReader, GitError, Unstaged};
use crate::source::{self, Blob, Sink, SkipReason, SourceError};

/// The staged index against HEAD: each staged blob's findings, less the secrets the file (at
/// its old path, for a rename) already held in HEAD. Paths handed over (`-- PATH...`, as the
/// pre-commit framework passes them) limit the scan to them; one with nothing staged is scanned
/// whole from the work tree (or from the index when it is gone from the work tree), as `pre-commit
/// run --all-files` expects of a hook, and one that exists nowhere is an error.
pub(super) fn scan_staged(
    config: &ScanConfig,
    repo: Repository,
    paths: &[PathBuf],
    include: &dyn Fn(&str) -> bool,
    list_skipped: bool,
    progress: &Progress,
) -> Result<ScanResult, GitError> {
    let workdir = work_tree(&repo)?;
    let given = repo_relative(&workdir, paths)?;
    let relative: Vec<String> = given.iter().map(|(_, path)| path.clone()).collect();
    let changes = git::staged_changes(&repo, &relative, include)?;
    let unstaged = if given.is_empty() {
        Vec::new()
    } else {
        git::unstaged_paths(&repo, &workdir, &relative, &changes)?
    };
    progress.set_total((changes.len() + unstaged.len()) as u64);
    let reader = BlobReader::from_repository(repo);
    let mut result = scan_changes(config, &reader, changes, list_skipped, progress);
    let typed: HashMap<&str, &str> = given
        .iter()
        .map(|(typed, relative)| (relative.as_str(), typed.as_str()))
        .collect();
    let handed = Handed {
        config,
        reader: &reader,
        workdir: &workdir,
        list_skipped,
        progress,
    };
    let unstaged: Vec<(String, Unstaged)> = unstaged
        .into_iter()
        .filter(|(path, _)| include(path))
        .collect();
    handed.scan(unstaged, &typed, &mut result);
    super::sort_by_place(&mut result.findings);
    Ok(result)
}

/// The work tree's root, canonical; a bare repository has none, and so no index to commit from.
fn work_tree(repo: &Repository) -> Result<PathBuf, GitError> {
    let workdir = repo.workdir().ok_or_else(|| GitError::Repository {
        action: "scan the staged changes".into(),
        message: "a bare repository has no work tree and no index to commit from (scan its \
                  history with `sprawl git REPO` instead)"
            .into(),
    })?;
    Ok(workdir
        .canonicalize()
        .unwrap_or_else(|_| workdir.to_path_buf()))
}

/// Each staged change's findings that HEAD did not already hold at that path.
fn scan_changes(
    config: &ScanConfig,
    reader: &BlobReader,
    changes: Vec<git::StagedChange>,
    list_skipped: bool,
    progress: &Progress,
) -> ScanResult {
    let mut scanner = BlobScanner::new(config);
    let mut matcher = Matcher::new(&config.rules);
    matcher.decode(config.decode);
    let mut result = ScanResult::default();
    let archives = config.archives.is_some();
    for change in changes {
        let read = reader.read(change.staged, config.max_file_size, archives);
        let staged = match read.map(BlobRead::into_text) {
            Ok(Ok(blob)) => blob,
            Ok(Err(reason)) => {
                result.stats.add_skip(reason);
                if list_skipped {
                    result.skipped.push((change.path.clone(), reason));
                }
                progress.record(0, 0);
                continue;
            }
            Err(err) => {
                result.errors.push(SourceError {
                    path: change.path.clone(),
                    message: format!("cannot read the staged blob: {}", err.message()),
                });
                progress.record(0, 0);
                continue;
            }
        };
        let content = Blob {
            path: &change.path,
            bytes: staged.content(),
        };
        let found = scanner.scan_whole(content, &mut result);
        progress.record(staged.size() as u64, found.len());
        if found.is_empty() {
            continue;
        }
        let before = match change
            .before
            .map(|oid| reader.read(oid, config.max_file_size, archives))
        {
            Some(Ok(BlobRead::Text(blob))) => fingerprints_in(
                &mut matcher,
                &change.path,
                blob.content(),
                config.archives.as_ref(),
            ),
            _ => HashSet::new(),
        };
        result.findings.extend(
            found
                .into_iter()
                .filter(|finding| !before.contains(&finding.fingerprint)),
        );
    }
    result
}

/// What scanning the paths handed over with nothing staged under them needs.
struct Handed<'a> {
    config: &'a ScanConfig,
    reader: &'a BlobReader,
    /// The work tree's root.
    workdir: &'a Path,
    list_skipped: bool,
    progress: &'a Progress,
}

impl Handed<'_> {
    /// Each path (relative to the work tree's root; `typed` maps it to the path as given): a
    /// file scanned whole from the work tree or the index, a note, or an error.
    fn scan(
        &self,
        unstaged: Vec<(String, Unstaged)>,
        typed: &HashMap<&str, &str>,
        result: &mut ScanResult,
    ) {
        let mut in_work_tree = Vec::new();
        for (path, what) in unstaged {
            let shown = typed.get(path.as_str()).copied().unwrap_or(&path);
            let note = |text: &str| format!("{shown}: {text}");
            match what {
                Unstaged::WorkTree => in_work_tree.push(path.clone()),
                Unstaged::Index(oid) => {
                    scan_index_blob(self.config, self.reader, &path, oid, result)
                }
                Unstaged::Deleted => result
                    .notes
                    .push(note("staged for deletion: nothing to scan")),
                Unstaged::Folder => result
                    .notes
                    .push(note("no staged change under this folder")),
                Unstaged::Missing => result.errors.push(self.missing(shown)),
            }
            if what != Unstaged::WorkTree {
                self.progress.record(0, 0);
            }
        }
        self.scan_work_tree(&in_work_tree, result);
    }

    /// Files of the work tree, whole, read as `sprawl scan` reads files (one worker: hooks hand
    /// over a few files, or, for `--all-files`, files that are mostly small).
    fn scan_work_tree(&self, paths: &[String], result: &mut ScanResult) {
        if paths.is_empty() {
            return;
        }
        let shared = Mutex::new(std::mem::take(result));
        {
            let mut worker = Worker::new(self.config, &shared, self.list_skipped, self.progress);
            let read = crate::config::read_limits(self.config.archives.as_ref());
            for path in paths {
                let file = self.workdir.join(path);
                // A link is not followed (it may point out of the work tree): skipped, as a
                // folder scan skips it.
                if std::fs::symlink_metadata(&file).is_ok_and(|meta| meta.is_symlink()) {
                    worker.skipped(path, SkipReason::Symlink);
                } else {
                    source::read_one(&file, path, self.config.max_file_size, read, &mut worker);
                }
            }
        }
        *result = shared
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
    }

    /// The error for a path that is nowhere; a hook run from a subfolder may hand over paths
    /// relative to the root, which the message points out.
    fn missing(&self, shown: &str) -> SourceError {
        let hint = if self.workdir.join(shown).exists() {
            " (paths are taken from the current folder; this one exists from the repository's \
             root: run from there)"
        } else {
            ""
        };
        SourceError {
            path: shown.to_string(),
            message: format!("no such file in the work tree or the index{hint}"),
        }
    }
}

/// A file in the index with nothing staged and gone from the work tree: its indexed blob, whole.
fn scan_index_blob(
    config: &ScanConfig,
    reader: &BlobReader,
    path: &str,
    oid: git2::Oid,
    result: &mut ScanResult,
) {
    let blob = match reader.read(oid, config.max_file_size, config.archives.is_some()) {
        Ok(read) => match read.into_text() {
            Ok(blob) => blob,
            Err(reason) => return result.stats.add_skip(reason),
        },
        Err(err) => {
            return result.errors.push(SourceError {
                path: path.to_string(),
                message: format!("cannot read the indexed blob: {}", err.message()),
            })
        }
    };
    let content = Blob {
        path,
        bytes: blob.content(),
    };
    let mut found = BlobScanner::new(config).scan_whole(content, result);
    result.findings.append(&mut found);
}

/// Paths given on the command line (relative to the current folder), each as typed and
/// relative to the work tree's root, as the index names them. A path outside the work tree is
/// an error.
fn repo_relative(workdir: &Path, paths: &[PathBuf]) -> Result<Vec<(String, String)>, GitError> {
    let cwd = std::env::current_dir().unwrap_or_default();
    let cwd = cwd.canonicalize().unwrap_or(cwd);
    paths
        .iter()
        .map(|path| {
            let absolute = normalize(&cwd.join(path));
            let relative = absolute
                .strip_prefix(workdir)
                .map_err(|_| GitError::Repository {
                    action: format!("scan `{}` as staged", path.display()),
                    message: format!(
                        "it lies outside the work tree of the repository ({})",
                        workdir.display()
                    ),
                })?;
            let relative = relative
                .components()
                .map(|part| part.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            Ok((path.display().to_string(), relative))
        })
        .collect()
}

/// `path` with `.` and `..` resolved lexically (symbolic links are not followed, as git does
/// not follow them in pathspecs either).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::normalize;
    use std::path::Path;

    #[test]
    fn paths_are_normalized_lexically() {
        assert_eq!(
            normalize(Path::new("/r/a/../b/./c.env")),
            Path::new("/r/b/c.env")
        );
        assert_eq!(normalize(Path::new("/r/a/..")), Path::new("/r"));
    }
}
