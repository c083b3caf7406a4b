//! Is a secret still at HEAD, and if not, which commit took it out?
//!
//! The history scan says where each secret was written; this module asks the repository what
//! became of it. Both answers come from the blobs themselves, read with the scan's own limits and
//! matched with the scan's own rules, so "present" means what a scan of HEAD would find:
//!
//! - **Present**: HEAD's tree holds a blob at the place's path that holds the secret (its lines
//!   there are kept).
//! - **Removed**: walking HEAD's first-parent line back from HEAD, the first commit whose parent
//!   held the secret at the path is the commit that took it out. Each step is one tree diff
//!   limited to the paths still unresolved, and a blob is matched once however often it recurs,
//!   so the walk costs about what `git log --first-parent -- PATHS` costs, and it stops as soon
//!   as every place is resolved. A place the first-parent line never held (a branch never
//!   merged, or a secret that came and went inside a merged branch) stays without a removal.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use git2::{Commit, DiffOptions, ErrorCode, ObjectType, Oid, Repository};

use super::record::CommitRecord;
use crate::config::ScanConfig;
use crate::engine::Matcher;
use crate::pipeline::findings_in_input;
use crate::source::git::BlobRead;
use crate::source::git::{BlobReader, CommitInfo, GitError};

/// What HEAD says about the places of one repository.
#[derive(Debug, Default)]
pub(crate) struct HeadState {
    /// The commit HEAD is at; `None` for a repository with no commit.
    pub head: Option<CommitRecord>,
    /// The branch HEAD names, unless detached.
    pub branch: Option<String>,
    /// For each (path, fingerprint) asked about: where HEAD holds it, or what removed it.
    pub places: HashMap<(String, String), AtHead>,
}

/// One place at HEAD.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum AtHead {
    /// HEAD holds it, on these lines.
    Present(Vec<usize>),
    /// HEAD does not hold it; the commit of HEAD's first-parent line that took it out, if that
    /// line ever held it there.
    Removed(Option<CommitRecord>),
}

/// Finds, for every path of `wanted` and each fingerprint wanted at it, whether HEAD of the
/// repository at `repo` holds it, and if not, which commit removed it.
pub(crate) fn check(
    repo: &Path,
    config: &ScanConfig,
    wanted: &BTreeMap<String, BTreeSet<String>>,
) -> Result<HeadState, GitError> {
    let repository = crate::source::git::open(repo)?;
    let mut state = HeadState::default();
    let Some((commit, branch)) = head_of(&repository)? else {
        // An unborn HEAD (no commit yet) holds nothing.
        for (path, fingerprints) in wanted {
            for fingerprint in fingerprints {
                let place = (path.clone(), fingerprint.clone());
                state.places.insert(place, AtHead::Removed(None));
            }
        }
        return Ok(state);
    };
    state.head = Some(commit_record(&commit));
    state.branch = branch;
    let reader = BlobReader::from_repository(crate::source::git::open(repo)?);
    let mut blobs = BlobSecrets::new(&reader, config);
    let tree = commit.tree().map_err(|err| GitError::Repository {
        action: "read HEAD's tree".into(),
        message: err.message().to_string(),
    })?;
    let mut unresolved: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (path, fingerprints) in wanted {
        let held = match tree.get_path(Path::new(path)) {
            Ok(entry) if entry.kind() == Some(ObjectType::Blob) => blobs.of(entry.id(), path),
            _ => HashMap::new(),
        };
        for fingerprint in fingerprints {
            let place = (path.clone(), fingerprint.clone());
            match held.get(fingerprint) {
                Some(lines) => {
                    state.places.insert(place, AtHead::Present(lines.clone()));
                }
                None => {
                    unresolved.entry(place.0).or_default().insert(place.1);
                }
            }
        }
    }
    let removals = walk_back(&repository, commit, unresolved, &mut blobs);
    state.places.extend(removals);
    Ok(state)
}

/// The commit HEAD points at and the branch it names (none when detached); `None` for an
/// unborn HEAD.
fn head_of(repository: &Repository) -> Result<Option<(Commit<'_>, Option<String>)>, GitError> {
    let reference = match repository.head() {
        Ok(reference) => reference,
        Err(err) if matches!(err.code(), ErrorCode::UnbornBranch | ErrorCode::NotFound) => {
            return Ok(None)
        }
        Err(err) => {
            return Err(GitError::Repository {
                action: "read HEAD".into(),
                message: err.message().to_string(),
            })
        }
    };
    let commit = reference
        .peel_to_commit()
        .map_err(|err| GitError::Repository {
            action: "read the commit HEAD points at".into(),
            message: err.message().to_string(),
        })?;
    let branch = reference
        .is_branch()
        .then(|| reference.shorthand().ok().map(str::to_string))
        .flatten();
    Ok(Some((commit, branch)))
}

