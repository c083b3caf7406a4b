//! The staged index against HEAD: what a commit made now would add, and what becomes of the
//! paths a hook hands over that have nothing staged.

use std::collections::HashSet;
use std::path::Path;

use git2::{Delta, DiffFindOptions, DiffOptions, FileMode, Oid, Repository};

use super::{display_path, GitError};

/// A staged file whose content differs from HEAD's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StagedChange {
    /// Its path in the index.
    pub path: String,
    /// The staged blob.
    pub staged: Oid,
    /// The blob it replaces in HEAD (at its old path, for a rename), if any.
    pub before: Option<Oid>,
}

/// The staged changes, limited to `paths` (files or folders relative to the work tree's root;
/// all if empty) and to paths for which `include` is true. Renames are detected over the whole
/// index before the paths are applied, so a moved file adds nothing even when only its new path
/// is given.
pub(crate) fn staged_changes(
    repo: &Repository,
    paths: &[String],
    include: &dyn Fn(&str) -> bool,
) -> Result<Vec<StagedChange>, GitError> {
    let head_tree = match repo.head() {
        Ok(head) => Some(
            head.peel_to_tree()
                .map_err(|err| GitError::repository("read HEAD's tree", &err))?,
        ),
        // An unborn branch (no commit yet): everything staged is new.
        Err(err)
            if err.code() == git2::ErrorCode::UnbornBranch
                || err.code() == git2::ErrorCode::NotFound =>
        {
            None
        }
        Err(err) => return Err(GitError::repository("read HEAD", &err)),
    };
    let index = repo
        .index()
        .map_err(|err| GitError::repository("read the index", &err))?;
    let mut options = DiffOptions::new();
    options.skip_binary_check(true).include_typechange(true);
    let mut diff = repo
        .diff_tree_to_index(head_tree.as_ref(), Some(&index), Some(&mut options))
        .map_err(|err| GitError::repository("compare the index with HEAD", &err))?;
    diff.find_similar(Some(DiffFindOptions::new().renames(true).copies(false)))
        .map_err(|err| GitError::repository("detect renames", &err))?;
    let mut changes = Vec::new();
    for delta in diff.deltas() {
        let status = delta.status();
        if !matches!(
            status,
            Delta::Added | Delta::Modified | Delta::Renamed | Delta::Copied | Delta::Typechange
        ) {
            continue;
        }
        let file = delta.new_file();
        if !matches!(
            file.mode(),
            FileMode::Blob | FileMode::BlobExecutable | FileMode::BlobGroupWritable
        ) {
            continue;
        }
        let Some(path) = file.path_bytes().map(display_path) else {
            continue;
        };
        if !include(&path) || !is_listed(&path, paths) {
            continue;
        }
        let old = delta.old_file();
        let before =
            (status != Delta::Added && old.exists() && !old.id().is_zero()).then(|| old.id());
        changes.push(StagedChange {
            path,
            staged: file.id(),
            before,
        });
    }
    Ok(changes)
}

/// A path handed to the staged scan (`sprawl git --staged -- PATH`) under which no staged change
/// lies, and what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Unstaged {
    /// A file in the work tree (untracked, or tracked with nothing staged, as `pre-commit run
    /// --all-files` hands every file over): scanned whole from the work tree.
    WorkTree,
    /// In the index with nothing staged, but gone from the work tree: its staged blob is what a
    /// commit would hold, scanned whole.
    Index(Oid),
    /// Staged for deletion: nothing to scan.
    Deleted,
    /// A folder with no staged change under it.
    Folder,
    /// Neither in the work tree, nor in the index, nor in HEAD.
    Missing,
}

/// What each of `paths` (relative to the work tree's root `workdir`, as the index names them)
/// that no staged change in `changes` lies under is, in the order given.
pub(crate) fn unstaged_paths(
    repo: &Repository,
    workdir: &Path,
    paths: &[String],
    changes: &[StagedChange],
) -> Result<Vec<(String, Unstaged)>, GitError> {
    let index = repo
        .index()
        .map_err(|err| GitError::repository("read the index", &err))?;
    let head = repo.head().ok().and_then(|head| head.peel_to_tree().ok());
    let staged: HashSet<&str> = changes.iter().map(|change| change.path.as_str()).collect();
    let mut unstaged = Vec::new();
    for path in paths {
        if staged.contains(path.as_str()) {
            continue;
        }
        let on_disk = std::fs::symlink_metadata(workdir.join(path)).ok();
        let is_folder = on_disk.as_ref().is_some_and(|meta| meta.is_dir()) || path.is_empty();
        if is_folder {
            let listed = std::slice::from_ref(path);
            if !changes.iter().any(|change| is_listed(&change.path, listed)) {
                unstaged.push((path.clone(), Unstaged::Folder));
            }
            continue;
        }
        let what = if on_disk.is_some() {
            Unstaged::WorkTree
        } else if let Some(entry) = index.get_path(Path::new(path), 0) {
            Unstaged::Index(entry.id)
        } else if head
            .as_ref()
            .is_some_and(|tree| tree.get_path(Path::new(path)).is_ok())
        {
            Unstaged::Deleted
        } else {
            Unstaged::Missing
        };
        unstaged.push((path.clone(), what));
    }
    Ok(unstaged)
}

/// Whether `path` is one of `paths` or lies in one of them (all paths are listed when there
/// are none).
fn is_listed(path: &str, paths: &[String]) -> bool {
    paths.is_empty()
        || paths.iter().any(|listed| {
            let listed = listed.trim_end_matches('/');
            listed.is_empty()
                || path == listed
                || path
                    .strip_prefix(listed)
                    .is_some_and(|rest| rest.starts_with('/'))
        })
}

#[cfg(test)]
mod tests {
    use super::is_listed;

    #[test]
    fn listed_paths_are_files_or_folders() {
        let paths = vec!["a/b.env".to_string(), "conf/".to_string(), "x".to_string()];
        assert!(is_listed("a/b.env", &paths));
        assert!(is_listed("conf/prod.env", &paths));
        assert!(is_listed("x/y/z", &paths));
        assert!(!is_listed("a/b.envx", &paths));
        assert!(!is_listed("confx/prod.env", &paths));
        assert!(!is_listed("xy", &paths));
        assert!(is_listed("anything", &[]));
        assert!(is_listed("anything", &[String::new()]));
    }
}
