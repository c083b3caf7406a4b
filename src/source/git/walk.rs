//! The history walk: which blobs a set of commits introduces, and where each was first
//! introduced.
//!
//! Commits are taken oldest first (parents before children; among commits ready at the same
//! time, the older author date first). Each commit's tree is compared with its first parent's,
//! entry by entry in git's sorted order, going down only into folders whose tree ids differ: an
//! entry whose id differs from the parent's (or that the parent lacks) is an *introduction* of
//! that blob at that path. The first introduction of a blob is its place in the report; later
//! ones are counted (or kept, when asked).
//!
//! What makes this cheap on long histories is that a tree already walked is never walked again
//! for new blobs: every blob under a tree that was fully walked has been seen, so a merge, which
//! brings in only what its other parents introduced, skips such trees whole, and the work is
//! the number of distinct trees, not commits times folder sizes. A tree counts as fully walked
//! only if every blob under it was recorded (none was left out by the path filters, and its
//! parent's version was itself fully walked), so a folder first seen under an excluded path is
//! walked again where it is included.
//!
//! What a walk keeps grows with the number of distinct blobs and trees (their ids), not with
//! the length of history: paths are interned once, commits are numbered, and later
//! introductions are only counted unless the caller needs them listed.

use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, HashMap, HashSet};

use std::sync::Arc;

use git2::{Commit, ObjectType, Oid, Repository, Sort};

use super::ids::{self, IdMap, IdSet, RawId};
use super::object::{commit_fields, tree_entries, TreeEntry};
use super::pack::{ObjectKind, Objects, Pack};
use super::{display_path, short, GitError};
use crate::source::SourceError;

/// Which commits to take blobs from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// Every commit reachable from any ref: branches, tags, remote-tracking refs, the stash, and
    /// a detached HEAD; and blobs and trees that a tag points at directly.
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

/// A commit of the walk, or a ref that points at a tree or blob directly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum WalkedCommit {
    /// A commit, by id.
    Commit(Oid),
    /// A ref (a tag, most often) that points at a tree or blob rather than a commit: its name,
    /// and the id of the tag object (or of the target, for a lightweight ref).
    Ref {
        /// The ref's full name (`refs/tags/v1`).
        name: String,
        /// The annotated tag's id, or the target's.
        id: Oid,
    },
}

/// One place a blob was introduced: a commit (an index into [`History::commits`]) and a path
/// (an index into [`History::paths`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Place {
    /// Index into [`History::commits`].
    pub commit: u32,
    /// Index into [`History::paths`].
    pub path: u32,
    /// For ranges: the path (index) the file had just before the range, when commits of the
    /// range moved it here.
    pub renamed_from: Option<u32>,
}

/// A blob the walk found, at its first place.
#[derive(Debug, Clone, Copy)]
pub struct WalkedBlob {
    /// The blob's id.
    pub oid: Oid,
    /// The oldest place that introduced it.
    pub(crate) first: Place,
    /// How many places introduced it, the first included.
    pub(crate) places: u32,
}

/// What a walk found.
#[derive(Debug, Default)]
pub struct History {
    /// Commits in walk order, oldest first; refs to trees and blobs after them.
    pub(crate) commits: Vec<WalkedCommit>,
    /// Interned paths.
    pub(crate) paths: Vec<String>,
    /// Every blob introduced at an included path, in the order first introduced.
    pub blobs: Vec<WalkedBlob>,
    /// Each blob's index in `blobs`, by id.
    pub(crate) index_of: IdMap<u32>,
    /// Every later place of each blob (index into `blobs`), when asked for.
    pub(crate) later: Vec<(u32, Place)>,
    /// For a range: the tree just before it (the merge base of its two ends).
    pub(crate) base_tree: Option<Oid>,
    /// The repository is a shallow clone: history before its boundary is not there.
    pub(crate) shallow: bool,
    /// Submodule entries introduced (not followed).
    pub(crate) submodules: u64,
    /// Symbolic links introduced (their content is a path, not scanned).
    pub(crate) symlinks: u64,
    /// Commits walked.
    pub(crate) commits_walked: u64,
    /// Objects that could not be read; the walk went on without them.
    pub(crate) errors: Vec<SourceError>,
}

impl History {
    /// The path at index `path`.
    pub(crate) fn path(&self, path: u32) -> &str {
        &self.paths[path as usize]
    }