/// Walks HEAD's first-parent line back from `commit` until every (path, fingerprint) of
/// `unresolved` is found held by a parent; the child is the commit that removed it. Places the
/// line never held come back as removed by nothing known.
fn walk_back(
    repository: &Repository,
    mut commit: Commit<'_>,
    mut unresolved: BTreeMap<String, BTreeSet<String>>,
    blobs: &mut BlobSecrets<'_>,
) -> Vec<((String, String), AtHead)> {
    let mut resolved = Vec::new();
    while !unresolved.is_empty() {
        // A root commit, or a shallow clone's boundary: the line ends here.
        let Ok(parent) = commit.parent(0) else {
            break;
        };
        let (Ok(old), Ok(new)) = (parent.tree(), commit.tree()) else {
            break;
        };
        let mut options = DiffOptions::new();
        options
            .disable_pathspec_match(true)
            .skip_binary_check(true)
            .ignore_submodules(true);
        for path in unresolved.keys() {
            options.pathspec(path);
        }
        let Ok(diff) = repository.diff_tree_to_tree(Some(&old), Some(&new), Some(&mut options))
        else {
            break;
        };
        for delta in diff.deltas() {
            let before = delta.old_file();
            let Some(path) = before.path().and_then(Path::to_str) else {
                continue;
            };
            // Added here: the parent had nothing at the path.
            if before.id().is_zero() {
                continue;
            }
            let Some(fingerprints) = unresolved.get_mut(path) else {
                continue;
            };
            let held = blobs.of(before.id(), path);
            let removed: Vec<String> = fingerprints
                .iter()
                .filter(|fingerprint| held.contains_key(*fingerprint))
                .cloned()
                .collect();
            for fingerprint in removed {
                fingerprints.remove(&fingerprint);
                resolved.push((
                    (path.to_string(), fingerprint),
                    AtHead::Removed(Some(commit_record(&commit))),
                ));
            }
        }
        unresolved.retain(|_, fingerprints| !fingerprints.is_empty());
        commit = parent;
    }
    for (path, fingerprints) in unresolved {
        for fingerprint in fingerprints {
            resolved.push(((path.clone(), fingerprint), AtHead::Removed(None)));
        }
    }
    resolved
}

/// The secrets of blobs, by fingerprint with their lines, each blob matched once.
struct BlobSecrets<'a> {
    reader: &'a BlobReader,
    matcher: Matcher<'a>,
    config: &'a ScanConfig,
    seen: HashMap<Oid, HashMap<String, Vec<usize>>>,
}

impl<'a> BlobSecrets<'a> {
    fn new(reader: &'a BlobReader, config: &'a ScanConfig) -> BlobSecrets<'a> {
        let mut matcher = Matcher::new(&config.rules);
        matcher.decode(config.decode);
        BlobSecrets {
            reader,
            matcher,
            config,
            seen: HashMap::new(),
        }
    }

    /// The fingerprints of the secrets in blob `oid` (at `path`), each with its lines; none for
    /// a blob the scan would skip (binary, too large) or cannot read.
    fn of(&mut self, oid: Oid, path: &str) -> HashMap<String, Vec<usize>> {
        if let Some(known) = self.seen.get(&oid) {
            return known.clone();
        }
        let archives = self.config.archives.as_ref();
        let mut held: HashMap<String, Vec<usize>> = HashMap::new();
        if let Ok(BlobRead::Text(blob)) =
            self.reader
                .read(oid, self.config.max_file_size, archives.is_some())
        {
            for finding in findings_in_input(&mut self.matcher, path, blob.content(), archives) {
                let lines = held.entry(finding.fingerprint).or_default();
                if !lines.contains(&finding.line) {
                    lines.push(finding.line);
                }
            }
        }
        self.seen.insert(oid, held.clone());
        held
    }
}

/// A commit as records show it.
pub(crate) fn commit_record(commit: &Commit<'_>) -> CommitRecord {
    let info = CommitInfo::of(commit);
    CommitRecord {
        id: info.id,
        date: info.date,
        author: info.author,
        email: info.email,
        message: info.summary,
    }
}
