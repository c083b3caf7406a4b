//! Reading blobs, one repository handle per thread (`git2::Repository` is `Send`, not `Sync`).

use std::path::Path;

use git2::{Blob, ObjectType, Oid, Repository};

use super::GitError;
use crate::source::read::is_binary;
use crate::source::SkipReason;

/// What reading a blob gave: its bytes when it is text (or an archive to open), else why it was
/// left unread.
pub(crate) enum BlobRead<'r> {
    /// The blob, whole.
    Text(Blob<'r>),
    /// A NUL byte in its first 8 KiB, and not an archive to open.
    Binary,
    /// Larger than the size limit; not inflated.
    TooLarge,
}

impl<'r> BlobRead<'r> {
    /// The blob if it is text, else why it is not scanned.
    pub(crate) fn into_text(self) -> Result<Blob<'r>, SkipReason> {
        match self {
            BlobRead::Text(blob) => Ok(blob),
            BlobRead::Binary => Err(SkipReason::Binary),
            BlobRead::TooLarge => Err(SkipReason::TooLarge),
        }
    }
}

/// A thread's handle on the repository's objects.
pub(crate) struct BlobReader {
    repo: Repository,
}

impl BlobReader {
    /// Opens the repository whose git folder is `git_dir` (`Repository::path()`).
    pub(crate) fn open(git_dir: &Path) -> Result<BlobReader, GitError> {
        Repository::open(git_dir)
            .map(|repo| BlobReader { repo })
            .map_err(|err| GitError::NotARepository {
                path: git_dir.to_path_buf(),
                message: err.message().to_string(),
            })
    }

    /// Wraps an already open repository.
    pub(crate) fn from_repository(repo: Repository) -> BlobReader {
        BlobReader { repo }
    }

    /// Reads a blob under the same limits as a file: its size is checked from the object header
    /// before it is inflated, and a NUL in its first 8 KiB makes it binary, unless it is an
    /// archive and `archives` are opened.
    pub(crate) fn read(
        &self,
        oid: Oid,
        max_size: u64,
        archives: bool,
    ) -> Result<BlobRead<'_>, git2::Error> {
        let (size, kind) = self.repo.odb()?.read_header(oid)?;
        if kind != ObjectType::Blob {
            return Err(git2::Error::from_str(&format!(
                "object {oid} is a {kind}, not a blob"
            )));
        }
        if size as u64 > max_size {
            return Ok(BlobRead::TooLarge);
        }
        let blob = self.repo.find_blob(oid)?;
        if is_binary(blob.content(), archives) {
            return Ok(BlobRead::Binary);
        }
        Ok(BlobRead::Text(blob))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_blob_reads_as_text_with_its_bytes_or_as_the_reason_it_is_not_scanned() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init_bare(dir.path()).unwrap();
        let text = repo.blob(b"token = 1234\n").unwrap();
        let binary = repo.blob(b"\0\x01\x02 not text").unwrap();
        let reader = BlobReader::from_repository(repo);
        let read = |oid, max_size| reader.read(oid, max_size, false).unwrap().into_text();
        assert_eq!(
            read(text, 100).map(|blob| blob.content().to_vec()),
            Ok(b"token = 1234\n".to_vec())
        );
        assert_eq!(read(text, 5).err(), Some(SkipReason::TooLarge));
        assert_eq!(read(binary, 100).err(), Some(SkipReason::Binary));
    }
}