    /// The path blob `blob` (an index into `blobs`) was first introduced at.
    pub(crate) fn first_path(&self, blob: u32) -> &str {
        self.path(self.blobs[blob as usize].first.path)
    }
}

/// A commit as the walk reads it, for [`WalkOptions::on_commit`].
pub struct CommitRead<'a> {
    /// Its id.
    pub(crate) id: Oid,
    /// Its message, as stored.
    pub(crate) message: &'a [u8],
}

/// How a walk runs.
pub struct WalkOptions<'a> {
    /// Keep every later place, not only the count.
    pub keep_later_places: bool,
    /// Whether a blob at this path is recorded at all.
    pub include: &'a dyn Fn(&str) -> bool,
    /// Called with each commit as it is read (before the walk order is known), to scan its
    /// message.
    pub on_commit: &'a mut dyn FnMut(&CommitRead<'_>),
}

/// Walks the commits of `selection` and records every blob they introduce.
pub fn walk(
    repo: &Repository,
    selection: &Selection,
    options: WalkOptions<'_>,
) -> Result<History, GitError> {
    let (packs, _) = Pack::open_all(&repo.path().join("objects"));
    walk_in(repo, &packs, selection, options)
}

/// [`walk`], reading commits and trees from `packs` (the repository's, [`Pack::open_all`]), and
/// through libgit2 what the packs do not hold.
pub(crate) fn walk_in(
    repo: &Repository,
    packs: &[Pack],
    selection: &Selection,
    options: WalkOptions<'_>,
) -> Result<History, GitError> {
    let mut history = History {
        shallow: repo.is_shallow(),
        ..History::default()
    };
    let mut objects = Objects::new(packs, repo);
    let mut extra_roots = Vec::new();
    let order = match selection {
        Selection::All => {
            let tips = every_tip(repo, &mut history.errors, &mut extra_roots)?;
            commit_order(
                &mut objects,
                repo.is_shallow(),
                &tips,
                &mut history.errors,
                options.on_commit,
            )
        }
        Selection::Branch(name) => {
            let tip = resolve_commit(repo, name)?.id();
            commit_order(
                &mut objects,
                repo.is_shallow(),
                &[tip],
                &mut history.errors,
                options.on_commit,
            )
        }
        Selection::Range { from, to } => {
            let (from, to) = (resolve_commit(repo, from)?, resolve_commit(repo, to)?);
            history.base_tree = match repo.merge_base(from.id(), to.id()) {
                Ok(base) => repo.find_commit(base).ok(),
                Err(_) => Some(from.clone()),
            }
            .and_then(|commit| commit.tree().ok())
            .map(|tree| tree.id());
            range_order(
                repo,
                &mut objects,
                from.id(),
                to.id(),
                &mut history.errors,
                options.on_commit,
            )?
        }
    };
    let mut walker = Walker {
        repo,
        objects,
        history,
        seen_trees: IdSet::default(),
        trees: TreeCache::default(),
        path_ids: HashMap::new(),
        path: Vec::new(),
        keep_later_places: options.keep_later_places,
        include: options.include,
        detect_renames: matches!(selection, Selection::Range { .. }),
        moved_from: HashMap::new(),
    };
    for node in &order {
        walker.history.commits_walked += 1;
        let commit = walker.history.commits.len() as u32;
        walker.history.commits.push(WalkedCommit::Commit(node.oid));
        if walker.detect_renames {
            walker.follow_renames(node.parent_tree, node.tree);
        }
        walker.diff(
            node.parent_tree.map(ids::raw),
            ids::raw(node.tree),
            commit,
            node.merge,
        );
    }
    for (name, id, target, kind) in extra_roots {
        let commit = walker.history.commits.len() as u32;
        walker.history.commits.push(WalkedCommit::Ref {
            name: name.clone(),
            id,
        });
        match kind {
            ObjectType::Tree => {
                walker.diff(None, ids::raw(target), commit, false);
            }
            _ => {
                let path = walker.intern(name.as_bytes());
                walker.record(&ids::raw(target), path, commit, false);
            }
        }
    }
    Ok(walker.history)
}

