//! git as a source: the blobs of a repository's history, of a range of commits, or of the
//! staged index, each with the commit and path that introduced it.
//!
//! [`walk`](fn@walk) finds which blobs a history introduces and where each was first introduced;
//! `pack` reads a repository's packs whole, each blob once, in delta order; a `BlobReader`
//! per thread reads single blobs (what the packs do not hold, the staged index).

pub(crate) mod ids;
mod object;
pub(crate) mod pack;
mod reader;
mod staged;
mod walk;

use std::fmt;
use std::path::{Path, PathBuf};

use git2::{Oid, Repository, Time};
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

pub(crate) use reader::{BlobRead, BlobReader};
pub(crate) use staged::{staged_changes, unstaged_paths, StagedChange, Unstaged};
pub(crate) use walk::walk_in;
pub(crate) use walk::{check_selection, Place, WalkedCommit};
pub use walk::{walk, CommitRead, History, Selection, WalkOptions, WalkedBlob};

/// The commit a blob was introduced by, as reported with a finding.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct CommitInfo {
    /// Full hex id.
    pub id: String,
    /// Author name.
    pub author: String,
    /// Author email.
    pub email: String,
    /// Author date, RFC 3339 with the author's offset.
    pub date: String,
    /// First line of the message.
    pub summary: String,
}

impl CommitInfo {
    /// Reads the fields of `commit`.
    pub(crate) fn of(commit: &git2::Commit<'_>) -> CommitInfo {
        let author = commit.author();
        CommitInfo {
            id: commit.id().to_string(),
            author: String::from_utf8_lossy(author.name_bytes()).into_owned(),
            email: String::from_utf8_lossy(author.email_bytes()).into_owned(),
            date: rfc3339(author.when()),
            summary: commit
                .summary_bytes()
                .map(|bytes| String::from_utf8_lossy(bytes).into_owned())
                .unwrap_or_default(),
        }
    }
}

impl CommitInfo {
    /// What is reported for a ref that points straight at a tree or blob: the tag's tagger,
    /// date and message when it is an annotated tag (`id` is then the tag object's), else the
    /// ref's name.
    pub(crate) fn of_ref(repo: &Repository, name: &str, id: Oid) -> CommitInfo {
        match repo.find_tag(id) {
            Ok(tag) => {
                let tagger = tag.tagger();
                CommitInfo {
                    id: id.to_string(),
                    author: tagger
                        .as_ref()
                        .map(|who| String::from_utf8_lossy(who.name_bytes()).into_owned())
                        .unwrap_or_default(),
                    email: tagger
                        .as_ref()
                        .map(|who| String::from_utf8_lossy(who.email_bytes()).into_owned())
                        .unwrap_or_default(),
                    date: tagger.map(|who| rfc3339(who.when())).unwrap_or_default(),
                    summary: format!("{name} (a tag of a {})", target_kind(&tag)),
                }
            }
            Err(_) => CommitInfo {
                id: id.to_string(),
                summary: format!("{name} (a ref to a tree or blob)"),
                ..CommitInfo::default()
            },
        }
    }
}

fn target_kind(tag: &git2::Tag<'_>) -> &'static str {
    match tag.target_type() {
        Some(git2::ObjectType::Blob) => "blob",
        Some(git2::ObjectType::Tree) => "tree",
        _ => "tag",
    }
}

/// Whether `repo` is a partial clone (`git clone --filter=...`): objects its promisor remote
/// holds may be absent, by design.
pub(crate) fn is_partial_clone(repo: &Repository) -> bool {
    let Ok(config) = repo.config() else {
        return false;
    };
    if config.get_string("extensions.partialclone").is_ok() {
        return true;
    }
    let Ok(mut entries) = config.entries(Some(r"remote\..*\.promisor")) else {
        return false;
    };
    let mut promisor = false;
    while let Some(Ok(entry)) = entries.next() {
        promisor |= entry.value().ok().is_some_and(|value| {
            matches!(
                value.to_ascii_lowercase().as_str(),
                "true" | "yes" | "on" | "1"
            )
        });
    }
    promisor
}

/// Turns off what libgit2 does on every read that git itself does not: hashing each object
/// again to check its id, and keeping objects in a cache of its own (a history scan reads each
/// object once, and the cache only grows). Process-wide; reading stays as safe as git's own.
pub(crate) fn read_without_checks() {
    git2::opts::strict_hash_verification(false);
    git2::opts::enable_caching(false);
    // libgit2 maps pack files in windows of up to 1 GiB and keeps up to 8 GiB mapped; every
    // page the walk touches then counts as the process's memory. Small windows and a low limit
    // keep that to a few megabytes at no measurable cost (the packs' blobs are read apart from
    // libgit2, see `pack`). Set before any other thread uses libgit2, as these settings require.
    // SAFETY: no other thread is using libgit2 while a scan is being set up.
    unsafe {
        let _ = git2::opts::set_mwindow_size(4 << 20);
        let _ = git2::opts::set_mwindow_mapped_limit(32 << 20);
    }
}

/// A git time as RFC 3339 in its own offset (`2024-03-01T12:00:00+01:00`).
fn rfc3339(when: Time) -> String {
    let offset =
        UtcOffset::from_whole_seconds(when.offset_minutes() * 60).unwrap_or(UtcOffset::UTC);
    OffsetDateTime::from_unix_timestamp(when.seconds())
        .ok()
        .map(|at| at.to_offset(offset))
        .and_then(|at| at.format(&Rfc3339).ok())
        .unwrap_or_else(|| format!("@{}", when.seconds()))
}

/// Opens the repository at or above `path` (a work tree or a bare repository).
pub(crate) fn open(path: &Path) -> Result<Repository, GitError> {
    Repository::discover(path).map_err(|err| GitError::NotARepository {
        path: path.to_path_buf(),
        message: err.message().to_string(),
    })
}

/// A repository-level failure: the whole git scan cannot go on.
#[derive(Debug)]
pub enum GitError {
    /// `path` holds no repository.
    NotARepository {
        /// The path given.
        path: PathBuf,
        /// What libgit2 said.
        message: String,
    },
    /// A revision given on the command line does not resolve.
    BadRevision {
        /// The revision as given.
        revision: String,
        /// What libgit2 said.
        message: String,
    },
    /// Another repository-wide failure (reading refs, the index, HEAD).
    Repository {
        /// What was being done.
        action: String,
        /// What libgit2 said.
        message: String,
    },
}

impl fmt::Display for GitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GitError::NotARepository { path, message } => {
                write!(f, "{} is not a git repository: {message}", path.display())
            }
            GitError::BadRevision { revision, message } => {
                write!(f, "unknown revision `{revision}`: {message}")
            }
            GitError::Repository { action, message } => write!(f, "cannot {action}: {message}"),
        }
    }
}

impl std::error::Error for GitError {}

impl GitError {
    fn repository(action: &str, err: &git2::Error) -> GitError {
        GitError::Repository {
            action: action.to_string(),
            message: err.message().to_string(),
        }
    }
}

/// A git path (bytes) as shown to the user.
fn display_path(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A short object id for messages.
fn short(oid: Oid) -> String {
    oid.to_string()[..12].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_keep_the_author_offset() {
        assert_eq!(rfc3339(Time::new(0, 0)), "1970-01-01T00:00:00Z");
        assert_eq!(
            rfc3339(Time::new(1_709_290_800, 60)),
            "2024-03-01T12:00:00+01:00"
        );
        assert_eq!(
            rfc3339(Time::new(1_709_290_800, -330)),
            "2024-03-01T05:30:00-05:30"
        );
    }
}
