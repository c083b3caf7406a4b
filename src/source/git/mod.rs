//! git as a source: the blobs of a repository's history, of a range of commits, or of the
//! staged index, each with the commit and path that introduced it.
//!
//! Enumeration walks the commit graph once, oldest first, and diffs each commit's tree against
//! its first parent's: only changed entries are looked at, and identical subtrees are skipped by
//! id. Each blob is recorded once, at the first (oldest) commit and path that introduced it, and
//! every later place it is introduced only adds to its count. The plan this produces is
//! proportional to the number of distinct blobs, not to the length of history; the blobs
//! themselves are read later, in parallel, by a [`BlobReader`] per thread.

mod history;
mod reader;
mod staged;

use std::fmt;
use std::path::{Path, PathBuf};

use git2::{Oid, Repository, Time};
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

pub use history::{enumerate, Introduction, Plan, PlannedBlob, Selection};
pub use reader::BlobReader;
pub use staged::{staged_changes, unstaged_paths, StagedChange, Unstaged};

/// The commit a blob was introduced by, as reported with a finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitInfo {
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
    pub fn of(commit: &git2::Commit<'_>) -> CommitInfo {
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
pub fn open(path: &Path) -> Result<Repository, GitError> {
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
