//! Sources: where blobs come from. Each source reads its inputs, applies the limits every input
//! is held to (size, binary content), and hands each blob, each skip and each error to a
//! [`Sink`]. Sources never match; sinks never read.
//!
//! An archive is binary, but it is not skipped when archives are opened: sources look for an
//! archive's first bytes before the binary check and hand the whole archive on as a blob, and
//! [`archive::expand`] turns it into the text blobs it holds.

pub mod archive;
mod fs;
pub mod git;
mod read;
mod stdin;
mod utf16;

use std::fmt;

pub use archive::{expand, is_archive, ArchiveCounts, ArchiveLimits, Expansion};
pub(crate) use archive::{human_size, WARNINGS_LISTED};
pub use fs::{walk, PathFilter, PathGlobs, WalkOptions};
pub use read::{is_regular_file, read_blob, read_regular_file, ReadOutcome, BINARY_PROBE_LEN};
pub use stdin::{read_stdin, STDIN_PATH};
pub use utf16::{decode_utf16, is_utf16_text};

/// One input's content, with the path it is shown under.
#[derive(Debug, Clone, Copy)]
pub struct Blob<'a> {
    /// The path as shown to the user (`src/app.py`, `<stdin>`).
    pub path: &'a str,
    /// The content.
    pub bytes: &'a [u8],
}

/// Why an input was not scanned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SkipReason {
    /// A NUL byte in the first 8 KiB.
    Binary,
    /// Larger than the size limit.
    TooLarge,
    /// A symbolic link, not followed (see `--follow-symlinks`).
    Symlink,
    /// A FIFO, socket or device: never opened, so the scan cannot block on it.
    Special,
    /// A git submodule: its commits live in another repository and are not followed.
    Submodule,
}

impl SkipReason {
    /// Every reason, in the order summaries list them.
    pub const ALL: [SkipReason; 5] = [
        SkipReason::Binary,
        SkipReason::TooLarge,
        SkipReason::Symlink,
        SkipReason::Special,
        SkipReason::Submodule,
    ];

    /// The snake_case name used in JSON stats.
    pub fn key(self) -> &'static str {
        match self {
            SkipReason::Binary => "binary",
            SkipReason::TooLarge => "too_large",
            SkipReason::Symlink => "symlink",
            SkipReason::Special => "special",
            SkipReason::Submodule => "submodule",
        }
    }

    /// A short phrase for people (`too large`).
    pub fn phrase(self) -> &'static str {
        match self {
            SkipReason::Binary => "binary",
            SkipReason::TooLarge => "too large",
            SkipReason::Symlink => "symlink",
            SkipReason::Special => "not a regular file",
            SkipReason::Submodule => "submodule",
        }
    }
}

/// An input that could not be read; the scan goes on without it. Warnings about archives (a
/// bomb, a corrupt stream) have the same shape, naming the archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceError {
    /// The path that failed, as shown to the user.
    pub path: String,
    /// What went wrong.
    pub message: String,
}

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Receives what a source produces. One sink per thread; merge results when it is dropped.
pub trait Sink {
    /// A blob to scan.
    fn blob(&mut self, blob: Blob<'_>);
    /// An input that was left out, and why.
    fn skipped(&mut self, path: &str, reason: SkipReason);
    /// An input that could not be read.
    fn error(&mut self, error: SourceError);
}