/// Checks that the revisions `selection` names resolve to commits.
pub(crate) fn check_selection(repo: &Repository, selection: &Selection) -> Result<(), GitError> {
    match selection {
        Selection::All => Ok(()),
        Selection::Branch(name) => resolve_commit(repo, name).map(drop),
        Selection::Range { from, to } => {
            resolve_commit(repo, from)?;
            resolve_commit(repo, to).map(drop)
        }
    }
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

/// A commit of the walk: its id, its tree, its first parent's tree (none for a root, or when
/// the parent cannot be read), and whether it is a merge.
struct Node {
    oid: Oid,
    tree: Oid,
    parent_tree: Option<Oid>,
    merge: bool,
}

/// The commits every ref points at (and HEAD); refs to trees and blobs go to `extra`.
fn every_tip(
    repo: &Repository,
    errors: &mut Vec<SourceError>,
    extra: &mut Vec<(String, Oid, Oid, ObjectType)>,
) -> Result<Vec<Oid>, GitError> {
    let references = repo
        .references()
        .map_err(|err| GitError::repository("list the refs", &err))?;
    let mut tips = Vec::new();
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
        let target = match reference.peel(ObjectType::Any) {
            Ok(object) => object,
            Err(err) => {
                errors.push(SourceError {
                    path: name,
                    message: format!("cannot resolve: {}", err.message()),
                });
                continue;
            }
        };
        match target.kind() {
            Some(ObjectType::Commit) => tips.push(target.id()),
            Some(kind @ (ObjectType::Tree | ObjectType::Blob)) => {
                // The tag object itself, when there is one, says who tagged it.
                let id = reference.target().unwrap_or(target.id());
                extra.push((name, id, target.id(), kind));
            }
            _ => {}
        }
    }
    // A detached HEAD is reachable from no ref.
    if let Ok(head) = repo.head().and_then(|head| head.peel_to_commit()) {
        tips.push(head.id());
    }
    tips.sort();
    tips.dedup();
    extra.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(tips)
}

