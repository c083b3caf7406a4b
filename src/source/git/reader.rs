//! Reading blobs, one repository handle per thread (`git2::Repository` is `Send`, not `Sync`).

use std::path::Path;

use git2::{Blob, ObjectType, Oid, Repository};

use super::GitError;
use crate::source::read::is_binary;
use crate::source::ReadOutcome;

/// A thread's handle on the repository's objects.
pub struct BlobReader {
    repo: Repository,
}

impl BlobReader {
    /// Opens the repository whose git folder is `git_dir` (`Repository::path()`).
    pub fn open(git_dir: &Path) -> Result<BlobReader, GitError> {
        Repository::open(git_dir)
            .map(|repo| BlobReader { repo })
            .map_err(|err| GitError::NotARepository {
                path: git_dir.to_path_buf(),
                message: err.message().to_string(),
            })
    }

    /// Wraps an already open repository.
    pub fn from_repository(repo: Repository) -> BlobReader {
        BlobReader { repo }
    }

    /// Reads a blob under the same limits as a file: its size is checked from the object header
    /// before it is inflated, and a NUL in its first 8 KiB makes it binary, unless it is an
    /// archive and `archives` are opened.
    pub fn read(
        &self,
        oid: Oid,
        max_size: u64,
        archives: bool,
    ) -> Result<(ReadOutcome, Option<Blob<'_>>), git2::Error> {
        let (size, kind) = self.repo.odb()?.read_header(oid)?;
        if kind != ObjectType::Blob {
            return Err(git2::Error::from_str(&format!(
                "object {oid} is a {kind}, not a blob"
            )));
        }
        if size as u64 > max_size {
            return Ok((ReadOutcome::TooLarge, None));
        }
        let blob = self.repo.find_blob(oid)?;
        if is_binary(blob.content(), archives) {
            return Ok((ReadOutcome::Binary, None));
        }
        Ok((ReadOutcome::Text, Some(blob)))
    }

    /// The repository, for lookups beyond blobs.
    pub fn repo(&self) -> &Repository {
        &self.repo
    }
}
