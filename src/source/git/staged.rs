//! The staged index against HEAD: what a commit made now would add.

use git2::{Delta, DiffFindOptions, DiffOptions, FileMode, Oid, Repository};

use super::{display_path, GitError};

/// A staged file whose content differs from HEAD's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StagedChange {
    /// Its path in the index.
    pub path: String,
    /// The staged blob.
    pub staged: Oid,
    /// The blob it replaces in HEAD (at its old path, for a rename), if any.
    pub before: Option<Oid>,
}

/// The staged changes, limited to `paths` (relative to the work tree's root; all if empty) and to
/// paths for which `include` is true. Renames are detected, so a moved file adds nothing.
pub fn staged_changes(
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
    options
        .skip_binary_check(true)
        .include_typechange(true)
        .disable_pathspec_match(true);
    for path in paths {
        options.pathspec(path);
    }
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
        if !include(&path) {
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
