//! Sources: where blobs come from. Each source reads its inputs, applies the limits every input
//! is held to (size, binary content), and hands each blob, each skip and each error to a
//! `Sink`. Sources never match; sinks read only what is too long to hand over whole
//! (`Sink::stream`).
//!
//! An archive is binary, but it is not skipped when archives are opened: sources look for an
//! archive's first bytes before the binary check and hand the whole archive on as a blob, and
//! [`archive::expand`] turns it into the text blobs it holds.

pub(crate) mod archive;
pub(crate) mod diff;
mod fs;
pub mod git;
pub(crate) mod read;
mod stdin;
mod utf16;

use std::fmt;

pub use archive::{expand, ArchiveCounts, ArchiveLimits, Expansion};
pub(crate) use archive::{expand_placed, is_archive, is_expanded, Embedded, EntryPath, Placed};
pub(crate) use archive::{human_size, WARNINGS_LISTED};
pub(crate) use fs::{read_one, shown_path, walk, PathFilter, PathGlobs, WalkOptions};
pub(crate) use read::{is_regular_file, read_regular_file, ReadLimits, BINARY_PROBE_LEN};
pub(crate) use stdin::{read_stdin, STDIN_PATH};
pub(crate) use utf16::{decode_utf16, is_utf16_text, utf8_reader};

/// One input's content, with the path it is shown under.
#[derive(Debug, Clone, Copy)]
pub struct Blob<'a> {
    /// The path as shown to the user (`src/app.py`, `<stdin>`).
    pub path: &'a str,
    /// The content.
    pub bytes: &'a [u8],
}

/// Why an input was not scanned (named in snake_case where it is stored, as in JSON stats).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub(crate) enum SkipReason {
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
    /// Left out by `.gitignore`, `.ignore` or `.git/info/exclude` (see `--no-ignore`); a
    /// folder counts once, whatever it holds.
    Ignored,
}

impl SkipReason {
    /// Every reason, in the order summaries list them.
    pub(crate) const ALL: [SkipReason; 6] = [
        SkipReason::Binary,
        SkipReason::TooLarge,
        SkipReason::Symlink,
        SkipReason::Special,
        SkipReason::Submodule,
        SkipReason::Ignored,
    ];

    /// A short phrase for people (`too large`).
    pub(crate) fn phrase(self) -> &'static str {
        match self {
            SkipReason::Binary => "binary",
            SkipReason::TooLarge => "too large",
            SkipReason::Symlink => "symlink",
            SkipReason::Special => "not a regular file",
            SkipReason::Submodule => "submodule",
            SkipReason::Ignored => "ignored by .gitignore/.ignore",
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
pub(crate) trait Sink {
    /// A blob to scan.
    fn blob(&mut self, blob: Blob<'_>);
    /// Text too long to hold whole, to be scanned from `input` in overlapping chunks (the one
    /// place a sink reads: the source could only hand it over whole, which is what the chunks
    /// avoid).
    fn stream(&mut self, path: &str, input: &mut dyn std::io::Read);
    /// Something about an input the user must hear that does not make the scan fail (an
    /// archive too large to open).
    fn warning(&mut self, warning: SourceError);
    /// One hunk of a unified diff, to be scanned from its reader (the hunk's new side); only
    /// what starts on a line it adds ([`diff::Hunk::adds`]) is to be reported.
    fn hunk(&mut self, hunk: &mut diff::Hunk<'_>);
    /// Something worth knowing about how an input was read (standard input taken for a diff).
    fn note(&mut self, note: String);
    /// An input that was left out, and why.
    fn skipped(&mut self, path: &str, reason: SkipReason);
    /// An input that could not be read.
    fn error(&mut self, error: SourceError);
}
