//! Enumerating the blobs that a set of commits introduces, once each, oldest first.

use std::collections::HashMap;
use std::sync::Arc;

use git2::{Commit, Delta, DiffOptions, FileMode, Oid, Repository, Sort, Tree};

use super::{display_path, short, CommitInfo, GitError};
use crate::source::SourceError;

/// Which commits to take blobs from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// Every commit reachable from any ref: branches, tags, remote-tracking refs, the stash, and
    /// a detached HEAD.
    All,
    /// The history of one branch (or any revision).
    Branch(String),
    /// Commits reachable from `to` but not from `from` (`from..to`).
    Range {
        /// The revision before the range.
        from: String,
        /// The last revision of the range.
        to: String,
    },
}

/// A (commit, path) at which a blob was introduced. `commit` indexes [`Plan::commits`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Introduction {
    /// Index into [`Plan::commits`].
    pub commit: usize,
    /// The path in that commit's tree.
    pub path: String,
    /// For ranges: the path this file had just before the range, when commits of the range
    /// moved it here (followed through several moves and later edits).
    pub renamed_from: Option<String>,
}

/// A blob to scan: where it first appeared, and how many places introduced it in all.
#[derive(Debug, Clone)]
pub struct PlannedBlob {
    /// The blob's id.
    pub oid: Oid,
    /// The oldest commit and path that introduced it.
    pub first: Introduction,
    /// The number of (commit, path) places that introduced it, the first included.
    pub places: usize,
    /// Every later place, kept only when asked for (`--all-occurrences`).
    pub later: Vec<Introduction>,
}

/// What a history scan will read.
#[derive(Debug, Default)]
pub struct Plan {
    /// Commits that introduced at least one planned place, oldest first.
    pub commits: Vec<Arc<CommitInfo>>,
    /// Distinct blobs, in the order they were first introduced.
    pub blobs: Vec<PlannedBlob>,
    /// For a range: the tree just before it (the merge base of its two ends).
    pub base_tree: Option<Oid>,
    /// The repository is a shallow clone: history before its boundary is not there.
    pub shallow: bool,
    /// Submodule entries seen (not followed).
    pub submodules: u64,
    /// Symbolic-link entries seen (their content is a path, not scanned).
    pub symlinks: u64,
    /// Commits walked.
    pub commits_walked: u64,
    /// Objects that could not be read; the enumeration went on without them.
    pub errors: Vec<SourceError>,
}

/// Walks the commits of `selection` once, oldest first, and plans every distinct blob they
/// introduce at a path for which `include` is true. `keep_later_places` keeps every place a
/// blob was introduced, not only the count. For a range, renames are detected, so that a file
/// moved inside the range can be compared with its old path before the range.
pub fn enumerate(
    repo: &Repository,
    selection: &Selection,
    keep_later_places: bool,
    include: &dyn Fn(&str) -> bool,
) -> Result<Plan, GitError> {
    let mut plan = Plan {
        shallow: repo.is_shallow(),
        ..Plan::default()
    };
    let mut walk = repo
        .revwalk()
        .and_then(|mut walk| {
            walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)?;
            Ok(walk)
        })
        .map_err(|err| GitError::repository("walk the history", &err))?;
    match selection {
        Selection::All => push_every_ref(repo, &mut walk, &mut plan.errors)?,
        Selection::Branch(name) => {
            let tip = resolve_commit(repo, name)?;
            walk.push(tip.id())
                .map_err(|err| GitError::repository("walk the branch", &err))?;
        }
        Selection::Range { from, to } => {
            let (from, to) = (resolve_commit(repo, from)?, resolve_commit(repo, to)?);
            walk.push(to.id())
                .map_err(|err| GitError::repository("walk the range", &err))?;
            walk.hide(from.id())
                .map_err(|err| GitError::repository("walk the range", &err))?;
            let base = match repo.merge_base(from.id(), to.id()) {
                Ok(base) => repo.find_commit(base).ok(),
                Err(_) => Some(from),
            };
            plan.base_tree = base
                .and_then(|commit| commit.tree().ok())
                .map(|tree| tree.id());
        }
    }
    let mut planner = Planner {
        repo,
        plan,
        index_of: HashMap::new(),
        keep_later_places,
        detect_renames: matches!(selection, Selection::Range { .. }),
        moved_from: HashMap::new(),
        include,
    };
    for step in walk {
        planner.plan.commits_walked += 1;
        match step.and_then(|oid| repo.find_commit(oid)) {
            Ok(commit) => planner.add_commit(&commit),
            Err(err) => planner.plan.errors.push(SourceError {
                path: "(history)".into(),
                message: format!("cannot read a commit: {}", err.message()),
            }),
        }
    }
    Ok(planner.plan)
}