/// A commit read by the walk: its tree, parents and committer time, its message given to
/// `on_commit`; `None` (with an error, unless it is a shallow clone's boundary) if it cannot be
/// read.
fn read_commit(
    objects: &mut Objects<'_>,
    shallow: bool,
    oid: Oid,
    errors: &mut Vec<SourceError>,
    on_commit: &mut dyn FnMut(&CommitRead<'_>),
) -> Option<(Oid, Vec<Oid>, i64)> {
    let problem = match objects.read(&ids::raw(oid)) {
        Ok((ObjectKind::Commit, data)) => match commit_fields(&data) {
            Some(fields) => {
                on_commit(&CommitRead {
                    id: oid,
                    message: fields.message,
                });
                return Some((fields.tree, fields.parents, fields.time));
            }
            None => "it is not a well-formed commit".to_string(),
        },
        Ok(_) => "it is not a commit".to_string(),
        // A shallow clone's boundary parents are simply absent: not an error.
        Err(err) if err.code() == git2::ErrorCode::NotFound && shallow => return None,
        Err(err) => format!("cannot read it: {}", err.message()),
    };
    errors.push(SourceError {
        path: format!("commit {}", short(oid)),
        message: problem,
    });
    None
}

/// Every commit reachable from `tips`, parents before children, the older first among commits
/// whose parents are all placed. A commit that cannot be read is reported and left out; its
/// children are walked as if it were not there.
fn commit_order(
    objects: &mut Objects<'_>,
    shallow: bool,
    tips: &[Oid],
    errors: &mut Vec<SourceError>,
    on_commit: &mut dyn FnMut(&CommitRead<'_>),
) -> Vec<Node> {
    // Each commit read: id, tree, parents, date.
    let mut nodes: Vec<(Oid, Oid, Vec<Oid>, i64)> = Vec::new();
    let mut index_of: HashMap<Oid, usize> = HashMap::new();
    let mut failed: HashSet<Oid> = HashSet::new();
    let mut pending: Vec<Oid> = tips.to_vec();
    while let Some(oid) = pending.pop() {
        if index_of.contains_key(&oid) || failed.contains(&oid) {
            continue;
        }
        let Some((tree, parents, time)) = read_commit(objects, shallow, oid, errors, on_commit)
        else {
            failed.insert(oid);
            continue;
        };
        pending.extend(parents.iter().copied());
        index_of.insert(oid, nodes.len());
        nodes.push((oid, tree, parents, time));
    }
    // Kahn's algorithm: a commit is ready once all its walked parents are placed.
    let mut waiting: Vec<u32> = vec![0; nodes.len()];
    let mut children: Vec<Vec<u32>> = vec![Vec::new(); nodes.len()];
    for (at, (_, _, parents, _)) in nodes.iter().enumerate() {
        let mut walked: Vec<usize> = parents
            .iter()
            .filter_map(|p| index_of.get(p).copied())
            .collect();
        walked.sort_unstable();
        walked.dedup();
        waiting[at] = walked.len() as u32;
        for parent in walked {
            children[parent].push(at as u32);
        }
    }
    let mut ready: BinaryHeap<Reverse<(i64, Oid, usize)>> = BinaryHeap::new();
    for (at, &count) in waiting.iter().enumerate() {
        if count == 0 {
            ready.push(Reverse((nodes[at].3, nodes[at].0, at)));
        }
    }
    let mut order = Vec::with_capacity(nodes.len());
    while let Some(Reverse((_, _, at))) = ready.pop() {
        order.push(at);
        for &child in &children[at] {
            let child = child as usize;
            waiting[child] -= 1;
            if waiting[child] == 0 {
                ready.push(Reverse((nodes[child].3, nodes[child].0, child)));
            }
        }
    }
    order
        .into_iter()
        .map(|at| {
            let (oid, tree, parents, _) = &nodes[at];
            Node {
                oid: *oid,
                tree: *tree,
                parent_tree: parents
                    .first()
                    .and_then(|parent| index_of.get(parent))
                    .map(|&parent| nodes[parent].1),
                merge: parents.len() > 1,
            }
        })
        .collect()
}

/// The commits of `from..to`, oldest first, as libgit2's walk orders them (it stops early once
/// only commits reachable from `from` are left, which a range of a long history needs).
fn range_order(
    repo: &Repository,
    objects: &mut Objects<'_>,
    from: Oid,
    to: Oid,
    errors: &mut Vec<SourceError>,
    on_commit: &mut dyn FnMut(&CommitRead<'_>),
) -> Result<Vec<Node>, GitError> {
    let walk = repo
        .revwalk()
        .and_then(|mut walk| {
            walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)?;
            walk.push(to)?;
            walk.hide(from)?;
            Ok(walk)
        })
        .map_err(|err| GitError::repository("walk the range", &err))?;
    let mut nodes: Vec<Node> = Vec::new();
    let mut tree_of: HashMap<Oid, Oid> = HashMap::new();
    for step in walk {
        let oid = match step {
            Ok(oid) => oid,
            Err(err) => {
                errors.push(SourceError {
                    path: "(history)".into(),
                    message: format!("cannot walk on: {}", err.message()),
                });
                continue;
            }
        };
        let Some((tree, parents, _)) =
            read_commit(objects, repo.is_shallow(), oid, errors, on_commit)
        else {
            continue;
        };
        // A first parent before the range is read for its tree.
        let parent_tree = parents.first().and_then(|&parent| {
            tree_of
                .get(&parent)
                .copied()
                .or_else(|| repo.find_commit(parent).ok().map(|parent| parent.tree_id()))
        });
        tree_of.insert(oid, tree);
        nodes.push(Node {
            oid,
            tree,
            parent_tree,
            merge: parents.len() > 1,
        });
    }
    Ok(nodes)
}

/// A few recently read trees: a commit's parent's trees are usually the ones just read.
#[derive(Default)]
struct TreeCache {
    slots: Vec<(RawId, Arc<[u8]>)>,
    next: usize,
}

impl TreeCache {
    const SLOTS: usize = 64;

    fn get(&mut self, objects: &mut Objects<'_>, id: &RawId) -> Result<Arc<[u8]>, git2::Error> {
        if let Some((_, tree)) = self.slots.iter().find(|(slot, _)| slot == id) {
            return Ok(Arc::clone(tree));
        }
        let (kind, tree) = objects.read(id)?;
        if kind != ObjectKind::Tree {
            return Err(git2::Error::from_str("it is not a tree"));
        }
        if self.slots.len() < Self::SLOTS {
            self.slots.push((*id, Arc::clone(&tree)));
        } else {
            self.slots[self.next] = (*id, Arc::clone(&tree));
            self.next = (self.next + 1) % Self::SLOTS;
        }
        Ok(tree)
    }
}

struct Walker<'a, 'r> {
    repo: &'r Repository,
    objects: Objects<'r>,
    history: History,
    /// Trees every blob under which has been recorded.
    seen_trees: IdSet,
    trees: TreeCache,
    path_ids: HashMap<Box<[u8]>, u32>,
    /// The folder being walked, as bytes.
    path: Vec<u8>,
    keep_later_places: bool,
    include: &'a dyn Fn(&str) -> bool,
    detect_renames: bool,
    /// For ranges: each path a range commit moved a file to, and that file's path before the
    /// range.
    moved_from: HashMap<u32, u32>,
}

/// The kinds of tree entries the walk tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EntryKind {
    Tree,
    Blob,
    Link,
    Submodule,
    Other,
}

fn kind_of(mode: u32) -> EntryKind {
    match mode {
        0o040000 => EntryKind::Tree,
        0o100644 | 0o100755 | 0o100664 => EntryKind::Blob,
        0o120000 => EntryKind::Link,
        0o160000 => EntryKind::Submodule,
        _ => EntryKind::Other,
    }
}

/// git's order of tree entries: by name, a folder's name compared as if it ended in `/`.
fn entry_order(a: &[u8], a_tree: bool, b: &[u8], b_tree: bool) -> Ordering {
    let common = a.len().min(b.len());
    match a[..common].cmp(&b[..common]) {
        Ordering::Equal => {}
        other => return other,
    }
    let next = |name: &[u8], tree: bool| {
        name.get(common)
            .copied()
            .unwrap_or(if tree { b'/' } else { 0 })
    };
    next(a, a_tree).cmp(&next(b, b_tree))
}

impl<'r> Walker<'_, 'r> {
    /// Compares tree `new` (at the current path) with `old`, recording what `new` introduces.
    /// Returns whether every blob under `new` is now recorded.
    fn diff(&mut self, old: Option<RawId>, new: RawId, commit: u32, merge: bool) -> bool {
        if old == Some(new) {
            return self.seen_trees.contains(&new);
        }
        let seen = self.seen_trees.contains(&new);
        if seen && merge {
            // A merge brings in what its other parents introduced: nothing new.
            return true;
        }
        let new_tree = match self.trees.get(&mut self.objects, &new) {
            Ok(tree) => tree,
            Err(err) => {
                self.object_error(&new, "tree", &err);
                return false;
            }
        };
        let old_tree = old.and_then(|old| match self.trees.get(&mut self.objects, &old) {
            Ok(tree) => Some(tree),
            Err(err) => {
                self.object_error(&old, "tree", &err);
                None
            }
        });
        let mut complete =
            old.is_none_or(|old| old_tree.is_some() && self.seen_trees.contains(&old));
        // Both trees list their entries in the same order. Where they start with the same bytes,
        // the entries are the same and only need stepping over in the new tree (the old one is
        // read from where they part); where they end with the same bytes, the entries from a
        // place both trees have an entry start at, as far from their ends, are the same too.
        let old_bytes = old_tree.as_deref().unwrap_or_default();
        let same_start = common_prefix(old_bytes, &new_tree);
        let same_end = common_suffix(old_bytes, &new_tree);
        let (new_len, old_len) = (new_tree.len(), old_bytes.len());
        let mut parted_at = 0;
        let mut before_entries = None;
        for entry in tree_entries(&new_tree) {
            let Ok(entry) = entry else {
                self.history.errors.push(SourceError {
                    path: format!("tree {}", hex(&new)),
                    message: "it is not a well-formed tree: the rest of it was not read".into(),
                });
                return false;
            };
            // Where this entry ends in the new tree's bytes.
            let end = end_in(&new_tree, entry.id);
            if end <= same_start {
                parted_at = end;
                continue;
            }
            let before_entries = before_entries.get_or_insert_with(|| {
                tree_entries(&old_bytes[parted_at..])
                    .filter_map(Result::ok)
                    .peekable()
            });
            let kind = kind_of(entry.mode);
            // The parent's entry of the same name, if any.
            let mut before: Option<(&RawId, EntryKind)> = None;
            while let Some(old_entry) = before_entries.peek() {
                let old_kind = kind_of(old_entry.mode);
                match entry_order(
                    old_entry.name,
                    old_kind == EntryKind::Tree,
                    entry.name,
                    kind == EntryKind::Tree,
                ) {
                    Ordering::Less => {
                        before_entries.next();
                    }
                    Ordering::Equal => {
                        before = Some((old_entry.id, old_kind));
                        before_entries.next();
                        break;
                    }
                    Ordering::Greater => break,
                }
            }
            if let Some((old_id, old_kind)) = before {
                if (old_id, old_kind) == (entry.id, kind) {
                    let left = new_len - end;
                    if left <= same_end && old_len - end_in(old_bytes, old_id) == left {
                        break;
                    }
                    continue;
                }
            }
            complete &= self.introduce(
                entry,
                kind,
                before.map(|(id, kind)| (*id, kind)),
                commit,
                merge,
            );
        }
        if complete {
            self.seen_trees.insert(new);
        }
        complete
    }

    /// Records what tree entry `entry` (which differs from the parent's `before`) introduces;
    /// whether every blob under it is now recorded.
    fn introduce(
        &mut self,
        entry: TreeEntry<'_>,
        kind: EntryKind,
        before: Option<(RawId, EntryKind)>,
        commit: u32,
        merge: bool,
    ) -> bool {
        let mark = self.path.len();
        if !self.path.is_empty() {
            self.path.push(b'/');
        }
        self.path.extend_from_slice(entry.name);
        let complete = match kind {
            EntryKind::Tree => {
                let old = before.and_then(|(id, kind)| (kind == EntryKind::Tree).then_some(id));
                self.diff(old, *entry.id, commit, merge)
            }
            EntryKind::Blob => {
                let path = std::mem::take(&mut self.path);
                let recorded = self.record_at(entry.id, &path, commit, merge);
                self.path = path;
                recorded
            }
            EntryKind::Link => {
                self.history.symlinks += 1;
                true
            }
            EntryKind::Submodule => {
                self.history.submodules += 1;
                true
            }
            EntryKind::Other => true,
        };
        self.path.truncate(mark);
        complete
    }

    /// Records blob `oid` introduced at the current `path` by `commit`; false if the path
    /// filters leave it out.
    fn record_at(&mut self, oid: &RawId, path: &[u8], commit: u32, merge: bool) -> bool {
        let seen = self.history.index_of.contains_key(oid);
        if seen && merge {
            return true;
        }
        if !(self.include)(&display_path(path)) {
            return false;
        }
        let path = self.intern(path);
        self.record(oid, path, commit, merge);
        true
    }

    /// Records a place of blob `oid` (whose path is already admitted).
    fn record(&mut self, oid: &RawId, path: u32, commit: u32, merge: bool) {
        let place = Place {
            commit,
            path,
            renamed_from: self.moved_from.get(&path).copied(),
        };
        match self.history.index_of.get(oid) {
            Some(&blob) => {
                if merge {
                    return;
                }
                self.history.blobs[blob as usize].places += 1;
                if self.keep_later_places {
                    self.history.later.push((blob, place));
                }
            }
            None => {
                self.history
                    .index_of
                    .insert(*oid, self.history.blobs.len() as u32);
                self.history.blobs.push(WalkedBlob {
                    oid: ids::oid(oid),
                    first: place,
                    places: 1,
                });
            }
        }
    }

    fn intern(&mut self, path: &[u8]) -> u32 {
        if let Some(&id) = self.path_ids.get(path) {
            return id;
        }
        let id = self.history.paths.len() as u32;
        self.history.paths.push(display_path(path));
        self.path_ids.insert(path.into(), id);
        id
    }

    /// For ranges: notes the files a commit moves, so a file moved inside the range is
    /// compared with its path before the range (followed through several moves).
    fn follow_renames(&mut self, old: Option<Oid>, new: Oid) {
        let old = old.and_then(|old| self.repo.find_tree(old).ok());
        let Ok(new) = self.repo.find_tree(new) else {
            return;
        };
        let mut options = git2::DiffOptions::new();
        options.skip_binary_check(true);
        let Ok(mut diff) =
            self.repo
                .diff_tree_to_tree(old.as_ref(), Some(&new), Some(&mut options))
        else {
            return;
        };
        let mut find = git2::DiffFindOptions::new();
        find.renames(true);
        if diff.find_similar(Some(&mut find)).is_err() {
            return;
        }
        for delta in diff.deltas() {
            if delta.status() != git2::Delta::Renamed {
                continue;
            }
            let (Some(from), Some(to)) =
                (delta.old_file().path_bytes(), delta.new_file().path_bytes())
            else {
                continue;
            };
            let (from, to) = (self.intern(from), self.intern(to));
            let origin = self.moved_from.get(&from).copied().unwrap_or(from);
            self.moved_from.insert(to, origin);
        }
    }

    fn object_error(&mut self, id: &RawId, what: &str, err: &git2::Error) {
        self.history.errors.push(SourceError {
            path: format!("{what} {}", hex(id)),
            message: format!("cannot read it: {}", err.message()),
        });
    }
}

