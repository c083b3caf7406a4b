//! Scanning the staged index against HEAD: what a commit made now would add (the pre-commit
//! hook's scan).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use git2::Repository;

use super::{fingerprints_in, suppress_by_place, BlobScanner, ScanResult};
use crate::config::ScanConfig;
use crate::progress::Progress;
use crate::scan::Matcher;
use crate::source::git::{self, BlobReader, GitError};
use crate::source::{Blob, ReadOutcome, SkipReason, SourceError};

/// The staged index against HEAD: each staged blob's findings, less the secrets the file (at
/// its old path, for a rename) already held in HEAD.
pub(super) fn scan_staged(
    config: &ScanConfig,
    repo: Repository,
    paths: &[PathBuf],
    include: &dyn Fn(&str) -> bool,
    list_skipped: bool,
    progress: &Progress,
) -> Result<ScanResult, GitError> {
    let relative = repo_relative(&repo, paths)?;
    let changes = git::staged_changes(&repo, &relative, include)?;
    progress.set_total(changes.len() as u64);
    let reader = BlobReader::from_repository(repo);
    let mut scanner = BlobScanner::new(config);
    let mut matcher = Matcher::new(&config.rules);
    matcher.decode(config.decode);
    let mut result = ScanResult::default();
    let archives = config.archives.is_some();
    for change in changes {
        let staged = match reader.read(change.staged, config.max_file_size, archives) {
            Ok((ReadOutcome::Text, Some(blob))) => blob,
            Ok((reason, _)) => {
                let reason = if reason == ReadOutcome::Binary {
                    SkipReason::Binary
                } else {
                    SkipReason::TooLarge
                };
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
        result.stats.files_scanned += 1;
        result.stats.bytes_scanned += staged.size() as u64;
        let content = Blob {
            path: &change.path,
            bytes: staged.content(),
        };
        let mut found = scanner.scan_input(
            content,
            &mut result.stats,
            &mut result.explained,
            &mut result.warnings,
        );
        let explained = config.explain.then_some(&mut result.explained);
        suppress_by_place(&mut found, &config.suppressor, &mut result.stats, explained);
        progress.record(staged.size() as u64, found.len());
        if found.is_empty() {
            continue;
        }
        let before = match change
            .before
            .map(|oid| reader.read(oid, config.max_file_size, archives))
        {
            Some(Ok((ReadOutcome::Text, Some(blob)))) => fingerprints_in(
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
    super::sort_by_place(&mut result.findings);
    Ok(result)
}

/// Paths given on the command line (relative to the current folder), relative to the work
/// tree's root, as the index names them.
fn repo_relative(repo: &Repository, paths: &[PathBuf]) -> Result<Vec<String>, GitError> {
    if paths.is_empty() {
        return Ok(Vec::new());
    }
    let workdir = repo.workdir().ok_or_else(|| GitError::Repository {
        action: "scan staged files".into(),
        message: "a bare repository has no index to commit from".into(),
    })?;
    let workdir = workdir
        .canonicalize()
        .unwrap_or_else(|_| workdir.to_path_buf());
    let cwd = std::env::current_dir().unwrap_or_default();
    let cwd = cwd.canonicalize().unwrap_or(cwd);
    Ok(paths
        .iter()
        .map(|path| {
            let absolute = normalize(&cwd.join(path));
            let relative = absolute.strip_prefix(&workdir).unwrap_or(path);
            relative
                .components()
                .map(|part| part.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/")
        })
        .collect())
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