fn push_every_ref(
    repo: &Repository,
    walk: &mut git2::Revwalk<'_>,
    errors: &mut Vec<SourceError>,
) -> Result<(), GitError> {
    let references = repo
        .references()
        .map_err(|err| GitError::repository("list the refs", &err))?;
    for reference in references {
        let reference = match reference {
            Ok(reference) => reference,
            Err(err) => {
                errors.push(SourceError {
                    path: "(refs)".into(),
                    message: format!("cannot read a ref: {}", err.message()),
                });
                continue;
            }
        };
        let name = String::from_utf8_lossy(reference.name_bytes()).into_owned();
        match reference.peel(git2::ObjectType::Any) {
            // A ref to a tree or blob (rare: `git tag v blob-id`) has no history to walk.
            Ok(object) => {
                if let Ok(commit) = object.peel_to_commit() {
                    if let Err(err) = walk.push(commit.id()) {
                        errors.push(SourceError {
                            path: name,
                            message: format!("cannot walk: {}", err.message()),
                        });
                    }
                }
            }
            Err(err) => errors.push(SourceError {
                path: name,
                message: format!("cannot resolve: {}", err.message()),
            }),
        }
    }
    // A detached HEAD is reachable from no ref.
    if let Ok(head) = repo.head().and_then(|head| head.peel_to_commit()) {
        let _ = walk.push(head.id());
    }
    Ok(())
}

/// The commit a revision (`main`, `v1.2`, `HEAD~3`, an id) names.
pub(super) fn resolve_commit<'r>(
    repo: &'r Repository,
    revision: &str,
) -> Result<Commit<'r>, GitError> {
    repo.revparse_single(revision)
        .and_then(|object| object.peel_to_commit())
        .map_err(|err| GitError::BadRevision {
            revision: revision.to_string(),
            message: err.message().to_string(),
        })
}

struct Planner<'a> {
    repo: &'a Repository,
    plan: Plan,
    index_of: HashMap<Oid, usize>,
    keep_later_places: bool,
    detect_renames: bool,
    /// For ranges: each path a range commit moved a file to, and that file's path before the
    /// range.
    moved_from: HashMap<String, String>,
    include: &'a dyn Fn(&str) -> bool,
}

impl Planner<'_> {
    /// Plans what `commit` introduces relative to its first parent.
    fn add_commit(&mut self, commit: &Commit<'_>) {
        let tree = match commit.tree() {
            Ok(tree) => tree,
            Err(err) => return self.object_error(commit, "tree", &err),
        };
        // A missing parent (a shallow clone's boundary) makes the commit a root: everything in
        // it counts as introduced there.
        let parent_tree: Option<Tree<'_>> =
            commit.parent(0).ok().and_then(|parent| parent.tree().ok());
        let mut options = DiffOptions::new();
        options.skip_binary_check(true).include_typechange(true);
        let mut diff =
            match self
                .repo
                .diff_tree_to_tree(parent_tree.as_ref(), Some(&tree), Some(&mut options))
            {
                Ok(diff) => diff,
                Err(err) => return self.object_error(commit, "changes", &err),
            };
        if self.detect_renames {
            let mut find = git2::DiffFindOptions::new();
            find.renames(true);
            if let Err(err) = diff.find_similar(Some(&mut find)) {
                return self.object_error(commit, "renames", &err);
            }
        }
        let is_merge = commit.parent_count() > 1;
        let mut commit_index = None;
        for delta in diff.deltas() {
            if !matches!(
                delta.status(),
                Delta::Added | Delta::Modified | Delta::Renamed | Delta::Copied | Delta::Typechange
            ) {
                continue;
            }
            let file = delta.new_file();
            match file.mode() {
                FileMode::Blob | FileMode::BlobExecutable | FileMode::BlobGroupWritable => {}
                FileMode::Commit => {
                    self.plan.submodules += 1;
                    continue;
                }
                FileMode::Link => {
                    self.plan.symlinks += 1;
                    continue;
                }
                _ => continue,
            }
            let Some(path) = file.path_bytes().map(display_path) else {
                continue;
            };
            if self.detect_renames && delta.status() == Delta::Renamed {
                if let Some(old) = delta.old_file().path_bytes().map(display_path) {
                    let origin = self.moved_from.get(&old).cloned().unwrap_or(old);
                    self.moved_from.insert(path.clone(), origin);
                }
            }
            if !(self.include)(&path) {
                continue;
            }
            let seen = self.index_of.get(&file.id()).copied();
            // A merge brings in blobs its other parents already introduced: not new places.
            if seen.is_some() && is_merge {
                continue;
            }
            let index = *commit_index.get_or_insert_with(|| {
                self.plan.commits.push(Arc::new(CommitInfo::of(commit)));
                self.plan.commits.len() - 1
            });
            let renamed_from = self.moved_from.get(&path).cloned();
            let place = Introduction {
                commit: index,
                path,
                renamed_from,
            };
            match seen {
                Some(blob) => {
                    let blob = &mut self.plan.blobs[blob];
                    blob.places += 1;
                    if self.keep_later_places {
                        blob.later.push(place);
                    }
                }
                None => {
                    self.index_of.insert(file.id(), self.plan.blobs.len());
                    self.plan.blobs.push(PlannedBlob {
                        oid: file.id(),
                        first: place,
                        places: 1,
                        later: Vec::new(),
                    });
                }
            }
        }
    }

    fn object_error(&mut self, commit: &Commit<'_>, what: &str, err: &git2::Error) {
        self.plan.errors.push(SourceError {
            path: format!("commit {}", short(commit.id())),
            message: format!("cannot read its {what}: {}", err.message()),
        });
    }
}