/// How many first bytes `a` and `b` share.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let len = a.len().min(b.len());
    let mut at = 0;
    // Eight bytes at a time (the first differing byte is the lowest differing bit's), then byte
    // by byte.
    while at + 8 <= len {
        let differ = word(a, at) ^ word(b, at);
        if differ != 0 {
            return at + (differ.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    while at < len && a[at] == b[at] {
        at += 1;
    }
    at
}

/// The length of the longest common suffix of `a` and `b`.
fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    let len = a.len().min(b.len());
    let (a_end, b_end) = (a.len(), b.len());
    let mut same = 0;
    while same + 8 <= len {
        let differ = word(a, a_end - same - 8) ^ word(b, b_end - same - 8);
        if differ != 0 {
            return same + (differ.leading_zeros() / 8) as usize;
        }
        same += 8;
    }
    while same < len && a[a_end - same - 1] == b[b_end - same - 1] {
        same += 1;
    }
    same
}

/// The eight bytes of `bytes` from `at`, as a little-endian word (byte `at` lowest).
fn word(bytes: &[u8], at: usize) -> u64 {
    let mut word = [0u8; 8];
    word.copy_from_slice(&bytes[at..at + 8]);
    u64::from_le_bytes(word)
}

/// Where the tree entry whose id is `id` ends in `tree`, the tree's bytes that hold it.
fn end_in(tree: &[u8], id: &RawId) -> usize {
    id.as_ptr() as usize - tree.as_ptr() as usize + id.len()
}

/// A short hex id for messages.
fn hex(id: &RawId) -> String {
    id[..6].iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_prefix_and_suffix_agree_with_a_byte_by_byte_count() {
        let naive_prefix = |a: &[u8], b: &[u8]| a.iter().zip(b).take_while(|(x, y)| x == y).count();
        let naive_suffix = |a: &[u8], b: &[u8]| {
            a.iter()
                .rev()
                .zip(b.iter().rev())
                .take_while(|(x, y)| x == y)
                .count()
        };
        let base: Vec<u8> = (0..100u8).map(|i| i.wrapping_mul(37)).collect();
        for len in [0, 1, 7, 8, 9, 15, 16, 17, 63, 100] {
            for at in 0..len {
                let a = &base[..len];
                let mut b = a.to_vec();
                b[at] ^= 0x40;
                assert_eq!(common_prefix(a, &b), naive_prefix(a, &b), "{len} {at}");
                assert_eq!(common_suffix(a, &b), naive_suffix(a, &b), "{len} {at}");
                // Of different lengths: one with bytes added in front, or at the end.
                let longer: Vec<u8> = [&[1, 2, 3][..], &b].concat();
                assert_eq!(common_suffix(a, &longer), naive_suffix(a, &longer));
                assert_eq!(common_prefix(&b, a), naive_prefix(&b, a));
            }
            assert_eq!(common_prefix(&base[..len], &base[..len]), len);
            assert_eq!(common_suffix(&base[..len], &base[..len]), len);
        }
    }

    #[test]
    fn folders_sort_as_if_their_names_ended_in_a_slash() {
        // git sorts `a.txt` < `a/` (as `a/`) < `a0`: '.' < '/' < '0'.
        assert_eq!(entry_order(b"a.txt", false, b"a", true), Ordering::Less);
        assert_eq!(entry_order(b"a", true, b"a0", false), Ordering::Less);
        assert_eq!(entry_order(b"a", false, b"a.txt", false), Ordering::Less);
        assert_eq!(entry_order(b"a", true, b"a", true), Ordering::Equal);
        // A file and a folder of the same name are different entries.
        assert_ne!(entry_order(b"a", false, b"a", true), Ordering::Equal);
    }
}
